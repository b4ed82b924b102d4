//! Tracking resources to readiness: one LIST per kind and namespace per tick (not one GET per
//! object), pods attached to their workloads, errors counted against
//! `failures-allowed-per-replica`, fail modes, pod logs streamed until ready, the periodic
//! status table, events on failure, and timeouts that name what is stuck and why.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::api::ListParams;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::Error;
use crate::cluster::{Cluster, ObjectKey};
use crate::duration::format_go_duration;
use crate::manifest::{FailMode, TerminationMode, TrackConfig};
use crate::report::{Event, Reporter, StatusRow, TrackState};
use crate::status::{self, Readiness};

/// Default `werf.io/no-activity-timeout`.
pub const DEFAULT_NO_ACTIVITY_TIMEOUT: Duration = Duration::from_secs(240);

/// One resource to track.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its key (namespace `None` for cluster-scoped kinds).
    pub key: ObjectKey,
    /// Its tracking annotations.
    pub config: TrackConfig,
    /// Hooks must run to completion (a Pod hook must succeed).
    pub run_to_completion: bool,
}

/// Tracking settings of one operation.
#[derive(Debug, Clone)]
pub struct TrackOptions {
    /// Give up at this instant (the operation's `--timeout`).
    pub deadline: Option<Instant>,
    /// How often the status table is reported.
    pub progress_interval: Duration,
    /// How often the cluster is polled.
    pub poll_interval: Duration,
    /// Stream pod logs.
    pub logs: bool,
    /// Stop with an error once this becomes true (the release lock was lost).
    pub abort: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for TrackOptions {
    fn default() -> Self {
        Self {
            deadline: None,
            progress_interval: Duration::from_secs(5),
            poll_interval: Duration::from_millis(500),
            logs: true,
            abort: None,
        }
    }
}

#[derive(Debug, Default)]
struct Task {
    state: Option<TrackState>,
    why: String,
    info: String,
    errors: BTreeSet<String>,
    last_error: Option<String>,
    failure: Option<String>,
    hoping: bool,
    resource_version: String,
    last_activity: Option<Instant>,
    pod_rows: Vec<StatusRow>,
    seen_events: HashSet<String>,
}

struct LogLine {
    target: usize,
    pod: String,
    container: String,
    line: String,
}

/// Snapshot of the cluster for one tick.
#[derive(Default)]
struct Snapshot {
    objects: HashMap<(String, String, Option<String>), HashMap<String, Value>>,
    pods: HashMap<String, Vec<Value>>,
    replicasets: HashMap<String, Vec<Value>>,
}

impl Snapshot {
    async fn take(cluster: &Cluster, keys: &[&ObjectKey]) -> Result<Self, Error> {
        type Group = (String, String, Option<String>);
        let groups: BTreeSet<Group> = keys
            .iter()
            .map(|k| (k.api_version.clone(), k.kind.clone(), k.namespace.clone()))
            .collect();
        let pod_namespaces: BTreeSet<&String> = keys
            .iter()
            .filter(|k| status::owns_pods(&k.kind))
            .filter_map(|k| k.namespace.as_ref())
            .collect();
        let rs_namespaces: BTreeSet<&String> = keys
            .iter()
            .filter(|k| k.kind == "Deployment")
            .filter_map(|k| k.namespace.as_ref())
            .collect();
        let objects =
            futures::future::try_join_all(groups.iter().map(|(api_version, kind, ns)| {
                cluster.list(api_version, kind, ns.as_deref(), None)
            }));
        let pods = futures::future::try_join_all(
            pod_namespaces
                .iter()
                .map(|ns| cluster.list("v1", "Pod", Some(ns.as_str()), None)),
        );
        let replicasets = futures::future::join_all(
            rs_namespaces
                .iter()
                .map(|ns| cluster.list("apps/v1", "ReplicaSet", Some(ns.as_str()), None)),
        );
        let (objects, pods, replicasets) = futures::join!(objects, pods, replicasets);
        let by_name = |list: Vec<Value>| -> HashMap<String, Value> {
            list.into_iter()
                .map(|o| {
                    (
                        o["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        o,
                    )
                })
                .collect()
        };
        Ok(Self {
            objects: groups
                .into_iter()
                .zip(objects?.into_iter().map(by_name))
                .collect(),
            pods: pod_namespaces.into_iter().cloned().zip(pods?).collect(),
            replicasets: rs_namespaces
                .into_iter()
                .cloned()
                .zip(replicasets.into_iter().map(Result::unwrap_or_default))
                .collect(),
        })
    }

    fn object(&self, key: &ObjectKey) -> Option<&Value> {
        self.objects
            .get(&(
                key.api_version.clone(),
                key.kind.clone(),
                key.namespace.clone(),
            ))?
            .get(&key.name)
    }

    /// The pods of the current revision of a workload.
    fn pods_of(&self, key: &ObjectKey, root: &Value) -> Vec<&Value> {
        let Some(ns) = &key.namespace else {
            return Vec::new();
        };
        let pods = self.pods.get(ns).map(Vec::as_slice).unwrap_or_default();
        let uid = root["metadata"]["uid"].as_str().unwrap_or_default();
        let mut owners: HashSet<&str> = HashSet::from([uid]);
        if key.kind == "Deployment" {
            let revision =
                root["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str();
            let owned: Vec<&Value> = self
                .replicasets
                .get(ns)
                .into_iter()
                .flatten()
                .filter(|rs| owned_by(rs, uid))
                .collect();
            let current: Vec<&Value> = owned
                .iter()
                .copied()
                .filter(|rs| {
                    revision.is_some()
                        && rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                            .as_str()
                            == revision
                })
                .collect();
            let chosen = if current.is_empty() { owned } else { current };
            owners.extend(
                chosen
                    .iter()
                    .filter_map(|rs| rs["metadata"]["uid"].as_str()),
            );
        }
        let owned: Vec<&Value> = pods
            .iter()
            .filter(|p| owners.iter().any(|o| !o.is_empty() && owned_by(p, o)))
            .collect();
        if !owned.is_empty() {
            return owned;
        }
        let Some(selector) = root["spec"]["selector"]["matchLabels"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            return Vec::new();
        };
        pods.iter()
            .filter(|p| {
                selector
                    .iter()
                    .all(|(k, v)| &p["metadata"]["labels"][k] == v)
            })
            .collect()
    }
}

fn owned_by(obj: &Value, uid: &str) -> bool {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["uid"].as_str() == Some(uid)))
}

/// Tracks `targets` until every blocking one is ready, one fails (per its fail mode), or the
/// deadline passes.
pub async fn track(
    cluster: &Cluster,
    targets: &[Target],
    options: &TrackOptions,
    reporter: &dyn Reporter,
) -> Result<(), Error> {
    let mut tracker = Tracker::new(cluster, targets, options, reporter);
    let result = tracker.run().await;
    tracker.stop_logs();
    result
}

struct Tracker<'a> {
    cluster: &'a Cluster,
    targets: &'a [Target],
    options: &'a TrackOptions,
    reporter: &'a dyn Reporter,
    tasks: Vec<Task>,
    logs: HashMap<(usize, String, String), JoinHandle<()>>,
    log_tx: mpsc::UnboundedSender<LogLine>,
    log_rx: mpsc::UnboundedReceiver<LogLine>,
    last_table: Option<Vec<StatusRow>>,
}

impl<'a> Tracker<'a> {
    fn new(
        cluster: &'a Cluster,
        targets: &'a [Target],
        options: &'a TrackOptions,
        reporter: &'a dyn Reporter,
    ) -> Self {
        let (log_tx, log_rx) = mpsc::unbounded_channel();
        Self {
            cluster,
            targets,
            options,
            reporter,
            tasks: targets.iter().map(|_| Task::default()).collect(),
            logs: HashMap::new(),
            log_tx,
            log_rx,
            last_table: None,
        }
    }

    fn blocking(&self, i: usize) -> bool {
        self.targets[i].config.termination == TerminationMode::WaitUntilResourceReady
    }

    fn finished(&self, i: usize) -> bool {
        matches!(self.tasks[i].state, Some(TrackState::Ready))
            || (self.tasks[i].state == Some(TrackState::Failed) && !self.tasks[i].hoping)
    }

    async fn run(&mut self) -> Result<(), Error> {
        let mut last_table: Option<Instant> = None;
        loop {
            let open: Vec<usize> = (0..self.targets.len())
                .filter(|&i| !self.finished(i))
                .collect();
            let waiting_blocking: Vec<usize> = open
                .iter()
                .copied()
                .filter(|&i| self.blocking(i) && !self.tasks[i].hoping)
                .collect();
            if waiting_blocking.is_empty() {
                if let Some(&i) = open.iter().find(|&&i| self.tasks[i].hoping) {
                    return Err(self.fail(i).await);
                }
                self.report_table(false);
                return Ok(());
            }
            let keys: Vec<&ObjectKey> = open.iter().map(|&i| &self.targets[i].key).collect();
            let snapshot = Snapshot::take(self.cluster, &keys).await?;
            for &i in &open {
                self.observe(i, &snapshot);
            }
            self.drain_logs();
            for &i in &open {
                if self.tasks[i].state == Some(TrackState::Failed) {
                    match self.targets[i].config.fail_mode {
                        FailMode::IgnoreAndContinueDeployProcess => {
                            let why = self.tasks[i].failure.clone().unwrap_or_default();
                            self.reporter.report(Event::Warning(format!(
                                "{} failed ({why}); ignored: fail mode IgnoreAndContinueDeployProcess",
                                self.targets[i].key.display()
                            )));
                        }
                        FailMode::HopeUntilEndOfDeployProcess => self.tasks[i].hoping = true,
                        FailMode::FailWholeDeployProcessImmediately => {
                            if self.blocking(i) {
                                return Err(self.fail(i).await);
                            }
                            self.reporter.report(Event::Warning(format!(
                                "{} failed ({}); not blocking the deploy (NonBlocking)",
                                self.targets[i].key.display(),
                                self.tasks[i].failure.clone().unwrap_or_default()
                            )));
                        }
                    }
                } else if self.tasks[i].state == Some(TrackState::Ready) {
                    self.stop_logs_of(i).await;
                }
            }
            if last_table.is_none_or(|t| t.elapsed() >= self.options.progress_interval) {
                self.report_table(true);
                self.report_service_messages().await;
                last_table = Some(Instant::now());
            }
            if self
                .options
                .abort
                .as_ref()
                .is_some_and(|a| a.load(std::sync::atomic::Ordering::SeqCst))
            {
                return Err(Error::Lock("lost the release lock to another run".into()));
            }
            if let Some(deadline) = self.options.deadline
                && Instant::now() >= deadline
            {
                self.report_table(false);
                return Err(self.timeout_error());
            }
            tokio::time::sleep(self.options.poll_interval).await;
        }
    }

    /// Updates task `i` from the snapshot.
    fn observe(&mut self, i: usize, snapshot: &Snapshot) {
        let target = &self.targets[i];
        let task = &mut self.tasks[i];
        task.hoping = task.hoping && task.state == Some(TrackState::Failed);
        let Some(obj) = snapshot.object(&target.key) else {
            task.state = Some(TrackState::Waiting);
            task.why = "not found in the cluster".into();
            return;
        };
        let now = Instant::now();
        let rv = obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if rv != task.resource_version || task.last_activity.is_none() {
            task.resource_version = rv.to_string();
            task.last_activity = Some(now);
        }
        let pods = if status::owns_pods(&target.key.kind) {
            snapshot.pods_of(&target.key, obj)
        } else {
            Vec::new()
        };
        task.pod_rows.clear();
        for pod in &pods {
            for (signature, message) in status::pod_errors(pod) {
                if task.errors.insert(signature) {
                    task.last_error = Some(message);
                }
            }
            let pod_ready = status::readiness(pod, false) == Readiness::Ready;
            task.pod_rows.push(StatusRow {
                resource: format!(
                    " • Pod/{}",
                    pod["metadata"]["name"].as_str().unwrap_or_default()
                ),
                state: if pod["status"]["phase"].as_str() == Some("Failed") {
                    TrackState::Failed
                } else if pod_ready {
                    TrackState::Ready
                } else {
                    TrackState::Waiting
                },
                info: format!("Status:{}", status::pod_status_text(pod)),
            });
        }
        let allowed = status::failures_allowed(obj, target.config.failures_allowed_per_replica);
        let errors = task.errors.len() as u64;
        let readiness = status::readiness(obj, target.run_to_completion);
        let no_activity = target
            .config
            .no_activity_timeout
            .unwrap_or(DEFAULT_NO_ACTIVITY_TIMEOUT);
        let (state, why) = match readiness {
            Readiness::Ready => (TrackState::Ready, String::new()),
            Readiness::Failed(why) => (TrackState::Failed, why),
            Readiness::Waiting(_)
                if target.config.fail_mode != FailMode::IgnoreAndContinueDeployProcess
                    && errors > allowed =>
            {
                (
                    TrackState::Failed,
                    format!(
                        "{} ({errors} errors, {allowed} allowed)",
                        task.last_error.clone().unwrap_or_default()
                    ),
                )
            }
            Readiness::Waiting(why)
                if !status::has_dedicated_rules(&target.key.kind)
                    && task
                        .last_activity
                        .is_some_and(|t| now.duration_since(t) >= no_activity) =>
            {
                (
                    TrackState::Failed,
                    format!(
                        "marking resource as failed because no activity for {} ({why})",
                        format_go_duration(no_activity)
                    ),
                )
            }
            Readiness::Waiting(why) => (TrackState::Waiting, why),
        };
        let mut info = Vec::new();
        if let Some(ns) = &target.key.namespace
            && obj["metadata"]["namespace"].as_str() != Some(ns)
        {
            info.push(format!("Namespace:{ns}"));
        }
        info.extend(status::ready_summary(obj));
        if state == TrackState::Waiting && !why.is_empty() {
            info.push(format!("Waiting:\"{why}\""));
        }
        if errors > 0 {
            info.push(format!("Errors:{errors}"));
        }
        if let Some(err) = &task.last_error {
            info.push(format!("LastError:\"{err}\""));
        }
        task.info = info.join("  ");
        task.failure = (state == TrackState::Failed).then(|| why.clone());
        task.why = why;
        task.state = Some(state);
        if self.options.logs {
            let wanted: Vec<(String, String, String)> = pods
                .iter()
                .flat_map(|pod| {
                    let ns = pod["metadata"]["namespace"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    let name = pod["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    pod["status"]["containerStatuses"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|c| {
                            c["state"]["running"].is_object()
                                || c["state"]["terminated"].is_object()
                        })
                        .filter_map(|c| c["name"].as_str())
                        .filter(|c| target.config.shows_logs_of(c))
                        .map(|c| (ns.clone(), name.clone(), c.to_string()))
                        .collect::<Vec<_>>()
                })
                .collect();
            for (ns, pod, container) in wanted {
                self.start_log(i, ns, pod, container);
            }
        }
    }

    fn start_log(&mut self, target: usize, namespace: String, pod: String, container: String) {
        let id = (target, pod.clone(), container.clone());
        if self.logs.contains_key(&id) {
            return;
        }
        let cluster = self.cluster.clone();
        let tx = self.log_tx.clone();
        let handle = tokio::spawn(async move {
            let Ok(stream) = cluster.follow_log(&namespace, &pod, &container).await else {
                return;
            };
            let mut stream = std::pin::pin!(stream);
            while let Some(line) = stream.next().await {
                let line = LogLine {
                    target,
                    pod: pod.clone(),
                    container: container.clone(),
                    line,
                };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        self.logs.insert(id, handle);
    }

    fn drain_logs(&mut self) {
        while let Ok(line) = self.log_rx.try_recv() {
            let target = &self.targets[line.target];
            if target.config.log_line_matches(&line.container, &line.line) {
                self.reporter.report(Event::Log {
                    resource: target.key.display(),
                    pod: line.pod,
                    container: line.container,
                    line: line.line,
                });
            }
        }
    }

    /// Stops the log streams of a finished target, letting streams of terminated containers
    /// (Jobs) finish first so their last lines are shown.
    async fn stop_logs_of(&mut self, i: usize) {
        let ids: Vec<_> = self
            .logs
            .keys()
            .filter(|(t, _, _)| *t == i)
            .cloned()
            .collect();
        for id in ids {
            if let Some(mut handle) = self.logs.remove(&id) {
                if self.targets[i].run_to_completion || self.targets[i].key.kind == "Job" {
                    let _ = tokio::time::timeout(Duration::from_secs(2), &mut handle).await;
                }
                handle.abort();
            }
        }
        self.drain_logs();
    }

    fn stop_logs(&mut self) {
        for (_, handle) in self.logs.drain() {
            handle.abort();
        }
    }

    fn rows(&self) -> Vec<StatusRow> {
        let mut rows = Vec::new();
        for (target, task) in self.targets.iter().zip(&self.tasks) {
            let Some(state) = task.state else { continue };
            rows.push(StatusRow {
                resource: target.key.display(),
                state,
                info: task.info.clone(),
            });
            if state != TrackState::Ready {
                rows.extend(task.pod_rows.iter().cloned());
            }
        }
        rows
    }

    /// Reports the status table; unless `always`, only when it changed since the last one.
    fn report_table(&mut self, always: bool) {
        let rows = self.rows();
        if !rows.is_empty() && (always || self.last_table.as_ref() != Some(&rows)) {
            self.reporter.report(Event::Status(rows.clone()));
            self.last_table = Some(rows);
        }
    }

    async fn events_of(&self, i: usize) -> Vec<(String, String)> {
        let key = &self.targets[i].key;
        let Some(ns) = &key.namespace else {
            return Vec::new();
        };
        let mut names = vec![key.name.clone()];
        names.extend(
            self.tasks[i]
                .pod_rows
                .iter()
                .filter_map(|r| r.resource.strip_prefix(" • Pod/").map(str::to_string)),
        );
        let mut events = Vec::new();
        for name in names {
            let params = ListParams::default().fields(&format!("involvedObject.name={name}"));
            let Ok(list) = self
                .cluster
                .list_with("v1", "Event", Some(ns), &params)
                .await
            else {
                continue;
            };
            for e in list {
                let id = e["metadata"]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                events.push((
                    id,
                    format!(
                        "{}/{}: {}: {}",
                        e["involvedObject"]["kind"].as_str().unwrap_or_default(),
                        name,
                        e["reason"].as_str().unwrap_or_default(),
                        e["message"].as_str().unwrap_or_default()
                    ),
                ));
            }
        }
        events
    }

    async fn report_service_messages(&mut self) {
        for i in 0..self.targets.len() {
            if !self.targets[i].config.show_service_messages || self.finished(i) {
                continue;
            }
            let events = self.events_of(i).await;
            let fresh: Vec<String> = events
                .into_iter()
                .filter(|(id, _)| self.tasks[i].seen_events.insert(id.clone()))
                .map(|(_, line)| line)
                .collect();
            if !fresh.is_empty() {
                self.reporter.report(Event::KubeEvents {
                    resource: self.targets[i].key.display(),
                    lines: fresh,
                });
            }
        }
    }

    /// Reports everything known about a failed target and builds the deploy error.
    async fn fail(&mut self, i: usize) -> Error {
        self.drain_logs();
        self.report_table(false);
        let lines: Vec<String> = self
            .events_of(i)
            .await
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        if !lines.is_empty() {
            self.reporter.report(Event::KubeEvents {
                resource: self.targets[i].key.display(),
                lines,
            });
        }
        Error::Tracking(format!(
            "{} failed: {}",
            self.targets[i].key.display(),
            self.tasks[i].failure.clone().unwrap_or_default()
        ))
    }

    fn timeout_error(&self) -> Error {
        let stuck: BTreeMap<String, String> = (0..self.targets.len())
            .filter(|&i| !self.finished(i) && self.blocking(i))
            .map(|i| {
                let task = &self.tasks[i];
                let why = if task.why.is_empty() {
                    "no status yet".to_string()
                } else {
                    task.why.clone()
                };
                let detail = match &task.last_error {
                    Some(err) => format!("{why}; last error: {err}"),
                    None => why,
                };
                (self.targets[i].key.display(), detail)
            })
            .collect();
        let list: Vec<String> = stuck.iter().map(|(r, why)| format!("{r}: {why}")).collect();
        Error::Tracking(format!(
            "timed out waiting for {} resource(s) to become ready: {}",
            stuck.len(),
            list.join("; ")
        ))
    }
}
