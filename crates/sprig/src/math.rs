//! Integer and float arithmetic, number conversion and integer sequences.

use slipway_value::fmt::sprint;
use slipway_value::{FuncError, FuncMap, Value};

use crate::args::{Args, Arity, checked_len, failed, register};
use crate::cast::{atoi, parse_int, to_float64, to_int64};
use crate::decimal::Decimal;
use crate::random;

/// Registers the math functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    register(m, &["add1"], Exact(1), |a| {
        Ok(to_int64(a.any(0)).wrapping_add(1).into())
    });
    register(m, &["add"], AtLeast(0), |a| {
        Ok(a.rest(0)
            .iter()
            .fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)))
            .into())
    });
    register(m, &["sub"], Exact(2), |a| {
        Ok(to_int64(a.any(0)).wrapping_sub(to_int64(a.any(1))).into())
    });
    register(m, &["mul"], AtLeast(1), |a| {
        let first = to_int64(a.any(0));
        Ok(a.rest(1)
            .iter()
            .fold(first, |acc, v| acc.wrapping_mul(to_int64(v)))
            .into())
    });
    register(m, &["div"], Exact(2), |a| {
        let d = nonzero(to_int64(a.any(1)))?;
        Ok(to_int64(a.any(0)).wrapping_div(d).into())
    });
    register(m, &["mod"], Exact(2), |a| {
        let d = nonzero(to_int64(a.any(1)))?;
        Ok(to_int64(a.any(0)).wrapping_rem(d).into())
    });
    register(m, &["randInt"], Exact(2), |a| {
        let (min, max) = (a.int(0)?, a.int(1)?);
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(failed("invalid argument to Intn"));
        }
        Ok((random::below(n as u64) as i64).wrapping_add(min).into())
    });
    register(m, &["add1f"], Exact(1), |a| {
        decimal_op(a.any(0), &[Value::Int(1)], Op::Add)
    });
    register(m, &["addf"], AtLeast(0), |a| {
        decimal_op(&Value::Float(0.0), a.rest(0), Op::Add)
    });
    register(m, &["subf"], AtLeast(1), |a| {
        decimal_op(a.any(0), a.rest(1), Op::Sub)
    });
    register(m, &["mulf"], AtLeast(1), |a| {
        decimal_op(a.any(0), a.rest(1), Op::Mul)
    });
    register(m, &["divf"], AtLeast(1), |a| {
        decimal_op(a.any(0), a.rest(1), Op::Div)
    });
    register(m, &["max", "biggest"], AtLeast(1), |a| {
        Ok(a.rest(0)
            .iter()
            .map(to_int64)
            .max()
            .unwrap_or_default()
            .into())
    });
    register(m, &["min"], AtLeast(1), |a| {
        Ok(a.rest(0)
            .iter()
            .map(to_int64)
            .min()
            .unwrap_or_default()
            .into())
    });
    register(m, &["maxf"], AtLeast(1), |a| {
        let first = to_float64(a.any(0));
        Ok(a.rest(1).iter().map(to_float64).fold(first, go_max).into())
    });
    register(m, &["minf"], AtLeast(1), |a| {
        let first = to_float64(a.any(0));
        Ok(a.rest(1).iter().map(to_float64).fold(first, go_min).into())
    });
    register(m, &["ceil"], Exact(1), |a| {
        Ok(to_float64(a.any(0)).ceil().into())
    });
    register(m, &["floor"], Exact(1), |a| {
        Ok(to_float64(a.any(0)).floor().into())
    });
    register(m, &["round"], AtLeast(2), round);
    register(m, &["int64", "int"], Exact(1), |a| {
        Ok(to_int64(a.any(0)).into())
    });
    register(m, &["float64"], Exact(1), |a| {
        Ok(to_float64(a.any(0)).into())
    });
    register(m, &["atoi"], Exact(1), |a| Ok(atoi(a.str(0)?).into()));
    register(m, &["toDecimal"], Exact(1), |a| {
        Ok(parse_int(&sprint(std::slice::from_ref(a.any(0))), 8)
            .unwrap_or(0)
            .into())
    });
    register(m, &["until"], Exact(1), |a| {
        let count = a.int(0)?;
        Ok(ints(until_step(0, count, if count < 0 { -1 } else { 1 })?))
    });
    register(m, &["untilStep"], Exact(3), |a| {
        Ok(ints(until_step(a.int(0)?, a.int(1)?, a.int(2)?)?))
    });
    register(m, &["seq"], AtLeast(0), seq);
}

fn nonzero(d: i64) -> Result<i64, FuncError> {
    if d == 0 {
        return Err(failed("runtime error: integer divide by zero"));
    }
    Ok(d)
}

/// Go's `math.Max` (NaN wins; +0 beats -0).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    a.max(b)
}

/// Go's `math.Min` (NaN wins; -0 beats +0).
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    a.min(b)
}

/// An arithmetic operation of the float functions.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    /// The exact decimal result, `None` if it would not fit in 128 bits.
    fn exact(self, a: Decimal, b: Decimal) -> Option<Decimal> {
        match self {
            Op::Add => a.add(b),
            Op::Sub => a.sub(b),
            Op::Mul => a.mul(b),
            Op::Div => a.div(b),
        }
    }

    /// The float result, used once decimals no longer fit.
    fn approx(self, a: f64, b: f64) -> f64 {
        match self {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
        }
    }
}

/// Sprig's `execDecimalOp`: folds the operands with exact decimal arithmetic.
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<Value, FuncError> {
    let from = |v: &Value| {
        let f = to_float64(v);
        Decimal::from_f64(f)
            .ok_or_else(|| failed(format!("Cannot create a Decimal from {}", go_float_name(f))))
    };
    let mut exact = Some(from(first)?);
    let mut approx = to_float64(first);
    for v in rest {
        let d = from(v)?;
        if op_is_div_by_zero(op, d) {
            return Err(failed("decimal division by zero"));
        }
        exact = match exact {
            Some(acc) => {
                let next = op.exact(acc, d);
                if next.is_none() {
                    approx = op.approx(acc.to_f64(), to_float64(v));
                }
                next
            }
            None => {
                approx = op.approx(approx, to_float64(v));
                None
            }
        };
    }
    Ok(exact.map_or(approx, Decimal::to_f64).into())
}

fn op_is_div_by_zero(op: Op, d: Decimal) -> bool {
    matches!(op, Op::Div) && d.is_zero()
}

fn go_float_name(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

fn round(a: &Args<'_>) -> Result<Value, FuncError> {
    let places = a.int(1)?;
    let round_on = if a.len() > 2 { a.float(2)? } else { 0.5 };
    let val = to_float64(a.any(0));
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = digit.fract();
    let rounded = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok((rounded / pow).into())
}

/// Sprig's `untilStep`: integers from `start` towards `stop` (exclusive) by `step`.
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    if step != 0 {
        let span = i128::from(stop) - i128::from(start);
        let step = i128::from(step);
        if span.signum() == step.signum() {
            checked_len((span + step - step.signum()) / step)?;
        }
    }
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(v)
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

fn seq(a: &Args<'_>) -> Result<Value, FuncError> {
    let params: Vec<i64> = (0..a.len()).map(|i| a.int(i)).collect::<Result<_, _>>()?;
    let joined = |v: Vec<i64>| -> Value {
        v.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(" ")
            .into()
    };
    Ok(match params[..] {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            joined(until_step(1, end.wrapping_add(inc), inc)?)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            joined(until_step(start, end.wrapping_add(step), step)?)
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok("".into());
                }
            }
            joined(until_step(start, end.wrapping_add(inc), step)?)
        }
        _ => "".into(),
    })
}
