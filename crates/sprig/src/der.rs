//! The bit of DER reading and writing needed to turn PKCS#8 keys into the PEM forms Go's
//! `crypto/x509` writes (PKCS#1 for RSA, SEC 1 for ECDSA, minimal PKCS#8 for Ed25519).

/// One DER element: its tag and contents.
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
}

/// Reads the elements of a DER sequence's contents (or any concatenation of elements).
pub(crate) fn elements(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let tag = *data.first()?;
        let first = *data.get(1)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for &b in data.get(2..2 + n)? {
                len = (len << 8) | usize::from(b);
            }
            (len, 2 + n)
        };
        let content = data.get(header..header + len)?;
        out.push(Tlv { tag, content });
        data = &data[header + len..];
    }
    Some(out)
}

/// Encodes one DER element.
pub(crate) fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The `privateKey` octets of a PKCS#8 `PrivateKeyInfo`.
pub(crate) fn pkcs8_private_key(pkcs8: &[u8]) -> Option<&[u8]> {
    let outer = elements(pkcs8)?;
    let info = elements(outer.first()?.content)?;
    info.iter().find(|e| e.tag == 0x04).map(|e| e.content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_lengths() {
        let long = vec![7u8; 300];
        let enc = encode(0x04, &long);
        assert_eq!(&enc[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let parsed = elements(&enc).unwrap();
        assert_eq!(parsed[0].content.len(), 300);
    }
}
