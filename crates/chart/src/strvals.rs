//! Helm's `--set` family parsers (`pkg/strvals`): `--set`, `--set-string`, `--set-json`,
//! `--set-literal` and `--set-file`, with Helm's grammar, typing and error texts.
//!
//! A set line is `name1=value1,name2=value2`; names are dotted paths with `[N]` list indexes;
//! `\` escapes the next character (except in `--set-literal`); `{a,b}` is a list.

use std::collections::BTreeMap;

use slipway_value::{Dict, Map, Value};

use slipway_value::fmt::quote as go_quote;

/// The largest list index a set line may use (Helm's `MaxIndex`).
pub const MAX_INDEX: usize = 65536;

/// The deepest dotted name a set line may use (Helm's `MaxNestedNameLevel`).
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// A set line that Helm's parser rejects; the message is Helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StrvalsError(pub String);

/// Reads the value of a `--set-file` entry from the path written in the set line.
pub type FileReader<'a> = dyn FnMut(&str) -> Result<Value, String> + 'a;

/// How values are typed.
enum Mode<'r, 'a> {
    /// `--set` (typed) or `--set-string` (`true`: always strings).
    Typed(bool),
    /// `--set-json`: each value is a JSON document.
    Json,
    /// `--set-file`: each value is a path handed to the reader.
    File(&'r mut FileReader<'a>),
}

/// `strvals.ParseInto`: parses a `--set` line into `dest`.
pub fn parse_into(s: &str, dest: &Dict) -> Result<(), StrvalsError> {
    Parser::new(s, Mode::Typed(false)).parse(dest)
}

/// `strvals.ParseIntoString`: parses a `--set-string` line into `dest` (values stay strings).
pub fn parse_into_string(s: &str, dest: &Dict) -> Result<(), StrvalsError> {
    Parser::new(s, Mode::Typed(true)).parse(dest)
}

/// `strvals.ParseJSON`: parses a `--set-json` line into `dest` (values are JSON documents; an
/// empty value is null).
pub fn parse_json(s: &str, dest: &Dict) -> Result<(), StrvalsError> {
    Parser::new(s, Mode::Json).parse(dest)
}

/// `strvals.ParseIntoFile`: parses a `--set-file` line into `dest`, each value being the result
/// of `reader` on the path written in the line.
pub fn parse_into_file(
    s: &str,
    dest: &Dict,
    reader: &mut FileReader<'_>,
) -> Result<(), StrvalsError> {
    Parser::new(s, Mode::File(reader)).parse(dest)
}

/// `strvals.ParseLiteralInto`: parses a `--set-literal` line into `dest` (the whole rest of the
/// line after `=` is one string; no escapes).
pub fn parse_literal_into(s: &str, dest: &Dict) -> Result<(), StrvalsError> {
    let mut p = Parser::new(s, Mode::Typed(true));
    p.literal = true;
    p.parse(dest)
}

/// `strvals.Parse`: a fresh map from a `--set` line.
pub fn parse(s: &str) -> Result<Dict, StrvalsError> {
    let d = Dict::new();
    parse_into(s, &d)?;
    Ok(d)
}

/// Internal error: Go's `io.EOF` (possibly wrapped, still `errors.Is(err, io.EOF)`), the
/// `ErrNotList` sentinel, or a message.
#[derive(Debug)]
enum PErr {
    Eof(String),
    NotList,
    Msg(String),
}

impl PErr {
    fn msg(m: impl Into<String>) -> PErr {
        PErr::Msg(m.into())
    }
    fn is_eof(&self) -> bool {
        matches!(self, PErr::Eof(_))
    }
    /// `fmt.Errorf(prefix + "%w", err)`: keeps the EOF identity.
    fn wrap(self, prefix: &str) -> PErr {
        match self {
            PErr::Eof(m) => PErr::Eof(format!("{prefix}{m}")),
            PErr::NotList => PErr::Msg(format!("{prefix}not a list")),
            PErr::Msg(m) => PErr::Msg(format!("{prefix}{m}")),
        }
    }
    fn text(self) -> String {
        match self {
            PErr::Eof(m) | PErr::Msg(m) => m,
            PErr::NotList => "not a list".into(),
        }
    }
}

fn eof() -> PErr {
    PErr::Eof("EOF".into())
}

type PResult<T> = Result<T, PErr>;

struct Parser<'s, 'r, 'a> {
    s: &'s str,
    pos: usize,
    last_len: usize,
    mode: Mode<'r, 'a>,
    literal: bool,
}

impl<'s, 'r, 'a> Parser<'s, 'r, 'a> {
    fn new(s: &'s str, mode: Mode<'r, 'a>) -> Self {
        Parser {
            s,
            pos: 0,
            last_len: 0,
            mode,
            literal: false,
        }
    }

    fn parse(&mut self, dest: &Dict) -> Result<(), StrvalsError> {
        let mut data = dest.write();
        loop {
            match self.key(&mut data, 0) {
                Ok(()) => continue,
                Err(e) if e.is_eof() => return Ok(()),
                Err(e) => return Err(StrvalsError(e.text())),
            }
        }
    }

    fn read_rune(&mut self) -> Option<char> {
        let c = self.s[self.pos..].chars().next()?;
        self.last_len = c.len_utf8();
        self.pos += self.last_len;
        Some(c)
    }

    fn unread_rune(&mut self) {
        self.pos -= self.last_len;
        self.last_len = 0;
    }

    /// Reads until one of `stop` (consumed, returned); `\` escapes unless literal. `None` on EOF.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read_rune() {
                None => return (v, None),
                Some(r) if stop.contains(&r) => return (v, Some(r)),
                Some('\\') if !self.literal => match self.read_rune() {
                    None => return (v, None),
                    Some(next) => v.push(next),
                },
                Some(r) => v.push(r),
            }
        }
    }

    fn key(&mut self, data: &mut Map, level: usize) -> PResult<()> {
        let stop: &[char] = if self.literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        match last {
            None => {
                if k.is_empty() {
                    Err(eof())
                } else {
                    Err(PErr::msg(format!("key {} has no value", go_quote(&k))))
                }
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| e.wrap("error parsing index: "))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.as_ref().clone(),
                    Some(other) => return Err(assertion_panic(other, "[]interface {}")),
                };
                let (list, res) = self.list_item(list, i, level);
                set(data, &k, Value::list(list));
                res
            }
            Some('=') if self.literal => {
                let value = self.s[self.pos..].to_owned();
                self.pos = self.s.len();
                set(data, &k, Value::string(value));
                Ok(())
            }
            Some('=') => {
                if matches!(self.mode, Mode::Json) {
                    let v = self.json_value()?;
                    set(data, &k, v);
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(e) if e.is_eof() => {
                        set(data, &k, Value::string(""));
                        Err(e)
                    }
                    Err(PErr::NotList) => {
                        let rs = self.val();
                        let v = self.read_value(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Some(',') => {
                set(data, &k, Value::string(""));
                Err(PErr::msg(format!(
                    "key {} has no value (cannot end with ,)",
                    go_quote(&k)
                )))
            }
            Some(_) => {
                // '.'
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let existing = match data.get(&k) {
                    None => None,
                    Some(Value::Dict(d)) => Some(d.clone()),
                    Some(other) => return Err(assertion_panic(other, "map[string]interface {}")),
                };
                match existing {
                    Some(d) => {
                        let res = self.key(&mut d.write(), level);
                        if res.is_ok() && d.is_empty() {
                            return Err(PErr::msg(format!(
                                "key map {} has no value",
                                go_quote(&k)
                            )));
                        }
                        res
                    }
                    None => {
                        let mut inner = Map::new();
                        let res = self.key(&mut inner, level);
                        if res.is_ok() && inner.is_empty() {
                            return Err(PErr::msg(format!(
                                "key map {} has no value",
                                go_quote(&k)
                            )));
                        }
                        if !inner.is_empty() {
                            set(data, &k, Value::dict(inner));
                        }
                        res
                    }
                }
            }
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err(eof());
        }
        atoi(&v).map_err(PErr::Msg)
    }

    /// Helm's `listItem`: always gives back the list (to be stored) and the outcome.
    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (
                list,
                Err(PErr::msg(format!("negative {i} index not allowed"))),
            );
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            let runes: Vec<String> = k.chars().map(go_quote_rune).collect();
            return (
                list,
                Err(PErr::msg(format!(
                    "unexpected data at end of array index: [{}]",
                    runes.join(" ")
                ))),
            );
        }
        match last {
            None => (list, Err(eof())),
            Some('=') => {
                let v = if self.literal {
                    let value = self.s[self.pos..].to_owned();
                    self.pos = self.s.len();
                    Value::string(value)
                } else if matches!(self.mode, Mode::Json) {
                    match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    }
                } else {
                    match self.val_list() {
                        Ok(vl) => Value::list(vl),
                        Err(e) if e.is_eof() => Value::string(""),
                        Err(PErr::NotList) => {
                            let rs = self.val();
                            match self.read_value(&rs) {
                                Ok(v) => v,
                                Err(e) => return (list, Err(e)),
                            }
                        }
                        Err(e) => return (list, Err(e)),
                    }
                };
                set_index(list, i, v)
            }
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index: "))),
                };
                let crt = match list.get(i as usize) {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.as_ref().clone(),
                    Some(other) => {
                        let e = assertion_panic(other, "[]interface {}");
                        return (list, Err(e));
                    }
                };
                let (list2, res) = self.list_item(crt, next_i, level);
                if let Err(e) = res {
                    return (list, Err(e));
                }
                set_index(list, i, Value::list(list2))
            }
            Some(_) => {
                // '.': a nested object.
                let existing = match list.get(i as usize) {
                    Some(Value::Dict(d)) => Some(d.clone()),
                    Some(_) => {
                        // Indices out of order: start from an empty map.
                        let d = Dict::new();
                        list[i as usize] = Value::Dict(d.clone());
                        Some(d)
                    }
                    None => None,
                };
                let inner = existing.unwrap_or_default();
                let res = self.key(&mut inner.write(), level);
                if let Err(e) = res {
                    return (list, Err(e));
                }
                set_index(list, i, Value::Dict(inner))
            }
        }
    }

    /// Reads one JSON document after `=` (`--set-json`), then skips blanks and a comma.
    fn json_value(&mut self) -> PResult<Value> {
        if self.empty_val() {
            return Ok(Value::Nil);
        }
        let rest = &self.s[self.pos..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        let json = match stream.next() {
            None => return Err(PErr::msg("EOF")),
            Some(Err(e)) => return Err(PErr::msg(json_error_text(&e))),
            Some(Ok(j)) => j,
        };
        self.pos += stream.byte_offset();
        self.empty_val();
        Ok(json_to_go(&json))
    }

    /// Consumes blanks up to a comma or the end (`true`: empty), else leaves the next rune.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read_rune() {
                None | Some(',') => return true,
                Some(r) if r.is_whitespace() => {}
                Some(_) => {
                    self.unread_rune();
                    return false;
                }
            }
        }
    }

    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    fn val_list(&mut self) -> PResult<Vec<Value>> {
        match self.read_rune() {
            None => return Err(eof()),
            Some('{') => {}
            Some(_) => {
                self.unread_rune();
                return Err(PErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(PErr::msg("list must terminate with '}'")),
                Some('}') => {
                    if let Some(r) = self.read_rune()
                        && r != ','
                    {
                        self.unread_rune();
                    }
                    list.push(self.read_value(&rs)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.read_value(&rs)?),
            }
        }
    }

    fn read_value(&mut self, rs: &str) -> PResult<Value> {
        match &mut self.mode {
            Mode::Typed(st) => Ok(typed_val(rs, *st)),
            Mode::Json => Ok(typed_val(rs, false)),
            Mode::File(reader) => reader(rs).map_err(PErr::Msg),
        }
    }
}

fn set(data: &mut Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_owned(), val);
    }
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> (Vec<Value>, PResult<()>) {
    if index < 0 {
        return (
            list,
            Err(PErr::msg(format!("negative {index} index not allowed"))),
        );
    }
    if index as u64 > MAX_INDEX as u64 {
        return (
            list,
            Err(PErr::msg(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            ))),
        );
    }
    let index = index as usize;
    if list.len() <= index {
        list.resize(index + 1, Value::Nil);
    }
    list[index] = val;
    (list, Ok(()))
}

/// The dynamic type name Go's runtime prints for a value held in an `interface{}` (set lines
/// type integers as `int64`).
fn go_type_name(v: &Value) -> String {
    match v {
        Value::Nil => "nil".to_owned(),
        Value::Int(_) => "int64".to_owned(),
        other => slipway_value::fmt::type_name(other),
    }
}

/// The error Helm's recovered type-assertion panic turns into.
fn assertion_panic(found: &Value, wanted: &str) -> PErr {
    PErr::msg(format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not {wanted}",
        go_type_name(found)
    ))
}

/// Helm's `typedVal`: `true`/`false`/`null` (any case), `0`, and integers without a leading zero
/// are typed; anything else is a string.
pub fn typed_val(v: &str, force_string: bool) -> Value {
    if force_string {
        return Value::string(v);
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if v == "0" {
        return Value::Int(0);
    }
    if !v.is_empty()
        && !v.starts_with('0')
        && let Some(i) = parse_go_int(v)
    {
        return Value::Int(i);
    }
    Value::string(v)
}

/// `strconv.ParseInt(s, 10, 64)` success cases: optional sign, ASCII digits, in range.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// `strconv.Atoi` with Go's error texts.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.strip_prefix('+')
        .unwrap_or(s)
        .parse()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// Go's `%q` of one rune.
fn go_quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        _ => {
            let q = go_quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// JSON decoded as Go's `encoding/json` does into `any`: every number is a `float64`.
pub(crate) fn json_to_go(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::Array(items) => Value::list(items.iter().map(json_to_go).collect()),
        serde_json::Value::Object(map) => Value::dict(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_go(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => Value::from_json(other),
    }
}

/// A JSON syntax error: Go's `unexpected EOF` for truncated input, otherwise the decoder's
/// description without its line/column suffix.
fn json_error_text(e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected EOF".to_owned();
    }
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(at) => msg[..at].to_owned(),
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(d: &Dict) -> serde_json::Value {
        Value::Dict(d.clone()).to_json()
    }

    #[test]
    fn typed_values() {
        let d = parse("a=1,b=true,c=null,d=007,e=-3,f=+4,g=TRUE").unwrap();
        assert_eq!(
            json(&d),
            serde_json::json!({"a":1,"b":true,"c":null,"d":"007","e":-3,"f":4,"g":true})
        );
    }

    #[test]
    fn errors_have_helm_text() {
        assert_eq!(
            parse("name1,name2").unwrap_err().0,
            "key \"name1\" has no value (cannot end with ,)"
        );
        assert_eq!(parse("a.b").unwrap_err().0, "key \"b\" has no value");
        assert_eq!(
            parse("list[0]x=1").unwrap_err().0,
            "unexpected data at end of array index: ['x']"
        );
        assert_eq!(
            parse("a[x]=1").unwrap_err().0,
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse("a=1,a.b=2").unwrap_err().0,
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        assert_eq!(
            parse("a[70000]=1").unwrap_err().0,
            "index of 70000 is greater than maximum supported index of 65536"
        );
    }

    #[test]
    fn unterminated_index_is_silently_eof() {
        let d = parse("a[0").unwrap();
        assert!(d.is_empty());
    }

    #[test]
    fn json_numbers_are_floats() {
        let d = Dict::new();
        parse_json("a=3,b={\"x\":[1,2]},c=", &d).unwrap();
        assert_eq!(d.get("a"), Some(Value::Float(3.0)));
        assert_eq!(d.get("c"), Some(Value::Nil));
    }

    #[test]
    fn literal_takes_rest_of_line() {
        let d = Dict::new();
        parse_literal_into("a.b=x,y=z\\n", &d).unwrap();
        assert_eq!(json(&d), serde_json::json!({"a":{"b":"x,y=z\\n"}}));
    }

    #[test]
    fn file_reader_gets_path() {
        let d = Dict::new();
        let mut reader = |p: &str| Ok(Value::string(format!("content of {p}")));
        parse_into_file("k=some/path", &d, &mut reader).unwrap();
        assert_eq!(d.get("k"), Some(Value::string("content of some/path")));
    }
}
