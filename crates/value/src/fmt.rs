//! Go's `fmt` printing (`Sprint`, `Sprintln`, `Sprintf`) and `strconv.FormatFloat` over
//! [`Value`]s, byte for byte as Go prints the same data.
//!
//! A [`Value::Int`] prints as a Go `int`, a [`Value::Float`] as a `float64`, a [`Value::List`]
//! as `[]interface {}`, a [`Value::Dict`] as `map[string]interface {}` (keys sorted), and
//! [`Value::Bytes`] as `[]uint8`. Host objects print through [`crate::Object::to_data`].
//!
//! Printing recurses into nested lists and maps; to stay safe on self-referencing maps (which
//! would make Go overflow its stack), nesting deeper than [`MAX_PRINT_DEPTH`] prints as `...`.

use crate::Value;
use std::fmt::Write as _;

/// A Go `complex128` (template literals such as `1+2i`); prints as Go does (`(1+2i)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Complex {
    /// The real part.
    pub re: f64,
    /// The imaginary part.
    pub im: f64,
}

impl crate::Object for Complex {
    fn type_name(&self) -> &str {
        "complex128"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn to_data(&self) -> Value {
        Value::string(format_value(&Value::Object(std::sync::Arc::new(*self))))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// How deep nested lists and maps are printed before `...` stands in for the rest.
pub const MAX_PRINT_DEPTH: usize = 1000;

/// Go's `fmt.Sprint`: operands in their `%v` form, with a space between two operands when
/// neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// Go's `fmt.Sprintln`: operands in their `%v` form separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// Go's `fmt.Sprintf`, including Go's in-band error forms (`%!d(string=x)`, `%!v(MISSING)`,
/// `%!(EXTRA int=1)`, `%!(BADWIDTH)`, `%!(NOVERB)`, ...).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// The `%v` form of one value (`map[a:1 b:2]`, `[1 2]`, `<nil>`, `1e+06`, `[104 105]`).
pub fn format_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// Go's `%T` type name of a value: `int`, `float64`, `string`, `bool`, `[]interface {}`,
/// `map[string]interface {}`, `[]uint8`, `<nil>`, or an object's own type name.
pub fn type_name(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".to_owned(),
        Value::Bool(_) => "bool".to_owned(),
        Value::Int(_) => "int".to_owned(),
        Value::Float(_) => "float64".to_owned(),
        Value::String(_) => "string".to_owned(),
        Value::Bytes(_) => "[]uint8".to_owned(),
        Value::List(_) => "[]interface {}".to_owned(),
        Value::Dict(_) => "map[string]interface {}".to_owned(),
        Value::Object(o) => o.type_name().to_owned(),
    }
}

/// Go's `strconv.Quote`: a double-quoted Go string literal with Go's escapes.
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes(), '"', false)
}

/// Go's `strconv.QuoteToASCII`: like [`quote`] but escaping every non-ASCII character.
pub fn quote_to_ascii(s: &str) -> String {
    quote_bytes(s.as_bytes(), '"', true)
}

/// Go's `strconv.FormatFloat(f, fmt, prec, bit_size)`: `fmt` is one of `b e E f g G x X`;
/// `prec` -1 means the fewest digits that read back as the same number; `bit_size` 32 rounds
/// as a `float32` first.
pub fn format_float(f: f64, fmt: u8, prec: i32, bit_size: u32) -> String {
    let f32_mode = bit_size == 32;
    let f = if f32_mode { f64::from(f as f32) } else { f };
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let neg = f.is_sign_negative();
    match fmt {
        b'b' => return format_binary(f, neg, f32_mode),
        b'x' | b'X' => return format_hex(f, neg, prec, fmt, f32_mode),
        _ => {}
    }
    let abs = f.abs();
    let shortest = prec < 0;
    let mut prec = prec;
    let digs = if shortest {
        let d = if f32_mode {
            Decimal::parse_exp(&format!("{:e}", abs as f32))
        } else {
            Decimal::parse_exp(&format!("{abs:e}"))
        };
        prec = match fmt {
            b'e' | b'E' => d.nd() as i32 - 1,
            b'f' => (d.nd() as i32 - d.dp).max(0),
            _ => d.nd() as i32,
        };
        d
    } else {
        // Beyond EXACT_DIGITS the decimal expansion of a float64 is exact and only zeros
        // follow (which fmt_e / fmt_f pad); Rust's formatter refuses precisions over 65535.
        let exact = |p: i32| (p as usize).min(EXACT_DIGITS);
        match fmt {
            b'e' | b'E' => Decimal::parse_exp(&format!("{:.*e}", exact(prec), abs)),
            b'f' => Decimal::parse_fixed(&format!("{:.*}", exact(prec), abs)),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                Decimal::parse_exp(&format!("{:.*e}", exact(prec - 1), abs))
            }
        }
    };
    let mut out = String::new();
    match fmt {
        b'e' | b'E' => fmt_e(&mut out, neg, &digs, prec, fmt),
        b'f' => fmt_f(&mut out, neg, &digs, prec),
        b'g' | b'G' => {
            let mut eprec = prec;
            if eprec > digs.nd() as i32 && digs.nd() as i32 >= digs.dp {
                eprec = digs.nd() as i32;
            }
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > digs.nd() as i32 {
                    prec = digs.nd() as i32;
                }
                fmt_e(&mut out, neg, &digs, prec - 1, fmt + b'e' - b'g');
            } else {
                if prec > digs.dp {
                    prec = digs.nd() as i32;
                }
                fmt_f(&mut out, neg, &digs, (prec - digs.dp).max(0));
            }
        }
        _ => {
            // Go appends `%` followed by the unknown format byte.
            out.push('%');
            out.push(fmt as char);
        }
    }
    out
}

/// More decimal places than any float64 needs to be written exactly (the smallest subnormal
/// has 1074 fractional digits).
const EXACT_DIGITS: usize = 1100;

/// Decimal digits of a finite, non-negative float: `0.d1d2d3... × 10^dp`, trailing zeros
/// removed (zero has no digits).
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
}

impl Decimal {
    fn nd(&self) -> usize {
        self.digits.len()
    }

    /// From Rust's `{:e}` form (`1.2345e6`, `0e0`).
    fn parse_exp(s: &str) -> Decimal {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        Decimal::normalized(digits, exp + 1)
    }

    /// From Rust's fixed form (`123.4500`, `0.0012`).
    fn parse_fixed(s: &str) -> Decimal {
        let int_len = s.find('.').unwrap_or(s.len()) as i32;
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
        Decimal::normalized(digits, int_len)
    }

    fn normalized(mut digits: Vec<u8>, mut dp: i32) -> Decimal {
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..lead);
        dp -= lead as i32;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            dp = 0;
        }
        Decimal { digits, dp }
    }
}

/// Go's `fmtE`: `-d.ddddde±dd`.
fn fmt_e(out: &mut String, neg: bool, d: &Decimal, prec: i32, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(d.digits.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let mut i = 1usize;
        let m = d.nd().min(prec as usize + 1);
        if i < m {
            out.extend(d.digits[i..m].iter().map(|&c| c as char));
            i = m;
        }
        while i <= prec as usize {
            out.push('0');
            i += 1;
        }
    }
    out.push(fmt as char);
    let mut exp = if d.nd() == 0 { 0 } else { d.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

/// Go's `fmtF`: `-ddd.ddd`.
fn fmt_f(out: &mut String, neg: bool, d: &Decimal, prec: i32) {
    if neg {
        out.push('-');
    }
    if d.dp > 0 {
        let m = d.nd().min(d.dp as usize);
        out.extend(d.digits[..m].iter().map(|&c| c as char));
        for _ in m..d.dp as usize {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            let c = if j >= 0 && (j as usize) < d.nd() {
                d.digits[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// The mantissa (with the implicit bit) and the unbiased exponent of the mantissa's top bit.
fn float_bits(f: f64, f32_mode: bool) -> (u64, i32, u32) {
    if f32_mode {
        let bits = (f as f32).to_bits();
        let mut exp = ((bits >> 23) & 0xff) as i32;
        let mut mant = u64::from(bits & ((1 << 23) - 1));
        if exp == 0 {
            exp += 1;
        } else {
            mant |= 1 << 23;
        }
        (mant, exp - 127, 23)
    } else {
        let bits = f.to_bits();
        let mut exp = ((bits >> 52) & 0x7ff) as i32;
        let mut mant = bits & ((1 << 52) - 1);
        if exp == 0 {
            exp += 1;
        } else {
            mant |= 1 << 52;
        }
        (mant, exp - 1023, 52)
    }
}

/// Go's `%b` float form: `-ddddp±ddd` (decimal mantissa, binary exponent).
fn format_binary(f: f64, neg: bool, f32_mode: bool) -> String {
    let (mant, exp, mantbits) = float_bits(f, f32_mode);
    let exp = exp - mantbits as i32;
    let sign = if neg { "-" } else { "" };
    let esign = if exp >= 0 { "+" } else { "" };
    format!("{sign}{mant}p{esign}{exp}")
}

/// Go's `%x` float form: `-0x1.yyyyp±dd`.
fn format_hex(f: f64, neg: bool, prec: i32, fmt: u8, f32_mode: bool) -> String {
    let (mut mant, mut exp, mantbits) = float_bits(f, f32_mode);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - mantbits;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = prec as u32 * 4;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt as char);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if (prec < 0 && mant != 0) || prec > 0 {
        out.push('.');
        let mut i = 0;
        while (prec < 0 && mant != 0) || (prec >= 0 && i < prec) {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
            i += 1;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exp.unsigned_abs());
    out
}

/// Go's `strconv.IsPrint`, approximated with the character classes Rust knows: graphic
/// characters and the ASCII space are printable; controls, other spaces, format characters,
/// private-use characters and non-characters are not.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if u < 0xa0 || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfdd0..=0xfdef
        | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff | 0x110bd | 0x110cd
        | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001
        | 0xe0020..=0xe007f | 0xf0000..)
        && (u & 0xfffe) != 0xfffe
}

/// Go's `appendQuotedWith` over raw bytes (invalid UTF-8 bytes become `\xNN`).
fn quote_bytes(bytes: &[u8], q: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push(q);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_rune(&mut out, c, q, ascii_only);
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push(q);
    out
}

/// Go's `appendEscapedRune`.
fn escape_rune(out: &mut String, c: char, q: char, ascii_only: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ => {
            let u = c as u32;
            if u < 0x20 || u == 0x7f {
                let _ = write!(out, "\\x{u:02x}");
            } else if u < 0x10000 {
                let _ = write!(out, "\\u{u:04x}");
            } else {
                let _ = write!(out, "\\U{u:08x}");
            }
        }
    }
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '\u{feff}' && c != '`' && c != '\x7f' && (c >= ' ' || c == '\t'))
}

/// Go's `strconv.QuoteRune` / `QuoteRuneToASCII`.
fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from('\'');
    escape_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// The rune Go's `rune(u)` conversion gives, with invalid code points as U+FFFD.
fn to_rune(u: u64) -> char {
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}')
}

/// Go's `fmtFlags` plus width and precision.
#[derive(Default, Clone, Copy)]
struct Flags {
    wid: usize,
    prec: usize,
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

/// Go's `pp` printer state.
#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    reordered: bool,
    good_arg_num: bool,
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Go's `tooLarge`: widths and precisions beyond a million are rejected.
fn too_large(x: i64) -> bool {
    !(-1_000_000..=1_000_000).contains(&x)
}

/// Go's `parsenum`: (number, found, next index).
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num as usize, isnum, i)
}

impl Printer {
    // ---- padding (Go's fmt.pad / writePadding) ----

    fn write_padding(&mut self, n: usize) {
        const SPACES: &str = "                                                                ";
        const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
        let pad = if self.f.zero && !self.f.minus {
            ZEROS
        } else {
            SPACES
        };
        self.buf.reserve(n);
        let mut left = n;
        while left > 0 {
            let k = left.min(pad.len());
            self.buf.push_str(&pad[..k]);
            left -= k;
        }
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    /// `pad` with zero padding switched off (Go's `oldZero` dance).
    fn pad_no_zero(&mut self, s: &str) {
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(s);
        self.f.zero = old;
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let quoted = format!("`{s}`");
            self.pad(&quoted);
            return;
        }
        let quoted = if self.f.plus {
            quote_to_ascii(s)
        } else {
            quote(s)
        };
        self.pad(&quoted);
    }

    /// Go's `fmtSbx`: hex encoding of bytes.
    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[usize::from(c >> 4)] as char);
            self.buf.push(digits[usize::from(c & 0xf)] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    /// Go's `fmt.fmtInteger`.
    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::with_capacity(24);
        while u >= base {
            rev.push(digits[(u % base) as usize]);
            u /= base;
        }
        rev.push(digits[u as usize]);
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s: String = rev.into_iter().map(char::from).collect();
        self.pad_no_zero(&s);
    }

    /// Go's `fmtUnicode` (`%U`).
    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let hex = format!("{u:X}");
        let mut s = String::with_capacity(prec.max(hex.len()) + 8);
        s.push_str("U+");
        s.extend(std::iter::repeat_n('0', prec.saturating_sub(hex.len())));
        s.push_str(&hex);
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        self.pad_no_zero(&s);
    }

    /// Go's `fmt.fmtFloat`.
    fn fmt_float(&mut self, v: f64, verb: u8, prec: i32) {
        let prec = if self.f.prec_present {
            self.f.prec as i32
        } else {
            prec
        };
        let formatted = format_float(v, verb, prec, 64);
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 8);
        if formatted.starts_with(['-', '+']) {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num[1] == b'I' || num[1] == b'N' {
            let mut start = 0;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                start = 1;
            }
            let s = String::from_utf8_lossy(&num[start..]).into_owned();
            self.pad_no_zero(&s);
            return;
        }
        if self.f.sharp && verb != b'b' {
            let mut digits: i32 = match verb {
                b'v' | b'g' | b'G' | b'x' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || num[0] != b'+' {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > s.len() {
                self.buf.push(num[0] as char);
                self.write_padding(self.f.wid - s.len());
                self.buf.push_str(&s[1..]);
                return;
            }
            self.pad(&s);
            return;
        }
        self.pad(&s[1..]);
    }

    // ---- per-kind printing (Go's pp.fmt*) ----

    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&type_name(v));
                self.buf.push('=');
                self.print_value(v, 'v', 0);
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
    }

    fn fmt_bool(&mut self, b: bool, verb: char, v: &Value) {
        match verb {
            't' | 'v' => self.pad(if b { "true" } else { "false" }),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(u, 16, false, 'v', LDIGITS);
        self.f.sharp = sharp;
    }

    fn fmt_int(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => {
                let s = to_rune(u).to_string();
                self.pad(&s);
            }
            'q' => {
                let s = quote_rune(to_rune(u), self.f.plus);
                self.pad(&s);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(x, verb as u8, 6),
            'F' => self.fmt_float(x, b'f', 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `fmtComplex`: `(r+ji)`.
    fn fmt_complex(&mut self, c: Complex, verb: char, v: &Value) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.f.plus;
                self.buf.push('(');
                self.fmt_float_verb(c.re, verb, v);
                self.f.plus = true;
                self.fmt_float_verb(c.im, verb, v);
                self.buf.push_str("i)");
                self.f.plus = old_plus;
            }
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s.as_bytes(), LDIGITS),
            'X' => self.fmt_sbx(s.as_bytes(), UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_string: &str) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str(type_string);
                    self.buf.push('{');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_0x64(u64::from(c), true);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(u64::from(c), 10, false, verb, LDIGITS);
                    }
                    self.buf.push(']');
                }
            }
            's' => {
                let s = String::from_utf8_lossy(b).into_owned();
                self.fmt_s(&s);
            }
            'x' => self.fmt_sbx(b, LDIGITS),
            'X' => self.fmt_sbx(b, UDIGITS),
            'q' => {
                let s = self.truncate_bytes(b);
                let quoted = if self.f.sharp
                    && let Ok(text) = std::str::from_utf8(s)
                    && can_backquote(text)
                {
                    format!("`{text}`")
                } else {
                    quote_bytes(s, '"', self.f.plus)
                };
                self.pad(&quoted);
            }
            _ => {
                // Other verbs print each byte as a uint8 element.
                self.buf.push('[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_int(u64::from(c), false, verb, &Value::Int(i64::from(c)));
                }
                self.buf.push(']');
            }
        }
    }

    fn truncate_bytes<'a>(&self, b: &'a [u8]) -> &'a [u8] {
        match std::str::from_utf8(b) {
            Ok(s) => self.truncate(s).as_bytes(),
            Err(_) => b,
        }
    }

    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        let addr = match v {
            Value::List(l) => std::sync::Arc::as_ptr(l) as *const u8 as usize,
            Value::Bytes(b) => b.as_ptr() as usize,
            Value::Dict(d) => std::sync::Arc::as_ptr(&d.0) as *const u8 as usize,
            _ => {
                self.bad_verb(verb, Some(v));
                return;
            }
        };
        match verb {
            'v' if self.f.sharp_v => {
                self.buf.push('(');
                self.buf.push_str(&type_name(v));
                self.buf.push_str(")(");
                self.fmt_0x64(addr as u64, true);
                self.buf.push(')');
            }
            'v' | 'p' => self.fmt_0x64(addr as u64, !self.f.sharp),
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_int(addr as u64, false, verb, v),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// Go's `printArg`: a top-level operand.
    fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        match verb {
            'T' => {
                let t = type_name(v);
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(v, 'p');
                return;
            }
            _ => {}
        }
        match v {
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]byte"),
            _ => self.print_value(v, verb, 0),
        }
    }

    /// Go's `printValue`: an operand or a nested element.
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_PRINT_DEPTH {
            self.buf.push_str("...");
            return;
        }
        match v {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(i) => self.fmt_int(*i as u64, true, verb, v),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v),
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]uint8"),
            Value::List(items) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(item, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Dict(d) => {
                let map = d.read();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    let key = Value::string(k.as_str());
                    self.print_value(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => {
                if let Some(c) = o.as_any().and_then(|a| a.downcast_ref::<Complex>()) {
                    self.fmt_complex(*c, verb, v);
                } else if let Some(text) = o
                    .go_string()
                    .filter(|_| matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') && !self.f.sharp_v)
                {
                    // Go's handleMethods: a Stringer prints its String() for these verbs.
                    self.fmt_string(&text, verb, v);
                } else {
                    let data = o.to_data();
                    self.print_value(&data, verb, depth + 1);
                }
            }
        }
    }

    /// Go's `argNumber`: an explicit `[n]` argument index at `i`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    /// Go's `doPrintf`.
    fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0usize;
        'format_loop: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format_loop;
                        }
                        break;
                    }
                }
                i += 1;
            }

            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, a.len());

            if i < end && fb[i] == b'*' {
                i += 1;
                let (num, is_int, next) = int_from_arg(a, arg_num);
                arg_num = next;
                self.f.wid_present = is_int;
                if !is_int {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if num < 0 {
                    self.f.wid = num.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = num as usize;
                }
                after_index = false;
            } else {
                (self.f.wid, self.f.wid_present, i) = parse_num(fb, i, end);
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }

            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, a.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (num, is_int, next) = int_from_arg(a, arg_num);
                    arg_num = next;
                    self.f.prec_present = is_int;
                    self.f.prec = num.max(0) as usize;
                    if num < 0 {
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    (self.f.prec, self.f.prec_present, i) = parse_num(fb, i, end);
                    if !self.f.prec_present {
                        self.f.prec = 0;
                        self.f.prec_present = true;
                    }
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fb, i, a.len());
            }

            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }

            let verb = format[i..].chars().next().unwrap_or('\u{fffd}');
            i += verb.len_utf8();

            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= a.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }

        if !self.reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (i, arg) in a[arg_num..].iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&type_name(arg));
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }
}

/// Go's `intFromArg`: (value, is an int, next argument number).
fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= a.len() {
        return (0, false, arg_num);
    }
    let (mut num, mut is_int) = match a[arg_num] {
        Value::Int(n) => (n, true),
        _ => (0, false),
    };
    if too_large(num) {
        num = 0;
        is_int = false;
    }
    (num, is_int, arg_num + 1)
}

/// Go's `parseArgNumber`: (zero-based index, bytes consumed, ok).
fn parse_arg_number(format: &[u8]) -> (i64, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format[i] == b']' {
            let (width, ok, newi) = parse_num(format, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dict, Map};

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn format_float_matches_strconv() {
        // Expectations from Go's strconv ftoa_test.go.
        let cases: &[(f64, u8, i32, &str)] = &[
            (1.0, b'e', 5, "1.00000e+00"),
            (1.0, b'f', 5, "1.00000"),
            (1.0, b'g', 5, "1"),
            (1.0, b'g', -1, "1"),
            (20.0, b'g', -1, "20"),
            (1234567.8, b'g', -1, "1.2345678e+06"),
            (200000.0, b'g', -1, "200000"),
            (2000000.0, b'g', -1, "2e+06"),
            (1e10, b'g', -1, "1e+10"),
            (400.0, b'g', 2, "4e+02"),
            (40.0, b'g', 2, "40"),
            (4.0, b'g', 2, "4"),
            (0.0, b'e', 5, "0.00000e+00"),
            (0.0, b'f', 5, "0.00000"),
            (0.0, b'g', 5, "0"),
            (0.0, b'g', -1, "0"),
            (-1.0, b'e', 5, "-1.00000e+00"),
            (-1.0, b'g', -1, "-1"),
            (12.0, b'g', -1, "12"),
            (123456700.0, b'e', 5, "1.23457e+08"),
            (1.2345e6, b'e', 5, "1.23450e+06"),
            (1e23, b'e', 17, "9.99999999999999916e+22"),
            (1e23, b'g', -1, "1e+23"),
            (100.0, b'x', -1, "0x1.9p+06"),
            (100.0, b'y', -1, "%y"),
            (0.5, b'f', 0, "0"),
            (1.5, b'f', 0, "2"),
            (2.5, b'f', 0, "2"),
            (1e-7, b'g', -1, "1e-07"),
            (0.000123, b'g', -1, "0.000123"),
            (1.0, b'b', -1, "4503599627370496p-52"),
            (f64::INFINITY, b'g', -1, "+Inf"),
            (f64::NAN, b'g', -1, "NaN"),
            (-0.0, b'g', -1, "-0"),
        ];
        for &(f, fmt, prec, want) in cases {
            assert_eq!(
                format_float(f, fmt, prec, 64),
                want,
                "{f} {} {prec}",
                fmt as char
            );
        }
        assert_eq!(format_float(0.1, b'g', -1, 32), "0.1");
        // Precisions beyond what Rust's formatter takes: exact digits, then zeros.
        let long = format_float(0.5, b'f', 99_999, 64);
        assert_eq!(long.len(), 2 + 99_999);
        assert!(long.starts_with("0.5000"));
        assert_eq!(format_float(1.0, b'e', 70_000, 64).len(), 70_000 + 6);
        assert_eq!(sprintf("%.70000U", &[Value::Int(1)]).len(), 70_002);
        assert_eq!(sprintf("%.6U", &[Value::Int(0x1F600)]), "U+01F600");
    }

    /// A host object with a Go `String()` method.
    struct Named;

    impl crate::Object for Named {
        fn type_name(&self) -> &str {
            "x.Named"
        }
        fn field(&self, _: &str) -> Option<Value> {
            None
        }
        fn go_string(&self) -> Option<String> {
            Some("hi".into())
        }
    }

    #[test]
    fn stringers_print_their_string_for_string_verbs() {
        // Go's handleMethods: v s x X q use String(); other verbs see the value.
        let n = Value::Object(std::sync::Arc::new(Named));
        assert_eq!(
            sprintf(
                "%v %s %q %x %X",
                &[n.clone(), n.clone(), n.clone(), n.clone(), n]
            ),
            "hi hi \"hi\" 6869 6869"
        );
    }

    #[test]
    fn cyclic_maps_print_without_overflowing_the_stack() {
        let d = Dict::new();
        d.insert("self", Value::Dict(d.clone()));
        let printed = format_value(&Value::Dict(d.clone()));
        assert!(printed.starts_with("map[self:map[self:"));
        assert!(printed.contains("..."));
        d.remove("self");
    }

    #[test]
    fn value_forms_match_go() {
        let d: Dict = [
            ("b".to_string(), Value::Int(2)),
            ("a".to_string(), Value::Int(1)),
        ]
        .into_iter()
        .collect();
        assert_eq!(format_value(&Value::Dict(d)), "map[a:1 b:2]");
        assert_eq!(
            format_value(&Value::list(vec![Value::Int(1), s("x"), Value::Nil])),
            "[1 x <nil>]"
        );
        assert_eq!(format_value(&Value::Nil), "<nil>");
        assert_eq!(format_value(&Value::Float(1e6)), "1e+06");
        assert_eq!(format_value(&Value::Float(100000.0)), "100000");
        assert_eq!(format_value(&Value::Float(1.5e-7)), "1.5e-07");
        assert_eq!(format_value(&Value::Float(3.0)), "3");
        assert_eq!(
            format_value(&Value::Bytes(b"hi".as_slice().into())),
            "[104 105]"
        );
        assert_eq!(format_value(&Value::dict(Map::new())), "map[]");
    }

    #[test]
    fn sprint_spaces_between_non_strings() {
        // Go: Sprint("a", 1, 2, "b") == "a1 2b".
        assert_eq!(
            sprint(&[s("a"), Value::Int(1), Value::Int(2), s("b")]),
            "a1 2b"
        );
        assert_eq!(sprintln(&[s("a"), Value::Int(1)]), "a 1\n");
    }

    #[test]
    fn sprintf_verbs_match_go() {
        // Expectations from Go's fmt_test.go fmtTests.
        let cases: Vec<(&str, Value, &str)> = vec![
            ("%d", Value::Int(12345), "12345"),
            ("%v", Value::Int(12345), "12345"),
            ("%t", Value::Bool(true), "true"),
            ("%x", s("xyz"), "78797a"),
            ("%X", s("xyz"), "78797A"),
            ("% x", s("xyz"), "78 79 7a"),
            ("%#x", s("xyz"), "0x78797a"),
            ("%# x", s("xyz"), "0x78 0x79 0x7a"),
            ("%q", s("abc"), "\"abc\""),
            ("%q", s("\"x\""), "\"\\\"x\\\"\""),
            ("%#q", s("abc"), "`abc`"),
            ("%q", s("\u{263a}"), "\"\u{263a}\""),
            ("%+q", s("\u{263a}"), "\"\\u263a\""),
            ("%q", s("\x07\n"), "\"\\a\\n\""),
            ("%5s", s("abc"), "  abc"),
            ("%-5s", s("abc"), "abc  "),
            ("%.2s", s("abc"), "ab"),
            ("%05d", Value::Int(-12), "-0012"),
            ("%+d", Value::Int(12), "+12"),
            ("% d", Value::Int(12), " 12"),
            ("%x", Value::Int(-255), "-ff"),
            ("%#x", Value::Int(255), "0xff"),
            ("%o", Value::Int(8), "10"),
            ("%#o", Value::Int(8), "010"),
            ("%O", Value::Int(8), "0o10"),
            ("%b", Value::Int(5), "101"),
            ("%.3d", Value::Int(7), "007"),
            ("%.0d", Value::Int(0), ""),
            ("%c", Value::Int('x' as i64), "x"),
            ("%q", Value::Int('x' as i64), "'x'"),
            ("%U", Value::Int(0x263a), "U+263A"),
            ("%#U", Value::Int(0x263a), "U+263A '\u{263a}'"),
            ("%e", Value::Float(1.0), "1.000000e+00"),
            ("%E", Value::Float(1.0), "1.000000E+00"),
            ("%f", Value::Float(1.0), "1.000000"),
            ("%.2f", Value::Float(2.34567), "2.35"),
            ("%g", Value::Float(1.0), "1"),
            ("%G", Value::Float(1e-10), "1E-10"),
            ("%8.3f", Value::Float(-1.0), "  -1.000"),
            ("%08.3f", Value::Float(-1.0), "-001.000"),
            ("%+.3e", Value::Float(0.0), "+0.000e+00"),
            ("%#g", Value::Float(1.0), "1.00000"),
            ("%#.0f", Value::Float(1.0), "1."),
            ("%v", Value::Float(f64::NAN), "NaN"),
            ("%+v", Value::Float(f64::INFINITY), "+Inf"),
            ("%d", s("x"), "%!d(string=x)"),
            ("%s", Value::Int(5), "%!s(int=5)"),
            ("%d", Value::Nil, "%!d(<nil>)"),
            ("%v", Value::Nil, "<nil>"),
            ("%T", Value::Nil, "<nil>"),
            ("%T", Value::Int(1), "int"),
            ("%T", Value::list(vec![]), "[]interface {}"),
            ("%#v", s("x"), "\"x\""),
            (
                "%#v",
                Value::list(vec![Value::Int(1), s("a")]),
                "[]interface {}{1, \"a\"}",
            ),
            (
                "%d",
                Value::list(vec![Value::Int(1), Value::Int(2)]),
                "[1 2]",
            ),
            (
                "%s",
                Value::list(vec![s("a"), Value::Int(2)]),
                "[a %!s(int=2)]",
            ),
            ("%s", Value::Bytes(b"hi".as_slice().into()), "hi"),
            ("%x", Value::Bytes(b"hi".as_slice().into()), "6869"),
            ("%6.2f", Value::Float(2.34567), "  2.35"),
            ("%-8d|", Value::Int(5), "5       |"),
        ];
        for (format, arg, want) in cases {
            assert_eq!(sprintf(format, &[arg]), want, "format {format:?}");
        }
    }

    #[test]
    fn sprintf_argument_errors_match_go() {
        assert_eq!(sprintf("%d", &[]), "%!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::Int(1), Value::Int(2)]),
            "1%!(EXTRA int=2)"
        );
        assert_eq!(
            sprintf("x", &[s("a"), Value::Nil]),
            "x%!(EXTRA string=a, <nil>)"
        );
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(sprintf("%%", &[]), "%");
        assert_eq!(
            sprintf("%[2]d %[1]d", &[Value::Int(1), Value::Int(2)]),
            "2 1"
        );
        assert_eq!(sprintf("%[3]d", &[Value::Int(1)]), "%!d(BADINDEX)");
        assert_eq!(sprintf("%*d", &[Value::Int(4), Value::Int(7)]), "   7");
        assert_eq!(sprintf("%-*d|", &[Value::Int(-4), Value::Int(7)]), "7   |");
        assert_eq!(sprintf("%.*f", &[Value::Int(2), Value::Float(1.0)]), "1.00");
        assert_eq!(sprintf("%*d", &[s("x"), Value::Int(7)]), "%!(BADWIDTH)7");
        assert_eq!(sprintf("%z", &[Value::Int(1)]), "%!z(int=1)");
        let c = Value::Object(std::sync::Arc::new(Complex { re: 1.0, im: 7.0 }));
        assert_eq!(sprintf("%g %v", &[c.clone(), c]), "(1+7i) (1+7i)");
    }
}
