//! Go's `time.Duration`: parsing (`time.ParseDuration`) and printing (`Duration.String`),
//! with Go's error texts. Durations are nanoseconds in an `i64`.

use slipway_value::fmt::quote;

/// Nanoseconds per second.
pub const SECOND: i64 = 1_000_000_000;

/// Go's `Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn format(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out: Vec<u8> = Vec::with_capacity(24);
    // Built back to front, like Go.
    if u < SECOND as u64 {
        if u == 0 {
            return "0s".to_owned();
        }
        let (prec, unit): (usize, &[u8]) = if u < 1_000 {
            (0, b"ns")
        } else if u < 1_000_000 {
            (3, "µs".as_bytes())
        } else {
            (6, b"ms")
        };
        out.extend(unit.iter().rev());
        u = frac(&mut out, u, prec);
        int(&mut out, u);
    } else {
        out.push(b's');
        u = frac(&mut out, u, 9);
        int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                int(&mut out, u);
            }
        }
    }
    if neg {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `fmtFrac` (reversed output): the `prec` low decimal digits of `v` as `.ddd` without
/// trailing zeros; returns `v / 10^prec`.
fn frac(out: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
    let mut printed = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        printed = printed || digit != 0;
        if printed {
            out.push(b'0' + digit);
        }
        v /= 10;
    }
    if printed {
        out.push(b'.');
    }
    v
}

/// Go's `fmtInt` (reversed output).
fn int(out: &mut Vec<u8>, mut v: u64) {
    if v == 0 {
        out.push(b'0');
    }
    while v > 0 {
        out.push(b'0' + (v % 10) as u8);
        v /= 10;
    }
}

/// Go's `Duration.Round(m)` for `m > 0`: halves round away from zero.
pub fn round(d: i64, m: i64) -> i64 {
    let r = d % m;
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    if d < 0 {
        let r = -r;
        if less_than_half(r) {
            return d + r;
        }
        return d.checked_sub(m - r).unwrap_or(i64::MIN);
    }
    if less_than_half(r) {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

/// Go's `time.ParseDuration`: `300ms`, `-1.5h`, `2h45m`; units `ns us µs μs ms s m h`.
pub fn parse(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(s));
    let mut rest = s;
    let mut neg = false;
    if let Some(c) = rest.chars().next()
        && (c == '-' || c == '+')
    {
        neg = c == '-';
        rest = &rest[1..];
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let b = rest.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        rest = &rest[int_len..];
        let mut f: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if rest.starts_with('.') {
            rest = &rest[1..];
            let frac_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in rest[..frac_len].bytes() {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = frac_len > 0;
            rest = &rest[frac_len..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", quote(s)));
        }
        let unit_text = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => SECOND as u64,
            "m" => 60 * SECOND as u64,
            "h" => 3600 * SECOND as u64,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit_text),
                    quote(s)
                ));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_go() {
        assert_eq!(format(0), "0s");
        assert_eq!(format(61 * SECOND), "1m1s");
        assert_eq!(format(3600 * SECOND), "1h0m0s");
        assert_eq!(format(1_500_000), "1.5ms");
        assert_eq!(format(1_500), "1.5µs");
        assert_eq!(format(-90 * SECOND), "-1m30s");
        assert_eq!(format(SECOND + 500_000_000), "1.5s");
    }

    #[test]
    fn parses_like_go() {
        assert_eq!(parse("1m30s"), Ok(90 * SECOND));
        assert_eq!(parse("-1.5h"), Ok(-5400 * SECOND));
        assert_eq!(parse("300ms"), Ok(300_000_000));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(
            parse("1"),
            Err("time: missing unit in duration \"1\"".to_owned())
        );
        assert_eq!(
            parse("1x"),
            Err("time: unknown unit \"x\" in duration \"1x\"".to_owned())
        );
        assert_eq!(
            parse("foo"),
            Err("time: invalid duration \"foo\"".to_owned())
        );
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round(1_500_000_000, SECOND), 2 * SECOND);
        assert_eq!(round(1_499_999_999, SECOND), SECOND);
        assert_eq!(round(-1_500_000_000, SECOND), -2 * SECOND);
    }
}
