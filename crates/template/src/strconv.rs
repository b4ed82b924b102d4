//! Go's `strconv` pieces the parser needs: `Unquote`, `UnquoteChar` and number parsing with
//! Go's literal syntax (base prefixes, underscores, hex floats).

use std::borrow::Cow;

/// Go's `strconv.ErrSyntax` text.
pub(crate) const INVALID_SYNTAX: &str = "invalid syntax";

/// Go's `strconv.UnquoteChar`: decodes one character or escape of a quoted literal;
/// returns the character and the rest.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(char, &str), &'static str> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(INVALID_SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(INVALID_SYNTAX);
    }
    if c != '\\' {
        return Ok((c, chars.as_str()));
    }
    let e = chars.next().ok_or(INVALID_SYNTAX)?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(INVALID_SYNTAX);
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c, rest));
    }
    let (n, radix) = match e {
        'x' => (2, 16),
        'u' => (4, 16),
        'U' => (8, 16),
        '0'..='7' => (2, 8),
        _ => return Err(INVALID_SYNTAX),
    };
    let (digits, rest) = if radix == 8 {
        let all = &s[1..];
        match (all.get(..3), all.get(3..)) {
            (Some(digits), Some(rest)) => (digits, rest),
            _ => return Err(INVALID_SYNTAX),
        }
    } else {
        if rest.len() < n || !rest.is_char_boundary(n) {
            return Err(INVALID_SYNTAX);
        }
        (&rest[..n], &rest[n..])
    };
    let v = u32::from_str_radix(digits, radix).map_err(|_| INVALID_SYNTAX)?;
    if radix == 8 && v > 255 {
        return Err(INVALID_SYNTAX);
    }
    if e == 'x' || radix == 8 {
        // A byte value; only single-byte values are representable in a Rust string.
        if v >= 0x80 {
            return Err(INVALID_SYNTAX);
        }
    }
    let c = char::from_u32(v).ok_or(INVALID_SYNTAX)?;
    Ok((c, rest))
}

/// Go's `strconv.Unquote` for `"..."` and `` `...` `` literals (borrowing `s` when nothing is
/// unescaped).
pub(crate) fn unquote(s: &str) -> Result<Cow<'_, str>, &'static str> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err(INVALID_SYNTAX);
    }
    let q = bytes[0];
    if q != bytes[bytes.len() - 1] {
        return Err(INVALID_SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if body.contains('`') {
                return Err(INVALID_SYNTAX);
            }
            if body.contains('\r') {
                return Ok(Cow::Owned(body.replace('\r', "")));
            }
            Ok(Cow::Borrowed(body))
        }
        b'"' => {
            if body.contains('\n') {
                return Err(INVALID_SYNTAX);
            }
            if !body.contains(['\\', '"']) {
                return Ok(Cow::Borrowed(body));
            }
            let mut out = String::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                let (c, tail) = unquote_char(rest, '"')?;
                out.push(c);
                rest = tail;
            }
            Ok(Cow::Owned(out))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&c.to_ascii_lowercase())) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Splits an integer literal into (negative, radix, digits) per Go's base-0 rules.
fn int_parts(s: &str) -> Option<(bool, u32, Cow<'_, str>)> {
    if !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s.len() == 1 || !s.starts_with('0'))
    {
        return Some((false, 10, Cow::Borrowed(s)));
    }
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    Some((neg, radix, Cow::Owned(digits)))
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    let (neg, radix, digits) = int_parts(s)?;
    if neg || s.starts_with('+') {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, radix, digits) = int_parts(s)?;
    let u = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for Go literal syntax (decimal and hex floats).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first()? {
        b'-' => (true, &clean[1..]),
        b'+' => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if lower.is_empty()
            || !lower
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// A hex float body after `0x`: `h.hhhp±d` (the `p` exponent is required).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once('p')?;
    let exp: i64 = exp.parse().ok()?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exp - 4 * frac_part.len() as i64;
    Some(value * 2f64.powi(shift.clamp(-2000, 2000) as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_follows_go() {
        assert_eq!(unquote(r#""a\tb\x41\u00e9\101""#).as_deref(), Ok("a\tbAéA"));
        assert_eq!(unquote("`raw\r\n`").as_deref(), Ok("raw\n"));
        assert_eq!(unquote(r#""\12é""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\q""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote_char(r"\'", '\''), Ok(('\'', "")));
        assert_eq!(unquote_char("\\\"", '\''), Err(INVALID_SYNTAX));
    }

    #[test]
    fn numbers_follow_go_literal_syntax() {
        assert_eq!(parse_int("0x_1F"), Some(31));
        assert_eq!(parse_int("0377"), Some(255));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_float("0x1.ep+2"), Some(7.5));
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float("1.E"), None);
    }
}
