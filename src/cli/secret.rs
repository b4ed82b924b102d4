//! `slipway secret ...`.

use std::process::ExitCode;

/// The `slipway secret` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs a `slipway secret` subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
