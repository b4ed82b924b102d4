//! Go's float formats as Helm's YAML paths produce them: `strconv.FormatFloat` shortest
//! forms and `encoding/json`'s number text, which decide how numbers look after Helm's JSON
//! round trip.

use slipway_value::fmt::format_float;

/// `strconv.FormatFloat(f, 'g', -1, bits)` with `bits` 64, or 32 when `bits32`.
pub(crate) fn format_g(f: f64, bits32: bool) -> String {
    format_float(f, b'g', -1, if bits32 { 32 } else { 64 })
}

/// The text Go's `encoding/json` writes for a float64 (`1e+21`, `0.000001`, `1e-7`, `100`);
/// `None` for NaN and infinities, which `json.Marshal` rejects.
pub(crate) fn json_number(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_float(f, b'e', -1, 64);
        // Go cleans up `e-09` to `e-9`.
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 1] == "e-0" {
            s.remove(n - 2);
        }
        Some(s)
    } else {
        Some(format_float(f, b'f', -1, 64))
    }
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
