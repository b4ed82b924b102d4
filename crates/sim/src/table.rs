//! Server-side `Table` responses (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), so
//! `kubectl get` prints the columns a real cluster prints.

use serde_json::{Value, json};

use crate::registry::ResourceType;

/// Column definitions and cell extraction of one kind.
fn columns(rt: &ResourceType) -> Vec<(&'static str, &'static str)> {
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "pods") => vec![
            ("Name", "string"),
            ("Ready", "string"),
            ("Status", "string"),
            ("Restarts", "string"),
            ("Age", "string"),
        ],
        ("apps", "deployments") => vec![
            ("Name", "string"),
            ("Ready", "string"),
            ("Up-to-date", "integer"),
            ("Available", "integer"),
            ("Age", "string"),
        ],
        ("apps", "replicasets") => vec![
            ("Name", "string"),
            ("Desired", "integer"),
            ("Current", "integer"),
            ("Ready", "integer"),
            ("Age", "string"),
        ],
        ("apps", "statefulsets") => {
            vec![("Name", "string"), ("Ready", "string"), ("Age", "string")]
        }
        ("apps", "daemonsets") => vec![
            ("Name", "string"),
            ("Desired", "integer"),
            ("Current", "integer"),
            ("Ready", "integer"),
            ("Up-to-date", "integer"),
            ("Available", "integer"),
            ("Age", "string"),
        ],
        ("batch", "jobs") => vec![
            ("Name", "string"),
            ("Status", "string"),
            ("Completions", "string"),
            ("Age", "string"),
        ],
        ("", "services") => vec![
            ("Name", "string"),
            ("Type", "string"),
            ("Cluster-IP", "string"),
            ("External-IP", "string"),
            ("Port(s)", "string"),
            ("Age", "string"),
        ],
        ("", "namespaces") => vec![("Name", "string"), ("Status", "string"), ("Age", "string")],
        ("", "configmaps") => vec![("Name", "string"), ("Data", "integer"), ("Age", "string")],
        ("", "secrets") => vec![
            ("Name", "string"),
            ("Type", "string"),
            ("Data", "integer"),
            ("Age", "string"),
        ],
        ("", "nodes") => vec![
            ("Name", "string"),
            ("Status", "string"),
            ("Roles", "string"),
            ("Age", "string"),
            ("Version", "string"),
        ],
        ("", "events") => vec![
            ("Last Seen", "string"),
            ("Type", "string"),
            ("Reason", "string"),
            ("Object", "string"),
            ("Message", "string"),
        ],
        ("", "persistentvolumeclaims") => vec![
            ("Name", "string"),
            ("Status", "string"),
            ("Volume", "string"),
            ("Age", "string"),
        ],
        _ => {
            let mut cols = vec![("Name", "string")];
            cols.extend(rt.printer_columns.iter().map(|_| ("", "string")));
            cols.push(("Age", "string"));
            cols
        }
    }
}

/// The extra columns of `kubectl get -o wide`.
fn wide_columns(rt: &ResourceType) -> &'static [&'static str] {
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "pods") => &["IP", "Node", "Nominated Node", "Readiness Gates"],
        ("apps", _) | ("batch", "jobs") => &["Containers", "Images", "Selector"],
        ("", "services") => &["Selector"],
        _ => &[],
    }
}

fn wide_cells(rt: &ResourceType, o: &Value) -> Vec<Value> {
    let or_none = |s: String| {
        json!(if s.is_empty() {
            "<none>".to_string()
        } else {
            s
        })
    };
    let pairs = |m: &Value| -> String {
        m.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(",")
    };
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "pods") => vec![
            or_none(
                o["status"]["podIP"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ),
            or_none(
                o["spec"]["nodeName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ),
            json!("<none>"),
            json!("<none>"),
        ],
        ("apps", _) | ("batch", "jobs") => {
            let containers = o["spec"]["template"]["spec"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let field = |f: &str| {
                containers
                    .iter()
                    .filter_map(|c| c[f].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let selector = &o["spec"]["selector"];
            let selector = if selector["matchLabels"].is_object() {
                pairs(&selector["matchLabels"])
            } else {
                pairs(selector)
            };
            vec![
                json!(field("name")),
                json!(field("image")),
                or_none(selector),
            ]
        }
        ("", "services") => vec![or_none(pairs(&o["spec"]["selector"]))],
        _ => Vec::new(),
    }
}

/// Formats an age as kubectl does (`5s`, `3m`, `2h`, `4d`).
fn age(object: &Value) -> String {
    let Some(ts) = object["metadata"]["creationTimestamp"].as_str() else {
        return "<unknown>".into();
    };
    let Ok(created) = ts.parse::<jiff::Timestamp>() else {
        return "<unknown>".into();
    };
    let secs = (jiff::Timestamp::now().as_second() - created.as_second()).max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 3600 * 3 => format!("{}m", s / 60),
        s if s < 86400 * 2 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn cells(rt: &ResourceType, o: &Value) -> Vec<Value> {
    let name = json!(o["metadata"]["name"]);
    let s = &o["status"];
    let spec = &o["spec"];
    let age = json!(age(o));
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "pods") => {
            let statuses = s["containerStatuses"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let total = spec["containers"].as_array().map_or(0, Vec::len);
            let ready = statuses
                .iter()
                .filter(|c| c["ready"] == json!(true))
                .count();
            let restarts: i64 = statuses.iter().map(|c| int(&c["restartCount"])).sum();
            let mut status = s["phase"].as_str().unwrap_or("Pending").to_string();
            for c in &statuses {
                if let Some(reason) = c["state"]["waiting"]["reason"].as_str() {
                    status = reason.to_string();
                } else if let Some(reason) = c["state"]["terminated"]["reason"].as_str() {
                    status = reason.to_string();
                }
            }
            if !o["metadata"]["deletionTimestamp"].is_null() {
                status = "Terminating".into();
            }
            vec![
                name,
                json!(format!("{ready}/{total}")),
                json!(status),
                json!(restarts.to_string()),
                age,
            ]
        }
        ("apps", "deployments") => vec![
            name,
            json!(format!(
                "{}/{}",
                int(&s["readyReplicas"]),
                int(&spec["replicas"])
            )),
            json!(int(&s["updatedReplicas"])),
            json!(int(&s["availableReplicas"])),
            age,
        ],
        ("apps", "replicasets") => vec![
            name,
            json!(int(&spec["replicas"])),
            json!(int(&s["replicas"])),
            json!(int(&s["readyReplicas"])),
            age,
        ],
        ("apps", "statefulsets") => vec![
            name,
            json!(format!(
                "{}/{}",
                int(&s["readyReplicas"]),
                int(&spec["replicas"])
            )),
            age,
        ],
        ("apps", "daemonsets") => vec![
            name,
            json!(int(&s["desiredNumberScheduled"])),
            json!(int(&s["currentNumberScheduled"])),
            json!(int(&s["numberReady"])),
            json!(int(&s["updatedNumberScheduled"])),
            json!(int(&s["numberAvailable"])),
            age,
        ],
        ("batch", "jobs") => {
            let conditions = s["conditions"].as_array().cloned().unwrap_or_default();
            let has = |t: &str| {
                conditions
                    .iter()
                    .any(|c| c["type"] == t && c["status"] == "True")
            };
            let status = if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else {
                "Running"
            };
            vec![
                name,
                json!(status),
                json!(format!(
                    "{}/{}",
                    int(&s["succeeded"]),
                    int(&spec["completions"]).max(1)
                )),
                age,
            ]
        }
        ("", "services") => {
            let ports: Vec<String> = spec["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                .collect();
            let external = s["loadBalancer"]["ingress"][0]["ip"]
                .as_str()
                .unwrap_or("<none>");
            vec![
                name,
                json!(spec["type"].as_str().unwrap_or("ClusterIP")),
                json!(spec["clusterIP"].as_str().unwrap_or("<none>")),
                json!(external),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                age,
            ]
        }
        ("", "namespaces") => vec![name, json!(s["phase"].as_str().unwrap_or("Active")), age],
        ("", "configmaps") => vec![
            name,
            json!(
                o["data"].as_object().map_or(0, |m| m.len())
                    + o["binaryData"].as_object().map_or(0, |m| m.len())
            ),
            age,
        ],
        ("", "secrets") => vec![
            name,
            json!(o["type"].as_str().unwrap_or("Opaque")),
            json!(o["data"].as_object().map_or(0, |m| m.len())),
            age,
        ],
        ("", "nodes") => vec![name, json!("Ready"), json!("<none>"), age, json!("v1.35.0")],
        ("", "events") => {
            let involved = &o["involvedObject"];
            let last = json!({"metadata": {"creationTimestamp": o["lastTimestamp"]}});
            vec![
                json!(self::age(&last)),
                json!(o["type"]),
                json!(o["reason"]),
                json!(format!(
                    "{}/{}",
                    involved["kind"].as_str().unwrap_or_default().to_lowercase(),
                    involved["name"].as_str().unwrap_or_default()
                )),
                json!(o["message"]),
            ]
        }
        ("", "persistentvolumeclaims") => vec![
            name,
            json!(s["phase"].as_str().unwrap_or("Pending")),
            json!(spec["volumeName"].as_str().unwrap_or("")),
            age,
        ],
        _ => {
            let mut row = vec![name];
            for (_, _, path) in &rt.printer_columns {
                let pointer = path.trim_start_matches('.').replace('.', "/");
                let v = o
                    .pointer(&format!("/{pointer}"))
                    .cloned()
                    .unwrap_or(Value::Null);
                row.push(match v {
                    Value::String(s) => json!(s),
                    Value::Null => json!(""),
                    other => json!(other.to_string()),
                });
            }
            row.push(age);
            row
        }
    }
}

/// A `Table` of objects; `include_object` is `None`, `Metadata` (default) or `Object`.
pub fn table<'a>(
    rt: &ResourceType,
    objects: impl IntoIterator<Item = &'a Value>,
    include_object: &str,
    resource_version: &str,
    continue_token: Option<&str>,
) -> Value {
    let mut defs: Vec<Value> = columns(rt)
        .into_iter()
        .map(|(name, ty)| {
            json!({"name": name, "type": ty, "format": if name == "Name" { "name" } else { "" }, "description": "", "priority": 0})
        })
        .collect();
    if !rt.printer_columns.is_empty() {
        for (i, (name, ty, _)) in rt.printer_columns.iter().enumerate() {
            defs[i + 1] =
                json!({"name": name, "type": ty, "format": "", "description": "", "priority": 0});
        }
    }
    for name in wide_columns(rt) {
        defs.push(
            json!({"name": name, "type": "string", "format": "", "description": "", "priority": 1}),
        );
    }
    let rows: Vec<Value> = objects
        .into_iter()
        .map(|o| {
            let object = match include_object {
                "None" => Value::Null,
                "Object" => o.clone(),
                _ => json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"],
                }),
            };
            let mut all = cells(rt, o);
            all.extend(wide_cells(rt, o));
            let mut row = json!({"cells": all});
            if !object.is_null() {
                row["object"] = object;
            }
            row
        })
        .collect();
    let mut metadata = json!({"resourceVersion": resource_version});
    if let Some(token) = continue_token {
        metadata["continue"] = json!(token);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": defs,
        "rows": rows
    })
}
