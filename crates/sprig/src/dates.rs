//! Date functions: `now`, `date`, `dateInZone`, `htmlDate`, `htmlDateInZone`, `dateModify`,
//! `ago`, `toDate`, `unixEpoch`, `duration`, `durationRound` (local time is UTC).

use slipway_value::{FuncError, FuncMap, Value};

use crate::args::{Arity, failed, register, wrong_type};
use crate::duration;
use crate::gotime::{self, GoTime};

/// Registers the date functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["now"], Exact(0), |_| Ok(GoTime::now().into_value()));
    register(m, &["date"], Exact(2), |a| {
        Ok(date_in_zone(a.str(0)?, a.any(1), "Local").into())
    });
    register(m, &["htmlDate"], Exact(1), |a| {
        Ok(date_in_zone("2006-01-02", a.any(0), "Local").into())
    });
    register(m, &["htmlDateInZone"], Exact(2), |a| {
        Ok(date_in_zone("2006-01-02", a.any(0), a.str(1)?).into())
    });
    register(m, &["dateInZone", "date_in_zone"], Exact(3), |a| {
        Ok(date_in_zone(a.str(0)?, a.any(1), a.str(2)?).into())
    });
    register(m, &["dateModify", "date_modify"], Exact(2), |a| {
        let t = time_arg(a.any(1))?;
        Ok(match duration::parse(a.str(0)?) {
            Ok(d) => t.add(d),
            Err(_) => t,
        }
        .into_value())
    });
    register(m, &["mustDateModify", "must_date_modify"], Exact(2), |a| {
        let t = time_arg(a.any(1))?;
        let d = duration::parse(a.str(0)?).map_err(failed)?;
        Ok(t.add(d).into_value())
    });
    register(m, &["ago"], Exact(1), |a| {
        let t = match a.any(0) {
            Value::Int(secs) => GoTime::from_unix(*secs),
            other => GoTime::from_value(other).unwrap_or_else(GoTime::now),
        };
        let since = GoTime::now().unix_nano().saturating_sub(t.unix_nano());
        Ok(duration::format(duration::round(since, duration::SECOND)).into())
    });
    register(m, &["toDate"], Exact(2), |a| {
        Ok(gotime::parse(a.str(0)?, a.str(1)?)
            .unwrap_or_else(|_| GoTime::zero())
            .into_value())
    });
    register(m, &["mustToDate"], Exact(2), |a| {
        gotime::parse(a.str(0)?, a.str(1)?)
            .map(GoTime::into_value)
            .map_err(failed)
    });
    register(m, &["unixEpoch"], Exact(1), |a| {
        Ok(time_arg(a.any(0))?.unix().to_string().into())
    });
    register(m, &["duration"], Exact(1), |a| {
        // Go's type switch only knows string and int64; an int (literal or data) is 0.
        let secs = match a.any(0) {
            Value::String(s) => crate::cast::parse_int(s, 10).unwrap_or(0),
            _ => 0,
        };
        Ok(duration::format(secs.wrapping_mul(duration::SECOND)).into())
    });
    register(m, &["durationRound"], Exact(1), |a| {
        let d = match a.any(0) {
            Value::String(s) => duration::parse(s).unwrap_or(0),
            other => GoTime::from_value(other).map_or(0, |t| {
                GoTime::now().unix_nano().saturating_sub(t.unix_nano())
            }),
        };
        Ok(duration_round(d).into())
    });
}

/// A `time.Time` parameter.
fn time_arg(v: &Value) -> Result<GoTime, FuncError> {
    GoTime::from_value(v).ok_or_else(|| wrong_type("time.Time", v))
}

/// Sprig's `dateInZone`: a time or Unix seconds (anything else means now), shown in `zone`.
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = match date {
        Value::Int(secs) => GoTime::from_unix(*secs),
        other => GoTime::from_value(other).unwrap_or_else(GoTime::now),
    };
    t.in_zone(zone).format(layout)
}

/// Sprig's `durationRound`: the largest whole unit (`y`, `mo`, `d`, `h`, `m`, `s`).
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    const HOUR: u64 = 3600 * duration::SECOND as u64;
    let units: [(u64, &str); 6] = [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60 * duration::SECOND as u64, "m"),
        (duration::SECOND as u64, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return format!("{}{name}", u / size);
        }
    }
    "0s".to_owned()
}

#[cfg(test)]
mod tests {
    use super::duration_round;
    use crate::duration::parse;

    #[test]
    fn rounds_to_largest_unit() {
        assert_eq!(duration_round(parse("2h5s").unwrap()), "2h");
        assert_eq!(duration_round(parse("24h5s").unwrap()), "1d");
        assert_eq!(duration_round(parse("2400h5s").unwrap()), "3mo");
        assert_eq!(duration_round(0), "0s");
    }
}
