//! Go's `encoding/json` output for template values: what `toJson`, `toRawJson` and
//! `toPrettyJson` print (Helm's `toJson` uses it too).
//!
//! Map keys are sorted, `<`, `>` and `&` are escaped as `\u003c`, `\u003e`, `\u0026` unless
//! HTML escaping is off, U+2028 and U+2029 are always escaped, floats print as Go prints them
//! (`1e+21`, `1e-7`, `0.000001`), bytes are base64, and NaN or infinities are an error.

use std::fmt::Write as _;

use base64::Engine as _;
use slipway_value::Value;
use slipway_value::fmt::format_float;

use crate::gotime::GoTime;

/// Why a value cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// A NaN or infinite float (`json: unsupported value: NaN`).
    #[error("json: unsupported value: {0}")]
    UnsupportedValue(String),
    /// Nesting deeper than Go's encoder accepts (a map that contains itself).
    #[error("json: unsupported value: encountered a cycle via map[string]interface {{}}")]
    Cycle,
}

/// Nesting depth at which encoding gives up, as Go does when it detects a cycle.
const MAX_DEPTH: usize = 1000;

/// `json.Marshal(v)` (with `escape_html`), or an `Encoder` with `SetEscapeHTML(false)` minus
/// its trailing newline (without).
pub fn marshal(v: &Value, escape_html: bool) -> Result<String, JsonError> {
    let mut out = String::new();
    encode(&mut out, v, escape_html, 0)?;
    Ok(out)
}

/// `json.MarshalIndent(v, prefix, indent)`.
pub fn marshal_indent(v: &Value, prefix: &str, indent: &str) -> Result<String, JsonError> {
    let compact = marshal(v, true)?;
    Ok(indent_json(&compact, prefix, indent))
}

fn encode(out: &mut String, v: &Value, escape_html: bool, depth: usize) -> Result<(), JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError::Cycle);
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float(*f)?),
        Value::String(s) => string(out, s, escape_html),
        Value::Bytes(b) => string(
            out,
            &base64::engine::general_purpose::STANDARD.encode(b),
            escape_html,
        ),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(out, item, escape_html, depth + 1)?;
            }
            out.push(']');
        }
        Value::Dict(d) => {
            out.push('{');
            for (i, (k, item)) in d.read().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, k, escape_html);
                out.push(':');
                encode(out, item, escape_html, depth + 1)?;
            }
            out.push('}');
        }
        Value::Object(o) => match o.as_any().and_then(|a| a.downcast_ref::<GoTime>()) {
            // time.Time's MarshalJSON: RFC 3339 with nanoseconds.
            Some(t) => string(
                out,
                &t.format("2006-01-02T15:04:05.999999999Z07:00"),
                escape_html,
            ),
            None => encode(out, &o.to_data(), escape_html, depth + 1)?,
        },
    }
    Ok(())
}

/// Go's `floatEncoder` for float64.
fn float(f: f64) -> Result<String, JsonError> {
    if !f.is_finite() {
        return Err(JsonError::UnsupportedValue(format_float(f, b'g', -1, 64)));
    }
    let abs = f.abs();
    let exp_form = abs != 0.0 && !(1e-6..1e21).contains(&abs);
    let mut s = format_float(f, if exp_form { b'e' } else { b'f' }, -1, 64);
    if exp_form {
        // Go trims `e-07` to `e-7`.
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 2] == "e-" && &s[n - 2..n - 1] == "0" {
            s.remove(n - 2);
        }
    }
    Ok(s)
}

/// Go's `appendString`.
fn string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Indent` over compact output: empty arrays and objects stay `[]` and `{}`.
fn indent_json(src: &str, prefix: &str, indent: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = src.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(prefix);
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '[' | '{' => {
                out.push(c);
                if matches!(chars.peek(), Some(']' | '}')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(json: serde_json::Value) -> Value {
        Value::from_json(&json)
    }

    #[test]
    fn escapes_html_only_when_asked() {
        let x = v(serde_json::json!({"html": "<HEAD>&", "b": true}));
        assert_eq!(
            marshal(&x, true).unwrap(),
            r#"{"b":true,"html":"\u003cHEAD\u003e\u0026"}"#
        );
        assert_eq!(
            marshal(&x, false).unwrap(),
            r#"{"b":true,"html":"<HEAD>&"}"#
        );
    }

    #[test]
    fn floats_print_like_go() {
        let cases = [
            (1.0, "1"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (-0.0, "-0"),
        ];
        for (f, want) in cases {
            assert_eq!(marshal(&Value::Float(f), true).unwrap(), want);
        }
        assert_eq!(
            marshal(&Value::Float(f64::NAN), true)
                .unwrap_err()
                .to_string(),
            "json: unsupported value: NaN"
        );
    }

    #[test]
    fn times_marshal_as_rfc3339() {
        let t = GoTime::from_unix(1560458379)
            .in_zone("Asia/Tokyo")
            .into_value();
        assert_eq!(marshal(&t, true).unwrap(), "\"2019-06-14T05:39:39+09:00\"");
    }

    #[test]
    fn indents_like_marshal_indent() {
        let x = v(serde_json::json!({"a": [1, {"b": []}], "c": {}}));
        assert_eq!(
            marshal_indent(&x, "", "  ").unwrap(),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}"
        );
    }
}
