//! User value sources: values files, secret values files, the `--set` family and their
//! environment-variable forms, merged in werf's documented order (seed 002):
//!
//! 1. `SLIPWAY_VALUES_*` / `WERF_VALUES_*` files, then `--values`/`-f`;
//! 2. `SLIPWAY_SECRET_VALUES_*` / `WERF_SECRET_VALUES_*` files, then `--secret-values`;
//! 3. `--set-json` (and `*_SET_JSON_*`), which werf's list does not place: Helm applies it right
//!    after values files;
//! 4. `*_SET_FILE_*`, then `--set-file`;
//! 5. `*_SET_STRING_*`, then `--set-string`;
//! 6. `*_SET_*`, then `--set`;
//! 7. `--set-literal` (and `*_SET_LITERAL_*`), last as in Helm.
//!
//! Later sources win: maps merge, lists and scalars are replaced. Environment variables of one
//! kind are taken in the sorted order of their `NAME=value` strings, as werf does.

use std::collections::BTreeMap;

use slipway_value::{Dict, Value};

use crate::error::{ChartError, go_io_error};
use crate::strvals;

/// Decrypts secret values (werf's encrypted `secret-values.yaml` files). The CLI implements it
/// with `slipway-secrets` and the project's key.
pub trait SecretDecryptor {
    /// Decrypts every leaf of a parsed secret values file named `file_name` (for messages).
    fn decrypt_values(&self, values: &Value, file_name: &str) -> Result<Value, String>;
}

/// Everything the user gave to compute values: flags and the process environment (passed in,
/// never read by this library).
#[derive(Debug, Clone, Default)]
pub struct ValuesOptions {
    /// `--values`/`-f` files, in order.
    pub values_files: Vec<String>,
    /// `--secret-values` files, in order.
    pub secret_values_files: Vec<String>,
    /// `--set` lines.
    pub set: Vec<String>,
    /// `--set-string` lines.
    pub set_string: Vec<String>,
    /// `--set-json` lines (or JSON objects).
    pub set_json: Vec<String>,
    /// `--set-literal` lines.
    pub set_literal: Vec<String>,
    /// `--set-file` lines (`key=path`).
    pub set_file: Vec<String>,
    /// The process environment (`SLIPWAY_*` and `WERF_*` variables are read from it).
    pub env: BTreeMap<String, String>,
    /// Standard input, for `-` given as a values file or `--set-file` path (Helm reads the
    /// stream there, so only the first such use gets its content). The caller reads it when
    /// [`ValuesOptions::reads_stdin`] says so.
    pub stdin: Option<Vec<u8>>,
}

/// The kinds of environment-provided sources: their name stems after `SLIPWAY_`/`WERF_`, and
/// the stems of other kinds that share their prefix and must be skipped.
const ENV_VALUES: (&str, &[&str]) = ("VALUES_", &[]);
const ENV_SECRET_VALUES: (&str, &[&str]) = ("SECRET_VALUES_", &[]);
const ENV_SET_JSON: (&str, &[&str]) = ("SET_JSON_", &[]);
const ENV_SET_FILE: (&str, &[&str]) = ("SET_FILE_", &[]);
const ENV_SET_STRING: (&str, &[&str]) = ("SET_STRING_", &[]);
const ENV_SET_LITERAL: (&str, &[&str]) = ("SET_LITERAL_", &[]);
const ENV_SET: (&str, &[&str]) = (
    "SET_",
    &[
        "SET_STRING_",
        "SET_FILE_",
        "SET_JSON_",
        "SET_LITERAL_",
        "SET_ROOT_JSON_",
        "SET_RUNTIME_JSON_",
        "SET_DOCKER_CONFIG_JSON_VALUE",
    ],
);

impl ValuesOptions {
    /// Whether a values file or a `--set-file` path (flag or environment variable) is `-`.
    pub fn reads_stdin(&self) -> bool {
        let files = self.env_values(ENV_VALUES);
        let set_files = self.env_values(ENV_SET_FILE);
        files.iter().chain(&self.values_files).any(|p| is_stdin(p))
            || set_files.iter().chain(&self.set_file).any(|line| {
                line.split(',')
                    .any(|kv| kv.split_once('=').is_some_and(|(_, path)| is_stdin(path)))
            })
    }

    /// Values of the environment variables `SLIPWAY_<stem>*` and `WERF_<stem>*` (minus the
    /// excluded stems), in the sorted order of their `NAME=value` strings.
    fn env_values(&self, (stem, except): (&str, &[&str])) -> Vec<String> {
        let mut found: Vec<String> = self
            .env
            .iter()
            .filter(|(name, _)| {
                ["SLIPWAY_", "WERF_"].iter().any(|p| {
                    name.strip_prefix(p).is_some_and(|rest| {
                        rest.starts_with(stem) && !except.iter().any(|e| rest.starts_with(e))
                    })
                })
            })
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        found.sort();
        found
            .into_iter()
            .map(|kv| {
                kv.split_once('=')
                    .map(|(_, v)| v.to_owned())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The merged user values (everything above the charts' own values and below werf's
    /// service values). `secrets` decrypts secret values files; without it they are used as
    /// they are (werf's `--ignore-secret-key`).
    pub fn user_values(&self, secrets: Option<&dyn SecretDecryptor>) -> Result<Dict, ChartError> {
        let base = Dict::new();
        let mut stdin = self.stdin.as_deref();
        for path in self.env_values(ENV_VALUES).iter().chain(&self.values_files) {
            let data = read_source(path, &mut stdin)
                .map_err(|e| ChartError::Values(go_io_error(std::path::Path::new(path), &e)))?;
            let current = read_values(&data)
                .map_err(|e| ChartError::Values(format!("failed to parse {path}: {e}")))?;
            merge_maps(&base, &current);
        }
        for path in self
            .env_values(ENV_SECRET_VALUES)
            .iter()
            .chain(&self.secret_values_files)
        {
            let current = read_secret_values_file(path, secrets)?;
            merge_maps(&base, &current);
        }
        for value in self.env_values(ENV_SET_JSON).iter().chain(&self.set_json) {
            apply_set_json(&base, value)?;
        }
        for value in self.env_values(ENV_SET_FILE).iter().chain(&self.set_file) {
            let mut reader = |path: &str| {
                read_source(path, &mut stdin)
                    .map(|data| Value::string(String::from_utf8_lossy(&data)))
                    .map_err(|e| go_io_error(std::path::Path::new(path), &e))
            };
            strvals::parse_into_file(value, &base, &mut reader)
                .map_err(|e| ChartError::Values(format!("failed parsing --set-file data: {e}")))?;
        }
        for value in self
            .env_values(ENV_SET_STRING)
            .iter()
            .chain(&self.set_string)
        {
            strvals::parse_into_string(value, &base).map_err(|e| {
                ChartError::Values(format!("failed parsing --set-string data: {e}"))
            })?;
        }
        for value in self.env_values(ENV_SET).iter().chain(&self.set) {
            strvals::parse_into(value, &base)
                .map_err(|e| ChartError::Values(format!("failed parsing --set data: {e}")))?;
        }
        for value in self
            .env_values(ENV_SET_LITERAL)
            .iter()
            .chain(&self.set_literal)
        {
            strvals::parse_literal_into(value, &base).map_err(|e| {
                ChartError::Values(format!("failed parsing --set-literal data: {e}"))
            })?;
        }
        Ok(base)
    }
}

/// `--set-json`: a JSON object merged as a whole, or `key=json` pairs (Helm's error texts).
fn apply_set_json(base: &Dict, value: &str) -> Result<(), ChartError> {
    let trimmed = value.trim();
    if trimmed.starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(trimmed).map_err(|_| {
            ChartError::Values(format!("failed parsing --set-json data JSON: {value}"))
        })?;
        let Value::Dict(map) = strvals::json_to_go(&json) else {
            return Err(ChartError::Values(format!(
                "failed parsing --set-json data JSON: {value}"
            )));
        };
        merge_maps(base, &map);
        Ok(())
    } else {
        strvals::parse_json(value, base)
            .map_err(|_| ChartError::Values(format!("failed parsing --set-json data {value}")))
    }
}

/// Whether a values path names standard input (Helm trims it first).
fn is_stdin(path: &str) -> bool {
    path.trim() == "-"
}

/// The bytes `path` names: standard input for `-` (its content once, then nothing, as a
/// stream read to its end), otherwise the file.
fn read_source(path: &str, stdin: &mut Option<&[u8]>) -> std::io::Result<Vec<u8>> {
    if is_stdin(path) {
        return Ok(stdin.take().unwrap_or_default().to_vec());
    }
    std::fs::read(path)
}

/// Reads and decrypts a secret values file.
pub fn read_secret_values_file(
    path: &str,
    secrets: Option<&dyn SecretDecryptor>,
) -> Result<Dict, ChartError> {
    let data = std::fs::read(path)
        .map_err(|e| ChartError::Values(go_io_error(std::path::Path::new(path), &e)))?;
    decrypt_secret_values(&data, path, secrets)
}

/// Parses and decrypts the contents of a secret values file named `name`.
pub fn decrypt_secret_values(
    data: &[u8],
    name: &str,
    secrets: Option<&dyn SecretDecryptor>,
) -> Result<Dict, ChartError> {
    let parsed = read_values(data)
        .map_err(|e| ChartError::Values(format!("failed to parse {name}: {e}")))?;
    let Some(secrets) = secrets else {
        return Ok(parsed);
    };
    match secrets
        .decrypt_values(&Value::Dict(parsed), name)
        .map_err(ChartError::Values)?
    {
        Value::Dict(d) => Ok(d),
        _ => Ok(Dict::new()),
    }
}

/// The file in a chart holding its encrypted default values (werf).
pub const SECRET_VALUES_FILE: &str = "secret-values.yaml";

/// werf's chart secret values (seed 002, sources 2 and 4): each chart's own
/// `secret-values.yaml`, decrypted, is merged over its `values.yaml` as part of the chart's
/// defaults, so a parent's secret values for `SUBCHART:` reach the subchart like its plain
/// values do. Applies to the whole chart tree.
pub fn apply_chart_secret_values(
    chart: &mut crate::model::Chart,
    secrets: Option<&dyn SecretDecryptor>,
) -> Result<(), ChartError> {
    if let Some(file) = chart.files.iter().find(|f| f.name == SECRET_VALUES_FILE) {
        let name = format!("{}/{SECRET_VALUES_FILE}", chart.name());
        let decrypted = decrypt_secret_values(&file.data, &name, secrets)?;
        let merged = chart.values.deep_copy();
        merge_maps(&merged, &decrypted);
        chart.values = merged;
    }
    for sub in &mut chart.dependencies {
        apply_chart_secret_values(sub, secrets)?;
    }
    Ok(())
}

/// Helm's `LoadValues`: every YAML document of `data` (split on `---` lines) read as a map and
/// merged in order. Errors are Helm's texts after the file prefix.
pub fn read_values(data: &[u8]) -> Result<Dict, String> {
    let mut text = String::from_utf8_lossy(data).into_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let values = Dict::new();
    for doc in split_documents(&text) {
        let current = slipway_yaml::from_yaml_map(doc)
            .map_err(|e| format!("cannot unmarshal yaml document: {e}"))?;
        merge_maps(&values, &current);
    }
    Ok(values)
}

/// Kubernetes' `YAMLReader`: documents separated by lines starting with `---` followed by
/// nothing but blanks or a comment; empty documents are skipped.
fn split_documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                if line_start > start {
                    docs.push(&text[start..line_start]);
                }
                start = pos;
            }
        }
    }
    if pos > start {
        docs.push(&text[start..pos]);
    }
    docs
}

/// Helm's `MergeMaps`, in place: `src` wins; maps present on both sides merge recursively.
/// Nested maps of `dst` that are merged into are copied first, so maps shared with other
/// holders are never changed.
pub fn merge_maps(dst: &Dict, src: &Dict) {
    if dst.ptr_eq(src) {
        return;
    }
    let src = src.read();
    let mut d = dst.write();
    for (k, v) in src.iter() {
        if let Value::Dict(sv) = v
            && let Some(Value::Dict(dv)) = d.get(k)
        {
            let merged = dv.shallow_copy();
            merge_maps(&merged, sv);
            d.insert(k.clone(), Value::Dict(merged));
            continue;
        }
        d.insert(k.clone(), v.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(d: &Dict) -> serde_json::Value {
        Value::Dict(d.clone()).to_json()
    }

    #[test]
    fn multi_document_values_merge() {
        let v = read_values(b"a: 1\nm: {x: 1}\n---\nb: 2\nm: {z: 2}\n--- # c\n").unwrap();
        assert_eq!(
            json(&v),
            serde_json::json!({"a": 1.0, "b": 2.0, "m": {"x": 1.0, "z": 2.0}})
        );
        assert!(read_values(b"# only a comment").unwrap().is_empty());
        assert_eq!(
            read_values(b"- a\n").unwrap_err(),
            "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
    }

    #[test]
    fn env_sources_sorted_and_filtered() {
        let mut o = ValuesOptions::default();
        for (k, v) in [
            ("WERF_SET_B", "b=2"),
            ("SLIPWAY_SET_A", "a=1"),
            ("WERF_SET_STRING_X", "x=1"),
            ("SLIPWAY_SET_DOCKER_CONFIG_JSON_VALUE", "true"),
        ] {
            o.env.insert(k.into(), v.into());
        }
        o.set = vec!["a=3".into()];
        let v = o.user_values(None).unwrap();
        assert_eq!(json(&v), serde_json::json!({"a": 3, "b": 2, "x": "1"}));
    }

    #[test]
    fn werf_order_set_beats_set_string() {
        let o = ValuesOptions {
            set: vec!["k=from-set".into()],
            set_string: vec!["k=from-set-string".into()],
            set_json: vec!["{\"j\": 1}".into(), "n=[1,2]".into()],
            ..ValuesOptions::default()
        };
        let v = o.user_values(None).unwrap();
        assert_eq!(
            json(&v),
            serde_json::json!({"k": "from-set", "j": 1.0, "n": [1.0, 2.0]})
        );
    }

    #[test]
    fn errors_are_helms() {
        let o = ValuesOptions {
            set: vec!["a[x]=1".into()],
            ..ValuesOptions::default()
        };
        assert_eq!(
            o.user_values(None).unwrap_err().to_string(),
            "failed parsing --set data: error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        let o = ValuesOptions {
            values_files: vec!["/nonexistent/v.yaml".into()],
            ..ValuesOptions::default()
        };
        assert_eq!(
            o.user_values(None).unwrap_err().to_string(),
            "open /nonexistent/v.yaml: no such file or directory"
        );
        let o = ValuesOptions {
            set_json: vec!["a={".into()],
            ..ValuesOptions::default()
        };
        assert_eq!(
            o.user_values(None).unwrap_err().to_string(),
            "failed parsing --set-json data a={"
        );
    }

    struct Rot13;

    impl SecretDecryptor for Rot13 {
        fn decrypt_values(&self, values: &Value, _file: &str) -> Result<Value, String> {
            Ok(match values {
                Value::String(s) => Value::string(
                    s.chars()
                        .map(|c| match c {
                            'a'..='m' => (c as u8 + 13) as char,
                            'n'..='z' => (c as u8 - 13) as char,
                            _ => c,
                        })
                        .collect::<String>(),
                ),
                Value::Dict(d) => Value::Dict(
                    d.read()
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), self.decrypt_values(v, _file)?)))
                        .collect::<Result<Dict, String>>()?,
                ),
                other => other.clone(),
            })
        }
    }

    #[test]
    fn chart_secret_values_override_chart_values() {
        let mut chart = crate::loader::load_files(vec![
            crate::loader::BufferedFile {
                name: "Chart.yaml".into(),
                data: b"name: c\nversion: 1.0.0\n".to_vec(),
            },
            crate::loader::BufferedFile {
                name: "values.yaml".into(),
                data: b"plain: a\nsecret: placeholder\n".to_vec(),
            },
            crate::loader::BufferedFile {
                name: "secret-values.yaml".into(),
                data: b"secret: frperg\n".to_vec(),
            },
        ])
        .unwrap();
        apply_chart_secret_values(&mut chart, Some(&Rot13)).unwrap();
        assert_eq!(
            json(&chart.values),
            serde_json::json!({"plain": "a", "secret": "secret"})
        );
    }

    #[test]
    fn merge_maps_does_not_touch_shared_maps() {
        let shared = Dict::new();
        shared.insert("x", Value::Int(1));
        let dst = Dict::new();
        dst.insert("m", Value::Dict(shared.clone()));
        let src = Dict::new();
        let m = Dict::new();
        m.insert("y", Value::Int(2));
        src.insert("m", Value::Dict(m));
        merge_maps(&dst, &src);
        assert_eq!(shared.len(), 1);
        assert_eq!(json(&dst), serde_json::json!({"m": {"x": 1, "y": 2}}));
    }
}
