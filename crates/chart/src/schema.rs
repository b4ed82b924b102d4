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

/// A node of the failure tree: a subschema applied at one instance location, or a leaf
/// keyword failure. Helm's validator prints a node with several causes as `validation
/// failed` above them and collapses a node with a single cause into that cause.
#[derive(Default)]
struct Node {
    instance: String,
    message: Option<String>,
    rank: (u8, String),
    children: Vec<(String, Node)>,
}

impl Node {
    fn child(&mut self, key: String, instance: String, rank: (u8, String)) -> &mut Node {
        let pos = match self.children.iter().position(|(k, _)| *k == key) {
            Some(pos) => pos,
            None => {
                self.children.push((
                    key,
                    Node {
                        instance,
                        rank,
                        ..Node::default()
                    },
                ));
                self.children.len() - 1
            }
        };
        &mut self.children[pos].1
    }

    /// The lines of this node's causes at `depth`.
    fn print(&self, depth: usize, out: &mut String) {
        let mut kids: Vec<&Node> = self.children.iter().map(|(_, n)| n).collect();
        kids.sort_by(|a, b| a.rank.cmp(&b.rank));
        for kid in kids {
            kid.print_self(depth, out);
        }
    }

    fn print_self(&self, depth: usize, out: &mut String) {
        match (&self.message, self.children.len()) {
            (Some(msg), _) => {
                line(out, depth, &self.instance, msg);
                self.print(depth + 1, out);
            }
            (None, 1) => self.children[0].1.print_self(depth, out),
            (None, _) => {
                line(out, depth, &self.instance, "validation failed");
                self.print(depth + 1, out);
            }
        }
    }
}

/// Adds one failure (and, for `anyOf`/`oneOf`, its branches' failures) under `root`.
/// `prefix` is the schema path `root` stands for and `base` its instance depth.
fn insert(root: &mut Node, e: &jsonschema::ValidationError<'_>, prefix: &str, base: usize) {
    let full_path = e.schema_path().to_string();
    let schema_path = full_path.strip_prefix(prefix).unwrap_or(&full_path);
    let instance_path = e.instance_path().to_string();
    let instance_parts: Vec<&str> = instance_path.split('/').skip(1).collect();
    let parts: Vec<&str> = schema_path.split('/').skip(1).collect();
    let mut node = root;
    let mut depth = base;
    let mut key = String::new();
    let mut i = 0;
    while i < parts.len() {
        let (step, advance) = match parts[i] {
            "properties" | "patternProperties" if i + 2 < parts.len() => (2, 1),
            "prefixItems" if i + 2 < parts.len() => (2, 1),
            "items" if i + 2 < parts.len() && parts[i + 1].parse::<usize>().is_ok() => (2, 1),
            "items" | "additionalProperties" | "additionalItems" | "contains"
                if i + 1 < parts.len() =>
            {
                (1, 1)
            }
            "allOf" | "anyOf" | "oneOf" | "dependentSchemas" | "$defs" | "definitions"
                if i + 2 < parts.len() =>
            {
                (2, 0)
            }
            "not" | "if" | "then" | "else" | "$ref" | "$dynamicRef" if i + 1 < parts.len() => {
                (1, 0)
            }
            branch if i == 0 && !prefix.is_empty() && branch.parse::<usize>().is_ok() => (1, 0),
            _ => break,
        };
        let rank = keyword_rank(parts[i], parts.get(i + 1).copied().unwrap_or(""));
        depth = (depth + advance).min(instance_parts.len());
        let at = instance_at(&instance_parts, depth);
        key.push('/');
        key.push_str(&parts[i..i + step].join("/"));
        node = node.child(format!("{key}@{at}"), at, rank);
        i += step;
    }
    let leaf_kw = parts.get(i).copied().unwrap_or("");
    let leaf = node.child(
        format!("{key}/{}@{instance_path}", parts[i..].join("/")),
        instance_path.clone(),
        keyword_rank(leaf_kw, ""),
    );
    leaf.message = Some(message(e.kind(), e.instance()));
    use ValidationErrorKind as K;
    if let K::AnyOf { context } | K::OneOfNotValid { context } = e.kind() {
        let depth = instance_parts.len();
        for branch in context {
            for sub in branch {
                insert(leaf, sub, &full_path, depth);
            }
        }
    }
}

fn instance_at(parts: &[&str], depth: usize) -> String {
    parts[..depth].iter().map(|p| format!("/{p}")).collect()
}

/// The order Helm's validator reports causes in: type-like keywords, `required`, then
/// subschemas of properties (by name) and items, then `additionalProperties`, then the rest.
fn keyword_rank(kw: &str, name: &str) -> (u8, String) {
    let rank = match kw {
        "type" | "enum" | "const" => 0,
        "required" | "dependentRequired" | "minProperties" | "maxProperties" | "minItems"
        | "maxItems" | "uniqueItems" | "minContains" | "maxContains" => 1,
        "properties" | "patternProperties" | "prefixItems" | "items" | "additionalItems"
        | "contains" => 2,
        "additionalProperties" | "unevaluatedProperties" | "unevaluatedItems" => 3,
        _ => 4,
    };
    (rank, name.to_owned())
}

/// Validates `values` against one schema document; the error ends with a newline.
pub fn validate_single(values: &Dict, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| format!("{e}\n"))?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| format!("{e}\n"))?;
    let instance = Value::Dict(values.clone()).to_json();
    let mut root = Node::default();
    for e in validator.iter_errors(&instance) {
        insert(&mut root, &e, "", 0);
    }
    if root.children.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    root.print(0, &mut text);
    Err(text)
}

fn line(out: &mut String, depth: usize, at: &str, msg: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("- at '{at}': {msg}\n"));
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

/// `items at I and J are equal` for the first duplicate pair.
fn unique_items_message(instance: &serde_json::Value) -> String {
    if let Some(items) = instance.as_array() {
        for (j, b) in items.iter().enumerate() {
            if let Some(i) = items[..j].iter().position(|a| a == b) {
                return format!("items at {i} and {j} are equal");
            }
        }
    }
    "items are not unique".to_owned()
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
        K::UniqueItems => unique_items_message(instance),
        K::FalseSchema => "false schema".to_owned(),
        K::AnyOf { .. } => "'anyOf' failed".to_owned(),
        K::OneOfNotValid { .. } => "'oneOf' failed, none matched".to_owned(),
        K::OneOfMultipleValid { .. } => "'oneOf' failed, more than one matched".to_owned(),
        K::Not { .. } => "'not' failed".to_owned(),
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
    fn nested_failures_nest_and_single_causes_collapse() {
        // Expected texts from helm v4.1.4 (sibling order is random there: Go map order).
        let schema = r#"{"type":"object","properties":{"db":{"type":"object","required":["host"],"properties":{"port":{"type":"integer"},"opts":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"boolean"}}}}},
          "one":{"oneOf":[{"type":"string"},{"type":"integer"}]},"u":{"type":"array","uniqueItems":true}}}"#;
        let values = dict(serde_json::json!({"db": {"host": "h", "opts": {"a": 1.0}}}));
        assert_eq!(
            validate_single(&values, schema.as_bytes()).unwrap_err(),
            "- at '/db/opts/a': got number, want string\n"
        );
        let values = dict(serde_json::json!({
            "db": {"port": "x", "opts": {"a": 1.0, "b": 2.0}},
            "one": true,
            "u": [1.0, 1.0]
        }));
        assert_eq!(
            validate_single(&values, schema.as_bytes()).unwrap_err(),
            "- at '/db': validation failed\n  - at '/db': missing property 'host'\n  - at '/db/opts': validation failed\n    - at '/db/opts/a': got number, want string\n    - at '/db/opts/b': got number, want boolean\n  - at '/db/port': got string, want integer\n- at '/one': 'oneOf' failed, none matched\n  - at '/one': got boolean, want string\n  - at '/one': got boolean, want integer\n- at '/u': items at 0 and 1 are equal\n"
        );
    }

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
