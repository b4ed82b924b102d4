//! Property tests: decryption and the values-file scanner never panic on arbitrary input, and
//! what is encrypted decrypts back.

use proptest::prelude::*;
use slipway_secrets::{Cipher, SecretKey, decrypt, encrypt, yaml_text};

fn key() -> SecretKey {
    SecretKey::from_hex("11ac8312520b5ff037bae386ea2e8a07").unwrap()
}

/// Inputs shaped like ciphertexts: a known prefix followed by hex or arbitrary characters.
fn ciphertext_like() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![
            Just(""),
            Just("1000"),
            Just("0200"),
            Just("swa1"),
            Just("swa"),
            Just("10")
        ],
        prop_oneof![
            "[0-9a-fA-F]{0,200}",
            "[0-9a-f]{64}",
            "[0-9a-f]{96}",
            "[0-9a-fx \n]{0,80}"
        ],
    )
        .prop_map(|(prefix, body)| format!("{prefix}{body}").into_bytes())
}

proptest! {
    #[test]
    fn decrypt_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decrypt(&key(), &data);
    }

    #[test]
    fn decrypt_never_panics_on_ciphertext_like_input(data in ciphertext_like()) {
        let _ = decrypt(&key(), &data);
    }

    #[test]
    fn round_trip(plain in proptest::collection::vec(any::<u8>(), 0..100), gcm in any::<bool>()) {
        let cipher = if gcm { Cipher::AesGcm } else { Cipher::AesCbc };
        let key = key();
        let sealed = encrypt(&key, &plain, cipher).unwrap();
        let opened = decrypt(&key, sealed.as_bytes()).unwrap();
        prop_assert_eq!(opened.as_slice(), plain.as_slice());
    }

    #[test]
    fn scanner_never_panics(text in "[a-z:#&*!|>\\-\\[\\]{},'\" \n\t0-9.~]{0,120}") {
        let _ = yaml_text::scan(&text);
    }

    #[test]
    fn values_text_round_trip(values in proptest::collection::vec("\\PC{0,20}|[a-z \n:#-]{0,20}", 1..6)) {
        let plain: String = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("k{i}: {}\n", yaml_text::emit_string(v, Some(0))))
            .collect();
        let sealed = yaml_text::encrypt_values_text(&plain, &key(), Cipher::AesCbc, "p").unwrap();
        let opened = yaml_text::decrypt_values_text(&sealed, &key(), "p").unwrap();
        let leaves = yaml_text::scan(&opened).unwrap();
        let texts: Vec<&str> = leaves.iter().map(|leaf| leaf.text.as_str()).collect();
        let expected: Vec<&str> = values.iter().map(String::as_str).collect();
        prop_assert_eq!(texts, expected);
    }
}
