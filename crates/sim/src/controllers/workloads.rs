//! Workload controllers: Deployment (rolling updates through ReplicaSets), ReplicaSet,
//! StatefulSet (ordered pods, revisions), DaemonSet (one pod per node) and Job (completions,
//! backoffLimit, conditions).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Ctx, owner_ref, template_hash};
use crate::api::now;
use crate::ssa::without_nulls;

const COMPONENT_DEPLOYMENT: &str = "deployment-controller";
const COMPONENT_RS: &str = "replicaset-controller";

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn pod_ready(p: &Value) -> bool {
    p["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn terminating(o: &Value) -> bool {
    !o["metadata"]["deletionTimestamp"].is_null()
}

/// Resolves an int-or-percent against a total.
fn resolve(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let pct: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
            let x = pct * total as f64 / 100.0;
            if round_up {
                x.ceil() as i64
            } else {
                x.floor() as i64
            }
        }
        _ => 0,
    }
}

/// Sets a condition, keeping transition times when the status does not change.
fn set_condition(
    conditions: &mut Vec<Value>,
    ctype: &str,
    status: &str,
    reason: &str,
    message: &str,
    update_time: bool,
) {
    let ts = now();
    match conditions.iter_mut().find(|c| c["type"] == ctype) {
        Some(c) => {
            let changed = c["status"] != status;
            let differs = changed || c["reason"] != reason || c["message"] != message;
            if changed {
                c["lastTransitionTime"] = json!(ts);
            }
            if differs && update_time {
                c["lastUpdateTime"] = json!(ts);
            }
            c["status"] = json!(status);
            c["reason"] = json!(reason);
            c["message"] = json!(message);
        }
        None => {
            let mut c = json!({"type": ctype, "status": status, "lastTransitionTime": ts, "reason": reason, "message": message});
            if update_time {
                c["lastUpdateTime"] = json!(ts);
            }
            conditions.push(c);
        }
    }
}

impl Ctx {
    /// A workload to reconcile with its uid: `None` when it is gone or being deleted.
    fn live_workload(
        &self,
        group: &str,
        resource: &str,
        ns: &str,
        name: &str,
    ) -> Option<(Arc<Value>, String)> {
        let object = self.get(group, resource, ns, name)?;
        if terminating(&object) {
            return None;
        }
        let uid = object["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        Some((object, uid))
    }

    /// Deployment: keeps a ReplicaSet per template, rolls between them within maxSurge and
    /// maxUnavailable, and reports status and the Available/Progressing conditions.
    pub(super) fn reconcile_deployment(&self, ns: &str, name: &str) {
        let Some((dep, uid)) = self.live_workload("apps", "deployments", ns, name) else {
            return;
        };
        let spec = &dep["spec"];
        let desired = int(&spec["replicas"]);
        let mut template = without_nulls(&spec["template"]);
        let all_rs: Vec<Arc<Value>> = self
            .owned("apps", "replicasets", ns, &uid)
            .into_iter()
            .filter(|rs| !terminating(rs))
            .collect();
        let revision = |rs: &Value| {
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or(0)
        };
        let max_revision = all_rs.iter().map(|rs| revision(rs)).max().unwrap_or(0);
        // The ReplicaSet of the current template, compared ignoring the hash label (as
        // `kubectl rollout undo` sends a template with nulls the hash would not match).
        let same_template = |rs: &Value| {
            let mut t = without_nulls(&rs["spec"]["template"]);
            if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
                labels.remove("pod-template-hash");
            }
            t == template
        };
        let mut new_rs = all_rs.iter().find(|rs| same_template(rs)).cloned();
        let hash = new_rs
            .as_ref()
            .and_then(|rs| rs["metadata"]["labels"]["pod-template-hash"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| template_hash(&template));
        let old_rs: Vec<Arc<Value>> = all_rs
            .iter()
            .filter(|rs| !same_template(rs))
            .cloned()
            .collect();
        if let Some(rs) = &new_rs
            && revision(rs) < max_revision
        {
            // Rolling back to an older ReplicaSet makes it the newest revision.
            let rs_name = rs["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            new_rs = self
                .modify("apps", "replicasets", ns, &rs_name, None, |o| {
                    o["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
                        json!((max_revision + 1).to_string());
                })
                .or(new_rs);
        }
        let paused = spec["paused"] == json!(true);
        let recreate = spec["strategy"]["type"] == "Recreate";
        let old_total: i64 = old_rs.iter().map(|rs| int(&rs["spec"]["replicas"])).sum();
        let old_pods: i64 = old_rs.iter().map(|rs| int(&rs["status"]["replicas"])).sum();
        let max_surge = if recreate {
            0
        } else {
            resolve(
                &spec["strategy"]["rollingUpdate"]["maxSurge"],
                desired,
                true,
            )
        };
        let mut max_unavailable = if recreate {
            desired
        } else {
            resolve(
                &spec["strategy"]["rollingUpdate"]["maxUnavailable"],
                desired,
                false,
            )
        };
        if max_surge == 0 && max_unavailable == 0 {
            max_unavailable = 1;
        }
        let mut created_new = false;
        if new_rs.is_none() && !paused {
            let rs_name = format!("{name}-{hash}");
            template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
            let mut selector = spec["selector"].clone();
            selector["matchLabels"]["pod-template-hash"] = json!(hash);
            let initial = if recreate {
                if old_pods == 0 { desired } else { 0 }
            } else {
                (desired + max_surge - old_total).clamp(0, desired)
            };
            let mut labels = template["metadata"]["labels"].clone();
            labels["pod-template-hash"] = json!(hash);
            let created = self.create(
                "apps",
                "replicasets",
                ns,
                json!({
                    "metadata": {
                        "name": rs_name,
                        "labels": labels,
                        "annotations": {
                            "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                            "deployment.kubernetes.io/max-replicas": (desired + max_surge).to_string(),
                            "deployment.kubernetes.io/revision": (max_revision + 1).to_string(),
                        },
                        "ownerReferences": [owner_ref(&dep)],
                    },
                    "spec": {"replicas": initial, "minReadySeconds": spec["minReadySeconds"].as_i64().unwrap_or(0), "selector": selector, "template": template},
                }),
            );
            if let Some(rs) = created {
                self.event(
                    &dep,
                    "Normal",
                    "ScalingReplicaSet",
                    &format!("Scaled up replica set {rs_name} from 0 to {initial}"),
                    COMPONENT_DEPLOYMENT,
                );
                created_new = true;
                new_rs = Some(Arc::new(rs));
            }
        }
        // Scale the new ReplicaSet up and the old ones down within the rollout bounds.
        if let Some(rs) = &new_rs
            && !paused
        {
            let current = int(&rs["spec"]["replicas"]);
            let target = if recreate {
                if old_pods == 0 { desired } else { 0 }
            } else if current > desired {
                desired
            } else {
                let total: i64 = current + old_total;
                let room = desired + max_surge - total;
                (current + room.max(0)).min(desired)
            };
            if target != current {
                self.scale_rs(&dep, rs, target);
            }
            let new_available = int(&rs["status"]["availableReplicas"]);
            let old_available: i64 = old_rs
                .iter()
                .map(|r| int(&r["status"]["availableReplicas"]))
                .sum();
            let min_available = desired - max_unavailable;
            let mut budget = (new_available + old_available - min_available).max(0);
            for old in &old_rs {
                let replicas = int(&old["spec"]["replicas"]);
                if replicas == 0 {
                    continue;
                }
                let unhealthy = replicas - int(&old["status"]["availableReplicas"]);
                let remove = if recreate {
                    replicas
                } else {
                    (budget + unhealthy.max(0)).min(replicas)
                };
                if remove > 0 {
                    budget = (budget - (remove - unhealthy.max(0)).max(0)).max(0);
                    self.scale_rs(&dep, old, replicas - remove);
                }
            }
        }
        self.update_deployment_status(&dep, new_rs.as_deref(), created_new);
    }

    fn scale_rs(&self, dep: &Value, rs: &Value, to: i64) {
        let from = int(&rs["spec"]["replicas"]);
        let rs_name = rs["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ns = rs["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let desired = int(&dep["spec"]["replicas"]);
        self.modify("apps", "replicasets", &ns, &rs_name, None, |o| {
            o["spec"]["replicas"] = json!(to);
            o["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                json!(desired.to_string());
        });
        let direction = if to > from { "up" } else { "down" };
        self.event(
            dep,
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled {direction} replica set {rs_name} from {from} to {to}"),
            COMPONENT_DEPLOYMENT,
        );
    }

    fn update_deployment_status(&self, dep: &Value, new_rs: Option<&Value>, created_new: bool) {
        let ns = dep["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = dep["metadata"]["name"].as_str().unwrap_or_default();
        let uid = dep["metadata"]["uid"].as_str().unwrap_or_default();
        let all_rs = self.owned("apps", "replicasets", ns, uid);
        let sum = |f: &str| -> i64 { all_rs.iter().map(|rs| int(&rs["status"][f])).sum() };
        let desired = int(&dep["spec"]["replicas"]);
        let replicas = sum("replicas");
        let ready = sum("readyReplicas");
        let available = sum("availableReplicas");
        let new_name = new_rs
            .and_then(|r| r["metadata"]["name"].as_str())
            .unwrap_or_default()
            .to_string();
        let fresh_new = new_rs.and_then(|r| {
            self.get(
                "apps",
                "replicasets",
                ns,
                r["metadata"]["name"].as_str().unwrap_or_default(),
            )
        });
        let updated = fresh_new
            .as_ref()
            .map_or(0, |r| int(&r["status"]["replicas"]));
        let new_available = fresh_new
            .as_ref()
            .map_or(0, |r| int(&r["status"]["availableReplicas"]));
        let max_unavailable = resolve(
            &dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
            desired,
            false,
        );
        let complete = updated == desired && replicas == desired && new_available == desired;
        let deadline = dep["spec"]["progressDeadlineSeconds"]
            .as_i64()
            .unwrap_or(600);
        let generation = dep["metadata"]["generation"].clone();
        let paused = dep["spec"]["paused"] == json!(true);
        let mut schedule_deadline = None;
        self.modify("apps", "deployments", ns, name, Some(uid), |o| {
            let status = &mut o["status"];
            let mut conditions: Vec<Value> =
                status["conditions"].as_array().cloned().unwrap_or_default();
            if available >= desired - max_unavailable.min(desired) {
                set_condition(
                    &mut conditions,
                    "Available",
                    "True",
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.",
                    true,
                );
            } else {
                set_condition(
                    &mut conditions,
                    "Available",
                    "False",
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.",
                    true,
                );
            }
            let previous = conditions
                .iter()
                .find(|c| c["type"] == "Progressing")
                .cloned();
            if paused {
                set_condition(
                    &mut conditions,
                    "Progressing",
                    "Unknown",
                    "DeploymentPaused",
                    "Deployment is paused",
                    true,
                );
            } else if complete {
                set_condition(
                    &mut conditions,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    &format!("ReplicaSet \"{new_name}\" has successfully progressed."),
                    true,
                );
            } else if created_new {
                set_condition(
                    &mut conditions,
                    "Progressing",
                    "True",
                    "NewReplicaSetCreated",
                    &format!("Created new replica set \"{new_name}\""),
                    true,
                );
            } else if previous
                .as_ref()
                .is_some_and(|p| p["reason"] == "ProgressDeadlineExceeded")
            {
                // stays failed until the template changes
            } else {
                let since = previous
                    .as_ref()
                    .filter(|p| p["reason"] != "NewReplicaSetAvailable")
                    .and_then(|p| p["lastUpdateTime"].as_str())
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok());
                let expired = since.is_some_and(|t| {
                    jiff::Timestamp::now().as_second() - t.as_second() >= deadline
                });
                if expired {
                    set_condition(
                        &mut conditions,
                        "Progressing",
                        "False",
                        "ProgressDeadlineExceeded",
                        &format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                        true,
                    );
                } else {
                    let keep_time = previous.as_ref().is_some_and(|p| {
                        p["reason"] == "ReplicaSetUpdated" || p["reason"] == "NewReplicaSetCreated"
                    });
                    if !keep_time {
                        set_condition(
                            &mut conditions,
                            "Progressing",
                            "True",
                            "ReplicaSetUpdated",
                            &format!("ReplicaSet \"{new_name}\" is progressing."),
                            true,
                        );
                    }
                    schedule_deadline = Some(deadline);
                }
            }
            status["observedGeneration"] = generation;
            status["replicas"] = json!(replicas);
            status["updatedReplicas"] = json!(updated);
            status["readyReplicas"] = json!(ready);
            status["availableReplicas"] = json!(available);
            let unavailable = (desired - available).max(0);
            if unavailable > 0 {
                status["unavailableReplicas"] = json!(unavailable);
            } else if let Some(s) = status.as_object_mut() {
                s.remove("unavailableReplicas");
            }
            if let Some(s) = status.as_object_mut() {
                for k in [
                    "replicas",
                    "updatedReplicas",
                    "readyReplicas",
                    "availableReplicas",
                ] {
                    if s.get(k) == Some(&json!(0)) {
                        s.remove(k);
                    }
                }
            }
            status["conditions"] = json!(conditions);
        });
        if let Some(secs) = schedule_deadline {
            let (ns, name) = (ns.to_string(), name.to_string());
            self.after(Duration::from_secs(secs as u64 + 1), move |ctx| {
                ctx.reconcile_deployment(&ns, &name)
            });
        }
    }

    /// ReplicaSet: keeps `spec.replicas` pods and reports their readiness.
    pub(super) fn reconcile_replicaset(&self, ns: &str, name: &str) {
        let Some((rs, uid)) = self.live_workload("apps", "replicasets", ns, name) else {
            return;
        };
        let desired = int(&rs["spec"]["replicas"]);
        let mut pods: Vec<Arc<Value>> = self
            .owned("", "pods", ns, &uid)
            .into_iter()
            .filter(|p| !terminating(p))
            .collect();
        let count = pods.len() as i64;
        if count < desired {
            for _ in count..desired {
                let pod_name = format!("{name}-{}", self.cluster.random_suffix(5));
                if let Some(pod) = self.create_pod(&rs, &rs["spec"]["template"], &pod_name, None) {
                    self.event(
                        &rs,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created pod: {pod_name}"),
                        COMPONENT_RS,
                    );
                    pods.push(Arc::new(pod));
                }
            }
        } else if count > desired {
            pods.sort_by_key(|p| {
                (
                    pod_ready(p),
                    std::cmp::Reverse(
                        p["metadata"]["creationTimestamp"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    ),
                )
            });
            let excess = (count - desired) as usize;
            for p in pods.drain(..excess) {
                let pod_name = p["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.delete("", "pods", ns, &pod_name, false);
                self.event(
                    &rs,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("Deleted pod: {pod_name}"),
                    COMPONENT_RS,
                );
            }
        }
        let ready = pods.iter().filter(|p| pod_ready(p)).count() as i64;
        let generation = rs["metadata"]["generation"].clone();
        let replicas = pods.len() as i64;
        self.modify("apps", "replicasets", ns, name, Some(&uid), |o| {
            let mut status = json!({"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready, "availableReplicas": ready, "observedGeneration": generation});
            if let Some(s) = status.as_object_mut() {
                s.retain(|k, v| k == "replicas" || *v != json!(0));
            }
            o["status"] = status;
        });
    }

    /// Creates a pod from a template for a controller.
    fn create_pod(
        &self,
        owner: &Value,
        template: &Value,
        name: &str,
        extra_labels: Option<Value>,
    ) -> Option<Value> {
        let ns = owner["metadata"]["namespace"].as_str().unwrap_or_default();
        let mut metadata = template["metadata"].clone();
        if !metadata.is_object() {
            metadata = json!({});
        }
        metadata["name"] = json!(name);
        metadata["ownerReferences"] = json!([owner_ref(owner)]);
        let mut pod = json!({"metadata": metadata, "spec": template["spec"].clone()});
        for (k, v) in extra_labels
            .as_ref()
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            pod["metadata"]["labels"][k] = v.clone();
        }
        self.create("", "pods", ns, pod)
    }

    /// StatefulSet: pods `<name>-<ordinal>` created in order (each waits for the previous to
    /// be ready under `OrderedReady`), rolled from the highest ordinal, with revisions.
    pub(super) fn reconcile_statefulset(&self, ns: &str, name: &str) {
        let Some((sts, uid)) = self.live_workload("apps", "statefulsets", ns, name) else {
            return;
        };
        let desired = int(&sts["spec"]["replicas"]);
        let ordered = sts["spec"]["podManagementPolicy"] != "Parallel";
        let update_revision = format!("{name}-{}", template_hash(&sts["spec"]["template"]));
        let current_revision = sts["status"]["currentRevision"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| update_revision.clone());
        let pods: Vec<Arc<Value>> = self.owned("", "pods", ns, &uid);
        let by_ordinal = |i: i64| {
            pods.iter()
                .find(|p| p["metadata"]["name"] == format!("{name}-{i}").as_str())
                .cloned()
        };
        let mut blocked = false;
        for i in 0..desired {
            match by_ordinal(i) {
                None if !blocked => {
                    for tpl in sts["spec"]["volumeClaimTemplates"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        let claim = format!(
                            "{}-{name}-{i}",
                            tpl["metadata"]["name"].as_str().unwrap_or_default()
                        );
                        if self.get("", "persistentvolumeclaims", ns, &claim).is_none() {
                            let mut pvc = json!({"metadata": {"name": claim, "labels": sts["spec"]["selector"]["matchLabels"].clone()}, "spec": tpl["spec"].clone()});
                            if pvc["metadata"]["labels"].is_null() {
                                pvc["metadata"]["labels"] = json!({});
                            }
                            self.create("", "persistentvolumeclaims", ns, pvc);
                        }
                    }
                    let pod_name = format!("{name}-{i}");
                    let labels = json!({"controller-revision-hash": update_revision, "statefulset.kubernetes.io/pod-name": pod_name, "apps.kubernetes.io/pod-index": i.to_string()});
                    let mut template = sts["spec"]["template"].clone();
                    template["spec"]["hostname"] = json!(pod_name);
                    if let Some(svc) = sts["spec"]["serviceName"].as_str() {
                        template["spec"]["subdomain"] = json!(svc);
                    }
                    if self
                        .create_pod(&sts, &template, &pod_name, Some(labels))
                        .is_some()
                    {
                        self.event(
                            &sts,
                            "Normal",
                            "SuccessfulCreate",
                            &format!("create Pod {pod_name} in StatefulSet {name} successful"),
                            "statefulset-controller",
                        );
                    }
                    if ordered {
                        blocked = true;
                    }
                }
                None => {}
                Some(p) if ordered && (!pod_ready(&p) || terminating(&p)) => blocked = true,
                Some(_) => {}
            }
        }
        // Scale down from the highest ordinal.
        let mut excess: Vec<&Arc<Value>> = pods
            .iter()
            .filter(|p| {
                let n = p["metadata"]["name"].as_str().unwrap_or_default();
                n.rsplit('-')
                    .next()
                    .and_then(|o| o.parse::<i64>().ok())
                    .is_some_and(|o| o >= desired)
            })
            .collect();
        excess.sort_by_key(|p| {
            std::cmp::Reverse(p["metadata"]["name"].as_str().unwrap_or_default().len())
        });
        if let Some(p) = excess.first()
            && !terminating(p)
            && (!ordered || !blocked)
        {
            let pod_name = p["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            self.delete("", "pods", ns, &pod_name, false);
            self.event(
                &sts,
                "Normal",
                "SuccessfulDelete",
                &format!("delete Pod {pod_name} in StatefulSet {name} successful"),
                "statefulset-controller",
            );
        }
        // Rolling update: replace the highest-ordinal outdated pod once all are ready.
        let rolling = sts["spec"]["updateStrategy"]["type"] != "OnDelete";
        let partition = int(&sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"]);
        let live: Vec<Arc<Value>> = (0..desired).filter_map(by_ordinal).collect();
        let all_ready =
            live.len() as i64 == desired && live.iter().all(|p| pod_ready(p) && !terminating(p));
        if rolling && all_ready {
            let outdated = (partition..desired).rev().filter_map(by_ordinal).find(|p| {
                p["metadata"]["labels"]["controller-revision-hash"] != update_revision.as_str()
            });
            if let Some(p) = outdated {
                let pod_name = p["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.delete("", "pods", ns, &pod_name, false);
            }
        }
        let pods = self.owned("", "pods", ns, &uid);
        let active: Vec<&Arc<Value>> = pods.iter().filter(|p| !terminating(p)).collect();
        let ready = active.iter().filter(|p| pod_ready(p)).count() as i64;
        let updated = active
            .iter()
            .filter(|p| {
                p["metadata"]["labels"]["controller-revision-hash"] == update_revision.as_str()
            })
            .count() as i64;
        let replicas = active.len() as i64;
        let current = active
            .iter()
            .filter(|p| {
                p["metadata"]["labels"]["controller-revision-hash"] == current_revision.as_str()
            })
            .count() as i64;
        let done = updated == desired && replicas == desired && ready == desired;
        let generation = sts["metadata"]["generation"].clone();
        self.modify("apps", "statefulsets", ns, name, Some(&uid), |o| {
            let (cur_rev, cur_count) = if done {
                (update_revision.clone(), updated)
            } else {
                (current_revision.clone(), current)
            };
            let mut status = json!({
                "observedGeneration": generation,
                "replicas": replicas,
                "readyReplicas": ready,
                "currentReplicas": cur_count,
                "updatedReplicas": updated,
                "availableReplicas": ready,
                "currentRevision": cur_rev,
                "updateRevision": update_revision,
                "collisionCount": 0,
            });
            if let Some(s) = status.as_object_mut() {
                s.retain(|k, v| {
                    k == "replicas"
                        || k == "availableReplicas"
                        || *v != json!(0)
                        || k == "collisionCount"
                });
            }
            o["status"] = status;
        });
    }

    /// DaemonSet: one pod per simulated node, replaced when the template changes.
    pub(super) fn reconcile_daemonset(&self, ns: &str, name: &str) {
        let Some((ds, uid)) = self.live_workload("apps", "daemonsets", ns, name) else {
            return;
        };
        let hash = template_hash(&ds["spec"]["template"]);
        let (nodes, _) = self
            .cluster
            .store
            .list(&crate::registry::ResourceKey::new("", "nodes"), None);
        let node_names: Vec<String> = nodes
            .iter()
            .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        let pods = self.owned("", "pods", ns, &uid);
        for node in &node_names {
            let on_node: Vec<&Arc<Value>> = pods
                .iter()
                .filter(|p| p["spec"]["nodeName"] == node.as_str() && !terminating(p))
                .collect();
            if on_node.is_empty() {
                let pod_name = format!("{name}-{}", self.cluster.random_suffix(5));
                let labels = json!({"controller-revision-hash": hash, "pod-template-generation": ds["metadata"]["generation"].as_i64().unwrap_or(1).to_string()});
                let mut template = ds["spec"]["template"].clone();
                template["spec"]["nodeName"] = json!(node);
                if self
                    .create_pod(&ds, &template, &pod_name, Some(labels))
                    .is_some()
                {
                    self.event(
                        &ds,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created pod: {pod_name}"),
                        "daemonset-controller",
                    );
                }
            } else {
                for p in on_node {
                    if p["metadata"]["labels"]["controller-revision-hash"] != hash.as_str() {
                        let pod_name = p["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string();
                        self.delete("", "pods", ns, &pod_name, false);
                        self.event(
                            &ds,
                            "Normal",
                            "SuccessfulDelete",
                            &format!("Deleted pod: {pod_name}"),
                            "daemonset-controller",
                        );
                    }
                }
            }
        }
        let pods = self.owned("", "pods", ns, &uid);
        let active: Vec<&Arc<Value>> = pods.iter().filter(|p| !terminating(p)).collect();
        let ready = active.iter().filter(|p| pod_ready(p)).count() as i64;
        let updated = active
            .iter()
            .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == hash.as_str())
            .count() as i64;
        let desired = node_names.len() as i64;
        let generation = ds["metadata"]["generation"].clone();
        let scheduled = active.len() as i64;
        self.modify("apps", "daemonsets", ns, name, Some(&uid), |o| {
            o["status"] = json!({
                "currentNumberScheduled": scheduled,
                "numberMisscheduled": 0,
                "desiredNumberScheduled": desired,
                "numberReady": ready,
                "observedGeneration": generation,
                "updatedNumberScheduled": updated,
                "numberAvailable": ready,
            });
            let unavailable = desired - ready;
            if unavailable > 0 {
                o["status"]["numberUnavailable"] = json!(unavailable);
            }
        });
    }

    /// Job: runs pods until `completions` succeed or more than `backoffLimit` fail, with the
    /// conditions Kubernetes 1.35 sets.
    pub(super) fn reconcile_job(&self, ns: &str, name: &str) {
        let Some((job, uid)) = self.live_workload("batch", "jobs", ns, name) else {
            return;
        };
        let finished = job["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| (c["type"] == "Complete" || c["type"] == "Failed") && c["status"] == "True");
        let pods = self.owned("", "pods", ns, &uid);
        let phase = |p: &Value| {
            p["status"]["phase"]
                .as_str()
                .unwrap_or("Pending")
                .to_string()
        };
        let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
        let failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64;
        let active: Vec<&Arc<Value>> = pods
            .iter()
            .filter(|p| !matches!(phase(p).as_str(), "Succeeded" | "Failed") && !terminating(p))
            .collect();
        let completions = job["spec"]["completions"].as_i64().unwrap_or(1);
        let parallelism = job["spec"]["parallelism"].as_i64().unwrap_or(1);
        let backoff = job["spec"]["backoffLimit"].as_i64().unwrap_or(6);
        let suspended = job["spec"]["suspend"] == json!(true);
        let complete = succeeded >= completions;
        let failed_out = failed > backoff;
        let mut active_count = active.len() as i64;
        if !finished && !complete && !failed_out && !suspended {
            let want = parallelism.min(completions - succeeded) - active_count;
            for _ in 0..want.max(0) {
                let pod_name = format!("{name}-{}", self.cluster.random_suffix(5));
                let labels = json!({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name});
                if self
                    .create_pod(&job, &job["spec"]["template"], &pod_name, Some(labels))
                    .is_some()
                {
                    active_count += 1;
                    self.event(
                        &job,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created pod: {pod_name}"),
                        "job-controller",
                    );
                }
            }
        }
        if (complete || failed_out) && !finished {
            for p in &active {
                let pod_name = p["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.delete("", "pods", ns, &pod_name, false);
            }
            active_count = 0;
            if complete {
                self.event(
                    &job,
                    "Normal",
                    "Completed",
                    "Job completed",
                    "job-controller",
                );
            } else {
                self.event(
                    &job,
                    "Warning",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    "job-controller",
                );
            }
        }
        let ready = active.iter().filter(|p| pod_ready(p)).count() as i64;
        self.modify("batch", "jobs", ns, name, Some(&uid), |o| {
            let status = &mut o["status"];
            if status["startTime"].is_null() && !suspended {
                status["startTime"] = json!(now());
            }
            let mut conditions: Vec<Value> =
                status["conditions"].as_array().cloned().unwrap_or_default();
            if complete && !finished {
                set_condition(
                    &mut conditions,
                    "SuccessCriteriaMet",
                    "True",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                    false,
                );
                set_condition(
                    &mut conditions,
                    "Complete",
                    "True",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                    false,
                );
                status["completionTime"] = json!(now());
            } else if failed_out && !finished {
                set_condition(
                    &mut conditions,
                    "FailureTarget",
                    "True",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    false,
                );
                set_condition(
                    &mut conditions,
                    "Failed",
                    "True",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    false,
                );
            }
            for c in &mut conditions {
                if c["lastProbeTime"].is_null() {
                    c["lastProbeTime"] = c["lastTransitionTime"].clone();
                }
            }
            if !conditions.is_empty() {
                status["conditions"] = json!(conditions);
            }
            status["active"] = json!(active_count);
            status["ready"] = json!(ready);
            status["succeeded"] = json!(succeeded);
            status["failed"] = json!(failed);
            status["terminating"] = json!(0);
            status["uncountedTerminatedPods"] = json!({});
            if let Some(s) = status.as_object_mut() {
                for k in ["active", "succeeded", "failed"] {
                    if s.get(k) == Some(&json!(0)) {
                        s.remove(k);
                    }
                }
            }
        });
    }
}
