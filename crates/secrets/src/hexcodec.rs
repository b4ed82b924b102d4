//! Hex decoding with Go's `encoding/hex` error semantics, so that messages match werf's.

use std::fmt;

use zeroize::Zeroizing;

/// Why a hex string did not decode, worded as Go's `encoding/hex` words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexError {
    /// The input has an odd number of characters (`encoding/hex: odd length hex string`).
    OddLength,
    /// The input holds a byte that is not a hex digit (`encoding/hex: invalid byte: U+0078 'x'`).
    InvalidByte(u8),
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::OddLength => f.write_str("encoding/hex: odd length hex string"),
            HexError::InvalidByte(byte) => {
                // Go prints `%#U` of the byte taken as a rune: the quoted character only when
                // it is printable.
                let ch = char::from(*byte);
                if ch.is_control() || ch == '\u{ad}' {
                    write!(f, "encoding/hex: invalid byte: U+{:04X}", byte)
                } else {
                    write!(f, "encoding/hex: invalid byte: U+{:04X} '{}'", byte, ch)
                }
            }
        }
    }
}

impl std::error::Error for HexError {}

fn nibble(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes upper- or lower-case hex. As in Go, the first invalid byte is reported before an odd
/// length. The result is zeroized on drop because it may hold key material.
pub fn decode(input: &[u8]) -> Result<Zeroizing<Vec<u8>>, HexError> {
    if let Some(&bad) = input.iter().find(|&&b| nibble(b).is_none()) {
        return Err(HexError::InvalidByte(bad));
    }
    if input.len() % 2 == 1 {
        return Err(HexError::OddLength);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(input.len() / 2));
    for pair in input.chunks_exact(2) {
        // Both nibbles were validated above.
        let hi = nibble(pair[0]).unwrap_or_default();
        let lo = nibble(pair[1]).unwrap_or_default();
        out.push(hi << 4 | lo);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_error_texts() {
        assert_eq!(
            decode(b"1").unwrap_err().to_string(),
            "encoding/hex: odd length hex string"
        );
        assert_eq!(
            decode(b"1x").unwrap_err().to_string(),
            "encoding/hex: invalid byte: U+0078 'x'"
        );
        assert_eq!(
            decode(b"x").unwrap_err().to_string(),
            "encoding/hex: invalid byte: U+0078 'x'"
        );
        assert_eq!(
            decode(b"0\n").unwrap_err().to_string(),
            "encoding/hex: invalid byte: U+000A"
        );
        assert_eq!(decode(b"0aFF").unwrap().as_slice(), &[0x0a, 0xff]);
    }
}
