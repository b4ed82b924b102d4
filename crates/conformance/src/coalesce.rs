//! Checks for `coalesce.jsonl` cases.
//!
//! Template assertions in this file are all field chains (`{{.a.b.c}}`); they are evaluated as
//! text/template does on plain maps: a missing key or a nil value prints `<no value>`.

use slipway_chart::{Chart, Metadata, coalesce};
use slipway_value::{Dict, Value};

/// Checks one `coalesce.jsonl` case.
pub fn check(case: &serde_json::Value) -> Result<(), String> {
    let op = case["op"].as_str().ok_or("case has no op")?;
    let mut warnings = Vec::new();
    let (result, user) = match op {
        "coalesce_values" | "merge_values" => {
            let chart = chart_from_json(&case["chart"]);
            let user = dict(&case["values"]);
            let before = Value::Dict(user.clone()).to_json();
            // The vectors were recorded from Helm main, which drops chart default nulls.
            let out = if op == "coalesce_values" {
                coalesce::coalesce_values_with(
                    &chart,
                    &user,
                    coalesce::DefaultNulls::Clean,
                    &mut warnings,
                )
            } else {
                coalesce::merge_values(&chart, &user, &mut warnings)
            }
            .map_err(|e| e.to_string())?;
            (out, Some((user, before)))
        }
        "coalesce_tables" | "merge_tables" => {
            let dst = dict(&case["dst"]);
            let src = case["src"].as_object().map(|_| dict(&case["src"]));
            if op == "coalesce_tables" {
                coalesce::coalesce_tables(&dst, src.as_ref(), &mut warnings);
            } else {
                coalesce::merge_tables(&dst, src.as_ref(), &mut warnings);
            }
            (dst, None)
        }
        "read_values" => {
            let text = case["values_yaml"].as_str().ok_or("no values_yaml")?;
            let out = slipway_chart::values::read_values(text.as_bytes())?;
            (out, None)
        }
        other => return Err(format!("unknown op {other}")),
    };
    let root = Value::Dict(result);
    for a in case["assertions"].as_array().ok_or("no assertions")? {
        assertion(a, &root, user.as_ref(), &warnings)?;
    }
    Ok(())
}

fn assertion(
    a: &serde_json::Value,
    root: &Value,
    user: Option<&(Dict, serde_json::Value)>,
    warnings: &[String],
) -> Result<(), String> {
    if let Some(tpl) = a.get("template").and_then(|t| t.as_str()) {
        let got = render_field_chain(tpl, root)?;
        let want = a["output"].as_str().unwrap_or_default();
        return if got == want {
            Ok(())
        } else {
            Err(format!("{tpl}: got {got:?}, want {want:?}"))
        };
    }
    if a.get("input_unchanged").is_some() {
        let (user, before) = user.ok_or("input_unchanged without user values")?;
        return if Value::Dict(user.clone()).to_json() == *before {
            Ok(())
        } else {
            Err("user values were modified".into())
        };
    }
    if let Some(list) = a.get("warnings_contain").and_then(|w| w.as_array()) {
        for w in list.iter().filter_map(|w| w.as_str()) {
            if !warnings.iter().any(|got| got.contains(w)) {
                return Err(format!("no warning contains {w:?}: {warnings:?}"));
            }
        }
        return Ok(());
    }
    let path: Vec<&str> = a["path"]
        .as_array()
        .ok_or("assertion has no path")?
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    let found = lookup(root, &path);
    let fail = |what: &str| Err(format!("{path:?}: {what}, found {:?}", found));
    if a.get("absent").is_some() && found.is_some() {
        return fail("want absent");
    }
    if a.get("present").is_some() && found.is_none() {
        return fail("want present");
    }
    if a.get("is_map").is_some() && !matches!(found, Some(Value::Dict(_))) {
        return fail("want a map");
    }
    if a.get("null_or_absent").is_some() && !matches!(found, None | Some(Value::Nil)) {
        return fail("want null or absent");
    }
    if let Some(want) = a.get("equals") {
        match &found {
            Some(v) if v.to_json() == *want => {}
            _ => return fail(&format!("want {want}")),
        }
    }
    Ok(())
}

fn lookup(root: &Value, path: &[&str]) -> Option<Value> {
    let mut cur = root.clone();
    for key in path {
        cur = cur.as_dict()?.get(key)?;
    }
    Some(cur)
}

/// `{{.a.b.c}}` on plain maps, printed as text/template prints it.
fn render_field_chain(tpl: &str, root: &Value) -> Result<String, String> {
    let inner = tpl
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .map(str::trim)
        .filter(|t| t.starts_with('.'))
        .ok_or_else(|| format!("unsupported template {tpl:?}"))?;
    let path: Vec<&str> = inner[1..].split('.').collect();
    Ok(match lookup(root, &path) {
        None | Some(Value::Nil) => "<no value>".into(),
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        Some(other) => return Err(format!("unsupported output value {other:?}")),
    })
}

fn dict(json: &serde_json::Value) -> Dict {
    Value::from_json(json)
        .as_dict()
        .cloned()
        .unwrap_or_default()
}

fn chart_from_json(json: &serde_json::Value) -> Chart {
    Chart {
        metadata: Metadata {
            name: json["name"].as_str().unwrap_or_default().to_owned(),
            ..Metadata::default()
        },
        values: dict(&json["values"]),
        dependencies: json["dependencies"]
            .as_array()
            .map(|deps| deps.iter().map(chart_from_json).collect())
            .unwrap_or_default(),
        ..Chart::default()
    }
}
