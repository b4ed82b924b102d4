//! Secret keys: parsing, generation and the werf lookup order.

use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::hexcodec::{self, HexError};

/// Environment variables holding the current key, in lookup order.
pub const KEY_ENV_VARS: [&str; 2] = ["SLIPWAY_SECRET_KEY", "WERF_SECRET_KEY"];
/// Environment variables holding the old key during `rotate-key`, in lookup order.
pub const OLD_KEY_ENV_VARS: [&str; 2] = ["SLIPWAY_OLD_SECRET_KEY", "WERF_OLD_SECRET_KEY"];
/// The per-project key file, relative to the project root.
pub const PROJECT_KEY_FILE: &str = ".werf_secret_key";
/// The global key file, relative to the werf home directory (`$WERF_HOME`, else `~/.werf`).
pub const GLOBAL_KEY_FILE: &str = "global_secret_key";

/// Why a key could not be used or found.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key text is not valid hex.
    #[error("check encryption key: {0}")]
    Hex(HexError),
    /// The decoded key is not 16, 24 or 32 bytes long.
    #[error("check encryption key: crypto/aes: invalid key size {0}")]
    Size(usize),
    /// The first key source that exists holds an empty key.
    #[error("check encryption key: the key from {0} is empty")]
    Empty(String),
    /// No source holds a key; lists every source tried, in order.
    #[error("required encryption key not found in: {}", .0.join(", "))]
    NotFound(Vec<String>),
    /// A key file exists but cannot be read.
    #[error("read encryption key file {path:?}: {reason}")]
    Read {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        reason: std::io::Error,
    },
}

/// A secret key: 16, 24 or 32 raw bytes (AES-128/192/256), zeroized on drop.
///
/// `Debug` shows only the size and where the key came from, never the key.
#[derive(Clone)]
pub struct SecretKey {
    bytes: Zeroizing<Vec<u8>>,
    source: String,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey(<{} bytes redacted> from {})",
            self.bytes.len(),
            self.source
        )
    }
}

impl SecretKey {
    /// Parses a hex key as werf does: no trimming, Go's hex errors, AES key sizes only.
    pub fn from_hex(text: &str) -> Result<SecretKey, KeyError> {
        SecretKey::from_hex_with_source(text, "the command line")
    }

    fn from_hex_with_source(text: &str, source: &str) -> Result<SecretKey, KeyError> {
        if text.is_empty() {
            return Err(KeyError::Empty(source.to_owned()));
        }
        let bytes = hexcodec::decode(text.as_bytes()).map_err(KeyError::Hex)?;
        if !matches!(bytes.len(), 16 | 24 | 32) {
            return Err(KeyError::Size(bytes.len()));
        }
        Ok(SecretKey {
            bytes,
            source: source.to_owned(),
        })
    }

    /// A new random 16-byte key, as `werf helm secret generate-secret-key` makes.
    pub fn generate() -> Result<SecretKey, crate::cipher::RandomError> {
        let mut bytes = Zeroizing::new(vec![0u8; 16]);
        crate::cipher::random_fill(&mut bytes)?;
        Ok(SecretKey {
            bytes,
            source: "a new random key".to_owned(),
        })
    }

    /// The key as 32 (or 48, 64) lowercase hex characters, zeroized on drop.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.bytes.as_slice()))
    }

    /// The raw key bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where the key came from, e.g. `$WERF_SECRET_KEY` or a file path (for messages).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Finds the current key: `$SLIPWAY_SECRET_KEY`, `$WERF_SECRET_KEY`,
    /// `<project_root>/.werf_secret_key`, then `<werf home>/global_secret_key` where the werf home
    /// is `$WERF_HOME`, else `<home>/.werf`.
    ///
    /// `env` looks up an environment variable (empty counts as unset); nothing here reads the
    /// process environment. Environment values are used as they are; file contents are trimmed.
    /// The first file that exists wins, even when it is empty (which is then an error).
    pub fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        project_root: &Path,
        home: Option<&Path>,
    ) -> Result<SecretKey, KeyError> {
        let mut tried = Vec::new();
        for name in KEY_ENV_VARS {
            tried.push(format!("\"${name}\""));
            if let Some(value) = env(name).filter(|v| !v.is_empty()) {
                return SecretKey::from_hex_with_source(&value, &format!("${name}"));
            }
        }
        let werf_home = env("WERF_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".werf")));
        let files = std::iter::once(absolute(project_root).join(PROJECT_KEY_FILE))
            .chain(werf_home.map(|h| h.join(GLOBAL_KEY_FILE)));
        for path in files {
            tried.push(format!("{:?}", path.display().to_string()));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let text = Zeroizing::new(text);
                    return SecretKey::from_hex_with_source(
                        text.trim(),
                        &path.display().to_string(),
                    );
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(reason) => return Err(KeyError::Read { path, reason }),
            }
        }
        Err(KeyError::NotFound(tried))
    }

    /// Finds the old key for rotation: `$SLIPWAY_OLD_SECRET_KEY`, then `$WERF_OLD_SECRET_KEY`
    /// (environment only, as in werf).
    pub fn resolve_old(env: &dyn Fn(&str) -> Option<String>) -> Result<SecretKey, KeyError> {
        for name in OLD_KEY_ENV_VARS {
            if let Some(value) = env(name).filter(|v| !v.is_empty()) {
                return SecretKey::from_hex_with_source(&value, &format!("${name}"));
            }
        }
        Err(KeyError::NotFound(
            OLD_KEY_ENV_VARS
                .iter()
                .map(|name| format!("\"${name}\""))
                .collect(),
        ))
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("slipway-secrets-key-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn key_negatives_match_werf() {
        assert_eq!(
            SecretKey::from_hex("12").unwrap_err().to_string(),
            "check encryption key: crypto/aes: invalid key size 1"
        );
        assert_eq!(
            SecretKey::from_hex("1").unwrap_err().to_string(),
            "check encryption key: encoding/hex: odd length hex string"
        );
        assert_eq!(
            SecretKey::from_hex("xx").unwrap_err().to_string(),
            "check encryption key: encoding/hex: invalid byte: U+0078 'x'"
        );
        for len in [32, 48, 64] {
            assert!(SecretKey::from_hex(&"a".repeat(len)).is_ok());
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SecretKey::from_hex("11ac8312520b5ff037bae386ea2e8a07").unwrap();
        let debug = format!("{key:?}");
        assert!(!debug.contains("11ac"), "{debug}");
        assert!(debug.contains("redacted"));
    }

    #[test]
    fn lookup_order() {
        let root = scratch_dir("order");
        let home = root.join("home");
        std::fs::create_dir_all(home.join(".werf")).unwrap();
        let k1 = "11ac8312520b5ff037bae386ea2e8a07";
        let k2 = "bc3458408a5687e60b9417adb84e4ad0";
        let k3 = "82a0f04a09e034421a8978c60bffac87";
        std::fs::write(home.join(".werf/global_secret_key"), format!("{k3}\n")).unwrap();

        let got = SecretKey::resolve(&env_of(&[]), &root, Some(&home)).unwrap();
        assert_eq!(got.to_hex().as_str(), k3);

        std::fs::write(root.join(".werf_secret_key"), format!("  {k2}\n")).unwrap();
        let got = SecretKey::resolve(&env_of(&[]), &root, Some(&home)).unwrap();
        assert_eq!(got.to_hex().as_str(), k2);

        let got =
            SecretKey::resolve(&env_of(&[("WERF_SECRET_KEY", k1)]), &root, Some(&home)).unwrap();
        assert_eq!(got.to_hex().as_str(), k1);
        assert_eq!(got.source(), "$WERF_SECRET_KEY");

        let env = env_of(&[("WERF_SECRET_KEY", k1), ("SLIPWAY_SECRET_KEY", k3)]);
        let got = SecretKey::resolve(&env, &root, Some(&home)).unwrap();
        assert_eq!(got.to_hex().as_str(), k3);

        // An existing but empty project key file wins and is an error.
        std::fs::write(root.join(".werf_secret_key"), "\n").unwrap();
        let err = SecretKey::resolve(&env_of(&[]), &root, Some(&home)).unwrap_err();
        assert!(matches!(err, KeyError::Empty(_)), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn missing_key_lists_every_source() {
        let root = scratch_dir("missing");
        let home = root.join("home");
        let err = SecretKey::resolve(&env_of(&[]), &root, Some(&home)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "required encryption key not found in: \"$SLIPWAY_SECRET_KEY\", \"$WERF_SECRET_KEY\", "
            ),
            "{text}"
        );
        assert!(text.contains(".werf_secret_key\""), "{text}");
        assert!(text.contains("/home/.werf/global_secret_key\""), "{text}");
        let no_env = env_of(&[]);
        let old = SecretKey::resolve_old(&no_env).unwrap_err().to_string();
        assert_eq!(
            old,
            "required encryption key not found in: \"$SLIPWAY_OLD_SECRET_KEY\", \"$WERF_OLD_SECRET_KEY\""
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
