//! Word-level string helpers from the Go libraries Sprig uses: goutils (`Abbreviate`,
//! `Uncapitalize`, `SwapCase`, `Wrap`) and xstrings (`ToSnakeCase`, `ToKebabCase`,
//! `ToPascalCase`).

use crate::text::{is_space, is_title, lower_char, title_char, upper_char};

/// goutils' `AbbreviateFull` (byte-based, as in Go); its errors give "".
pub(crate) fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> String {
    let cut = |from: i64, to: i64| {
        String::from_utf8_lossy(&s.as_bytes()[from as usize..to as usize]).into_owned()
    };
    if s.is_empty() || max_width < 4 {
        return String::new();
    }
    let len = s.len() as i64;
    if len <= max_width {
        return s.to_owned();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return format!("{}...", cut(0, max_width - 3));
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let rest = cut(offset, len);
        return format!("...{}", abbreviate_full(&rest, 0, max_width - 3));
    }
    format!("...{}", cut(len - (max_width - 3), len))
}

/// goutils' `Uncapitalize` with whitespace delimiters.
pub(crate) fn uncapitalize(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                lower_char(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils' `SwapCase`: upper and title case become lower; lower case becomes title case at
/// the start of a word and upper case elsewhere.
pub(crate) fn swap_case(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if c.is_uppercase() || is_title(c) {
                whitespace = false;
                lower_char(c)
            } else if c.is_lowercase() {
                let out = if whitespace {
                    title_char(c)
                } else {
                    upper_char(c)
                };
                whitespace = false;
                out
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect()
}

/// goutils' `WrapCustom` (byte-based): breaks at spaces so lines fit `width`; long words
/// are split only when `wrap_long` is set. An empty `newline` means `"\n"`.
pub(crate) fn wrap(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + 8);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(at) = space.map(|p| p + offset) {
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if wrap_long {
            out.extend_from_slice(&b[offset..offset + width]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    !matches!(c, '\u{4E00}'..='\u{9FCC}' | '\u{3400}'..='\u{4D85}' | '\u{20000}'..='\u{2B81D}')
}

/// Go's `unicode.IsPunct` (exact for ASCII and the common Unicode punctuation blocks).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c, '\u{A1}' | '\u{A7}' | '\u{AB}' | '\u{B6}' | '\u{B7}' | '\u{BB}' | '\u{BF}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}' | '\u{FF01}'..='\u{FF0F}')
        && !matches!(c, '\u{2044}' | '\u{2052}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type and text of the next word, and what follows it.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut chars = s.char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return (Word::Invalid, "", "");
    };
    let mut end = first.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*end..].chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let wt = if is_connector(first) {
        take_while(&mut end, &is_connector);
        Word::Connector
    } else if is_punct(first) {
        take_while(&mut end, &is_punct);
        Word::Punct
    } else if first.is_uppercase() {
        if let Some(second) = s[end..].chars().next() {
            if second.is_uppercase() {
                let mut prev_size = second.len_utf8();
                end += prev_size;
                let mut stopped_on = None;
                for c in s[end..].chars() {
                    if !c.is_uppercase() {
                        stopped_on = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    end += prev_size;
                }
                if stopped_on.is_some_and(is_alphabet) {
                    end -= prev_size;
                }
            } else if is_alphabet(second) {
                take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
            }
        }
        Word::Upper
    } else if is_alphabet(first) {
        take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
        Word::Alphabet
    } else if first.is_numeric() {
        take_while(&mut end, &char::is_numeric);
        Word::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
        Word::Other
    };
    (wt, &s[..end], &s[end..])
}

fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(lower_char(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase`: `HTTPServer` → `http_server` (snake) or `http-server`.
pub(crate) fn to_lower_words(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

/// xstrings v1.5.0's `ToPascalCase`: `http_server` → `HttpServer`; leading connectors stay,
/// runs of connectors keep all but the last, and a word that starts upper case has the rest
/// of its upper-case run lowered (`hello WORLD` → `HelloWorld`).
pub(crate) fn to_pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = Some(upper_char(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper_char(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower_char(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_kebab_match_xstrings_docs() {
        let rows = [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ];
        for (input, want) in rows {
            assert_eq!(to_lower_words(input, '_'), want, "{input}");
        }
        assert_eq!(to_lower_words("FirstName", '-'), "first-name");
    }

    #[test]
    fn pascal_case_matches_xstrings_docs() {
        assert_eq!(to_pascal_case("some_words"), "SomeWords");
        assert_eq!(to_pascal_case("_complex__case_"), "_Complex_Case_");
        assert_eq!(to_pascal_case("some words"), "SomeWords");
        assert_eq!(to_pascal_case("all"), "All");
        assert_eq!(to_pascal_case("a"), "A");
        assert_eq!(to_pascal_case("__"), "__");
        assert_eq!(to_pascal_case("hello WORLD"), "HelloWorld");
    }

    #[test]
    fn abbreviations_match_goutils_docs() {
        assert_eq!(abbreviate_full("abcdefghijklmno", 0, 10), "abcdefg...");
        assert_eq!(abbreviate_full("abcdefghijklmno", 5, 10), "...fghi...");
        assert_eq!(abbreviate_full("abcdefghijklmno", 12, 10), "...ijklmno");
        assert_eq!(abbreviate_full("1234 5678 9123", 5, 10), "...5678...");
    }

    #[test]
    fn wrap_and_swap() {
        assert_eq!(wrap("Hello World", 5, "", false), "Hello\nWorld");
        assert_eq!(
            wrap("Hello Worldwide", 3, "<br>", true),
            "Hel<br>lo<br>Wor<br>ldw<br>ide"
        );
        assert_eq!(swap_case("The dog has a BONE"), "tHE DOG HAS A bone");
        assert_eq!(uncapitalize("First Try"), "first try");
    }
}
