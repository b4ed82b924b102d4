//! YAML as Helm sees it: yaml.v2 / sigs.k8s.io/yaml parsing and emitting, exact to the byte.
//!
//! Reading ([`from_yaml`] and friends) follows `sigs.k8s.io/yaml.Unmarshal`, which Helm uses for
//! values files, `Chart.yaml` and `fromYaml`: yaml.v2 parses with YAML 1.1 resolution (`yes`/`on`
//! are booleans, `0755` is octal), merge keys and aliases are expanded, then the result goes
//! through JSON, so map keys become strings and every number becomes a float64
//! ([`Value::Float`]). The scanner and parser are a port of libyaml as go-yaml v2 carries it,
//! so syntax errors read exactly as Helm prints them (`yaml: line 3: mapping values are not
//! allowed in this context`).
//!
//! Writing: [`to_yaml`] is Helm's `toYaml` (`sigs.k8s.io/yaml.Marshal`: JSON round trip, then
//! yaml.v2's emitter), [`to_yaml_pretty`] is `toYamlPretty` (yaml.v3). Also here: Helm 4's
//! values-file loading ([`load_values`]), manifest splitting and heads ([`split_manifests`],
//! [`manifest_head`]), and Go's `encoding/json` decoding ([`from_json`]).

mod emit;
mod error;
mod gofloat;
mod json;
mod libyaml;
mod manifest;
mod parse;
mod resolve;
mod values;

pub use error::YamlError;
use error::type_message;
pub use json::from_json;
pub use manifest::{
    HeadMetadata, ManifestHead, go_string_field, manifest_head, split_manifests, split_manifests_v3,
};
use slipway_value::{Dict, Value};
pub use values::load_values;

/// Parses the first YAML document of `text` as `sigs.k8s.io/yaml.Unmarshal` into an
/// `interface{}`: `Value::Nil` for an empty document, numbers as [`Value::Float`].
pub fn from_yaml(text: &str) -> Result<Value, YamlError> {
    parse::parse_first(text, parse::Numbers::Json)
}

/// Parses the first document as yaml.v2 decodes it before sigs.k8s.io/yaml's JSON step: keys
/// are strings, but integers stay [`Value::Int`] (what a typed Go target such as `Chart.yaml`'s
/// string fields sees; see [`go_string_field`]).
pub fn from_yaml_raw(text: &str) -> Result<Value, YamlError> {
    parse::parse_first(text, parse::Numbers::Raw)
}

/// Every document of a stream as [`from_yaml_raw`] reads one: what `sigs.k8s.io/yaml`'s
/// `YAMLToJSON` gives for rendered manifests (integers stay integers, as the Kubernetes API
/// expects them).
pub fn from_yaml_docs_raw(text: &str) -> Result<Vec<Value>, YamlError> {
    parse::parse_all(text, parse::Numbers::Raw)
}

/// Parses every document of a `---`-separated stream (each as [`from_yaml`] would).
pub fn from_yaml_docs(text: &str) -> Result<Vec<Value>, YamlError> {
    parse::parse_all(text, parse::Numbers::Json)
}

/// `sigs.k8s.io/yaml.Unmarshal` into a map type named `go_type` in errors (Helm's
/// `ReadValues` uses `common.Values`): an empty document gives an empty map, anything but a
/// mapping is Go's `json: cannot unmarshal array into Go value of type ...` error.
pub fn unmarshal_map(text: &str, go_type: &str) -> Result<Dict, YamlError> {
    match from_yaml(text)? {
        Value::Nil => Ok(Dict::new()),
        Value::Dict(d) => Ok(d),
        other => Err(YamlError::Decode(type_message(&other, go_type))),
    }
}

/// [`unmarshal_map`] into `map[string]interface {}`.
pub fn from_yaml_map(text: &str) -> Result<Dict, YamlError> {
    unmarshal_map(text, "map[string]interface {}")
}

/// `sigs.k8s.io/yaml.Unmarshal` into `[]interface{}`: an empty document gives an empty list.
pub fn from_yaml_array(text: &str) -> Result<Vec<Value>, YamlError> {
    match from_yaml(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(items) => Ok(items.to_vec()),
        other => Err(YamlError::Decode(type_message(&other, "[]interface {}"))),
    }
}

/// Helm's `toYamlPretty`: yaml.v3's encoder with indent 2 on the value itself (no JSON step,
/// so `1000000.0` prints as `1e+06`; sequences indented under their key), without the final
/// newline.
pub fn to_yaml_pretty(v: &Value) -> Result<String, YamlError> {
    let mut text = emit::marshal(v, emit::Flavor::V3)?;
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}

/// Go's `json.Unmarshal` into `map[string]interface {}`: `null` gives an empty map (Go's nil
/// map), another kind of value is Go's type error.
pub fn from_json_map(text: &str) -> Result<Dict, YamlError> {
    let (map, range_error) = json_map(text)?;
    match range_error {
        Some(e) => Err(e),
        None => Ok(map),
    }
}

/// The map of a JSON text and the error for numbers beyond float64's range (those are left
/// out as nil, as Go's decoder leaves them zero).
fn json_map(text: &str) -> Result<(Dict, Option<YamlError>), YamlError> {
    let decoded = json::decode(text)?;
    let map = match decoded.value {
        Value::Nil => Dict::new(),
        Value::Dict(d) => d,
        other => {
            return Err(YamlError::JsonDecode(type_message(
                &other,
                "map[string]interface {}",
            )));
        }
    };
    Ok((map, decoded.range_error.map(YamlError::JsonDecode)))
}

/// Go's `json.Unmarshal` into `[]interface {}`: `null` gives an empty list.
pub fn from_json_array(text: &str) -> Result<Vec<Value>, YamlError> {
    let decoded = json::decode(text)?;
    let items = match decoded.value {
        Value::Nil => Vec::new(),
        Value::List(items) => items.to_vec(),
        other => {
            return Err(YamlError::JsonDecode(type_message(
                &other,
                "[]interface {}",
            )));
        }
    };
    match decoded.range_error {
        Some(e) => Err(YamlError::JsonDecode(e)),
        None => Ok(items),
    }
}

/// Helm's `fromYaml` template function: the map, or a map holding the error text under
/// `Error`.
pub fn helm_from_yaml(text: &str) -> Value {
    error_map(from_yaml_map(text))
}

/// The map, or a map holding the error text under `Error`, as Helm's `from*` functions return.
fn error_map(result: Result<Dict, YamlError>) -> Value {
    match result {
        Ok(d) => Value::Dict(d),
        Err(e) => {
            let d = Dict::new();
            d.insert("Error", Value::string(e.to_string()));
            Value::Dict(d)
        }
    }
}

/// Helm's `fromJson` template function: the map, or a map holding the error text under
/// `Error`.
pub fn helm_from_json(text: &str) -> Value {
    match json_map(text) {
        Ok((map, None)) => Value::Dict(map),
        // Go fills what it could and reports the first number out of range.
        Ok((map, Some(e))) => {
            map.insert("Error", Value::string(e.to_string()));
            Value::Dict(map)
        }
        Err(e) => error_map(Err(e)),
    }
}

/// Helm's `fromJsonArray` template function: the list, or a list holding the error text.
pub fn helm_from_json_array(text: &str) -> Value {
    match from_json_array(text) {
        Ok(items) => Value::list(items),
        Err(e) => Value::list(vec![Value::string(e.to_string())]),
    }
}

/// Helm's `fromYamlArray` template function: the list, or a list holding the error text.
pub fn helm_from_yaml_array(text: &str) -> Value {
    match from_yaml_array(text) {
        Ok(items) => Value::list(items),
        Err(e) => Value::list(vec![Value::string(e.to_string())]),
    }
}

/// `sigs.k8s.io/yaml.Marshal`: the YAML text of `v` after Go's JSON round trip, ending in a
/// newline.
pub fn marshal(v: &Value) -> Result<String, YamlError> {
    emit::marshal(v, emit::Flavor::V2Json)
}

/// Helm's `toYaml`: [`marshal`] without its final newline. (Helm's template function swallows
/// the error and prints an empty string.)
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let mut text = marshal(v)?;
    if text.ends_with('\n') {
        text.pop();
    }
    Ok(text)
}
