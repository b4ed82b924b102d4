//! A chart's secret files (`secret/**`), decrypted, for the `werf_secret_file` template function.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use slipway_value::{Func, FuncError, Value};

use zeroize::Zeroizing;

use crate::error::SecretError;
use crate::key::SecretKey;
use crate::masker::Masker;
use crate::values::decrypt_file;

/// The directory of a chart that holds secret files.
pub const SECRET_DIR: &str = "secret";

/// The decrypted secret files of one chart, by path relative to `secret/` (forward slashes).
/// `Debug` lists only the paths.
#[derive(Default)]
pub struct SecretFiles {
    files: BTreeMap<String, Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for SecretFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SecretFiles")
            .field(&self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SecretFiles {
    /// Picks the files under `secret/` from a chart's files (`(name relative to the chart,
    /// contents)`) and decrypts each (trailing whitespace of the ciphertext is ignored). Without
    /// a key (werf's `--ignore-secret-key`) the contents are kept encrypted.
    pub fn from_chart_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        key: Option<&SecretKey>,
    ) -> Result<SecretFiles, SecretError> {
        let mut out = SecretFiles::default();
        for (name, data) in files {
            let name = name.replace('\\', "/");
            let Some(rel) = name
                .strip_prefix(SECRET_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .filter(|rel| !rel.is_empty())
            else {
                continue;
            };
            let data = match key {
                Some(key) => decrypt_file(data, key, &name)?,
                None => Zeroizing::new(data.trim_ascii_end().to_vec()),
            };
            out.files.insert(rel.to_owned(), data);
        }
        Ok(out)
    }

    /// The contents of `secret/<path>`, as `werf_secret_file "<path>"` gives them.
    pub fn get(&self, path: &str) -> Result<&[u8], SecretError> {
        if path.starts_with('/') {
            return Err(SecretError::AbsoluteSecretFile(path.to_owned()));
        }
        self.files
            .get(path)
            .map(|data| data.as_slice())
            .ok_or_else(|| SecretError::SecretFileNotFound {
                path: path.to_owned(),
                available: self.files.keys().cloned().collect(),
            })
    }

    /// Whether the chart has no secret files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The `werf_secret_file` template function over these files: one string argument, the
    /// path relative to `secret/`; returns the contents as a string.
    pub fn template_func(self: Arc<Self>) -> Func {
        Arc::new(move |args: &[Value]| {
            let [arg] = args else {
                return Err(FuncError::BadArgs(format!(
                    "wrong number of args for werf_secret_file: want 1 got {}",
                    args.len()
                )));
            };
            let path = match arg {
                Value::String(path) => path,
                Value::Nil => {
                    return Err(FuncError::BadArgs(
                        "invalid value; expected string".to_owned(),
                    ));
                }
                other => {
                    return Err(FuncError::BadArgs(format!(
                        "wrong type for value; expected string; got {}",
                        go_type_name(other)
                    )));
                }
            };
            self.get(path)
                .map(|data| Value::string(String::from_utf8_lossy(data)))
                .map_err(|err| FuncError::Failed(err.to_string()))
        })
    }

    /// Registers every file's contents with `masker`.
    pub fn register(&self, masker: &mut Masker) {
        for data in self.files.values() {
            masker.add(&String::from_utf8_lossy(data));
        }
    }
}

/// Go's name for the dynamic type of a template argument.
fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "int",
        Value::Dict(_) => "map[string]interface {}",
        Value::List(_) => "[]interface {}",
        Value::Bytes(_) => "[]uint8",
        other => other.kind_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"100052fb0fa1cc8ef1cb123be089cdb853cc153772691b8fb743d612a7b64d65614d4d8745250752564941227eb8d7161523\n";

    fn files() -> Vec<(&'static str, &'static [u8])> {
        vec![
            ("secret/secret-config.txt", FILE),
            ("secret/nested/b.txt", FILE),
            ("values.yaml", b"a: 1"),
            ("secretive/x", b"not a secret"),
        ]
    }

    #[test]
    fn decrypts_files_under_secret() {
        let key = SecretKey::from_hex("bc3458408a5687e60b9417adb84e4ad0").unwrap();
        let loaded = SecretFiles::from_chart_files(files(), Some(&key)).unwrap();
        assert_eq!(
            loaded.get("secret-config.txt").unwrap(),
            b"secretConfigContent\n"
        );
        assert_eq!(
            loaded.get("nested/b.txt").unwrap(),
            b"secretConfigContent\n"
        );
        assert_eq!(
            loaded.get("/etc/passwd").unwrap_err().to_string(),
            "expected relative secret file path, given path /etc/passwd"
        );
        assert_eq!(
            loaded.get("missing.txt").unwrap_err().to_string(),
            "secret file \"missing.txt\" not found, you may use one of the following: \"nested/b.txt', 'secret-config.txt\""
        );
        assert!(!format!("{loaded:?}").contains("secretConfig"));
        let mut masker = Masker::new();
        loaded.register(&mut masker);
        assert_eq!(masker.mask("x secretConfigContent"), "x ***");
    }

    #[test]
    fn template_function() {
        let key = SecretKey::from_hex("bc3458408a5687e60b9417adb84e4ad0").unwrap();
        let func =
            Arc::new(SecretFiles::from_chart_files(files(), Some(&key)).unwrap()).template_func();
        assert_eq!(
            func(&[Value::string("secret-config.txt")]).unwrap(),
            Value::string("secretConfigContent\n")
        );
        assert_eq!(
            func(&[]).unwrap_err().to_string(),
            "wrong number of args for werf_secret_file: want 1 got 0"
        );
        assert_eq!(
            func(&[Value::Int(1)]).unwrap_err().to_string(),
            "wrong type for value; expected string; got int"
        );
        assert!(matches!(
            func(&[Value::string("/abs")]),
            Err(FuncError::Failed(_))
        ));
    }

    #[test]
    fn without_key_files_stay_encrypted() {
        let loaded = SecretFiles::from_chart_files(files(), None).unwrap();
        assert_eq!(
            loaded.get("secret-config.txt").unwrap(),
            FILE.trim_ascii_end()
        );
    }

    #[test]
    fn wrong_key_names_the_file() {
        let key = SecretKey::from_hex("11ac8312520b5ff037bae386ea2e8a07").unwrap();
        let err = SecretFiles::from_chart_files(files(), Some(&key)).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "decryption failed: \"secret/secret-config.txt\": check encryption key"
            ),
            "{err}"
        );
    }
}
