//! The cases of `shared/conformance/helm_funcs.jsonl` whose template is a single call of one
//! of our functions on `.`, checked with Go's `%v` printing of the result (as the template
//! prints it). Skipped with a notice when the vectors are not beside the repository.

use std::path::Path;

use slipway_value::Value;
use slipway_value::fmt::sprint;
use slipway_yaml::{
    helm_from_json, helm_from_json_array, helm_from_yaml, helm_from_yaml_array, to_yaml,
};

/// Our result for `{{ FUNC . }}`, or `None` for templates this crate does not cover.
fn call(template: &str, data: &Value) -> Option<Value> {
    let text = || data.as_str().unwrap_or_default();
    Some(match template.replace(" }}", "}}").as_str() {
        "{{ toYaml .}}" => Value::string(to_yaml(data).unwrap_or_default()),
        "{{ fromYaml .}}" => helm_from_yaml(text()),
        "{{ fromYamlArray .}}" => helm_from_yaml_array(text()),
        "{{ fromJson .}}" => helm_from_json(text()),
        "{{ fromJsonArray .}}" => helm_from_json_array(text()),
        _ => return None,
    })
}

#[test]
fn helm_funcs_vectors() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/helm_funcs.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("notice: {} not found; skipping", path.display());
        return;
    };
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let template = case["template"].as_str().unwrap_or_default();
        let data = Value::from_json(&case["data"]);
        let Some(result) = call(template, &data) else {
            continue;
        };
        assert_eq!(
            sprint(&[result]),
            case["expected"].as_str().unwrap_or_default(),
            "{}",
            case["name"]
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} cases checked");
}
