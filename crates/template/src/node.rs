//! The parse tree (Go's `text/template/parse/node.go`) and its Go `String()` forms, which
//! appear in execution errors (`at <.X.y>`).

use smallvec::SmallVec;
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// One parsed template: its name, the text it came from and its nodes.
#[derive(Debug)]
pub struct Tree {
    /// The template's name (a `define` name, or the name it was parsed under).
    pub name: Arc<str>,
    /// The name of the top-level template being parsed (positions in errors use it).
    pub parse_name: Arc<str>,
    /// The whole text this tree was parsed from (shared with trees defined in it).
    pub(crate) text: Arc<str>,
    /// Left delimiter used when parsing (for printing).
    pub(crate) left_delim: Arc<str>,
    /// Right delimiter used when parsing (for printing).
    pub(crate) right_delim: Arc<str>,
    /// The top-level nodes.
    pub(crate) root: Vec<Node>,
    /// How deeply nodes nest (used to drop very deep trees safely).
    pub(crate) depth: usize,
}

impl Drop for Tree {
    fn drop(&mut self) {
        // Dropping deeply nested nodes recurses; give very deep trees a fresh stack.
        if self.depth > 64 {
            let root = std::mem::take(&mut self.root);
            stacker::grow(self.depth.saturating_mul(1024).max(1 << 20), move || {
                drop(root)
            });
        }
    }
}

/// A control or text node of a template body.
#[derive(Debug)]
pub(crate) enum Node {
    /// Text: the bytes `pos..end` of the tree's text.
    Text {
        pos: usize,
        end: usize,
    },
    Action {
        pos: usize,
        pipe: Pipe,
    },
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Template {
        pos: usize,
        name: Arc<str>,
        pipe: Option<Pipe>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
}

/// The common shape of `if`, `range` and `with`.
#[derive(Debug)]
pub(crate) struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline with its optional variable declarations.
#[derive(Debug)]
pub(crate) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<Variable>,
    /// The commands; almost every pipeline has one (no allocation for it).
    pub cmds: SmallVec<[Command; 1]>,
}

/// A byte range of the tree's text: names, paths and literals stay in the text they were
/// parsed from instead of being copied out of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The spanned part of `text` (the tree's text).
    pub fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// A `$name` (possibly with fields) node.
#[derive(Debug)]
pub(crate) struct Variable {
    pub pos: usize,
    /// The whole reference: `$x` or `$x.a.b`.
    pub path: Span,
}

impl Variable {
    /// The variable's name (`$x`).
    pub fn name<'t>(&self, text: &'t str) -> &'t str {
        let path = self.path.of(text);
        path.split_once('.').map_or(path, |(name, _)| name)
    }

    /// The fields after the name (`a.b`), if any.
    pub fn fields<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.path.of(text).split_once('.').map(|(_, fields)| fields)
    }
}

/// One command of a pipeline: operands separated by spaces.
#[derive(Debug)]
pub(crate) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// A number literal with every Go type that can represent it.
#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub text: Span,
    pub int: Option<i64>,
    pub is_uint: bool,
    pub float: Option<f64>,
    pub complex: Option<(f64, f64)>,
}

/// An operand.
#[derive(Debug)]
pub(crate) enum Arg {
    Field {
        pos: usize,
        /// The field names after the leading dot: `a.b` for `.a.b`.
        path: Span,
    },
    Chain {
        pos: usize,
        node: Box<Arg>,
        /// The field names after the node's first dot: `a.b` for `(x).a.b`.
        fields: Span,
    },
    Identifier {
        pos: usize,
        name: Span,
    },
    Variable(Variable),
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Bool {
        pos: usize,
        val: bool,
    },
    Number {
        pos: usize,
        num: Box<Number>,
    },
    String {
        pos: usize,
        quoted: Span,
        text: Arc<str>,
    },
    Pipe(Box<Pipe>),
}

impl Arg {
    /// Byte position in the template text.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

/// How text nodes print: Go's `%s` (templates) or `%q` (Go's parse tests).
#[derive(Clone, Copy)]
pub(crate) struct Printer<'a> {
    pub quote_text: bool,
    /// The tree's text (text nodes are ranges of it).
    pub text: &'a str,
    pub left: &'a str,
    pub right: &'a str,
}

impl Printer<'_> {
    pub fn list(&self, out: &mut String, nodes: &[Node]) {
        for n in nodes {
            self.node(out, n);
        }
    }

    pub fn node(&self, out: &mut String, node: &Node) {
        match node {
            Node::Text { pos, end } => {
                let text = &self.text[*pos..*end];
                if self.quote_text {
                    out.push_str(&slipway_value::fmt::quote(text));
                } else {
                    out.push_str(text);
                }
            }
            Node::Action { pipe, .. } => {
                out.push_str(self.left);
                let _ = write!(out, "{}", shown(self.text, pipe));
                out.push_str(self.right);
            }
            Node::If(b) => self.branch(out, "if", b),
            Node::Range(b) => self.branch(out, "range", b),
            Node::With(b) => self.branch(out, "with", b),
            Node::Template { name, pipe, .. } => {
                out.push_str(self.left);
                out.push_str("template ");
                out.push_str(&slipway_value::fmt::quote(name));
                if let Some(p) = pipe {
                    let _ = write!(out, " {}", shown(self.text, p));
                }
                out.push_str(self.right);
            }
            Node::Break { .. } => {
                out.push_str(self.left);
                out.push_str("break");
                out.push_str(self.right);
            }
            Node::Continue { .. } => {
                out.push_str(self.left);
                out.push_str("continue");
                out.push_str(self.right);
            }
        }
    }

    fn branch(&self, out: &mut String, name: &str, b: &Branch) {
        let pipe = shown(self.text, &b.pipe);
        let _ = write!(out, "{}{name} {pipe}{}", self.left, self.right);
        self.list(out, &b.list);
        if let Some(else_list) = &b.else_list {
            let _ = write!(out, "{}else{}", self.left, self.right);
            self.list(out, else_list);
        }
        let _ = write!(out, "{}end{}", self.left, self.right);
    }
}

/// A node together with the text its spans point into: prints as Go's `String()` of the node.
pub(crate) struct Shown<'a, T> {
    text: &'a str,
    node: &'a T,
}

/// `node` printable with `text`, the text of the tree it belongs to.
pub(crate) fn shown<'a, T>(text: &'a str, node: &'a T) -> Shown<'a, T> {
    Shown { text, node }
}

impl fmt::Display for Shown<'_, Pipe> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pipe = self.node;
        if !pipe.decl.is_empty() {
            for (i, v) in pipe.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", shown(self.text, v))?;
            }
            f.write_str(if pipe.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in pipe.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{}", shown(self.text, c))?;
        }
        Ok(())
    }
}

impl fmt::Display for Shown<'_, Command> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.node.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({})", shown(self.text, &**p))?;
            } else {
                write!(f, "{}", shown(self.text, arg))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Shown<'_, Variable> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.node.path.of(self.text))
    }
}

impl fmt::Display for Shown<'_, Arg> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text;
        match self.node {
            Arg::Field { path, .. } => write!(f, ".{}", path.of(text)),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    write!(f, "({})", shown(text, &**p))?;
                } else {
                    write!(f, "{}", shown(text, &**node))?;
                }
                write!(f, ".{}", fields.of(text))
            }
            Arg::Identifier { name, .. } => f.write_str(name.of(text)),
            Arg::Variable(v) => f.write_str(v.path.of(text)),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { val, .. } => f.write_str(if *val { "true" } else { "false" }),
            Arg::Number { num, .. } => f.write_str(num.text.of(text)),
            Arg::String { quoted, .. } => f.write_str(quoted.of(text)),
            Arg::Pipe(p) => write!(f, "{}", shown(text, &**p)),
        }
    }
}
