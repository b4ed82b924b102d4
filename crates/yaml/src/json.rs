//! JSON as Go's `encoding/json` decodes it into `interface{}` (Helm's `fromJson`): every
//! number is a float64, later duplicate keys win, and errors carry Go's texts (`invalid
//! character 'x' looking for beginning of value`, `unexpected end of JSON input`).
//!
//! The parser keeps its own stack, so deep nesting cannot overflow ours; Go's limit of 10000
//! levels applies.

use slipway_value::{Map, Value};

use crate::error::YamlError;

/// Go's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

/// An open container while parsing.
enum Open {
    List(Vec<Value>),
    /// The map and the key whose value comes next.
    Map(Map, Option<String>),
}

/// Decodes `text` as `json.Unmarshal` into an `interface{}`.
///
/// Errors are Go's: a [`YamlError::JsonDecode`] whose text is the `encoding/json` message
/// (`invalid character '}' after array element`, `json: cannot unmarshal number 1e400 into Go
/// value of type float64`).
pub fn from_json(text: &str) -> Result<Value, YamlError> {
    let decoded = decode(text)?;
    match decoded.range_error {
        Some(e) => Err(YamlError::JsonDecode(e)),
        None => Ok(decoded.value),
    }
}

/// A syntactically valid JSON text, decoded.
pub(crate) struct Decoded {
    /// The value; numbers beyond float64's range are nil inside containers, and an infinite
    /// float when they are the whole document (so that typed targets see a number).
    pub(crate) value: Value,
    /// Go's error for the first number beyond float64's range, which `encoding/json` reports
    /// after decoding everything else.
    pub(crate) range_error: Option<String>,
}

/// Checks and decodes `text`; syntax errors are Go's.
pub(crate) fn decode(text: &str) -> Result<Decoded, YamlError> {
    let mut p = JsonParser {
        b: text.as_bytes(),
        text,
        i: 0,
    };
    p.document().map_err(YamlError::JsonDecode)
}

struct JsonParser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Go's `invalid character 'c' CONTEXT`, or the end-of-input error.
    fn invalid(&self, context: &str) -> String {
        match self.peek() {
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
            None => "unexpected end of JSON input".into(),
        }
    }

    /// Like [`Self::invalid`] inside a literal, number or escape, where Go's scanner meets the
    /// end of input as a space, which is invalid there too.
    fn invalid_here(&self, context: &str) -> String {
        let c = self.peek().unwrap_or(b' ');
        format!("invalid character {} {context}", quote_char(c))
    }

    fn document(&mut self) -> Result<Decoded, String> {
        let mut stack: Vec<Open> = Vec::new();
        // A range error found while decoding; reported only if the syntax is valid throughout.
        let mut range_error: Option<String> = None;
        loop {
            self.skip_ws();
            // Expect a value (or the end of an empty container).
            let value = match self.peek() {
                Some(b'{') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        Value::dict(Map::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Open::Map(Map::new(), Some(key)));
                        self.check_depth(&stack)?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        Value::list(Vec::new())
                    } else {
                        stack.push(Open::List(Vec::new()));
                        self.check_depth(&stack)?;
                        continue;
                    }
                }
                Some(b'"') => Value::string(self.string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Nil)?,
                Some(b'-' | b'0'..=b'9') => {
                    let text = self.number()?;
                    match text.parse::<f64>() {
                        Ok(f) if f.is_finite() => Value::Float(f),
                        _ => {
                            range_error.get_or_insert_with(|| {
                                format!(
                                    "json: cannot unmarshal number {text} into Go value of type float64"
                                )
                            });
                            if stack.is_empty() {
                                Value::Float(f64::INFINITY)
                            } else {
                                Value::Nil
                            }
                        }
                    }
                }
                _ => return Err(self.invalid("looking for beginning of value")),
            };
            // Attach the value and close containers as far as the input says.
            let mut value = value;
            loop {
                self.skip_ws();
                match stack.last_mut() {
                    None => {
                        if self.peek().is_some() {
                            return Err(self.invalid("after top-level value"));
                        }
                        return Ok(Decoded { value, range_error });
                    }
                    Some(Open::List(items)) => {
                        items.push(value);
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                break;
                            }
                            Some(b']') => {
                                self.i += 1;
                                let Some(Open::List(items)) = stack.pop() else {
                                    unreachable!("the top is a list")
                                };
                                value = Value::list(items);
                            }
                            _ => return Err(self.invalid("after array element")),
                        }
                    }
                    Some(Open::Map(map, key)) => {
                        if let Some(k) = key.take() {
                            map.insert(k, value);
                        }
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                self.skip_ws();
                                *key = Some(self.key()?);
                                break;
                            }
                            Some(b'}') => {
                                self.i += 1;
                                let Some(Open::Map(map, _)) = stack.pop() else {
                                    unreachable!("the top is a map")
                                };
                                value = Value::dict(map);
                            }
                            _ => return Err(self.invalid("after object key:value pair")),
                        }
                    }
                }
            }
        }
    }

    fn check_depth(&self, stack: &[Open]) -> Result<(), String> {
        if stack.len() > MAX_DEPTH {
            return Err(format!(
                "invalid character {} exceeded max depth",
                quote_char(self.b[self.i - 1])
            ));
        }
        Ok(())
    }

    /// An object key and its colon.
    fn key(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(self.invalid("looking for beginning of object key string"));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.invalid("after object key"));
        }
        self.i += 1;
        Ok(key)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        for (k, expected) in word.bytes().enumerate() {
            if k == 0 {
                self.i += 1;
                continue;
            }
            if self.peek() != Some(expected) {
                return Err(self.invalid_here(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(expected)
                )));
            }
            self.i += 1;
        }
        Ok(value)
    }

    /// A number's text, checked against JSON's grammar as Go's scanner does.
    fn number(&mut self) -> Result<&str, String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i - s
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.invalid_here("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            digits(self);
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.invalid_here("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.invalid_here("in exponent of numeric literal"));
            }
        }
        Ok(&self.text[start..self.i])
    }

    /// A string literal, unescaped; lone surrogates become U+FFFD as in Go.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unexpected end of JSON input".into());
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.invalid_here("in string escape code"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.i = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.invalid_here("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.invalid("in string literal")),
                _ => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c != b'"' && c != b'\\' && c >= 0x20)
                    {
                        self.i += 1;
                    }
                    out.push_str(&self.text[start..self.i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            let Some(d) = self.peek().and_then(|c| (c as char).to_digit(16)) else {
                return Err(self.invalid_here("in \\u hexadecimal character escape"));
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }
}

/// Go's `quoteChar`: the byte as a Go-quoted character in single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let ch = c as char;
            let inner = match ch {
                '\u{7}' => r"\a".into(),
                '\u{8}' => r"\b".into(),
                '\u{c}' => r"\f".into(),
                '\n' => r"\n".into(),
                '\r' => r"\r".into(),
                '\t' => r"\t".into(),
                '\u{b}' => r"\v".into(),
                '\\' => r"\\".into(),
                c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\x{:02x}", c as u32),
                c if (0x80..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                    format!("\\u{:04x}", c as u32)
                }
                c => c.to_string(),
            };
            format!("'{inner}'")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        from_json(text).unwrap_err().inner().to_string()
    }

    #[test]
    fn values_as_go_decodes_them() {
        let v = from_json(r#" {"a": [1, 2.5, -0, 1e3], "b": {"c": null, "d": true}, "e": "x\u00e9\ud83d\ude00\ud800", "a": 7} "#).unwrap();
        let d = v.as_dict().unwrap();
        assert_eq!(d.get("a"), Some(Value::Float(7.0)));
        assert_eq!(d.get("e"), Some(Value::string("xé😀\u{fffd}")));
        assert_eq!(from_json("[]").unwrap(), Value::list(vec![]));
    }

    #[test]
    fn go_syntax_errors() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err("{"), "unexpected end of JSON input");
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            err("{a}"),
            "invalid character 'a' looking for beginning of object key string"
        );
        assert_eq!(err(r#"{"a" 1}"#), "invalid character '1' after object key");
        assert_eq!(
            err(r#"{"a":1 "b":2}"#),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(err("[1 2]"), "invalid character '2' after array element");
        assert_eq!(
            err("[1,]"),
            "invalid character ']' looking for beginning of value"
        );
        assert_eq!(err("1 2"), "invalid character '2' after top-level value");
        assert_eq!(
            err("tru"),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            err("trux"),
            "invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(err("01"), "invalid character '1' after top-level value");
        assert_eq!(
            err("1."),
            "invalid character ' ' after decimal point in numeric literal"
        );
        assert_eq!(
            err("1.x"),
            "invalid character 'x' after decimal point in numeric literal"
        );
        assert_eq!(err("-x"), "invalid character 'x' in numeric literal");
        assert_eq!(err("\"a\nb\""), "invalid character '\\n' in string literal");
        assert_eq!(
            err(r#""\q""#),
            "invalid character 'q' in string escape code"
        );
        assert_eq!(
            err("'a'"),
            r"invalid character '\'' looking for beginning of value"
        );
        assert_eq!(
            err("1e400"),
            "json: cannot unmarshal number 1e400 into Go value of type float64"
        );
        assert_eq!(
            err(&"[".repeat(10_001)),
            "invalid character '[' exceeded max depth"
        );
    }
}
