//! Errors whose `Display` is exactly the text Go's `text/template` prints.

use std::fmt;

/// A template failed to parse: `template: NAME:LINE: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub struct ParseError {
    /// The name the text was parsed under (Go's `ParseName`).
    pub name: String,
    /// The line of the token where parsing stopped.
    pub line: usize,
    /// Go's message (`unexpected EOF`, `function "x" not defined`, ...).
    pub message: String,
}

/// Where in a template an execution error happened (Go's `ErrorContext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The name the template text was parsed under (the file, for Helm).
    pub parse_name: String,
    /// 1-based line.
    pub line: usize,
    /// Byte offset within the line (Go prints it as the column).
    pub column: usize,
    /// The node being evaluated, as Go prints it (`.Values.x`, `include "a" .`).
    pub context: String,
}

/// What kind of execution error this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecErrorKind {
    /// An error while executing a node (has a [`Location`]) or a whole template
    /// (`template: NAME: MESSAGE`).
    Executing,
    /// `ExecuteTemplate` of a name the set does not have:
    /// `template: no template "x" associated with template "y"`.
    NoTemplate,
}

/// Template execution failed. `Display` prints Go's text:
/// `template: FILE:LINE:COL: executing "NAME" at <CONTEXT>: MESSAGE`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecError {
    /// What kind of error.
    pub kind: ExecErrorKind,
    /// The name of the template being executed (Go's `ExecError.Name`).
    pub name: String,
    /// Where it happened, when a node was being evaluated.
    pub location: Option<Box<Location>>,
    /// The message after the location, as Go formats it (`error calling include: ...`).
    pub message: String,
    /// The error of a nested execution (`include`, `tpl`) that caused this one, as Go's
    /// `%w` wrapping keeps it (`errors.Unwrap`).
    pub cause: Option<Box<TemplateError>>,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.location) {
            (ExecErrorKind::NoTemplate, _) => write!(f, "template: {}", self.message),
            (ExecErrorKind::Executing, Some(loc)) => write!(
                f,
                "template: {}:{}:{}: executing {} at <{}>: {}",
                loc.parse_name,
                loc.line,
                loc.column,
                slipway_value::fmt::quote(&self.name),
                loc.context,
                self.message
            ),
            (ExecErrorKind::Executing, None) => {
                write!(f, "template: {}: {}", self.name, self.message)
            }
        }
    }
}

impl std::error::Error for ExecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A parse or execution error (what `tpl`-like operations can fail with).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    /// The text did not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Execution failed.
    #[error(transparent)]
    Exec(#[from] ExecError),
}
