//! Decrypting parsed secret values (every string leaf) and whole secret files.

use std::fmt;

use slipway_value::{Dict, Value};
use zeroize::Zeroizing;

use crate::cipher::{self, Format};
use crate::error::SecretError;
use crate::key::SecretKey;

/// One step of a [`YamlPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Where a value sits in a YAML document, shown as `a.b[1].c` (`<root>` for the document).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct YamlPath(pub Vec<PathSegment>);

impl YamlPath {
    /// This path extended by one segment.
    pub fn child(&self, segment: PathSegment) -> YamlPath {
        let mut segments = self.0.clone();
        segments.push(segment);
        YamlPath(segments)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<root>");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if i == 0 => write!(f, "{key}")?,
                PathSegment::Key(key) => write!(f, ".{key}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Decrypts every string leaf of a parsed secret values file (werf's `DecryptYamlData`).
///
/// Maps and lists keep their shape and keys; nil stays nil; every other leaf must be a string
/// holding a ciphertext, and decrypts to a string (values that werf's AES-GCM format stored
/// with their YAML type get that type back). Errors name `file_name` and the YAML path of the
/// value, never its plaintext.
pub fn decrypt_values(
    values: &Value,
    key: &SecretKey,
    file_name: &str,
) -> Result<Value, SecretError> {
    decrypt_node(values, key, file_name, &YamlPath::default())
}

fn decrypt_node(
    value: &Value,
    key: &SecretKey,
    file: &str,
    path: &YamlPath,
) -> Result<Value, SecretError> {
    match value {
        Value::Nil => Ok(Value::Nil),
        Value::String(text) => decrypt_leaf(text, key, file, path),
        Value::Dict(dict) => {
            let entries = dict.read();
            let out = Dict::new();
            for (name, child) in entries.iter() {
                let child_path = path.child(PathSegment::Key(name.clone()));
                out.insert(name.clone(), decrypt_node(child, key, file, &child_path)?);
            }
            Ok(Value::Dict(out))
        }
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| decrypt_node(item, key, file, &path.child(PathSegment::Index(i))))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::list),
        other => Err(SecretError::NotString {
            file: file.to_owned(),
            path: path.to_string(),
            kind: other.kind_name(),
        }),
    }
}

fn decrypt_leaf(
    data: &str,
    key: &SecretKey,
    file: &str,
    path: &YamlPath,
) -> Result<Value, SecretError> {
    let plain = cipher::decrypt(key, data.as_bytes())
        .map_err(|err| SecretError::decrypt(file, Some(path.to_string()), data.len(), err))?;
    let text = std::str::from_utf8(&plain).map_err(|_| SecretError::NotText {
        file: file.to_owned(),
        path: path.to_string(),
    })?;
    if cipher::detect_format(data.as_bytes()) == Ok(Format::WerfGcm)
        && let Some(typed) = unframe_werf_scalar(text)
    {
        return Ok(typed);
    }
    Ok(Value::string(text))
}

/// werf's AES-GCM values store a scalar as `<short tag> NUL <style> NUL <value>`; this splits
/// such a payload into its tag and value, or gives `None` when it is not framed that way.
pub(crate) fn werf_frame(payload: &str) -> Option<(&str, &str)> {
    let mut parts = payload.splitn(3, '\0');
    let tag = parts.next()?;
    let style = parts.next()?;
    let value = parts.next()?;
    (tag.starts_with("!!") && style.parse::<u32>().is_ok()).then_some((tag, value))
}

/// The typed value of a werf AES-GCM framed scalar (see [`werf_frame`]).
fn unframe_werf_scalar(payload: &str) -> Option<Value> {
    let (tag, value) = werf_frame(payload)?;
    Some(match tag {
        "!!null" => Value::Nil,
        "!!bool" => match value {
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ => Value::string(value),
        },
        "!!int" => value
            .replace('_', "")
            .parse::<i64>()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::string(value)),
        "!!float" => value
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::string(value)),
        _ => Value::string(value),
    })
}

/// Decrypts a whole secret file (one ciphertext of the file's bytes, as in `.helm/secret/**`).
/// Surrounding whitespace of the ciphertext is ignored. The plaintext is zeroized on drop.
pub fn decrypt_file(
    data: &[u8],
    key: &SecretKey,
    file_name: &str,
) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    let data = data.trim_ascii();
    cipher::decrypt(key, data).map_err(|err| SecretError::decrypt(file_name, None, data.len(), err))
}

#[cfg(test)]
mod tests {
    use slipway_value::Map;

    use super::*;

    fn key(hex: &str) -> SecretKey {
        SecretKey::from_hex(hex).unwrap()
    }

    fn dict(entries: Vec<(&str, Value)>) -> Value {
        Value::dict(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Map>(),
        )
    }

    /// werf's legacy e2e values file (werf-nelm.md §1.7 C).
    fn vector_c_values() -> Value {
        dict(vec![
            (
                "a",
                "100052fc795671551b9bf0aa996e7c00997d0343a8f8e770bb94050e533119c43d39".into(),
            ),
            (
                "b",
                Value::list(vec![
                    "10009bab61e443b9550b1d024788f03f40789bbcfc1135cdfc951bd1445680d590d3".into(),
                    "100027133a209b83060bb6b1b9e110dc7806f9671445a5a4d133b8c681e08b652af9".into(),
                    "10008917de2e68d056e8e10c9e62915cc01f80d64a3a48e0902d01ec13b60ce8996f".into(),
                ]),
            ),
            (
                "c",
                dict(vec![(
                    "d",
                    "1000039faf2e22843f41c10d317c86df760e273daedfab601b0dc03dbae398f249ad".into(),
                )]),
            ),
            ("n", Value::Nil),
        ])
    }

    #[test]
    fn decrypts_every_leaf_to_a_string() {
        let got = decrypt_values(
            &vector_c_values(),
            &key("82a0f04a09e034421a8978c60bffac87"),
            "x.yaml",
        )
        .unwrap();
        let expected = dict(vec![
            ("a", "1".into()),
            ("b", Value::list(vec!["1".into(), "2".into(), "3".into()])),
            ("c", dict(vec![("d", "4".into())])),
            ("n", Value::Nil),
        ]);
        assert_eq!(got, expected);
    }

    #[test]
    fn wrong_key_names_file_and_path() {
        let err = decrypt_values(
            &vector_c_values(),
            &key("11ac8312520b5ff037bae386ea2e8a07"),
            ".helm/secret-values.yaml",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("decryption failed: \".helm/secret-values.yaml\", value at a: check encryption key and data: inconsistent data, unpad failed"),
            "{text}"
        );
    }

    #[test]
    fn non_string_and_malformed_leaves() {
        let k = key("82a0f04a09e034421a8978c60bffac87");
        let err = decrypt_values(
            &dict(vec![("x", dict(vec![("port", Value::Int(8080))]))]),
            &k,
            "f",
        )
        .unwrap_err();
        assert!(matches!(err, SecretError::NotString { .. }), "{err}");
        assert!(err.to_string().contains("value at x.port"), "{err}");
        assert!(!err.to_string().contains("8080"), "{err}");

        let err = decrypt_values(
            &dict(vec![("l", Value::list(vec!["hunter2".into()]))]),
            &k,
            "f",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("value at l[0]: check data (7 characters): encoding/hex"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn decrypts_secret_files() {
        let k = key("bc3458408a5687e60b9417adb84e4ad0");
        let file = b"100052fb0fa1cc8ef1cb123be089cdb853cc153772691b8fb743d612a7b64d65614d4d8745250752564941227eb8d7161523\n";
        assert_eq!(
            decrypt_file(file, &k, "secret-config.txt")
                .unwrap()
                .as_slice(),
            b"secretConfigContent\n"
        );
        let err = decrypt_file(b"1000", &k, "secret/a.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "decryption failed: \"secret/a.txt\": check data (4 characters): minimum required data length: '68'"
        );
    }

    #[test]
    fn werf_gcm_framed_scalars_keep_their_type() {
        assert_eq!(
            unframe_werf_scalar("!!int\x000\x0042"),
            Some(Value::Int(42))
        );
        assert_eq!(
            unframe_werf_scalar("!!str\x000\x00a\x00b"),
            Some(Value::string("a\0b"))
        );
        assert_eq!(unframe_werf_scalar("plain"), None);
    }

    #[test]
    fn path_display() {
        let path = YamlPath::default()
            .child(PathSegment::Key("a".into()))
            .child(PathSegment::Index(2))
            .child(PathSegment::Key("b".into()));
        assert_eq!(path.to_string(), "a[2].b");
        assert_eq!(YamlPath::default().to_string(), "<root>");
    }
}
