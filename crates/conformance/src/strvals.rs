//! Checks for `strvals.jsonl` cases.

/// Checks one `strvals.jsonl` case.
pub fn check(_case: &serde_json::Value) -> Result<(), String> {
    Err("not implemented yet".to_owned())
}
