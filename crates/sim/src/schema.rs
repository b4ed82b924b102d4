//! What the server knows of the built-in schemas: how each list merges (by key, as a set,
//! or atomically), as the `patchMergeKey` / `listMapKeys` tags of the Go types say.

use serde_json::Value;

/// How a list field merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Items are maps identified by this key field.
    Map(&'static str),
    /// Items are scalars forming a set.
    Set,
    /// The list is replaced as a whole.
    Atomic,
}

/// The merge behaviour of a list field, from its name and items. `ports` lists are keyed by
/// `containerPort` in containers and by `port` in Services.
pub fn list_kind(field: &str, items: &[Value]) -> ListKind {
    let key = match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "topologySpreadConstraints" => "topologyKey",
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        "finalizers" => return ListKind::Set,
        _ => return ListKind::Atomic,
    };
    if items.iter().all(Value::is_object) {
        ListKind::Map(key)
    } else {
        ListKind::Atomic
    }
}
