//! Every case of the shared conformance vectors (`../shared/conformance/*.jsonl`: Go
//! text/template, Sprig, Helm's strvals, coalescing, engine and functions) must pass, through
//! the same runner as `cargo run --release --example conformance -- FILE...`.

use std::path::PathBuf;

fn vectors(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance")
        .join(file)
}

fn assert_all_pass(file: &str) {
    let path = vectors(file);
    let report = slipway_conformance::run_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> = report
        .failures
        .iter()
        .map(|f| format!("  {}: {}", f.name, f.reason))
        .collect();
    eprintln!(
        "{file}: {} passed, {} failed",
        report.passed,
        failures.len()
    );
    assert!(report.passed > 0, "{file}: no case ran");
    assert!(
        failures.is_empty(),
        "{file}: {} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn text_template() {
    assert_all_pass("text_template.jsonl");
}

#[test]
fn text_template_parse() {
    assert_all_pass("text_template_parse.jsonl");
}

#[test]
fn sprig() {
    assert_all_pass("sprig.jsonl");
}

#[test]
fn helm_funcs() {
    assert_all_pass("helm_funcs.jsonl");
}

#[test]
fn strvals() {
    assert_all_pass("strvals.jsonl");
}

#[test]
fn coalesce() {
    assert_all_pass("coalesce.jsonl");
}

#[test]
fn helm_engine() {
    assert_all_pass("helm_engine.jsonl");
}
