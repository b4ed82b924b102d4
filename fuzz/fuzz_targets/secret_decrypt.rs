//! Fuzzes secret decryption: format detection, hex, lengths, padding and authentication, plus
//! key parsing and the values-file scanner. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway_secrets::{SecretKey, decrypt, decrypt_file, detect_format, yaml_text};

fuzz_target!(|data: &[u8]| {
    let key = SecretKey::from_hex("11ac8312520b5ff037bae386ea2e8a07").unwrap();
    let _ = detect_format(data);
    if let Ok(plain) = decrypt(&key, data) {
        // A successful decryption must be reproducible.
        assert_eq!(decrypt(&key, data).unwrap().as_slice(), plain.as_slice());
    }
    let _ = decrypt_file(data, &key, "fuzz");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = SecretKey::from_hex(text);
        let _ = yaml_text::scan(text);
        let _ = yaml_text::decrypt_values_text(text, &key, "fuzz");
    }
});
