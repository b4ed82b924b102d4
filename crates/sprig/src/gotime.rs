//! Go's `time.Time` in templates: formatting and parsing with Go reference-time layouts
//! (`2006-01-02 15:04:05.000 -0700 MST`), time zones from the system tz database, and the
//! local zone fixed to UTC (`TZ=UTC` semantics, so output does not depend on the machine).

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use slipway_value::fmt::quote;
use slipway_value::{Object, Value};

/// A `time.Time`: an instant and the zone it is shown in.
#[derive(Clone, Debug)]
pub struct GoTime {
    ts: Timestamp,
    tz: TimeZone,
    /// The name of a fixed zone made by parsing (Go's `FixedZone(name, offset)`), shown
    /// instead of the tz database's abbreviation; an empty name prints the offset for `MST`.
    fixed_name: Option<Arc<str>>,
}

/// The broken-down wall clock of a [`GoTime`].
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: i64,
    weekday: usize,
    yday: i64,
    offset: i64,
    abbrev: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

impl GoTime {
    /// The current time (in the local zone, which is UTC).
    pub fn now() -> GoTime {
        GoTime {
            ts: Timestamp::now(),
            tz: TimeZone::UTC,
            fixed_name: None,
        }
    }

    /// `time.Unix(secs, 0)` in the local zone.
    pub fn from_unix(secs: i64) -> GoTime {
        GoTime {
            ts: Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH),
            tz: TimeZone::UTC,
            fixed_name: None,
        }
    }

    /// Go's zero `time.Time` (January 1, year 1, 00:00:00 UTC).
    pub fn zero() -> GoTime {
        GoTime {
            ts: Timestamp::from_second(-62135596800).unwrap_or(Timestamp::MIN),
            tz: TimeZone::UTC,
            fixed_name: None,
        }
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.ts.as_second()
    }

    /// Nanoseconds since the Unix epoch (saturating).
    pub fn unix_nano(&self) -> i64 {
        i64::try_from(self.ts.as_nanosecond()).unwrap_or(if self.ts.as_second() < 0 {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    /// This instant shown in `zone` (`time.LoadLocation` names; `Local`, `""` and unknown
    /// names are UTC, as Sprig falls back to UTC).
    pub fn in_zone(&self, zone: &str) -> GoTime {
        let tz = match zone {
            "" | "UTC" | "Local" => TimeZone::UTC,
            name => TimeZone::get(name).unwrap_or(TimeZone::UTC),
        };
        GoTime {
            ts: self.ts,
            tz,
            fixed_name: None,
        }
    }

    /// `t.Add(d)` for `d` nanoseconds.
    pub fn add(&self, nanos: i64) -> GoTime {
        let ts = self
            .ts
            .checked_add(jiff::SignedDuration::from_nanos(nanos))
            .unwrap_or(self.ts);
        GoTime {
            ts,
            tz: self.tz.clone(),
            fixed_name: self.fixed_name.clone(),
        }
    }

    /// The time as a template value.
    pub fn into_value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// The `time.Time` held by a template value, if it is one.
    pub fn from_value(v: &Value) -> Option<GoTime> {
        match v {
            Value::Object(o) => o.as_any()?.downcast_ref::<GoTime>().cloned(),
            _ => None,
        }
    }

    fn civil(&self) -> Civil {
        let info = self.tz.to_offset_info(self.ts);
        let dt = self.ts.to_zoned(self.tz.clone()).datetime();
        let abbrev = match &self.fixed_name {
            Some(name) => name.to_string(),
            None => info.abbreviation().to_string(),
        };
        Civil {
            year: i64::from(dt.year()),
            month: i64::from(dt.month()),
            day: i64::from(dt.day()),
            hour: i64::from(dt.hour()),
            minute: i64::from(dt.minute()),
            second: i64::from(dt.second()),
            nanos: i64::from(dt.subsec_nanosecond()),
            weekday: dt.weekday().to_sunday_zero_offset() as usize,
            yday: i64::from(dt.day_of_year()),
            offset: i64::from(info.offset().seconds()),
            abbrev,
        }
    }

    /// Go's `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, std, suffix) = next_std_chunk(rest);
            out.push_str(prefix);
            let Some(std) = std else { break };
            format_std(&mut out, std, &c);
            rest = suffix;
        }
        out
    }

    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

impl Object for GoTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let c = self.civil();
        Some(match name {
            "Unix" => Value::Int(self.unix()),
            "UnixNano" => Value::Int(self.unix_nano()),
            "UnixMilli" => Value::Int(self.unix_nano() / 1_000_000),
            "Year" => Value::Int(c.year),
            "Month" => MONTHS[(c.month - 1) as usize].into(),
            "Day" => Value::Int(c.day),
            "Hour" => Value::Int(c.hour),
            "Minute" => Value::Int(c.minute),
            "Second" => Value::Int(c.second),
            "Nanosecond" => Value::Int(c.nanos),
            "YearDay" => Value::Int(c.yday),
            "Weekday" => DAYS[c.weekday].into(),
            "String" => self.go_string().into(),
            "UTC" | "Local" => self.in_zone("UTC").into_value(),
            "IsZero" => (self.ts == GoTime::zero().ts).into(),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args) {
            ("Format", [Value::String(layout)]) => Some(Ok(self.format(layout).into())),
            ("Add", [Value::Int(d)]) => Some(Ok(self.add(*d).into_value())),
            ("In", [Value::String(zone)]) => Some(Ok(self.in_zone(zone).into_value())),
            (_, []) => self.field(name).map(Ok),
            _ => None,
        }
    }

    fn to_data(&self) -> Value {
        self.go_string().into()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// The layout elements of Go's reference time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    /// A numeric zone: `Z` form (prints `Z` for UTC), colons, seconds, hours only.
    NumTZ {
        iso: bool,
        colon: bool,
        seconds: bool,
        short: bool,
    },
    /// Fractional seconds: separator, digit count, whether trailing zeros are trimmed.
    Frac {
        sep: char,
        digits: usize,
        trim: bool,
    },
}

/// Go's `nextStdChunk`: the literal text before the next layout element, the element, and
/// the rest.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|r| r.starts_with(s));
    for i in 0..b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if at(i, "Jan") && !b.get(i + 3).is_some_and(u8::is_ascii_lowercase) => {
                Some((Std::Month, 3))
            }
            b'M' if at(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if at(i, "Mon") && !b.get(i + 3).is_some_and(u8::is_ascii_lowercase) => {
                Some((Std::WeekDay, 3))
            }
            b'M' if at(i, "MST") => Some((Std::TZ, 3)),
            b'0' if matches!(b.get(i + 1), Some(b'1'..=b'6')) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize],
                2,
            )),
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2006") => {
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
            }
            b'_' if at(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let iso = b[i] == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, false),
                    ("07:00:00", true, true, false),
                    ("0700", false, false, false),
                    ("07:00", true, false, false),
                    ("07", false, false, true),
                ];
                forms
                    .iter()
                    .find(|f| at(i + 1, f.0))
                    .map(|&(text, colon, seconds, short)| {
                        (
                            Std::NumTZ {
                                iso,
                                colon,
                                seconds,
                                short,
                            },
                            text.len() + 1,
                        )
                    })
            }
            b'.' | b',' if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    let std = Std::Frac {
                        sep: char::from(b[i]),
                        digits: j - (i + 1),
                        trim: ch == b'9',
                    };
                    return (&layout[..i], Some(std), &layout[j..]);
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", n.unsigned_abs()));
}

fn format_std(out: &mut String, std: Std, c: &Civil) {
    match std {
        Std::Year => pad(out, c.year.rem_euclid(100), 2),
        Std::LongYear => pad(out, c.year, 4),
        Std::Month => out.push_str(&MONTHS[(c.month - 1) as usize][..3]),
        Std::LongMonth => out.push_str(MONTHS[(c.month - 1) as usize]),
        Std::NumMonth => pad(out, c.month, 1),
        Std::ZeroMonth => pad(out, c.month, 2),
        Std::WeekDay => out.push_str(&DAYS[c.weekday][..3]),
        Std::LongWeekDay => out.push_str(DAYS[c.weekday]),
        Std::Day => pad(out, c.day, 1),
        Std::UnderDay => out.push_str(&format!("{:>2}", c.day)),
        Std::ZeroDay => pad(out, c.day, 2),
        Std::UnderYearDay => out.push_str(&format!("{:>3}", c.yday)),
        Std::ZeroYearDay => pad(out, c.yday, 3),
        Std::Hour => pad(out, c.hour, 2),
        Std::Hour12 => pad(out, if c.hour % 12 == 0 { 12 } else { c.hour % 12 }, 1),
        Std::ZeroHour12 => pad(out, if c.hour % 12 == 0 { 12 } else { c.hour % 12 }, 2),
        Std::Minute => pad(out, c.minute, 1),
        Std::ZeroMinute => pad(out, c.minute, 2),
        Std::Second => pad(out, c.second, 1),
        Std::ZeroSecond => pad(out, c.second, 2),
        Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
        Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
        Std::NumTZ {
            iso,
            colon,
            seconds,
            short,
        } => {
            if iso && c.offset == 0 {
                out.push('Z');
                return;
            }
            out.push(if c.offset < 0 { '-' } else { '+' });
            let abs = c.offset.abs();
            pad(out, abs / 3600, 2);
            if !short {
                if colon {
                    out.push(':');
                }
                pad(out, abs / 60 % 60, 2);
            }
            if seconds {
                if colon {
                    out.push(':');
                }
                pad(out, abs % 60, 2);
            }
        }
        Std::TZ => {
            if !c.abbrev.is_empty() {
                out.push_str(&c.abbrev);
            } else {
                let minutes = c.offset / 60;
                out.push(if minutes < 0 { '-' } else { '+' });
                pad(out, minutes.abs() / 60, 2);
                pad(out, minutes.abs() % 60, 2);
            }
        }
        Std::Frac { sep, digits, trim } => {
            let nanos = format!("{:09}", c.nanos);
            let mut shown = &nanos[..digits.min(9)];
            if trim {
                shown = shown.trim_end_matches('0');
                if shown.is_empty() {
                    return;
                }
            }
            out.push(sep);
            out.push_str(shown);
        }
    }
}

/// Go's `time.ParseInLocation(layout, value, time.Local)` with the local zone being UTC.
pub fn parse(layout: &str, value: &str) -> Result<GoTime, String> {
    let bad = |v: &str, l: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(v),
            quote(l)
        )
    };
    let range = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    // Go: elements missing from the layout are zero, or one where zero is impossible.
    let (mut year, mut month, mut day) = (0i64, 1i64, 1i64);
    let (mut hour, mut minute, mut second, mut nanos) = (0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i64> = None;
    let mut zone_name: Option<&str> = None;
    // A `Z` offset or a `UTC` zone name pins the result to UTC (Go's `z = UTC`).
    let mut utc = false;
    let mut l = layout;
    let mut v = value;
    loop {
        let (prefix, std, suffix) = next_std_chunk(l);
        let std_text = &l[prefix.len()..l.len() - suffix.len()];
        let Some(rest) = v.strip_prefix(prefix) else {
            return Err(bad(v, prefix));
        };
        v = rest;
        let Some(std) = std else {
            if !v.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(value),
                    quote(v)
                ));
            }
            break;
        };
        l = suffix;
        let before = v;
        let num = |v: &mut &str, fixed: usize| -> Option<i64> {
            let n = v
                .bytes()
                .take(if fixed > 0 { fixed } else { 2 })
                .take_while(u8::is_ascii_digit)
                .count();
            if n == 0 || (fixed > 0 && n < fixed) {
                return None;
            }
            let x = v[..n].parse().ok();
            *v = &v[n..];
            x
        };
        let ok = match std {
            Std::LongYear => {
                let n = v.bytes().take(4).take_while(u8::is_ascii_digit).count();
                (n == 4).then(|| {
                    year = v[..4].parse().unwrap_or(0);
                    v = &v[4..];
                })
            }
            Std::Year => num(&mut v, 2).map(|y| year = if y >= 69 { y + 1900 } else { y + 2000 }),
            Std::Month | Std::LongMonth => {
                let width = if std == Std::Month { 3 } else { 0 };
                MONTHS
                    .iter()
                    .position(|m| {
                        let name = if width > 0 { &m[..3] } else { m };
                        v.get(..name.len())
                            .is_some_and(|h| h.eq_ignore_ascii_case(name))
                    })
                    .map(|i| {
                        let name_len = if width > 0 { 3 } else { MONTHS[i].len() };
                        month = i as i64 + 1;
                        v = &v[name_len..];
                    })
            }
            Std::WeekDay | Std::LongWeekDay => DAYS
                .iter()
                .find(|d| {
                    let name = if std == Std::WeekDay { &d[..3] } else { d };
                    v.get(..name.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(name))
                })
                .map(|d| v = &v[if std == Std::WeekDay { 3 } else { d.len() }..]),
            Std::NumMonth | Std::ZeroMonth => {
                num(&mut v, usize::from(std == Std::ZeroMonth) * 2).map(|m| month = m)
            }
            Std::Day | Std::ZeroDay => {
                num(&mut v, usize::from(std == Std::ZeroDay) * 2).map(|d| day = d)
            }
            Std::UnderDay => {
                if v.starts_with(' ') {
                    v = &v[1..];
                }
                num(&mut v, 0).map(|d| day = d)
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                let n = v
                    .bytes()
                    .take(3)
                    .take_while(|c| c.is_ascii_digit() || *c == b' ')
                    .count();
                (n == 3).then(|| v = &v[3..])
            }
            Std::Hour => num(&mut v, 0).map(|h| hour = h),
            Std::Hour12 | Std::ZeroHour12 => {
                num(&mut v, usize::from(std == Std::ZeroHour12) * 2).map(|h| hour = h)
            }
            Std::Minute | Std::ZeroMinute => {
                num(&mut v, usize::from(std == Std::ZeroMinute) * 2).map(|m| minute = m)
            }
            Std::Second | Std::ZeroSecond => num(&mut v, usize::from(std == Std::ZeroSecond) * 2)
                .map(|s| {
                    second = s;
                    // A fractional second in the value is accepted even if the layout has none.
                    if v.len() >= 2
                        && (v.starts_with('.') || v.starts_with(','))
                        && v.as_bytes()[1].is_ascii_digit()
                        && !matches!(next_std_chunk(l).1, Some(Std::Frac { .. }))
                    {
                        let n = 1 + v[1..].bytes().take_while(u8::is_ascii_digit).count();
                        nanos = frac_nanos(&v[1..n]);
                        v = &v[n..];
                    }
                }),
            Std::PM | Std::Pm => {
                let head = v.get(..2).unwrap_or("").to_ascii_uppercase();
                pm = match head.as_str() {
                    "PM" => Some(true),
                    "AM" => Some(false),
                    _ => pm,
                };
                matches!(head.as_str(), "PM" | "AM").then(|| v = &v[2..])
            }
            Std::NumTZ {
                iso,
                colon,
                seconds,
                short,
            } => {
                if iso && v.starts_with('Z') {
                    v = &v[1..];
                    utc = true;
                    Some(())
                } else {
                    parse_offset(&mut v, colon, seconds, short).map(|o| offset = Some(o))
                }
            }
            Std::TZ => {
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                if v.starts_with("UTC") {
                    utc = true;
                    v = &v[3..];
                    Some(())
                } else {
                    (n >= 3).then(|| {
                        zone_name = Some(&v[..n]);
                        v = &v[n..];
                    })
                }
            }
            Std::Frac { digits, trim, .. } => {
                if v.len() < 2 || !(v.starts_with('.') || v.starts_with(',')) {
                    if trim { Some(()) } else { None }
                } else {
                    let n = 1 + v[1..].bytes().take_while(u8::is_ascii_digit).count();
                    if !trim && n - 1 != digits {
                        None
                    } else {
                        nanos = frac_nanos(&v[1..n]);
                        v = &v[n..];
                        Some(())
                    }
                }
            }
        };
        if ok.is_none() {
            return Err(bad(before, std_text));
        }
    }
    if let Some(is_pm) = pm {
        if hour > 12 {
            return Err(range("hour"));
        }
        if is_pm && hour < 12 {
            hour += 12;
        } else if !is_pm && hour == 12 {
            hour = 0;
        }
    }
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    let dim = days_in_month(year, month);
    if day < 1 || day > dim {
        return Err(range("day"));
    }
    if hour > 23 {
        return Err(range("hour"));
    }
    if minute > 59 {
        return Err(range("minute"));
    }
    if second > 59 {
        return Err(range("second"));
    }
    let date = jiff::civil::date(year as i16, month as i8, day as i8);
    let dt = date.at(hour as i8, minute as i8, second as i8, nanos as i32);
    let off = if utc { 0 } else { offset.unwrap_or(0) };
    let utc_ts = dt
        .to_zoned(TimeZone::UTC)
        .map_err(|e| e.to_string())?
        .timestamp();
    let ts = utc_ts
        .checked_sub(jiff::SignedDuration::from_secs(off))
        .map_err(|e| e.to_string())?;
    // Go keeps the local zone (UTC here) when the parsed offset and name agree with it, and
    // otherwise records them in a fixed zone.
    let local = utc || (off == 0 && zone_name.is_none());
    if local {
        return Ok(GoTime {
            ts,
            tz: TimeZone::UTC,
            fixed_name: None,
        });
    }
    let tz = jiff::tz::Offset::from_seconds(off as i32)
        .map(TimeZone::fixed)
        .unwrap_or(TimeZone::UTC);
    Ok(GoTime {
        ts,
        tz,
        fixed_name: Some(zone_name.unwrap_or("").into()),
    })
}

fn frac_nanos(digits: &str) -> i64 {
    let mut s: String = digits.chars().take(9).collect();
    while s.len() < 9 {
        s.push('0');
    }
    s.parse().unwrap_or(0)
}

fn parse_offset(v: &mut &str, colon: bool, seconds: bool, short: bool) -> Option<i64> {
    let b = v.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut i = 1;
    let two = |i: &mut usize| -> Option<i64> {
        let d = v.get(*i..*i + 2)?;
        if !d.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += 2;
        d.parse().ok()
    };
    let h = two(&mut i)?;
    let mut m = 0;
    let mut s = 0;
    if !short {
        if colon {
            (b.get(i) == Some(&b':')).then_some(())?;
            i += 1;
        }
        m = two(&mut i)?;
        if seconds {
            if colon {
                (b.get(i) == Some(&b':')).then_some(())?;
                i += 1;
            }
            s = two(&mut i)?;
        }
    }
    *v = &v[i..];
    Some(sign * (h * 3600 + m * 60 + s))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_reference_layouts() {
        let t = GoTime::from_unix(1560458379);
        assert_eq!(t.format("02 Jan 06 15:04 -0700"), "13 Jun 19 20:39 +0000");
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2019-06-13T20:39:39Z"
        );
        assert_eq!(
            t.format("Monday, January 2 3:04PM MST"),
            "Thursday, June 13 8:39PM UTC"
        );
        assert_eq!(t.go_string(), "2019-06-13 20:39:39 +0000 UTC");
        assert_eq!(t.format(".000 _2 __2 002"), ".000 13 164 164");
    }

    #[test]
    fn formats_in_zones() {
        let t = GoTime::from_unix(1560458379).in_zone("America/New_York");
        assert_eq!(
            t.format("2006-01-02 15:04 MST -07:00"),
            "2019-06-13 16:39 EDT -04:00"
        );
    }

    #[test]
    fn parses_layouts() {
        let t = parse("2006-01-02", "2017-12-31").unwrap();
        assert_eq!(t.format("02/01/2006"), "31/12/2017");
        let t = parse("2006-01-02T15:04:05Z07:00", "2019-06-13T22:39:39+02:00").unwrap();
        assert_eq!(t.unix(), 1560458379);
        assert_eq!(t.go_string(), "2019-06-13 22:39:39 +0200 +0200");
        let t = parse("15:04 MST", "10:00 PST").unwrap();
        assert_eq!(t.go_string(), "0000-01-01 10:00:00 +0000 PST");
        let t = parse("15:04 -0700 MST", "10:00 -0800 PST").unwrap();
        assert_eq!(t.go_string(), "0000-01-01 10:00:00 -0800 PST");
        assert_eq!(
            parse("2006-01-02", "2017-13-01").unwrap_err(),
            "parsing time \"2017-13-01\": month out of range"
        );
        assert_eq!(
            parse("2006-01-02", "x").unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
    }
}
