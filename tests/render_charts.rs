//! Differential test of `slipway render` against the real `helm template` over the charts in
//! `tests/charts/`: each line of `tests/charts/cases.txt` (`CHART RELEASE FLAGS...`) is
//! rendered by both, in `tests/charts/` (so `_values/...` paths resolve), and must give the same
//! stdout, or fail with the same error. Subcharts under `tests/charts/_tgz/CHART/` are packed
//! into `CHART/charts/NAME.tgz` first (archives are made at test time, never committed).

mod render_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use render_support::{Rendered, Scratch, copy_tree, describe_difference};

/// One line of `cases.txt`.
struct Case {
    line: String,
    chart: String,
    release: String,
    flags: Vec<String>,
}

/// Splits a line into words as a shell would for the quoting `cases.txt` uses (single quotes).
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' | '\t' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

fn cases(text: &str) -> Vec<Case> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut words = words(line).into_iter();
            Case {
                line: line.to_owned(),
                chart: words.next().unwrap_or_default(),
                release: words.next().unwrap_or_default(),
                flags: words.collect(),
            }
        })
        .collect()
}

/// Copies `chart` into `work` (once) and packs its `_tgz` subcharts; returns the copy's path.
fn prepare(fixtures: &Path, work: &Path, chart: &str) -> PathBuf {
    let target = work.join(chart);
    if target.exists() {
        return target;
    }
    copy_tree(&fixtures.join(chart), &target);
    let packed = fixtures.join("_tgz").join(chart);
    if let Ok(entries) = std::fs::read_dir(&packed) {
        let charts = target.join("charts");
        std::fs::create_dir_all(&charts).expect("create charts/");
        for entry in entries {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            let status = Command::new("tar")
                .current_dir(&packed)
                .arg("czf")
                .arg(charts.join(format!("{name}.tgz")))
                .arg(&*name)
                .status()
                .expect("run tar");
            assert!(status.success(), "tar failed for {name}");
        }
    }
    target
}

#[test]
fn every_chart_case_renders_like_helm() {
    let Some(helm) = render_support::helm("render_charts") else {
        return;
    };
    let fixtures = render_support::repo_root().join("tests/charts");
    let text = std::fs::read_to_string(fixtures.join("cases.txt")).expect("read cases.txt");
    let cases = cases(&text);
    let charts: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.chart.as_str()).collect();
    assert!(charts.len() >= 40, "only {} charts", charts.len());
    let scratch = Scratch::new("render-charts");
    let mut failures = Vec::new();
    for case in &cases {
        let chart = prepare(&fixtures, scratch.path(), &case.chart);
        let (release, flags) = (&case.release, &case.flags);
        let want = render_support::helm_template(&helm, &fixtures, release, &chart, flags, b"");
        let got = render_support::slipway_render(&fixtures, release, &chart, flags, b"");
        if want == got {
            continue;
        }
        let detail = match (&want, &got) {
            (Rendered::Ok(w), Rendered::Ok(g)) => describe_difference(w, g),
            _ => format!("  helm:    {want:?}\n  slipway: {got:?}\n"),
        };
        failures.push(format!("{}\n{detail}", case.line));
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `-` as a values file or `--set-file` path reads standard input, as in Helm: only its first
/// use gets the content (the stream is then at its end).
#[test]
fn standard_input_as_values_renders_like_helm() {
    let Some(helm) = render_support::helm("render_charts stdin") else {
        return;
    };
    let fixtures = render_support::repo_root().join("tests/charts");
    let scratch = Scratch::new("render-stdin");
    let chart = prepare(&fixtures, scratch.path(), "value-sources");
    let yaml = b"replicas: 7\nfromStdin: {nested: [1, two]}\n";
    // Flags, standard input, and a text the output must hold (stdin was really read), or
    // `None` where both must fail.
    let cases: [(&[&str], &[u8], Option<&str>); 6] = [
        (&["-f", "-"], yaml, Some("fromStdin")),
        (
            &[
                "-f",
                "_values/sources-a.yaml",
                "-f",
                " - ",
                "-f",
                "_values/sources-b.yaml",
            ],
            yaml,
            Some("fromStdin"),
        ),
        (&["-f", "-", "-f", "-"], yaml, Some("fromStdin")),
        (
            &["--set-file", "payload=-"],
            b"line one\nline two\n",
            Some("line two"),
        ),
        // The values file consumes the stream; the --set-file after it reads nothing.
        (
            &["-f", "-", "--set-file", "payload=-"],
            yaml,
            Some("fromStdin"),
        ),
        (&["-f", "-"], b"replicas: [unclosed\n", None),
    ];
    for (flags, input, marker) in cases {
        let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        let want = render_support::helm_template(&helm, &fixtures, "std", &chart, &flags, input);
        let got = render_support::slipway_render(&fixtures, "std", &chart, &flags, input);
        assert_eq!(want, got, "flags {flags:?}");
        match (marker, &got) {
            (Some(text), Rendered::Ok(out)) => assert!(out.contains(text), "{flags:?}: {out}"),
            (None, Rendered::Failed(_)) => {}
            _ => panic!("{flags:?}: unexpected {got:?}"),
        }
    }
}
