//! Finds the scalar leaves of a YAML values document in its text, with their paths, byte spans
//! and decoded values, so that they can be rewritten without touching comments, key order or
//! layout. Covers block mappings and sequences, flow collections, plain, quoted and block
//! scalars, anchors, aliases and tags; only the first document is read.

use std::ops::Range;

use crate::values::{PathSegment, YamlPath};

/// How a plain or quoted scalar resolves (yaml.v3's core schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// `null`, `~` or empty: left alone by encryption and decryption.
    Null,
    /// A string (quoted, block, or plain text that is not another type).
    Str,
    /// `true` / `false`.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
}

impl ScalarKind {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            ScalarKind::Null => "null",
            ScalarKind::Str => "string",
            ScalarKind::Bool => "bool",
            ScalarKind::Int => "int",
            ScalarKind::Float => "float",
        }
    }
}

/// One scalar leaf (never a mapping key) of the document.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Where the value sits.
    pub path: YamlPath,
    /// The bytes to replace: the scalar and its tag, if any (anchors before it stay).
    pub span: Range<usize>,
    /// How the scalar resolves.
    pub kind: ScalarKind,
    /// The value as werf encrypts it: the decoded string, or Go's `%v` of a number or bool.
    pub text: String,
    /// The indentation of the parent collection in block context; `None` inside a flow
    /// collection (where only single-line scalars fit).
    pub block_indent: Option<usize>,
    /// An anchor that sat between the tag and the scalar, to keep when the span is replaced.
    pub anchor: Option<String>,
}

/// A YAML construct this scanner cannot follow, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Every scalar leaf of the first document of `text`, in document order.
pub fn scan(text: &str) -> std::result::Result<Vec<Leaf>, ScanError> {
    let mut scanner = Scanner {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        leaves: Vec::new(),
    };
    scanner.document()?;
    Ok(scanner.leaves)
}

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    leaves: Vec<Leaf>,
}

/// Node properties found before a node.
#[derive(Default)]
struct Props {
    tag: Option<(usize, String)>,
    anchor_after_tag: Option<String>,
}

type Result<T> = std::result::Result<T, ScanError>;

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

impl<'a> Scanner<'a> {
    fn err<T>(&self, at: usize, message: impl Into<String>) -> Result<T> {
        Err(ScanError {
            line: self.src[..at.min(self.src.len())].matches('\n').count() + 1,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn line_start(&self, pos: usize) -> usize {
        self.src[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    fn column(&self, pos: usize) -> usize {
        pos - self.line_start(pos)
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    /// Whether `i` starts a comment (a `#` at a line start or after a blank).
    fn is_comment_at(&self, i: usize) -> bool {
        self.at(i) == Some(b'#') && (i == 0 || matches!(self.b[i - 1], b' ' | b'\t' | b'\n'))
    }

    /// Whether `pos` is at the end of its line's content (end, newline or comment).
    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') | Some(b'\r') => true,
            Some(b'#') => self.is_comment_at(self.pos),
            _ => false,
        }
    }

    /// Whether `i` is a `-` (or `?`, `:`) indicator followed by a blank or line end.
    fn is_indicator_at(&self, i: usize, indicator: u8) -> bool {
        self.at(i) == Some(indicator)
            && matches!(self.at(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    fn is_document_marker(&self, line_start: usize) -> bool {
        let rest = &self.b[line_start..];
        (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// The start and indentation of the next line with content after the current one, checking
    /// that the rest of the current line is blank or a comment. Does not move.
    fn next_content_line(&self) -> Result<Option<(usize, usize)>> {
        let mut i = self.pos;
        while self.at(i).is_some_and(is_blank) {
            i += 1;
        }
        match self.at(i) {
            None => return Ok(None),
            Some(b'\n' | b'\r') => {}
            Some(b'#') if self.is_comment_at(i) => {}
            Some(_) => return self.err(i, "unexpected text after a value"),
        }
        loop {
            match self.src[i..].find('\n') {
                None => return Ok(None),
                Some(nl) => i += nl + 1,
            }
            let start = i;
            while self.at(i) == Some(b' ') {
                i += 1;
            }
            match self.at(i) {
                None => return Ok(None),
                Some(b'\n' | b'\r') => continue,
                Some(b'#') => continue,
                Some(b'\t') => {
                    // A tab may only follow the indentation on a blank or comment line.
                    let mut j = i;
                    while self.at(j).is_some_and(is_blank) {
                        j += 1;
                    }
                    match self.at(j) {
                        None | Some(b'\n' | b'\r' | b'#') => continue,
                        _ => return self.err(i, "tabs are not allowed in indentation"),
                    }
                }
                Some(_) if self.is_document_marker(start) => return Ok(None),
                Some(_) => return Ok(Some((i, i - start))),
            }
        }
    }

    fn document(&mut self) -> Result<()> {
        // Skip directives and a leading `---`.
        let mut i = 0;
        loop {
            let line_end = self.src[i..].find('\n').map_or(self.src.len(), |n| i + n);
            let line = self.src[i..line_end].trim_matches([' ', '\t', '\r']);
            if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
                if line_end == self.src.len() {
                    return Ok(());
                }
                i = line_end + 1;
                continue;
            }
            if self.is_document_marker(i) && self.b[i] == b'-' {
                self.pos = i + 3;
                self.skip_blanks();
                if self.at_line_end() {
                    match self.next_content_line()? {
                        None => return Ok(()),
                        Some((at, _)) => self.pos = at,
                    }
                }
            } else {
                self.pos = i;
                self.skip_blanks();
            }
            break;
        }
        self.node_here(-1, YamlPath::default(), false)?;
        if let Some((at, _)) = self.next_content_line()? {
            return self.err(at, "unexpected content after the document's root node");
        }
        Ok(())
    }

    /// Parses the value after `key:` or `- ` when the rest of that line is empty: the node is on
    /// the following lines if they are indented deeper than `parent` (or, for a mapping value,
    /// a sequence at the parent's indentation). Otherwise the value is empty (null).
    fn node_below(&mut self, parent: isize, path: YamlPath, seq_at_parent: bool) -> Result<()> {
        if let Some((at, indent)) = self.next_content_line()? {
            let deeper = indent as isize > parent;
            let same_level_seq =
                seq_at_parent && indent as isize == parent && self.is_indicator_at(at, b'-');
            if deeper || same_level_seq {
                self.pos = at;
                return self.node_here(parent, path, false);
            }
        }
        Ok(())
    }

    /// Parses a block node whose first character is at `pos`.
    fn node_here(&mut self, parent: isize, path: YamlPath, after_props: bool) -> Result<()> {
        let mut props = Props::default();
        loop {
            match self.peek() {
                Some(b'&') => {
                    let start = self.pos;
                    self.skip_token();
                    if props.tag.is_some() {
                        props.anchor_after_tag = Some(self.src[start..self.pos].to_owned());
                    }
                }
                Some(b'!') => {
                    let start = self.pos;
                    self.skip_token();
                    props.tag = Some((start, self.src[start..self.pos].to_owned()));
                }
                _ => break,
            }
            self.skip_blanks();
            if self.at_line_end() {
                if after_props {
                    break;
                }
                // `key: &anchor` followed by the node on the next lines.
                return match self.next_content_line()? {
                    Some((at, indent)) if indent as isize > parent => {
                        self.pos = at;
                        self.node_here(parent, path, true)
                    }
                    _ => Ok(()),
                };
            }
        }
        let col = self.column(self.pos);
        match self.peek() {
            None => Ok(()),
            Some(b'*') => {
                self.skip_token();
                Ok(())
            }
            Some(b'-') if self.is_indicator_at(self.pos, b'-') => self.block_seq(col, path),
            Some(b'?') if self.is_indicator_at(self.pos, b'?') => {
                self.err(self.pos, "complex mapping keys (`? `) are not supported")
            }
            Some(b'[' | b'{') => {
                let start = self.pos;
                self.flow_node(&path)?;
                self.check_not_key(start)
            }
            Some(b'|' | b'>') => self.block_scalar(parent, path, props),
            Some(b'"' | b'\'') => {
                let start = self.pos;
                let text = self.quoted()?;
                if self.is_mapping_key_end() {
                    self.pos = start;
                    return self.block_map(col, path);
                }
                self.push_leaf(path, props, start, ScalarKind::Str, text, parent);
                Ok(())
            }
            Some(_) => {
                let start = self.pos;
                let end = self.plain_end(false);
                self.pos = end;
                if self.is_mapping_key_end() {
                    self.pos = start;
                    return self.block_map(col, path);
                }
                let raw = &self.src[start..end];
                self.pos = start + raw.len();
                if let Some((at, indent)) = self.next_content_line()?
                    && indent as isize > parent
                {
                    return self.err(
                        at,
                        "multi-line plain scalars are not supported: quote the value or use a block scalar (|)",
                    );
                }
                let (kind, text) = resolve_plain(raw);
                let kind = if props.tag.is_some() && kind != ScalarKind::Null {
                    tagged_kind(props.tag.as_ref().map(|t| t.1.as_str()), kind)
                } else {
                    kind
                };
                self.push_leaf(path, props, start, kind, text, parent);
                Ok(())
            }
        }
    }

    /// Fails if a flow collection is used as a mapping key.
    fn check_not_key(&mut self, start: usize) -> Result<()> {
        if self.is_mapping_key_end() {
            return self.err(start, "flow collections as mapping keys are not supported");
        }
        Ok(())
    }

    fn push_leaf(
        &mut self,
        path: YamlPath,
        props: Props,
        value_start: usize,
        kind: ScalarKind,
        text: String,
        parent: isize,
    ) {
        let start = props.tag.as_ref().map_or(value_start, |t| t.0);
        self.leaves.push(Leaf {
            path,
            span: start..self.pos,
            kind,
            text,
            block_indent: Some(parent.max(0) as usize),
            anchor: props.anchor_after_tag,
        });
    }

    fn skip_token(&mut self) {
        while self
            .peek()
            .is_some_and(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    /// After a scalar: whether `: ` (or `:` at the line end) follows, making it a mapping key.
    fn is_mapping_key_end(&self) -> bool {
        let mut i = self.pos;
        while self.at(i).is_some_and(is_blank) {
            i += 1;
        }
        self.is_indicator_at(i, b':')
    }

    /// The end of a plain scalar starting at `pos` (exclusive, before trailing blanks).
    fn plain_end(&self, flow: bool) -> usize {
        let mut i = self.pos;
        while let Some(c) = self.at(i) {
            match c {
                b'\n' | b'\r' => break,
                b'#' if i > self.pos && is_blank(self.b[i - 1]) => break,
                b':' if matches!(self.at(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                    break;
                }
                b':' if flow && matches!(self.at(i + 1), Some(b',' | b']' | b'}')) => break,
                b',' | b']' | b'}' | b'[' | b'{' if flow => break,
                _ => i += 1,
            }
        }
        while i > self.pos && is_blank(self.b[i - 1]) {
            i -= 1;
        }
        i
    }

    fn block_map(&mut self, col: usize, path: YamlPath) -> Result<()> {
        loop {
            let key = match self.peek() {
                Some(b'"' | b'\'') => self.quoted()?,
                Some(b'?') if self.is_indicator_at(self.pos, b'?') => {
                    return self.err(self.pos, "complex mapping keys (`? `) are not supported");
                }
                Some(b'[' | b'{') => {
                    return self.err(
                        self.pos,
                        "flow collections as mapping keys are not supported",
                    );
                }
                _ => {
                    let start = self.pos;
                    self.pos = self.plain_end(false);
                    self.src[start..self.pos].to_owned()
                }
            };
            self.skip_blanks();
            if !self.is_indicator_at(self.pos, b':') {
                return self.err(self.pos, "expected `:` after a mapping key");
            }
            self.pos += 1;
            self.skip_blanks();
            let child = path.child(PathSegment::Key(key));
            if self.at_line_end() {
                self.node_below(col as isize, child, true)?;
            } else {
                self.node_here(col as isize, child, false)?;
            }
            match self.next_content_line()? {
                Some((at, indent)) if indent == col => {
                    if self.is_indicator_at(at, b'-') {
                        return self.err(at, "a sequence entry where a mapping key was expected");
                    }
                    self.pos = at;
                }
                Some((at, indent)) if indent > col => {
                    return self.err(at, "bad indentation of a mapping entry");
                }
                _ => return Ok(()),
            }
        }
    }

    fn block_seq(&mut self, col: usize, path: YamlPath) -> Result<()> {
        let mut index = 0;
        loop {
            self.pos += 1;
            self.skip_blanks();
            let child = path.child(PathSegment::Index(index));
            if self.at_line_end() {
                self.node_below(col as isize, child, false)?;
            } else {
                self.node_here(col as isize, child, false)?;
            }
            index += 1;
            match self.next_content_line()? {
                Some((at, indent)) if indent == col && self.is_indicator_at(at, b'-') => {
                    self.pos = at;
                }
                Some((at, indent)) if indent > col => {
                    return self.err(at, "bad indentation of a sequence entry");
                }
                _ => return Ok(()),
            }
        }
    }

    /// A block scalar (`|` or `>`) whose indicator is at `pos`; `parent` is the indentation of
    /// the collection holding it.
    fn block_scalar(&mut self, parent: isize, path: YamlPath, props: Props) -> Result<()> {
        let start = self.pos;
        let folded = self.b[self.pos] == b'>';
        self.pos += 1;
        let mut chomp = b' ';
        let mut explicit_indent = None;
        while let Some(c) = self.peek() {
            match c {
                b'+' | b'-' => chomp = c,
                b'1'..=b'9' => explicit_indent = Some(usize::from(c - b'0')),
                _ => break,
            }
            self.pos += 1;
        }
        self.skip_blanks();
        if !self.at_line_end() {
            return self.err(self.pos, "unexpected text after a block scalar header");
        }
        let base = parent.max(0) as usize;
        let min_indent = if parent < 0 { 0 } else { base + 1 };
        // Collect the content lines.
        let mut lines: Vec<&str> = Vec::new();
        let mut content_indent = explicit_indent.map(|d| if parent < 0 { d } else { base + d });
        let mut end = self.pos;
        let mut i = match self.src[self.pos..].find('\n') {
            Some(nl) => self.pos + nl + 1,
            None => self.src.len(),
        };
        let mut pending_empty = 0;
        while i < self.src.len() {
            let line_end = self.src[i..].find('\n').map_or(self.src.len(), |n| i + n);
            let line = self.src[i..line_end].trim_end_matches('\r');
            let indent = line.len() - line.trim_start_matches(' ').len();
            if line.trim_matches([' ', '\t']).is_empty() {
                pending_empty += 1;
                i = line_end + 1;
                continue;
            }
            let needed = *content_indent.get_or_insert(indent.max(min_indent));
            if indent < needed || indent < min_indent || self.is_document_marker(i) {
                break;
            }
            lines.extend(std::iter::repeat_n("", pending_empty));
            pending_empty = 0;
            lines.push(&line[needed..]);
            end = i + line.len();
            i = line_end + 1;
        }
        self.pos = end;
        let mut text = if folded {
            fold_lines(&lines)
        } else {
            lines.join("\n")
        };
        match chomp {
            b'-' => {}
            b'+' => text.push_str(&"\n".repeat(pending_empty + usize::from(!lines.is_empty()))),
            _ if !lines.is_empty() => text.push('\n'),
            _ => {}
        }
        self.push_leaf(path, props, start, ScalarKind::Str, text, parent);
        Ok(())
    }

    /// A single- or double-quoted scalar at `pos`; leaves `pos` after the closing quote.
    fn quoted(&mut self) -> Result<String> {
        let start = self.pos;
        let quote = self.b[self.pos];
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err(start, "unterminated quoted scalar");
            };
            match c {
                b'\'' if quote == b'\'' => {
                    if self.at(self.pos + 1) == Some(b'\'') {
                        out.push('\'');
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        return Ok(out);
                    }
                }
                b'"' if quote == b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' if quote == b'"' => self.escape(&mut out)?,
                b'\n' | b'\r' => self.fold_quoted_break(&mut out),
                _ => {
                    let ch = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    /// A line break inside a quoted scalar: trailing blanks go, one break becomes a space,
    /// each further empty line a newline.
    fn fold_quoted_break(&mut self, out: &mut String) {
        while out.ends_with([' ', '\t']) {
            out.pop();
        }
        let mut breaks = 0;
        while let Some(c) = self.peek() {
            match c {
                b'\n' => {
                    breaks += 1;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
        if breaks <= 1 {
            out.push(' ');
        } else {
            out.push_str(&"\n".repeat(breaks - 1));
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let at = self.pos;
        let Some(c) = self.at(self.pos + 1) else {
            return self.err(at, "unterminated escape");
        };
        self.pos += 2;
        let simple = match c {
            b'0' => Some('\0'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\u{b}'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return Ok(());
        }
        let digits = match c {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            b'\n' | b'\r' => {
                // An escaped line break: the next line's leading blanks are dropped.
                while self
                    .peek()
                    .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.pos += 1;
                }
                return Ok(());
            }
            _ => return self.err(at, "unknown escape in a double-quoted scalar"),
        };
        let hex = self.src.get(self.pos..self.pos + digits).unwrap_or("");
        let ch = u32::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.len() == digits)
            .and_then(char::from_u32);
        match ch {
            Some(ch) => {
                out.push(ch);
                self.pos += digits;
                Ok(())
            }
            None => self.err(at, "bad escape in a double-quoted scalar"),
        }
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    fn skip_flow_space(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'#') if self.is_comment_at(self.pos) => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// A flow collection at `pos` (`[` or `{`); leaves `pos` after its closing bracket.
    fn flow_node(&mut self, path: &YamlPath) -> Result<()> {
        let open = self.pos;
        let is_map = self.b[self.pos] == b'{';
        let close = if is_map { b'}' } else { b']' };
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_flow_space();
            match self.peek() {
                None => return self.err(open, "unterminated flow collection"),
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => {}
            }
            let child = if is_map {
                let key = match self.peek() {
                    Some(b'"' | b'\'') => self.quoted()?,
                    _ => {
                        let start = self.pos;
                        self.pos = self.plain_end(true);
                        self.src[start..self.pos].to_owned()
                    }
                };
                self.skip_flow_space();
                if self.peek() != Some(b':') {
                    return self.err(self.pos, "expected `:` in a flow mapping");
                }
                self.pos += 1;
                path.child(PathSegment::Key(key))
            } else {
                path.child(PathSegment::Index(index))
            };
            index += 1;
            self.skip_flow_space();
            self.flow_value(child)?;
            self.skip_flow_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                Some(b':') => {
                    return self.err(
                        self.pos,
                        "single-pair mappings in flow sequences are not supported",
                    );
                }
                _ => return self.err(self.pos, "expected `,` or the end of the flow collection"),
            }
        }
    }

    fn flow_value(&mut self, path: YamlPath) -> Result<()> {
        let mut props = Props::default();
        while let Some(c @ (b'&' | b'!')) = self.peek() {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}'))
            {
                self.pos += 1;
            }
            if c == b'!' {
                props.tag = Some((start, self.src[start..self.pos].to_owned()));
            } else if props.tag.is_some() {
                props.anchor_after_tag = Some(self.src[start..self.pos].to_owned());
            }
            self.skip_flow_space();
        }
        let start = self.pos;
        let (kind, text) = match self.peek() {
            Some(b'[' | b'{') => return self.flow_node(&path),
            Some(b'*') => {
                self.pos = self.plain_end(true);
                return Ok(());
            }
            Some(b'"' | b'\'') => (ScalarKind::Str, self.quoted()?),
            Some(b',' | b']' | b'}') => return Ok(()),
            _ => {
                self.pos = self.plain_end(true);
                let (kind, text) = resolve_plain(&self.src[start..self.pos]);
                (
                    tagged_kind(props.tag.as_ref().map(|t| t.1.as_str()), kind),
                    text,
                )
            }
        };
        let span_start = props.tag.as_ref().map_or(start, |t| t.0);
        self.leaves.push(Leaf {
            path,
            span: span_start..self.pos,
            kind,
            text,
            block_indent: None,
            anchor: props.anchor_after_tag,
        });
        Ok(())
    }
}

/// Folded block scalar content (`>`): single breaks between normal lines become spaces.
fn fold_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut pending_empty = 0;
    let mut prev: Option<bool> = None; // Some(more_indented) of the previous text line
    for line in lines {
        if line.is_empty() {
            pending_empty += 1;
            continue;
        }
        let more = line.starts_with([' ', '\t']);
        match prev {
            None => out.push_str(&"\n".repeat(pending_empty)),
            Some(prev_more) if !more && !prev_more => {
                if pending_empty == 0 {
                    out.push(' ');
                } else {
                    out.push_str(&"\n".repeat(pending_empty));
                }
            }
            Some(_) => out.push_str(&"\n".repeat(pending_empty + 1)),
        }
        out.push_str(line);
        prev = Some(more);
        pending_empty = 0;
    }
    out
}

/// The kind a tag forces (`!!str 1` is a string); other tags keep the resolved kind.
fn tagged_kind(tag: Option<&str>, resolved: ScalarKind) -> ScalarKind {
    match tag {
        Some("!!str" | "!!binary") => ScalarKind::Str,
        _ => resolved,
    }
}

/// Resolves a plain scalar as yaml.v3 does, returning the text werf would encrypt (Go's `%v`).
pub fn resolve_plain(raw: &str) -> (ScalarKind, String) {
    match raw {
        "" | "~" | "null" | "Null" | "NULL" => return (ScalarKind::Null, String::new()),
        "true" | "True" | "TRUE" => return (ScalarKind::Bool, "true".into()),
        "false" | "False" | "FALSE" => return (ScalarKind::Bool, "false".into()),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return (ScalarKind::Float, "+Inf".into());
        }
        "-.inf" | "-.Inf" | "-.INF" => return (ScalarKind::Float, "-Inf".into()),
        ".nan" | ".NaN" | ".NAN" => return (ScalarKind::Float, "NaN".into()),
        _ => {}
    }
    if let Some(int) = parse_int(raw) {
        return (ScalarKind::Int, int.to_string());
    }
    if is_float(raw)
        && let Ok(float) = raw.parse::<f64>()
    {
        return (ScalarKind::Float, go_float(float));
    }
    (ScalarKind::Str, raw.to_owned())
}

fn parse_int(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.as_bytes().first()? {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        (2, bin)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

fn is_float(raw: &str) -> bool {
    let s = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int_part) && digits(f) && !(int_part.is_empty() && f.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Go's `%v` of a float64: shortest representation, exponent form below 1e-4 and from 1e21.
pub fn go_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{value:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..21).contains(&exp) {
        format!("{value}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}
