//! Regular expressions with Go's RE2 syntax: `regexMatch`, `regexFind`, `regexFindAll`,
//! `regexReplaceAll` (with `$1`/`${name}` expansion), `regexSplit`, `regexQuoteMeta`, and
//! their `must` variants.
//!
//! Patterns go through the `regex` crate after rewriting the Perl classes that differ: in Go,
//! `\d`, `\w`, `\s` and `\b` are ASCII-only.

use regex::{NoExpand, Regex};
use slipway_value::{FuncError, FuncMap, Value};

use crate::args::{Arity, failed, register, str_list};

/// Registers the regex functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["regexMatch"], Exact(2), |a| {
        Ok(compile(a.str(0)?)
            .is_ok_and(|re| re.is_match(a.str(1).unwrap_or_default()))
            .into())
    });
    register(m, &["mustRegexMatch"], Exact(2), |a| {
        let re = compile(a.str(0)?).map_err(failed)?;
        Ok(re.is_match(a.str(1)?).into())
    });
    register(m, &["regexFind"], Exact(2), |a| {
        let re = must_compile(a.str(0)?)?;
        Ok(re.find(a.str(1)?).map_or("", |m| m.as_str()).into())
    });
    register(m, &["mustRegexFind"], Exact(2), |a| {
        let re = compile(a.str(0)?).map_err(failed)?;
        Ok(re.find(a.str(1)?).map_or("", |m| m.as_str()).into())
    });
    register(m, &["regexFindAll"], Exact(3), |a| {
        let re = must_compile(a.str(0)?)?;
        Ok(find_all(&re, a.str(1)?, a.int(2)?))
    });
    register(m, &["mustRegexFindAll"], Exact(3), |a| {
        let re = compile(a.str(0)?).map_err(failed)?;
        Ok(find_all(&re, a.str(1)?, a.int(2)?))
    });
    register(m, &["regexReplaceAll"], Exact(3), |a| {
        let re = must_compile(a.str(0)?)?;
        Ok(re.replace_all(a.str(1)?, a.str(2)?).into_owned().into())
    });
    register(m, &["mustRegexReplaceAll"], Exact(3), |a| {
        let re = compile(a.str(0)?).map_err(failed)?;
        Ok(re.replace_all(a.str(1)?, a.str(2)?).into_owned().into())
    });
    register(m, &["regexReplaceAllLiteral"], Exact(3), |a| {
        let re = must_compile(a.str(0)?)?;
        Ok(re
            .replace_all(a.str(1)?, NoExpand(a.str(2)?))
            .into_owned()
            .into())
    });
    register(m, &["mustRegexReplaceAllLiteral"], Exact(3), |a| {
        let re = compile(a.str(0)?).map_err(failed)?;
        Ok(re
            .replace_all(a.str(1)?, NoExpand(a.str(2)?))
            .into_owned()
            .into())
    });
    register(m, &["regexSplit"], Exact(3), |a| {
        let pattern = a.str(0)?;
        let re = must_compile(pattern)?;
        Ok(str_list(split(&re, pattern, a.str(1)?, a.int(2)?)))
    });
    register(m, &["mustRegexSplit"], Exact(3), |a| {
        let pattern = a.str(0)?;
        let re = compile(pattern).map_err(failed)?;
        Ok(str_list(split(&re, pattern, a.str(1)?, a.int(2)?)))
    });
    register(m, &["regexQuoteMeta"], Exact(1), |a| {
        Ok(quote_meta(a.str(0)?).into())
    });
}

/// Compiles a Go regular expression; the error reads like Go's (`error parsing regexp: ...`).
fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(&translate(pattern)).map_err(|e| {
        let (code, expr) = go_syntax_error(pattern).unwrap_or_else(|| {
            let text = e.to_string();
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            (
                last.trim_start_matches("error: ").to_owned(),
                pattern.to_owned(),
            )
        });
        format!("error parsing regexp: {code}: `{expr}`")
    })
}

/// Go's `regexp/syntax` error code and offending text for a pattern the parser rejects.
fn go_syntax_error(pattern: &str) -> Option<(String, String)> {
    use regex_syntax::ast::ErrorKind as K;
    let err = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .err()?;
    let span = err.span();
    let text = pattern
        .get(span.start.offset..span.end.offset)
        .unwrap_or(pattern);
    let (code, expr) = match err.kind() {
        K::GroupUnclosed => ("missing closing )", pattern),
        K::GroupUnopened => ("unexpected )", pattern),
        K::ClassUnclosed => ("missing closing ]", &pattern[span.start.offset..]),
        K::RepetitionMissing => {
            let op = pattern[span.start.offset..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            let end = span.end.offset.max(span.start.offset + op);
            (
                "missing argument to repetition operator",
                &pattern[span.start.offset..end],
            )
        }
        K::EscapeUnrecognized => ("invalid escape sequence", text),
        K::EscapeUnexpectedEof => ("trailing backslash at end of expression", ""),
        K::ClassRangeInvalid => ("invalid character class range", text),
        K::RepetitionCountInvalid | K::RepetitionCountDecimalEmpty => {
            ("invalid repeat count", text)
        }
        K::GroupNameDuplicate { .. } => ("duplicate capture group name", text),
        K::GroupNameEmpty | K::GroupNameInvalid | K::GroupNameUnexpectedEof => {
            ("invalid named capture", text)
        }
        _ => ("invalid or unsupported Perl syntax", text),
    };
    Some((code.to_owned(), expr.to_owned()))
}

/// `regexp.MustCompile`: a bad pattern panics with Go's text.
fn must_compile(pattern: &str) -> Result<Regex, FuncError> {
    compile(pattern).map_err(|e| {
        let quoted =
            if pattern.contains('`') || pattern.chars().any(|c| c.is_control() && c != '\t') {
                slipway_value::fmt::quote(pattern)
            } else {
                format!("`{pattern}`")
            };
        failed(format!("regexp: Compile({quoted}): {e}"))
    })
}

/// Rewrites Go's ASCII-only Perl classes and word boundaries into `regex` crate syntax.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let (outside, inside) = match n {
                    'd' => ("[0-9]", "0-9"),
                    'D' => ("[^0-9]", ""),
                    'w' => ("[0-9A-Za-z_]", "0-9A-Za-z_"),
                    'W' => ("[^0-9A-Za-z_]", ""),
                    's' => (r"[\t\n\f\r ]", r"\t\n\f\r "),
                    'S' => (r"[^\t\n\f\r ]", ""),
                    'b' if !in_class => (r"(?-u:\b)", ""),
                    'B' if !in_class => (r"(?-u:\B)", ""),
                    _ => ("", ""),
                };
                if !in_class && !outside.is_empty() {
                    out.push_str(outside);
                } else if in_class && !inside.is_empty() {
                    out.push_str(inside);
                } else {
                    out.push('\\');
                    out.push(n);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if chars.peek() == Some(&':') => {
                out.push('[');
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `FindAllString(s, n)`: `n < 0` means all, `0` none.
fn find_all(re: &Regex, s: &str, n: i64) -> Value {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    str_list(re.find_iter(s).take(limit).map(|m| m.as_str()))
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, pattern: &str, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !pattern.is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in re.find_iter(s).take(limit) {
        if n > 0 && out.len() == limit - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(s[beg..end].to_owned());
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(s[beg..].to_owned());
    }
    out
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> Regex {
        compile(p).unwrap()
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert!(!re(r"^\d$").is_match("٣"));
        assert!(re(r"^[\d\s]+$").is_match("1 2"));
        assert!(re(r"\bfoo\b").is_match("a foo b"));
    }

    #[test]
    fn split_like_go() {
        let r = re("a");
        assert_eq!(split(&r, "a", "banana", -1), ["b", "n", "n", ""]);
        assert_eq!(split(&r, "a", "banana", 2), ["b", "nana"]);
        assert_eq!(split(&r, "a", "", -1), [""]);
        let empty = re("");
        assert_eq!(split(&empty, "", "abc", -1), ["a", "b", "c"]);
    }

    #[test]
    fn quote_meta_like_go() {
        assert_eq!(quote_meta("1.5-2.0?"), r"1\.5-2\.0\?");
    }

    #[test]
    fn compile_errors_name_the_pattern() {
        assert!(
            compile("(")
                .unwrap_err()
                .starts_with("error parsing regexp: ")
        );
    }
}
