//! Helm's duration helpers (`mustToDuration`, `durationSeconds`, ..., `durationRoundTo`):
//! values become Go `time.Duration`s (nanoseconds) read from duration strings (`1h2m3s`),
//! numeric strings or numbers (seconds). Go's duration syntax and printing come from
//! [`slipway_sprig::duration`].

use std::sync::Arc;

use slipway_sprig::duration;
use slipway_value::{Func, FuncError, FuncMap, Object, Value};

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// A Go `time.Duration` seen by templates: prints as Go's `Duration.String()` (`1m30s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub i64);

impl Object for Duration {
    fn type_name(&self) -> &str {
        "time.Duration"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !args.is_empty() {
            return None;
        }
        let nanos = self.0;
        Some(Ok(match name {
            "String" => Value::string(duration::format(nanos)),
            "Seconds" => Value::Float(seconds(nanos)),
            "Minutes" => Value::Float(seconds(nanos) / 60.0),
            "Hours" => Value::Float(seconds(nanos) / 3600.0),
            "Milliseconds" => Value::Int(nanos / 1_000_000),
            "Microseconds" => Value::Int(nanos / 1_000),
            "Nanoseconds" => Value::Int(nanos),
            _ => return None,
        }))
    }

    fn to_data(&self) -> Value {
        Value::string(duration::format(self.0))
    }
}

/// Go's `Duration.Seconds()`: whole seconds plus the fraction, as Go splits them.
fn seconds(nanos: i64) -> f64 {
    let sec = nanos / NANOS_PER_SECOND;
    let nsec = nanos % NANOS_PER_SECOND;
    sec as f64 + nsec as f64 / 1e9
}

/// Helm's `asDuration`: durations, duration strings, numeric strings and numbers as seconds.
pub fn as_duration(value: &Value) -> Result<i64, String> {
    match value {
        Value::Object(o) if o.type_name() == "time.Duration" => match o.call("Nanoseconds", &[]) {
            Some(Ok(Value::Int(n))) => Ok(n),
            _ => Err("invalid duration".to_owned()),
        },
        Value::String(s) => {
            let trimmed = s.trim();
            if trimmed.is_empty() {
                return Err("empty duration".to_owned());
            }
            if let Ok(d) = duration::parse(trimmed) {
                return Ok(d);
            }
            match trimmed.parse::<f64>() {
                Ok(f) => from_seconds_float(f),
                Err(_) => Err(format!("could not parse duration \"{s}\"")),
            }
        }
        Value::Nil => Err("invalid duration".to_owned()),
        Value::Int(i) => {
            let max = i64::MAX / NANOS_PER_SECOND;
            if *i > max || *i < i64::MIN / NANOS_PER_SECOND {
                return Err(format!("duration seconds overflow: {i}"));
            }
            Ok(i * NANOS_PER_SECOND)
        }
        Value::Float(f) => from_seconds_float(*f),
        other => Err(format!(
            "unsupported duration type {}",
            slipway_value::fmt::type_name(other)
        )),
    }
}

fn from_seconds_float(seconds: f64) -> Result<i64, String> {
    if seconds.is_nan() || seconds.is_infinite() {
        return Err(format!(
            "invalid duration seconds: {}",
            slipway_value::fmt::format_float(seconds, b'g', -1, 64)
        ));
    }
    let max = i64::MAX as f64 / 1e9;
    let min = i64::MIN as f64 / 1e9;
    if seconds > max || seconds < min {
        return Err("duration seconds overflow".to_owned());
    }
    Ok((seconds * 1e9) as i64)
}

/// Go's `Duration.Truncate(m)`.
fn truncate(d: i64, m: i64) -> i64 {
    if m <= 0 { d } else { d - d % m }
}

fn one_arg<'a>(name: &str, args: &'a [Value]) -> Result<&'a Value, FuncError> {
    match args {
        [v] => Ok(v),
        _ => Err(FuncError::BadArgs(format!(
            "wrong number of args for {name}: want 1 got {}",
            args.len()
        ))),
    }
}

fn duration_value(nanos: i64) -> Value {
    Value::Object(Arc::new(Duration(nanos)))
}

/// A helper that converts its argument and returns `convert(nanos)`, or `zero` when the
/// argument is not a duration.
fn numeric(name: &'static str, zero: Value, convert: fn(i64) -> Value) -> Func {
    Arc::new(move |args: &[Value]| {
        let v = one_arg(name, args)?;
        Ok(as_duration(v).map_or_else(|_| zero.clone(), convert))
    })
}

/// A rounding helper: `op(v, m)`; 0 when `v` is not a duration, `v` when `m` is not.
fn rounding(name: &'static str, op: fn(i64, i64) -> i64) -> Func {
    Arc::new(move |args: &[Value]| {
        let [v, m] = args else {
            return Err(FuncError::BadArgs(format!(
                "wrong number of args for {name}: want 2 got {}",
                args.len()
            )));
        };
        let Ok(d) = as_duration(v) else {
            return Ok(duration_value(0));
        };
        Ok(duration_value(match as_duration(m) {
            Ok(m) => op(d, m),
            Err(_) => d,
        }))
    })
}

/// Registers the duration helpers in `funcs`.
pub fn add_functions(funcs: &mut FuncMap) {
    funcs.insert(
        "mustToDuration",
        Arc::new(|args: &[Value]| {
            let v = one_arg("mustToDuration", args)?;
            as_duration(v)
                .map(duration_value)
                .map_err(FuncError::Failed)
        }),
    );
    funcs.insert(
        "durationSeconds",
        numeric("durationSeconds", Value::Float(0.0), |n| {
            Value::Float(seconds(n))
        }),
    );
    funcs.insert(
        "durationMilliseconds",
        numeric("durationMilliseconds", Value::Int(0), |n| {
            Value::Int(n / 1_000_000)
        }),
    );
    funcs.insert(
        "durationMicroseconds",
        numeric("durationMicroseconds", Value::Int(0), |n| {
            Value::Int(n / 1_000)
        }),
    );
    funcs.insert(
        "durationNanoseconds",
        numeric("durationNanoseconds", Value::Int(0), Value::Int),
    );
    funcs.insert(
        "durationMinutes",
        numeric("durationMinutes", Value::Float(0.0), |n| {
            Value::Float(minutes(n))
        }),
    );
    funcs.insert(
        "durationHours",
        numeric("durationHours", Value::Float(0.0), |n| {
            Value::Float(hours(n))
        }),
    );
    funcs.insert(
        "durationDays",
        numeric("durationDays", Value::Float(0.0), |n| {
            Value::Float(hours(n) / 24.0)
        }),
    );
    funcs.insert(
        "durationWeeks",
        numeric("durationWeeks", Value::Float(0.0), |n| {
            Value::Float(hours(n) / 24.0 / 7.0)
        }),
    );
    funcs.insert(
        "durationRoundTo",
        rounding("durationRoundTo", duration::round),
    );
    funcs.insert(
        "durationTruncateTo",
        rounding("durationTruncateTo", truncate),
    );
}

/// Go's `Duration.Minutes()`.
fn minutes(nanos: i64) -> f64 {
    let m = nanos / (60 * NANOS_PER_SECOND);
    let nsec = nanos % (60 * NANOS_PER_SECOND);
    m as f64 + nsec as f64 / (60e9)
}

/// Go's `Duration.Hours()`.
fn hours(nanos: i64) -> f64 {
    let h = nanos / (3600 * NANOS_PER_SECOND);
    let nsec = nanos % (3600 * NANOS_PER_SECOND);
    h as f64 + nsec as f64 / (3600e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_like_go() {
        let s = NANOS_PER_SECOND;
        assert_eq!(as_duration(&Value::string("93s")), Ok(93 * s));
        assert_eq!(truncate(93 * s, 60 * s), 60 * s);
        assert_eq!(as_duration(&Value::string(" 2.5 ")), Ok(2_500_000_000));
        assert!(as_duration(&Value::string("nope")).is_err());
        assert_eq!(as_duration(&Value::Int(2)), Ok(2 * s));
    }
}
