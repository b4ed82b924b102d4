//! `slipway release list|history|rollback`: releases as Helm stores them (ours and Helm's).

use std::process::ExitCode;

use anyhow::Context;
use slipway_deploy::{ReleaseStorage, rollback};

use super::converge::{ClusterArgs, TerminalReporter, block_on, deploy_options};

/// The `slipway release` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the releases of a namespace (latest revision of each).
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show every revision of a release.
    History(HistoryArgs),
    /// Roll a release back to a revision (default: the previous one).
    Rollback(RollbackArgs),
}

/// Arguments of `slipway release list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// List the releases of every namespace.
    #[arg(long, short = 'A')]
    all_namespaces: bool,
}

/// Arguments of `slipway release history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Release name.
    release: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// Arguments of `slipway release rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// Release name.
    release: String,
    /// Revision to roll back to (default: the previous one).
    revision: Option<u32>,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Give up after this long (Go duration: `5m`, `1h30m`; `0` = no limit).
    #[arg(long, default_value = "0")]
    timeout: String,
}

/// Runs a `slipway release` subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    block_on(async move {
        match command {
            Command::List(args) => list(args).await,
            Command::History(args) => history(args).await,
            Command::Rollback(args) => rollback_cmd(args).await,
        }
    })
}

fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("\t").trim_end());
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}

async fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let (cluster, namespace) = args.cluster.connect().await?;
    let namespace = if args.all_namespaces {
        String::new()
    } else {
        args.cluster
            .release_storage_namespace
            .clone()
            .unwrap_or(namespace)
    };
    let storage = ReleaseStorage::new(cluster, args.cluster.storage()?, &namespace);
    let releases = storage.list_latest().await.context("listing releases")?;
    let rows: Vec<Vec<String>> = releases
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.namespace.clone(),
                r.version.to_string(),
                r.info.last_deployed.clone().unwrap_or_default(),
                r.info.status.to_string(),
                r.chart_label(),
                r.app_version().to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "NAME",
            "NAMESPACE",
            "REVISION",
            "UPDATED",
            "STATUS",
            "CHART",
            "APP VERSION",
        ],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}

async fn history(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let (cluster, namespace) = args.cluster.connect().await?;
    let storage = ReleaseStorage::new(cluster, args.cluster.storage()?, &namespace);
    let history = storage.history(&args.release).await?;
    if history.is_empty() {
        anyhow::bail!(
            "release {:?}: not found in namespace {namespace:?}",
            args.release
        );
    }
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|r| {
            vec![
                r.version.to_string(),
                r.info.last_deployed.clone().unwrap_or_default(),
                r.info.status.to_string(),
                r.chart_label(),
                r.app_version().to_string(),
                r.info.description.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "REVISION",
            "UPDATED",
            "STATUS",
            "CHART",
            "APP VERSION",
            "DESCRIPTION",
        ],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}

async fn rollback_cmd(args: RollbackArgs) -> anyhow::Result<ExitCode> {
    let (cluster, namespace) = args.cluster.connect().await?;
    let options = deploy_options(&args.cluster, &args.timeout)?;
    let reporter = TerminalReporter::new();
    let outcome = rollback(
        &cluster,
        &args.release,
        &namespace,
        args.revision,
        &options,
        &reporter,
    )
    .await?;
    println!(
        "Rollback was a success: release {:?} is now at revision {}",
        args.release, outcome.revision
    );
    Ok(ExitCode::SUCCESS)
}
