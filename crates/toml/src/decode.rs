//! Reading TOML into Helm's `map[string]interface{}` as BurntSushi/toml v1.6 does (its
//! parser over [`crate::lex`]): integers are int64, floats float64, tables maps, arrays lists;
//! duplicate and conflicting keys, number and datetime checks and all error texts are its own.

use std::collections::{BTreeMap, HashMap, HashSet};

use slipway_value::fmt::quote;
use slipway_value::{Dict, Map, Value};

use crate::TomlError;
use crate::lex::{Item, ItemType, LexError, lex};

/// Parses a TOML document into a map, as Helm's `fromToml` does. Datetimes become the text
/// Go's JSON gives their `time.Time` (RFC 3339, local dates and times in a zero-offset zone).
/// Errors read `toml: line N (last key "k"): MESSAGE`.
pub fn from_toml(text: &str) -> Result<Dict, TomlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.bytes().take(6).any(|b| b == 0) {
        return Err(TomlError::Parse(
            "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8"
                .into(),
        ));
    }
    let (items, lex_error) = lex(text);
    let mut p = Parser {
        items,
        next: 0,
        lex_error,
        context: Vec::new(),
        current_key: String::new(),
        pos_line: 0,
        mapping: BTreeMap::new(),
        is_array: HashMap::new(),
        implicits: HashSet::new(),
    };
    p.parse().map_err(TomlError::Parse)?;
    Ok(Dict::from_map(table_value(p.mapping)))
}

/// A decoded TOML value, as BurntSushi holds it before handing it over.
enum Data {
    Table(Table),
    /// An array of tables (`[[name]]`), Go's `[]map[string]any`.
    TableArray(Vec<Table>),
    Array(Vec<Data>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A datetime as the RFC 3339 text of its Go `time.Time`.
    Time(String),
}

type Table = BTreeMap<String, Data>;

fn table_value(t: Table) -> Map {
    t.into_iter().map(|(k, v)| (k, data_value(v))).collect()
}

fn data_value(d: Data) -> Value {
    match d {
        Data::Table(t) => Value::dict(table_value(t)),
        Data::TableArray(ts) => Value::list(
            ts.into_iter()
                .map(|t| Value::dict(table_value(t)))
                .collect(),
        ),
        Data::Array(items) => Value::list(items.into_iter().map(data_value).collect()),
        Data::Str(s) | Data::Time(s) => Value::string(s),
        Data::Int(i) => Value::Int(i),
        Data::Float(f) => Value::Float(f),
        Data::Bool(b) => Value::Bool(b),
    }
}

struct Parser {
    items: Vec<Item>,
    next: usize,
    lex_error: Option<LexError>,
    /// Full key of the table in scope.
    context: Vec<String>,
    /// Base key name of the value being read.
    current_key: String,
    /// Line of the last key or table name read (`p.pos`).
    pos_line: usize,
    mapping: Table,
    /// Key (as text) -> whether its TOML type is an array.
    is_array: HashMap<String, bool>,
    implicits: HashSet<String>,
}

type PResult<T> = Result<T, String>;

/// BurntSushi's `Key.String()`: dotted, each part quoted when not bare.
fn key_string(key: &[String]) -> String {
    key.iter()
        .map(|k| {
            if k.is_empty() {
                "\"\"".to_string()
            } else if k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                k.clone()
            } else {
                format!("\"{}\"", escape_basic(k))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// BurntSushi's `dblQuotedReplacer`.
fn escape_basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

impl Parser {
    /// `p.current()`: the last key for error messages.
    fn current(&self) -> String {
        if self.current_key.is_empty() {
            return key_string(&self.context);
        }
        if self.context.is_empty() {
            return self.current_key.clone();
        }
        format!("{}.{}", key_string(&self.context), self.current_key)
    }

    /// `ParseError.Error()` for a message at `line`.
    fn error(&self, line: usize, message: &str) -> String {
        let last = self.current();
        if last.is_empty() {
            format!("toml: line {line}: {message}")
        } else {
            format!("toml: line {line} (last key {}): {message}", quote(&last))
        }
    }

    /// `panicf`: an error at the last key read.
    fn fail<T>(&self, message: String) -> PResult<T> {
        Err(self.error(self.pos_line, &message))
    }

    fn next_item(&mut self) -> PResult<Item> {
        match self.items.get(self.next) {
            Some(item) => {
                self.next += 1;
                Ok(item.clone())
            }
            None => {
                let (line, message) = match &self.lex_error {
                    Some(e) => (e.line, e.message.clone()),
                    None => (0, "unexpected end of input".to_string()),
                };
                Err(self.error(line, &message))
            }
        }
    }

    fn next_pos(&mut self) -> PResult<Item> {
        let item = self.next_item()?;
        self.pos_line = item.line;
        Ok(item)
    }

    fn parse(&mut self) -> PResult<()> {
        loop {
            let item = self.next_item()?;
            if item.typ == ItemType::Eof {
                return Ok(());
            }
            self.top_level(item)?;
        }
    }

    /// The parts of a key or table name, up to the item that ends it.
    fn key_parts(&mut self, first: Item, end: ItemType) -> PResult<Vec<String>> {
        let mut key = Vec::new();
        let mut name = first;
        while name.typ != end && name.typ != ItemType::Eof {
            key.push(self.key_part(&name)?);
            name = self.next_item()?;
        }
        Ok(key)
    }

    fn top_level(&mut self, item: Item) -> PResult<()> {
        match item.typ {
            ItemType::CommentStart => {
                self.next_item()?;
            }
            ItemType::TableStart | ItemType::ArrayTableStart => {
                let array = item.typ == ItemType::ArrayTableStart;
                let end = if array {
                    ItemType::ArrayTableEnd
                } else {
                    ItemType::TableEnd
                };
                let first = self.next_pos()?;
                let key = self.key_parts(first, end)?;
                self.add_context(&key, array)?;
                self.set_type("", false);
            }
            ItemType::KeyStart => {
                let outer = self.context.clone();
                let first = self.next_pos()?;
                let key = self.key_parts(first, ItemType::KeyEnd)?;
                self.read_key_value(key)?;
                self.context = outer;
                self.current_key.clear();
            }
            _ => {}
        }
        Ok(())
    }

    /// `key = value` once the key is read: implicit tables for dotted keys, then the value.
    fn read_key_value(&mut self, key: Vec<String>) -> PResult<Data> {
        let (last, parents) = key
            .split_last()
            .map_or((String::new(), &[][..]), |(l, p)| (l.clone(), p));
        self.current_key = last;
        for part in parents {
            let mut implicit = self.context.clone();
            implicit.push(part.clone());
            self.add_implicit(&implicit);
            self.add_context(&implicit, false)?;
        }
        let v_item = self.next_item()?;
        let (value, is_array) = self.value(&v_item, false)?;
        let copy = shallow_copy(&value);
        let key = self.current_key.clone();
        self.set_value(&key, value)?;
        self.set_type(&key, is_array);
        Ok(copy)
    }

    fn key_part(&mut self, item: &Item) -> PResult<String> {
        match item.typ {
            ItemType::Text => Ok(item.val.clone()),
            _ => match self.value(item, false)?.0 {
                Data::Str(s) => Ok(s),
                _ => Ok(item.val.clone()),
            },
        }
    }

    /// A value item: the data and whether its TOML type is an array.
    fn value(&mut self, item: &Item, parent_is_array: bool) -> PResult<(Data, bool)> {
        Ok(match item.typ {
            ItemType::String | ItemType::RawString => (Data::Str(item.val.clone()), false),
            ItemType::StringEsc => (Data::Str(self.replace_escapes(item, &item.val)?), false),
            ItemType::MultilineString => {
                let s = strip_escaped_newlines(strip_first_newline(&item.val));
                (Data::Str(self.replace_escapes(item, &s)?), false)
            }
            ItemType::RawMultilineString => {
                (Data::Str(strip_first_newline(&item.val).to_string()), false)
            }
            ItemType::Integer => (self.value_integer(item)?, false),
            ItemType::Float => (self.value_float(item)?, false),
            ItemType::Bool => (Data::Bool(item.val == "true"), false),
            ItemType::Datetime => (self.value_datetime(item)?, false),
            ItemType::Array => (self.value_array()?, true),
            ItemType::InlineTableStart => (self.value_inline_table(parent_is_array)?, false),
            _ => (Data::Str(item.val.clone()), false),
        })
    }

    fn value_integer(&self, item: &Item) -> PResult<Data> {
        let v = &item.val;
        if !num_underscores_ok(v) {
            return self.item_fail(
                item,
                format!(
                    "Invalid integer {}: underscores must be surrounded by digits",
                    quote(v)
                ),
            );
        }
        if num_has_leading_zero(v) {
            return self.item_fail(
                item,
                format!("Invalid integer {}: cannot have leading zeroes", quote(v)),
            );
        }
        match parse_go_int(v) {
            Some(Ok(i)) => Ok(Data::Int(i)),
            Some(Err(())) => self.item_fail(item, format!("{v} is out of range for int64")),
            None => self.item_fail(item, format!("BUG: Expected integer value, but got '{v}'.")),
        }
    }

    fn value_float(&self, item: &Item) -> PResult<Data> {
        let v = &item.val;
        let parts: Vec<&str> = v.split(['.', 'e', 'E']).filter(|p| !p.is_empty()).collect();
        if parts.iter().any(|p| !num_underscores_ok(p)) {
            return self.item_fail(
                item,
                format!(
                    "Invalid float {}: underscores must be surrounded by digits",
                    quote(v)
                ),
            );
        }
        if parts.first().is_some_and(|p| num_has_leading_zero(p)) {
            return self.item_fail(
                item,
                format!("Invalid float {}: cannot have leading zeroes", quote(v)),
            );
        }
        if !num_periods_ok(v) {
            return self.item_fail(
                item,
                format!(
                    "Invalid float {}: '.' must be followed by one or more digits",
                    quote(v)
                ),
            );
        }
        let mut text: String = v.chars().filter(|&c| c != '_').collect();
        let mut negative_nan = false;
        if text == "+nan" || text == "-nan" {
            negative_nan = text == "-nan";
            text = "nan".into();
        }
        let infinite_text = text.trim_start_matches(['+', '-']) == "inf";
        match text.parse::<f64>() {
            Ok(f) if f.is_infinite() && !infinite_text => {
                self.item_fail(item, format!("{v} is out of range for float64"))
            }
            Ok(f) if negative_nan => Ok(Data::Float(-f)),
            Ok(f) => Ok(Data::Float(f)),
            Err(_) => self.item_fail(item, format!("Invalid float value: {}", quote(v))),
        }
    }

    fn value_datetime(&self, item: &Item) -> PResult<Data> {
        let text: String = item
            .val
            .chars()
            .map(|c| match c {
                'z' => 'Z',
                't' | ' ' => 'T',
                c => c,
            })
            .collect();
        match parse_datetime(&text) {
            Some(t) => Ok(Data::Time(t)),
            None => self.item_fail(item, format!("invalid datetime: {}", quote(&text))),
        }
    }

    fn item_fail<T>(&self, item: &Item, message: String) -> PResult<T> {
        Err(self.error(item.line, &message))
    }

    fn value_array(&mut self) -> PResult<Data> {
        let key = self.current_key.clone();
        self.set_type(&key, true);
        let mut array = Vec::new();
        loop {
            let item = self.next_item()?;
            match item.typ {
                ItemType::ArrayEnd => break,
                ItemType::CommentStart => {
                    self.next_item()?;
                }
                _ => array.push(self.value(&item, true)?.0),
            }
        }
        Ok(Data::Array(array))
    }

    fn value_inline_table(&mut self, parent_is_array: bool) -> PResult<Data> {
        let mut top = Table::new();
        let outer_context = self.context.clone();
        let outer_key = self.current_key.clone();
        self.context.push(self.current_key.clone());
        let prev_context = self.context.clone();
        self.current_key.clear();
        let ctx = self.context.clone();
        self.add_implicit(&ctx);
        self.add_context(&ctx, parent_is_array)?;
        loop {
            let item = self.next_item()?;
            match item.typ {
                ItemType::InlineTableEnd => break,
                ItemType::CommentStart => {
                    self.next_item()?;
                    continue;
                }
                _ => {}
            }
            let first = self.next_pos()?;
            let key = self.key_parts(first, ItemType::KeyEnd)?;
            let parents: Vec<String> = key[..key.len().saturating_sub(1)].to_vec();
            let value = self.read_key_value(key)?;
            let mut hash = &mut top;
            for c in &parents {
                let entry = hash
                    .entry(c.clone())
                    .or_insert_with(|| Data::Table(Table::new()));
                match entry {
                    Data::Table(t) => hash = t,
                    _ => {
                        let context = quote(&key_string(&self.context));
                        return self.fail(format!("{context} is not a table"));
                    }
                }
            }
            hash.insert(self.current_key.clone(), value);
            self.context = prev_context.clone();
        }
        self.context = outer_context;
        self.current_key = outer_key;
        Ok(Data::Table(top))
    }

    fn replace_escapes(&self, item: &Item, s: &str) -> PResult<String> {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(&(_, e)) = chars.peek() else {
                break;
            };
            chars.next();
            let hex = |n: usize| s.get(i + 2..i + 2 + n).unwrap_or_default();
            match e {
                ' ' | '\t' => {
                    return self.item_fail(item, format!("invalid escape: '\\{e}'"));
                }
                'b' => out.push('\u{8}'),
                't' => out.push('\t'),
                'n' => out.push('\n'),
                'f' => out.push('\u{c}'),
                'r' => out.push('\r'),
                'e' => out.push('\u{1b}'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'x' | 'u' | 'U' => {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let digits = hex(n);
                    let code = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
                    let Some(ch) = char::from_u32(code) else {
                        return self.item_fail(
                            item,
                            format!("Escaped character '\\u{digits}' is not valid UTF-8."),
                        );
                    };
                    out.push(ch);
                    for _ in 0..n {
                        chars.next();
                    }
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Ok(out)
    }

    fn add_implicit(&mut self, key: &[String]) {
        self.implicits.insert(key_string(key));
    }

    fn set_type(&mut self, key: &str, is_array: bool) {
        let mut full = self.context.clone();
        if !key.is_empty() {
            full.push(key.to_string());
        }
        if full.is_empty() {
            full.push(String::new());
        }
        self.is_array.insert(key_string(&full), is_array);
    }

    /// `addContext`: opens table `key` (creating implicit parents), or appends a table to the
    /// array of tables `key`, and makes it the context.
    fn add_context(&mut self, key: &[String], array: bool) -> PResult<()> {
        let Some((last, parents)) = key.split_last() else {
            return Ok(());
        };
        let mut key_context: Vec<String> = Vec::new();
        let mut created: Vec<Vec<String>> = Vec::new();
        {
            let mut hash = &mut self.mapping;
            for k in parents {
                key_context.push(k.clone());
                if !hash.contains_key(k) {
                    created.push(key_context.clone());
                    hash.insert(k.clone(), Data::Table(Table::new()));
                }
                hash = match hash.get_mut(k) {
                    Some(Data::TableArray(t)) if !t.is_empty() => {
                        let n = t.len();
                        &mut t[n - 1]
                    }
                    Some(Data::Table(t)) => t,
                    _ => {
                        let message = format!(
                            "Key '{}' was already created as a hash.",
                            key_string(&key_context)
                        );
                        return self.fail(message);
                    }
                };
            }
            if array {
                let entry = hash
                    .entry(last.clone())
                    .or_insert_with(|| Data::TableArray(Vec::new()));
                match entry {
                    Data::TableArray(tables) => tables.push(Table::new()),
                    _ => {
                        let message = format!(
                            "Key '{}' was already created and cannot be used as an array.",
                            key_string(key)
                        );
                        return self.fail(message);
                    }
                }
            }
        }
        for c in &created {
            self.add_implicit(c);
        }
        self.context = key_context;
        if !array {
            self.set_value(last, Data::Table(Table::new()))?;
        }
        self.context.push(last.clone());
        Ok(())
    }

    /// `setValue`: stores `value` under `key` in the context table, with BurntSushi's rules
    /// for redefinitions.
    fn set_value(&mut self, key: &str, value: Data) -> PResult<()> {
        let hash = match table_at(&mut self.mapping, &self.context) {
            Ok(hash) => hash,
            Err(Walk::NotTable(n)) => {
                let message = format!(
                    "Key '{}' has already been defined.",
                    key_string(&self.context[..=n])
                );
                return self.fail(message);
            }
            Err(Walk::Missing(n)) => {
                let message = format!(
                    "BUG: Context for key '{}' has not been established.",
                    key_string(&self.context[..=n])
                );
                return self.fail(message);
            }
        };
        let mut key_context = self.context.clone();
        key_context.push(key.to_string());
        let full = key_string(&key_context);
        if !hash.contains_key(key) {
            hash.insert(key.to_string(), value);
            return Ok(());
        }
        let is_array = self.is_array.get(&full).copied().unwrap_or(false);
        let implicit = self.implicits.contains(&full);
        if is_array && implicit {
            hash.insert(key.to_string(), value);
        }
        if implicit {
            self.implicits.remove(&full);
            return Ok(());
        }
        self.fail(format!("Key '{full}' has already been defined."))
    }
}

/// Why [`table_at`] stopped: at path index `n` there was no entry, or no table.
enum Walk {
    Missing(usize),
    NotTable(usize),
}

/// The table at `path` (the last table of an array of tables along the way).
fn table_at<'m>(root: &'m mut Table, path: &[String]) -> Result<&'m mut Table, Walk> {
    let mut hash = root;
    for (n, k) in path.iter().enumerate() {
        hash = match hash.get_mut(k) {
            Some(Data::TableArray(t)) if !t.is_empty() => {
                let last = t.len() - 1;
                &mut t[last]
            }
            Some(Data::Table(t)) => t,
            Some(_) => return Err(Walk::NotTable(n)),
            None => return Err(Walk::Missing(n)),
        };
    }
    Ok(hash)
}

/// A copy of scalar data and empty containers (what an inline table's own map gets; the
/// parser's mapping holds the full value).
fn shallow_copy(d: &Data) -> Data {
    match d {
        Data::Table(t) => Data::Table(
            t.iter()
                .map(|(k, v)| (k.clone(), shallow_copy(v)))
                .collect(),
        ),
        Data::TableArray(ts) => Data::TableArray(
            ts.iter()
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| (k.clone(), shallow_copy(v)))
                        .collect()
                })
                .collect(),
        ),
        Data::Array(items) => Data::Array(items.iter().map(shallow_copy).collect()),
        Data::Str(s) => Data::Str(s.clone()),
        Data::Int(i) => Data::Int(*i),
        Data::Float(f) => Data::Float(*f),
        Data::Bool(b) => Data::Bool(*b),
        Data::Time(t) => Data::Time(t.clone()),
    }
}

fn strip_first_newline(s: &str) -> &str {
    s.strip_prefix('\n')
        .or_else(|| s.strip_prefix("\r\n"))
        .unwrap_or(s)
}

/// Drops a backslash at the end of a line with the whitespace and newlines after it.
fn strip_escaped_newlines(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut i = 0;
    while let Some(ix) = s[i..].find('\\') {
        i += ix;
        if b.get(i + 1) == Some(&b'\\') {
            i += 2;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
            j += 1;
        }
        if j == i + 1 || !s[i..j].contains('\n') {
            i += 1;
            continue;
        }
        out.push_str(&s[last..i]);
        last = j;
        i = j;
    }
    out.push_str(&s[last..]);
    out
}

fn num_has_leading_zero(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() > 1 && b[0] == b'0' && !matches!(b[1], b'b' | b'o' | b'x'))
        || (b.len() > 2 && matches!(b[0], b'-' | b'+') && b[1] == b'0')
}

fn num_underscores_ok(s: &str) -> bool {
    if matches!(s, "nan" | "+nan" | "-nan" | "inf" | "-inf" | "+inf") {
        return true;
    }
    let mut accept = false;
    for c in s.chars() {
        if c == '_' && !accept {
            return false;
        }
        accept = c.is_ascii_hexdigit();
    }
    accept
}

fn num_periods_ok(s: &str) -> bool {
    let mut period = false;
    for c in s.chars() {
        if period && !c.is_ascii_digit() {
            return false;
        }
        period = c == '.';
    }
    !period
}

/// Go's `strconv.ParseInt(s, 0, 64)` on a TOML integer: `None` for bad syntax, `Err` when
/// out of range.
fn parse_go_int(s: &str) -> Option<Result<i64, ()>> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = match body.get(..2) {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ => (10, body),
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(&digits, radix).unwrap_or(u128::MAX);
    let value = if negative {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    Some(i64::try_from(value).map_err(|_| ()))
}

/// BurntSushi's datetime layouts, tried in order with Go's `time.Parse` rules (2-digit
/// fields, except a 1-digit hour, which the leading-zero check then refuses). Returns the RFC
/// 3339 text of the resulting `time.Time`.
fn parse_datetime(s: &str) -> Option<String> {
    const LAYOUTS: [&str; 7] = [
        "2006-01-02T15:04:05.999999999Z07:00",
        "2006-01-02T15:04:05.999999999",
        "2006-01-02",
        "15:04:05.999999999",
        "2006-01-02T15:04Z07:00",
        "2006-01-02T15:04",
        "15:04",
    ];
    for layout in LAYOUTS {
        if let Some(t) = go_parse(layout, s) {
            if missing_leading_zero(s, layout) {
                return None;
            }
            return Some(t);
        }
    }
    None
}

fn missing_leading_zero(d: &str, layout: &str) -> bool {
    let d = d.as_bytes();
    for (i, &c) in layout.as_bytes().iter().enumerate() {
        if c == b'.' || c == b'Z' {
            return false;
        }
        if !c.is_ascii_digit() && d.get(i) != Some(&c) {
            return true;
        }
    }
    false
}

/// A small `time.Parse` for the layouts above; the RFC 3339 text of the result.
fn go_parse(layout: &str, value: &str) -> Option<String> {
    let (date_part, time_part) = match layout {
        "2006-01-02" => (true, None),
        "15:04:05.999999999" | "15:04" => (false, Some(layout)),
        _ => (true, Some(&layout[11..])),
    };
    let mut v = value;
    let (mut year, mut month, mut day) = (0i64, 1u32, 1u32);
    if date_part {
        let y = v.get(..4)?;
        if !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        year = y.parse().ok()?;
        v = v[4..].strip_prefix('-')?;
        month = fixed2(&mut v)?;
        v = v.strip_prefix('-')?;
        day = fixed2(&mut v)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
            return None;
        }
        if time_part.is_some() {
            v = v.strip_prefix('T')?;
        }
    }
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let mut offset: Option<i32> = None;
    if let Some(tl) = time_part {
        hour = hour12(&mut v)?;
        v = v.strip_prefix(':')?;
        minute = fixed2(&mut v)?;
        if tl.starts_with("15:04:05") {
            v = v.strip_prefix(':')?;
            second = fixed2(&mut v)?;
            if let Some(rest) = v.strip_prefix('.')
                && rest.starts_with(|c: char| c.is_ascii_digit())
            {
                let n = rest.bytes().take_while(u8::is_ascii_digit).count();
                if n > 9 {
                    return None;
                }
                let frac = &rest[..n];
                nanos = format!("{frac:0<9}").parse().ok()?;
                v = &rest[n..];
            }
        }
        if tl.ends_with("Z07:00") {
            if let Some(rest) = v.strip_prefix('Z') {
                offset = Some(0);
                v = rest;
            } else {
                let sign = match v.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                v = &v[1..];
                let oh = fixed2(&mut v)?;
                v = v.strip_prefix(':')?;
                let om = fixed2(&mut v)?;
                if oh > 24 || om > 60 {
                    return None;
                }
                offset = Some(sign * (oh as i32 * 60 + om as i32));
            }
        }
        if hour >= 24 || minute >= 60 || second >= 60 {
            return None;
        }
    }
    if !v.is_empty() {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    match offset {
        Some(m) if m != 0 => {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        _ => out.push('Z'),
    }
    Some(out)
}

/// Exactly two digits.
fn fixed2(v: &mut &str) -> Option<u32> {
    let d = v.get(..2)?;
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *v = &v[2..];
    d.parse().ok()
}

/// Go's hour field: one or two digits.
fn hour12(v: &mut &str) -> Option<u32> {
    let n = v.bytes().take(2).take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let h = v[..n].parse().ok()?;
    *v = &v[n..];
    Some(h)
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
