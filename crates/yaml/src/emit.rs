//! Writing values as Helm's `toYaml` does: `sigs.k8s.io/yaml.Marshal`, i.e. Go's
//! `json.Marshal`, then yaml.v2 reading that JSON and writing it back with libyaml's emitter
//! (block style, 2-space indent, compact sequences, keys in yaml.v2's natural order, libyaml's
//! scalar analysis and quoting, lines folded after column 80).
//!
//! The JSON round trip is done on the fly: numbers take the form yaml.v2 would re-read from
//! Go's JSON text, and the emitter state machine below mirrors libyaml's for the events that
//! such a document produces.
//!
//! Helm's `toYamlPretty` uses yaml.v3's encoder instead (no JSON step, indent 2): the same
//! machine with v3's changes ([`Flavor::V3`]): sequences indented under their key, indentation
//! rounded to the indent step, tabs allowed in literal blocks, no folding of long lines, a
//! slightly different key order.

use slipway_value::Value;

use crate::error::YamlError;
use crate::gofloat::{format_g, json_number};
use crate::resolve::{Resolved, is_base60_float, resolve_plain};

/// libyaml's preferred line width (yaml.v2); yaml.v3 as Helm uses it does not fold.
const BEST_WIDTH: usize = 80;
/// libyaml's indentation step.
const BEST_INDENT: i64 = 2;
/// Nesting beyond this is refused (Go's encoder detects cycles from this depth on).
const MAX_DEPTH: usize = 1000;

/// Which Go encoder is reproduced.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `sigs.k8s.io/yaml.Marshal`: JSON round trip, then yaml.v2.
    V2Json,
    /// yaml.v3's `Encoder` with `SetIndent(2)`, on the value itself.
    V3,
}

/// The YAML text of `v` as `flavor`'s encoder writes it, ending in a newline.
pub(crate) fn marshal(v: &Value, flavor: Flavor) -> Result<String, YamlError> {
    let mut e = Emitter {
        out: String::with_capacity(256),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        depth: 0,
        v3: flavor == Flavor::V3,
    };
    e.node(v, Ctx::Root)?;
    e.write_indent();
    Ok(e.out)
}

/// Where a node sits, as libyaml's `emit_node` flags.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    Sequence,
    Mapping,
    SimpleKey,
}

/// Scalar styles libyaml can pick.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    /// Column in characters.
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    depth: usize,
    /// yaml.v3's emitter rules instead of yaml.v2's.
    v3: bool,
}

impl Emitter {
    fn best_width(&self) -> usize {
        if self.v3 { usize::MAX } else { BEST_WIDTH }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// Writes text without breaks, counting columns in characters.
    fn push_str(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        };
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.v3 {
            self.indention = true;
        }
    }

    /// `increase_indent`; `in_seq_item` says the node is a block sequence's item (yaml.v3
    /// then just skips the `- `, and otherwise rounds to the indent step).
    fn increase_indent(&mut self, flow: bool, indentless: bool, in_seq_item: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent = if !self.v3 || in_seq_item {
                self.indent + BEST_INDENT
            } else {
                BEST_INDENT * ((self.indent + BEST_INDENT) / BEST_INDENT)
            };
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.v3 {
            self.indention = true;
        }
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &Value, ctx: Ctx) -> Result<(), YamlError> {
        match v {
            Value::Nil => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Int(i) => self.scalar(&i.to_string(), Style::Plain, ctx),
            Value::Float(f) if self.v3 => {
                let text = match format_g(*f, false).as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    other => other.to_string(),
                };
                self.scalar(&text, Style::Plain, ctx)
            }
            Value::Float(f) => {
                let text = float_text(*f).ok_or_else(|| {
                    YamlError::Marshal(format!(
                        "error marshaling into JSON: json: unsupported value: {}",
                        format_g(*f, false)
                    ))
                })?;
                self.scalar(&text, Style::Plain, ctx)
            }
            Value::String(s) => self.string(s, ctx),
            Value::Bytes(b) if self.v3 => {
                let items: Vec<Value> = b.iter().map(|&x| Value::Int(i64::from(x))).collect();
                self.nested(|e| e.sequence(&items, ctx))
            }
            Value::Bytes(b) => self.string(&base64(b), ctx),
            Value::List(items) => self.nested(|e| e.sequence(items, ctx)),
            Value::Dict(d) => {
                let map = d.read();
                self.nested(|e| e.mapping(&map, ctx))
            }
            Value::Object(o) => self.node(&o.to_data(), ctx),
        }
    }

    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<(), YamlError>,
    ) -> Result<(), YamlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(YamlError::Marshal(
                "error marshaling into JSON: json: unsupported value: encountered a cycle via map[string]interface {}".into(),
            ));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn sequence(&mut self, items: &[Value], ctx: Ctx) -> Result<(), YamlError> {
        if items.is_empty() {
            self.empty_flow("[", "]");
            return Ok(());
        }
        let indentless = !self.v3 && ctx == Ctx::Mapping && !self.indention;
        self.increase_indent(false, indentless, ctx == Ctx::Sequence);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Ctx::Sequence)?;
        }
        self.pop_indent();
        Ok(())
    }

    fn mapping(&mut self, map: &slipway_value::Map, ctx: Ctx) -> Result<(), YamlError> {
        if map.is_empty() {
            self.empty_flow("{", "}");
            return Ok(());
        }
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        sort_keys(&mut keys, self.v3);
        self.increase_indent(false, false, ctx == Ctx::Sequence);
        for key in keys {
            if !self.v3 && key.contains('\u{85}') {
                // The JSON key spans two lines for libyaml, which no simple key may.
                return Err(YamlError::Marshal(
                    "yaml: could not find expected ':'".into(),
                ));
            }
            self.write_indent();
            if key.len() <= 128 && !has_line_break(key) {
                self.string(key, Ctx::SimpleKey)?;
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.string(key, Ctx::Mapping)?;
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(&map[key], Ctx::Mapping)?;
        }
        self.pop_indent();
        Ok(())
    }

    /// yaml.v2's `stringv` choice followed by libyaml's `select_scalar_style`.
    fn string(&mut self, s: &str, ctx: Ctx) -> Result<(), YamlError> {
        if !self.v3 && s.chars().any(is_control_after_json) {
            return Err(YamlError::Marshal(
                "yaml: control characters are not allowed".into(),
            ));
        }
        let folded;
        let s = if !self.v3 && s.contains('\u{85}') {
            folded = fold_nel(s);
            folded.as_str()
        } else {
            s
        };
        let can_plain = resolve_plain(s) == Resolved::Str && !is_base60_float(s);
        let style = if s.contains('\n') {
            Style::Literal
        } else if can_plain {
            Style::Plain
        } else {
            Style::Double
        };
        self.scalar(s, style, ctx)
    }

    fn scalar(&mut self, s: &str, requested: Style, ctx: Ctx) -> Result<(), YamlError> {
        let a = analyze(s, self.v3);
        let simple_key = ctx == Ctx::SimpleKey;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false, ctx == Ctx::Sequence);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::Single => self.write_single(s, allow_breaks),
            Style::Double => self.write_double(s, allow_breaks),
            Style::Literal => self.write_literal(s),
        }
        self.pop_indent();
        Ok(())
    }

    fn write_plain(&mut self, s: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // Fast path: nothing to fold or break.
        if self.column + s.len() <= self.best_width() && !s.contains(is_break) {
            self.push_str(s);
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let mut spaces = false;
        let mut breaks = false;
        for (i, c) in s.char_indices() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width()
                    && next_char(s, i, c) != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_single(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        for (i, c) in s.char_indices() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width()
                    && i > 0
                    && i + 1 < s.len()
                    && next_char(s, i, c) != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let starts_with_bom = s.starts_with('\u{feff}');
        let mut spaces = false;
        for (i, c) in s.char_indices() {
            if !is_printable(c) || starts_with_bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match escape_letter(c) {
                    Some(l) => self.put(l),
                    None => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (v >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16)
                                    .unwrap_or('0')
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width()
                    && i > 0
                    && i + 1 < s.len()
                {
                    self.write_indent();
                    if next_char(s, i, c) == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        self.block_hints(s);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn block_hints(&mut self, s: &str) {
        let mut chars = s.chars();
        if s.starts_with(' ') || s.chars().next().is_some_and(is_break) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let last = chars.next_back();
        let chomp = match last {
            None => Some("-"),
            Some(c) if !is_break(c) => Some("-"),
            Some(_) => match chars.next_back() {
                None => Some("+"),
                Some(c) if is_break(c) => Some("+"),
                Some(_) => None,
            },
        };
        if let Some(h) = chomp {
            self.write_indicator(h, false, false, false);
        }
    }
}

/// The plain-scalar text yaml.v2 writes for a float64 after the JSON round trip: Go's JSON
/// number re-read by yaml.v2 (integers stay integers when they fit int64/uint64), else `%g`.
fn float_text(f: f64) -> Option<String> {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // Fast path: Go's JSON writes it as an integer, which yaml.v2 reads back as an int.
        return Some((f as i64).to_string());
    }
    let json = json_number(f)?;
    Some(match resolve_plain(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        _ => format_g(f, false),
    })
}

/// What a string becomes when yaml.v2 re-reads Go's JSON of it: JSON leaves NEL (U+0085) raw,
/// and libyaml folds it as a line break inside a double-quoted scalar (spaces around it are
/// dropped; one break becomes a space, each further break a newline).
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('\u{85}') {
        let before = rest[..pos].trim_end_matches(' ');
        out.push_str(before);
        let after = &rest[pos + '\u{85}'.len_utf8()..];
        let run_len = after
            .find(|c: char| c != ' ' && c != '\u{85}')
            .unwrap_or(after.len());
        let trailing = after[..run_len].matches('\u{85}').count();
        if trailing == 0 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', trailing));
        }
        rest = &after[run_len..];
    }
    out.push_str(rest);
    out
}

/// Characters that Go's JSON encoder leaves raw but libyaml's reader refuses, so that the
/// JSON-to-YAML step of `Marshal` fails.
fn is_control_after_json(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// The character after the one at byte `i`.
fn next_char(s: &str, i: usize, c: char) -> Option<char> {
    s[i + c.len_utf8()..].chars().next()
}

/// libyaml's `is_break`: LF, CR, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn has_line_break(s: &str) -> bool {
    s.chars().any(is_break)
}

/// libyaml's `is_printable` (which, as written, leaves out tab and everything beyond the
/// Basic Multilingual Plane).
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

/// The one-letter escapes of libyaml's double-quoted writer.
fn escape_letter(c: char) -> Option<char> {
    Some(match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => return None,
    })
}

/// What libyaml's `analyze_scalar` allows for a value.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's scalar analysis; yaml.v3 lets tabs into literal blocks.
fn analyze(s: &str, v3: bool) -> Analysis {
    // Fast path: a word of letters, digits and `_./-` has no indicator, space or break
    // (unless it is `-` or starts a document marker).
    let plain_word = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        && s != "-"
        && !s.starts_with("---")
        && !s.starts_with("...");
    if plain_word {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
    }
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;
    for (i, c) in s.char_indices() {
        let next = next_char(s, i, c);
        let last = next.is_none();
        let followed_by_ws = matches!(next, None | Some(' ' | '\t'));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_ws => block_indicators = true,
                '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if v3 && c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tabs || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// yaml.v2's (or v3's) key order (`sorter.go`) for string keys: digit runs compare as
/// numbers, and a non-letter sorts before a letter. A merge sort, since the order is not
/// always total.
fn sort_keys(keys: &mut [&str], v3: bool) {
    // Insertion sort: the keys come in byte order, which is nearly this order already, and
    // it never relies on the comparison being a total order.
    for i in 1..keys.len() {
        let mut j = i;
        while j > 0 && key_less(keys[j], keys[j - 1], v3) {
            keys.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// yaml.v2's `keyList.Less` for two strings; yaml.v3's puts a letter first when it follows
/// a digit common to both.
fn key_less(a: &str, b: &str, v3: bool) -> bool {
    let mut after_digit = false;
    let mut ai = a.char_indices();
    let mut bi = b.char_indices();
    loop {
        let (Some((pos_a, ca)), Some((pos_b, cb))) = (ai.next(), bi.next()) else {
            return a.chars().count() < b.chars().count();
        };
        if ca == cb {
            after_digit = is_go_digit(ca);
            continue;
        }
        let al = ca.is_alphabetic();
        let bl = cb.is_alphabetic();
        if al && bl {
            return ca < cb;
        }
        if al || bl {
            return if v3 && after_digit { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ca == '0' || cb == '0' {
            // Leading zeros count only after a non-zero digit of the common prefix.
            for c in a[..pos_a].chars().rev().take_while(|&c| is_go_digit(c)) {
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digit_run = |s: &str, n: &mut i64| {
            let mut len = 0;
            for c in s.chars().take_while(|&c| is_go_digit(c)) {
                *n = n.wrapping_mul(10).wrapping_add(c as i64 - '0' as i64);
                len += 1;
            }
            len
        };
        let a_len = digit_run(&a[pos_a..], &mut an);
        let b_len = digit_run(&b[pos_b..], &mut bn);
        if an != bn {
            return an < bn;
        }
        if a_len != b_len {
            return a_len < b_len;
        }
        return ca < cb;
    }
}

/// Standard base64 with padding, as Go's JSON encodes `[]byte`.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
