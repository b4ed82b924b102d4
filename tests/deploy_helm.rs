//! Helm compatibility of slipway's releases, checked with the real `helm` binary against the
//! simulated cluster: helm reads (status, history, get values) and rolls back releases
//! slipway wrote, and slipway upgrades a release `helm install` created.
//!
//! `helm` is found in `.tools/bin` or on PATH (`slipway_testkit::oracle`); without it the
//! tests print a notice and pass, unless `SLIPWAY_REQUIRE_ORACLES=1`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use slipway_deploy::report::MemoryReporter;
use slipway_deploy::{
    Cluster, ClusterOptions, DeployOptions, DeployRequest, ManifestFile, ObjectKey, ReleaseStatus,
    ReleaseStorage, StorageDriver,
};
use slipway_sim::{Sim, SimHandle, SimOptions};
use slipway_testkit::{ScratchDir, oracle};

struct Env {
    _sim: SimHandle,
    kubeconfig: PathBuf,
    cluster: Cluster,
    dir: ScratchDir,
}

async fn start() -> Env {
    let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
    let dir = ScratchDir::new("deploy-helm");
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let cluster = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(kubeconfig.clone()),
        context: None,
    })
    .await
    .unwrap();
    Env {
        _sim: sim,
        kubeconfig,
        cluster,
        dir,
    }
}

/// Runs helm against the simulator and returns stdout, failing the test on a non-zero exit.
async fn run_helm(env: &Env, helm: &Path, args: &[&str]) -> String {
    let output = tokio::process::Command::new(helm)
        .args(args)
        .env("KUBECONFIG", &env.kubeconfig)
        .env("HELM_CACHE_HOME", env.dir.path().join("cache"))
        .env("HELM_CONFIG_HOME", env.dir.path().join("config"))
        .env("HELM_DATA_HOME", env.dir.path().join("data"))
        .output()
        .await
        .expect("helm runs");
    assert!(
        output.status.success(),
        "helm {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn configmap_template(value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: {value:?}\n"
    )
}

/// A request whose stored chart carries the template itself, so helm can re-render it.
fn request(release: &str, namespace: &str, template: &str, config: Value) -> DeployRequest {
    let mut options = DeployOptions {
        timeout: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    options.track.poll_interval = Duration::from_millis(100);
    DeployRequest {
        release: release.into(),
        namespace: namespace.into(),
        chart: json!({
            "metadata": {"name": "demo", "version": "0.1.0", "apiVersion": "v2", "appVersion": "1.0"},
            "templates": [{"name": "templates/cm.yaml", "data": base64(template.as_bytes())}],
            "values": {},
        }),
        config: config.as_object().cloned().unwrap_or_default(),
        manifests: vec![ManifestFile {
            source: "demo/templates/cm.yaml".into(),
            content: template.into(),
        }],
        notes: String::new(),
        options,
    }
}

async fn settings_value(cluster: &Cluster, namespace: &str) -> Value {
    let key = ObjectKey {
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        namespace: Some(namespace.into()),
        name: "settings".into(),
    };
    cluster.get(&key).await.unwrap().expect("settings exists")["data"]["value"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_reads_and_rolls_back_slipway_releases() {
    let Some(helm) = oracle("helm", "helm_reads_and_rolls_back_slipway_releases") else {
        return;
    };
    let env = start().await;
    let reporter = MemoryReporter::default();
    let v1 = request(
        "demo",
        "demo",
        &configmap_template("one"),
        json!({"tier": "web"}),
    );
    slipway_deploy::converge(&env.cluster, &v1, &reporter)
        .await
        .unwrap();
    let v2 = request(
        "demo",
        "demo",
        &configmap_template("two"),
        json!({"tier": "api"}),
    );
    slipway_deploy::converge(&env.cluster, &v2, &reporter)
        .await
        .unwrap();

    let status: Value = serde_json::from_str(
        &run_helm(&env, &helm, &["status", "demo", "-n", "demo", "-o", "json"]).await,
    )
    .unwrap();
    assert_eq!(status["info"]["status"], "deployed");
    assert_eq!(status["version"], 2);
    let history: Value = serde_json::from_str(
        &run_helm(
            &env,
            &helm,
            &["history", "demo", "-n", "demo", "-o", "json"],
        )
        .await,
    )
    .unwrap();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["superseded", "deployed"]);
    assert_eq!(history[1]["chart"], "demo-0.1.0");
    let values: Value = serde_json::from_str(
        &run_helm(
            &env,
            &helm,
            &["get", "values", "demo", "-n", "demo", "-o", "json"],
        )
        .await,
    )
    .unwrap();
    assert_eq!(values, json!({"tier": "api"}));
    if let Some(helm3) = oracle("helm3", "the helm3 checks") {
        let status: Value = serde_json::from_str(
            &run_helm(
                &env,
                &helm3,
                &["status", "demo", "-n", "demo", "-o", "json"],
            )
            .await,
        )
        .unwrap();
        assert_eq!(status["info"]["status"], "deployed");
        let values = run_helm(
            &env,
            &helm3,
            &["get", "values", "demo", "-n", "demo", "-o", "json"],
        )
        .await;
        assert_eq!(
            serde_json::from_str::<Value>(&values).unwrap(),
            json!({"tier": "api"})
        );
    }
    let manifest = run_helm(&env, &helm, &["get", "manifest", "demo", "-n", "demo"]).await;
    assert!(
        manifest.contains("# Source: demo/templates/cm.yaml") && manifest.contains("\"two\""),
        "{manifest}"
    );

    // Helm 4 applies server-side as manager "helm": fields slipway owns need its
    // --force-conflicts, as with any other field manager.
    run_helm(
        &env,
        &helm,
        &[
            "rollback",
            "demo",
            "1",
            "-n",
            "demo",
            "--wait",
            "--force-conflicts",
        ],
    )
    .await;
    assert_eq!(settings_value(&env.cluster, "demo").await, "one");
    let ours = ReleaseStorage::new(env.cluster.clone(), StorageDriver::Secret, "demo");
    let history = ours.history("demo").await.unwrap();
    let statuses: Vec<(u32, ReleaseStatus)> =
        history.iter().map(|r| (r.version, r.info.status)).collect();
    assert_eq!(
        statuses,
        [
            (1, ReleaseStatus::Superseded),
            (2, ReleaseStatus::Superseded),
            (3, ReleaseStatus::Deployed)
        ]
    );

    // A failed converge shows as failed to helm.
    let failing_hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: check\n  annotations:\n    helm.sh/hook: post-upgrade\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sim.slipway.dev/exit-code: \"1\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: busybox\n";
    let mut v4 = request("demo", "demo", &configmap_template("four"), json!({}));
    v4.manifests.push(ManifestFile {
        source: "demo/templates/hook.yaml".into(),
        content: failing_hook.into(),
    });
    slipway_deploy::converge(&env.cluster, &v4, &reporter)
        .await
        .unwrap_err();
    let status: Value = serde_json::from_str(
        &run_helm(&env, &helm, &["status", "demo", "-n", "demo", "-o", "json"]).await,
    )
    .unwrap();
    assert_eq!(status["info"]["status"], "failed");
    assert_eq!(status["version"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slipway_upgrades_a_release_helm_installed() {
    let Some(helm) = oracle("helm", "slipway_upgrades_a_release_helm_installed") else {
        return;
    };
    let env = start().await;
    let chart = env.dir.path().join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        configmap_template("from-helm"),
    )
    .unwrap();
    let chart_arg = chart.to_string_lossy().into_owned();
    run_helm(
        &env,
        &helm,
        &[
            "install",
            "legacy",
            &chart_arg,
            "-n",
            "legacy",
            "--create-namespace",
            "--wait",
        ],
    )
    .await;
    assert_eq!(settings_value(&env.cluster, "legacy").await, "from-helm");

    let reporter = MemoryReporter::default();
    let upgrade = request(
        "legacy",
        "legacy",
        &configmap_template("from-slipway"),
        json!({}),
    );
    let outcome = slipway_deploy::converge(&env.cluster, &upgrade, &reporter)
        .await
        .unwrap();
    assert_eq!(outcome.revision, 2);
    assert_eq!(settings_value(&env.cluster, "legacy").await, "from-slipway");
    let history: Value = serde_json::from_str(
        &run_helm(
            &env,
            &helm,
            &["history", "legacy", "-n", "legacy", "-o", "json"],
        )
        .await,
    )
    .unwrap();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["superseded", "deployed"]);
    // Nothing is left over from helm's revision (no duplicate or orphaned ConfigMap).
    let configmaps = env
        .cluster
        .list("v1", "ConfigMap", Some("legacy"), None)
        .await
        .unwrap();
    let names: Vec<&str> = configmaps
        .iter()
        .filter_map(|c| c["metadata"]["name"].as_str())
        .collect();
    assert!(names.contains(&"settings"), "{names:?}");
}
