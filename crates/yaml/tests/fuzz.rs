//! Robustness: random input never panics the parser, and whatever the emitter writes reads
//! back to the same data (after Helm's JSON round trip, which turns ints into floats).

use proptest::prelude::*;
use slipway_value::{Map, Value};
use slipway_yaml::{from_json, from_yaml, from_yaml_docs, manifest_head, marshal, split_manifests};

/// Text built from YAML's structural pieces, so that the parser's deeper states are reached.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(": ".to_string()),
        Just("\n".to_string()),
        Just("\n  ".to_string()),
        Just("- ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("<<: ".to_string()),
        Just("|\n".to_string()),
        Just(">-\n".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("---\n".to_string()),
        Just("? ".to_string()),
        Just("!!str ".to_string()),
        Just("\t".to_string()),
        Just("#".to_string()),
        "[a-z0-9]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// Values as templates build them (keys and strings include YAML's special characters).
fn value() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        "[ -~]{0,12}",
        Just("yes".to_string()),
        Just("0755".to_string()),
        Just("a: b".to_string()),
        Just("x\ny\n".to_string()),
        Just(" lead\ttab".to_string()),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (-1e30f64..1e30).prop_map(Value::Float),
        text.clone().prop_map(Value::string),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::list),
            // `<<` as a key is written plain, as yaml.v2 does, and reads back as a merge key.
            prop::collection::btree_map(
                text.clone().prop_filter("merge key", |k| k != "<<"),
                inner,
                0..5
            )
            .prop_map(|m| Value::dict(m.into_iter().collect::<Map>())),
        ]
    })
}

/// What Helm's JSON round trip makes of a value: ints become floats.
fn through_json(v: &Value) -> Value {
    match v {
        Value::Int(i) => Value::Float(*i as f64),
        Value::List(items) => Value::list(items.iter().map(through_json).collect()),
        Value::Dict(d) => Value::dict(
            d.read()
                .iter()
                .map(|(k, v)| (k.clone(), through_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsing_never_panics(text in yamlish()) {
        let _ = from_yaml(&text);
        let _ = from_yaml_docs(&text);
        let _ = manifest_head(&text);
        let _ = split_manifests(&text);
        let _ = from_json(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
        let _ = from_yaml(&text);
        let _ = from_json(&text);
    }

    #[test]
    fn emitted_yaml_reads_back(v in value()) {
        let text = marshal(&v).expect("finite values always emit");
        let back = from_yaml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(back, through_json(&v), "{}", text);
    }
}
