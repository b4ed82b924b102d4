//! `slipway render`.

use std::process::ExitCode;

/// Arguments of `slipway render`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `slipway render`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("slipway render is not implemented yet")
}
