//! The deploy engine: converge, plan, dismiss, Helm-compatible release storage, hooks, tracking.
//!
//! Everything works on a [`Cluster`] (a kube client with a discovery cache) and reports
//! progress through a [`Reporter`] the caller passes; nothing here prints or exits.

pub mod cluster;
pub mod duration;
mod error;
pub mod manifest;
pub mod release;
pub mod storage;

pub use cluster::{Cluster, ClusterOptions, ObjectKey};
pub use error::Error;
pub use release::{Release, ReleaseStatus};
pub use storage::{ReleaseStorage, StorageDriver};
