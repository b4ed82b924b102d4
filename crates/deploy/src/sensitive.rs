//! What plans must not show of an object: a Secret's `data` and `stringData` values always,
//! the same fields of any object marked `werf.io/sensitive: "true"`, and the values at the
//! JSONPaths of `werf.io/sensitive-paths`.
//!
//! The paths are a JSONPath subset: an optional `$`, then `.name`, `.*`, `[N]`, `[*]` and
//! `['name']` / `["name"]` steps. The annotation lists paths separated by commas; `\,` is a
//! comma inside a path.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
    /// Every element of a map or list.
    Any,
}

/// A parsed JSONPath.
pub type Path = Vec<Step>;

/// Parses the `werf.io/sensitive-paths` annotation.
pub fn parse_paths(annotation: &str) -> Result<Vec<Path>, String> {
    let mut paths = Vec::new();
    let mut current = String::new();
    let mut chars = annotation.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.as_str().starts_with(',') => {
                current.push(',');
                chars.next();
            }
            ',' => paths.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    paths.push(current);
    paths
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(parse_path)
        .collect()
}

/// Parses one path.
fn parse_path(text: &str) -> Result<Path, String> {
    let bad = |why: &str| format!("bad JSONPath {text:?}: {why}");
    let (mut rest, mut steps) = match text.strip_prefix('$') {
        Some(rest) => (rest, Vec::new()),
        None if text.starts_with(['.', '[']) => (text, Vec::new()),
        // `spec.x`: a path without the leading `$.`
        None => {
            let (name, tail) = split_name(text);
            (tail, vec![Step::Key(name.to_owned())])
        }
    };
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            if let Some(tail) = after.strip_prefix('*') {
                steps.push(Step::Any);
                rest = tail;
                continue;
            }
            let (name, tail) = split_name(after);
            if name.is_empty() {
                return Err(bad("empty name after '.'"));
            }
            steps.push(Step::Key(name.to_owned()));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(|| bad("unclosed '['"))?;
            let inner = after[..close].trim();
            steps.push(match inner {
                "*" => Step::Any,
                _ if inner.len() >= 2
                    && (inner.starts_with('\'') && inner.ends_with('\'')
                        || inner.starts_with('"') && inner.ends_with('"')) =>
                {
                    Step::Key(inner[1..inner.len() - 1].to_owned())
                }
                _ => Step::Index(
                    inner
                        .parse()
                        .map_err(|_| bad("expected an index, '*' or a quoted name"))?,
                ),
            });
            rest = &after[close + 1..];
        } else {
            return Err(bad("expected '.' or '['"));
        }
    }
    if steps.is_empty() {
        return Err(bad("no steps"));
    }
    Ok(steps)
}

/// Splits a `.name` step's name from what follows it.
fn split_name(text: &str) -> (&str, &str) {
    let end = text.find(['.', '[']).unwrap_or(text.len());
    text.split_at(end)
}

/// The paths hidden for every marked object and every Secret: the values of `data` and
/// `stringData`.
pub fn data_paths() -> Vec<Path> {
    ["data", "stringData"]
        .into_iter()
        .map(|field| vec![Step::Key(field.to_owned()), Step::Any])
        .collect()
}

/// Replaces every value at `path` in `obj` with a placeholder (`<hidden: N bytes>` for
/// strings).
pub fn hide(obj: &mut Value, path: &[Step]) {
    let Some((step, rest)) = path.split_first() else {
        *obj = placeholder(obj);
        return;
    };
    match (step, obj) {
        (Step::Key(key), Value::Object(map)) => {
            if let Some(child) = map.get_mut(key) {
                hide(child, rest);
            }
        }
        (Step::Index(i), Value::Array(items)) => {
            if let Some(child) = items.get_mut(*i) {
                hide(child, rest);
            }
        }
        (Step::Any, Value::Object(map)) => map.values_mut().for_each(|child| hide(child, rest)),
        (Step::Any, Value::Array(items)) => items.iter_mut().for_each(|child| hide(child, rest)),
        _ => {}
    }
}

fn placeholder(value: &Value) -> Value {
    Value::String(match value {
        Value::String(s) => format!("<hidden: {} bytes>", s.len()),
        _ => "<hidden>".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_parse_in_every_supported_form() {
        let paths = parse_paths(
            r"$.spec.template.spec.containers[*].env[0].value, data['a.b'], $.x\,y, .metadata.*",
        )
        .unwrap();
        let key = |k: &str| Step::Key(k.to_owned());
        assert_eq!(
            paths,
            [
                vec![
                    key("spec"),
                    key("template"),
                    key("spec"),
                    key("containers"),
                    Step::Any,
                    key("env"),
                    Step::Index(0),
                    key("value"),
                ],
                vec![key("data"), key("a.b")],
                vec![key("x,y")],
                vec![key("metadata"), Step::Any],
            ]
        );
        for bad in ["$.a[", "$.a[x]", "$..a", "$a", "$"] {
            assert!(parse_paths(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hidden_values_keep_the_shape() {
        let mut obj = json!({"spec": {"containers": [
            {"env": [{"name": "A", "value": "secret"}, {"name": "B", "value": 12}]},
            {"env": [{"name": "C", "value": "x"}]}
        ]}, "data": {"k": "v"}});
        hide(
            &mut obj,
            &parse_paths("$.spec.containers[*].env[*].value").unwrap()[0],
        );
        for path in data_paths() {
            hide(&mut obj, &path);
        }
        assert_eq!(
            obj,
            json!({"spec": {"containers": [
                {"env": [{"name": "A", "value": "<hidden: 6 bytes>"}, {"name": "B", "value": "<hidden>"}]},
                {"env": [{"name": "C", "value": "<hidden: 1 bytes>"}]}
            ]}, "data": {"k": "<hidden: 1 bytes>"}})
        );
    }
}
