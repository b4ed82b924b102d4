//! Concurrency (issue 5, acceptance item 3): 10 clients create 2,000 objects and race on
//! shared ones; conflicts surface as 409 and retried writes land; every watcher sees every
//! change, in order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use slipway_sim::{Sim, SimOptions};

const CLIENTS: usize = 10;
const OBJECTS_PER_CLIENT: usize = 200;
const SHARED: usize = 20;
const INCREMENTS_PER_CLIENT: usize = 50;
const WATCHERS: usize = 3;

/// One watch event as a watcher saw it: type, name, resourceVersion, counter.
type Seen = (String, String, u64, i64);

async fn watch(base: String, rv: String, expected: usize) -> Vec<Seen> {
    let client = reqwest::Client::new();
    let url = format!(
        "{base}/api/v1/namespaces/load/configmaps?watch=1&resourceVersion={rv}&allowWatchBookmarks=true"
    );
    let resp = client.get(url).send().await.expect("watch starts");
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let mut buf = Vec::new();
    let mut seen = Vec::new();
    while seen.len() < expected {
        let Some(chunk) = stream.next().await else {
            break;
        };
        buf.extend_from_slice(&chunk.expect("watch chunk"));
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            let event: Value = serde_json::from_slice(&line).expect("watch event is JSON");
            let kind = event["type"].as_str().unwrap_or_default().to_string();
            if kind == "BOOKMARK" {
                continue;
            }
            let object = &event["object"];
            seen.push((
                kind,
                object["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                object["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or("0")
                    .parse()
                    .unwrap(),
                object["data"]["counter"]
                    .as_str()
                    .unwrap_or("0")
                    .parse()
                    .unwrap(),
            ));
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_clients_lose_no_update_and_watchers_see_everything_in_order() {
    let sim = Sim::start(SimOptions::default()).await.expect("sim starts");
    let base = sim.url();
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{base}/api/v1/namespaces"))
        .json(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "load"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let list: Value = http
        .get(format!("{base}/api/v1/namespaces/load/configmaps"))
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
    let total_writes = CLIENTS * OBJECTS_PER_CLIENT + SHARED + CLIENTS * INCREMENTS_PER_CLIENT;
    let watchers: Vec<_> = (0..WATCHERS)
        .map(|_| tokio::spawn(watch(base.clone(), rv.clone(), total_writes)))
        .collect();

    for i in 0..SHARED {
        let resp = http
            .post(format!("{base}/api/v1/namespaces/load/configmaps"))
            .json(&json!({"metadata": {"name": format!("shared-{i}")}, "data": {"counter": "0"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }

    let conflicts = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let base = base.clone();
            let conflicts = conflicts.clone();
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for n in 0..OBJECTS_PER_CLIENT {
                    let resp = http
                        .post(format!("{base}/api/v1/namespaces/load/configmaps"))
                        .json(&json!({"metadata": {"name": format!("c{c}-{n}")}, "data": {"counter": "1"}}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.status(), 201);
                }
                for n in 0..INCREMENTS_PER_CLIENT {
                    let name = format!("shared-{}", (c * 7 + n) % SHARED);
                    let url = format!("{base}/api/v1/namespaces/load/configmaps/{name}");
                    loop {
                        let mut cm: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
                        let counter: i64 = cm["data"]["counter"].as_str().unwrap().parse().unwrap();
                        cm["data"]["counter"] = json!((counter + 1).to_string());
                        let resp = http.put(&url).json(&cm).send().await.unwrap();
                        match resp.status().as_u16() {
                            200 => break,
                            409 => {
                                let status: Value = resp.json().await.unwrap();
                                assert_eq!(status["reason"], "Conflict");
                                conflicts.fetch_add(1, Ordering::Relaxed);
                            }
                            other => panic!("unexpected status {other}"),
                        }
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.await.expect("client finishes");
    }

    // No update is lost.
    let list: Value = http
        .get(format!("{base}/api/v1/namespaces/load/configmaps"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), CLIENTS * OBJECTS_PER_CLIENT + SHARED);
    let shared_sum: i64 = items
        .iter()
        .filter(|o| {
            o["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("shared-")
        })
        .map(|o| {
            o["data"]["counter"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(shared_sum, (CLIENTS * INCREMENTS_PER_CLIENT) as i64);
    eprintln!(
        "409 conflicts retried: {}",
        conflicts.load(Ordering::Relaxed)
    );

    // Every watcher sees every change, in resourceVersion order, and each shared counter
    // goes up one step at a time.
    for w in watchers {
        let seen = tokio::time::timeout(Duration::from_secs(60), w)
            .await
            .expect("watcher sees all events in time")
            .unwrap();
        assert_eq!(seen.len(), total_writes);
        assert!(
            seen.windows(2).all(|p| p[0].2 < p[1].2),
            "events in resourceVersion order"
        );
        assert_eq!(
            seen.iter().filter(|s| s.0 == "ADDED").count(),
            CLIENTS * OBJECTS_PER_CLIENT + SHARED
        );
        for i in 0..SHARED {
            let name = format!("shared-{i}");
            let counters: Vec<i64> = seen.iter().filter(|s| s.1 == name).map(|s| s.3).collect();
            let expected: Vec<i64> = (0..counters.len() as i64).collect();
            assert_eq!(counters, expected, "{name} seen in order");
        }
    }
    sim.shutdown().await.unwrap();
}
