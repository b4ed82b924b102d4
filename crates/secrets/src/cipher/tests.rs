//! werf's test vectors (werf-nelm.md §1.7) and vectors made with Python's `cryptography`.

use super::*;

fn key(hex: &str) -> SecretKey {
    SecretKey::from_hex(hex).unwrap()
}

fn plain(key: &SecretKey, data: &str) -> String {
    String::from_utf8(decrypt(key, data.as_bytes()).unwrap().to_vec()).unwrap()
}

const KEY_A: &str = "11ac8312520b5ff037bae386ea2e8a07";
const KEY_B: &str = "bc3458408a5687e60b9417adb84e4ad0";
const KEY_C: &str = "82a0f04a09e034421a8978c60bffac87";
const FLANT: &str = "10000f13a718d019612ab8ad30d9bec8e2c09df0f2d168c179bef954e78371bf6a5a";

#[test]
fn vectors_a_common_go() {
    let k = key(KEY_A);
    assert_eq!(plain(&k, FLANT), "flant");
    assert_eq!(plain(&k, &FLANT.to_uppercase()), "flant");
    let tampered = format!("{}b", &FLANT[..FLANT.len() - 1]);
    assert_eq!(
        decrypt(&k, tampered.as_bytes()).unwrap_err(),
        DecryptError::Unpad
    );
    let err = decrypt(&k, b"12").unwrap_err();
    assert_eq!(err, DecryptError::TooShort(68));
    assert_eq!(err.to_string(), "minimum required data length: '68'");
    assert_eq!(
        decrypt(&k, b"1").unwrap_err().to_string(),
        "encoding/hex: odd length hex string"
    );
    assert_eq!(
        decrypt(&k, b"1x").unwrap_err().to_string(),
        "encoding/hex: invalid byte: U+0078 'x'"
    );
    assert!(decrypt(&k, b"").unwrap().is_empty());
}

#[test]
fn vectors_b_werf_e2e() {
    let k = key(KEY_B);
    let cases = [
        (
            "10007b717b44ec49b722c5d517cf6259bd20c93ea5ef2dcfc3934bccee59613d0ac07f5f39835d30f3736fc5d3edc10335bb",
            "added_via_secret_values",
        ),
        (
            "1000ad8725d33000e7bf81a5b65851003b9ca35e999b617ccff1fe402c7a941382f4fc5c9257de633a42427958b5fb43b2e3",
            "overridden_via_secret_values",
        ),
        (
            "1000dc58aec55b8ce919d24fd1a9c5435f983d9a39f1fba0971d2452ae30d03788dffd4ff2d179b426e62badec66c12e2f7d",
            "added_via_secret_values_extra",
        ),
        (
            "1000b52f32b4f9a78fb8b53e2a4d4211408b0de9c9bc83a8cda7a6be77e288f307bf90d016b476960f3c99ab51be48b318fcb4f404a4559bec045631902ec5f49728",
            "overridden_via_secret_values_extra",
        ),
        (
            "100052fb0fa1cc8ef1cb123be089cdb853cc153772691b8fb743d612a7b64d65614d4d8745250752564941227eb8d7161523",
            "secretConfigContent\n",
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(plain(&k, data), expected);
    }
}

#[test]
fn vectors_c_werf_legacy_e2e() {
    let k = key(KEY_C);
    let cases = [
        (
            "100052fc795671551b9bf0aa996e7c00997d0343a8f8e770bb94050e533119c43d39",
            "1",
        ),
        (
            "10009bab61e443b9550b1d024788f03f40789bbcfc1135cdfc951bd1445680d590d3",
            "1",
        ),
        (
            "100027133a209b83060bb6b1b9e110dc7806f9671445a5a4d133b8c681e08b652af9",
            "2",
        ),
        (
            "10008917de2e68d056e8e10c9e62915cc01f80d64a3a48e0902d01ec13b60ce8996f",
            "3",
        ),
        (
            "1000039faf2e22843f41c10d317c86df760e273daedfab601b0dc03dbae398f249ad",
            "4",
        ),
        (
            "10008f2d1c7c1c254b92838919283299b2890fa4eb0f7def5dc582d11e767d547bec",
            "secret\n",
        ),
        (
            "1000ceeb30457f57eb67a2dfecd65c563417f4ae06167fb21be60549d247bf388165",
            "test\n",
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(plain(&k, data), expected);
    }
}

#[test]
fn vectors_d_deterministic_iv() {
    let k = key(KEY_A);
    let iv: [u8; 16] = std::array::from_fn(|i| i as u8);
    let cases = [
        (
            "",
            "1000000102030405060708090a0b0c0d0e0fd9ebb437bf7c58eaad02cfcb6594afa6",
        ),
        (
            "flant",
            "1000000102030405060708090a0b0c0d0e0f6fdd94871969674bb8f810412f03ffbc",
        ),
        (
            "8080",
            "1000000102030405060708090a0b0c0d0e0f4a29b61719400c4bb9c8b9590f863df3",
        ),
        (
            "verysecurepassword123",
            "1000000102030405060708090a0b0c0d0e0f95324962fe54043d6a700cd9ad5dda3f22a8721c313cf504986e3bc8fd588bc4",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(encrypt_cbc_with_iv(&k, &iv, text.as_bytes()), expected);
        assert_eq!(plain(&k, expected), text);
    }
}

#[test]
fn wrong_key_is_reported_as_wrong_key() {
    // With strict padding, a wrong key fails for (almost) every vector instead of yielding garbage.
    let wrong = key(KEY_B);
    let err = decrypt(&wrong, FLANT.as_bytes()).unwrap_err();
    assert_eq!(err, DecryptError::Unpad);
    assert!(!err.is_data_error());
}

#[test]
fn data_errors() {
    let k = key(KEY_A);
    // 34 bytes but a ciphertext that is not whole blocks.
    let odd_blocks = format!("{}00", FLANT);
    assert_eq!(
        decrypt(&k, odd_blocks.as_bytes()).unwrap_err(),
        DecryptError::NotBlockMultiple
    );
    let unknown = format!("0300{}", &FLANT[4..]);
    let err = decrypt(&k, unknown.as_bytes()).unwrap_err();
    assert_eq!(err, DecryptError::UnsupportedVersion("3".into()));
    assert!(err.is_data_error());
    assert_eq!(
        decrypt(&k, b"swa2abcd").unwrap_err(),
        DecryptError::UnsupportedVersion("swa2abcd".into())
    );
    assert_eq!(
        decrypt(&k, b"swa1abcd").unwrap_err(),
        DecryptError::TooShort(60)
    );
    assert_eq!(
        decrypt(&k, b"0200abcd").unwrap_err(),
        DecryptError::TooShort(60)
    );
}

#[test]
fn all_key_sizes_round_trip() {
    for hex_key in [KEY_A.to_string(), "ab".repeat(24), "cd".repeat(32)] {
        let k = key(&hex_key);
        for cipher in [Cipher::AesCbc, Cipher::AesGcm] {
            for text in ["", "a", "exactly16bytes!!", "multi\nline\n"] {
                let sealed = encrypt(&k, text.as_bytes(), cipher).unwrap();
                assert_eq!(plain(&k, &sealed), text, "{cipher} {hex_key}");
            }
        }
    }
}

#[test]
fn werf_gcm_version_2_decrypts() {
    // Made with Python `cryptography`: AESGCM(key).encrypt(nonce 00..0b, b"flant", None).
    let data = "0200000102030405060708090a0b92d2a333c74cc11bb77cb4c3960928a46cf14809c8";
    assert_eq!(detect_format(data.as_bytes()).unwrap(), Format::WerfGcm);
    assert_eq!(plain(&key(KEY_A), data), "flant");
    assert_eq!(
        decrypt(&key(KEY_B), data.as_bytes()).unwrap_err(),
        DecryptError::Authentication
    );
}

#[test]
fn swa1_matches_independent_implementation() {
    // Made with Python `cryptography`: HKDF-SHA256(no salt, info) then AESGCM with aad "swa1".
    let k = key(KEY_A);
    let nonce: [u8; 12] = std::array::from_fn(|i| i as u8);
    let flant = "swa1000102030405060708090a0b3c2fb987d8085790e6802178669f20738871e8e14e";
    let empty = "swa1000102030405060708090a0bf74c278181335461d1bdb8fe874743f5";
    assert_eq!(encrypt_swa1_with_nonce(&k, &nonce, b"flant"), flant);
    assert_eq!(encrypt_swa1_with_nonce(&k, &nonce, b""), empty);
    assert_eq!(plain(&k, flant), "flant");
    assert_eq!(detect_format(flant.as_bytes()).unwrap(), Format::SlipwayGcm);
}

#[test]
fn swa1_detects_every_bit_flip_and_wrong_key() {
    let k = key(KEY_A);
    let sealed = encrypt(&k, b"postgres://user:hunter2@db/app", Cipher::AesGcm).unwrap();
    let body = hexcodec::decode(&sealed.as_bytes()[4..]).unwrap();
    for byte in 0..body.len() {
        for bit in 0..8 {
            let mut tampered = body.to_vec();
            tampered[byte] ^= 1 << bit;
            let text = format!("swa1{}", hex::encode(&tampered));
            assert_eq!(
                decrypt(&k, text.as_bytes()).unwrap_err(),
                DecryptError::Authentication
            );
        }
    }
    assert_eq!(
        decrypt(&key(KEY_B), sealed.as_bytes()).unwrap_err(),
        DecryptError::Authentication
    );
}

#[test]
fn cipher_names() {
    assert_eq!("aes-gcm".parse::<Cipher>().unwrap(), Cipher::AesGcm);
    assert_eq!("aes-cbc".parse::<Cipher>().unwrap(), Cipher::AesCbc);
    assert!("des".parse::<Cipher>().is_err());
}
