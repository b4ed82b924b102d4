//! Reflection functions: `typeOf`, `typeIs`, `typeIsLike`, `kindOf`, `kindIs`, `deepEqual`.

use slipway_value::FuncMap;
use slipway_value::fmt::type_name;

use crate::args::{Arity, register};
use crate::lists::kind;

/// Registers the reflection functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["typeOf"], Exact(1), |a| Ok(type_name(a.any(0)).into()));
    register(m, &["typeIs"], Exact(2), |a| {
        Ok((a.str(0)? == type_name(a.any(1))).into())
    });
    register(m, &["typeIsLike"], Exact(2), |a| {
        let (target, t) = (a.str(0)?, type_name(a.any(1)));
        Ok((target == t || format!("*{target}") == t).into())
    });
    register(m, &["kindOf"], Exact(1), |a| Ok(kind(a.any(0)).into()));
    register(m, &["kindIs"], Exact(2), |a| {
        Ok((a.str(0)? == kind(a.any(1))).into())
    });
    register(m, &["deepEqual"], Exact(2), |a| {
        Ok((a.any(0) == a.any(1)).into())
    });
}
