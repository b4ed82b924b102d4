//! `slipway release ...`.

use std::process::ExitCode;

/// The `slipway release` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs a `slipway release` subcommand.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
