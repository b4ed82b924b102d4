//! yaml.v2's scalar resolution (`resolve.go`): which plain scalars are booleans, nulls, ints,
//! floats or timestamps under YAML 1.1 rules, and Go's `strconv` number parsing behind it.

/// What a scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// `~`, `null`, empty.
    Null,
    /// `y`, `yes`, `on`, `true`, ... and their negatives.
    Bool(bool),
    /// An integer that fits Go's `int`.
    Int(i64),
    /// An integer above `int64`'s range that fits `uint64`.
    Uint(u64),
    /// A float (including `.inf` and `.nan`).
    Float(f64),
    /// The `<<` merge key.
    Merge,
    /// A timestamp-looking string (kept as a string when decoding into `interface{}`).
    Timestamp,
    /// A plain string.
    Str,
}

/// Resolves an untagged plain scalar, as yaml.v2's `resolve("", s)`.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            lookup_map(s).unwrap_or(Resolved::Str)
        }
        b'.' => {
            if let Some(r) = lookup_map(s) {
                return r;
            }
            match go_parse_float(s) {
                Some(f) => Resolved::Float(f),
                None => Resolved::Str,
            }
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if let Some(r) = lookup_map(s) {
                return r;
            }
            resolve_number(s, true)
        }
        _ => Resolved::Str,
    }
}

/// The fixed words of yaml.v2's `resolveMap`.
fn lookup_map(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// The digit/sign branch of `resolve`: timestamp, int, uint, float, binary, else string.
fn resolve_number(s: &str, allow_timestamp: bool) -> Resolved {
    if allow_timestamp && is_timestamp(s) {
        return Resolved::Timestamp;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    match go_parse_int(&plain) {
        IntResult::Ok(i) => return Resolved::Int(i),
        IntResult::Range | IntResult::Syntax => {}
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Resolved::Uint(u);
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = go_parse_float(&plain)
    {
        return Resolved::Float(f);
    }
    if let Some(bin) = plain.strip_prefix("0b") {
        if let Some(u) = parse_digits(bin, 2) {
            return if u <= i64::MAX as u64 {
                Resolved::Int(u as i64)
            } else {
                Resolved::Uint(u)
            };
        }
    } else if let Some(bin) = plain.strip_prefix("-0b")
        && let Some(u) = parse_digits(bin, 2)
        && u <= 1u64 << 63
    {
        return Resolved::Int((u as i128).wrapping_neg() as i64);
    }
    Resolved::Str
}

/// Resolves a scalar with an explicit tag (`!!str`, `!!int`, ...), as `resolve(tag, s)`.
/// Returns Go's error text when the value does not fit the tag.
pub(crate) fn resolve_tagged(tag: &str, s: &str) -> Result<Resolved, String> {
    let short = tag
        .strip_prefix("tag:yaml.org,2002:")
        .map(|t| format!("!!{t}"));
    let short = short.as_deref().unwrap_or(tag);
    match short {
        "!!str" | "!!binary" => return Ok(Resolved::Str),
        "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" => {}
        // Tags yaml.v2 cannot resolve leave the text as it is.
        _ => return Ok(Resolved::Str),
    }
    let mut out = if s.is_empty() {
        Resolved::Null
    } else {
        match s.as_bytes()[0] {
            b'+' | b'-' | b'0'..=b'9' => {
                lookup_map(s).unwrap_or_else(|| resolve_number(s, short == "!!timestamp"))
            }
            _ => resolve_plain(s),
        }
    };
    let rtag = match out {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Merge => "!!merge",
        Resolved::Timestamp => "!!timestamp",
        Resolved::Str => "!!str",
    };
    if rtag == short {
        return Ok(out);
    }
    if short == "!!float" {
        match out {
            Resolved::Int(i) => out = Resolved::Float(i as f64),
            Resolved::Uint(u) if u <= i64::MAX as u64 => out = Resolved::Float(u as f64),
            _ => return Err(format!("cannot decode {rtag} `{s}` as a {short}")),
        }
        return Ok(out);
    }
    Err(format!("cannot decode {rtag} `{s}` as a {short}"))
}

/// Go's `strconv.ParseInt(s, 0, 64)` outcome.
enum IntResult {
    Ok(i64),
    Range,
    Syntax,
}

/// Splits Go's base prefix for base 0: `0x`, `0o`, `0b`, a leading `0` (octal), or decimal.
fn split_base(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.first() == Some(&b'0') {
        if b.len() >= 3 {
            match b[1] | 0x20 {
                b'x' => return (16, &s[2..]),
                b'o' => return (8, &s[2..]),
                b'b' => return (2, &s[2..]),
                _ => {}
            }
        }
        return (8, &s[1..]);
    }
    (10, s)
}

/// Digits in `base`, no sign, no underscores; `None` on syntax error or overflow.
fn parse_digits(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(n)
}

/// Whether the unsigned digits are valid in their base (ignoring overflow).
fn digits_valid(s: &str) -> bool {
    let (base, digits) = split_base(s);
    (base == 8 && digits.is_empty() && s == "0")
        || (!digits.is_empty() && digits.chars().all(|c| c.is_digit(base)))
}

/// `strconv.ParseUint(s, 0, 64)`.
fn go_parse_uint(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let (base, digits) = split_base(s);
    parse_digits(digits, base)
}

/// `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> IntResult {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() || !digits_valid(body) {
        return IntResult::Syntax;
    }
    match go_parse_uint(body) {
        None => IntResult::Range,
        Some(u) if neg && u <= 1u64 << 63 => IntResult::Ok((u as i128).wrapping_neg() as i64),
        Some(u) if !neg && u <= i64::MAX as u64 => IntResult::Ok(u as i64),
        Some(_) => IntResult::Range,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` for decimal text; overflow (Go's range error) is `None`.
fn go_parse_float(s: &str) -> Option<f64> {
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// yaml.v2's `parseTimestamp`: `YYYY-M-D`, optionally with `T`/`t`/space and a time
/// (`H:M:S[.frac]`), a zone (`Z` or `±hh:mm`) only after `T`/`t`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num12(b, &mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zone_allowed = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(hour) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(min) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(sec) = num12(b, &mut i) else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i == b.len() {
        return true;
    }
    if !zone_allowed {
        return false;
    }
    match b[i] {
        b'Z' => i + 1 == b.len(),
        b'+' | b'-' => {
            let z = &b[i + 1..];
            z.len() == 5
                && z[0].is_ascii_digit()
                && z[1].is_ascii_digit()
                && z[2] == b':'
                && z[3].is_ascii_digit()
                && z[4].is_ascii_digit()
                && (z[0] - b'0') * 10 + (z[1] - b'0') < 24
                && (z[3] - b'0') * 10 + (z[4] - b'0') < 60
        }
        _ => false,
    }
}

/// Go's `getnum(value, false)`: one or two digits.
fn num12(b: &[u8], i: &mut usize) -> Option<u32> {
    let d1 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = u32::from(d1 - b'0');
    if let Some(&d2) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        *i += 1;
        n = n * 10 + u32::from(d2 - b'0');
    }
    Some(n)
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// yaml.v2's `isBase60Float`: `1:20`, `-1:30:00.5` (quoted on output for old parsers).
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return false;
    };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = usize::from(c == b'+' || c == b'-');
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let n = i - start;
        let ok = match n {
            1 => true,
            2 => b[start] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("yES"), Resolved::Str);
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain(""), Resolved::Null);
        assert_eq!(resolve_plain("<<"), Resolved::Str);
    }

    #[test]
    fn numbers_follow_strconv() {
        assert_eq!(resolve_plain("0755"), Resolved::Int(493));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("-0x1F"), Resolved::Int(-31));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("0b101"), Resolved::Int(5));
        assert_eq!(resolve_plain("-0b101"), Resolved::Int(-5));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain("0"), Resolved::Int(0));
        assert_eq!(resolve_plain("+12"), Resolved::Int(12));
        assert_eq!(
            resolve_plain("12345678901234567890"),
            Resolved::Uint(12345678901234567890)
        );
        assert_eq!(
            resolve_plain("123456789012345678901"),
            Resolved::Float(123456789012345678901.0)
        );
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain(".5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1e400"), Resolved::Str);
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
        assert_eq!(resolve_plain("0x"), Resolved::Str);
    }

    #[test]
    fn timestamps_and_base60() {
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Timestamp);
        assert_eq!(
            resolve_plain("2001-12-14t21:59:43.10Z"),
            Resolved::Timestamp
        );
        assert_eq!(resolve_plain("2001-12-14 21:59:43.10"), Resolved::Timestamp);
        assert_eq!(resolve_plain("2001-02-30"), Resolved::Str);
        assert_eq!(resolve_plain("2001-12-14 21:59:43.10 -5"), Resolved::Str);
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-1:30:00.5"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:1"));
    }

    #[test]
    fn tags() {
        assert_eq!(resolve_tagged("!!str", "123"), Ok(Resolved::Str));
        assert_eq!(resolve_tagged("!!float", "1"), Ok(Resolved::Float(1.0)));
        assert_eq!(
            resolve_tagged("!!int", "1.5"),
            Err("cannot decode !!float `1.5` as a !!int".into())
        );
    }
}
