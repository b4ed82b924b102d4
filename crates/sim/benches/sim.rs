//! Simulator throughput (issue 5, acceptance item 4): requests per second for get, list and
//! server-side apply over HTTP, apply of 1,000 objects, and watch fan-out.
//!
//! Run: `cargo bench -p slipway-sim --bench sim`.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use slipway_sim::{Sim, SimOptions};

const APPLY_OBJECTS: usize = 1000;
const CONCURRENCY: usize = 8;

fn configmap(i: usize) -> String {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": format!("cm-{i}"), "namespace": "bench", "labels": {"app": "bench", "shard": (i % 10).to_string()}},
        "data": {"key": format!("value-{i}"), "other": "x".repeat(64)}
    })
    .to_string()
}

async fn apply_all(
    http: &reqwest::Client,
    base: &str,
    count: usize,
    generation: usize,
) -> Duration {
    let start = Instant::now();
    let per_task = count.div_ceil(CONCURRENCY);
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|t| {
            let http = http.clone();
            let base = base.to_string();
            tokio::spawn(async move {
                for i in t * per_task..((t + 1) * per_task).min(count) {
                    let body = configmap(i).replace("value-", &format!("v{generation}-"));
                    let resp = http
                        .patch(format!("{base}/api/v1/namespaces/bench/configmaps/cm-{i}?fieldManager=bench&force=true"))
                        .header("Content-Type", "application/apply-patch+yaml")
                        .body(body)
                        .send()
                        .await
                        .expect("apply");
                    assert!(resp.status().is_success(), "apply status {}", resp.status());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("apply task");
    }
    start.elapsed()
}

async fn rate(label: &str, n: usize, f: impl AsyncFn(usize)) {
    let start = Instant::now();
    for i in 0..n {
        f(i).await;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:<44} {:>9.0} req/s  ({n} requests, sequential)",
        n as f64 / secs
    );
}

async fn watch_fan_out(http: &reqwest::Client, base: &str, watchers: usize, events: usize) {
    let list: serde_json::Value = http
        .get(format!("{base}/api/v1/namespaces/bench/secrets"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let mut handles = Vec::new();
    for _ in 0..watchers {
        let resp = http
            .get(format!(
                "{base}/api/v1/namespaces/bench/secrets?watch=1&resourceVersion={rv}"
            ))
            .send()
            .await
            .unwrap();
        handles.push(tokio::spawn(async move {
            let mut stream = resp.bytes_stream();
            let mut lines = 0;
            while lines < events {
                let chunk = stream.next().await.expect("stream open").expect("chunk");
                lines += chunk.iter().filter(|b| **b == b'\n').count();
            }
        }));
    }
    let start = Instant::now();
    for i in 0..events {
        let resp = http
            .post(format!("{base}/api/v1/namespaces/bench/secrets"))
            .body(
                json!({"metadata": {"name": format!("s-{i}")}, "stringData": {"k": "v"}})
                    .to_string(),
            )
            .header("Content-Type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    for h in handles {
        h.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{:<44} {:>9.0} events/s delivered ({events} changes x {watchers} watchers in {:.3}s)",
        "watch fan-out",
        (events * watchers) as f64 / secs,
        secs
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
    let base = sim.url();
    let http = reqwest::Client::new();
    http.post(format!("{base}/api/v1/namespaces"))
        .header("Content-Type", "application/json")
        .body(json!({"metadata": {"name": "bench"}}).to_string())
        .send()
        .await
        .unwrap();

    let created = apply_all(&http, &base, APPLY_OBJECTS, 0).await;
    println!(
        "{:<44} {:>9.3} s    ({:.0} req/s, {CONCURRENCY} clients)",
        format!("server-side apply, create {APPLY_OBJECTS} objects"),
        created.as_secs_f64(),
        APPLY_OBJECTS as f64 / created.as_secs_f64()
    );
    let updated = apply_all(&http, &base, APPLY_OBJECTS, 1).await;
    println!(
        "{:<44} {:>9.3} s    ({:.0} req/s, {CONCURRENCY} clients)",
        format!("server-side apply, update {APPLY_OBJECTS} objects"),
        updated.as_secs_f64(),
        APPLY_OBJECTS as f64 / updated.as_secs_f64()
    );
    let unchanged = apply_all(&http, &base, APPLY_OBJECTS, 1).await;
    println!(
        "{:<44} {:>9.3} s    ({:.0} req/s, {CONCURRENCY} clients)",
        format!("server-side apply, no-op {APPLY_OBJECTS} objects"),
        unchanged.as_secs_f64(),
        APPLY_OBJECTS as f64 / unchanged.as_secs_f64()
    );
    rate("get (one ConfigMap)", 2000, async |i| {
        let r = http
            .get(format!(
                "{base}/api/v1/namespaces/bench/configmaps/cm-{}",
                i % APPLY_OBJECTS
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    })
    .await;
    rate(
        "list (label selector, 100 of 1,000 items)",
        200,
        async |i| {
            let r = http
                .get(format!(
                    "{base}/api/v1/namespaces/bench/configmaps?labelSelector=shard%3D{}",
                    i % 10
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap();
        },
    )
    .await;
    rate("list (all 1,000 items)", 50, async |_| {
        let r = http
            .get(format!("{base}/api/v1/namespaces/bench/configmaps"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    })
    .await;
    watch_fan_out(&http, &base, 20, 500).await;
    println!("requests served: {:?}", sim.request_count());
    sim.shutdown().await.unwrap();
}
