//! Go-like dynamic values: the `interface{}` that Go templates, Sprig, YAML and Helm's
//! values pass around.
//!
//! The model keeps what Go keeps apart and what chart output depends on:
//! - `int` ([`Value::Int`]) and `float64` ([`Value::Float`]) are distinct;
//! - a nil interface ([`Value::Nil`]) is a value (it prints `<nil>`); a *missing* value (Go's
//!   invalid `reflect.Value`, printed `<no value>`) is the executor's business, not a value;
//! - maps ([`Dict`]) are reference types: cloning a `Value::Dict` shares the map, so Sprig's
//!   `set`, `unset` and `merge` mutate it in place for every holder, as in Go;
//! - lists are immutable shared slices: cloning is a reference-count bump;
//! - map keys iterate in sorted order, which is what `range`, `toYaml` and `toJson` print.
//!
//! Host objects with fields and methods (`.Files`, `.Capabilities`) implement [`Object`].

use std::collections::BTreeMap;
pub mod fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The map type behind a [`Dict`]: string keys in sorted order.
pub type Map = BTreeMap<String, Value>;

/// A dynamic value, as Go's `interface{}` holds it in templates and chart values.
#[derive(Clone, Default)]
pub enum Value {
    /// A nil interface (`null` in YAML/JSON).
    #[default]
    Nil,
    /// Go `bool`.
    Bool(bool),
    /// Go `int` / `int64`.
    Int(i64),
    /// Go `float64`.
    Float(f64),
    /// Go `string`.
    String(Arc<str>),
    /// Go `[]byte`.
    Bytes(Arc<[u8]>),
    /// Go `[]interface{}`: an immutable, shared slice.
    List(Arc<Vec<Value>>),
    /// Go `map[string]interface{}`: a shared, mutable map.
    Dict(Dict),
    /// A host object with fields and methods (Go struct or pointer with methods).
    Object(Arc<dyn Object>),
}

/// A shared, mutable `map[string]interface{}`. Clones share the same map.
#[derive(Clone, Default)]
pub struct Dict(Arc<RwLock<Map>>);

impl Dict {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// A map holding `map` (not shared with anything yet).
    pub fn from_map(map: Map) -> Self {
        Self(Arc::new(RwLock::new(map)))
    }

    /// Read access to the entries.
    pub fn read(&self) -> RwLockReadGuard<'_, Map> {
        self.0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Write access to the entries; every clone of this dict sees the change.
    pub fn write(&self) -> RwLockWriteGuard<'_, Map> {
        self.0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value at `key`, if present (a shallow clone: nested dicts stay shared).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Sets `key` to `value`, returning the previous value.
    pub fn insert(&self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.write().insert(key.into(), value)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// Whether `key` is present (even if its value is nil).
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Whether `self` and `other` are the same map (not merely equal).
    pub fn ptr_eq(&self, other: &Dict) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// A copy of the entries that shares nested dicts (Go's `for k, v := range m { n[k] = v }`).
    pub fn shallow_copy(&self) -> Dict {
        Dict::from_map(self.read().clone())
    }

    /// A copy with every nested dict copied too (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Dict {
        Dict::from_map(
            self.read()
                .iter()
                .map(|(k, v)| (k.clone(), v.deep_copy()))
                .collect(),
        )
    }
}

impl FromIterator<(String, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Dict::from_map(iter.into_iter().collect())
    }
}

impl PartialEq for Dict {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other) || *self.read() == *other.read()
    }
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.read().iter()).finish()
    }
}

/// A host object seen by templates: a Go struct (or pointer) with exported fields and methods,
/// such as Helm's `.Files`, `.Capabilities` or `.Release`.
pub trait Object: Send + Sync {
    /// Go's type name, as `printf "%T"` shows it (e.g. `chart.Files`).
    fn type_name(&self) -> &str;

    /// The exported field or zero-argument method `name`, or `None` if the type has none.
    fn field(&self, name: &str) -> Option<Value>;

    /// Calls method `name` with `args`: `None` if there is no such method, `Some(Err(msg))`
    /// when the method fails (the executor wraps `msg` as Go does).
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }

    /// The plain data form used when the object is printed or serialised (`toYaml`, `%v`).
    fn to_data(&self) -> Value {
        Value::Nil
    }

    /// The object as `Any`, so functions that take a particular host type (Sprig's
    /// `time.Time` and certificate arguments) can recognise their own objects.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }

    /// The result of the Go type's `String()` method, if it has one: Go's `%v` and the
    /// template printer use it instead of [`Object::to_data`] (which serialisers such as
    /// `toJson` keep using), as for Helm's `.Capabilities.KubeVersion`.
    fn go_string(&self) -> Option<String> {
        None
    }
}

/// Why a template function call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FuncError {
    /// The function ran and returned an error; the executor prints it as Go does for a
    /// function's error result: `error calling NAME: MESSAGE`.
    Failed(String),
    /// The arguments do not fit the function's Go signature (count or type); the message is
    /// Go's own (`wrong number of args for NAME: want 1 got 2`, `wrong type for value; expected
    /// string; got int`) and is printed as is after the executor's position prefix.
    BadArgs(String),
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FuncError::Failed(msg) | FuncError::BadArgs(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for FuncError {}

/// A template function that needs nothing but its arguments (all of Sprig, most of Helm's).
pub type Func = Arc<dyn Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync>;

/// A set of named plain functions, as Go's `template.FuncMap`.
pub type FuncMap = std::collections::HashMap<&'static str, Func>;

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A dict value holding `map`.
    pub fn dict(map: Map) -> Value {
        Value::Dict(Dict::from_map(map))
    }

    /// Whether this is the nil interface.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The dict, if this is one.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Go's truthiness (`if`, `and`, `or`, `not`): false for nil, false, zero numbers and empty
    /// strings, slices and maps; true for everything else.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Object(_) => true,
        }
    }

    /// Go's kind name for this value (`reflect.Kind.String()`): `invalid` for nil, `bool`,
    /// `int64`, `float64`, `string`, `slice`, `map`, `struct`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Dict(_) => "map",
            Value::Object(_) => "struct",
        }
    }

    /// A copy in which every dict is copied too, so mutating it never touches `self`.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::Dict(d) => Value::Dict(d.deep_copy()),
            Value::List(l) => Value::list(l.iter().map(Value::deep_copy).collect()),
            other => other.clone(),
        }
    }

    /// Converts JSON to a value: integers become [`Value::Int`] (those beyond `i64` become
    /// [`Value::Float`]), other numbers [`Value::Float`].
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::string(s.as_str()),
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::dict(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to JSON data (objects through [`Object::to_data`], bytes as a list of numbers;
    /// non-finite floats become `null`).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Nil => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Bytes(b) => {
                serde_json::Value::Array(b.iter().map(|&x| serde_json::Value::from(x)).collect())
            }
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Dict(d) => serde_json::Value::Object(
                d.read()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Object(o) => o.to_data().to_json(),
        }
    }
}

impl PartialEq for Value {
    /// Structural equality (Sprig's `deepEqual` on plain data; an int never equals a float).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Dict(a), Value::Dict(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes{b:?}"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Dict(d) => d.fmt(f),
            Value::Object(o) => write!(f, "<{}>", o.type_name()),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::string(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::list(items)
    }
}

impl From<Dict> for Value {
    fn from(d: Dict) -> Self {
        Value::Dict(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_clones_share_mutations() {
        let d = Dict::new();
        let held = Value::Dict(d.clone());
        d.insert("k", Value::Int(1));
        assert_eq!(held.as_dict().unwrap().get("k"), Some(Value::Int(1)));
    }

    #[test]
    fn deep_copy_is_independent() {
        let inner = Dict::new();
        let outer: Dict = [("in".to_string(), Value::Dict(inner.clone()))]
            .into_iter()
            .collect();
        let copy = outer.deep_copy();
        inner.insert("x", Value::Bool(true));
        let copied_inner = copy.get("in").unwrap();
        assert!(copied_inner.as_dict().unwrap().is_empty());
    }

    #[test]
    fn json_keeps_int_and_float_apart() {
        let v = Value::from_json(&serde_json::json!({"i": 1, "f": 1.0, "s": "x"}));
        let d = v.as_dict().unwrap();
        assert_eq!(d.get("i"), Some(Value::Int(1)));
        assert_eq!(d.get("f"), Some(Value::Float(1.0)));
        assert_ne!(d.get("i"), d.get("f"));
    }

    #[test]
    fn objects_print_through_their_string_method() {
        struct Version;
        impl Object for Version {
            fn type_name(&self) -> &str {
                "v.Version"
            }
            fn field(&self, _: &str) -> Option<Value> {
                None
            }
            fn to_data(&self) -> Value {
                Value::dict(Map::from([("Major".to_owned(), Value::string("1"))]))
            }
            fn go_string(&self) -> Option<String> {
                Some("v1.2.3".into())
            }
        }
        let v = Value::Object(Arc::new(Version));
        assert_eq!(fmt::format_value(&v), "v1.2.3");
        assert_eq!(
            fmt::sprintf("%s|%#v", &[v.clone(), v]),
            "v1.2.3|map[string]interface {}{\"Major\":\"1\"}"
        );
    }

    #[test]
    fn truthiness_follows_go() {
        assert!(!Value::Nil.is_truthy());
        assert!(!Value::Int(0).is_truthy());
        assert!(!Value::string("").is_truthy());
        assert!(!Value::list(vec![]).is_truthy());
        assert!(Value::Float(0.5).is_truthy());
        assert!(Value::list(vec![Value::Nil]).is_truthy());
    }
}
