//! Errors of chart loading, values and dependency processing, with Helm's texts.

use std::path::Path;

/// Why a chart could not be loaded or its values computed. `Display` is Helm's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// The chart (directory, archive, Chart.yaml, values.yaml, ...) could not be loaded.
    #[error("{0}")]
    Load(String),
    /// A value source (file, `--set` line, secret values) could not be read.
    #[error("{0}")]
    Values(String),
    /// Dependencies are missing or could not be processed.
    #[error("{0}")]
    Dependencies(String),
    /// The values do not meet `values.schema.json`.
    #[error("{0}")]
    Schema(String),
    /// The chart's `kubeVersion` does not accept the target Kubernetes version.
    #[error("{0}")]
    KubeVersion(String),
    /// werf project settings (`werf.yaml`, release or namespace names) are invalid.
    #[error("{0}")]
    Project(String),
}

impl ChartError {
    /// A load error for a failed file-system operation on `path`, in Go's `os` error form.
    pub fn io(path: &Path, e: &std::io::Error) -> ChartError {
        ChartError::Load(go_io_error(path, e))
    }
}

/// Go's `*PathError` text for a failed open/stat: `open PATH: no such file or directory`.
pub fn go_io_error(path: &Path, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_owned(),
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    };
    format!("open {}: {reason}", path.display())
}
