//! Keys and certificates: `genPrivateKey`, `buildCustomCert`, `genCA`, `genCAWithKey`,
//! `genSelfSignedCert`, `genSelfSignedCertWithKey`, `genSignedCert`, `genSignedCertWithKey`.
//!
//! Keys come out in the PEM forms Go's `crypto/x509` writes (`RSA PRIVATE KEY` PKCS#1,
//! `EC PRIVATE KEY` SEC 1, `PRIVATE KEY` PKCS#8 for Ed25519); certificates carry Sprig's
//! template (random 128-bit serial, CN subject, key usages, server and client auth).
//! DSA keys can be generated (`genPrivateKey "dsa"`) but, as in Go, not used to sign.

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, SanType,
    SerialNumber,
};
use sha1::Digest as _;
use slipway_value::{Dict, FuncError, FuncMap, Object, Value};

use crate::args::{Args, Arity, failed, register, wrong_type};
use crate::cast::strval;
use crate::der;
use crate::encoding::{b64dec, b64enc};
use crate::random;

/// Registers the key and certificate functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["genPrivateKey"], Exact(1), |a| {
        let typ = a.str(0)?;
        let generated = match typ {
            "" | "rsa" => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_4096)
            }
            "ecdsa" => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            "ed25519" => KeyPair::generate_for(&rcgen::PKCS_ED25519),
            "dsa" => return Ok(pem_encode("DSA PRIVATE KEY", &crate::dsa::generate_der()).into()),
            other => return Ok(format!("Unknown type {other}").into()),
        };
        Ok(match generated {
            Ok(kp) => go_key_pem(&kp),
            Err(e) => format!("failed to generate private key: {e}"),
        }
        .into())
    });
    register(m, &["buildCustomCert"], Exact(2), |a| {
        build_custom_cert(a.str(0)?, a.str(1)?).map_err(failed)
    });
    register(m, &["genCA"], Exact(2), |a| {
        let key = rsa_2048()?;
        issue(a.str(0)?, &[], &[], a.int(1)?, key, None, true)
    });
    register(m, &["genCAWithKey"], Exact(3), |a| {
        let key = pem_key_arg(a.str(2)?)?;
        issue(a.str(0)?, &[], &[], a.int(1)?, key, None, true)
    });
    register(m, &["genSelfSignedCert"], Exact(4), |a| {
        let (ips, dns) = (list_arg(a, 1)?, list_arg(a, 2)?);
        issue(a.str(0)?, &ips, &dns, a.int(3)?, rsa_2048()?, None, false)
    });
    register(m, &["genSelfSignedCertWithKey"], Exact(5), |a| {
        let (ips, dns) = (list_arg(a, 1)?, list_arg(a, 2)?);
        let key = pem_key_arg(a.str(4)?)?;
        issue(a.str(0)?, &ips, &dns, a.int(3)?, key, None, false)
    });
    register(m, &["genSignedCert"], Exact(5), |a| {
        let (ips, dns) = (list_arg(a, 1)?, list_arg(a, 2)?);
        let ca = ca_arg(a.any(4))?;
        issue(
            a.str(0)?,
            &ips,
            &dns,
            a.int(3)?,
            rsa_2048()?,
            Some(ca),
            false,
        )
    });
    register(m, &["genSignedCertWithKey"], Exact(6), |a| {
        let (ips, dns) = (list_arg(a, 1)?, list_arg(a, 2)?);
        let ca = ca_arg(a.any(4))?;
        let key = pem_key_arg(a.str(5)?)?;
        issue(a.str(0)?, &ips, &dns, a.int(3)?, key, Some(ca), false)
    });
}

/// Sprig's `certificate` struct: `.Cert` and `.Key`, both PEM.
pub struct Certificate {
    cert: String,
    key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(self.cert.as_str().into()),
            "Key" => Some(self.key.as_str().into()),
            _ => None,
        }
    }

    fn to_data(&self) -> Value {
        let d = Dict::new();
        d.insert("Cert", self.cert.as_str().into());
        d.insert("Key", self.key.as_str().into());
        Value::Dict(d)
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

fn certificate(cert: String, key: String) -> Value {
    Value::Object(Arc::new(Certificate { cert, key }))
}

fn rsa_2048() -> Result<Key, FuncError> {
    KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .map(Key::Pair)
        .map_err(|e| failed(format!("error generating rsa key: {e}")))
}

fn pem_key_arg(pem: &str) -> Result<Key, FuncError> {
    parse_private_key_pem(pem).map_err(|e| failed(format!("parsing private key: {e}")))
}

/// A `[]interface{}` of strings (nil is none).
fn list_arg(a: &Args<'_>, i: usize) -> Result<Vec<Value>, FuncError> {
    match a.any(i) {
        Value::Nil => Ok(Vec::new()),
        Value::List(items) => Ok(items.to_vec()),
        other => Err(wrong_type("[]interface {}", other)),
    }
}

fn ca_arg(v: &Value) -> Result<(String, String), FuncError> {
    let c = match v {
        Value::Object(o) => o.as_any().and_then(|a| a.downcast_ref::<Certificate>()),
        _ => None,
    };
    c.map(|c| (c.cert.clone(), c.key.clone()))
        .ok_or_else(|| wrong_type("sprig.certificate", v))
}

/// Go's `pem.EncodeToMemory`: 64-column base64 lines.
fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = b64enc(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Go's `pem.Decode`: the first PEM block (type and bytes) in `text`.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let label_end = rest.find("-----")?;
    let label = &rest[..label_end];
    let body_start = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start[..body_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((label.to_owned(), b64dec(&body).ok()?))
}

/// The key in the PEM form Go's `pemBlockForKey` gives it.
fn go_key_pem(kp: &KeyPair) -> String {
    let der = kp.serialized_der();
    let is_pkcs8 = der::elements(der)
        .and_then(|outer| der::elements(outer.first()?.content))
        .is_some_and(|items| items.get(1).is_some_and(|e| e.tag == 0x30));
    let inner = if is_pkcs8 {
        der::pkcs8_private_key(der).unwrap_or(der)
    } else {
        der
    };
    let alg = kp.algorithm();
    if alg == &rcgen::PKCS_RSA_SHA256 {
        pem_encode("RSA PRIVATE KEY", inner)
    } else if alg == &rcgen::PKCS_ECDSA_P256_SHA256 {
        pem_encode(
            "EC PRIVATE KEY",
            &sec1_with_curve(inner, kp.public_key_raw()),
        )
    } else {
        // Ed25519: Go's minimal PKCS#8 around the 32-byte seed.
        let seed = der::elements(inner)
            .and_then(|e| e.first().map(|t| t.content.to_vec()))
            .filter(|s| s.len() == 32)
            .unwrap_or_else(|| {
                inner
                    .get(inner.len().saturating_sub(32)..)
                    .unwrap_or(inner)
                    .to_vec()
            });
        let mut pkcs8 = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        pkcs8.extend_from_slice(&seed);
        pem_encode("PRIVATE KEY", &pkcs8)
    }
}

/// SEC 1 `ECPrivateKey` as Go's `MarshalECPrivateKey` writes it (with the P-256 curve OID and
/// the public key).
fn sec1_with_curve(inner: &[u8], public: &[u8]) -> Vec<u8> {
    let scalar = der::elements(inner)
        .and_then(|outer| der::elements(outer.first()?.content))
        .and_then(|items| {
            items
                .iter()
                .find(|e| e.tag == 0x04)
                .map(|e| e.content.to_vec())
        })
        .unwrap_or_default();
    const P256_OID: [u8; 8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let mut bits = vec![0u8];
    bits.extend_from_slice(public);
    let mut body = der::encode(0x02, &[1]);
    body.extend(der::encode(0x04, &scalar));
    body.extend(der::encode(0xa0, &der::encode(0x06, &P256_OID)));
    body.extend(der::encode(0xa1, &der::encode(0x03, &bits)));
    der::encode(0x30, &body)
}

/// A parsed private key: one that can sign, or a DSA key (Go parses those but cannot make
/// certificates with them).
enum Key {
    Pair(KeyPair),
    Dsa,
}

const NOT_A_SIGNER: &str =
    "error creating certificate: x509: certificate private key does not implement crypto.Signer";

/// Sprig's `parsePrivateKeyPEM` with its error texts.
fn parse_private_key_pem(pem: &str) -> Result<Key, String> {
    let (label, bytes) = pem_decode(pem).ok_or("no PEM data in input")?;
    if label == "PRIVATE KEY" {
        return KeyPair::try_from(bytes.as_slice())
            .map(Key::Pair)
            .map_err(|e| {
                format!("decoding PEM as PKCS#8: x509: failed to parse private key: {e}")
            });
    }
    let Some(kind) = label.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {label}"));
    };
    match kind {
        "RSA" => KeyPair::try_from(bytes.as_slice())
            .map(Key::Pair)
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => KeyPair::try_from(bytes.as_slice())
            .map(Key::Pair)
            .map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => {
            let ints = der::elements(&bytes)
                .and_then(|outer| der::elements(outer.first()?.content))
                .filter(|items| items.len() == 6 && items.iter().all(|e| e.tag == 0x02));
            ints.map(|_| Key::Dsa)
                .ok_or_else(|| "parsing DSA private key from PEM: asn1: structure error".to_owned())
        }
        _ => Err(format!("invalid private key type {label}")),
    }
}

fn build_custom_cert(b64cert: &str, b64key: &str) -> Result<Value, String> {
    let cert = b64dec(b64cert).map_err(|_| "unable to decode base64 certificate")?;
    let key = b64dec(b64key).map_err(|_| "unable to decode base64 private key")?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    x509_parser::parse_x509_certificate(&der)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: x509: {e}"))?;
    parse_private_key_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(certificate(cert, key))
}

/// Builds Sprig's certificate template and signs it (self-signed, or by `ca`).
fn issue(
    cn: &str,
    ips: &[Value],
    dns: &[Value],
    days: i64,
    key: Key,
    ca: Option<(String, String)>,
    is_ca: bool,
) -> Result<Value, FuncError> {
    let mut params = CertificateParams::default();
    for name in dns {
        let Value::String(s) = name else {
            return Err(failed(format!(
                "error processing alternate dns name: {} is not a string",
                strval(name)
            )));
        };
        let ia5 = s
            .to_string()
            .try_into()
            .map_err(|e| failed(format!("error creating certificate: {e}")))?;
        params.subject_alt_names.push(SanType::DnsName(ia5));
    }
    for ip in ips {
        let Value::String(s) = ip else {
            return Err(failed(format!(
                "error parsing ip: {} is not a string",
                strval(ip)
            )));
        };
        let addr: IpAddr = s
            .parse()
            .map_err(|_| failed(format!("error parsing ip: {s}")))?;
        params.subject_alt_names.push(SanType::IpAddress(addr));
    }
    let mut serial = random::bytes(16);
    serial.insert(0, 0);
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let mut name = DistinguishedName::new();
    let cn_value = match cn.to_owned().try_into() {
        Ok(printable) => DnValue::PrintableString(printable),
        Err(_) => DnValue::Utf8String(cn.to_owned()),
    };
    name.push(DnType::CommonName, cn_value);
    params.distinguished_name = name;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now;
    params.not_after = now + time::Duration::hours(24 * days);
    params.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    if is_ca {
        params.key_usages.push(KeyUsagePurpose::KeyCertSign);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    } else {
        params.is_ca = IsCa::ExplicitNoCa;
    }
    let creating = |e: rcgen::Error| failed(format!("error creating certificate: {e}"));
    let signee = match &key {
        Key::Pair(kp) => Some(kp),
        Key::Dsa => None,
    };
    if let Some(kp) = signee {
        params.key_identifier_method =
            KeyIdMethod::PreSpecified(sha1::Sha1::digest(kp.public_key_raw()).to_vec());
    }
    let (cert, kp) = match ca {
        None => {
            let kp = signee.ok_or_else(|| failed(NOT_A_SIGNER))?;
            (params.self_signed(kp).map_err(creating)?, kp)
        }
        Some((ca_cert, ca_key)) => {
            let (_, ca_der) =
                pem_decode(&ca_cert).ok_or_else(|| failed("unable to decode certificate"))?;
            x509_parser::parse_x509_certificate(&ca_der).map_err(|e| {
                failed(format!(
                    "error parsing certificate: decodedSignerCert.Bytes: x509: {e}"
                ))
            })?;
            let signer = parse_private_key_pem(&ca_key)
                .map_err(|e| failed(format!("error parsing private key: {e}")))?;
            let Key::Pair(signer) = signer else {
                return Err(failed(NOT_A_SIGNER));
            };
            let kp = signee.ok_or_else(|| {
                failed(
                    "error creating certificate: x509: unsupported public key type: *dsa.PublicKey",
                )
            })?;
            let issuer = Issuer::from_ca_cert_der(&ca_der.into(), signer).map_err(creating)?;
            params.use_authority_key_identifier_extension = true;
            (params.signed_by(kp, &issuer).map_err(creating)?, kp)
        }
    };
    Ok(certificate(
        pem_encode("CERTIFICATE", cert.der()),
        go_key_pem(kp),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let mut m = FuncMap::new();
        register_all(&mut m);
        m[name](args)
    }

    fn field(v: &Value, name: &str) -> String {
        match v {
            Value::Object(o) => strval(&o.field(name).unwrap()),
            other => panic!("not a certificate: {other:?}"),
        }
    }

    #[test]
    fn keys_come_out_in_go_pem_forms() {
        let ec = call("genPrivateKey", &["ecdsa".into()]).unwrap();
        let ec = ec.as_str().unwrap();
        assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        let (_, der) = pem_decode(ec).unwrap();
        assert_eq!(der.len(), 121, "Go's P-256 SEC 1 keys are 121 bytes");
        assert!(parse_private_key_pem(ec).is_ok());
        let ed = call("genPrivateKey", &["ed25519".into()]).unwrap();
        let (label, der) = pem_decode(ed.as_str().unwrap()).unwrap();
        assert_eq!((label.as_str(), der.len()), ("PRIVATE KEY", 48));
        assert_eq!(
            call("genPrivateKey", &["bad".into()]).unwrap(),
            Value::from("Unknown type bad")
        );
    }

    #[test]
    fn ca_signs_certificates() {
        let ca = call("genCA", &["foo-ca".into(), Value::Int(365)]).unwrap();
        assert!(field(&ca, "Cert").starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(field(&ca, "Key").starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let ips = Value::list(vec!["10.0.0.1".into()]);
        let dns = Value::list(vec!["foo.com".into()]);
        let cert = call(
            "genSignedCert",
            &["foo.com".into(), ips, dns, Value::Int(365), ca],
        )
        .unwrap();
        let (_, der) = pem_decode(&field(&cert, "Cert")).unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(parsed.issuer().to_string(), "CN=foo-ca");
        assert_eq!(parsed.subject().to_string(), "CN=foo.com");
        let ec_key = call("genPrivateKey", &["ecdsa".into()]).unwrap();
        let own = call(
            "genSelfSignedCertWithKey",
            &[
                "x".into(),
                Value::Nil,
                Value::Nil,
                Value::Int(1),
                ec_key.clone(),
            ],
        )
        .unwrap();
        assert_eq!(field(&own, "Key"), ec_key.as_str().unwrap());
    }

    #[test]
    fn custom_cert_errors_have_sprig_texts() {
        let err = call("buildCustomCert", &["!!".into(), "".into()]).unwrap_err();
        assert_eq!(
            err,
            FuncError::Failed("unable to decode base64 certificate".into())
        );
    }
}
