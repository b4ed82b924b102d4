//! The API operations on objects (create, read, list, update, patch, apply, delete), shared by
//! the HTTP layer and the simulated controllers.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use serde_json::{Value, json};

use crate::defaults::{apply_defaults, validate};
use crate::registry::{Registry, ResourceKey, ResourceType, types_from_crd};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::ssa::{ApplyRequest, apply, record_update};
use crate::status::ApiError;
use crate::store::{Action, Store};
use crate::{patch, validation};

/// How a write handles unknown fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and warn.
    #[default]
    Warn,
    /// Reject the request.
    Strict,
}

/// Options common to writes.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: compute but do not store.
    pub dry_run: bool,
    /// The field manager recorded in `managedFields`.
    pub field_manager: String,
    /// `force=true` for server-side apply.
    pub force: bool,
    /// `fieldValidation`.
    pub field_validation: FieldValidation,
}

/// The kinds of `PATCH` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`.
    Json,
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

/// Deletion propagation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Delete now, collect dependents afterwards.
    #[default]
    Background,
    /// Delete dependents first.
    Foreground,
    /// Keep dependents, removing their owner references.
    Orphan,
}

/// Result of a write: the object and any warnings for `Warning:` headers.
#[derive(Debug, Clone)]
pub struct Written {
    /// The object as stored (or as it would be, for dry runs).
    pub object: Value,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Whether the write created the object.
    pub created: bool,
}

/// A list result.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The items.
    pub items: Vec<Arc<Value>>,
    /// The list's resourceVersion.
    pub resource_version: u64,
    /// The continue token, when more items remain.
    pub continue_token: Option<String>,
    /// How many items remain after this page.
    pub remaining: Option<usize>,
}

/// The shared state of one simulated cluster: its store and kind registry.
pub struct Cluster {
    /// The objects.
    pub store: Store,
    registry: RwLock<Registry>,
    uid_seed: u64,
    counter: AtomicU64,
    ip_counter: AtomicU32,
}

impl Default for Cluster {
    fn default() -> Self {
        Self::new()
    }
}

impl Cluster {
    /// A cluster with the built-in kinds and no objects.
    pub fn new() -> Self {
        use std::hash::{BuildHasher, RandomState};
        Cluster {
            store: Store::new(),
            registry: RwLock::new(Registry::builtin()),
            uid_seed: RandomState::new().hash_one(0u8),
            counter: AtomicU64::new(1),
            ip_counter: AtomicU32::new(1),
        }
    }

    /// Read access to the registry.
    pub fn registry(&self) -> RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Looks up a resource type by apiVersion and kind.
    pub fn resource_for(&self, api_version: &str, kind: &str) -> Option<ResourceType> {
        self.registry().by_kind(api_version, kind).cloned()
    }

    /// A fresh pseudo-random UUID.
    pub fn new_uid(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let a = mix(self.uid_seed ^ n);
        let b = mix(a ^ 0x9e37_79b9_7f4a_7c15);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// A random lowercase suffix of `len` characters (for generateName and pod names).
    pub fn random_suffix(&self, len: usize) -> String {
        const CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut n = mix(self.uid_seed ^ self.counter.fetch_add(1, Ordering::Relaxed));
        (0..len)
            .map(|_| {
                let c = CHARS[(n % CHARS.len() as u64) as usize] as char;
                n /= CHARS.len() as u64;
                c
            })
            .collect()
    }

    /// The next Service cluster IP.
    pub fn next_cluster_ip(&self) -> String {
        let n = self.ip_counter.fetch_add(1, Ordering::Relaxed);
        format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
    }

    /// Reads one object.
    pub fn get(&self, rt: &ResourceType, namespace: &str, name: &str) -> Result<Value, ApiError> {
        self.store
            .get(&rt.key(), namespace, name)
            .map(|o| with_api_version(&o, rt))
            .ok_or_else(|| ApiError::not_found(rt, name))
    }

    /// Lists objects with selectors and paging.
    pub fn list(
        &self,
        rt: &ResourceType,
        namespace: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        limit: Option<usize>,
        continue_token: Option<&str>,
    ) -> Result<Listed, ApiError> {
        let (items, rv) = self.store.list(&rt.key(), namespace);
        let (start_after, rv) = match continue_token {
            Some(token) => parse_continue(token)?,
            None => (None, rv),
        };
        let mut matching = items.into_iter().filter(|o| {
            labels.matches(o)
                && fields.matches(o)
                && start_after
                    .as_ref()
                    .is_none_or(|after| crate::store::object_name(o) > *after)
        });
        let mut page: Vec<Arc<Value>> = Vec::new();
        let mut continue_token = None;
        let mut remaining = None;
        for o in matching.by_ref() {
            if limit.is_some_and(|l| l > 0 && page.len() >= l) {
                let rest = 1 + matching.count();
                let last = page.last().map(|p| crate::store::object_name(p));
                if let Some((ns, name)) = last {
                    continue_token = Some(format!("{rv}/{ns}/{name}"));
                }
                remaining = Some(rest);
                break;
            }
            page.push(o);
        }
        Ok(Listed {
            items: page,
            resource_version: rv,
            continue_token,
            remaining,
        })
    }

    /// Creates an object.
    pub fn create(
        &self,
        rt: &ResourceType,
        namespace: &str,
        mut object: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let warnings = self.check_body(rt, namespace, &mut object, opts)?;
        if object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
            && let Some(prefix) = object["metadata"]["generateName"].as_str()
        {
            object["metadata"]["name"] = json!(format!("{prefix}{}", self.random_suffix(5)));
        }
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.check_namespace(rt, namespace, &name)?;
        self.prepare_new(rt, namespace, &mut object)?;
        let now = now();
        record_update(
            None,
            &mut object,
            &opts.field_manager,
            &rt.api_version(),
            "",
            &now,
        );
        let stored = self.commit(rt, namespace, &name, opts.dry_run, |current| {
            if current.is_some() {
                return Err(ApiError::already_exists(rt, &name));
            }
            Ok(object)
        })?;
        Ok(Written {
            object: stored,
            warnings,
            created: true,
        })
    }

    /// Replaces an object (`PUT`), on the main resource or the status subresource.
    pub fn update(
        &self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        subresource: &str,
        mut object: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let warnings = self.check_body(rt, namespace, &mut object, opts)?;
        if object["metadata"]["name"].as_str() != Some(name) {
            return Err(ApiError::bad_request(
                "the name of the object does not match the name on the URL",
            ));
        }
        let expected_rv = object["metadata"]["resourceVersion"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let mut created = false;
        // Checked outside the store transaction, which must not re-enter the store.
        let namespace_ok = self.check_namespace(rt, namespace, name);
        let stored = self.commit(rt, namespace, name, opts.dry_run, |current| {
            let Some(current) = current else {
                if subresource.is_empty() && allows_create_on_update(rt) {
                    created = true;
                    let mut fresh = object.clone();
                    namespace_ok.clone()?;
                    self.prepare_new(rt, namespace, &mut fresh)?;
                    record_update(
                        None,
                        &mut fresh,
                        &opts.field_manager,
                        &rt.api_version(),
                        "",
                        &now(),
                    );
                    return Ok(fresh);
                }
                return Err(ApiError::not_found(rt, name));
            };
            if let Some(expected) = &expected_rv
                && current["metadata"]["resourceVersion"].as_str() != Some(expected)
            {
                return Err(ApiError::conflict(rt, name));
            }
            self.finish_update(rt, current, object.clone(), subresource, opts)
        })?;
        Ok(Written {
            object: stored,
            warnings,
            created,
        })
    }

    /// Patches an object; server-side apply creates it when missing.
    #[allow(clippy::too_many_arguments)]
    pub fn patch(
        &self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        subresource: &str,
        patch_type: PatchType,
        body: &Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let mut warnings = Vec::new();
        let mut body = body.clone();
        if patch_type == PatchType::Apply {
            warnings = self.check_body(rt, namespace, &mut body, opts)?;
            if body["metadata"]["name"].as_str() != Some(name) {
                return Err(ApiError::bad_request(
                    "the name of the object does not match the name on the URL",
                ));
            }
        } else if patch_type != PatchType::Json {
            warnings = self.unknown_field_check(rt, &body, opts)?;
        }
        let mut created = false;
        // Checked outside the store transaction, which must not re-enter the store.
        let namespace_ok = self.check_namespace(rt, namespace, name);
        let stored = self.commit(rt, namespace, name, opts.dry_run, |current| {
            let now = now();
            match (current, patch_type) {
                (None, PatchType::Apply) => {
                    created = true;
                    namespace_ok.clone()?;
                    let mut fresh = apply(
                        None,
                        &ApplyRequest {
                            applied: &body,
                            manager: &opts.field_manager,
                            force: opts.force,
                            api_version: &rt.api_version(),
                            subresource,
                            now: &now,
                        },
                    )?;
                    fresh["apiVersion"] = json!(rt.api_version());
                    fresh["kind"] = json!(rt.kind);
                    self.prepare_new(rt, namespace, &mut fresh)?;
                    Ok(fresh)
                }
                (None, _) => Err(ApiError::not_found(rt, name)),
                (Some(current), PatchType::Apply) => {
                    let mut merged = apply(
                        Some(current),
                        &ApplyRequest {
                            applied: &body,
                            manager: &opts.field_manager,
                            force: opts.force,
                            api_version: &rt.api_version(),
                            subresource,
                            now: &now,
                        },
                    )?;
                    let managed = merged["metadata"]["managedFields"].clone();
                    merged = self.finish_update_inner(rt, current, merged, subresource)?;
                    if managed.is_null() {
                        if let Some(m) = merged["metadata"].as_object_mut() {
                            m.remove("managedFields");
                        }
                    } else {
                        merged["metadata"]["managedFields"] = managed;
                    }
                    Ok(merged)
                }
                (Some(current), patch_type) => {
                    let mut patched = current.clone();
                    let result = match patch_type {
                        PatchType::Json => patch::json_patch(&mut patched, &body),
                        PatchType::Merge => {
                            patch::merge_patch(&mut patched, &body);
                            Ok(())
                        }
                        _ => patch::strategic_merge(&mut patched, &body),
                    };
                    result.map_err(|e| {
                        ApiError::new(422, "Invalid", e.clone()).with_details(json!({
                            "name": name, "group": rt.group, "kind": rt.resource
                        }))
                    })?;
                    if let Some(expected) = body["metadata"]["resourceVersion"].as_str()
                        && current["metadata"]["resourceVersion"].as_str() != Some(expected)
                    {
                        return Err(ApiError::conflict(rt, name));
                    }
                    self.finish_update(rt, current, patched, subresource, opts)
                }
            }
        })?;
        Ok(Written {
            object: stored,
            warnings,
            created,
        })
    }

    /// Deletes an object (or marks it for deletion while finalizers remain).
    pub fn delete(
        &self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        propagation: Option<Propagation>,
        precondition_uid: Option<&str>,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let propagation = propagation.unwrap_or(Propagation::Background);
        let mut result = None;
        self.store
            .transact(&rt.key(), namespace, name, |current| {
                let Some(current) = current else {
                    return Err(ApiError::not_found(rt, name));
                };
                if let Some(uid) = precondition_uid
                    && current["metadata"]["uid"].as_str() != Some(uid)
                {
                    return Err(ApiError::conflict(rt, name));
                }
                let mut next = current.clone();
                let finalizer = match propagation {
                    Propagation::Foreground => Some("foregroundDeletion"),
                    Propagation::Orphan => Some("orphan"),
                    Propagation::Background => None,
                };
                let namespace_kind = rt.group.is_empty() && rt.resource == "namespaces";
                // Running pods terminate gracefully: the kubelet removes them shortly after.
                let graceful_pod = rt.group.is_empty()
                    && rt.resource == "pods"
                    && current["spec"]["nodeName"].is_string()
                    && !matches!(
                        current["status"]["phase"].as_str(),
                        Some("Succeeded" | "Failed")
                    );
                let mut keep = namespace_kind || graceful_pod;
                if let Some(f) = finalizer {
                    add_finalizer(&mut next, f);
                    keep = true;
                }
                if has_finalizers(&next) {
                    keep = true;
                }
                if keep {
                    if next["metadata"]["deletionTimestamp"].is_null() {
                        next["metadata"]["deletionTimestamp"] = json!(now());
                        let grace = if graceful_pod {
                            current["spec"]["terminationGracePeriodSeconds"]
                                .as_i64()
                                .unwrap_or(30)
                        } else {
                            0
                        };
                        next["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
                    }
                    if namespace_kind {
                        next["status"]["phase"] = json!("Terminating");
                    }
                    result = Some(next.clone());
                    if dry_run || next == *current {
                        return Ok(Action::Keep);
                    }
                    return Ok(Action::Put(next));
                }
                result = Some(current.clone());
                Ok(if dry_run {
                    Action::Keep
                } else {
                    Action::Delete
                })
            })
            .map(|stored| {
                stored
                    .map(|s| (*s).clone())
                    .or(result)
                    .map(|o| with_api_version(&o, rt))
                    .unwrap_or(Value::Null)
            })
    }

    /// Stores the result of a read-modify-write, honouring dry runs, finalizers on deleted
    /// objects and CRD registration.
    fn commit<F>(
        &self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        dry_run: bool,
        f: F,
    ) -> Result<Value, ApiError>
    where
        F: FnOnce(Option<&Value>) -> Result<Value, ApiError>,
    {
        let mut dry = None;
        let stored = self.store.transact(&rt.key(), namespace, name, |current| {
            let next = f(current)?;
            if current == Some(&next) {
                return Ok(Action::Keep);
            }
            if dry_run {
                dry = Some(next);
                return Ok(Action::Keep);
            }
            if !next["metadata"]["deletionTimestamp"].is_null() && !has_finalizers(&next) {
                return Ok(Action::Delete);
            }
            Ok(Action::Put(next))
        })?;
        let object = match dry {
            Some(d) => d,
            None => stored.map(|s| (*s).clone()).unwrap_or(Value::Null),
        };
        if !dry_run
            && rt.group == "apiextensions.k8s.io"
            && rt.resource == "customresourcedefinitions"
        {
            self.sync_crd(&object);
        }
        Ok(with_api_version(&object, rt))
    }

    /// Registers (or unregisters) the kinds of a CRD.
    pub fn sync_crd(&self, crd: &Value) {
        let types = types_from_crd(crd);
        let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
        if let Some(first) = types.first() {
            registry.remove(&first.group, &first.resource);
        }
        for rt in types {
            registry.insert(rt);
        }
    }

    /// Removes the kinds of a deleted CRD.
    pub fn unregister_crd(&self, crd: &Value) {
        let spec = &crd["spec"];
        let group = spec["group"].as_str().unwrap_or_default();
        let plural = spec["names"]["plural"].as_str().unwrap_or_default();
        self.registry
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(group, plural);
    }

    /// Checks apiVersion/kind/namespace of a request body and handles unknown fields.
    fn check_body(
        &self,
        rt: &ResourceType,
        namespace: &str,
        object: &mut Value,
        opts: &WriteOptions,
    ) -> Result<Vec<String>, ApiError> {
        if !object.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request was in an unknown format",
            ));
        }
        let kind = object["kind"].as_str().unwrap_or_default();
        if !kind.is_empty() && kind != rt.kind {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({}) does not match the expected API version ({})",
                object["apiVersion"].as_str().unwrap_or_default(),
                rt.api_version()
            )));
        }
        object["apiVersion"] = json!(rt.api_version());
        object["kind"] = json!(rt.kind);
        if !object["metadata"].is_object() {
            object["metadata"] = json!({});
        }
        let body_ns = object["metadata"]["namespace"].as_str().unwrap_or_default();
        if rt.namespaced {
            if !body_ns.is_empty() && body_ns != namespace {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            object["metadata"]["namespace"] = json!(namespace);
        } else if let Some(m) = object["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        self.unknown_field_check(rt, object, opts)
    }

    fn unknown_field_check(
        &self,
        rt: &ResourceType,
        object: &Value,
        opts: &WriteOptions,
    ) -> Result<Vec<String>, ApiError> {
        if opts.field_validation == FieldValidation::Ignore {
            return Ok(Vec::new());
        }
        let unknown = validation::unknown_fields(rt, object);
        if unknown.is_empty() {
            return Ok(Vec::new());
        }
        let messages: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        if opts.field_validation == FieldValidation::Strict {
            return Err(ApiError::bad_request(format!(
                "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                rt.kind,
                rt.version,
                rt.kind,
                messages.join(", ")
            )));
        }
        Ok(messages)
    }

    /// Checks the namespace of a new object exists and is not terminating.
    fn check_namespace(
        &self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        if !rt.namespaced {
            return Ok(());
        }
        let ns_key = ResourceKey::new("", "namespaces");
        match self.store.get(&ns_key, "", namespace) {
            None => {
                let ns_rt = self
                    .registry()
                    .get("", "v1", "namespaces")
                    .cloned()
                    .ok_or_else(ApiError::no_resource)?;
                Err(ApiError::not_found(&ns_rt, namespace))
            }
            Some(ns) if !ns["metadata"]["deletionTimestamp"].is_null() => {
                Err(ApiError::namespace_terminating(rt, name, namespace))
            }
            Some(_) => Ok(()),
        }
    }

    /// Server-set metadata, defaults and validation of a new object.
    fn prepare_new(
        &self,
        rt: &ResourceType,
        namespace: &str,
        object: &mut Value,
    ) -> Result<(), ApiError> {
        let meta = &mut object["metadata"];
        if let Some(m) = meta.as_object_mut() {
            for key in [
                "resourceVersion",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "selfLink",
            ] {
                m.remove(key);
            }
        }
        meta["uid"] = json!(self.new_uid());
        meta["creationTimestamp"] = json!(now());
        if rt.namespaced {
            meta["namespace"] = json!(namespace);
        }
        if has_generation(rt) {
            meta["generation"] = json!(1);
        }
        if rt.status_subresource
            && !(rt.group.is_empty() && rt.resource == "namespaces")
            && let Some(o) = object.as_object_mut()
        {
            o.remove("status");
        }
        apply_defaults(rt, object);
        if rt.group.is_empty() && rt.resource == "services" {
            self.assign_cluster_ip(object);
        }
        let errors = validate(rt, object);
        if !errors.is_empty() {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            return Err(ApiError::invalid(rt, name, &errors));
        }
        Ok(())
    }

    fn assign_cluster_ip(&self, object: &mut Value) {
        let spec = &mut object["spec"];
        if spec["clusterIP"].as_str() == Some("None") {
            spec["clusterIPs"] = json!(["None"]);
        } else if spec["type"].as_str() != Some("ExternalName")
            && spec["clusterIP"].as_str().unwrap_or_default().is_empty()
        {
            let ip = self.next_cluster_ip();
            spec["clusterIP"] = json!(ip);
            spec["clusterIPs"] = json!([ip]);
        }
        spec["ipFamilies"] = json!(["IPv4"]);
        spec["ipFamilyPolicy"] = json!("SingleStack");
        spec["internalTrafficPolicy"] = json!("Cluster");
    }

    fn finish_update(
        &self,
        rt: &ResourceType,
        current: &Value,
        next: Value,
        subresource: &str,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let mut next = self.finish_update_inner(rt, current, next, subresource)?;
        record_update(
            Some(current),
            &mut next,
            &opts.field_manager,
            &rt.api_version(),
            subresource,
            &now(),
        );
        Ok(next)
    }

    /// Keeps server-owned metadata, splits main resource and status, bumps the generation.
    fn finish_update_inner(
        &self,
        rt: &ResourceType,
        current: &Value,
        mut next: Value,
        subresource: &str,
    ) -> Result<Value, ApiError> {
        next["apiVersion"] = json!(rt.api_version());
        next["kind"] = json!(rt.kind);
        if !next["metadata"].is_object() {
            next["metadata"] = json!({});
        }
        for key in [
            "uid",
            "creationTimestamp",
            "namespace",
            "name",
            "deletionTimestamp",
            "generation",
        ] {
            match current["metadata"].get(key) {
                Some(v) => next["metadata"][key] = v.clone(),
                None => {
                    if let Some(m) = next["metadata"].as_object_mut() {
                        m.remove(key);
                    }
                }
            }
        }
        if !current["metadata"]["deletionTimestamp"].is_null() {
            next["metadata"]["deletionGracePeriodSeconds"] =
                current["metadata"]["deletionGracePeriodSeconds"].clone();
        }
        if subresource == "status" {
            let status = next.get("status").cloned();
            let mut merged = current.clone();
            match status {
                Some(s) => merged["status"] = s,
                None => {
                    if let Some(o) = merged.as_object_mut() {
                        o.remove("status");
                    }
                }
            }
            merged["metadata"]["managedFields"] = next["metadata"]["managedFields"].clone();
            if merged["metadata"]["managedFields"].is_null()
                && let Some(m) = merged["metadata"].as_object_mut()
            {
                m.remove("managedFields");
            }
            return Ok(merged);
        }
        if rt.status_subresource && !(rt.group.is_empty() && rt.resource == "namespaces") {
            match current.get("status") {
                Some(s) => next["status"] = s.clone(),
                None => {
                    if let Some(o) = next.as_object_mut() {
                        o.remove("status");
                    }
                }
            }
        }
        apply_defaults(rt, &mut next);
        if rt.group.is_empty() && rt.resource == "services" {
            for key in ["clusterIP", "clusterIPs"] {
                if next["spec"][key].is_null() && !current["spec"][key].is_null() {
                    next["spec"][key] = current["spec"][key].clone();
                }
            }
            if next["spec"]["clusterIP"].is_null() {
                self.assign_cluster_ip(&mut next);
            }
        }
        let errors = validate(rt, &next);
        if !errors.is_empty() {
            let name = next["metadata"]["name"].as_str().unwrap_or_default();
            return Err(ApiError::invalid(rt, name, &errors));
        }
        if has_generation(rt) && spec_changed(current, &next) {
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1);
            next["metadata"]["generation"] = json!(generation + 1);
        }
        Ok(next)
    }

    /// Resource types that are namespaced, for namespace cleanup and GC scans.
    pub fn all_types(&self) -> Vec<ResourceType> {
        let mut seen = HashSet::new();
        self.registry()
            .all()
            .filter(|rt| seen.insert(rt.key()))
            .cloned()
            .collect()
    }
}

/// Objects of these kinds carry no `metadata.generation`.
fn has_generation(rt: &ResourceType) -> bool {
    let core_without = rt.group.is_empty()
        && matches!(
            rt.resource.as_str(),
            "configmaps"
                | "secrets"
                | "events"
                | "endpoints"
                | "serviceaccounts"
                | "namespaces"
                | "nodes"
        );
    !core_without && !matches!(rt.resource.as_str(), "leases" | "endpointslices" | "events")
}

/// Whether an update may create the object (PUT on a missing object).
fn allows_create_on_update(rt: &ResourceType) -> bool {
    rt.group == "coordination.k8s.io" || (rt.group.is_empty() && rt.resource == "endpoints")
}

/// Whether anything besides metadata and status changed.
fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("metadata");
            o.remove("status");
        }
        v
    };
    strip(old) != strip(new)
}

/// Whether an object has finalizers.
pub fn has_finalizers(object: &Value) -> bool {
    object["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|f| !f.is_empty())
}

/// Adds a finalizer if missing.
pub fn add_finalizer(object: &mut Value, finalizer: &str) {
    let list = &mut object["metadata"]["finalizers"];
    if !list.is_array() {
        *list = json!([]);
    }
    if let Some(list) = list.as_array_mut()
        && !list.iter().any(|f| f == finalizer)
    {
        list.push(json!(finalizer));
    }
}

/// Removes a finalizer.
pub fn remove_finalizer(object: &mut Value, finalizer: &str) {
    if let Some(list) = object["metadata"]["finalizers"].as_array_mut() {
        list.retain(|f| f != finalizer);
        if list.is_empty()
            && let Some(m) = object["metadata"].as_object_mut()
        {
            m.remove("finalizers");
        }
    }
}

/// The object as served at the requested version (all versions share one storage form).
fn with_api_version(object: &Value, rt: &ResourceType) -> Value {
    let mut out = object.clone();
    if out.is_object() {
        out["apiVersion"] = json!(rt.api_version());
    }
    out
}

fn parse_continue(token: &str) -> Result<(Option<(String, String)>, u64), ApiError> {
    let bad = || ApiError::bad_request("continue key is not valid");
    let mut parts = token.splitn(3, '/');
    let rv = parts.next().and_then(|r| r.parse().ok()).ok_or_else(bad)?;
    let ns = parts.next().ok_or_else(bad)?.to_string();
    let name = parts.next().ok_or_else(bad)?.to_string();
    Ok((Some((ns, name)), rv))
}

/// The current time in RFC 3339 with second precision, as Kubernetes prints it.
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}
