//! The cluster behind the `lookup` template function. Rendering without a cluster (as
//! `helm template` does) has no lookup: every call returns an empty map.

use slipway_value::Value;

/// Answers `lookup` calls from templates (Helm's `ClientProvider` plus its lookup logic).
///
/// `name` empty means "list": the answer is the list object (`{"apiVersion": ..., "kind":
/// "...List", "items": [...]}`); `namespace` empty means all namespaces (or a cluster-scoped
/// kind). An object or kind that does not exist is an empty map, not an error; `Err` holds the
/// message of a failure talking to the cluster, which aborts rendering.
pub trait ClusterLookup: Send + Sync {
    /// Looks up `kind` objects of `api_version` in `namespace` named `name`.
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Value, String>;
}
