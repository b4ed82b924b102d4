//! `slipway secret ...` end to end, running the real binary. Expected plaintexts are werf's
//! own test vectors (werf-nelm.md §1.7); OpenSSL checks the format from the outside.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use slipway_testkit::ScratchDir;

const KEY_A: &str = "11ac8312520b5ff037bae386ea2e8a07";
const KEY_C: &str = "82a0f04a09e034421a8978c60bffac87";
const FLANT: &str = "10000f13a718d019612ab8ad30d9bec8e2c09df0f2d168c179bef954e78371bf6a5a";
/// werf's legacy e2e `file/encrypted_secret` (key C) → `secret\n`.
const SECRET_FILE: &str = "10008f2d1c7c1c254b92838919283299b2890fa4eb0f7def5dc582d11e767d547bec";
/// werf's legacy e2e `values/encrypted_secret` (key C).
const VALUES_C: &str = "a: 100052fc795671551b9bf0aa996e7c00997d0343a8f8e770bb94050e533119c43d39
b:
  - 10009bab61e443b9550b1d024788f03f40789bbcfc1135cdfc951bd1445680d590d3
  - 100027133a209b83060bb6b1b9e110dc7806f9671445a5a4d133b8c681e08b652af9
  - 10008917de2e68d056e8e10c9e62915cc01f80d64a3a48e0902d01ec13b60ce8996f
c:
  d: 1000039faf2e22843f41c10d317c86df760e273daedfab601b0dc03dbae398f249ad
";
/// The decrypted form werf expects for [`VALUES_C`] (`values/secret`).
const VALUES_C_PLAIN: &str = "a: \"1\"\nb:\n  - \"1\"\n  - \"2\"\n  - \"3\"\nc:\n  d: \"4\"\n";

/// A scratch directory (a [`ScratchDir`], removed when dropped) with path-returning helpers.
struct Scratch(ScratchDir);

impl Scratch {
    fn new(name: &str) -> Scratch {
        Scratch(ScratchDir::new(&format!("secret-cli-{name}")))
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        self.0.write_files([(rel, text)]);
        self.path(rel)
    }
}

/// `slipway secret ARGS` in `dir` with a clean key environment plus `env`.
fn secret(dir: &Scratch, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
    command
        .arg("secret")
        .args(args)
        .current_dir(dir.0.path())
        .env("HOME", dir.path("home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "SLIPWAY_SECRET_KEY",
        "WERF_SECRET_KEY",
        "SLIPWAY_OLD_SECRET_KEY",
        "WERF_OLD_SECRET_KEY",
        "SLIPWAY_SECRET_CIPHER",
        "SLIPWAY_DIR",
        "WERF_HOME",
        "EDITOR",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(output: Output) -> Vec<u8> {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn decrypt_writes_exactly_the_plaintext() {
    let dir = Scratch::new("decrypt");
    let env = [("SLIPWAY_SECRET_KEY", KEY_A)];
    assert_eq!(
        ok(secret(&dir, &["decrypt"], &env, FLANT.as_bytes())),
        b"flant"
    );
    // Surrounding whitespace of the input is ignored; WERF_SECRET_KEY works too.
    let env = [("WERF_SECRET_KEY", KEY_C)];
    let input = format!("{SECRET_FILE}\n");
    assert_eq!(
        ok(secret(&dir, &["decrypt"], &env, input.as_bytes())),
        b"secret\n"
    );
}

#[test]
fn encrypt_writes_one_werf_line() {
    let dir = Scratch::new("encrypt");
    let env = [("SLIPWAY_SECRET_KEY", KEY_A)];
    let out = String::from_utf8(ok(secret(
        &dir,
        &["encrypt"],
        &env,
        b"verysecurepassword123\n",
    )))
    .unwrap();
    let line = out.strip_suffix('\n').expect("ends with a newline");
    assert!(line.starts_with("1000"), "{out}");
    // 2 + 16 bytes of header and IV, then two blocks for 21 bytes of plaintext.
    assert_eq!(line.len(), 2 * (2 + 16 + 32));
    assert!(
        line.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(
        ok(secret(&dir, &["decrypt"], &env, line.as_bytes())),
        b"verysecurepassword123"
    );
}

#[test]
fn wrong_key_fails_with_empty_stdout() {
    let dir = Scratch::new("wrongkey");
    let env = [("SLIPWAY_SECRET_KEY", KEY_C)];
    let output = secret(&dir, &["decrypt"], &env, FLANT.as_bytes());
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("unpad failed"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("flant"));
}

#[test]
fn missing_key_lists_the_sources() {
    let dir = Scratch::new("nokey");
    let output = secret(&dir, &["decrypt"], &[], FLANT.as_bytes());
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(
            "required encryption key not found in: \"$SLIPWAY_SECRET_KEY\", \"$WERF_SECRET_KEY\""
        ),
        "{err}"
    );
    assert!(err.contains(".werf_secret_key\""), "{err}");
    assert!(err.contains("global_secret_key\""), "{err}");
}

#[test]
fn project_key_file_is_used() {
    let dir = Scratch::new("keyfile");
    dir.write("project/.werf_secret_key", &format!("{KEY_A}\n"));
    let out = ok(secret(
        &dir,
        &["decrypt", "--dir", "project"],
        &[],
        FLANT.as_bytes(),
    ));
    assert_eq!(out, b"flant");
}

#[test]
fn authenticated_cipher_round_trip_and_tamper() {
    let dir = Scratch::new("gcm");
    let env = [
        ("SLIPWAY_SECRET_KEY", KEY_A),
        ("SLIPWAY_SECRET_CIPHER", "aes-gcm"),
    ];
    let sealed = String::from_utf8(ok(secret(&dir, &["encrypt"], &env, b"hunter2"))).unwrap();
    assert!(sealed.starts_with("swa1"), "{sealed}");
    let sealed = sealed.trim();
    assert_eq!(
        ok(secret(&dir, &["decrypt"], &env, sealed.as_bytes())),
        b"hunter2"
    );
    let mut tampered = sealed.as_bytes().to_vec();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    let output = secret(&dir, &["decrypt"], &env, &tampered);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains("authentication failed"));
}

#[test]
fn values_files_decrypt_and_encrypt() {
    let dir = Scratch::new("values");
    let env = [("SLIPWAY_SECRET_KEY", KEY_C)];
    dir.write("secret-values.yaml", VALUES_C);
    let plain = ok(secret(
        &dir,
        &["values", "decrypt", "secret-values.yaml"],
        &env,
        b"",
    ));
    assert_eq!(String::from_utf8(plain).unwrap(), VALUES_C_PLAIN);

    dir.write(
        "plain.yaml",
        "# comment\nz: last\na:\n  b: [1, two]\n  n: null\n",
    );
    ok(secret(
        &dir,
        &["values", "encrypt", "plain.yaml", "-o", "out/enc.yaml"],
        &env,
        b"",
    ));
    let sealed = fs::read_to_string(dir.path("out/enc.yaml")).unwrap();
    let lines: Vec<&str> = sealed.lines().collect();
    assert_eq!(lines[0], "# comment");
    assert!(lines[1].starts_with("z: 1000"));
    assert_eq!(lines[2], "a:");
    assert!(lines[3].starts_with("  b: [1000"));
    assert_eq!(lines[4], "  n: null");
    let plain = ok(secret(
        &dir,
        &["values", "decrypt", "out/enc.yaml"],
        &env,
        b"",
    ));
    assert_eq!(
        String::from_utf8(plain).unwrap(),
        "# comment\nz: last\na:\n  b: [\"1\", two]\n  n: null\n"
    );
}

/// Writes an executable shell script to use as `$EDITOR`.
fn editor_script(dir: &Scratch, body: &str) -> PathBuf {
    let path = dir.write("editor.sh", &format!("#!/bin/sh\nset -e\n{body}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

#[test]
fn values_edit_changes_only_the_edited_leaf() {
    let dir = Scratch::new("edit");
    let file = dir.write(".helm/secret-values.yaml", VALUES_C);
    let editor = editor_script(&dir, "sed -i 's/\"2\"/\"two\"/' \"$1\"");
    let env = [
        ("SLIPWAY_SECRET_KEY", KEY_C),
        ("EDITOR", editor.to_str().unwrap()),
    ];
    ok(secret(
        &dir,
        &["values", "edit", ".helm/secret-values.yaml"],
        &env,
        b"",
    ));
    let after = fs::read_to_string(&file).unwrap();
    let before_lines: Vec<&str> = VALUES_C.lines().collect();
    let after_lines: Vec<&str> = after.lines().collect();
    assert_eq!(before_lines.len(), after_lines.len());
    let changed: Vec<usize> = (0..before_lines.len())
        .filter(|&i| before_lines[i] != after_lines[i])
        .collect();
    assert_eq!(changed, vec![3], "{after}");
    assert!(after_lines[3].starts_with("  - 1000"));
    let plain = ok(secret(
        &dir,
        &["values", "decrypt", ".helm/secret-values.yaml"],
        &env,
        b"",
    ));
    assert_eq!(
        String::from_utf8(plain).unwrap(),
        VALUES_C_PLAIN.replace("\"2\"", "two")
    );
}

#[test]
fn edit_without_changes_writes_nothing() {
    let dir = Scratch::new("noedit");
    let file = dir.write("s.yaml", VALUES_C);
    let editor = editor_script(&dir, "true");
    let env = [
        ("SLIPWAY_SECRET_KEY", KEY_C),
        ("EDITOR", editor.to_str().unwrap()),
    ];
    ok(secret(&dir, &["values", "edit", "s.yaml"], &env, b""));
    assert_eq!(fs::read_to_string(&file).unwrap(), VALUES_C);
}

#[test]
fn file_edit_creates_and_updates_a_secret_file() {
    let dir = Scratch::new("fileedit");
    let editor = editor_script(&dir, "printf 'line two\\n' >> \"$1\"");
    let env = [
        ("SLIPWAY_SECRET_KEY", KEY_C),
        ("EDITOR", editor.to_str().unwrap()),
    ];
    dir.write(".helm/secret/tls.key", &format!("{SECRET_FILE}\n"));
    ok(secret(
        &dir,
        &["file", "edit", ".helm/secret/tls.key"],
        &env,
        b"",
    ));
    let plain = ok(secret(
        &dir,
        &["file", "decrypt", ".helm/secret/tls.key"],
        &env,
        b"",
    ));
    assert_eq!(plain, b"secret\nline two\n");
    ok(secret(&dir, &["file", "edit", "new/file.txt"], &env, b""));
    let plain = ok(secret(
        &dir,
        &["file", "decrypt", "new/file.txt"],
        &env,
        b"",
    ));
    assert_eq!(plain, b"line two\n");
}

#[test]
fn rotate_key_reencrypts_values_secret_files_and_extras() {
    let dir = Scratch::new("rotate");
    let new_key = "bc3458408a5687e60b9417adb84e4ad0";
    dir.write("p/.helm/secret-values.yaml", VALUES_C);
    dir.write("p/.helm/secret/a/b.txt", &format!("{SECRET_FILE}\n"));
    dir.write("p/extra.yaml", VALUES_C);
    let env = [("WERF_OLD_SECRET_KEY", KEY_C), ("WERF_SECRET_KEY", new_key)];
    let output = secret(
        &dir,
        &["rotate-key", "--dir", "p", "p/extra.yaml"],
        &env,
        b"",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("Regenerating file"));

    let new_env = [("SLIPWAY_SECRET_KEY", new_key)];
    for file in ["p/.helm/secret-values.yaml", "p/extra.yaml"] {
        let plain = ok(secret(&dir, &["values", "decrypt", file], &new_env, b""));
        assert_eq!(String::from_utf8(plain).unwrap(), VALUES_C_PLAIN);
    }
    let plain = ok(secret(
        &dir,
        &["file", "decrypt", "p/.helm/secret/a/b.txt"],
        &new_env,
        b"",
    ));
    assert_eq!(plain, b"secret\n");
    let old_env = [("SLIPWAY_SECRET_KEY", KEY_C)];
    let output = secret(&dir, &["values", "decrypt", "p/extra.yaml"], &old_env, b"");
    assert!(!output.status.success());
}

#[test]
fn rotate_without_old_key_changes_nothing() {
    let dir = Scratch::new("rotate-noold");
    let file = dir.write(".helm/secret-values.yaml", VALUES_C);
    let output = secret(&dir, &["rotate-key"], &[("SLIPWAY_SECRET_KEY", KEY_A)], b"");
    assert!(!output.status.success());
    assert!(stderr(&output).contains("$WERF_OLD_SECRET_KEY"));
    assert_eq!(fs::read_to_string(file).unwrap(), VALUES_C);
}

fn run_openssl(openssl: &Path, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(openssl)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "openssl {args:?} failed");
    output.stdout
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn openssl_decrypts_what_we_encrypt_and_back() {
    let Some(openssl) = slipway_testkit::oracle("openssl", "the OpenSSL cross-check") else {
        return;
    };
    let dir = Scratch::new("openssl");
    let env = [("SLIPWAY_SECRET_KEY", KEY_A)];
    let message = "multi-block message: 0123456789abcdef\n";
    dir.write("m.txt", message);
    let sealed =
        String::from_utf8(ok(secret(&dir, &["file", "encrypt", "m.txt"], &env, b""))).unwrap();
    let sealed = sealed.trim();
    let iv = &sealed[4..36];
    let body = unhex(&sealed[36..]);
    let args = ["enc", "-d", "-aes-128-cbc", "-K", KEY_A, "-iv", iv];
    assert_eq!(run_openssl(&openssl, &args, &body), message.as_bytes());

    // And OpenSSL's output, framed as werf does, decrypts with slipway.
    let iv = "000102030405060708090a0b0c0d0e0f";
    let args = ["enc", "-aes-128-cbc", "-K", KEY_A, "-iv", iv];
    let body = run_openssl(&openssl, &args, b"from openssl");
    let framed: String =
        format!("1000{iv}") + &body.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(
        ok(secret(&dir, &["decrypt"], &env, framed.as_bytes())),
        b"from openssl"
    );
}
