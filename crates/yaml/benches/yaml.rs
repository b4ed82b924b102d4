//! Throughput of the render hot path: reading a values file, `toYaml` of a sub-tree,
//! splitting and reading manifest heads. `cargo bench -p slipway-yaml` prints time per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A values file in the style of a large community chart: nested maps, lists of maps,
/// comments, quoted strings, numbers, booleans, multi-line blocks.
fn values_text() -> String {
    let mut s =
        String::from("# Default values\nglobal:\n  imageRegistry: \"\"\n  storageClass: \"\"\n");
    for i in 0..40 {
        s.push_str(&format!(
            "component{i}:\n  enabled: true\n  replicaCount: {i}\n  image:\n    registry: docker.io\n    repository: bitnami/app{i}\n    tag: 1.2.{i}-debian-12-r0\n    pullPolicy: IfNotPresent\n  resources:\n    limits: {{cpu: 500m, memory: 512Mi}}\n    requests:\n      cpu: 250m\n      memory: 256Mi\n  podAnnotations: {{}}\n  extraEnvVars:\n    - name: LOG_LEVEL\n      value: \"debug\"\n    - name: PORT\n      value: \"8080\"\n  service:\n    type: ClusterIP\n    ports: [80, 443]\n  config: |\n    listen 0.0.0.0:8080\n    workers 4\n  # a comment\n  nodeSelector: {{}}\n  tolerations: []\n"
        ));
    }
    s
}

/// Runs `f` repeatedly for about a second and prints the mean time per call.
fn bench(name: &str, mut f: impl FnMut()) {
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        f();
        n += 1;
    }
    let per = start.elapsed() / n;
    println!("{name}: {per:?} per call ({n} calls)");
}

fn main() {
    let text = values_text();
    println!("values file: {} bytes", text.len());
    bench("from_yaml(values)", || {
        black_box(slipway_yaml::from_yaml(black_box(&text)).unwrap());
    });
    let values = slipway_yaml::from_yaml(&text).unwrap();
    bench("to_yaml(values)", || {
        black_box(slipway_yaml::to_yaml(black_box(&values)).unwrap());
    });
    let component = values.as_dict().unwrap().get("component7").unwrap();
    bench("to_yaml(one component)", || {
        black_box(slipway_yaml::to_yaml(black_box(&component)).unwrap());
    });
    let manifests: String = (0..50)
        .map(|i| format!("---\n# Source: c/templates/t{i}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\n  annotations:\n    helm.sh/hook-weight: \"{i}\"\ndata:\n  k: v\n"))
        .collect();
    bench("split_manifests + manifest_head (50 docs)", || {
        for doc in slipway_yaml::split_manifests(black_box(&manifests)) {
            black_box(slipway_yaml::manifest_head(doc).unwrap());
        }
    });
}
