//! Shared helpers of the oracle tests: checking the real `kubectl`/`helm` binaries, running
//! them against an in-process simulator, and polling for conditions with a deadline.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use slipway_sim::{Sim, SimHandle, SimOptions};

/// Finds a reference binary with [`slipway_testkit::oracle`] (`.tools/bin`, then PATH) and
/// checks it is the reference version. Returns `None` (after printing a notice) when absent or
/// of another version, or panics then when `SLIPWAY_REQUIRE_ORACLES=1`.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = slipway_testkit::oracle(name, "this oracle test")?;
    if version_ok(name, &found) {
        return Some(found);
    }
    assert!(
        std::env::var(slipway_testkit::REQUIRE_ORACLES).as_deref() != Ok("1"),
        "{name} is required (SLIPWAY_REQUIRE_ORACLES=1) but {} is not the reference version; run install-reference-tools.sh",
        found.display()
    );
    eprintln!(
        "notice: {} is not the reference {name}; skipping this oracle test",
        found.display()
    );
    None
}

/// Only the reference versions count (kubectl 1.35, helm v4, helm3 v3).
fn version_ok(name: &str, path: &Path) -> bool {
    let args: &[&str] = match name {
        "kubectl" => &["version", "--client"],
        _ => &["version", "--short"],
    };
    let Ok(out) = std::process::Command::new(path).args(args).output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match name {
        "kubectl" => text.contains("v1.35"),
        "helm" => text.contains("v4."),
        "helm3" => text.contains("v3."),
        _ => true,
    }
}

/// A running simulator with its kubeconfig file.
pub struct Env {
    /// The simulator.
    pub sim: SimHandle,
    /// Scratch directory (kubeconfig, charts, manifests).
    pub dir: PathBuf,
    /// The kubeconfig path.
    pub kubeconfig: PathBuf,
}

impl Env {
    /// Starts a simulator and writes its kubeconfig into a fresh scratch directory.
    pub async fn start(test: &str) -> Env {
        let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
        let dir = std::env::temp_dir().join(format!("slipway-sim-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let kubeconfig = dir.join("kubeconfig");
        sim.write_kubeconfig(&kubeconfig)
            .expect("kubeconfig written");
        Env {
            sim,
            dir,
            kubeconfig,
        }
    }

    /// Writes a file into the scratch directory and returns its path.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(&path, content).expect("file written");
        path
    }

    /// Runs a tool with `--kubeconfig` and returns its output.
    pub async fn run(&self, tool: &Path, args: &[&str]) -> Output {
        let mut cmd = tokio::process::Command::new(tool);
        cmd.arg("--kubeconfig").arg(&self.kubeconfig).args(args);
        cmd.env("HELM_CACHE_HOME", self.dir.join("helm-cache"))
            .env("HELM_CONFIG_HOME", self.dir.join("helm-config"))
            .env("HELM_DATA_HOME", self.dir.join("helm-data"))
            .env("KUBECACHEDIR", self.dir.join("kube-cache"));
        tokio::time::timeout(Duration::from_secs(120), cmd.output())
            .await
            .expect("tool finishes within 2 minutes")
            .expect("tool runs")
    }

    /// Runs a tool and asserts success, returning stdout.
    pub async fn ok(&self, tool: &Path, args: &[&str]) -> String {
        let out = self.run(tool, args).await;
        assert!(
            out.status.success(),
            "{} {:?} failed:\nstdout: {}\nstderr: {}",
            tool.display(),
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Removes the scratch directory.
    pub async fn finish(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        self.sim.shutdown().await.expect("sim stops");
    }
}

/// Polls an async condition until it holds or the deadline passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
