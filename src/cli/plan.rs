//! `slipway plan`.

use std::process::ExitCode;

/// Arguments of `slipway plan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway plan`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway plan is not implemented yet")
}
