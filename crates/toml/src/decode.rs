//! Reading TOML into Helm's `map[string]interface{}` (BurntSushi/toml's `Unmarshal`):
//! integers are int64, floats float64, tables maps, arrays lists.

use slipway_value::{Dict, Map, Value};

use crate::TomlError;

/// Parses a TOML document into a map, as Helm's `fromToml` does. Datetimes become the text
/// Go's JSON gives their `time.Time` (RFC 3339, local dates and times in UTC, as BurntSushi
/// places them). Errors read `toml: line N: MESSAGE` like BurntSushi/toml's, though the message
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
        toml::Value::Datetime(d) => Value::string(go_time_text(&d)),
        toml::Value::Array(items) => Value::list(items.into_iter().map(value).collect()),
        toml::Value::Table(t) => Value::dict(table_map(t)),
    }
}

/// Go's `time.RFC3339Nano` text of the `time.Time` BurntSushi/toml makes of a datetime: a local
/// date is midnight, a local time is on 0000-01-01, and local values are in a zero-offset
/// zone, so they end in `Z`.
fn go_time_text(d: &toml::value::Datetime) -> String {
    let (year, month, day) = d.date.map_or((0, 1, 1), |d| (d.year, d.month, d.day));
    let (hour, minute, second, nanos) = d
        .time
        .map_or((0, 0, 0, 0), |t| (t.hour, t.minute, t.second, t.nanosecond));
    let mut out = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    match d.offset {
        Some(toml::value::Offset::Custom { minutes }) if minutes != 0 => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        _ => out.push('Z'),
    }
    out
}
