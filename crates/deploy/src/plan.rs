//! `plan`: what a converge would create, update, recreate or delete, with unified YAML diffs
//! of live vs server-side-apply dry-run objects. Nothing is changed in the cluster. Secret
//! values are never shown.

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::Error;
use crate::cluster::Cluster;
use crate::deploy::{self, Ctx, DeployRequest};
use crate::manifest::Resource;
use crate::release::ReleaseStatus;
use crate::report::{Action, Reporter};
use crate::sensitive;

/// One planned change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    /// `Kind/name`.
    pub resource: String,
    /// What converge would do.
    pub action: Action,
    /// Unified diff of the YAML (empty for unchanged objects).
    pub diff: String,
}

/// The plan of a converge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Every resource of the chart and every resource that would be deleted.
    pub changes: Vec<PlannedChange>,
}

impl Plan {
    /// Whether converge would change anything.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::Unchanged)
    }

    /// Counts per action, for the summary line.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

const SERVER_FIELDS: &[&str] = &[
    "resourceVersion",
    "generation",
    "uid",
    "creationTimestamp",
    "managedFields",
    "selfLink",
];

/// The object without server-maintained fields: what live and desired are compared on.
fn comparable(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(map) = obj.as_object_mut() {
        map.remove("status");
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in SERVER_FIELDS {
                meta.remove(*field);
            }
        }
    }
    obj
}

/// The YAML a plan shows of `obj`, with the values `r` marks sensitive hidden.
fn shown(obj: &Value, r: &Resource) -> String {
    let mut obj = obj.clone();
    for path in &r.hidden_paths {
        sensitive::hide(&mut obj, path);
    }
    to_yaml(&obj)
}

fn to_yaml(obj: &Value) -> String {
    serde_saphyr::to_string(obj).unwrap_or_else(|e| format!("<cannot render: {e}>\n"))
}

fn diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

/// What converge would do to each of `resources`, in their order; the GETs and dry runs run
/// concurrently, as converge applies.
pub(crate) async fn plan_resources<'r>(
    ctx: &Ctx<'_>,
    resources: impl IntoIterator<Item = &'r Resource>,
) -> Result<Vec<PlannedChange>, Error> {
    futures::stream::iter(resources)
        .map(|r| plan_resource(ctx, r))
        .buffered(ctx.options.concurrency.max(1))
        .try_collect()
        .await
}

/// What converge would do to `r`, with the diff of live vs dry-run object.
async fn plan_resource(ctx: &Ctx<'_>, r: &Resource) -> Result<PlannedChange, Error> {
    let resource = r.key.display();
    let live = match ctx.cluster.get(&r.key).await {
        Ok(live) => live,
        Err(Error::UnknownKind(_)) => None,
        Err(e) => return Err(e),
    };
    let Some(live) = live else {
        let created = deploy::creation_object(ctx, r);
        return Ok(PlannedChange {
            resource,
            action: Action::Create,
            diff: diff("", &shown(&comparable(&created), r)),
        });
    };
    let desired = deploy::prepared_object(ctx, r);
    let dry = ctx.cluster.apply(&r.key, &desired, true).await?;
    let (live, dry) = (comparable(&live), comparable(&dry));
    if live == dry {
        return Ok(PlannedChange {
            resource,
            action: Action::Unchanged,
            diff: String::new(),
        });
    }
    let mut text = diff(&shown(&live, r), &shown(&dry, r));
    if text.is_empty() {
        text = "<hidden sensitive changes>\n".to_owned();
    }
    Ok(PlannedChange {
        resource,
        action: Action::Update,
        diff: text,
    })
}

/// Plans a converge of `request` without changing the cluster (no lock, no release record).
pub async fn plan(
    cluster: &Cluster,
    request: &DeployRequest,
    reporter: &dyn Reporter,
) -> Result<Plan, Error> {
    let ctx = Ctx::new(
        cluster,
        reporter,
        &request.release,
        &request.namespace,
        &request.options,
    );
    let resources = deploy::load_resources(cluster, &request.manifests, &request.namespace).await?;
    let regular: Vec<&Resource> = resources.iter().filter(|r| r.hook.is_none()).collect();
    let mut plan = Plan::default();
    for mut change in plan_resources(&ctx, regular.iter().copied()).await? {
        change.diff = request.options.masker.mask(&change.diff).into_owned();
        plan.changes.push(change);
    }
    let history = ctx.storage.history(&request.release).await?;
    if let Some(last) = history
        .iter()
        .rev()
        .find(|r| r.info.status == ReleaseStatus::Deployed)
    {
        let (previous, _) = deploy::release_resources(cluster, last).await?;
        let wanted: HashSet<_> = regular.iter().map(|r| deploy::identity(&r.key)).collect();
        for old in previous
            .iter()
            .filter(|r| !wanted.contains(&deploy::identity(&r.key)) && !r.keep)
        {
            if matches!(cluster.get(&old.key).await, Ok(Some(_))) {
                plan.changes.push(PlannedChange {
                    resource: old.key.display(),
                    action: Action::Delete,
                    diff: String::new(),
                });
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_are_hidden_and_server_fields_dropped() {
        let text =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: c2VjcmV0\n";
        let r = crate::manifest::parse_resource("s.yaml", text, "ns").unwrap();
        let mut live = r.object.clone();
        live["metadata"]["uid"] = json!("1");
        live["status"] = json!({});
        let clean = comparable(&live);
        assert!(clean["metadata"].get("uid").is_none());
        assert!(clean.get("status").is_none());
        assert_eq!(clean["data"]["password"], "c2VjcmV0");
        let yaml = shown(&clean, &r);
        assert!(
            yaml.contains("<hidden: 8 bytes>") && !yaml.contains("c2VjcmV0"),
            "{yaml}"
        );
        let text = diff("a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert!(text.contains("-b: 2") && text.contains("+b: 3"), "{text}");
    }
}
