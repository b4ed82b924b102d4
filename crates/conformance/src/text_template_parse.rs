//! Checks for `text_template_parse.jsonl` cases.

/// Checks one `text_template_parse.jsonl` case.
pub fn check(_case: &serde_json::Value) -> Result<(), String> {
    Err("not implemented yet".to_owned())
}
