//! Defaults and JSON: `default`, `empty`, `coalesce`, `all`, `any`, `ternary`, `fromJson`,
//! `toJson` and their variants.

use slipway_value::{FuncError, FuncMap, Value};

use crate::args::{Arity, failed, register};
use crate::cast::empty;
use crate::json;

/// Registers the default and JSON functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    register(m, &["default"], AtLeast(1), |a| {
        Ok(match a.rest(1).first() {
            Some(given) if !empty(given) => given.clone(),
            _ => a.any(0).clone(),
        })
    });
    register(m, &["empty"], Exact(1), |a| Ok(empty(a.any(0)).into()));
    register(m, &["coalesce"], AtLeast(0), |a| {
        Ok(a.rest(0)
            .iter()
            .find(|v| !empty(v))
            .cloned()
            .unwrap_or_default())
    });
    register(m, &["all"], AtLeast(0), |a| {
        Ok(a.rest(0).iter().all(|v| !empty(v)).into())
    });
    register(m, &["any"], AtLeast(0), |a| {
        Ok(a.rest(0).iter().any(|v| !empty(v)).into())
    });
    register(m, &["ternary"], Exact(3), |a| {
        Ok(if a.bool(2)? { a.any(0) } else { a.any(1) }.clone())
    });
    register(m, &["fromJson"], Exact(1), |a| {
        Ok(from_json(a.str(0)?).unwrap_or_default())
    });
    register(m, &["mustFromJson"], Exact(1), |a| {
        from_json(a.str(0)?).map_err(failed)
    });
    register(m, &["toJson"], Exact(1), |a| {
        Ok(json::marshal(a.any(0), true).unwrap_or_default().into())
    });
    register(m, &["mustToJson"], Exact(1), |a| {
        to_value(json::marshal(a.any(0), true))
    });
    register(m, &["toPrettyJson"], Exact(1), |a| {
        Ok(json::marshal_indent(a.any(0), "", "  ")
            .unwrap_or_default()
            .into())
    });
    register(m, &["mustToPrettyJson"], Exact(1), |a| {
        to_value(json::marshal_indent(a.any(0), "", "  "))
    });
    register(m, &["toRawJson", "mustToRawJson"], Exact(1), |a| {
        to_value(json::marshal(a.any(0), false))
    });
}

fn to_value(r: Result<String, json::JsonError>) -> Result<Value, FuncError> {
    r.map(Value::from).map_err(|e| failed(e.to_string()))
}

/// `json.Unmarshal` into `interface{}`: every number becomes a `float64`; errors use Go's
/// wording for the common cases.
pub(crate) fn from_json(s: &str) -> Result<Value, String> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(j) => Ok(floats(&j)),
        Err(e) if e.is_eof() => Err("unexpected end of JSON input".to_owned()),
        Err(e) => {
            let line = s.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
            let c = line
                .chars()
                .nth(e.column().saturating_sub(1))
                .unwrap_or(' ');
            let msg = e.to_string();
            let context = [
                (
                    "key must be a string",
                    "looking for beginning of object key string",
                ),
                ("expected `:`", "after object key"),
                ("expected `,` or `}`", "after object key:value pair"),
                ("expected `,` or `]`", "after array element"),
                ("trailing characters", "after top-level value"),
                ("control character", "in string literal"),
                ("invalid escape", "in string escape code"),
                ("invalid number", "in numeric literal"),
            ]
            .iter()
            .find(|(serde, _)| msg.starts_with(serde))
            .map_or("looking for beginning of value", |(_, go)| go);
            Err(format!("invalid character {} {context}", quote_char(c)))
        }
    }
}

/// Go's `quoteChar`: `'x'`, `'\''`, `'"'`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_owned(),
        '"' => "'\"'".to_owned(),
        c => {
            let q = slipway_value::fmt::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn floats(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::Array(items) => Value::list(items.iter().map(floats).collect()),
        serde_json::Value::Object(map) => {
            Value::dict(map.iter().map(|(k, v)| (k.clone(), floats(v))).collect())
        }
        other => Value::from_json(other),
    }
}
