//! A single semantic version: parsing (strict and lenient), printing and ordering.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::Error;

/// The pieces of a version as Masterminds' `looseSemVerRegex` captures them (anchored: what
/// `NewVersion` accepts): `v?MAJOR(.MINOR)?(.PATCH)?(-PRE)?(+META)?`, where PRE and META are
/// dot-separated runs of `[0-9A-Za-z-]`. Each optional part starts with its own character, so
/// matching left to right without backtracking accepts exactly what the pattern accepts.
struct LooseParts<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: &'a str,
    metadata: &'a str,
}

impl<'a> LooseParts<'a> {
    fn split(s: &'a str) -> Option<Self> {
        let mut rest = s.strip_prefix('v').unwrap_or(s);
        let major = take_while_nonempty(&mut rest, |b| b.is_ascii_digit())?;
        let minor = take_dotted_number(&mut rest);
        let patch = minor.and_then(|_| take_dotted_number(&mut rest));
        let pre = match rest.strip_prefix('-') {
            Some(r) => {
                rest = r;
                take_identifiers(&mut rest)?
            }
            None => "",
        };
        let metadata = match rest.strip_prefix('+') {
            Some(r) => {
                rest = r;
                take_identifiers(&mut rest)?
            }
            None => "",
        };
        rest.is_empty().then_some(LooseParts {
            major,
            minor,
            patch,
            pre,
            metadata,
        })
    }
}

/// Takes the longest non-empty prefix of `rest` whose bytes satisfy `ok`.
fn take_while_nonempty<'a>(rest: &mut &'a str, ok: impl Fn(u8) -> bool) -> Option<&'a str> {
    let n = rest.bytes().take_while(|&b| ok(b)).count();
    if n == 0 {
        return None;
    }
    let (taken, tail) = rest.split_at(n);
    *rest = tail;
    Some(taken)
}

/// Takes `.DIGITS` and returns the digits, or leaves `rest` alone.
fn take_dotted_number<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let mut tail = rest.strip_prefix('.')?;
    let digits = take_while_nonempty(&mut tail, |b| b.is_ascii_digit())?;
    *rest = tail;
    Some(digits)
}

/// Takes `IDENT(.IDENT)*` with identifiers of `[0-9A-Za-z-]`.
fn take_identifiers<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let start = *rest;
    take_while_nonempty(rest, is_ident)?;
    while let Some(mut tail) = rest.strip_prefix('.') {
        if take_while_nonempty(&mut tail, is_ident).is_none() {
            break;
        }
        *rest = tail;
    }
    Some(&start[..start.len() - rest.len()])
}

const ALLOWED_IDENT: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

/// A semantic version, as Masterminds' `*semver.Version`.
///
/// Equality and ordering ignore build metadata, as `Equal` and `Compare` do; use
/// [`Version::original`] or [`Version::metadata`] to tell such versions apart.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

impl Version {
    /// Parses `s` leniently, as `semver.NewVersion` (with its default coercion): a leading `v`,
    /// missing minor or patch (`1`, `1.2` mean `1.0.0`, `1.2.0`) and leading zeros are accepted.
    pub fn parse(s: &str) -> Result<Version, Error> {
        let parts = LooseParts::split(s).ok_or(Error::InvalidSemVer)?;
        let segment = |digits: Option<&str>| digits.map_or(Ok(0), |d| parse_u64(d, true));
        let major = segment(Some(parts.major))?;
        let minor = segment(parts.minor)?;
        let patch = segment(parts.patch)?;
        let pre = parts.pre.to_owned();
        let metadata = parts.metadata.to_owned();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: s.to_owned(),
        })
    }

    /// Parses `s` as a strictly valid semantic version (`semver.StrictNewVersion`): exactly
    /// `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`, no leading zeros.
    pub fn parse_strict(s: &str) -> Result<Version, Error> {
        if s.is_empty() {
            return Err(Error::EmptyString);
        }
        let mut parts: Vec<&str> = s.splitn(3, '.').collect();
        if parts.len() != 3 {
            return Err(Error::InvalidSemVer);
        }
        let mut metadata = "";
        if let Some((rest, meta)) = parts[2].split_once('+') {
            metadata = meta;
            parts[2] = rest;
            validate_metadata(metadata)?;
        }
        let mut pre = "";
        if let Some((rest, p)) = parts[2].split_once('-') {
            pre = p;
            parts[2] = rest;
            validate_prerelease(pre)?;
        }
        for p in &parts {
            if !p.chars().all(|c| c.is_ascii_digit()) {
                return Err(Error::InvalidCharacters);
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err(Error::SegmentStartsZero);
            }
        }
        Ok(Version {
            major: parse_u64(parts[0], false)?,
            minor: parse_u64(parts[1], false)?,
            patch: parse_u64(parts[2], false)?,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: s.to_owned(),
        })
    }

    /// Builds a version from its parts (`semver.New`); the prerelease and metadata are not
    /// validated, and the original text is the canonical form.
    pub fn new(major: u64, minor: u64, patch: u64, pre: &str, metadata: &str) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: pre.to_owned(),
            metadata: metadata.to_owned(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number.
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number.
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease, without its `-` (empty if none).
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+` (empty if none).
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text this version was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Compares by major, minor, patch, then prerelease (a release is greater than any of its
    /// prereleases); metadata is ignored (`Version.Compare`).
    pub fn compare(&self, other: &Version) -> Ordering {
        let by_numbers =
            (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch));
        if by_numbers != Ordering::Equal {
            return by_numbers;
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &other.pre),
        }
    }

    /// The next patch version (`IncPatch`): a prerelease version drops its prerelease and
    /// keeps its patch number. `None` if the number would overflow.
    pub fn inc_patch(&self) -> Option<Version> {
        let patch = if self.pre.is_empty() {
            self.patch.checked_add(1)?
        } else {
            self.patch
        };
        Some(self.next(self.major, self.minor, patch))
    }

    /// The next minor version (`IncMinor`). `None` if the number would overflow.
    pub fn inc_minor(&self) -> Option<Version> {
        Some(self.next(self.major, self.minor.checked_add(1)?, 0))
    }

    /// The next major version (`IncMajor`). `None` if the number would overflow.
    pub fn inc_major(&self) -> Option<Version> {
        Some(self.next(self.major.checked_add(1)?, 0, 0))
    }

    /// A release version with these numbers whose original text keeps this one's `v` prefix.
    fn next(&self, major: u64, minor: u64, patch: u64) -> Version {
        let mut v = Version::new(major, minor, patch, "", "");
        if self.original.starts_with('v') {
            v.original.insert(0, 'v');
        }
        v
    }
}

impl fmt::Display for Version {
    /// The canonical form `MAJOR.MINOR.PATCH[-PRE][+META]`, without any `v` (`String()`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = Error;

    /// Same as [`Version::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

/// Parses a run of ASCII digits as Go's `strconv.ParseUint(s, 10, 64)` would, failing only on
/// overflow.
fn parse_u64(digits: &str, wrapped: bool) -> Result<u64, Error> {
    digits.parse().map_err(|_| Error::SegmentOutOfRange {
        segment: digits.to_owned(),
        wrapped,
    })
}

/// Compares two prereleases identifier by identifier (`comparePrerelease`).
pub(crate) fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let x = ap.get(i).copied().unwrap_or("");
        let y = bp.get(i).copied().unwrap_or("");
        let d = compare_pre_part(x, y);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// Compares two prerelease identifiers: a missing one is smaller, numbers compare numerically
/// and sort before words, words compare as bytes.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

fn validate_prerelease(p: &str) -> Result<(), Error> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(Error::InvalidPrerelease);
        } else if part.chars().all(|c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(Error::SegmentStartsZero);
            }
        } else if !part.chars().all(|c| ALLOWED_IDENT.contains(c)) {
            return Err(Error::InvalidPrerelease);
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), Error> {
    for part in m.split('.') {
        if part.is_empty() || !part.chars().all(|c| ALLOWED_IDENT.contains(c)) {
            return Err(Error::InvalidMetadata);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    /// Every string of up to six characters over the pattern's interesting alphabet splits
    /// exactly as Masterminds' `looseSemVerRegex` captures it.
    #[test]
    fn loose_parts_agree_with_mastermindss_pattern() {
        let pattern = regex_lite::Regex::new(
            r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
        )
        .unwrap();
        let alphabet = ['v', '0', '7', '.', '-', '+', 'a', '_'];
        let mut word = Vec::new();
        let mut checked = 0;
        loop {
            let s: String = word.iter().map(|&i| alphabet[i]).collect();
            let ours =
                LooseParts::split(&s).map(|p| (p.major, p.minor, p.patch, p.pre, p.metadata));
            let theirs = pattern.captures(&s).map(|m| {
                let group = |i: usize| m.get(i).map(|g| g.as_str());
                (
                    group(1).unwrap_or(""),
                    group(2).map(|g| &g[1..]),
                    group(3).map(|g| &g[1..]),
                    group(5).unwrap_or(""),
                    group(8).unwrap_or(""),
                )
            });
            assert_eq!(ours, theirs, "{s:?}");
            checked += 1;
            // Next word in length-then-lexicographic order.
            let mut i = word.len();
            loop {
                if i == 0 {
                    word.insert(0, 0);
                    break;
                }
                i -= 1;
                word[i] += 1;
                if word[i] < alphabet.len() {
                    break;
                }
                word[i] = 0;
            }
            if word.len() > 6 {
                break;
            }
        }
        assert_eq!(
            checked,
            (0..=6).map(|n| alphabet.len().pow(n)).sum::<usize>()
        );
    }

    #[test]
    fn lenient_parsing_from_masterminds_tests() {
        // TestNewVersion rows: (input, error expected)
        let rows = [
            ("1.2.3", false),
            ("1.2.3-alpha.01", true),
            ("1.2.3+test.01", false),
            ("1.2.3-alpha.-1", false),
            ("v1.2.3", false),
            ("1.0", false),
            ("v1.0", false),
            ("1", false),
            ("v1", false),
            ("1.2.beta", true),
            ("v1.2.beta", true),
            ("foo", true),
            ("1.2-5", false),
            ("v1.2-5", false),
            ("1.2-beta.5", false),
            ("v1.2-beta.5", false),
            ("\n1.2", true),
            ("\nv1.2", true),
            ("1.2.0-x.Y.0+metadata", false),
            ("v1.2.0-x.Y.0+metadata", false),
            ("1.2.0-x.Y.0+metadata-width-hypen", false),
            ("v1.2.0-x.Y.0+metadata-width-hypen", false),
            ("1.2.3-rc1-with-hypen", false),
            ("v1.2.3-rc1-with-hypen", false),
            ("1.2.3.4", true),
            ("v1.2.3.4", true),
            ("1.2.2147483648", false),
            ("1.2147483648.3", false),
            ("2147483648.3.0", false),
            ("20221209-update-renovatejson-v4", false),
            ("1.2.3-beta.01", true),
            ("01.2.3", false),
            ("1.02.3", false),
            ("1.2.03", false),
        ];
        for (input, err) in rows {
            assert_eq!(Version::parse(input).is_err(), err, "{input:?}");
        }
        let x = v("v1.2");
        assert_eq!((x.major(), x.minor(), x.patch()), (1, 2, 0));
        assert_eq!(x.original(), "v1.2");
        assert_eq!(x.to_string(), "1.2.0");
        let y = v("1.2.3-beta.1+c0ff33");
        assert_eq!(y.prerelease(), "beta.1");
        assert_eq!(y.metadata(), "c0ff33");
        assert_eq!(v("01.02.03").to_string(), "1.2.3");
    }

    #[test]
    fn lenient_errors_carry_masterminds_texts() {
        assert_eq!(
            Version::parse("badVersion").unwrap_err().to_string(),
            "invalid semantic version"
        );
        assert_eq!(
            Version::parse("1.2.3-alpha.01").unwrap_err().to_string(),
            "version segment starts with 0"
        );
        assert_eq!(
            Version::parse("99999999999999999999")
                .unwrap_err()
                .to_string(),
            "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
        );
    }

    #[test]
    fn strict_parsing_from_masterminds_tests() {
        let rows = [
            ("1.2.3", None),
            ("1.2.3-alpha.01", Some(Error::SegmentStartsZero)),
            ("1.2.3+test.01", None),
            ("1.2.3-alpha.-1", None),
            ("v1.2.3", Some(Error::InvalidCharacters)),
            ("1.0", Some(Error::InvalidSemVer)),
            ("1", Some(Error::InvalidSemVer)),
            ("1.2.beta", Some(Error::InvalidCharacters)),
            ("", Some(Error::EmptyString)),
            ("1.2.3.4", Some(Error::InvalidCharacters)),
            ("01.2.3", Some(Error::SegmentStartsZero)),
            ("1.2.3-", Some(Error::InvalidPrerelease)),
            ("1.2.3+", Some(Error::InvalidMetadata)),
        ];
        for (input, err) in rows {
            assert_eq!(Version::parse_strict(input).err(), err, "{input:?}");
        }
    }

    #[test]
    fn ordering_follows_semver_precedence() {
        // TestCompare rows
        let rows = [
            ("1.2.3", "1.5.1", Ordering::Less),
            ("2.2.3", "1.5.1", Ordering::Greater),
            ("2.2.3", "2.2.2", Ordering::Greater),
            ("3.2-beta", "3.2-beta", Ordering::Equal),
            ("1.3", "1.1.4", Ordering::Greater),
            ("4.2", "4.2-beta", Ordering::Greater),
            ("4.2-beta", "4.2", Ordering::Less),
            ("4.2-alpha", "4.2-beta", Ordering::Less),
            ("4.2-alpha", "4.2-alpha", Ordering::Equal),
            ("4.2-beta.2", "4.2-beta.1", Ordering::Greater),
            ("4.2-beta2", "4.2-beta1", Ordering::Greater),
            ("4.2-beta", "4.2-beta.2", Ordering::Less),
            ("4.2-beta", "4.2-beta.foo", Ordering::Less),
            ("4.2-beta.2", "4.2-beta", Ordering::Greater),
            ("4.2-beta.foo", "4.2-beta", Ordering::Greater),
            ("1.2+bar", "1.2+baz", Ordering::Equal),
            ("1.0.0-beta.4", "1.0.0-beta.-2", Ordering::Less),
            ("1.0.0-beta.-2", "1.0.0-beta.-3", Ordering::Less),
            ("1.0.0-beta.-3", "1.0.0-beta.5", Ordering::Greater),
        ];
        for (a, b, want) in rows {
            assert_eq!(v(a).compare(&v(b)), want, "{a} vs {b}");
        }
    }

    #[test]
    fn increments_drop_prerelease_and_keep_v_prefix() {
        assert_eq!(v("v1.2.3").inc_patch().unwrap().original(), "v1.2.4");
        assert_eq!(v("1.2.3-beta").inc_patch().unwrap().to_string(), "1.2.3");
        assert_eq!(v("1.2.3+meta").inc_minor().unwrap().to_string(), "1.3.0");
        assert_eq!(v("1.2.3").inc_major().unwrap().to_string(), "2.0.0");
        assert!(Version::new(u64::MAX, 0, 0, "", "").inc_major().is_none());
    }
}
