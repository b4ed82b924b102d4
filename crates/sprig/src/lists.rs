//! List functions: building, slicing, searching and reshaping `[]interface{}` values.

use slipway_value::{FuncError, FuncMap, Value};

use crate::args::{Args, Arity, failed, register};
use crate::cast::{empty, to_int64};

/// Registers the list functions (each `must` variant shares its plain variant's body: Sprig's
/// plain variants panic with the same message that the `must` variants return).
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    register(m, &["list", "tuple"], AtLeast(0), |a| {
        Ok(Value::list(a.rest(0).to_vec()))
    });
    register(
        m,
        &["append", "push", "mustAppend", "mustPush"],
        Exact(2),
        |a| {
            let mut items = seq(a.any(0), "Cannot push on type")?;
            items.push(a.any(1).clone());
            Ok(Value::list(items))
        },
    );
    register(m, &["prepend", "mustPrepend"], Exact(2), |a| {
        let mut items = seq(a.any(0), "Cannot prepend on type")?;
        items.insert(0, a.any(1).clone());
        Ok(Value::list(items))
    });
    register(m, &["first", "mustFirst"], Exact(1), |a| {
        let items = seq(a.any(0), "Cannot find first on type")?;
        Ok(items.first().cloned().unwrap_or_default())
    });
    register(m, &["last", "mustLast"], Exact(1), |a| {
        let items = seq(a.any(0), "Cannot find last on type")?;
        Ok(items.last().cloned().unwrap_or_default())
    });
    register(m, &["rest", "mustRest"], Exact(1), |a| {
        let items = seq(a.any(0), "Cannot find rest on type")?;
        Ok(Value::list(items.get(1..).unwrap_or_default().to_vec()))
    });
    register(m, &["initial", "mustInitial"], Exact(1), |a| {
        let mut items = seq(a.any(0), "Cannot find initial on type")?;
        items.pop();
        Ok(Value::list(items))
    });
    register(m, &["reverse", "mustReverse"], Exact(1), |a| {
        let mut items = seq(a.any(0), "Cannot find reverse on type")?;
        items.reverse();
        Ok(Value::list(items))
    });
    register(m, &["compact", "mustCompact"], Exact(1), |a| {
        let items = seq(a.any(0), "Cannot compact on type")?;
        Ok(Value::list(
            items.into_iter().filter(|v| !empty(v)).collect(),
        ))
    });
    register(m, &["uniq", "mustUniq"], Exact(1), |a| {
        let mut out: Vec<Value> = Vec::new();
        for v in seq(a.any(0), "Cannot find uniq on type")? {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        Ok(Value::list(out))
    });
    register(m, &["without", "mustWithout"], AtLeast(1), |a| {
        let omit = a.rest(1);
        let items = seq(a.any(0), "Cannot find without on type")?;
        Ok(Value::list(
            items.into_iter().filter(|v| !omit.contains(v)).collect(),
        ))
    });
    register(m, &["has", "mustHas"], Exact(2), |a| {
        if a.any(1).is_nil() {
            return Ok(false.into());
        }
        let items = seq(a.any(1), "Cannot find has on type")?;
        Ok(items.contains(a.any(0)).into())
    });
    register(m, &["slice", "mustSlice"], AtLeast(1), slice);
    register(m, &["concat"], AtLeast(0), |a| {
        let mut out = Vec::new();
        for list in a.rest(0) {
            match seq(list, "") {
                Ok(items) => out.extend(items),
                Err(_) if list.is_nil() => return Err(nil_deref()),
                Err(_) => {
                    return Err(failed(format!("Cannot concat type {} as list", kind(list))));
                }
            }
        }
        Ok(Value::list(out))
    });
    register(m, &["chunk", "mustChunk"], Exact(2), |a| {
        let size = a.int(0)?;
        let items = seq(a.any(1), "Cannot chunk type")?;
        if size <= 0 {
            return Err(failed("runtime error: makeslice: len out of range"));
        }
        Ok(Value::list(
            items
                .chunks(size as usize)
                .map(|c| Value::list(c.to_vec()))
                .collect(),
        ))
    });
    register(m, &["dig"], AtLeast(0), dig);
}

/// Go's `reflect.Kind` name of a value, as Sprig's messages print it.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::Bytes(_) | Value::List(_) => "slice",
        Value::Dict(_) => "map",
        Value::Object(o) if o.type_name().starts_with('*') => "ptr",
        Value::Object(_) => "struct",
    }
}

fn nil_deref() -> FuncError {
    failed("runtime error: invalid memory address or nil pointer dereference")
}

/// The items of a slice value, or Sprig's `"<what> <kind>"` error (Go dereferences a nil
/// type for a nil argument, which panics).
fn seq(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    match v {
        Value::List(items) => Ok(items.to_vec()),
        Value::Bytes(b) => Ok(b.iter().map(|&x| Value::Int(i64::from(x))).collect()),
        Value::Nil => Err(nil_deref()),
        other => Err(failed(format!("{what} {}", kind(other)))),
    }
}

fn slice(a: &Args<'_>) -> Result<Value, FuncError> {
    let list = a.any(0);
    let len = match list {
        Value::List(items) => items.len(),
        Value::Bytes(b) => b.len(),
        Value::Nil => return Err(nil_deref()),
        other => {
            return Err(failed(format!(
                "list should be type of slice or array but {}",
                kind(other)
            )));
        }
    };
    if len == 0 {
        return Ok(Value::Nil);
    }
    let start = a.rest(1).first().map_or(0, to_int64);
    let end = a.rest(1).get(1).map_or(len as i64, to_int64);
    if start < 0 || end < start || end > len as i64 {
        return Err(failed("reflect.Value.Slice: slice index out of bounds"));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(match list {
        Value::Bytes(b) => Value::Bytes(b[start..end].into()),
        Value::List(items) => Value::list(items[start..end].to_vec()),
        _ => Value::Nil,
    })
}

/// Go's failed type assertion `x.(T)` text.
fn assertion(v: &Value, want: &str) -> FuncError {
    let got = match v {
        Value::Nil => "nil".to_owned(),
        other => slipway_value::fmt::type_name(other),
    };
    failed(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

fn dig(a: &Args<'_>) -> Result<Value, FuncError> {
    let all = a.rest(0);
    if all.len() < 3 {
        return Err(failed("dig needs at least three arguments"));
    }
    let Value::Dict(mut dict) = all[all.len() - 1].clone() else {
        return Err(assertion(&all[all.len() - 1], "map[string]interface {}"));
    };
    let default = &all[all.len() - 2];
    let keys = &all[..all.len() - 2];
    let keys: Vec<&str> = keys
        .iter()
        .map(|k| k.as_str().ok_or_else(|| assertion(k, "string")))
        .collect::<Result<_, _>>()?;
    for (i, key) in keys.iter().enumerate() {
        let Some(step) = dict.get(key) else {
            return Ok(default.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        dict = match step {
            Value::Dict(d) => d,
            other => return Err(assertion(&other, "map[string]interface {}")),
        };
    }
    Ok(default.clone())
}
