//! Helm's release record (`helm.sh/release.v1`): the JSON schema of Helm's `Release`, `Info`
//! and `Hook` structs, and the storage encoding `base64(gzip(json))`.
//!
//! Fields this crate does not interpret (the whole chart, `info.resources`, anything a newer
//! Helm or nelm adds) are kept verbatim, so a release written by Helm survives a round trip.

use std::io::{Read, Write};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The status of one release revision, spelled as Helm spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseStatus {
    /// The revision is the one running in the cluster.
    Deployed,
    /// The release was uninstalled (kept with `--keep-history`).
    Uninstalled,
    /// An older revision replaced by a newer deployed one.
    Superseded,
    /// The deploy of this revision failed.
    Failed,
    /// An uninstall is under way.
    Uninstalling,
    /// An install is under way.
    PendingInstall,
    /// An upgrade is under way.
    PendingUpgrade,
    /// A rollback is under way.
    PendingRollback,
    /// The state is not known (also any value this crate does not recognise).
    #[default]
    #[serde(other)]
    Unknown,
}

impl ReleaseStatus {
    /// The label / JSON spelling (`deployed`, `pending-install`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Deployed => "deployed",
            Self::Uninstalled => "uninstalled",
            Self::Superseded => "superseded",
            Self::Failed => "failed",
            Self::Uninstalling => "uninstalling",
            Self::PendingInstall => "pending-install",
            Self::PendingUpgrade => "pending-upgrade",
            Self::PendingRollback => "pending-rollback",
        }
    }

    /// True for the `pending-*` statuses a killed run can leave behind.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            Self::PendingInstall
                | Self::PendingUpgrade
                | Self::PendingRollback
                | Self::Uninstalling
        )
    }
}

impl std::fmt::Display for ReleaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Helm's `release.Info`. Timestamps are kept as the RFC 3339 strings Go writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// When the release was first deployed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "time_opt"
    )]
    pub first_deployed: Option<String>,
    /// When this revision was deployed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "time_opt"
    )]
    pub last_deployed: Option<String>,
    /// When the release was deleted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "time_opt"
    )]
    pub deleted: Option<String>,
    /// Human-readable log entry of this revision (the failure reason for failed ones).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Status of the revision.
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: ReleaseStatus,
    /// Rendered NOTES.txt.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Every other field (`resources`, nelm's `annotations`, ...), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Go writes zero times as absent and Helm 4 accepts `""` for them: both become `None`.
fn time_opt<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(de)?;
    Ok(value.filter(|s| !s.is_empty() && !s.starts_with("0001-01-01")))
}

/// Helm's `release.HookExecution`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HookExecution {
    /// When the hook started.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "time_opt"
    )]
    pub started_at: Option<String>,
    /// When the hook completed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "time_opt"
    )]
    pub completed_at: Option<String>,
    /// `Unknown`, `Running`, `Succeeded` or `Failed`; empty when the hook never ran.
    #[serde(default)]
    pub phase: String,
}

/// Helm's `release.Hook`: one hook resource of the release.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    /// Resource name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Resource kind.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Chart-relative template path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// The manifest YAML.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// Hook events (`pre-install`, `post-upgrade`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The last execution.
    #[serde(default)]
    pub last_run: HookExecution,
    /// `helm.sh/hook-weight`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete_policies: Vec<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Helm's `release.Release`: one revision of a release.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// Release name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Status, times, description, notes.
    #[serde(default)]
    pub info: Info,
    /// The chart as Helm serialises `chart.Chart` (metadata, templates, values, files, ...).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub chart: Value,
    /// The user-supplied values (not the chart defaults).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub config: Map<String, Value>,
    /// Rendered regular resources, `---\n# Source: PATH\nYAML\n` per document.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// Hook resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hooks: Vec<Hook>,
    /// Revision number, from 1.
    #[serde(default, skip_serializing_if = "is_default")]
    pub version: u32,
    /// Namespace of the release.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Every other field (Helm 4's `apply_method`, ...), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Release {
    /// The name of the storage object: `sh.helm.release.v1.NAME.vN`.
    pub fn storage_name(&self) -> String {
        storage_name(&self.name, self.version)
    }

    /// The chart name and version as `helm list` shows them (`name-1.2.3`).
    pub fn chart_label(&self) -> String {
        let meta = &self.chart["metadata"];
        let name = meta["name"].as_str().unwrap_or("");
        let version = meta["version"].as_str().unwrap_or("");
        format!("{name}-{version}")
    }

    /// The chart's `appVersion`.
    pub fn app_version(&self) -> &str {
        self.chart["metadata"]["appVersion"].as_str().unwrap_or("")
    }
}

/// The name of the storage object of a revision: `sh.helm.release.v1.NAME.vN`.
pub fn storage_name(release: &str, version: u32) -> String {
    format!("sh.helm.release.v1.{release}.v{version}")
}

/// The `chart` of a release record as Helm serialises `chart.Chart`: `metadata` (Chart.yaml
/// as JSON), `templates` and `files` as `{name, data: base64}`, default `values`, `schema`
/// (base64) and `lock`.
pub fn chart_record(
    metadata: Value,
    templates: &[(&str, &[u8])],
    files: &[(&str, &[u8])],
    values: Value,
    schema: Option<&[u8]>,
) -> Value {
    let b64 = |data: &[u8]| base64::engine::general_purpose::STANDARD.encode(data);
    let list = |items: &[(&str, &[u8])]| -> Value {
        items
            .iter()
            .map(|(name, data)| serde_json::json!({"name": name, "data": b64(data)}))
            .collect()
    };
    serde_json::json!({
        "metadata": metadata,
        "lock": null,
        "templates": list(templates),
        "values": values,
        "schema": schema.map(b64),
        "files": list(files),
    })
}

/// Encodes a release as Helm's storage drivers do: `base64(gzip(json))`, best compression.
pub fn encode(release: &Release) -> Result<String, Error> {
    let json = serde_json::to_vec(release).map_err(|e| Error::Release(e.to_string()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&json)
        .and_then(|_| gz.finish())
        .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes))
        .map_err(|e| Error::Release(format!("compressing release: {e}")))
}

/// Decodes `base64(gzip(json))`, or `base64(json)` for releases stored before compression.
pub fn decode(data: &str) -> Result<Release, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| Error::Release(format!("release data is not base64: {e}")))?;
    let json = if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::Release(format!("release data is not valid gzip: {e}")))?;
        out
    } else {
        bytes
    };
    serde_json::from_slice(&json).map_err(|e| Error::Release(format!("release JSON: {e}")))
}

/// Now, as Go writes `time.Time` in JSON (RFC 3339 with nanoseconds, UTC).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A release as Helm 3.19 writes it, built by hand from the Go struct definitions
    /// (`pkg/release/{release,info,hook}.go`, `pkg/chart/{chart,metadata,file}.go`).
    fn helm_written_json() -> Value {
        serde_json::json!({
            "name": "web",
            "info": {
                "first_deployed": "2026-01-02T10:00:00.123456789+03:00",
                "last_deployed": "2026-01-02T10:05:00.5+03:00",
                "deleted": "",
                "description": "Upgrade complete",
                "status": "deployed",
                "notes": "hello"
            },
            "chart": {
                "metadata": {"name": "web", "version": "0.1.0", "apiVersion": "v2", "appVersion": "1.16.0", "type": "application"},
                "lock": null,
                "templates": [{"name": "templates/cm.yaml", "data": "a2luZDogQ29uZmlnTWFw"}],
                "values": {"replicas": 1},
                "schema": null,
                "files": []
            },
            "config": {"replicas": 2},
            "manifest": "---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n",
            "hooks": [{
                "name": "migrate",
                "kind": "Job",
                "path": "web/templates/job.yaml",
                "manifest": "kind: Job",
                "events": ["pre-install", "pre-upgrade"],
                "last_run": {"started_at": "2026-01-02T10:00:01Z", "completed_at": "2026-01-02T10:00:09Z", "phase": "Succeeded"},
                "weight": -5,
                "delete_policies": ["before-hook-creation"]
            }],
            "version": 2,
            "namespace": "prod"
        })
    }

    #[test]
    fn decodes_helm_written_release_and_keeps_unknown_fields() {
        let json = helm_written_json();
        let release: Release = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(release.name, "web");
        assert_eq!(release.version, 2);
        assert_eq!(release.info.status, ReleaseStatus::Deployed);
        assert_eq!(release.info.deleted, None);
        assert_eq!(release.hooks[0].weight, -5);
        assert_eq!(release.hooks[0].last_run.phase, "Succeeded");
        assert_eq!(release.chart_label(), "web-0.1.0");
        assert_eq!(release.app_version(), "1.16.0");
        // Round trip: everything but the empty `deleted` comes back identical.
        let mut expected = json;
        expected["info"].as_object_mut().unwrap().remove("deleted");
        assert_eq!(serde_json::to_value(&release).unwrap(), expected);
    }

    #[test]
    fn encode_decode_round_trip_uses_gzip() {
        let release: Release = serde_json::from_value(helm_written_json()).unwrap();
        let data = encode(&release).unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&data)
            .unwrap();
        assert_eq!(&raw[..3], &[0x1f, 0x8b, 0x08]);
        assert_eq!(decode(&data).unwrap(), release);
    }

    #[test]
    fn decodes_uncompressed_legacy_data() {
        let json = serde_json::to_vec(&helm_written_json()).unwrap();
        let data = base64::engine::general_purpose::STANDARD.encode(json);
        assert_eq!(decode(&data).unwrap().name, "web");
    }

    #[test]
    fn chart_record_encodes_files() {
        let chart = chart_record(
            serde_json::json!({"name": "x"}),
            &[("templates/a.yaml", b"kind: A")],
            &[],
            serde_json::json!({}),
            None,
        );
        assert_eq!(chart["templates"][0]["data"], "a2luZDogQQ==");
        assert_eq!(chart["files"], serde_json::json!([]));
        assert!(chart["schema"].is_null());
    }

    #[test]
    fn unknown_status_and_bad_data() {
        let release: Release =
            serde_json::from_value(serde_json::json!({"info": {"status": "exotic"}})).unwrap();
        assert_eq!(release.info.status, ReleaseStatus::Unknown);
        assert!(decode("not base64!").is_err());
        assert_eq!(storage_name("a", 3), "sh.helm.release.v1.a.v3");
    }

    #[test]
    fn status_spelling_matches_helm() {
        for (status, text) in [
            (ReleaseStatus::PendingInstall, "\"pending-install\""),
            (ReleaseStatus::Superseded, "\"superseded\""),
        ] {
            assert_eq!(serde_json::to_string(&status).unwrap(), text);
            assert_eq!(format!("\"{status}\""), text);
        }
    }
}
