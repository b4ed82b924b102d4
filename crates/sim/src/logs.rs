//! Pod logs (`GET .../pods/{name}/log`): the lines scripted by the `sim.slipway.dev/logs`
//! annotation, with `container`, `tailLines`, `timestamps` and `follow`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::api::Cluster;
use crate::registry::ResourceKey;
use crate::server::channel_body;
use crate::status::ApiError;
use crate::store::EventType;

/// The annotation holding a pod's log lines.
pub const LOGS_ANNOTATION: &str = "sim.slipway.dev/logs";

/// The log lines a pod's container printed.
pub fn lines_of(pod: &Value) -> Vec<String> {
    pod["metadata"]["annotations"][LOGS_ANNOTATION]
        .as_str()
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Serves the log of a pod's container.
pub async fn serve(
    cluster: Arc<Cluster>,
    namespace: &str,
    name: &str,
    query: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let rt = cluster
        .registry()
        .get("", "v1", "pods")
        .cloned()
        .ok_or_else(ApiError::no_resource)?;
    let pod = cluster.get(&rt, namespace, name)?;
    let containers: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    let container = match query.get("container") {
        Some(c) => {
            if !containers.contains(c) {
                return Err(ApiError::bad_request(format!(
                    "container {c} is not valid for pod {name}"
                )));
            }
            c.clone()
        }
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            )));
        }
    };
    let status = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == container.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    let started = !status["state"]["running"].is_null()
        || !status["state"]["terminated"].is_null()
        || status["restartCount"].as_i64().unwrap_or(0) > 0;
    if !started {
        let reason = status["state"]["waiting"]["reason"]
            .as_str()
            .unwrap_or("ContainerCreating");
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
        )));
    }
    let mut lines = lines_of(&pod);
    if let Some(tail) = query.get("tailLines").and_then(|t| t.parse::<usize>().ok()) {
        let skip = lines.len().saturating_sub(tail);
        lines.drain(..skip);
    }
    let stamp = status["state"]["running"]["startedAt"]
        .as_str()
        .or_else(|| status["state"]["terminated"]["startedAt"].as_str())
        .unwrap_or_default()
        .to_string();
    let timestamps = query.get("timestamps").is_some_and(|t| t == "true");
    let mut text = String::new();
    for line in lines {
        if timestamps {
            text.push_str(&stamp.replace('Z', ".000000000Z"));
            text.push(' ');
        }
        text.push_str(&line);
        text.push('\n');
    }
    let follow = query.get("follow").is_some_and(|f| f == "true");
    let finished = matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    );
    let body = if follow && !finished {
        let key = ResourceKey::new("", "pods");
        let mut watch = cluster.store.watch(&key, Some(namespace), None)?;
        let (ns, pod_name) = (namespace.to_string(), name.to_string());
        let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(4);
        tokio::spawn(async move {
            if tx.send(Ok(Bytes::from(text))).await.is_err() {
                return;
            }
            loop {
                tokio::select! {
                    event = watch.events.recv() => {
                        let Some(e) = event else { return };
                        let o = &e.object;
                        if o["metadata"]["namespace"] == ns.as_str()
                            && o["metadata"]["name"] == pod_name.as_str()
                            && (e.kind == EventType::Deleted
                                || matches!(o["status"]["phase"].as_str(), Some("Succeeded" | "Failed")))
                        {
                            return;
                        }
                    }
                    _ = tx.closed() => return,
                }
            }
        });
        channel_body(rx)
    } else {
        Body::from(text)
    };
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(response)
}
