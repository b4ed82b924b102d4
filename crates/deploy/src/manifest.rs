//! Rendered manifests → resources: YAML documents split as Helm splits them, hooks told
//! apart from regular resources, Helm's kind order, and the per-resource annotations that
//! steer deploying and tracking (`werf.io/*`, `helm.sh/hook*`, `helm.sh/resource-policy`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::Error;
use crate::cluster::{ObjectKey, Propagation};
use crate::dependency::{self, Dependency, ExternalDependency};
use crate::duration::parse_go_duration;
use crate::sensitive;

/// One rendered template file (it may hold several YAML documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// Chart-relative template path, e.g. `mychart/templates/deployment.yaml`.
    pub source: String,
    /// The rendered YAML text.
    pub content: String,
}

pub use slipway_engine::manifest::INSTALL_ORDER;
use slipway_engine::manifest::kind_order;

/// The position of a kind in Helm's install order (unknown kinds after all known ones).
pub fn kind_rank(kind: &str) -> usize {
    INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(INSTALL_ORDER.len())
}

/// `werf.io/track-termination-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TerminationMode {
    /// Wait until the resource is ready (default).
    #[default]
    WaitUntilResourceReady,
    /// Track only while other resources are not ready; never block the deploy.
    NonBlocking,
}

/// `werf.io/fail-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailMode {
    /// An error fails the whole deploy at once (default).
    #[default]
    FailWholeDeployProcessImmediately,
    /// Errors fail the deploy only once everything else is ready or hoping.
    HopeUntilEndOfDeployProcess,
    /// Errors of this resource never fail the deploy.
    IgnoreAndContinueDeployProcess,
}

/// How a resource is tracked, from its `werf.io/*` annotations.
#[derive(Debug, Clone, Default)]
pub struct TrackConfig {
    /// `werf.io/track-termination-mode`.
    pub termination: TerminationMode,
    /// `werf.io/fail-mode`.
    pub fail_mode: FailMode,
    /// `werf.io/failures-allowed-per-replica`; `None` = the kind's default.
    pub failures_allowed_per_replica: Option<u32>,
    /// `werf.io/no-activity-timeout` (generic kinds).
    pub no_activity_timeout: Option<Duration>,
    /// `werf.io/log-regex`.
    pub log_regex: Option<regex::Regex>,
    /// `werf.io/log-regex-for-CONTAINER`.
    pub log_regex_for: BTreeMap<String, regex::Regex>,
    /// `werf.io/skip-logs`.
    pub skip_logs: bool,
    /// `werf.io/skip-logs-for-containers`.
    pub skip_logs_for: Vec<String>,
    /// `werf.io/show-logs-only-for-containers`.
    pub show_logs_only_for: Vec<String>,
    /// `werf.io/show-service-messages`.
    pub show_service_messages: bool,
}

impl TrackConfig {
    /// Whether log lines of `container` are shown at all.
    pub fn shows_logs_of(&self, container: &str) -> bool {
        !self.skip_logs
            && !self.skip_logs_for.iter().any(|c| c == container)
            && (self.show_logs_only_for.is_empty()
                || self.show_logs_only_for.iter().any(|c| c == container))
    }

    /// Whether one log line of `container` passes the regex filters.
    pub fn log_line_matches(&self, container: &str, line: &str) -> bool {
        self.log_regex.as_ref().is_none_or(|re| re.is_match(line))
            && self
                .log_regex_for
                .get(container)
                .is_none_or(|re| re.is_match(line))
    }
}

/// A hook's Helm metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookSpec {
    /// `helm.sh/hook` events.
    pub events: Vec<String>,
    /// `helm.sh/hook-weight`.
    pub weight: i64,
    /// `helm.sh/hook-delete-policy`; Helm's default `before-hook-creation` when absent.
    pub delete_policies: Vec<String>,
}

impl HookSpec {
    /// Whether the hook runs on `event` (`pre-install`, `post-upgrade`, ...).
    pub fn runs_on(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event)
    }

    /// Whether the hook has a delete policy.
    pub fn has_policy(&self, policy: &str) -> bool {
        self.delete_policies.iter().any(|p| p == policy)
    }
}

/// One object of the release, parsed from its manifest document.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Template path it came from.
    pub source: String,
    /// The document text, as stored in the release manifest.
    pub text: String,
    /// The object as JSON.
    pub object: Value,
    /// Its key (namespace defaulted to the release namespace).
    pub key: ObjectKey,
    /// Set for hooks.
    pub hook: Option<HookSpec>,
    /// `werf.io/weight` (default 0).
    pub weight: i64,
    /// `helm.sh/resource-policy: keep`, `werf.io/resource-policy` containing
    /// `keep`/`skip-delete`, `werf.io/ownership: anyone`, or a CustomResourceDefinition.
    pub keep: bool,
    /// Owned by the release (`werf.io/ownership: release`, the default for all but hooks):
    /// gets Helm's release annotations and label.
    pub owned_by_release: bool,
    /// `werf.io/replicas-on-creation`: `spec.replicas` when the object is created.
    pub replicas_on_creation: Option<u64>,
    /// `werf.io/deploy-dependency-*`: resources of the release to deploy after.
    pub dependencies: Vec<Dependency>,
    /// `<id>.external-dependency.werf.io/*`: resources outside the release to wait for.
    pub external_dependencies: Vec<ExternalDependency>,
    /// What plans must not show: `werf.io/sensitive-paths`, else with `werf.io/sensitive`
    /// the `data` and `stringData` values, which a v1 Secret's always are.
    pub hidden_paths: Vec<sensitive::Path>,
    /// `werf.io/delete-propagation`.
    pub propagation: Propagation,
    /// Tracking settings.
    pub track: TrackConfig,
    /// Problems found while parsing (dropped non-string annotations, ...).
    pub warnings: Vec<String>,
}

impl Resource {
    /// The object's annotation `name`.
    pub fn annotation(&self, name: &str) -> Option<&str> {
        annotation(&self.object, name)
    }
}

/// An annotation of a JSON object.
pub fn annotation<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object["metadata"]["annotations"][name].as_str()
}

/// Splits YAML text into documents as Helm's `SplitManifests` does (on `---` lines),
/// dropping empty ones. A leading `# Source: PATH` comment, as `helm template` prints,
/// overrides `source`.
pub fn split_documents(source: &str, text: &str) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        let doc = current.trim();
        let mut doc_source = source.to_string();
        let mut body = doc;
        if let Some(rest) = doc.strip_prefix("# Source: ") {
            let (path, tail) = rest.split_once('\n').unwrap_or((rest, ""));
            doc_source = path.trim().to_string();
            body = tail.trim();
        }
        if !body.is_empty() {
            docs.push((doc_source, body.to_string()));
        }
        current.clear();
    };
    for line in text.lines() {
        if line.starts_with("---") && line[3..].trim().is_empty() {
            flush(&mut current);
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    flush(&mut current);
    docs
}

/// Parses a document as Kubernetes clients do (sigs.k8s.io/yaml: YAML 1.1 scalars, integers
/// kept as integers).
fn yaml_to_json(text: &str) -> Result<Value, String> {
    slipway_yaml::from_yaml_raw(text)
        .map(|v| v.to_json())
        .map_err(|e| e.to_string())
}

/// Drops annotation and label values that are not strings (the API would reject the object),
/// returning a warning for each.
fn drop_non_string_metadata(object: &mut Value, display: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    for field in ["annotations", "labels"] {
        if let Some(map) = object["metadata"][field].as_object_mut() {
            map.retain(|key, value| {
                let keep = value.is_string();
                if !keep {
                    warnings.push(format!(
                        "{display}: {field} {key:?} dropped: its value {value} is not a string"
                    ));
                }
                keep
            });
        }
    }
    warnings
}

fn bad(resource: &str, annotation: &str, value: &str, message: impl Into<String>) -> Error {
    Error::Annotation {
        resource: resource.into(),
        annotation: annotation.into(),
        value: value.into(),
        message: message.into(),
    }
}

fn parse_bool(resource: &str, key: &str, value: &str) -> Result<bool, Error> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(bad(resource, key, value, "expected true or false")),
    }
}

fn parse_regex(resource: &str, key: &str, value: &str) -> Result<regex::Regex, Error> {
    regex::Regex::new(value).map_err(|e| bad(resource, key, value, e.to_string()))
}

fn comma_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn track_config(
    resource: &str,
    annotations: &BTreeMap<String, String>,
) -> Result<TrackConfig, Error> {
    let mut config = TrackConfig::default();
    for (key, value) in annotations {
        let value = value.trim();
        match key.as_str() {
            "werf.io/track-termination-mode" => {
                config.termination = match value {
                    "WaitUntilResourceReady" => TerminationMode::WaitUntilResourceReady,
                    "NonBlocking" => TerminationMode::NonBlocking,
                    _ => {
                        return Err(bad(
                            resource,
                            key,
                            value,
                            "expected WaitUntilResourceReady or NonBlocking",
                        ));
                    }
                }
            }
            "werf.io/fail-mode" => {
                config.fail_mode = match value {
                    "FailWholeDeployProcessImmediately" => {
                        FailMode::FailWholeDeployProcessImmediately
                    }
                    "HopeUntilEndOfDeployProcess" => FailMode::HopeUntilEndOfDeployProcess,
                    "IgnoreAndContinueDeployProcess" => FailMode::IgnoreAndContinueDeployProcess,
                    _ => {
                        return Err(bad(
                            resource,
                            key,
                            value,
                            "expected FailWholeDeployProcessImmediately, HopeUntilEndOfDeployProcess or IgnoreAndContinueDeployProcess",
                        ));
                    }
                }
            }
            "werf.io/failures-allowed-per-replica" => {
                config.failures_allowed_per_replica =
                    Some(value.parse().map_err(|_| {
                        bad(resource, key, value, "expected a non-negative integer")
                    })?)
            }
            "werf.io/no-activity-timeout" => {
                config.no_activity_timeout =
                    Some(parse_go_duration(value).map_err(|e| bad(resource, key, value, e))?)
            }
            "werf.io/log-regex" => config.log_regex = Some(parse_regex(resource, key, value)?),
            "werf.io/skip-logs" => config.skip_logs = parse_bool(resource, key, value)?,
            "werf.io/skip-logs-for-containers" => config.skip_logs_for = comma_list(value),
            "werf.io/show-logs-only-for-containers" => {
                config.show_logs_only_for = comma_list(value)
            }
            "werf.io/show-service-messages" => {
                config.show_service_messages = parse_bool(resource, key, value)?
            }
            _ => {
                if let Some(container) = key.strip_prefix("werf.io/log-regex-for-") {
                    config
                        .log_regex_for
                        .insert(container.to_string(), parse_regex(resource, key, value)?);
                }
            }
        }
    }
    Ok(config)
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Parses one manifest document into a resource of a release in `namespace`.
pub fn parse_resource(source: &str, text: &str, namespace: &str) -> Result<Resource, Error> {
    let manifest_err = |message: String| Error::Manifest {
        source_path: source.to_string(),
        message,
    };
    let mut object = yaml_to_json(text).map_err(manifest_err)?;
    if !object.is_object() {
        return Err(manifest_err("document is not a mapping".into()));
    }
    for field in ["apiVersion", "kind"] {
        if object[field].as_str().is_none_or(str::is_empty) {
            return Err(manifest_err(format!("missing {field}")));
        }
    }
    if object["metadata"]["name"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return Err(manifest_err("missing metadata.name".into()));
    }
    let key = ObjectKey::of(&object, namespace);
    let display = key.display();
    let warnings = drop_non_string_metadata(&mut object, &display);
    let annotations = string_map(&object["metadata"]["annotations"]);
    let hook = annotations.get("helm.sh/hook").map(|events| HookSpec {
        events: comma_list(events),
        weight: annotations
            .get("helm.sh/hook-weight")
            .and_then(|w| w.trim().parse().ok())
            .unwrap_or(0),
        delete_policies: annotations
            .get("helm.sh/hook-delete-policy")
            .map(|p| comma_list(p))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| vec!["before-hook-creation".to_string()]),
    });
    let weight = match annotations.get("werf.io/weight") {
        Some(w) => w
            .trim()
            .parse()
            .map_err(|_| bad(&display, "werf.io/weight", w, "expected an integer"))?,
        None => 0,
    };
    let owned_by_release = match annotations.get("werf.io/ownership").map(|o| o.trim()) {
        None => hook.is_none(),
        Some("release") => true,
        Some("anyone") => false,
        Some(other) => {
            return Err(bad(
                &display,
                "werf.io/ownership",
                other,
                "expected release or anyone",
            ));
        }
    };
    let replicas_on_creation = match annotations.get("werf.io/replicas-on-creation") {
        Some(n) => Some(n.trim().parse().map_err(|_| {
            bad(
                &display,
                "werf.io/replicas-on-creation",
                n,
                "expected a non-negative integer",
            )
        })?),
        None => None,
    };
    let dependencies = annotations
        .iter()
        .filter(|(name, _)| name.starts_with(dependency::ANNOTATION_PREFIX))
        .map(|(name, value)| Dependency::parse(value).map_err(|e| bad(&display, name, value, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let external_dependencies = dependency::external_dependencies(annotations.iter())
        .map_err(|(annotation, value, why)| bad(&display, &annotation, &value, why))?;
    let is_secret = key.kind == "Secret" && key.api_version == "v1";
    let mut hidden_paths = match annotations.get("werf.io/sensitive-paths") {
        Some(paths) => sensitive::parse_paths(paths)
            .map_err(|e| bad(&display, "werf.io/sensitive-paths", paths, e))?,
        None => Vec::new(),
    };
    let marked = match annotations.get("werf.io/sensitive") {
        Some(value) => parse_bool(&display, "werf.io/sensitive", value)?,
        None => is_secret,
    };
    if is_secret || (marked && hidden_paths.is_empty()) {
        hidden_paths.extend(sensitive::data_paths());
    }
    // CRDs are never deleted with a release (their removal would delete every custom resource),
    // nor is what the release does not own.
    let keep = !owned_by_release
        || key.kind == "CustomResourceDefinition"
        || annotations.get("helm.sh/resource-policy").map(|p| p.trim()) == Some("keep")
        || annotations.get("werf.io/resource-policy").is_some_and(|p| {
            comma_list(p)
                .iter()
                .any(|p| p == "keep" || p == "skip-delete")
        });
    let propagation = match annotations
        .get("werf.io/delete-propagation")
        .map(|p| p.trim())
    {
        None | Some("Foreground") => Propagation::Foreground,
        Some("Background") => Propagation::Background,
        Some("Orphan") => Propagation::Orphan,
        Some(other) => {
            return Err(bad(
                &display,
                "werf.io/delete-propagation",
                other,
                "expected Foreground, Background or Orphan",
            ));
        }
    };
    Ok(Resource {
        source: source.to_string(),
        text: text.to_string(),
        track: track_config(&display, &annotations)?,
        object,
        key,
        hook,
        weight,
        keep,
        owned_by_release,
        replicas_on_creation,
        dependencies,
        external_dependencies,
        hidden_paths,
        propagation,
        warnings,
    })
}

/// Parses all rendered files into resources, sorted as Helm sorts them for install
/// (stable by kind order; the input order is kept within a kind).
pub fn parse_files(files: &[ManifestFile], namespace: &str) -> Result<Vec<Resource>, Error> {
    let mut resources = Vec::new();
    for file in files {
        for (source, text) in split_documents(&file.source, &file.content) {
            resources.push(parse_resource(&source, &text, namespace)?);
        }
    }
    resources.sort_by(|a, b| kind_order(&a.key.kind, &b.key.kind));
    Ok(resources)
}

/// The release `manifest` text for regular resources: `---\n# Source: PATH\nYAML\n` each.
pub fn release_manifest<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> String {
    resources
        .into_iter()
        .map(|r| format!("---\n# Source: {}\n{}\n", r.source, r.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(content: &str) -> ManifestFile {
        ManifestFile {
            source: "app/templates/all.yaml".into(),
            content: content.into(),
        }
    }

    #[test]
    fn splits_like_helm() {
        let docs = split_documents(
            "a.yaml",
            "---\nkind: A\n--- \n\n---\n# Source: x/b.yaml\nkind: B\n",
        );
        assert_eq!(
            docs,
            vec![
                ("a.yaml".to_string(), "kind: A".to_string()),
                ("x/b.yaml".to_string(), "kind: B".to_string())
            ]
        );
    }

    #[test]
    fn sorts_by_helm_kind_order_and_parses_hooks() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n\
apiVersion: example.com/v1\nkind: Zed\nmetadata:\n  name: z\n---\n\
apiVersion: example.com/v1\nkind: Alpha\nmetadata:\n  name: a\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: other\n---\n\
apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"-3\"\n";
        let resources = parse_files(&[file(text)], "prod").unwrap();
        let kinds: Vec<_> = resources.iter().map(|r| r.key.kind.as_str()).collect();
        assert_eq!(kinds, ["ConfigMap", "Deployment", "Job", "Alpha", "Zed"]);
        assert_eq!(resources[0].key.namespace.as_deref(), Some("other"));
        assert_eq!(resources[1].key.namespace.as_deref(), Some("prod"));
        let hook = resources[2].hook.as_ref().unwrap();
        assert!(hook.runs_on("pre-upgrade"));
        assert_eq!(hook.weight, -3);
        assert_eq!(hook.delete_policies, ["before-hook-creation"]);
        let manifest = release_manifest(&resources[..1]);
        assert_eq!(
            manifest,
            "---\n# Source: app/templates/all.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: other\n"
        );
    }

    #[test]
    fn parses_tracking_annotations() {
        let text = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    werf.io/weight: "10"
    werf.io/track-termination-mode: NonBlocking
    werf.io/fail-mode: IgnoreAndContinueDeployProcess
    werf.io/failures-allowed-per-replica: "3"
    werf.io/no-activity-timeout: 2m
    werf.io/log-regex: ".*ERROR.*"
    werf.io/log-regex-for-sidecar: "^x"
    werf.io/skip-logs-for-containers: "a, b"
    werf.io/show-logs-only-for-containers: main,sidecar,a
    werf.io/show-service-messages: "true"
    helm.sh/resource-policy: keep
"#;
        let r = parse_resource("t.yaml", text, "ns").unwrap();
        assert_eq!(r.weight, 10);
        assert!(r.keep);
        assert_eq!(r.track.termination, TerminationMode::NonBlocking);
        assert_eq!(r.track.fail_mode, FailMode::IgnoreAndContinueDeployProcess);
        assert_eq!(r.track.failures_allowed_per_replica, Some(3));
        assert_eq!(r.track.no_activity_timeout, Some(Duration::from_secs(120)));
        assert!(r.track.show_service_messages);
        assert!(r.track.shows_logs_of("main"));
        assert!(!r.track.shows_logs_of("a"));
        assert!(!r.track.shows_logs_of("other"));
        assert!(r.track.log_line_matches("main", "an ERROR here"));
        assert!(!r.track.log_line_matches("main", "fine"));
        assert!(!r.track.log_line_matches("sidecar", "ERROR but not x"));
        assert!(r.track.log_line_matches("sidecar", "x ERROR"));
    }

    #[test]
    fn rejects_bad_input() {
        let bad_mode = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    werf.io/fail-mode: Sometimes\n";
        let err = parse_resource("t.yaml", bad_mode, "ns")
            .unwrap_err()
            .to_string();
        assert!(err.contains("werf.io/fail-mode"), "{err}");
        assert!(parse_resource("t.yaml", "kind: ConfigMap\n", "ns").is_err());
        assert!(parse_resource("t.yaml", "- a\n- b\n", "ns").is_err());
        assert!(parse_resource("t.yaml", "a: [", "ns").is_err());
        let yes = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    a: yes\n    b: \"1\"\n";
        let r = parse_resource("t.yaml", yes, "ns").unwrap();
        assert_eq!(
            r.object["metadata"]["labels"],
            serde_json::json!({"b": "1"})
        );
        assert_eq!(r.warnings.len(), 1);
    }
}
