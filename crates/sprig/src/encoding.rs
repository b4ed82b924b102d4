//! Encodings and checksums: `b64enc`, `b64dec`, `b32enc`, `b32dec`, `sha1sum`, `sha256sum`,
//! `sha512sum`, `adler32sum`.

use base64::Engine as _;
use sha2::Digest as _;
use slipway_value::FuncMap;

use crate::args::{Arity, register};

/// Registers the encoding and checksum functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["b64enc"], Exact(1), |a| {
        Ok(b64enc(a.str(0)?.as_bytes()).into())
    });
    register(m, &["b64dec"], Exact(1), |a| {
        Ok(match b64dec(a.str(0)?) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => e,
        }
        .into())
    });
    register(m, &["b32enc"], Exact(1), |a| {
        Ok(data_encoding::BASE32.encode(a.str(0)?.as_bytes()).into())
    });
    register(m, &["b32dec"], Exact(1), |a| {
        let input: String = a
            .str(0)?
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n'))
            .collect();
        Ok(match data_encoding::BASE32.decode(input.as_bytes()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => format!("illegal base32 data at input byte {}", e.position),
        }
        .into())
    });
    register(m, &["sha1sum"], Exact(1), |a| {
        Ok(hex::encode(sha1::Sha1::digest(a.str(0)?)).into())
    });
    register(m, &["sha256sum"], Exact(1), |a| {
        Ok(hex::encode(sha2::Sha256::digest(a.str(0)?)).into())
    });
    register(m, &["sha512sum"], Exact(1), |a| {
        Ok(hex::encode(sha2::Sha512::digest(a.str(0)?)).into())
    });
    register(m, &["adler32sum"], Exact(1), |a| {
        Ok(adler32(a.str(0)?.as_bytes()).to_string().into())
    });
}

/// Standard base64 with padding (`base64.StdEncoding`).
pub(crate) fn b64enc(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// `base64.StdEncoding.DecodeString` (which skips `\r` and `\n`), with Go's error text.
pub(crate) fn b64dec(s: &str) -> Result<Vec<u8>, String> {
    let input: String = s.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    base64::engine::general_purpose::STANDARD
        .decode(input.as_bytes())
        .map_err(|e| {
            let at = match e {
                base64::DecodeError::InvalidByte(at, _)
                | base64::DecodeError::InvalidLastSymbol { offset: at, .. } => at,
                base64::DecodeError::InvalidLength(len) => len - len % 4,
                base64::DecodeError::InvalidPadding => input.len().saturating_sub(1),
            };
            format!("illegal base64 data at input byte {at}")
        })
}

/// Adler-32 (`hash/adler32.Checksum`).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_go() {
        assert_eq!(adler32(b"abc"), 38600999);
        assert_eq!(adler32(b""), 1);
    }

    #[test]
    fn base64_round_trip_and_errors() {
        assert_eq!(b64enc(b"abc"), "YWJj");
        assert_eq!(b64dec("YWJj\n").unwrap(), b"abc");
        assert_eq!(
            b64dec("YW*j").unwrap_err(),
            "illegal base64 data at input byte 2"
        );
    }
}
