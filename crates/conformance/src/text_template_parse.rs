//! Checks for `text_template_parse.jsonl` cases: Go's text/template parser tests.
//!
//! Errors must match Go's recorded text (`go_error`) exactly; trees must print as Go prints
//! them (`go_tree` with quoted text, `go_defines` per defined template).

use slipway_template::TemplateSet;

/// Checks one `text_template_parse.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let name = case["tmpl_name"].as_str().ok_or("case has no tmpl_name")?;
    let text = case["template"].as_str().ok_or("case has no template")?;
    let mut set = TemplateSet::new();
    let want_error = case["error"].as_bool().unwrap_or(false);
    match set.parse(name, text) {
        Err(e) if want_error => crate::text_template::check_error(case, &e.to_string()),
        Err(e) => Err(format!("unexpected error: {e}")),
        Ok(_) if want_error => Err("expected a parse error".to_owned()),
        Ok(main) => {
            if let Some(want) = case.get("go_tree").and_then(|t| t.as_str()) {
                let got = main.tree_string(true);
                if got != want {
                    return Err(format!("tree {got:?}, Go prints {want:?}"));
                }
            }
            let defines = case.get("go_defines").and_then(|d| d.as_object());
            for (define, want) in defines.into_iter().flatten() {
                let got = set
                    .get(define)
                    .map(|t| t.tree_string(false))
                    .ok_or_else(|| format!("template {define:?} not defined"))?;
                if Some(got.as_str()) != want.as_str() {
                    return Err(format!(
                        "define {define:?} prints {got:?}, Go prints {want}"
                    ));
                }
            }
            Ok(())
        }
    }
}
