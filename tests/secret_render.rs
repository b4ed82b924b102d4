//! `slipway render` of a werf project with secret values and secret files, against the real
//! `helm template` of the same chart with the secrets in plain files. The chart
//! (`tests/charts/secret-app`) holds werf's legacy e2e fixtures; their plaintexts are werf's.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use slipway_testkit::{ScratchDir, oracle};

const KEY_C: &str = "82a0f04a09e034421a8978c60bffac87";
/// The plaintexts of `secret-values.yaml` (werf's `values/secret` fixture).
const PLAIN_SECRET_VALUES: &str = "a: \"1\"\nb:\n  - \"1\"\n  - \"2\"\n  - \"3\"\nc:\n  d: \"4\"\n";
/// The plaintexts of the `secret/` files (werf's `file/secret` and `base_test.go` fixtures).
const PLAIN_SECRET_FILES: [(&str, &str); 2] =
    [("file.txt", "secret\n"), ("nested/test.txt", "test\n")];

fn chart_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts/secret-app/.helm")
}

/// Writes `text` to `rel` below `scratch` and returns the path.
fn write(scratch: &ScratchDir, rel: &str, text: &str) -> PathBuf {
    scratch.write_files([(rel, text)]);
    scratch.path().join(rel)
}

fn render(scratch: &ScratchDir, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
    command
        .arg("render")
        .arg(chart_dir())
        .args(["--release", "rel", "--namespace", "ns"])
        .args(args)
        .current_dir(scratch.path())
        .env("HOME", scratch.path().join("home"));
    for name in [
        "SLIPWAY_SECRET_KEY",
        "WERF_SECRET_KEY",
        "WERF_HOME",
        "SLIPWAY_ENV",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().unwrap()
}

/// The same chart with the secrets in plain files: `werf_secret_file "X"` becomes
/// `.Files.Get "plain-secret/X"`, and the secret values go in a values file.
fn decrypted_copy(scratch: &ScratchDir) -> (PathBuf, PathBuf) {
    let src = chart_dir();
    for name in ["Chart.yaml", "values.yaml"] {
        write(
            scratch,
            &format!("copy/{name}"),
            &fs::read_to_string(src.join(name)).unwrap(),
        );
    }
    let template = fs::read_to_string(src.join("templates/secret.yaml")).unwrap();
    let template = template.replace("werf_secret_file \"", ".Files.Get \"plain-secret/");
    write(scratch, "copy/templates/secret.yaml", &template);
    for (name, text) in PLAIN_SECRET_FILES {
        write(scratch, &format!("copy/plain-secret/{name}"), text);
    }
    let values = write(scratch, "plain-secret-values.yaml", PLAIN_SECRET_VALUES);
    (scratch.path().join("copy"), values)
}

#[test]
fn secret_chart_renders_like_helm_on_the_decrypted_copy() {
    let Some(helm) = oracle("helm", "the secret render differential") else {
        return;
    };
    let scratch = ScratchDir::new("secret-render");
    let ours = render(&scratch, &[("SLIPWAY_SECRET_KEY", KEY_C)], &[]);
    assert!(
        ours.status.success(),
        "slipway render failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let (copy, values) = decrypted_copy(&scratch);
    let theirs = Command::new(helm)
        .args(["template", "rel"])
        .arg(&copy)
        .args(["--namespace", "ns", "-f"])
        .arg(&values)
        .output()
        .unwrap();
    assert!(
        theirs.status.success(),
        "helm template failed: {}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let ours = String::from_utf8(ours.stdout).unwrap();
    assert_eq!(ours, String::from_utf8(theirs.stdout).unwrap());
    // The secrets really were decrypted (and not, say, left as ciphertext on both sides).
    assert!(ours.contains("d: \"4\""), "{ours}");
    assert!(ours.contains("file: \"secret\\n\""), "{ours}");
}

#[test]
fn wrong_key_fails_naming_the_value_without_plaintext() {
    let scratch = ScratchDir::new("secret-render");
    let output = render(
        &scratch,
        &[("SLIPWAY_SECRET_KEY", "11ac8312520b5ff037bae386ea2e8a07")],
        &[],
    );
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("secret-values.yaml"), "{err}");
    assert!(err.contains("check encryption key"), "{err}");
}

#[test]
fn missing_key_says_where_keys_are_looked_for() {
    let scratch = ScratchDir::new("secret-render");
    let output = render(&scratch, &[], &[]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(
            "required encryption key not found in: \"$SLIPWAY_SECRET_KEY\", \"$WERF_SECRET_KEY\""
        ),
        "{err}"
    );
    assert!(err.contains("global_secret_key"), "{err}");
}

#[test]
fn ignore_secret_key_renders_the_ciphertexts_without_a_key() {
    let scratch = ScratchDir::new("secret-render");
    let output = render(&scratch, &[], &["--ignore-secret-key"]);
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let encrypted = fs::read_to_string(chart_dir().join("secret-values.yaml")).unwrap();
    let ciphertext_of_c_d = encrypted
        .lines()
        .find_map(|line| line.trim().strip_prefix("d: "))
        .expect("secret-values.yaml has c.d");
    assert!(out.contains(ciphertext_of_c_d), "{out}");
    assert!(!out.contains("d: \"4\""), "{out}");
}
