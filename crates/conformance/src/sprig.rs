//! Checks for `sprig.jsonl` cases.

/// Checks one `sprig.jsonl` case.
pub fn check(_case: &serde_json::Value) -> Result<(), String> {
    Err("not implemented yet".to_owned())
}
