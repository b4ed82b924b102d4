//! What `render`, `converge` and `plan` share: the chart and value flags, the werf project they
//! point at, and the project's secrets (key looked up lazily, everything decrypted registered
//! with a masker so that deploy output can hide it).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use slipway_chart::project::WERF_CHART_DIR;
use slipway_chart::{Chart, ChartError, ProjectOptions, SecretDecryptor, ValuesOptions};
use slipway_engine::RenderError;
use slipway_secrets::{Masker, SecretFiles, SecretKey};
use slipway_value::{FuncMap, Value};

/// The version werf service values and annotations report for slipway.
pub const WERF_VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// Chart, project and value flags of every command that renders.
#[derive(Debug, Clone, clap::Args)]
pub struct ChartArgs {
    /// The chart: a directory or `.tgz`; a werf project's `.helm` uses its `werf.yaml`.
    #[arg(default_value = WERF_CHART_DIR)]
    pub chart: PathBuf,
    /// Release name (validated, never slugged); default from werf.yaml or `release-name`.
    #[arg(long, env = "SLIPWAY_RELEASE")]
    pub release: Option<String>,
    /// werf environment (`[[ env ]]` in release and namespace names, `.Values.werf.env`).
    #[arg(long, env = "SLIPWAY_ENV", default_value = "")]
    pub env: String,
    /// Values files (repeatable).
    #[arg(long = "values", short = 'f')]
    pub values: Vec<String>,
    /// Secret values files, decrypted with the project's secret key (repeatable).
    #[arg(long)]
    pub secret_values: Vec<String>,
    /// Set values (`a.b=c,d[0]=e`).
    #[arg(long)]
    pub set: Vec<String>,
    /// Set values as strings.
    #[arg(long)]
    pub set_string: Vec<String>,
    /// Set JSON values (`a={"b":1}`).
    #[arg(long)]
    pub set_json: Vec<String>,
    /// Set one literal string value (no parsing of commas, dots or brackets in the value).
    #[arg(long)]
    pub set_literal: Vec<String>,
    /// Set values from files (`key=path`).
    #[arg(long)]
    pub set_file: Vec<String>,
    /// Expose the docker config as `.Values.dockerconfigjson` (werf).
    #[arg(long)]
    pub set_docker_config_json_value: bool,
    /// Do not validate values against `values.schema.json`.
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Use secret values and secret files as they are, still encrypted (werf's
    /// `--ignore-secret-key`): renders without the key.
    #[arg(long, env = "SLIPWAY_IGNORE_SECRET_KEY")]
    pub ignore_secret_key: bool,
}

impl ChartArgs {
    /// The werf project directory: the parent of a `.helm` chart; any other chart is its own
    /// directory (so no `werf.yaml` applies to it).
    pub fn project_dir(&self) -> PathBuf {
        let chart = &self.chart;
        if chart.file_name().is_some_and(|n| n == WERF_CHART_DIR) {
            match chart.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            }
        } else {
            chart.clone()
        }
    }

    /// The project options for these flags, with the release `namespace` flag and the
    /// process environment `env` (value and secret-key variables).
    pub fn project_options(
        &self,
        namespace: Option<String>,
        env: BTreeMap<String, String>,
    ) -> Result<ProjectOptions, ChartError> {
        let mut values = ValuesOptions {
            values_files: self.values.clone(),
            secret_values_files: self.secret_values.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_json: self.set_json.clone(),
            set_literal: self.set_literal.clone(),
            set_file: self.set_file.clone(),
            env,
            stdin: None,
        };
        if values.reads_stdin() {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut data).map_err(|e| {
                ChartError::Values(format!("failed to read values from standard input: {e}"))
            })?;
            values.stdin = Some(data);
        }
        Ok(ProjectOptions {
            project_dir: self.project_dir(),
            chart: Some(self.chart.clone()),
            release: self.release.clone(),
            namespace,
            env: self.env.clone(),
            values,
            kube_version: None,
            api_versions: Vec::new(),
            set_docker_config_json_value: self.set_docker_config_json_value,
            skip_schema_validation: self.skip_schema_validation,
            werf_version: WERF_VERSION.to_owned(),
            commit: None,
        })
    }
}

/// The project's secrets: the key is looked up only when something secret has to be
/// decrypted, and everything decrypted is registered with a [`Masker`] for deploy output.
pub struct ProjectSecrets {
    project_dir: PathBuf,
    ignore_key: bool,
    env: BTreeMap<String, String>,
    key: OnceLock<Result<SecretKey, String>>,
    masker: Mutex<Masker>,
}

impl ProjectSecrets {
    /// Secrets of the project that `args` point at, with keys from `env` (and `$HOME` in it).
    pub fn new(args: &ChartArgs, env: &BTreeMap<String, String>) -> Self {
        ProjectSecrets {
            project_dir: args.project_dir(),
            ignore_key: args.ignore_secret_key,
            env: env.clone(),
            key: OnceLock::new(),
            masker: Mutex::default(),
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

    /// werf's `werf_secret_file` function over the chart's `secret/` files (no function, and
    /// no key needed, without such files).
    pub fn secret_file_function(&self, chart: &Chart) -> Result<FuncMap, RenderError> {
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
        let key = if self.ignore_key {
            None
        } else {
            Some(self.key().map_err(RenderError::Secrets)?)
        };
        let secret_files = SecretFiles::from_chart_files(files, key)
            .map_err(|e| RenderError::Secrets(e.to_string()))?;
        secret_files.register(&mut self.masker());
        funcs.insert("werf_secret_file", Arc::new(secret_files).template_func());
        Ok(funcs)
    }

    /// A masker for everything decrypted so far.
    pub fn masker(&self) -> MutexGuard<'_, Masker> {
        self.masker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretDecryptor for ProjectSecrets {
    fn decrypt_values(&self, values: &Value, file_name: &str) -> Result<Value, String> {
        if self.ignore_key {
            return Ok(values.clone());
        }
        let key = self.key()?;
        let decrypted =
            slipway_secrets::decrypt_values(values, key, file_name).map_err(|e| e.to_string())?;
        self.masker().add_values(&decrypted);
        Ok(decrypted)
    }
}
