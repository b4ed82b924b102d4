//! Rendering errors, worded as Helm words them: Go's template errors are rewritten the way
//! Helm's `cleanupParseError` and `reformatExecErrorMsg` do (`parse error at (x.yaml:3): ...`,
//! `execution error at (x.yaml:12:5): ...`, or a multi-line trace through `include`s).

/// Why rendering a chart failed. `Display` is the exact text Helm prints after `Error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A template did not parse (`parse error at (NAME:LINE): MESSAGE`).
    #[error("{0}")]
    Parse(String),
    /// A template failed while executing, reformatted as Helm does.
    #[error("{0}")]
    Execution(String),
    /// A rendered document is not YAML Helm can read the head of.
    #[error("YAML parse error on {file}: {message}")]
    Yaml {
        /// The template the document came from.
        file: String,
        /// The YAML or JSON decoding error.
        message: String,
    },
    /// The chart or its values could not be prepared (loading, dependencies, `kubeVersion`,
    /// schema), with Helm's text.
    #[error(transparent)]
    Chart(#[from] slipway_chart::ChartError),
    /// `--show-only` named a template that rendered nothing.
    #[error("could not find template {0} in chart")]
    ShowOnlyMissing(String),
    /// werf secret files could not be decrypted (no key, wrong key).
    #[error("{0}")]
    Secrets(String),
    /// Writing `--output-dir` files failed.
    #[error("{0}")]
    Io(String),
}

impl RenderError {
    /// Whether `helm template` would add its `Use --debug flag to render out invalid YAML`
    /// hint (errors raised while rendering, after the release was created).
    pub fn is_render_failure(&self) -> bool {
        matches!(
            self,
            RenderError::Parse(_)
                | RenderError::Execution(_)
                | RenderError::Yaml { .. }
                | RenderError::Chart(slipway_chart::ChartError::KubeVersion(_))
        )
    }
}

/// The delimiters Helm wraps `required`/`fail` messages in, to find them again in a chain of
/// wrapped errors.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
/// See [`WARN_START`].
pub(crate) const WARN_END: &str = "HELM_ERR_END";

/// Wraps a `required`/`fail` message so [`reformat_exec_error`] shows it alone.
pub(crate) fn warn_wrap(message: &str) -> String {
    format!("{WARN_START}{message}{WARN_END}")
}

/// Helm's `cleanupParseError`: `template: NAME:LINE: ... : MESSAGE` becomes
/// `parse error at (NAME:LINE): MESSAGE`.
pub fn cleanup_parse_error(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {message}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// One link of the error chain as Helm's `TraceableError` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Traceable {
    location: String,
    message: String,
    executed_function: String,
}

impl Traceable {
    fn write(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed_function.is_empty() {
            out.push_str(&self.executed_function);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

/// Helm's `reformatExecErrorMsg` on Go's execution error text `message` of template
/// `filename`.
///
/// Go wraps a failing function's error (`error calling NAME: %w`), and `include` returns the
/// nested template's own execution error, so the chain of wrapped errors is the message
/// itself followed by the text after each `error calling NAME: `; Helm walks that chain and
/// gives up (keeping Go's text) at the first link that is not a template error.
pub fn reformat_exec_error(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {message}");
    }
    if let Some(start) = tokens[2].find(WARN_START)
        && let Some(end) = tokens[2].rfind(WARN_END)
        && end >= start + WARN_START.len()
    {
        return format!(
            "execution error at ({}): {}",
            tokens[1],
            &tokens[2][start + WARN_START.len()..end]
        );
    }
    let mut links: Vec<Traceable> = Vec::new();
    let mut current = Some(message);
    while let Some(text) = current {
        let Some((link, wrapped)) = parse_link(text) else {
            return message.to_owned();
        };
        if links.last() != Some(&link) {
            links.push(link);
        }
        current = wrapped;
    }
    let mut out = String::new();
    for link in &links {
        link.write(&mut out);
    }
    out.trim().to_owned()
}

/// Parses one link (Helm's `parseTemplateExecErrorString`) and finds the error it wraps.
fn parse_link(text: &str) -> Option<(Traceable, Option<&str>)> {
    let remainder = text.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        let link = Traceable {
            message: text.to_owned(),
            ..Traceable::default()
        };
        return Some((link, None));
    }
    // When the executing form does not parse, Helm falls back to the simple form.
    if let Some((template_name, after)) = remainder.split_once(": executing ")
        && let Some(link) = parse_executing(template_name, after)
    {
        return Some(link);
    }
    let sep = remainder.rfind(": ")?;
    let mut message = &remainder[sep + 2..];
    if let Some(cut) = message.find(" template:") {
        message = &message[..cut];
    }
    let link = Traceable {
        location: remainder[..sep].to_owned(),
        message: message.to_owned(),
        executed_function: String::new(),
    };
    Some((link, None))
}

/// The `NAME: executing "FUNC" at <CONTEXT>: MESSAGE` form.
fn parse_executing<'a>(
    template_name: &str,
    after: &'a str,
) -> Option<(Traceable, Option<&'a str>)> {
    let quoted = after.strip_prefix('"')?;
    let end_quote = quoted.find('"')?;
    let function_name = &quoted[..end_quote];
    let after_at = quoted[end_quote + 1..].strip_prefix(" at <")?;
    let (location_name, full_message) = after_at.split_once(">: ")?;
    let mut message = full_message;
    if let Some(cut) = message.find(" template:") {
        message = &message[..cut];
    }
    let link = Traceable {
        location: template_name.to_owned(),
        message: message.to_owned(),
        executed_function: format!("executing \"{function_name}\" at <{location_name}>:"),
    };
    Some((link, wrapped_error(full_message)))
}

/// The error a function-call failure wraps: the text after `error calling NAME: `.
fn wrapped_error(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("error calling ")?;
    let (name, wrapped) = rest.split_once(": ")?;
    (!name.contains(' ')).then_some(wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_keep_location_and_last_message() {
        assert_eq!(
            cleanup_parse_error(
                "undefined_function",
                "template: undefined_function:1: function \"foo\" not defined"
            ),
            "parse error at (undefined_function:1): function \"foo\" not defined"
        );
    }

    #[test]
    fn required_and_fail_show_only_their_message() {
        let go = format!(
            "template: issue6044:3:4: executing \"issue6044\" at <include \"x\" .>: error calling include: template: issue6044:1:2: executing \"x\" at <required \"a\" .b>: error calling required: {}",
            warn_wrap("abc: something is missing")
        );
        assert_eq!(
            reformat_exec_error("issue6044", &go),
            "execution error at (issue6044:3:4): abc: something is missing"
        );
    }

    #[test]
    fn nested_include_errors_become_a_trace() {
        let go = "template: p/templates/svc.yaml:1:9: executing \"p/templates/svc.yaml\" at <include \"a\" .>: error calling include: template: p/templates/_h.tpl:1:39: executing \"a\" at <.Values.x.key>: nil pointer evaluating interface {}.key";
        assert_eq!(
            reformat_exec_error("p/templates/svc.yaml", go),
            "p/templates/svc.yaml:1:9\n  executing \"p/templates/svc.yaml\" at <include \"a\" .>:\n    error calling include:\np/templates/_h.tpl:1:39\n  executing \"a\" at <.Values.x.key>:\n    nil pointer evaluating interface {}.key"
        );
    }

    #[test]
    fn plain_function_errors_keep_go_text() {
        let go = "template: c/templates/a.yaml:1:6: executing \"c/templates/a.yaml\" at <index .Values.l 5>: error calling index: index out of range: 5";
        assert_eq!(reformat_exec_error("c/templates/a.yaml", go), go);
    }

    #[test]
    fn missing_template_in_include() {
        let go = "template: m/templates/svc.yaml:1:9: executing \"m/templates/svc.yaml\" at <include \"n\" .>: error calling include: template: no template \"n\" associated with template \"gotpl\"";
        assert_eq!(
            reformat_exec_error("m/templates/svc.yaml", go),
            "m/templates/svc.yaml:1:9\n  executing \"m/templates/svc.yaml\" at <include \"n\" .>:\n    error calling include:\ntemplate: no template \"n\" associated with template \"gotpl\""
        );
    }
}
