//! Parses arbitrary text as a template and executes it against a fixed value tree and with
//! an `include`-like context function: it must render or fail with an error, never panic,
//! hang or overflow the stack. The depth limit is low because templates that include
//! themselves twice grow exponentially (in Go too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway_template::{Context, ContextFunc, MissingKey, TemplateSet};
use slipway_value::{FuncError, Value};
use std::sync::Arc;

fn data() -> Value {
    let mut values = slipway_value::Map::new();
    values.insert("i".into(), Value::Int(3));
    values.insert("neg".into(), Value::Int(-7));
    values.insert("f".into(), Value::Float(1.5));
    values.insert("s".into(), Value::string("héllo {{x}}"));
    values.insert("b".into(), Value::Bool(true));
    values.insert("nil".into(), Value::Nil);
    values.insert("bytes".into(), Value::Bytes(Arc::from(&b"ab"[..])));
    values.insert(
        "list".into(),
        Value::list(vec![
            Value::Int(1),
            Value::string("x"),
            Value::Nil,
            Value::Float(2.0),
        ]),
    );
    let inner = Value::dict(values.clone());
    values.insert("m".into(), inner);
    Value::dict(values)
}

/// Loops whose length comes from a literal, and printf widths in the millions (Go pads
/// every element of the value to that width too), would only test patience.
fn too_slow(text: &str) -> bool {
    let ranges = text.contains("range");
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if (ranges && digits > 4) || digits > 5 {
                return true;
            }
        } else {
            digits = 0;
        }
    }
    false
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if too_slow(text) {
        return;
    }
    let include: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let name = args
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let d = args.get(1).cloned().unwrap_or_default();
        ctx.execute_template(&name, &d)
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let tpl: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let text = args
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let d = args.get(1).cloned().unwrap_or_default();
        ctx.execute_text("t", &text, &d)
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let missing = match mode % 3 {
        0 => MissingKey::Default,
        1 => MissingKey::Zero,
        _ => MissingKey::Error,
    };
    let mut set = TemplateSet::new().max_depth(8).option_missingkey(missing);
    set.add_context_funcs([("include", include), ("tpl", tpl)]);
    if set.parse("t", text).is_err() {
        return;
    }
    let mut out = String::new();
    let _ = set.execute("t", &data(), &mut out);
});
