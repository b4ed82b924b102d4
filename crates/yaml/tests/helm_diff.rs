//! Differential tests against the real `helm` binary: values files are read by Helm and by
//! us, each case goes through `toYaml` (and `fromYaml` for error texts), and the outputs must
//! be byte-identical. Skipped with a notice when `helm` is absent, unless
//! `SLIPWAY_REQUIRE_ORACLES=1`.

use std::path::{Path, PathBuf};

use slipway_value::Value;
use slipway_yaml::{
    from_yaml, helm_from_json, helm_from_yaml, helm_from_yaml_array, load_values, to_yaml,
    to_yaml_pretty,
};

fn helm_or_skip() -> Option<PathBuf> {
    slipway_testkit::oracle("helm", "the YAML differential test")
}

/// Renders `template` with `values` through `helm template` and returns stdout.
fn helm_render(helm: &Path, template: &str, values: &str) -> String {
    slipway_testkit::helm_template_one(helm, template, values)
        .unwrap_or_else(|e| panic!("helm failed: {e}"))
}

/// Puts each case's output, base64-encoded, in a ConfigMap so that Helm accepts any text.
const WRAP_TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n\
{{- range $k, $v := .Values.cases }}\n  {{ $k | quote }}: {{ FUNC | b64enc | quote }}\n{{- end }}\n";

/// Case name -> the text Helm rendered for it.
fn split_cases(rendered: &str) -> Vec<(String, String)> {
    rendered
        .lines()
        .filter_map(|line| {
            let (name, encoded) = line.strip_prefix("  \"")?.split_once("\": \"")?;
            let encoded = encoded.strip_suffix('"')?;
            Some((name.to_string(), decode_base64(encoded)))
        })
        .collect()
}

/// Standard base64 decoding (the test's own, to read what `b64enc` wrote).
fn decode_base64(text: &str) -> String {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in text.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    String::from_utf8(out).expect("helm wrote UTF-8")
}

/// Runs every case of `values` (a map under `cases:`) through `func` in Helm and through
/// `ours`, and reports each difference.
fn differential(name: &str, func: &str, values: &str, ours: impl Fn(&Value) -> String) {
    let Some(helm) = helm_or_skip() else { return };
    let template = WRAP_TEMPLATE.replace("FUNC", func);
    let rendered = helm_render(&helm, &template, values);
    let parsed = from_yaml(values).expect("our parse of the values");
    let cases = parsed.as_dict().unwrap().get("cases").unwrap();
    let cases = cases.as_dict().unwrap();
    let helm_cases = split_cases(&rendered);
    eprintln!("{name}: {} cases compared", helm_cases.len());
    assert_eq!(
        helm_cases.len(),
        cases.len(),
        "case count; helm output:\n{rendered}"
    );
    let mut failures = Vec::new();
    for (case, expected) in &helm_cases {
        let value = cases
            .get(case)
            .unwrap_or_else(|| panic!("case {case} missing on our side"));
        let got = ours(&value);
        if &got != expected {
            failures.push(format!(
                "case {case}:\n--- helm\n{expected}\n--- ours\n{got}\n"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        helm_cases.len(),
        failures.join("\n")
    );
}

const TO_YAML_CASES: &str = include_str!("data/to_yaml_cases.yaml");

#[test]
fn to_yaml_matches_helm() {
    differential("toyaml", "toYaml $v", TO_YAML_CASES, |v| {
        to_yaml(v).unwrap_or_default()
    });
}

#[test]
fn to_yaml_pretty_matches_helm() {
    differential("toyamlpretty", "toYamlPretty $v", TO_YAML_CASES, |v| {
        to_yaml_pretty(v).unwrap_or_default()
    });
}

const FROM_YAML_CASES: &str = include_str!("data/from_yaml_cases.yaml");

#[test]
fn from_yaml_matches_helm() {
    differential("fromyaml", "fromYaml $v | toYaml", FROM_YAML_CASES, |v| {
        let parsed = helm_from_yaml(v.as_str().unwrap_or_default());
        to_yaml(&parsed).unwrap_or_default()
    });
}

const FROM_JSON_CASES: &str = include_str!("data/from_json_cases.yaml");

#[test]
fn from_json_matches_helm() {
    differential("fromjson", "fromJson $v | toYaml", FROM_JSON_CASES, |v| {
        let parsed = helm_from_json(v.as_str().unwrap_or_default());
        to_yaml(&parsed).unwrap_or_default()
    });
}

#[test]
fn from_yaml_array_matches_helm() {
    differential(
        "fromyamlarray",
        "fromYamlArray $v | toYaml",
        include_str!("data/from_yaml_array_cases.yaml"),
        |v| to_yaml(&helm_from_yaml_array(v.as_str().unwrap_or_default())).unwrap_or_default(),
    );
}

/// Values files with several documents, separators and errors, each loaded by Helm 4 (as
/// `values.yaml`) and by [`load_values`]; the merged values are compared through `toYaml`.
#[test]
fn values_files_load_like_helm() {
    let Some(helm) = helm_or_skip() else { return };
    let cases = [
        "a: 1\n---\nb: 2\n",
        "a: {x: 1, yy: 2}\n---\na: {yy: 3}\nl: [1]\n---\nl: [2]\n",
        "a: 1\n--- # c\nb: 2\n",
        "a: 1\n--- x\nb: 2\n",
        "a: 1\n---x: 3\nb: 2\n",
        "a: 1\n---\n- x\n",
        "a: 1\n---\nb: [\n",
        "a: 1\n---\n\n---\nb: 2\n",
        "a: 1\n---\t\nb: 2\n",
        "a: 1\n...\nb: 2\n",
        "a: 1\n---\na: null\n",
        "---\na: 1\r\nb: 2\r\n",
        "# only a comment\n",
        "",
    ];
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n  v: {{ toYaml .Values | b64enc | quote }}\n";
    let mut failures = Vec::new();
    for values in cases {
        let expected = match slipway_testkit::helm_template_one(&helm, template, values) {
            Ok(out) => {
                let line = out
                    .lines()
                    .find_map(|l| l.strip_prefix("  v: "))
                    .unwrap_or_default();
                decode_base64(line.trim_matches('"'))
            }
            Err(e) => e,
        };
        let got = match load_values(values) {
            Ok(d) => to_yaml(&Value::Dict(d)).unwrap_or_default(),
            Err(e) => format!("Error: cannot load values.yaml: {e}"),
        };
        if got != expected {
            failures.push(format!(
                "case {values:?}:\n--- helm\n{expected}\n--- ours\n{got}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pseudo-random YAML-ish texts (fixed seed) through Helm's `fromYaml` and ours: the scanner,
/// parser and error messages must agree on inputs nobody wrote by hand.
#[test]
fn random_texts_parse_like_helm() {
    const PIECES: &[&str] = &[
        "a",
        "b: ",
        "key",
        ": ",
        "\n",
        "\n  ",
        "\n    ",
        "- ",
        "-",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ",",
        "&x ",
        "*x",
        "<<: ",
        "|\n",
        ">-\n",
        "'",
        "\"",
        "---\n",
        "...\n",
        "? ",
        "!!str ",
        "!t ",
        "\t",
        "#c",
        " #c",
        "1",
        "0x1F",
        "yes",
        "~",
        "1.5",
        "2001-01-01",
        "\\",
        "%",
        "@",
        "`",
        "  ",
        "é",
    ];
    let mut rng = slipway_testkit::XorShift::new(0x9e37_79b9_7f4a_7c15);
    let mut cases = serde_json::Map::new();
    for i in 0..400 {
        let len = 1 + rng.below(14);
        let text = rng.text(PIECES, len);
        cases.insert(format!("r{i:03}"), serde_json::Value::String(text));
    }
    let values = serde_json::json!({ "cases": cases }).to_string();
    differential("random", "fromYaml $v | toYaml", &values, |v| {
        to_yaml(&helm_from_yaml(v.as_str().unwrap_or_default())).unwrap_or_default()
    });
}

/// Pseudo-random values (fixed seed) with strings built from YAML's special characters,
/// through Helm's `toYaml` and `toYamlPretty` and ours.
#[test]
fn random_values_emit_like_helm() {
    const PIECES: &[&str] = &[
        "a",
        "word",
        " ",
        "  ",
        ": ",
        ":",
        "#",
        " #",
        "-",
        "- ",
        "'",
        "\"",
        "\n",
        "\t",
        "yes",
        "1",
        "0.5",
        "1e3",
        "~",
        "null",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "?",
        "é",
        "日本",
        "lorem ipsum dolor sit amet consectetur ",
        "\\",
        "2001-01-01",
        "0x1F",
        "---",
        "...",
    ];
    let mut rng = slipway_testkit::XorShift::new(0x2545_f491_4f6c_dd1d);
    let text = |rng: &mut slipway_testkit::XorShift| -> String {
        let len = rng.below(8);
        rng.text(PIECES, len)
    };
    let mut cases = serde_json::Map::new();
    for i in 0..300 {
        let mut map = serde_json::Map::new();
        for _ in 0..(1 + rng.below(4)) {
            let key = text(&mut rng);
            let value = match rng.below(4) {
                0 => serde_json::Value::String(text(&mut rng)),
                1 => serde_json::json!([text(&mut rng), text(&mut rng)]),
                2 => serde_json::json!({ text(&mut rng): text(&mut rng) }),
                _ => serde_json::json!(rng.below(100_000) as f64 / 8.0),
            };
            map.insert(key, value);
        }
        cases.insert(format!("v{i:03}"), serde_json::Value::Object(map));
    }
    let values = serde_json::json!({ "cases": cases }).to_string();
    differential("randomvalues", "toYaml $v", &values, |v| {
        to_yaml(v).unwrap_or_default()
    });
    differential("randomvaluespretty", "toYamlPretty $v", &values, |v| {
        to_yaml_pretty(v).unwrap_or_default()
    });
}
