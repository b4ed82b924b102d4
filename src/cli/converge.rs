//! `slipway converge`.

use std::process::ExitCode;

/// Arguments of `slipway converge`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway converge`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway converge is not implemented yet")
}
