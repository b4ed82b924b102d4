//! The real `kubectl` (v1.35) against an in-process simulator (issue 5, acceptance item 1).

mod common;

use std::time::Duration;

use common::{Env, eventually, tool};

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        env:
        - {name: A, value: "1"}
"#;

async fn kubectl_env(test: &str) -> Option<(Env, std::path::PathBuf)> {
    let kubectl = tool("kubectl")?;
    Some((Env::start(test).await, kubectl))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_rollout_patch_select_and_cascade_delete() {
    let Some((env, k)) = kubectl_env("apply").await else {
        return;
    };
    assert_eq!(
        env.ok(&k, &["create", "namespace", "shop"]).await.trim(),
        "namespace/shop created"
    );
    let manifest = env.file("deploy.yaml", DEPLOYMENT);
    let m = manifest.to_str().unwrap();
    assert_eq!(
        env.ok(&k, &["apply", "-f", m]).await.trim(),
        "deployment.apps/web created"
    );
    assert_eq!(
        env.ok(&k, &["apply", "-f", m]).await.trim(),
        "deployment.apps/web unchanged"
    );
    let changed = env.file(
        "deploy2.yaml",
        &DEPLOYMENT.replace("replicas: 3", "replicas: 2"),
    );
    assert_eq!(
        env.ok(&k, &["apply", "-f", changed.to_str().unwrap()])
            .await
            .trim(),
        "deployment.apps/web configured"
    );
    assert_eq!(
        env.ok(
            &k,
            &["apply", "--server-side", "--force-conflicts", "-f", m]
        )
        .await
        .trim(),
        "deployment.apps/web serverside-applied"
    );
    let status = env
        .ok(
            &k,
            &[
                "-n",
                "shop",
                "rollout",
                "status",
                "deployment/web",
                "--timeout=30s",
            ],
        )
        .await;
    assert!(status.contains("successfully rolled out"), "{status}");
    let yaml = env
        .ok(
            &k,
            &["-n", "shop", "get", "deployment", "web", "-o", "yaml"],
        )
        .await;
    assert!(yaml.contains("readyReplicas: 3"), "{yaml}");
    assert!(yaml.contains("reason: NewReplicaSetAvailable"), "{yaml}");

    // The three patch types.
    env.ok(
        &k,
        &[
            "-n",
            "shop",
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"merged":"yes"}}}"#,
        ],
    )
    .await;
    env.ok(
        &k,
        &[
            "-n",
            "shop",
            "patch",
            "deployment",
            "web",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
        ],
    )
    .await;
    env.ok(&k, &["-n", "shop", "patch", "deployment", "web", "-p", r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"2"}]}]}}}}"#]).await;
    let jp = |path: &str| format!("jsonpath={path}");
    let got = env.ok(&k, &["-n", "shop", "get", "deployment", "web", "-o", &jp("{.metadata.labels.merged} {.spec.replicas} {.spec.template.spec.containers[0].env[*].name}")]).await;
    assert_eq!(
        got, "yes 4 A B",
        "merge, json and strategic patches all applied (env merged by name)"
    );
    let status = env
        .ok(
            &k,
            &[
                "-n",
                "shop",
                "rollout",
                "status",
                "deployment/web",
                "--timeout=30s",
            ],
        )
        .await;
    assert!(status.contains("successfully rolled out"), "{status}");

    // Label and field selectors. Pods of the old ReplicaSet may still be terminating when
    // the rollout is reported complete (as on a real cluster), so wait for them to go.
    let front_pods = || {
        env.ok(
            &k,
            &[
                "-n",
                "shop",
                "get",
                "pods",
                "-l",
                "app=web,tier in (front)",
                "-o",
                "name",
            ],
        )
    };
    let settled = eventually(Duration::from_secs(20), || async {
        front_pods().await.lines().count() == 4
    })
    .await;
    let pods = front_pods().await;
    assert!(settled, "expected 4 pods selected, got:\n{pods}");
    let none = env
        .ok(
            &k,
            &["-n", "shop", "get", "pods", "-l", "app!=web", "-o", "name"],
        )
        .await;
    assert_eq!(none.trim(), "");
    let running = env
        .ok(
            &k,
            &[
                "-n",
                "shop",
                "get",
                "pods",
                "--field-selector",
                "status.phase=Running",
                "-o",
                "name",
            ],
        )
        .await;
    assert_eq!(running.lines().count(), 4, "{running}");

    // Deleting the Deployment cascades to its ReplicaSets and Pods.
    env.ok(&k, &["-n", "shop", "delete", "deployment", "web"])
        .await;
    let gone = eventually(Duration::from_secs(20), || async {
        let out = env
            .ok(&k, &["-n", "shop", "get", "replicasets,pods", "-o", "name"])
            .await;
        out.trim().is_empty()
    })
    .await;
    assert!(gone, "ReplicaSets and Pods are garbage-collected");
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_wait_complete_and_logs() {
    let Some((env, k)) = kubectl_env("job").await else {
        return;
    };
    let job = env.file(
        "job.yaml",
        r#"apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  template:
    metadata:
      annotations:
        sim.slipway.dev/ready-after: 500ms
        sim.slipway.dev/logs: "migrating\ndone"
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36}]
"#,
    );
    env.ok(&k, &["apply", "-f", job.to_str().unwrap()]).await;
    let waited = env
        .ok(
            &k,
            &[
                "wait",
                "--for=condition=complete",
                "job/migrate",
                "--timeout=30s",
            ],
        )
        .await;
    assert_eq!(waited.trim(), "job.batch/migrate condition met");
    let logs = env.ok(&k, &["logs", "job/migrate"]).await;
    assert_eq!(logs, "migrating\ndone\n");
    let succeeded = env
        .ok(
            &k,
            &[
                "get",
                "job",
                "migrate",
                "-o",
                "jsonpath={.status.succeeded}",
            ],
        )
        .await;
    assert_eq!(succeeded, "1");

    let failing = env.file(
        "fail.yaml",
        r#"apiVersion: batch/v1
kind: Job
metadata: {name: broken, namespace: default}
spec:
  backoffLimit: 1
  template:
    metadata:
      annotations: {sim.slipway.dev/exit-code: "1"}
    spec:
      restartPolicy: Never
      containers: [{name: b, image: busybox:1.36}]
"#,
    );
    env.ok(&k, &["apply", "-f", failing.to_str().unwrap()])
        .await;
    let waited = env
        .ok(
            &k,
            &[
                "wait",
                "--for=condition=failed",
                "job/broken",
                "--timeout=30s",
            ],
        )
        .await;
    assert_eq!(waited.trim(), "job.batch/broken condition met");
    let reason = env
        .ok(
            &k,
            &[
                "get",
                "job",
                "broken",
                "-o",
                "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason} {.status.failed}",
            ],
        )
        .await;
    assert_eq!(reason, "BackoffLimitExceeded 2");
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_receives_events() {
    let Some((env, k)) = kubectl_env("watch").await else {
        return;
    };
    let out_path = env.dir.join("watch.out");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut watcher = tokio::process::Command::new(&k)
        .arg("--kubeconfig")
        .arg(&env.kubeconfig)
        .args(["get", "configmaps", "-w", "-o", "name"])
        .stdout(out)
        .spawn()
        .unwrap();
    let lines = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    // kubectl first lists; wait until the watch is established by observing an event.
    env.ok(&k, &["create", "configmap", "first", "--from-literal=a=1"])
        .await;
    assert!(
        eventually(Duration::from_secs(20), || async {
            lines(&out_path).contains("configmap/first")
        })
        .await
    );
    env.ok(&k, &["create", "configmap", "second", "--from-literal=a=1"])
        .await;
    env.ok(&k, &["label", "configmap", "first", "x=y"]).await;
    let seen = eventually(Duration::from_secs(20), || async {
        let text = lines(&out_path);
        text.contains("configmap/second") && text.matches("configmap/first").count() >= 2
    })
    .await;
    watcher.kill().await.unwrap();
    assert!(seen, "watch output: {}", lines(&out_path));
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_conflicts_and_failures() {
    let Some((env, k)) = kubectl_env("ssa").await else {
        return;
    };
    env.ok(&k, &["create", "namespace", "shop"]).await;
    let m = env.file("d.yaml", DEPLOYMENT);
    let m = m.to_str().unwrap();
    env.ok(
        &k,
        &["apply", "--server-side", "--field-manager=team-a", "-f", m],
    )
    .await;
    let other = env.file("d2.yaml", &DEPLOYMENT.replace("replicas: 3", "replicas: 5"));
    let out = env
        .run(
            &k,
            &[
                "apply",
                "--server-side",
                "--field-manager=team-b",
                "-f",
                other.to_str().unwrap(),
            ],
        )
        .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(r#"Apply failed with 1 conflict: conflict with "team-a": .spec.replicas"#),
        "{err}"
    );
    env.ok(
        &k,
        &[
            "apply",
            "--server-side",
            "--field-manager=team-b",
            "--force-conflicts",
            "-f",
            other.to_str().unwrap(),
        ],
    )
    .await;
    let replicas = env
        .ok(
            &k,
            &[
                "-n",
                "shop",
                "get",
                "deploy",
                "web",
                "-o",
                "jsonpath={.spec.replicas}",
            ],
        )
        .await;
    assert_eq!(replicas, "5");

    // A missing object and a stale update give the real Status errors.
    let out = env
        .run(&k, &["-n", "shop", "get", "deployment", "nope"])
        .await;
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        r#"Error from server (NotFound): deployments.apps "nope" not found"#
    );

    // Scripted failures show the states a real cluster shows.
    let bad = DEPLOYMENT
        .replace("name: web", "name: broken")
        .replace("labels: {app: web, tier: front}", "labels: {app: web, tier: front}\n      annotations: {sim.slipway.dev/fail: ImagePullBackOff}");
    let bad = env.file("bad.yaml", &bad);
    env.ok(&k, &["apply", "-f", bad.to_str().unwrap()]).await;
    let backoff = eventually(Duration::from_secs(20), || async {
        let pods = env
            .ok(&k, &["-n", "shop", "get", "pods", "--no-headers"])
            .await;
        pods.lines()
            .filter(|l| l.starts_with("broken-") && l.contains("ImagePullBackOff"))
            .count()
            == 3
    })
    .await;
    assert!(
        backoff,
        "pods of the broken Deployment reach ImagePullBackOff"
    );
    let out = env
        .run(
            &k,
            &[
                "-n",
                "shop",
                "rollout",
                "status",
                "deploy/broken",
                "--timeout=2s",
            ],
        )
        .await;
    assert!(
        !out.status.success(),
        "rollout status of a failing Deployment times out"
    );
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crds_and_namespace_deletion() {
    let Some((env, k)) = kubectl_env("crd").await else {
        return;
    };
    let crd = env.file(
        "crd.yaml",
        r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"#,
    );
    env.ok(&k, &["apply", "-f", crd.to_str().unwrap()]).await;
    env.ok(
        &k,
        &[
            "wait",
            "--for=condition=established",
            "crd/widgets.example.com",
            "--timeout=20s",
        ],
    )
    .await;
    env.ok(&k, &["create", "namespace", "tmp"]).await;
    let widget = env.file("w.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: tmp}\nspec: {size: 3}\n");
    assert_eq!(
        env.ok(&k, &["apply", "-f", widget.to_str().unwrap()])
            .await
            .trim(),
        "widget.example.com/w1 created"
    );
    let size = env
        .ok(
            &k,
            &[
                "-n",
                "tmp",
                "get",
                "wd",
                "w1",
                "-o",
                "jsonpath={.spec.size}",
            ],
        )
        .await;
    assert_eq!(size, "3");
    env.ok(
        &k,
        &["delete", "namespace", "tmp", "--wait=true", "--timeout=20s"],
    )
    .await;
    let out = env.run(&k, &["get", "namespace", "tmp"]).await;
    assert!(!out.status.success(), "namespace is gone");
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_undo_reuses_the_previous_replicaset() {
    let Some((env, k)) = kubectl_env("undo").await else {
        return;
    };
    env.ok(&k, &["create", "namespace", "shop"]).await;
    let m = env.file("d.yaml", DEPLOYMENT);
    env.ok(&k, &["apply", "-f", m.to_str().unwrap()]).await;
    env.ok(
        &k,
        &[
            "-n",
            "shop",
            "rollout",
            "status",
            "deploy/web",
            "--timeout=30s",
        ],
    )
    .await;
    env.ok(
        &k,
        &["-n", "shop", "set", "image", "deploy/web", "web=nginx:1.28"],
    )
    .await;
    env.ok(
        &k,
        &[
            "-n",
            "shop",
            "rollout",
            "status",
            "deploy/web",
            "--timeout=30s",
        ],
    )
    .await;
    let undo = env
        .ok(&k, &["-n", "shop", "rollout", "undo", "deploy/web"])
        .await;
    assert_eq!(undo.trim(), "deployment.apps/web rolled back");
    env.ok(
        &k,
        &[
            "-n",
            "shop",
            "rollout",
            "status",
            "deploy/web",
            "--timeout=30s",
        ],
    )
    .await;
    let rs = env.ok(&k, &["-n", "shop", "get", "rs", "-o", "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas}@{.metadata.annotations.deployment\\.kubernetes\\.io/revision} {end}"]).await;
    let mut rs: Vec<&str> = rs.split_whitespace().collect();
    rs.sort();
    assert_eq!(
        rs,
        ["nginx:1.27=3@3", "nginx:1.28=0@2"],
        "the first ReplicaSet is reused as revision 3"
    );
    env.finish().await;
}
