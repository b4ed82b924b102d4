//! The three patch types of `PATCH`: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
//! strategic merge patch with the built-in merge keys and `$patch`/`$retainKeys`/
//! `$setElementOrder`/`$deleteFromPrimitiveList` directives.

use serde_json::{Map, Value};

use crate::schema::{ListKind, list_kind};

/// Applies a JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_map) = target else {
        return;
    };
    for (k, v) in patch_map {
        if v.is_null() {
            target_map.remove(k);
        } else {
            merge_patch(target_map.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Applies a JSON patch (a list of operations).
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("json patch must be a list of operations")?;
    for op in ops {
        let path = op["path"].as_str().ok_or("missing path in json patch")?;
        match op["op"].as_str().unwrap_or_default() {
            "add" => add(target, path, op["value"].clone())?,
            "remove" => {
                remove(target, path)?;
            }
            "replace" => {
                remove(target, path)?;
                add(target, path, op["value"].clone())?;
            }
            "move" => {
                let from = op["from"].as_str().ok_or("missing from")?;
                let value = remove(target, from)?;
                add(target, path, value)?;
            }
            "copy" => {
                let from = op["from"].as_str().ok_or("missing from")?;
                let value = target
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("missing value at {from}"))?;
                add(target, path, value)?;
            }
            "test" => {
                if target.pointer(path) != Some(&op["value"]) {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

/// Splits a JSON pointer into its parent pointer and unescaped last token.
fn split_pointer(path: &str) -> Result<(&str, String), String> {
    let idx = path
        .rfind('/')
        .ok_or_else(|| format!("invalid path {path}"))?;
    let last = path[idx + 1..].replace("~1", "/").replace("~0", "~");
    Ok((&path[..idx], last))
}

fn add(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("add operation does not apply: doc is missing path: \"{path}\"");
    match target.pointer_mut(parent).ok_or_else(missing)? {
        Value::Object(map) => {
            map.insert(last, value);
        }
        Value::Array(list) => {
            if last == "-" {
                list.push(value);
            } else {
                let i: usize = last.parse().map_err(|_| missing())?;
                if i > list.len() {
                    return Err(missing());
                }
                list.insert(i, value);
            }
        }
        _ => return Err(missing()),
    }
    Ok(())
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("remove operation does not apply: doc is missing path: \"{path}\"");
    match target.pointer_mut(parent).ok_or_else(missing)? {
        Value::Object(map) => map.remove(&last).ok_or_else(missing),
        Value::Array(list) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            if i >= list.len() {
                return Err(missing());
            }
            Ok(list.remove(i))
        }
        _ => Err(missing()),
    }
}

/// Applies a strategic merge patch to an object.
pub fn strategic_merge(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Object(patch_map) = patch else {
        return Err("strategic merge patch must be an object".into());
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target_map) = target {
        merge_map(target_map, patch_map)?;
    }
    Ok(())
}

fn merge_map(target: &mut Map<String, Value>, patch: &Map<String, Value>) -> Result<(), String> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            *target = patch.clone();
            target.remove("$patch");
            return Ok(());
        }
        Some("delete") => {
            target.clear();
            return Ok(());
        }
        _ => {}
    }
    for (k, v) in patch {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(remove)) = (target.get_mut(field), v.as_array())
            {
                list.retain(|x| !remove.contains(x));
            }
            continue;
        }
        if v.is_null() {
            target.remove(k);
            continue;
        }
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(p)) => {
                if p.get("$patch").and_then(Value::as_str) == Some("delete") {
                    target.remove(k);
                } else {
                    merge_map(t, p)?;
                }
            }
            (Some(Value::Array(t)), Value::Array(p)) => {
                let order = patch.get(&format!("$setElementOrder/{k}"));
                merge_list(k, t, p, order)?;
            }
            (_, Value::Object(p)) => {
                let mut fresh = Map::new();
                merge_map(&mut fresh, p)?;
                target.insert(k.clone(), Value::Object(fresh));
            }
            (_, Value::Array(p)) => {
                let mut fresh = Vec::new();
                merge_list(k, &mut fresh, p, None)?;
                target.insert(k.clone(), Value::Array(fresh));
            }
            (_, v) => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(Value::Array(keys)) = patch.get("$retainKeys") {
        target.retain(|k, _| keys.iter().any(|x| x.as_str() == Some(k)));
    }
    Ok(())
}

fn merge_list(
    field: &str,
    target: &mut Vec<Value>,
    patch: &[Value],
    order: Option<&Value>,
) -> Result<(), String> {
    if patch
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        *target = patch
            .iter()
            .filter(|i| i.get("$patch").is_none())
            .cloned()
            .collect();
        return Ok(());
    }
    let mut all: Vec<Value> = target.clone();
    all.extend(patch.iter().cloned());
    match list_kind(field, &all) {
        ListKind::Atomic => *target = patch.to_vec(),
        ListKind::Set => {
            for item in patch {
                if !target.contains(item) {
                    target.push(item.clone());
                }
            }
        }
        ListKind::Map(key) => {
            for item in patch {
                let Value::Object(item_map) = item else {
                    continue;
                };
                let pos = target.iter().position(|t| t.get(key) == item.get(key));
                let delete = item_map.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        target.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => {
                        if let Value::Object(t) = &mut target[i] {
                            merge_map(t, item_map)?;
                        }
                    }
                    (None, false) => {
                        let mut fresh = Map::new();
                        merge_map(&mut fresh, item_map)?;
                        target.push(Value::Object(fresh));
                    }
                }
            }
            if let Some(Value::Array(order)) = order {
                let rank = |v: &Value| {
                    order
                        .iter()
                        .position(|o| o.get(key) == v.get(key))
                        .unwrap_or(usize::MAX)
                };
                target.sort_by_key(rank);
            }
        }
    }
    Ok(())
}
