//! Secret values files end to end: random documents in every scalar style go through
//! `yaml_text` (the `slipway secret values` path) and through `slipway_yaml` +
//! `decrypt_values` (the render path), and both must agree with the document's data.

use proptest::prelude::*;
use slipway_secrets::{Cipher, SecretKey, YamlPath, decrypt_values, yaml_text};
use slipway_value::Value;

fn key() -> SecretKey {
    SecretKey::from_hex("82a0f04a09e034421a8978c60bffac87").unwrap()
}

/// A document tree with string leaves, each with a chosen scalar style.
#[derive(Debug, Clone)]
enum Node {
    Leaf(String, u8),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
    FlowList(Vec<String>),
}

fn node() -> impl Strategy<Value = Node> {
    let text = prop_oneof![
        "[a-zA-Z0-9 ._/@%+=-]{0,12}",
        "[ -~]{0,10}",
        "[a-z]{1,5}(\n[a-z ]{0,6}){1,3}\n?",
        "\\PC{0,6}",
    ];
    let leaf = (text, 0u8..3).prop_map(|(t, s)| Node::Leaf(t, s));
    let flow = proptest::collection::vec("[a-zA-Z0-9 ,:#'\"-]{0,8}", 0..4).prop_map(Node::FlowList);
    prop_oneof![leaf.clone(), flow].prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            proptest::collection::btree_map("k[a-z0-9_]{0,5}", inner.clone(), 1..4)
                .prop_map(|m| Node::Map(m.into_iter().collect())),
            proptest::collection::vec(inner, 1..4).prop_map(Node::List),
        ]
    })
}

fn single_quoted(text: &str) -> Option<String> {
    (!text.contains('\n') && !text.chars().any(char::is_control))
        .then(|| format!("'{}'", text.replace('\'', "''")))
}

fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar(text: &str, style: u8, parent_indent: usize) -> String {
    match style {
        1 => single_quoted(text).unwrap_or_else(|| double_quoted(text)),
        2 => double_quoted(text),
        _ => yaml_text::emit_string(text, Some(parent_indent)),
    }
}

/// Writes `node` as the value of an entry whose line starts at `indent`.
fn write_value(node: &Node, indent: usize, out: &mut String) {
    match node {
        Node::Leaf(text, style) => {
            out.push(' ');
            out.push_str(&scalar(text, *style, indent));
            out.push('\n');
        }
        Node::FlowList(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|t| yaml_text::emit_string(t, None))
                .collect();
            out.push_str(&format!(" [{}]\n", items.join(", ")));
        }
        collection => {
            out.push('\n');
            write_block(collection, indent + 2, out);
        }
    }
}

fn write_block(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Map(entries) => {
            for (k, v) in entries {
                out.push_str(&format!("{pad}{k}:"));
                write_value(v, indent, out);
            }
        }
        Node::List(items) => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                write_value(item, indent, out);
            }
        }
        leaf => {
            out.push_str(&pad);
            write_value(leaf, indent, out);
        }
    }
}

/// The string leaves of `node` by path, in document order.
fn expected_leaves(node: &Node, path: &YamlPath, out: &mut Vec<(String, String)>) {
    use slipway_secrets::PathSegment::{Index, Key};
    match node {
        Node::Leaf(text, _) => out.push((path.to_string(), text.clone())),
        Node::FlowList(items) => {
            for (i, t) in items.iter().enumerate() {
                out.push((path.child(Index(i)).to_string(), t.clone()));
            }
        }
        Node::Map(entries) => {
            for (k, v) in entries {
                expected_leaves(v, &path.child(Key(k.clone())), out);
            }
        }
        Node::List(items) => {
            for (i, v) in items.iter().enumerate() {
                expected_leaves(v, &path.child(Index(i)), out);
            }
        }
    }
}

/// The string leaves of a parsed value by path (maps in key order, as `Node::Map` is built).
fn value_leaves(value: &Value, path: &YamlPath, out: &mut Vec<(String, String)>) {
    use slipway_secrets::PathSegment::{Index, Key};
    match value {
        Value::Dict(dict) => {
            for (k, v) in dict.read().iter() {
                value_leaves(v, &path.child(Key(k.clone())), out);
            }
        }
        Value::List(items) => {
            for (i, v) in items.iter().enumerate() {
                value_leaves(v, &path.child(Index(i)), out);
            }
        }
        Value::String(s) => out.push((path.to_string(), s.to_string())),
        other => out.push((path.to_string(), format!("<{}>", other.kind_name()))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn text_and_value_paths_agree(root in proptest::collection::btree_map("k[a-z0-9_]{0,5}", node(), 1..5)) {
        let root = Node::Map(root.into_iter().collect());
        let mut plain = String::new();
        write_block(&root, 0, &mut plain);
        let mut expected = Vec::new();
        expected_leaves(&root, &YamlPath::default(), &mut expected);

        // The values-file text path: what `secret values decrypt` reads back.
        let scanned: Vec<(String, String)> = yaml_text::scan(&plain)
            .unwrap()
            .into_iter()
            .map(|leaf| (leaf.path.to_string(), leaf.text))
            .collect();
        prop_assert_eq!(&scanned, &expected, "scan of\n{}", plain);

        let sealed = yaml_text::encrypt_values_text(&plain, &key(), Cipher::AesCbc, "s.yaml").unwrap();
        let opened = yaml_text::decrypt_values_text(&sealed, &key(), "s.yaml").unwrap();
        let reopened: Vec<(String, String)> = yaml_text::scan(&opened)
            .unwrap()
            .into_iter()
            .map(|leaf| (leaf.path.to_string(), leaf.text))
            .collect();
        prop_assert_eq!(&reopened, &expected, "decrypted text\n{}", opened.as_str());

        // The render path: Helm's YAML parser, then decrypt_values.
        let parsed = slipway_yaml::from_yaml(&sealed).unwrap();
        let decrypted = decrypt_values(&parsed, &key(), "s.yaml").unwrap();
        let mut got = Vec::new();
        value_leaves(&decrypted, &YamlPath::default(), &mut got);
        prop_assert_eq!(&got, &expected, "encrypted\n{}", sealed);
    }
}

#[test]
fn werf_fixture_through_the_render_path() {
    // werf's legacy e2e values file (werf-nelm.md §1.7 C), parsed as Helm parses values.
    let text = "a: 100052fc795671551b9bf0aa996e7c00997d0343a8f8e770bb94050e533119c43d39
b:
  - 10009bab61e443b9550b1d024788f03f40789bbcfc1135cdfc951bd1445680d590d3
  - 100027133a209b83060bb6b1b9e110dc7806f9671445a5a4d133b8c681e08b652af9
  - 10008917de2e68d056e8e10c9e62915cc01f80d64a3a48e0902d01ec13b60ce8996f
c:
  d: 1000039faf2e22843f41c10d317c86df760e273daedfab601b0dc03dbae398f249ad
";
    let decrypted = decrypt_values(&slipway_yaml::from_yaml(text).unwrap(), &key(), "f").unwrap();
    let expected =
        slipway_yaml::from_yaml("a: \"1\"\nb: [\"1\", \"2\", \"3\"]\nc: {d: \"4\"}\n").unwrap();
    assert_eq!(decrypted, expected);
}
