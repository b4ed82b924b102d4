//! Helm's function map (`pkg/engine/funcs.go`): Sprig without `env`/`expandenv`, plus Helm's
//! YAML, JSON and TOML functions, the duration helpers, and `required`, `fail`, `lookup` and
//! `getHostByName` as an engine configures them. `include` and `tpl` need the running
//! template set and live in [`crate::context`].

use std::sync::Arc;

use slipway_value::{Dict, Func, FuncError, FuncMap, Value};

use crate::duration;
use crate::error::warn_wrap;
use crate::lookup::ClusterLookup;

/// How the engine sets up the functions that depend on its configuration.
#[derive(Clone, Default)]
pub struct FuncOptions {
    /// Helm's lint mode: `required` and `fail` do not abort.
    pub lint_mode: bool,
    /// Let `getHostByName` resolve names (off by default, as in Helm).
    pub enable_dns: bool,
    /// The cluster `lookup` reads; without one `lookup` returns an empty map.
    pub lookup: Option<Arc<dyn ClusterLookup>>,
}

/// Helm's template functions without an engine: `lookup` returns empty maps, `required` and
/// `fail` abort, `getHostByName` returns "". (`include` and `tpl` are added by the renderer.)
pub fn helm_functions() -> FuncMap {
    helm_functions_with(&FuncOptions::default())
}

/// Helm's template functions configured by `options` (without `include` and `tpl`).
pub fn helm_functions_with(options: &FuncOptions) -> FuncMap {
    let mut funcs = slipway_sprig::functions();
    funcs.remove("env");
    funcs.remove("expandenv");
    add_serialization(&mut funcs);
    duration::add_functions(&mut funcs);
    add_required_and_fail(&mut funcs, options.lint_mode);
    funcs.insert("lookup", lookup_function(options.lookup.clone()));
    if !options.enable_dns {
        funcs.insert(
            "getHostByName",
            func(|args| {
                arity("getHostByName", args, 1)?;
                string_arg(&args[0])?;
                Ok(Value::string(""))
            }),
        );
    }
    funcs
}

fn func(f: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static) -> Func {
    Arc::new(f)
}

/// Go's check of a function's argument count.
pub(crate) fn arity(name: &str, args: &[Value], want: usize) -> Result<(), FuncError> {
    if args.len() == want {
        Ok(())
    } else {
        Err(FuncError::BadArgs(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        )))
    }
}

/// An argument for a Go `string` parameter.
pub(crate) fn string_arg(value: &Value) -> Result<&str, FuncError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(FuncError::BadArgs(format!(
            "wrong type for value; expected string; got {}",
            match other {
                Value::Nil => "interface {}".to_owned(),
                other => slipway_value::fmt::type_name(other),
            }
        ))),
    }
}

/// `toYaml`, `fromYaml`, `toToml`, `fromToml`, `toJson`, `fromJson` and their variants.
fn add_serialization(funcs: &mut FuncMap) {
    funcs.insert(
        "toYaml",
        func(|args| {
            arity("toYaml", args, 1)?;
            Ok(Value::string(
                slipway_yaml::to_yaml(&args[0]).unwrap_or_default(),
            ))
        }),
    );
    funcs.insert(
        "mustToYaml",
        func(|args| {
            arity("mustToYaml", args, 1)?;
            slipway_yaml::to_yaml(&args[0])
                .map(Value::string)
                .map_err(|e| FuncError::Failed(e.to_string()))
        }),
    );
    funcs.insert(
        "toYamlPretty",
        func(|args| {
            arity("toYamlPretty", args, 1)?;
            Ok(Value::string(
                slipway_yaml::to_yaml_pretty(&args[0]).unwrap_or_default(),
            ))
        }),
    );
    funcs.insert(
        "toToml",
        func(|args| {
            arity("toToml", args, 1)?;
            slipway_toml::helm_to_toml(&args[0])
                .map(Value::string)
                .map_err(FuncError::Failed)
        }),
    );
    funcs.insert(
        "mustToToml",
        func(|args| {
            arity("mustToToml", args, 1)?;
            slipway_toml::to_toml(&args[0])
                .map(Value::string)
                .map_err(|e| FuncError::Failed(e.to_string()))
        }),
    );
    funcs.insert(
        "fromToml",
        func(|args| {
            arity("fromToml", args, 1)?;
            Ok(slipway_toml::helm_from_toml(string_arg(&args[0])?))
        }),
    );
    funcs.insert(
        "fromYaml",
        func(|args| {
            arity("fromYaml", args, 1)?;
            Ok(slipway_yaml::helm_from_yaml(string_arg(&args[0])?))
        }),
    );
    funcs.insert(
        "fromYamlArray",
        func(|args| {
            arity("fromYamlArray", args, 1)?;
            Ok(slipway_yaml::helm_from_yaml_array(string_arg(&args[0])?))
        }),
    );
    funcs.insert(
        "toJson",
        func(|args| {
            arity("toJson", args, 1)?;
            Ok(Value::string(
                slipway_sprig::json::marshal(&args[0], true).unwrap_or_default(),
            ))
        }),
    );
    funcs.insert(
        "mustToJson",
        func(|args| {
            arity("mustToJson", args, 1)?;
            slipway_sprig::json::marshal(&args[0], true)
                .map(Value::string)
                .map_err(|e| FuncError::Failed(e.to_string()))
        }),
    );
    // Sprig's decoder (`mustFromJson`) gives Go's `interface{}` and error texts; Helm decodes
    // into a map or a slice and reports other shapes as Go's json package does.
    let Some(decode) = funcs.get("mustFromJson").cloned() else {
        return;
    };
    let decode_map = decode.clone();
    funcs.insert(
        "fromJson",
        func(move |args| {
            arity("fromJson", args, 1)?;
            let text = string_arg(&args[0])?;
            Ok(match decode_json(&decode_map, text) {
                Ok(Value::Dict(d)) => Value::Dict(d),
                Ok(Value::Nil) => Value::Dict(Dict::new()),
                Ok(other) => error_map(json_shape_error(&other, "map[string]interface {}")),
                Err(message) => error_map(message),
            })
        }),
    );
    funcs.insert(
        "fromJsonArray",
        func(move |args| {
            arity("fromJsonArray", args, 1)?;
            let text = string_arg(&args[0])?;
            Ok(match decode_json(&decode, text) {
                Ok(Value::List(items)) => Value::List(items),
                Ok(Value::Nil) => Value::list(Vec::new()),
                Ok(other) => Value::list(vec![Value::string(json_shape_error(
                    &other,
                    "[]interface {}",
                ))]),
                Err(message) => Value::list(vec![Value::string(message)]),
            })
        }),
    );
}

fn decode_json(decode: &Func, text: &str) -> Result<Value, String> {
    decode(&[Value::string(text)]).map_err(|e| e.to_string())
}

/// A map holding `message` under `Error`, as Helm's tolerant decoders return.
fn error_map(message: String) -> Value {
    let d = Dict::new();
    d.insert("Error", Value::string(message));
    Value::Dict(d)
}

/// Go's `json: cannot unmarshal KIND into Go value of type TARGET`.
fn json_shape_error(value: &Value, target: &str) -> String {
    let kind = match value {
        Value::Dict(_) => "object",
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    format!("json: cannot unmarshal {kind} into Go value of type {target}")
}

/// Helm's `required` and `fail`: their messages are wrapped so the error reformatting shows
/// them alone; in lint mode they return "" instead of failing.
fn add_required_and_fail(funcs: &mut FuncMap, lint_mode: bool) {
    funcs.insert(
        "required",
        func(move |args| {
            arity("required", args, 2)?;
            let warn = string_arg(&args[0])?;
            let missing = match &args[1] {
                Value::Nil => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if !missing {
                return Ok(args[1].clone());
            }
            if lint_mode {
                return Ok(Value::string(""));
            }
            Err(FuncError::Failed(warn_wrap(warn)))
        }),
    );
    funcs.insert(
        "fail",
        func(move |args| {
            arity("fail", args, 1)?;
            let message = string_arg(&args[0])?;
            if lint_mode {
                return Ok(Value::string(""));
            }
            Err(FuncError::Failed(warn_wrap(message)))
        }),
    );
}

/// `lookup apiVersion kind namespace name`, answered by `cluster` (an empty map without one).
fn lookup_function(cluster: Option<Arc<dyn ClusterLookup>>) -> Func {
    func(move |args| {
        arity("lookup", args, 4)?;
        let api_version = string_arg(&args[0])?;
        let kind = string_arg(&args[1])?;
        let namespace = string_arg(&args[2])?;
        let name = string_arg(&args[3])?;
        match &cluster {
            None => Ok(Value::Dict(Dict::new())),
            Some(cluster) => cluster
                .lookup(api_version, kind, namespace, name)
                .map_err(FuncError::Failed),
        }
    })
}
