//! End-to-end tests of the deploy engine against the in-process simulated cluster.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use slipway_deploy::report::{Action, Event, MemoryReporter, Reporter};
use slipway_deploy::{
    Cluster, ClusterOptions, DeployOptions, DeployRequest, ManifestFile, ObjectKey, Release,
    ReleaseStatus, ReleaseStorage, StorageDriver,
};
use slipway_sim::{Sim, SimHandle, SimOptions};

/// Keeps events and echoes them to stderr (shown with `--nocapture`).
#[derive(Default)]
struct TestReporter(MemoryReporter);

impl TestReporter {
    fn events(&self) -> Vec<Event> {
        self.0.events()
    }
}

impl Reporter for TestReporter {
    fn report(&self, event: Event) {
        eprintln!("{event:?}");
        self.0.report(event);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

async fn start() -> (SimHandle, Cluster) {
    let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
    let path = std::env::temp_dir().join(format!(
        "slipway-deploy-e2e-{}-{}.kubeconfig",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    sim.write_kubeconfig(&path).unwrap();
    let cluster = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(path),
        context: None,
    })
    .await
    .expect("connects");
    (sim, cluster)
}

fn options() -> DeployOptions {
    let mut options = DeployOptions {
        timeout: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    options.track.poll_interval = Duration::from_millis(100);
    options.track.progress_interval = Duration::from_secs(1);
    options
}

fn request(release: &str, namespace: &str, templates: &[(&str, &str)]) -> DeployRequest {
    DeployRequest {
        release: release.into(),
        namespace: namespace.into(),
        chart: json!({"metadata": {"name": "app", "version": "0.1.0", "apiVersion": "v2"}, "templates": [], "values": {}}),
        config: serde_json::Map::new(),
        manifests: templates
            .iter()
            .map(|(source, content)| ManifestFile {
                source: format!("app/templates/{source}"),
                content: content.to_string(),
            })
            .collect(),
        notes: String::new(),
        options: options(),
    }
}

fn configmap(name: &str, value: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: {value:?}\n")
}

fn deployment(
    name: &str,
    replicas: u32,
    pod_annotations: &[(&str, &str)],
    annotations: &[(&str, &str)],
) -> String {
    let pod_annotations: String = pod_annotations
        .iter()
        .map(|(k, v)| format!("        {k}: {v:?}\n"))
        .collect();
    let annotations: String = annotations
        .iter()
        .map(|(k, v)| format!("    {k}: {v:?}\n"))
        .collect();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  annotations:\n    x: \"y\"\n{annotations}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n      annotations:\n        z: \"w\"\n{pod_annotations}    spec:\n      containers:\n      - name: main\n        image: nginx\n"
    )
}

fn job(name: &str, hook: &str, weight: i32, policy: &str, exit_code: u32) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {hook}\n    helm.sh/hook-weight: \"{weight}\"\n    helm.sh/hook-delete-policy: {policy}\nspec:\n  backoffLimit: 0\n  template:\n    metadata:\n      annotations:\n        sim.slipway.dev/exit-code: \"{exit_code}\"\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n        image: busybox\n"
    )
}

fn key(api_version: &str, kind: &str, namespace: &str, name: &str) -> ObjectKey {
    ObjectKey {
        api_version: api_version.into(),
        kind: kind.into(),
        namespace: Some(namespace.into()),
        name: name.into(),
    }
}

async fn history(cluster: &Cluster, namespace: &str, release: &str) -> Vec<Release> {
    ReleaseStorage::new(cluster.clone(), StorageDriver::Secret, namespace)
        .history(release)
        .await
        .unwrap()
}

fn statuses(history: &[Release]) -> Vec<(u32, ReleaseStatus)> {
    history.iter().map(|r| (r.version, r.info.status)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_then_upgrade_with_changed_and_removed_resources() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let v1 = request(
        "web",
        "prod",
        &[
            ("a.yaml", &configmap("a", "1")),
            ("b.yaml", &configmap("b", "1")),
            ("web.yaml", &deployment("web", 2, &[], &[])),
        ],
    );
    let outcome = slipway_deploy::converge(&cluster, &v1, &reporter)
        .await
        .expect("install succeeds");
    assert_eq!(outcome.revision, 1);
    let web = cluster
        .get(&key("apps/v1", "Deployment", "prod", "web"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(web["status"]["readyReplicas"], 2);
    assert_eq!(
        web["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "web"
    );
    assert_eq!(
        web["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );

    // The stored record is Helm's: name, labels, type.
    let secret = cluster
        .get(&key("v1", "Secret", "prod", "sh.helm.release.v1.web.v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(secret["type"], "helm.sh/release.v1");
    assert_eq!(secret["metadata"]["labels"]["owner"], "helm");
    assert_eq!(secret["metadata"]["labels"]["status"], "deployed");

    let v2 = request(
        "web",
        "prod",
        &[
            ("a.yaml", &configmap("a", "2")),
            ("c.yaml", &configmap("c", "1")),
            ("web.yaml", &deployment("web", 2, &[], &[])),
        ],
    );
    let outcome = slipway_deploy::converge(&cluster, &v2, &reporter)
        .await
        .expect("upgrade succeeds");
    assert_eq!(outcome.revision, 2);
    assert!(
        outcome
            .changes
            .contains(&("ConfigMap/b".to_string(), Action::Delete))
    );
    assert!(
        outcome
            .changes
            .contains(&("ConfigMap/c".to_string(), Action::Create))
    );
    let a = cluster
        .get(&key("v1", "ConfigMap", "prod", "a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a["data"]["key"], "2");
    assert!(
        cluster
            .get(&key("v1", "ConfigMap", "prod", "b"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        statuses(&history(&cluster, "prod", "web").await),
        [(1, ReleaseStatus::Superseded), (2, ReleaseStatus::Deployed)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_run_in_weight_then_name_order_with_delete_policies() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let req = request(
        "hooks",
        "hooks",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            (
                "h1.yaml",
                &job("b-second", "pre-install", 5, "hook-succeeded", 0),
            ),
            (
                "h2.yaml",
                &job("z-first", "pre-install", -1, "before-hook-creation", 0),
            ),
            (
                "h3.yaml",
                &job("a-second", "pre-install", 5, "hook-succeeded", 0),
            ),
            (
                "h4.yaml",
                &job(
                    "post",
                    "post-install,post-upgrade",
                    0,
                    "before-hook-creation",
                    0,
                ),
            ),
        ],
    );
    let outcome = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("install succeeds");
    let order: Vec<&str> = outcome
        .changes
        .iter()
        .filter(|(_, a)| *a == Action::Create || *a == Action::Recreate)
        .map(|(r, _)| r.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "Job/z-first",
            "Job/a-second",
            "Job/b-second",
            "ConfigMap/cfg",
            "Job/post"
        ]
    );
    // hook-succeeded hooks are gone; before-hook-creation hooks stay until the next run.
    assert!(
        cluster
            .get(&key("batch/v1", "Job", "hooks", "a-second"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        cluster
            .get(&key("batch/v1", "Job", "hooks", "z-first"))
            .await
            .unwrap()
            .is_some()
    );
    let rel = history(&cluster, "hooks", "hooks").await.pop().unwrap();
    assert_eq!(rel.hooks.len(), 4);
    assert!(!rel.manifest.contains("kind: Job"));
    // Upgrade: the existing post hook is recreated.
    let outcome = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("upgrade succeeds");
    assert!(
        outcome
            .changes
            .contains(&("Job/post".to_string(), Action::Recreate))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_hook_fails_release_and_removes_new_resources() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let req = request(
        "bad",
        "bad",
        &[
            ("cm.yaml", &configmap("fresh", "1")),
            (
                "hook.yaml",
                &job("check", "post-install", 0, "hook-failed", 3),
            ),
        ],
    );
    let err = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("post-install hook Job/check failed"), "{err}");
    assert!(
        cluster
            .get(&key("v1", "ConfigMap", "bad", "fresh"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        cluster
            .get(&key("batch/v1", "Job", "bad", "check"))
            .await
            .unwrap()
            .is_none()
    );
    let history = history(&cluster, "bad", "bad").await;
    assert_eq!(statuses(&history), [(1, ReleaseStatus::Failed)]);
    assert!(
        history[0].info.description.contains("Job/check"),
        "{}",
        history[0].info.description
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashloop_fails_within_allowed_failures_and_fail_modes_change_that() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let crash = [("sim.slipway.dev/fail", "CrashLoopBackOff")];
    let req = request(
        "crash",
        "crash",
        &[("web.yaml", &deployment("web", 1, &crash, &[]))],
    );
    let err = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Deployment/web failed") && err.contains("CrashLoopBackOff"),
        "{err}"
    );
    assert!(err.contains("allowed"), "{err}");
    assert!(
        cluster
            .get(&key("apps/v1", "Deployment", "crash", "web"))
            .await
            .unwrap()
            .is_none()
    );

    // The same crash with NonBlocking + IgnoreAndContinueDeployProcess does not fail the deploy.
    let ignore = [
        ("werf.io/fail-mode", "IgnoreAndContinueDeployProcess"),
        ("werf.io/track-termination-mode", "NonBlocking"),
    ];
    let req = request(
        "crash",
        "crash",
        &[
            ("web.yaml", &deployment("web", 1, &crash, &ignore)),
            ("cm.yaml", &configmap("cfg", "1")),
        ],
    );
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("ignored failure");
    assert_eq!(
        statuses(&history(&cluster, "crash", "crash").await),
        [(1, ReleaseStatus::Failed), (2, ReleaseStatus::Deployed)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_rollback_restores_the_last_deployed_revision() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let good = request(
        "rb",
        "rb",
        &[
            ("cm.yaml", &configmap("cfg", "good")),
            ("web.yaml", &deployment("web", 1, &[], &[])),
        ],
    );
    slipway_deploy::converge(&cluster, &good, &reporter)
        .await
        .unwrap();
    let crash = [("sim.slipway.dev/fail", "ImagePullBackOff")];
    let mut bad = request(
        "rb",
        "rb",
        &[
            ("cm.yaml", &configmap("cfg", "bad")),
            ("web.yaml", &deployment("web", 1, &crash, &[])),
        ],
    );
    bad.options.auto_rollback = true;
    slipway_deploy::converge(&cluster, &bad, &reporter)
        .await
        .unwrap_err();
    assert_eq!(
        statuses(&history(&cluster, "rb", "rb").await),
        [
            (1, ReleaseStatus::Superseded),
            (2, ReleaseStatus::Failed),
            (3, ReleaseStatus::Deployed)
        ]
    );
    let cfg = cluster
        .get(&key("v1", "ConfigMap", "rb", "cfg"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cfg["data"]["key"], "good");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_converges_are_serialized() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let a = request(
        "same",
        "same",
        &[
            ("cm.yaml", &configmap("cfg", "a")),
            ("web.yaml", &deployment("web", 1, &[], &[])),
        ],
    );
    let b = request(
        "same",
        "same",
        &[
            ("cm.yaml", &configmap("cfg", "b")),
            ("web.yaml", &deployment("web", 1, &[], &[])),
        ],
    );
    let (ra, rb) = tokio::join!(
        slipway_deploy::converge(&cluster, &a, &reporter),
        slipway_deploy::converge(&cluster, &b, &reporter)
    );
    let mut revisions = vec![ra.unwrap().revision, rb.unwrap().revision];
    revisions.sort();
    assert_eq!(revisions, [1, 2]);
    assert_eq!(
        statuses(&history(&cluster, "same", "same").await),
        [(1, ReleaseStatus::Superseded), (2, ReleaseStatus::Deployed)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_lock_and_pending_release_are_recovered() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let req = request("stale", "stale", &[("cm.yaml", &configmap("cfg", "1"))]);
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    // What a SIGKILLed run leaves: a pending revision and a lease nobody renews.
    let storage = ReleaseStorage::new(cluster.clone(), StorageDriver::Secret, "stale");
    let mut pending = storage.history("stale").await.unwrap().pop().unwrap();
    pending.version = 2;
    pending.info.status = ReleaseStatus::PendingUpgrade;
    storage.create(&pending).await.unwrap();
    let lease_key = key(
        "coordination.k8s.io/v1",
        "Lease",
        "stale",
        "slipway-release-stale",
    );
    let mut lease = cluster.get(&lease_key).await.unwrap().unwrap();
    lease["spec"]["holderIdentity"] = json!("killed-run");
    lease["spec"]["renewTime"] = json!("2020-01-01T00:00:00.000000Z");
    cluster.replace(&lease_key, &lease).await.unwrap();

    let outcome = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("recovers");
    assert_eq!(outcome.revision, 3);
    assert_eq!(
        statuses(&history(&cluster, "stale", "stale").await),
        [
            (1, ReleaseStatus::Superseded),
            (2, ReleaseStatus::Failed),
            (3, ReleaseStatus::Deployed)
        ]
    );
    assert!(
        reporter
            .events()
            .iter()
            .any(|e| matches!(e, Event::Warning(w) if w.contains("killed-run")))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_streamed_and_filtered() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let pod = [
        ("sim.slipway.dev/logs", "starting\nERROR boom\nready"),
        ("sim.slipway.dev/ready-after", "1s"),
    ];
    let filter = [("werf.io/log-regex", "^(ERROR|ready)")];
    let req = request(
        "logs",
        "logs",
        &[("web.yaml", &deployment("web", 1, &pod, &filter))],
    );
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let lines: Vec<(String, String)> = reporter
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Log {
                resource,
                container,
                line,
                ..
            } => Some((format!("{resource}/{container}"), line)),
            _ => None,
        })
        .collect();
    assert!(
        lines.contains(&("Deployment/web/main".into(), "ERROR boom".into())),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|(_, l)| l == "starting"), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_before_and_after_then_dismiss() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let secret =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: c2VjcmV0\n";
    let mut keep = configmap("kept", "1");
    keep = keep.replace(
        "  name: kept\n",
        "  name: kept\n  annotations:\n    helm.sh/resource-policy: keep\n",
    );
    let req = request(
        "pl",
        "pl",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            ("s.yaml", secret),
            ("k.yaml", &keep),
        ],
    );
    let before = slipway_deploy::plan(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert_eq!(before.count(Action::Create), 3);
    assert!(!before.changes.iter().any(|c| c.diff.contains("c2VjcmV0")));
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let after = slipway_deploy::plan(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert!(!after.has_changes(), "{after:?}");
    let changed = request(
        "pl",
        "pl",
        &[
            ("cm.yaml", &configmap("cfg", "2")),
            ("s.yaml", secret),
            ("k.yaml", &keep),
        ],
    );
    let plan = slipway_deploy::plan(&cluster, &changed, &reporter)
        .await
        .unwrap();
    let update = plan
        .changes
        .iter()
        .find(|c| c.action == Action::Update)
        .expect("an update");
    assert_eq!(update.resource, "ConfigMap/cfg");
    assert!(
        update.diff.contains("+  key: '2'") || update.diff.contains("+  key: \"2\""),
        "{}",
        update.diff
    );

    let deleted = slipway_deploy::dismiss(&cluster, "pl", "pl", false, &options(), &reporter)
        .await
        .unwrap();
    assert_eq!(deleted.len(), 2, "{deleted:?}");
    assert!(
        cluster
            .get(&key("v1", "ConfigMap", "pl", "kept"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        cluster
            .get(&key("v1", "ConfigMap", "pl", "cfg"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(history(&cluster, "pl", "pl").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_warned_and_recorded_or_rejected_when_strict() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let typo =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndata:\n  a: b\ndatta:\n  c: d\n";
    let req = request("val", "val", &[("cm.yaml", typo)]);
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("warnings only");
    let cm = cluster
        .get(&key("v1", "ConfigMap", "val", "typo"))
        .await
        .unwrap()
        .unwrap();
    let message = cm["metadata"]["annotations"]["debug.werf.io/validation-messages"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("datta"), "{cm}");
    assert!(
        reporter.events().iter().any(
            |e| matches!(e, Event::Warning(w) if w.contains("Validation of target data failed"))
        )
    );

    let mut strict = request("strict", "strict", &[("cm.yaml", typo)]);
    strict.options.strict = true;
    let err = slipway_deploy::converge(&cluster, &strict, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("datta"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releases_can_live_in_configmaps_of_another_namespace() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let mut req = request("cmstore", "apps", &[("cm.yaml", &configmap("cfg", "1"))]);
    req.options.storage = StorageDriver::ConfigMap;
    req.options.storage_namespace = Some("kube-system".into());
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let record = cluster
        .get(&key(
            "v1",
            "ConfigMap",
            "kube-system",
            "sh.helm.release.v1.cmstore.v1",
        ))
        .await
        .unwrap()
        .expect("record stored as a ConfigMap");
    assert_eq!(record["metadata"]["labels"]["status"], "deployed");
    let stored = ReleaseStorage::new(cluster.clone(), StorageDriver::ConfigMap, "kube-system")
        .history("cmstore")
        .await
        .unwrap();
    assert_eq!(stored[0].namespace, "apps");
    assert!(history(&cluster, "apps", "cmstore").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_names_the_stuck_resource_and_why() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let slow = [("sim.slipway.dev/ready-after", "1h")];
    let mut req = request(
        "slow",
        "slow",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            ("web.yaml", &deployment("web", 1, &slow, &[])),
        ],
    );
    req.options.timeout = Some(Duration::from_secs(2));
    let err = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("timed out") && err.contains("Deployment/web: available 0->1"),
        "{err}"
    );
    assert!(!err.contains("ConfigMap/cfg"), "{err}");
    assert_eq!(
        statuses(&history(&cluster, "slow", "slow").await),
        [(1, ReleaseStatus::Failed)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_and_its_resources_deploy_in_one_release() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    plural: widgets\n    singular: widget\n    kind: Widget\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n";
    let widget =
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gear\nspec:\n  size: 3\n";
    let req = request("crd", "crd", &[("crd.yaml", crd), ("widget.yaml", widget)]);
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .expect("deploys");
    let gear = cluster
        .get(&key("example.com/v1", "Widget", "crd", "gear"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gear["spec"]["size"], 3);
    // Removing both keeps the CRD (deleting it would delete every Widget) but deletes the Widget.
    let req = request("crd", "crd", &[("cm.yaml", &configmap("cfg", "1"))]);
    let outcome = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert!(
        outcome
            .changes
            .contains(&("Widget/gear".to_string(), Action::Delete)),
        "{:?}",
        outcome.changes
    );
    let crd_key = ObjectKey {
        api_version: "apiextensions.k8s.io/v1".into(),
        kind: "CustomResourceDefinition".into(),
        namespace: None,
        name: "widgets.example.com".into(),
    };
    assert!(cluster.get(&crd_key).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_release_is_skipped_until_the_cluster_drifts() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let req = request(
        "same",
        "same",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            ("web.yaml", &deployment("web", 1, &[], &[])),
        ],
    );
    let first = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert_eq!((first.revision, first.skipped), (1, false));
    let again = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert_eq!((again.revision, again.skipped), (1, true));
    assert_eq!(
        statuses(&history(&cluster, "same", "same").await),
        [(1, ReleaseStatus::Deployed)]
    );
    assert!(reporter.events().iter().any(|e| matches!(
        e,
        Event::Phase(p) if p.contains("cluster resources already as desired")
    )));

    // Someone deletes a resource: the next converge deploys again and restores it.
    let cfg = key("v1", "ConfigMap", "same", "cfg");
    cluster
        .delete(&cfg, slipway_deploy::cluster::Propagation::Background)
        .await
        .unwrap();
    let restored = slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert_eq!((restored.revision, restored.skipped), (2, false));
    assert!(cluster.get(&cfg).await.unwrap().is_some());

    // Changed values are a new revision even when the manifest is the same.
    let mut with_values = req.clone();
    with_values.config.insert("replicas".into(), json!(1));
    let upgraded = slipway_deploy::converge(&cluster, &with_values, &reporter)
        .await
        .unwrap();
    assert_eq!((upgraded.revision, upgraded.skipped), (3, false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chart_with_hooks_is_never_skipped() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let req = request(
        "hooked",
        "hooked",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            (
                "job.yaml",
                &job(
                    "migrate",
                    "pre-install,pre-upgrade",
                    0,
                    "before-hook-creation",
                    0,
                ),
            ),
        ],
    );
    for revision in 1..=2 {
        let outcome = slipway_deploy::converge(&cluster, &req, &reporter)
            .await
            .unwrap();
        assert_eq!((outcome.revision, outcome.skipped), (revision, false));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_creation_sets_the_replicas_of_a_new_workload() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    // An HPA-style Deployment: no spec.replicas in the chart.
    let web = deployment("web", 1, &[], &[("werf.io/replicas-on-creation", "3")])
        .replace("  replicas: 1\n", "");
    let req = request("hpa", "hpa", &[("web.yaml", &web)]);
    let plan = slipway_deploy::plan(&cluster, &req, &reporter)
        .await
        .unwrap();
    assert!(plan.changes[0].diff.contains("+  replicas: 3"), "{plan:?}");
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let key = key("apps/v1", "Deployment", "hpa", "web");
    let live = cluster.get(&key).await.unwrap().unwrap();
    assert_eq!(live["spec"]["replicas"], 3);
    assert_eq!(live["status"]["readyReplicas"], 3);

    let bad = deployment("web", 1, &[], &[("werf.io/replicas-on-creation", "-1")]);
    let err = slipway_deploy::converge(
        &cluster,
        &request("hpa", "hpa", &[("web.yaml", &bad)]),
        &reporter,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("werf.io/replicas-on-creation"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_owned_by_anyone_are_left_alone() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let shared = configmap("shared", "1").replace(
        "  name: shared\n",
        "  name: shared\n  annotations:\n    werf.io/ownership: anyone\n",
    );
    let req = request(
        "own",
        "own",
        &[
            ("cm.yaml", &configmap("cfg", "1")),
            ("shared.yaml", &shared),
        ],
    );
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let shared_key = key("v1", "ConfigMap", "own", "shared");
    let live = cluster.get(&shared_key).await.unwrap().unwrap();
    assert!(live["metadata"]["annotations"]["meta.helm.sh/release-name"].is_null());
    assert!(live["metadata"]["labels"]["app.kubernetes.io/managed-by"].is_null());
    let cfg = cluster
        .get(&key("v1", "ConfigMap", "own", "cfg"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        cfg["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "own"
    );

    // Dropped from the chart, then the release uninstalled: the shared object stays.
    let without = request("own", "own", &[("cm.yaml", &configmap("cfg", "1"))]);
    slipway_deploy::converge(&cluster, &without, &reporter)
        .await
        .unwrap();
    assert!(cluster.get(&shared_key).await.unwrap().is_some());
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    slipway_deploy::dismiss(&cluster, "own", "own", false, &options(), &reporter)
        .await
        .unwrap();
    assert!(cluster.get(&shared_key).await.unwrap().is_some());

    let bad = configmap("x", "1").replace(
        "  name: x\n",
        "  name: x\n  annotations:\n    werf.io/ownership: nobody\n",
    );
    let err = slipway_deploy::converge(
        &cluster,
        &request("own", "own", &[("x.yaml", &bad)]),
        &reporter,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("werf.io/ownership"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_hide_sensitive_values_but_still_see_their_changes() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let cm = |token: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations:\n    werf.io/sensitive-paths: \"$.data.token\"\ndata:\n  token: {token}\n  level: debug\n"
        )
    };
    let secret = |password: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: {password}\n"
        )
    };
    let req = |token: &str, password: &str| {
        request(
            "sens",
            "sens",
            &[("cm.yaml", &cm(token)), ("s.yaml", &secret(password))],
        )
    };
    let created = slipway_deploy::plan(&cluster, &req("tok-aaa", "pw-aaa"), &reporter)
        .await
        .unwrap();
    let text: String = created.changes.iter().map(|c| c.diff.as_str()).collect();
    assert!(text.contains("level: debug"), "{text}");
    assert!(
        !text.contains("tok-aaa") && !text.contains("pw-aaa"),
        "{text}"
    );
    slipway_deploy::converge(&cluster, &req("tok-aaa", "pw-aaa"), &reporter)
        .await
        .unwrap();
    // Same-length changes hide to the same text; the plan must still call them updates.
    let changed = slipway_deploy::plan(&cluster, &req("tok-bbb", "pw-bbb"), &reporter)
        .await
        .unwrap();
    assert_eq!(changed.count(Action::Update), 2, "{changed:?}");
    for change in &changed.changes {
        assert!(
            !change.diff.contains("bbb") && !change.diff.contains("aaa"),
            "{change:?}"
        );
    }
    let bad = request(
        "sens",
        "sens",
        &[(
            "cm.yaml",
            &cm("x").replace("\"$.data.token\"", "\"$.data[\""),
        )],
    );
    let err = slipway_deploy::plan(&cluster, &bad, &reporter)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("werf.io/sensitive-paths"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_dependencies_order_resources_and_wait_for_readiness() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    // Helm's kind order applies Deployments before StatefulSets; the dependency reverses it.
    let app = deployment(
        "app",
        1,
        &[],
        &[(
            "werf.io/deploy-dependency-db",
            "state=ready,kind=StatefulSet,name=db",
        )],
    );
    let db = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  annotations:\n    werf.io/deploy-dependency-cfg: state=present,kind=ConfigMap\nspec:\n  replicas: 1\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: main\n        image: postgres\n";
    let req = request(
        "deps",
        "deps",
        &[
            ("app.yaml", &app),
            ("db.yaml", db),
            ("cm.yaml", &configmap("cfg", "1")),
        ],
    );
    slipway_deploy::converge(&cluster, &req, &reporter)
        .await
        .unwrap();
    let events = reporter.events();
    let position = |wanted: &dyn Fn(&Event) -> bool| {
        events
            .iter()
            .position(wanted)
            .unwrap_or_else(|| panic!("missing event in {events:?}"))
    };
    let applied = |name: &'static str| move |e: &Event| matches!(e, Event::Resource { resource, .. } if resource == name);
    let cfg = position(&applied("ConfigMap/cfg"));
    let db_applied = position(&applied("StatefulSet/db"));
    let waited = position(&|e| matches!(e, Event::Phase(p) if p.contains("others depend on")));
    let app_applied = position(&applied("Deployment/app"));
    assert!(
        cfg < db_applied && db_applied < waited && waited < app_applied,
        "{events:?}"
    );

    let app_after_cfg = deployment(
        "app",
        1,
        &[],
        &[(
            "werf.io/deploy-dependency-cfg",
            "state=present,kind=ConfigMap",
        )],
    );
    let cycle = request(
        "deps",
        "deps",
        &[(
            "cm.yaml",
            &configmap("cfg", "2").replace(
                "  name: cfg\n",
                "  name: cfg\n  annotations:\n    werf.io/deploy-dependency-self: state=present,kind=Deployment\n",
            ),
        ), ("app.yaml", &app_after_cfg)],
    );
    let err = slipway_deploy::converge(&cluster, &cycle, &reporter)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_dependencies_are_awaited_before_the_resource_deploys() {
    let (_sim, cluster) = start().await;
    let reporter = TestReporter::default();
    let cm = configmap("app-cfg", "1").replace(
        "  name: app-cfg\n",
        "  name: app-cfg\n  annotations:\n    vault.external-dependency.werf.io/resource: secret/vault\n",
    );
    let req = request("ext", "ext", &[("cm.yaml", &cm)]);
    let secret_key = key("v1", "Secret", "ext", "vault");
    // The secret appears (as an operator would create it) only once converge waits for it.
    let operator = async {
        let waiting = async {
            while !reporter.events().iter().any(|e| {
                matches!(e, Event::Phase(p) if p.contains("external dependencies of ConfigMap/app-cfg"))
            }) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(30), waiting)
            .await
            .expect("converge never waited for its external dependency");
        assert!(
            cluster
                .get(&key("v1", "ConfigMap", "ext", "app-cfg"))
                .await
                .unwrap()
                .is_none(),
            "deployed before its dependency existed"
        );
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "vault", "namespace": "ext"}, "data": {"token": "dA=="}});
        cluster.create(&secret_key, &secret).await.unwrap();
    };
    let (outcome, ()) = tokio::join!(
        slipway_deploy::converge(&cluster, &req, &reporter),
        operator
    );
    outcome.unwrap();
    assert!(
        cluster
            .get(&key("v1", "ConfigMap", "ext", "app-cfg"))
            .await
            .unwrap()
            .is_some()
    );

    // A type outside the core group, found through discovery: the release's own lock Lease.
    let on_lease = configmap("on-lease", "1").replace(
        "  name: on-lease\n",
        "  name: on-lease\n  annotations:\n    lock.external-dependency.werf.io/resource: lease/slipway-release-ext\n",
    );
    slipway_deploy::converge(
        &cluster,
        &request("ext", "ext", &[("y.yaml", &on_lease)]),
        &reporter,
    )
    .await
    .unwrap();

    let unknown = configmap("x", "1").replace(
        "  name: x\n",
        "  name: x\n  annotations:\n    a.external-dependency.werf.io/resource: gizmos.v1.example.com/g\n",
    );
    let err = slipway_deploy::converge(
        &cluster,
        &request("ext", "ext", &[("x.yaml", &unknown)]),
        &reporter,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("gizmos"), "{err}");
    let malformed = unknown.replace("gizmos.v1.example.com/g", "no-name");
    let err = slipway_deploy::converge(
        &cluster,
        &request("ext", "ext", &[("x.yaml", &malformed)]),
        &reporter,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("type[.version.group]/name"),
        "{err}"
    );
}
