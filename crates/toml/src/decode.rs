//! Reading TOML into Helm's `map[string]interface{}` (BurntSushi/toml's `Unmarshal`):
//! integers are int64, floats float64, tables maps, arrays lists.

use slipway_value::{Dict, Map, Value};

use crate::TomlError;

/// Parses a TOML document into a map, as Helm's `fromToml` does. Datetimes are kept as their
/// TOML text. Errors read `toml: line N: MESSAGE` like BurntSushi/toml's, though the message
/// itself is the parser's own.
pub fn from_toml(text: &str) -> Result<Dict, TomlError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |span| {
            text[..span.start.min(text.len())].matches('\n').count() + 1
        });
        let message = e.message().trim_end().to_string();
        TomlError::Parse(format!("toml: line {line}: {message}"))
    })?;
    Ok(Dict::from_map(table_map(table)))
}

fn table_map(table: toml::Table) -> Map {
    table.into_iter().map(|(k, v)| (k, value(v))).collect()
}

fn value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::string(s),
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::string(d.to_string()),
        toml::Value::Array(items) => Value::list(items.into_iter().map(value).collect()),
        toml::Value::Table(t) => Value::dict(table_map(t)),
    }
}
