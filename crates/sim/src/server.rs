//! The HTTP front: routing of Kubernetes API paths to the API operations, discovery, watch
//! streams, tables, pod logs and per-verb request counters.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::api::{Cluster, FieldValidation, PatchType, Propagation, WriteOptions, Written};
use crate::discovery;
use crate::registry::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::status::ApiError;
use crate::store::{EventType, StoreEvent};
use crate::table;

/// The verbs counted by [`RequestCounts`].
pub const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "apply",
    "delete",
    "deletecollection",
    "discovery",
    "log",
    "other",
];

/// Requests served, per verb.
#[derive(Debug, Default)]
pub struct RequestCounts {
    counts: [AtomicU64; 12],
}

impl RequestCounts {
    fn bump(&self, verb: &str) {
        let i = VERBS
            .iter()
            .position(|v| *v == verb)
            .unwrap_or(VERBS.len() - 1);
        self.counts[i].fetch_add(1, Ordering::Relaxed);
    }

    /// A snapshot: verb to count (verbs with no requests omitted).
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        VERBS
            .iter()
            .zip(&self.counts)
            .map(|(v, c)| (v.to_string(), c.load(Ordering::Relaxed)))
            .filter(|(_, c)| *c > 0)
            .collect()
    }
}

/// Shared state of the HTTP server.
pub struct ServerState {
    /// The cluster.
    pub cluster: Arc<Cluster>,
    /// Request counters.
    pub counts: RequestCounts,
    /// How often watches with `allowWatchBookmarks` get a bookmark.
    pub bookmark_interval: Duration,
}

/// The parsed target of a resource request.
struct Target {
    rt: ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    subresource: String,
}

/// The single handler behind every path.
pub async fn handle(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = parse_query(uri.query().unwrap_or_default());
    match route(&state, &method, uri.path(), &query, &headers, &body).await {
        Ok(response) => response,
        Err(err) => status_response(&err),
    }
}

async fn route(
    state: &Arc<ServerState>,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let aggregated = accept.contains("as=APIGroupDiscoveryList");
    let registry_doc = |f: &dyn Fn(&crate::registry::Registry) -> Option<Value>| {
        let reg = state.cluster.registry();
        f(&reg)
    };
    let discovery_response = |doc: Option<Value>| -> Result<Response, ApiError> {
        state.counts.bump("discovery");
        doc.map(|d| json_response(StatusCode::OK, &d, &[]))
            .ok_or_else(ApiError::no_resource)
    };
    match segs.as_slice() {
        ["version"] => return discovery_response(Some(discovery::version())),
        ["healthz" | "readyz" | "livez", ..] => {
            return Ok(text_response(StatusCode::OK, "ok".into()));
        }
        ["api"] if aggregated => {
            state.counts.bump("discovery");
            let doc = registry_doc(&|r| Some(discovery::aggregated(r, true)));
            return Ok(typed_json(
                doc.unwrap_or_default(),
                discovery::AGGREGATED_CONTENT_TYPE,
            ));
        }
        ["apis"] if aggregated => {
            state.counts.bump("discovery");
            let doc = registry_doc(&|r| Some(discovery::aggregated(r, false)));
            return Ok(typed_json(
                doc.unwrap_or_default(),
                discovery::AGGREGATED_CONTENT_TYPE,
            ));
        }
        ["api"] => return discovery_response(Some(discovery::api_versions())),
        ["apis"] => {
            return discovery_response(registry_doc(&|r| Some(discovery::api_group_list(r))));
        }
        ["api", v] => {
            return discovery_response(registry_doc(&|r| discovery::resource_list(r, "", v)));
        }
        ["apis", g] => return discovery_response(registry_doc(&|r| discovery::api_group(r, g))),
        ["apis", g, v] => {
            return discovery_response(registry_doc(&|r| discovery::resource_list(r, g, v)));
        }
        ["openapi", "v2"] => {
            state.counts.bump("discovery");
            if !accept.is_empty() && !accept.contains("json") && !accept.contains("*/*") {
                return Err(ApiError::new(
                    406,
                    "NotAcceptable",
                    "only application/json is served",
                ));
            }
            return Ok(json_response(
                StatusCode::OK,
                &json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.35.0"}, "paths": {}, "definitions": {}}),
                &[],
            ));
        }
        ["openapi", "v3"] => {
            return discovery_response(registry_doc(&|r| Some(discovery::openapi_v3_index(r))));
        }
        ["openapi", "v3", "api", v] => {
            return discovery_response(registry_doc(&|r| discovery::openapi_v3_group(r, "", v)));
        }
        ["openapi", "v3", "apis", g, v] => {
            return discovery_response(registry_doc(&|r| discovery::openapi_v3_group(r, g, v)));
        }
        _ => {}
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !body.is_empty() && content_type.contains("cbor") {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; got {content_type}"
            ),
        ));
    }
    let target = parse_target(&state.cluster, &segs)?;
    serve_resource(state, method, target, query, headers, body, &accept).await
}

fn parse_target(cluster: &Cluster, segs: &[&str]) -> Result<Target, ApiError> {
    let (group, version, rest) = match segs {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(ApiError::no_resource()),
    };
    let registry = cluster.registry();
    let lookup = |r: &str| registry.get(group, version, r).cloned();
    let (namespace, rest) = match rest {
        ["namespaces", ns, res, more @ ..] if lookup(res).is_some_and(|rt| rt.namespaced) => {
            (Some(ns.to_string()), {
                let mut v = vec![*res];
                v.extend_from_slice(more);
                v
            })
        }
        _ => (None, rest.to_vec()),
    };
    let (resource, name, sub) = match rest.as_slice() {
        [r] => (*r, None, ""),
        [r, n] => (*r, Some(n.to_string()), ""),
        [r, n, s] => (*r, Some(n.to_string()), *s),
        _ => return Err(ApiError::no_resource()),
    };
    let rt = lookup(resource).ok_or_else(ApiError::no_resource)?;
    if !matches!(sub, "" | "status" | "scale" | "log" | "finalize") {
        return Err(ApiError::no_resource());
    }
    Ok(Target {
        rt,
        namespace,
        name,
        subresource: sub.to_string(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn serve_resource(
    state: &Arc<ServerState>,
    method: &Method,
    target: Target,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
    accept: &str,
) -> Result<Response, ApiError> {
    let cluster = &state.cluster;
    let rt = &target.rt;
    let ns = target.namespace.clone().unwrap_or_default();
    let as_table = accept.contains("as=Table");
    let opts = write_options(query, headers);
    match (method.clone(), &target.name) {
        (Method::GET, None) => {
            let labels =
                LabelSelector::parse(query.get("labelSelector").map_or("", |s| s.as_str()))?;
            let fields =
                FieldSelector::parse(query.get("fieldSelector").map_or("", |s| s.as_str()))?;
            let ns_filter = if rt.namespaced {
                target.namespace.as_deref()
            } else {
                None
            };
            if is_true(query.get("watch")) {
                state.counts.bump("watch");
                return watch(state, rt, ns_filter, labels, fields, query, as_table);
            }
            state.counts.bump("list");
            let limit = query.get("limit").and_then(|l| l.parse().ok());
            let listed = cluster.list(
                rt,
                ns_filter,
                &labels,
                &fields,
                limit,
                query.get("continue").map(|s| s.as_str()),
            )?;
            let rv = listed.resource_version.to_string();
            if as_table {
                let include = query
                    .get("includeObject")
                    .map_or("Metadata", |s| s.as_str());
                let t = table::table(
                    rt,
                    listed.items.iter().map(|a| a.as_ref()),
                    include,
                    &rv,
                    listed.continue_token.as_deref(),
                );
                return Ok(json_response(StatusCode::OK, &t, &[]));
            }
            let mut metadata = json!({"resourceVersion": rv});
            if let Some(token) = &listed.continue_token {
                metadata["continue"] = json!(token);
                metadata["remainingItemCount"] = json!(listed.remaining.unwrap_or(0));
            }
            // Serialised straight from the stored objects, without copying them.
            let list = ListBody {
                kind: format!("{}List", rt.kind),
                api_version: rt.api_version(),
                metadata,
                items: listed.items.iter().map(|a| a.as_ref()).collect(),
            };
            let mut response =
                Response::new(Body::from(serde_json::to_vec(&list).unwrap_or_default()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(response)
        }
        (Method::GET, Some(name)) if target.subresource == "log" => {
            state.counts.bump("log");
            crate::logs::serve(state.cluster.clone(), &ns, name, query).await
        }
        (Method::GET, Some(name)) => {
            state.counts.bump("get");
            let object = cluster.get(rt, &ns, name)?;
            if target.subresource == "scale" {
                return Ok(json_response(StatusCode::OK, &scale_of(&object), &[]));
            }
            if as_table {
                let include = query
                    .get("includeObject")
                    .map_or("Metadata", |s| s.as_str());
                let rv = object["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let t = table::table(rt, [&object], include, &rv, None);
                return Ok(json_response(StatusCode::OK, &t, &[]));
            }
            Ok(json_response(StatusCode::OK, &object, &[]))
        }
        (Method::POST, None) => {
            state.counts.bump("create");
            let object = parse_body(body)?;
            let written = cluster.create(rt, &ns, object, &opts)?;
            Ok(written_response(StatusCode::CREATED, written))
        }
        (Method::PUT, Some(name)) => {
            state.counts.bump("update");
            let mut object = parse_body(body)?;
            if target.subresource == "scale" {
                return scale_update(cluster, rt, &ns, name, &object, &opts);
            }
            if target.subresource == "finalize" {
                object["status"] = cluster.get(rt, &ns, name)?["status"].clone();
            }
            let sub = if target.subresource == "status" {
                "status"
            } else {
                ""
            };
            let written = cluster.update(rt, &ns, name, sub, object, &opts)?;
            let code = if written.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(written_response(code, written))
        }
        (Method::PATCH, Some(name)) => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let patch_type = match content_type.split(';').next().unwrap_or_default().trim() {
                "application/json-patch+json" => PatchType::Json,
                "application/merge-patch+json" => PatchType::Merge,
                "application/strategic-merge-patch+json" => PatchType::Strategic,
                "application/apply-patch+yaml" | "application/apply-patch+cbor" => PatchType::Apply,
                other => {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        format!(
                            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got {other}"
                        ),
                    ));
                }
            };
            if patch_type == PatchType::Apply {
                state.counts.bump("apply");
                if opts.field_manager.is_empty() || !query.contains_key("fieldManager") {
                    return Err(ApiError::bad_request(
                        "PATCH /apply requests require a non-empty fieldManager",
                    ));
                }
            } else {
                state.counts.bump("patch");
            }
            let patch_body = if patch_type == PatchType::Apply {
                parse_yaml_body(body)?
            } else {
                parse_body(body)?
            };
            if target.subresource == "scale" {
                let mut scale = scale_of(&cluster.get(rt, &ns, name)?);
                crate::patch::merge_patch(&mut scale, &patch_body);
                return scale_update(cluster, rt, &ns, name, &scale, &opts);
            }
            let sub = if target.subresource == "status" {
                "status"
            } else {
                ""
            };
            let written = cluster.patch(rt, &ns, name, sub, patch_type, &patch_body, &opts)?;
            let code = if written.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(written_response(code, written))
        }
        (Method::DELETE, Some(name)) => {
            state.counts.bump("delete");
            let options: Value = if body.is_empty() {
                json!({})
            } else {
                parse_body(body).unwrap_or(json!({}))
            };
            let propagation = delete_propagation(query, &options)?;
            let uid = options["preconditions"]["uid"].as_str();
            let dry_run =
                opts.dry_run || options["dryRun"].as_array().is_some_and(|a| !a.is_empty());
            let object = cluster.delete(rt, &ns, name, propagation, uid, dry_run)?;
            Ok(json_response(StatusCode::OK, &object, &[]))
        }
        (Method::DELETE, None) => {
            state.counts.bump("deletecollection");
            let labels =
                LabelSelector::parse(query.get("labelSelector").map_or("", |s| s.as_str()))?;
            let fields =
                FieldSelector::parse(query.get("fieldSelector").map_or("", |s| s.as_str()))?;
            let ns_filter = if rt.namespaced {
                target.namespace.as_deref()
            } else {
                None
            };
            let listed = cluster.list(rt, ns_filter, &labels, &fields, None, None)?;
            let propagation = delete_propagation(query, &json!({}))?;
            let mut deleted = Vec::new();
            for o in &listed.items {
                let (ons, oname) = crate::store::object_name(o);
                if let Ok(d) = cluster.delete(rt, &ons, &oname, propagation, None, opts.dry_run) {
                    deleted.push(d);
                }
            }
            let list = json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(), "metadata": {}, "items": deleted});
            Ok(json_response(StatusCode::OK, &list, &[]))
        }
        _ => {
            state.counts.bump("other");
            Err(ApiError::method_not_allowed())
        }
    }
}

/// A list response.
#[derive(serde::Serialize)]
struct ListBody<'a> {
    kind: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
    metadata: Value,
    items: Vec<&'a Value>,
}

/// The `autoscaling/v1` `Scale` of a scalable object.
fn scale_of(object: &Value) -> Value {
    let selector = object["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": object["metadata"]["name"],
            "namespace": object["metadata"]["namespace"],
            "uid": object["metadata"]["uid"],
            "resourceVersion": object["metadata"]["resourceVersion"],
            "creationTimestamp": object["metadata"]["creationTimestamp"],
        },
        "spec": {"replicas": object["spec"]["replicas"]},
        "status": {"replicas": object["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

fn scale_update(
    cluster: &Cluster,
    rt: &ResourceType,
    ns: &str,
    name: &str,
    scale: &Value,
    opts: &WriteOptions,
) -> Result<Response, ApiError> {
    let replicas = scale["spec"]["replicas"].clone();
    let written = cluster.patch(
        rt,
        ns,
        name,
        "",
        PatchType::Merge,
        &json!({"spec": {"replicas": replicas}}),
        opts,
    )?;
    Ok(json_response(
        StatusCode::OK,
        &scale_of(&written.object),
        &[],
    ))
}

fn delete_propagation(
    query: &HashMap<String, String>,
    options: &Value,
) -> Result<Option<Propagation>, ApiError> {
    let policy = query
        .get("propagationPolicy")
        .map(|s| s.as_str())
        .or_else(|| options["propagationPolicy"].as_str());
    let orphan = query
        .get("orphanDependents")
        .map(|s| s == "true")
        .or_else(|| options["orphanDependents"].as_bool());
    Ok(match (policy, orphan) {
        (Some("Foreground"), _) => Some(Propagation::Foreground),
        (Some("Background"), _) => Some(Propagation::Background),
        (Some("Orphan"), _) | (None, Some(true)) => Some(Propagation::Orphan),
        (None, _) => None,
        (Some(other), _) => {
            return Err(ApiError::invalid(
                &ResourceType {
                    group: String::new(),
                    version: "v1".into(),
                    resource: "deleteoptions".into(),
                    singular: String::new(),
                    kind: "DeleteOptions".into(),
                    namespaced: false,
                    short_names: vec![],
                    categories: vec![],
                    status_subresource: false,
                    scale_subresource: false,
                    printer_columns: vec![],
                },
                "",
                &[(
                    "propagationPolicy".into(),
                    format!(
                        "Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                    ),
                )],
            ));
        }
    })
}

fn write_options(query: &HashMap<String, String>, headers: &HeaderMap) -> WriteOptions {
    let field_manager = query.get("fieldManager").cloned().unwrap_or_else(|| {
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unknown");
        agent.split('/').next().unwrap_or(agent).to_string()
    });
    let field_validation = match query.get("fieldValidation").map(|s| s.as_str()) {
        Some("Strict") => FieldValidation::Strict,
        Some("Ignore") => FieldValidation::Ignore,
        _ => FieldValidation::Warn,
    };
    WriteOptions {
        dry_run: query.get("dryRun").is_some_and(|d| d == "All"),
        field_manager,
        force: is_true(query.get("force")),
        field_validation,
    }
}

fn is_true(v: Option<&String>) -> bool {
    v.is_some_and(|v| v == "true" || v == "1")
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.starts_with(b"k8s\0") {
        return crate::protobuf::decode(body).map_err(|e| {
            ApiError::new(
                415,
                "UnsupportedMediaType",
                format!("the body of the request was in an unknown format: {e}"),
            )
        });
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request was in an unknown format: {e}"
        ))
    })
}

fn parse_yaml_body(body: &Bytes) -> Result<Value, ApiError> {
    if let Ok(v) = serde_json::from_slice(body) {
        return Ok(v);
    }
    let text =
        std::str::from_utf8(body).map_err(|_| ApiError::bad_request("apply body is not UTF-8"))?;
    serde_saphyr::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
}

fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn json_response(code: StatusCode, value: &Value, warnings: &[String]) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(value).unwrap_or_default()));
    *response.status_mut() = code;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for w in warnings {
        let text = format!("299 - {}", go_quote(w));
        if let Ok(v) = HeaderValue::from_str(&text) {
            headers.append("Warning", v);
        }
    }
    response
}

fn typed_json(value: Value, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(&value).unwrap_or_default()));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn text_response(code: StatusCode, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = code;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

fn written_response(code: StatusCode, written: Written) -> Response {
    json_response(code, &written.object, &written.warnings)
}

/// The response for an API error.
pub fn status_response(err: &ApiError) -> Response {
    json_response(
        StatusCode::from_u16(err.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &err.to_status(),
        &[],
    )
}

/// Quotes a string as Go's `%q` does for printable text.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Options of one watch stream.
struct WatchFilter {
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl WatchFilter {
    fn matches(&self, o: &Value) -> bool {
        self.namespace
            .as_deref()
            .is_none_or(|ns| o["metadata"]["namespace"].as_str() == Some(ns))
            && self.labels.matches(o)
            && self.fields.matches(o)
    }

    /// The event type a watcher sees for a change, if any.
    fn translate(&self, event: &StoreEvent) -> Option<&'static str> {
        let now = self.matches(&event.object);
        let before = event.old.as_ref().is_some_and(|o| self.matches(o));
        match event.kind {
            EventType::Added if now => Some("ADDED"),
            EventType::Modified if now && before => Some("MODIFIED"),
            EventType::Modified if now => Some("ADDED"),
            EventType::Modified if before => Some("DELETED"),
            EventType::Deleted if before || now => Some("DELETED"),
            _ => None,
        }
    }
}

fn watch(
    state: &Arc<ServerState>,
    rt: &ResourceType,
    namespace: Option<&str>,
    labels: LabelSelector,
    fields: FieldSelector,
    query: &HashMap<String, String>,
    as_table: bool,
) -> Result<Response, ApiError> {
    let since = query
        .get("resourceVersion")
        .filter(|rv| !rv.is_empty() && *rv != "0")
        .map(|rv| {
            rv.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))
        })
        .transpose()?;
    let send_initial = is_true(query.get("sendInitialEvents"));
    let since = if send_initial { None } else { since };
    let bookmarks = is_true(query.get("allowWatchBookmarks"));
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let filter = WatchFilter {
        namespace: namespace.map(str::to_string),
        labels,
        fields,
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(256);
    let rt = rt.clone();
    let start = state.cluster.store.watch(&rt.key(), namespace, since);
    let interval = state.bookmark_interval;
    tokio::spawn(async move {
        let line = |kind: &str, object: &Value| -> Bytes {
            let object = if as_table && kind != "ERROR" && kind != "BOOKMARK" {
                let rv = object["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                table::table(&rt, [object], "Object", &rv, None)
            } else {
                object.clone()
            };
            let mut bytes =
                serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
            bytes.push(b'\n');
            Bytes::from(bytes)
        };
        let bookmark = |rv: u64, initial_end: bool| {
            let mut meta = json!({"resourceVersion": rv.to_string()});
            if initial_end {
                meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
            }
            json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": meta})
        };
        let mut start = match start {
            Ok(s) => s,
            Err(err) => {
                let _ = tx.send(Ok(line("ERROR", &err.to_status()))).await;
                return;
            }
        };
        let mut last_rv = start.rv;
        for o in &start.snapshot {
            if filter.matches(o) && tx.send(Ok(line("ADDED", o))).await.is_err() {
                return;
            }
        }
        if send_initial
            && tx
                .send(Ok(line("BOOKMARK", &bookmark(start.rv, true))))
                .await
                .is_err()
        {
            return;
        }
        for e in &start.replay {
            last_rv = last_rv.max(e.rv);
            if let Some(kind) = filter.translate(e)
                && tx.send(Ok(line(kind, &e.object))).await.is_err()
            {
                return;
            }
        }
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let mut ticker = tokio::time::interval(interval);
        ticker.tick().await;
        loop {
            let expired = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = start.events.recv() => {
                    let Some(e) = event else { return };
                    if e.rv <= last_rv { continue; }
                    last_rv = e.rv;
                    if let Some(kind) = filter.translate(&e)
                        && tx.send(Ok(line(kind, &e.object))).await.is_err()
                    {
                        return;
                    }
                }
                _ = ticker.tick(), if bookmarks => {
                    if tx.send(Ok(line("BOOKMARK", &bookmark(last_rv, false)))).await.is_err() {
                        return;
                    }
                }
                _ = tx.closed() => return,
                _ = expired => return,
            }
        }
    });
    let mut response = Response::new(channel_body(rx));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// A streaming body fed by a channel.
pub(crate) fn channel_body(rx: mpsc::Receiver<Result<Bytes, Infallible>>) -> Body {
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(stream)
}
