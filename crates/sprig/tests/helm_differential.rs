//! Differential test against the real `helm` binary: every case in `helm_cases.txt` is a
//! template body that `helm template` renders (through `include`, with Helm's copy of Sprig)
//! and slipway renders with `slipway_sprig::functions()`; outputs must be identical, and for
//! cases marked `!error` the error text from `executing "NAME" at` on must match.
//!
//! Helm is found in the repository's `.tools/bin` or on `PATH` (`slipway_testkit::oracle`);
//! without it the test is skipped with a notice, unless `SLIPWAY_REQUIRE_ORACLES=1`.

use std::path::Path;
use std::process::Command;

use slipway_template::TemplateSet;
use slipway_value::Value;

struct Case {
    name: String,
    body: String,
    error: bool,
}

fn cases() -> Vec<Case> {
    let text = include_str!("helm_cases.txt");
    let mut out: Vec<Case> = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("#### ") {
            let (name, error) = match header.strip_suffix(" !error") {
                Some(n) => (n, true),
                None => (header, false),
            };
            out.push(Case {
                name: name.to_owned(),
                body: String::new(),
                error,
            });
        } else if let Some(case) = out.last_mut() {
            if !case.body.is_empty() {
                case.body.push('\n');
            }
            case.body.push_str(line);
        }
    }
    out
}

fn define(case: &Case) -> String {
    format!(
        "{{{{- define \"{}\" -}}}}{}{{{{- end -}}}}",
        case.name, case.body
    )
}

/// Renders `cases` with helm in one chart: (name, output) pairs, or helm's error text.
fn helm_render(helm: &Path, dir: &Path, cases: &[&Case]) -> Result<Vec<(String, String)>, String> {
    let _ = std::fs::remove_dir_all(dir);
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: d\nversion: 0.1.0\n",
    )
    .map_err(|e| e.to_string())?;
    for case in cases {
        std::fs::write(templates.join(format!("_{}.tpl", case.name)), define(case))
            .map_err(|e| e.to_string())?;
        let wrapper = format!("v: {{{{ include \"{}\" . | toJson }}}}\n", case.name);
        std::fs::write(templates.join(format!("{}.yaml", case.name)), wrapper)
            .map_err(|e| e.to_string())?;
    }
    let out = Command::new(helm)
        .arg("template")
        .arg("d")
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut rendered = Vec::new();
    for doc in stdout.split("---\n") {
        let Some(rest) = doc.strip_prefix("# Source: d/templates/") else {
            continue;
        };
        let Some((file, value)) = rest.split_once('\n') else {
            continue;
        };
        let name = file.trim_end_matches(".yaml").to_owned();
        let json = value.trim().strip_prefix("v: ").unwrap_or_default();
        let text: String = serde_json::from_str(json).map_err(|e| format!("{name}: {e}"))?;
        rendered.push((name, text));
    }
    Ok(rendered)
}

fn ours(case: &Case) -> Result<String, String> {
    let mut set = TemplateSet::new().with_funcs(slipway_sprig::functions());
    set.parse(&format!("_{}", case.name), &define(case))
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    // Helm's top-level data; `.Values` is empty, so `.Values.missing` is a missing value.
    let data = Value::from_json(&serde_json::json!({"Values": {}}));
    set.execute(&case.name, &data, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The message of an error, after Go's `executing "NAME" at <...>: ` prefix (the `<...>`
/// context is left out: Go names the argument node for argument type errors, slipway the
/// call), with whitespace collapsed and helm's trailing hint removed.
fn error_message(err: &str, name: &str) -> String {
    let err = err.replace("Use --debug flag to render out invalid YAML", "");
    let err = err.split_whitespace().collect::<Vec<_>>().join(" ");
    let marker = format!("executing \"{name}\" at <");
    let tail = err
        .rfind(&marker)
        .map_or(err.as_str(), |i| &err[i + marker.len()..]);
    let message = tail.split_once(">: ").map_or(tail, |(_, m)| m);
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn sprig_functions_match_helm() {
    let Some(helm) = slipway_testkit::oracle("helm", "the Sprig differential test") else {
        return;
    };
    let all = cases();
    let scratch = slipway_testkit::ScratchDir::new("sprig-diff");
    let dir = scratch.path();
    let mut failures = Vec::new();

    let ok_cases: Vec<&Case> = all.iter().filter(|c| !c.error).collect();
    let rendered = helm_render(&helm, dir, &ok_cases).expect("helm renders the success cases");
    assert_eq!(rendered.len(), ok_cases.len(), "helm rendered every case");
    for (name, want) in rendered {
        let case = ok_cases
            .iter()
            .find(|c| c.name == name)
            .expect("known case");
        match ours(case) {
            Ok(got) if got == want => {}
            other => failures.push(format!("{name}: helm {want:?}, slipway {other:?}")),
        }
    }

    for case in all.iter().filter(|c| c.error) {
        let want = match helm_render(&helm, dir, &[case]) {
            Err(e) => error_message(&e, &case.name),
            Ok(out) => panic!("{}: helm did not fail: {out:?}", case.name),
        };
        match ours(case) {
            Err(e) if error_message(&e, &case.name) == want => {}
            other => failures.push(format!(
                "{}: helm error {want:?}, slipway {other:?}",
                case.name
            )),
        }
    }
    drop(scratch);
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
