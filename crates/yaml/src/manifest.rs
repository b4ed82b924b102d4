//! Rendered manifests as Helm handles them: splitting a template's output into documents
//! (`releaseutil.SplitManifests`) and reading each document's head (`SimpleHead`) for sorting
//! and hooks, with Helm's error texts.

use std::collections::BTreeMap;

use slipway_value::{Map, Value};

use crate::error::{YamlError, json_kind, type_message};
use crate::gofloat::format_g;
use crate::parse::{Numbers, parse_first};

/// Helm's `SplitManifests` for chart API v1/v2: the text is trimmed, split at the regular
/// expression `(?:^|\s*\n)---\s*`, and each non-empty piece is trimmed. Separators need not
/// end their line (`---apiVersion: v1` splits too).
pub fn split_manifests(text: &str) -> Vec<&str> {
    let s = text.trim();
    let b = s.as_bytes();
    let is_ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut pieces = Vec::new();
    let mut beg = 0;
    let mut last_match_start = 0;
    let mut search = 0;
    while let Some((start, end)) = next_separator(b, search, is_ws) {
        last_match_start = start;
        if end != 0 {
            pieces.push(&s[beg..start]);
        }
        beg = end;
        search = end;
    }
    if last_match_start != s.len() {
        pieces.push(&s[beg..]);
    }
    pieces
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(str::trim)
        .collect()
}

/// The leftmost match of `(?:^|\s*\n)---\s*` at or after `from`.
fn next_separator(b: &[u8], from: usize, is_ws: impl Fn(u8) -> bool) -> Option<(usize, usize)> {
    let skip_ws = |mut i: usize| {
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        i
    };
    let mut p = from;
    while p < b.len() {
        if p == 0 && b.starts_with(b"---") {
            return Some((0, skip_ws(3)));
        }
        if is_ws(b[p]) {
            // The whitespace run from here must end with a newline right before `---`.
            let run_end = skip_ws(p);
            if b[run_end - 1] == b'\n' && b[run_end..].starts_with(b"---") {
                return Some((p, skip_ws(run_end + 3)));
            }
            p = run_end;
        } else {
            p += 1;
        }
    }
    None
}

/// Helm's `SplitManifests` for chart API v3: separators are `---` at the start of a line,
/// followed by blanks or the end of the line; pieces keep their trailing text.
pub fn split_manifests_v3(text: &str) -> Vec<&str> {
    let s = text.trim_start();
    let mut pieces = Vec::new();
    let mut beg = 0;
    let mut line_start = 0;
    while line_start <= s.len() {
        let line_end = s[line_start..]
            .find('\n')
            .map_or(s.len(), |i| line_start + i);
        let line = &s[line_start..line_end];
        if let Some(rest) = line.strip_prefix("---") {
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let sep_end = if blanks > 0 {
                Some(line_start + 3 + blanks)
            } else if rest.is_empty() || rest == "\r" {
                Some(line_start + 3)
            } else {
                None
            };
            if let Some(end) = sep_end {
                pieces.push(&s[beg..line_start]);
                beg = end;
            }
        }
        if line_end == s.len() {
            break;
        }
        line_start = line_end + 1;
    }
    pieces.push(&s[beg..]);
    pieces
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(str::trim_start)
        .collect()
}

/// What Helm reads of a manifest (`SimpleHead`): enough to sort documents and find hooks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestHead {
    /// `apiVersion` (numbers and booleans converted to text, as for a Go string field).
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata`, absent when the document has none (or `metadata: null`).
    pub metadata: Option<HeadMetadata>,
}

/// The part of `metadata` that Helm reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadMetadata {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (not part of Helm's `SimpleHead`, so a wrong type is no error:
    /// anything but a scalar leaves it empty).
    pub namespace: String,
    /// `metadata.annotations`, with every value as text; `None` when absent or null.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Reads a manifest's head as Helm's `yaml.Unmarshal(doc, &SimpleHead{})` does; the error
/// texts are Go's (`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array
/// into Go struct field SimpleHead.kind of type string`).
pub fn manifest_head(doc: &str) -> Result<ManifestHead, YamlError> {
    let value = parse_first(doc, Numbers::Raw)?;
    let mut head = ManifestHead::default();
    let map = match &value {
        Value::Nil => return Ok(head),
        Value::Dict(d) => d.read().clone(),
        other => {
            return Err(decode_error(type_message(other, "util.SimpleHead")));
        }
    };
    let mut first_error = None;
    for (key, value) in &map {
        match field(key, &["apiVersion", "kind", "metadata"]) {
            Some("apiVersion") => {
                set_string(&mut head.api_version, value, "SimpleHead.apiVersion")
                    .unwrap_or_else(|e| keep_first(&mut first_error, e));
            }
            Some("kind") => {
                set_string(&mut head.kind, value, "SimpleHead.kind")
                    .unwrap_or_else(|e| keep_first(&mut first_error, e));
            }
            Some(_) => read_metadata(&mut head.metadata, value, &mut first_error),
            None => {}
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(head),
    }
}

/// The Go struct type of `SimpleHead.metadata`, as `encoding/json` names it in errors.
const METADATA_TYPE: &str = r#"struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#;

fn read_metadata(
    slot: &mut Option<HeadMetadata>,
    value: &Value,
    first_error: &mut Option<YamlError>,
) {
    let map: Map = match value {
        Value::Nil => {
            *slot = None;
            return;
        }
        Value::Dict(d) => d.read().clone(),
        other => {
            keep_first(
                first_error,
                field_error(other, "SimpleHead.metadata", METADATA_TYPE),
            );
            return;
        }
    };
    let meta = slot.get_or_insert_with(HeadMetadata::default);
    for (key, value) in &map {
        match field(key, &["name", "annotations", "namespace"]) {
            Some("name") => set_string(&mut meta.name, value, ".metadata.name")
                .unwrap_or_else(|e| keep_first(first_error, e)),
            Some("namespace") => {
                if let Some(text) = go_string_field(value) {
                    meta.namespace = text;
                }
            }
            Some(_) => match value {
                Value::Nil => meta.annotations = None,
                Value::Dict(d) => {
                    let annotations = meta.annotations.get_or_insert_with(BTreeMap::new);
                    for (k, v) in d.read().iter() {
                        let mut text = String::new();
                        match set_string(&mut text, v, ".metadata.annotations") {
                            Ok(()) => {
                                annotations.insert(k.clone(), text);
                            }
                            Err(e) => keep_first(first_error, e),
                        }
                    }
                }
                other => keep_first(
                    first_error,
                    field_error(other, ".metadata.annotations", "map[string]string"),
                ),
            },
            None => {}
        }
    }
}

/// `encoding/json`'s field matching: the exact name, else a case-insensitive match.
fn field<'f>(key: &str, fields: &[&'f str]) -> Option<&'f str> {
    fields
        .iter()
        .find(|f| **f == key)
        .or_else(|| fields.iter().find(|f| f.eq_ignore_ascii_case(key)))
        .copied()
}

/// Stores a value into a Go string field: sigs.k8s.io/yaml first turns numbers and booleans
/// into text; null leaves the field alone; collections are a type error.
fn set_string(slot: &mut String, value: &Value, field: &str) -> Result<(), YamlError> {
    match go_string_field(value) {
        Some(text) => *slot = text,
        None if value.is_nil() => {}
        None => return Err(field_error(value, field, "string")),
    }
    Ok(())
}

/// The text sigs.k8s.io/yaml gives a scalar bound for a Go `string` field: strings as they
/// are, ints in decimal, floats as float32 `%g` (`1.10` becomes `1.1`), booleans as words.
/// `None` for null and collections.
pub fn go_string_field(value: &Value) -> Option<String> {
    Some(match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_g(*f, true),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    })
}

fn keep_first(slot: &mut Option<YamlError>, e: YamlError) {
    slot.get_or_insert(e);
}

fn field_error(v: &Value, field: &str, go_type: &str) -> YamlError {
    decode_error(format!(
        "json: cannot unmarshal {} into Go struct field {field} of type {go_type}",
        json_kind(v)
    ))
}

fn decode_error(message: String) -> YamlError {
    YamlError::Decode(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_helm() {
        assert_eq!(split_manifests("a: 1\n---\nb: 2\n"), vec!["a: 1", "b: 2"]);
        assert_eq!(
            split_manifests("---\na: 1\n---\n---\nb: 2\n---\n"),
            vec!["a: 1", "---\nb: 2"]
        );
        assert_eq!(split_manifests("a: 1\n---b: 2"), vec!["a: 1", "b: 2"]);
        assert_eq!(
            split_manifests("a: |\n  x\n  ---\n"),
            vec!["a: |\n  x\n  ---"]
        );
        assert_eq!(split_manifests("a: x---y\n"), vec!["a: x---y"]);
        assert_eq!(split_manifests("  \n"), Vec::<&str>::new());
        assert_eq!(
            split_manifests("# Source: x\na: 1\n--- # c\nb: 2"),
            vec!["# Source: x\na: 1", "# c\nb: 2"]
        );
    }

    #[test]
    fn split_v3_needs_line_start() {
        assert_eq!(
            split_manifests_v3("a: 1\n---\nb: 2\n"),
            vec!["a: 1\n", "b: 2\n"]
        );
        assert_eq!(split_manifests_v3("a: 1\n---b: 2"), vec!["a: 1\n---b: 2"]);
        assert_eq!(split_manifests_v3("---\r\na: 1"), vec!["a: 1"]);
    }

    #[test]
    fn head_converts_scalars() {
        let head = manifest_head(
            "Kind: Pod\napiVersion: 1.10\nmetadata:\n  name: 5\n  namespace: ns\n  annotations:\n    w: 1.5\n    b: true\n    nil: null\n",
        )
        .unwrap();
        assert_eq!(head.kind, "Pod");
        assert_eq!(head.api_version, "1.1");
        let meta = head.metadata.unwrap();
        assert_eq!(meta.name, "5");
        assert_eq!(meta.namespace, "ns");
        let ann = meta.annotations.unwrap();
        assert_eq!(ann["w"], "1.5");
        assert_eq!(ann["b"], "true");
        assert_eq!(ann["nil"], "");
    }

    #[test]
    fn head_errors_are_go_texts() {
        let e = manifest_head("- a\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type util.SimpleHead"
        );
        let e = manifest_head("kind: [a]\n").unwrap_err();
        assert!(e.to_string().ends_with(
            "cannot unmarshal array into Go struct field SimpleHead.kind of type string"
        ));
        let e = manifest_head("metadata:\n  name: [x]\n").unwrap_err();
        assert!(
            e.to_string()
                .ends_with("Go struct field .metadata.name of type string")
        );
        let e = manifest_head("metadata: 5\n").unwrap_err();
        assert!(e.to_string().ends_with(&format!(
            "Go struct field SimpleHead.metadata of type {METADATA_TYPE}"
        )));
    }
}
