//! Slash-separated path functions (Go's `path` package; `filepath` on Linux is the same).

use slipway_value::FuncMap;

use crate::args::{Arity, register};

/// Registers `base`, `dir`, `clean`, `ext`, `isAbs` and their `os*` twins.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["base", "osBase"], Exact(1), |a| {
        Ok(base(a.str(0)?).into())
    });
    register(
        m,
        &["dir", "osDir"],
        Exact(1),
        |a| Ok(dir(a.str(0)?).into()),
    );
    register(m, &["clean", "osClean"], Exact(1), |a| {
        Ok(clean(a.str(0)?).into())
    });
    register(
        m,
        &["ext", "osExt"],
        Exact(1),
        |a| Ok(ext(a.str(0)?).into()),
    );
    register(m, &["isAbs", "osIsAbs"], Exact(1), |a| {
        Ok(a.str(0)?.starts_with('/').into())
    });
}

/// Go's `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Go's `path.Dir`.
fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// Go's `path.Ext`.
fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return p[i..].to_owned(),
            _ => {}
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_functions_follow_go() {
        assert_eq!(clean("/foo/../foo/../bar"), "/bar");
        assert_eq!(clean("a/../../b/./c/"), "../b/c");
        assert_eq!(clean("/.."), "/");
        assert_eq!(base("foo/bar/"), "bar");
        assert_eq!(base("///"), "/");
        assert_eq!(dir("foo/bar/baz"), "foo/bar");
        assert_eq!(dir("baz"), ".");
        assert_eq!(dir("/baz"), "/");
        assert_eq!(ext("/foo/bar/baz.txt"), ".txt");
        assert_eq!(ext("/foo.d/bar"), "");
    }
}
