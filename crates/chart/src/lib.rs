//! Helm charts: loading, dependencies, values sources, `--set` parsing, coalescing and werf
//! project settings.
//!
//! Compatibility choices (see each module): coalescing follows the reference `helm` 4.1.4
//! (chart default nulls kept; Helm main's cleaning is [`DefaultNulls::Clean`]); user value
//! sources follow werf's documented order (seed 002: files, secret files, set-file,
//! set-string, set; `--set-json` after files and `--set-literal` last, as in Helm);
//! import-values follow Helm's code (the parent's own values win over imported ones).
//!
//! [`setup_render`] does it all from command-line settings. Step by step: [`load_chart`] → [`ValuesOptions::user_values`] → [`prepare()`] (dependency
//! processing, coalescing, schema) → the engine renders each chart with its scoped values
//! ([`scoped_values`]) and the built-in objects ([`Files`], [`Capabilities`], [`ReleaseInfo`],
//! [`Chart::metadata_value`]).

pub mod coalesce;
pub mod deps;
pub mod error;
pub mod ignore;
pub mod loader;
pub mod model;
pub mod objects;
pub mod prepare;
pub mod project;
pub mod schema;
pub mod slug;
pub mod strvals;
pub mod values;
pub mod werf;

pub use coalesce::{
    DefaultNulls, coalesce_tables, coalesce_values, coalesce_values_with, merge_tables,
    merge_values,
};
pub use error::ChartError;
pub use loader::{load_archive, load_chart, load_dir};
pub use model::{Chart, Dependency, ExportValue, File, Maintainer, Metadata};
pub use objects::{Capabilities, Files, KubeVersion, ReleaseInfo};
pub use prepare::{PrepareOptions, PreparedChart, prepare, scoped_values};
pub use project::{ProjectOptions, RenderSetup, setup_render};
pub use values::{SecretDecryptor, ValuesOptions, apply_chart_secret_values};
pub use werf::{ServiceValuesOptions, WerfConfig, service_values};
