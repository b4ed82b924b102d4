//! Functions that reach outside the template: `env`, `expandenv`, `getHostByName`, and
//! `fail`. (Helm removes `env` and `expandenv` from its map.)

use std::net::ToSocketAddrs;

use slipway_value::FuncMap;

use crate::args::{Arity, failed, register};
use crate::random;

/// Registers the environment, network and flow-control functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["env"], Exact(1), |a| {
        Ok(std::env::var(a.str(0)?).unwrap_or_default().into())
    });
    register(m, &["expandenv"], Exact(1), |a| {
        Ok(expand(a.str(0)?, |name| std::env::var(name).unwrap_or_default()).into())
    });
    register(m, &["getHostByName"], Exact(1), |a| {
        let addrs: Vec<String> = (a.str(0)?, 0)
            .to_socket_addrs()
            .map(|it| it.map(|sa| sa.ip().to_string()).collect())
            .unwrap_or_default();
        if addrs.is_empty() {
            return Err(failed("invalid argument to Intn"));
        }
        Ok(addrs[random::below(addrs.len() as u64) as usize]
            .clone()
            .into())
    });
    register(m, &["fail"], Exact(1), |a| Err(failed(a.str(0)?)));
}

/// Go's `os.Expand`: replaces `$NAME` and `${NAME}` using `lookup`.
pub(crate) fn expand(s: &str, lookup: impl Fn(&str) -> String) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.push_str(&s[i..j]);
            let (name, width) = shell_name(&s[j + 1..]);
            if name.is_empty() && width > 0 {
                // Invalid syntax: the characters are dropped.
            } else if name.is_empty() {
                out.push('$');
            } else {
                out.push_str(&lookup(name));
            }
            j += width;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(&s[i.min(s.len())..]);
    out
}

fn is_special(c: u8) -> bool {
    matches!(
        c,
        b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9'
    )
}

/// Go's `getShellName`: the variable name after a `$` and how many bytes it used.
fn shell_name(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    if b[0] == b'{' {
        if b.len() > 2 && is_special(b[1]) && b[2] == b'}' {
            return (&s[1..2], 3);
        }
        for (i, &c) in b.iter().enumerate().skip(1) {
            if c == b'}' {
                if i == 1 {
                    return ("", 2);
                }
                return (&s[1..i], i + 1);
            }
        }
        return ("", 1);
    }
    if is_special(b[0]) {
        return (&s[..1], 1);
    }
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    (&s[..n], n)
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn expands_like_go() {
        let look = |n: &str| match n {
            "HOME" => "/root".to_owned(),
            "1" => "one".to_owned(),
            _ => String::new(),
        };
        assert_eq!(expand("$HOME/x ${HOME} $1 $", look), "/root/x /root one $");
        assert_eq!(expand("a${}b${", look), "ab");
        assert_eq!(expand("cost $$5", look), "cost 5");
    }
}
