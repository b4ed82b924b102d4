//! Sprig's value conversions: `strval`, `toInt64`/`toFloat64` (spf13/cast semantics), `empty`,
//! and the Go `strconv` integer parsing they rest on.

use slipway_value::Value;
use slipway_value::fmt::format_value;

/// Sprig's `strval`: strings as they are, bytes as text, everything else in its `%v` form.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => format_value(other),
    }
}

/// `cast.ToInt64` (v1.7.0): numbers truncate, booleans are 0/1, strings parse as Go integer
/// literals (after dropping a zero decimal part), anything unconvertible is 0.
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        Value::Float(f) => float_to_int(*f),
        Value::Bool(b) => i64::from(*b),
        Value::String(s) if !s.is_empty() => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)` on amd64: truncation, with NaN and out-of-range values giving the
/// "integer indefinite" `-9223372036854775808`.
pub(crate) fn float_to_int(f: f64) -> i64 {
    // -2^63 and 2^63 are exact floats.
    let min = i64::MIN as f64;
    if f.is_nan() || !(min..-min).contains(&f) {
        return i64::MIN;
    }
    f as i64
}

/// `cast.ToFloat64`: numbers convert, booleans are 0/1, strings parse as Go floats, anything
/// unconvertible is 0.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(n) => *n as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input (hexadecimal floats are not accepted).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') || s.starts_with("0x") || s.starts_with("0X") {
        return None;
    }
    s.parse().ok()
}

/// Sprig's `empty`: nil, false, zero numbers and empty strings, lists and maps are empty;
/// host objects (Go structs) never are.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        other => !other.is_truthy(),
    }
}

/// cast v1.7.0's `trimZeroDecimal` (the version Helm ships): `"12.00"` becomes `"12"`; any
/// other decimal part is left, so the string does not parse as an integer.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 (Go literal prefixes and underscores) or
/// an explicit base from 2 to 36; `None` on syntax errors and overflow.
pub(crate) fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_uint(body, base)?;
    if neg {
        if magnitude > i64::MAX as u64 + 1 {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, base, 64)`.
fn parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (radix, digits, base0) = if base == 0 {
        let b = s.as_bytes();
        if b[0] == b'0' && s.len() >= 3 && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
            let radix = match b[1] | 0x20 {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            (radix, &s[2..], true)
        } else if b[0] == b'0' {
            (8, &s[1..], true)
        } else {
            (10, s, true)
        }
    } else {
        (base, s, false)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let d = c.to_digit(36).filter(|&d| d < radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.Atoi` as Sprig uses it: syntax errors give 0, out-of-range values clamp.
pub(crate) fn atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match parse_int(s, 10) {
        Some(n) => n,
        None if s.starts_with('-') => i64::MIN,
        None => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_int64_follows_cast() {
        assert_eq!(to_int64(&Value::string("42")), 42);
        assert_eq!(to_int64(&Value::string("2.00")), 2);
        assert_eq!(to_int64(&Value::string("2.75")), 0);
        assert_eq!(to_int64(&Value::string("0x1f")), 31);
        assert_eq!(to_int64(&Value::string("017")), 15);
        assert_eq!(to_int64(&Value::string("1_000")), 1000);
        assert_eq!(to_int64(&Value::string("abc")), 0);
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
        assert_eq!(to_int64(&Value::Float(1e20)), i64::MIN);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_int64(&Value::Nil), 0);
    }

    #[test]
    fn parse_int_rejects_what_go_rejects() {
        assert_eq!(parse_int("9223372036854775807", 0), Some(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 0), None);
        assert_eq!(parse_int("1__0", 0), None);
        assert_eq!(parse_int("_10", 0), None);
        assert_eq!(parse_int("0b101", 0), Some(5));
        assert_eq!(parse_int("777", 8), Some(511));
        assert_eq!(parse_int("0x10", 8), None);
    }

    #[test]
    fn atoi_clamps() {
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(atoi("12a"), 0);
        assert_eq!(atoi("-7"), -7);
    }
}
