//! `slipway sim`.

use std::process::ExitCode;

/// Arguments of `slipway sim`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway sim`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway sim is not implemented yet")
}
