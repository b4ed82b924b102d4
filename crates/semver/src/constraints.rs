//! Masterminds constraint strings: parsing, checking and validation with reasons.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::version::compare_prerelease;
use crate::{Error, Version};

/// Go's RE2 `\s` (ASCII whitespace without `\v`).
const WS: &str = r"[\t\n\f\r ]";
/// The operators, in Masterminds' alternation order (the empty operator second).
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Masterminds' `cvRegex`: a version that may hold `x`, `X` or `*` wildcards.
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

fn build(pattern: String) -> Regex {
    Regex::new(&pattern.replace("WS", WS)).expect("valid constraint regex")
}

/// One constraint: `^WS*(op)WS*(cv)WS*$`.
static CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| build(format!(r"^WS*({OPS})WS*({CV})WS*$")));
/// A hyphen range `A - B`.
static RANGE: LazyLock<Regex> = LazyLock::new(|| build(format!(r"WS*({CV})WS+-WS+({CV})WS*")));
/// Finds the constraints inside an AND group.
static FIND: LazyLock<Regex> = LazyLock::new(|| build(format!(r"({OPS})WS*({CV})")));
/// A whole AND group: constraints separated by whitespace or commas.
static VALID: LazyLock<Regex> = LazyLock::new(|| {
    build(format!(
        r"^(WS*({OPS})WS*({CV})WS*)((?:WS+|,WS*)({OPS})WS*({CV})WS*)*$"
    ))
});

/// A parsed constraint string: OR-groups of AND-ed constraints (`*semver.Constraints`).
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    /// For each OR-group, whether one of its constraints names a prerelease.
    contains_pre: Vec<bool>,
    /// Whether prerelease versions may match groups that name no prerelease
    /// (`IncludePrerelease`, off by default).
    pub include_prerelease: bool,
}

/// Why a version does not satisfy a constraint (one reason from [`Constraints::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Violation(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    /// The version text as written (e.g. `4.x`).
    orig: String,
    /// The operator as written.
    op_text: String,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

impl Constraints {
    /// Parses a constraint string (`semver.NewConstraint`): `||` separates alternatives, commas
    /// or spaces separate constraints that must all hold, `A - B` is `>= A, <= B`.
    pub fn parse(s: &str) -> Result<Constraints, Error> {
        let rewritten = rewrite_ranges(s);
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for segment in rewritten.split("||") {
            if !VALID.is_match(segment) {
                return Err(Error::ImproperConstraint(segment.to_owned()));
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for found in FIND.find_iter(segment) {
                let c = Constraint::parse(found.as_str())?;
                has_pre |= !c.con.prerelease().is_empty();
                group.push(c);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints {
            groups,
            contains_pre,
            include_prerelease: false,
        })
    }

    /// Whether `v` satisfies any OR-group (`Check`).
    pub fn check(&self, v: &Version) -> bool {
        self.groups.iter().enumerate().any(|(i, group)| {
            let include_pre = self.include_prerelease || self.contains_pre[i];
            group.iter().all(|c| c.check(v, include_pre).is_ok())
        })
    }

    /// Like [`Constraints::check`], but on failure gives every reason (`Validate`), in
    /// Masterminds' words.
    pub fn validate(&self, v: &Version) -> Result<(), Vec<Violation>> {
        let mut reasons = Vec::new();
        let mut prerelease_reported = false;
        for (i, group) in self.groups.iter().enumerate() {
            let include_pre = self.include_prerelease || self.contains_pre[i];
            let mut ok = true;
            for c in group {
                if !include_pre && !v.prerelease().is_empty() {
                    if !prerelease_reported {
                        reasons.push(prerelease_violation(v));
                        prerelease_reported = true;
                    }
                    ok = false;
                } else if let Err(e) = c.check(v, include_pre) {
                    reasons.push(e);
                    ok = false;
                }
            }
            if ok {
                return Ok(());
            }
        }
        Err(reasons)
    }
}

impl fmt::Display for Constraints {
    /// The constraints as `op+version`, AND-ed with spaces, OR-ed with ` || `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(" || ")?;
            }
            for (j, c) in group.iter().enumerate() {
                if j > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.orig)?;
            }
        }
        Ok(())
    }
}

impl FromStr for Constraints {
    type Err = Error;

    /// Same as [`Constraints::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Constraints::parse(s)
    }
}

/// Rewrites each hyphen range `A - B` to `>= A, <= B ` (`rewriteRange`).
fn rewrite_ranges(s: &str) -> String {
    let mut out = s.to_owned();
    for caps in RANGE.captures_iter(s) {
        let whole = &caps[0];
        let replacement = format!(">= {}, <= {} ", &caps[1], &caps[11]);
        out = out.replacen(whole, &replacement, 1);
    }
    out
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn prerelease_violation(v: &Version) -> Violation {
    Violation(format!(
        "{v} is a prerelease version and the constraint is only looking for release versions"
    ))
}

impl Constraint {
    /// Parses one constraint such as `>= 1.2.x` (`parseConstraint`).
    fn parse(s: &str) -> Result<Constraint, Error> {
        let m = CONSTRAINT
            .captures(s)
            .ok_or_else(|| Error::ImproperConstraint(s.to_owned()))?;
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let (major, minor, patch, pre) = (group(3), group(4), group(5), group(6));
        let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
        let ver = if is_x(major) {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
            dirty = true;
            minor_dirty = true;
            format!("{major}.0.0{pre}")
        } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{major}{minor}.0{pre}")
        } else {
            group(2).to_owned()
        };
        let con = Version::parse(&ver).map_err(|_| Error::ConstraintParser)?;
        let op_text = group(1);
        let op = match op_text {
            "" | "=" => Op::TildeOrEqual,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterEqual,
            "<=" | "=<" => Op::LessEqual,
            "~" | "~>" => Op::Tilde,
            _ => Op::Caret,
        };
        Ok(Constraint {
            con,
            orig: group(2).to_owned(),
            op_text: op_text.to_owned(),
            op,
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    fn fail(&self, v: &Version, relation: &str) -> Result<(), Violation> {
        Err(Violation(format!("{v} {relation} {}", self.orig)))
    }

    /// Checks `v` against this constraint; `include_pre` says whether prereleases may match.
    fn check(&self, v: &Version, include_pre: bool) -> Result<(), Violation> {
        if !v.prerelease().is_empty() && !include_pre {
            return Err(prerelease_violation(v));
        }
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual if v == &self.con => Ok(()),
            Op::TildeOrEqual => self.fail(v, "is not equal to"),
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less if v.compare(&self.con) == Ordering::Less => Ok(()),
            Op::Less => self.fail(v, "is greater than or equal to"),
            Op::GreaterEqual if v.compare(&self.con) != Ordering::Less => Ok(()),
            Op::GreaterEqual => self.fail(v, "is less than"),
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> Result<(), Violation> {
        let c = &self.con;
        if self.dirty {
            if c.major() != v.major() {
                return Ok(());
            }
            if c.minor() != v.minor() && !self.minor_dirty {
                return Ok(());
            } else if self.minor_dirty {
                return self.fail(v, "is equal to");
            } else if c.patch() != v.patch() && !self.patch_dirty {
                return Ok(());
            } else if self.patch_dirty {
                if (!v.prerelease().is_empty() || !c.prerelease().is_empty())
                    && compare_prerelease(v.prerelease(), c.prerelease()) != Ordering::Equal
                {
                    return Ok(());
                }
                return self.fail(v, "is equal to");
            }
        }
        if v == c {
            return self.fail(v, "is equal to");
        }
        Ok(())
    }

    fn greater(&self, v: &Version) -> Result<(), Violation> {
        let c = &self.con;
        let holds = if !self.dirty {
            v.compare(c) == Ordering::Greater
        } else if v.major() != c.major() {
            v.major() > c.major()
        } else if self.minor_dirty {
            false
        } else if self.patch_dirty {
            v.minor() > c.minor()
        } else {
            v.compare(c) == Ordering::Greater
        };
        if holds {
            Ok(())
        } else {
            self.fail(v, "is less than or equal to")
        }
    }

    fn less_equal(&self, v: &Version) -> Result<(), Violation> {
        let c = &self.con;
        let holds = if !self.dirty {
            v.compare(c) != Ordering::Greater
        } else {
            !(v.major() > c.major()
                || (v.major() == c.major() && v.minor() > c.minor() && !self.minor_dirty))
        };
        if holds {
            Ok(())
        } else {
            self.fail(v, "is greater than")
        }
    }

    fn tilde(&self, v: &Version) -> Result<(), Violation> {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return self.fail(v, "is less than");
        }
        if c.major() == 0
            && c.minor() == 0
            && c.patch() == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return Ok(());
        }
        if v.major() != c.major() {
            return self.fail(v, "does not have same major version as");
        }
        if v.minor() != c.minor() && !self.minor_dirty {
            return self.fail(v, "does not have same major and minor version as");
        }
        Ok(())
    }

    fn caret(&self, v: &Version) -> Result<(), Violation> {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return self.fail(v, "is less than");
        }
        if c.major() > 0 || self.minor_dirty {
            if v.major() == c.major() {
                return Ok(());
            }
            return self.fail(v, "does not have same major version as");
        }
        if v.major() > 0 {
            return self.fail(v, "does not have same major version as");
        }
        if c.minor() > 0 || self.patch_dirty {
            if v.minor() == c.minor() {
                return Ok(());
            }
            return self.fail(v, "does not have same minor version as").map_err(
                |Violation(msg)| {
                    Violation(format!(
                        "{msg}. Expected minor versions to match when constraint major version is 0"
                    ))
                },
            );
        }
        if v.minor() > 0 {
            return self.fail(v, "does not have same minor version as");
        }
        if c.patch() == v.patch() {
            return Ok(());
        }
        self.fail(v, "does not equal").map_err(|Violation(msg)| {
            Violation(format!(
                "{msg}. Expect version and constraint to equal when major and minor versions are 0"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        Constraints::parse(constraint)
            .unwrap()
            .check(&Version::parse(version).unwrap())
    }

    #[test]
    fn checks_from_masterminds_tests() {
        // Rows of Masterminds' TestConstraintsCheck.
        let rows = [
            ("*", "1.2.3", true),
            ("~0.0.0", "1.2.3", true),
            ("0.x.x", "1.2.3", false),
            ("0.0.x", "1.2.3", false),
            ("0.0.0", "1.2.3", false),
            ("*", "1.2.3", true),
            ("^0.0.0", "1.2.3", false),
            ("= 2.0", "1.2.3", false),
            ("= 2.0", "2.0.0", true),
            ("4.1", "4.1.0", true),
            ("4.1.x", "4.1.3", true),
            ("1.x", "1.4", true),
            ("!=4.1", "4.1.0", false),
            ("!=4.1-alpha", "4.1.0-alpha", false),
            ("!=4.1-alpha", "4.1.1-alpha", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("!=4.1", "5.1.0", true),
            ("!=4.x", "5.1.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.1.x", "4.2.0", true),
            ("!=4.2.x", "4.2.3", false),
            (">1.1", "4.1.0", true),
            (">1.1", "1.1.0", false),
            ("<1.1", "0.1.0", true),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.1.1", false),
            ("<1.x", "1.1.1", false),
            ("<1.x", "0.1.1", true),
            ("<1.x", "2.0.0", false),
            ("<1.1.x", "1.2.1", false),
            ("<1.1.x", "1.1.500", false),
            ("<1.1.x", "1.0.500", true),
            ("<1.2.x", "1.1.1", true),
            (">=1.1", "4.1.0", true),
            (">=1.1", "4.1.0-beta", false),
            (">=1.1", "1.1.0", true),
            (">=1.1", "0.0.9", false),
            ("<=1.1", "0.1.0", true),
            ("<=1.1", "0.1.0-alpha", false),
            ("<=1.1-a", "0.1.0-alpha", true),
            ("<=1.1", "1.1.0", true),
            ("<=1.x", "1.1.0", true),
            ("<=2.x", "3.0.0", false),
            ("<=1.1", "1.1.1", true),
            ("<=1.1.x", "1.2.500", false),
            ("<=4.5", "3.4.0", true),
            ("<=4.5", "3.7.0", true),
            ("<=4.5", "4.6.3", false),
            (">1.1, <2", "1.1.1", false),
            (">1.1, <2", "1.2.1", true),
            (">1.1, <3", "4.3.2", false),
            (">=1.1, <2, !=1.2.3", "1.2.3", false),
            (">1.1 <2", "1.1.1", false),
            (">1.1 <2", "1.2.1", true),
            (">1.1    <3", "4.3.2", false),
            (">=1.1    <2    !=1.2.3", "1.2.3", false),
            (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">=1.1 <2 !=1.2.3", "1.2.3", false),
            (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
            ("> 1.1, <     2", "1.1.1", false),
            (">   1.1, <2", "1.2.1", true),
            (">1.1, <  3", "4.3.2", false),
            (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
            ("> 1.1 < 2", "1.1.1", false),
            (">1.1 < 2", "1.2.1", true),
            ("> 1.1    <3", "4.3.2", false),
            (">=1.1    < 2    != 1.2.3", "1.2.3", false),
            (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
            (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
            (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
            (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
            (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
            (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
            (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
            (
                ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3",
                "1.0.1-beta",
                true,
            ),
            (
                ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3",
                "1.0.1-beta",
                false,
            ),
            (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
            ("1.1 - 2", "1.1.1", true),
            ("1.5.0 - 4.5", "3.7.0", true),
            ("1.1-3", "4.3.2", false),
            ("^1.1", "1.1.1", true),
            ("^1.1", "4.3.2", false),
            ("^1.x", "1.1.1", true),
            ("^2.x", "1.1.1", false),
            ("^1.x", "2.1.1", false),
            ("^1.x", "1.1.1-beta1", false),
            ("^1.1.2-alpha", "1.2.1-beta1", true),
            ("^1.2.x-alpha", "1.1.1-beta1", false),
            ("^0.0.1", "0.0.1", true),
            ("^0.0.1", "0.3.1", false),
            ("~*", "2.1.1", true),
            ("~1", "2.1.1", false),
            ("~1", "1.3.5", true),
            ("~1", "1.4", true),
            ("~1.x", "2.1.1", false),
            ("~1.x", "1.3.5", true),
            ("~1.x", "1.4", true),
            ("~1.1", "1.1.1", true),
            ("~1.1", "1.1.1-alpha", false),
            // The kubeVersion idiom: `-0` opts the group in to prereleases.
            (">= 1.20.0-0", "1.27.3-eks-a5565ad", true),
            (">= 1.20.0", "1.27.3-eks-a5565ad", false),
        ];
        for (c, v, want) in rows {
            assert_eq!(check(c, v), want, "{c:?} against {v:?}");
        }
    }

    #[test]
    fn improper_constraints_are_rejected_with_masterminds_text() {
        for bad in [
            "",
            "badConstraint",
            "> 1.2 ||",
            "1.2 -",
            "*1.2",
            "~ >1",
            "foo",
        ] {
            assert!(Constraints::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Constraints::parse("badConstraint").unwrap_err().to_string(),
            "improper constraint: badConstraint"
        );
        assert_eq!(
            Constraints::parse(">1 || foo").unwrap_err().to_string(),
            "improper constraint:  foo"
        );
    }

    #[test]
    fn prints_constraints_normalised() {
        let c = Constraints::parse("1.1 - 2 || ^3.x").unwrap();
        assert_eq!(c.to_string(), ">=1.1 <=2 || ^3.x");
    }

    #[test]
    fn validate_gives_masterminds_reasons() {
        let reasons = |c: &str, v: &str| -> Vec<String> {
            match Constraints::parse(c)
                .unwrap()
                .validate(&Version::parse(v).unwrap())
            {
                Ok(()) => vec![],
                Err(e) => e.iter().map(ToString::to_string).collect(),
            }
        };
        assert_eq!(reasons(">= 1.0", "1.2.0"), Vec::<String>::new());
        assert_eq!(reasons("<= 1.1", "1.2.0"), ["1.2.0 is greater than 1.1"]);
        assert_eq!(reasons("!=4.1", "4.1.0"), ["4.1.0 is equal to 4.1"]);
        assert_eq!(
            reasons("^1.x", "2.1.1"),
            ["2.1.1 does not have same major version as 1.x"]
        );
        assert_eq!(
            reasons("^0.2", "0.3.0"),
            [
                "0.3.0 does not have same minor version as 0.2. Expected minor versions to match when constraint major version is 0"
            ]
        );
        assert_eq!(
            reasons(">1, <2 || >3", "1.0.0-beta"),
            [
                "1.0.0-beta is a prerelease version and the constraint is only looking for release versions"
            ]
        );
        assert_eq!(
            reasons("~1.2.3 || 3.x", "2.0.0"),
            [
                "2.0.0 does not have same major version as 1.2.3",
                "2.0.0 is less than 3.x"
            ]
        );
    }

    #[test]
    fn include_prerelease_opts_in() {
        let mut c = Constraints::parse(">=1.1").unwrap();
        let v = Version::parse("1.2.0-beta").unwrap();
        assert!(!c.check(&v));
        c.include_prerelease = true;
        assert!(c.check(&v));
    }
}
