//! The errors of YAML reading and writing, printed with the texts Helm shows.

/// Why YAML could not be read or written. `Display` gives the full text of
/// sigs.k8s.io/yaml's error, as Helm prints it after its own prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// yaml.v2 rejected the document; the text is yaml.v2's (`yaml: line 3: mapping values are
    /// not allowed in this context`).
    #[error("error converting YAML to JSON: {0}")]
    Yaml(String),
    /// The conversion to JSON failed (`json: unsupported value: +Inf`, unsupported map key).
    #[error("error converting YAML to JSON: {0}")]
    Json(String),
    /// The JSON did not fit the Go target type (`json: cannot unmarshal array into Go value of
    /// type map[string]interface {}`).
    #[error("error unmarshaling JSON: while decoding JSON: {0}")]
    Decode(String),
    /// Go's `encoding/json` rejected a JSON text (`invalid character 'x' looking for beginning
    /// of value`, `json: cannot unmarshal array into Go value of type map[string]interface {}`);
    /// the text is complete.
    #[error("{0}")]
    JsonDecode(String),
    /// Helm's values loading failed (`cannot unmarshal yaml document: ...`, `error reading
    /// yaml document: invalid Yaml document separator: x`); the text is complete.
    #[error("{0}")]
    Load(String),
    /// A value could not be written (`error marshaling into JSON: json: unsupported value:
    /// NaN`, `yaml: control characters are not allowed`); the text is complete.
    #[error("{0}")]
    Marshal(String),
}

impl YamlError {
    /// The inner message without sigs.k8s.io/yaml's wrapping (`yaml: line 2: ...`), as the
    /// yaml.v2 library itself reports it.
    pub fn inner(&self) -> &str {
        match self {
            YamlError::Yaml(m)
            | YamlError::Json(m)
            | YamlError::Decode(m)
            | YamlError::JsonDecode(m)
            | YamlError::Load(m)
            | YamlError::Marshal(m) => m,
        }
    }
}

/// Go's JSON name for the kind of a decoded value, as type errors print it.
pub(crate) fn json_kind(v: &slipway_value::Value) -> &'static str {
    use slipway_value::Value;
    match v {
        Value::List(_) => "array",
        Value::Dict(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

/// `json: cannot unmarshal KIND into Go value of type TYPE`.
pub(crate) fn type_message(v: &slipway_value::Value, go_type: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go value of type {go_type}",
        json_kind(v)
    )
}
