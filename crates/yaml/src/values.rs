//! Helm 4's values-file loading (`LoadValues`): the text is cut into documents the way
//! Kubernetes' `YAMLReader` does (a line starting with `---`), each document is read with
//! `sigs.k8s.io/yaml.Unmarshal` into a map, and the maps are merged (nested maps recursively,
//! anything else replaced).

use slipway_value::{Dict, Map, Value};

use crate::YamlError;

/// Reads a values file as Helm 4 does for `values.yaml` and `--values` files. Errors read as
/// Helm prints them after `cannot load values.yaml: ` or `failed to parse FILE: `.
pub fn load_values(text: &str) -> Result<Dict, YamlError> {
    let mut values = Map::new();
    for doc in yaml_reader_documents(text)? {
        let current = crate::from_yaml_map(&doc)
            .map_err(|e| YamlError::Load(format!("cannot unmarshal yaml document: {e}")))?;
        merge_maps(&mut values, &current.read());
    }
    Ok(Dict::from_map(values))
}

/// Kubernetes' `YAMLReader.Read` over the whole text: lines are normalised to end in `\n`,
/// a line starting with `---` ends the current document (and starts the first one), and may
/// only be followed by blanks or a comment.
fn yaml_reader_documents(text: &str) -> Result<Vec<String>, YamlError> {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        rest = next;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::Load(format!(
                    "error reading yaml document: invalid Yaml document separator: {trimmed}"
                )));
            }
            if !buffer.is_empty() {
                docs.push(std::mem::take(&mut buffer));
                continue;
            }
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push(buffer);
    }
    Ok(docs)
}

/// Helm's `MergeMaps(a, b)` into `a`: maps in both are merged, other values from `b` win.
fn merge_maps(out: &mut Map, b: &Map) {
    for (k, v) in b {
        if let (Value::Dict(bv), Some(Value::Dict(av))) = (v, out.get(k)) {
            let mut merged = av.read().clone();
            merge_maps(&mut merged, &bv.read());
            out.insert(k.clone(), Value::dict(merged));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
}
