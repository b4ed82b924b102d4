//! The deploy commands of the `slipway` binary against the simulated cluster: converge, a
//! converge killed with SIGKILL mid-deploy followed by a successful one, plan exit codes,
//! release history and dismiss.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use slipway_deploy::{Cluster, ClusterOptions, ReleaseStatus, ReleaseStorage, StorageDriver};
use slipway_sim::{Sim, SimHandle, SimOptions};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

struct Env {
    _sim: SimHandle,
    dir: PathBuf,
    cluster: Cluster,
}

impl Env {
    async fn start() -> Env {
        let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
        let dir = std::env::temp_dir().join(format!(
            "slipway-deploy-cli-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(dir.join("chart/templates")).unwrap();
        sim.write_kubeconfig(&dir.join("kubeconfig")).unwrap();
        std::fs::write(
            dir.join("chart/Chart.yaml"),
            "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        )
        .unwrap();
        let cluster = Cluster::connect(&ClusterOptions {
            kubeconfig: Some(dir.join("kubeconfig")),
            context: None,
        })
        .await
        .unwrap();
        Env {
            _sim: sim,
            dir,
            cluster,
        }
    }

    fn write_chart(&self, ready_after: &str) {
        let template = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  message: {{{{ .Values.message | default \"hi\" | quote }}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n        sim.slipway.dev/ready-after: {ready_after}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n"
        );
        std::fs::write(self.dir.join("chart/templates/app.yaml"), template).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
        command
            .args(args)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        command
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::from(self.command(args));
        command.output().await.expect("slipway runs")
    }

    async fn history(&self) -> Vec<(u32, ReleaseStatus)> {
        ReleaseStorage::new(self.cluster.clone(), StorageDriver::Secret, "demo")
            .history("demo")
            .await
            .unwrap()
            .iter()
            .map(|r| (r.version, r.info.status))
            .collect()
    }
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

const CONVERGE: &[&str] = &[
    "converge",
    "chart",
    "--release",
    "demo",
    "-n",
    "demo",
    "--timeout",
    "2m",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converge_plan_history_and_dismiss() {
    let env = Env::start().await;
    env.write_chart("100ms");
    let plan = env
        .run(&[
            "plan",
            "chart",
            "--release",
            "demo",
            "-n",
            "demo",
            "--exit-code",
        ])
        .await;
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(
        String::from_utf8_lossy(&plan.stdout).contains("create: Deployment/web"),
        "{}",
        text(&plan)
    );

    let converge = env.run(CONVERGE).await;
    assert!(converge.status.success(), "{}", text(&converge));
    let stdout = String::from_utf8_lossy(&converge.stdout);
    assert!(
        stdout.contains("Deployment/web") && stdout.contains("READY"),
        "{}",
        text(&converge)
    );

    let plan = env
        .run(&[
            "plan",
            "chart",
            "--release",
            "demo",
            "-n",
            "demo",
            "--exit-code",
        ])
        .await;
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let plan = env
        .run(&[
            "plan",
            "chart",
            "--release",
            "demo",
            "-n",
            "demo",
            "--exit-code",
            "--set",
            "message=bye",
        ])
        .await;
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(
        String::from_utf8_lossy(&plan.stdout).contains("+  message: bye"),
        "{}",
        text(&plan)
    );

    let history = env.run(&["release", "history", "demo", "-n", "demo"]).await;
    assert!(
        String::from_utf8_lossy(&history.stdout).contains("deployed"),
        "{}",
        text(&history)
    );

    let dismiss = env
        .run(&["dismiss", "--release", "demo", "-n", "demo"])
        .await;
    assert!(dismiss.status.success(), "{}", text(&dismiss));
    assert!(env.history().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_converge_killed_with_sigkill_is_followed_by_a_successful_one() {
    let env = Env::start().await;
    env.write_chart("1h");
    let mut child = env
        .command(CONVERGE)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.history().await != [(1, ReleaseStatus::PendingInstall)] {
        assert!(
            Instant::now() < deadline,
            "the first converge never recorded its revision"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();

    env.write_chart("100ms");
    let converge = env.run(CONVERGE).await;
    assert!(converge.status.success(), "{}", text(&converge));
    assert!(
        String::from_utf8_lossy(&converge.stderr).contains("interrupted run"),
        "{}",
        text(&converge)
    );
    assert_eq!(
        env.history().await,
        [(1, ReleaseStatus::Failed), (2, ReleaseStatus::Deployed)]
    );
}
