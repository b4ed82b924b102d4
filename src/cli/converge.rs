//! `slipway converge` (alias `deploy`), plus what the deploy commands share: cluster and
//! release-storage flags, the terminal/CI reporter and the async runtime.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use slipway_chart::Chart;
use slipway_deploy::duration::parse_go_duration;
use slipway_deploy::release::chart_record;
use slipway_deploy::report::{Event, StatusRow, render_status_table};
use slipway_deploy::serde_json::{self, Value as Json, json};
use slipway_deploy::{
    Cluster, ClusterOptions, DeployOptions, DeployRequest, ManifestFile, ReleaseStatus,
    ReleaseStorage, Reporter, StorageDriver,
};
use slipway_engine::{EngineOptions, ReleaseOptions};
use slipway_value::FuncMap;

use super::project::{ChartArgs, ProjectSecrets, WERF_VERSION};

/// Cluster and release-storage flags shared by the deploy commands.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// Kubeconfig file (default: `$KUBECONFIG`, then `~/.kube/config`).
    #[arg(long, env = "WERF_KUBE_CONFIG")]
    pub kube_config: Option<PathBuf>,
    /// Kubeconfig context (default: the current context).
    #[arg(long, env = "WERF_KUBE_CONTEXT")]
    pub kube_context: Option<String>,
    /// Namespace of the release (default: werf's `PROJECT-ENV`, else the context's namespace).
    #[arg(long, short = 'n', env = "WERF_NAMESPACE")]
    pub namespace: Option<String>,
    /// Where release records are kept: `secret` (Helm's default) or `configmap`.
    #[arg(long, default_value = "secret")]
    pub release_storage: String,
    /// Namespace of the release records (default: the release namespace).
    #[arg(long)]
    pub release_storage_namespace: Option<String>,
    /// How many revisions to keep (0 = all).
    #[arg(long, default_value_t = 10)]
    pub release_history_limit: usize,
}

impl ClusterArgs {
    /// Connects to the cluster; returns it with the namespace to use.
    pub async fn connect(&self) -> anyhow::Result<(Cluster, String)> {
        let cluster = Cluster::connect(&ClusterOptions {
            kubeconfig: self.kube_config.clone(),
            context: self.kube_context.clone(),
        })
        .await?;
        let namespace = self
            .namespace
            .clone()
            .unwrap_or_else(|| cluster.client().default_namespace().to_string());
        Ok((cluster, namespace))
    }

    /// The storage driver chosen with `--release-storage`.
    pub fn storage(&self) -> anyhow::Result<StorageDriver> {
        Ok(self.release_storage.parse()?)
    }
}

/// Deploy options from the shared flags and a `--timeout` value.
pub fn deploy_options(cluster: &ClusterArgs, timeout: &str) -> anyhow::Result<DeployOptions> {
    let timeout = parse_go_duration(timeout).map_err(|e| anyhow::anyhow!("--timeout: {e}"))?;
    Ok(DeployOptions {
        timeout: (timeout > Duration::ZERO).then_some(timeout),
        storage: cluster.storage()?,
        storage_namespace: cluster.release_storage_namespace.clone(),
        history_limit: cluster.release_history_limit,
        ..Default::default()
    })
}

/// Runs a future on a fresh multi-threaded runtime.
pub fn block_on<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    future: F,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(future)
}

/// Prints deploy events for a terminal or a CI log: plain ASCII, one event per line, the
/// status table every few seconds. Warnings go to stderr.
pub struct TerminalReporter {
    width: u16,
}

impl TerminalReporter {
    /// A reporter sized by `$COLUMNS` (default 120).
    pub fn new() -> Self {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(120);
        Self { width }
    }
}

impl Reporter for TerminalReporter {
    fn report(&self, event: Event) {
        match event {
            Event::Phase(text) => println!("==> {text}"),
            Event::Resource { resource, action } => println!("    {} {resource}", action.as_str()),
            Event::Status(rows) => {
                let rows: Vec<StatusRow> = rows;
                println!("Progress status");
                println!("{}", render_status_table(&rows, self.width));
            }
            Event::Log {
                resource,
                pod,
                container,
                line,
            } => {
                let replica = pod.rsplit('-').next().unwrap_or(&pod);
                println!("{resource}/{container} [{replica}] | {line}")
            }
            Event::KubeEvents { resource, lines } => {
                println!("Events for {resource}:");
                for line in lines {
                    println!("    {line}");
                }
            }
            Event::Warning(text) => eprintln!("WARNING: {text}"),
            Event::Info(text) => println!("{text}"),
        }
    }
}

/// Parses repeated `key=value` flags (`--add-annotation`, `--add-label`).
fn key_values(flag: &str, items: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => anyhow::bail!("{flag} {item:?}: expected key=value"),
        })
        .collect()
}

/// Chart, project, value and resource-metadata flags shared by `converge` and `plan`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Annotation added to every resource (`key=value`; also `$WERF_ADD_ANNOTATION_*`).
    #[arg(long)]
    pub add_annotation: Vec<String>,
    /// Label added to every resource (`key=value`; also `$WERF_ADD_LABEL_*`).
    #[arg(long)]
    pub add_label: Vec<String>,
}

/// Helm's JSON form of Chart.yaml.
fn metadata_json(chart: &Chart) -> Json {
    let m = &chart.metadata;
    let mut out = serde_json::Map::new();
    let mut put = |key: &str, value: Json| {
        let empty = match &value {
            Json::String(s) => s.is_empty(),
            Json::Array(a) => a.is_empty(),
            Json::Bool(b) => !b,
            Json::Null => true,
            _ => false,
        };
        if !empty {
            out.insert(key.to_string(), value);
        }
    };
    put("name", json!(m.name));
    put("home", json!(m.home));
    put("sources", json!(m.sources));
    put("version", json!(m.version));
    put("description", json!(m.description));
    put("keywords", json!(m.keywords));
    put(
        "maintainers",
        m.maintainers
            .iter()
            .map(|x| json!({"name": x.name, "email": x.email, "url": x.url}))
            .collect(),
    );
    put("icon", json!(m.icon));
    put("apiVersion", json!(m.api_version));
    put("condition", json!(m.condition));
    put("tags", json!(m.tags));
    put("appVersion", json!(m.app_version));
    put("deprecated", json!(m.deprecated));
    put(
        "annotations",
        m.annotations.as_ref().map_or(Json::Null, |a| json!(a)),
    );
    put("kubeVersion", json!(m.kube_version));
    put(
        "dependencies",
        m.dependencies
            .iter()
            .map(|d| {
                json!({"name": d.name, "version": d.version, "repository": d.repository,
                       "condition": d.condition, "tags": d.tags, "enabled": d.enabled, "alias": d.alias})
            })
            .collect(),
    );
    put("type", json!(m.chart_type));
    Json::Object(out)
}

fn file_refs(files: &[slipway_chart::File]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|f| (f.name.as_str(), &f.data[..]))
        .collect()
}

/// The chart as stored in the release record.
fn chart_json(chart: &Chart) -> Json {
    chart_record(
        metadata_json(chart),
        &file_refs(&chart.templates),
        &file_refs(&chart.files),
        slipway_value::Value::Dict(chart.values.clone()).to_json(),
        chart.schema.as_deref(),
    )
}

/// Annotations (werf's service annotations, `$WERF_ADD_ANNOTATION_*`, `--add-annotation`)
/// and labels (`$WERF_ADD_LABEL_*`, `--add-label`) for every resource.
fn extra_metadata(
    args: &RenderArgs,
    project: Option<&str>,
) -> anyhow::Result<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let from_env = |prefix: &str| -> Vec<String> {
        let mut vars: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        vars.sort();
        vars.into_iter().map(|(_, v)| v).collect()
    };
    let mut annotations = key_values("WERF_ADD_ANNOTATION_*", &from_env("WERF_ADD_ANNOTATION_"))?;
    annotations.extend(key_values("--add-annotation", &args.add_annotation)?);
    annotations.insert("werf.io/version".into(), WERF_VERSION.to_owned());
    if let Some(project) = project {
        annotations.insert("project.werf.io/name".into(), project.to_string());
        annotations.insert("project.werf.io/env".into(), args.chart.env.clone());
    }
    let mut labels = key_values("WERF_ADD_LABEL_*", &from_env("WERF_ADD_LABEL_"))?;
    labels.extend(key_values("--add-label", &args.add_label)?);
    Ok((annotations, labels))
}

/// Renders the chart into a deploy request for the release in the cluster.
pub async fn render_request(
    args: &RenderArgs,
    cluster_args: &ClusterArgs,
    options: DeployOptions,
) -> anyhow::Result<(Cluster, DeployRequest)> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let secrets = ProjectSecrets::new(&args.chart, &env);
    let project = args
        .chart
        .project_options(cluster_args.namespace.clone(), env)?;
    let mut setup = slipway_chart::setup_render(&project, Some(&secrets))?;
    let mut cluster_args = cluster_args.clone();
    cluster_args.namespace = Some(setup.release.namespace.clone());
    let (cluster, namespace) = cluster_args.connect().await?;
    let storage_ns = options
        .storage_namespace
        .clone()
        .unwrap_or_else(|| namespace.clone());
    let history = ReleaseStorage::new(cluster.clone(), options.storage, storage_ns)
        .history(&setup.release.name)
        .await?;
    let upgrade = history.iter().any(|r| {
        matches!(
            r.info.status,
            ReleaseStatus::Deployed | ReleaseStatus::Superseded
        )
    });
    setup.release.revision = history.last().map_or(1, |r| i64::from(r.version) + 1);
    setup.release.is_install = !upgrade;
    setup.release.is_upgrade = upgrade;
    let project_name = setup.werf.as_ref().map(|w| w.project.clone());
    let custom_funcs = if setup.werf.is_some() {
        secrets.secret_file_function(&setup.chart)?
    } else {
        FuncMap::new()
    };
    let user_values = slipway_value::Value::Dict(setup.user_values.clone()).to_json();
    let release_name = setup.release.name.clone();
    let rendered = slipway_engine::render_release(
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
    let mut manifests: Vec<ManifestFile> = rendered
        .crds
        .iter()
        .map(|c| ManifestFile {
            source: c.source.clone(),
            content: c.text.clone(),
        })
        .collect();
    manifests.extend(rendered.manifests.iter().map(|m| ManifestFile {
        source: m.source.clone(),
        content: m.text.clone(),
    }));
    manifests.extend(rendered.hooks.iter().map(|h| ManifestFile {
        source: h.source.clone(),
        content: h.text.clone(),
    }));
    let (annotations, labels) = extra_metadata(args, project_name.as_deref())?;
    let request = DeployRequest {
        release: release_name,
        namespace,
        chart: chart_json(&rendered.chart),
        config: user_values.as_object().cloned().unwrap_or_default(),
        manifests,
        notes: rendered.notes,
        options: DeployOptions {
            annotations,
            labels,
            masker: secrets.masker().clone(),
            ..options
        },
    };
    Ok((cluster, request))
}

/// Arguments of `slipway converge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    render: RenderArgs,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Give up after this long (Go duration: `5m`, `1h30m`; `0` = no limit).
    #[arg(long, env = "WERF_TIMEOUT", default_value = "0")]
    timeout: String,
    /// Roll back to the last deployed revision when the deploy fails.
    #[arg(long, env = "WERF_AUTO_ROLLBACK")]
    auto_rollback: bool,
    /// Do not stream pod logs.
    #[arg(long)]
    no_pod_logs: bool,
    /// Fail on manifests with unknown or mistyped fields (default: warn and record them in
    /// `debug.werf.io/validation-messages`).
    #[arg(long)]
    strict: bool,
    /// How often the status table is printed (Go duration).
    #[arg(long, default_value = "5s")]
    progress_interval: String,
}

/// Runs `slipway converge`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let mut options = deploy_options(&args.cluster, &args.timeout)?;
        options.auto_rollback = args.auto_rollback;
        options.track.logs = !args.no_pod_logs;
        options.strict = args.strict;
        options.track.progress_interval = parse_go_duration(&args.progress_interval)
            .map_err(|e| anyhow::anyhow!("--progress-interval: {e}"))?;
        let (cluster, request) = render_request(&args.render, &args.cluster, options).await?;
        let reporter = TerminalReporter::new();
        let outcome = slipway_deploy::converge(&cluster, &request, &reporter).await?;
        if !outcome.notes.trim().is_empty() {
            println!("NOTES:\n{}", outcome.notes.trim_end());
        }
        Ok(ExitCode::SUCCESS)
    })
}
