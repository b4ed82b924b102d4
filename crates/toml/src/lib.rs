//! TOML as Helm sees it: `toToml` writes values with BurntSushi/toml v1.6's encoder (keys
//! sorted, plain values before tables, two-space indentation of nested tables, Go's float
//! format), and `fromToml` reads a document with a port of BurntSushi's lexer and parser into
//! a map (integers as int64, floats as float64), with its error texts.

mod decode;
mod encode;
mod lex;

pub use decode::from_toml;
pub use encode::to_toml;
use slipway_value::{Dict, Value};

/// Why TOML could not be written or read; the text is the one Helm shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TomlError {
    /// The encoder refused the value (`toml: cannot encode array with nil element`).
    #[error("{0}")]
    Encode(String),
    /// The Go encoder panics on this value (a nil document); in a template the call fails
    /// with `error calling toToml: MESSAGE`.
    #[error("{0}")]
    Panic(String),
    /// The document is not valid TOML (`toml: line 1: ...`).
    #[error("{0}")]
    Parse(String),
}

/// Helm's `toToml` template function: the TOML text, or the encoder's error text in its place;
/// `Err` (with Go's panic message) when the call itself fails.
pub fn helm_to_toml(v: &Value) -> Result<String, String> {
    match to_toml(v) {
        Ok(text) => Ok(text),
        Err(TomlError::Panic(message)) => Err(message),
        Err(e) => Ok(e.to_string()),
    }
}

/// Helm's `fromToml` template function: the map, or a map holding the error text under
/// `Error`.
pub fn helm_from_toml(text: &str) -> Value {
    match from_toml(text) {
        Ok(d) => Value::Dict(d),
        Err(e) => {
            let d = Dict::new();
            d.insert("Error", Value::string(e.to_string()));
            Value::Dict(d)
        }
    }
}
