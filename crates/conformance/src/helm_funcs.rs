//! Checks for `helm_funcs.jsonl` cases: a template named `test` executed with Helm's function
//! map (`slipway_engine::helm_functions`) and the case's data.

use slipway_template::TemplateSet;
use slipway_value::Value;

/// Checks one `helm_funcs.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let template = case["template"].as_str().ok_or("case has no template")?;
    let data = Value::from_json(&case["data"]);
    let want_error = case["error"].as_bool().unwrap_or(false);
    let mut set = TemplateSet::new().with_funcs(slipway_engine::helm_functions());
    let mut out = String::new();
    let result = set
        .parse("test", template)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            set.execute("test", &data, &mut out)
                .map_err(|e| e.to_string())
        });
    match (result, want_error) {
        (Err(e), false) => return Err(format!("unexpected error: {e}")),
        (Ok(()), true) => return Err(format!("expected an error, got {out:?}")),
        (Err(_), true) => return Ok(()),
        (Ok(()), false) => {}
    }
    if let Some(expected) = case["expected"].as_str()
        && out != expected
    {
        return Err(format!("got {out:?}, want {expected:?}"));
    }
    if let Some(after) = case.get("expected_data_after").and_then(|a| a.as_object()) {
        for (key, want) in after {
            let got = data.as_dict().and_then(|d| d.get(key)).unwrap_or_default();
            if got != Value::from_json(want) {
                return Err(format!("{key} after execution is {got:?}, want {want}"));
            }
        }
    }
    Ok(())
}
