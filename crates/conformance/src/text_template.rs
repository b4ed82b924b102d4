//! Checks for `text_template.jsonl` cases: Go's text/template execution tests.
//!
//! Where a case records the exact Go error (`go_error`), the error text must match it exactly;
//! otherwise the case's `error_contains` substring must be present.

use slipway_template::{MissingKey, TemplateSet};
use slipway_value::Value;

/// Checks one `text_template.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let name = case["tmpl_name"].as_str().ok_or("case has no tmpl_name")?;
    let text = case["template"].as_str().ok_or("case has no template")?;
    let mut set = TemplateSet::new();
    if let Some([l, r]) = case
        .get("delims")
        .and_then(|d| d.as_array())
        .map(Vec::as_slice)
    {
        set = set.delims(l.as_str().unwrap_or(""), r.as_str().unwrap_or(""));
    }
    for option in case
        .get("options")
        .and_then(|o| o.as_array())
        .into_iter()
        .flatten()
    {
        let option = option.as_str().unwrap_or_default();
        let missing: MissingKey = option.parse()?;
        set.set_missingkey(missing);
    }
    let result = run(&mut set, case, name, text);
    let want_error = case["error"].as_bool().unwrap_or(false);
    match result {
        Err(e) if want_error => check_error(case, &e),
        Err(e) => Err(format!("unexpected error: {e}")),
        Ok(out) if want_error => Err(format!("expected an error, got output {out:?}")),
        Ok(out) => {
            let want = case["expected"].as_str().unwrap_or_default();
            if out == want {
                Ok(())
            } else {
                Err(format!("got {out:?}, want {want:?}"))
            }
        }
    }
}

/// Cases whose Go error text depends on something JSON data cannot express: (case name,
/// the text slipway prints instead, why).
const DATA_DIFFERENCES: &[(&str, &str, &str)] = &[(
    "out of range",
    "template: out of range:1:2: executing \"out of range\" at <slice .SI 4 5>: \
     error calling slice: index out of range: 4",
    "Go's `slice` checks indexes against the slice's capacity. The recorded Go run decoded \
     this case's JSON array [3,4,5] with encoding/json, which grows slices by appending and \
     leaves capacity 4, so index 4 passed and 5 failed. Slipway lists have no spare \
     capacity (capacity = length = 3), so 4 is already out of range, exactly what Go \
     reports for the test's own []int{3, 4, 5} literal.",
)];

/// Compares an error with the case's recorded Go error text.
pub(crate) fn check_error(case: &serde_json::Value, err: &str) -> Result<(), String> {
    let name = case["name"].as_str().unwrap_or_default();
    if let Some((_, instead, _why)) = DATA_DIFFERENCES.iter().find(|(n, _, _)| *n == name) {
        return if err == *instead {
            Ok(())
        } else {
            Err(format!("error {err:?}, expected {instead:?}"))
        };
    }
    if let Some(want) = case.get("go_error").and_then(|g| g.as_str())
        && err != want
    {
        return Err(format!("error {err:?}, Go says {want:?}"));
    }
    match case.get("error_contains").and_then(|c| c.as_str()) {
        Some(sub) if !err.contains(sub) => Err(format!("error {err:?} lacks {sub:?}")),
        _ => Ok(()),
    }
}

fn parse_all(set: &mut TemplateSet, list: Option<&serde_json::Value>) -> Result<(), String> {
    for t in list.and_then(|b| b.as_array()).into_iter().flatten() {
        let name = t["name"].as_str().unwrap_or_default();
        let text = t["text"].as_str().unwrap_or_default();
        set.parse(name, text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn run(
    set: &mut TemplateSet,
    case: &serde_json::Value,
    name: &str,
    text: &str,
) -> Result<String, String> {
    parse_all(set, case.get("before"))?;
    let main = set.parse(name, text).map_err(|e| e.to_string())?;
    parse_all(set, case.get("after"))?;
    let data = Value::from_json(&case["data"]);
    let mut out = String::new();
    let result = match case.get("exec").and_then(|e| e.as_str()) {
        Some(exec) => set.execute(exec, &data, &mut out),
        None => set.execute_template(&main, &data, &mut out),
    };
    result.map(|()| out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Runs every case of a shared vector file (skipped with a notice when the shared
    /// directory is not there).
    pub(crate) fn run_all(file: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance")
            .join(file);
        if !path.is_file() {
            eprintln!("notice: {} not found; skipping", path.display());
            return;
        }
        let report = crate::run_file(&path).unwrap();
        let failures: Vec<String> = report
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.name, f.reason))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(report.passed > 0);
    }

    #[test]
    fn every_text_template_case_passes() {
        run_all("text_template.jsonl");
    }

    #[test]
    fn every_text_template_parse_case_passes() {
        run_all("text_template_parse.jsonl");
    }
}
