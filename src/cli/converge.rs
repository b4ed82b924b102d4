//! `slipway converge` (alias `deploy`), plus what the deploy commands share: cluster and
//! release-storage flags, the terminal/CI reporter and the async runtime.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use slipway_deploy::duration::parse_go_duration;
use slipway_deploy::report::{Event, StatusRow, render_status_table};
use slipway_deploy::{Cluster, ClusterOptions, DeployOptions, Reporter, StorageDriver};

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
                container,
                line,
                ..
            } => println!("{resource}/{container} | {line}"),
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

/// Arguments of `slipway converge`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway converge`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway converge is not implemented yet")
}
