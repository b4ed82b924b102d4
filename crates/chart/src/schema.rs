//! `values.schema.json` validation (Helm's `ValidateAgainstSchema`), with errors printed the
//! way Helm's validator (santhosh-tekuri/jsonschema v6) words and nests them:
//!
//! ```text
//! mychart:
//! - at '/port': minimum: got 0, want 1
//! - at '/name': validation failed
//!   - at '/name': minLength: got 2, want 3
//!   - at '/name': 'AB' does not match pattern '^[a-z]+$'
//! ```

use jsonschema::error::{TypeKind, ValidationErrorKind};
use slipway_value::{Dict, Value};

use crate::model::Chart;

/// Validates `values` against the chart's schema and each subchart's against its own,
/// recursively. The error text lists every failing chart.
pub fn validate_against_schema(chart: &Chart, values: &Dict) -> Result<(), String> {
    let mut out = String::new();
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_single(values, schema)
    {
        out.push_str(&format!("{}:\n{e}", chart.name()));
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Nil) => {}
            Some(Value::Dict(d)) => {
                if let Err(e) = validate_against_schema(sub, &d) {
                    out.push_str(&e);
                }
            }
            Some(other) => out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                slipway_value::fmt::type_name(&other)
            )),
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// One failure: where in the values, which schema subtree, and the message.
struct Failure {
    instance: String,
    group: String,
    message: String,
}

/// Validates `values` against one schema document; the error ends with a newline.
pub fn validate_single(values: &Dict, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| format!("{e}\n"))?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| format!("{e}\n"))?;
    let instance = Value::Dict(values.clone()).to_json();
    let mut failures: Vec<Failure> = validator
        .iter_errors(&instance)
        .map(|e| Failure {
            instance: e.instance_path().to_string(),
            group: group_of(&e.schema_path().to_string()),
            message: message(e.kind(), e.instance()),
        })
        .collect();
    if failures.is_empty() {
        return Ok(());
    }
    failures.sort_by_key(|f| group_rank(&f.group));
    let mut text = String::new();
    let mut i = 0;
    while i < failures.len() {
        let group = &failures[i].group;
        let n = failures[i..]
            .iter()
            .take_while(|f| &f.group == group)
            .count();
        let members = &failures[i..i + n];
        if n == 1 {
            line(&mut text, 0, &members[0].instance, &members[0].message);
        } else {
            let at = members
                .iter()
                .map(|f| f.instance.as_str())
                .min_by_key(|s| s.len())
                .unwrap_or("");
            line(&mut text, 0, at, "validation failed");
            let mut sorted: Vec<&Failure> = members.iter().collect();
            sorted.sort_by_key(|f| f.instance.len());
            for f in sorted {
                line(&mut text, 1, &f.instance, &f.message);
            }
        }
        i += n;
    }
    Err(text)
}

fn line(out: &mut String, depth: usize, at: &str, msg: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("- at '{at}': {msg}\n"));
}

/// The schema subtree a failure belongs to, at the first level below the root schema
/// (`/properties/name`, `/items`, or the root keyword itself).
fn group_of(schema_path: &str) -> String {
    let parts: Vec<&str> = schema_path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [
            kw
            @ ("properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"),
            name,
            _,
            ..,
        ] => {
            format!("/{kw}/{name}")
        }
        [
            kw @ ("allOf" | "anyOf" | "oneOf" | "prefixItems"),
            idx,
            _,
            ..,
        ] => format!("/{kw}/{idx}"),
        [
            kw @ ("items" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains"),
            _,
            ..,
        ] => {
            format!("/{kw}")
        }
        _ => schema_path.to_owned(),
    }
}

/// The order Helm's validator reports keyword groups in: root keywords, `required`, then
/// properties by name, then `additionalProperties`, then the rest.
fn group_rank(group: &str) -> (u8, String) {
    let kw = group
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let rank = match kw {
        "type" | "enum" | "const" | "$ref" => 0,
        "required" | "dependentRequired" => 1,
        "properties" | "patternProperties" => 2,
        "additionalProperties" => 3,
        _ => 4,
    };
    (rank, group.to_owned())
}

/// Go's `%v` of a JSON number as santhosh's messages print it (integers with thousands
/// separators).
fn num(v: &serde_json::Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            let s = format!("{}", f.abs() as i64);
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            if f < 0.0 { format!("-{out}") } else { out }
        }
        _ => v.to_string(),
    }
}

/// A JSON value quoted as santhosh's messages do (`'a'` for strings, JSON otherwise).
fn quoted(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn len_of(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::String(s) => s.chars().count(),
        serde_json::Value::Array(a) => a.len(),
        serde_json::Value::Object(o) => o.len(),
        _ => 0,
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// santhosh-tekuri/jsonschema v6's English message for one failure.
fn message(kind: &ValidationErrorKind, instance: &serde_json::Value) -> String {
    use ValidationErrorKind as K;
    match kind {
        K::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => {
                    let names: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
                    names.join(" or ")
                }
            };
            format!("got {}, want {want}", json_type(instance))
        }
        K::Required { property } => {
            format!("missing property {}", quoted(property))
        }
        K::AdditionalProperties { unexpected } => {
            format!(
                "additional properties {} not allowed",
                quoted_list(unexpected)
            )
        }
        K::Enum { options } => match options.as_array() {
            Some(opts) if opts.len() == 1 => format!("value must be {}", quoted(&opts[0])),
            Some(opts) => format!(
                "value must be one of {}",
                opts.iter().map(quoted).collect::<Vec<_>>().join(", ")
            ),
            None => format!("value must be {}", quoted(options)),
        },
        K::Constant { expected_value } => format!("value must be {}", quoted(expected_value)),
        K::MinLength { limit } => format!("minLength: got {}, want {limit}", len_of(instance)),
        K::MaxLength { limit } => format!("maxLength: got {}, want {limit}", len_of(instance)),
        K::MinItems { limit } => format!("minItems: got {}, want {limit}", len_of(instance)),
        K::MaxItems { limit } => format!("maxItems: got {}, want {limit}", len_of(instance)),
        K::MinProperties { limit } => {
            format!("minProperties: got {}, want {limit}", len_of(instance))
        }
        K::MaxProperties { limit } => {
            format!("maxProperties: got {}, want {limit}", len_of(instance))
        }
        K::Minimum { limit } => format!("minimum: got {}, want {}", num(instance), num(limit)),
        K::Maximum { limit } => format!("maximum: got {}, want {}", num(instance), num(limit)),
        K::ExclusiveMinimum { limit } => {
            format!(
                "exclusiveMinimum: got {}, want {}",
                num(instance),
                num(limit)
            )
        }
        K::ExclusiveMaximum { limit } => {
            format!(
                "exclusiveMaximum: got {}, want {}",
                num(instance),
                num(limit)
            )
        }
        K::MultipleOf { multiple_of } => format!(
            "multipleOf: got {}, want {}",
            num(instance),
            num(&serde_json::json!(multiple_of))
        ),
        K::Pattern { pattern } => {
            format!("{} does not match pattern '{pattern}'", quoted(instance))
        }
        K::Format { format } => format!("{} is not valid '{format}'", quoted(instance)),
        K::UniqueItems => "items are not unique".to_owned(),
        K::FalseSchema => "false schema".to_owned(),
        K::AnyOf { .. } => "anyOf failed".to_owned(),
        K::OneOfNotValid { .. } => "oneOf failed, none matched".to_owned(),
        K::OneOfMultipleValid { .. } => "oneOf failed, more than one matched".to_owned(),
        K::Not { .. } => "not failed".to_owned(),
        K::Contains => "no items match contains schema".to_owned(),
        K::Custom { message, .. } => message.clone(),
        _ => "validation failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(j: serde_json::Value) -> Dict {
        Value::from_json(&j).as_dict().cloned().unwrap_or_default()
    }

    const SCHEMA: &str = r#"{"type":"object","required":["name","port"],"additionalProperties":false,
 "properties":{"name":{"type":"string","minLength":3,"pattern":"^[a-z]+$"},"port":{"type":"integer","minimum":1,"maximum":65535},
 "mode":{"enum":["a","b"]},"list":{"type":"array","items":{"type":"string"},"maxItems":2},"sub":{"type":"object"},"global":{"type":"object"}}}"#;

    #[test]
    fn helm_shaped_messages() {
        // Expected text from helm v4.1.4 on the same schema and values.
        let values = dict(serde_json::json!({
            "name": "AB", "port": 0.0, "mode": "c", "list": [1.0, "x", "y"], "extra": 1.0
        }));
        assert_eq!(
            validate_single(&values, SCHEMA.as_bytes()).unwrap_err(),
            "- at '/list': validation failed\n  - at '/list': maxItems: got 3, want 2\n  - at '/list/0': got number, want string\n- at '/mode': value must be one of 'a', 'b'\n- at '/name': validation failed\n  - at '/name': minLength: got 2, want 3\n  - at '/name': 'AB' does not match pattern '^[a-z]+$'\n- at '/port': minimum: got 0, want 1\n- at '': additional properties 'extra' not allowed\n"
        );
        let values = dict(serde_json::json!({"name": "abc", "port": 70000.0}));
        assert_eq!(
            validate_single(&values, SCHEMA.as_bytes()).unwrap_err(),
            "- at '/port': maximum: got 70,000, want 65,535\n"
        );
        let values = dict(serde_json::json!({"name": "abcd"}));
        assert_eq!(
            validate_single(&values, SCHEMA.as_bytes()).unwrap_err(),
            "- at '': missing property 'port'\n"
        );
    }
}
