//! The Kubernetes client layer: kubeconfig loading, discovery of any kind (CRDs included),
//! server-side apply, get, list, delete and pod logs, all on plain JSON objects.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures::{AsyncBufReadExt, Stream, StreamExt};
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch,
    PatchParams, PostParams, PropagationPolicy,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{ApiCapabilities, Scope};
use serde_json::Value;

use crate::Error;

/// The field manager slipway applies with.
pub const FIELD_MANAGER: &str = "slipway";

/// How to reach the cluster.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Kubeconfig file (`--kube-config`); `$KUBECONFIG` or `~/.kube/config` when absent.
    pub kubeconfig: Option<PathBuf>,
    /// Context to use (`--kube-context`); the current context when absent.
    pub context: Option<String>,
}

/// Identifies one object: `apiVersion`, `kind`, namespace (none for cluster-scoped kinds)
/// and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// `apiVersion`, e.g. `apps/v1`.
    pub api_version: String,
    /// `kind`, e.g. `Deployment`.
    pub kind: String,
    /// Namespace; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectKey {
    /// The key of a JSON object, defaulting its namespace to `default_ns` (resolved later
    /// against the kind's scope).
    pub fn of(obj: &Value, default_ns: &str) -> Self {
        let meta = &obj["metadata"];
        Self {
            api_version: obj["apiVersion"].as_str().unwrap_or_default().to_string(),
            kind: obj["kind"].as_str().unwrap_or_default().to_string(),
            namespace: Some(
                meta["namespace"]
                    .as_str()
                    .filter(|ns| !ns.is_empty())
                    .unwrap_or(default_ns)
                    .to_string(),
            ),
            name: meta["name"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// The API group (empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }

    /// `Kind/name`, as shown to users.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)?;
        if let Some(ns) = &self.namespace {
            write!(f, " (namespace {ns})")?;
        }
        Ok(())
    }
}

/// A resolved kind: where its objects live in the API.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Group, version, kind and plural.
    pub resource: ApiResource,
    /// Whether objects of the kind live in a namespace.
    pub namespaced: bool,
}

type DiscoveryCache = HashMap<String, Arc<Vec<(ApiResource, ApiCapabilities)>>>;

/// A connection to one cluster, with a discovery cache per group/version. Cheap to clone;
/// clones share the cache.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    discovery: Arc<Mutex<DiscoveryCache>>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").finish_non_exhaustive()
    }
}

fn not_found(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == 404)
}

fn to_json(obj: DynamicObject) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

impl Cluster {
    /// Connects using a kubeconfig (`options.kubeconfig`, else `$KUBECONFIG`, else
    /// `~/.kube/config`) and context.
    pub async fn connect(options: &ClusterOptions) -> Result<Self, Error> {
        let kubeconfig = match &options.kubeconfig {
            Some(path) => Kubeconfig::read_from(path),
            None => Kubeconfig::read(),
        }
        .map_err(|e| Error::Kubeconfig(e.to_string()))?;
        let config = kube::Config::from_custom_kubeconfig(
            kubeconfig,
            &KubeConfigOptions {
                context: options.context.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| Error::Kubeconfig(e.to_string()))?;
        let client = kube::Client::try_from(config).map_err(|e| Error::kube("client", e))?;
        Ok(Self::from_client(client))
    }

    /// Wraps an existing client.
    pub fn from_client(client: kube::Client) -> Self {
        Self {
            client,
            discovery: Arc::default(),
        }
    }

    /// The underlying client.
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// Resolves `apiVersion` + `kind` to its resource, asking the cluster once per
    /// group/version (and again when a kind is missing, e.g. a CRD created meanwhile).
    pub async fn kind(&self, api_version: &str, kind: &str) -> Result<Kind, Error> {
        for refresh in [false, true] {
            let resources = self.group_version(api_version, refresh).await?;
            if let Some((resource, caps)) = resources.iter().find(|(r, _)| r.kind == kind) {
                return Ok(Kind {
                    resource: resource.clone(),
                    namespaced: caps.scope == Scope::Namespaced,
                });
            }
        }
        Err(Error::UnknownKind(format!("{api_version}/{kind}")))
    }

    /// Resolves a resource type as kubectl names it (`secret`, `secrets`,
    /// `deployments.v1.apps`: plural or singular, optionally `.VERSION.GROUP`) to its
    /// `apiVersion` and kind. Without a version and group the core group is tried first,
    /// then every group the cluster serves.
    pub async fn resolve_type(&self, spec: &str) -> Result<(String, String), Error> {
        let spec = spec.to_ascii_lowercase();
        if let Some((name, rest)) = spec.split_once('.') {
            let (version, group) = rest.split_once('.').unwrap_or((rest, ""));
            let api_version = if group.is_empty() {
                version.to_owned()
            } else {
                format!("{group}/{version}")
            };
            if let Some(kind) = self.kind_named(&api_version, name).await? {
                return Ok((api_version, kind));
            }
            return Err(Error::UnknownKind(spec));
        }
        if let Some(kind) = self.kind_named("v1", &spec).await? {
            return Ok(("v1".to_owned(), kind));
        }
        let groups = kube::discovery::Discovery::new(self.client.clone())
            .run()
            .await
            .map_err(|e| Error::kube("discovering API groups", e))?;
        for group in groups.groups().filter(|g| !g.name().is_empty()) {
            let api_version = format!("{}/{}", group.name(), group.preferred_version_or_latest());
            if let Some(kind) = self.kind_named(&api_version, &spec).await? {
                return Ok((api_version, kind));
            }
        }
        Err(Error::UnknownKind(spec))
    }

    /// The kind of `api_version` whose plural or lower-case kind is `name`.
    async fn kind_named(&self, api_version: &str, name: &str) -> Result<Option<String>, Error> {
        let resources = self.group_version(api_version, false).await?;
        Ok(resources
            .iter()
            .find(|(r, _)| r.plural == name || r.kind.to_ascii_lowercase() == name)
            .map(|(r, _)| r.kind.clone()))
    }

    async fn group_version(
        &self,
        api_version: &str,
        refresh: bool,
    ) -> Result<Arc<Vec<(ApiResource, ApiCapabilities)>>, Error> {
        if !refresh && let Some(hit) = self.discovery.lock().expect("poisoned").get(api_version) {
            return Ok(hit.clone());
        }
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let gvk = GroupVersionKind::gvk(group, version, "");
        let gv = kube::core::GroupVersion::gv(&gvk.group, &gvk.version);
        let resources = match kube::discovery::pinned_group(&self.client, &gv).await {
            Ok(api_group) => api_group.versioned_resources(version),
            Err(e) if not_found(&e) => Vec::new(),
            Err(e) => return Err(Error::kube(format!("discovering {api_version}"), e)),
        };
        let resources = Arc::new(resources);
        self.discovery
            .lock()
            .expect("poisoned")
            .insert(api_version.to_string(), resources.clone());
        Ok(resources)
    }

    /// The dynamic API for a key, with its namespace fixed up for the kind's scope.
    pub async fn api(&self, key: &ObjectKey) -> Result<(Api<DynamicObject>, Kind), Error> {
        let kind = self.kind(&key.api_version, &key.kind).await?;
        Ok((self.api_for(key, &kind), kind))
    }

    /// [`Cluster::api`] for objects about to be written: a kind that is not served yet (a CRD
    /// of the same release just applied) is looked up again for a few seconds.
    async fn api_waiting(&self, key: &ObjectKey) -> Result<(Api<DynamicObject>, Kind), Error> {
        let mut attempts = 0;
        loop {
            match self.kind(&key.api_version, &key.kind).await {
                Ok(kind) => return Ok((self.api_for(key, &kind), kind)),
                Err(Error::UnknownKind(_)) if attempts < 20 => {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn api_for(&self, key: &ObjectKey, kind: &Kind) -> Api<DynamicObject> {
        match (&key.namespace, kind.namespaced) {
            (Some(ns), true) => Api::namespaced_with(self.client.clone(), ns, &kind.resource),
            _ => Api::all_with(self.client.clone(), &kind.resource),
        }
    }

    /// Drops the namespace of a key when its kind is cluster-scoped.
    pub async fn normalize(&self, mut key: ObjectKey) -> Result<ObjectKey, Error> {
        if !self.kind(&key.api_version, &key.kind).await?.namespaced {
            key.namespace = None;
        }
        Ok(key)
    }

    /// Reads an object; `None` when it does not exist.
    pub async fn get(&self, key: &ObjectKey) -> Result<Option<Value>, Error> {
        let (api, _) = self.api(key).await?;
        api.get_opt(&key.name)
            .await
            .map(|o| o.map(to_json))
            .map_err(|e| Error::kube(format!("getting {key}"), e))
    }

    /// Server-side applies `obj` (field manager `slipway`, forced), or only dry-runs it.
    pub async fn apply(&self, key: &ObjectKey, obj: &Value, dry_run: bool) -> Result<Value, Error> {
        self.apply_checked(key, obj, dry_run, false).await
    }

    /// [`Cluster::apply`], asking the server to reject unknown or duplicate fields when
    /// `strict` (`fieldValidation=Strict`).
    pub async fn apply_checked(
        &self,
        key: &ObjectKey,
        obj: &Value,
        dry_run: bool,
        strict: bool,
    ) -> Result<Value, Error> {
        let (api, kind) = self.api_waiting(key).await?;
        let mut obj = obj.clone();
        if !kind.namespaced
            && let Some(meta) = obj["metadata"].as_object_mut()
        {
            meta.remove("namespace");
        }
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        params.dry_run = dry_run;
        if strict {
            params.field_validation = Some(kube::api::ValidationDirective::Strict);
        }
        api.patch(&key.name, &params, &Patch::Apply(&obj))
            .await
            .map(to_json)
            .map_err(|e| Error::kube(format!("applying {key}"), e))
    }

    /// Creates an object (fails with a conflict if it exists).
    pub async fn create(&self, key: &ObjectKey, obj: &Value) -> Result<Value, Error> {
        let (api, _) = self.api(key).await?;
        let obj: DynamicObject =
            serde_json::from_value(obj.clone()).map_err(|e| Error::Invalid(e.to_string()))?;
        api.create(&PostParams::default(), &obj)
            .await
            .map(to_json)
            .map_err(|e| Error::kube(format!("creating {key}"), e))
    }

    /// Replaces an object (optimistic concurrency through `metadata.resourceVersion`).
    pub async fn replace(&self, key: &ObjectKey, obj: &Value) -> Result<Value, Error> {
        let (api, _) = self.api(key).await?;
        let obj: DynamicObject =
            serde_json::from_value(obj.clone()).map_err(|e| Error::Invalid(e.to_string()))?;
        api.replace(&key.name, &PostParams::default(), &obj)
            .await
            .map(to_json)
            .map_err(|e| Error::kube(format!("updating {key}"), e))
    }

    /// Merge-patches an object.
    pub async fn merge_patch(&self, key: &ObjectKey, patch: &Value) -> Result<Value, Error> {
        let (api, _) = self.api(key).await?;
        api.patch(&key.name, &PatchParams::default(), &Patch::Merge(patch))
            .await
            .map(to_json)
            .map_err(|e| Error::kube(format!("patching {key}"), e))
    }

    /// Deletes an object; `false` when it was already gone.
    pub async fn delete(&self, key: &ObjectKey, propagation: Propagation) -> Result<bool, Error> {
        let (api, _) = self.api(key).await?;
        let params = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Foreground => PropagationPolicy::Foreground,
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Orphan => PropagationPolicy::Orphan,
            }),
            ..Default::default()
        };
        match api.delete(&key.name, &params).await {
            Ok(_) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(Error::kube(format!("deleting {key}"), e)),
        }
    }

    /// Lists objects of a kind in a namespace (all namespaces when `None`), optionally
    /// filtered by a label selector.
    pub async fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        labels: Option<&str>,
    ) -> Result<Vec<Value>, Error> {
        let mut params = ListParams::default();
        if let Some(labels) = labels {
            params = params.labels(labels);
        }
        self.list_with(api_version, kind, namespace, &params).await
    }

    /// Lists objects of a kind with arbitrary list parameters (field selectors, ...).
    pub async fn list_with(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        params: &ListParams,
    ) -> Result<Vec<Value>, Error> {
        let key = ObjectKey {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: String::new(),
        };
        let (api, _) = self.api(&key).await?;
        match api.list(params).await {
            Ok(list) => Ok(list.items.into_iter().map(to_json).collect()),
            Err(e) if not_found(&e) => Ok(Vec::new()),
            Err(e) => Err(Error::kube(format!("listing {kind} in {namespace:?}"), e)),
        }
    }

    /// Follows the log of one container of a pod, line by line.
    pub async fn follow_log(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Result<impl Stream<Item = String> + use<>, Error> {
        let path = format!(
            "/api/v1/namespaces/{namespace}/pods/{pod}/log?container={container}&follow=true"
        );
        let request = http::Request::get(path)
            .body(Vec::new())
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let reader = self
            .client
            .request_stream(request)
            .await
            .map_err(|e| Error::kube(format!("logs of pod {pod}/{container}"), e))?;
        Ok(reader.lines().filter_map(|line| async { line.ok() }))
    }
}

/// Delete propagation policy (`werf.io/delete-propagation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Dependents are deleted before the owner disappears (nelm's default).
    #[default]
    Foreground,
    /// The owner disappears at once; dependents are collected later.
    Background,
    /// Dependents are kept.
    Orphan,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys() {
        let obj = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
        let key = ObjectKey::of(&obj, "prod");
        assert_eq!(key.group(), "apps");
        assert_eq!(key.namespace.as_deref(), Some("prod"));
        assert_eq!(key.display(), "Deployment/web");
        let core = ObjectKey::of(
            &serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "x"}}),
            "prod",
        );
        assert_eq!(core.group(), "");
        assert_eq!(core.namespace.as_deref(), Some("x"));
    }
}
