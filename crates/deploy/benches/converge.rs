//! Converges a 320-resource chart into the simulated cluster with slipway, and the same chart
//! with `helm upgrade --install --wait` into the same simulator (another namespace), then
//! prints both wall-clock times and the API requests each made.
//!
//! Run: `cargo bench -p slipway-deploy --bench converge` (helm from PATH or `.tools/bin`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use slipway_deploy::report::{Event, Reporter};
use slipway_deploy::{Cluster, ClusterOptions, DeployOptions, DeployRequest, ManifestFile};
use slipway_sim::{Sim, SimHandle, SimOptions};

const CONFIGMAPS: usize = 100;
const SECRETS: usize = 80;
const SERVICES: usize = 70;
const DEPLOYMENTS: usize = 70;

/// Counts what happened instead of printing it.
#[derive(Default)]
struct Quiet;

impl Reporter for Quiet {
    fn report(&self, event: Event) {
        if let Event::Warning(w) = event {
            eprintln!("warning: {w}");
        }
    }
}

fn templates() -> Vec<(String, String)> {
    let docs = |count: usize, make: &dyn Fn(usize) -> String| -> String {
        (0..count).map(|i| format!("---\n{}", make(i))).collect()
    };
    vec![
        (
            "configmaps.yaml".into(),
            docs(CONFIGMAPS, &|i| {
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\ndata:\n  index: \"{i}\"\n"
                )
            }),
        ),
        (
            "secrets.yaml".into(),
            docs(SECRETS, &|i| {
                format!(
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{i}\ntype: Opaque\ndata:\n  token: c2VjcmV0\n"
                )
            }),
        ),
        (
            "services.yaml".into(),
            docs(SERVICES, &|i| {
                format!(
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n  - port: 80\n"
                )
            }),
        ),
        (
            "deployments.yaml".into(),
            docs(DEPLOYMENTS, &|i| {
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n"
                )
            }),
        ),
    ]
}

fn helm_binary() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/bin/helm");
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("helm"))
        .chain([local])
        .find(|p| p.is_file())
}

fn delta(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(verb, n)| (verb.clone(), n - before.get(verb).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn report(tool: &str, elapsed: Duration, requests: &BTreeMap<String, u64>) {
    let total: u64 = requests.values().sum();
    println!(
        "{tool:<28} {:>8.2}s {total:>8} requests  {requests:?}",
        elapsed.as_secs_f64()
    );
}

async fn run_slipway(sim: &SimHandle, cluster: &Cluster) -> (Duration, BTreeMap<String, u64>) {
    let mut options = DeployOptions {
        timeout: Some(Duration::from_secs(600)),
        ..Default::default()
    };
    options.track.progress_interval = Duration::from_secs(3600);
    options.track.logs = false;
    let request = DeployRequest {
        release: "bench".into(),
        namespace: "bench-slipway".into(),
        chart: serde_json::json!({"metadata": {"name": "bench", "version": "0.1.0", "apiVersion": "v2"}}),
        manifests: templates()
            .into_iter()
            .map(|(name, content)| ManifestFile {
                source: format!("bench/templates/{name}"),
                content,
            })
            .collect(),
        options,
        ..Default::default()
    };
    let before = sim.request_count();
    let start = Instant::now();
    slipway_deploy::converge(cluster, &request, &Quiet)
        .await
        .expect("slipway converge");
    (start.elapsed(), delta(&before, &sim.request_count()))
}

fn run_helm(sim: &SimHandle, helm: &Path, dir: &Path) -> (Duration, BTreeMap<String, u64>) {
    let chart = dir.join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: bench\nversion: 0.1.0\n",
    )
    .unwrap();
    for (name, content) in templates() {
        std::fs::write(chart.join("templates").join(name), content).unwrap();
    }
    let before = sim.request_count();
    let start = Instant::now();
    let status = std::process::Command::new(helm)
        .args(["upgrade", "--install", "bench", &chart.to_string_lossy()])
        .args([
            "-n",
            "bench-helm",
            "--create-namespace",
            "--wait",
            "--timeout",
            "10m",
        ])
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("HELM_CACHE_HOME", dir.join("cache"))
        .env("HELM_CONFIG_HOME", dir.join("config"))
        .env("HELM_DATA_HOME", dir.join("data"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("helm runs");
    assert!(status.success(), "helm upgrade --install failed");
    (start.elapsed(), delta(&before, &sim.request_count()))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
        let dir = std::env::temp_dir().join(format!("slipway-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        sim.write_kubeconfig(&dir.join("kubeconfig")).unwrap();
        let cluster = Cluster::connect(&ClusterOptions {
            kubeconfig: Some(dir.join("kubeconfig")),
            context: None,
        })
        .await
        .unwrap();
        let resources = CONFIGMAPS + SECRETS + SERVICES + DEPLOYMENTS;
        println!(
            "converging a chart of {resources} resources into slipway sim ({})",
            sim.url()
        );
        let (slipway_time, slipway_requests) = run_slipway(&sim, &cluster).await;
        report("slipway converge", slipway_time, &slipway_requests);
        match helm_binary() {
            Some(helm) => {
                let dir2 = dir.clone();
                let (helm_time, helm_requests) =
                    tokio::task::block_in_place(|| run_helm(&sim, &helm, &dir2));
                report("helm upgrade --install --wait", helm_time, &helm_requests);
                println!(
                    "speed-up: {:.1}x, requests: {} vs {}",
                    helm_time.as_secs_f64() / slipway_time.as_secs_f64(),
                    slipway_requests.values().sum::<u64>(),
                    helm_requests.values().sum::<u64>()
                );
            }
            None => println!("helm not found on PATH or in .tools/bin: helm part skipped"),
        }
        let _ = std::fs::remove_dir_all(&dir);
        sim.shutdown().await.unwrap();
    });
}
