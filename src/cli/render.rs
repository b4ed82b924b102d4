//! `slipway render`: renders a chart as `helm template` does (and, in a werf project, as
//! `werf render` does: release and namespace from `werf.yaml`, secret values, service values).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use anyhow::anyhow;
use slipway_chart::project::WERF_CHART_DIR;
use slipway_chart::{ProjectOptions, SecretDecryptor, ValuesOptions};
use slipway_engine::{
    EngineOptions, ReleaseOptions, RenderError, TemplateOutput, render_release, template_output,
};
use slipway_secrets::{SecretFiles, SecretKey};
use slipway_value::{FuncMap, Value};

/// Arguments of `slipway render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The chart: a directory or `.tgz`; a werf project's `.helm` uses its `werf.yaml`.
    #[arg(default_value = WERF_CHART_DIR)]
    chart: PathBuf,
    /// Release name (validated, never slugged); default from werf.yaml or `release-name`.
    #[arg(long)]
    release: Option<String>,
    /// Release namespace; default from werf.yaml or `default`.
    #[arg(long, short = 'n')]
    namespace: Option<String>,
    /// werf environment (`[[ env ]]` in release and namespace names, `.Values.werf.env`).
    #[arg(long, env = "SLIPWAY_ENV", default_value = "")]
    env: String,
    /// Values files (repeatable).
    #[arg(long = "values", short = 'f')]
    values: Vec<String>,
    /// Secret values files, decrypted with the project's secret key (repeatable).
    #[arg(long)]
    secret_values: Vec<String>,
    /// Set values (`a.b=c,d[0]=e`).
    #[arg(long)]
    set: Vec<String>,
    /// Set values as strings.
    #[arg(long)]
    set_string: Vec<String>,
    /// Set JSON values (`a={"b":1}`).
    #[arg(long)]
    set_json: Vec<String>,
    /// Set one literal string value (no parsing of commas, dots or brackets in the value).
    #[arg(long)]
    set_literal: Vec<String>,
    /// Set values from files (`key=path`).
    #[arg(long)]
    set_file: Vec<String>,
    /// Expose the docker config as `.Values.dockerconfigjson` (werf).
    #[arg(long)]
    set_docker_config_json_value: bool,
    /// Only show manifests rendered from these templates (glob patterns, repeatable).
    #[arg(long, short = 's')]
    show_only: Vec<String>,
    /// Write one file per template under this directory instead of printing.
    #[arg(long)]
    output_dir: Option<PathBuf>,
    /// Put the files under `OUTPUT_DIR/RELEASE/` (with `--output-dir`).
    #[arg(long)]
    release_name: bool,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0).
    #[arg(long)]
    kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(long, short = 'a', value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Print the charts' `crds/` files too.
    #[arg(long)]
    include_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    skip_tests: bool,
    /// Do not validate values against `values.schema.json`.
    #[arg(long)]
    skip_schema_validation: bool,
}

/// Runs `slipway render`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = render(&args).map_err(|e| {
        if e.is_render_failure() {
            anyhow!("{e}\n\nUse --debug flag to render out invalid YAML")
        } else {
            anyhow!("{e}")
        }
    })?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Renders as `args` ask and returns what to print.
fn render(args: &Args) -> Result<String, RenderError> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let project_dir = project_dir(&args.chart);
    let secrets = ProjectSecrets::new(&project_dir, &env);
    let options = ProjectOptions {
        project_dir: project_dir.clone(),
        chart: Some(args.chart.clone()),
        release: args.release.clone(),
        namespace: args.namespace.clone(),
        env: args.env.clone(),
        values: ValuesOptions {
            values_files: args.values.clone(),
            secret_values_files: args.secret_values.clone(),
            set: args.set.clone(),
            set_string: args.set_string.clone(),
            set_json: args.set_json.clone(),
            set_literal: args.set_literal.clone(),
            set_file: args.set_file.clone(),
            env,
        },
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        set_docker_config_json_value: args.set_docker_config_json_value,
        skip_schema_validation: args.skip_schema_validation,
        werf_version: env!("CARGO_PKG_VERSION").to_owned(),
        commit: None,
    };
    let setup = slipway_chart::setup_render(&options, Some(&secrets))?;
    let custom_funcs = if setup.werf.is_some() {
        secrets.secret_file_function(&setup.chart)?
    } else {
        FuncMap::new()
    };
    let release = render_release(
        setup.chart,
        &setup.user_values,
        &ReleaseOptions {
            release: setup.release,
            capabilities: setup.capabilities,
            prepare: setup.prepare,
            engine: EngineOptions {
                custom_funcs,
                ..EngineOptions::default()
            },
            subchart_notes: false,
        },
    )?;
    template_output(
        &release,
        &TemplateOutput {
            include_crds: args.include_crds,
            show_only: args.show_only.clone(),
            skip_tests: args.skip_tests,
            output_dir: args.output_dir.clone(),
            use_release_name: args.release_name,
        },
    )
}

/// The werf project directory of a chart: the parent of a `.helm` chart; any other chart is
/// its own directory (so no `werf.yaml` applies to it).
fn project_dir(chart: &Path) -> PathBuf {
    if chart.file_name().is_some_and(|n| n == WERF_CHART_DIR) {
        match chart.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        chart.to_path_buf()
    }
}

/// The project's secret key, looked up only when something secret has to be decrypted.
struct ProjectSecrets {
    project_dir: PathBuf,
    env: BTreeMap<String, String>,
    key: OnceLock<Result<SecretKey, String>>,
}

impl ProjectSecrets {
    fn new(project_dir: &Path, env: &BTreeMap<String, String>) -> Self {
        ProjectSecrets {
            project_dir: project_dir.to_path_buf(),
            env: env.clone(),
            key: OnceLock::new(),
        }
    }

    fn key(&self) -> Result<&SecretKey, String> {
        self.key
            .get_or_init(|| {
                let home = self.env.get("HOME").map(PathBuf::from);
                SecretKey::resolve(
                    &|name| self.env.get(name).cloned(),
                    &self.project_dir,
                    home.as_deref(),
                )
                .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// werf's `werf_secret_file` function over the chart's `secret/` files (none without
    /// such files, so no key is needed then).
    fn secret_file_function(&self, chart: &slipway_chart::Chart) -> Result<FuncMap, RenderError> {
        let files: Vec<(&str, &[u8])> = chart
            .files
            .iter()
            .filter(|f| f.name.starts_with("secret/"))
            .map(|f| (f.name.as_str(), &f.data[..]))
            .collect();
        let mut funcs = FuncMap::new();
        if files.is_empty() {
            return Ok(funcs);
        }
        let key = self.key().map_err(RenderError::Secrets)?;
        let secret_files = SecretFiles::from_chart_files(files, Some(key))
            .map_err(|e| RenderError::Secrets(e.to_string()))?;
        funcs.insert("werf_secret_file", Arc::new(secret_files).template_func());
        Ok(funcs)
    }
}

impl SecretDecryptor for ProjectSecrets {
    fn decrypt_values(&self, values: &Value, file_name: &str) -> Result<Value, String> {
        let key = self.key()?;
        slipway_secrets::decrypt_values(values, key, file_name).map_err(|e| e.to_string())
    }
}
