use super::*;

const KEY_C: &str = "82a0f04a09e034421a8978c60bffac87";

fn key(hex: &str) -> SecretKey {
    SecretKey::from_hex(hex).unwrap()
}

fn leaves(text: &str) -> Vec<(String, ScalarKind, String)> {
    scan(text)
        .unwrap()
        .into_iter()
        .map(|l| (l.path.to_string(), l.kind, l.text))
        .collect()
}

fn leaf(path: &str, kind: ScalarKind, text: &str) -> (String, ScalarKind, String) {
    (path.to_owned(), kind, text.to_owned())
}

/// werf's legacy e2e `values/encrypted_secret` fixture (werf-nelm.md §1.7 C).
const VECTOR_C: &str = "a: 100052fc795671551b9bf0aa996e7c00997d0343a8f8e770bb94050e533119c43d39
b:
  - 10009bab61e443b9550b1d024788f03f40789bbcfc1135cdfc951bd1445680d590d3
  - 100027133a209b83060bb6b1b9e110dc7806f9671445a5a4d133b8c681e08b652af9
  - 10008917de2e68d056e8e10c9e62915cc01f80d64a3a48e0902d01ec13b60ce8996f
c:
  d: 1000039faf2e22843f41c10d317c86df760e273daedfab601b0dc03dbae398f249ad
";

#[test]
fn decrypts_werf_fixture_to_quoted_strings() {
    let out = decrypt_values_text(VECTOR_C, &key(KEY_C), "secret-values.yaml").unwrap();
    assert_eq!(
        out.as_str(),
        "a: \"1\"\nb:\n  - \"1\"\n  - \"2\"\n  - \"3\"\nc:\n  d: \"4\"\n"
    );
}

#[test]
fn scans_block_structure() {
    let text = "\
# head comment
top: plain value # trailing comment
nested:
  list:
  - one
  - 'two ''quoted'''
  - key: \"dq \\t\\u00e9\"
    other: ~
  empty:
  num: 0x10
  float: 1e3
  flag: True
flow: {a: 1, b: [x, 'y, z'], c: }
anchor: &base
  k: v
alias: *base
tagged: !!str 42
seq_at_key_level:
- a
- - b
after: end
";
    use ScalarKind::*;
    assert_eq!(
        leaves(text),
        vec![
            leaf("top", Str, "plain value"),
            leaf("nested.list[0]", Str, "one"),
            leaf("nested.list[1]", Str, "two 'quoted'"),
            leaf("nested.list[2].key", Str, "dq \té"),
            leaf("nested.list[2].other", Null, ""),
            leaf("nested.num", Int, "16"),
            leaf("nested.float", Float, "1000"),
            leaf("nested.flag", Bool, "true"),
            leaf("flow.a", Int, "1"),
            leaf("flow.b[0]", Str, "x"),
            leaf("flow.b[1]", Str, "y, z"),
            leaf("anchor.k", Str, "v"),
            leaf("tagged", Str, "42"),
            leaf("seq_at_key_level[0]", Str, "a"),
            leaf("seq_at_key_level[1][0]", Str, "b"),
            leaf("after", Str, "end"),
        ]
    );
}

#[test]
fn block_scalars() {
    let text = "\
lit: |
  line one
    indented

  after blank
strip: |-
  no newline
keep: |+
  kept

folded: >
  a
  b

  c
next: x
";
    use ScalarKind::*;
    assert_eq!(
        leaves(text),
        vec![
            leaf("lit", Str, "line one\n  indented\n\nafter blank\n"),
            leaf("strip", Str, "no newline"),
            leaf("keep", Str, "kept\n\n"),
            leaf("folded", Str, "a b\nc\n"),
            leaf("next", Str, "x"),
        ]
    );
}

#[test]
fn multi_line_quoted_scalars_fold() {
    assert_eq!(
        leaves("k: \"a\n  b\n\n  c\"\n"),
        vec![leaf("k", ScalarKind::Str, "a b\nc")]
    );
}

#[test]
fn round_trip_keeps_comments_order_and_nulls() {
    let k = key(KEY_C);
    let plain = "\
# database credentials
db:
  password: \"s3cr3t: yes\" # keep me
  port: 5432
  empty:
  cert: |
    -----BEGIN-----
    abc
zeta: last
alpha: [one, two]
";
    let sealed = encrypt_values_text(plain, &k, Cipher::AesCbc, "f").unwrap();
    assert!(sealed.starts_with("# database credentials\ndb:\n  password: 1000"));
    assert!(sealed.contains(" # keep me\n  port: 1000"), "{sealed}");
    assert!(sealed.contains("\n  empty:\n  cert: 1000"), "{sealed}");
    assert!(sealed.contains("\nzeta: 1000"), "{sealed}");
    assert!(sealed.contains("\nalpha: [1000"), "{sealed}");
    assert!(!sealed.contains("s3cr3t") && !sealed.contains("BEGIN"));

    let opened = decrypt_values_text(&sealed, &k, "f").unwrap();
    assert_eq!(
        opened.as_str(),
        "\
# database credentials
db:
  password: \"s3cr3t: yes\" # keep me
  port: \"5432\"
  empty:
  cert: |
    -----BEGIN-----
    abc
zeta: last
alpha: [one, two]
"
    );
}

#[test]
fn edit_keeps_ciphertext_of_unchanged_leaves() {
    let k = key(KEY_C);
    let edited = "a: \"1\"\nb:\n  - \"1\"\n  - \"22\"\n  - \"3\"\nc:\n  d: \"4\"\nnew: value\n";
    let out = reencrypt_edited(edited, VECTOR_C, &k, Cipher::AesCbc, "f").unwrap();
    let old_lines: Vec<&str> = VECTOR_C.lines().collect();
    let new_lines: Vec<&str> = out.lines().collect();
    assert_eq!(new_lines.len(), old_lines.len() + 1);
    for (i, (old, new)) in old_lines.iter().zip(&new_lines).enumerate() {
        if i == 3 {
            assert_ne!(old, new);
            assert!(new.starts_with("  - 1000"));
        } else {
            assert_eq!(old, new);
        }
    }
    let opened = decrypt_values_text(&out, &k, "f").unwrap();
    assert_eq!(opened.as_str(), edited);
}

#[test]
fn rotate_changes_key() {
    let old = key(KEY_C);
    let new = key("11ac8312520b5ff037bae386ea2e8a07");
    let rotated = rotate_values_text(VECTOR_C, &old, &new, Cipher::AesGcm, "f").unwrap();
    assert!(rotated.starts_with("a: swa1"));
    assert_eq!(
        decrypt_values_text(&rotated, &new, "f").unwrap().as_str(),
        decrypt_values_text(VECTOR_C, &old, "f").unwrap().as_str()
    );
    assert!(decrypt_values_text(&rotated, &old, "f").is_err());
}

#[test]
fn errors_name_file_path_and_line() {
    let k = key(KEY_C);
    let err = decrypt_values_text("a:\n  port: 8080\n", &k, "s.yaml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "decryption failed: \"s.yaml\", value at a.port: unable to decode non string value (a int): expected encoded value as hex string"
    );
    let err = decrypt_values_text(VECTOR_C, &key("11ac8312520b5ff037bae386ea2e8a07"), "s.yaml")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("decryption failed: \"s.yaml\", value at a: check encryption key"),
        "{err}"
    );
    let err = encrypt_values_text("a: b\n  c: d\n", &k, Cipher::AesCbc, "s.yaml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml: line 2: multi-line plain scalars are not supported: quote the value or use a block scalar (|)"
    );
    let err = scan("a: 'open\n").unwrap_err();
    assert_eq!(err.line, 1);
}

#[test]
fn emitted_strings_read_back() {
    let cases = [
        ("plain", "plain"),
        ("1", "\"1\""),
        ("true", "\"true\""),
        ("", "\"\""),
        ("a: b", "\"a: b\""),
        ("- x", "\"- x\""),
        ("tab\there", "\"tab\\there\""),
        ("quote\"back\\", "quote\"back\\"),
        ("\"q\"\\", "\"\\\"q\\\"\\\\\""),
        ("two\nlines", "|-\n    two\n    lines"),
        ("two\nlines\n", "|\n    two\n    lines"),
        (" lead\nx", "\" lead\\nx\""),
    ];
    for (value, expected) in cases {
        let emitted = emit_string(value, Some(2));
        assert_eq!(emitted, expected);
        let doc = format!("k:\n  v: {emitted}\n");
        assert_eq!(
            leaves(&doc),
            vec![leaf("k.v", ScalarKind::Str, value)],
            "{doc}"
        );
    }
    assert_eq!(emit_string("a,b", None), "\"a,b\"");
}

#[test]
fn go_float_formatting() {
    assert_eq!(scan::go_float(64.5), "64.5");
    assert_eq!(scan::go_float(1e21), "1e+21");
    assert_eq!(scan::go_float(1e20), "100000000000000000000");
    assert_eq!(scan::go_float(0.00001), "1e-05");
    assert_eq!(scan::go_float(0.0001), "0.0001");
}

#[test]
fn documents_crlf_and_quoted_keys() {
    use ScalarKind::*;
    let text = "%YAML 1.2\r\n---\r\n\"quoted key\": v1 \r\n'single': v2\r\nwith space: v3\r\n...\r\nignored: x\r\n";
    assert_eq!(
        leaves(text),
        vec![
            leaf("quoted key", Str, "v1"),
            leaf("single", Str, "v2"),
            leaf("with space", Str, "v3"),
        ]
    );
    let k = key(KEY_C);
    let sealed = encrypt_values_text(text, &k, Cipher::AesCbc, "f").unwrap();
    assert!(sealed.contains("\r\n\"quoted key\": 1000"), "{sealed}");
    assert!(sealed.contains(" \r\n'single': 1000"), "{sealed}");
    assert!(sealed.ends_with("\r\n...\r\nignored: x\r\n"), "{sealed}");
    let opened = decrypt_values_text(&sealed, &k, "f").unwrap();
    assert_eq!(opened.as_str(), text);
}

#[test]
fn empty_and_comment_only_documents() {
    assert!(leaves("").is_empty());
    assert!(leaves("# only a comment\n\n").is_empty());
    assert!(leaves("---\n").is_empty());
    assert!(leaves("{}\n").is_empty());
}

#[test]
fn mixed_formats_in_one_file() {
    let k = key("11ac8312520b5ff037bae386ea2e8a07");
    let gcm = cipher::encrypt(&k, b"from gcm", Cipher::AesGcm).unwrap();
    let text = format!(
        "cbc: 10000f13a718d019612ab8ad30d9bec8e2c09df0f2d168c179bef954e78371bf6a5a\ngcm: {gcm}\nwerf_gcm: 0200000102030405060708090a0b92d2a333c74cc11bb77cb4c3960928a46cf14809c8\n"
    );
    let opened = decrypt_values_text(&text, &k, "f").unwrap();
    assert_eq!(
        opened.as_str(),
        "cbc: flant\ngcm: from gcm\nwerf_gcm: flant\n"
    );
}
