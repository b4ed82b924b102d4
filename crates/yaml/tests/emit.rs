//! Emitter expectations derived from yaml.v2's encoder and libyaml's emitter rules, and the
//! limits that keep it from overflowing the stack.

use slipway_value::{Dict, Value};
use slipway_yaml::{from_yaml_docs_raw, marshal, to_yaml, to_yaml_pretty};

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Dict(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn ints_and_floats_after_the_json_round_trip() {
    // json.Marshal writes 3.0 as 3 and 1e21 as 1e+21; yaml.v2 reads 3 back as an int.
    let v = map(&[
        ("a", Value::Float(3.0)),
        ("b", Value::Float(1e21)),
        ("c", Value::Int(7)),
        ("d", Value::Float(0.1)),
    ]);
    assert_eq!(to_yaml(&v).unwrap(), "a: 3\nb: 1e+21\nc: 7\nd: 0.1");
    // yaml.v3 prints the float64 itself.
    assert_eq!(
        to_yaml_pretty(&map(&[("a", Value::Float(1e6)), ("c", Value::Int(7))])).unwrap(),
        "a: 1e+06\nc: 7"
    );
}

#[test]
fn non_finite_floats_fail_like_json_marshal() {
    let e = marshal(&Value::Float(f64::NAN)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error marshaling into JSON: json: unsupported value: NaN"
    );
}

#[test]
fn bytes_are_base64_as_in_go_json() {
    assert_eq!(
        to_yaml(&Value::Bytes(b"hi!".to_vec().into())).unwrap(),
        "aGkh"
    );
}

#[test]
fn deep_values_are_written_and_cycles_refused() {
    let mut v = Value::Int(1);
    for _ in 0..900 {
        v = Value::list(vec![v]);
    }
    assert!(to_yaml(&v).is_ok());
    let d = Dict::new();
    d.insert("self", Value::Dict(d.clone()));
    let e = to_yaml(&Value::Dict(d.clone())).unwrap_err();
    assert!(e.to_string().contains("encountered a cycle"), "{e}");
    // Break the cycle so the test does not leak it.
    d.remove("self");
}

#[test]
fn raw_documents_keep_integers() {
    let docs = from_yaml_docs_raw("a: 3\nb: 1.5\n---\nc: 0755\n").unwrap();
    assert_eq!(docs[0].as_dict().unwrap().get("a"), Some(Value::Int(3)));
    assert_eq!(docs[0].as_dict().unwrap().get("b"), Some(Value::Float(1.5)));
    assert_eq!(docs[1].as_dict().unwrap().get("c"), Some(Value::Int(493)));
}

/// Values as a template builds them (`dict`, `list`, int literals), with the texts that
/// `helm template` printed for `toYaml` and `toYamlPretty` of them.
#[test]
fn template_built_values_match_helm_output() {
    let v = map(&[
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
                Value::Nil,
            ]),
        ),
    ]);
    assert_eq!(
        to_yaml(&v).unwrap(),
        "big: 9223372036854775807\nf: 1.5\ni: 1\nl:\n- 1\n- 2\n- x\n- true\n- null\nneg: -5"
    );
    assert_eq!(
        to_yaml_pretty(&v).unwrap(),
        "big: 9223372036854775807\nf: 1.5\ni: 1\nl:\n  - 1\n  - 2\n  - x\n  - true\n  - null\nneg: -5"
    );
}
