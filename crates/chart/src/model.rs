//! The chart model: Chart.yaml metadata, dependencies, templates, files and default values
//! (Helm's `chart.Chart`, `chart.Metadata`, `chart.Dependency`).

use std::sync::Arc;

use slipway_value::{Dict, Map, Value};

/// A file of a chart, its name relative to the chart root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the chart root (`templates/x.yaml`, `config/a.conf`).
    pub name: String,
    /// The raw contents.
    pub data: Arc<[u8]>,
}

/// A chart maintainer (Chart.yaml `maintainers`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// One werf `export-values` entry: a parent value copied into the subchart's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportValue {
    /// Dotted path in the parent's values.
    pub parent: String,
    /// Dotted path in the child's values.
    pub child: String,
}

/// A dependency declared in Chart.yaml (or requirements.yaml for apiVersion v1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    /// `name`; after dependency processing, the alias when one is set (as Helm does).
    pub name: String,
    /// `version` (a constraint on the subchart's version).
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition`: comma-separated value paths, the first boolean one decides.
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (set by condition and tag processing).
    pub enabled: bool,
    /// `import-values`: strings (`exports.X`) or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
    /// werf's `export-values`.
    pub export_values: Vec<ExportValue>,
}

/// Chart.yaml: every field Helm knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers`.
    pub maintainers: Vec<Maintainer>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion` (`v1` when absent).
    pub api_version: String,
    /// `condition`.
    pub condition: String,
    /// `tags`.
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations` (`None` when Chart.yaml has none: templates then see a nil map).
    pub annotations: Option<std::collections::BTreeMap<String, String>>,
    /// `kubeVersion` (a constraint on the cluster version).
    pub kube_version: String,
    /// `dependencies`.
    pub dependencies: Vec<Dependency>,
    /// `type`: `application` (or empty) or `library`.
    pub chart_type: String,
}

/// A loaded chart with its subcharts.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// Chart.yaml.
    pub metadata: Metadata,
    /// Files under `templates/`.
    pub templates: Arc<Vec<File>>,
    /// Default values (`values.yaml`); never mutated by coalescing.
    pub values: Dict,
    /// `values.schema.json`, if any.
    pub schema: Option<Arc<[u8]>>,
    /// Every other file (seen through `.Files`), including `crds/` files.
    pub files: Arc<Vec<File>>,
    /// Loaded subcharts (from `charts/`), in load order.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// The chart's name (after aliasing, the alias).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether `type: library`.
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == "library"
    }

    /// Files under `crds/` (Helm's `CRDObjects` sources), in load order.
    pub fn crd_files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| f.name.starts_with("crds/"))
    }

    /// `.Chart` as templates see it: Helm's `MetadataAsMap` (Go field names) plus `IsRoot`.
    pub fn metadata_value(&self, is_root: bool) -> Value {
        let md = &self.metadata;
        let strs =
            |v: &[String]| Value::list(v.iter().map(|s| Value::string(s.as_str())).collect());
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("Name", Value::string(md.name.as_str()));
        put("Home", Value::string(md.home.as_str()));
        put("Sources", strs(&md.sources));
        put("Version", Value::string(md.version.as_str()));
        put("Description", Value::string(md.description.as_str()));
        put("Keywords", strs(&md.keywords));
        put(
            "Maintainers",
            Value::list(
                md.maintainers
                    .iter()
                    .map(|mt| {
                        Value::dict(Map::from([
                            ("Name".to_owned(), Value::string(mt.name.as_str())),
                            ("Email".to_owned(), Value::string(mt.email.as_str())),
                            ("URL".to_owned(), Value::string(mt.url.as_str())),
                        ]))
                    })
                    .collect(),
            ),
        );
        put("Icon", Value::string(md.icon.as_str()));
        put("APIVersion", Value::string(md.api_version.as_str()));
        put("Condition", Value::string(md.condition.as_str()));
        put("Tags", Value::string(md.tags.as_str()));
        put("AppVersion", Value::string(md.app_version.as_str()));
        put("Deprecated", Value::Bool(md.deprecated));
        put(
            "Annotations",
            md.annotations.as_ref().map_or(Value::Nil, |a| {
                Value::dict(
                    a.iter()
                        .map(|(k, v)| (k.clone(), Value::string(v.as_str())))
                        .collect(),
                )
            }),
        );
        put("KubeVersion", Value::string(md.kube_version.as_str()));
        put(
            "Dependencies",
            Value::list(md.dependencies.iter().map(dependency_value).collect()),
        );
        put("Type", Value::string(md.chart_type.as_str()));
        put("IsRoot", Value::Bool(is_root));
        Value::dict(m)
    }
}

/// One dependency as Helm's `structToMap` shows it.
fn dependency_value(d: &Dependency) -> Value {
    let mut m = Map::new();
    m.insert("Name".into(), Value::string(d.name.as_str()));
    m.insert("Version".into(), Value::string(d.version.as_str()));
    m.insert("Repository".into(), Value::string(d.repository.as_str()));
    m.insert("Condition".into(), Value::string(d.condition.as_str()));
    m.insert(
        "Tags".into(),
        Value::list(d.tags.iter().map(|s| Value::string(s.as_str())).collect()),
    );
    m.insert("Enabled".into(), Value::Bool(d.enabled));
    m.insert("ImportValues".into(), Value::list(d.import_values.clone()));
    m.insert("Alias".into(), Value::string(d.alias.as_str()));
    Value::dict(m)
}
