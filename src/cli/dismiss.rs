//! `slipway dismiss`.

use std::process::ExitCode;

/// Arguments of `slipway dismiss`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway dismiss`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway dismiss is not implemented yet")
}
