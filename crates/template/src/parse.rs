//! The parser: Go's `text/template/parse/parse.go`, with Go's error messages and lines.

use crate::error::ParseError;
use crate::lex::{Item, ItemType, Lexer, MAX_INPUT};
use crate::node::{Arg, Branch, Command, Node, Number, Pipe, Span, Tree, Variable, shown};
use crate::strconv;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::sync::Arc;

/// Go's `maxStackDepth`: how deeply parenthesised pipelines (and, here, control structures)
/// may nest.
pub(crate) const MAX_STACK_DEPTH: usize = 10000;

/// Stack space kept free before recursing (the rest is allocated on demand).
const RED_ZONE: usize = 64 * 1024;
/// Size of each extra stack segment.
const STACK_SEGMENT: usize = 1024 * 1024;

type PResult<T> = Result<T, ParseError>;

/// The result of parsing one text: the top-level tree and the trees it `define`s or
/// `block`s, in definition order (Go's `treeSet`).
pub(crate) struct Parsed {
    pub trees: Vec<Tree>,
}

/// Per-tree parser state (Go's `Tree` fields used while parsing).
struct TreeState<'a> {
    /// Names of the variables in scope.
    vars: Vec<&'a str>,
    action_line: usize,
    range_depth: usize,
    stack_depth: usize,
}

impl TreeState<'_> {
    /// The state at the start of a tree: only `$` in scope.
    fn new() -> Self {
        TreeState {
            vars: vec!["$"],
            action_line: 0,
            range_depth: 0,
            stack_depth: 0,
        }
    }
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    /// The text being parsed (token values are slices of it).
    src: &'a str,
    token: [Item; 3],
    peek_count: usize,
    st: TreeState<'a>,
    has_func: &'f dyn Fn(&str) -> bool,
    parse_name: Arc<str>,
    text: Arc<str>,
    left: Arc<str>,
    right: Arc<str>,
    trees: Vec<Tree>,
    /// String literal values seen so far, shared between nodes.
    strings: FxHashMap<&'a str, Arc<str>>,
    /// The nodes of every list being parsed, innermost list last; a finished list moves out
    /// in one allocation of its exact size.
    nodes: Vec<Node>,
    /// Nesting depth reached by the current tree.
    depth: usize,
    max_depth: usize,
}

/// Parses `text` as template `name` (Go's `parse.Parse`).
pub(crate) fn parse(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> Result<Parsed, ParseError> {
    if text.len() > MAX_INPUT {
        return Err(ParseError {
            name: name.to_owned(),
            line: 1,
            message: format!(
                "template text of {} bytes is over the limit of {MAX_INPUT}",
                text.len()
            ),
        });
    }
    let left = if left.is_empty() { "{{" } else { left };
    let right = if right.is_empty() { "}}" } else { right };
    let mut lex = Lexer::new(text, left, right);
    lex.break_ok = !has_func("break");
    lex.continue_ok = !has_func("continue");
    let mut p = Parser {
        lex,
        src: text,
        token: [Item::eof(); 3],
        peek_count: 0,
        st: TreeState::new(),
        has_func,
        parse_name: Arc::from(name),
        text: Arc::from(text),
        left: Arc::from(left),
        right: Arc::from(right),
        trees: Vec::new(),
        strings: FxHashMap::default(),
        nodes: Vec::new(),
        depth: 0,
        max_depth: 0,
    };
    let root = p.parse_top()?;
    let tree = p.make_tree(Arc::from(name), root);
    p.add(tree)?;
    Ok(Parsed { trees: p.trees })
}

/// Go's `IsEmptyTree` for a node list.
pub(crate) fn is_empty_tree(text: &str, nodes: &[Node]) -> bool {
    nodes.iter().all(|n| match n {
        Node::Text { pos, end } => text[*pos..*end].trim_matches(is_go_space).is_empty(),
        _ => false,
    })
}

/// Go's `bytes.TrimSpace` space set (Unicode white space).
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

impl<'a> Parser<'a, '_> {
    /// A shared copy of the string literal value `s` (values repeat a lot).
    fn intern(&mut self, s: &'a str) -> Arc<str> {
        self.strings
            .entry(s)
            .or_insert_with(|| Arc::from(s))
            .clone()
    }

    /// A variable node for a variable token (`$x`); field tokens may extend it later.
    fn new_variable(&self, item: &Item) -> Variable {
        Variable {
            pos: item.pos(),
            path: item.span(),
        }
    }

    /// The input text of a (non-error) token, with the input's lifetime.
    fn token_text(&self, item: &Item) -> &'a str {
        item.text(self.src)
    }

    fn make_tree(&mut self, name: Arc<str>, root: Vec<Node>) -> Tree {
        let depth = std::mem::take(&mut self.max_depth);
        Tree {
            name,
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            left_delim: self.left.clone(),
            right_delim: self.right.clone(),
            root,
            depth,
        }
    }

    /// Go's `Tree.add`: installs a tree, refusing a second non-empty definition.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == tree.name) {
            if is_empty_tree(&self.text, &self.trees[i].root) {
                self.trees[i] = tree;
                return Ok(());
            }
            if !is_empty_tree(&self.text, &tree.root) {
                return Err(self.error(format!(
                    "template: multiple definition of template {}",
                    slipway_value::fmt::quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    // ---- tokens ----

    fn next(&mut self) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1];
        }
        self.peek_count = 1;
        let item = self.lex.next_item();
        self.token[0] = item;
        item
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    // ---- errors ----

    fn error(&self, msg: String) -> ParseError {
        let line = self.token[0].line();
        ParseError {
            name: self.parse_name.to_string(),
            line,
            message: msg,
        }
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item, context: &str) -> ParseError {
        if token.typ == ItemType::Error {
            let message = self.lex.error_message();
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line() {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.st.action_line
                );
                if message.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.error(format!("{message}{extra}"));
        }
        self.error(format!(
            "unexpected {} in {context}",
            token.describe(self.src)
        ))
    }

    fn enter(&mut self) -> PResult<()> {
        self.st.stack_depth += 1;
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        if self.st.stack_depth > MAX_STACK_DEPTH {
            return Err(self.error("max expression depth exceeded".into()));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.st.stack_depth -= 1;
        self.depth -= 1;
    }

    // ---- grammar ----

    /// Go's `Tree.parse`: the top level, including `{{define}}`.
    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let start = self.nodes.len();
        let res = self.parse_top_nodes();
        let root = self.nodes.drain(start..).collect();
        res.map(|()| root)
    }

    fn parse_top_nodes(&mut self) -> PResult<()> {
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let outer = {
                        let fresh = TreeState::new();
                        std::mem::replace(&mut self.st, fresh)
                    };
                    let outer_depth = std::mem::take(&mut self.max_depth);
                    let res = self.parse_definition();
                    self.st = outer;
                    self.max_depth = outer_depth;
                    res?;
                    continue;
                }
                self.backup2(delim);
            }
            let n = self.text_or_action()?;
            match n {
                Parsed1::End => return Err(self.error(format!("unexpected {}", self.end_str()))),
                Parsed1::Else(_) => {
                    return Err(self.error(format!("unexpected {}", self.else_str())));
                }
                Parsed1::Node(n) => self.nodes.push(n),
            }
        }
        Ok(())
    }

    fn end_str(&self) -> String {
        format!("{}end{}", self.left, self.right)
    }

    fn else_str(&self) -> String {
        format!("{}else{}", self.left, self.right)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name = self.next_non_space();
        if name.typ != ItemType::String && name.typ != ItemType::RawString {
            return Err(self.unexpected(&name, context));
        }
        let tname = strconv::unquote(self.token_text(&name)).map_err(|e| self.error(e.into()))?;
        let tname: &str = &tname;
        self.expect(ItemType::RightDelim, context)?;
        let (list, end) = self.item_list()?;
        if !matches!(end, Parsed1::End) {
            return Err(self.error(format!("unexpected {} in {context}", self.parsed_str(&end))));
        }
        let tree = self.make_tree(Arc::from(tname), list);
        self.add(tree)
    }

    fn parsed_str(&self, p: &Parsed1) -> String {
        match p {
            Parsed1::Else(_) => self.else_str(),
            _ => self.end_str(),
        }
    }

    /// Go's `itemList`: nodes up to `{{end}}` or `{{else}}` (returned separately).
    fn item_list(&mut self) -> PResult<(Vec<Node>, Parsed1)> {
        let start = self.nodes.len();
        let end = self.item_list_nodes();
        let list = self.nodes.drain(start..).collect();
        end.map(|end| (list, end))
    }

    fn item_list_nodes(&mut self) -> PResult<Parsed1> {
        while self.peek_non_space().typ != ItemType::Eof {
            let n = self.text_or_action()?;
            match n {
                Parsed1::End | Parsed1::Else(_) => return Ok(n),
                Parsed1::Node(n) => self.nodes.push(n),
            }
        }
        Err(self.error("unexpected EOF".into()))
    }

    fn text_or_action(&mut self) -> PResult<Parsed1> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed1::Node(Node::Text {
                pos: token.pos(),
                end: token.end(),
            })),
            ItemType::LeftDelim => {
                self.st.action_line = token.line();
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed1> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control().map(Parsed1::Node),
            ItemType::Break => return self.break_control(token.pos(), "break"),
            ItemType::Continue => return self.break_control(token.pos(), "continue"),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed1::End);
            }
            ItemType::If => return self.if_control().map(Parsed1::Node),
            ItemType::Range => {
                return stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                    let b = self.parse_control("range")?;
                    Ok(Parsed1::Node(Node::Range(Box::new(b))))
                });
            }
            ItemType::Template => return self.template_control().map(Parsed1::Node),
            ItemType::With => return self.with_control().map(Parsed1::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed1::Node(Node::Action {
            pos: token.pos(),
            pipe,
        }))
    }

    fn break_control(&mut self, pos: usize, word: &str) -> PResult<Parsed1> {
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return Err(self.unexpected(&token, &format!("{{{{{word}}}}}")));
        }
        if self.st.range_depth == 0 {
            return Err(self.error(format!("{{{{{word}}}}} outside {{{{range}}}}")));
        }
        Ok(Parsed1::Node(if word == "break" {
            Node::Break { pos }
        } else {
            Node::Continue { pos }
        }))
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos(),
            is_assign: false,
            decl: Vec::new(),
            cmds: SmallVec::new(),
        };
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let token_after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                let var = self.new_variable(&v);
                let src = self.src;
                self.st.vars.push(var.name(src));
                pipe.decl.push(var);
                break;
            } else if next.typ == ItemType::Char && self.token_text(&next) == "," {
                self.next_non_space();
                let var = self.new_variable(&v);
                let src = self.src;
                self.st.vars.push(var.name(src));
                pipe.decl.push(var);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue;
                        }
                        _ => {
                            return Err(self.error("range can only initialize variables".into()));
                        }
                    }
                }
                return Err(self.error(format!("too many declarations in {context}")));
            } else if token_after.typ == ItemType::Space {
                self.backup3(v, token_after);
                break;
            } else {
                self.backup2(v);
                break;
            }
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            ) {
                return Err(self.error(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn parse_control(&mut self, context: &str) -> PResult<Branch> {
        self.enter()?;
        let saved_vars = self.st.vars.len();
        let res = self.parse_control_inner(context);
        self.st.vars.truncate(saved_vars);
        self.leave();
        res
    }

    fn parse_control_inner(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        if let Parsed1::Else(else_pos) = next {
            if context == "if" && self.peek().typ == ItemType::If {
                self.next();
                let _ = else_pos;
                else_list = Some(vec![self.if_control()?]);
            } else if context == "with" && self.peek().typ == ItemType::With {
                self.next();
                else_list = Some(vec![self.with_control()?]);
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, Parsed1::End) {
                    return Err(
                        self.error(format!("expected end; found {}", self.parsed_str(&next)))
                    );
                }
                else_list = Some(list);
            }
        }
        Ok(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn if_control(&mut self) -> PResult<Node> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            Ok(Node::If(Box::new(self.parse_control("if")?)))
        })
    }

    fn with_control(&mut self) -> PResult<Node> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            Ok(Node::With(Box::new(self.parse_control("with")?)))
        })
    }

    fn else_control(&mut self) -> PResult<Parsed1> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed1::Else(peek.pos()));
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed1::Else(token.pos()))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        let outer = {
            let fresh = TreeState::new();
            std::mem::replace(&mut self.st, fresh)
        };
        let outer_depth = std::mem::take(&mut self.max_depth);
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.item_list());
        let res = res.and_then(|(list, end)| {
            if !matches!(end, Parsed1::End) {
                return Err(
                    self.error(format!("unexpected {} in {context}", self.parsed_str(&end)))
                );
            }
            let tree = self.make_tree(Arc::from(name.as_str()), list);
            self.add(tree)
        });
        self.st = outer;
        self.max_depth = outer_depth;
        res?;
        Ok(Node::Template {
            pos: token.pos(),
            name: Arc::from(name),
            pipe: Some(pipe),
        })
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos(),
            name: Arc::from(name),
            pipe,
        })
    }

    fn parse_template_name(&self, token: &Item, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => strconv::unquote(token.text(self.src))
                .map(Cow::into_owned)
                .map_err(|e| self.error(e.into())),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos();
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.error("empty command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        // Field tokens follow each other without spaces: the chain is one span of the text.
        let chain_pos = self.peek().pos();
        let mut end = chain_pos;
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            end = f.end();
        }
        Ok(Some(match node {
            Arg::Field { path, .. } => Arg::Field {
                pos: chain_pos,
                path: Span {
                    start: path.start,
                    end,
                },
            },
            Arg::Variable(v) => Arg::Variable(Variable {
                pos: chain_pos,
                path: Span {
                    start: v.path.start,
                    end,
                },
            }),
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return Err(self.error(format!(
                    "unexpected . after term {}",
                    slipway_value::fmt::quote(&shown(self.src, &node).to_string())
                )));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields: Span {
                    start: chain_pos + 1,
                    end,
                },
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos();
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !(self.has_func)(self.token_text(&token)) {
                    return Err(self.error(format!(
                        "function {} not defined",
                        slipway_value::fmt::quote(self.token_text(&token))
                    )));
                }
                Arg::Identifier {
                    pos,
                    name: token.span(),
                }
            }
            ItemType::Dot => Arg::Dot { pos },
            ItemType::Nil => Arg::Nil { pos },
            ItemType::Variable => {
                let v = self.new_variable(&token);
                let name = v.name(self.src);
                if !self.st.vars.contains(&name) {
                    return Err(self.error(format!(
                        "undefined variable {}",
                        slipway_value::fmt::quote(name)
                    )));
                }
                Arg::Variable(v)
            }
            ItemType::Field => Arg::Field {
                pos,
                path: Span {
                    start: pos + 1,
                    end: token.end(),
                },
            },
            ItemType::Bool => Arg::Bool {
                pos,
                val: self.token_text(&token) == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let num = new_number(self.token_text(&token), token.span(), token.typ)
                    .map_err(|e| self.error(e))?;
                Arg::Number {
                    pos,
                    num: Box::new(num),
                }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                    self.pipeline("parenthesized pipeline", ItemType::RightParen)
                });
                self.leave();
                Arg::Pipe(Box::new(res?))
            }
            ItemType::String | ItemType::RawString => {
                let quoted = self.token_text(&token);
                let text = match strconv::unquote(quoted).map_err(|e| self.error(e.into()))? {
                    Cow::Borrowed(text) => self.intern(text),
                    Cow::Owned(text) => Arc::from(text),
                };
                Arg::String {
                    pos,
                    quoted: token.span(),
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// What one step of the item-list parser produced.
enum Parsed1 {
    Node(Node),
    End,
    Else(usize),
}

/// Go's `newNumber`: every type that can represent the literal.
fn new_number(text: &str, span: Span, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: span,
        int: None,
        is_uint: false,
        float: None,
        complex: None,
    };
    match typ {
        ItemType::CharConstant => {
            let (c, tail) = strconv::unquote_char(&text[1..], '\'').map_err(|e| e.to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int = Some(c as i64);
            n.is_uint = true;
            n.float = Some(f64::from(c as u32));
            return Ok(n);
        }
        ItemType::Complex => {
            let c = parse_complex(text).ok_or_else(|| "expected integer".to_string())?;
            n.complex = Some(c);
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(stripped) = text.strip_suffix('i')
        && let Some(f) = strconv::parse_float(stripped)
    {
        n.complex = Some((0.0, f));
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = strconv::parse_uint(text);
    if u.is_some() {
        n.is_uint = true;
    }
    if let Some(i) = strconv::parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            n.is_uint = true;
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = u {
        n.float = Some(u as f64);
    } else if let Some(f) = strconv::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                slipway_value::fmt::quote(text)
            ));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            n.int = Some(f as i64);
        }
        if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            n.is_uint = true;
        }
    }
    if n.int.is_none() && !n.is_uint && n.float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            slipway_value::fmt::quote(text)
        ));
    }
    Ok(n)
}

/// Parses `a+bi` / `a-bi`.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let split = body
        .char_indices()
        .skip(1)
        .filter(|&(i, c)| {
            (c == '+' || c == '-') && !matches!(body.as_bytes()[i - 1], b'e' | b'E' | b'p' | b'P')
        })
        .map(|(i, _)| i)
        .last()?;
    let re = strconv::parse_float(&body[..split])?;
    let im = strconv::parse_float(&body[split..])?;
    Some((re, im))
}

fn simplify_complex(n: &mut Number) {
    let Some((re, im)) = n.complex else { return };
    if im == 0.0 {
        n.float = Some(re);
        if re.fract() == 0.0 && re.abs() < 9.2e18 {
            n.int = Some(re as i64);
        }
        n.is_uint = re.fract() == 0.0 && (0.0..1.8e19).contains(&re);
    }
}
