//! Checks for `helm_funcs.jsonl` cases.

/// Checks one `helm_funcs.jsonl` case.
pub fn check(_case: &serde_json::Value) -> Result<(), String> {
    Err("not implemented yet".to_owned())
}
