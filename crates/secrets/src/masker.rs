//! Keeping decrypted data out of logs, plans and diffs.

use std::borrow::Cow;
use std::fmt;

use slipway_value::Value;
use zeroize::Zeroizing;

/// What a masked secret is replaced with.
pub const MASK: &str = "***";
/// Secrets (and secret lines) shorter than this are not masked, as in werf: masking `1` or
/// `true` everywhere would make logs unreadable without hiding anything.
pub const MIN_MASKED_LEN: usize = 4;

/// A decrypted string that never shows in `Debug` or `Display`; zeroized on drop.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a decrypted string.
    pub fn new(text: String) -> SecretString {
        SecretString(Zeroizing::new(text))
    }

    /// The plaintext, for the few places that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Replaces known secret strings in text with [`MASK`], for the deploy engine's logs, plans
/// and diffs (werf's `secretvalues` masking).
///
/// Each registered secret is masked as a whole, line by line (trimmed), and in its standard
/// base64 form (templates usually `b64enc` secrets into `Secret` manifests). Strings shorter than
/// [`MIN_MASKED_LEN`] are ignored. Longer secrets are replaced first.
#[derive(Clone, Default)]
pub struct Masker {
    secrets: Vec<SecretString>,
}

impl fmt::Debug for Masker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Masker(<{} secrets>)", self.secrets.len())
    }
}

impl Masker {
    /// A masker with no secrets.
    pub fn new() -> Masker {
        Masker::default()
    }

    /// Registers one secret (a decrypted value or secret file's text).
    pub fn add(&mut self, secret: &str) {
        let mut candidates = vec![secret.to_owned(), base64(secret.as_bytes())];
        if secret.contains('\n') {
            candidates.extend(secret.lines().map(|line| line.trim().to_owned()));
        }
        for candidate in candidates {
            if candidate.len() >= MIN_MASKED_LEN
                && !self.secrets.iter().any(|s| s.expose() == candidate)
            {
                self.secrets.push(SecretString::new(candidate));
            }
        }
        self.secrets
            .sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
    }

    /// Registers every string leaf of decrypted values (and their numbers and booleans as text).
    pub fn add_values(&mut self, values: &Value) {
        match values {
            Value::Nil | Value::Object(_) => {}
            Value::String(text) => self.add(text),
            Value::Bool(b) => self.add(&b.to_string()),
            Value::Int(i) => self.add(&i.to_string()),
            Value::Float(x) => self.add(&x.to_string()),
            Value::Bytes(bytes) => self.add(&String::from_utf8_lossy(bytes)),
            Value::List(items) => items.iter().for_each(|item| self.add_values(item)),
            Value::Dict(dict) => dict.read().values().for_each(|v| self.add_values(v)),
        }
    }

    /// Whether no secret is registered.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// `text` with every registered secret replaced by [`MASK`].
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if out.contains(secret.expose()) {
                out = Cow::Owned(out.replace(secret.expose(), MASK));
            }
        }
        out
    }
}

/// Standard base64 with padding, as Sprig's `b64enc`.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_whole_lines_and_base64() {
        let mut masker = Masker::new();
        masker.add("hunter2");
        masker.add("-----BEGIN KEY-----\n  abcdef\n-----END KEY-----\n");
        masker.add("1");
        assert_eq!(masker.mask("password=hunter2 n=1"), "password=*** n=1");
        assert_eq!(masker.mask("  abcdef"), "  ***");
        // `echo -n hunter2 | base64`
        assert_eq!(masker.mask("data: aHVudGVyMg=="), "data: ***");
        assert!(matches!(masker.mask("clean"), Cow::Borrowed(_)));
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn secret_string_is_redacted() {
        let s = SecretString::new("hunter2".into());
        assert_eq!(format!("{s:?} {s}"), "SecretString(<redacted>) ***");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn values_are_collected() {
        let mut masker = Masker::new();
        masker.add_values(&Value::list(vec![
            "s3cret-value".into(),
            Value::Int(123456),
        ]));
        assert_eq!(masker.mask("a s3cret-value 123456"), "a *** ***");
    }
}
