//! Simulated controllers and kubelet: one task consumes every store change in order and
//! reconciles the affected objects; timed behaviour (pod start-up, readiness delays,
//! back-offs, progress deadlines) runs on tokio timers that write back through the store.

mod gc;
mod kubelet;
mod workloads;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::SimOptions;
use crate::api::{Cluster, WriteOptions, now};
use crate::registry::{ResourceKey, ResourceType};
use crate::store::{Action, EventType, StoreEvent};

/// The pod-template annotations that script simulated behaviour.
pub mod annotations {
    /// `ImagePullBackOff`, `ErrImagePull`, `CrashLoopBackOff`, `Unschedulable` or
    /// `ReadinessProbeFailed`.
    pub const FAIL: &str = "sim.slipway.dev/fail";
    /// A duration (`2s`, `500ms`, `1m`) after which a started container becomes ready.
    pub const READY_AFTER: &str = "sim.slipway.dev/ready-after";
    /// Exit code of the containers of Job pods (default 0).
    pub const EXIT_CODE: &str = "sim.slipway.dev/exit-code";
    /// Log lines of the containers (`line\nline`).
    pub const LOGS: &str = crate::logs::LOGS_ANNOTATION;
}

/// The field manager of controller writes.
const MANAGER: &str = "kube-controller-manager";

/// Handle to the cluster shared by all controllers and timers.
#[derive(Clone)]
pub(crate) struct Ctx {
    cluster: Arc<Cluster>,
    options: Arc<SimOptions>,
}

/// Creates the objects every cluster starts with: system namespaces, Nodes and the
/// `kubernetes` Service.
pub fn bootstrap(cluster: &Cluster, nodes: usize) {
    let create = |group: &str, resource: &str, ns: &str, object: Value| {
        if let Some(rt) = cluster.registry().get(group, "v1", resource).cloned()
            && cluster
                .store
                .get(
                    &rt.key(),
                    ns,
                    object["metadata"]["name"].as_str().unwrap_or_default(),
                )
                .is_none()
        {
            let _ = cluster.create(&rt, ns, object, &system_write());
        }
    };
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        create("", "namespaces", "", json!({"metadata": {"name": ns}}));
    }
    for i in 1..=nodes.max(1) {
        let name = node_name(i);
        create(
            "",
            "nodes",
            "",
            json!({
                "metadata": {"name": name, "labels": {
                    "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                    "node.kubernetes.io/instance-type": "sim"
                }},
                "spec": {"podCIDR": format!("10.244.{i}.0/24")}
            }),
        );
        // Nodes carry their status from creation (no separate kubelet registration).
        if let Some(rt) = cluster.registry().get("", "v1", "nodes").cloned() {
            let _ = cluster.store.transact(&rt.key(), "", &name, |cur| {
                Ok(match cur {
                    Some(c) if c["status"]["conditions"].is_null() => {
                        let mut c = c.clone();
                        c["status"] = json!({
                            "capacity": {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"},
                            "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"},
                            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": now(), "lastTransitionTime": now()}],
                            "addresses": [{"type": "InternalIP", "address": format!("172.18.0.{}", i + 1)}, {"type": "Hostname", "address": name}],
                            "nodeInfo": {"kubeletVersion": "v1.35.0", "containerRuntimeVersion": "sim://1.0", "operatingSystem": "linux", "architecture": "amd64", "osImage": "slipway sim", "kernelVersion": "6.0.0", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""}
                        });
                        Action::Put(c)
                    }
                    _ => Action::Keep,
                })
            });
        }
    }
    create(
        "",
        "services",
        "default",
        json!({"metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
    );
}

/// The name of the i-th simulated node (1-based).
pub(crate) fn node_name(i: usize) -> String {
    if i == 1 {
        "sim-node".to_string()
    } else {
        format!("sim-node-{i}")
    }
}

fn system_write() -> WriteOptions {
    WriteOptions {
        field_manager: MANAGER.to_string(),
        field_validation: crate::api::FieldValidation::Ignore,
        ..WriteOptions::default()
    }
}

/// Starts the controller task.
pub fn spawn(cluster: Arc<Cluster>, options: SimOptions) -> JoinHandle<()> {
    let mut events = cluster.store.listen();
    let ctx = Ctx {
        cluster,
        options: Arc::new(options),
    };
    tokio::spawn(async move {
        ctx.resync_all();
        while let Some(event) = events.recv().await {
            ctx.on_event(&event);
        }
    })
}

impl Ctx {
    /// Reconciles everything once (after loading saved state).
    fn resync_all(&self) {
        for rt in self.cluster.all_types() {
            let (objects, _) = self.cluster.store.list(&rt.key(), None);
            for o in objects {
                let event = StoreEvent {
                    kind: EventType::Modified,
                    key: rt.key(),
                    object: o.clone(),
                    old: Some(o),
                    rv: 0,
                };
                self.on_event(&event);
            }
        }
    }

    /// Dispatches one change to the controllers it concerns.
    fn on_event(&self, event: &StoreEvent) {
        let o = &event.object;
        let (ns, name) = crate::store::object_name(o);
        let deleted = event.kind == EventType::Deleted;
        match (event.key.group.as_str(), event.key.resource.as_str()) {
            ("apps", "deployments") if !deleted => self.reconcile_deployment(&ns, &name),
            ("apps", "replicasets") if !deleted => {
                self.reconcile_replicaset(&ns, &name);
            }
            ("apps", "statefulsets") if !deleted => self.reconcile_statefulset(&ns, &name),
            ("apps", "daemonsets") if !deleted => self.reconcile_daemonset(&ns, &name),
            ("batch", "jobs") if !deleted => self.reconcile_job(&ns, &name),
            ("", "pods") if event.kind == EventType::Added => self.pod_added(o),
            ("", "pods") if !deleted => self.pod_terminating(o, event.old.as_deref()),
            ("", "namespaces") if !deleted => self.reconcile_namespace(o, event.kind),
            ("", "persistentvolumeclaims") if !deleted => self.bind_pvc(&ns, &name),
            ("", "services") if !deleted => self.service_status(&ns, &name),
            ("apiextensions.k8s.io", "customresourcedefinitions") => {
                if deleted {
                    self.crd_deleted(o);
                } else {
                    self.crd_established(&name);
                }
            }
            _ => {}
        }
        // Owners react to their dependents' changes.
        if event.key.group.is_empty() && event.key.resource == "pods" || event.key.group == "apps" {
            self.notify_owner(o);
        }
        if deleted {
            self.collect_dependents(o);
            if !ns.is_empty() {
                self.namespace_emptied(&ns);
            }
        } else if !o["metadata"]["deletionTimestamp"].is_null() {
            self.finalize(&event.key, o);
        }
    }

    /// Reconciles the controller owner of a changed object.
    fn notify_owner(&self, o: &Value) {
        let Some(owner) = controller_ref(o) else {
            return;
        };
        let ns = o["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = owner["name"].as_str().unwrap_or_default();
        match owner["kind"].as_str().unwrap_or_default() {
            "ReplicaSet" => {
                self.reconcile_replicaset(ns, name);
            }
            "Deployment" => self.reconcile_deployment(ns, name),
            "StatefulSet" => self.reconcile_statefulset(ns, name),
            "DaemonSet" => self.reconcile_daemonset(ns, name),
            "Job" => self.reconcile_job(ns, name),
            _ => {}
        }
    }

    fn rt(&self, group: &str, resource: &str) -> ResourceType {
        self.cluster
            .registry()
            .by_key(&ResourceKey::new(group, resource))
            .cloned()
            .expect("built-in resource types are always registered")
    }

    fn get(&self, group: &str, resource: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.cluster
            .store
            .get(&ResourceKey::new(group, resource), ns, name)
    }

    /// Objects of a type in a namespace whose controller owner has this uid.
    fn owned(&self, group: &str, resource: &str, ns: &str, uid: &str) -> Vec<Arc<Value>> {
        let (objects, _) = self
            .cluster
            .store
            .list(&ResourceKey::new(group, resource), Some(ns));
        objects
            .into_iter()
            .filter(|o| controller_ref(o).is_some_and(|r| r["uid"] == uid))
            .collect()
    }

    /// Creates an object as the controller manager.
    fn create(&self, group: &str, resource: &str, ns: &str, object: Value) -> Option<Value> {
        let rt = self.rt(group, resource);
        self.cluster
            .create(&rt, ns, object, &system_write())
            .ok()
            .map(|w| w.object)
    }

    /// Changes an object in place (only when `f` changes it; `uid` guards against a
    /// replaced object of the same name).
    fn modify(
        &self,
        group: &str,
        resource: &str,
        ns: &str,
        name: &str,
        uid: Option<&str>,
        f: impl FnOnce(&mut Value),
    ) -> Option<Arc<Value>> {
        let key = ResourceKey::new(group, resource);
        self.cluster
            .store
            .transact(&key, ns, name, |cur| {
                let Some(cur) = cur else {
                    return Ok(Action::Keep);
                };
                if uid.is_some_and(|u| cur["metadata"]["uid"] != u) {
                    return Ok(Action::Keep);
                }
                let mut next = cur.clone();
                f(&mut next);
                if next == *cur {
                    return Ok(Action::Keep);
                }
                if !next["metadata"]["deletionTimestamp"].is_null()
                    && !crate::api::has_finalizers(&next)
                {
                    return Ok(Action::Delete);
                }
                Ok(Action::Put(next))
            })
            .ok()
            .flatten()
    }

    /// Deletes an object with a propagation policy.
    fn delete(&self, group: &str, resource: &str, ns: &str, name: &str, foreground: bool) {
        let rt = self.rt(group, resource);
        let propagation = foreground.then_some(crate::api::Propagation::Foreground);
        let _ = self.cluster.delete(&rt, ns, name, propagation, None, false);
    }

    /// Records a core/v1 Event about an object.
    fn event(&self, object: &Value, kind: &str, reason: &str, message: &str, component: &str) {
        let meta = &object["metadata"];
        let ns = meta["namespace"].as_str().unwrap_or("default");
        if matches!(reason, "BackOff" | "Unhealthy" | "Failed")
            && self.repeat_event(object, reason, message)
        {
            return;
        }
        // Time-ordered names, as the kubelet and controllers name Events, so lists come back
        // in the order things happened.
        let name = format!(
            "{}.{:016x}{:x}",
            meta["name"].as_str().unwrap_or_default(),
            jiff::Timestamp::now().as_nanosecond(),
            self.cluster.store.resource_version()
        );
        let ts = now();
        let _ = self.create(
            "",
            "events",
            ns,
            json!({
                "metadata": {"name": name, "namespace": ns},
                "involvedObject": {
                    "kind": object["kind"], "namespace": meta["namespace"], "name": meta["name"],
                    "uid": meta["uid"], "apiVersion": object["apiVersion"], "resourceVersion": meta["resourceVersion"]
                },
                "reason": reason,
                "message": message,
                "source": {"component": component},
                "firstTimestamp": ts,
                "lastTimestamp": ts,
                "count": 1,
                "type": kind,
                "eventTime": null,
                "reportingComponent": component,
                "reportingInstance": ""
            }),
        );
    }

    /// Counts a repeated Event (same object, reason and message) on the existing one, as the
    /// event recorder does; returns whether there was one.
    fn repeat_event(&self, object: &Value, reason: &str, message: &str) -> bool {
        let ns = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        let uid = &object["metadata"]["uid"];
        let (events, _) = self
            .cluster
            .store
            .list(&ResourceKey::new("", "events"), Some(ns));
        let Some(existing) = events.iter().find(|e| {
            e["involvedObject"]["uid"] == *uid && e["reason"] == reason && e["message"] == message
        }) else {
            return false;
        };
        let name = existing["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.modify("", "events", ns, &name, None, |e| {
            e["count"] = json!(e["count"].as_i64().unwrap_or(1) + 1);
            e["lastTimestamp"] = json!(now());
        });
        true
    }

    /// Runs `f` on this context after a delay.
    fn after(&self, delay: Duration, f: impl FnOnce(&Ctx) + Send + 'static) {
        let ctx = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            f(&ctx);
        });
    }
}

/// The controller owner reference of an object.
pub(crate) fn controller_ref(o: &Value) -> Option<&Value> {
    o["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == json!(true))
}

/// An owner reference to an object.
pub(crate) fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true
    })
}

/// Parses a Go-like duration (`2s`, `500ms`, `1m30s`).
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = Duration::ZERO;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let secs = match unit {
            "ms" => value / 1000.0,
            "s" | "" => value,
            "m" => value * 60.0,
            "h" => value * 3600.0,
            _ => return None,
        };
        total += Duration::from_secs_f64(secs);
    }
    Some(total)
}

/// A stable short hash of a value, encoded as Kubernetes encodes pod-template hashes.
pub(crate) fn template_hash(value: &Value) -> String {
    const CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..10)
        .map(|_| {
            let c = CHARS[(h % CHARS.len() as u64) as usize] as char;
            h /= CHARS.len() as u64;
            c
        })
        .collect()
}
