//! One call from command-line settings to the inputs of a render: finds the werf project (if
//! any), derives release name and namespace, loads the chart (with werf's chart secret
//! values), gathers the user value sources in seed 002's order and werf's service values.
//! [`prepare`](crate::prepare()) (which the engine's release rendering calls) does the rest.

use std::path::PathBuf;

use crate::error::ChartError;
use crate::loader::load_chart;
use crate::model::Chart;
use crate::objects::{Capabilities, ReleaseInfo};
use crate::prepare::PrepareOptions;
use crate::values::{SecretDecryptor, ValuesOptions, apply_chart_secret_values};
use crate::werf::{
    CommitInfo, ServiceValuesOptions, WerfConfig, read_docker_config, service_values,
};

/// `helm template`'s release name when none is given.
pub const DEFAULT_RELEASE_NAME: &str = "release-name";
/// The namespace when none is given and there is no werf project.
pub const DEFAULT_NAMESPACE: &str = "default";
/// werf's chart directory in a project.
pub const WERF_CHART_DIR: &str = ".helm";

/// What the user asked for (flags, with their environment fallbacks already applied by the
/// caller, except the `*_VALUES_*`/`*_SET_*` variables, which [`ValuesOptions::env`] holds).
#[derive(Debug, Clone, Default)]
pub struct ProjectOptions {
    /// The project directory (where `werf.yaml` may live).
    pub project_dir: PathBuf,
    /// The chart (directory or `.tgz`); default `<project_dir>/.helm`.
    pub chart: Option<PathBuf>,
    /// `--release`: used as is (validated) when given.
    pub release: Option<String>,
    /// `--namespace`: used as is (validated) when given.
    pub namespace: Option<String>,
    /// `--env`.
    pub env: String,
    /// Value sources.
    pub values: ValuesOptions,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `--set-docker-config-json-value`.
    pub set_docker_config_json_value: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// The werf version reported as `.Values.werf.version`.
    pub werf_version: String,
    /// The current git commit, for `.Values.werf.commit`.
    pub commit: Option<CommitInfo>,
}

/// Everything the engine needs to render.
#[derive(Debug, Clone)]
pub struct RenderSetup {
    /// The loaded chart (chart secret values applied for werf projects).
    pub chart: Chart,
    /// The merged user values (files, secret files, `--set*`).
    pub user_values: slipway_value::Dict,
    /// werf's service values and schema settings, for [`prepare`](crate::prepare()).
    pub prepare: PrepareOptions,
    /// `.Release`.
    pub release: ReleaseInfo,
    /// `.Capabilities`.
    pub capabilities: Capabilities,
    /// The werf project, when `werf.yaml` was found.
    pub werf: Option<WerfConfig>,
}

/// Resolves names, loads the chart and gathers its value sources. Without `werf.yaml` this is
/// plain `helm template` (release `release-name`, namespace `default`, no service values, no
/// secret values); with it, werf's names, secret values and service values apply.
pub fn setup_render(
    opts: &ProjectOptions,
    secrets: Option<&dyn SecretDecryptor>,
) -> Result<RenderSetup, ChartError> {
    let werf = WerfConfig::find(&opts.project_dir, &opts.values.env, &opts.env)?;
    let explicit_ns = opts.namespace.as_deref().filter(|n| !n.is_empty());
    let explicit_rel = opts.release.as_deref().filter(|n| !n.is_empty());
    let (namespace, release) = match &werf {
        Some(w) => {
            let ns = w.namespace(explicit_ns, &opts.env)?;
            let rel = w.release(explicit_rel, &opts.env, &ns)?;
            (ns, rel)
        }
        None => (
            explicit_ns.unwrap_or(DEFAULT_NAMESPACE).to_owned(),
            explicit_rel.unwrap_or(DEFAULT_RELEASE_NAME).to_owned(),
        ),
    };
    let chart_path = opts
        .chart
        .clone()
        .unwrap_or_else(|| opts.project_dir.join(WERF_CHART_DIR));
    // Helm reads the user's values before it loads the chart, so their errors come first.
    let user = opts.values.user_values(secrets)?;
    let mut chart = load_chart(&chart_path)?;
    let service = match &werf {
        Some(w) => {
            apply_chart_secret_values(&mut chart, secrets)?;
            let docker_config_json = if opts.set_docker_config_json_value {
                read_docker_config(&opts.values.env)?
            } else {
                None
            };
            Some(service_values(&ServiceValuesOptions {
                project: w.project.clone(),
                version: opts.werf_version.clone(),
                repo: String::new(),
                namespace: namespace.clone(),
                env: opts.env.clone(),
                commit: opts.commit.clone(),
                docker_config_json,
                stub_images: Some(w.images.clone()),
                no_global: opts
                    .values
                    .env
                    .get("WERF_EXPERIMENT_NO_GLOBAL_SERVICE_VALUES")
                    .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
            }))
        }
        None => None,
    };
    let capabilities = Capabilities::for_template(opts.kube_version.as_deref(), &opts.api_versions)
        .map_err(ChartError::Values)?;
    Ok(RenderSetup {
        chart,
        user_values: user,
        prepare: PrepareOptions {
            service_values: service,
            skip_schema_validation: opts.skip_schema_validation,
        },
        release: ReleaseInfo::install(&release, &namespace),
        capabilities,
        werf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use slipway_value::Value;

    fn write(dir: &std::path::Path, files: &[(&str, &str)]) {
        for (name, data) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, data).unwrap();
        }
    }

    #[test]
    fn werf_project_names_and_service_values() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            &[
                ("werf.yaml", "configVersion: 1\nproject: myapp\n"),
                (
                    ".helm/Chart.yaml",
                    "apiVersion: v2\nname: myapp\nversion: 1.0.0\n",
                ),
                (".helm/values.yaml", "a: 1\n"),
            ],
        );
        let opts = ProjectOptions {
            project_dir: tmp.path().to_path_buf(),
            env: "Production".into(),
            werf_version: "v2.0.0".into(),
            ..ProjectOptions::default()
        };
        let setup = setup_render(&opts, None).unwrap();
        assert_eq!(setup.release.name, "myapp-production-840966cf");
        assert_eq!(setup.release.namespace, "myapp-production-840966cf");
        let prepared = crate::prepare(
            setup.chart,
            &setup.user_values,
            &setup.capabilities,
            &setup.prepare,
        )
        .unwrap();
        let v = Value::Dict(prepared.values).to_json();
        assert_eq!(v["werf"]["env"], "Production");
        assert_eq!(v["werf"]["name"], "myapp");
        assert_eq!(
            v["global"]["werf"]["namespace"],
            "myapp-production-840966cf"
        );
        assert_eq!(v["a"], 1.0);
    }

    #[test]
    fn plain_chart_is_helm_template() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            &[("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n")],
        );
        let opts = ProjectOptions {
            project_dir: tmp.path().to_path_buf(),
            chart: Some(tmp.path().join("c")),
            ..ProjectOptions::default()
        };
        let setup = setup_render(&opts, None).unwrap();
        assert_eq!(setup.release.name, "release-name");
        assert_eq!(setup.release.namespace, "default");
        assert!(setup.user_values.is_empty());
        assert!(setup.prepare.service_values.is_none());
        assert!(setup.werf.is_none());
    }
}
