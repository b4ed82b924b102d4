//! Small pieces of Go's `fmt`/`strconv` output that Helm's messages contain.

use slipway_value::Value;

/// Go's `strconv.Quote` (`%q` of a string).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || is_go_unprintable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runes Go's `unicode.IsPrint` rejects beyond control characters: spaces other than U+0020 and
/// format/private-use code points that matter in practice.
fn is_go_unprintable(c: char) -> bool {
    matches!(c as u32,
        0xa0 | 0xad | 0x1680 | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f
        | 0x3000 | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff)
}

/// Go's dynamic type name of a value held in an `interface{}` (as runtime panics print it).
pub fn go_type_name(v: &Value) -> &str {
    match v {
        Value::Nil => "nil",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Bytes(_) => "[]uint8",
        Value::List(_) => "[]interface {}",
        Value::Dict(_) => "map[string]interface {}",
        Value::Object(o) => o.type_name(),
    }
}

/// Go's `%v` of a value held in an `interface{}`.
pub fn go_fmt_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, false);
    out
}

/// Go's `%t` of a value held in an `interface{}` (`%!t(string=x)` for non-bools).
pub fn go_fmt_t(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, true);
    out
}

fn write_v(out: &mut String, v: &Value, as_bool: bool) {
    let bad = |out: &mut String, ty: &str, text: String| {
        if as_bool {
            out.push_str(&format!("%!t({ty}={text})"));
        } else {
            out.push_str(&text);
        }
    };
    match v {
        Value::Nil if as_bool => out.push_str("%!t(<nil>)"),
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => bad(out, "int64", i.to_string()),
        Value::Float(f) => bad(out, "float64", go_float(*f)),
        Value::String(s) => bad(out, "string", s.to_string()),
        Value::Bytes(b) => {
            let items: Vec<String> = b.iter().map(|x| x.to_string()).collect();
            bad(out, "uint8", format!("[{}]", items.join(" ")));
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item, as_bool);
            }
            out.push(']');
        }
        Value::Dict(d) => {
            out.push_str("map[");
            for (i, (k, item)) in d.read().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                bad(out, "string", k.clone());
                out.push(':');
                write_v(out, item, as_bool);
            }
            out.push(']');
        }
        Value::Object(o) => write_v(out, &o.to_data(), as_bool),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` as `%v` prints a `float64`.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits = mantissa.trim_start_matches('-').replace('.', "");
    let nd = digits.len() as i32;
    let mut eprec = 6;
    if eprec > nd && nd > exp {
        eprec = nd;
    }
    if exp < -4 || exp >= eprec {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_go() {
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(3.5), "3.5");
        assert_eq!(go_float(1e21), "1e+21");
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("\u{1}é"), "\"\\x01é\"");
    }
}
