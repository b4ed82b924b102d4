//! Progress reporting: the events a deploy emits, the [`Reporter`] the caller implements,
//! the status table, and masking of secret values in everything reported.

use slipway_secrets::Masker;
use std::sync::Mutex;

use comfy_table::{ContentArrangement, Table, presets};

/// What a resource operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The object did not exist and was created.
    Create,
    /// The object existed and was applied over.
    Update,
    /// The object was deleted and created again (hooks).
    Recreate,
    /// The object was deleted.
    Delete,
    /// Nothing to do.
    Unchanged,
}

impl Action {
    /// Lower-case verb: `create`, `update`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Recreate => "recreate",
            Self::Delete => "delete",
            Self::Unchanged => "unchanged",
        }
    }
}

/// The tracking state of one resource in the status table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackState {
    /// Not ready yet.
    Waiting,
    /// Ready (or complete, for Jobs).
    Ready,
    /// Failed.
    Failed,
}

impl TrackState {
    /// Upper-case label as printed: `WAITING`, `READY`, `FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "WAITING",
            Self::Ready => "READY",
            Self::Failed => "FAILED",
        }
    }
}

/// One row of the status table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// `Kind/name`; child pods are ` • Pod/name`.
    pub resource: String,
    /// The state.
    pub state: TrackState,
    /// Details: `Ready:1/2  Status:Running  Errors:1  LastError:"..."`.
    pub info: String,
}

/// Something that happened during a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A phase started (`Running pre-upgrade hooks`, `Applying resources`, ...).
    Phase(String),
    /// A resource operation finished.
    Resource {
        /// `Kind/name`.
        resource: String,
        /// What was done.
        action: Action,
    },
    /// The periodic status table.
    Status(Vec<StatusRow>),
    /// One log line of a container of a tracked resource.
    Log {
        /// `Kind/name` of the tracked resource.
        resource: String,
        /// The pod.
        pod: String,
        /// The container.
        container: String,
        /// The line.
        line: String,
    },
    /// Kubernetes events of a resource (on failure, or with `show-service-messages`).
    KubeEvents {
        /// `Kind/name`.
        resource: String,
        /// `Reason: message` lines.
        lines: Vec<String>,
    },
    /// A warning (validation problems, ignored failures, ...).
    Warning(String),
    /// An informational message.
    Info(String),
}

/// Receives the events of an operation. Implementations must be cheap and must not block.
pub trait Reporter: Send + Sync {
    /// Handles one event.
    fn report(&self, event: Event);
}

/// A reporter that keeps every event in memory (tests, the webhook server).
#[derive(Debug, Default)]
pub struct MemoryReporter {
    events: Mutex<Vec<Event>>,
}

impl MemoryReporter {
    /// A copy of the events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().expect("poisoned").clone()
    }
}

impl Reporter for MemoryReporter {
    fn report(&self, event: Event) {
        self.events.lock().expect("poisoned").push(event);
    }
}

/// The event with every text field masked.
fn mask_event(masker: &Masker, event: Event) -> Event {
    if masker.is_empty() {
        return event;
    }
    match event {
        Event::Phase(s) => Event::Phase(mask(masker, &s)),
        Event::Warning(s) => Event::Warning(mask(masker, &s)),
        Event::Info(s) => Event::Info(mask(masker, &s)),
        Event::Log {
            resource,
            pod,
            container,
            line,
        } => Event::Log {
            resource,
            pod,
            container,
            line: mask(masker, &line),
        },
        Event::KubeEvents { resource, lines } => Event::KubeEvents {
            resource,
            lines: lines.iter().map(|l| mask(masker, l)).collect(),
        },
        Event::Status(rows) => Event::Status(
            rows.into_iter()
                .map(|row| StatusRow {
                    info: mask(masker, &row.info),
                    ..row
                })
                .collect(),
        ),
        other @ Event::Resource { .. } => other,
    }
}

/// `text` with every secret replaced.
fn mask(masker: &Masker, text: &str) -> String {
    masker.mask(text).into_owned()
}

/// A reporter wrapper that masks secrets before passing events on.
pub struct MaskingReporter<'a> {
    inner: &'a dyn Reporter,
    masker: &'a Masker,
}

impl<'a> MaskingReporter<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn Reporter, masker: &'a Masker) -> Self {
        Self { inner, masker }
    }
}

impl Reporter for MaskingReporter<'_> {
    fn report(&self, event: Event) {
        self.inner.report(mask_event(self.masker, event));
    }
}

/// Renders status rows as a table for terminals and CI logs: ASCII borders only (no colour
/// codes, no box-drawing characters that some CI log viewers mangle), wrapped to `width`.
pub fn render_status_table(rows: &[StatusRow], width: u16) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::ASCII_BORDERS_ONLY_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(vec!["RESOURCE", "STATE", "INFO"]);
    for row in rows {
        table.add_row(vec![
            row.resource.clone(),
            row.state.as_str().to_string(),
            row.info.clone(),
        ]);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_longest_secret_first() {
        let mut masker = Masker::new();
        for secret in ["pass", "password1", "x"] {
            masker.add(secret);
        }
        assert_eq!(
            mask(&masker, "password1 and pass and x"),
            "*** and *** and x"
        );
        let event = mask_event(
            &masker,
            Event::Log {
                resource: "Deployment/a".into(),
                pod: "p".into(),
                container: "c".into(),
                line: "token=password1".into(),
            },
        );
        assert!(matches!(event, Event::Log { line, .. } if line == "token=***"));
    }

    #[test]
    fn table_has_all_rows() {
        let rows = vec![
            StatusRow {
                resource: "Deployment/web".into(),
                state: TrackState::Waiting,
                info: "Ready:1/2".into(),
            },
            StatusRow {
                resource: " • Pod/web-1".into(),
                state: TrackState::Failed,
                info: "Status:CrashLoopBackOff".into(),
            },
        ];
        let text = render_status_table(&rows, 100);
        for needle in [
            "RESOURCE",
            "Deployment/web",
            "WAITING",
            "Ready:1/2",
            "FAILED",
            "CrashLoopBackOff",
        ] {
            assert!(text.contains(needle), "{needle} missing in\n{text}");
        }
    }
}
