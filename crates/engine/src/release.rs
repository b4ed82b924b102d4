//! A release rendered as `helm install`/`helm template` do before applying anything: the chart
//! prepared with the user's values, every template rendered, NOTES.txt set aside, the
//! documents split into hooks and manifests in install order, and the charts' CRD files.

use std::collections::BTreeMap;
use std::sync::Arc;

use slipway_chart::{Capabilities, Chart, PrepareOptions, ReleaseInfo};
use slipway_value::{Dict, Map, Value};

use crate::error::RenderError;
use crate::manifest::{Hook, Manifest, sort_manifests};
use crate::render::{EngineOptions, render_chart};

/// The name templates render release notes from.
const NOTES_FILE: &str = "NOTES.txt";

/// What to render a release as.
#[derive(Clone)]
pub struct ReleaseOptions {
    /// `.Release` (name, namespace, revision, install or upgrade).
    pub release: ReleaseInfo,
    /// `.Capabilities` (Kubernetes version and API versions).
    pub capabilities: Capabilities,
    /// Preparation options (werf's service values, schema validation).
    pub prepare: PrepareOptions,
    /// Engine options (strict, lint mode, `lookup` cluster, DNS).
    pub engine: EngineOptions,
    /// Include subcharts' NOTES.txt in [`RenderedRelease::notes`] (`--render-subchart-notes`).
    pub subchart_notes: bool,
}

/// One file of a chart's `crds/` directory (Helm's `CRDObjects`), not templated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdFile {
    /// `chart/crds/x.yaml` (subcharts: `chart/charts/sub/crds/x.yaml`).
    pub source: String,
    /// The file's text as it is.
    pub text: String,
}

/// A rendered release, ready to print (`helm template`) or apply.
#[derive(Debug, Clone)]
pub struct RenderedRelease {
    /// The release name.
    pub name: String,
    /// The release namespace.
    pub namespace: String,
    /// Non-hook documents in install order.
    pub manifests: Vec<Manifest>,
    /// Hook documents in install order of their kinds.
    pub hooks: Vec<Hook>,
    /// The rendered NOTES.txt ("" when the chart has none).
    pub notes: String,
    /// The `crds/` files of the chart and its enabled subcharts.
    pub crds: Vec<CrdFile>,
    /// The root chart's final `.Values`.
    pub values: Dict,
    /// The chart after dependency processing (disabled subcharts removed, aliases applied).
    pub chart: Chart,
}

/// Renders `chart` with `user_values` (the merged user value sources) as Helm's install does.
pub fn render_release(
    chart: Chart,
    user_values: &Dict,
    options: &ReleaseOptions,
) -> Result<RenderedRelease, RenderError> {
    let prepared =
        slipway_chart::prepare(chart, user_values, &options.capabilities, &options.prepare)?;
    let top = Dict::from_map(Map::from([
        ("Values".to_owned(), Value::Dict(prepared.values.clone())),
        ("Release".to_owned(), options.release.to_value()),
        (
            "Capabilities".to_owned(),
            Value::Object(Arc::new(options.capabilities.clone())),
        ),
    ]));
    let mut files = render_chart(&prepared.chart, &top, &options.engine)?;
    let notes = take_notes(&mut files, prepared.chart.name(), options.subchart_notes);
    let (hooks, manifests) = sort_manifests(&files)?;
    let mut crds = Vec::new();
    collect_crds(&prepared.chart, prepared.chart.name(), &mut crds);
    Ok(RenderedRelease {
        name: options.release.name.clone(),
        namespace: options.release.namespace.clone(),
        manifests,
        hooks,
        notes,
        crds,
        values: prepared.values,
        chart: prepared.chart,
    })
}

/// Removes every rendered `NOTES.txt` from `files` and returns the notes Helm shows: the root
/// chart's, or all of them joined by newlines with `subchart_notes` (in name order).
fn take_notes(
    files: &mut BTreeMap<String, String>,
    chart_name: &str,
    subchart_notes: bool,
) -> String {
    let root_notes = format!("{chart_name}/templates/{NOTES_FILE}");
    let names: Vec<String> = files
        .keys()
        .filter(|name| name.ends_with(NOTES_FILE))
        .cloned()
        .collect();
    let mut notes = String::new();
    for name in names {
        let Some(text) = files.remove(&name) else {
            continue;
        };
        if subchart_notes || name == root_notes {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&text);
        }
    }
    notes
}

/// Helm's `CRDObjects`: `crds/*.{yaml,yml,json}` of a chart, then of its dependencies.
fn collect_crds(chart: &Chart, path: &str, out: &mut Vec<CrdFile>) {
    for file in chart.crd_files() {
        let ext = file
            .name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        if !matches!(ext.as_deref(), Some("yaml" | "yml" | "json")) {
            continue;
        }
        out.push(CrdFile {
            source: format!("{path}/{}", file.name),
            text: String::from_utf8_lossy(&file.data).into_owned(),
        });
    }
    for dependency in &chart.dependencies {
        collect_crds(
            dependency,
            &format!("{path}/charts/{}", dependency.name()),
            out,
        );
    }
}
