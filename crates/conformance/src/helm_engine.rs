//! Checks for `helm_engine.jsonl` cases: Helm's engine rendering a set of templates
//! (`kind: templates`) or a chart with subcharts (`kind: chart`), with a fake cluster behind
//! `lookup` where the case describes one.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;
use slipway_chart::{Chart, File, Metadata};
use slipway_engine::{ClusterLookup, EngineOptions, RenderError, Renderable};
use slipway_value::{Dict, Value};

/// Checks one `helm_engine.jsonl` case.
pub fn check(case: &Json) -> Result<(), String> {
    let options = EngineOptions {
        strict: case["strict"].as_bool().unwrap_or(false),
        lint_mode: case["lint_mode"].as_bool().unwrap_or(false),
        lookup: case
            .get("lookup")
            .map(|l| Arc::new(FakeCluster(l.clone())) as Arc<dyn ClusterLookup>),
        ..EngineOptions::default()
    };
    let result = match case["kind"].as_str() {
        Some("templates") => render_templates(case, &options),
        Some("chart") => render_chart(case, &options)?,
        other => return Err(format!("unknown case kind {other:?}")),
    };
    compare(case, result)
}

fn render_templates(
    case: &Json,
    options: &EngineOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    let templates: Vec<Renderable> = case["templates"]
        .as_object()
        .map(|templates| {
            templates
                .iter()
                .map(|(name, t)| Renderable {
                    name: name.clone(),
                    text: t["tpl"].as_str().unwrap_or_default().to_owned(),
                    data: dict(&t["vals"]),
                    base_path: String::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    slipway_engine::render_templates(&templates, options)
}

fn render_chart(
    case: &Json,
    options: &EngineOptions,
) -> Result<Result<BTreeMap<String, String>, RenderError>, String> {
    let chart = chart(&case["chart"]);
    let mut top = dict(&case["values"]);
    if let Some(into) = case.get("coalesce_into") {
        let coalesced =
            slipway_chart::coalesce_values(&chart, &dict(&into["input"]), &mut Vec::new())
                .map_err(|e| format!("coalescing failed: {e:?}"))?;
        match into["key"].as_str() {
            None => top = coalesced,
            Some(key) => {
                top.insert(key, Value::Dict(coalesced));
            }
        }
    }
    Ok(slipway_engine::render_chart(&chart, &top, options))
}

/// A JSON object as a dict (anything else as an empty one).
fn dict(json: &Json) -> Dict {
    match Value::from_json(json) {
        Value::Dict(d) => d,
        _ => Dict::new(),
    }
}

/// A chart from the case's `{name, version, api_version, templates, files, values,
/// dependencies}`.
fn chart(json: &Json) -> Chart {
    let files = |key: &str| {
        json[key]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .map(|f| File {
                        name: f["name"].as_str().unwrap_or_default().to_owned(),
                        data: Arc::from(f["data"].as_str().unwrap_or_default().as_bytes()),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Chart {
        metadata: Metadata {
            name: json["name"].as_str().unwrap_or_default().to_owned(),
            version: json["version"].as_str().unwrap_or_default().to_owned(),
            api_version: json["api_version"].as_str().unwrap_or("v2").to_owned(),
            ..Metadata::default()
        },
        templates: Arc::new(files("templates")),
        values: dict(&json["values"]),
        schema: None,
        files: Arc::new(files("files")),
        dependencies: json["dependencies"]
            .as_array()
            .map(|deps| deps.iter().map(chart).collect())
            .unwrap_or_default(),
    }
}

fn compare(
    case: &Json,
    result: Result<BTreeMap<String, String>, RenderError>,
) -> Result<(), String> {
    if case["error"].as_bool().unwrap_or(false) {
        let message = match result {
            Ok(out) => return Err(format!("expected an error, got {out:?}")),
            Err(e) => e.to_string(),
        };
        if let Some(want) = case["error_equals"].as_str()
            && message != want
        {
            return Err(format!("error {message:?}, want {want:?}"));
        }
        if let Some(want) = case["error_contains"].as_str()
            && !message.contains(want)
        {
            return Err(format!("error {message:?} does not contain {want:?}"));
        }
        if let Some(want) = case["error_suffix"].as_str()
            && !message.ends_with(want)
        {
            return Err(format!("error {message:?} does not end with {want:?}"));
        }
        return Ok(());
    }
    let out = result.map_err(|e| format!("unexpected error: {e}"))?;
    if let Some(expected) = case["expected"].as_object() {
        for (name, want) in expected {
            let got = out
                .get(name)
                .ok_or_else(|| format!("no output for {name}"))?;
            if Some(got.as_str()) != want.as_str() {
                return Err(format!("{name}: got {got:?}, want {want}"));
            }
        }
    }
    if let Some(count) = case["expected_count"].as_u64()
        && out.len() as u64 != count
    {
        return Err(format!("{} outputs, want {count}", out.len()));
    }
    if let Some(forbidden) = case["expected_not_contains"].as_array() {
        for text in forbidden.iter().filter_map(Json::as_str) {
            if let Some((name, _)) = out.iter().find(|(_, o)| o.contains(text)) {
                return Err(format!("{name} contains {text:?}"));
            }
        }
    }
    Ok(())
}

/// The fake cluster of a case: `kinds` maps `apiVersion/Kind` to `{namespaced}` or
/// `{error}`; `objects` are the objects it holds.
struct FakeCluster(Json);

impl ClusterLookup for FakeCluster {
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, String> {
        let info = &self.0["kinds"][format!("{api_version}/{kind}")];
        if let Some(error) = info["error"].as_str() {
            return Err(error.to_owned());
        }
        let namespaced = info["namespaced"].as_bool().unwrap_or(false);
        let matching: Vec<&Json> = self.0["objects"]
            .as_array()
            .map(|objects| {
                objects
                    .iter()
                    .filter(|o| o["apiVersion"] == api_version && o["kind"] == kind)
                    .filter(|o| {
                        !namespaced
                            || namespace.is_empty()
                            || o["metadata"]["namespace"] == namespace
                    })
                    .collect()
            })
            .unwrap_or_default();
        if name.is_empty() {
            let items: Vec<Json> = matching.into_iter().cloned().collect();
            return Ok(Value::from_json(&serde_json::json!({
                "apiVersion": api_version,
                "kind": format!("{kind}List"),
                "items": items,
            })));
        }
        Ok(matching
            .into_iter()
            .find(|o| o["metadata"]["name"] == name)
            .map_or_else(|| Value::Dict(Dict::new()), Value::from_json))
    }
}
