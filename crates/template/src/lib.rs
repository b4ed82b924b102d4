//! Go's `text/template` for slipway: lexer, parser and executor with Go's semantics and
//! Go's error messages, over [`slipway_value::Value`].
//!
//! # Use
//!
//! ```
//! use slipway_template::TemplateSet;
//! use slipway_value::Value;
//!
//! let mut set = TemplateSet::new();
//! set.parse("main", r#"{{define "greet"}}hi {{.}}{{end}}{{template "greet" .name}}"#)?;
//! let data = Value::from_json(&serde_json::json!({"name": "bob"}));
//! let mut out = String::new();
//! set.execute("main", &data, &mut out)?;
//! assert_eq!(out, "hi bob");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`TemplateSet`] is Go's template with its associated templates: many named, parsed
//! templates sharing functions and options. Each text is parsed once into reference-counted
//! trees; cloning a set is cheap, and a set is `Send + Sync`, so renders can run in parallel.
//!
//! # Functions
//!
//! The builtins (`and or not len index slice print printf println html js urlquery call eq
//! ne lt le gt ge`) are always there. Plain functions ([`slipway_value::Func`], in a
//! [`slipway_value::FuncMap`]) are added with [`TemplateSet::with_funcs`]; they get the
//! evaluated arguments (a missing value arrives as [`Value::Nil`](slipway_value::Value::Nil))
//! and return a value or a [`slipway_value::FuncError`]: `Failed(msg)` prints as Go prints a
//! function's error (`error calling NAME: msg`), `BadArgs(msg)` prints `msg` as is (for Go's
//! argument-type errors).
//!
//! ## Context-aware functions (`include`, `tpl`)
//!
//! A [`ContextFunc`] also gets a [`Context`] for the execution that called it, added with
//! [`TemplateSet::add_context_funcs`]. Through it a function can:
//! - run another template of the running set into a string:
//!   [`Context::execute_template`] (Helm's `include NAME DATA`);
//! - parse text as a new template inside a cheap clone of the running set (sharing every
//!   parsed tree; the original set is unchanged) and run it: [`Context::execute_text`]
//!   (Helm's `tpl TEXT DATA`; Helm names the template after its root template, `gotpl`, which
//!   is [`TemplateSet::name`] of the set: `ctx.template_set().name()`);
//! - read [`Context::template_name`] and [`Context::depth`], and reach per-execution state
//!   given to [`TemplateSet::execute_with`] through [`Context::state`] (Helm keeps its
//!   `include` recursion counters there).
//!
//! Nested executions count towards the set's depth limit ([`TemplateSet::max_depth`],
//! default Go's 100000); recursion grows the stack on the heap, so deep nesting ends in an
//! error, never a stack overflow. When a context function fails after a nested execution
//! failed, the nested error is kept as [`ExecError::cause`] (Go's `%w` chain).
//!
//! # Errors
//!
//! [`ParseError`] and [`ExecError`] keep the template name, line, column, the `<...>` context
//! and the message separately, and their `Display` is exactly Go's text
//! (`template: NAME:LINE:COL: executing "NAME" at <.X.y>: MESSAGE`), which Helm's error
//! reformatting can be built on.
//!
//! # Values as Go sees them
//!
//! Data is `interface{}`: an integer is a Go `int`, a float a `float64`, a map
//! `map[string]interface{}` (keys in sorted order for `range`), a list `[]interface{}`.
//! Missing map keys print `<no value>`; `missingkey=zero` ([`MissingKey::Zero`], Helm's
//! setting) makes a field of a missing key an error (`nil pointer evaluating interface {}.x`),
//! as in Helm. Host objects ([`slipway_value::Object`]) provide fields and methods
//! (`.Files.Get "x"`).
//!
//! # Differences from Go
//!
//! - Values have no `uint` or `uint8` types: `index` of a string yields an `int`.
//! - Lists have no spare capacity, so `slice` bounds are the length (Go uses the capacity).
//! - Values are never functions: `call` always fails, with Go's messages.
//! - Go has no nesting limit for `if`/`range`/`with` blocks; here they count towards the
//!   parenthesis limit of 10000 (`max expression depth exceeded`).

mod builtins;
mod error;
mod exec;
mod lex;
mod node;
mod parse;
mod set;
mod strconv;

pub use error::{ExecError, ExecErrorKind, Location, ParseError, TemplateError};
pub use set::{Context, ContextFunc, DEFAULT_MAX_DEPTH, MissingKey, Template, TemplateSet};
