//! werf-compatible secret values and files, and slipway's authenticated secret format.
//!
//! # API
//! - [`SecretKey::resolve`]`(env, project_root, home)` finds the key (see below);
//!   [`SecretKey::resolve_old`] the old key for rotation; [`SecretKey::from_hex`],
//!   [`SecretKey::generate`].
//! - [`decrypt_values`]`(&Value, &key, file_name)` decrypts every string leaf of a parsed
//!   secret values file; [`decrypt_file`]`(bytes, &key, file_name)` one secret file;
//!   [`SecretFiles::from_chart_files`] a chart's `secret/**` files, and [`SecretFiles::get`]
//!   implements `werf_secret_file` with werf's error texts ([`SecretFiles::template_func`] is
//!   the template function itself).
//! - [`encrypt`]`(&key, plaintext, Cipher)` / [`decrypt`]`(&key, ciphertext)` for one value.
//! - [`yaml_text`] rewrites the leaves of a values file's *text*, keeping comments and order
//!   (`slipway secret values encrypt|decrypt|edit`, `rotate-key`).
//! - [`Masker`] hides decrypted strings in logs and diffs; [`SecretString`] never prints.
//!
//! # Formats
//! Decryption detects the format from the prefix, so files may mix them.
//!
//! * **werf AES-CBC** (written by default, readable by every werf version):
//!   `hex_lower(10 00 || IV[16] || AES-CBC(key, IV, PKCS7(plaintext)))`, so it starts with `1000`.
//!   The key is the hex-decoded secret key (16, 24 or 32 bytes: AES-128/192/256). Unlike werf,
//!   the PKCS#7 padding is checked strictly (1..=16 equal bytes), so a wrong key is reported as
//!   [`DecryptError::Unpad`] instead of producing garbage (a wrong key still slips through
//!   about once in 256 tries; values files additionally require UTF-8 text).
//! * **werf AES-GCM, version 2** (read only): `hex_lower(02 00 || nonce[12] || AES-GCM(key,
//!   nonce, plaintext) || tag[16])`, no associated data, the same key as above. Values written
//!   this way carry their YAML tag (`!!int`...) inside the payload; it is restored.
//! * **slipway authenticated format `swa1`** (written with `--cipher aes-gcm` or
//!   `SLIPWAY_SECRET_CIPHER=aes-gcm`): the text `swa1` followed by
//!   `hex_lower(nonce[12] || AES-256-GCM(k, nonce, plaintext, aad = "swa1") || tag[16])` where
//!   `k = HKDF-SHA256(salt = none, ikm = secret key bytes, info = "slipway secret swa1
//!   aes-256-gcm")`, 32 bytes. The prefix is not hex, so any werf fails on it with a clear
//!   `invalid byte` error instead of decrypting garbage; the prefix is authenticated; a later
//!   version would be `swa2`. Tampering and wrong keys give [`DecryptError::Authentication`].
//!
//! Empty input decrypts to empty output (werf does the same).
//!
//! # Keys
//! Lookup order: `$SLIPWAY_SECRET_KEY`, `$WERF_SECRET_KEY` (used as is), then the first file
//! that exists of `<project root>/.werf_secret_key` and `<$WERF_HOME or ~/.werf>/global_secret_key`
//! (trimmed). The old key for rotation comes from `$SLIPWAY_OLD_SECRET_KEY` or
//! `$WERF_OLD_SECRET_KEY` only. Key bytes and plaintexts are zeroized when dropped.
//!
//! # No leaks
//! Errors name the file and the YAML path of a value, never decrypted data (nor the ciphertext
//! text, which might be a plaintext someone forgot to encrypt).

pub mod cipher;
mod error;
mod hexcodec;
pub mod key;
mod masker;
mod secret_files;
mod values;
pub mod yaml_text;

pub use cipher::{Cipher, DecryptError, Format, decrypt, detect_format, encrypt};
pub use error::SecretError;
pub use hexcodec::HexError;
pub use key::{KeyError, SecretKey};
pub use masker::{MASK, MIN_MASKED_LEN, Masker, SecretString};
pub use secret_files::{SECRET_DIR, SecretFiles};
pub use values::{PathSegment, YamlPath, decrypt_file, decrypt_values};
/// Re-exported so that callers can hold plaintexts that are zeroized on drop.
pub use zeroize::Zeroizing;
