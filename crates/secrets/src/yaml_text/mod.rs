//! Encrypting, decrypting, editing and rotating secret values files *as text*: every scalar
//! leaf is replaced in place, so comments, key order and layout stay as they are and a git
//! diff shows only the values that changed. Mapping keys stay plain; nulls are left alone.

mod scan;

use std::collections::HashMap;

use zeroize::{Zeroize, Zeroizing};

pub use scan::{Leaf, ScalarKind, ScanError, scan};

use crate::cipher::{self, Cipher, Format};
use crate::error::SecretError;
use crate::key::SecretKey;
use crate::values::{YamlPath, werf_frame};

fn scan_file(text: &str, file: &str) -> Result<Vec<Leaf>, SecretError> {
    scan(text).map_err(|err| SecretError::Yaml {
        file: file.to_owned(),
        message: format!("line {}: {}", err.line, err.message),
    })
}

/// `text` with each leaf's span replaced by its replacement (`None` keeps the leaf).
fn rewrite(text: &str, leaves: &[Leaf], replacements: &[Option<String>]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut last = 0;
    for (leaf, replacement) in leaves.iter().zip(replacements) {
        let Some(replacement) = replacement else {
            continue;
        };
        out.push_str(&text[last..leaf.span.start]);
        if let Some(anchor) = &leaf.anchor {
            out.push_str(anchor);
            out.push(' ');
        }
        out.push_str(replacement);
        last = leaf.span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The plaintext werf encrypts for a leaf, or `None` for a null leaf.
fn plaintext(leaf: &Leaf) -> Option<&str> {
    (leaf.kind != ScalarKind::Null).then_some(leaf.text.as_str())
}

/// Encrypts every non-null leaf of a plain values file (`slipway secret values encrypt`).
pub fn encrypt_values_text(
    text: &str,
    key: &SecretKey,
    cipher: Cipher,
    file: &str,
) -> Result<String, SecretError> {
    let leaves = scan_file(text, file)?;
    let replacements = leaves
        .iter()
        .map(|leaf| {
            plaintext(leaf)
                .map(|plain| cipher::encrypt(key, plain.as_bytes(), cipher))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rewrite(text, &leaves, &replacements))
}

/// A decrypted leaf: its plaintext and, for werf AES-GCM framed values, its YAML tag.
type DecryptedLeaf = (Zeroizing<String>, Option<String>);

/// Decrypts one encrypted leaf to its plaintext (UTF-8), and whether werf stored it framed with
/// its YAML tag (`Some(tag)`, the plaintext then being the bare value).
fn decrypt_leaf(
    leaf: &Leaf,
    key: &SecretKey,
    file: &str,
) -> Result<Option<DecryptedLeaf>, SecretError> {
    match leaf.kind {
        ScalarKind::Null => return Ok(None),
        ScalarKind::Str => {}
        other => {
            return Err(SecretError::NotString {
                file: file.to_owned(),
                path: leaf.path.to_string(),
                kind: other.name(),
            });
        }
    }
    let data = leaf.text.as_bytes();
    let plain = cipher::decrypt(key, data)
        .map_err(|err| SecretError::decrypt(file, Some(leaf.path.to_string()), data.len(), err))?;
    let text = String::from_utf8(plain.to_vec()).map_err(|_| SecretError::NotText {
        file: file.to_owned(),
        path: leaf.path.to_string(),
    })?;
    let text = Zeroizing::new(text);
    if cipher::detect_format(data) == Ok(Format::WerfGcm)
        && let Some((tag, value)) = werf_frame(&text)
    {
        return Ok(Some((
            Zeroizing::new(value.to_owned()),
            Some(tag.to_owned()),
        )));
    }
    Ok(Some((text, None)))
}

/// Decrypts every leaf of an encrypted values file (`slipway secret values decrypt`). Every
/// value comes out as a YAML string (quoted where it would otherwise read as another type),
/// except values that werf's AES-GCM format stored with a non-string tag.
pub fn decrypt_values_text(
    text: &str,
    key: &SecretKey,
    file: &str,
) -> Result<Zeroizing<String>, SecretError> {
    let leaves = scan_file(text, file)?;
    let mut replacements = Vec::with_capacity(leaves.len());
    for leaf in &leaves {
        let emitted = decrypt_leaf(leaf, key, file)?.map(|(plain, tag)| match tag.as_deref() {
            Some("!!int" | "!!float" | "!!bool" | "!!null")
                if scan::resolve_plain(&plain).0 != ScalarKind::Str =>
            {
                plain.to_string()
            }
            _ => emit_string(&plain, leaf.block_indent),
        });
        replacements.push(emitted);
    }
    let out = Zeroizing::new(rewrite(text, &leaves, &replacements));
    replacements.iter_mut().flatten().for_each(Zeroize::zeroize);
    Ok(out)
}

/// Re-encrypts a values file after `edit`: `edited` is the plaintext the user saved and
/// `previous` the encrypted file before editing. A leaf whose plaintext is unchanged at the
/// same path keeps its old ciphertext, so the git diff shows only what changed.
pub fn reencrypt_edited(
    edited: &str,
    previous: &str,
    key: &SecretKey,
    cipher: Cipher,
    file: &str,
) -> Result<String, SecretError> {
    let mut old: HashMap<YamlPath, (Zeroizing<String>, String)> = HashMap::new();
    for leaf in scan_file(previous, file)? {
        if let Some((plain, _)) = decrypt_leaf(&leaf, key, file)? {
            old.insert(leaf.path.clone(), (plain, leaf.text.clone()));
        }
    }
    let leaves = scan_file(edited, file)?;
    let mut replacements = Vec::with_capacity(leaves.len());
    for leaf in &leaves {
        let Some(plain) = plaintext(leaf) else {
            replacements.push(None);
            continue;
        };
        let sealed = match old.get(&leaf.path) {
            Some((old_plain, old_sealed)) if old_plain.as_str() == plain => old_sealed.clone(),
            _ => cipher::encrypt(key, plain.as_bytes(), cipher)?,
        };
        replacements.push(Some(sealed));
    }
    Ok(rewrite(edited, &leaves, &replacements))
}

/// Re-encrypts every leaf of an encrypted values file from `old_key` to `new_key`
/// (`slipway secret rotate-key`).
pub fn rotate_values_text(
    text: &str,
    old_key: &SecretKey,
    new_key: &SecretKey,
    cipher: Cipher,
    file: &str,
) -> Result<String, SecretError> {
    let leaves = scan_file(text, file)?;
    let mut replacements = Vec::with_capacity(leaves.len());
    for leaf in &leaves {
        let sealed = match decrypt_leaf(leaf, old_key, file)? {
            Some((plain, None)) => Some(cipher::encrypt(new_key, plain.as_bytes(), cipher)?),
            // A werf AES-GCM framed value: keep the frame so its type survives.
            Some((_, Some(_))) => {
                let full = cipher::decrypt(old_key, leaf.text.as_bytes()).map_err(|err| {
                    SecretError::decrypt(file, Some(leaf.path.to_string()), leaf.text.len(), err)
                })?;
                Some(cipher::encrypt(new_key, &full, cipher)?)
            }
            None => None,
        };
        replacements.push(sealed);
    }
    Ok(rewrite(text, &leaves, &replacements))
}

/// A YAML scalar holding exactly `value` as a string: plain when that reads back as the same
/// string, a literal block (`|`, `|-`) for multi-line text in block context, double-quoted
/// otherwise. `block_indent` is the parent's indentation (`None` in flow context).
pub fn emit_string(value: &str, block_indent: Option<usize>) -> String {
    if plain_safe(value, block_indent.is_none()) {
        return value.to_owned();
    }
    if let Some(indent) = block_indent
        && literal_safe(value)
    {
        let body = value.strip_suffix('\n').unwrap_or(value);
        let header = if value.ends_with('\n') { "|" } else { "|-" };
        let pad = " ".repeat(indent + 2);
        let mut out = String::from(header);
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        return out;
    }
    double_quoted(value)
}

fn plain_safe(value: &str, flow: bool) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let indicator_start = matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
            | '\t'
    );
    let flow_conflict = flow && value.contains([',', '[', ']', '{', '}']);
    !indicator_start
        && !flow_conflict
        && !value.ends_with([' ', '\t', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.chars().any(|c| c.is_control() || c == '\u{feff}')
        && scan::resolve_plain(value).0 == ScalarKind::Str
}

fn literal_safe(value: &str) -> bool {
    value.contains('\n')
        && !value.starts_with([' ', '\t', '\n'])
        && !value.ends_with("\n\n")
        && !value
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}')
        && value.split('\n').all(|line| !line.ends_with([' ', '\t']))
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || c == '\u{feff}' => {
                let code = u32::from(c);
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{code:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
