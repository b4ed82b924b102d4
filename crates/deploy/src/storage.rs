//! Release records in the cluster, stored exactly as Helm's `secrets` and `configmaps`
//! drivers store them, so `helm list/status/history/rollback` and slipway share releases.

use serde_json::{Value, json};

use crate::Error;
use crate::cluster::{Cluster, ObjectKey};
use crate::release::{self, Release, ReleaseStatus};

/// Where release records live (`--release-storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StorageDriver {
    /// Secrets of type `helm.sh/release.v1` (Helm's default).
    #[default]
    Secret,
    /// ConfigMaps.
    ConfigMap,
}

impl std::str::FromStr for StorageDriver {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "secret" | "secrets" => Ok(Self::Secret),
            "configmap" | "configmaps" => Ok(Self::ConfigMap),
            other => Err(Error::Invalid(format!(
                "unknown release storage {other:?}: expected secret or configmap"
            ))),
        }
    }
}

impl StorageDriver {
    fn kind(self) -> &'static str {
        match self {
            Self::Secret => "Secret",
            Self::ConfigMap => "ConfigMap",
        }
    }
}

/// The release records of one namespace.
#[derive(Debug, Clone)]
pub struct ReleaseStorage {
    cluster: Cluster,
    driver: StorageDriver,
    namespace: String,
}

fn unix_now() -> String {
    jiff::Timestamp::now().as_second().to_string()
}

impl ReleaseStorage {
    /// Release records of `namespace` kept with `driver`.
    pub fn new(cluster: Cluster, driver: StorageDriver, namespace: impl Into<String>) -> Self {
        Self {
            cluster,
            driver,
            namespace: namespace.into(),
        }
    }

    /// The namespace the records live in.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn key(&self, name: &str, version: u32) -> ObjectKey {
        ObjectKey {
            api_version: "v1".into(),
            kind: self.driver.kind().into(),
            namespace: Some(self.namespace.clone()),
            name: release::storage_name(name, version),
        }
    }

    /// The storage object of a revision, as Helm's driver builds it.
    fn object(&self, rel: &Release, time_label: &str) -> Result<Value, Error> {
        let encoded = release::encode(rel)?;
        let mut obj = json!({
            "apiVersion": "v1",
            "kind": self.driver.kind(),
            "metadata": {
                "name": rel.storage_name(),
                "namespace": self.namespace,
                "labels": {
                    "name": rel.name,
                    "owner": "helm",
                    "status": rel.info.status.as_str(),
                    "version": rel.version.to_string(),
                    time_label: unix_now(),
                },
            },
        });
        match self.driver {
            StorageDriver::Secret => {
                use base64::Engine as _;
                obj["type"] = json!("helm.sh/release.v1");
                obj["data"] = json!({
                    "release": base64::engine::general_purpose::STANDARD.encode(encoded)
                });
            }
            StorageDriver::ConfigMap => obj["data"] = json!({ "release": encoded }),
        }
        Ok(obj)
    }

    fn decode_object(&self, obj: &Value) -> Result<Release, Error> {
        let data = obj["data"]["release"].as_str().unwrap_or_default();
        let encoded = match self.driver {
            StorageDriver::Secret => {
                use base64::Engine as _;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|e| Error::Release(format!("secret data is not base64: {e}")))?;
                String::from_utf8(bytes).map_err(|e| Error::Release(e.to_string()))?
            }
            StorageDriver::ConfigMap => data.to_string(),
        };
        release::decode(&encoded)
    }

    async fn query(&self, selector: &str) -> Result<Vec<Release>, Error> {
        let namespace = Some(self.namespace.as_str()).filter(|ns| !ns.is_empty());
        let objects = self
            .cluster
            .list("v1", self.driver.kind(), namespace, Some(selector))
            .await?;
        let mut releases = objects
            .iter()
            .map(|o| self.decode_object(o))
            .collect::<Result<Vec<_>, _>>()?;
        releases.sort_by_key(|r| r.version);
        Ok(releases)
    }

    /// All revisions of a release, oldest first (empty when it was never installed).
    pub async fn history(&self, name: &str) -> Result<Vec<Release>, Error> {
        self.query(&format!("name={name},owner=helm")).await
    }

    /// The latest revision of every release in the namespace (every namespace when the
    /// storage namespace is empty), sorted by namespace and name.
    pub async fn list_latest(&self) -> Result<Vec<Release>, Error> {
        let mut latest = std::collections::BTreeMap::<(String, String), Release>::new();
        for rel in self.query("owner=helm").await? {
            latest.insert((rel.namespace.clone(), rel.name.clone()), rel);
        }
        Ok(latest.into_values().collect())
    }

    /// One revision.
    pub async fn get(&self, name: &str, version: u32) -> Result<Release, Error> {
        let key = self.key(name, version);
        let obj = self
            .cluster
            .get(&key)
            .await?
            .ok_or_else(|| Error::ReleaseNotFound(format!("{name} revision {version}")))?;
        self.decode_object(&obj)
    }

    /// Stores a new revision; fails if the revision exists already.
    pub async fn create(&self, rel: &Release) -> Result<(), Error> {
        let obj = self.object(rel, "createdAt")?;
        self.cluster
            .create(&self.key(&rel.name, rel.version), &obj)
            .await
            .map(drop)
    }

    /// Overwrites an existing revision (status changes).
    pub async fn update(&self, rel: &Release) -> Result<(), Error> {
        let obj = self.object(rel, "modifiedAt")?;
        let patch = json!({"metadata": {"labels": obj["metadata"]["labels"]}, "data": obj["data"]});
        self.cluster
            .merge_patch(&self.key(&rel.name, rel.version), &patch)
            .await
            .map(drop)
    }

    /// Deletes one revision record.
    pub async fn delete(&self, name: &str, version: u32) -> Result<(), Error> {
        self.cluster
            .delete(
                &self.key(name, version),
                crate::cluster::Propagation::Background,
            )
            .await
            .map(drop)
    }

    /// Keeps at most `limit` revisions (0 = unlimited), deleting the oldest ones but never
    /// the last deployed one, as Helm does.
    pub async fn prune(&self, name: &str, limit: usize) -> Result<(), Error> {
        if limit == 0 {
            return Ok(());
        }
        let history = self.history(name).await?;
        let last_deployed = history
            .iter()
            .rev()
            .find(|r| r.info.status == ReleaseStatus::Deployed)
            .map(|r| r.version);
        let mut excess = history.len().saturating_sub(limit);
        for rel in &history {
            if excess == 0 {
                break;
            }
            if Some(rel.version) != last_deployed {
                self.delete(name, rel.version).await?;
                excess -= 1;
            }
        }
        Ok(())
    }
}
