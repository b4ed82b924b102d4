//! A YAML scanner and parser that behave as libyaml's (in the form go-yaml v2 carries it):
//! the same tokens, simple-key rules, tab and indentation leniency, events, and the same
//! error problems at the same marks, so that errors read exactly as Helm prints them.
//!
//! The whole input is in memory; reading past its end yields NUL, as libyaml's reader does.

use std::collections::VecDeque;

/// A position: character index, 0-based line and column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) index: usize,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A scanner or parser error, with what yaml.v2 needs to print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Raised by the scanner (yaml.v2 then reports the 0-based line plus one).
    pub(crate) scanner: bool,
    pub(crate) problem: String,
    pub(crate) problem_mark: Mark,
    pub(crate) context_mark: Mark,
}

impl SyntaxError {
    /// yaml.v2's `parser.fail` text: `yaml: line N: PROBLEM`.
    pub(crate) fn message(&self) -> String {
        let line = if self.problem_mark.line != 0 {
            self.problem_mark.line + usize::from(self.scanner)
        } else {
            self.context_mark.line
        };
        if line == 0 {
            format!("yaml: {}", self.problem)
        } else {
            format!("yaml: line {line}: {}", self.problem)
        }
    }
}

type Result<T> = std::result::Result<T, SyntaxError>;

/// Scalar styles as the scanner reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    StreamStart,
    StreamEnd,
    VersionDirective { major: u32, minor: u32 },
    TagDirective { handle: String, prefix: String },
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(String),
    Anchor(String),
    Tag { handle: String, suffix: String },
    Scalar { value: String, style: ScalarStyle },
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    start: Mark,
    end: Mark,
}

#[derive(Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

/// libyaml's `max_flow_level` and `max_indents`.
const MAX_DEPTH: usize = 10_000;

struct Scanner<'a> {
    buf: &'a [u8],
    pos: usize,
    mark: Mark,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    token_available: bool,
    stream_start_produced: bool,
    indent: i64,
    indents: Vec<i64>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    /// Token number -> index of the possible simple key that starts there (a handful at most,
    /// one per flow level).
    simple_keys_by_tok: Vec<(usize, usize)>,
    flow_level: usize,
}

fn width(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            buf: text.as_bytes(),
            // The reader drops a byte order mark at the start, before any position counts.
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            mark: Mark::default(),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            stream_start_produced: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: Vec::new(),
            flow_level: 0,
        }
    }

    /// The byte `k` places ahead (NUL past the end).
    fn at(&self, k: usize) -> u8 {
        self.buf.get(self.pos + k).copied().unwrap_or(0)
    }

    fn is_z(&self, k: usize) -> bool {
        self.at(k) == 0
    }

    fn is_blank(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }

    fn is_break(&self, k: usize) -> bool {
        match self.at(k) {
            b'\r' | b'\n' => true,
            0xc2 => self.at(k + 1) == 0x85,
            0xe2 => self.at(k + 1) == 0x80 && matches!(self.at(k + 2), 0xa8 | 0xa9),
            _ => false,
        }
    }

    fn is_breakz(&self, k: usize) -> bool {
        self.is_break(k) || self.is_z(k)
    }

    fn is_blankz(&self, k: usize) -> bool {
        self.is_blank(k) || self.is_breakz(k)
    }

    fn is_alpha(&self, k: usize) -> bool {
        let b = self.at(k);
        b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
    }

    fn skip(&mut self) {
        self.mark.index += 1;
        self.mark.column += 1;
        self.pos += width(self.at(0));
    }

    fn skip_line(&mut self) {
        if self.at(0) == b'\r' && self.at(1) == b'\n' {
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += 2;
        } else if self.is_break(0) {
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += width(self.at(0));
        }
    }

    /// Appends the current character to `s` and moves past it.
    fn read(&mut self, s: &mut Vec<u8>) {
        let b = self.at(0);
        if b < 0x80 {
            s.push(b);
            self.pos += 1;
            self.mark.index += 1;
            self.mark.column += 1;
            return;
        }
        let w = width(b);
        let end = (self.pos + w).min(self.buf.len());
        s.extend_from_slice(&self.buf[self.pos..end]);
        self.pos += w;
        self.mark.index += 1;
        self.mark.column += 1;
    }

    /// Appends a line break (normalised to `\n`, except LS/PS) and moves past it.
    fn read_line(&mut self, s: &mut Vec<u8>) {
        let (b0, b1, b2) = (self.at(0), self.at(1), self.at(2));
        if b0 == b'\r' && b1 == b'\n' {
            s.push(b'\n');
            self.pos += 2;
            self.mark.index += 1;
        } else if b0 == b'\r' || b0 == b'\n' {
            s.push(b'\n');
            self.pos += 1;
        } else if b0 == 0xc2 && b1 == 0x85 {
            s.push(b'\n');
            self.pos += 2;
        } else if b0 == 0xe2 && b1 == 0x80 && (b2 == 0xa8 || b2 == 0xa9) {
            s.extend_from_slice(&[b0, b1, b2]);
            self.pos += 3;
        } else {
            return;
        }
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
    }

    fn error(&self, context_mark: Mark, problem: &str) -> SyntaxError {
        SyntaxError {
            scanner: true,
            problem: problem.to_string(),
            problem_mark: self.mark,
            context_mark,
        }
    }

    fn push_token(&mut self, kind: TokenKind, start: Mark, end: Mark) {
        self.tokens.push_back(Token { kind, start, end });
    }

    /// Inserts a token at absolute token `number` (counted from the stream start).
    fn insert_token(&mut self, number: usize, kind: TokenKind, mark: Mark) {
        let at = number
            .saturating_sub(self.tokens_parsed)
            .min(self.tokens.len());
        self.tokens.insert(
            at,
            Token {
                kind,
                start: mark,
                end: mark,
            },
        );
    }

    fn fetch_more_tokens(&mut self) -> Result<()> {
        loop {
            if !self.tokens.is_empty() {
                let Some(&(_, idx)) = self
                    .simple_keys_by_tok
                    .iter()
                    .find(|(tok, _)| *tok == self.tokens_parsed)
                else {
                    break;
                };
                if !self.simple_key_is_valid(idx)? {
                    break;
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn fetch_next_token(&mut self) -> Result<()> {
        if !self.stream_start_produced {
            self.indent = -1;
            self.simple_keys.push(SimpleKey::default());
            self.simple_key_allowed = true;
            self.stream_start_produced = true;
            self.push_token(TokenKind::StreamStart, self.mark, self.mark);
            return Ok(());
        }
        self.scan_to_next_token();
        self.unroll_indent(self.mark.column as i64);
        if self.is_z(0) {
            return self.fetch_stream_end();
        }
        let c = self.at(0);
        if self.mark.column == 0 && c == b'%' {
            return self.fetch_directive();
        }
        if self.mark.column == 0
            && ((c == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                || (c == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
            && self.is_blankz(3)
        {
            let kind = if c == b'-' {
                TokenKind::DocumentStart
            } else {
                TokenKind::DocumentEnd
            };
            return self.fetch_document_indicator(kind);
        }
        match c {
            b'[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            b'{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            b']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            b'}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            b',' => return self.fetch_flow_entry(),
            _ => {}
        }
        if c == b'-' && self.is_blankz(1) {
            return self.fetch_block_entry();
        }
        if c == b'?' && (self.flow_level > 0 || self.is_blankz(1)) {
            return self.fetch_key();
        }
        if c == b':' && (self.flow_level > 0 || self.is_blankz(1)) {
            return self.fetch_value();
        }
        match c {
            b'*' => return self.fetch_anchor(true),
            b'&' => return self.fetch_anchor(false),
            b'!' => return self.fetch_tag(),
            b'|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            b'>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            b'\'' => return self.fetch_flow_scalar(true),
            b'"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = matches!(
            c,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        );
        if !(self.is_blankz(0) || indicator)
            || (c == b'-' && !self.is_blank(1))
            || (self.flow_level == 0 && (c == b'?' || c == b':') && !self.is_blankz(1))
        {
            return self.fetch_plain_scalar();
        }
        Err(self.error(self.mark, "found character that cannot start any token"))
    }

    fn simple_key_is_valid(&mut self, idx: usize) -> Result<bool> {
        let Some(&key) = self.simple_keys.get(idx) else {
            return Ok(false);
        };
        if !key.possible {
            return Ok(false);
        }
        if key.mark.line < self.mark.line || key.mark.index + 1024 < self.mark.index {
            if key.required {
                return Err(self.error(key.mark, "could not find expected ':'"));
            }
            self.simple_keys[idx].possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn save_simple_key(&mut self) -> Result<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as i64;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len() - 1;
            self.simple_keys[last] = key;
            self.simple_keys_by_tok
                .retain(|(tok, _)| *tok != key.token_number);
            self.simple_keys_by_tok.push((key.token_number, last));
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> Result<()> {
        let i = self.simple_keys.len() - 1;
        let key = self.simple_keys[i];
        if key.possible {
            if key.required {
                return Err(self.error(key.mark, "could not find expected ':'"));
            }
            self.simple_keys[i].possible = false;
            self.simple_keys_by_tok
                .retain(|(tok, _)| *tok != key.token_number);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> Result<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_DEPTH {
            let mark = self.simple_keys[self.simple_keys.len() - 1].mark;
            return Err(self.error(mark, &format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(last) = self.simple_keys.pop() {
                self.simple_keys_by_tok
                    .retain(|(tok, _)| *tok != last.token_number);
            }
        }
    }

    /// Opens a block collection at `column`; `number` places its start token before the token
    /// with that absolute number (`None`: at the end).
    fn roll_indent(
        &mut self,
        column: usize,
        number: Option<usize>,
        kind: TokenKind,
        mark: Mark,
    ) -> Result<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column as i64 {
            self.indents.push(self.indent);
            self.indent = column as i64;
            if self.indents.len() > MAX_DEPTH {
                let mark = self.simple_keys[self.simple_keys.len() - 1].mark;
                return Err(self.error(mark, &format!("exceeded max depth of {MAX_DEPTH}")));
            }
            match number {
                Some(n) => self.insert_token(n, kind, mark),
                None => self.push_token(kind, mark, mark),
            }
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: i64) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.push_token(TokenKind::BlockEnd, self.mark, self.mark);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_end(&mut self) -> Result<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push_token(TokenKind::StreamEnd, self.mark, self.mark);
        Ok(())
    }

    fn fetch_directive(&mut self) -> Result<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> Result<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        self.push_token(kind, start, self.mark);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> Result<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(kind, start, self.mark);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> Result<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.push_token(kind, start, self.mark);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> Result<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(TokenKind::FlowEntry, start, self.mark);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> Result<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.error(
                    Mark::default(),
                    "block sequence entries are not allowed in this context",
                ));
            }
            self.roll_indent(
                self.mark.column,
                None,
                TokenKind::BlockSequenceStart,
                self.mark,
            )?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(TokenKind::BlockEntry, start, self.mark);
        Ok(())
    }

    fn fetch_key(&mut self) -> Result<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.error(
                    Mark::default(),
                    "mapping keys are not allowed in this context",
                ));
            }
            self.roll_indent(
                self.mark.column,
                None,
                TokenKind::BlockMappingStart,
                self.mark,
            )?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        self.push_token(TokenKind::Key, start, self.mark);
        Ok(())
    }

    fn fetch_value(&mut self) -> Result<()> {
        let idx = self.simple_keys.len() - 1;
        if self.simple_key_is_valid(idx)? {
            let key = self.simple_keys[idx];
            self.insert_token(key.token_number, TokenKind::Key, key.mark);
            self.roll_indent(
                key.mark.column,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            )?;
            self.simple_keys[idx].possible = false;
            self.simple_keys_by_tok
                .retain(|(tok, _)| *tok != key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(self.error(
                        Mark::default(),
                        "mapping values are not allowed in this context",
                    ));
                }
                self.roll_indent(
                    self.mark.column,
                    None,
                    TokenKind::BlockMappingStart,
                    self.mark,
                )?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        self.push_token(TokenKind::Value, start, self.mark);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let mut s = Vec::new();
        while self.is_alpha(0) {
            self.read(&mut s);
        }
        let end = self.mark;
        let c = self.at(0);
        if s.is_empty()
            || !(self.is_blankz(0)
                || matches!(c, b'?' | b':' | b',' | b']' | b'}' | b'%' | b'@' | b'`'))
        {
            return Err(self.error(
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        let name = String::from_utf8_lossy(&s).into_owned();
        let kind = if alias {
            TokenKind::Alias(name)
        } else {
            TokenKind::Anchor(name)
        };
        self.push_token(kind, start, end);
        Ok(())
    }

    fn fetch_tag(&mut self) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let (handle, suffix);
        if self.at(1) == b'<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(None, start)?;
            if self.at(0) != b'>' {
                return Err(self.error(start, "did not find the expected '>'"));
            }
            self.skip();
            handle = Vec::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h[0] == b'!' && h.len() > 1 && h[h.len() - 1] == b'!' {
                suffix = self.scan_tag_uri(None, start)?;
                handle = h;
            } else {
                let s = self.scan_tag_uri(Some(&h), start)?;
                if s.is_empty() {
                    handle = Vec::new();
                    suffix = b"!".to_vec();
                } else {
                    handle = b"!".to_vec();
                    suffix = s;
                }
            }
        }
        if !self.is_blankz(0) {
            return Err(self.error(start, "did not find expected whitespace or line break"));
        }
        let kind = TokenKind::Tag {
            handle: String::from_utf8_lossy(&handle).into_owned(),
            suffix: String::from_utf8_lossy(&suffix).into_owned(),
        };
        self.push_token(kind, start, self.mark);
        Ok(())
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> Result<Vec<u8>> {
        if self.at(0) != b'!' {
            return Err(self.error(start, "did not find expected '!'"));
        }
        let mut s = Vec::new();
        self.read(&mut s);
        while self.is_alpha(0) {
            self.read(&mut s);
        }
        if self.at(0) == b'!' {
            self.read(&mut s);
        } else if directive && s != b"!" {
            return Err(self.error(start, "did not find expected '!'"));
        }
        Ok(s)
    }

    fn scan_tag_uri(&mut self, head: Option<&[u8]>, start: Mark) -> Result<Vec<u8>> {
        let mut s = Vec::new();
        let mut has_tag = head.is_some_and(|h| !h.is_empty());
        if let Some(h) = head
            && h.len() > 1
        {
            s.extend_from_slice(&h[1..]);
        }
        loop {
            let c = self.at(0);
            let uri_char = self.is_alpha(0)
                || matches!(
                    c,
                    b';' | b'/'
                        | b'?'
                        | b':'
                        | b'@'
                        | b'&'
                        | b'='
                        | b'+'
                        | b'$'
                        | b','
                        | b'.'
                        | b'!'
                        | b'~'
                        | b'*'
                        | b'\''
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'%'
                );
            if !uri_char {
                break;
            }
            if c == b'%' {
                self.scan_uri_escapes(start, &mut s)?;
            } else {
                self.read(&mut s);
            }
            has_tag = true;
        }
        if !has_tag {
            return Err(self.error(start, "did not find expected tag URI"));
        }
        Ok(s)
    }

    fn scan_uri_escapes(&mut self, start: Mark, s: &mut Vec<u8>) -> Result<()> {
        let mut w = 1024usize;
        while w > 0 {
            let hex = |b: u8| (b as char).to_digit(16);
            let (Some(h1), Some(h2)) = (hex(self.at(1)), hex(self.at(2))) else {
                return Err(self.error(start, "did not find URI escaped octet"));
            };
            if self.at(0) != b'%' {
                return Err(self.error(start, "did not find URI escaped octet"));
            }
            let octet = (h1 * 16 + h2) as u8;
            if w == 1024 {
                w = match octet {
                    0x00..=0x7f => 1,
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf7 => 4,
                    _ => {
                        return Err(self.error(start, "found an incorrect leading UTF-8 octet"));
                    }
                };
            } else if octet & 0xc0 != 0x80 {
                return Err(self.error(start, "found an incorrect trailing UTF-8 octet"));
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> Result<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let token = self.scan_block_scalar(literal)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_flow_scalar(single)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_plain_scalar()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn scan_to_next_token(&mut self) {
        loop {
            // libyaml's byte-order-mark skip here tests the start of its buffer, where the
            // reader has already removed any mark, so a mark inside the text stays content.
            while self.at(0) == b' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.at(0) == b'\t')
            {
                self.skip();
            }
            if self.at(0) == b'#' {
                while !self.is_breakz(0) {
                    self.skip();
                }
            }
            if self.is_break(0) {
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
    }

    fn skip_blanks_and_comment(&mut self) {
        while self.is_blank(0) {
            self.skip();
        }
        if self.at(0) == b'#' {
            while !self.is_breakz(0) {
                self.skip();
            }
        }
    }

    fn scan_directive(&mut self) -> Result<Token> {
        let start = self.mark;
        self.skip();
        let mut name = Vec::new();
        while self.is_alpha(0) {
            self.read(&mut name);
        }
        if name.is_empty() {
            return Err(self.error(start, "could not find expected directive name"));
        }
        if !self.is_blankz(0) {
            return Err(self.error(start, "found unexpected non-alphabetical character"));
        }
        let kind = match name.as_slice() {
            b"YAML" => {
                while self.is_blank(0) {
                    self.skip();
                }
                let major = self.scan_version_number(start)?;
                if self.at(0) != b'.' {
                    return Err(self.error(start, "did not find expected digit or '.' character"));
                }
                self.skip();
                let minor = self.scan_version_number(start)?;
                TokenKind::VersionDirective { major, minor }
            }
            b"TAG" => {
                while self.is_blank(0) {
                    self.skip();
                }
                let handle = self.scan_tag_handle(true, start)?;
                if !self.is_blank(0) {
                    return Err(self.error(start, "did not find expected whitespace"));
                }
                while self.is_blank(0) {
                    self.skip();
                }
                let prefix = self.scan_tag_uri(None, start)?;
                if !self.is_blankz(0) {
                    return Err(self.error(start, "did not find expected whitespace or line break"));
                }
                TokenKind::TagDirective {
                    handle: String::from_utf8_lossy(&handle).into_owned(),
                    prefix: String::from_utf8_lossy(&prefix).into_owned(),
                }
            }
            _ => return Err(self.error(start, "found unknown directive name")),
        };
        let end = self.mark;
        self.skip_blanks_and_comment();
        if !self.is_breakz(0) {
            return Err(self.error(start, "did not find expected comment or line break"));
        }
        if self.is_break(0) {
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_version_number(&mut self, start: Mark) -> Result<u32> {
        let mut value = 0u32;
        let mut length = 0;
        while self.at(0).is_ascii_digit() {
            length += 1;
            if length > 2 {
                return Err(self.error(start, "found extremely long version number"));
            }
            value = value * 10 + u32::from(self.at(0) - b'0');
            self.skip();
        }
        if length == 0 {
            return Err(self.error(start, "did not find expected version number"));
        }
        Ok(value)
    }

    fn scan_block_scalar(&mut self, literal: bool) -> Result<Token> {
        let start = self.mark;
        self.skip();
        let mut chomping = 0i32;
        let mut increment = 0usize;
        let indicator_zero = "found an indentation indicator equal to 0";
        if matches!(self.at(0), b'+' | b'-') {
            chomping = if self.at(0) == b'+' { 1 } else { -1 };
            self.skip();
            if self.at(0).is_ascii_digit() {
                if self.at(0) == b'0' {
                    return Err(self.error(start, indicator_zero));
                }
                increment = usize::from(self.at(0) - b'0');
                self.skip();
            }
        } else if self.at(0).is_ascii_digit() {
            if self.at(0) == b'0' {
                return Err(self.error(start, indicator_zero));
            }
            increment = usize::from(self.at(0) - b'0');
            self.skip();
            if matches!(self.at(0), b'+' | b'-') {
                chomping = if self.at(0) == b'+' { 1 } else { -1 };
                self.skip();
            }
        }
        self.skip_blanks_and_comment();
        if !self.is_breakz(0) {
            return Err(self.error(start, "did not find expected comment or line break"));
        }
        if self.is_break(0) {
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent = 0usize;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent as usize + increment
            } else {
                increment
            };
        }
        let mut s = Vec::new();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while self.mark.column == indent && !self.is_z(0) {
            let trailing_blank = self.is_blank(0);
            if !literal
                && !leading_blank
                && !trailing_blank
                && leading_break.first() == Some(&b'\n')
            {
                if trailing_breaks.is_empty() {
                    s.push(b' ');
                }
            } else {
                s.extend_from_slice(&leading_break);
            }
            leading_break.clear();
            s.extend_from_slice(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = self.is_blank(0);
            while !self.is_breakz(0) {
                self.read(&mut s);
            }
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.extend_from_slice(&leading_break);
        }
        if chomping == 1 {
            s.extend_from_slice(&trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        Ok(Token {
            kind: TokenKind::Scalar {
                value: String::from_utf8_lossy(&s).into_owned(),
                style,
            },
            start,
            end,
        })
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        breaks: &mut Vec<u8>,
        start: Mark,
        end: &mut Mark,
    ) -> Result<()> {
        *end = self.mark;
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.mark.column < *indent) && self.at(0) == b' ' {
                self.skip();
            }
            if self.mark.column > max_indent {
                max_indent = self.mark.column;
            }
            if (*indent == 0 || self.mark.column < *indent) && self.at(0) == b'\t' {
                return Err(self.error(
                    start,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !self.is_break(0) {
                break;
            }
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            let min = (self.indent + 1).max(1) as usize;
            if *indent < min {
                *indent = min;
            }
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> Result<Token> {
        let start = self.mark;
        self.skip();
        let mut s = Vec::new();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        let mut whitespaces = Vec::new();
        loop {
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz(3)
            {
                return Err(self.error(start, "found unexpected document indicator"));
            }
            if self.is_z(0) {
                return Err(self.error(start, "found unexpected end of stream"));
            }
            let mut leading_blanks = false;
            while !self.is_blankz(0) {
                let c = self.at(0);
                if single && c == b'\'' && self.at(1) == b'\'' {
                    s.push(b'\'');
                    self.skip();
                    self.skip();
                } else if (single && c == b'\'') || (!single && c == b'"') {
                    break;
                } else if !single && c == b'\\' && self.is_break(1) {
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == b'\\' {
                    let mut code_length = 0;
                    match self.at(1) {
                        b'0' => s.push(0),
                        b'a' => s.push(0x07),
                        b'b' => s.push(0x08),
                        b't' | b'\t' => s.push(0x09),
                        b'n' => s.push(0x0a),
                        b'v' => s.push(0x0b),
                        b'f' => s.push(0x0c),
                        b'r' => s.push(0x0d),
                        b'e' => s.push(0x1b),
                        b' ' => s.push(b' '),
                        b'"' => s.push(b'"'),
                        b'\'' => s.push(b'\''),
                        b'\\' => s.push(b'\\'),
                        b'N' => s.extend_from_slice("\u{85}".as_bytes()),
                        b'_' => s.extend_from_slice("\u{a0}".as_bytes()),
                        b'L' => s.extend_from_slice("\u{2028}".as_bytes()),
                        b'P' => s.extend_from_slice("\u{2029}".as_bytes()),
                        b'x' => code_length = 2,
                        b'u' => code_length = 4,
                        b'U' => code_length = 8,
                        _ => return Err(self.error(start, "found unknown escape character")),
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        let mut value = 0u32;
                        for k in 0..code_length {
                            let Some(d) = (self.at(k) as char).to_digit(16) else {
                                return Err(
                                    self.error(start, "did not find expected hexdecimal number")
                                );
                            };
                            value = (value << 4) + d;
                        }
                        let Some(ch) = char::from_u32(value) else {
                            return Err(
                                self.error(start, "found invalid Unicode character escape code")
                            );
                        };
                        let mut utf8 = [0u8; 4];
                        s.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                }
            }
            let quote = if single { b'\'' } else { b'"' };
            if self.at(0) == quote {
                break;
            }
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if leading_blanks {
                if leading_break.first() == Some(&b'\n') {
                    if trailing_breaks.is_empty() {
                        s.push(b' ');
                    } else {
                        s.extend_from_slice(&trailing_breaks);
                    }
                } else {
                    s.extend_from_slice(&leading_break);
                    s.extend_from_slice(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.extend_from_slice(&whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        Ok(Token {
            kind: TokenKind::Scalar {
                value: String::from_utf8_lossy(&s).into_owned(),
                style,
            },
            start,
            end: self.mark,
        })
    }

    fn scan_plain_scalar(&mut self) -> Result<Token> {
        let mut s = Vec::new();
        let mut leading_break = Vec::new();
        let mut trailing_breaks = Vec::new();
        let mut whitespaces = Vec::new();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz(3)
            {
                break;
            }
            if self.at(0) == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if (c == b':' && self.is_blankz(1))
                    || (self.flow_level > 0 && matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.first() == Some(&b'\n') {
                            if trailing_breaks.is_empty() {
                                s.push(b' ');
                            } else {
                                s.extend_from_slice(&trailing_breaks);
                            }
                        } else {
                            s.extend_from_slice(&leading_break);
                            s.extend_from_slice(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.extend_from_slice(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                end = self.mark;
            }
            if !(self.is_blank(0) || self.is_break(0)) {
                break;
            }
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if leading_blanks && (self.mark.column as i64) < indent && self.at(0) == b'\t' {
                        return Err(
                            self.error(start, "found a tab character that violates indentation")
                        );
                    }
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else if !leading_blanks {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                } else {
                    self.read_line(&mut trailing_breaks);
                }
            }
            if self.flow_level == 0 && (self.mark.column as i64) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(Token {
            kind: TokenKind::Scalar {
                value: String::from_utf8_lossy(&s).into_owned(),
                style: ScalarStyle::Plain,
            },
            start,
            end,
        })
    }
}

/// A parser event, with what the decoder needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        /// The resolved tag (`tag:yaml.org,2002:str`, `!foo`, `!`), if any.
        tag: Option<String>,
        value: String,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
    },
    MappingEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

/// The token kinds the flow-collection states test, without token data.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tk {
    FlowEntry,
    FlowSequenceEnd,
    FlowMappingEnd,
    Key,
    Value,
    Other,
}

/// A peeked token's kind and marks.
#[derive(Clone, Copy)]
struct Brief {
    kind: Tk,
    start: Mark,
    end: Mark,
}

/// libyaml's event parser over [`Scanner`].
pub(crate) struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
    stream_end_produced: bool,
}

fn parser_error(problem: &str, problem_mark: Mark, context_mark: Mark) -> SyntaxError {
    SyntaxError {
        scanner: false,
        problem: problem.to_string(),
        problem_mark,
        context_mark,
    }
}

impl<'a> Parser<'a> {
    /// A parser over `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Parser {
            scanner: Scanner::new(text),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            stream_end_produced: false,
        }
    }

    fn peek_token(&mut self) -> Result<&Token> {
        if !self.scanner.token_available {
            self.scanner.fetch_more_tokens()?;
        }
        Ok(&self.scanner.tokens[0])
    }

    fn skip_token(&mut self) {
        self.take_token();
    }

    /// The next token's kind (for the kinds flow collections test) and marks.
    fn peek_brief(&mut self) -> Result<Brief> {
        let token = self.peek_token()?;
        let kind = match token.kind {
            TokenKind::FlowEntry => Tk::FlowEntry,
            TokenKind::FlowSequenceEnd => Tk::FlowSequenceEnd,
            TokenKind::FlowMappingEnd => Tk::FlowMappingEnd,
            TokenKind::Key => Tk::Key,
            TokenKind::Value => Tk::Value,
            _ => Tk::Other,
        };
        Ok(Brief {
            kind,
            start: token.start,
            end: token.end,
        })
    }

    /// Takes the token [`Self::peek_token`] looked at.
    fn take_token(&mut self) -> Token {
        self.scanner.token_available = false;
        self.scanner.tokens_parsed += 1;
        let token = self.scanner.tokens.pop_front().unwrap_or(Token {
            kind: TokenKind::StreamEnd,
            start: self.scanner.mark,
            end: self.scanner.mark,
        });
        self.stream_end_produced = token.kind == TokenKind::StreamEnd;
        token
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    /// The next event with its start mark; `None` after the end of the stream.
    pub(crate) fn next_event(&mut self) -> Result<Option<(Event, Mark)>> {
        if self.stream_end_produced || self.state == State::End {
            return Ok(None);
        }
        self.state_machine().map(Some)
    }

    fn state_machine(&mut self) -> Result<(Event, Mark)> {
        match self.state {
            State::StreamStart => self.parse_stream_start(),
            State::ImplicitDocumentStart => self.parse_document_start(true),
            State::DocumentStart => self.parse_document_start(false),
            State::DocumentContent => self.parse_document_content(),
            State::DocumentEnd => self.parse_document_end(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => self.parse_block_sequence_entry(true),
            State::BlockSequenceEntry => self.parse_block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.parse_block_mapping_key(true),
            State::BlockMappingKey => self.parse_block_mapping_key(false),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => self.parse_flow_sequence_entry(true),
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => {
                let mark = self.peek_token()?.start;
                self.state = State::FlowSequenceEntry;
                Ok((Event::MappingEnd, mark))
            }
            State::FlowMappingFirstKey => self.parse_flow_mapping_key(true),
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.parse_flow_mapping_value(true),
            State::End => Ok((Event::StreamEnd, self.scanner.mark)),
        }
    }

    fn parse_stream_start(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_token()?;
        let mark = token.start;
        if token.kind != TokenKind::StreamStart {
            return Err(parser_error(
                "did not find expected <stream-start>",
                mark,
                Mark::default(),
            ));
        }
        self.state = State::ImplicitDocumentStart;
        self.skip_token();
        Ok((Event::StreamStart, mark))
    }

    fn parse_document_start(&mut self, implicit: bool) -> Result<(Event, Mark)> {
        if !implicit {
            while self.peek_token()?.kind == TokenKind::DocumentEnd {
                self.skip_token();
            }
        }
        let token = self.peek_token()?;
        let mark = token.start;
        let is_directive = matches!(
            token.kind,
            TokenKind::VersionDirective { .. } | TokenKind::TagDirective { .. }
        );
        if implicit
            && !is_directive
            && token.kind != TokenKind::DocumentStart
            && token.kind != TokenKind::StreamEnd
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            Ok((Event::DocumentStart, mark))
        } else if token.kind != TokenKind::StreamEnd {
            self.process_directives()?;
            let token = self.peek_token()?;
            if token.kind != TokenKind::DocumentStart {
                return Err(parser_error(
                    "did not find expected <document start>",
                    token.start,
                    Mark::default(),
                ));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip_token();
            Ok((Event::DocumentStart, mark))
        } else {
            self.state = State::End;
            self.skip_token();
            Ok((Event::StreamEnd, mark))
        }
    }

    fn parse_document_content(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_token()?;
        if matches!(
            token.kind,
            TokenKind::VersionDirective { .. }
                | TokenKind::TagDirective { .. }
                | TokenKind::DocumentStart
                | TokenKind::DocumentEnd
                | TokenKind::StreamEnd
        ) {
            let mark = token.start;
            self.pop_state();
            return Ok(empty_scalar(mark));
        }
        self.parse_node(true, false)
    }

    fn parse_document_end(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_token()?;
        let mark = token.start;
        if token.kind == TokenKind::DocumentEnd {
            self.skip_token();
        }
        self.tag_directives.clear();
        self.state = State::DocumentStart;
        Ok((Event::DocumentEnd, mark))
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> Result<(Event, Mark)> {
        let first = self.peek_token()?;
        let start_mark = first.start;
        let mut anchor = None;
        let mut tag_parts: Option<(String, String, Mark)> = None;
        match first.kind {
            TokenKind::Alias(_) => {
                let token = self.take_token();
                self.pop_state();
                let TokenKind::Alias(name) = token.kind else {
                    return Err(parser_error("invalid alias", token.start, start_mark));
                };
                return Ok((Event::Alias { anchor: name }, token.start));
            }
            TokenKind::Anchor(_) => {
                anchor = self.take_anchor();
                if matches!(self.peek_token()?.kind, TokenKind::Tag { .. }) {
                    tag_parts = self.take_tag();
                }
            }
            TokenKind::Tag { .. } => {
                tag_parts = self.take_tag();
                if matches!(self.peek_token()?.kind, TokenKind::Anchor(_)) {
                    anchor = self.take_anchor();
                }
            }
            _ => {}
        }
        let mut tag = None;
        if let Some((handle, suffix, tag_mark)) = tag_parts {
            if handle.is_empty() {
                tag = Some(suffix);
            } else {
                let prefix = self.tag_directives.iter().find(|(h, _)| *h == handle);
                match prefix {
                    Some((_, p)) => tag = Some(format!("{p}{suffix}")),
                    None => {
                        return Err(parser_error(
                            "found undefined tag handle",
                            tag_mark,
                            start_mark,
                        ));
                    }
                }
            }
        }
        let tag = tag.filter(|t| !t.is_empty());
        let token = self.peek_token()?;
        let token_start = token.start;
        if indentless_sequence && token.kind == TokenKind::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok((Event::SequenceStart { anchor }, start_mark));
        }
        let next = match token.kind {
            TokenKind::Scalar { .. } => None,
            TokenKind::FlowSequenceStart => Some(State::FlowSequenceFirstEntry),
            TokenKind::FlowMappingStart => Some(State::FlowMappingFirstKey),
            TokenKind::BlockSequenceStart if block => Some(State::BlockSequenceFirstEntry),
            TokenKind::BlockMappingStart if block => Some(State::BlockMappingFirstKey),
            _ => {
                if anchor.is_some() || tag.is_some() {
                    self.pop_state();
                    let event = Event::Scalar {
                        anchor,
                        tag,
                        value: String::new(),
                        style: ScalarStyle::Plain,
                    };
                    return Ok((event, start_mark));
                }
                return Err(parser_error(
                    "did not find expected node content",
                    token_start,
                    start_mark,
                ));
            }
        };
        if let Some(state) = next {
            self.state = state;
            let event = if matches!(
                state,
                State::FlowMappingFirstKey | State::BlockMappingFirstKey
            ) {
                Event::MappingStart { anchor }
            } else {
                Event::SequenceStart { anchor }
            };
            return Ok((event, start_mark));
        }
        let token = self.take_token();
        self.pop_state();
        let TokenKind::Scalar { value, style } = token.kind else {
            return Err(parser_error("invalid scalar", token.start, start_mark));
        };
        Ok((
            Event::Scalar {
                anchor,
                tag,
                value,
                style,
            },
            start_mark,
        ))
    }

    fn take_anchor(&mut self) -> Option<String> {
        match self.take_token().kind {
            TokenKind::Anchor(name) => Some(name),
            _ => None,
        }
    }

    fn take_tag(&mut self) -> Option<(String, String, Mark)> {
        let token = self.take_token();
        match token.kind {
            TokenKind::Tag { handle, suffix } => Some((handle, suffix, token.start)),
            _ => None,
        }
    }

    fn parse_block_sequence_entry(&mut self, first: bool) -> Result<(Event, Mark)> {
        if first {
            let mark = self.peek_token()?.start;
            self.marks.push(mark);
            self.skip_token();
        }
        let token = self.peek_token()?;
        match token.kind {
            TokenKind::BlockEntry => {
                let mark = token.end;
                self.skip_token();
                let next = &self.peek_token()?.kind;
                if *next != TokenKind::BlockEntry && *next != TokenKind::BlockEnd {
                    self.states.push(State::BlockSequenceEntry);
                    self.parse_node(true, false)
                } else {
                    self.state = State::BlockSequenceEntry;
                    Ok(empty_scalar(mark))
                }
            }
            TokenKind::BlockEnd => {
                let mark = token.start;
                self.pop_state();
                self.marks.pop();
                self.skip_token();
                Ok((Event::SequenceEnd, mark))
            }
            _ => {
                let problem_mark = token.start;
                let context = self.marks.pop().unwrap_or_default();
                Err(parser_error(
                    "did not find expected '-' indicator",
                    problem_mark,
                    context,
                ))
            }
        }
    }

    fn parse_indentless_sequence_entry(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_token()?;
        if token.kind == TokenKind::BlockEntry {
            let mark = token.end;
            self.skip_token();
            let next = &self.peek_token()?.kind;
            if !matches!(
                next,
                TokenKind::BlockEntry | TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(mark));
        }
        let mark = token.start;
        self.pop_state();
        Ok((Event::SequenceEnd, mark))
    }

    fn parse_block_mapping_key(&mut self, first: bool) -> Result<(Event, Mark)> {
        if first {
            let mark = self.peek_token()?.start;
            self.marks.push(mark);
            self.skip_token();
        }
        let token = self.peek_token()?;
        match token.kind {
            TokenKind::Key => {
                let mark = token.end;
                self.skip_token();
                let next = &self.peek_token()?.kind;
                if !matches!(
                    next,
                    TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
                ) {
                    self.states.push(State::BlockMappingValue);
                    self.parse_node(true, true)
                } else {
                    self.state = State::BlockMappingValue;
                    Ok(empty_scalar(mark))
                }
            }
            TokenKind::BlockEnd => {
                let mark = token.start;
                self.pop_state();
                self.marks.pop();
                self.skip_token();
                Ok((Event::MappingEnd, mark))
            }
            _ => {
                let problem_mark = token.start;
                let context = self.marks.pop().unwrap_or_default();
                Err(parser_error(
                    "did not find expected key",
                    problem_mark,
                    context,
                ))
            }
        }
    }

    fn parse_block_mapping_value(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_token()?;
        if token.kind == TokenKind::Value {
            let mark = token.end;
            self.skip_token();
            let next = &self.peek_token()?.kind;
            if !matches!(
                next,
                TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::BlockMappingKey);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(mark));
        }
        let mark = token.start;
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(mark))
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> Result<(Event, Mark)> {
        if first {
            let mark = self.peek_token()?.start;
            self.marks.push(mark);
            self.skip_token();
        }
        let mut token = self.peek_brief()?;
        if token.kind != Tk::FlowSequenceEnd {
            if !first {
                if token.kind == Tk::FlowEntry {
                    self.skip_token();
                    token = self.peek_brief()?;
                } else {
                    let context = self.marks.pop().unwrap_or_default();
                    return Err(parser_error(
                        "did not find expected ',' or ']'",
                        token.start,
                        context,
                    ));
                }
            }
            if token.kind == Tk::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip_token();
                return Ok((Event::MappingStart { anchor: None }, token.start));
            } else if token.kind != Tk::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip_token();
        Ok((Event::SequenceEnd, token.start))
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> Result<(Event, Mark)> {
        let token = self.peek_brief()?;
        if !matches!(token.kind, Tk::Value | Tk::FlowEntry | Tk::FlowSequenceEnd) {
            self.states.push(State::FlowSequenceEntryMappingValue);
            return self.parse_node(false, false);
        }
        let mark = token.end;
        self.skip_token();
        self.state = State::FlowSequenceEntryMappingValue;
        Ok(empty_scalar(mark))
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> Result<(Event, Mark)> {
        let mut token = self.peek_brief()?;
        if token.kind == Tk::Value {
            self.skip_token();
            token = self.peek_brief()?;
            if !matches!(token.kind, Tk::FlowEntry | Tk::FlowSequenceEnd) {
                self.states.push(State::FlowSequenceEntryMappingEnd);
                return self.parse_node(false, false);
            }
        }
        self.state = State::FlowSequenceEntryMappingEnd;
        Ok(empty_scalar(token.start))
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> Result<(Event, Mark)> {
        if first {
            let mark = self.peek_token()?.start;
            self.marks.push(mark);
            self.skip_token();
        }
        let mut token = self.peek_brief()?;
        if token.kind != Tk::FlowMappingEnd {
            if !first {
                if token.kind == Tk::FlowEntry {
                    self.skip_token();
                    token = self.peek_brief()?;
                } else {
                    let context = self.marks.pop().unwrap_or_default();
                    return Err(parser_error(
                        "did not find expected ',' or '}'",
                        token.start,
                        context,
                    ));
                }
            }
            if token.kind == Tk::Key {
                self.skip_token();
                let next = self.peek_brief()?;
                if !matches!(next.kind, Tk::Value | Tk::FlowEntry | Tk::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.parse_node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(next.start));
            } else if token.kind != Tk::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.skip_token();
        Ok((Event::MappingEnd, token.start))
    }

    fn parse_flow_mapping_value(&mut self, empty: bool) -> Result<(Event, Mark)> {
        let mut token = self.peek_brief()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(token.start));
        }
        if token.kind == Tk::Value {
            self.skip_token();
            token = self.peek_brief()?;
            if !matches!(token.kind, Tk::FlowEntry | Tk::FlowMappingEnd) {
                self.states.push(State::FlowMappingKey);
                return self.parse_node(false, false);
            }
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(token.start))
    }

    fn process_directives(&mut self) -> Result<()> {
        let mut version_seen = false;
        let mut own: Vec<(String, String)> = Vec::new();
        loop {
            let token = self.peek_token()?.clone();
            match token.kind {
                TokenKind::VersionDirective { major, minor } => {
                    if version_seen {
                        return Err(parser_error(
                            "found duplicate %YAML directive",
                            token.start,
                            Mark::default(),
                        ));
                    }
                    if major != 1 || minor != 1 {
                        return Err(parser_error(
                            "found incompatible YAML document",
                            token.start,
                            Mark::default(),
                        ));
                    }
                    version_seen = true;
                }
                TokenKind::TagDirective { handle, prefix } => {
                    if own.iter().any(|(h, _)| *h == handle) {
                        return Err(parser_error(
                            "found duplicate %TAG directive",
                            token.start,
                            Mark::default(),
                        ));
                    }
                    own.push((handle.clone(), prefix.clone()));
                    self.tag_directives.push((handle, prefix));
                }
                _ => break,
            }
            self.skip_token();
        }
        for (handle, prefix) in [("!", "!"), ("!!", "tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(h, _)| h == handle) {
                self.tag_directives
                    .push((handle.to_string(), prefix.to_string()));
            }
        }
        Ok(())
    }
}

fn empty_scalar(mark: Mark) -> (Event, Mark) {
    (
        Event::Scalar {
            anchor: None,
            tag: None,
            value: String::new(),
            style: ScalarStyle::Plain,
        },
        mark,
    )
}
