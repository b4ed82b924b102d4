//! Semantic versions and Masterminds constraint syntax (as Helm and Sprig use them).
//!
//! This follows `github.com/Masterminds/semver/v3` exactly, including its lenient version
//! parsing (`v1`, `1.2`, leading zeros), its constraint grammar (`||`, comma or space for AND,
//! `= != > < >= <= ~ ~> ^`, `x`/`X`/`*` wildcards, hyphen ranges) and its prerelease rule: a
//! constraint group without a prerelease never matches a prerelease version, so
//! `>= 1.20.0-0` is the way to accept `1.27.3-eks-a5565ad`. Error texts are those of
//! Masterminds v3.4.0, the release Helm 4.1 ships (unquoted versions and constraints).

mod constraints;
mod version;

pub use constraints::{Constraints, Violation};
pub use version::Version;

/// Why a version or constraint string could not be parsed (Masterminds' error texts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The string is not a (coercible) semantic version.
    #[error("invalid semantic version")]
    InvalidSemVer,
    /// An empty string was given to the strict parser.
    #[error("version string empty")]
    EmptyString,
    /// A numeric segment holds something other than digits (strict parser).
    #[error("invalid characters in version")]
    InvalidCharacters,
    /// A numeric segment or numeric prerelease identifier has a leading zero.
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// The build metadata is malformed.
    #[error("invalid metadata string")]
    InvalidMetadata,
    /// The prerelease is malformed.
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// A numeric segment does not fit in 64 bits (the text is Go's `strconv` error); `wrapped`
    /// adds the lenient parser's `error parsing version segment: ` prefix.
    #[error("{}strconv.ParseUint: parsing \"{}\": value out of range", if *.wrapped { "error parsing version segment: " } else { "" }, .segment)]
    SegmentOutOfRange {
        /// The digits that overflowed.
        segment: String,
        /// Whether the message carries the lenient parser's prefix.
        wrapped: bool,
    },
    /// A constraint (or an OR-group of constraints) does not follow the grammar.
    #[error("improper constraint: {0}")]
    ImproperConstraint(String),
    /// A constraint matched the grammar but its version could not be built.
    #[error("constraint parser error")]
    ConstraintParser,
}
