//! The cases of `shared/conformance/helm_funcs.jsonl` for `{{ toToml . }}` and
//! `{{ fromToml . }}`, checked with Go's `%v` printing of the result (as the template prints
//! it). Skipped with a notice when the vectors are not beside the repository.

use std::path::Path;

use slipway_toml::{helm_from_toml, helm_to_toml};
use slipway_value::Value;
use slipway_value::fmt::sprint;

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
        let data = Value::from_json(&case["data"]);
        let result = match case["template"].as_str().unwrap_or_default() {
            "{{ toToml . }}" => Value::string(helm_to_toml(&data).expect("not nil")),
            "{{ fromToml . }}" => helm_from_toml(data.as_str().unwrap_or_default()),
            _ => continue,
        };
        assert_eq!(
            sprint(&[result]),
            case["expected"].as_str().unwrap_or_default(),
            "{}",
            case["name"]
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} cases checked");
}
