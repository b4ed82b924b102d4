//! Server-side apply and field ownership: field sets in the `FieldsV1` format, the merge of an
//! applied configuration into the live object, conflicts between managers, and the
//! `managedFields` bookkeeping of updates.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::schema::{ListKind, list_kind};
use crate::status::ApiError;

/// A path to a field: `f:name`, `k:{"name":"x"}` and `v:"x"` elements.
pub type FieldPath = Vec<String>;

/// A set of owned fields (leaves, and list items owned as a whole through `.`).
pub type FieldSet = BTreeSet<FieldPath>;

/// Metadata fields the server owns, never part of a field set.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// The fields an object sets (ignoring apiVersion, kind, status and server metadata).
pub fn fields_of(object: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    if let Value::Object(map) = object {
        for (k, v) in map {
            match k.as_str() {
                "apiVersion" | "kind" | "status" => {}
                "metadata" => {
                    if let Value::Object(meta) = v {
                        for (mk, mv) in meta {
                            if !SERVER_METADATA.contains(&mk.as_str()) {
                                collect(
                                    mk,
                                    mv,
                                    &mut vec!["f:metadata".into(), format!("f:{mk}")],
                                    &mut set,
                                );
                            }
                        }
                    }
                }
                _ => collect(k, v, &mut vec![format!("f:{k}")], &mut set),
            }
        }
    }
    set
}

/// The status fields of an object, for the status subresource.
pub fn status_fields_of(object: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    if let Some(status) = object.get("status") {
        collect("status", status, &mut vec!["f:status".into()], &mut set);
    }
    set
}

fn collect(field: &str, value: &Value, path: &mut FieldPath, set: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                path.push(format!("f:{k}"));
                collect(k, v, path, set);
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => match list_kind(field, items) {
            ListKind::Atomic => {
                set.insert(path.clone());
            }
            ListKind::Set => {
                for item in items {
                    path.push(format!("v:{item}"));
                    set.insert(path.clone());
                    path.pop();
                }
            }
            ListKind::Map(key) => {
                for item in items {
                    path.push(item_key(key, item));
                    let mut item_path = path.clone();
                    item_path.push(".".into());
                    set.insert(item_path);
                    if let Value::Object(m) = item {
                        for (k, v) in m {
                            path.push(format!("f:{k}"));
                            collect(k, v, path, set);
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
        },
        _ => {
            set.insert(path.clone());
        }
    }
}

fn item_key(key: &str, item: &Value) -> String {
    format!(
        "k:{}",
        json!({ key: item.get(key).cloned().unwrap_or(Value::Null) })
    )
}

/// Serialises a field set as a `fieldsV1` object.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut node = &mut root;
        for element in path {
            node = node
                .entry(element.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("field set nodes are objects");
        }
    }
    Value::Object(root)
}

/// Parses a `fieldsV1` object into a field set.
pub fn from_fields_v1(fields: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    fn walk(node: &Value, path: &mut FieldPath, set: &mut FieldSet) {
        match node.as_object() {
            Some(map) if !map.is_empty() => {
                for (k, v) in map {
                    path.push(k.clone());
                    walk(v, path, set);
                    path.pop();
                }
            }
            _ => {
                set.insert(path.clone());
            }
        }
    }
    walk(fields, &mut Vec::new(), &mut set);
    set
}

/// Renders a path as the API server prints it in conflicts (`.spec.containers[name="a"].image`).
pub fn path_string(path: &FieldPath) -> String {
    let mut out = String::new();
    for element in path {
        if let Some(f) = element.strip_prefix("f:") {
            out.push('.');
            out.push_str(f);
        } else if let Some(k) = element.strip_prefix("k:") {
            let parsed: Value = serde_json::from_str(k).unwrap_or(Value::Null);
            let parts: Vec<String> = parsed
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = element.strip_prefix("v:") {
            out.push_str(&format!("[={v}]"));
        }
    }
    out
}

/// The value at a field path, if present.
pub fn value_at<'a>(object: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut cur = object;
    for element in path {
        if element == "." {
            return Some(cur);
        }
        cur = step(cur, element)?;
    }
    Some(cur)
}

fn step<'a>(cur: &'a Value, element: &str) -> Option<&'a Value> {
    if let Some(f) = element.strip_prefix("f:") {
        cur.get(f)
    } else if let Some(k) = element.strip_prefix("k:") {
        let key: Value = serde_json::from_str(k).ok()?;
        let key = key.as_object()?;
        cur.as_array()?
            .iter()
            .find(|item| key.iter().all(|(kk, kv)| item.get(kk) == Some(kv)))
    } else if let Some(v) = element.strip_prefix("v:") {
        let wanted: Value = serde_json::from_str(v).ok()?;
        cur.as_array()?.iter().find(|item| **item == wanted)
    } else {
        None
    }
}

/// Removes the field at a path (a map entry, a list item, or a set value).
fn remove_at(object: &mut Value, path: &FieldPath) {
    let path: Vec<&String> = path.iter().filter(|e| *e != ".").collect();
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = object;
    for element in parents {
        let next = if let Some(f) = element.strip_prefix("f:") {
            cur.get_mut(f)
        } else {
            let idx = index_of(cur, element);
            match (idx, cur.as_array_mut()) {
                (Some(i), Some(list)) => list.get_mut(i),
                _ => None,
            }
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(map) = cur.as_object_mut() {
            map.remove(f);
        }
    } else if let Some(i) = index_of(cur, last)
        && let Some(list) = cur.as_array_mut()
    {
        list.remove(i);
    }
}

fn index_of(list: &Value, element: &str) -> Option<usize> {
    let found = step(list, element)?;
    list.as_array()?.iter().position(|i| std::ptr::eq(i, found))
}

/// Merges an applied configuration into an object: maps merge, keyed lists merge by key,
/// sets take the union, everything else is replaced.
pub fn merge_applied(target: &mut Value, applied: &Value, field: &str) {
    match (target, applied) {
        (Value::Object(t), Value::Object(a)) => {
            for (k, v) in a {
                match t.get_mut(k) {
                    Some(existing) if !v.is_null() => merge_applied(existing, v, k),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(a)) => {
            let mut all = t.clone();
            all.extend(a.iter().cloned());
            match list_kind(field, &all) {
                ListKind::Atomic => *t = a.clone(),
                ListKind::Set => {
                    for item in a {
                        if !t.contains(item) {
                            t.push(item.clone());
                        }
                    }
                }
                ListKind::Map(key) => {
                    for item in a {
                        match t.iter_mut().find(|x| x.get(key) == item.get(key)) {
                            Some(existing) => merge_applied(existing, item, field),
                            None => t.push(item.clone()),
                        }
                    }
                }
            }
        }
        (t, a) => *t = a.clone(),
    }
}

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Manager {
    /// Manager name.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    /// The apiVersion the manager used.
    pub api_version: String,
    /// Subresource (`status`) or empty.
    pub subresource: String,
    /// When it last changed.
    pub time: String,
    /// Owned fields.
    pub fields: FieldSet,
}

impl Manager {
    fn same_identity(&self, other: &Manager) -> bool {
        self.manager == other.manager
            && self.operation == other.operation
            && self.subresource == other.subresource
            && (self.operation == "Apply" || self.api_version == other.api_version)
    }

    /// How the API server names this manager in conflict messages.
    fn describe(&self) -> String {
        let mut out = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            out.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == "Update" {
            out.push_str(&format!(" using {}", self.api_version));
        }
        out
    }
}

/// Reads the `managedFields` of an object.
pub fn managers_of(object: &Value) -> Vec<Manager> {
    object["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| Manager {
            manager: e["manager"].as_str().unwrap_or_default().to_string(),
            operation: e["operation"].as_str().unwrap_or("Update").to_string(),
            api_version: e["apiVersion"].as_str().unwrap_or_default().to_string(),
            subresource: e["subresource"].as_str().unwrap_or_default().to_string(),
            time: e["time"].as_str().unwrap_or_default().to_string(),
            fields: from_fields_v1(&e["fieldsV1"]),
        })
        .collect()
}

/// Writes `managedFields` (dropping managers that own nothing).
pub fn set_managers(object: &mut Value, managers: &[Manager]) {
    let entries: Vec<Value> = managers
        .iter()
        .filter(|m| !m.fields.is_empty())
        .map(|m| {
            let mut e = json!({
                "manager": m.manager,
                "operation": m.operation,
                "apiVersion": m.api_version,
                "time": m.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&m.fields),
            });
            if !m.subresource.is_empty() {
                e["subresource"] = json!(m.subresource);
            }
            e
        })
        .collect();
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        if entries.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(entries));
        }
    }
}

/// A server-side apply request.
pub struct ApplyRequest<'a> {
    /// The applied configuration.
    pub applied: &'a Value,
    /// The `fieldManager`.
    pub manager: &'a str,
    /// Whether conflicts are overridden.
    pub force: bool,
    /// apiVersion of the request.
    pub api_version: &'a str,
    /// `status` when applying to the status subresource, else empty.
    pub subresource: &'a str,
    /// Timestamp for the manager entry.
    pub now: &'a str,
}

/// Applies a configuration to a live object (or to an empty object when creating), returning
/// the new object with updated `managedFields`, or a 409 listing the conflicting fields.
pub fn apply(live: Option<&Value>, req: &ApplyRequest<'_>) -> Result<Value, ApiError> {
    let status_only = req.subresource == "status";
    // A null in an applied configuration sets nothing.
    let applied_config = without_nulls(req.applied);
    let new_set = if status_only {
        status_fields_of(&applied_config)
    } else {
        fields_of(&applied_config)
    };
    let mut merged = live.cloned().unwrap_or_else(|| json!({}));
    let mut managers = live.map(managers_of).unwrap_or_default();
    let me = Manager {
        manager: req.manager.to_string(),
        operation: "Apply".into(),
        api_version: req.api_version.to_string(),
        subresource: req.subresource.to_string(),
        time: req.now.to_string(),
        fields: new_set.clone(),
    };
    let old_set = managers
        .iter()
        .find(|m| m.same_identity(&me))
        .map(|m| m.fields.clone())
        .unwrap_or_default();

    // Conflicts: fields another manager owns whose value the apply changes.
    let mut conflicts: Vec<(usize, FieldPath)> = Vec::new();
    for (i, other) in managers.iter().enumerate() {
        if other.same_identity(&me) {
            continue;
        }
        for path in other.fields.intersection(&new_set) {
            if path.last().is_some_and(|e| e == ".") {
                continue;
            }
            let live_value = live.and_then(|l| value_at(l, path));
            if live_value.is_some() && live_value != value_at(&applied_config, path) {
                conflicts.push((i, path.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !req.force {
        return Err(conflict_error(&managers, &conflicts));
    }
    for (i, path) in &conflicts {
        managers[*i].fields.remove(path);
    }

    // Fields this manager applied before and no longer applies are removed, unless another
    // manager also owns them.
    let others: FieldSet = managers
        .iter()
        .filter(|m| !m.same_identity(&me))
        .flat_map(|m| m.fields.iter().cloned())
        .collect();
    let mut removed: Vec<&FieldPath> = old_set.difference(&new_set).collect();
    removed.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for path in removed {
        let owned_elsewhere = others
            .iter()
            .any(|o| o.starts_with(strip_dot(path)) || strip_dot(o) == strip_dot(path));
        if !owned_elsewhere {
            remove_at(&mut merged, path);
        }
    }

    let mut applied = applied_config;
    if let Some(meta) = applied.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in SERVER_METADATA {
            if *key != "name" && *key != "namespace" {
                meta.remove(*key);
            }
        }
    }
    if status_only {
        merge_applied(&mut merged["status"], &applied["status"], "status");
    } else {
        if let Some(map) = applied.as_object_mut() {
            map.remove("status");
        }
        merge_applied(&mut merged, &applied, "");
    }
    managers.retain(|m| !m.same_identity(&me));
    managers.push(me);
    set_managers(&mut merged, &managers);
    Ok(merged)
}

/// A copy of a value without null-valued object members.
pub(crate) fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn strip_dot(path: &FieldPath) -> &[String] {
    match path.split_last() {
        Some((last, rest)) if last == "." => rest,
        _ => path,
    }
}

fn conflict_error(managers: &[Manager], conflicts: &[(usize, FieldPath)]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(i, p)| {
            json!({
                "type": "FieldManagerConflict",
                "message": format!("conflict with {}", managers[*i].describe()),
                "field": path_string(p),
            })
        })
        .collect();
    let message = if conflicts.len() == 1 {
        let (i, p) = &conflicts[0];
        format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            managers[*i].describe(),
            path_string(p)
        )
    } else {
        let mut by_manager: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, p) in conflicts {
            by_manager
                .entry(managers[*i].describe())
                .or_default()
                .push(path_string(p));
        }
        let mut lines = Vec::new();
        for (manager, paths) in by_manager {
            lines.push(format!("conflicts with {manager}:"));
            lines.extend(paths.into_iter().map(|p| format!("- {p}")));
        }
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    ApiError::new(409, "Conflict", message).with_details(json!({ "causes": causes }))
}

/// Records a non-apply write (create, update, patch) in `managedFields`: the manager takes
/// ownership of every field it changed, other managers lose those fields.
pub fn record_update(
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    api_version: &str,
    subresource: &str,
    now: &str,
) {
    let new_fields = if subresource == "status" {
        status_fields_of(new)
    } else {
        fields_of(new)
    };
    let changed: FieldSet = new_fields
        .iter()
        .filter(|p| old.and_then(|o| value_at(o, p)) != value_at(new, p))
        .cloned()
        .collect();
    let mut managers = old.map(managers_of).unwrap_or_default();
    let all_fields: FieldSet = fields_of(new)
        .union(&status_fields_of(new))
        .cloned()
        .collect();
    for m in &mut managers {
        m.fields
            .retain(|p| all_fields.contains(p) && !changed.contains(p));
    }
    if !changed.is_empty() {
        let me = Manager {
            manager: manager.to_string(),
            operation: "Update".into(),
            api_version: api_version.to_string(),
            subresource: subresource.to_string(),
            time: now.to_string(),
            fields: changed.clone(),
        };
        match managers.iter_mut().find(|m| m.same_identity(&me)) {
            Some(existing) => {
                existing.fields.extend(changed);
                existing.time = now.to_string();
            }
            None => managers.push(me),
        }
    }
    set_managers(new, &managers);
}
