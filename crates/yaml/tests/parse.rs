//! Parsing as sigs.k8s.io/yaml does for Helm: expected values follow yaml.v2's resolve.go and
//! decode.go and Go's encoding/json.

use slipway_value::Value;
use slipway_yaml::{YamlError, from_yaml, from_yaml_array, from_yaml_docs, from_yaml_map};

fn get(v: &Value, key: &str) -> Value {
    v.as_dict()
        .and_then(|d| d.get(key))
        .unwrap_or_else(|| panic!("no key {key} in {v:?}"))
}

#[test]
fn yaml11_scalars_through_json() {
    let v = from_yaml(
        "a: yes\nb: off\nc: 0755\nd: 0x1F\ne: 1_000\nf: 2001-12-14\ng: ~\nh: null\ni: 1.5\nj: \"yes\"\nk: y\nl: 12345678901234567890\nm: '0755'\nnothing:\n",
    )
    .unwrap();
    assert_eq!(get(&v, "a"), Value::Bool(true));
    assert_eq!(get(&v, "b"), Value::Bool(false));
    assert_eq!(get(&v, "c"), Value::Float(493.0));
    assert_eq!(get(&v, "d"), Value::Float(31.0));
    assert_eq!(get(&v, "e"), Value::Float(1000.0));
    assert_eq!(get(&v, "f"), Value::string("2001-12-14"));
    assert_eq!(get(&v, "g"), Value::Nil);
    assert_eq!(get(&v, "h"), Value::Nil);
    assert_eq!(get(&v, "i"), Value::Float(1.5));
    assert_eq!(get(&v, "j"), Value::string("yes"));
    assert_eq!(get(&v, "k"), Value::Bool(true));
    assert_eq!(get(&v, "l"), Value::Float(12345678901234567890.0));
    assert_eq!(get(&v, "m"), Value::string("0755"));
    assert_eq!(get(&v, "nothing"), Value::Nil);
}

#[test]
fn keys_become_strings() {
    let v = from_yaml("1: a\ntrue: b\n1.5: c\nyes: d\n0x10: e\nn: f\n").unwrap();
    let d = v.as_dict().unwrap();
    assert_eq!(d.keys(), vec!["1", "1.5", "16", "false", "true"]);
    assert_eq!(
        d.get("true"),
        Some(Value::string("d")),
        "yes: is the key true, last wins"
    );
}

#[test]
fn null_key_is_a_json_step_error() {
    let e = from_yaml("~: a\n").unwrap_err();
    assert!(matches!(e, YamlError::Json(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
    );
}

#[test]
fn infinity_fails_at_the_json_step() {
    let e = from_yaml("a: .inf\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: json: unsupported value: +Inf"
    );
}

#[test]
fn merge_keys_and_aliases() {
    let text = "base: &b\n  x: 1\n  yy: 2\nother: &o\n  yy: 3\n  z: 4\nm:\n  <<: [*b, *o]\n  x: 9\nnn:\n  w: 0\n  <<: *b\nl: *b\n";
    let v = from_yaml(text).unwrap();
    let m = get(&v, "m");
    assert_eq!(get(&m, "x"), Value::Float(9.0));
    assert_eq!(
        get(&m, "yy"),
        Value::Float(2.0),
        "earlier maps in the merge list win"
    );
    assert_eq!(get(&m, "z"), Value::Float(4.0));
    let n = get(&v, "nn");
    assert_eq!(get(&n, "w"), Value::Float(0.0));
    assert_eq!(get(&n, "x"), Value::Float(1.0));
    // Aliases decode to independent maps, not shared ones.
    let l = get(&v, "l");
    let base = get(&v, "base");
    assert_eq!(l, base);
    assert!(!l.as_dict().unwrap().ptr_eq(base.as_dict().unwrap()));
}

#[test]
fn merge_of_a_scalar_fails() {
    let e = from_yaml("a: &a 1\nb:\n  <<: *a\n").unwrap_err();
    assert_eq!(
        e.inner(),
        "yaml: map merge requires map or sequence of maps as the value"
    );
}

#[test]
fn unknown_and_recursive_anchors() {
    let e = from_yaml("a: *nope\n").unwrap_err();
    assert_eq!(e.inner(), "yaml: unknown anchor 'nope' referenced");
    let e = from_yaml("a: &x [1, *x]\n").unwrap_err();
    assert_eq!(e.inner(), "yaml: anchor 'x' value contains itself");
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 9].join(",");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let e = from_yaml(&text).unwrap_err();
    assert_eq!(e.inner(), "yaml: document contains excessive aliasing");
}

#[test]
fn multi_line_scalars() {
    let v =
        from_yaml("a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: plain\n  continued\n").unwrap();
    assert_eq!(get(&v, "a"), Value::string("one\ntwo\n"));
    assert_eq!(get(&v, "b"), Value::string("folded text"));
    assert_eq!(get(&v, "c"), Value::string("plain continued"));
}

#[test]
fn tags() {
    let v = from_yaml("a: !!str 123\nb: !!float 1\nc: !!binary aGVsbG8=\nd: !!null ~\n").unwrap();
    assert_eq!(get(&v, "a"), Value::string("123"));
    assert_eq!(get(&v, "b"), Value::Float(1.0));
    assert_eq!(get(&v, "c"), Value::string("hello"));
    assert_eq!(get(&v, "d"), Value::Nil);
    let e = from_yaml("a: !!null x\n").unwrap_err();
    assert_eq!(e.inner(), "yaml: cannot decode !!str `x` as a !!null");
    let e = from_yaml("a: !!int 1.5\n").unwrap_err();
    assert_eq!(e.inner(), "yaml: cannot decode !!float `1.5` as a !!int");
}

#[test]
fn only_the_first_document_counts() {
    let v = from_yaml("a: 1\n---\nb: [\n").unwrap();
    assert_eq!(v.as_dict().unwrap().keys(), vec!["a"]);
    let docs = from_yaml_docs("a: 1\n---\nb: 2\n---\n").unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[2], Value::Nil);
}

#[test]
fn empty_and_typed_targets() {
    assert_eq!(from_yaml("").unwrap(), Value::Nil);
    assert_eq!(from_yaml("# only a comment\n").unwrap(), Value::Nil);
    assert!(from_yaml_map("").unwrap().is_empty());
    let e = from_yaml_map("- one\n- two\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
    assert_eq!(
        from_yaml_array("[\"one\", 2, { \"name\": \"helm\" }]")
            .unwrap()
            .len(),
        3
    );
    let e = from_yaml_array("a: 1").unwrap_err();
    assert!(
        e.to_string()
            .ends_with("cannot unmarshal object into Go value of type []interface {}")
    );
}

#[test]
fn syntax_errors_have_yaml_v2_text() {
    let e = from_yaml("a: b\nc: d: e\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"
    );
    let e = from_yaml("a: 1\nb: @x\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "error converting YAML to JSON: yaml: line 2: found character that cannot start any token"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(20_000);
    assert!(from_yaml(&text).is_err());
    let text = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    assert!(from_yaml(&text).is_ok());
    let text = format!("{}1\n", "- ".repeat(9_000));
    assert!(from_yaml(&text).is_ok());
    let text = format!("{}1\n", "- ".repeat(10_001));
    assert!(from_yaml(&text).is_err());
}
