//! The ciphertext formats: werf's AES-CBC (read and write), werf's AES-GCM version 2 (read) and
//! slipway's authenticated `swa1` format (read and write). See the crate docs for the layouts.

use std::fmt;
use std::str::FromStr;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt};
use aes::cipher::{KeyInit, KeyIvInit};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AesGcm, Nonce};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::hexcodec::{self, HexError};
use crate::key::SecretKey;

/// AES block size, which is also werf's IV size.
const BLOCK: usize = 16;
/// werf's two-byte little-endian header: 16 for CBC (it was the IV length), 2 for GCM.
const WERF_HEADER: usize = 2;
const WERF_CBC_VERSION: u16 = 16;
const WERF_GCM_VERSION: u16 = 2;
const GCM_NONCE: usize = 12;
const GCM_TAG: usize = 16;
/// The text prefix of slipway's authenticated format, version 1.
pub const SLIPWAY_PREFIX: &str = "swa1";
/// HKDF `info` that derives the AES-256 key of the `swa1` format from the secret key.
const SLIPWAY_KDF_INFO: &[u8] = b"slipway secret swa1 aes-256-gcm";

/// The format new ciphertexts are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cipher {
    /// werf's format: `1000` + IV + AES-CBC/PKCS#7. Every werf version reads it.
    #[default]
    AesCbc,
    /// slipway's authenticated format: `swa1` + nonce + AES-256-GCM. Tampering is detected;
    /// werf cannot read it.
    AesGcm,
}

impl FromStr for Cipher {
    type Err = String;

    fn from_str(s: &str) -> Result<Cipher, String> {
        match s {
            "aes-cbc" | "werf" => Ok(Cipher::AesCbc),
            "aes-gcm" => Ok(Cipher::AesGcm),
            other => Err(format!(
                "unknown secret cipher {other:?}: expected \"aes-cbc\" (werf-compatible) or \"aes-gcm\""
            )),
        }
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cipher::AesCbc => "aes-cbc",
            Cipher::AesGcm => "aes-gcm",
        })
    }
}

/// The format of a ciphertext, as detected from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// werf's AES-CBC format (hex starting with `1000`).
    WerfCbc,
    /// werf's AES-GCM format, version 2 (hex starting with `0200`).
    WerfGcm,
    /// slipway's authenticated format (`swa1` + hex).
    SlipwayGcm,
}

/// Why a ciphertext did not decrypt. The texts are werf's where werf has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// The ciphertext is not hex.
    #[error("{0}")]
    Hex(HexError),
    /// The ciphertext is shorter than its format allows.
    #[error("minimum required data length: '{0}'")]
    TooShort(usize),
    /// The CBC ciphertext is not a whole number of blocks.
    #[error("data isn't a multiple of the block size")]
    NotBlockMultiple,
    /// The CBC padding is not valid PKCS#7: almost always a wrong key.
    #[error("inconsistent data, unpad failed (the secret key is probably wrong)")]
    Unpad,
    /// The GCM tag did not verify.
    #[error("authentication failed: data has been tampered with or the encryption key is wrong")]
    Authentication,
    /// The prefix names a format version this build does not know.
    #[error("unsupported secret format version: {0}")]
    UnsupportedVersion(String),
}

impl DecryptError {
    /// Whether the data itself is malformed (as opposed to a wrong key or tampering).
    pub fn is_data_error(&self) -> bool {
        matches!(
            self,
            DecryptError::Hex(_)
                | DecryptError::TooShort(_)
                | DecryptError::NotBlockMultiple
                | DecryptError::UnsupportedVersion(_)
        )
    }
}

/// The system random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("read random bytes: {0}")]
pub struct RandomError(getrandom::Error);

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(RandomError)
}

/// Encrypts `plaintext` into one line of ciphertext text in the `cipher` format.
pub fn encrypt(key: &SecretKey, plaintext: &[u8], cipher: Cipher) -> Result<String, RandomError> {
    match cipher {
        Cipher::AesCbc => {
            let mut iv = [0u8; BLOCK];
            random_fill(&mut iv)?;
            Ok(encrypt_cbc_with_iv(key, &iv, plaintext))
        }
        Cipher::AesGcm => {
            let mut nonce = [0u8; GCM_NONCE];
            random_fill(&mut nonce)?;
            Ok(encrypt_swa1_with_nonce(key, &nonce, plaintext))
        }
    }
}

/// werf's format with a given IV: `hex(10 00 || iv || AES-CBC(PKCS7(plaintext)))`.
pub(crate) fn encrypt_cbc_with_iv(key: &SecretKey, iv: &[u8; BLOCK], plaintext: &[u8]) -> String {
    let pad = BLOCK - plaintext.len() % BLOCK;
    let mut buf = Zeroizing::new(Vec::with_capacity(plaintext.len() + pad));
    buf.extend_from_slice(plaintext);
    buf.resize(plaintext.len() + pad, pad as u8);
    let bytes = key.bytes();
    match bytes.len() {
        16 => cbc_encrypt::<Aes128>(bytes, iv, &mut buf),
        24 => cbc_encrypt::<Aes192>(bytes, iv, &mut buf),
        _ => cbc_encrypt::<Aes256>(bytes, iv, &mut buf),
    }
    let mut out = Vec::with_capacity(WERF_HEADER + BLOCK + buf.len());
    out.extend_from_slice(&WERF_CBC_VERSION.to_le_bytes());
    out.extend_from_slice(iv);
    out.extend_from_slice(&buf);
    hex::encode(out)
}

fn cbc_encrypt<C: BlockCipherEncrypt + KeyInit>(key: &[u8], iv: &[u8], buf: &mut [u8]) {
    let len = buf.len();
    // Key and IV sizes are fixed by the callers, and `buf` is already a whole number of blocks.
    if let Ok(mode) = cbc::Encryptor::<C>::new_from_slices(key, iv) {
        let _ = mode.encrypt_padded::<NoPadding>(buf, len);
    }
}

fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(key: &[u8], iv: &[u8], buf: &mut [u8]) {
    if let Ok(mode) = cbc::Decryptor::<C>::new_from_slices(key, iv) {
        let _ = mode.decrypt_padded::<NoPadding>(buf);
    }
}

fn swa1_key(key: &SecretKey) -> Zeroizing<[u8; 32]> {
    let mut derived = Zeroizing::new([0u8; 32]);
    let kdf = hkdf::Hkdf::<Sha256>::new(None, key.bytes());
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit.
    let _ = kdf.expand(SLIPWAY_KDF_INFO, derived.as_mut_slice());
    derived
}

/// slipway's format with a given nonce: `swa1` + `hex(nonce || AES-256-GCM(plaintext) || tag)`.
pub(crate) fn encrypt_swa1_with_nonce(
    key: &SecretKey,
    nonce: &[u8; GCM_NONCE],
    plaintext: &[u8],
) -> String {
    let derived = swa1_key(key);
    let gcm = aes_gcm::Aes256Gcm::new(&(*derived).into());
    let payload = Payload {
        msg: plaintext,
        aad: SLIPWAY_PREFIX.as_bytes(),
    };
    // AES-GCM only fails for messages over 64 GiB.
    let sealed = gcm
        .encrypt(&Nonce::from(*nonce), payload)
        .unwrap_or_default();
    let mut out = String::with_capacity(SLIPWAY_PREFIX.len() + 2 * (GCM_NONCE + sealed.len()));
    out.push_str(SLIPWAY_PREFIX);
    out.push_str(&hex::encode(nonce));
    out.push_str(&hex::encode(sealed));
    out
}

/// Which format `data` is in, from its prefix alone (no key needed).
pub fn detect_format(data: &[u8]) -> Result<Format, DecryptError> {
    if let Some(rest) = data.strip_prefix(b"swa") {
        return if rest.starts_with(b"1") {
            Ok(Format::SlipwayGcm)
        } else {
            let version: String = String::from_utf8_lossy(rest)
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .take(8)
                .collect();
            Err(DecryptError::UnsupportedVersion(format!("swa{version}")))
        };
    }
    let head = hexcodec::decode(&data[..data.len().min(4)]).map_err(DecryptError::Hex)?;
    if head.len() < WERF_HEADER {
        // Check the whole input for hex errors first, as werf does.
        hexcodec::decode(data).map_err(DecryptError::Hex)?;
        return Err(DecryptError::TooShort(2 * (WERF_HEADER + 2 * BLOCK)));
    }
    match u16::from_le_bytes([head[0], head[1]]) {
        WERF_CBC_VERSION => Ok(Format::WerfCbc),
        WERF_GCM_VERSION => Ok(Format::WerfGcm),
        other => Err(DecryptError::UnsupportedVersion(other.to_string())),
    }
}

/// Decrypts one ciphertext in any supported format, detected from its prefix. Empty input
/// decrypts to empty output, as in werf. The input must not carry surrounding whitespace.
///
/// Unlike werf, CBC padding is checked strictly, so a wrong key gives [`DecryptError::Unpad`]
/// instead of garbage (except for the ~1/256 of wrong keys that yield valid-looking padding).
pub fn decrypt(key: &SecretKey, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    if data.is_empty() {
        return Ok(Zeroizing::new(Vec::new()));
    }
    match detect_format(data)? {
        Format::SlipwayGcm => decrypt_swa1(key, &data[SLIPWAY_PREFIX.len()..]),
        Format::WerfCbc => decrypt_werf_cbc(key, data),
        Format::WerfGcm => decrypt_werf_gcm(key, data),
    }
}

fn decrypt_werf_cbc(key: &SecretKey, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let raw = hexcodec::decode(data).map_err(DecryptError::Hex)?;
    if raw.len() < WERF_HEADER + 2 * BLOCK {
        return Err(DecryptError::TooShort(2 * (WERF_HEADER + 2 * BLOCK)));
    }
    let iv = &raw[WERF_HEADER..WERF_HEADER + BLOCK];
    let mut buf = Zeroizing::new(raw[WERF_HEADER + BLOCK..].to_vec());
    if buf.len() % BLOCK != 0 {
        return Err(DecryptError::NotBlockMultiple);
    }
    let bytes = key.bytes();
    match bytes.len() {
        16 => cbc_decrypt::<Aes128>(bytes, iv, &mut buf),
        24 => cbc_decrypt::<Aes192>(bytes, iv, &mut buf),
        _ => cbc_decrypt::<Aes256>(bytes, iv, &mut buf),
    }
    let len = strict_unpad(&buf)?;
    buf.truncate(len);
    Ok(buf)
}

/// The plaintext length after strict PKCS#7 unpadding: 1..=16 padding bytes, all equal.
fn strict_unpad(buf: &[u8]) -> Result<usize, DecryptError> {
    let n = usize::from(*buf.last().ok_or(DecryptError::Unpad)?);
    if n == 0 || n > BLOCK || n > buf.len() {
        return Err(DecryptError::Unpad);
    }
    // Constant-time comparison of the padding bytes.
    let diff = buf[buf.len() - n..]
        .iter()
        .fold(0u8, |acc, &b| acc | (b ^ n as u8));
    if diff != 0 {
        return Err(DecryptError::Unpad);
    }
    Ok(buf.len() - n)
}

fn decrypt_werf_gcm(key: &SecretKey, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let raw = hexcodec::decode(data).map_err(DecryptError::Hex)?;
    let min = WERF_HEADER + GCM_NONCE + GCM_TAG;
    if raw.len() < min {
        return Err(DecryptError::TooShort(2 * min));
    }
    let (nonce, sealed) = raw[WERF_HEADER..].split_at(GCM_NONCE);
    let bytes = key.bytes();
    match bytes.len() {
        16 => gcm_open::<Aes128>(bytes, nonce, sealed, b""),
        24 => gcm_open::<Aes192>(bytes, nonce, sealed, b""),
        _ => gcm_open::<Aes256>(bytes, nonce, sealed, b""),
    }
}

fn decrypt_swa1(key: &SecretKey, hex_body: &[u8]) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let raw = hexcodec::decode(hex_body).map_err(DecryptError::Hex)?;
    let min = GCM_NONCE + GCM_TAG;
    if raw.len() < min {
        return Err(DecryptError::TooShort(SLIPWAY_PREFIX.len() + 2 * min));
    }
    let (nonce, sealed) = raw.split_at(GCM_NONCE);
    let derived = swa1_key(key);
    gcm_open::<Aes256>(derived.as_slice(), nonce, sealed, SLIPWAY_PREFIX.as_bytes())
}

fn gcm_open<C>(
    key: &[u8],
    nonce: &[u8],
    sealed: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, DecryptError>
where
    C: BlockCipherEncrypt
        + KeyInit
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
{
    let gcm = AesGcm::<C, aes::cipher::consts::U12>::new_from_slice(key)
        .map_err(|_| DecryptError::Authentication)?;
    let nonce = Nonce::try_from(nonce).map_err(|_| DecryptError::Authentication)?;
    gcm.decrypt(&nonce, Payload { msg: sealed, aad })
        .map(Zeroizing::new)
        .map_err(|_| DecryptError::Authentication)
}

#[cfg(test)]
mod tests;
