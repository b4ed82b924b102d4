//! API machinery over HTTP: paging, dry runs, field validation warnings, watch resumption and
//! expiry, status subresource and generation, garbage collection modes, state persistence.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use slipway_sim::{Sim, SimHandle, SimOptions};

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(sim: &SimHandle) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: sim.url(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        content_type: &str,
    ) -> (u16, Value, Vec<String>) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.header("Content-Type", content_type).body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        let code = resp.status().as_u16();
        let warnings = resp
            .headers()
            .get_all("Warning")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let body = resp.json().await.unwrap_or(Value::Null);
        (code, body, warnings)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (c, b, _) = self.send(reqwest::Method::GET, path, None, "").await;
        (c, b)
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value, Vec<String>) {
        self.send(reqwest::Method::POST, path, Some(body), "application/json")
            .await
    }

    async fn wait_for(&self, path: &str, gone: bool) -> bool {
        for _ in 0..400 {
            let (code, _) = self.get(path).await;
            if (code == 404) == gone {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        false
    }
}

fn deployment(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_dry_run_and_field_validation() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    let api = Api::new(&sim);
    for i in 0..5 {
        let (code, _, _) = api
            .post(
                "/api/v1/namespaces/default/configmaps",
                json!({"metadata": {"name": format!("cm-{i}")}}),
            )
            .await;
        assert_eq!(code, 201);
    }
    let (_, page) = api
        .get("/api/v1/namespaces/default/configmaps?limit=2")
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["metadata"]["remainingItemCount"], 3);
    let token = page["metadata"]["continue"].as_str().unwrap().to_string();
    let (_, rest) = api
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?continue={token}"
        ))
        .await;
    let names: Vec<&str> = rest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cm-2", "cm-3", "cm-4"]);

    let (code, body, _) = api
        .post(
            "/api/v1/namespaces/default/configmaps?dryRun=All",
            json!({"metadata": {"name": "dry"}}),
        )
        .await;
    assert_eq!(code, 201);
    assert_eq!(body["metadata"]["name"], "dry");
    assert_eq!(
        api.get("/api/v1/namespaces/default/configmaps/dry").await.0,
        404
    );

    let bad = json!({"metadata": {"name": "bad"}, "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i", "imagePullPolcy": "Always"}]}}}});
    let (code, _, warnings) = api
        .post(
            "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn",
            bad.clone(),
        )
        .await;
    assert_eq!(code, 201);
    assert_eq!(
        warnings,
        [r#"299 - "unknown field \"spec.template.spec.containers[0].imagePullPolcy\"""#]
    );
    let (code, status, _) = api
        .post(
            "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
            bad,
        )
        .await;
    assert_eq!(code, 400);
    assert_eq!(status["reason"], "BadRequest");

    let (code, status, _) = api
        .post(
            "/api/v1/namespaces/nowhere/configmaps",
            json!({"metadata": {"name": "x"}}),
        )
        .await;
    assert_eq!(
        (code, status["message"].as_str().unwrap()),
        (404, "namespaces \"nowhere\" not found")
    );
    let (code, status, _) = api
        .post(
            "/api/v1/namespaces/default/configmaps",
            json!({"metadata": {"name": "cm-0"}}),
        )
        .await;
    assert_eq!(
        (code, status["reason"].as_str().unwrap()),
        (409, "AlreadyExists")
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_subresource_generation_and_stale_updates() {
    let sim = Sim::start(SimOptions {
        pod_start_delay: Duration::from_secs(3600),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let api = Api::new(&sim);
    let (code, created, _) = api
        .post(
            "/apis/apps/v1/namespaces/default/deployments",
            deployment("d"),
        )
        .await;
    assert_eq!(code, 201);
    assert_eq!(created["metadata"]["generation"], 1);
    // The controllers write status concurrently, so update like a client: read, change, retry.
    let path = "/apis/apps/v1/namespaces/default/deployments/d";
    let updated = loop {
        let (_, mut current) = api.get(path).await;
        current["spec"]["replicas"] = json!(3);
        current["status"] = json!({"replicas": 99});
        let (code, updated, _) = api
            .send(
                reqwest::Method::PUT,
                path,
                Some(current),
                "application/json",
            )
            .await;
        if code == 200 {
            break updated;
        }
        assert_eq!(code, 409);
    };
    assert_eq!(updated["metadata"]["generation"], 2);
    assert_ne!(
        updated["status"]["replicas"], 99,
        "status is ignored on the main resource"
    );
    let (code, status, _) = api
        .send(
            reqwest::Method::PUT,
            path,
            Some(created.clone()),
            "application/json",
        )
        .await;
    assert_eq!(code, 409, "stale resourceVersion");
    assert_eq!(status["reason"], "Conflict");
    let (code, patched, _) = api
        .send(
            reqwest::Method::PATCH,
            "/apis/apps/v1/namespaces/default/deployments/d/status",
            Some(json!({"status": {"observedGeneration": 7}})),
            "application/merge-patch+json",
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(patched["status"]["observedGeneration"], 7);
    assert_eq!(
        patched["metadata"]["generation"], 2,
        "status writes keep the generation"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_resumes_from_resource_version_and_expires() {
    let sim = Sim::start(SimOptions::default()).await.unwrap();
    let api = Api::new(&sim);
    let (_, first, _) = api
        .post(
            "/api/v1/namespaces/default/configmaps",
            json!({"metadata": {"name": "a"}}),
        )
        .await;
    let rv = first["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    api.post(
        "/api/v1/namespaces/default/configmaps",
        json!({"metadata": {"name": "b"}}),
    )
    .await;
    api.send(
        reqwest::Method::DELETE,
        "/api/v1/namespaces/default/configmaps/a",
        None,
        "",
    )
    .await;
    let resp = api
        .http
        .get(format!("{}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1", api.base))
        .send()
        .await
        .unwrap();
    let body = resp.text().await.unwrap();
    let events: Vec<(String, String)> = body
        .lines()
        .map(|l| {
            let e: Value = serde_json::from_str(l).unwrap();
            (
                e["type"].as_str().unwrap().to_string(),
                e["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("ADDED".to_string(), "b".to_string()),
            ("DELETED".to_string(), "a".to_string())
        ]
    );

    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_collection_modes_and_state_file() {
    let state = std::env::temp_dir().join(format!("slipway-sim-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let sim = Sim::start(SimOptions {
        state_file: Some(state.clone()),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let api = Api::new(&sim);
    for name in ["bg", "fg", "orphan"] {
        api.post(
            "/apis/apps/v1/namespaces/default/deployments",
            deployment(name),
        )
        .await;
    }
    let rs_of = |name: &str| {
        format!("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3D{name}")
    };
    for name in ["bg", "fg", "orphan"] {
        let mut found = false;
        for _ in 0..400 {
            if api.get(&rs_of(name)).await.1["items"]
                .as_array()
                .is_some_and(|i| !i.is_empty())
            {
                found = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(found, "ReplicaSet of {name} created");
    }
    let delete = |name: &str, policy: &str| {
        let body =
            json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy});
        (
            format!("/apis/apps/v1/namespaces/default/deployments/{name}"),
            body,
        )
    };
    let (path, body) = delete("bg", "Background");
    api.send(
        reqwest::Method::DELETE,
        &path,
        Some(body),
        "application/json",
    )
    .await;
    let (path, body) = delete("fg", "Foreground");
    let (code, marked, _) = api
        .send(
            reqwest::Method::DELETE,
            &path,
            Some(body),
            "application/json",
        )
        .await;
    assert_eq!(code, 200);
    assert!(
        marked["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| f.contains(&json!("foregroundDeletion")))
            || marked["metadata"]["deletionTimestamp"].is_string()
    );
    let (path, body) = delete("orphan", "Orphan");
    api.send(
        reqwest::Method::DELETE,
        &path,
        Some(body),
        "application/json",
    )
    .await;
    assert!(
        api.wait_for("/apis/apps/v1/namespaces/default/deployments/fg", true)
            .await
    );
    assert!(
        api.wait_for("/apis/apps/v1/namespaces/default/deployments/orphan", true)
            .await
    );
    let empty = |v: &Value| v["items"].as_array().is_some_and(Vec::is_empty);
    let mut collected = false;
    for _ in 0..400 {
        if empty(&api.get(&rs_of("bg")).await.1) && empty(&api.get(&rs_of("fg")).await.1) {
            collected = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        collected,
        "background and foreground deletion remove the ReplicaSets"
    );
    let orphans = api.get(&rs_of("orphan")).await.1;
    let orphan = &orphans["items"][0];
    assert!(
        orphan["metadata"]["ownerReferences"].is_null(),
        "orphaned ReplicaSet keeps running without owner"
    );

    api.post(
        "/api/v1/namespaces/default/configmaps",
        json!({"metadata": {"name": "kept"}, "data": {"k": "v"}}),
    )
    .await;
    sim.shutdown().await.unwrap();
    let sim = Sim::start(SimOptions {
        state_file: Some(state.clone()),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let api = Api::new(&sim);
    let (code, kept) = api.get("/api/v1/namespaces/default/configmaps/kept").await;
    assert_eq!((code, &kept["data"]["k"]), (200, &json!("v")));
    // Watching from a resourceVersion older than the loaded state answers 410 Expired.
    let resp = api
        .http
        .get(format!(
            "{}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1",
            api.base
        ))
        .send()
        .await
        .unwrap();
    let mut stream = resp.bytes_stream();
    let chunk = stream.next().await.unwrap().unwrap();
    let event: Value = serde_json::from_slice(&chunk).unwrap();
    assert_eq!(event["type"], "ERROR");
    assert_eq!(
        (
            event["object"]["code"].as_u64(),
            event["object"]["reason"].as_str()
        ),
        (Some(410), Some("Expired"))
    );
    sim.shutdown().await.unwrap();
    let _ = std::fs::remove_file(&state);
}
