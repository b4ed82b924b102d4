//! Checks for `sprig.jsonl` cases: each template, named `test`, runs with the builtins plus
//! Sprig's function map; merge cases also compare `data.dst` after the run.
//!
//! As the vectors' README says, `go_error` is information, not part of the test: slipway
//! follows the library versions Helm 4.1 ships (Masterminds/semver v3.4.0 prints
//! `improper constraint: badConstraint`, where the recorded newer semver quotes the value).

use slipway_template::TemplateSet;
use slipway_value::Value;

/// Checks one `sprig.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let text = case["template"].as_str().ok_or("case has no template")?;
    let data = Value::from_json(&case["data"]);
    let mut set = TemplateSet::new()
        .named("test")
        .with_funcs(slipway_sprig::functions());
    let result = set
        .parse("test", text)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            let mut out = String::new();
            set.execute("test", &data, &mut out)
                .map(|()| out)
                .map_err(|e| e.to_string())
        });
    let want_error = case["error"].as_bool().unwrap_or(false);
    let out = match result {
        Err(e) if want_error => return check_error(case, &e),
        Err(e) => return Err(format!("unexpected error: {e}")),
        Ok(out) if want_error => return Err(format!("expected an error, got output {out:?}")),
        Ok(out) => out,
    };
    if let Some(after) = case.get("expected_data_after").and_then(|a| a.as_object()) {
        for (key, want) in after {
            let got = data.as_dict().and_then(|d| d.get(key)).unwrap_or_default();
            if got != Value::from_json(want) {
                return Err(format!("data.{key} is {got:?} after the run, want {want}"));
            }
        }
        return Ok(());
    }
    let want = case["expected"].as_str().unwrap_or_default();
    if out == want {
        Ok(())
    } else {
        Err(format!("got {out:?}, want {want:?}"))
    }
}

/// Checks an error against the case's `error_contains` / `error_equals` / `error_suffix`.
fn check_error(case: &serde_json::Value, err: &str) -> Result<(), String> {
    let field = |name: &str| case.get(name).and_then(|v| v.as_str());
    if let Some(sub) = field("error_contains")
        && !err.contains(sub)
    {
        return Err(format!("error {err:?} lacks {sub:?}"));
    }
    if let Some(want) = field("error_equals")
        && err != want
    {
        return Err(format!("error {err:?}, want {want:?}"));
    }
    if let Some(suffix) = field("error_suffix")
        && !err.ends_with(suffix)
    {
        return Err(format!("error {err:?} does not end with {suffix:?}"));
    }
    Ok(())
}
