//! BurntSushi/toml v1.6's `Encoder.Encode` for Go's `interface{}` data.

use slipway_value::fmt::format_float;
use slipway_value::{Map, Value};

use crate::TomlError;

/// Writes `v` as BurntSushi/toml's encoder does for Helm's `toToml`: a map becomes a document
/// (plain keys first, then tables, each group sorted; nested tables indented by two spaces
/// per level); a scalar or inline-able list is written as a bare value; nil writes nothing.
pub fn to_toml(v: &Value) -> Result<String, TomlError> {
    if v.is_nil() {
        return Err(TomlError::Panic(
            "reflect: call of reflect.Value.Type on zero Value".into(),
        ));
    }
    let mut e = Encoder { out: String::new() };
    e.encode(&[], v)?;
    Ok(e.out)
}

/// The TOML types the encoder tells apart.
#[derive(PartialEq, Eq)]
enum Kind {
    /// No concrete type: a nil value.
    Nil,
    Table,
    ArrayOfTables,
    Other,
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn encode(&mut self, key: &[&str], v: &Value) -> Result<(), TomlError> {
        match v {
            Value::Nil => Ok(()),
            Value::Object(o) => self.encode(key, &o.to_data()),
            Value::Dict(d) => self.table(key, &d.read()),
            Value::List(items) if kind(v)? == Kind::ArrayOfTables => {
                self.array_of_tables(key, items)
            }
            _ => self.key_value(key, v, false),
        }
    }

    fn key_value(&mut self, key: &[&str], v: &Value, inline: bool) -> Result<(), TomlError> {
        if let Some((last, _)) = key.split_last() {
            self.out.push_str(&indent(key));
            push_key_part(&mut self.out, last);
            self.out.push_str(" = ");
        }
        self.element(v)?;
        if !key.is_empty() && !inline {
            self.newline();
        }
        Ok(())
    }

    fn table(&mut self, key: &[&str], map: &Map) -> Result<(), TomlError> {
        if key.len() == 1 {
            // An extra newline between top-level tables.
            self.newline();
        }
        if !key.is_empty() {
            self.out.push_str(&indent(key));
            self.out.push('[');
            push_key(&mut self.out, key);
            self.out.push(']');
            self.newline();
        }
        self.map(key, map, false)
    }

    fn array_of_tables(&mut self, key: &[&str], items: &[Value]) -> Result<(), TomlError> {
        if key.is_empty() {
            return Err(TomlError::Encode(
                "toml: top-level values must be Go maps or structs".into(),
            ));
        }
        for item in items {
            let data;
            let item = match item {
                Value::Object(o) => {
                    data = o.to_data();
                    &data
                }
                other => other,
            };
            let Value::Dict(d) = item else { continue };
            self.newline();
            self.out.push_str(&indent(key));
            self.out.push_str("[[");
            push_key(&mut self.out, key);
            self.out.push_str("]]");
            self.newline();
            self.map(key, &d.read(), false)?;
        }
        Ok(())
    }

    /// `eMap`: values that are not tables first, then tables; each group sorted by key.
    fn map(&mut self, key: &[&str], map: &Map, inline: bool) -> Result<(), TomlError> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in map {
            if matches!(kind(v)?, Kind::Table | Kind::ArrayOfTables) {
                sub.push((k.as_str(), v));
            } else {
                direct.push((k.as_str(), v));
            }
        }
        if inline {
            self.out.push('{');
        }
        let trail = !sub.is_empty();
        self.map_keys(key, &direct, inline, trail)?;
        self.map_keys(key, &sub, inline, false)?;
        if inline {
            self.out.push('}');
        }
        Ok(())
    }

    fn map_keys(
        &mut self,
        key: &[&str],
        entries: &[(&str, &Value)],
        inline: bool,
        trail: bool,
    ) -> Result<(), TomlError> {
        for (i, (k, v)) in entries.iter().enumerate() {
            if v.is_nil() {
                continue;
            }
            if inline {
                self.key_value(&[k], v, true)?;
                if trail || i != entries.len() - 1 {
                    self.out.push_str(", ");
                }
            } else {
                let mut sub_key = key.to_vec();
                sub_key.push(k);
                self.encode(&sub_key, v)?;
            }
        }
        Ok(())
    }

    /// `eElement`: a value in `key = VALUE` position or inside an array.
    fn element(&mut self, v: &Value) -> Result<(), TomlError> {
        match v {
            Value::String(s) => push_quoted(&mut self.out, s),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => push_float(&mut self.out, *f),
            Value::Bytes(b) => {
                let items: Vec<Value> = b.iter().map(|&x| Value::Int(i64::from(x))).collect();
                self.array(&items)?;
            }
            Value::List(items) => self.array(items)?,
            Value::Dict(d) => self.map(&[], &d.read(), true)?,
            Value::Object(o) => self.element(&o.to_data())?,
            Value::Nil => {
                return Err(TomlError::Encode(
                    "toml: cannot encode array with nil element".into(),
                ));
            }
        }
        Ok(())
    }

    fn array(&mut self, items: &[Value]) -> Result<(), TomlError> {
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            self.element(item)?;
            if i != items.len() - 1 {
                self.out.push_str(", ");
            }
        }
        self.out.push(']');
        Ok(())
    }
}

/// `tomlTypeOfGo`, which also refuses arrays holding nil (at any depth).
fn kind(v: &Value) -> Result<Kind, TomlError> {
    Ok(match v {
        Value::Nil => Kind::Nil,
        Value::Dict(_) => Kind::Table,
        Value::Object(o) => kind(&o.to_data())?,
        Value::List(items) => {
            let mut all_tables = !items.is_empty();
            for item in items.iter() {
                let k = kind(item)?;
                if k == Kind::Nil {
                    return Err(TomlError::Encode(
                        "toml: cannot encode array with nil element".into(),
                    ));
                }
                all_tables &= k == Kind::Table;
            }
            if all_tables {
                Kind::ArrayOfTables
            } else {
                Kind::Other
            }
        }
        _ => Kind::Other,
    })
}

fn indent(key: &[&str]) -> String {
    "  ".repeat(key.len().saturating_sub(1))
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `Key.maybeQuoted`: bare when possible, else a basic string.
fn push_key_part(out: &mut String, k: &str) {
    if is_bare(k) {
        out.push_str(k);
    } else {
        push_quoted(out, k);
    }
}

/// `Key.String`: dotted parts, each quoted as needed.
fn push_key(out: &mut String, key: &[&str]) {
    for (i, part) in key.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_key_part(out, part);
    }
}

/// A basic string with BurntSushi's escapes (`\"`, `\\`, `\b\t\n\f\r`, `\uXXXX` for other
/// control characters and DEL).
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `%g`-style shortest float with `.0` added when it has neither `.` nor an exponent;
/// `nan`, `inf`, `-inf`.
fn push_float(out: &mut String, f: f64) {
    if f.is_nan() {
        if f.is_sign_negative() {
            out.push('-');
        }
        out.push_str("nan");
    } else if f.is_infinite() {
        if f < 0.0 {
            out.push('-');
        }
        out.push_str("inf");
    } else {
        let s = format_float(f, b'g', -1, 64);
        let needs_decimal = !s.contains(['.', 'e']);
        out.push_str(&s);
        if needs_decimal {
            out.push_str(".0");
        }
    }
}
