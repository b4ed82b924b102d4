//! `semver` and `semverCompare`, on Masterminds semantics (`slipway-semver`).

use std::cmp::Ordering;
use std::sync::Arc;

use slipway_semver::{Constraints, Version};
use slipway_value::{FuncMap, Object, Value};

use crate::args::{Arity, failed, register};

/// Registers `semver` and `semverCompare`.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["semver"], Exact(1), |a| {
        let v = Version::parse(a.str(0)?).map_err(|e| failed(e.to_string()))?;
        Ok(Value::Object(Arc::new(SemverObject::pointer(v))))
    });
    register(m, &["semverCompare"], Exact(2), |a| {
        let c = Constraints::parse(a.str(0)?).map_err(|e| failed(e.to_string()))?;
        let v = Version::parse(a.str(1)?).map_err(|e| failed(e.to_string()))?;
        Ok(c.check(&v).into())
    });
}

/// A `*semver.Version` (or, from `IncMajor` and friends, a `semver.Version`) in a template:
/// `.Major`, `.Prerelease`, `.Original`, `.Compare $other`, `.LessThan $other`, ...
pub struct SemverObject {
    version: Version,
    is_pointer: bool,
}

impl SemverObject {
    fn pointer(version: Version) -> Self {
        SemverObject {
            version,
            is_pointer: true,
        }
    }

    fn other(args: &[Value], method: &str) -> Result<Version, String> {
        match args {
            [Value::Object(o)] => o
                .as_any()
                .and_then(|any| any.downcast_ref::<SemverObject>())
                .map(|s| s.version.clone())
                .ok_or_else(|| {
                    format!(
                        "wrong type for value; expected *semver.Version; got {}",
                        o.type_name()
                    )
                }),
            [other] => Err(format!(
                "wrong type for value; expected *semver.Version; got {}",
                slipway_value::fmt::type_name(other)
            )),
            _ => Err(format!(
                "wrong number of args for {method}: want 1 got {}",
                args.len()
            )),
        }
    }
}

impl Object for SemverObject {
    fn type_name(&self) -> &str {
        if self.is_pointer {
            "*semver.Version"
        } else {
            "semver.Version"
        }
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.version;
        let incremented = |next: Option<Version>| {
            next.map(|version| {
                Value::Object(Arc::new(SemverObject {
                    version,
                    is_pointer: false,
                }))
            })
        };
        Some(match name {
            "Major" => Value::Int(v.major() as i64),
            "Minor" => Value::Int(v.minor() as i64),
            "Patch" => Value::Int(v.patch() as i64),
            "Prerelease" => v.prerelease().into(),
            "Metadata" => v.metadata().into(),
            "Original" => v.original().into(),
            "String" => v.to_string().into(),
            "IncMajor" => return incremented(v.inc_major()),
            "IncMinor" => return incremented(v.inc_minor()),
            "IncPatch" => return incremented(v.inc_patch()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let compare = |f: fn(Ordering) -> Value| {
            Some(Self::other(args, name).map(|o| f(self.version.compare(&o))))
        };
        match name {
            "Compare" => compare(|o| Value::Int(o as i64)),
            "LessThan" => compare(|o| (o == Ordering::Less).into()),
            "LessThanEqual" => compare(|o| (o != Ordering::Greater).into()),
            "GreaterThan" => compare(|o| (o == Ordering::Greater).into()),
            "GreaterThanEqual" => compare(|o| (o != Ordering::Less).into()),
            "Equal" => compare(|o| (o == Ordering::Equal).into()),
            _ if args.is_empty() => self.field(name).map(Ok),
            _ => None,
        }
    }

    fn to_data(&self) -> Value {
        self.version.to_string().into()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
