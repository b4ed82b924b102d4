//! `dismiss`: uninstall a release. Pre-delete hooks, delete its resources (reverse install
//! order, `helm.sh/resource-policy: keep` honoured), post-delete hooks, delete the release
//! records, and optionally the namespace.

use std::collections::HashSet;

use crate::Error;
use crate::cluster::{Cluster, ObjectKey, Propagation};
use crate::deploy::{self, Ctx, DeployOptions};
use crate::lock::ReleaseLock;
use crate::manifest;
use crate::release::ReleaseStatus;
use crate::report::{Action, Event, Reporter};

/// Uninstalls `release` from `namespace`; with `with_namespace` the namespace is deleted too.
/// Returns the resources deleted.
pub async fn dismiss(
    cluster: &Cluster,
    release: &str,
    namespace: &str,
    with_namespace: bool,
    options: &DeployOptions,
    reporter: &dyn Reporter,
) -> Result<Vec<String>, Error> {
    let mut ctx = Ctx::new(cluster, reporter, release, namespace, options);
    let lock = ReleaseLock::acquire(cluster, namespace, release, reporter).await?;
    ctx.lock_lost = Some(lock.lost_flag());
    let result = dismiss_locked(&ctx).await;
    let released = lock.release().await;
    let deleted = result?;
    released?;
    if with_namespace {
        let key = ObjectKey {
            api_version: "v1".into(),
            kind: "Namespace".into(),
            namespace: None,
            name: namespace.into(),
        };
        if cluster.delete(&key, Propagation::Background).await? {
            reporter.report(Event::Resource {
                resource: key.display(),
                action: Action::Delete,
            });
        }
    }
    Ok(deleted)
}

async fn dismiss_locked(ctx: &Ctx<'_>) -> Result<Vec<String>, Error> {
    let history = ctx.storage.history(ctx.release).await?;
    let Some(latest) = history.last() else {
        return Err(Error::ReleaseNotFound(format!(
            "{} (namespace {})",
            ctx.release,
            ctx.storage.namespace()
        )));
    };
    let mut latest = latest.clone();
    latest.info.status = ReleaseStatus::Uninstalling;
    latest.info.description = "Deletion in progress (or silently failed)".into();
    ctx.storage.update(&latest).await?;
    ctx.reporter.report(Event::Phase(format!(
        "Uninstalling release {:?} (namespace {:?})",
        ctx.release, ctx.namespace
    )));
    let (_, hooks) = deploy::release_resources(ctx.cluster, &latest).await?;
    let since = history
        .iter()
        .rev()
        .find(|r| r.info.status == ReleaseStatus::Deployed)
        .map_or(0, |r| r.version);
    let mut seen = HashSet::new();
    let mut resources = Vec::new();
    for rel in history.iter().filter(|r| r.version >= since) {
        let (regular, _) = deploy::release_resources(ctx.cluster, rel).await?;
        resources.extend(
            regular
                .into_iter()
                .filter(|r| seen.insert(deploy::identity(&r.key))),
        );
    }
    resources.sort_by_key(|r| std::cmp::Reverse(manifest::kind_rank(&r.key.kind)));
    let mut changes = Vec::new();
    let mut deleted = Vec::new();
    deploy::run_hooks(ctx, &hooks, "pre-delete", &mut changes).await?;
    let mut gone = Vec::new();
    for r in &resources {
        if let Some(name) = deploy::delete_removed(ctx, r).await? {
            deleted.push(name);
            gone.push(&r.key);
        }
    }
    deploy::wait_gone(ctx, gone).await;
    deploy::run_hooks(ctx, &hooks, "post-delete", &mut changes).await?;
    for rel in &history {
        ctx.storage.delete(ctx.release, rel.version).await?;
    }
    ctx.reporter.report(Event::Phase(format!(
        "Release {:?} uninstalled",
        ctx.release
    )));
    Ok(deleted)
}
