//! The little of shopspring/decimal that Sprig's float functions (`addf`, `subf`, `mulf`,
//! `divf`, `add1f`) use: exact decimal arithmetic on the shortest decimal form of each float,
//! division rounded to 16 places, then back to the nearest float.

/// `mantissa × 10^exponent`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decimal {
    mantissa: i128,
    exponent: i32,
}

/// Decimal places kept by division (`decimal.DivisionPrecision`).
const DIVISION_PRECISION: i32 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    pub(crate) fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let text = format!("{f:e}");
        let (digits, exp) = text.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let (int_part, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mantissa: i128 = format!("{int_part}{frac}").parse().ok()?;
        Some(Decimal {
            mantissa,
            exponent: exp - frac.len() as i32,
        })
    }

    /// The nearest float.
    pub(crate) fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    fn scaled_to(self, exponent: i32) -> Option<i128> {
        let diff = u32::try_from(self.exponent - exponent).ok()?;
        self.mantissa.checked_mul(10i128.checked_pow(diff)?)
    }

    /// `a + b`, `None` if it does not fit.
    pub(crate) fn add(self, o: Decimal) -> Option<Decimal> {
        let exponent = self.exponent.min(o.exponent);
        let mantissa = self
            .scaled_to(exponent)?
            .checked_add(o.scaled_to(exponent)?)?;
        Some(Decimal { mantissa, exponent })
    }

    /// `a - b`.
    pub(crate) fn sub(self, o: Decimal) -> Option<Decimal> {
        self.add(Decimal {
            mantissa: o.mantissa.checked_neg()?,
            exponent: o.exponent,
        })
    }

    /// `a × b`.
    pub(crate) fn mul(self, o: Decimal) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(o.mantissa)?,
            exponent: self.exponent.checked_add(o.exponent)?,
        })
    }

    /// `a ÷ b` rounded half away from zero to 16 decimal places; `b` must not be zero.
    pub(crate) fn div(self, o: Decimal) -> Option<Decimal> {
        let shift = self.exponent - o.exponent + DIVISION_PRECISION;
        let (num, den) = if shift >= 0 {
            (
                self.mantissa
                    .checked_mul(10i128.checked_pow(shift as u32)?)?,
                o.mantissa,
            )
        } else {
            (
                self.mantissa,
                o.mantissa
                    .checked_mul(10i128.checked_pow((-shift) as u32)?)?,
            )
        };
        let (q, r) = (num / den, num % den);
        let round_away = r.unsigned_abs() * 2 >= den.unsigned_abs();
        let q = if round_away {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Decimal {
            mantissa: q,
            exponent: -DIVISION_PRECISION,
        })
    }

    /// Whether this is zero.
    pub(crate) fn is_zero(self) -> bool {
        self.mantissa == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn exact_decimal_sums() {
        assert_eq!(d(0.1).add(d(0.2)).unwrap().to_f64(), 0.3);
        assert_eq!(d(1.2).mul(d(2.4)).unwrap().to_f64(), 2.88);
        assert_eq!(d(4.5).sub(d(1.0)).unwrap().to_f64(), 3.5);
        assert_eq!(d(1.0).div(d(3.0)).unwrap().to_f64(), 0.3333333333333333);
        assert_eq!(d(2.0).div(d(3.0)).unwrap().to_f64(), 0.6666666666666667);
    }
}
