//! Differential test over the repository's chart fixtures (`tests/charts/cases.txt`): for
//! every case, each chart's `.Values` as `helm template` renders them (a dump template is
//! added to every chart directory of a copy of the fixture) must equal what `slipway-chart`
//! computes; when helm fails on a values problem (schema, missing dependency, kubeVersion,
//! library chart), our error text must be Helm's. Skips without helm unless
//! `SLIPWAY_REQUIRE_ORACLES=1`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use slipway_chart::{
    Capabilities, Chart, PrepareOptions, ValuesOptions, load_chart, prepare, scoped_values,
};
use slipway_value::{Dict, Value};

const DUMP_NAME: &str = "zz-values-dump.yaml";
const DUMP: &str = "{{ toJson .Values }}\n";

/// Splits a case line like a shell: whitespace-separated words, `'...'` and `"..."` quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Copies `src` to `dst`, adding the dump template next to every `Chart.yaml`.
fn copy_with_dumps(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_with_dumps(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    if dst.join("Chart.yaml").exists() {
        std::fs::create_dir_all(dst.join("templates")).unwrap();
        std::fs::write(dst.join("templates").join(DUMP_NAME), DUMP).unwrap();
    }
}

/// Our values for every chart path.
fn our_values(
    chart: &Chart,
    values: &Dict,
    path: &str,
    out: &mut BTreeMap<String, serde_json::Value>,
) {
    out.insert(path.to_owned(), Value::Dict(values.clone()).to_json());
    for sub in &chart.dependencies {
        our_values(
            sub,
            &scoped_values(values, sub),
            &format!("{path}/charts/{}", sub.name()),
            out,
        );
    }
}

fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Whether a helm error comes from chart loading or values (not from templates).
fn is_values_error(err: &str) -> bool {
    [
        "values don't meet",
        "chart requires kubeVersion",
        "library charts",
        "an error occurred while checking",
        "failed parsing",
        "failed to parse",
        "open ",
        "cannot load",
        "validation:",
        "chart dependencies processing failed",
    ]
    .iter()
    .any(|p| err.starts_with(p))
}

/// Runs one case; `Err` describes a difference.
fn run_case(helm: &Path, fixtures: &Path, words: &[String]) -> Result<(), String> {
    let (chart_name, release, flags) = (&words[0], &words[1], &words[2..]);
    let tmp = tempfile::tempdir().unwrap();
    let chart_dir = tmp.path().join(chart_name);
    copy_with_dumps(&fixtures.join(chart_name), &chart_dir);
    let mut helm_args: Vec<String> = vec![
        "template".into(),
        release.clone(),
        chart_dir.display().to_string(),
    ];
    let mut opts = ValuesOptions::default();
    let mut kube_version = None;
    let mut api_versions = Vec::new();
    let abs = |p: &str| fixtures.join(p).display().to_string();
    let mut i = 0;
    while i < flags.len() {
        let flag = flags[i].as_str();
        let arg = flags.get(i + 1).cloned().unwrap_or_default();
        let mut takes_arg = true;
        match flag {
            "-f" | "--values" => opts.values_files.push(abs(&arg)),
            "--set" => opts.set.push(arg.clone()),
            "--set-string" => opts.set_string.push(arg.clone()),
            "--set-json" => opts.set_json.push(arg.clone()),
            "--set-literal" => opts.set_literal.push(arg.clone()),
            "--set-file" => {
                let absolute = match arg.split_once('=') {
                    Some((k, p)) if p.starts_with("_values/") => format!("{k}={}", abs(p)),
                    _ => arg.clone(),
                };
                opts.set_file.push(absolute);
            }
            "--kube-version" => kube_version = Some(arg.clone()),
            "--api-versions" | "-a" => api_versions.push(arg.clone()),
            "--namespace" | "-n" | "--output-dir" => {}
            "--show-only" | "-s" => {
                i += 2;
                continue;
            }
            _ => takes_arg = false,
        }
        helm_args.push(flag.to_owned());
        if takes_arg {
            helm_args.push(arg);
            i += 2;
        } else {
            i += 1;
        }
    }
    let out = Command::new(helm)
        .args(&helm_args)
        .current_dir(fixtures)
        .output()
        .unwrap();
    let ours = (|| {
        let chart = load_chart(&chart_dir)?;
        let user = opts.user_values(None)?;
        let caps = Capabilities::for_template(kube_version.as_deref(), &api_versions)
            .map_err(slipway_chart::ChartError::Values)?;
        prepare(chart, &user, &caps, &PrepareOptions::default())
    })();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let helm_err = stderr
            .lines()
            .find_map(|l| l.strip_prefix("Error: "))
            .unwrap_or_default();
        return match ours {
            Err(e) => {
                let e = e.to_string();
                let first = e.lines().next().unwrap_or_default();
                if helm_err == first || stderr.contains(&e) {
                    Ok(())
                } else {
                    Err(format!("errors differ:\n ours: {e}\n helm: {stderr}"))
                }
            }
            Ok(_) if is_values_error(helm_err) => {
                Err(format!("helm failed on values, we did not: {helm_err}"))
            }
            // A template error: the engine's business, not the values'.
            Ok(_) => Ok(()),
        };
    }
    let prepared = ours.map_err(|e| format!("helm succeeded, we failed: {e}"))?;
    let text = String::from_utf8(out.stdout).unwrap();
    let mut want = BTreeMap::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (source, body) = doc.split_once('\n').unwrap_or((doc, ""));
        if let Some(dir) = source.strip_suffix(&format!("/templates/{DUMP_NAME}")) {
            let json: serde_json::Value = serde_json::from_str(body.trim())
                .map_err(|e| format!("bad dump from helm for {dir}: {e}"))?;
            want.insert(dir.to_owned(), json);
        }
    }
    let mut got = BTreeMap::new();
    our_values(
        &prepared.chart,
        &prepared.values,
        prepared.chart.name(),
        &mut got,
    );
    for (path, w) in &want {
        match got.get(path) {
            None => return Err(format!("helm rendered {path}, we have no such chart")),
            Some(g) if !same(g, w) => {
                return Err(format!("{path}:\n ours: {g}\n helm: {w}"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[test]
fn fixture_values_match_helm() {
    let Some(helm) = slipway_testkit::oracle("helm", "fixture values test") else {
        return;
    };
    let fixtures = slipway_testkit::repo_root().join("tests/charts");
    let Ok(cases) = std::fs::read_to_string(fixtures.join("cases.txt")) else {
        eprintln!("notice: no tests/charts/cases.txt; skipping");
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words = shell_words(line);
        if words.len() < 2 || !fixtures.join(&words[0]).is_dir() {
            continue;
        }
        count += 1;
        if let Err(e) = run_case(&helm, &fixtures, &words) {
            failures.push(format!("{line}\n  {e}"));
        }
    }
    assert!(count > 0, "no cases run");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
