//! Differential test of the template engine with Helm's functions: every case of
//! `tests/templates/cases.tpl` becomes one template of a generated chart (with
//! `tests/templates/values.yaml` and the helpers and files of `tests/templates/chart/`), which
//! the real `helm template` and `slipway render` must render byte for byte alike.
//!
//! Case format: a line `#### NAME` starts a case whose text runs to the next such line (the
//! newline before it is not part of the case). Plain cases are wrapped in a `define` and
//! included, indented, into a YAML block scalar, so any output is a valid document; `#### NAME
//! raw` cases are the template file itself and must render valid YAML.

mod render_support;

use std::path::Path;

use render_support::{Rendered, Scratch, copy_tree, describe_difference};

/// One case of `cases.tpl`.
struct Case {
    name: String,
    raw: bool,
    text: String,
}

fn cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for part in text.split("#### ").skip(1) {
        let (header, body) = part.split_once('\n').unwrap_or((part, ""));
        let mut words = header.split_whitespace();
        let name = words.next().unwrap_or_default().to_owned();
        let raw = words.any(|w| w == "raw");
        let text = body.strip_suffix('\n').unwrap_or(body).to_owned();
        cases.push(Case { name, raw, text });
    }
    cases
}

/// The template file of a case.
fn template_file(case: &Case) -> String {
    if case.raw {
        return format!("{}\n", case.text);
    }
    let name = &case.name;
    format!(
        "{{{{- define \"case.{name}\" }}}}{}{{{{ end -}}}}\ncase: {name}\nout: |2-\n{{{{ include \"case.{name}\" . | indent 2 }}}}\n",
        case.text
    )
}

/// Writes the chart of all cases into `dir`.
fn build_chart(fixtures: &Path, dir: &Path) -> usize {
    copy_tree(&fixtures.join("chart"), dir);
    std::fs::copy(fixtures.join("values.yaml"), dir.join("values.yaml")).expect("copy values");
    let text = std::fs::read_to_string(fixtures.join("cases.tpl")).expect("read cases.tpl");
    let cases = cases(&text);
    for (i, case) in cases.iter().enumerate() {
        let file = dir.join(format!("templates/c{i:03}-{}.yaml", case.name));
        std::fs::write(file, template_file(case)).expect("write case template");
    }
    cases.len()
}

#[test]
fn every_template_case_renders_like_helm() {
    let Some(helm) = render_support::helm("render_templates") else {
        return;
    };
    let fixtures = render_support::repo_root().join("tests/templates");
    let scratch = Scratch::new("render-templates");
    let chart = scratch.path().join("cases");
    let count = build_chart(&fixtures, &chart);
    assert!(count >= 300, "only {count} template cases");
    let want = render_support::helm_template(&helm, scratch.path(), "rel", &chart, &[], b"");
    let got = render_support::slipway_render(scratch.path(), "rel", &chart, &[], b"");
    let (Rendered::Ok(want), Rendered::Ok(got)) = (&want, &got) else {
        panic!("rendering failed:\nhelm: {want:?}\nslipway: {got:?}");
    };
    if want == got {
        return;
    }
    let want_docs = render_support::by_source(want);
    let got_docs = render_support::by_source(got);
    let mut differing = Vec::new();
    for (i, (source, body)) in want_docs.iter().enumerate() {
        let ours = got_docs.get(i).filter(|(s, _)| s == source).map(|(_, b)| b);
        if ours != Some(body) {
            differing.push(format!(
                "{source}\n--- helm:\n{body}\n--- slipway:\n{}\n",
                ours.map_or("(missing)", String::as_str)
            ));
        }
    }
    if differing.is_empty() {
        panic!("outputs differ:\n{}", describe_difference(want, got));
    }
    panic!(
        "{} of {count} cases differ from helm:\n{}",
        differing.len(),
        differing.join("\n")
    );
}
