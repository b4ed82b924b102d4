//! The kind registry: which resources the simulated API server serves, built-in and from CRDs.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// One served resource type (a group/version/resource with its kind and scope).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceType {
    /// API group (empty for the core group).
    pub group: String,
    /// API version within the group.
    pub version: String,
    /// Plural resource name, as used in URLs.
    pub resource: String,
    /// Singular resource name.
    pub singular: String,
    /// Kind of the objects.
    pub kind: String,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names `kubectl` accepts (`deploy`, `po`, ...).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Whether the `status` subresource is served separately.
    pub status_subresource: bool,
    /// Whether the `scale` subresource is served.
    pub scale_subresource: bool,
    /// Additional printer columns of a CRD (`name`, `type`, JSON path).
    pub printer_columns: Vec<(String, String, String)>,
}

impl ResourceType {
    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `resource.group` (or the bare resource for the core group), as Kubernetes names it in
    /// error messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// `Kind.group` (or the bare kind), as used in validation messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    /// The storage key: group and resource, independent of the version.
    pub fn key(&self) -> ResourceKey {
        ResourceKey {
            group: self.group.clone(),
            resource: self.resource.clone(),
        }
    }

    /// The URL prefix of the group version (`/api/v1` or `/apis/apps/v1`).
    pub fn gv_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// Verbs listed in discovery.
    pub fn verbs(&self) -> Vec<&'static str> {
        vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
    }
}

/// Key of a resource in the store: group and plural resource name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    /// API group.
    pub group: String,
    /// Plural resource name.
    pub resource: String,
}

impl ResourceKey {
    /// Builds a key.
    pub fn new(group: &str, resource: &str) -> Self {
        ResourceKey {
            group: group.to_string(),
            resource: resource.to_string(),
        }
    }
}

/// Flags of a built-in entry: namespaced, status subresource, scale subresource.
const NS: u8 = 1;
const ST: u8 = 2;
const SC: u8 = 4;

/// Built-in kinds: group, version, resource, kind, flags, short names.
const BUILTINS: &[(&str, &str, &str, &str, u8, &str)] = &[
    ("", "v1", "namespaces", "Namespace", ST, "ns"),
    ("", "v1", "pods", "Pod", NS | ST, "po"),
    ("", "v1", "services", "Service", NS | ST, "svc"),
    ("", "v1", "configmaps", "ConfigMap", NS, "cm"),
    ("", "v1", "secrets", "Secret", NS, ""),
    ("", "v1", "serviceaccounts", "ServiceAccount", NS, "sa"),
    (
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        NS | ST,
        "pvc",
    ),
    ("", "v1", "persistentvolumes", "PersistentVolume", ST, "pv"),
    ("", "v1", "events", "Event", NS, "ev"),
    ("", "v1", "endpoints", "Endpoints", NS, "ep"),
    ("", "v1", "nodes", "Node", ST, "no"),
    ("", "v1", "limitranges", "LimitRange", NS, "limits"),
    (
        "",
        "v1",
        "resourcequotas",
        "ResourceQuota",
        NS | ST,
        "quota",
    ),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        NS | ST | SC,
        "rc",
    ),
    ("", "v1", "podtemplates", "PodTemplate", NS, ""),
    (
        "apps",
        "v1",
        "deployments",
        "Deployment",
        NS | ST | SC,
        "deploy",
    ),
    (
        "apps",
        "v1",
        "replicasets",
        "ReplicaSet",
        NS | ST | SC,
        "rs",
    ),
    (
        "apps",
        "v1",
        "statefulsets",
        "StatefulSet",
        NS | ST | SC,
        "sts",
    ),
    ("apps", "v1", "daemonsets", "DaemonSet", NS | ST, "ds"),
    (
        "apps",
        "v1",
        "controllerrevisions",
        "ControllerRevision",
        NS,
        "",
    ),
    ("batch", "v1", "jobs", "Job", NS | ST, ""),
    ("batch", "v1", "cronjobs", "CronJob", NS | ST, "cj"),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        NS | ST,
        "ing",
    ),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        NS,
        "netpol",
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        0,
        "",
    ),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", NS, ""),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        NS,
        "",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        0,
        "",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        0,
        "",
    ),
    (
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        NS | ST,
        "pdb",
    ),
    (
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        NS | ST,
        "hpa",
    ),
    ("coordination.k8s.io", "v1", "leases", "Lease", NS, ""),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        0,
        "",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        0,
        "",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        ST,
        "",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        0,
        "",
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        ST,
        "crd,crds",
    ),
    (
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "StorageClass",
        0,
        "sc",
    ),
    ("storage.k8s.io", "v1", "csidrivers", "CSIDriver", 0, ""),
    ("storage.k8s.io", "v1", "csinodes", "CSINode", 0, ""),
    (
        "storage.k8s.io",
        "v1",
        "volumeattachments",
        "VolumeAttachment",
        ST,
        "",
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        "PriorityClass",
        0,
        "pc",
    ),
    (
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "EndpointSlice",
        NS,
        "",
    ),
    ("events.k8s.io", "v1", "events", "Event", NS, "ev"),
    ("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", 0, ""),
    (
        "certificates.k8s.io",
        "v1",
        "certificatesigningrequests",
        "CertificateSigningRequest",
        ST,
        "csr",
    ),
];

/// Resources listed in the `all` category, as on a real cluster.
const ALL_CATEGORY: &[&str] = &[
    "pods",
    "services",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "replicationcontrollers",
    "horizontalpodautoscalers",
];

/// All resource types the server serves, keyed by group, version and resource.
#[derive(Debug, Clone)]
pub struct Registry {
    types: BTreeMap<(String, String, String), ResourceType>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Registry {
    /// The built-in kinds of a Kubernetes 1.35 cluster that charts use.
    pub fn builtin() -> Self {
        let mut registry = Registry {
            types: BTreeMap::new(),
        };
        for (group, version, resource, kind, flags, short) in BUILTINS {
            let categories = if ALL_CATEGORY.contains(resource) {
                vec!["all".to_string()]
            } else {
                Vec::new()
            };
            registry.insert(ResourceType {
                group: group.to_string(),
                version: version.to_string(),
                resource: resource.to_string(),
                singular: kind.to_lowercase(),
                kind: kind.to_string(),
                namespaced: flags & NS != 0,
                short_names: short
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                categories,
                status_subresource: flags & ST != 0,
                scale_subresource: flags & SC != 0,
                printer_columns: Vec::new(),
            });
        }
        registry
    }

    /// Adds or replaces a resource type.
    pub fn insert(&mut self, rt: ResourceType) {
        self.types.insert(
            (rt.group.clone(), rt.version.clone(), rt.resource.clone()),
            rt,
        );
    }

    /// Removes every version of a group's resource (when its CRD goes away).
    pub fn remove(&mut self, group: &str, resource: &str) {
        self.types
            .retain(|(g, _, r), _| !(g == group && r == resource));
    }

    /// Looks up a resource by group, version and plural name.
    pub fn get(&self, group: &str, version: &str, resource: &str) -> Option<&ResourceType> {
        self.types
            .get(&(group.to_string(), version.to_string(), resource.to_string()))
    }

    /// Looks up a resource by apiVersion and kind.
    pub fn by_kind(&self, api_version: &str, kind: &str) -> Option<&ResourceType> {
        let (group, version) = split_api_version(api_version);
        self.types
            .values()
            .find(|rt| rt.group == group && rt.version == version && rt.kind == kind)
    }

    /// Any served version of a group's resource (the first in version order).
    pub fn by_key(&self, key: &ResourceKey) -> Option<&ResourceType> {
        self.types
            .values()
            .find(|rt| rt.group == key.group && rt.resource == key.resource)
    }

    /// All resource types.
    pub fn all(&self) -> impl Iterator<Item = &ResourceType> {
        self.types.values()
    }

    /// Groups in discovery order: the core group's versions and each named group's versions.
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for rt in self.types.values() {
            match groups.iter_mut().find(|(g, _)| *g == rt.group) {
                Some((_, versions)) => {
                    if !versions.contains(&rt.version) {
                        versions.push(rt.version.clone());
                    }
                }
                None => groups.push((rt.group.clone(), vec![rt.version.clone()])),
            }
        }
        // Keep the well-known groups first, as a real server lists them.
        let order = |g: &str| {
            BUILTINS
                .iter()
                .position(|b| b.0 == g)
                .unwrap_or(BUILTINS.len())
        };
        groups.sort_by_key(|(g, _)| order(g));
        groups
    }

    /// The resource types of one group version.
    pub fn in_group_version(&self, group: &str, version: &str) -> Vec<&ResourceType> {
        self.types
            .values()
            .filter(|rt| rt.group == group && rt.version == version)
            .collect()
    }

    /// Discovery `APIResource` entries for a group version (including subresources).
    pub fn api_resources(&self, group: &str, version: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for rt in self.in_group_version(group, version) {
            let mut entry = json!({
                "name": rt.resource,
                "singularName": rt.singular,
                "namespaced": rt.namespaced,
                "kind": rt.kind,
                "verbs": rt.verbs(),
            });
            if !rt.short_names.is_empty() {
                entry["shortNames"] = json!(rt.short_names);
            }
            if !rt.categories.is_empty() {
                entry["categories"] = json!(rt.categories);
            }
            out.push(entry);
            for (name, group, version, verbs) in subresources(rt) {
                let mut sub_entry = json!({
                    "name": format!("{}/{}", rt.resource, name),
                    "singularName": "",
                    "namespaced": rt.namespaced,
                    "kind": kind_of_sub(rt, name),
                    "verbs": verbs,
                });
                if !group.is_empty() {
                    sub_entry["group"] = json!(group);
                    sub_entry["version"] = json!(version);
                }
                out.push(sub_entry);
            }
        }
        out
    }
}

/// Subresources of a type: name, group and version of the sub kind, verbs.
fn subresources(
    rt: &ResourceType,
) -> Vec<(&'static str, &'static str, &'static str, Vec<&'static str>)> {
    let mut subs = Vec::new();
    if rt.status_subresource {
        subs.push(("status", "", "", vec!["get", "patch", "update"]));
    }
    if rt.scale_subresource {
        subs.push(("scale", "autoscaling", "v1", vec!["get", "patch", "update"]));
    }
    if rt.group.is_empty() && rt.resource == "pods" {
        subs.push(("log", "", "", vec!["get"]));
    }
    subs
}

/// Kind of a subresource entry.
fn kind_of_sub(rt: &ResourceType, sub: &str) -> String {
    match sub {
        "scale" => "Scale".to_string(),
        "log" => "Pod".to_string(),
        _ => rt.kind.clone(),
    }
}

/// Splits `group/version` (or a core `version`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

/// Builds the resource types a CRD object declares (one per served version).
pub fn types_from_crd(crd: &Value) -> Vec<ResourceType> {
    let spec = &crd["spec"];
    let group = spec["group"].as_str().unwrap_or_default();
    let names = &spec["names"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for version in spec["versions"].as_array().into_iter().flatten() {
        if version["served"] == Value::Bool(false) {
            continue;
        }
        let columns = version["additionalPrinterColumns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or_default().to_string(),
                    c["type"].as_str().unwrap_or("string").to_string(),
                    c["jsonPath"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let kind = names["kind"].as_str().unwrap_or_default();
        out.push(ResourceType {
            group: group.to_string(),
            version: version["name"].as_str().unwrap_or_default().to_string(),
            resource: names["plural"].as_str().unwrap_or_default().to_string(),
            singular: names["singular"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| kind.to_lowercase()),
            kind: kind.to_string(),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            short_names: strings(&names["shortNames"]),
            categories: strings(&names["categories"]),
            status_subresource: version["subresources"]["status"].is_object(),
            scale_subresource: version["subresources"]["scale"].is_object(),
            printer_columns: columns,
        });
    }
    out
}
