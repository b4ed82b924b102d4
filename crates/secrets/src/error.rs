//! The crate's error type. No variant ever holds decrypted data.

use crate::cipher::{DecryptError, RandomError};
use crate::key::KeyError;

/// Anything that can go wrong with secrets. Messages name the file and the YAML path of the
/// value but never show decrypted data.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The key is missing or malformed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A value or file did not decrypt.
    #[error("decryption failed: {}: {}", location(file, path.as_deref()), explain(*data_len, reason))]
    Decrypt {
        /// The file the ciphertext came from.
        file: String,
        /// The YAML path of the value (`a.b[0]`), for values files.
        path: Option<String>,
        /// The length of the ciphertext text (the text itself is not shown: it may be a
        /// plaintext secret someone forgot to encrypt).
        data_len: usize,
        /// What went wrong.
        reason: DecryptError,
    },
    /// A decrypted value is not UTF-8 text, which in a values file means a wrong key.
    #[error(
        "decryption failed: {}: check encryption key and data: the decrypted value is not UTF-8 text (the secret key is probably wrong)",
        location(file, Some(path))
    )]
    NotText {
        /// The file the value came from.
        file: String,
        /// The YAML path of the value.
        path: String,
    },
    /// A leaf of a secret values file is not a string, so it cannot be a ciphertext.
    #[error(
        "decryption failed: {}: unable to decode non string value (a {kind}): expected encoded value as hex string",
        location(file, Some(path))
    )]
    NotString {
        /// The file the value came from.
        file: String,
        /// The YAML path of the value.
        path: String,
        /// The kind of value found (`bool`, `int`, ...).
        kind: &'static str,
    },
    /// A YAML values file could not be processed.
    #[error("{file}: {message}")]
    Yaml {
        /// The file.
        file: String,
        /// What is wrong, with a line number when known.
        message: String,
    },
    /// `werf_secret_file` was given an absolute path.
    #[error("expected relative secret file path, given path {0}")]
    AbsoluteSecretFile(String),
    /// `werf_secret_file` was given a path that is not under `secret/`; lists what exists.
    #[error(
        "secret file {path:?} not found, you may use one of the following: {:?}",
        available.join("', '")
    )]
    SecretFileNotFound {
        /// The path asked for.
        path: String,
        /// Every secret file, relative to `secret/`, sorted.
        available: Vec<String>,
    },
    /// Encryption could not get random bytes.
    #[error("encryption failed: {0}")]
    Random(#[from] RandomError),
}

fn location(file: &str, path: Option<&str>) -> String {
    match path {
        Some(path) => format!("{file:?}, value at {path}"),
        None => format!("{file:?}"),
    }
}

fn explain(data_len: usize, source: &DecryptError) -> String {
    if source.is_data_error() {
        format!("check data ({data_len} characters): {source}")
    } else {
        format!("check encryption key and data: {source}")
    }
}

impl SecretError {
    /// A [`SecretError::Decrypt`] for a ciphertext of `data_len` characters.
    pub(crate) fn decrypt(
        file: &str,
        path: Option<String>,
        data_len: usize,
        reason: DecryptError,
    ) -> SecretError {
        SecretError::Decrypt {
            file: file.to_owned(),
            path,
            data_len,
            reason,
        }
    }
}
