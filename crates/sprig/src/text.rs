//! Go `strings`-package semantics that Sprig's string functions rely on: byte-based slicing,
//! `Split`/`SplitN`, `Title`, simple case mapping, and Go runtime panic texts for bad slices.

/// Go's `s[start:end]` on a string's bytes with Go's panic text when out of range; the result
/// is decoded lossily if the cut falls inside a UTF-8 sequence.
pub(crate) fn slice(s: &str, start: Option<i64>, end: Option<i64>) -> Result<String, String> {
    let len = s.len() as i64;
    let hi = end.unwrap_or(len);
    if hi < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{hi}]"));
    }
    if hi > len {
        return Err(format!(
            "runtime error: slice bounds out of range [:{hi}] with length {len}"
        ));
    }
    let lo = start.unwrap_or(0);
    if lo < 0 {
        return Err(format!("runtime error: slice bounds out of range [{lo}:]"));
    }
    if lo > hi {
        return Err(format!(
            "runtime error: slice bounds out of range [{lo}:{hi}]"
        ));
    }
    Ok(String::from_utf8_lossy(&s.as_bytes()[lo as usize..hi as usize]).into_owned())
}

/// Go's `strings.SplitN(s, sep, n)` (`n < 0` means all; an empty `sep` splits into
/// characters).
pub(crate) fn split_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let mut out: Vec<String> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if out.len() + 1 == limit {
                out.push(chars[i..].iter().collect());
                return out;
            }
            out.push(c.to_string());
        }
        return out;
    }
    s.splitn(limit, sep).map(str::to_owned).collect()
}

/// Go's `unicode.ToUpper` for one character (simple mapping: no `ß` → `SS`).
pub(crate) fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToTitle` for one character: like upper case, except for the four Latin
/// digraphs that have a distinct title-case form (`ǆ` → `ǅ`).
pub(crate) fn title_char(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        c => upper_char(c),
    }
}

/// Go's `unicode.IsTitle` (the title-case letters, category Lt).
pub(crate) fn is_title(c: char) -> bool {
    matches!(c, '\u{1C5}' | '\u{1C8}' | '\u{1CB}' | '\u{1F2}' | '\u{1F88}'..='\u{1F8F}'
        | '\u{1F98}'..='\u{1F9F}' | '\u{1FA8}'..='\u{1FAF}' | '\u{1FBC}' | '\u{1FCC}' | '\u{1FFC}')
}

/// Go's `unicode.ToLower` for one character (simple mapping).
pub(crate) fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        (Some(l), Some(_)) if c == '\u{130}' => l,
        _ => c,
    }
}

/// Go's `strings.ToUpper`.
pub(crate) fn to_upper(s: &str) -> String {
    s.chars().map(upper_char).collect()
}

/// Go's `strings.ToLower`.
pub(crate) fn to_lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `strings.Title`: upper-cases the first letter of every word.
pub(crate) fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_title_separator(prev) {
                title_char(c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect()
}

fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    is_space(c)
}

/// Each byte of `s` read as the code point of the same number, as Go's `rune(str[i])` does
/// (used by goutils' byte-wise helpers).
pub(crate) fn byte_runes(s: &str) -> impl Iterator<Item = char> + '_ {
    s.bytes().map(char::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_like_go() {
        assert_eq!(slice("fooo", Some(0), Some(3)).unwrap(), "foo");
        assert_eq!(
            slice("foo", Some(5), None).unwrap_err(),
            "runtime error: slice bounds out of range [5:3]"
        );
        assert_eq!(
            slice("foo", None, Some(9)).unwrap_err(),
            "runtime error: slice bounds out of range [:9] with length 3"
        );
    }

    #[test]
    fn split_n_like_go() {
        assert_eq!(split_n("a$b$c", "$", 2), ["a", "b$c"]);
        assert_eq!(split_n("abc", "", -1), ["a", "b", "c"]);
        assert_eq!(split_n("abc", "", 2), ["a", "bc"]);
        assert_eq!(split_n("", ",", -1), [""]);
        assert!(split_n("a", ",", 0).is_empty());
    }

    #[test]
    fn title_and_case() {
        assert_eq!(title("hello wide-world_x"), "Hello Wide-World_x");
        assert_eq!(to_upper("straße"), "STRAßE");
        assert_eq!(title("ǆ x"), "ǅ X");
    }
}
