//! Behaviour of the template engine that Helm relies on, with expectations from Go's and
//! Helm's documented behaviour.

use slipway_template::{Context, ContextFunc, MissingKey, TemplateSet};
use slipway_value::{FuncError, Value};
use std::sync::Arc;

fn data(json: serde_json::Value) -> Value {
    Value::from_json(&json)
}

fn render(set: &TemplateSet, name: &str, d: &Value) -> Result<String, String> {
    let mut out = String::new();
    set.execute(name, d, &mut out)
        .map(|()| out)
        .map_err(|e| e.to_string())
}

fn helm_like_set() -> TemplateSet {
    let include: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let name = args
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let d = args.get(1).cloned().unwrap_or_default();
        ctx.execute_template(&name, &d)
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let tpl: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let text = args
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let d = args.get(1).cloned().unwrap_or_default();
        let name = ctx.template_set().name().to_owned();
        ctx.execute_text(&name, &text, &d)
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let mut set = TemplateSet::new()
        .named("gotpl")
        .option_missingkey(MissingKey::Zero);
    set.add_context_funcs([("include", include), ("tpl", tpl)]);
    set
}

#[test]
fn include_runs_a_define_of_the_same_set() {
    let mut set = helm_like_set();
    set.parse("helpers", r#"{{define "name"}}app-{{.}}{{end}}"#)
        .unwrap();
    set.parse("main", r#"name: {{include "name" .x | printf "%q"}}"#)
        .unwrap();
    let out = render(&set, "main", &data(serde_json::json!({"x": "web"}))).unwrap();
    assert_eq!(out, r#"name: "app-web""#);
}

#[test]
fn tpl_of_tpl_sees_its_own_defines_and_leaves_the_set_alone() {
    let mut set = helm_like_set();
    set.parse(
        "main",
        r#"{{tpl "{{define \"d\"}}D{{.v}}{{end}}{{include \"d\" .}}-{{tpl \"{{.v}}\" .}}" .}}"#,
    )
    .unwrap();
    let out = render(&set, "main", &data(serde_json::json!({"v": 1}))).unwrap();
    assert_eq!(out, "D1-1");
    assert!(set.get("d").is_none());
}

#[test]
fn missingkey_zero_makes_fields_of_missing_keys_an_error_as_in_helm() {
    let mut set = helm_like_set();
    set.parse("t", "{{.Values.missing}}|{{.Values.missing.deeper}}")
        .unwrap();
    let err = render(&set, "t", &data(serde_json::json!({"Values": {}}))).unwrap_err();
    assert_eq!(
        err,
        "template: t:1:29: executing \"t\" at <.Values.missing.deeper>: nil pointer evaluating interface {}.deeper"
    );
}

#[test]
fn nested_include_errors_keep_the_inner_error_as_cause() {
    let mut set = helm_like_set();
    set.parse("h", r#"{{define "bad"}}{{index .x 5}}{{end}}"#)
        .unwrap();
    set.parse("main", r#"{{include "bad" .}}"#).unwrap();
    let mut out = String::new();
    let err = set
        .execute("main", &data(serde_json::json!({"x": [1]})), &mut out)
        .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("template: main:1:2: executing \"main\" at <include \"bad\" .>: error calling include: template: h:1:18: executing \"bad\" at <index .x 5>"), "{text}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 20_000;
    let text = "{{if 1}}".repeat(depth) + &"{{end}}".repeat(depth);
    let err = TemplateSet::new().parse("deep", &text).unwrap_err();
    assert_eq!(err.message, "max expression depth exceeded");
    let parens = "{{".to_owned() + &"(".repeat(depth) + "1" + &")".repeat(depth) + "}}";
    assert!(TemplateSet::new().parse("p", &parens).is_err());
}

#[test]
fn deep_but_allowed_nesting_runs() {
    let depth = 5_000;
    let text = "{{if 1}}".repeat(depth) + "x" + &"{{end}}".repeat(depth);
    let mut set = TemplateSet::new();
    set.parse("deep", &text).unwrap();
    assert_eq!(render(&set, "deep", &Value::Nil).unwrap(), "x");
}

#[test]
fn endless_template_recursion_stops_with_gos_error() {
    let mut set = TemplateSet::new().max_depth(2000);
    set.parse("r", r#"{{template "r" .}}"#).unwrap();
    let err = render(&set, "r", &Value::Nil).unwrap_err();
    assert!(
        err.ends_with("exceeded maximum template depth (2000)"),
        "{err}"
    );
}

#[test]
fn unknown_template_names_the_set() {
    let set = TemplateSet::new().named("gotpl");
    let err = render(&set, "nope", &Value::Nil).unwrap_err();
    assert_eq!(
        err,
        r#"template: no template "nope" associated with template "gotpl""#
    );
}

/// A host object like Helm's `.Files` / `.Capabilities.APIVersions`.
struct Host;

impl slipway_value::Object for Host {
    fn type_name(&self) -> &str {
        "chart.Files"
    }

    fn field(&self, name: &str) -> Option<Value> {
        (name == "Name").then(|| Value::from("files"))
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Get" => Some(Ok(Value::from(format!(
                "content of {}",
                args.first().and_then(Value::as_str).unwrap_or_default()
            )))),
            "Fail" => Some(Err("boom".into())),
            _ => None,
        }
    }
}

#[test]
fn object_fields_and_methods_work_in_chains_and_pipelines() {
    let mut d = slipway_value::Map::new();
    d.insert("Files".into(), Value::Object(Arc::new(Host)));
    let d = Value::dict(d);
    let mut set = TemplateSet::new();
    set.parse(
        "t",
        r#"{{.Files.Name}} {{.Files.Get "a.txt"}} {{"b" | .Files.Get}}"#,
    )
    .unwrap();
    assert_eq!(
        render(&set, "t", &d).unwrap(),
        "files content of a.txt content of b"
    );
    set.parse("e", r#"{{.Files.Fail 1}}"#).unwrap();
    assert_eq!(
        render(&set, "e", &d).unwrap_err(),
        r#"template: e:1:8: executing "e" at <.Files.Fail>: error calling Fail: boom"#
    );
    set.parse("n", r#"{{.Files.Nope}}"#).unwrap();
    assert_eq!(
        render(&set, "n", &d).unwrap_err(),
        r#"template: n:1:8: executing "n" at <.Files.Nope>: can't evaluate field Nope in type interface {}"#
    );
}

#[test]
fn sets_are_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<TemplateSet>();
}

#[test]
fn a_function_named_break_turns_the_keyword_off() {
    let mut funcs = slipway_value::FuncMap::new();
    let f: slipway_value::Func = Arc::new(|_: &[Value]| Ok(Value::from("fn")));
    funcs.insert("break", f);
    let mut set = TemplateSet::new().with_funcs(funcs);
    set.parse("t", "{{break}}").unwrap();
    assert_eq!(render(&set, "t", &Value::Nil).unwrap(), "fn");
}
