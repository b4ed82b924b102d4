//! Decoding of the Kubernetes protobuf envelope for the kinds typed clients (`kubectl create
//! namespace|secret|configmap`, Helm's release storage) send: Namespace, Secret, ConfigMap and
//! DeleteOptions, with their ObjectMeta.

use serde_json::{Map, Value, json};

use crate::defaults::base64;

/// The magic prefix of protobuf-encoded Kubernetes objects.
const MAGIC: &[u8] = b"k8s\0";

/// One decoded protobuf field value.
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Splits a message into (field number, value) pairs.
fn fields(mut buf: &[u8]) -> Result<Vec<(u64, Field<'_>)>, String> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let (number, wire) = (key >> 3, key & 7);
        match wire {
            0 => out.push((number, Field::Varint(varint(&mut buf)?))),
            2 => {
                let len = usize::try_from(varint(&mut buf)?).map_err(|e| e.to_string())?;
                if len > buf.len() {
                    return Err("truncated protobuf field".into());
                }
                out.push((number, Field::Bytes(&buf[..len])));
                buf = &buf[len..];
            }
            1 => buf = buf.get(8..).ok_or("truncated fixed64")?,
            5 => buf = buf.get(4..).ok_or("truncated fixed32")?,
            other => return Err(format!("unsupported protobuf wire type {other}")),
        }
    }
    Ok(out)
}

fn varint(buf: &mut &[u8]) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = buf.split_first().ok_or("truncated varint")?;
        *buf = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint too long".into())
}

fn text(bytes: &[u8]) -> Value {
    json!(String::from_utf8_lossy(bytes))
}

/// A `map<string, string>` (or bytes values, base64-encoded) entry.
fn map_entry(bytes: &[u8], base64_values: bool) -> Result<(String, Value), String> {
    let mut key = String::new();
    let mut value = json!("");
    for (n, f) in fields(bytes)? {
        if let Field::Bytes(b) = f {
            match n {
                1 => key = String::from_utf8_lossy(b).into_owned(),
                2 => {
                    value = if base64_values {
                        json!(base64(b))
                    } else {
                        text(b)
                    }
                }
                _ => {}
            }
        }
    }
    Ok((key, value))
}

fn time(bytes: &[u8]) -> Result<Value, String> {
    let mut seconds = 0i64;
    for (n, f) in fields(bytes)? {
        if let (1, Field::Varint(v)) = (n, f) {
            seconds = v as i64;
        }
    }
    Ok(jiff::Timestamp::from_second(seconds)
        .map(|t| json!(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
        .unwrap_or(Value::Null))
}

fn owner_reference(bytes: &[u8]) -> Result<Value, String> {
    let mut o = Map::new();
    for (n, f) in fields(bytes)? {
        match (n, f) {
            (5, Field::Bytes(b)) => o.insert("apiVersion".into(), text(b)),
            (1, Field::Bytes(b)) => o.insert("kind".into(), text(b)),
            (3, Field::Bytes(b)) => o.insert("name".into(), text(b)),
            (4, Field::Bytes(b)) => o.insert("uid".into(), text(b)),
            (6, Field::Varint(v)) => o.insert("controller".into(), json!(v != 0)),
            (7, Field::Varint(v)) => o.insert("blockOwnerDeletion".into(), json!(v != 0)),
            _ => None,
        };
    }
    Ok(Value::Object(o))
}

fn object_meta(bytes: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    let mut labels = Map::new();
    let mut annotations = Map::new();
    let mut owners = Vec::new();
    let mut finalizers = Vec::new();
    for (n, f) in fields(bytes)? {
        match (n, f) {
            (1, Field::Bytes(b)) => {
                m.insert("name".into(), text(b));
            }
            (2, Field::Bytes(b)) => {
                m.insert("generateName".into(), text(b));
            }
            (3, Field::Bytes(b)) => {
                m.insert("namespace".into(), text(b));
            }
            (5, Field::Bytes(b)) => {
                m.insert("uid".into(), text(b));
            }
            (6, Field::Bytes(b)) => {
                m.insert("resourceVersion".into(), text(b));
            }
            (7, Field::Varint(v)) => {
                m.insert("generation".into(), json!(v));
            }
            (8, Field::Bytes(b)) => {
                m.insert("creationTimestamp".into(), time(b)?);
            }
            (11, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                labels.insert(k, v);
            }
            (12, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                annotations.insert(k, v);
            }
            (13, Field::Bytes(b)) => owners.push(owner_reference(b)?),
            (14, Field::Bytes(b)) => finalizers.push(text(b)),
            _ => {}
        }
    }
    if !labels.is_empty() {
        m.insert("labels".into(), Value::Object(labels));
    }
    if !annotations.is_empty() {
        m.insert("annotations".into(), Value::Object(annotations));
    }
    if !owners.is_empty() {
        m.insert("ownerReferences".into(), json!(owners));
    }
    if !finalizers.is_empty() {
        m.insert("finalizers".into(), json!(finalizers));
    }
    Ok(Value::Object(m))
}

/// Decodes a protobuf-encoded object of a supported kind into its JSON form.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let envelope = body
        .strip_prefix(MAGIC)
        .ok_or("missing protobuf envelope")?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, f) in fields(envelope)? {
        match (n, f) {
            (1, Field::Bytes(type_meta)) => {
                for (tn, tf) in fields(type_meta)? {
                    if let Field::Bytes(b) = tf {
                        match tn {
                            1 => api_version = String::from_utf8_lossy(b).into_owned(),
                            2 => kind = String::from_utf8_lossy(b).into_owned(),
                            _ => {}
                        }
                    }
                }
            }
            (2, Field::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let mut object = json!({"apiVersion": api_version, "kind": kind});
    let mut data = Map::new();
    let mut binary = Map::new();
    for (n, f) in fields(raw)? {
        match (kind.as_str(), n, f) {
            (_, 1, Field::Bytes(b)) if kind != "DeleteOptions" => {
                object["metadata"] = object_meta(b)?
            }
            ("Namespace", 2, Field::Bytes(b)) => {
                let finalizers: Vec<Value> = fields(b)?
                    .into_iter()
                    .filter_map(|(n, f)| match (n, f) {
                        (1, Field::Bytes(s)) => Some(text(s)),
                        _ => None,
                    })
                    .collect();
                object["spec"] = json!({"finalizers": finalizers});
            }
            ("Secret", 2, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, true)?;
                data.insert(k, v);
            }
            ("Secret", 3, Field::Bytes(b)) => object["type"] = text(b),
            ("Secret", 4, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                object["stringData"][k] = v;
            }
            ("Secret", 5, Field::Varint(v)) => object["immutable"] = json!(v != 0),
            ("ConfigMap", 2, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                data.insert(k, v);
            }
            ("ConfigMap", 3, Field::Bytes(b)) => {
                let (k, v) = map_entry(b, true)?;
                binary.insert(k, v);
            }
            ("ConfigMap", 4, Field::Varint(v)) => object["immutable"] = json!(v != 0),
            ("DeleteOptions", 1, Field::Varint(v)) => object["gracePeriodSeconds"] = json!(v),
            ("DeleteOptions", 3, Field::Varint(v)) => object["orphanDependents"] = json!(v != 0),
            ("DeleteOptions", 4, Field::Bytes(b)) => object["propagationPolicy"] = text(b),
            ("DeleteOptions", 2, Field::Bytes(b)) => {
                for (pn, pf) in fields(b)? {
                    if let (1, Field::Bytes(uid)) = (pn, pf) {
                        object["preconditions"]["uid"] = text(uid);
                    }
                }
            }
            ("Namespace" | "Secret" | "ConfigMap" | "DeleteOptions", _, _) => {}
            (other, _, _) => {
                return Err(format!(
                    "protobuf encoding of {other} is not supported; use application/json"
                ));
            }
        }
    }
    if !data.is_empty() {
        object["data"] = Value::Object(data);
    }
    if !binary.is_empty() {
        object["binaryData"] = Value::Object(binary);
    }
    Ok(object)
}
