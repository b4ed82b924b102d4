//! Robustness: random TOML-ish text never panics the decoder, and whatever the encoder writes
//! for a table reads back.

use proptest::prelude::*;
use slipway_toml::{from_toml, to_toml};
use slipway_value::{Map, Value};

fn tomlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_string()),
        Just(" = ".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("[[".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just(".".to_string()),
        Just("\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("'".to_string()),
        Just("'''".to_string()),
        Just("\\".to_string()),
        Just("#".to_string()),
        Just("1".to_string()),
        Just("0x".to_string()),
        Just("1e".to_string()),
        Just("_".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just("inf".to_string()),
        Just("nan".to_string()),
        Just("true".to_string()),
        Just("1979-05-27".to_string()),
        Just("T07:32:00".to_string()),
        Just("Z".to_string()),
        Just(":".to_string()),
        "[a-z0-9 ]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|p| p.concat())
}

fn table() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (-1e9f64..1e9).prop_map(Value::Float),
        "\\PC{0,8}".prop_map(Value::string),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::list),
            prop::collection::btree_map("[a-z]{1,3}", inner, 1..4)
                .prop_map(|m| Value::dict(m.into_iter().collect::<Map>())),
        ]
    });
    prop::collection::btree_map("\\PC{1,6}", value, 0..5)
        .prop_map(|m| Value::dict(m.into_iter().collect::<Map>()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decoding_never_panics(text in tomlish()) {
        let _ = from_toml(&text);
    }

    #[test]
    fn encoded_tables_read_back(v in table()) {
        let text = to_toml(&v).expect("no nil values");
        prop_assert!(from_toml(&text).is_ok(), "{}", text);
    }
}
