//! Helm's rendering engine: Helm's template functions, chart rendering, manifest sorting and
//! `helm template` output.
//!
//! - [`helm_functions`]: Helm's function map (Sprig without `env`/`expandenv`, `toYaml`,
//!   `fromYaml`, `toJson`, `fromJson`, the duration helpers, `required`, `fail`, `lookup`,
//!   `getHostByName`); `include` and `tpl` are added by the renderer.
//! - [`render_templates`] / [`render_chart`]: Helm's `engine.Render`.
//! - [`render_release`]: a chart and user values to a [`RenderedRelease`] (manifests and hooks
//!   in install order, notes, CRDs), which [`template_output`] prints as `helm template` does.

mod context;
pub mod duration;
pub mod error;
pub mod funcs;
pub mod lookup;
pub mod manifest;
pub mod output;
pub mod release;
pub mod render;

pub use error::RenderError;
pub use funcs::{FuncOptions, helm_functions, helm_functions_with};
pub use lookup::ClusterLookup;
pub use manifest::{Hook, Manifest};
pub use output::{TemplateOutput, template_output};
pub use release::{CrdFile, ReleaseOptions, RenderedRelease, render_release};
pub use render::{EngineOptions, Renderable, render_chart, render_templates};
