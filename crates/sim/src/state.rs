//! Saving and loading a simulator's objects (`slipway sim --state FILE`).

use std::path::Path;

use serde_json::{Value, json};

use crate::SimError;
use crate::api::Cluster;
use crate::registry::ResourceKey;

/// Writes every object and the resourceVersion counter to a JSON file.
pub fn save(cluster: &Cluster, path: &Path) -> Result<(), SimError> {
    let (objects, rv) = cluster.store.dump();
    let objects: Vec<Value> = objects
        .iter()
        .map(|(key, o)| json!({"group": key.group, "resource": key.resource, "object": o.as_ref()}))
        .collect();
    let doc = json!({"resourceVersion": rv, "objects": objects});
    let text = serde_json::to_vec_pretty(&doc).map_err(|e| SimError::State {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    std::fs::write(path, text).map_err(|source| SimError::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}

/// Loads a saved state (registering the saved CRDs' kinds).
pub fn load(cluster: &Cluster, path: &Path) -> Result<(), SimError> {
    let bad = |message: String| SimError::State {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read(path).map_err(|source| SimError::Io {
        context: format!("reading {}", path.display()),
        source,
    })?;
    let doc: Value = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
    let rv = doc["resourceVersion"]
        .as_u64()
        .ok_or_else(|| bad("missing resourceVersion".into()))?;
    let mut objects = Vec::new();
    for entry in doc["objects"]
        .as_array()
        .ok_or_else(|| bad("missing objects".into()))?
    {
        let key = ResourceKey::new(
            entry["group"].as_str().unwrap_or_default(),
            entry["resource"].as_str().unwrap_or_default(),
        );
        if key.group == "apiextensions.k8s.io" && key.resource == "customresourcedefinitions" {
            cluster.sync_crd(&entry["object"]);
        }
        objects.push((key, entry["object"].clone()));
    }
    cluster.store.load(objects, rv);
    Ok(())
}
