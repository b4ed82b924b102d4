//! Template sets: named parsed templates sharing functions and options (Go's `Template`
//! with its associated templates), and the context given to context-aware functions.

use crate::error::{ExecError, ExecErrorKind, ParseError, TemplateError};
use crate::exec;
use crate::node::Tree;
use crate::parse;
use rustc_hash::FxHashMap;
use slipway_value::{Func, FuncError, FuncMap, Value};
use std::any::Any;
use std::sync::Arc;

/// A function that needs the executing template set: Helm's `include` and `tpl` are built on
/// this. It gets a [`Context`] for the running execution and the evaluated arguments.
pub type ContextFunc =
    Arc<dyn Fn(&mut dyn Context, &[Value]) -> Result<Value, FuncError> + Send + Sync>;

/// What a [`ContextFunc`] can do with the execution that called it.
pub trait Context {
    /// The name of the template being executed (a `define` name inside `include`d helpers).
    fn template_name(&self) -> &str;

    /// The template set of the running execution (for `tpl`, the set with the `tpl` text).
    fn template_set(&self) -> &TemplateSet;

    /// How many template levels deep the caller is (`{{template}}`, `include`, `tpl`).
    fn depth(&self) -> usize;

    /// Executes the template `name` of the running set with `data` one level deeper and
    /// returns its output (Go's `ExecuteTemplate`, Helm's `include`).
    fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, ExecError>;

    /// Parses `text` as template `name` into a cheap clone of the running set (sharing the
    /// already parsed trees; the original set is not changed) and executes it with `data`
    /// one level deeper (Helm's `tpl`). Templates the text defines are visible to its own
    /// `include`s only.
    fn execute_text(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, TemplateError>;

    /// The caller's state given to [`TemplateSet::execute_with`] (`()` for
    /// [`TemplateSet::execute`]); functions downcast it to their own type.
    fn state(&mut self) -> &mut dyn Any;
}

/// What a missing map key evaluates to (Go's `missingkey` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` / `missingkey=invalid`: no value (prints `<no value>`), and
    /// fields of it are no value too.
    #[default]
    Default,
    /// `missingkey=zero`: the map element type's zero value, which for
    /// `map[string]interface{}` is a nil interface: it prints `<no value>` and a field of it
    /// is an error (`nil pointer evaluating interface {}.x`), as in Helm.
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "x"`.
    Error,
}

impl std::str::FromStr for MissingKey {
    type Err = String;

    /// Parses Go's option text (`missingkey=zero`) or just the value (`zero`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix("missingkey=").unwrap_or(s) {
            "default" | "invalid" => Ok(MissingKey::Default),
            "zero" => Ok(MissingKey::Zero),
            "error" => Ok(MissingKey::Error),
            _ => Err(format!("unrecognized option: {s}")),
        }
    }
}

/// A registered function.
#[derive(Clone)]
pub(crate) enum Function {
    Plain(Func),
    Context(ContextFunc),
}

/// A layer of templates: local definitions over a shared parent (copy-on-write sets).
#[derive(Default)]
struct Layer {
    map: FxHashMap<Arc<str>, Arc<Tree>>,
    parent: Option<Arc<Layer>>,
}

impl Layer {
    fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        let mut layer = self;
        loop {
            if let Some(t) = layer.map.get(name) {
                return Some(t);
            }
            layer = layer.parent.as_deref()?;
        }
    }

    fn names(&self, out: &mut Vec<Arc<str>>) {
        if let Some(p) = &self.parent {
            p.names(out);
        }
        out.extend(self.map.keys().cloned());
    }
}

/// The default limit of nested template executions (Go's `maxExecDepth`).
pub const DEFAULT_MAX_DEPTH: usize = 100_000;

/// A set of named templates with their functions and options (Go's `*template.Template` and
/// its associated templates). Cloning is cheap (reference counts); parsing into a clone never
/// changes the original. Sets are `Send + Sync`, so many executions can run in parallel.
#[derive(Clone)]
pub struct TemplateSet {
    templates: Arc<Layer>,
    pub(crate) funcs: Arc<FxHashMap<String, Function>>,
    left: Arc<str>,
    right: Arc<str>,
    pub(crate) missing_key: MissingKey,
    pub(crate) max_depth: usize,
    name: Option<Arc<str>>,
}

impl Default for TemplateSet {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("templates", &self.template_names())
            .field("missing_key", &self.missing_key)
            .finish()
    }
}

/// A parsed template, as [`TemplateSet::parse`] returns it (Go's `*Template` handle).
#[derive(Clone, Debug)]
pub struct Template {
    tree: Arc<Tree>,
}

impl Template {
    /// The template's name.
    pub fn name(&self) -> &str {
        &self.tree.name
    }

    /// Go's `Tree.Root.String()`: the template body as Go prints it; with `quote_text`, text
    /// nodes are quoted as Go's parse tests print them.
    pub fn tree_string(&self, quote_text: bool) -> String {
        let mut out = String::new();
        crate::node::Printer {
            quote_text,
            text: &self.tree.text,
            left: &self.tree.left_delim,
            right: &self.tree.right_delim,
        }
        .list(&mut out, &self.tree.root);
        out
    }
}

impl TemplateSet {
    /// An empty set with only the builtin functions.
    pub fn new() -> Self {
        TemplateSet {
            templates: Arc::new(Layer::default()),
            funcs: Arc::default(),
            left: Arc::from("{{"),
            right: Arc::from("}}"),
            missing_key: MissingKey::Default,
            max_depth: DEFAULT_MAX_DEPTH,
            name: None,
        }
    }

    /// The set's own name (Go's root template name, used in
    /// `no template "x" associated with template "NAME"`); defaults to the first name parsed.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(Arc::from(name));
        self
    }

    /// The set's name (see [`TemplateSet::named`]).
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Adds plain functions (Go's `Funcs`); a name already present is replaced. Functions
    /// override builtins of the same name.
    pub fn with_funcs(mut self, funcs: FuncMap) -> Self {
        let table = Arc::make_mut(&mut self.funcs);
        for (name, f) in funcs {
            table.insert(name.to_owned(), Function::Plain(f));
        }
        self
    }

    /// Adds context-aware functions (see [`ContextFunc`]).
    pub fn add_context_funcs<I>(&mut self, funcs: I)
    where
        I: IntoIterator<Item = (&'static str, ContextFunc)>,
    {
        let table = Arc::make_mut(&mut self.funcs);
        for (name, f) in funcs {
            table.insert(name.to_owned(), Function::Context(f));
        }
    }

    /// Sets the action delimiters for later parses (Go's `Delims`); empty means the default.
    pub fn delims(mut self, left: &str, right: &str) -> Self {
        self.left = Arc::from(if left.is_empty() { "{{" } else { left });
        self.right = Arc::from(if right.is_empty() { "}}" } else { right });
        self
    }

    /// Sets the `missingkey` option.
    pub fn option_missingkey(mut self, missing: MissingKey) -> Self {
        self.missing_key = missing;
        self
    }

    /// Sets the `missingkey` option in place.
    pub fn set_missingkey(&mut self, missing: MissingKey) {
        self.missing_key = missing;
    }

    /// Limits nested template executions (default [`DEFAULT_MAX_DEPTH`], as Go).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Whether `name` is a function of this set or a builtin.
    pub fn has_function(&self, name: &str) -> bool {
        self.funcs.contains_key(name) || crate::builtins::is_builtin(name)
    }

    pub(crate) fn function(&self, name: &str) -> Option<&Function> {
        self.funcs.get(name)
    }

    /// Parses `text` as template `name` and adds it and the templates it defines to the set
    /// (Go's `t.New(name).Parse(text)`): a definition replaces an earlier one of the same
    /// name unless it is empty (only spaces and comments); two non-empty definitions of one
    /// name in the same text are an error. Returns the template parsed under `name`.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<Template, ParseError> {
        let parsed = parse::parse(name, text, &self.left, &self.right, &|f| {
            self.has_function(f)
        })?;
        if self.name.is_none() {
            self.name = Some(Arc::from(name));
        }
        let mut main = None;
        for tree in parsed.trees {
            let tree = Arc::new(tree);
            if *tree.name == *name {
                main = Some(tree.clone());
            }
            let keep_old =
                parse::is_empty_tree(&tree.text, &tree.root) && self.lookup(&tree.name).is_some();
            if !keep_old {
                self.layer_mut().map.insert(tree.name.clone(), tree);
            }
        }
        let tree = main.unwrap_or_else(|| unreachable_tree(name));
        Ok(Template { tree })
    }

    fn layer_mut(&mut self) -> &mut Layer {
        if Arc::get_mut(&mut self.templates).is_none() {
            let parent = self.templates.clone();
            self.templates = Arc::new(Layer {
                map: FxHashMap::default(),
                parent: Some(parent),
            });
        }
        Arc::get_mut(&mut self.templates).unwrap_or_else(|| unreachable!("fresh layer"))
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Arc<Tree>> {
        self.templates.get(name)
    }

    /// The template `name`, if the set has it.
    pub fn get(&self, name: &str) -> Option<Template> {
        self.lookup(name)
            .map(|tree| Template { tree: tree.clone() })
    }

    /// The names of all templates in the set, sorted.
    pub fn template_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        self.templates.names(&mut names);
        let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Executes template `name` with `data`, appending its output to `out` (Go's
    /// `ExecuteTemplate`). On error, `out` holds what was written before it.
    pub fn execute(&self, name: &str, data: &Value, out: &mut String) -> Result<(), ExecError> {
        self.execute_with(name, data, out, &mut ())
    }

    /// Like [`TemplateSet::execute`], giving context-aware functions access to `state`
    /// through [`Context::state`] (for example Helm's per-render `include` counters).
    pub fn execute_with(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
        state: &mut dyn Any,
    ) -> Result<(), ExecError> {
        let Some(tree) = self.lookup(name).cloned() else {
            return Err(ExecError {
                kind: ExecErrorKind::NoTemplate,
                name: name.to_owned(),
                location: None,
                message: format!(
                    "no template {} associated with template {}",
                    slipway_value::fmt::quote(name),
                    slipway_value::fmt::quote(self.name())
                ),
                cause: None,
            });
        };
        exec::execute(self, &tree, data, out, state, 0)
    }

    /// Executes a parsed template handle (Go's `t.Execute`): its own tree, even if the set
    /// kept an earlier definition of the name.
    pub fn execute_template(
        &self,
        template: &Template,
        data: &Value,
        out: &mut String,
    ) -> Result<(), ExecError> {
        exec::execute(self, &template.tree, data, out, &mut (), 0)
    }

    /// Parses `text` as `name` into a clone of this set and executes it (Helm's `tpl`).
    pub(crate) fn parse_and_execute(
        &self,
        name: &str,
        text: &str,
        data: &Value,
        out: &mut String,
        state: &mut dyn Any,
        depth: usize,
    ) -> Result<(), TemplateError> {
        let mut set = self.clone();
        let template = set.parse(name, text)?;
        exec::execute(&set, &template.tree, data, out, state, depth)?;
        Ok(())
    }
}

fn unreachable_tree(name: &str) -> Arc<Tree> {
    unreachable!("parse always yields the tree named {name}")
}
