//! The converge flow (seed 001, nelm §7): lock, recover a stale pending release, record the
//! new revision, pre hooks, apply in weight groups and Helm's kind order (each kind stage
//! concurrently), track to readiness, delete removed resources, post hooks, and mark the
//! revision deployed. On failure: record FAILED with the reason, delete what this run
//! created, and optionally roll back. Rollback reuses the same executor.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use serde_json::{Map, Value, json};

use crate::Error;
use crate::cluster::{Cluster, ObjectKey};
use crate::dependency;
use crate::lock::ReleaseLock;
use crate::manifest::{self, ManifestFile, Resource, TrackConfig};
use crate::release::{Hook, Release, ReleaseStatus, now_rfc3339};
use crate::report::{Action, Event, MaskingReporter, Reporter};
use crate::storage::{ReleaseStorage, StorageDriver};
use crate::track::{self, Target, TrackOptions};
use slipway_secrets::Masker;

/// Settings of a converge, rollback or dismiss.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Deadline for the whole operation (`--timeout`); `None` waits forever.
    pub timeout: Option<Duration>,
    /// Roll back to the last deployed revision when the deploy fails.
    pub auto_rollback: bool,
    /// Annotations added to every resource (werf service annotations, `--add-annotation`).
    pub annotations: BTreeMap<String, String>,
    /// Labels added to every resource (`--add-label`).
    pub labels: BTreeMap<String, String>,
    /// Release storage driver.
    pub storage: StorageDriver,
    /// Namespace of the release records; the release namespace when `None`.
    pub storage_namespace: Option<String>,
    /// Revisions kept (0 = all).
    pub history_limit: usize,
    /// Create the release namespace when missing.
    pub create_namespace: bool,
    /// Tracking settings (its deadline is set from `timeout`).
    pub track: TrackOptions,
    /// Secrets (decrypted values and files) masked in everything reported, plan diffs included
    /// (also in their base64 form, as Secret data shows them).
    pub masker: Masker,
    /// How many resources are applied at once.
    pub concurrency: usize,
    /// Fail on manifests with unknown or mistyped fields instead of warning.
    pub strict: bool,
}

impl Default for DeployOptions {
    fn default() -> Self {
        Self {
            timeout: None,
            auto_rollback: false,
            annotations: BTreeMap::new(),
            labels: BTreeMap::new(),
            storage: StorageDriver::Secret,
            storage_namespace: None,
            history_limit: 10,
            create_namespace: true,
            track: TrackOptions::default(),
            masker: Masker::new(),
            concurrency: 30,
            strict: false,
        }
    }
}

/// Everything converge needs: the rendered chart and where it goes.
#[derive(Debug, Clone, Default)]
pub struct DeployRequest {
    /// Release name.
    pub release: String,
    /// Release namespace.
    pub namespace: String,
    /// The chart as Helm serialises it in releases (`metadata`, `templates`, `values`, ...).
    pub chart: Value,
    /// User-supplied values (stored as the release `config`).
    pub config: Map<String, Value>,
    /// Rendered templates (regular resources and hooks).
    pub manifests: Vec<ManifestFile>,
    /// Rendered NOTES.txt.
    pub notes: String,
    /// Options.
    pub options: DeployOptions,
}

/// The result of a successful converge or rollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The revision written, or the deployed one when nothing was to be done.
    pub revision: u32,
    /// Nothing was done and no revision written: the last revision is deployed with the same
    /// manifest, values and notes, the chart has no hooks, and every resource in the cluster
    /// already matches (nelm's skipped release).
    pub skipped: bool,
    /// Every resource operation, in order.
    pub changes: Vec<(String, Action)>,
    /// Rendered notes.
    pub notes: String,
}

/// The per-operation context.
pub(crate) struct Ctx<'a> {
    pub cluster: &'a Cluster,
    pub reporter: &'a dyn Reporter,
    pub release: &'a str,
    pub namespace: &'a str,
    pub storage: ReleaseStorage,
    pub options: &'a DeployOptions,
    pub deadline: Option<Instant>,
    /// Set when the release lock was lost (another run took it over).
    pub lock_lost: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        cluster: &'a Cluster,
        reporter: &'a dyn Reporter,
        release: &'a str,
        namespace: &'a str,
        options: &'a DeployOptions,
    ) -> Self {
        let storage_ns = options.storage_namespace.as_deref().unwrap_or(namespace);
        Self {
            cluster,
            reporter,
            release,
            namespace,
            storage: ReleaseStorage::new(cluster.clone(), options.storage, storage_ns),
            options,
            deadline: options.timeout.map(|t| Instant::now() + t),
            lock_lost: None,
        }
    }

    fn phase(&self, text: impl Into<String>) {
        self.reporter.report(Event::Phase(text.into()));
    }

    fn track_options(&self) -> TrackOptions {
        TrackOptions {
            deadline: self.deadline,
            abort: self.lock_lost.clone(),
            ..self.options.track.clone()
        }
    }

    /// Fails once the deadline passed or the release lock was lost.
    fn check_deadline(&self) -> Result<(), Error> {
        if self
            .lock_lost
            .as_ref()
            .is_some_and(|lost| lost.load(std::sync::atomic::Ordering::SeqCst))
        {
            return Err(Error::Lock(format!(
                "lost the lock of release {:?} to another run",
                self.release
            )));
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(Error::Tracking(format!(
                "timed out after {}",
                crate::duration::format_go_duration(self.options.timeout.unwrap_or_default())
            ))),
            _ => Ok(()),
        }
    }
}

fn validate_release_name(name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name.len() <= 53
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "invalid release name {name:?}: must be a DNS-1123 subdomain of at most 53 characters"
        )))
    }
}

/// Parses manifests and resolves each key's scope (cluster-scoped kinds lose their
/// namespace). Kinds the cluster does not serve yet (CRDs of this chart) keep theirs.
pub(crate) async fn load_resources(
    cluster: &Cluster,
    files: &[ManifestFile],
    namespace: &str,
) -> Result<Vec<Resource>, Error> {
    let mut resources = manifest::parse_files(files, namespace)?;
    for r in &mut resources {
        match cluster.normalize(r.key.clone()).await {
            Ok(key) => r.key = key,
            Err(Error::UnknownKind(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(resources)
}

/// The resources recorded in a stored release (regular ones and hooks).
pub(crate) async fn release_resources(
    cluster: &Cluster,
    release: &Release,
) -> Result<(Vec<Resource>, Vec<Resource>), Error> {
    let mut files = vec![ManifestFile {
        source: String::new(),
        content: release.manifest.clone(),
    }];
    files.extend(release.hooks.iter().map(|h| ManifestFile {
        source: h.path.clone(),
        content: h.manifest.clone(),
    }));
    let all = load_resources(cluster, &files, &release.namespace).await?;
    Ok(all.into_iter().partition(|r| r.hook.is_none()))
}

/// Identity of an object across API versions (`extensions/v1beta1` and `apps/v1`
/// Deployments are the same object).
/// See [`identity`].
pub(crate) type Identity = (String, String, Option<String>, String);

pub(crate) fn identity(key: &ObjectKey) -> Identity {
    (
        key.group().to_string(),
        key.kind.clone(),
        key.namespace.clone(),
        key.name.clone(),
    )
}

fn hook_record(r: &Resource) -> Hook {
    let spec = r.hook.clone().unwrap_or_else(|| manifest::HookSpec {
        events: Vec::new(),
        weight: 0,
        delete_policies: Vec::new(),
    });
    Hook {
        name: r.key.name.clone(),
        kind: r.key.kind.clone(),
        path: r.source.clone(),
        manifest: r.text.clone(),
        events: spec.events,
        weight: spec.weight,
        delete_policies: spec.delete_policies,
        ..Default::default()
    }
}

/// Ensures the release namespace exists.
pub(crate) async fn ensure_namespace(cluster: &Cluster, namespace: &str) -> Result<(), Error> {
    let key = ObjectKey {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        namespace: None,
        name: namespace.into(),
    };
    if cluster.get(&key).await?.is_none() {
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}});
        cluster.apply(&key, &obj, false).await?;
    }
    Ok(())
}

/// Deploys a release: install or upgrade, as one locked operation.
pub async fn converge(
    cluster: &Cluster,
    request: &DeployRequest,
    reporter: &dyn Reporter,
) -> Result<Outcome, Error> {
    validate_release_name(&request.release)?;
    let masked = MaskingReporter::new(reporter, &request.options.masker);
    let mut ctx = Ctx::new(
        cluster,
        &masked,
        &request.release,
        &request.namespace,
        &request.options,
    );
    let resources = load_resources(cluster, &request.manifests, &request.namespace).await?;
    for warning in resources.iter().flat_map(|r| &r.warnings) {
        masked.report(Event::Warning(warning.clone()));
    }
    if request.options.create_namespace {
        ensure_namespace(cluster, &request.namespace).await?;
    }
    let lock = ReleaseLock::acquire(cluster, &request.namespace, &request.release, &masked).await?;
    ctx.lock_lost = Some(lock.lost_flag());
    let result = converge_locked(&ctx, request, resources).await;
    let released = lock.release().await;
    let outcome = result?;
    released?;
    Ok(outcome)
}

/// Marks revisions a killed run left `pending-*` as failed (we hold the lock, so nobody is
/// working on them).
async fn recover_pending(ctx: &Ctx<'_>, history: &mut [Release]) -> Result<(), Error> {
    for rel in history.iter_mut().filter(|r| r.info.status.is_pending()) {
        ctx.reporter.report(Event::Warning(format!(
            "release {:?} revision {} was left {} by an interrupted run; marking it failed",
            rel.name, rel.version, rel.info.status
        )));
        rel.info.status = ReleaseStatus::Failed;
        rel.info.description = format!(
            "{} interrupted before it finished (recovered by slipway)",
            rel.info.description
        );
        ctx.storage.update(rel).await?;
    }
    Ok(())
}

/// Resources of the last deployed revision and of every later (failed) one: what may exist
/// in the cluster on behalf of this release.
async fn previous_resources(ctx: &Ctx<'_>, history: &[Release]) -> Result<Vec<Resource>, Error> {
    let since = history
        .iter()
        .rev()
        .find(|r| r.info.status == ReleaseStatus::Deployed)
        .map(|r| r.version)
        .unwrap_or(0);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for rel in history.iter().filter(|r| r.version >= since) {
        match release_resources(ctx.cluster, rel).await {
            Ok((regular, _)) => {
                for r in regular {
                    if seen.insert(identity(&r.key)) {
                        out.push(r);
                    }
                }
            }
            Err(e) => ctx.reporter.report(Event::Warning(format!(
                "cannot read the manifest of revision {}: {e}",
                rel.version
            ))),
        }
    }
    Ok(out)
}

async fn converge_locked(
    ctx: &Ctx<'_>,
    request: &DeployRequest,
    resources: Vec<Resource>,
) -> Result<Outcome, Error> {
    let mut history = ctx.storage.history(ctx.release).await?;
    recover_pending(ctx, &mut history).await?;
    let upgrade = history.iter().any(|r| {
        matches!(
            r.info.status,
            ReleaseStatus::Deployed | ReleaseStatus::Superseded
        )
    });
    let revision = history.last().map_or(1, |r| r.version + 1);
    let (regular, hooks): (Vec<Resource>, Vec<Resource>) =
        resources.into_iter().partition(|r| r.hook.is_none());
    let manifest = manifest::release_manifest(&regular);
    if let Some(last) = history.last()
        && release_unchanged(last, request, &manifest, &hooks)
        && cluster_as_desired(ctx, &regular).await?
    {
        ctx.phase(format!(
            "Skipped release {:?} (namespace {:?}): cluster resources already as desired",
            ctx.release, ctx.namespace
        ));
        return Ok(Outcome {
            revision: last.version,
            skipped: true,
            changes: Vec::new(),
            notes: request.notes.clone(),
        });
    }
    let previous = previous_resources(ctx, &history).await?;
    let now = now_rfc3339();
    let mut extra = Map::new();
    extra.insert("apply_method".into(), json!("ssa"));
    let mut rel = Release {
        name: ctx.release.to_string(),
        namespace: ctx.namespace.to_string(),
        version: revision,
        chart: request.chart.clone(),
        config: request.config.clone(),
        manifest,
        hooks: hooks.iter().map(hook_record).collect(),
        info: crate::release::Info {
            first_deployed: history
                .first()
                .and_then(|r| r.info.first_deployed.clone())
                .or_else(|| Some(now.clone())),
            last_deployed: Some(now),
            status: if upgrade {
                ReleaseStatus::PendingUpgrade
            } else {
                ReleaseStatus::PendingInstall
            },
            description: if upgrade {
                "Preparing upgrade"
            } else {
                "Initial install underway"
            }
            .into(),
            notes: request.notes.clone(),
            ..Default::default()
        },
        extra,
    };
    ctx.phase(format!(
        "{} release {:?} (namespace {:?}) revision {revision}",
        if upgrade { "Upgrading" } else { "Installing" },
        ctx.release,
        ctx.namespace
    ));
    ctx.storage.create(&rel).await?;
    ctx.storage
        .prune(ctx.release, ctx.options.history_limit)
        .await?;
    let events = if upgrade {
        ("pre-upgrade", "post-upgrade")
    } else {
        ("pre-install", "post-install")
    };
    let mut created = Vec::new();
    match execute(ctx, &regular, &hooks, &previous, events, &mut created).await {
        Ok(changes) => {
            finish_deployed(
                ctx,
                &mut rel,
                if upgrade {
                    "Upgrade complete"
                } else {
                    "Install complete"
                },
            )
            .await?;
            Ok(Outcome {
                revision,
                skipped: false,
                changes,
                notes: request.notes.clone(),
            })
        }
        Err(err) => {
            fail_release(ctx, &mut rel, &created, &err, upgrade).await?;
            let last_deployed = history
                .iter()
                .rev()
                .find(|r| matches!(r.info.status, ReleaseStatus::Deployed));
            if ctx.options.auto_rollback
                && let Some(target) = last_deployed
            {
                ctx.phase(format!("Rolling back to revision {}", target.version));
                if let Err(rollback_err) = rollback_locked(ctx, target.version).await {
                    ctx.reporter.report(Event::Warning(format!(
                        "auto-rollback failed: {rollback_err}"
                    )));
                }
            }
            Err(err)
        }
    }
}

/// Whether `last` is a deployed revision of exactly this request: same manifest, values and
/// notes, and no hooks on either side (hooks are recreated on every deploy, so a chart with
/// hooks is never skipped, as in nelm).
fn release_unchanged(
    last: &Release,
    request: &DeployRequest,
    manifest: &str,
    hooks: &[Resource],
) -> bool {
    last.info.status == ReleaseStatus::Deployed
        && hooks.is_empty()
        && last.hooks.is_empty()
        && last.manifest == manifest
        && last.config == request.config
        && last.info.notes == request.notes
}

/// Whether every resource exists and a server-side-apply dry run would not change it.
async fn cluster_as_desired(ctx: &Ctx<'_>, regular: &[Resource]) -> Result<bool, Error> {
    let changes = crate::plan::plan_resources(ctx, regular).await?;
    Ok(changes.iter().all(|c| c.action == Action::Unchanged))
}

/// Marks `rel` deployed and every other deployed revision superseded.
async fn finish_deployed(ctx: &Ctx<'_>, rel: &mut Release, description: &str) -> Result<(), Error> {
    for mut old in ctx.storage.history(ctx.release).await? {
        if old.version != rel.version && old.info.status == ReleaseStatus::Deployed {
            old.info.status = ReleaseStatus::Superseded;
            ctx.storage.update(&old).await?;
        }
    }
    rel.info.status = ReleaseStatus::Deployed;
    rel.info.description = description.into();
    ctx.storage.update(rel).await?;
    ctx.phase(format!(
        "Succeeded release {:?} (namespace {:?}) revision {}",
        ctx.release, ctx.namespace, rel.version
    ));
    Ok(())
}

/// How long failure cleanup waits for deleted objects to disappear.
const CLEANUP_WAIT: Duration = Duration::from_secs(60);

/// Waits (at most [`CLEANUP_WAIT`]) until deleted objects are gone.
pub(crate) async fn wait_gone<'k>(ctx: &Ctx<'_>, keys: impl IntoIterator<Item = &'k ObjectKey>) {
    let until = Instant::now() + CLEANUP_WAIT;
    for key in keys {
        while Instant::now() < until && matches!(ctx.cluster.get(key).await, Ok(Some(_))) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Records the failure and deletes what this run created.
async fn fail_release(
    ctx: &Ctx<'_>,
    rel: &mut Release,
    created: &[Resource],
    err: &Error,
    upgrade: bool,
) -> Result<(), Error> {
    if !created.is_empty() {
        ctx.phase("Deleting resources created by the failed deploy");
        for r in created.iter().rev() {
            match ctx.cluster.delete(&r.key, r.propagation).await {
                Ok(true) => ctx.reporter.report(Event::Resource {
                    resource: r.key.display(),
                    action: Action::Delete,
                }),
                Ok(false) => {}
                Err(e) => ctx.reporter.report(Event::Warning(format!("cleanup: {e}"))),
            }
        }
        // Foreground deletion finishes once dependents are gone; wait (bounded) so a retry or
        // rollback does not meet half-deleted objects.
        wait_gone(ctx, created.iter().map(|r| &r.key)).await;
    }
    rel.info.status = ReleaseStatus::Failed;
    rel.info.description = format!(
        "{} {:?} failed: {err}",
        if upgrade { "Upgrade" } else { "Install" },
        ctx.release
    );
    ctx.storage.update(rel).await
}

/// The object as applied: extra annotations and labels, Helm's ownership metadata on
/// release-owned resources, and the namespace fixed for the kind's scope.
pub(crate) fn prepared_object(ctx: &Ctx<'_>, r: &Resource) -> Value {
    let mut obj = r.object.clone();
    let meta = obj["metadata"]
        .as_object_mut()
        .expect("checked when parsed");
    match &r.key.namespace {
        Some(ns) => {
            meta.insert("namespace".into(), json!(ns));
        }
        None => {
            meta.remove("namespace");
        }
    }
    let mut annotations: Map<String, Value> = ctx
        .options
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut labels: Map<String, Value> = ctx
        .options
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if r.owned_by_release {
        annotations.insert("meta.helm.sh/release-name".into(), json!(ctx.release));
        annotations.insert(
            "meta.helm.sh/release-namespace".into(),
            json!(ctx.namespace),
        );
        labels.insert("app.kubernetes.io/managed-by".into(), json!("Helm"));
    }
    for (field, extra) in [("annotations", annotations), ("labels", labels)] {
        if extra.is_empty() {
            continue;
        }
        let target = meta.entry(field).or_insert_with(|| json!({}));
        if !target.is_object() {
            *target = json!({});
        }
        let target = target.as_object_mut().expect("just made an object");
        for (k, v) in extra {
            target.entry(k).or_insert(v);
        }
    }
    obj
}

/// The annotation werf records validation problems in.
pub const VALIDATION_ANNOTATION: &str = "debug.werf.io/validation-messages";

fn is_validation_error(err: &Error) -> bool {
    let text = err.to_string();
    err.status_code() == Some(400)
        && [
            "strict decoding error",
            "unknown field",
            "field not declared in schema",
            "duplicate field",
        ]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Applies a prepared object with strict field validation. Problems are warnings recorded in
/// `debug.werf.io/validation-messages` (the object is then applied without validation), or
/// errors with `strict`.
async fn apply_validated(ctx: &Ctx<'_>, r: &Resource, mut obj: Value) -> Result<(), Error> {
    match ctx.cluster.apply_checked(&r.key, &obj, false, true).await {
        Ok(_) => Ok(()),
        Err(e) if is_validation_error(&e) => {
            let message = format!(
                "Validation of target data failed: {}: [{e}]",
                r.key.display().to_lowercase()
            );
            if ctx.options.strict {
                return Err(Error::Validation(message));
            }
            ctx.reporter.report(Event::Warning(message.clone()));
            if let Some(meta) = obj["metadata"].as_object_mut() {
                let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
                annotations[VALIDATION_ANNOTATION] = json!(message);
            }
            ctx.cluster.apply(&r.key, &obj, false).await.map(drop)
        }
        Err(e) => Err(e),
    }
}

/// Which resources of a stage exist already: those of the previous release, plus those found
/// by one LIST per kind and namespace (a GET each when the kind cannot be listed).
async fn existing_objects(
    ctx: &Ctx<'_>,
    stage: &[&Resource],
    known: &HashSet<Identity>,
) -> Result<HashSet<Identity>, Error> {
    let mut existing = known.clone();
    let mut groups: BTreeMap<(String, String, Option<String>), Vec<&Resource>> = BTreeMap::new();
    for r in stage.iter().filter(|r| !known.contains(&identity(&r.key))) {
        let group = (
            r.key.api_version.clone(),
            r.key.kind.clone(),
            r.key.namespace.clone(),
        );
        groups.entry(group).or_default().push(r);
    }
    for ((api_version, kind, namespace), members) in groups {
        match ctx
            .cluster
            .list(&api_version, &kind, namespace.as_deref(), None)
            .await
        {
            Ok(list) => {
                let names: HashSet<&str> = list
                    .iter()
                    .filter_map(|o| o["metadata"]["name"].as_str())
                    .collect();
                existing.extend(
                    members
                        .iter()
                        .filter(|r| names.contains(r.key.name.as_str()))
                        .map(|r| identity(&r.key)),
                );
            }
            Err(_) => {
                for r in members {
                    if ctx.cluster.get(&r.key).await.ok().flatten().is_some() {
                        existing.insert(identity(&r.key));
                    }
                }
            }
        }
    }
    Ok(existing)
}

/// The object as first created: [`prepared_object`] with `werf.io/replicas-on-creation`
/// applied.
pub(crate) fn creation_object(ctx: &Ctx<'_>, r: &Resource) -> Value {
    let mut obj = prepared_object(ctx, r);
    if let Some(replicas) = r.replicas_on_creation {
        obj["spec"]["replicas"] = json!(replicas);
    }
    obj
}

/// Applies one resource; `Create` when it did not exist before.
async fn apply_one(ctx: &Ctx<'_>, r: &Resource, existed: bool) -> Result<Action, Error> {
    let obj = if existed {
        prepared_object(ctx, r)
    } else {
        creation_object(ctx, r)
    };
    apply_validated(ctx, r, obj).await?;
    let action = if existed {
        Action::Update
    } else {
        Action::Create
    };
    ctx.reporter.report(Event::Resource {
        resource: r.key.display(),
        action,
    });
    Ok(action)
}

fn target_of(r: &Resource) -> Target {
    Target {
        key: r.key.clone(),
        config: r.track.clone(),
        run_to_completion: r.hook.is_some(),
    }
}

/// Runs the hooks of `event`, in weight then name order, each to completion.
pub(crate) async fn run_hooks(
    ctx: &Ctx<'_>,
    hooks: &[Resource],
    event: &str,
    changes: &mut Vec<(String, Action)>,
) -> Result<(), Error> {
    let mut selected: Vec<&Resource> = hooks
        .iter()
        .filter(|h| h.hook.as_ref().is_some_and(|s| s.runs_on(event)))
        .collect();
    if selected.is_empty() {
        return Ok(());
    }
    selected.sort_by(|a, b| {
        let wa = a.hook.as_ref().map_or(0, |h| h.weight);
        let wb = b.hook.as_ref().map_or(0, |h| h.weight);
        wa.cmp(&wb).then_with(|| a.key.name.cmp(&b.key.name))
    });
    ctx.phase(format!("Running {event} hooks"));
    for hook in selected {
        let spec = hook.hook.as_ref().expect("selected hooks have a spec");
        let mut action = Action::Create;
        if spec.has_policy("before-hook-creation")
            && ctx.cluster.delete(&hook.key, hook.propagation).await?
        {
            wait_absent(ctx, &hook.key).await?;
            action = Action::Recreate;
        }
        apply_validated(ctx, hook, prepared_object(ctx, hook)).await?;
        ctx.reporter.report(Event::Resource {
            resource: hook.key.display(),
            action,
        });
        changes.push((hook.key.display(), action));
        let result = track::track(
            ctx.cluster,
            &[target_of(hook)],
            &ctx.track_options(),
            ctx.reporter,
        )
        .await;
        let policy = if result.is_ok() {
            "hook-succeeded"
        } else {
            "hook-failed"
        };
        if spec.has_policy(policy) {
            ctx.cluster
                .delete(&hook.key, crate::cluster::Propagation::Background)
                .await?;
            ctx.reporter.report(Event::Resource {
                resource: hook.key.display(),
                action: Action::Delete,
            });
        }
        if let Err(e) = result {
            return Err(Error::Tracking(format!(
                "{event} hook {} failed: {e}",
                hook.key.display()
            )));
        }
    }
    Ok(())
}

/// Waits until an object is gone (after a foreground delete).
async fn wait_absent(ctx: &Ctx<'_>, key: &ObjectKey) -> Result<(), Error> {
    while ctx.cluster.get(key).await?.is_some() {
        ctx.check_deadline()?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// Waits until the objects outside the release that `r` depends on
/// (`<id>.external-dependency.werf.io/resource`) exist and are ready.
async fn wait_for_external(ctx: &Ctx<'_>, r: &Resource) -> Result<(), Error> {
    if r.external_dependencies.is_empty() {
        return Ok(());
    }
    let mut targets = Vec::new();
    for dep in &r.external_dependencies {
        let (api_version, kind) = ctx.cluster.resolve_type(&dep.resource_type).await?;
        let key = ObjectKey {
            api_version,
            kind,
            namespace: Some(
                dep.namespace
                    .clone()
                    .unwrap_or_else(|| ctx.namespace.into()),
            ),
            name: dep.name.clone(),
        };
        targets.push(Target {
            key: ctx.cluster.normalize(key).await?,
            config: TrackConfig::default(),
            run_to_completion: false,
        });
    }
    ctx.phase(format!(
        "Waiting for the external dependencies of {}",
        r.key.display()
    ));
    track::track(ctx.cluster, &targets, &ctx.track_options(), ctx.reporter).await
}

/// Applies `resources` in Helm's kind order, the resources of one kind concurrently; records
/// each change and, as soon as they exist, the resources this run created.
async fn apply_in_kind_order(
    ctx: &Ctx<'_>,
    resources: &[&Resource],
    known: &HashSet<Identity>,
    created: &mut Vec<Resource>,
    changes: &mut Vec<(String, Action)>,
) -> Result<(), Error> {
    let mut stages: BTreeMap<(usize, &str), Vec<&Resource>> = BTreeMap::new();
    for r in resources {
        let rank = manifest::kind_rank(&r.key.kind);
        let tie = if rank == manifest::INSTALL_ORDER.len() {
            r.key.kind.as_str()
        } else {
            ""
        };
        stages.entry((rank, tie)).or_default().push(r);
    }
    for stage in stages.values() {
        ctx.check_deadline()?;
        let existing = existing_objects(ctx, stage, known).await?;
        let results: Vec<(&Resource, Result<Action, Error>)> = futures::stream::iter(stage.iter())
            .map(|r| {
                let existed = existing.contains(&identity(&r.key));
                async move {
                    let result = match wait_for_external(ctx, r).await {
                        Ok(()) => apply_one(ctx, r, existed).await,
                        Err(e) => Err(e),
                    };
                    (*r, result)
                }
            })
            .buffered(ctx.options.concurrency.max(1))
            .collect()
            .await;
        let mut first_error = None;
        for (r, result) in results {
            match result {
                Ok(action) => {
                    if action == Action::Create {
                        created.push(r.clone());
                    }
                    changes.push((r.key.display(), action));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    Ok(())
}

/// Pre hooks, apply + track per weight group, delete removed resources, post hooks.
/// Resources this run created are pushed to `created` as soon as they exist.
pub(crate) async fn execute(
    ctx: &Ctx<'_>,
    regular: &[Resource],
    hooks: &[Resource],
    previous: &[Resource],
    (pre, post): (&str, &str),
    created: &mut Vec<Resource>,
) -> Result<Vec<(String, Action)>, Error> {
    let mut changes = Vec::new();
    run_hooks(ctx, hooks, pre, &mut changes).await?;
    let known: HashSet<_> = previous.iter().map(|r| identity(&r.key)).collect();
    let mut groups: BTreeMap<i64, Vec<&Resource>> = BTreeMap::new();
    for r in regular {
        groups.entry(r.weight).or_default().push(r);
    }
    for (weight, group) in &groups {
        ctx.phase(if groups.len() > 1 {
            format!("Applying resources of weight {weight}")
        } else {
            "Applying resources".to_string()
        });
        let waves = dependency::waves(group, *weight, regular)?;
        let last = waves.len() - 1;
        for (i, wave) in waves.iter().enumerate() {
            apply_in_kind_order(ctx, &wave.members, &known, created, &mut changes).await?;
            if i < last && !wave.awaited.is_empty() {
                ctx.phase("Waiting for the resources others depend on to be ready");
                let targets: Vec<Target> = wave.awaited.iter().map(|r| target_of(r)).collect();
                track::track(ctx.cluster, &targets, &ctx.track_options(), ctx.reporter).await?;
            }
        }
        let targets: Vec<Target> = group.iter().map(|r| target_of(r)).collect();
        ctx.phase("Tracking resources until ready");
        track::track(ctx.cluster, &targets, &ctx.track_options(), ctx.reporter).await?;
    }
    let wanted: HashSet<_> = regular.iter().map(|r| identity(&r.key)).collect();
    let removed: Vec<&Resource> = previous
        .iter()
        .filter(|r| !wanted.contains(&identity(&r.key)))
        .collect();
    if !removed.is_empty() {
        ctx.phase("Deleting resources removed from the chart");
        let deleted: Vec<Option<String>> = futures::stream::iter(removed.iter().rev())
            .map(|r| delete_removed(ctx, r))
            .buffered(ctx.options.concurrency.max(1))
            .try_collect()
            .await?;
        let gone = removed
            .iter()
            .rev()
            .zip(&deleted)
            .filter(|(_, d)| d.is_some())
            .map(|(r, _)| &r.key);
        wait_gone(ctx, gone).await;
        changes.extend(deleted.into_iter().flatten().map(|r| (r, Action::Delete)));
    }
    run_hooks(ctx, hooks, post, &mut changes).await?;
    Ok(changes)
}

/// Deletes a resource removed from the chart unless it is kept (by the chart or the live
/// object) or not ours. Returns its name when deleted.
pub(crate) async fn delete_removed(ctx: &Ctx<'_>, r: &Resource) -> Result<Option<String>, Error> {
    if r.keep {
        ctx.reporter.report(Event::Info(format!(
            "{} kept (resource policy, ownership or CRD)",
            r.key.display()
        )));
        return Ok(None);
    }
    let Some(live) = ctx.cluster.get(&r.key).await.or_else(|e| match e {
        Error::UnknownKind(_) => Ok(None),
        e => Err(e),
    })?
    else {
        return Ok(None);
    };
    let live_policy = manifest::annotation(&live, "helm.sh/resource-policy");
    let owner = manifest::annotation(&live, "meta.helm.sh/release-name");
    if live_policy == Some("keep") || owner.is_some_and(|o| o != ctx.release) {
        return Ok(None);
    }
    ctx.cluster.delete(&r.key, r.propagation).await?;
    ctx.reporter.report(Event::Resource {
        resource: r.key.display(),
        action: Action::Delete,
    });
    Ok(Some(r.key.display()))
}

/// Rolls a release back to `revision` (the previous revision when `None`), as one locked
/// operation: a new revision with the old chart, values and manifests.
pub async fn rollback(
    cluster: &Cluster,
    release: &str,
    namespace: &str,
    revision: Option<u32>,
    options: &DeployOptions,
    reporter: &dyn Reporter,
) -> Result<Outcome, Error> {
    let mut ctx = Ctx::new(cluster, reporter, release, namespace, options);
    let lock = ReleaseLock::acquire(cluster, namespace, release, reporter).await?;
    ctx.lock_lost = Some(lock.lost_flag());
    let result = async {
        let mut history = ctx.storage.history(release).await?;
        recover_pending(&ctx, &mut history).await?;
        let current = history
            .last()
            .ok_or_else(|| Error::ReleaseNotFound(release.to_string()))?;
        let target = match revision {
            Some(v) => v,
            None if current.version > 1 => current.version - 1,
            None => {
                return Err(Error::Invalid(format!(
                    "release {release:?} has no previous revision"
                )));
            }
        };
        rollback_locked(&ctx, target).await
    }
    .await;
    let released = lock.release().await;
    let outcome = result?;
    released?;
    Ok(outcome)
}

async fn rollback_locked(ctx: &Ctx<'_>, target_version: u32) -> Result<Outcome, Error> {
    let history = ctx.storage.history(ctx.release).await?;
    let target = history
        .iter()
        .find(|r| r.version == target_version)
        .ok_or_else(|| {
            Error::ReleaseNotFound(format!("{} revision {target_version}", ctx.release))
        })?;
    let revision = history.last().map_or(1, |r| r.version + 1);
    let previous = previous_resources(ctx, &history).await?;
    let (regular, hooks) = release_resources(ctx.cluster, target).await?;
    let mut rel = target.clone();
    rel.version = revision;
    rel.info.status = ReleaseStatus::PendingRollback;
    rel.info.description = format!("Rollback to {target_version}");
    rel.info.last_deployed = Some(now_rfc3339());
    ctx.storage.create(&rel).await?;
    ctx.storage
        .prune(ctx.release, ctx.options.history_limit)
        .await?;
    let mut created = Vec::new();
    match execute(
        ctx,
        &regular,
        &hooks,
        &previous,
        ("pre-rollback", "post-rollback"),
        &mut created,
    )
    .await
    {
        Ok(changes) => {
            finish_deployed(ctx, &mut rel, &format!("Rollback to {target_version}")).await?;
            Ok(Outcome {
                revision,
                skipped: false,
                changes,
                notes: rel.info.notes.clone(),
            })
        }
        Err(err) => {
            fail_release(ctx, &mut rel, &created, &err, true).await?;
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(validate_release_name("myapp-production").is_ok());
        assert!(validate_release_name("release.name").is_ok());
        assert!(validate_release_name("Bad").is_err());
        assert!(validate_release_name("-x").is_err());
        assert!(validate_release_name(&"x".repeat(54)).is_err());
    }
}
