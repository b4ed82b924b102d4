//! `helm template`'s output: manifests in install order, then hooks, each framed as
//! `---\n# Source: FILE\nTEXT\n`; CRDs first with `--include-crds`; `--show-only` filtering;
//! `--output-dir` writing one file per template.

use std::path::{Path, PathBuf};

use crate::error::RenderError;
use crate::release::RenderedRelease;

/// What `helm template` was asked to print.
#[derive(Debug, Clone, Default)]
pub struct TemplateOutput {
    /// `--include-crds`: print the charts' `crds/` files first.
    pub include_crds: bool,
    /// `--show-only`: only the documents of templates matching these patterns.
    pub show_only: Vec<String>,
    /// `--skip-tests`: leave out `test` hooks.
    pub skip_tests: bool,
    /// `--output-dir`: write files there instead of printing them.
    pub output_dir: Option<PathBuf>,
    /// `--release-name`: put the manifests under `OUTPUT_DIR/RELEASE/`.
    pub use_release_name: bool,
}

/// Produces what `helm template` prints on stdout for `release`; with an output directory the
/// files are written and the text is the `wrote FILE` lines.
pub fn template_output(
    release: &RenderedRelease,
    options: &TemplateOutput,
) -> Result<String, RenderError> {
    match &options.output_dir {
        Some(dir) => write_output_dir(release, options, dir),
        None => Ok(stdout_text(release, options)?),
    }
}

fn frame(out: &mut String, source: &str, text: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(source);
    out.push('\n');
    out.push_str(text);
    out.push('\n');
}

fn stdout_text(release: &RenderedRelease, options: &TemplateOutput) -> Result<String, RenderError> {
    let mut manifest = String::new();
    if options.include_crds {
        for crd in &release.crds {
            frame(&mut manifest, &crd.source, &crd.text);
        }
    }
    for m in &release.manifests {
        frame(&mut manifest, &m.source, &m.text);
    }
    let mut out = manifest.trim().to_owned();
    out.push('\n');
    for hook in &release.hooks {
        if options.skip_tests && hook.events.iter().any(|e| e == "test") {
            continue;
        }
        frame(&mut out, &hook.source, &hook.text);
    }
    if options.show_only.is_empty() {
        return Ok(out);
    }
    show_only(&out, &options.show_only)
}

/// `--show-only`: the documents whose `# Source:` path (without the chart name) matches a
/// pattern, pattern by pattern, each as `---\nDOC\n`.
fn show_only(text: &str, patterns: &[String]) -> Result<String, RenderError> {
    let docs = slipway_yaml::split_manifests(text);
    let mut out = String::new();
    for pattern in patterns {
        let mut found = false;
        for doc in &docs {
            let Some(path) = source_path(doc) else {
                continue;
            };
            if !glob_match(pattern, path) {
                continue;
            }
            out.push_str("---\n");
            out.push_str(doc);
            out.push('\n');
            found = true;
        }
        if !found {
            return Err(RenderError::ShowOnlyMissing(pattern.clone()));
        }
    }
    Ok(out)
}

/// The path after the chart name of a document's first `# Source: chart/PATH` (Helm's
/// `# Source: [^/]+/(.+)` match).
fn source_path(doc: &str) -> Option<&str> {
    let start = doc.find("# Source: ")? + "# Source: ".len();
    let rest = &doc[start..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let slash = line.find('/')?;
    if slash == 0 {
        return None;
    }
    let path = &line[slash + 1..];
    (!path.is_empty()).then_some(path)
}

/// Go's `filepath.Match` on `/`-separated paths (`*`, `?`, `[...]`, `\` escapes; a bad
/// pattern matches nothing).
fn glob_match(pattern: &str, name: &str) -> bool {
    glob_chars(
        &pattern.chars().collect::<Vec<_>>(),
        &name.chars().collect::<Vec<_>>(),
    )
    .unwrap_or(false)
}

fn glob_chars(p: &[char], n: &[char]) -> Option<bool> {
    match p.first() {
        None => Some(n.is_empty()),
        Some('*') => {
            let rest = &p[1..];
            for i in 0..=n.len() {
                if i > 0 && n[i - 1] == '/' {
                    break;
                }
                if glob_chars(rest, &n[i..])? {
                    return Some(true);
                }
            }
            Some(false)
        }
        Some('?') => match n.first() {
            Some(c) if *c != '/' => glob_chars(&p[1..], &n[1..]),
            _ => Some(false),
        },
        Some('[') => {
            let (matched, len) = class_match(&p[1..], *n.first()?)?;
            if matched && n[0] != '/' {
                glob_chars(&p[1 + len..], &n[1..])
            } else {
                Some(false)
            }
        }
        Some('\\') => {
            let c = *p.get(1)?;
            if n.first() == Some(&c) {
                glob_chars(&p[2..], &n[1..])
            } else {
                Some(false)
            }
        }
        Some(c) => {
            if n.first() == Some(c) {
                glob_chars(&p[1..], &n[1..])
            } else {
                Some(false)
            }
        }
    }
}

/// Matches `c` against a class body (after `[`); returns whether it matched and the length
/// of the body including `]`, or `None` for a malformed class.
fn class_match(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 0;
    let negated = p.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((matched != negated, i + 1));
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|c| *c != ']') {
            hi = if p[i + 1] == '\\' {
                i += 1;
                *p.get(i + 1)?
            } else {
                p[i + 1]
            };
            i += 2;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
}

/// `--output-dir`: CRDs under `DIR/`, manifests and hooks under `DIR/` (or `DIR/RELEASE/`),
/// a file per template, appended to when a template has several documents (and, as Helm
/// does for hooks, when the file already exists).
fn write_output_dir(
    release: &RenderedRelease,
    options: &TemplateOutput,
    dir: &Path,
) -> Result<String, RenderError> {
    let mut log = String::new();
    let mut written = std::collections::HashSet::new();
    let manifest_dir = if options.use_release_name {
        dir.join(&release.name)
    } else {
        dir.to_path_buf()
    };
    if options.include_crds {
        for crd in &release.crds {
            let append = !written.insert(dir.join(&crd.source));
            write_file(dir, &crd.source, &crd.text, append, &mut log)?;
        }
    }
    for m in &release.manifests {
        let append = !written.insert(manifest_dir.join(&m.source));
        write_file(&manifest_dir, &m.source, &m.text, append, &mut log)?;
    }
    for hook in &release.hooks {
        if options.skip_tests && hook.events.iter().any(|e| e == "test") {
            continue;
        }
        let path = manifest_dir.join(&hook.source);
        let append = !written.insert(path.clone()) || path.exists();
        write_file(&manifest_dir, &hook.source, &hook.text, append, &mut log)?;
    }
    log.push('\n');
    Ok(log)
}

fn write_file(
    dir: &Path,
    name: &str,
    text: &str,
    append: bool,
    log: &mut String,
) -> Result<(), RenderError> {
    use std::io::Write;
    let path = PathBuf::from(format!("{}/{name}", dir.display()));
    let io = |e: std::io::Error| RenderError::Io(format!("{}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(!append)
        .append(append)
        .truncate(!append)
        .open(&path)
        .map_err(io)?;
    let mut framed = String::new();
    frame(&mut framed, name, text);
    file.write_all(framed.as_bytes()).map_err(io)?;
    log.push_str(&format!("wrote {}\n", path.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_like_go_filepath_match() {
        assert!(glob_match("templates/*.yaml", "templates/a.yaml"));
        assert!(!glob_match("templates/*.yaml", "templates/sub/a.yaml"));
        assert!(glob_match("templates/?.yaml", "templates/a.yaml"));
        assert!(glob_match("templates/[a-c].yaml", "templates/b.yaml"));
        assert!(!glob_match("templates/[^a-c].yaml", "templates/b.yaml"));
        assert!(glob_match(
            "charts/sub/templates/x.yaml",
            "charts/sub/templates/x.yaml"
        ));
        assert!(!glob_match("templates/[", "templates/["));
    }

    #[test]
    fn source_path_drops_the_chart_name() {
        assert_eq!(
            source_path("# Source: mychart/templates/a.yaml\nkind: A"),
            Some("templates/a.yaml")
        );
        assert_eq!(source_path("kind: A"), None);
    }
}
