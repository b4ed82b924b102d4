//! The lexer: Go's `text/template/parse/lex.go` state machine, item for item.

use crate::node::Span;

/// What kind of token an [`Item`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemType::Block
                | ItemType::Break
                | ItemType::Continue
                | ItemType::Dot
                | ItemType::Define
                | ItemType::Else
                | ItemType::End
                | ItemType::If
                | ItemType::Nil
                | ItemType::Range
                | ItemType::Template
                | ItemType::With
        )
    }
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "." => ItemType::Dot,
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

/// A token: its type, where its text lies in the input and its starting line. An error
/// token's message is kept by the lexer ([`Lexer::error_message`]).
///
/// Sixteen bytes, so a token travels from the lexer to the parser in registers: a larger
/// token is written to memory and read back at once, which stalls on every token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub typ: ItemType,
    start: u32,
    end: u32,
    line: u32,
}

impl Item {
    /// The end-of-input token.
    pub fn eof() -> Self {
        Item {
            typ: ItemType::Eof,
            start: 0,
            end: 0,
            line: 1,
        }
    }

    /// Byte position of the token in the input.
    pub fn pos(self) -> usize {
        self.start as usize
    }

    /// Byte position just past the token.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The line the token starts on.
    pub fn line(self) -> usize {
        self.line as usize
    }

    /// Where the token's text lies in the input.
    pub fn span(self) -> Span {
        Span {
            start: self.pos(),
            end: self.end(),
        }
    }

    /// The token's text in `input`, the text that was lexed.
    pub fn text(self, input: &str) -> &str {
        &input[self.pos()..self.end()]
    }

    /// Go's `item.String()`, used in parse error messages (error tokens print their
    /// message, which the parser takes from the lexer).
    pub fn describe(self, input: &str) -> String {
        let val = self.text(input);
        match self.typ {
            ItemType::Eof => "EOF".to_owned(),
            ItemType::Error => val.to_owned(),
            t if t.is_keyword() => format!("<{val}>"),
            _ if val.chars().count() > 10 => {
                let short: String = val.chars().take(10).collect();
                format!("{}...", slipway_value::fmt::quote(&short))
            }
            _ => slipway_value::fmt::quote(val),
        }
    }
}

/// The most bytes a lexed text may have (token positions are 32-bit).
pub(crate) const MAX_INPUT: usize = u32::MAX as usize;

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;

/// The lexer state (Go's `lexer`).
pub(crate) struct Lexer<'a> {
    input: &'a str,
    left_delim: &'a str,
    /// Searches text for the left delimiter.
    left_finder: memchr::memmem::Finder<'a>,
    right_delim: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    inside_action: bool,
    /// `break` is a keyword (no function of that name).
    pub break_ok: bool,
    /// `continue` is a keyword (no function of that name).
    pub continue_ok: bool,
    /// The message of the error token, once one was produced.
    error: String,
}

/// What a state function did: move to another state, or produce a token.
enum Step {
    Next(State),
    Emit(Item),
}

enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: underscore, letters and digits (Unicode).
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c == '_' || c.is_ascii_alphanumeric()
    } else {
        c.is_alphabetic() || c.is_numeric()
    }
}

/// Whether `hay` starts with `prefix`; the usual two-byte delimiters are compared inline (a
/// slice comparison of unknown length is a library call, made for every token here).
#[inline]
fn has_prefix(hay: &[u8], prefix: &[u8]) -> bool {
    match *prefix {
        [a, b] => hay.len() >= 2 && hay[0] == a && hay[1] == b,
        _ => hay.starts_with(prefix),
    }
}

/// How many lines `s` ends (the lexer's line count only moves over `\n`).
fn count_newlines(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

fn trim_right_len(s: &str) -> usize {
    s.len() - s.trim_end_matches(is_space).len()
}

fn trim_left_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

impl<'a> Lexer<'a> {
    /// A lexer over `input` with the given delimiters.
    pub fn new(input: &'a str, left_delim: &'a str, right_delim: &'a str) -> Self {
        Lexer {
            input,
            left_delim,
            left_finder: memchr::memmem::Finder::new(left_delim),
            right_delim,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            inside_action: false,
            break_ok: true,
            continue_ok: true,
            error: String::new(),
        }
    }

    fn next(&mut self) -> Option<char> {
        let c = match self.input.as_bytes().get(self.pos) {
            None => {
                self.at_eof = true;
                return None;
            }
            Some(&b) if b.is_ascii() => b as char,
            Some(_) => self.input[self.pos..].chars().next()?,
        };
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    fn backup(&mut self) {
        if self.at_eof || self.pos == 0 {
            return;
        }
        let last = self.input.as_bytes()[self.pos - 1];
        if last.is_ascii() {
            self.pos -= 1;
            if last == b'\n' {
                self.line -= 1;
            }
        } else if let Some(c) = self.input[..self.pos].chars().next_back() {
            self.pos -= c.len_utf8();
            if c == '\n' {
                self.line -= 1;
            }
        }
    }

    fn this_item(&mut self, typ: ItemType) -> Item {
        // Positions fit: the parser refuses inputs over MAX_INPUT bytes, and a text has
        // fewer lines than bytes.
        let item = Item {
            typ,
            start: self.start as u32,
            end: self.pos as u32,
            line: self.start_line as u32,
        };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn emit(&mut self, typ: ItemType) -> Step {
        Step::Emit(self.this_item(typ))
    }

    fn ignore(&mut self) {
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    /// Moves past a run of alphanumeric characters (which never hold a newline).
    fn skip_alphanumeric(&mut self) {
        let bytes = self.input.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if b.is_ascii() {
                if b != b'_' && !b.is_ascii_alphanumeric() {
                    return;
                }
                self.pos += 1;
                continue;
            }
            match self.input[self.pos..].chars().next() {
                Some(c) if is_alphanumeric(c) => self.pos += c.len_utf8(),
                _ => return,
            }
        }
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    /// The message of the error token.
    pub fn error_message(&self) -> &str {
        &self.error
    }

    fn errorf(&mut self, msg: String) -> Step {
        self.error = msg;
        let item = Item {
            typ: ItemType::Error,
            start: self.start as u32,
            end: self.start as u32,
            line: self.start_line as u32,
        };
        self.start = 0;
        self.pos = 0;
        self.input = &self.input[..0];
        Step::Emit(item)
    }

    /// The next token.
    pub fn next_item(&mut self) -> Item {
        let mut state = if self.inside_action {
            State::InsideAction
        } else {
            State::Text
        };
        loop {
            match self.step(state) {
                Step::Next(next) => state = next,
                Step::Emit(item) => return item,
            }
        }
    }

    fn step(&mut self, state: State) -> Step {
        match state {
            State::Text => self.lex_text(),
            State::LeftDelim => self.lex_left_delim(),
            State::Comment => self.lex_comment(),
            State::RightDelim => self.lex_right_delim(),
            State::InsideAction => self.lex_inside_action(),
            State::Space => self.lex_space(),
            State::Identifier => self.lex_identifier(),
            State::Field => self.lex_field_or_variable(ItemType::Field),
            State::Variable => {
                if self.at_terminator() {
                    self.emit(ItemType::Variable)
                } else {
                    self.lex_field_or_variable(ItemType::Variable)
                }
            }
            State::Char => self.lex_quoted(b'\'', "unterminated character constant"),
            State::Number => self.lex_number(),
            State::Quote => self.lex_quoted(b'"', "unterminated quoted string"),
            State::RawQuote => self.lex_raw_quote(),
        }
    }

    fn lex_text(&mut self) -> Step {
        if let Some(x) = self.left_finder.find(&self.input.as_bytes()[self.pos..]) {
            if x > 0 {
                self.pos += x;
                let mut trim = 0;
                let delim_end = self.pos + self.left_delim.len();
                if has_left_trim_marker(&self.input[delim_end..]) {
                    trim = trim_right_len(&self.input[self.start..self.pos]);
                }
                self.pos -= trim;
                self.line += count_newlines(&self.input[self.start..self.pos]);
                let item = self.this_item(ItemType::Text);
                self.pos += trim;
                self.ignore();
                if item.end > item.start {
                    return Step::Emit(item);
                }
            }
            return Step::Next(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += count_newlines(&self.input[self.start..self.pos]);
            return self.emit(ItemType::Text);
        }
        self.emit(ItemType::Eof)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.input.as_bytes()[self.pos..];
        let delim = self.right_delim.as_bytes();
        match rest.first() {
            Some(&b) if b == delim[0] || is_space(b as char) => {}
            _ => return (false, false),
        }
        if rest.len() >= TRIM_MARKER_LEN + delim.len()
            && is_space(rest[0] as char)
            && rest[1] == b'-'
            && has_prefix(&rest[TRIM_MARKER_LEN..], delim)
        {
            return (true, true);
        }
        (has_prefix(rest, delim), false)
    }

    fn lex_left_delim(&mut self) -> Step {
        self.pos += self.left_delim.len();
        let trim = has_left_trim_marker(&self.input[self.pos..]);
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.input[self.pos + after..].starts_with(LEFT_COMMENT) {
            self.pos += after;
            self.ignore();
            return Step::Next(State::Comment);
        }
        let item = self.this_item(ItemType::LeftDelim);
        self.inside_action = true;
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        Step::Emit(item)
    }

    fn lex_comment(&mut self) -> Step {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.input[self.pos..].find(RIGHT_COMMENT) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        self.line += count_newlines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right_delim.len();
        if trim {
            self.pos += trim_left_len(&self.input[self.pos..]);
        }
        self.ignore();
        Step::Next(State::Text)
    }

    fn lex_right_delim(&mut self) -> Step {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right_delim.len();
        let item = self.this_item(ItemType::RightDelim);
        if trim {
            self.pos += trim_left_len(&self.input[self.pos..]);
            self.ignore();
        }
        self.inside_action = false;
        Step::Emit(item)
    }

    fn lex_inside_action(&mut self) -> Step {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Step::Next(State::RightDelim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match r {
            _ if is_space(r) => {
                self.backup();
                Step::Next(State::Space)
            }
            '=' => self.emit(ItemType::Assign),
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(ItemType::Declare)
            }
            '|' => self.emit(ItemType::Pipe),
            '"' => Step::Next(State::Quote),
            '`' => Step::Next(State::RawQuote),
            '$' => Step::Next(State::Variable),
            '\'' => Step::Next(State::Char),
            '.' if self
                .input
                .as_bytes()
                .get(self.pos)
                .is_some_and(|b| !b.is_ascii_digit()) =>
            {
                Step::Next(State::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.backup();
                Step::Next(State::Number)
            }
            _ if is_alphanumeric(r) => {
                self.backup();
                Step::Next(State::Identifier)
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(ItemType::RightParen)
            }
            _ if r.is_ascii() && !r.is_ascii_control() => self.emit(ItemType::Char),
            _ => {
                let msg = format!(
                    "unrecognized character in action: {}",
                    slipway_value::fmt::sprintf("%#U", &[slipway_value::Value::Int(r as i64)])
                );
                self.errorf(msg)
            }
        }
    }

    fn lex_space(&mut self) -> Step {
        let bytes = self.input.as_bytes();
        let first = self.pos;
        while let Some(&b) = bytes.get(self.pos) {
            if !is_space(b as char) {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
        // Go peeked past the last space: at the end of input that sets the EOF flag.
        self.at_eof |= self.pos == bytes.len();
        let num_spaces = self.pos - first;
        let rest = &self.input[self.pos - 1..];
        if has_right_trim_marker(rest)
            && has_prefix(
                &rest.as_bytes()[TRIM_MARKER_LEN..],
                self.right_delim.as_bytes(),
            )
        {
            self.backup();
            if num_spaces == 1 {
                return Step::Next(State::RightDelim);
            }
        }
        self.emit(ItemType::Space)
    }

    fn bad_character(&mut self, r: Option<char>) -> Step {
        let code = r.map_or(-1, |c| c as i64);
        let msg = format!(
            "bad character {}",
            slipway_value::fmt::sprintf("%#U", &[slipway_value::Value::Int(code)])
        );
        self.errorf(msg)
    }

    fn lex_identifier(&mut self) -> Step {
        self.skip_alphanumeric();
        let word = &self.input[self.start..self.pos];
        if !self.at_terminator() {
            let r = self.peek();
            return self.bad_character(r);
        }
        let typ = match keyword(word) {
            Some(ItemType::Break) if !self.break_ok => ItemType::Identifier,
            Some(ItemType::Continue) if !self.continue_ok => ItemType::Identifier,
            Some(k) => k,
            None if word.starts_with('.') => ItemType::Field,
            None if word == "true" || word == "false" => ItemType::Bool,
            None => ItemType::Identifier,
        };
        self.emit(typ)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Step {
        if self.at_terminator() {
            return self.emit(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
        }
        self.skip_alphanumeric();
        if !self.at_terminator() {
            let r = self.peek();
            return self.bad_character(r);
        }
        self.emit(typ)
    }

    fn at_terminator(&mut self) -> bool {
        match self.input.as_bytes().get(self.pos) {
            None => {
                // Go's peek at the end of input sets the EOF flag.
                self.at_eof = true;
                true
            }
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(_) => has_prefix(
                &self.input.as_bytes()[self.pos..],
                self.right_delim.as_bytes(),
            ),
        }
    }

    fn lex_quoted(&mut self, quote: u8, unterminated: &str) -> Step {
        // Scanned by bytes: the quote, backslash and newline are ASCII, so they never occur
        // inside a multi-byte character.
        let bytes = self.input.as_bytes();
        loop {
            match bytes.get(self.pos) {
                None | Some(b'\n') => return self.errorf(unterminated.into()),
                Some(b'\\') => match bytes.get(self.pos + 1) {
                    None | Some(b'\n') => return self.errorf(unterminated.into()),
                    Some(_) => self.pos += 2,
                },
                Some(&b) => {
                    self.pos += 1;
                    if b == quote {
                        break;
                    }
                }
            }
        }
        self.emit(if quote == b'"' {
            ItemType::String
        } else {
            ItemType::CharConstant
        })
    }

    fn lex_raw_quote(&mut self) -> Step {
        let rest = &self.input.as_bytes()[self.pos..];
        let Some(end) = memchr::memchr(b'`', rest) else {
            return self.errorf("unterminated raw quoted string".into());
        };
        self.line += count_newlines(&self.input[self.pos..self.pos + end]);
        self.pos += end + 1;
        self.emit(ItemType::RawString)
    }

    fn lex_number(&mut self) -> Step {
        if !self.scan_number() {
            let msg = format!(
                "bad number syntax: {}",
                slipway_value::fmt::quote(&self.input[self.start..self.pos])
            );
            return self.errorf(msg);
        }
        if let Some('+' | '-') = self.peek() {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let msg = format!(
                    "bad number syntax: {}",
                    slipway_value::fmt::quote(&self.input[self.start..self.pos])
                );
                return self.errorf(msg);
            }
            return self.emit(ItemType::Complex);
        }
        self.emit(ItemType::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alphanumeric) {
            self.next();
            return false;
        }
        true
    }
}
