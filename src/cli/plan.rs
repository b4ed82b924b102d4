//! `slipway plan`: what converge would change, with diffs; nothing is changed.

use std::process::ExitCode;

use slipway_deploy::report::Action;

use super::converge::{ClusterArgs, RenderArgs, TerminalReporter, block_on, deploy_options};

/// Arguments of `slipway plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    render: RenderArgs,
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Exit with code 2 when there are changes (0 when none).
    #[arg(long)]
    exit_code: bool,
}

/// Runs `slipway plan`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let options = deploy_options(&args.cluster, "0")?;
        let (cluster, request) =
            super::converge::render_request(&args.render, &args.cluster, options).await?;
        let reporter = TerminalReporter::new();
        let plan = slipway_deploy::plan(&cluster, &request, &reporter).await?;
        for change in plan
            .changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
        {
            println!("{}: {}", change.action.as_str(), change.resource);
            for line in change.diff.lines() {
                println!("    {line}");
            }
        }
        println!(
            "Planned changes summary for release {:?} (namespace {:?}): create {}, update {}, delete {}, unchanged {}",
            request.release,
            request.namespace,
            plan.count(Action::Create),
            plan.count(Action::Update),
            plan.count(Action::Delete),
            plan.count(Action::Unchanged)
        );
        Ok(if args.exit_code && plan.has_changes() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        })
    })
}
