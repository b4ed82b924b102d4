//! From a loaded chart and user values to what the engine renders, in Helm's `install`
//! order: installability, missing dependencies, dependency processing (aliases, conditions,
//! tags, import values), `kubeVersion`, coalescing, werf's export values and schema validation.

use slipway_value::{Dict, Value};

use crate::coalesce::coalesce_values;
use crate::deps::{
    apply_export_values, check_dependencies, is_compatible_range, process_dependencies,
};
use crate::error::ChartError;
use crate::model::Chart;
use crate::objects::Capabilities;
use crate::schema::validate_against_schema;
use crate::values::merge_maps;

/// Options of [`prepare`].
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// werf's service values (`.Values.werf`, `.Values.global.werf`): merged over the user
    /// values with the highest priority. `None` for plain Helm charts.
    pub service_values: Option<Dict>,
    /// Skip `values.schema.json` validation (`--skip-schema-validation`).
    pub skip_schema_validation: bool,
}

/// A chart ready to render.
#[derive(Debug, Clone)]
pub struct PreparedChart {
    /// The chart after dependency processing: disabled subcharts removed, aliased copies
    /// renamed, `Chart.yaml` dependencies rewritten as Helm does.
    pub chart: Chart,
    /// `.Values` of the root chart; a subchart's `.Values` is found with [`scoped_values`].
    pub values: Dict,
    /// Warnings Helm would log on the way (coalescing conflicts, bad conditions).
    pub warnings: Vec<String>,
}

/// Prepares `chart` for rendering with `user_values` against `caps`.
pub fn prepare(
    mut chart: Chart,
    user_values: &Dict,
    caps: &Capabilities,
    opts: &PrepareOptions,
) -> Result<PreparedChart, ChartError> {
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(ChartError::Load(format!(
            "{} charts are not installable",
            chart.metadata.chart_type
        )));
    }
    check_dependencies(&chart)?;
    let user = match &opts.service_values {
        Some(service) => {
            let merged = user_values.deep_copy();
            merge_maps(&merged, service);
            merged
        }
        None => user_values.clone(),
    };
    let mut warnings = Vec::new();
    process_dependencies(&mut chart, &user, &mut warnings).map_err(|e| {
        ChartError::Dependencies(format!("chart dependencies processing failed: {e}"))
    })?;
    check_kube_version(&chart, caps)?;
    let values =
        coalesce_values(&chart, &user, &mut warnings).map_err(|e| ChartError::Values(e.0))?;
    apply_export_values(&chart, &values, &mut warnings);
    if !opts.skip_schema_validation {
        validate_against_schema(&chart, &values).map_err(|e| {
            ChartError::Schema(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
            ))
        })?;
    }
    Ok(PreparedChart {
        chart,
        values,
        warnings,
    })
}

/// The chart's `kubeVersion` constraint against the target cluster version (Helm's text).
pub fn check_kube_version(chart: &Chart, caps: &Capabilities) -> Result<(), ChartError> {
    let constraint = &chart.metadata.kube_version;
    if constraint.is_empty() || is_compatible_range(constraint, &caps.kube_version.normalized) {
        return Ok(());
    }
    Err(ChartError::KubeVersion(format!(
        "chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {}",
        caps.kube_version.version
    )))
}

/// A subchart's `.Values`: the parent's values under the subchart's name if that is a map,
/// else an empty map (Helm's `values.Table("Values." + name)`).
pub fn scoped_values(parent_values: &Dict, subchart: &Chart) -> Dict {
    match parent_values.get(subchart.name()) {
        Some(Value::Dict(d)) => d,
        _ => Dict::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::{BufferedFile, load_files};

    fn chart(files: &[(&str, &str)]) -> Chart {
        load_files(
            files
                .iter()
                .map(|(n, d)| BufferedFile {
                    name: (*n).into(),
                    data: d.as_bytes().to_vec(),
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn subchart_values_and_globals() {
        let c = chart(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  alias: db\n",
            ),
            ("values.yaml", "global: {region: eu}\ndb: {size: 2}\n"),
            (
                "charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            ("charts/sub/values.yaml", "size: 1\nname: sub\n"),
        ]);
        let p = prepare(
            c,
            &Dict::new(),
            &Capabilities::default(),
            &PrepareOptions::default(),
        )
        .unwrap();
        assert_eq!(p.chart.dependencies[0].name(), "db");
        let db = scoped_values(&p.values, &p.chart.dependencies[0]);
        assert_eq!(
            Value::Dict(db).to_json(),
            serde_json::json!({"size": 2.0, "name": "sub", "global": {"region": "eu"}})
        );
    }

    #[test]
    fn kube_version_and_library_errors() {
        let c = chart(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: e\nversion: 0.1.0\nkubeVersion: \">=1.99\"\n",
        )]);
        let err = prepare(
            c,
            &Dict::new(),
            &Capabilities::default(),
            &PrepareOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "chart requires kubeVersion: >=1.99 which is incompatible with Kubernetes v1.35.0"
        );
        let c = chart(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: e\nversion: 0.1.0\ntype: library\n",
        )]);
        let err = prepare(
            c,
            &Dict::new(),
            &Capabilities::default(),
            &PrepareOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "library charts are not installable");
    }

    #[test]
    fn service_values_win() {
        let c = chart(&[
            ("Chart.yaml", "apiVersion: v2\nname: e\nversion: 0.1.0\n"),
            ("values.yaml", "werf: {env: default}\n"),
        ]);
        let service = Dict::new();
        service.insert(
            "werf",
            Value::from_json(&serde_json::json!({"env": "prod"})),
        );
        let user = Value::from_json(&serde_json::json!({"werf": {"env": "user"}}));
        let opts = PrepareOptions {
            service_values: Some(service),
            ..PrepareOptions::default()
        };
        let p = prepare(c, user.as_dict().unwrap(), &Capabilities::default(), &opts).unwrap();
        assert_eq!(
            Value::Dict(p.values).to_json(),
            serde_json::json!({"werf": {"env": "prod"}})
        );
    }
}
