//! String functions: case, trimming, padding, splitting, joining, quoting, random strings.

use slipway_value::fmt::{format_value, quote};
use slipway_value::{Dict, FuncMap, Value};

use crate::args::{Args, Arity, checked_len, failed, register, str_list};
use crate::cast::strval;
use crate::random;
use crate::text::{self, byte_runes, is_space};
use crate::words;

/// Registers the string functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    register(m, &["hello"], Exact(0), |_| Ok("Hello!".into()));
    register(m, &["abbrev"], Exact(2), |a| {
        let (width, s) = (a.int(0)?, a.str(1)?);
        if width < 4 {
            return Ok(s.into());
        }
        Ok(words::abbreviate_full(s, 0, width).into())
    });
    register(m, &["abbrevboth"], Exact(3), |a| {
        let (left, right, s) = (a.int(0)?, a.int(1)?, a.str(2)?);
        if right < 4 || (left > 0 && right < 7) {
            return Ok(s.into());
        }
        Ok(words::abbreviate_full(s, left, right).into())
    });
    register(m, &["trunc"], Exact(2), |a| {
        let (c, s) = (a.int(0)?, a.str(1)?);
        let len = s.len() as i64;
        let cut = if c < 0 && len + c > 0 {
            text::slice(s, Some(len + c), None)
        } else if c >= 0 && len > c {
            text::slice(s, None, Some(c))
        } else {
            Ok(s.to_owned())
        };
        cut.map(Value::from).map_err(failed)
    });
    register(m, &["trim"], Exact(1), |a| Ok(a.str(0)?.trim().into()));
    register(m, &["upper"], Exact(1), |a| {
        Ok(text::to_upper(a.str(0)?).into())
    });
    register(m, &["lower"], Exact(1), |a| {
        Ok(text::to_lower(a.str(0)?).into())
    });
    register(m, &["title"], Exact(1), |a| {
        Ok(text::title(a.str(0)?).into())
    });
    register(m, &["untitle"], Exact(1), |a| {
        Ok(words::uncapitalize(a.str(0)?).into())
    });
    register(m, &["substr"], Exact(3), |a| {
        let (start, end, s) = (a.int(0)?, a.int(1)?, a.str(2)?);
        let r = if start < 0 {
            text::slice(s, None, Some(end))
        } else if end < 0 || end > s.len() as i64 {
            text::slice(s, Some(start), None)
        } else {
            text::slice(s, Some(start), Some(end))
        };
        r.map(Value::from).map_err(failed)
    });
    register(m, &["repeat"], Exact(2), |a| {
        let (count, s) = (a.int(0)?, a.str(1)?);
        if count < 0 {
            return Err(failed("strings: negative Repeat count"));
        }
        let total = (s.len() as u64).checked_mul(count as u64);
        if total.is_none_or(|t| t > isize::MAX as u64) {
            return Err(failed("strings: Repeat output length overflow"));
        }
        checked_len(i128::from(total.unwrap_or(0)))?;
        Ok(s.repeat(count as usize).into())
    });
    register(m, &["trimall", "trimAll"], Exact(2), |a| {
        let (cutset, s) = (a.str(0)?, a.str(1)?);
        Ok(s.trim_matches(|c| cutset.contains(c)).into())
    });
    register(m, &["trimSuffix"], Exact(2), |a| {
        let (suffix, s) = (a.str(0)?, a.str(1)?);
        Ok(s.strip_suffix(suffix).unwrap_or(s).into())
    });
    register(m, &["trimPrefix"], Exact(2), |a| {
        let (prefix, s) = (a.str(0)?, a.str(1)?);
        Ok(s.strip_prefix(prefix).unwrap_or(s).into())
    });
    register(m, &["nospace"], Exact(1), |a| {
        let s = a.str(0)?;
        if !byte_runes(s).any(is_space) {
            return Ok(s.into());
        }
        Ok(byte_runes(s)
            .filter(|&c| !is_space(c))
            .collect::<String>()
            .into())
    });
    register(m, &["initials"], Exact(1), |a| {
        let mut out = String::new();
        let mut gap = true;
        for c in byte_runes(a.str(0)?) {
            if is_space(c) {
                gap = true;
            } else if gap {
                out.push(c);
                gap = false;
            }
        }
        Ok(out.into())
    });
    register(m, &["randAlphaNum"], Exact(1), |a| {
        rand_string(a, ALPHANUMERIC)
    });
    register(m, &["randAlpha"], Exact(1), |a| {
        rand_string(a, &ALPHANUMERIC[10..])
    });
    register(m, &["randNumeric"], Exact(1), |a| {
        rand_string(a, &ALPHANUMERIC[..10])
    });
    register(m, &["randAscii"], Exact(1), |a| {
        let printable: Vec<char> = (' '..='~').collect();
        rand_string(a, &printable)
    });
    register(m, &["swapcase"], Exact(1), |a| {
        Ok(words::swap_case(a.str(0)?).into())
    });
    register(m, &["shuffle"], Exact(1), |a| {
        Ok(random::shuffle(a.str(0)?).into())
    });
    register(m, &["snakecase"], Exact(1), |a| {
        Ok(words::to_lower_words(a.str(0)?, '_').into())
    });
    register(m, &["kebabcase"], Exact(1), |a| {
        Ok(words::to_lower_words(a.str(0)?, '-').into())
    });
    register(m, &["camelcase"], Exact(1), |a| {
        Ok(words::to_pascal_case(a.str(0)?).into())
    });
    register(m, &["wrap"], Exact(2), |a| {
        Ok(words::wrap(a.str(1)?, a.int(0)?, "", false).into())
    });
    register(m, &["wrapWith"], Exact(3), |a| {
        Ok(words::wrap(a.str(2)?, a.int(0)?, a.str(1)?, true).into())
    });
    register(m, &["contains"], Exact(2), |a| {
        Ok(a.str(1)?.contains(a.str(0)?).into())
    });
    register(m, &["hasPrefix"], Exact(2), |a| {
        Ok(a.str(1)?.starts_with(a.str(0)?).into())
    });
    register(m, &["hasSuffix"], Exact(2), |a| {
        Ok(a.str(1)?.ends_with(a.str(0)?).into())
    });
    register(m, &["quote"], AtLeast(0), |a| {
        let parts: Vec<String> = a
            .rest(0)
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| quote(&strval(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    register(m, &["squote"], AtLeast(0), |a| {
        let parts: Vec<String> = a
            .rest(0)
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", format_value(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    register(m, &["cat"], AtLeast(0), |a| {
        let parts: Vec<String> = a
            .rest(0)
            .iter()
            .filter(|v| !v.is_nil())
            .map(format_value)
            .collect();
        Ok(parts.join(" ").into())
    });
    register(m, &["indent"], Exact(2), |a| {
        Ok(indent(a.int(0)?, a.str(1)?, false)?.into())
    });
    register(m, &["nindent"], Exact(2), |a| {
        Ok(indent(a.int(0)?, a.str(1)?, true)?.into())
    });
    register(m, &["replace"], Exact(3), |a| {
        Ok(a.str(2)?.replace(a.str(0)?, a.str(1)?).into())
    });
    register(m, &["plural"], Exact(3), |a| {
        let (one, many, count) = (a.str(0)?, a.str(1)?, a.int(2)?);
        Ok(if count == 1 { one } else { many }.into())
    });
    register(m, &["toString"], Exact(1), |a| Ok(strval(a.any(0)).into()));
    register(m, &["split"], Exact(2), |a| {
        Ok(indexed(text::split_n(a.str(1)?, a.str(0)?, -1)))
    });
    register(m, &["splitn"], Exact(3), |a| {
        Ok(indexed(text::split_n(a.str(2)?, a.str(0)?, a.int(1)?)))
    });
    register(m, &["splitList"], Exact(2), |a| {
        Ok(str_list(text::split_n(a.str(1)?, a.str(0)?, -1)))
    });
    register(m, &["toStrings"], Exact(1), |a| {
        Ok(str_list(strslice(a.any(0))))
    });
    register(m, &["join"], Exact(2), |a| {
        Ok(strslice(a.any(1)).join(a.str(0)?).into())
    });
    register(m, &["sortAlpha"], Exact(1), |a| {
        let v = a.any(0);
        if !matches!(v, Value::List(_) | Value::Bytes(_)) {
            return Ok(str_list([strval(v)]));
        }
        let mut items = strslice(v);
        items.sort();
        Ok(str_list(items))
    });
}

const ALPHANUMERIC: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i',
    'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'A', 'B',
    'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U',
    'V', 'W', 'X', 'Y', 'Z',
];

/// goutils' `CryptoRandom*`: a negative count is an (ignored) error, giving "".
fn rand_string(a: &Args<'_>, alphabet: &[char]) -> Result<Value, slipway_value::FuncError> {
    let count = a.int(0)?;
    if count <= 0 {
        return Ok("".into());
    }
    Ok(random::string_from(alphabet, checked_len(i128::from(count))?).into())
}

/// Sprig's `indent`: `spaces` spaces before every line of `s`, after a newline for `nindent`;
/// built in one pass.
fn indent(spaces: i64, s: &str, nindent: bool) -> Result<String, slipway_value::FuncError> {
    if spaces < 0 {
        return Err(failed("strings: negative Repeat count"));
    }
    let lines = s.bytes().filter(|&b| b == b'\n').count() as i128 + 1;
    let len = checked_len(i128::from(spaces) * lines + s.len() as i128)?;
    let pad = spaces as usize;
    let mut out = String::with_capacity(len + usize::from(nindent));
    if nindent {
        out.push('\n');
    }
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', pad));
        out.push_str(line);
    }
    Ok(out)
}

/// The `_0`, `_1`, ... map that `split` and `splitn` return.
fn indexed(parts: Vec<String>) -> Value {
    let d: Dict = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::Dict(d)
}

/// Sprig's `strslice`: a list's non-nil items as strings, nil as no strings, anything else
/// as one string.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}
