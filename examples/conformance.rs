//! Runs conformance vector files: `cargo run --release --example conformance -- [--verbose]
//! FILE...`. Prints `<path>: N passed, M failed` per file; `--verbose` lists failing cases.
//! Exits non-zero when any case fails or a file cannot be read.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut verbose = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: conformance [--verbose] FILE...");
        return ExitCode::from(2);
    }
    let mut ok = true;
    for file in &files {
        match slipway_conformance::run_file(Path::new(file)) {
            Ok(report) => {
                println!(
                    "{file}: {} passed, {} failed",
                    report.passed,
                    report.failures.len()
                );
                if verbose {
                    for failure in &report.failures {
                        println!("  FAIL {}: {}", failure.name, failure.reason);
                    }
                }
                ok &= report.failures.is_empty();
            }
            Err(err) => {
                eprintln!("{err}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
