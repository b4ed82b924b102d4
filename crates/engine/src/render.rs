//! The renderer: Helm's `engine.Render`. Every template of a chart and its subcharts is parsed
//! once into one set, under `chart/templates/x.yaml` and `chart/charts/sub/templates/y.yaml`
//! names, then each non-partial template is executed with the values of its chart.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use slipway_chart::{Chart, Files};
use slipway_template::{MissingKey, TemplateSet};
use slipway_value::{Dict, FuncMap, Map, Object, Value};

use crate::context::{RenderState, context_functions};
use crate::error::{RenderError, cleanup_parse_error, reformat_exec_error};
use crate::funcs::{FuncOptions, helm_functions_with};
use crate::lookup::ClusterLookup;
use crate::manifest::base_name;

/// How the engine renders (Helm's `Engine` fields).
#[derive(Clone, Default)]
pub struct EngineOptions {
    /// Fail on a missing map key (`missingkey=error`) instead of rendering it empty.
    pub strict: bool,
    /// Lint mode: `required` and `fail` do not abort, and `lookup` never asks the cluster.
    pub lint_mode: bool,
    /// Let `getHostByName` resolve names.
    pub enable_dns: bool,
    /// The cluster `lookup` reads (none for `helm template`).
    pub lookup: Option<Arc<dyn ClusterLookup>>,
    /// Extra functions, added last (Helm's `CustomTemplateFuncs`; werf's `werf_secret_file`).
    pub custom_funcs: FuncMap,
}

/// One template to render.
#[derive(Debug, Clone)]
pub struct Renderable {
    /// Its name in the set: `chart/templates/x.yaml`.
    pub name: String,
    /// The template text.
    pub text: String,
    /// The top-level data it is executed with (`.Values`, `.Release`, `.Chart`, ...); the
    /// renderer sets `.Template` in it before executing. Templates of one chart share it.
    pub data: Dict,
    /// `.Template.BasePath`: `chart/templates`.
    pub base_path: String,
}

/// Renders `templates` as Helm's engine does: all parsed into one set (deepest paths first,
/// so a parent's `define` replaces a subchart's of the same name), then every template whose
/// base name does not start with `_` executed in that order. `<no value>` is removed from the
/// output. The result maps template names to their output.
pub fn render_templates(
    templates: &[Renderable],
    options: &EngineOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    let set = parse_all(templates, options)?;
    let mut rendered = BTreeMap::new();
    let mut state = RenderState::default();
    for renderable in sorted(templates) {
        if base_name(&renderable.name).starts_with('_') {
            continue;
        }
        let template = Map::from([
            ("Name".to_owned(), Value::string(renderable.name.as_str())),
            (
                "BasePath".to_owned(),
                Value::string(renderable.base_path.as_str()),
            ),
        ]);
        renderable.data.insert("Template", Value::dict(template));
        let mut out = String::new();
        let data = Value::Dict(renderable.data.clone());
        set.execute_with(&renderable.name, &data, &mut out, &mut state)
            .map_err(|e| {
                RenderError::Execution(reformat_exec_error(&renderable.name, &e.to_string()))
            })?;
        rendered.insert(renderable.name.clone(), without_no_value(out));
    }
    Ok(rendered)
}

/// `out` without Go's `<no value>` marks, which Helm removes from every rendered text.
pub(crate) fn without_no_value(out: String) -> String {
    if out.contains("<no value>") {
        out.replace("<no value>", "")
    } else {
        out
    }
}

/// The set holding every template, with Helm's functions and options.
fn parse_all(
    templates: &[Renderable],
    options: &EngineOptions,
) -> Result<TemplateSet, RenderError> {
    let mut set = function_set(options);
    set.set_missingkey(if options.strict {
        MissingKey::Error
    } else {
        MissingKey::Zero
    });
    for renderable in sorted(templates) {
        set.parse(&renderable.name, &renderable.text).map_err(|e| {
            RenderError::Parse(cleanup_parse_error(&renderable.name, &e.to_string()))
        })?;
    }
    Ok(set)
}

/// An empty set named `gotpl` with Helm's functions as `options` configure them. The set for
/// the common configuration (no lint mode, DNS, cluster or custom functions) is built once
/// per process and cloned (a reference-count bump).
fn function_set(options: &EngineOptions) -> TemplateSet {
    static PLAIN: OnceLock<TemplateSet> = OnceLock::new();
    let plain = !options.lint_mode
        && !options.enable_dns
        && options.lookup.is_none()
        && options.custom_funcs.is_empty();
    if plain {
        return PLAIN.get_or_init(|| build_function_set(options)).clone();
    }
    build_function_set(options)
}

fn build_function_set(options: &EngineOptions) -> TemplateSet {
    let mut funcs = helm_functions_with(&FuncOptions {
        lint_mode: options.lint_mode,
        enable_dns: options.enable_dns,
        lookup: if options.lint_mode {
            None
        } else {
            options.lookup.clone()
        },
    });
    funcs.extend(options.custom_funcs.clone());
    let mut set = TemplateSet::new().named("gotpl").with_funcs(funcs);
    set.add_context_funcs(context_functions());
    set
}

/// Helm's `sortTemplates`: more path elements first, then reverse lexical order.
fn sorted(templates: &[Renderable]) -> Vec<&Renderable> {
    let mut sorted: Vec<&Renderable> = templates.iter().collect();
    sorted.sort_by(|a, b| {
        let depth = |r: &Renderable| r.name.matches('/').count();
        depth(b).cmp(&depth(a)).then_with(|| b.name.cmp(&a.name))
    });
    sorted
}

/// Renders a chart and its (already processed) subcharts with `top`, the release-wide data
/// (`Values`, `Release`, `Capabilities`) as Helm's `ToRenderValues` builds it.
pub fn render_chart(
    chart: &Chart,
    top: &Dict,
    options: &EngineOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut templates = Vec::new();
    collect_templates(chart, top, "", true, &mut templates);
    render_templates(&templates, options)
}

/// Helm's `recAllTpls`: the data each chart's templates see, built top-down (a subchart's
/// `.Values` is its parent's `.Values.<name>` table), with `.Subcharts` filled bottom-up.
fn collect_templates(
    chart: &Chart,
    parent: &Dict,
    parent_path: &str,
    is_root: bool,
    out: &mut Vec<Renderable>,
) -> Dict {
    let subcharts = Dict::new();
    let values = if is_root {
        parent
            .get("Values")
            .unwrap_or_else(|| Value::Dict(Dict::new()))
    } else {
        match parent.get("Values") {
            Some(Value::Dict(v)) => match v.get(chart.name()) {
                Some(Value::Dict(scoped)) => Value::Dict(scoped),
                _ => Value::Dict(Dict::new()),
            },
            _ => Value::Dict(Dict::new()),
        }
    };
    let data = Dict::from_map(Map::from([
        ("Chart".to_owned(), chart.metadata_value(is_root)),
        (
            "Files".to_owned(),
            Value::Object(Arc::new(ChartFiles(Files::new(&chart.files)))),
        ),
        (
            "Release".to_owned(),
            parent.get("Release").unwrap_or_default(),
        ),
        (
            "Capabilities".to_owned(),
            parent.get("Capabilities").unwrap_or_default(),
        ),
        ("Values".to_owned(), values),
        ("Subcharts".to_owned(), Value::Dict(subcharts.clone())),
    ]));
    let path = if is_root {
        chart.name().to_owned()
    } else {
        format!("{parent_path}/charts/{}", chart.name())
    };
    for dependency in &chart.dependencies {
        let sub = collect_templates(dependency, &data, &path, false, out);
        subcharts.insert(dependency.name(), Value::Dict(sub));
    }
    for template in chart.templates.iter() {
        if chart.is_library() && !base_name(&template.name).starts_with('_') {
            continue;
        }
        out.push(Renderable {
            name: format!("{path}/{}", template.name),
            text: String::from_utf8_lossy(&template.data).into_owned(),
            data: data.clone(),
            base_path: format!("{path}/templates"),
        });
    }
    data
}

/// `.Files`: Helm's `files` type is a `map[string][]byte` with methods, so a name that is not
/// one of its methods reads that file's bytes (empty for a missing file, as a map's zero
/// value).
struct ChartFiles(Files);

/// The methods of Helm's `files` type.
const FILES_METHODS: [&str; 6] = ["Get", "GetBytes", "Glob", "Lines", "AsConfig", "AsSecrets"];

impl Object for ChartFiles {
    fn type_name(&self) -> &str {
        self.0.type_name()
    }

    fn field(&self, name: &str) -> Option<Value> {
        if FILES_METHODS.contains(&name) {
            return self.0.field(name);
        }
        Some(Value::Bytes(self.0.get_bytes(name)))
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        self.0.call(name, args)
    }

    fn to_data(&self) -> Value {
        self.0.to_data()
    }
}
