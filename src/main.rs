//! The `slipway` command line: parses arguments and hands each command to its module in
//! [`cli`]. Everything below the CLI is a library that returns errors instead of exiting.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Kubernetes deploy tool: Helm-compatible render, werf-compatible converge.
#[derive(Debug, Parser)]
#[command(name = "slipway", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands of the deploy engine.
#[derive(Debug, Subcommand)]
enum Command {
    /// Render a chart as `helm template` does.
    Render(cli::render::Args),
    /// Deploy a chart: render, apply, track to readiness, record the release.
    #[command(alias = "deploy")]
    Converge(cli::converge::Args),
    /// Show what converge would change.
    Plan(cli::plan::Args),
    /// Uninstall a release and its resources.
    Dismiss(cli::dismiss::Args),
    /// Inspect and roll back releases.
    #[command(subcommand)]
    Release(cli::release::Command),
    /// Encrypt, decrypt and edit werf-compatible secrets.
    #[command(subcommand)]
    Secret(cli::secret::Command),
    /// Run a simulated Kubernetes cluster on loopback.
    Sim(cli::sim::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render(args) => cli::render::run(args),
        Command::Converge(args) => cli::converge::run(args),
        Command::Plan(args) => cli::plan::run(args),
        Command::Dismiss(args) => cli::dismiss::run(args),
        Command::Release(command) => cli::release::run(command),
        Command::Secret(command) => cli::secret::run(command),
        Command::Sim(args) => cli::sim::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
