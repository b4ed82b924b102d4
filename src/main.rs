//! The `slipway` command line.

use clap::Parser;

/// Kubernetes deploy tool: Helm-compatible render, werf-compatible converge.
#[derive(Debug, Parser)]
#[command(name = "slipway", version, about)]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
