//! Checks for `strvals.jsonl` cases.

use slipway_chart::strvals;
use slipway_value::{Dict, Value};

/// Checks one `strvals.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let kind = case["kind"].as_str().ok_or("case has no kind")?;
    let initial = Value::from_json(case.get("initial").unwrap_or(&serde_json::Value::Null));
    let dest = initial.as_dict().cloned().unwrap_or_default();
    let mut inputs = vec![case["input"].as_str().ok_or("case has no input")?];
    if let Some(more) = case.get("more_inputs").and_then(|m| m.as_array()) {
        inputs.extend(more.iter().filter_map(|m| m.as_str()));
    }
    let files = case.get("files").cloned().unwrap_or_default();
    let mut result = Ok(());
    for input in inputs {
        result = apply(kind, input, &dest, &files);
        if result.is_err() {
            break;
        }
    }
    let want_error = case["error"].as_bool().unwrap_or(false);
    match result {
        Err(e) if want_error => match case.get("error_contains").and_then(|c| c.as_str()) {
            Some(sub) if !e.contains(sub) => Err(format!("error {e:?} lacks {sub:?}")),
            _ => Ok(()),
        },
        Err(e) => Err(format!("unexpected error: {e}")),
        Ok(()) if want_error => Err(format!(
            "expected an error, got {}",
            Value::Dict(dest).to_json()
        )),
        Ok(()) => {
            let got = Value::Dict(dest).to_json();
            if yaml_equal(&got, &case["expected"]) {
                Ok(())
            } else {
                Err(format!("got {got}, want {}", case["expected"]))
            }
        }
    }
}

fn apply(kind: &str, input: &str, dest: &Dict, files: &serde_json::Value) -> Result<(), String> {
    let res = match kind {
        "set" => strvals::parse_into(input, dest),
        "set-string" => strvals::parse_into_string(input, dest),
        "set-json" => strvals::parse_json(input, dest),
        "set-literal" => strvals::parse_literal_into(input, dest),
        "set-file" => {
            let mut reader = |path: &str| match files.get(path) {
                Some(v) => Ok(Value::from_json(v)),
                None => Err(format!("open {path}: no such file or directory")),
            };
            strvals::parse_into_file(input, dest, &mut reader)
        }
        other => return Err(format!("unknown kind {other}")),
    };
    res.map_err(|e| e.to_string())
}

/// Equality as Helm's tests compare (through YAML): numbers compare by value, int or float.
fn yaml_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| yaml_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| yaml_equal(v, w)))
        }
        _ => a == b,
    }
}
