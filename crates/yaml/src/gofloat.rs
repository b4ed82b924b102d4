//! Go's `strconv.FormatFloat` shortest formats (`'g'`, `'f'`, `-1` precision) and
//! `encoding/json`'s number text, which decide how numbers look after Helm's JSON round trip.

/// The shortest round-trip decimal digits of a finite float: (negative, digits, decimal point
/// position), so that the value is `0.DIGITS × 10^dp`.
fn shortest_digits(f: f64, bits32: bool) -> (bool, Vec<u8>, i32) {
    let text = if bits32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (neg, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|&d| d == b'0') {
        return (neg, vec![b'0'], 1);
    }
    (neg, digits, exp + 1)
}

/// Go's `%e` layout of shortest digits: `d.ddde±XX`.
fn push_exponent_form(out: &mut String, digits: &[u8], dp: i32) {
    out.push(digits[0] as char);
    if digits.len() > 1 {
        out.push('.');
        out.extend(digits[1..].iter().map(|&d| d as char));
    }
    let exp = if digits == b"0" { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
}

/// Go's `%f` layout of shortest digits, with as many fraction digits as needed.
fn push_fixed_form(out: &mut String, digits: &[u8], dp: i32) {
    if dp <= 0 {
        out.push('0');
    } else {
        for i in 0..dp as usize {
            out.push(*digits.get(i).unwrap_or(&b'0') as char);
        }
    }
    let frac = digits.len() as i32 - dp;
    if frac > 0 {
        out.push('.');
        for i in 0..frac {
            let idx = dp + i;
            out.push(if idx < 0 {
                '0'
            } else {
                digits[idx as usize] as char
            });
        }
    }
}

/// Go's special-value spellings, or `None` for finite values.
fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// `strconv.FormatFloat(f, 'g', -1, bits)` with `bits` 64, or 32 when `bits32`.
pub(crate) fn format_g(f: f64, bits32: bool) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let (neg, digits, dp) = shortest_digits(f, bits32);
    let mut out = String::with_capacity(24);
    if neg {
        out.push('-');
    }
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        push_exponent_form(&mut out, &digits, dp);
    } else {
        push_fixed_form(&mut out, &digits, dp);
    }
    out
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`.
pub(crate) fn format_f(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let (neg, digits, dp) = shortest_digits(f, false);
    let mut out = String::with_capacity(24);
    if neg {
        out.push('-');
    }
    push_fixed_form(&mut out, &digits, dp);
    out
}

/// The text Go's `encoding/json` writes for a float64 (`1e+21`, `0.000001`, `1e-7`, `100`);
/// `None` for NaN and infinities, which `json.Marshal` rejects.
pub(crate) fn json_number(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_g_exponent(f);
        // Go cleans up `e-09` to `e-9`.
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 1] == "e-0" {
            s.remove(n - 2);
        }
        Some(s)
    } else {
        Some(format_f(f))
    }
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`.
fn format_g_exponent(f: f64) -> String {
    let (neg, digits, dp) = shortest_digits(f, false);
    let mut out = String::with_capacity(24);
    if neg {
        out.push('-');
    }
    push_exponent_form(&mut out, &digits, dp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_g(1e6, false), "1e+06");
        assert_eq!(format_g(123456.0, false), "123456");
        assert_eq!(format_g(0.5, false), "0.5");
        assert_eq!(format_g(0.0001, false), "0.0001");
        assert_eq!(format_g(0.00001, false), "1e-05");
        assert_eq!(format_g(123456789.5, false), "1.234567895e+08");
        assert_eq!(format_g(-2.5e-10, false), "-2.5e-10");
        assert_eq!(format_g(0.0, false), "0");
        assert_eq!(format_g(-0.0, false), "-0");
        assert_eq!(format_g(1.1, true), "1.1");
        assert_eq!(format_g(f64::INFINITY, false), "+Inf");
    }

    #[test]
    fn json_numbers_match_go() {
        assert_eq!(json_number(1e21).unwrap(), "1e+21");
        assert_eq!(json_number(1e20).unwrap(), "100000000000000000000");
        assert_eq!(json_number(0.000001).unwrap(), "0.000001");
        assert_eq!(json_number(1e-7).unwrap(), "1e-7");
        assert_eq!(json_number(3.0).unwrap(), "3");
        assert_eq!(json_number(-1.5).unwrap(), "-1.5");
        assert!(json_number(f64::NAN).is_none());
    }
}
