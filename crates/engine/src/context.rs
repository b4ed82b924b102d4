//! Helm's `include` and `tpl`: functions that run templates of the executing set.
//!
//! `include NAME DATA` executes a named template into a string, counting nested uses of each
//! name (more than 1000 is Helm's `nested reference` error). `tpl TEXT DATA` parses TEXT as a
//! new template named after the set's root (`gotpl`) in a clone of the running set, so the
//! templates it defines are visible to its own `include`s only, and executes it. Both replace
//! `<no value>` in what `tpl` returns, as Helm does.

use std::collections::HashMap;
use std::sync::Arc;

use slipway_template::{Context, ContextFunc};
use slipway_value::{FuncError, Value};

use crate::funcs::{arity, string_arg};
use crate::render::without_no_value;

/// More nested `include`s of one name than this is an error (Helm's `recursionMaxNums`).
const MAX_INCLUDE_NESTING: usize = 1000;

/// Stack left before an `include` continues on a new segment, and that segment's size.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Per-render state the context functions keep: how deep each name is `include`d right now.
#[derive(Debug, Default)]
pub(crate) struct RenderState {
    included: HashMap<String, usize>,
}

/// `include` and `tpl` as context-aware functions.
pub(crate) fn context_functions() -> [(&'static str, ContextFunc); 2] {
    [("include", Arc::new(include)), ("tpl", Arc::new(tpl))]
}

fn include(ctx: &mut dyn Context, args: &[Value]) -> Result<Value, FuncError> {
    arity("include", args, 2)?;
    let name = string_arg(&args[0])?;
    {
        let included = &mut render_state(ctx)?.included;
        let count = match included.get_mut(name) {
            Some(count) => count,
            None => included.entry(name.to_owned()).or_insert(0),
        };
        if *count > MAX_INCLUDE_NESTING {
            return Err(FuncError::Failed(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            )));
        }
        *count += 1;
    }
    // Deep include chains (Helm allows 1000 nested uses of a name) run on a grown stack.
    let result = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
        ctx.execute_template(name, &args[1])
    });
    if let Some(count) = render_state(ctx)?.included.get_mut(name) {
        *count -= 1;
    }
    result
        .map(Value::string)
        .map_err(|e| FuncError::Failed(e.to_string()))
}

fn tpl(ctx: &mut dyn Context, args: &[Value]) -> Result<Value, FuncError> {
    arity("tpl", args, 2)?;
    let text = string_arg(&args[0])?.to_owned();
    let name = ctx.template_set().name().to_owned();
    match ctx.execute_text(&name, &text, &args[1]) {
        Ok(out) => Ok(Value::string(without_no_value(out))),
        Err(slipway_template::TemplateError::Parse(e)) => Err(FuncError::Failed(format!(
            "cannot parse template {}: {e}",
            slipway_value::fmt::quote(&text)
        ))),
        Err(slipway_template::TemplateError::Exec(e)) => Err(FuncError::Failed(format!(
            "error during tpl function execution for {}: {e}",
            slipway_value::fmt::quote(&text)
        ))),
    }
}

/// The render's [`RenderState`], which the renderer passes to every execution.
fn render_state(ctx: &mut dyn Context) -> Result<&mut RenderState, FuncError> {
    ctx.state().downcast_mut::<RenderState>().ok_or_else(|| {
        FuncError::Failed("include and tpl need the render state of the engine".to_owned())
    })
}
