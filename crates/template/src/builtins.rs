//! The builtin functions of Go's `text/template` (`funcs.go`), with Go's error texts.

use crate::exec::Val;
use slipway_value::fmt::{self as gofmt, Complex, sprint, type_name};
use slipway_value::{Object, Value};
use std::sync::Arc;

/// A builtin function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Call,
    Html,
    Index,
    Slice,
    Js,
    Len,
    Not,
    Or,
    Print,
    Printf,
    Println,
    Urlquery,
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
    Ne,
}

/// Whether `name` is a builtin function.
pub(crate) fn is_builtin(name: &str) -> bool {
    Builtin::from_name(name).is_some()
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "call" => Builtin::Call,
            "html" => Builtin::Html,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "js" => Builtin::Js,
            "len" => Builtin::Len,
            "not" => Builtin::Not,
            "or" => Builtin::Or,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "urlquery" => Builtin::Urlquery,
            "eq" => Builtin::Eq,
            "ge" => Builtin::Ge,
            "gt" => Builtin::Gt,
            "le" => Builtin::Le,
            "lt" => Builtin::Lt,
            "ne" => Builtin::Ne,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::And => "and",
            Builtin::Call => "call",
            Builtin::Html => "html",
            Builtin::Index => "index",
            Builtin::Slice => "slice",
            Builtin::Js => "js",
            Builtin::Len => "len",
            Builtin::Not => "not",
            Builtin::Or => "or",
            Builtin::Print => "print",
            Builtin::Printf => "printf",
            Builtin::Println => "println",
            Builtin::Urlquery => "urlquery",
            Builtin::Eq => "eq",
            Builtin::Ge => "ge",
            Builtin::Gt => "gt",
            Builtin::Le => "le",
            Builtin::Lt => "lt",
            Builtin::Ne => "ne",
        }
    }

    /// Go's signature: (number of fixed parameters, variadic).
    pub fn signature(self) -> (usize, bool) {
        match self {
            Builtin::Html | Builtin::Js | Builtin::Print | Builtin::Println | Builtin::Urlquery => {
                (0, true)
            }
            Builtin::And
            | Builtin::Or
            | Builtin::Call
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Printf
            | Builtin::Eq => (1, true),
            Builtin::Len | Builtin::Not => (1, false),
            Builtin::Ge | Builtin::Gt | Builtin::Le | Builtin::Lt | Builtin::Ne => (2, false),
        }
    }
}

/// A template `complex128` constant (`1+2i`).
pub(crate) fn complex_value(re: f64, im: f64) -> Value {
    Value::Object(Arc::new(Complex { re, im }))
}

fn as_complex(v: &Value) -> Option<&Complex> {
    match v {
        Value::Object(o) => o.as_any()?.downcast_ref::<Complex>(),
        _ => None,
    }
}

/// Go's truth of a host object: complex numbers are true when non-zero, structs always.
pub(crate) fn object_truth(o: &dyn Object) -> bool {
    match o.as_any().and_then(|a| a.downcast_ref::<Complex>()) {
        Some(c) => c.re != 0.0 || c.im != 0.0,
        None => true,
    }
}

/// Runs builtin `b` (not `and`/`or`, which the executor short-circuits). `callee` is the
/// printed first operand for `call`.
pub(crate) fn call(b: Builtin, args: &[Val], callee: Option<&str>) -> Result<Val, String> {
    let plain = |i: usize| args[i].arg();
    let all = || args.iter().map(Val::arg).collect::<Vec<_>>();
    Ok(match b {
        Builtin::And | Builtin::Or => Val::default(),
        Builtin::Not => of(Value::Bool(!crate::exec::is_true(
            &args[0].clone().unwrapped(),
        ))),
        Builtin::Print => of(Value::string(sprint(&all()))),
        Builtin::Println => of(Value::string(gofmt::sprintln(&all()))),
        Builtin::Printf => {
            let format = plain(0);
            let format = format.as_str().unwrap_or_default().to_owned();
            of(Value::string(gofmt::sprintf(&format, &all()[1..])))
        }
        Builtin::Html => of(Value::string(html_escape(&eval_args(args)))),
        Builtin::Js => of(Value::string(js_escape(&eval_args(args)))),
        Builtin::Urlquery => of(Value::string(query_escape(&eval_args(args)))),
        Builtin::Len => of(Value::Int(length(&args[0])?)),
        Builtin::Index => index(&args[0], &args[1..])?,
        Builtin::Slice => slice(&args[0], &args[1..])?,
        Builtin::Call => return Err(call_error(&args[0], callee.unwrap_or_default())),
        Builtin::Eq => of(Value::Bool(eq(&args[0], &args[1..])?)),
        Builtin::Ne => of(Value::Bool(!eq(&args[0], &args[1..2])?)),
        Builtin::Lt => of(Value::Bool(lt(&args[0], &args[1])?)),
        Builtin::Le => of(Value::Bool(le(&args[0], &args[1])?)),
        Builtin::Gt => of(Value::Bool(!le(&args[0], &args[1])?)),
        Builtin::Ge => of(Value::Bool(!lt(&args[0], &args[1])?)),
    })
}

fn of(v: Value) -> Val {
    Val {
        v: Some(v),
        iface: false,
    }
}

/// The concrete value inside (Go's `indirectInterface`): `None` for nil / invalid.
fn concrete(v: &Val) -> Option<&Value> {
    match &v.v {
        None | Some(Value::Nil) => None,
        Some(v) => Some(v),
    }
}

/// An object's plain data when it is a list or map (Helm's slice- and map-typed objects).
fn container(v: &Value) -> Value {
    match v {
        Value::Object(o) if as_complex(v).is_none() => match o.to_data() {
            d @ (Value::List(_) | Value::Dict(_) | Value::String(_) | Value::Bytes(_)) => d,
            _ => v.clone(),
        },
        _ => v.clone(),
    }
}

fn call_error(f: &Val, callee: &str) -> String {
    match concrete(f) {
        None => "call of nil".into(),
        Some(v) => format!("non-function {callee} of type {}", type_name(v)),
    }
}

/// Go's `evalArgs` for `html`, `js` and `urlquery`.
fn eval_args(args: &[Val]) -> String {
    if let [
        Val {
            v: Some(Value::String(s)),
            ..
        },
    ] = args
    {
        return s.to_string();
    }
    let vals: Vec<Value> = args
        .iter()
        .map(|a| match concrete(a) {
            None => Value::string("<no value>"),
            Some(v) => v.clone(),
        })
        .collect();
    sprint(&vals)
}

/// Go's `HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if gofmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn length(item: &Val) -> Result<i64, String> {
    let Some(v) = &item.v else {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    };
    Ok(match container(v) {
        Value::Nil => return Err("len of nil pointer".into()),
        Value::String(s) => s.len() as i64,
        Value::Bytes(b) => b.len() as i64,
        Value::List(l) => l.len() as i64,
        Value::Dict(d) => d.len() as i64,
        other => return Err(format!("len of type {}", type_name(&other))),
    })
}

/// Go's `indexArg`.
fn index_arg(index: &Val, cap: usize) -> Result<usize, String> {
    let x = match concrete(index) {
        Some(Value::Int(i)) => *i,
        None => return Err("cannot index slice/array with nil".into()),
        Some(other) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                type_name(other)
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let Some(first) = concrete(item) else {
        return Err("index of untyped nil".into());
    };
    let mut item = of(first.clone());
    for index in indexes {
        let cur = match &item.v {
            None | Some(Value::Nil) => return Err("index of nil pointer".into()),
            Some(v) => container(v),
        };
        item = match &cur {
            Value::List(l) => {
                let x = index_arg(index, l.len())?;
                let Some(v) = l.get(x) else {
                    return Err("reflect: slice index out of range".into());
                };
                Val {
                    v: Some(v.clone()),
                    iface: true,
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(index, b.len())?;
                let Some(v) = b.get(x) else {
                    return Err("reflect: slice index out of range".into());
                };
                of(Value::Int(i64::from(*v)))
            }
            Value::String(s) => {
                let x = index_arg(index, s.len())?;
                let Some(v) = s.as_bytes().get(x) else {
                    return Err("reflect: string index out of range".into());
                };
                of(Value::Int(i64::from(*v)))
            }
            Value::Dict(d) => {
                let key = match concrete(index) {
                    Some(Value::String(k)) => k.clone(),
                    None => return Err("value is nil; should be of type string".into()),
                    Some(other) => {
                        return Err(format!(
                            "value has type {}; should be string",
                            type_name(other)
                        ));
                    }
                };
                Val {
                    v: Some(d.get(&key).unwrap_or(Value::Nil)),
                    iface: true,
                }
            }
            other => return Err(format!("can't index item of type {}", type_name(other))),
        };
    }
    Ok(item)
}

fn slice(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let Some(v) = &item.v else {
        return Err("slice of untyped nil".into());
    };
    if v.is_nil() {
        return Err("slice of nil pointer".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let v = container(v);
    let len = match &v {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", type_name(other))),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(of(match &v {
        Value::String(s) => match s.get(i..j) {
            Some(sub) => Value::string(sub),
            None => Value::string(String::from_utf8_lossy(&s.as_bytes()[i..j]).into_owned()),
        },
        Value::List(l) => Value::list(l[i..j].to_vec()),
        Value::Bytes(b) => Value::Bytes(Arc::from(&b[i..j])),
        _ => Value::Nil,
    }))
}

/// Go's `basicKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(_)) => Kind::Int,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        Some(v @ Value::Object(_)) if as_complex(v).is_some() => Kind::Complex,
        _ => Kind::Invalid,
    }
}

const BAD_COMPARISON: &str = "invalid type for comparison";

/// Go's `eq`: `a == b || a == c || ...`.
fn eq(arg1: &Val, rest: &[Val]) -> Result<bool, String> {
    let a = concrete(arg1);
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b = concrete(arg);
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            if let (Some(a), Some(b)) = (a, b) {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    type_name(a),
                    type_name(b)
                ));
            }
            false
        } else {
            match (a, b) {
                (Some(Value::Bool(x)), Some(Value::Bool(y))) => x == y,
                (Some(Value::Int(x)), Some(Value::Int(y))) => x == y,
                (Some(Value::Float(x)), Some(Value::Float(y))) => x == y,
                (Some(Value::String(x)), Some(Value::String(y))) => x == y,
                (Some(x), Some(y)) if k1 == Kind::Complex => {
                    let (x, y) = (as_complex(x), as_complex(y));
                    x.zip(y).is_some_and(|(x, y)| x.re == y.re && x.im == y.im)
                }
                (None, None) => true,
                (None, Some(_)) | (Some(_), None) => false,
                (Some(x), Some(y)) => compare_non_basic(x, y)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `eq` of two non-basic values: only identical host objects compare; maps and slices are
/// not comparable in Go.
fn compare_non_basic(x: &Value, y: &Value) -> Result<bool, String> {
    let same_kind = std::mem::discriminant(x) == std::mem::discriminant(y)
        || matches!(
            (x, y),
            (
                Value::List(_) | Value::Bytes(_),
                Value::List(_) | Value::Bytes(_)
            )
        );
    if !same_kind {
        return Err(format!(
            "non-comparable types {}: {}, {}: {}",
            gofmt::sprintf("%s", std::slice::from_ref(x)),
            type_name(x),
            type_name(y),
            gofmt::sprintf("%v", std::slice::from_ref(y)),
        ));
    }
    match (x, y) {
        (Value::Object(a), Value::Object(b)) => Ok(Arc::ptr_eq(a, b)),
        _ => Err(format!(
            "non-comparable type {}: {}",
            gofmt::sprintf("%s", std::slice::from_ref(y)),
            type_name(y)
        )),
    }
}

/// Go's `lt`.
fn lt(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    let a = concrete(arg1);
    let k1 = basic_kind(a);
    if k1 == Kind::Invalid {
        return Err(BAD_COMPARISON.into());
    }
    let b = concrete(arg2);
    let k2 = basic_kind(b);
    if k2 == Kind::Invalid {
        return Err(BAD_COMPARISON.into());
    }
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            a.map(type_name).unwrap_or_default(),
            b.map(type_name).unwrap_or_default()
        ));
    }
    Ok(match (a, b) {
        (Some(Value::Int(x)), Some(Value::Int(y))) => x < y,
        (Some(Value::Float(x)), Some(Value::Float(y))) => x < y,
        (Some(Value::String(x)), Some(Value::String(y))) => x < y,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

/// Go's `le`: `lt || eq`.
fn le(arg1: &Val, arg2: &Val) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}
