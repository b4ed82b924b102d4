//! Sprig v3 template functions with Go's exact behaviour.
//!
//! [`functions`] returns every function of Sprig's `TxtFuncMap()` (including `env` and
//! `expandenv`, which Helm removes itself). Arguments are converted as Go's `text/template`
//! and Sprig convert them (`cast`-style numbers, `strval` strings), errors carry Go's texts,
//! and dicts are mutated in place by `set`, `unset`, `merge` and `mergeOverwrite`.
//!
//! [`json`] is Go's `encoding/json` output, shared with Helm's `toJson`; [`duration`] is Go's
//! `time.Duration` parsing and printing; [`gotime`] is Go's `time.Time` with reference-time
//! layouts.

mod args;
mod cast;
mod certs;
mod crypto;
mod dates;
mod decimal;
mod defaults;
mod der;
mod dicts;
mod dsa;
pub mod duration;
mod encoding;
pub mod gotime;
pub mod json;
mod lists;
mod math;
mod os;
mod paths;
mod random;
mod reflection;
mod regex;
mod semver;
mod strings;
mod text;
mod url;
mod words;

pub use certs::Certificate;
pub use semver::SemverObject;
use slipway_value::FuncMap;

/// Every function of Sprig v3's `TxtFuncMap()`.
pub fn functions() -> FuncMap {
    let mut m = FuncMap::new();
    strings::register_all(&mut m);
    lists::register_all(&mut m);
    dicts::register_all(&mut m);
    math::register_all(&mut m);
    defaults::register_all(&mut m);
    encoding::register_all(&mut m);
    regex::register_all(&mut m);
    paths::register_all(&mut m);
    reflection::register_all(&mut m);
    os::register_all(&mut m);
    semver::register_all(&mut m);
    crypto::register_all(&mut m);
    dates::register_all(&mut m);
    url::register_all(&mut m);
    certs::register_all(&mut m);
    m
}
