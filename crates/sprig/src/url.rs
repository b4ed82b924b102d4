//! `urlParse` and `urlJoin`, following Go's `net/url` (parsing, escaping and `URL.String`).

use slipway_value::fmt::quote;
use slipway_value::{Dict, FuncError, FuncMap, Value};

use crate::args::{Arity, failed, register};
use crate::lists::kind;

/// Registers `urlParse` and `urlJoin`.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::Exact;
    register(m, &["urlParse"], Exact(1), |a| {
        let raw = a.str(0)?;
        let u = Url::parse(raw).map_err(|e| failed(format!("unable to parse url: {e}")))?;
        let d = Dict::new();
        d.insert("scheme", u.scheme.clone().into());
        d.insert("host", u.host.clone().into());
        d.insert("hostname", u.hostname().into());
        d.insert("path", u.path.clone().into());
        d.insert("query", u.raw_query.clone().into());
        d.insert("opaque", u.opaque.clone().into());
        d.insert("fragment", u.fragment.clone().into());
        d.insert(
            "userinfo",
            u.user
                .as_ref()
                .map(User::to_string)
                .unwrap_or_default()
                .into(),
        );
        Ok(Value::Dict(d))
    });
    register(m, &["urlJoin"], Exact(1), |a| {
        let d = a.dict(0)?;
        let field = |key: &str| -> Result<String, FuncError> {
            match d.get(key) {
                None => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.to_string()),
                Some(other) => Err(failed(format!(
                    "unable to parse {key} key, must be of type string, but {} found",
                    kind(&other)
                ))),
            }
        };
        let mut u = Url {
            scheme: field("scheme")?,
            host: field("host")?,
            path: field("path")?,
            raw_query: field("query")?,
            opaque: field("opaque")?,
            fragment: field("fragment")?,
            ..Url::default()
        };
        let userinfo = field("userinfo")?;
        if !userinfo.is_empty() {
            let tmp = Url::parse(&format!("proto://{userinfo}@host"))
                .map_err(|e| failed(format!("unable to parse userinfo in dict: {e}")))?;
            u.user = tmp.user;
        }
        Ok(u.to_string().into())
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

#[derive(Default, Clone, Debug)]
struct User {
    name: String,
    password: Option<String>,
}

impl std::fmt::Display for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&escape(&self.name, Mode::UserPassword))?;
        if let Some(p) = &self.password {
            write!(f, ":{}", escape(p, Mode::UserPassword))?;
        }
        Ok(())
    }
}

/// The parts of Go's `url.URL` that Sprig uses.
#[derive(Default, Clone, Debug)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<User>,
    host: String,
    path: String,
    raw_path: String,
    omit_host: bool,
    force_query: bool,
    raw_query: String,
    fragment: String,
    raw_fragment: String,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Go's `escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `unescape` (no `+` handling outside queries).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    let bad = s.get(i..(i + 3).min(s.len())).unwrap_or(&s[i..]);
                    return Err(format!("invalid URL escape {}", quote(bad)));
                };
                let v = u8::from_str_radix(hex, 16).unwrap_or(0);
                if mode == Mode::Host && v < 0x80 && hex != "25" {
                    return Err(format!("invalid URL escape {}", quote(&s[i..i + 3])));
                }
                out.push(v);
                i += 3;
            }
            c => {
                if mode == Mode::Host && c < 0x80 && should_escape(c, Mode::Host) {
                    return Err(format!(
                        "invalid character {} in host name",
                        quote(&char::from(c).to_string())
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|c| c.is_ascii_digit()))
}

impl Url {
    /// Go's `url.Parse`; the error text is `*url.Error`'s (`parse "x": ...`).
    fn parse(raw: &str) -> Result<Url, String> {
        let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
        let wrap = |e: String, what: &str| format!("parse {}: {e}", quote(what));
        let mut url = Url::parse_no_fragment(u).map_err(|e| wrap(e, u))?;
        if !frag.is_empty() {
            url.fragment = unescape(frag, Mode::Fragment).map_err(|e| wrap(e, raw))?;
            url.raw_fragment = if escape(&url.fragment, Mode::Fragment) == frag {
                String::new()
            } else {
                frag.to_owned()
            };
        }
        Ok(url)
    }

    fn parse_no_fragment(raw: &str) -> Result<Url, String> {
        if raw.bytes().any(|c| c < 0x20 || c == 0x7f) {
            return Err("net/url: invalid control character in URL".to_owned());
        }
        let mut url = Url::default();
        if raw == "*" {
            url.path = "*".to_owned();
            return Ok(url);
        }
        let (scheme, mut rest) = scheme(raw)?;
        url.scheme = scheme.to_ascii_lowercase();
        if rest.ends_with('?') && rest.matches('?').count() == 1 {
            url.force_query = true;
            rest = &rest[..rest.len() - 1];
        } else if let Some((r, q)) = rest.split_once('?') {
            url.raw_query = q.to_owned();
            rest = r;
        }
        if !rest.starts_with('/') {
            if !url.scheme.is_empty() {
                url.opaque = rest.to_owned();
                return Ok(url);
            }
            if rest.split('/').next().unwrap_or("").contains(':') {
                return Err("first path segment in URL cannot contain colon".to_owned());
            }
        }
        if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let authority_and_path = &rest[2..];
            let (authority, path) = match authority_and_path.find('/') {
                Some(i) => authority_and_path.split_at(i),
                None => (authority_and_path, ""),
            };
            url.parse_authority(authority)?;
            rest = path;
        } else if !url.scheme.is_empty() && rest.starts_with('/') {
            url.omit_host = true;
        }
        url.path = unescape(rest, Mode::Path)?;
        url.raw_path = if escape(&url.path, Mode::Path) == rest {
            String::new()
        } else {
            rest.to_owned()
        };
        Ok(url)
    }

    fn parse_authority(&mut self, authority: &str) -> Result<(), String> {
        let at = authority.rfind('@');
        let host_part = at.map_or(authority, |i| &authority[i + 1..]);
        self.host = parse_host(host_part)?;
        let Some(i) = at else {
            return Ok(());
        };
        let userinfo = &authority[..i];
        if !userinfo
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&c))
        {
            return Err("net/url: invalid userinfo".to_owned());
        }
        self.user = Some(match userinfo.split_once(':') {
            None => User {
                name: unescape(userinfo, Mode::UserPassword)?,
                password: None,
            },
            Some((n, p)) => User {
                name: unescape(n, Mode::UserPassword)?,
                password: Some(unescape(p, Mode::UserPassword)?),
            },
        });
        Ok(())
    }

    /// Go's `URL.Hostname`.
    fn hostname(&self) -> String {
        let mut host = self.host.as_str();
        if let Some(colon) = host.rfind(':')
            && valid_optional_port(&host[colon..])
        {
            host = &host[..colon];
        }
        if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
            host = &host[1..host.len() - 1];
        }
        host.to_owned()
    }

    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && unescape(&self.raw_path, Mode::Path).ok().as_deref() == Some(&self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".to_owned();
        }
        escape(&self.path, Mode::Path)
    }
}

/// Go's `getScheme`.
fn scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_owned()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// Go's `parseHost` (IPv6 literals in brackets, an optional numeric port).
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(end) = host.rfind(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let port = &host[end + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

impl std::fmt::Display for Url {
    /// Go's `URL.String`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            let no_authority = self.host.is_empty() && self.user.is_none();
            if !(no_authority && (self.scheme.is_empty() || self.omit_host)) {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    out.push_str("//");
                }
                if let Some(u) = &self.user {
                    out.push_str(&u.to_string());
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            if !self.raw_fragment.is_empty()
                && unescape(&self.raw_fragment, Mode::Fragment).ok().as_deref()
                    == Some(&self.fragment)
            {
                out.push_str(&self.raw_fragment);
            } else {
                out.push_str(&escape(&self.fragment, Mode::Fragment));
            }
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_net_url() {
        let u = Url::parse("proto://auth@host:80/path?query#fragment").unwrap();
        assert_eq!(u.scheme, "proto");
        assert_eq!(u.host, "host:80");
        assert_eq!(u.hostname(), "host");
        assert_eq!(u.path, "/path");
        assert_eq!(u.raw_query, "query");
        assert_eq!(u.fragment, "fragment");
        assert_eq!(u.user.unwrap().to_string(), "auth");
        let o = Url::parse("mailto:someone@example.com").unwrap();
        assert_eq!(o.opaque, "someone@example.com");
        assert_eq!(
            Url::parse("http://[::1]:namedport").unwrap_err(),
            "parse \"http://[::1]:namedport\": invalid port \":namedport\" after host"
        );
        assert_eq!(
            Url::parse("http://a b.com/").unwrap_err(),
            "parse \"http://a b.com/\": invalid character \" \" in host name"
        );
    }

    #[test]
    fn prints_like_net_url() {
        let u = Url {
            scheme: "proto".into(),
            host: "host:80".into(),
            path: "/path with space".into(),
            raw_query: "query".into(),
            fragment: "frag ment".into(),
            ..Url::default()
        };
        assert_eq!(
            u.to_string(),
            "proto://host:80/path%20with%20space?query#frag%20ment"
        );
    }
}
