//! The deploy engine: converge, plan, dismiss, Helm-compatible release storage, hooks, tracking.
//!
//! Everything works on a [`Cluster`] (a kube client with a discovery cache) and reports
//! progress through a [`Reporter`] the caller passes; nothing here prints or exits.

pub mod cluster;
pub mod dependency;
pub mod deploy;
pub mod dismiss;
pub mod duration;
mod error;
pub mod lock;
pub mod manifest;
pub mod plan;
pub mod release;
pub mod report;
pub mod sensitive;
pub mod status;
pub mod storage;
pub mod track;

pub use cluster::{Cluster, ClusterOptions, ObjectKey};
pub use deploy::{DeployOptions, DeployRequest, Outcome, converge, rollback};
pub use dismiss::dismiss;
pub use error::Error;
pub use manifest::ManifestFile;
pub use plan::{Plan, PlannedChange, plan};
pub use release::{Release, ReleaseStatus};
pub use report::{Event, Reporter};
/// The JSON crate of the request and release types, for callers without their own.
pub use serde_json;
pub use storage::{ReleaseStorage, StorageDriver};
