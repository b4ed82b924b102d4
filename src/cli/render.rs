//! `slipway render`: renders a chart as `helm template` does (and, in a werf project, as
//! `werf render` does: release and namespace from `werf.yaml`, secret values, service values).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use slipway_chart::ProjectOptions;
use slipway_engine::{
    EngineOptions, ReleaseOptions, RenderError, TemplateOutput, render_release, template_output,
};
use slipway_value::FuncMap;

use super::project::{ChartArgs, ProjectSecrets};

/// Arguments of `slipway render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    chart: ChartArgs,
    /// Release namespace; default from werf.yaml or `default`.
    #[arg(long, short = 'n')]
    namespace: Option<String>,
    /// Only show manifests rendered from these templates (glob patterns, repeatable).
    #[arg(long, short = 's')]
    show_only: Vec<String>,
    /// Write one file per template under this directory instead of printing.
    #[arg(long)]
    output_dir: Option<PathBuf>,
    /// Put the files under `OUTPUT_DIR/RELEASE/` (with `--output-dir`).
    #[arg(long)]
    release_name: bool,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0).
    #[arg(long)]
    kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(long, short = 'a', value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Print the charts' `crds/` files too.
    #[arg(long)]
    include_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    skip_tests: bool,
}

/// Runs `slipway render`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = render(&args).map_err(|e| {
        if e.is_render_failure() {
            anyhow!("{e}\n\nUse --debug flag to render out invalid YAML")
        } else {
            anyhow!("{e}")
        }
    })?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Renders as `args` ask and returns what to print.
fn render(args: &Args) -> Result<String, RenderError> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let secrets = ProjectSecrets::new(&args.chart, &env);
    let options = ProjectOptions {
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        ..args.chart.project_options(args.namespace.clone(), env)?
    };
    let setup = slipway_chart::setup_render(&options, Some(&secrets))?;
    let custom_funcs = if setup.werf.is_some() {
        secrets.secret_file_function(&setup.chart)?
    } else {
        FuncMap::new()
    };
    let release = render_release(
        setup.chart,
        &setup.user_values,
        &ReleaseOptions {
            release: setup.release,
            capabilities: setup.capabilities,
            prepare: setup.prepare,
            engine: EngineOptions {
                custom_funcs,
                ..EngineOptions::default()
            },
            subchart_notes: false,
        },
    )?;
    template_output(
        &release,
        &TemplateOutput {
            include_crds: args.include_crds,
            show_only: args.show_only.clone(),
            skip_tests: args.skip_tests,
            output_dir: args.output_dir.clone(),
            use_release_name: args.release_name,
        },
    )
}
