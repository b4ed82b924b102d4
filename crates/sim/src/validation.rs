//! Unknown-field detection for `fieldValidation`: the fields declared by the built-in schemas
//! the simulator knows (object roots, metadata, workload and pod specs, containers, Services).

use serde_json::Value;

use crate::registry::ResourceType;

const META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "selfLink",
];

const WORKLOAD_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
    "serviceName",
    "volumeClaimTemplates",
    "podManagementPolicy",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];

const JOB_SPEC: &[&str] = &[
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "selector",
    "manualSelector",
    "template",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
];

const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "hostnameOverride",
];

const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];

const SERVICE_SPEC: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
];

/// The roots of the kinds whose schema is known here.
fn roots(rt: &ResourceType) -> Option<&'static [&'static str]> {
    Some(match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "configmaps") => &[
            "apiVersion",
            "kind",
            "metadata",
            "data",
            "binaryData",
            "immutable",
        ],
        ("", "secrets") => &[
            "apiVersion",
            "kind",
            "metadata",
            "data",
            "stringData",
            "type",
            "immutable",
        ],
        ("", "serviceaccounts") => &[
            "apiVersion",
            "kind",
            "metadata",
            "secrets",
            "imagePullSecrets",
            "automountServiceAccountToken",
        ],
        ("apps", _)
        | ("batch", _)
        | ("", "pods" | "services" | "namespaces" | "persistentvolumeclaims") => {
            &["apiVersion", "kind", "metadata", "spec", "status"]
        }
        _ => return None,
    })
}

/// Dotted paths of fields the schema does not declare.
pub fn unknown_fields(rt: &ResourceType, object: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(roots) = roots(rt) else {
        return out;
    };
    check(object, roots, "", &mut out);
    check(&object["metadata"], META, "metadata", &mut out);
    let spec = &object["spec"];
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            check(spec, WORKLOAD_SPEC, "spec", &mut out);
            pod_template(&spec["template"], "spec.template", &mut out);
        }
        ("batch", "jobs") => {
            check(spec, JOB_SPEC, "spec", &mut out);
            pod_template(&spec["template"], "spec.template", &mut out);
        }
        ("", "pods") => pod_spec(spec, "spec", &mut out),
        ("", "services") => check(spec, SERVICE_SPEC, "spec", &mut out),
        _ => {}
    }
    out
}

fn pod_template(template: &Value, at: &str, out: &mut Vec<String>) {
    check(template, &["metadata", "spec"], at, out);
    check(&template["metadata"], META, &format!("{at}.metadata"), out);
    pod_spec(&template["spec"], &format!("{at}.spec"), out);
}

fn pod_spec(spec: &Value, at: &str, out: &mut Vec<String>) {
    check(spec, POD_SPEC, at, out);
    for field in ["containers", "initContainers"] {
        for (i, c) in spec[field].as_array().into_iter().flatten().enumerate() {
            check(c, CONTAINER, &format!("{at}.{field}[{i}]"), out);
        }
    }
}

fn check(value: &Value, known: &[&str], at: &str, out: &mut Vec<String>) {
    if let Some(map) = value.as_object() {
        for key in map.keys() {
            // `$patch`, `$setElementOrder/...` and friends are patch directives, not fields.
            if !key.starts_with('$') && !known.contains(&key.as_str()) {
                out.push(if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                });
            }
        }
    }
}
