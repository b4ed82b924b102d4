//! Rendered files to release documents, as Helm's `releaseutil.SortManifests` does it: split each
//! file into YAML documents, read each document's head (`apiVersion`, `kind`, `metadata.name`,
//! `metadata.annotations`), put documents annotated `helm.sh/hook` aside as hooks, and order
//! both lists by Helm's install order of kinds.

use std::collections::BTreeMap;

use slipway_yaml::{ManifestHead, manifest_head, split_manifests};

use crate::error::RenderError;

/// The annotation that makes a document a hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// The annotation holding a hook's weight.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The annotation holding a hook's delete policies.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
/// The annotation holding a hook's output log policies.
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

/// The hook events Helm knows (`test-success` is the Helm 2 name of `test`).
const HOOK_EVENTS: [(&str, &str); 10] = [
    ("pre-install", "pre-install"),
    ("post-install", "post-install"),
    ("pre-delete", "pre-delete"),
    ("post-delete", "post-delete"),
    ("pre-upgrade", "pre-upgrade"),
    ("post-upgrade", "post-upgrade"),
    ("pre-rollback", "pre-rollback"),
    ("post-rollback", "post-rollback"),
    ("test", "test"),
    ("test-success", "test"),
];

/// Helm's install order of kinds (`releaseutil.InstallOrder`); unknown kinds come last,
/// alphabetically.
pub const INSTALL_ORDER: [&str; 38] = [
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// One document of the release that is not a hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`).
    pub source: String,
    /// The document text, trimmed.
    pub text: String,
    /// Its head.
    pub head: ManifestHead,
}

/// One hook document (`helm.sh/hook` annotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The template it came from.
    pub source: String,
    /// The document text, trimmed.
    pub text: String,
    /// Its head.
    pub head: ManifestHead,
    /// The events, lower-cased, in annotation order (`test-success` becomes `test`).
    pub events: Vec<String>,
    /// `helm.sh/hook-weight` (0 when absent or not an integer).
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` entries, lower-cased.
    pub delete_policies: Vec<String>,
    /// `helm.sh/hook-output-log-policy` entries, lower-cased.
    pub output_log_policies: Vec<String>,
}

/// Splits rendered files (template name → text) into hooks and manifests, each sorted in
/// Helm's install order (stable: documents of one kind keep file-name and in-file order).
/// Partials (`_*`) and blank files are skipped; hooks with an unknown event are dropped, as
/// Helm does.
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Hook>, Vec<Manifest>), RenderError> {
    let mut hooks = Vec::new();
    let mut manifests = Vec::new();
    for (path, content) in files {
        if base_name(path).starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = manifest_head(doc).map_err(|e| RenderError::Yaml {
                file: path.clone(),
                message: e.to_string(),
            })?;
            let Some(events) = annotation(&head, HOOK_ANNOTATION) else {
                manifests.push(Manifest {
                    source: path.clone(),
                    text: doc.to_owned(),
                    head,
                });
                continue;
            };
            let Some(events) = hook_events(events) else {
                continue;
            };
            let weight = annotation(&head, HOOK_WEIGHT_ANNOTATION)
                .and_then(parse_go_atoi)
                .unwrap_or(0);
            let delete_policies = annotation_list(&head, HOOK_DELETE_ANNOTATION);
            let output_log_policies = annotation_list(&head, HOOK_OUTPUT_LOG_ANNOTATION);
            hooks.push(Hook {
                source: path.clone(),
                text: doc.to_owned(),
                head,
                events,
                weight,
                delete_policies,
                output_log_policies,
            });
        }
    }
    hooks.sort_by(|a, b| kind_order(&a.head.kind, &b.head.kind));
    manifests.sort_by(|a, b| kind_order(&a.head.kind, &b.head.kind));
    Ok((hooks, manifests))
}

/// The events of a `helm.sh/hook` annotation, or `None` if one is unknown.
fn hook_events(annotation: &str) -> Option<Vec<String>> {
    annotation
        .split(',')
        .map(|event| {
            let event = event.trim().to_lowercase();
            HOOK_EVENTS
                .iter()
                .find(|(name, _)| *name == event)
                .map(|(_, canonical)| (*canonical).to_owned())
        })
        .collect()
}

/// The value of annotation `name` of a document.
pub fn annotation<'a>(head: &'a ManifestHead, name: &str) -> Option<&'a str> {
    head.metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(name)
        .map(String::as_str)
}

fn annotation_list(head: &ManifestHead, name: &str) -> Vec<String> {
    annotation(head, name)
        .map(|list| {
            list.split(',')
                .map(|item| item.trim().to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces.
fn parse_go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Helm's `lessByKind` as an ordering: known kinds by install order, unknown kinds after
/// them alphabetically, equal kinds equal (the sort is stable).
pub fn kind_order(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |kind: &str| INSTALL_ORDER.iter().position(|k| *k == kind);
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The last path element (`path.Base`).
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_sort_in_install_order() {
        use std::cmp::Ordering::*;
        assert_eq!(kind_order("Namespace", "Deployment"), Less);
        assert_eq!(kind_order("Zebra", "Deployment"), Greater);
        assert_eq!(kind_order("Alpha", "Beta"), Less);
        assert_eq!(kind_order("Service", "Service"), Equal);
    }

    #[test]
    fn atoi_is_strict() {
        assert_eq!(parse_go_atoi("-5"), Some(-5));
        assert_eq!(parse_go_atoi("+5"), Some(5));
        assert_eq!(parse_go_atoi(" 5"), None);
        assert_eq!(parse_go_atoi("5x"), None);
    }
}
