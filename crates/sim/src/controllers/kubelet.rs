//! The simulated scheduler and kubelet: pods are scheduled, go Pending -> Running -> Ready
//! (or fail as their `sim.slipway.dev/*` annotations script), with the container states,
//! conditions and Events a real node reports.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Ctx, annotations, node_name, parse_duration};
use crate::api::now;
use crate::registry::ResourceKey;
use crate::store::Action;

const KUBELET: &str = "kubelet";

/// Longest simulated crash back-off.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

fn annotation<'a>(pod: &'a Value, key: &str) -> Option<&'a str> {
    pod["metadata"]["annotations"][key].as_str()
}

fn containers(pod: &Value) -> Vec<(String, String)> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["image"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Pod conditions for a scheduled pod.
fn conditions(started: bool, ready: bool, unready: &[String], since: &str) -> Value {
    let ready_status = if ready { "True" } else { "False" };
    let mut ready_cond = json!({"type": "Ready", "status": ready_status, "lastProbeTime": null, "lastTransitionTime": since});
    let mut containers_ready = json!({"type": "ContainersReady", "status": ready_status, "lastProbeTime": null, "lastTransitionTime": since});
    if !ready {
        let message = format!("containers with unready status: [{}]", unready.join(" "));
        for c in [&mut ready_cond, &mut containers_ready] {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(message);
        }
    }
    json!([
        {"type": "PodReadyToStartContainers", "status": if started { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": since},
        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": since},
        ready_cond,
        containers_ready,
        {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": since}
    ])
}

impl Ctx {
    /// Schedules a new pod and starts it after the start delay.
    pub(super) fn pod_added(&self, pod: &Value) {
        if !pod["status"]["phase"].is_null() && !pod["spec"]["nodeName"].is_null() {
            return;
        }
        let ns = pod["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = pod["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let uid = pod["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ts = now();
        if annotation(pod, annotations::FAIL) == Some("Unschedulable") {
            let message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
            self.modify("", "pods", &ns, &name, Some(&uid), |p| {
                p["status"] = json!({
                    "phase": "Pending",
                    "conditions": [{"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts, "reason": "Unschedulable", "message": message}],
                    "qosClass": "BestEffort"
                });
            });
            self.event(
                pod,
                "Warning",
                "FailedScheduling",
                message,
                "default-scheduler",
            );
            return;
        }
        let node = match pod["spec"]["nodeName"].as_str() {
            Some(n) => n.to_string(),
            None => {
                let (nodes, _) = self
                    .cluster
                    .store
                    .list(&ResourceKey::new("", "nodes"), None);
                let count = nodes.len().max(1);
                let pick = name.bytes().map(usize::from).sum::<usize>() % count;
                nodes
                    .get(pick)
                    .and_then(|n| n["metadata"]["name"].as_str().map(str::to_string))
                    .unwrap_or_else(|| node_name(1))
            }
        };
        let waiting: Vec<Value> = containers(pod)
            .iter()
            .map(|(c, image)| json!({"name": c, "image": image, "imageID": "", "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {"reason": "ContainerCreating"}}}))
            .collect();
        let names: Vec<String> = containers(pod).into_iter().map(|(c, _)| c).collect();
        let host_ip = "172.18.0.2";
        let updated = self.modify("", "pods", &ns, &name, Some(&uid), |p| {
            p["spec"]["nodeName"] = json!(node);
            p["status"] = json!({
                "phase": "Pending",
                "conditions": conditions(false, false, &names, &ts),
                "hostIP": host_ip,
                "hostIPs": [{"ip": host_ip}],
                "startTime": ts,
                "containerStatuses": waiting,
                "qosClass": "BestEffort"
            });
        });
        if let Some(p) = updated {
            self.event(
                &p,
                "Normal",
                "Scheduled",
                &format!("Successfully assigned {ns}/{name} to {node}"),
                "default-scheduler",
            );
        }
        let delay = self.options.pod_start_delay;
        self.after(delay, move |ctx| ctx.start_pod(&ns, &name, &uid));
    }

    /// Removes a gracefully deleted pod once its containers have stopped.
    pub(super) fn pod_terminating(&self, pod: &Value, old: Option<&Value>) {
        let marked = |p: &Value| !p["metadata"]["deletionTimestamp"].is_null();
        if !marked(pod) || old.is_some_and(marked) || crate::api::has_finalizers(pod) {
            return;
        }
        let ns = pod["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = pod["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let uid = pod["metadata"]["uid"].clone();
        for (c, _) in containers(pod) {
            self.event(
                pod,
                "Normal",
                "Killing",
                &format!("Stopping container {c}"),
                KUBELET,
            );
        }
        self.after(self.options.pod_start_delay, move |ctx| {
            let key = ResourceKey::new("", "pods");
            let _ = ctx.cluster.store.transact(&key, &ns, &name, |cur| {
                Ok(match cur {
                    Some(p) if p["metadata"]["uid"] == uid && !crate::api::has_finalizers(p) => {
                        Action::Delete
                    }
                    _ => Action::Keep,
                })
            });
        });
    }

    /// Starts a scheduled pod's containers (or fails to, as scripted).
    fn start_pod(&self, ns: &str, name: &str, uid: &str) {
        let Some(pod) = self.get("", "pods", ns, name) else {
            return;
        };
        if pod["metadata"]["uid"] != uid || !pod["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        let fail = annotation(&pod, annotations::FAIL)
            .unwrap_or_default()
            .to_string();
        let started = now();
        let names: Vec<String> = containers(&pod).into_iter().map(|(c, _)| c).collect();
        match fail.as_str() {
            "ImagePullBackOff" | "ErrImagePull" => {
                for (_, image) in containers(&pod) {
                    self.event(
                        &pod,
                        "Normal",
                        "Pulling",
                        &format!("Pulling image \"{image}\""),
                        KUBELET,
                    );
                    self.event(&pod, "Warning", "Failed", &format!("Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": not found"), KUBELET);
                    self.event(&pod, "Warning", "Failed", "Error: ErrImagePull", KUBELET);
                }
                self.set_waiting(ns, name, uid, "ErrImagePull", |image| {
                    format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": not found")
                });
                if fail == "ImagePullBackOff" {
                    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
                    self.after(Duration::from_secs(1), move |ctx| {
                        let Some(pod) = ctx.get("", "pods", &ns, &name) else {
                            return;
                        };
                        for (_, image) in containers(&pod) {
                            ctx.event(
                                &pod,
                                "Normal",
                                "BackOff",
                                &format!("Back-off pulling image \"{image}\""),
                                KUBELET,
                            );
                            ctx.event(
                                &pod,
                                "Warning",
                                "Failed",
                                "Error: ImagePullBackOff",
                                KUBELET,
                            );
                        }
                        ctx.set_waiting(&ns, &name, &uid, "ImagePullBackOff", |image| {
                            format!("Back-off pulling image \"{image}\"")
                        });
                    });
                }
            }
            "CrashLoopBackOff" => {
                self.started_events(&pod);
                self.crash(ns, name, uid, 0);
            }
            _ => {
                self.started_events(&pod);
                let job_pod = pod["spec"]["restartPolicy"] != "Always";
                let ready_after =
                    annotation(&pod, annotations::READY_AFTER).and_then(parse_duration);
                let probe_fails = fail == "ReadinessProbeFailed";
                let ready = !job_pod && !probe_fails && ready_after.is_none_or(|d| d.is_zero());
                self.set_running(ns, name, uid, &started, ready, &names);
                if job_pod {
                    let run = ready_after.unwrap_or(self.options.pod_start_delay);
                    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
                    self.after(run, move |ctx| ctx.finish_pod(&ns, &name, &uid));
                } else if probe_fails {
                    self.event(
                        &pod,
                        "Warning",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 503",
                        KUBELET,
                    );
                } else if let Some(d) = ready_after.filter(|d| !d.is_zero()) {
                    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
                    self.after(d, move |ctx| {
                        ctx.set_running(&ns, &name, &uid, &started, true, &names)
                    });
                }
            }
        }
    }

    fn started_events(&self, pod: &Value) {
        for (c, image) in containers(pod) {
            self.event(
                pod,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
                KUBELET,
            );
            self.event(
                pod,
                "Normal",
                "Created",
                &format!("Created container: {c}"),
                KUBELET,
            );
            self.event(
                pod,
                "Normal",
                "Started",
                &format!("Started container {c}"),
                KUBELET,
            );
        }
    }

    fn pod_ip(&self) -> String {
        self.cluster
            .next_cluster_ip()
            .replacen("10.96.", "10.244.", 1)
    }

    fn set_running(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        started: &str,
        ready: bool,
        names: &[String],
    ) {
        let ip = self.pod_ip();
        self.modify("", "pods", ns, name, Some(uid), |p| {
            let ts = now();
            let statuses: Vec<Value> = containers(p)
                .iter()
                .map(|(c, image)| json!({"name": c, "image": image, "imageID": format!("docker.io/library/{image}@sha256:0000"), "containerID": format!("containerd://{}", super::template_hash(&json!([c, started]))), "ready": ready, "restartCount": 0, "started": true, "state": {"running": {"startedAt": started}}}))
                .collect();
            let unready: Vec<String> = if ready { Vec::new() } else { names.to_vec() };
            let status = &mut p["status"];
            status["phase"] = json!("Running");
            status["conditions"] = conditions(true, ready, &unready, &ts);
            status["containerStatuses"] = json!(statuses);
            if status["podIP"].is_null() {
                status["podIP"] = json!(ip);
                status["podIPs"] = json!([{"ip": ip}]);
            }
        });
    }

    fn set_waiting(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        reason: &str,
        message: impl Fn(&str) -> String,
    ) {
        self.modify("", "pods", ns, name, Some(uid), |p| {
            let names: Vec<String> = containers(p).into_iter().map(|(c, _)| c).collect();
            let statuses: Vec<Value> = containers(p)
                .iter()
                .map(|(c, image)| json!({"name": c, "image": image, "imageID": "", "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {"reason": reason, "message": message(image)}}}))
                .collect();
            let since = p["status"]["startTime"].as_str().unwrap_or_default().to_string();
            p["status"]["conditions"] = conditions(true, false, &names, &since);
            p["status"]["containerStatuses"] = json!(statuses);
        });
    }

    /// A crash of every container, then the back-off before the next restart.
    fn crash(&self, ns: &str, name: &str, uid: &str, restarts: u32) {
        let backoff_real = 10u64.saturating_mul(1 << restarts.min(5)).min(300);
        let ts = now();
        let updated = self.modify("", "pods", ns, name, Some(uid), |p| {
            let pod_name = p["metadata"]["name"].as_str().unwrap_or_default().to_string();
            let names: Vec<String> = containers(p).into_iter().map(|(c, _)| c).collect();
            let statuses: Vec<Value> = containers(p)
                .iter()
                .map(|(c, image)| json!({
                    "name": c, "image": image, "imageID": format!("docker.io/library/{image}@sha256:0000"), "ready": false, "restartCount": restarts + 1, "started": false,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off {backoff_real}s restarting failed container={c} pod={pod_name}_{ns}({uid})")}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts, "finishedAt": ts}}
                }))
                .collect();
            p["status"]["phase"] = json!("Running");
            p["status"]["conditions"] = conditions(true, false, &names, &ts);
            p["status"]["containerStatuses"] = json!(statuses);
        });
        let Some(pod) = updated else { return };
        for (c, _) in containers(&pod) {
            self.event(
                &pod,
                "Warning",
                "BackOff",
                &format!("Back-off restarting failed container {c} in pod {name}_{ns}({uid})"),
                KUBELET,
            );
        }
        let delay = Duration::from_secs(1 << restarts.min(4)).min(MAX_BACKOFF);
        let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
        self.after(delay, move |ctx| ctx.crash(&ns, &name, &uid, restarts + 1));
    }

    /// A Job pod's containers exit with the scripted code.
    fn finish_pod(&self, ns: &str, name: &str, uid: &str) {
        let ts = now();
        self.modify("", "pods", ns, name, Some(uid), |p| {
            let code: i64 = annotation(p, annotations::EXIT_CODE).and_then(|c| c.trim().parse().ok()).unwrap_or(0);
            let reason = if code == 0 { "Completed" } else { "Error" };
            let started = p["status"]["startTime"].clone();
            let statuses: Vec<Value> = containers(p)
                .iter()
                .map(|(c, image)| json!({
                    "name": c, "image": image, "imageID": format!("docker.io/library/{image}@sha256:0000"), "ready": false, "restartCount": 0, "started": false,
                    "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": ts}}
                }))
                .collect();
            let since = ts.clone();
            let names: Vec<String> = containers(p).into_iter().map(|(c, _)| c).collect();
            let mut conds = conditions(false, false, &names, &since);
            for c in conds.as_array_mut().into_iter().flatten() {
                if c["type"] == "Ready" || c["type"] == "ContainersReady" {
                    c["reason"] = json!("PodCompleted");
                    if let Some(m) = c.as_object_mut() {
                        m.remove("message");
                    }
                }
            }
            p["status"]["phase"] = json!(if code == 0 { "Succeeded" } else { "Failed" });
            p["status"]["conditions"] = conds;
            p["status"]["containerStatuses"] = json!(statuses);
        });
    }
}
