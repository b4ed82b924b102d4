//! BurntSushi/toml v1.6's lexer: the same states, items and error messages, so that parse
//! errors read as Helm's `fromToml` reports them.

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemType {
    Eof,
    Text,
    String,
    StringEsc,
    RawString,
    MultilineString,
    RawMultilineString,
    Bool,
    Integer,
    Float,
    Datetime,
    Array,
    ArrayEnd,
    TableStart,
    TableEnd,
    ArrayTableStart,
    ArrayTableEnd,
    KeyStart,
    KeyEnd,
    CommentStart,
    InlineTableStart,
    InlineTableEnd,
}

/// A lexed item, with the line it was emitted on.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub(crate) typ: ItemType,
    pub(crate) val: String,
    pub(crate) line: usize,
}

/// A lexing error: the message and its line.
#[derive(Clone, Debug)]
pub(crate) struct LexError {
    pub(crate) message: String,
    pub(crate) line: usize,
}

/// The lexer's states (Go's state functions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Top,
    TopEnd,
    TableStart,
    TableEnd,
    ArrayTableEnd,
    TableNameStart,
    TableNameEnd,
    BareName,
    QuotedName,
    KeyStart,
    KeyNameStart,
    KeyEnd,
    Value,
    ArrayValue,
    ArrayValueEnd,
    ArrayEnd,
    InlineTableValue,
    InlineTableValueEnd,
    InlineTableEnd,
    String,
    MultilineString,
    RawString,
    MultilineRawString,
    MultilineStringEscape,
    StringEscape,
    HexEscape,
    ShortUnicodeEscape,
    LongUnicodeEscape,
    NumberOrDateStart,
    NumberOrDate,
    Datetime,
    HexInteger,
    OctalInteger,
    BinaryInteger,
    DecimalNumber,
    DecimalNumberStart,
    BaseNumberOrDate,
    Float,
    Bool,
    CommentStart,
    Comment,
}

const EOF: char = '\0';

struct Lexer<'a> {
    input: &'a str,
    start: usize,
    pos: usize,
    line: usize,
    esc: bool,
    prev_widths: [usize; 4],
    nprev: usize,
    at_eof: bool,
    stack: Vec<St>,
    items: Vec<Item>,
}

/// Lexes `input` to its end: the items, or the first error (after the items before it).
pub(crate) fn lex(input: &str) -> (Vec<Item>, Option<LexError>) {
    let mut lx = Lexer {
        input,
        start: 0,
        pos: 0,
        line: 1,
        esc: false,
        prev_widths: [0; 4],
        nprev: 0,
        at_eof: false,
        stack: Vec::new(),
        items: Vec::new(),
    };
    let mut state = Some(St::Top);
    while let Some(st) = state {
        match lx.step(st) {
            Ok(next) => state = next,
            Err(e) => return (lx.items, Some(e)),
        }
    }
    (lx.items, None)
}

type Next = Result<Option<St>, LexError>;

fn is_whitespace(r: char) -> bool {
    r == '\t' || r == ' '
}

fn is_nl(r: char) -> bool {
    r == '\n' || r == '\r'
}

fn is_control(r: char) -> bool {
    !matches!(r, '\t' | '\r' | '\n') && ((r as u32) <= 0x1f || r as u32 == 0x7f)
}

fn is_hex(r: char) -> bool {
    r.is_ascii_hexdigit()
}

fn is_bare_key_char(r: char) -> bool {
    r.is_ascii_alphanumeric() || r == '_' || r == '-'
}

/// Go's `%q` of a rune.
pub(crate) fn quote_rune(r: char) -> String {
    let inner = match r {
        '\'' => "\\'".to_string(),
        '\\' => "\\\\".to_string(),
        '\u{7}' => "\\a".to_string(),
        '\u{8}' => "\\b".to_string(),
        '\u{c}' => "\\f".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        '\t' => "\\t".to_string(),
        '\u{b}' => "\\v".to_string(),
        c if slipway_value::fmt::is_print(c) => c.to_string(),
        c if (c as u32) < 0x80 => format!("\\x{:02x}", c as u32),
        c if (c as u32) <= 0xffff => format!("\\u{:04x}", c as u32),
        c => format!("\\U{:08x}", c as u32),
    };
    format!("'{inner}'")
}

impl Lexer<'_> {
    fn current(&self) -> &str {
        &self.input[self.start.min(self.pos)..self.pos]
    }

    fn emit(&mut self, typ: ItemType) {
        self.items.push(Item {
            typ,
            val: self.current().to_string(),
            line: self.line,
        });
        self.start = self.pos;
    }

    fn emit_trim(&mut self, typ: ItemType) {
        self.items.push(Item {
            typ,
            val: self.current().trim().to_string(),
            line: self.line,
        });
        self.start = self.pos;
    }

    fn next(&mut self) -> Result<char, LexError> {
        if self.pos >= self.input.len() {
            self.at_eof = true;
            return Ok(EOF);
        }
        if self.input.as_bytes()[self.pos] == b'\n' {
            self.line += 1;
        }
        self.prev_widths[3] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[0];
        if self.nprev < 4 {
            self.nprev += 1;
        }
        let r = self.input[self.pos..].chars().next().unwrap_or(EOF);
        let bytes = self.input.as_bytes();
        if is_control(r)
            || (r == '\r' && (self.pos + 1 == bytes.len() || bytes[self.pos + 1] != b'\n'))
        {
            self.pos += 1;
            return Err(LexError {
                message: format!(
                    "TOML files cannot contain control characters: '0x{:02x}'",
                    r as u32
                ),
                line: self.line,
            });
        }
        self.prev_widths[0] = r.len_utf8();
        self.pos += r.len_utf8();
        Ok(r)
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn backup(&mut self) {
        if self.at_eof {
            self.at_eof = false;
            return;
        }
        let w = self.prev_widths[0];
        self.prev_widths[0] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[3];
        self.nprev = self.nprev.saturating_sub(1);
        self.pos -= w;
        if self.pos < self.input.len() && self.input.as_bytes()[self.pos] == b'\n' {
            self.line -= 1;
        }
    }

    fn accept(&mut self, valid: char) -> Result<bool, LexError> {
        if self.next()? == valid {
            return Ok(true);
        }
        self.backup();
        Ok(false)
    }

    fn peek(&mut self) -> Result<char, LexError> {
        let r = self.next()?;
        self.backup();
        Ok(r)
    }

    fn skip(&mut self, pred: fn(char) -> bool) -> Result<(), LexError> {
        loop {
            let r = self.next()?;
            if pred(r) {
                continue;
            }
            self.backup();
            self.ignore();
            return Ok(());
        }
    }

    fn pop(&mut self) -> Option<St> {
        self.stack.pop()
    }

    /// `errorf`: at the end of input a trailing newline's line does not count.
    fn errorf(&self, message: String) -> Next {
        let mut line = self.line;
        if self.at_eof && self.pos >= 1 && self.input.as_bytes()[self.pos - 1] == b'\n' {
            line -= 1;
        }
        Err(LexError { message, line })
    }

    /// `error`: at the end of input, reported on the previous line.
    fn error(&self, message: String) -> Next {
        if self.at_eof {
            return self.error_prev_line(message);
        }
        Err(LexError {
            message,
            line: self.line,
        })
    }

    fn error_prev_line(&self, message: String) -> Next {
        Err(LexError {
            message,
            line: self.line - 1,
        })
    }

    fn step(&mut self, st: St) -> Next {
        match st {
            St::Top => self.lex_top(),
            St::TopEnd => self.lex_top_end(),
            St::TableStart => {
                if self.peek()? == '[' {
                    self.next()?;
                    self.emit(ItemType::ArrayTableStart);
                    self.stack.push(St::ArrayTableEnd);
                } else {
                    self.emit(ItemType::TableStart);
                    self.stack.push(St::TableEnd);
                }
                Ok(Some(St::TableNameStart))
            }
            St::TableEnd => {
                self.emit(ItemType::TableEnd);
                Ok(Some(St::TopEnd))
            }
            St::ArrayTableEnd => {
                let r = self.next()?;
                if r != ']' {
                    return self.errorf(format!(
                        "expected end of table array name delimiter ']', but got {} instead",
                        quote_rune(r)
                    ));
                }
                self.emit(ItemType::ArrayTableEnd);
                Ok(Some(St::TopEnd))
            }
            St::TableNameStart => {
                self.skip(is_whitespace)?;
                match self.peek()? {
                    ']' | EOF => self.errorf(
                        "unexpected end of table name (table names cannot be empty)".into(),
                    ),
                    '.' => self
                        .errorf("unexpected table separator (table names cannot be empty)".into()),
                    '"' | '\'' => {
                        self.ignore();
                        self.stack.push(St::TableNameEnd);
                        Ok(Some(St::QuotedName))
                    }
                    _ => {
                        self.stack.push(St::TableNameEnd);
                        Ok(Some(St::BareName))
                    }
                }
            }
            St::TableNameEnd => {
                self.skip(is_whitespace)?;
                match self.next()? {
                    '.' => {
                        self.ignore();
                        Ok(Some(St::TableNameStart))
                    }
                    ']' => Ok(self.pop()),
                    r => self.errorf(format!(
                        "expected '.' or ']' to end table name, but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            St::BareName => {
                let r = self.next()?;
                if is_bare_key_char(r) {
                    return Ok(Some(St::BareName));
                }
                self.backup();
                self.emit(ItemType::Text);
                Ok(self.pop())
            }
            St::QuotedName => match self.next()? {
                '"' => {
                    self.ignore();
                    Ok(Some(St::String))
                }
                '\'' => {
                    self.ignore();
                    Ok(Some(St::RawString))
                }
                r if is_whitespace(r) => {
                    self.ignore();
                    Ok(Some(St::Value))
                }
                EOF => self.errorf("unexpected EOF; expected value".into()),
                r => self.errorf(format!(
                    "expected value but found {} instead",
                    quote_rune(r)
                )),
            },
            St::KeyStart => {
                self.skip(is_whitespace)?;
                match self.peek()? {
                    '=' | EOF => self.errorf("unexpected '=': key name appears blank".into()),
                    '.' => self.errorf("unexpected '.': keys cannot start with a '.'".into()),
                    r => {
                        if r == '"' || r == '\'' {
                            self.ignore();
                        }
                        self.emit(ItemType::KeyStart);
                        Ok(Some(St::KeyNameStart))
                    }
                }
            }
            St::KeyNameStart => {
                self.skip(is_whitespace)?;
                match self.peek()? {
                    '"' | '\'' => {
                        self.ignore();
                        self.stack.push(St::KeyEnd);
                        Ok(Some(St::QuotedName))
                    }
                    '=' | EOF => self.errorf("unexpected '='".into()),
                    '.' => self.errorf("unexpected '.'".into()),
                    _ => {
                        self.stack.push(St::KeyEnd);
                        Ok(Some(St::BareName))
                    }
                }
            }
            St::KeyEnd => {
                self.skip(is_whitespace)?;
                match self.next()? {
                    r if is_whitespace(r) => {
                        self.ignore();
                        Ok(Some(St::KeyEnd))
                    }
                    EOF => self.errorf("unexpected EOF; expected key separator '='".into()),
                    '.' => {
                        self.ignore();
                        Ok(Some(St::KeyNameStart))
                    }
                    '=' => {
                        self.emit(ItemType::KeyEnd);
                        self.ignore();
                        Ok(Some(St::Value))
                    }
                    '\n' => self.error_prev_line(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune('\n')
                    )),
                    r => self.errorf(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            St::Value => self.lex_value(),
            St::ArrayValue => {
                let r = self.next()?;
                if is_whitespace(r) || is_nl(r) {
                    self.ignore();
                    return Ok(Some(St::ArrayValue));
                }
                match r {
                    '#' => {
                        self.stack.push(St::ArrayValue);
                        Ok(Some(St::CommentStart))
                    }
                    ',' => self.errorf("unexpected comma".into()),
                    ']' => Ok(Some(St::ArrayEnd)),
                    _ => {
                        self.backup();
                        self.stack.push(St::ArrayValueEnd);
                        Ok(Some(St::Value))
                    }
                }
            }
            St::ArrayValueEnd => match self.next()? {
                r if is_whitespace(r) || is_nl(r) => {
                    self.ignore();
                    Ok(Some(St::ArrayValueEnd))
                }
                '#' => {
                    self.stack.push(St::ArrayValueEnd);
                    Ok(Some(St::CommentStart))
                }
                ',' => {
                    self.ignore();
                    Ok(Some(St::ArrayValue))
                }
                ']' => Ok(Some(St::ArrayEnd)),
                r => self.errorf(format!(
                    "expected a comma (',') or array terminator (']'), but got {}",
                    rune_or_eof(r)
                )),
            },
            St::ArrayEnd => {
                self.ignore();
                self.emit(ItemType::ArrayEnd);
                Ok(self.pop())
            }
            St::InlineTableValue => {
                let r = self.next()?;
                if is_whitespace(r) || is_nl(r) {
                    self.ignore();
                    return Ok(Some(St::InlineTableValue));
                }
                match r {
                    '#' => {
                        self.stack.push(St::InlineTableValue);
                        Ok(Some(St::CommentStart))
                    }
                    ',' => self.errorf("unexpected comma".into()),
                    '}' => Ok(Some(St::InlineTableEnd)),
                    _ => {
                        self.backup();
                        self.stack.push(St::InlineTableValueEnd);
                        Ok(Some(St::KeyStart))
                    }
                }
            }
            St::InlineTableValueEnd => match self.next()? {
                r if is_whitespace(r) || is_nl(r) => {
                    self.ignore();
                    Ok(Some(St::InlineTableValueEnd))
                }
                '#' => {
                    self.stack.push(St::InlineTableValueEnd);
                    Ok(Some(St::CommentStart))
                }
                ',' => {
                    self.ignore();
                    self.skip(is_whitespace)?;
                    if self.peek()? == '}' {
                        return Ok(Some(St::InlineTableValueEnd));
                    }
                    Ok(Some(St::InlineTableValue))
                }
                '}' => Ok(Some(St::InlineTableEnd)),
                r => self.errorf(format!(
                    "expected a comma or an inline table terminator '}}', but got {} instead",
                    rune_or_eof(r)
                )),
            },
            St::InlineTableEnd => {
                self.ignore();
                self.emit(ItemType::InlineTableEnd);
                Ok(self.pop())
            }
            St::String => match self.next()? {
                EOF => self.errorf("unexpected EOF; expected '\"'".into()),
                r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                '\\' => {
                    self.stack.push(St::String);
                    Ok(Some(St::StringEscape))
                }
                '"' => {
                    self.backup();
                    if self.esc {
                        self.esc = false;
                        self.emit(ItemType::StringEsc);
                    } else {
                        self.emit(ItemType::String);
                    }
                    self.next()?;
                    self.ignore();
                    Ok(self.pop())
                }
                _ => Ok(Some(St::String)),
            },
            St::MultilineString => match self.next()? {
                EOF => self.errorf("unexpected EOF; expected '\"\"\"'".into()),
                '\\' => Ok(Some(St::MultilineStringEscape)),
                '"' => {
                    if self.accept('"')? {
                        if self.accept('"')? {
                            if self.peek()? == '"' {
                                let cur = self.current();
                                if cur.ends_with("\"\"\"\"\"") && !cur.ends_with("\\\"\"\"\"\"") {
                                    return self.errorf("unexpected '\"\"\"\"\"\"'".into());
                                }
                                self.backup();
                                self.backup();
                                return Ok(Some(St::MultilineString));
                            }
                            self.backup();
                            self.backup();
                            self.backup();
                            self.esc = false;
                            self.emit(ItemType::MultilineString);
                            self.next()?;
                            self.next()?;
                            self.next()?;
                            self.ignore();
                            return Ok(self.pop());
                        }
                        self.backup();
                    }
                    Ok(Some(St::MultilineString))
                }
                _ => Ok(Some(St::MultilineString)),
            },
            St::RawString => match self.next()? {
                EOF => self.errorf("unexpected EOF; expected \"'\"".into()),
                r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                '\'' => {
                    self.backup();
                    self.emit(ItemType::RawString);
                    self.next()?;
                    self.ignore();
                    Ok(self.pop())
                }
                _ => Ok(Some(St::RawString)),
            },
            St::MultilineRawString => match self.next()? {
                EOF => self.errorf("unexpected EOF; expected \"'''\"".into()),
                '\'' => {
                    if self.accept('\'')? {
                        if self.accept('\'')? {
                            if self.peek()? == '\'' {
                                if self.current().ends_with("'''''") {
                                    return self.errorf("unexpected \"''''''\"".into());
                                }
                                self.backup();
                                self.backup();
                                return Ok(Some(St::MultilineRawString));
                            }
                            self.backup();
                            self.backup();
                            self.backup();
                            self.emit(ItemType::RawMultilineString);
                            self.next()?;
                            self.next()?;
                            self.next()?;
                            self.ignore();
                            return Ok(self.pop());
                        }
                        self.backup();
                    }
                    Ok(Some(St::MultilineRawString))
                }
                _ => Ok(Some(St::MultilineRawString)),
            },
            St::MultilineStringEscape => {
                if is_nl(self.next()?) {
                    return Ok(Some(St::MultilineString));
                }
                self.backup();
                self.stack.push(St::MultilineString);
                self.step(St::StringEscape)
            }
            St::StringEscape => {
                self.esc = true;
                match self.next()? {
                    'e' | 'b' | 't' | 'n' | 'f' | 'r' | '"' | ' ' | '\t' | '\\' => Ok(self.pop()),
                    'x' => Ok(Some(St::HexEscape)),
                    'u' => Ok(Some(St::ShortUnicodeEscape)),
                    'U' => Ok(Some(St::LongUnicodeEscape)),
                    r => self.error(format!("invalid escape in string '\\{r}'")),
                }
            }
            St::HexEscape => self.hex_escape(2, "two", "\\x"),
            St::ShortUnicodeEscape => self.hex_escape(4, "four", "\\u"),
            St::LongUnicodeEscape => self.hex_escape(8, "eight", "\\U"),
            St::NumberOrDateStart => {
                if self.next()? == '0' {
                    return Ok(Some(St::BaseNumberOrDate));
                }
                Ok(Some(St::NumberOrDate))
            }
            St::NumberOrDate => {
                let r = self.next()?;
                if r.is_ascii_digit() {
                    return Ok(Some(St::NumberOrDate));
                }
                match r {
                    '-' | ':' => Ok(Some(St::Datetime)),
                    '_' => Ok(Some(St::DecimalNumber)),
                    '.' | 'e' | 'E' => Ok(Some(St::Float)),
                    _ => {
                        self.backup();
                        self.emit(ItemType::Integer);
                        Ok(self.pop())
                    }
                }
            }
            St::Datetime => {
                let r = self.next()?;
                if r.is_ascii_digit()
                    || matches!(r, '-' | ':' | 'T' | 't' | ' ' | '.' | 'Z' | 'z' | '+')
                {
                    return Ok(Some(St::Datetime));
                }
                self.backup();
                self.emit_trim(ItemType::Datetime);
                Ok(self.pop())
            }
            St::HexInteger => self.integer_digits(St::HexInteger, is_hex),
            St::OctalInteger => self.integer_digits(St::OctalInteger, |r| ('0'..='7').contains(&r)),
            St::BinaryInteger => self.integer_digits(St::BinaryInteger, |r| r == '0' || r == '1'),
            St::DecimalNumber => {
                let r = self.next()?;
                if r.is_ascii_digit() || r == '_' {
                    return Ok(Some(St::DecimalNumber));
                }
                if matches!(r, '.' | 'e' | 'E') {
                    return Ok(Some(St::Float));
                }
                self.backup();
                self.emit(ItemType::Integer);
                Ok(self.pop())
            }
            St::DecimalNumberStart => self.lex_decimal_number_start(),
            St::BaseNumberOrDate => self.lex_base_number_or_date(),
            St::Float => {
                let r = self.next()?;
                if r.is_ascii_digit() || matches!(r, '_' | '.' | '-' | '+' | 'e' | 'E') {
                    return Ok(Some(St::Float));
                }
                self.backup();
                self.emit(ItemType::Float);
                Ok(self.pop())
            }
            St::Bool => {
                let mut word = String::new();
                loop {
                    let r = self.next()?;
                    if r == EOF || !r.is_alphabetic() {
                        self.backup();
                        break;
                    }
                    word.push(r);
                }
                if word == "true" || word == "false" {
                    self.emit(ItemType::Bool);
                    return Ok(self.pop());
                }
                self.errorf(format!(
                    "expected value but found {} instead",
                    slipway_value::fmt::quote(&word)
                ))
            }
            St::CommentStart => {
                self.ignore();
                self.emit(ItemType::CommentStart);
                Ok(Some(St::Comment))
            }
            St::Comment => {
                let r = self.next()?;
                if is_nl(r) || r == EOF {
                    self.backup();
                    self.emit(ItemType::Text);
                    return Ok(self.pop());
                }
                Ok(Some(St::Comment))
            }
        }
    }

    fn lex_top(&mut self) -> Next {
        let r = self.next()?;
        if is_whitespace(r) || is_nl(r) {
            self.ignore();
            return Ok(Some(St::Top));
        }
        match r {
            '#' => {
                self.stack.push(St::Top);
                Ok(Some(St::CommentStart))
            }
            '[' => Ok(Some(St::TableStart)),
            EOF => {
                if self.pos > self.start {
                    return self.errorf("unexpected EOF".into());
                }
                self.emit(ItemType::Eof);
                Ok(None)
            }
            _ => {
                self.backup();
                self.stack.push(St::TopEnd);
                Ok(Some(St::KeyStart))
            }
        }
    }

    fn lex_top_end(&mut self) -> Next {
        let r = self.next()?;
        match r {
            '#' => {
                self.stack.push(St::Top);
                Ok(Some(St::CommentStart))
            }
            r if is_whitespace(r) => Ok(Some(St::TopEnd)),
            r if is_nl(r) => {
                self.ignore();
                Ok(Some(St::Top))
            }
            EOF => {
                self.emit(ItemType::Eof);
                Ok(None)
            }
            r => self.errorf(format!(
                "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                quote_rune(r)
            )),
        }
    }

    fn lex_value(&mut self) -> Next {
        let r = self.next()?;
        if is_whitespace(r) {
            self.ignore();
            return Ok(Some(St::Value));
        }
        if r.is_ascii_digit() {
            self.backup();
            return Ok(Some(St::NumberOrDateStart));
        }
        match r {
            '[' => {
                self.ignore();
                self.emit(ItemType::Array);
                return Ok(Some(St::ArrayValue));
            }
            '{' => {
                self.ignore();
                self.emit(ItemType::InlineTableStart);
                return Ok(Some(St::InlineTableValue));
            }
            '"' => {
                if self.accept('"')? {
                    if self.accept('"')? {
                        self.ignore();
                        return Ok(Some(St::MultilineString));
                    }
                    self.backup();
                }
                self.ignore();
                return Ok(Some(St::String));
            }
            '\'' => {
                if self.accept('\'')? {
                    if self.accept('\'')? {
                        self.ignore();
                        return Ok(Some(St::MultilineRawString));
                    }
                    self.backup();
                }
                self.ignore();
                return Ok(Some(St::RawString));
            }
            '.' => return self.errorf("floats must start with a digit, not '.'".into()),
            '-' | '+' => return Ok(Some(St::DecimalNumberStart)),
            _ => {}
        }
        // `inf` and `nan` (Go tries `n`,`f` then `a`,`n` after the first letter).
        if matches!(r, 'i' | 'n')
            && ((self.accept('n')? && self.accept('f')?)
                || (self.accept('a')? && self.accept('n')?))
        {
            self.emit(ItemType::Float);
            return Ok(self.pop());
        }
        if r != EOF && r.is_alphabetic() {
            self.backup();
            return Ok(Some(St::Bool));
        }
        if r == EOF {
            return self.errorf("unexpected EOF; expected value".into());
        }
        if r == '\n' {
            return self.error_prev_line(format!(
                "expected value but found {} instead",
                quote_rune(r)
            ));
        }
        self.errorf(format!(
            "expected value but found {} instead",
            quote_rune(r)
        ))
    }

    fn hex_escape(&mut self, n: usize, words: &str, prefix: &str) -> Next {
        for _ in 0..n {
            let r = self.next()?;
            if !is_hex(r) {
                let cur = slipway_value::fmt::quote(self.current());
                return self.errorf(format!(
                    "expected {words} hexadecimal digits after '{prefix}', but got {cur} instead"
                ));
            }
        }
        Ok(self.pop())
    }

    /// After `0b`/`0o`/`0x`: the next character must be a digit of that base.
    fn base_prefix(&mut self, name: &str, digit: fn(char) -> bool, next: St) -> Next {
        let r = self.peek()?;
        if !digit(r) {
            return self.errorf(format!("not a {name} number: '{}{r}'", self.current()));
        }
        Ok(Some(next))
    }

    fn integer_digits(&mut self, st: St, digit: fn(char) -> bool) -> Next {
        let r = self.next()?;
        if digit(r) || r == '_' {
            return Ok(Some(st));
        }
        self.backup();
        self.emit(ItemType::Integer);
        Ok(self.pop())
    }

    fn lex_decimal_number_start(&mut self) -> Next {
        let r = self.next()?;
        match r {
            'i' => {
                if !self.accept('n')? || !self.accept('f')? {
                    return self.errorf(format!("invalid float: '{}'", self.current()));
                }
                self.emit(ItemType::Float);
                return Ok(self.pop());
            }
            'n' => {
                if !self.accept('a')? || !self.accept('n')? {
                    return self.errorf(format!("invalid float: '{}'", self.current()));
                }
                self.emit(ItemType::Float);
                return Ok(self.pop());
            }
            '0' => {
                let p = self.peek()?;
                if matches!(p, 'b' | 'o' | 'x') {
                    return self.errorf(format!(
                        "cannot use sign with non-decimal numbers: '{}{p}'",
                        self.current()
                    ));
                }
            }
            '.' => return self.errorf("floats must start with a digit, not '.'".into()),
            _ => {}
        }
        if r.is_ascii_digit() {
            return Ok(Some(St::DecimalNumber));
        }
        self.errorf(format!("expected a digit but got {}", quote_rune(r)))
    }

    fn lex_base_number_or_date(&mut self) -> Next {
        let r = self.next()?;
        if r.is_ascii_digit() {
            return Ok(Some(St::NumberOrDate));
        }
        match r {
            '_' => Ok(Some(St::DecimalNumber)),
            '.' | 'e' | 'E' => Ok(Some(St::Float)),
            'b' => self.base_prefix("binary", |r| r == '0' || r == '1', St::BinaryInteger),
            'o' => self.base_prefix("octal", |r| ('0'..='7').contains(&r), St::OctalInteger),
            'x' => self.base_prefix("hexadecimal", is_hex, St::HexInteger),
            _ => {
                self.backup();
                self.emit(ItemType::Integer);
                Ok(self.pop())
            }
        }
    }
}

fn rune_or_eof(r: char) -> String {
    if r == EOF {
        "end of file".to_string()
    } else {
        format!("'{r}'")
    }
}
