//! Differential tests against the real `helm template` (reference binary): for charts written
//! here, every chart's `.Values` as Helm renders it (`toJson .Values` in a dump template) must
//! equal what `slipway-chart` computes for that chart. Skips with a notice when helm is not
//! installed, unless `SLIPWAY_REQUIRE_ORACLES=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use slipway_chart::{
    Capabilities, Chart, PrepareOptions, ValuesOptions, load_chart, prepare, scoped_values,
};
use slipway_value::{Dict, Value};

const DUMP: &str = "{{ toJson .Values }}\n";

/// The helm oracle, or `None` (after a notice) to skip; see [`slipway_testkit::oracle`].
fn require_helm() -> Option<PathBuf> {
    slipway_testkit::oracle("helm", "differential values test")
}

/// Writes `files` under `dir`, adding the dump template to every chart directory.
fn write_chart(dir: &Path, files: &[(&str, &str)]) {
    for (name, data) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, data).unwrap();
        if name.ends_with("Chart.yaml") {
            let tdir = path.parent().unwrap().join("templates");
            std::fs::create_dir_all(&tdir).unwrap();
            std::fs::write(tdir.join("zz-dump.yaml"), DUMP).unwrap();
        }
    }
}

/// Helm's output: source path → the dumped values.
fn helm_values(helm: &Path, chart: &Path, args: &[&str]) -> BTreeMap<String, serde_json::Value> {
    let out = Command::new(helm)
        .arg("template")
        .arg("rel")
        .arg(chart)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "helm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut result = BTreeMap::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (source, body) = doc.split_once('\n').unwrap();
        if let Some(dir) = source.strip_suffix("/templates/zz-dump.yaml") {
            result.insert(dir.to_owned(), serde_json::from_str(body.trim()).unwrap());
        }
    }
    result
}

/// Our values for every chart path (`top`, `top/charts/sub`, ...).
fn our_values(
    chart: &Chart,
    values: &Dict,
    path: &str,
    out: &mut BTreeMap<String, serde_json::Value>,
) {
    out.insert(path.to_owned(), Value::Dict(values.clone()).to_json());
    for sub in &chart.dependencies {
        let sv = scoped_values(values, sub);
        our_values(sub, &sv, &format!("{path}/charts/{}", sub.name()), out);
    }
}

/// Equality as JSON numbers compare in Helm's output (int and float alike).
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

/// `set` entries are `--set` arguments, or `--FLAG ARG` for the other `--set*` flags (`@DIR@`
/// stands for the directory holding `value_files`).
fn check(files: &[(&str, &str)], set: &[&str], value_files: &[(&str, &str)]) {
    check_with(files, &[], set, value_files);
}

fn check_with(
    files: &[(&str, &str)],
    binary: &[(&str, Vec<u8>)],
    set: &[&str],
    value_files: &[(&str, &str)],
) {
    let Some(helm) = require_helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let chart_dir = tmp.path().join("top");
    write_chart(&chart_dir, files);
    for (name, data) in binary {
        let path = chart_dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    let mut args: Vec<String> = Vec::new();
    let mut opts = ValuesOptions::default();
    for (name, data) in value_files {
        let p = tmp.path().join(name);
        std::fs::write(&p, data).unwrap();
        if name.starts_with('_') {
            // A data file for --set-file, not a values file.
            continue;
        }
        args.push("-f".into());
        args.push(p.display().to_string());
        opts.values_files.push(p.display().to_string());
    }
    for s in set {
        let (flag, arg) = match s.split_once(' ') {
            Some((flag, arg)) if flag.starts_with("--") => (flag, arg),
            _ => ("--set", *s),
        };
        let arg = arg.replace("@DIR@", &tmp.path().display().to_string());
        match flag {
            "--set" => opts.set.push(arg.clone()),
            "--set-string" => opts.set_string.push(arg.clone()),
            "--set-json" => opts.set_json.push(arg.clone()),
            "--set-literal" => opts.set_literal.push(arg.clone()),
            "--set-file" => opts.set_file.push(arg.clone()),
            other => panic!("unsupported flag {other}"),
        }
        args.push(flag.into());
        args.push(arg);
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let want = helm_values(&helm, &chart_dir, &arg_refs);
    assert!(!want.is_empty(), "helm rendered no dump templates");
    let chart = load_chart(&chart_dir).unwrap();
    let user = opts.user_values(None).unwrap();
    let prepared = prepare(
        chart,
        &user,
        &Capabilities::default(),
        &PrepareOptions::default(),
    )
    .unwrap();
    let mut got = BTreeMap::new();
    our_values(
        &prepared.chart,
        &prepared.values,
        prepared.chart.name(),
        &mut got,
    );
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "rendered charts differ"
    );
    for (path, w) in &want {
        assert!(
            same(&got[path], w),
            "{path}:\n ours: {}\n helm: {w}",
            got[path]
        );
    }
}

const THREE_LEVELS: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: mid\n  version: \">=0.1.0\"\n  condition: mid.enabled\n- name: mid\n  alias: mid2\n  version: 0.1.0\n  tags: [extra]\n- name: leaf\n  version: 1.x\n  condition: leaf.on,global.leafOn\n",
    ),
    (
        "values.yaml",
        "global:\n  region: eu\n  nested: {a: 1, b: 2}\nreplicas: 2\nmid:\n  enabled: true\n  size: big\n  deep:\n    setting: from-top\nmid2:\n  size: small\ntags:\n  extra: false\nnullme: x\n",
    ),
    (
        "charts/mid/Chart.yaml",
        "apiVersion: v2\nname: mid\nversion: 0.1.0\ndependencies:\n- name: deep\n  version: 2.0.0\n",
    ),
    (
        "charts/mid/values.yaml",
        "size: medium\nlist: [1, 2, 3]\nglobal:\n  nested: {b: 20, c: 30}\n  midOnly: yes\ndeep:\n  setting: from-mid\n  other: 1\n",
    ),
    (
        "charts/mid/charts/deep/Chart.yaml",
        "apiVersion: v2\nname: deep\nversion: 2.0.0\n",
    ),
    (
        "charts/mid/charts/deep/values.yaml",
        "setting: default\nkeep: null\nmap: {x: 1}\n",
    ),
    (
        "charts/leaf/Chart.yaml",
        "apiVersion: v2\nname: leaf\nversion: 1.2.3\n",
    ),
    ("charts/leaf/values.yaml", "on: true\ncolor: blue\n"),
];

#[test]
fn three_levels_aliases_conditions_tags_globals() {
    check(THREE_LEVELS, &[], &[]);
}

#[test]
fn three_levels_with_user_values() {
    check(
        THREE_LEVELS,
        &[
            "tags.extra=true",
            "mid.deep.other=null",
            "global.region=us",
            "leaf.on=false",
            "global.leafOn=true",
            "nullme=null",
            "mid.list[1]=9",
        ],
        &[(
            "over.yaml",
            "mid:\n  size: null\n  global:\n    nested: {a: 100}\nreplicas: 5\n",
        )],
    );
}

const IMPORTS: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 1.0.0\n  import-values:\n  - defaults\n  - child: settings\n    parent: imported\n  - child: settings.inner\n    parent: deep.path\n",
    ),
    ("values.yaml", "imported:\n  b: parent-wins\nown: 1\n"),
    (
        "charts/lib/Chart.yaml",
        "apiVersion: v2\nname: lib\nversion: 1.0.0\n",
    ),
    (
        "charts/lib/values.yaml",
        "exports:\n  defaults:\n    fromExports: true\n    own: 2\nsettings:\n  a: 1\n  b: 2\n  inner: {z: 26}\n",
    ),
];

#[test]
fn import_values_both_forms() {
    check(IMPORTS, &[], &[]);
}

#[test]
fn import_values_with_overrides() {
    check(IMPORTS, &["lib.settings.a=10", "imported.c=3"], &[]);
}

#[test]
fn subchart_defaults_decide_conditions_and_unversioned_aliases() {
    check(
        &[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: off\n  version: 0.1.0\n  condition: off.enabled\n- name: plain\n  alias: renamed\n- name: tagged\n  version: 0.1.0\n  tags: [a, b]\n",
            ),
            (
                "values.yaml",
                "tags:\n  a: false\n  b: true\nplain:\n  v: 1\n",
            ),
            (
                "charts/off/Chart.yaml",
                "apiVersion: v2\nname: off\nversion: 0.1.0\n",
            ),
            ("charts/off/values.yaml", "enabled: false\n"),
            (
                "charts/plain/Chart.yaml",
                "apiVersion: v2\nname: plain\nversion: 0.1.0\n",
            ),
            ("charts/plain/values.yaml", "v: 0\nw: 0\n"),
            (
                "charts/tagged/Chart.yaml",
                "apiVersion: v2\nname: tagged\nversion: 0.1.0\n",
            ),
        ],
        &[],
        &[],
    );
}

fn packed_subchart() -> Vec<u8> {
    let mut tgz = Vec::new();
    let gz = flate2::write::GzEncoder::new(&mut tgz, flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    for (name, data) in [
        (
            "packed/Chart.yaml",
            "apiVersion: v1\nname: packed\nversion: 3.0.0\n",
        ),
        (
            "packed/values.yaml",
            "fromArchive: true\nglobal: {packed: 1}\n",
        ),
        ("packed/templates/zz-dump.yaml", DUMP),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_bytes()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap();
    tgz
}

#[test]
fn apiversion_v1_requirements_and_archived_subchart() {
    check_with(
        &[
            ("Chart.yaml", "apiVersion: v1\nname: top\nversion: 1.0.0\n"),
            (
                "requirements.yaml",
                "dependencies:\n- name: packed\n  version: ~3.0.0\n  alias: pk\n",
            ),
            ("values.yaml", "pk:\n  fromParent: 1\n"),
        ],
        &[("charts/packed-3.0.0.tgz", packed_subchart())],
        &["pk.fromArchive=false"],
        &[],
    );
}

/// Renders `template` (as the only template of a chart holding `files`) with helm.
fn helm_render(files: &[(&str, &str)], template: &str) -> Option<(String, Chart)> {
    let helm = require_helm()?;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("top");
    for (name, data) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, data).unwrap();
    }
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/out.yaml"), template).unwrap();
    let out = Command::new(helm)
        .arg("template")
        .arg("rel")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let body = text
        .split_once("# Source: top/templates/out.yaml\n")
        .map(|(_, b)| b.trim_end().to_owned())
        .unwrap();
    Some((body, load_chart(&dir).unwrap()))
}

#[test]
fn chart_object_matches_helm() {
    let files = [
        (
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 1.2.3\nappVersion: \"2.0\"\ndescription: A chart\nhome: https://example.org\nsources: [https://a, https://b]\nkeywords: [k1]\nmaintainers:\n- name: Me\n  email: me@example.org\nicon: https://i\nannotations:\n  category: x\nkubeVersion: \">=1.20.0-0\"\ntype: application\ndeprecated: true\ndependencies:\n- name: sub\n  version: 0.1.0\n  repository: file://charts/sub\n  alias: s\n  condition: s.enabled\n  tags: [t]\n  import-values: [a]\n",
        ),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
    ];
    let Some((body, chart)) = helm_render(&files, "{{ toJson .Chart }}") else {
        return;
    };
    let want: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut chart = chart;
    let mut warnings = Vec::new();
    slipway_chart::deps::process_dependencies(&mut chart, &Dict::new(), &mut warnings).unwrap();
    assert_eq!(chart.metadata_value(true).to_json(), want);
}

#[test]
fn files_object_matches_helm() {
    let files = [
        ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
        ("conf/a.txt", "line one\nline two\n"),
        ("conf/b.yaml", "key: value\n"),
        ("conf/sub/c.txt", "deep"),
        (".helmignore", "*.bak\n"),
        ("conf/skip.bak", "ignored"),
    ];
    let template = r#"{{ toJson (dict "config" (.Files.Glob "conf/**").AsConfig "secrets" (.Files.Glob "conf/*").AsSecrets "lines" (.Files.Lines "conf/a.txt") "get" (.Files.Get "conf/b.yaml") "missing" (.Files.Get "nope") "nolines" (.Files.Lines "nope")) }}"#;
    let Some((body, chart)) = helm_render(&files, template) else {
        return;
    };
    let want: serde_json::Value = serde_json::from_str(&body).unwrap();
    let fs = slipway_chart::Files::new(&chart.files);
    let got = serde_json::json!({
        "config": fs.glob("conf/**").as_config(),
        "secrets": fs.glob("conf/*").as_secrets(),
        "lines": fs.lines("conf/a.txt"),
        "get": fs.get("conf/b.yaml"),
        "missing": fs.get("nope"),
        "nolines": fs.lines("nope"),
    });
    assert_eq!(got, want);
}

#[test]
fn helmignore_rules_match_helm() {
    let files = [
        ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
        (
            ".helmignore",
            "# comment\n*.bak\n/rooted.txt\ndocs/\nconf/*.tmp\nsecret?.txt\n[ab].log\n",
        ),
        ("a.bak", "x"),
        ("keep.bak", "x"),
        ("rooted.txt", "x"),
        ("sub/rooted.txt", "x"),
        ("docs/readme.md", "x"),
        ("notdocs/docs", "x"),
        ("conf/x.tmp", "x"),
        ("conf/deep/y.tmp", "x"),
        ("secret1.txt", "x"),
        ("secret12.txt", "x"),
        ("a.log", "x"),
        ("c.log", "x"),
        ("templates/.hidden", "x"),
        ("plain.txt", "x"),
    ];
    let Some((body, chart)) =
        helm_render(&files, "{{ range $k, $v := .Files }}# {{ $k }}\n{{ end }}")
    else {
        return;
    };
    let want: Vec<&str> = body.lines().filter_map(|l| l.strip_prefix("# ")).collect();
    let mut got: Vec<&str> = chart.files.iter().map(|f| f.name.as_str()).collect();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn helmignore_negation_quirk_matches_helm() {
    // In Helm, a `!pattern` rule ignores every path it does not match, Chart.yaml included.
    let Some(helm) = require_helm() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("top");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: top\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(dir.join(".helmignore"), "!keep.txt\n").unwrap();
    std::fs::write(dir.join("keep.txt"), "x").unwrap();
    let out = Command::new(helm)
        .arg("template")
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ours = load_chart(&dir).unwrap_err().to_string();
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!("Error: {ours}")),
        "ours: {ours}\nhelm: {stderr}"
    );
}

#[test]
fn every_set_flag_and_multi_document_files() {
    check(
        &[
            ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
            ("values.yaml", "base: {keep: 1, list: [a]}\n"),
        ],
        &[
            "--set-json {\"obj\":{\"n\":1.5,\"big\":12345678901},\"base\":{\"list\":[]}}",
            "--set-json arr=[1,\"two\",{\"x\":null}],num=7",
            "--set-file content=@DIR@/_payload.txt",
            "--set-literal lit=a,b=c\\d",
            "--set-string str=true,zero=0",
            "typed=true,n=00012,neg=-5,esc=a\\,b,list={x,y},idx[2]=z",
        ],
        &[
            ("_payload.txt", "line 1\nline 2\n"),
            ("multi.yaml", "a: 1\nm: {x: 1}\n---\nb: 2\nm: {z: 3}\n"),
        ],
    );
}

#[test]
fn files_glob_patterns_match_helm() {
    let files = [
        ("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
        ("a.txt", "x"),
        ("conf/b.txt", "x"),
        ("conf/c.yaml", "x"),
        ("conf/d/e.txt", "x"),
        ("conf/d/f/g.txt", "x"),
        ("other/h.json", "x"),
    ];
    let patterns = [
        "*",
        "*.txt",
        "**.txt",
        "**/*.txt",
        "conf/*",
        "conf/**",
        "conf/*.{txt,yaml}",
        "conf/?.txt",
        "conf/[bc].*",
        "**",
        "other/**/*.json",
        "[",
    ];
    let template: String = patterns
        .iter()
        .map(|p| {
            format!(
                "{{{{ range $k, $v := .Files.Glob {p:?} }}}}# {p} => {{{{ $k }}}}\n{{{{ end }}}}"
            )
        })
        .collect();
    let Some((body, chart)) = helm_render(&files, &template) else {
        return;
    };
    let fs = slipway_chart::Files::new(&chart.files);
    let mut ours = String::new();
    for p in patterns {
        let globbed = fs.glob(p);
        let data = slipway_value::Object::to_data(&globbed);
        for name in data.as_dict().unwrap().keys() {
            ours.push_str(&format!("# {p} => {name}\n"));
        }
    }
    assert_eq!(ours.trim_end(), body);
}
