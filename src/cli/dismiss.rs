//! `slipway dismiss`: uninstall a release and its resources.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use slipway_chart::WerfConfig;

use super::converge::{ClusterArgs, TerminalReporter, block_on, deploy_options};

/// Arguments of `slipway dismiss`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Release name (default: werf's `PROJECT-ENV` from `werf.yaml`).
    #[arg(long, env = "WERF_RELEASE")]
    release: Option<String>,
    /// Environment, for werf's release and namespace names.
    #[arg(long, env = "WERF_ENV", default_value = "")]
    env: String,
    /// Project directory (where `werf.yaml` is looked for).
    #[arg(long, env = "WERF_DIR", default_value = ".")]
    dir: PathBuf,
    /// Also delete the release namespace.
    #[arg(long)]
    with_namespace: bool,
    /// Give up after this long (Go duration; `0` = no limit).
    #[arg(long, default_value = "0")]
    timeout: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// The release name and namespace: explicit flags, else werf's names from `werf.yaml`, else
/// (namespace only) `None` for the context's namespace.
pub fn release_names(
    dir: &Path,
    env: &str,
    release: Option<&str>,
    namespace: Option<&str>,
) -> anyhow::Result<(String, Option<String>)> {
    let vars: std::collections::BTreeMap<String, String> = std::env::vars().collect();
    match WerfConfig::find(dir, &vars, env)? {
        Some(werf) => {
            let ns = werf.namespace(namespace, env)?;
            let rel = werf.release(release, env, &ns)?;
            Ok((rel, Some(ns)))
        }
        None => {
            let release = release.ok_or_else(|| {
                anyhow::anyhow!("no release given: use --release, or run in a werf project")
            })?;
            Ok((release.to_string(), namespace.map(str::to_string)))
        }
    }
}

/// Runs `slipway dismiss`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let (release, namespace) = release_names(
            &args.dir,
            &args.env,
            args.release.as_deref(),
            args.cluster.namespace.as_deref(),
        )?;
        let mut cluster_args = args.cluster.clone();
        cluster_args.namespace = namespace;
        let (cluster, namespace) = cluster_args.connect().await?;
        let options = deploy_options(&cluster_args, &args.timeout)?;
        let reporter = TerminalReporter::new();
        let deleted = slipway_deploy::dismiss(
            &cluster,
            &release,
            &namespace,
            args.with_namespace,
            &options,
            &reporter,
        )
        .await?;
        println!(
            "Release {release:?} (namespace {namespace:?}) uninstalled: {} resource(s) deleted",
            deleted.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}
