//! Helm charts: loading, dependencies, values sources, `--set` parsing, coalescing and werf
//! project settings.

mod gofmt;
pub mod strvals;
