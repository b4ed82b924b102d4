//! Argument checking and conversion with the messages Go's `text/template` gives when a call
//! does not fit a function's Go signature.

use slipway_value::fmt::type_name;
use slipway_value::{Dict, Func, FuncError, FuncMap, Value};
use std::sync::Arc;

/// How many arguments a function takes.
#[derive(Clone, Copy)]
pub(crate) enum Arity {
    /// Exactly this many.
    Exact(usize),
    /// At least this many (a Go variadic function).
    AtLeast(usize),
}

/// A function body: gets the checked argument list.
pub(crate) type Body = fn(&Args<'_>) -> Result<Value, FuncError>;

/// Registers `body` under each of `names`, checking the argument count first as Go does.
pub(crate) fn register(map: &mut FuncMap, names: &[&'static str], arity: Arity, body: Body) {
    for &name in names {
        let f: Func = Arc::new(move |vals: &[Value]| {
            let ok = match arity {
                Arity::Exact(n) => vals.len() == n,
                Arity::AtLeast(n) => vals.len() >= n,
            };
            if !ok {
                let (at_least, want) = match arity {
                    Arity::Exact(n) => ("", n),
                    Arity::AtLeast(n) => ("at least ", n),
                };
                return Err(FuncError::BadArgs(format!(
                    "wrong number of args for {name}: want {at_least}{want} got {}",
                    vals.len()
                )));
            }
            body(&Args { vals })
        });
        map.insert(name, f);
    }
}

/// The most elements a function builds (strings, lists) before failing the way Go's
/// `makeslice` does, instead of exhausting memory.
const MAX_LEN: u64 = 1 << 26;

/// `n` as a length, or Go's `makeslice` panic text when negative or too large.
pub(crate) fn checked_len(n: i128) -> Result<usize, FuncError> {
    if n < 0 || n > i128::from(MAX_LEN) {
        return Err(failed("runtime error: makeslice: len out of range"));
    }
    Ok(n as usize)
}

/// A function's error result (`error calling NAME: MESSAGE`).
pub(crate) fn failed(msg: impl Into<String>) -> FuncError {
    FuncError::Failed(msg.into())
}

/// The Go type name of a value as an argument (a nil interface shows as `interface {}`).
fn arg_type(v: &Value) -> String {
    match v {
        Value::Nil => "interface {}".to_owned(),
        other => type_name(other),
    }
}

/// Go's message for an argument of the wrong type.
pub(crate) fn wrong_type(expected: &str, got: &Value) -> FuncError {
    FuncError::BadArgs(format!(
        "wrong type for value; expected {expected}; got {}",
        arg_type(got)
    ))
}

/// The arguments of one call, already counted.
pub(crate) struct Args<'a> {
    vals: &'a [Value],
}

impl<'a> Args<'a> {
    /// Number of arguments.
    pub(crate) fn len(&self) -> usize {
        self.vals.len()
    }

    /// Argument `i` as an `interface{}`.
    pub(crate) fn any(&self, i: usize) -> &'a Value {
        &self.vals[i]
    }

    /// Arguments from `i` on (a variadic `...interface{}` tail).
    pub(crate) fn rest(&self, i: usize) -> &'a [Value] {
        &self.vals[i.min(self.vals.len())..]
    }

    /// Argument `i` for a `string` parameter.
    pub(crate) fn str(&self, i: usize) -> Result<&'a str, FuncError> {
        match &self.vals[i] {
            Value::String(s) => Ok(s),
            other => Err(wrong_type("string", other)),
        }
    }

    /// Argument `i` for an `int` parameter.
    pub(crate) fn int(&self, i: usize) -> Result<i64, FuncError> {
        match &self.vals[i] {
            Value::Int(n) => Ok(*n),
            other => Err(wrong_type("int", other)),
        }
    }

    /// Argument `i` for a `float64` parameter (untyped integer constants convert).
    pub(crate) fn float(&self, i: usize) -> Result<f64, FuncError> {
        match &self.vals[i] {
            Value::Float(f) => Ok(*f),
            Value::Int(n) => Ok(*n as f64),
            other => Err(wrong_type("float64", other)),
        }
    }

    /// Argument `i` for a `bool` parameter.
    pub(crate) fn bool(&self, i: usize) -> Result<bool, FuncError> {
        match &self.vals[i] {
            Value::Bool(b) => Ok(*b),
            other => Err(wrong_type("bool", other)),
        }
    }

    /// Argument `i` for a `map[string]interface{}` parameter.
    pub(crate) fn dict(&self, i: usize) -> Result<Dict, FuncError> {
        dict_arg(&self.vals[i])
    }

    /// Arguments from `i` on for a `...string` tail.
    pub(crate) fn strs_from(&self, i: usize) -> Result<Vec<&'a str>, FuncError> {
        (i..self.vals.len()).map(|j| self.str(j)).collect()
    }

    /// Arguments from `i` on for a `...map[string]interface{}` tail.
    pub(crate) fn dicts_from(&self, i: usize) -> Result<Vec<Dict>, FuncError> {
        self.rest(i).iter().map(dict_arg).collect()
    }
}

/// A `map[string]interface{}` argument. A nil (missing) value is refused, as Go refuses a
/// nil interface field (`.Values.missing`) for a map parameter.
fn dict_arg(v: &Value) -> Result<Dict, FuncError> {
    match v {
        Value::Dict(d) => Ok(d.clone()),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// A list of strings as a template value (Go's `[]string`).
pub(crate) fn str_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::list(
        items
            .into_iter()
            .map(|s| Value::string(s.as_ref()))
            .collect(),
    )
}
