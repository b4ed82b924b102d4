//! `slipway sim`: runs a simulated Kubernetes cluster on loopback until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use slipway_sim::{Sim, SimOptions};

/// Arguments of `slipway sim`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to serve the API on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Write a kubeconfig for the simulator here once it accepts requests.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Number of simulated nodes.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// Load state from this file at start and save it there at shutdown.
    #[arg(long)]
    state: Option<PathBuf>,
}

/// Runs `slipway sim`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<ExitCode> {
    let options = SimOptions {
        listen: args.listen,
        nodes: args.nodes,
        state_file: args.state,
        ..SimOptions::default()
    };
    let sim = Sim::start(options)
        .await
        .context("starting the simulator")?;
    if let Some(path) = &args.kubeconfig {
        sim.write_kubeconfig(path)?;
    }
    eprintln!("slipway sim serving the Kubernetes API at {}", sim.url());
    wait_for_stop().await?;
    eprintln!("slipway sim stopping");
    sim.shutdown().await.context("stopping the simulator")?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_stop() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("waiting for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
