//! Helm charts: loading, dependencies, values sources, `--set` parsing, coalescing and werf
//! project settings.

pub mod coalesce;
mod gofmt;
pub mod model;
pub mod strvals;

pub use coalesce::{coalesce_tables, coalesce_values, merge_tables, merge_values};
pub use model::{Chart, Dependency, ExportValue, File, Maintainer, Metadata};
