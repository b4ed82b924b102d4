//! Readiness rules per kind, after kubedog (werf-nelm §6): pure functions over the JSON of an
//! object and its pods, so they are unit-tested on recorded objects.

use serde_json::Value;

/// The readiness of a tracked root object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Ready (complete, for Jobs and hook Pods).
    Ready,
    /// Not ready yet, and why.
    Waiting(String),
    /// Failed for good, and why.
    Failed(String),
}

fn int(value: &Value) -> i64 {
    value.as_i64().unwrap_or(0)
}

fn condition<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"].as_str() == Some(kind))
}

fn condition_is(obj: &Value, kind: &str, status: &str) -> bool {
    condition(obj, kind).is_some_and(|c| c["status"].as_str() == Some(status))
}

/// `spec.replicas`, defaulting to 1 as the API server does.
pub fn desired_replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1)
}

fn generation_observed(obj: &Value) -> Option<String> {
    let generation = int(&obj["metadata"]["generation"]);
    let observed = int(&obj["status"]["observedGeneration"]);
    (observed < generation)
        .then(|| format!("observed generation {observed} should be >= {generation}"))
}

fn deployment(obj: &Value) -> Readiness {
    if let Some(c) = condition(obj, "Progressing")
        && c["status"].as_str() == Some("False")
        && c["reason"].as_str() == Some("ProgressDeadlineExceeded")
    {
        return Readiness::Failed(format!(
            "ProgressDeadlineExceeded: {}",
            c["message"].as_str().unwrap_or_default()
        ));
    }
    if let Some(why) = generation_observed(obj) {
        return Readiness::Waiting(why);
    }
    let want = desired_replicas(obj);
    let status = &obj["status"];
    for (field, label) in [
        ("updatedReplicas", "up-to-date"),
        ("replicas", "replicas"),
        ("availableReplicas", "available"),
    ] {
        let have = int(&status[field]);
        if have != want {
            return Readiness::Waiting(format!("{label} {have}->{want}"));
        }
    }
    Readiness::Ready
}

fn statefulset(obj: &Value) -> Readiness {
    let status = &obj["status"];
    let observed = int(&status["observedGeneration"]);
    if observed == 0 || int(&obj["metadata"]["generation"]) > observed {
        return Readiness::Waiting(format!(
            "observed generation {observed} should be >= {}",
            int(&obj["metadata"]["generation"])
        ));
    }
    let want = desired_replicas(obj);
    let ready = int(&status["readyReplicas"]);
    if ready < want {
        return Readiness::Waiting(format!("ready {ready}->{want}"));
    }
    let updated = int(&status["updatedReplicas"]);
    let same_revision = status["updateRevision"] == status["currentRevision"];
    let strategy = &obj["spec"]["updateStrategy"];
    if strategy["type"].as_str() == Some("OnDelete") {
        if (updated == 0 && same_revision) || updated >= want {
            return Readiness::Ready;
        }
        return Readiness::Waiting("waiting for old pods to be deleted manually (OnDelete)".into());
    }
    let partition = int(&strategy["rollingUpdate"]["partition"]);
    if partition > 0 {
        if updated >= want - partition {
            return Readiness::Ready;
        }
        return Readiness::Waiting(format!("up-to-date {updated}->{}", want - partition));
    }
    if !same_revision {
        return Readiness::Waiting("update revision is not current yet".into());
    }
    Readiness::Ready
}

fn daemonset(obj: &Value) -> Readiness {
    let strategy = obj["spec"]["updateStrategy"]["type"]
        .as_str()
        .unwrap_or("RollingUpdate");
    if strategy != "RollingUpdate" {
        return Readiness::Ready;
    }
    if let Some(why) = generation_observed(obj) {
        return Readiness::Waiting(why);
    }
    let status = &obj["status"];
    let want = int(&status["desiredNumberScheduled"]);
    for (field, label) in [
        ("updatedNumberScheduled", "up-to-date"),
        ("numberAvailable", "available"),
    ] {
        let have = int(&status[field]);
        if have != want {
            return Readiness::Waiting(format!("{label} {have}->{want}"));
        }
    }
    Readiness::Ready
}

fn job(obj: &Value) -> Readiness {
    if condition_is(obj, "Complete", "True") {
        return Readiness::Ready;
    }
    if let Some(c) = condition(obj, "Failed").filter(|c| c["status"].as_str() == Some("True")) {
        return Readiness::Failed(format!(
            "{}: {}",
            c["reason"].as_str().unwrap_or("Failed"),
            c["message"].as_str().unwrap_or_default()
        ));
    }
    let status = &obj["status"];
    Readiness::Waiting(format!(
        "active {}, succeeded {}, failed {}",
        int(&status["active"]),
        int(&status["succeeded"]),
        int(&status["failed"])
    ))
}

fn pod(obj: &Value, run_to_completion: bool) -> Readiness {
    match obj["status"]["phase"].as_str() {
        Some("Succeeded") => Readiness::Ready,
        Some("Failed") => Readiness::Failed(format!(
            "pod failed: {}",
            obj["status"]["reason"].as_str().unwrap_or("Error")
        )),
        _ if !run_to_completion && condition_is(obj, "Ready", "True") => Readiness::Ready,
        phase => Readiness::Waiting(format!("phase {}", phase.unwrap_or("Pending"))),
    }
}

const READY_WORDS: &[&str] = &[
    "ready",
    "success",
    "succeeded",
    "complete",
    "completed",
    "finished",
    "finalized",
    "done",
    "available",
    "running",
    "ok",
    "active",
    "live",
    "healthy",
    "started",
    "initialized",
    "approved",
];
const PENDING_WORDS: &[&str] = &[
    "creating",
    "updating",
    "waiting",
    "awaiting",
    "pending",
    "finishing",
    "starting",
    "readying",
    "inprogress",
    "progressing",
    "initialization",
    "initializing",
    "approving",
    "unknown",
];
const FAILED_WORDS: &[&str] = &[
    "failure",
    "failed",
    "abort",
    "aborted",
    "terminated",
    "error",
    "errored",
    "rejection",
    "rejected",
];

fn normalize_word(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// kubedog's generic rules: `status.conditions` of a known type, then `status.phase`-like
/// fields; an object no rule applies to is ready as soon as it exists.
fn generic(obj: &Value) -> Readiness {
    if let Some(conditions) = obj["status"]["conditions"].as_array() {
        for word in READY_WORDS {
            let found = conditions.iter().find(|c| {
                c["type"]
                    .as_str()
                    .is_some_and(|t| normalize_word(t) == *word)
            });
            if let Some(c) = found {
                let kind = c["type"].as_str().unwrap_or_default();
                return match c["status"].as_str() {
                    Some("True") => Readiness::Ready,
                    other => Readiness::Waiting(format!(
                        "status.conditions[type={kind}].status={}",
                        other.unwrap_or("Unknown")
                    )),
                };
            }
        }
    }
    for field in [
        "phase",
        "currentPhase",
        "state",
        "currentState",
        "status",
        "currentStatus",
        "health",
        "currentHealth",
    ] {
        let Some(value) = obj["status"][field].as_str() else {
            continue;
        };
        let word = normalize_word(value);
        if READY_WORDS.contains(&word.as_str()) {
            return Readiness::Ready;
        }
        if PENDING_WORDS.contains(&word.as_str()) {
            return Readiness::Waiting(format!("status.{field}={value}"));
        }
        if FAILED_WORDS.contains(&word.as_str()) {
            return Readiness::Failed(format!("status.{field}={value}"));
        }
    }
    Readiness::Ready
}

/// Whether the kind has a dedicated tracker (else the generic rules and the no-activity
/// timeout apply).
pub fn has_dedicated_rules(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "Pod"
    )
}

/// Whether objects of the kind own pods whose errors and logs belong to them.
pub fn owns_pods(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicaSet"
    )
}

/// The readiness of an object. `run_to_completion` is set for hooks: a Pod hook must
/// succeed, not just become ready.
pub fn readiness(obj: &Value, run_to_completion: bool) -> Readiness {
    match obj["kind"].as_str().unwrap_or_default() {
        "Deployment" => deployment(obj),
        "StatefulSet" => statefulset(obj),
        "DaemonSet" => daemonset(obj),
        "Job" => job(obj),
        "Pod" => pod(obj, run_to_completion),
        _ => generic(obj),
    }
}

/// The `Ready:x/y` summary of a workload, if it has one.
pub fn ready_summary(obj: &Value) -> Option<String> {
    let status = &obj["status"];
    match obj["kind"].as_str()? {
        "Deployment" | "StatefulSet" | "ReplicaSet" => Some(format!(
            "Ready:{}/{}",
            int(&status["readyReplicas"]),
            desired_replicas(obj)
        )),
        "DaemonSet" => Some(format!(
            "Ready:{}/{}",
            int(&status["numberReady"]),
            int(&status["desiredNumberScheduled"])
        )),
        "Job" => Some(format!(
            "Succeeded:{}  Failed:{}  Active:{}",
            int(&status["succeeded"]),
            int(&status["failed"]),
            int(&status["active"])
        )),
        _ => None,
    }
}

/// The errors a pod shows now, each with a signature that stays the same while it is the
/// same occurrence (a new container restart is a new occurrence).
pub fn pod_errors(pod: &Value) -> Vec<(String, String)> {
    const BAD_WAITING: &[&str] = &[
        "ImagePullBackOff",
        "ErrImagePull",
        "CrashLoopBackOff",
        "ErrImageNeverPull",
    ];
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let status = &pod["status"];
    let mut errors = Vec::new();
    for list in ["initContainerStatuses", "containerStatuses"] {
        for c in status[list].as_array().into_iter().flatten() {
            let container = c["name"].as_str().unwrap_or_default();
            let restarts = int(&c["restartCount"]);
            let waiting = &c["state"]["waiting"];
            if let Some(reason) = waiting["reason"]
                .as_str()
                .filter(|r| BAD_WAITING.contains(r))
            {
                errors.push((
                    format!("{name}/{container}/{reason}/{restarts}"),
                    format!(
                        "{reason}: {}",
                        waiting["message"]
                            .as_str()
                            .unwrap_or("container is not running")
                    ),
                ));
            }
            let terminated = &c["state"]["terminated"];
            if list == "initContainerStatuses" && terminated["reason"].as_str() == Some("Error") {
                errors.push((
                    format!("{name}/{container}/init-error/{restarts}"),
                    format!(
                        "init container {container} failed with exit code {}",
                        int(&terminated["exitCode"])
                    ),
                ));
            }
        }
    }
    if status["phase"].as_str() == Some("Failed") {
        let exit = status["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|c| c["state"]["terminated"]["exitCode"].as_i64());
        errors.push((
            format!("{name}/failed"),
            match exit {
                Some(code) => format!("pod {name} failed: container exited with code {code}"),
                None => format!(
                    "pod {name} failed: {}",
                    status["reason"].as_str().unwrap_or("Error")
                ),
            },
        ));
    }
    errors
}

/// The pod's status as `kubectl get pods` shows it (`Running`, `CrashLoopBackOff`, ...).
pub fn pod_status_text(pod: &Value) -> String {
    let status = &pod["status"];
    for list in ["initContainerStatuses", "containerStatuses"] {
        for c in status[list].as_array().into_iter().flatten() {
            if let Some(reason) = c["state"]["waiting"]["reason"].as_str()
                && reason != "ContainerCreating"
            {
                return reason.to_string();
            }
        }
    }
    status["phase"].as_str().unwrap_or("Pending").to_string()
}

/// How many errors a resource may accumulate before it fails (`failures-allowed-per-replica`
/// times the replicas; Jobs and `restartPolicy: Never` templates always get 0).
pub fn failures_allowed(obj: &Value, per_replica: Option<u32>) -> u64 {
    let kind = obj["kind"].as_str().unwrap_or_default();
    if kind == "Job" || obj["spec"]["template"]["spec"]["restartPolicy"].as_str() == Some("Never") {
        return 0;
    }
    let default = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" => 1,
        _ => 0,
    };
    let per_replica = u64::from(per_replica.unwrap_or(default));
    match obj["spec"]["replicas"].as_u64() {
        Some(replicas) => per_replica * replicas.max(1),
        None => per_replica,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn deploy(
        generation: i64,
        observed: i64,
        replicas: i64,
        updated: i64,
        available: i64,
    ) -> Value {
        json!({
            "kind": "Deployment",
            "metadata": {"generation": generation},
            "spec": {"replicas": replicas},
            "status": {"observedGeneration": observed, "replicas": updated, "updatedReplicas": updated,
                        "availableReplicas": available, "readyReplicas": available}
        })
    }

    #[test]
    fn deployment_rules() {
        assert_eq!(readiness(&deploy(2, 2, 2, 2, 2), false), Readiness::Ready);
        assert_eq!(
            readiness(&deploy(2, 1, 2, 2, 2), false),
            Readiness::Waiting("observed generation 1 should be >= 2".into())
        );
        assert_eq!(
            readiness(&deploy(1, 1, 2, 2, 1), false),
            Readiness::Waiting("available 1->2".into())
        );
        assert_eq!(ready_summary(&deploy(1, 1, 2, 2, 1)).unwrap(), "Ready:1/2");
        let mut stuck = deploy(1, 1, 1, 0, 0);
        stuck["status"]["conditions"] = json!([{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "too slow"}]);
        assert_eq!(
            readiness(&stuck, false),
            Readiness::Failed("ProgressDeadlineExceeded: too slow".into())
        );
    }

    #[test]
    fn statefulset_and_daemonset_rules() {
        let sts = json!({"kind": "StatefulSet", "metadata": {"generation": 1}, "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "readyReplicas": 2, "updatedReplicas": 2, "currentRevision": "a", "updateRevision": "a"}});
        assert_eq!(readiness(&sts, false), Readiness::Ready);
        let mut rolling = sts.clone();
        rolling["status"]["updateRevision"] = json!("b");
        assert!(matches!(readiness(&rolling, false), Readiness::Waiting(_)));
        let mut on_delete = rolling.clone();
        on_delete["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        assert_eq!(readiness(&on_delete, false), Readiness::Ready);
        let ds = json!({"kind": "DaemonSet", "metadata": {"generation": 1}, "status": {"observedGeneration": 1,
            "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 2, "numberReady": 2}});
        assert_eq!(
            readiness(&ds, false),
            Readiness::Waiting("available 2->3".into())
        );
        assert_eq!(ready_summary(&ds).unwrap(), "Ready:2/3");
    }

    #[test]
    fn job_and_pod_rules() {
        let done = json!({"kind": "Job", "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(readiness(&done, true), Readiness::Ready);
        let failed = json!({"kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}});
        assert_eq!(
            readiness(&failed, true),
            Readiness::Failed(
                "BackoffLimitExceeded: Job has reached the specified backoff limit".into()
            )
        );
        let ready_pod = json!({"kind": "Pod", "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(readiness(&ready_pod, false), Readiness::Ready);
        assert!(matches!(readiness(&ready_pod, true), Readiness::Waiting(_)));
    }

    #[test]
    fn generic_rules() {
        let cm = json!({"kind": "ConfigMap", "data": {}});
        assert_eq!(readiness(&cm, false), Readiness::Ready);
        let cert = json!({"kind": "Certificate", "status": {"conditions": [{"type": "Ready", "status": "False"}]}});
        assert_eq!(
            readiness(&cert, false),
            Readiness::Waiting("status.conditions[type=Ready].status=False".into())
        );
        let pvc = json!({"kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}});
        assert!(matches!(readiness(&pvc, false), Readiness::Waiting(_)));
        let bad = json!({"kind": "Thing", "status": {"state": "Errored"}});
        assert_eq!(
            readiness(&bad, false),
            Readiness::Failed("status.state=Errored".into())
        );
        let progressing = json!({"kind": "Thing", "status": {"phase": "In Progress"}});
        assert!(matches!(
            readiness(&progressing, false),
            Readiness::Waiting(_)
        ));
    }

    #[test]
    fn pod_errors_and_allowance() {
        let pod = json!({"metadata": {"name": "web-1"}, "status": {"phase": "Running", "containerStatuses": [
            {"name": "main", "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}}}]}});
        let errors = pod_errors(&pod);
        assert_eq!(
            errors,
            vec![(
                "web-1/main/CrashLoopBackOff/3".to_string(),
                "CrashLoopBackOff: back-off 40s".to_string()
            )]
        );
        assert_eq!(pod_status_text(&pod), "CrashLoopBackOff");
        let dep = json!({"kind": "Deployment", "spec": {"replicas": 3, "template": {"spec": {}}}});
        assert_eq!(failures_allowed(&dep, None), 3);
        assert_eq!(failures_allowed(&dep, Some(2)), 6);
        assert_eq!(failures_allowed(&json!({"kind": "Job"}), Some(5)), 0);
        let never = json!({"kind": "Deployment", "spec": {"template": {"spec": {"restartPolicy": "Never"}}}});
        assert_eq!(failures_allowed(&never, Some(5)), 0);
    }
}
