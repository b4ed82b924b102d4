//! Runs the shared conformance vectors (`../shared/conformance/*.jsonl`: Go text/template,
//! Sprig, Helm's strvals, coalescing, engine and functions) against slipway's engine.
//!
//! The file name decides the format. Each format has a module with one `check` function that
//! takes one JSON case and says whether slipway agrees with the recorded upstream behaviour.

use std::path::Path;

mod coalesce;
mod helm_engine;
mod helm_funcs;
mod sprig;
mod strvals;
mod text_template;
mod text_template_parse;

/// The vector formats, named after the files that hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text_template.jsonl`: Go text/template execution.
    TextTemplate,
    /// `text_template_parse.jsonl`: Go text/template parse results and errors.
    TextTemplateParse,
    /// `sprig.jsonl`: Sprig v3 functions.
    Sprig,
    /// `helm_funcs.jsonl`: Helm's function map.
    HelmFuncs,
    /// `strvals.jsonl`: `--set` parsing.
    Strvals,
    /// `coalesce.jsonl`: values coalescing.
    Coalesce,
    /// `helm_engine.jsonl`: chart rendering.
    HelmEngine,
}

impl Format {
    /// The format of a vector file, from its file name (`sprig.jsonl`, `x/sprig-extra.jsonl`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let stem = path.file_stem()?.to_str()?;
        // Longest names first: `text_template_parse` also starts with `text_template`.
        const NAMES: [(&str, Format); 7] = [
            ("text_template_parse", Format::TextTemplateParse),
            ("text_template", Format::TextTemplate),
            ("helm_engine", Format::HelmEngine),
            ("helm_funcs", Format::HelmFuncs),
            ("coalesce", Format::Coalesce),
            ("strvals", Format::Strvals),
            ("sprig", Format::Sprig),
        ];
        NAMES
            .iter()
            .find(|(name, _)| stem.starts_with(name))
            .map(|&(_, format)| format)
    }

    /// Checks one case of this format: `Err` says how slipway differs.
    pub fn check(self, case: &serde_json::Value) -> Result<(), String> {
        match self {
            Format::TextTemplate => text_template::check(case),
            Format::TextTemplateParse => text_template_parse::check(case),
            Format::Sprig => sprig::check(case),
            Format::HelmFuncs => helm_funcs::check(case),
            Format::Strvals => strvals::check(case),
            Format::Coalesce => coalesce::check(case),
            Format::HelmEngine => helm_engine::check(case),
        }
    }
}

/// One failing case of a file.
#[derive(Debug)]
pub struct Failure {
    /// The case's `name` (or its line number when it has none).
    pub name: String,
    /// How slipway differed, or why the line could not be read.
    pub reason: String,
}

/// The result of running one vector file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed, in file order.
    pub failures: Vec<Failure>,
}

/// Runs every case of the vector file at `path`.
pub fn run_file(path: &Path) -> Result<FileReport, String> {
    let format = Format::from_path(path)
        .ok_or_else(|| format!("{}: unknown vector format (file name)", path.display()))?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut report = FileReport::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let outcome = serde_json::from_str::<serde_json::Value>(line)
            .map_err(|e| (format!("line {}", index + 1), format!("bad JSON: {e}")))
            .and_then(|case| {
                let name = case["name"]
                    .as_str()
                    .map_or_else(|| format!("line {}", index + 1), str::to_owned);
                format.check(&case).map_err(|reason| (name, reason))
            });
        match outcome {
            Ok(()) => report.passed += 1,
            Err((name, reason)) => report.failures.push(Failure { name, reason }),
        }
    }
    Ok(report)
}
