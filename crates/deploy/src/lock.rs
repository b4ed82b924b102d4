//! One operation at a time per release: a `coordination.k8s.io/v1` Lease in the release
//! namespace, renewed while held. A holder that dies (even with SIGKILL) stops renewing, its
//! lease expires, and the next run takes over.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::Error;
use crate::cluster::{Cluster, ObjectKey};
use crate::report::{Event, Reporter};

/// How long a lease stays valid without renewal.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
const RENEW_EVERY: Duration = Duration::from_secs(4);
const RETRY_EVERY: Duration = Duration::from_millis(500);

fn micro_time(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn lease_key(namespace: &str, release: &str) -> ObjectKey {
    ObjectKey {
        api_version: "coordination.k8s.io/v1".into(),
        kind: "Lease".into(),
        namespace: Some(namespace.into()),
        name: format!("slipway-release-{release}"),
    }
}

/// A held release lock. Call [`ReleaseLock::release`] when done; dropping it stops renewal
/// and lets the lease expire.
#[derive(Debug)]
pub struct ReleaseLock {
    cluster: Cluster,
    key: ObjectKey,
    holder: String,
    lost: Arc<AtomicBool>,
    renewer: JoinHandle<()>,
}

fn expired(lease: &Value, now: jiff::Timestamp) -> bool {
    let spec = &lease["spec"];
    if spec["holderIdentity"].as_str().is_none_or(str::is_empty) {
        return true;
    }
    let Some(renewed) = spec["renewTime"]
        .as_str()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    else {
        return true;
    };
    let duration = spec["leaseDurationSeconds"].as_i64().unwrap_or(15);
    renewed + jiff::SignedDuration::from_secs(duration) < now
}

impl ReleaseLock {
    /// Waits until the lock of `release` in `namespace` is free (or expired), then takes it.
    pub async fn acquire(
        cluster: &Cluster,
        namespace: &str,
        release: &str,
        reporter: &dyn Reporter,
    ) -> Result<Self, Error> {
        let key = lease_key(namespace, release);
        let holder = format!(
            "slipway-{}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond(),
            hostname()
        );
        let mut announced = false;
        loop {
            let now = jiff::Timestamp::now();
            let spec = json!({
                "holderIdentity": holder,
                "leaseDurationSeconds": LEASE_DURATION.as_secs(),
                "acquireTime": micro_time(now),
                "renewTime": micro_time(now),
            });
            let attempt = match cluster.get(&key).await? {
                None => {
                    let lease = json!({
                        "apiVersion": key.api_version, "kind": key.kind,
                        "metadata": {"name": key.name, "namespace": namespace},
                        "spec": spec,
                    });
                    cluster.create(&key, &lease).await.map(drop)
                }
                Some(mut lease) if expired(&lease, now) => {
                    if let Some(previous) = lease["spec"]["holderIdentity"]
                        .as_str()
                        .filter(|h| !h.is_empty())
                    {
                        reporter.report(Event::Warning(format!(
                            "release lock of {release:?} held by {previous} expired; taking over"
                        )));
                    }
                    lease["spec"] = spec;
                    cluster.replace(&key, &lease).await.map(drop)
                }
                Some(lease) => {
                    if !announced {
                        reporter.report(Event::Info(format!(
                            "Waiting for release {release:?}: locked by {}",
                            lease["spec"]["holderIdentity"].as_str().unwrap_or("?")
                        )));
                        announced = true;
                    }
                    tokio::time::sleep(RETRY_EVERY).await;
                    continue;
                }
            };
            match attempt {
                Ok(()) => break,
                Err(e) if e.is_conflict() => tokio::time::sleep(RETRY_EVERY).await,
                Err(e) => return Err(e),
            }
        }
        let lost = Arc::new(AtomicBool::new(false));
        let renewer = tokio::spawn(renew(
            cluster.clone(),
            key.clone(),
            holder.clone(),
            lost.clone(),
        ));
        Ok(Self {
            cluster: cluster.clone(),
            key,
            holder,
            lost,
            renewer,
        })
    }

    /// A flag that becomes true when renewal finds the lease taken by someone else.
    pub fn lost_flag(&self) -> Arc<AtomicBool> {
        self.lost.clone()
    }

    /// Stops renewing and frees the lock.
    pub async fn release(self) -> Result<(), Error> {
        self.renewer.abort();
        if let Some(mut lease) = self.cluster.get(&self.key).await?
            && lease["spec"]["holderIdentity"].as_str() == Some(self.holder.as_str())
        {
            lease["spec"]["holderIdentity"] = Value::Null;
            lease["spec"]["renewTime"] = Value::Null;
            match self.cluster.replace(&self.key, &lease).await {
                Ok(_) => {}
                Err(e) if e.is_conflict() || e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

impl Drop for ReleaseLock {
    fn drop(&mut self) {
        self.renewer.abort();
    }
}

async fn renew(cluster: Cluster, key: ObjectKey, holder: String, lost: Arc<AtomicBool>) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let Ok(Some(mut lease)) = cluster.get(&key).await else {
            continue;
        };
        if lease["spec"]["holderIdentity"].as_str() != Some(holder.as_str()) {
            lost.store(true, Ordering::SeqCst);
            return;
        }
        lease["spec"]["renewTime"] = json!(micro_time(jiff::Timestamp::now()));
        if let Err(e) = cluster.replace(&key, &lease).await
            && e.is_conflict()
        {
            continue;
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_expiry() {
        let now: jiff::Timestamp = "2026-01-01T00:00:30Z".parse().unwrap();
        let lease = |holder: &str, renewed: &str| json!({"spec": {"holderIdentity": holder, "renewTime": renewed, "leaseDurationSeconds": 15}});
        assert!(!expired(&lease("a", "2026-01-01T00:00:20.000000Z"), now));
        assert!(expired(&lease("a", "2026-01-01T00:00:10.000000Z"), now));
        assert!(expired(&lease("", "2026-01-01T00:00:29.000000Z"), now));
        assert_eq!(micro_time(now), "2026-01-01T00:00:30.000000Z");
    }
}
