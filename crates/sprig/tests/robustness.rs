//! Every function with every combination of awkward arguments (nil, extreme numbers, NaN,
//! odd strings, empty and nested collections, host objects, bytes) up to three arguments:
//! the result is a value or an error, never a panic or a runaway allocation.

use std::panic::{AssertUnwindSafe, catch_unwind};

use slipway_value::{Dict, Value};

/// Functions that are slow by design (key generation, password hashing) or reach the
/// network; they are exercised by the unit and differential tests instead.
const SKIP: &[&str] = &[
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "derivePassword",
    "bcrypt",
    "htpasswd",
    "getHostByName",
];

fn values(functions: &slipway_value::FuncMap) -> Vec<Value> {
    let nested: Dict = [
        ("a".to_owned(), Value::Int(1)),
        (
            "b".to_owned(),
            Value::dict([("c".to_owned(), Value::from("d"))].into_iter().collect()),
        ),
    ]
    .into_iter()
    .collect();
    let time = functions["toDate"](&["2006-01-02".into(), "2020-02-29".into()]).unwrap();
    let version = functions["semver"](&["1.2.3-rc.1".into()]).unwrap();
    vec![
        Value::Nil,
        Value::Bool(true),
        Value::Int(0),
        Value::Int(-1),
        Value::Int(3),
        Value::Int(i64::MAX),
        Value::Int(1 << 30),
        Value::Int(i64::MIN),
        Value::Float(2.5),
        Value::Float(f64::NAN),
        Value::Float(-1e300),
        Value::from(""),
        Value::from("a,b"),
        Value::from("é😀x ("),
        Value::from("1.5"),
        Value::from("-----BEGIN X-----\nAAA=\n-----END X-----\n"),
        Value::list(vec![]),
        Value::list(vec![Value::Int(1), "a".into(), Value::Nil]),
        Value::Dict(Dict::new()),
        Value::Dict(nested),
        time,
        version,
        Value::Bytes(vec![0xff, 0, 65].into()),
    ]
}

#[test]
fn no_function_panics_on_awkward_arguments() {
    let functions = slipway_sprig::functions();
    let all = values(&functions);
    let few: Vec<Value> = [0, 2, 3, 5, 8, 10, 12, 16, 18, 19]
        .iter()
        .map(|&i| all[i].clone())
        .collect();
    let mut names: Vec<&&str> = functions.keys().collect();
    names.sort();
    let mut panics = Vec::new();
    for name in names {
        if SKIP.contains(name) {
            continue;
        }
        let f = &functions[*name];
        let mut calls: Vec<Vec<Value>> = vec![vec![]];
        calls.extend(all.iter().map(|a| vec![a.clone()]));
        for a in &all {
            for b in &all {
                calls.push(vec![a.clone(), b.clone()]);
            }
        }
        for a in &few {
            for b in &few {
                for c in &few {
                    calls.push(vec![a.clone(), b.clone(), c.clone()]);
                }
            }
        }
        for args in calls {
            if catch_unwind(AssertUnwindSafe(|| f(&args))).is_err() {
                panics.push(format!("{name} {args:?}"));
            }
        }
    }
    assert!(
        panics.is_empty(),
        "{} calls panicked:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
