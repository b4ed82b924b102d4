//! Differential tests against the real `helm` binary for `toToml` and `fromToml`: each case of
//! a values file goes through Helm and through us, outputs must be byte-identical. Skipped
//! with a notice when `helm` is absent, unless `SLIPWAY_REQUIRE_ORACLES=1`.

use std::path::Path;

use slipway_toml::{helm_from_toml, helm_to_toml, to_toml};
use slipway_value::Value;

/// Renders `template` with `values` through `helm template` and returns stdout.
fn helm_render(helm: &Path, template: &str, values: &str) -> String {
    slipway_testkit::helm_template_one(helm, template, values)
        .unwrap_or_else(|e| panic!("helm failed: {e}"))
}

/// Every case's output as JSON (`toJson` of a string is a JSON string), one per line.
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n\
{{- range $k, $v := .Values.cases }}\n  {{ $k | quote }}: {{ FUNC | toJson | quote }}\n{{- end }}\n";

fn differential(name: &str, func: &str, values: &str, ours: impl Fn(&Value) -> String) {
    let Some(helm) = slipway_testkit::oracle("helm", "the TOML differential test") else {
        return;
    };
    let rendered = helm_render(&helm, &TEMPLATE.replace("FUNC", func), values);
    let parsed = slipway_value_from_json_values(values);
    let mut failures = Vec::new();
    let mut count = 0;
    for line in rendered.lines() {
        let Some((case, quoted)) = line.strip_prefix("  \"").and_then(|l| l.split_once("\": "))
        else {
            continue;
        };
        count += 1;
        let json_text: String = serde_json_unquote(quoted);
        let expected: String = serde_json_unquote(&json_text);
        let got = ours(&parsed[case]);
        if got != expected {
            failures.push(format!(
                "case {case}:\n--- helm\n{expected}\n--- ours\n{got}\n"
            ));
        }
    }
    eprintln!("{name}: {count} cases compared");
    assert!(count > 0, "no cases in helm output:\n{rendered}");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Decodes a JSON string literal (Helm's `quote` and `toJson` output are both Go-quoted,
/// which is valid JSON for the characters used here).
fn serde_json_unquote(s: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(s).expect("a JSON string");
    v.as_str().expect("a string").to_string()
}

/// The cases, read from the JSON values file with integers kept as ints (Helm's `--set-json`
/// would do the same; the values file itself is read by Helm through JSON, so cases that
/// need ints build them in the template).
fn slipway_value_from_json_values(values: &str) -> std::collections::BTreeMap<String, Value> {
    let json: serde_json::Value = serde_json::from_str(values).expect("values are JSON");
    json["cases"]
        .as_object()
        .expect("cases")
        .iter()
        .map(|(k, v)| (k.clone(), float_numbers(Value::from_json(v))))
        .collect()
}

/// Every number as float64, as Helm's values reading leaves them.
fn float_numbers(v: Value) -> Value {
    match v {
        Value::Int(i) => Value::Float(i as f64),
        Value::List(items) => Value::list(items.iter().cloned().map(float_numbers).collect()),
        Value::Dict(d) => Value::dict(
            d.read()
                .iter()
                .map(|(k, v)| (k.clone(), float_numbers(v.clone())))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn to_toml_matches_helm() {
    differential(
        "totoml",
        "toToml $v",
        include_str!("data/to_toml_cases.json"),
        |v| helm_to_toml(v).unwrap_or_else(|e| format!("panic: {e}")),
    );
}

#[test]
fn from_toml_matches_helm() {
    differential(
        "fromtoml",
        "fromToml $v | toToml",
        include_str!("data/from_toml_cases.json"),
        |v| {
            helm_to_toml(&helm_from_toml(v.as_str().unwrap_or_default()))
                .unwrap_or_else(|e| format!("panic: {e}"))
        },
    );
}

/// Datetimes through `fromToml | toYaml`, which compares their JSON text. (Through `toToml`
/// Go writes them back as TOML datetimes; we hold them as strings, so they come back quoted.)
#[test]
fn from_toml_datetimes_match_helm_through_to_yaml() {
    differential(
        "fromtomlyaml",
        "fromToml $v | toYaml",
        include_str!("data/from_toml_datetimes.json"),
        |v| {
            let map = helm_from_toml(v.as_str().unwrap_or_default());
            slipway_yaml::to_yaml(&map).unwrap_or_default()
        },
    );
}

#[test]
fn nil_document_fails_the_call() {
    assert_eq!(
        helm_to_toml(&Value::Nil),
        Err("reflect: call of reflect.Value.Type on zero Value".to_string())
    );
}

/// `toToml (dict "i" 1 "neg" -5 "big" 9223372036854775807 "f" 1.5 "l" (list 1 2.0 "x" true))`
/// as `helm template` printed it.
#[test]
fn template_built_values_match_helm_output() {
    let v = Value::dict(
        [
            ("i", Value::Int(1)),
            ("neg", Value::Int(-5)),
            ("big", Value::Int(i64::MAX)),
            ("f", Value::Float(1.5)),
            (
                "l",
                Value::list(vec![
                    Value::Int(1),
                    Value::Float(2.0),
                    Value::string("x"),
                    Value::Bool(true),
                ]),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    );
    assert_eq!(
        to_toml(&v).unwrap(),
        "big = 9223372036854775807\nf = 1.5\ni = 1\nl = [1, 2.0, \"x\", true]\nneg = -5\n"
    );
}

#[test]
fn ints_stay_ints() {
    let v = Value::dict(
        [
            ("i".to_string(), Value::Int(3)),
            ("f".to_string(), Value::Float(3.0)),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(to_toml(&v).unwrap(), "f = 3.0\ni = 3\n");
}

/// Pseudo-random TOML-ish texts (fixed seed) through Helm's `fromToml` and ours: the lexer,
/// parser and error messages must agree on inputs nobody wrote by hand.
#[test]
fn random_texts_parse_like_helm() {
    const PIECES: &[&str] = &[
        "a",
        "b",
        " = ",
        "=",
        "\n",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        ", ",
        ".",
        "\"",
        "'",
        "\"\"\"",
        "\\",
        "#c",
        "1",
        "0x1F",
        "1e5",
        "_",
        "-",
        "+",
        "inf",
        "nan",
        "true",
        "1.5",
        "1979-05-27",
        "T07:32:00",
        "Z",
        ":",
        " ",
        "\t",
        "\"s\"",
        "'r'",
        "é",
    ];
    let mut rng = slipway_testkit::XorShift::new(0x853c_49e6_748f_ea9b);
    let mut cases = serde_json::Map::new();
    for i in 0..300 {
        let len = 1 + rng.below(16);
        let text = rng.text(PIECES, len);
        cases.insert(format!("r{i:03}"), serde_json::Value::String(text));
    }
    let values = serde_json::json!({ "cases": cases }).to_string();
    differential("randomtoml", "fromToml $v | toYaml", &values, |v| {
        slipway_yaml::to_yaml(&helm_from_toml(v.as_str().unwrap_or_default())).unwrap_or_default()
    });
}
