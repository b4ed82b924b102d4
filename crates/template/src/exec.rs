//! The executor: Go's `text/template/exec.go` over [`Value`]s.
//!
//! Go distinguishes an *invalid* value (a missing map key, `<no value>`) from a nil
//! interface; here `Val::v == None` is the invalid value and `Some(Value::Nil)` the nil
//! interface. `Val::iface` records that a value came out of a container typed
//! `interface{}` (map lookups, range elements), which only changes the type Go names in
//! field errors (`can't evaluate field x in type interface {}`).

use crate::builtins::{self, Builtin};
use crate::error::{ExecError, ExecErrorKind, Location, TemplateError};
use crate::node::{Arg, Branch, Command, Node, Pipe, Printer, Shown, Tree, Variable, shown};
use crate::set::{Context, Function, MissingKey, TemplateSet};
use slipway_value::fmt::{format_value, type_name};
use slipway_value::{FuncError, Value};
use smallvec::SmallVec;
use std::any::Any;
use std::fmt::Write as _;

const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// A value during execution (see the module docs).
#[derive(Clone, Default, Debug)]
pub(crate) struct Val {
    pub v: Option<Value>,
    pub iface: bool,
}

impl Val {
    fn of(v: Value) -> Val {
        Val {
            v: Some(v),
            iface: false,
        }
    }

    fn elem(v: Value) -> Val {
        Val {
            v: Some(v),
            iface: true,
        }
    }

    /// Go's `indirectInterface`: a nil interface becomes invalid.
    pub(crate) fn unwrapped(self) -> Val {
        match self.v {
            Some(Value::Nil) | None => Val::default(),
            Some(v) => Val::of(v),
        }
    }

    /// The value passed to a function parameter of type `interface{}`.
    pub(crate) fn arg(&self) -> Value {
        self.v.clone().unwrap_or(Value::Nil)
    }
}

type EResult<T> = Result<T, ExecError>;

/// How a walk ended: normally or by `{{break}}` / `{{continue}}`.
#[derive(PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// The node being evaluated, for error messages (Go's `state.node`).
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Arg(&'t Arg),
    Var(&'t Variable),
    Cmd(&'t Command),
}

/// One executing template (Go's `state` minus the writer).
struct Frame<'t> {
    tree: &'t Tree,
    /// Variables in scope, innermost last (most templates use a few).
    vars: SmallVec<[(&'t str, Val); 4]>,
    at: At<'t>,
}

/// The state shared by a whole execution.
struct Exec<'s> {
    set: &'s TemplateSet,
    state: &'s mut dyn Any,
    depth: usize,
}

/// Executes `tree` from `set` with `data` at nesting `depth`.
pub(crate) fn execute(
    set: &TemplateSet,
    tree: &Tree,
    data: &Value,
    out: &mut String,
    state: &mut dyn Any,
    depth: usize,
) -> Result<(), ExecError> {
    let dot = match data {
        Value::Nil => Val::default(),
        v => Val::of(v.clone()),
    };
    let mut ex = Exec { set, state, depth };
    let mut fr = Frame {
        tree,
        vars: SmallVec::new(),
        at: At::None,
    };
    fr.vars.push(("$", dot.clone()));
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        ex.walk_list(&mut fr, &dot, &tree.root, out).map(|_| ())
    })
}

impl<'t> Frame<'t> {
    /// The text of the executing tree, which the nodes' spans point into.
    fn src(&self) -> &'t str {
        let tree: &'t Tree = self.tree;
        &tree.text
    }

    /// Go's `String()` of a node of the executing tree.
    fn show<T>(&self, node: &T) -> String
    where
        for<'a> Shown<'a, T>: std::fmt::Display,
    {
        shown(self.src(), node).to_string()
    }

    fn error(&self, message: String) -> ExecError {
        let location = self.location();
        ExecError {
            kind: ExecErrorKind::Executing,
            name: self.tree.name.to_string(),
            location,
            message,
            cause: None,
        }
    }

    fn location(&self) -> Option<Box<Location>> {
        let (pos, context) = match self.at {
            At::None => return None,
            At::Node(n) => {
                let mut s = String::new();
                Printer {
                    quote_text: false,
                    text: &self.tree.text,
                    left: &self.tree.left_delim,
                    right: &self.tree.right_delim,
                }
                .node(&mut s, n);
                (node_pos(n), s)
            }
            At::Pipe(p) => (p.pos, self.show(p)),
            At::Arg(a) => (a.pos(), self.show(a)),
            At::Var(v) => (v.pos, self.show(v)),
            At::Cmd(c) => (c.pos, self.show(c)),
        };
        let text = &self.tree.text[..pos.min(self.tree.text.len())];
        let (line, column) = match text.rfind('\n') {
            None => (1, pos),
            Some(nl) => (1 + text.matches('\n').count(), pos - (nl + 1)),
        };
        Some(Box::new(Location {
            parse_name: self.tree.parse_name.to_string(),
            line,
            column,
            context,
        }))
    }

    fn var_value(&self, name: &str) -> EResult<Val> {
        for (n, v) in self.vars.iter().rev() {
            if **n == *name {
                return Ok(v.clone());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, value: Val) -> EResult<()> {
        for (n, v) in self.vars.iter_mut().rev() {
            if **n == *name {
                *v = value;
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Val) {
        let len = self.vars.len();
        self.vars[len - n].1 = value;
    }
}

fn node_pos(n: &Node) -> usize {
    match n {
        Node::Text { pos, .. }
        | Node::Action { pos, .. }
        | Node::Template { pos, .. }
        | Node::Break { pos }
        | Node::Continue { pos } => *pos,
        Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
    }
}

/// The field access arguments: the command's operands (the field itself first) or none.
#[derive(Clone, Copy)]
enum Args<'t> {
    None,
    Cmd(&'t [Arg]),
    /// An operand evaluated on its own (`evalArg` passes `[]Node{n}`).
    Single,
}

impl Args<'_> {
    fn has_args(&self, fin: &Option<Val>) -> bool {
        matches!(self, Args::Cmd(a) if a.len() > 1) || fin.is_some()
    }
}

impl<'s> Exec<'s> {
    fn walk_list<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        nodes: &'t [Node],
        out: &mut String,
    ) -> EResult<Flow> {
        for n in nodes {
            let flow = self.walk(fr, dot, n, out)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        out: &mut String,
    ) -> EResult<Flow> {
        fr.at = At::Node(node);
        match node {
            Node::Text { pos, end } => out.push_str(&fr.tree.text[*pos..*end]),
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(fr, dot, pipe)?;
                if pipe.decl.is_empty() {
                    fr.at = At::Node(node);
                    print_value(out, &val);
                }
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
            Node::If(b) => return self.walk_if_or_with(fr, dot, b, false, out),
            Node::With(b) => return self.walk_if_or_with(fr, dot, b, true, out),
            Node::Range(b) => return self.walk_range(fr, dot, node, b, out),
            Node::Template { name, pipe, .. } => {
                self.walk_template(fr, dot, node, name, pipe.as_ref(), out)?;
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        b: &'t Branch,
        with: bool,
        out: &mut String,
    ) -> EResult<Flow> {
        let mark = fr.vars.len();
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            let val = self.eval_pipeline(fr, dot, &b.pipe)?;
            if is_true(&val) {
                if with {
                    self.walk_list(fr, &val, &b.list, out)
                } else {
                    self.walk_list(fr, dot, &b.list, out)
                }
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(fr, dot, else_list, out)
            } else {
                Ok(Flow::Normal)
            }
        });
        fr.vars.truncate(mark);
        res
    }

    fn walk_range<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        r: &'t Branch,
        out: &mut String,
    ) -> EResult<Flow> {
        fr.at = At::Node(node);
        let mark = fr.vars.len();
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.walk_range_inner(fr, dot, node, r, out)
        });
        fr.vars.truncate(mark);
        res.map(|_| Flow::Normal)
    }

    fn walk_range_inner<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        r: &'t Branch,
        out: &mut String,
    ) -> EResult<()> {
        let val = self.eval_pipeline(fr, dot, &r.pipe)?.unwrapped();
        let mark = fr.vars.len();
        let mut ran = false;
        let data = match &val.v {
            Some(Value::Object(o)) => Some(o.to_data()),
            other => other.clone(),
        };
        match &data {
            None => {}
            Some(Value::Int(n)) => {
                if r.pipe.decl.len() > 1 {
                    fr.at = At::Node(node);
                    return Err(fr.error(format!(
                        "can't use {n} to iterate over more than one variable"
                    )));
                }
                for i in 0..(*n).max(0) {
                    ran = true;
                    if self.one_iteration(
                        fr,
                        r,
                        mark,
                        Val::default(),
                        Val::of(Value::Int(i)),
                        out,
                    )? {
                        break;
                    }
                }
            }
            Some(Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    let index = Val::of(Value::Int(i as i64));
                    if self.one_iteration(fr, r, mark, index, Val::elem(item.clone()), out)? {
                        break;
                    }
                }
            }
            Some(Value::Bytes(bytes)) => {
                for (i, b) in bytes.iter().enumerate() {
                    ran = true;
                    let index = Val::of(Value::Int(i as i64));
                    let elem = Val::of(Value::Int(i64::from(*b)));
                    if self.one_iteration(fr, r, mark, index, elem, out)? {
                        break;
                    }
                }
            }
            Some(Value::Dict(d)) => {
                let entries: Vec<(String, Value)> = d
                    .read()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in entries {
                    ran = true;
                    let index = Val::of(Value::string(k));
                    if self.one_iteration(fr, r, mark, index, Val::elem(v), out)? {
                        break;
                    }
                }
            }
            Some(other) => {
                fr.at = At::Node(node);
                return Err(fr.error(format!("range can't iterate over {}", format_value(other))));
            }
        }
        if !ran && let Some(else_list) = &r.else_list {
            self.walk_list(fr, dot, else_list, out)?;
        }
        Ok(())
    }

    /// One range iteration; returns whether `{{break}}` ended the loop.
    fn one_iteration<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        r: &'t Branch,
        mark: usize,
        index: Val,
        elem: Val,
        out: &mut String,
    ) -> EResult<bool> {
        let decl = &r.pipe.decl;
        if !decl.is_empty() {
            if r.pipe.is_assign {
                if decl.len() > 1 {
                    fr.set_var(decl[0].name(fr.src()), index.clone())?;
                } else {
                    fr.set_var(decl[0].name(fr.src()), elem.clone())?;
                }
            } else {
                fr.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if r.pipe.is_assign {
                fr.set_var(decl[1].name(fr.src()), elem.clone())?;
            } else {
                fr.set_top_var(2, index);
            }
        }
        let flow = self.walk_list(fr, &elem, &r.list, out);
        fr.vars.truncate(mark);
        Ok(flow? == Flow::Break)
    }

    fn walk_template<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t Pipe>,
        out: &mut String,
    ) -> EResult<()> {
        fr.at = At::Node(node);
        let Some(tree) = self.set.lookup(name).cloned() else {
            return Err(fr.error(format!(
                "template {} not defined",
                slipway_value::fmt::quote(name)
            )));
        };
        if self.depth >= self.set.max_depth {
            return Err(fr.error(format!(
                "exceeded maximum template depth ({})",
                self.set.max_depth
            )));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(fr, dot, p)?,
            None => Val::default(),
        };
        self.depth += 1;
        let mut inner = Frame {
            tree: &tree,
            vars: smallvec::smallvec![("$", new_dot.clone())],
            at: At::None,
        };
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.walk_list(&mut inner, &new_dot, &tree.root, out)
        });
        self.depth -= 1;
        res.map(|_| ())
    }

    // ---- evaluation ----

    fn eval_pipeline<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, pipe: &'t Pipe) -> EResult<Val> {
        fr.at = At::Pipe(pipe);
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(fr, dot, cmd, value.take())?;
            value = Some(v.unwrapped());
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            if pipe.is_assign {
                fr.set_var(var.name(fr.src()), value.clone())?;
            } else {
                fr.vars.push((var.name(fr.src()), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, fr: &Frame<'_>, args: &[Arg], fin: &Option<Val>) -> EResult<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(fr.error(format!(
                "can't give argument to non-function {}",
                fr.show(&args[0])
            )));
        }
        Ok(())
    }

    fn eval_command<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        cmd: &'t Command,
        fin: Option<Val>,
    ) -> EResult<Val> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { path, .. } => {
                fr.at = At::Arg(first);
                let path = path.of(fr.src());
                return self.eval_field_chain(
                    fr,
                    dot,
                    dot.clone(),
                    At::Arg(first),
                    path,
                    Args::Cmd(&cmd.args),
                    fin,
                );
            }
            Arg::Chain { .. } => return self.eval_chain(fr, dot, first, Args::Cmd(&cmd.args), fin),
            Arg::Identifier { name, .. } => {
                let name = name.of(fr.src());
                return self.eval_function(fr, dot, first, name, &cmd.args[1..], fin, At::Cmd(cmd));
            }
            Arg::Pipe(p) => {
                self.not_a_function(fr, &cmd.args, &fin)?;
                return stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                    self.eval_pipeline(fr, dot, p)
                });
            }
            Arg::Variable(v) => return self.eval_variable(fr, dot, v, Args::Cmd(&cmd.args), fin),
            _ => {}
        }
        fr.at = At::Arg(first);
        self.not_a_function(fr, &cmd.args, &fin)?;
        match first {
            Arg::Bool { val, .. } => Ok(Val::of(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(fr.error("nil is not a command".into())),
            Arg::Number { .. } => self.ideal_constant(fr, first),
            Arg::String { text, .. } => Ok(Val::of(Value::String(text.clone()))),
            _ => Err(fr.error(format!("can't evaluate command {}", fr.show(first)))),
        }
    }

    fn ideal_constant<'t>(&self, fr: &mut Frame<'t>, arg: &'t Arg) -> EResult<Val> {
        fr.at = At::Arg(arg);
        let Arg::Number { num, .. } = arg else {
            return Ok(Val::default());
        };
        if let Some((re, im)) = num.complex {
            return Ok(Val::of(builtins::complex_value(re, im)));
        }
        let t = num.text.of(fr.src());
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(&t[1..2], "x" | "X")
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if let Some(f) = num.float
            && !is_hex_int
            && !is_rune
            && t.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Val::of(Value::Float(f)));
        }
        if let Some(i) = num.int {
            return Ok(Val::of(Value::Int(i)));
        }
        if num.is_uint {
            return Err(fr.error(format!("{t} overflows int")));
        }
        Ok(Val::default())
    }

    fn eval_chain<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        chain: &'t Arg,
        args: Args<'t>,
        fin: Option<Val>,
    ) -> EResult<Val> {
        fr.at = At::Arg(chain);
        let Arg::Chain { node, fields, .. } = chain else {
            return Ok(Val::default());
        };
        if let Arg::Nil { .. } = **node {
            return Err(fr.error(format!(
                "indirection through explicit nil in {}",
                fr.show(chain)
            )));
        }
        let receiver = match &**node {
            Arg::Pipe(p) => {
                stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.eval_pipeline(fr, dot, p))?
            }
            Arg::Identifier { name, .. } => {
                let name = name.of(fr.src());
                self.eval_function(fr, dot, node, name, &[], None, At::Arg(node))?
            }
            other => self.eval_arg_any(fr, dot, other)?,
        };
        let fields = fields.of(fr.src());
        self.eval_field_chain(fr, dot, receiver, At::Arg(chain), fields, args, fin)
    }

    fn eval_variable<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        var: &'t Variable,
        args: Args<'t>,
        fin: Option<Val>,
    ) -> EResult<Val> {
        fr.at = At::Var(var);
        let value = fr.var_value(var.name(fr.src()))?;
        let Some(fields) = var.fields(fr.src()) else {
            if let Args::Cmd(a) = args {
                self.not_a_function(fr, a, &fin)?;
            }
            return Ok(value);
        };
        self.eval_field_chain(fr, dot, value, At::Var(var), fields, args, fin)
    }

    /// Go's `evalFieldChain`: the dotted field names of `path` on `receiver`, the last one
    /// with the command's arguments; errors point at `node`.
    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        mut receiver: Val,
        node: At<'t>,
        path: &str,
        args: Args<'t>,
        fin: Option<Val>,
    ) -> EResult<Val> {
        let (init, last) = match path.rsplit_once('.') {
            Some((init, last)) => (Some(init), last),
            None => (None, path),
        };
        for name in init.into_iter().flat_map(|init| init.split('.')) {
            receiver = self.eval_field(fr, dot, name, node, Args::None, None, receiver)?;
        }
        self.eval_field(fr, dot, last, node, args, fin, receiver)
    }

    /// Go's `evalField`: `.Name` of `receiver`, possibly a method call with arguments.
    #[allow(clippy::too_many_arguments)]
    fn eval_field<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        name: &str,
        node: At<'t>,
        args: Args<'t>,
        fin: Option<Val>,
        receiver: Val,
    ) -> EResult<Val> {
        let Some(v) = &receiver.v else {
            if self.set.missing_key == MissingKey::Error {
                return Err(fr.error(format!(
                    "nil data; no entry for key {}",
                    slipway_value::fmt::quote(name)
                )));
            }
            return Ok(Val::default());
        };
        let typ = || {
            if receiver.iface {
                "interface {}".to_string()
            } else {
                type_name(v)
            }
        };
        let has_args = args.has_args(&fin);
        match v {
            Value::Nil => Err(fr.error(format!("nil pointer evaluating interface {{}}.{name}"))),
            Value::Object(o) => {
                if has_args {
                    let argv = self.eval_method_args(fr, dot, args, fin)?;
                    match o.call(name, &argv) {
                        Some(Ok(v)) => return Ok(Val::of(v)),
                        Some(Err(msg)) => {
                            fr.at = node;
                            return Err(fr.error(format!("error calling {name}: {msg}")));
                        }
                        None => {}
                    }
                    fr.at = node;
                    if o.field(name).is_some() {
                        return Err(fr.error(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Err(fr.error(format!("can't evaluate field {name} in type {}", typ())));
                }
                if let Some(v) = o.field(name) {
                    return Ok(Val::of(v));
                }
                match o.call(name, &[]) {
                    Some(Ok(v)) => Ok(Val::of(v)),
                    Some(Err(msg)) => {
                        fr.at = node;
                        Err(fr.error(format!("error calling {name}: {msg}")))
                    }
                    None => {
                        fr.at = node;
                        Err(fr.error(format!("can't evaluate field {name} in type {}", typ())))
                    }
                }
            }
            Value::Dict(d) => {
                if has_args {
                    return Err(fr.error(format!("{name} is not a method but has arguments")));
                }
                match d.get(name) {
                    Some(v) => Ok(Val::elem(v)),
                    None => match self.set.missing_key {
                        MissingKey::Default => Ok(Val::default()),
                        MissingKey::Zero => Ok(Val::elem(Value::Nil)),
                        MissingKey::Error => Err(fr.error(format!(
                            "map has no entry for key {}",
                            slipway_value::fmt::quote(name)
                        ))),
                    },
                }
            }
            _ => Err(fr.error(format!("can't evaluate field {name} in type {}", typ()))),
        }
    }

    /// Evaluates method arguments (the operands after the field, then the piped value).
    fn eval_method_args<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        args: Args<'t>,
        fin: Option<Val>,
    ) -> EResult<Vec<Value>> {
        let mut argv = Vec::new();
        if let Args::Cmd(a) = args {
            for arg in &a[1..] {
                argv.push(self.eval_arg_any(fr, dot, arg)?.arg());
            }
        }
        if let Some(f) = fin {
            argv.push(f.arg());
        }
        Ok(argv)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: &'t Arg,
        name: &str,
        args: &'t [Arg],
        fin: Option<Val>,
        call_node: At<'t>,
    ) -> EResult<Val> {
        fr.at = At::Arg(node);
        let set = self.set;
        if let Some(f) = set.function(name) {
            return self.call_user(fr, dot, call_node, name, f, args, fin);
        }
        match Builtin::from_name(name) {
            Some(b) => self.call_builtin(fr, dot, call_node, b, args, fin),
            None => Err(fr.error(format!(
                "{} is not a defined function",
                slipway_value::fmt::quote(name)
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call_user<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: At<'t>,
        name: &str,
        f: &Function,
        args: &'t [Arg],
        fin: Option<Val>,
    ) -> EResult<Val> {
        // Most calls take a few arguments: keep them on the stack.
        let mut argv: SmallVec<[Value; 4]> = SmallVec::with_capacity(args.len() + 1);
        for a in args {
            argv.push(self.eval_arg_any(fr, dot, a)?.arg());
        }
        if let Some(f) = fin {
            argv.push(f.arg());
        }
        let (result, cause) = match f {
            Function::Plain(f) => (f(&argv), None),
            Function::Context(f) => {
                let mut ctx = Ctx {
                    ex: self,
                    name: &fr.tree.name,
                    nested: None,
                };
                let r = f(&mut ctx, &argv);
                (r, ctx.nested)
            }
        };
        fr.at = node;
        match result {
            Ok(v) => Ok(Val::of(v)),
            Err(FuncError::Failed(msg)) => {
                let mut err = fr.error(format!("error calling {name}: {msg}"));
                err.cause = cause.filter(|c| msg.contains(&c.to_string())).map(Box::new);
                Err(err)
            }
            Err(FuncError::BadArgs(msg)) => Err(fr.error(msg)),
        }
    }

    /// Go's `evalArg` for a parameter of type `interface{}` (or `reflect.Value`): literals
    /// become their ideal values, `nil` the nil interface.
    pub(crate) fn eval_arg_any<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        arg: &'t Arg,
    ) -> EResult<Val> {
        fr.at = At::Arg(arg);
        match arg {
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Ok(Val::of(Value::Nil)),
            Arg::Field { path, .. } => {
                let path = path.of(fr.src());
                self.eval_field_chain(fr, dot, dot.clone(), At::Arg(arg), path, Args::Single, None)
            }
            Arg::Variable(v) => self.eval_variable(fr, dot, v, Args::None, None),
            Arg::Pipe(p) => {
                stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.eval_pipeline(fr, dot, p))
            }
            Arg::Identifier { name, .. } => {
                let name = name.of(fr.src());
                self.eval_function(fr, dot, arg, name, &[], None, At::Arg(arg))
            }
            Arg::Chain { .. } => self.eval_chain(fr, dot, arg, Args::None, None),
            Arg::Bool { val, .. } => Ok(Val::of(Value::Bool(*val))),
            Arg::Number { .. } => self.ideal_constant(fr, arg),
            Arg::String { text, .. } => Ok(Val::of(Value::String(text.clone()))),
        }
    }

    fn call_builtin<'t>(
        &mut self,
        fr: &mut Frame<'t>,
        dot: &Val,
        node: At<'t>,
        b: Builtin,
        args: &'t [Arg],
        fin: Option<Val>,
    ) -> EResult<Val> {
        let name = b.name();
        let num_in = args.len() + usize::from(fin.is_some());
        let (fixed, variadic) = b.signature();
        if variadic {
            if num_in < fixed {
                return Err(fr.error(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(fr.error(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        if matches!(b, Builtin::And | Builtin::Or) {
            let want = b == Builtin::Or;
            let mut v = Val::default();
            for a in args {
                v = self.eval_arg_any(fr, dot, a)?.unwrapped();
                if is_true(&v) == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f.unwrapped();
            }
            return Ok(v);
        }
        let callee = if b == Builtin::Call {
            Some(match args.first() {
                Some(a) => fr.show(a),
                None => fin.as_ref().map(reflect_value_string).unwrap_or_default(),
            })
        } else {
            None
        };
        let mut argv: Vec<Val> = Vec::with_capacity(num_in);
        if b == Builtin::Printf {
            // The format parameter is a Go `string`.
            if let Some(first) = args.first() {
                argv.push(self.eval_string_arg(fr, dot, first)?);
            }
            for a in args.iter().skip(1) {
                argv.push(self.eval_arg_any(fr, dot, a)?);
            }
            if let Some(f) = fin {
                if args.is_empty() {
                    argv.push(validate_string(fr, f)?);
                } else {
                    argv.push(f);
                }
            }
        } else {
            for a in args {
                argv.push(self.eval_arg_any(fr, dot, a)?);
            }
            if let Some(f) = &fin {
                argv.push(f.clone());
            }
        }
        let result = builtins::call(b, &argv, callee.as_deref());
        fr.at = node;
        match result {
            Ok(v) => Ok(v),
            Err(msg) => Err(fr.error(format!("error calling {name}: {msg}"))),
        }
    }

    /// Go's `evalArg` for a `string` parameter.
    fn eval_string_arg<'t>(&mut self, fr: &mut Frame<'t>, dot: &Val, arg: &'t Arg) -> EResult<Val> {
        fr.at = At::Arg(arg);
        match arg {
            Arg::String { text, .. } => Ok(Val::of(Value::String(text.clone()))),
            Arg::Nil { .. } => Err(fr.error("cannot assign nil to string".into())),
            Arg::Bool { .. } | Arg::Number { .. } => {
                Err(fr.error(format!("expected string; found {}", fr.show(arg))))
            }
            _ => {
                let v = self.eval_arg_any(fr, dot, arg)?;
                validate_string(fr, v)
            }
        }
    }
}

/// Go's `validateType(value, string)`.
fn validate_string(fr: &Frame<'_>, v: Val) -> EResult<Val> {
    match &v.v {
        None => Err(fr.error("invalid value; expected string".into())),
        Some(Value::String(_)) => Ok(v),
        Some(Value::Nil) => Err(fr.error("invalid value; expected string".into())),
        Some(other) => Err(fr.error(format!(
            "wrong type for value; expected string; got {}",
            type_name(other)
        ))),
    }
}

/// Go's `reflect.Value.String()`: the string itself, or `<T Value>`.
fn reflect_value_string(v: &Val) -> String {
    match &v.v {
        None => "<invalid Value>".into(),
        Some(Value::String(s)) => s.to_string(),
        Some(other) => format!("<{} Value>", type_name(other)),
    }
}

/// Go's `isTrue` after `indirectInterface`.
pub(crate) fn is_true(v: &Val) -> bool {
    match &v.v {
        None => false,
        Some(Value::Object(o)) => builtins::object_truth(o.as_ref()),
        Some(v) => v.is_truthy(),
    }
}

/// Writes an action's value (Go's `printValue`: `<no value>` for an invalid value).
fn print_value(out: &mut String, v: &Val) {
    match &v.v {
        None | Some(Value::Nil) => out.push_str("<no value>"),
        Some(Value::String(s)) => out.push_str(s),
        Some(Value::Int(i)) => {
            let _ = write!(out, "{i}");
        }
        Some(other) => out.push_str(&format_value(other)),
    }
}

/// The [`Context`] given to context-aware functions.
struct Ctx<'a, 's> {
    ex: &'a mut Exec<'s>,
    name: &'a str,
    nested: Option<TemplateError>,
}

impl Context for Ctx<'_, '_> {
    fn template_name(&self) -> &str {
        self.name
    }

    fn template_set(&self) -> &TemplateSet {
        self.ex.set
    }

    fn depth(&self) -> usize {
        self.ex.depth
    }

    fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, ExecError> {
        let set = self.ex.set;
        let res = match set.lookup(name) {
            None => Err(ExecError {
                kind: ExecErrorKind::NoTemplate,
                name: name.to_owned(),
                location: None,
                message: format!(
                    "no template {} associated with template {}",
                    slipway_value::fmt::quote(name),
                    slipway_value::fmt::quote(set.name())
                ),
                cause: None,
            }),
            Some(_) if self.ex.depth >= set.max_depth => Err(ExecError {
                kind: ExecErrorKind::Executing,
                name: name.to_owned(),
                location: None,
                message: format!("exceeded maximum template depth ({})", set.max_depth),
                cause: None,
            }),
            Some(tree) => {
                let mut out = String::new();
                execute(set, tree, data, &mut out, self.ex.state, self.ex.depth + 1).map(|()| out)
            }
        };
        if let Err(e) = &res {
            self.nested = Some(TemplateError::Exec(e.clone()));
        }
        res
    }

    fn execute_text(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, TemplateError> {
        let mut out = String::new();
        let res = if self.ex.depth >= self.ex.set.max_depth {
            Err(TemplateError::Exec(ExecError {
                kind: ExecErrorKind::Executing,
                name: name.to_owned(),
                location: None,
                message: format!(
                    "exceeded maximum template depth ({})",
                    self.ex.set.max_depth
                ),
                cause: None,
            }))
        } else {
            self.ex.set.parse_and_execute(
                name,
                text,
                data,
                &mut out,
                self.ex.state,
                self.ex.depth + 1,
            )
        };
        match res {
            Ok(()) => Ok(out),
            Err(e) => {
                self.nested = Some(e.clone());
                Err(e)
            }
        }
    }

    fn state(&mut self) -> &mut dyn Any {
        self.ex.state
    }
}
