//! Checks for `helm_engine.jsonl` cases.

/// Checks one `helm_engine.jsonl` case.
pub fn check(_case: &serde_json::Value) -> Result<(), String> {
    Err("not implemented yet".to_owned())
}
