//! Defaulting and validation of the built-in kinds, as far as clients notice them.

use serde_json::{Value, json};

use crate::registry::ResourceType;
use crate::selectors::LabelSelector;

/// Fills in the defaults a real API server sets on create and update.
pub fn apply_defaults(rt: &ResourceType, object: &mut Value) {
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("apps", "deployments") => {
            let spec = ensure_object(object, "spec");
            default(spec, "replicas", json!(1));
            default(spec, "revisionHistoryLimit", json!(10));
            default(spec, "progressDeadlineSeconds", json!(600));
            default(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            );
            pod_template_defaults(spec);
        }
        ("apps", "replicasets") => {
            let spec = ensure_object(object, "spec");
            default(spec, "replicas", json!(1));
            pod_template_defaults(spec);
        }
        ("apps", "statefulsets") => {
            let spec = ensure_object(object, "spec");
            default(spec, "replicas", json!(1));
            default(spec, "podManagementPolicy", json!("OrderedReady"));
            default(spec, "revisionHistoryLimit", json!(10));
            default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            pod_template_defaults(spec);
        }
        ("apps", "daemonsets") => {
            let spec = ensure_object(object, "spec");
            default(spec, "revisionHistoryLimit", json!(10));
            default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
            );
            pod_template_defaults(spec);
        }
        ("batch", "jobs") => {
            let spec = ensure_object(object, "spec");
            default(spec, "completions", json!(1));
            default(spec, "parallelism", json!(1));
            default(spec, "backoffLimit", json!(6));
            default(spec, "completionMode", json!("NonIndexed"));
            default(spec, "suspend", json!(false));
            pod_template_defaults(spec);
            if let Some(tpl) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
                default(tpl, "restartPolicy", json!("Never"));
            }
        }
        ("batch", "cronjobs") => {
            let spec = ensure_object(object, "spec");
            default(spec, "concurrencyPolicy", json!("Allow"));
            default(spec, "suspend", json!(false));
            default(spec, "successfulJobsHistoryLimit", json!(3));
            default(spec, "failedJobsHistoryLimit", json!(1));
        }
        ("", "pods") => pod_spec_defaults(ensure_object(object, "spec")),
        ("", "services") => {
            let spec = ensure_object(object, "spec");
            default(spec, "type", json!("ClusterIP"));
            default(spec, "sessionAffinity", json!("None"));
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports {
                    default(port, "protocol", json!("TCP"));
                    if port.get("targetPort").is_none() {
                        port["targetPort"] = port["port"].clone();
                    }
                }
            }
        }
        ("", "secrets") => {
            default(object, "type", json!("Opaque"));
            if let Some(Value::Object(string_data)) =
                object.as_object_mut().and_then(|o| o.remove("stringData"))
            {
                let data = ensure_object(object, "data");
                for (k, v) in string_data {
                    data[k] = json!(base64(v.as_str().unwrap_or_default().as_bytes()));
                }
            }
        }
        ("", "namespaces") => {
            let name = object["metadata"]["name"].clone();
            let labels = ensure_object(ensure_object(object, "metadata"), "labels");
            labels["kubernetes.io/metadata.name"] = name;
            let spec = ensure_object(object, "spec");
            default(spec, "finalizers", json!(["kubernetes"]));
            let status = ensure_object(object, "status");
            default(status, "phase", json!("Active"));
        }
        ("", "persistentvolumeclaims") => {
            let spec = ensure_object(object, "spec");
            default(spec, "volumeMode", json!("Filesystem"));
        }
        _ => {}
    }
}

fn pod_template_defaults(spec: &mut Value) {
    if let Some(pod_spec) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
        pod_spec_defaults(pod_spec);
    }
}

fn pod_spec_defaults(spec: &mut Value) {
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "schedulerName", json!("default-scheduler"));
    default(spec, "securityContext", json!({}));
    for field in ["containers", "initContainers"] {
        if let Some(containers) = spec.get_mut(field).and_then(Value::as_array_mut) {
            for c in containers {
                default(c, "terminationMessagePath", json!("/dev/termination-log"));
                default(c, "terminationMessagePolicy", json!("File"));
                let tag_latest = c["image"]
                    .as_str()
                    .map(|i| !i.rsplit('/').next().unwrap_or(i).contains(':'))
                    .unwrap_or(false);
                default(
                    c,
                    "imagePullPolicy",
                    json!(if tag_latest { "Always" } else { "IfNotPresent" }),
                );
                default(c, "resources", json!({}));
                if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports {
                        default(p, "protocol", json!("TCP"));
                    }
                }
            }
        }
    }
}

fn ensure_object<'a>(object: &'a mut Value, key: &str) -> &'a mut Value {
    if !object[key].is_object() {
        object[key] = json!({});
    }
    &mut object[key]
}

fn default(object: &mut Value, key: &str, value: Value) {
    if object.is_object() && object.get(key).is_none_or(Value::is_null) {
        object[key] = value;
    }
}

/// Standard base64 encoding.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Validates an object; returns the field errors (`field`, message) a real server reports.
pub fn validate(rt: &ResourceType, object: &Value) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    if name.is_empty() {
        errors.push((
            "metadata.name".into(),
            "Required value: name or generateName is required".into(),
        ));
    } else if !valid_name(name) && rt.group != "rbac.authorization.k8s.io" {
        errors.push((
            "metadata.name".into(),
            format!("Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
        ));
    }
    let spec = &object["spec"];
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            let selector = &spec["selector"];
            if !selector.is_object() {
                errors.push(("spec.selector".into(), "Required value".into()));
            } else {
                let template = &spec["template"];
                if !LabelSelector::from_object(selector).matches(template) {
                    let labels: Vec<String> = template["metadata"]["labels"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| format!("{k:?}:{v}"))
                        .collect();
                    errors.push((
                        "spec.template.metadata.labels".into(),
                        format!(
                            "Invalid value: map[string]string{{{}}}: `selector` does not match template `labels`",
                            labels.join(", ")
                        ),
                    ));
                }
            }
            containers_required(&spec["template"]["spec"], "spec.template.spec", &mut errors);
        }
        ("batch", "jobs") => {
            containers_required(&spec["template"]["spec"], "spec.template.spec", &mut errors);
        }
        ("", "pods") => containers_required(spec, "spec", &mut errors),
        _ => {}
    }
    errors
}

fn containers_required(pod_spec: &Value, at: &str, errors: &mut Vec<(String, String)>) {
    let containers = pod_spec["containers"].as_array();
    if containers.is_none_or(Vec::is_empty) {
        errors.push((format!("{at}.containers"), "Required value".into()));
        return;
    }
    for (i, c) in containers.into_iter().flatten().enumerate() {
        if c["name"].as_str().unwrap_or_default().is_empty() {
            errors.push((
                format!("{at}.containers[{i}].name"),
                "Required value".into(),
            ));
        }
        if c["image"].as_str().unwrap_or_default().is_empty() {
            errors.push((
                format!("{at}.containers[{i}].image"),
                "Required value".into(),
            ));
        }
    }
}

/// Whether a name is a DNS-1123 subdomain.
fn valid_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}
