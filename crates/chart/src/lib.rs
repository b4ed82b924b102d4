//! Helm charts: loading, dependencies, values sources, `--set` parsing, coalescing and werf
//! project settings.

pub mod coalesce;
pub mod error;
pub mod ignore;
pub mod loader;
pub mod model;
pub mod strvals;
pub mod values;

pub use coalesce::{coalesce_tables, coalesce_values, merge_tables, merge_values};
pub use error::ChartError;
pub use loader::{load_archive, load_chart, load_dir};
pub use model::{Chart, Dependency, ExportValue, File, Maintainer, Metadata};
pub use values::{SecretDecryptor, ValuesOptions};
