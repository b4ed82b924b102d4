//! The real `helm` (v4, and helm3) against an in-process simulator (issue 5, acceptance item 2).

mod common;

use std::path::{Path, PathBuf};

use common::{Env, tool};

/// Writes a small chart (ConfigMap, Service, Deployment, a pre-install Job hook) and returns
/// its directory.
fn chart(env: &Env) -> PathBuf {
    env.file(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: \"1.0\"\n",
    );
    env.file(
        "chart/values.yaml",
        "replicas: 2\nimage: nginx:1.27\nfail: \"\"\n",
    );
    env.file(
        "chart/templates/app.yaml",
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  image: {{ .Values.image | quote }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
      {{- with .Values.fail }}
      annotations: {sim.slipway.dev/fail: {{ . }}}
      {{- end }}
    spec:
      containers:
      - name: app
        image: {{ .Values.image }}
        ports: [{containerPort: 8080}]
"#,
    );
    env.file(
        "chart/templates/hook.yaml",
        r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36}]
"#,
    );
    env.dir.join("chart")
}

async fn lifecycle(helm: &Path, env: &Env) {
    let kubectl = tool("kubectl");
    let chart = chart(env);
    let c = chart.to_str().unwrap();
    let out = env
        .ok(
            helm,
            &[
                "install",
                "shop",
                c,
                "--namespace",
                "default",
                "--wait",
                "--timeout",
                "60s",
            ],
        )
        .await;
    assert!(out.contains("STATUS: deployed"), "{out}");
    let out = env
        .ok(
            helm,
            &[
                "upgrade",
                "shop",
                c,
                "--namespace",
                "default",
                "--wait",
                "--timeout",
                "60s",
                "--set",
                "image=nginx:1.28",
                "--set",
                "replicas=3",
            ],
        )
        .await;
    assert!(
        out.contains("STATUS: deployed") && out.contains("REVISION: 2"),
        "{out}"
    );
    if let Some(k) = &kubectl {
        let ready = env
            .ok(
                k,
                &[
                    "get",
                    "deploy",
                    "shop",
                    "-o",
                    "jsonpath={.status.readyReplicas} {.spec.template.spec.containers[0].image}",
                ],
            )
            .await;
        assert_eq!(ready, "3 nginx:1.28");
    }
    let list = env.ok(helm, &["list", "--namespace", "default"]).await;
    let row = list
        .lines()
        .find(|l| l.starts_with("shop"))
        .unwrap_or_default();
    assert!(
        row.contains("deployed") && row.contains("shop-0.1.0"),
        "{list}"
    );
    let history = env
        .ok(helm, &["history", "shop", "--namespace", "default"])
        .await;
    assert!(
        history.contains("superseded") && history.contains("Upgrade complete"),
        "{history}"
    );
    let out = env
        .ok(
            helm,
            &[
                "rollback",
                "shop",
                "1",
                "--namespace",
                "default",
                "--wait",
                "--timeout",
                "60s",
            ],
        )
        .await;
    assert!(out.contains("Rollback was a success"), "{out}");
    if let Some(k) = &kubectl {
        let image = env
            .ok(
                k,
                &[
                    "get",
                    "deploy",
                    "shop",
                    "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}",
                ],
            )
            .await;
        assert_eq!(image, "nginx:1.27");
    }
    let out = env
        .ok(
            helm,
            &["uninstall", "shop", "--namespace", "default", "--wait"],
        )
        .await;
    assert!(out.contains("uninstalled"), "{out}");
    if let Some(k) = &kubectl {
        let left = env
            .ok(
                k,
                &[
                    "get",
                    "deploy,svc,configmap",
                    "-l",
                    "app!=nothing",
                    "-o",
                    "name",
                ],
            )
            .await;
        assert!(!left.contains("shop"), "{left}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_install_upgrade_rollback_uninstall() {
    let Some(helm) = tool("helm") else { return };
    let env = Env::start("helm4").await;
    lifecycle(&helm, &env).await;
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm3_install_upgrade_rollback_uninstall() {
    let Some(helm) = tool("helm3") else { return };
    let env = Env::start("helm3").await;
    lifecycle(&helm, &env).await;
    env.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm4_install_wait_fails_for_failing_pods() {
    let Some(helm) = tool("helm") else { return };
    let env = Env::start("helm4-fail").await;
    let chart = chart(&env);
    let out = env
        .run(
            &helm,
            &[
                "install",
                "broken",
                chart.to_str().unwrap(),
                "--wait",
                "--timeout",
                "20s",
                "--set",
                "fail=CrashLoopBackOff",
            ],
        )
        .await;
    assert!(!out.status.success(), "helm install --wait must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("INSTALLATION FAILED"), "{err}");
    assert!(err.contains("Deployment/default/broken"), "{err}");
    let status = env.ok(&helm, &["status", "broken"]).await;
    assert!(status.contains("STATUS: failed"), "{status}");
    env.finish().await;
}
