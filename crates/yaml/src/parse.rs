//! Parsing YAML into values as Helm sees it: yaml.v2 decoding into `interface{}` (YAML 1.1
//! resolution, merge keys, aliases with yaml.v2's expansion limit), then sigs.k8s.io/yaml's
//! conversion to JSON (string keys, every number a float64).
//!
//! As in yaml.v2, the first document is read to its end before anything is decoded, so syntax
//! errors come first; decoding then walks the recorded events without recursion.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::libyaml::{Event, Parser, ScalarStyle};
use slipway_value::fmt::quote;
use slipway_value::{Map, Value};

use crate::error::YamlError;
use crate::gofloat::format_g;
use crate::resolve::{Resolved, resolve_plain, resolve_tagged};

/// One recorded event of the document.
enum Ev {
    Scalar {
        text: String,
        plain: bool,
        anchor: usize,
        tag: Option<String>,
    },
    SeqStart {
        anchor: usize,
    },
    SeqEnd,
    MapStart {
        anchor: usize,
    },
    MapEnd,
    Alias {
        anchor: usize,
        name: String,
    },
}

/// One document of a stream, as its recorded events.
struct Recorded {
    events: Vec<Ev>,
}

/// Reads the events of the next document, as yaml.v2's parser does (up to its end, never
/// further); `Ok(None)` at the end of the stream. Anchors get ids here, and an alias to an
/// anchor not yet seen fails here, as in yaml.v2's node parser.
fn record_document(parser: &mut Parser<'_>) -> Result<Option<Recorded>, YamlError> {
    let mut events = Vec::new();
    let mut anchors = AnchorIds::default();
    let mut in_doc = false;
    loop {
        let Some((event, _mark)) = parser
            .next_event()
            .map_err(|e| YamlError::Yaml(e.message()))?
        else {
            return Ok(None);
        };
        let ev = match event {
            Event::StreamStart => continue,
            Event::StreamEnd => return Ok(None),
            Event::DocumentStart => {
                in_doc = true;
                continue;
            }
            Event::DocumentEnd => {
                if in_doc {
                    return Ok(Some(Recorded { events }));
                }
                continue;
            }
            Event::Scalar {
                anchor,
                tag,
                value,
                style,
            } => Ev::Scalar {
                plain: style == ScalarStyle::Plain,
                text: value,
                anchor: anchors.define(anchor),
                tag,
            },
            Event::SequenceStart { anchor } => Ev::SeqStart {
                anchor: anchors.define(anchor),
            },
            Event::SequenceEnd => Ev::SeqEnd,
            Event::MappingStart { anchor } => Ev::MapStart {
                anchor: anchors.define(anchor),
            },
            Event::MappingEnd => Ev::MapEnd,
            Event::Alias { anchor: name } => {
                let Some(&id) = anchors.ids.get(&name) else {
                    return Err(YamlError::Yaml(format!(
                        "yaml: unknown anchor '{name}' referenced"
                    )));
                };
                Ev::Alias { anchor: id, name }
            }
        };
        events.push(ev);
    }
}

/// Anchor names to ids: each definition gets a new id, an alias takes the latest.
#[derive(Default)]
struct AnchorIds {
    ids: HashMap<String, usize>,
    defined: usize,
}

impl AnchorIds {
    /// The id of a node's anchor, or 0 for no anchor.
    fn define(&mut self, anchor: Option<String>) -> usize {
        let Some(name) = anchor else { return 0 };
        self.defined += 1;
        self.ids.insert(name, self.defined);
        self.defined
    }
}

/// What libyaml's reader refuses before any parsing: characters outside YAML's printable
/// set.
fn check_reader(text: &str) -> Result<(), YamlError> {
    // Fast path: printable ASCII, tabs and line breaks.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Ok(());
    }
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}')
            || matches!(c, '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    };
    if !text.chars().all(allowed) {
        return Err(YamlError::Yaml(
            "yaml: control characters are not allowed".into(),
        ));
    }
    Ok(())
}

/// How numbers come out of decoding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbers {
    /// Through sigs.k8s.io/yaml's JSON step into `interface{}`: every number is a float64.
    Json,
    /// As yaml.v2 decoded them: ints stay [`Value::Int`] (for typed targets, which
    /// sigs.k8s.io/yaml converts before the JSON step).
    Raw,
}

/// A decoded node on its way into its parent.
enum Node<'e> {
    Value(Value),
    /// A scalar (kept with its resolution, which map keys need).
    Scalar(Resolved, Cow<'e, str>),
    /// The `<<` merge key.
    Merge,
}

/// What the open map is waiting for.
enum Pending {
    Key,
    Value(String),
    MergeValue,
    /// A key that the JSON step cannot represent (the start of the error text): its value is
    /// read for the message and dropped.
    Dropped(String),
}

/// An open collection.
enum Frame {
    Seq(Vec<Value>),
    Map(Map, Pending),
}

/// Decoding state over one recorded document.
struct Decoder<'e> {
    events: &'e [Ev],
    /// anchor id -> (first event, one past the last event).
    anchors: HashMap<usize, (usize, Option<usize>)>,
    frames: Vec<Frame>,
    /// Replays in progress: (next event, end, alias id) of each alias being expanded.
    replays: Vec<(usize, usize, usize)>,
    /// Anchored nodes being decoded: (anchor id, first event, frame depth).
    open_anchors: Vec<(usize, usize, usize)>,
    decode_count: usize,
    alias_count: usize,
    /// The first error of the JSON step (reported only if yaml.v2 itself succeeds).
    json_error: Option<String>,
    numbers: Numbers,
}

/// Parses the first document of `text`; `Value::Nil` for an empty stream.
pub(crate) fn parse_first(text: &str, numbers: Numbers) -> Result<Value, YamlError> {
    check_reader(text)?;
    let mut parser = Parser::new(text);
    match record_document(&mut parser)? {
        Some(doc) => decode(&doc, numbers),
        None => Ok(Value::Nil),
    }
}

/// Parses every document of `text`.
pub(crate) fn parse_all(text: &str, numbers: Numbers) -> Result<Vec<Value>, YamlError> {
    check_reader(text)?;
    let mut parser = Parser::new(text);
    let mut out = Vec::new();
    while let Some(doc) = record_document(&mut parser)? {
        out.push(decode(&doc, numbers)?);
    }
    Ok(out)
}

fn decode(doc: &Recorded, numbers: Numbers) -> Result<Value, YamlError> {
    let mut d = Decoder {
        events: &doc.events,
        anchors: HashMap::new(),
        frames: Vec::new(),
        replays: Vec::new(),
        open_anchors: Vec::new(),
        decode_count: 1,
        alias_count: 0,
        json_error: None,
        numbers,
    };
    let value = d.run()?;
    match d.json_error {
        Some(e) => Err(YamlError::Json(e)),
        None => Ok(value),
    }
}

impl<'e> Decoder<'e> {
    fn run(&mut self) -> Result<Value, YamlError> {
        let mut pos = 0usize;
        let mut result = None;
        loop {
            let index = match self.replays.last_mut() {
                Some((next, end, _)) if *next < *end => {
                    *next += 1;
                    *next - 1
                }
                Some(_) => {
                    self.replays.pop();
                    continue;
                }
                None if pos < self.events.len() => {
                    pos += 1;
                    pos - 1
                }
                None => break,
            };
            if let Some(node) = self.step(index)?
                && let Some(done) = self.deliver(node)?
            {
                result = Some(done);
            }
        }
        Ok(result.unwrap_or(Value::Nil))
    }

    /// Counts a decoded node as yaml.v2 does and fails on excessive aliasing.
    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if !self.replays.is_empty() {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(YamlError::Yaml(
                "yaml: document contains excessive aliasing".into(),
            ));
        }
        Ok(())
    }

    /// Processes event `index`; returns a completed node, if any.
    fn step(&mut self, index: usize) -> Result<Option<Node<'e>>, YamlError> {
        let events = self.events;
        match &events[index] {
            Ev::Scalar {
                text,
                plain,
                anchor,
                tag,
            } => {
                self.count()?;
                if *anchor != 0 {
                    self.anchors.insert(*anchor, (index, Some(index + 1)));
                }
                scalar_node(text, *plain, tag.as_deref()).map(Some)
            }
            Ev::SeqStart { anchor } | Ev::MapStart { anchor } => {
                self.count()?;
                let is_map = matches!(self.events[index], Ev::MapStart { .. });
                if *anchor != 0 {
                    self.anchors.insert(*anchor, (index, None));
                    self.open_anchors.push((*anchor, index, self.frames.len()));
                }
                self.frames.push(if is_map {
                    Frame::Map(Map::new(), Pending::Key)
                } else {
                    Frame::Seq(Vec::new())
                });
                Ok(None)
            }
            Ev::SeqEnd | Ev::MapEnd => {
                let frame = self.frames.pop();
                while let Some(&(id, start, depth)) = self.open_anchors.last() {
                    if depth != self.frames.len() {
                        break;
                    }
                    self.open_anchors.pop();
                    self.anchors.insert(id, (start, Some(index + 1)));
                }
                Ok(match frame {
                    Some(Frame::Seq(items)) => Some(Node::Value(Value::list(items))),
                    Some(Frame::Map(map, _)) => Some(Node::Value(Value::dict(map))),
                    None => None,
                })
            }
            Ev::Alias { anchor, name } => {
                self.count()?;
                if self.replays.iter().any(|&(_, _, id)| id == *anchor) {
                    return Err(YamlError::Yaml(format!(
                        "yaml: anchor '{name}' value contains itself"
                    )));
                }
                match self.anchors.get(anchor) {
                    Some(&(start, Some(end))) => {
                        self.replays.push((start, end, *anchor));
                        Ok(None)
                    }
                    Some(&(_, None)) => Err(YamlError::Yaml(format!(
                        "yaml: anchor '{name}' value contains itself"
                    ))),
                    None => Err(YamlError::Yaml(format!(
                        "yaml: unknown anchor '{name}' referenced"
                    ))),
                }
            }
        }
    }

    /// Hands a completed node to the open collection, or returns it when it is the root.
    fn deliver(&mut self, node: Node<'_>) -> Result<Option<Value>, YamlError> {
        let Some(frame) = self.frames.last_mut() else {
            return Ok(Some(node_value(node, self.numbers, &mut self.json_error)));
        };
        match frame {
            Frame::Seq(items) => {
                let value = node_value(node, self.numbers, &mut self.json_error);
                items.push(value);
            }
            Frame::Map(map, pending) => match std::mem::replace(pending, Pending::Key) {
                Pending::Key => {
                    *pending = match node {
                        Node::Merge => Pending::MergeValue,
                        Node::Scalar(resolved, text) => match key_string(&resolved, text) {
                            Ok(key) => Pending::Value(key),
                            Err(e) => Pending::Dropped(e),
                        },
                        Node::Value(v) => {
                            return Err(YamlError::Yaml(format!(
                                "yaml: invalid map key: {}",
                                go_sharp_v(&v)
                            )));
                        }
                    }
                }
                Pending::Value(key) => {
                    let value = node_value(node, self.numbers, &mut self.json_error);
                    map.insert(key, value);
                }
                Pending::MergeValue => merge_into(map, node)?,
                Pending::Dropped(prefix) => {
                    let value = node_sharp_v(&node);
                    self.json_error
                        .get_or_insert_with(|| format!("{prefix}, value: {value}"));
                }
            },
        }
        Ok(None)
    }
}

/// yaml.v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

/// Resolves a scalar event.
fn scalar_node<'e>(text: &'e str, plain: bool, tag: Option<&str>) -> Result<Node<'e>, YamlError> {
    let resolved = match tag {
        None if !plain => Resolved::Str,
        None if text == "<<" => Resolved::Merge,
        None => resolve_plain(text),
        Some("tag:yaml.org,2002:merge") if text == "<<" => Resolved::Merge,
        Some("tag:yaml.org,2002:binary") => {
            let decoded = decode_base64(text).ok_or_else(|| {
                YamlError::Yaml("yaml: !!binary value contains invalid base64 data".into())
            })?;
            return Ok(Node::Scalar(Resolved::Str, Cow::Owned(decoded)));
        }
        Some(tag) => {
            resolve_tagged(tag, text).map_err(|e| YamlError::Yaml(format!("yaml: {e}")))?
        }
    };
    Ok(match resolved {
        Resolved::Merge => Node::Merge,
        r => Node::Scalar(r, Cow::Borrowed(text)),
    })
}

/// Standard base64 (with padding, whitespace not allowed), decoded to a string as yaml.v2 does.
fn decode_base64(text: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let bytes = text.trim_end_matches('=').as_bytes();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    for &c in bytes {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The value of a decoded node after the JSON step.
fn node_value(node: Node<'_>, numbers: Numbers, json_error: &mut Option<String>) -> Value {
    match node {
        Node::Value(v) => v,
        Node::Merge => Value::string("<<"),
        Node::Scalar(resolved, text) => match resolved {
            Resolved::Null => Value::Nil,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) if numbers == Numbers::Raw => Value::Int(i),
            Resolved::Int(i) => Value::Float(i as f64),
            Resolved::Uint(u) => Value::Float(u as f64),
            Resolved::Float(f) => {
                if !f.is_finite() {
                    json_error.get_or_insert_with(|| {
                        format!("json: unsupported value: {}", format_g(f, false))
                    });
                }
                Value::Float(f)
            }
            Resolved::Merge | Resolved::Timestamp | Resolved::Str => Value::string(&*text),
        },
    }
}

/// sigs.k8s.io/yaml's key conversion: strings as they are, ints in decimal, floats as
/// float32 `%g`, bools as words; other key types are an error of the JSON step.
fn key_string(resolved: &Resolved, text: Cow<'_, str>) -> Result<String, String> {
    match resolved {
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => Ok(text.into_owned()),
        Resolved::Int(i) => Ok(i.to_string()),
        Resolved::Float(f) => Ok(match format_g(*f, true).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.into(),
        }),
        Resolved::Bool(b) => Ok(b.to_string()),
        Resolved::Null => Err("unsupported map key of type: %!s(<nil>), key: <nil>".into()),
        Resolved::Uint(u) => Err(format!("unsupported map key of type: uint64, key: 0x{u:x}")),
    }
}

/// yaml.v2's merge: a map, or a sequence of maps where earlier maps win.
fn merge_into(map: &mut Map, node: Node<'_>) -> Result<(), YamlError> {
    let want_map =
        || YamlError::Yaml("yaml: map merge requires map or sequence of maps as the value".into());
    let Node::Value(value) = node else {
        return Err(want_map());
    };
    match &value {
        Value::Dict(d) => {
            for (k, v) in d.read().iter() {
                map.insert(k.clone(), v.clone());
            }
        }
        Value::List(items) => {
            if !items.iter().all(|i| matches!(i, Value::Dict(_))) {
                return Err(want_map());
            }
            for item in items.iter().rev() {
                if let Value::Dict(d) = item {
                    for (k, v) in d.read().iter() {
                        map.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        _ => return Err(want_map()),
    }
    Ok(())
}

/// Go's `%#v` of a decoded node, as yaml.v2 holds it (`"a"`, `1`, `<nil>`).
fn node_sharp_v(node: &Node<'_>) -> String {
    match node {
        Node::Merge => "\"<<\"".into(),
        Node::Scalar(resolved, text) => match resolved {
            Resolved::Null => "<nil>".into(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Uint(u) => format!("0x{u:x}"),
            Resolved::Float(f) => format_g(*f, false),
            Resolved::Merge | Resolved::Timestamp | Resolved::Str => quote(text),
        },
        Node::Value(v) => go_sharp_v(v),
    }
}

/// Go's `%#v` of a decoded collection (`[]interface {}{"b", "c"}`), element types as the
/// JSON step left them.
fn go_sharp_v(v: &Value) -> String {
    let elem = |v: &Value| match v {
        Value::Nil => "interface {}(nil)".to_string(),
        other => go_sharp_v(other),
    };
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_g(*f, false),
        Value::String(s) => quote(s),
        Value::List(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(elem).collect::<Vec<_>>().join(", ")
        ),
        Value::Dict(d) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            d.read()
                .iter()
                .map(|(k, v)| format!("{}:{}", quote(k), elem(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "<nil>".into(),
    }
}
