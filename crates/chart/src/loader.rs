//! Chart loading as Helm's `pkg/chart/v2/loader` does it: a chart directory (with
//! `.helmignore`) or a `.tgz` archive, subcharts in `charts/` as directories or archives at any
//! depth, Chart.yaml (and requirements.yaml for apiVersion v1), values.yaml, values.schema.json,
//! templates and other files.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use slipway_value::{Dict, Value};

use crate::error::ChartError;
use crate::ignore::{HELM_IGNORE, Rules};
use crate::model::{Chart, Dependency, ExportValue, File, Maintainer, Metadata};
use crate::values::read_values;

/// Helm's limit on the decompressed size of a chart archive.
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Helm's limit on the size of one chart file.
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Loads a chart from a directory or a `.tgz` archive.
pub fn load_chart(path: &Path) -> Result<Chart, ChartError> {
    let meta = std::fs::metadata(path).map_err(|e| ChartError::io(path, &e))?;
    if meta.is_dir() {
        let chart_yaml = absolute(path).join("Chart.yaml");
        if let Err(e) = std::fs::metadata(&chart_yaml) {
            return Err(ChartError::Load(format!(
                "unable to detect chart at {}: {}",
                chart_yaml.display(),
                crate::error::go_io_error(&chart_yaml, &e)
            )));
        }
        load_dir(path)
    } else {
        let data = std::fs::read(path).map_err(|e| ChartError::io(path, &e))?;
        let name = path.display().to_string();
        ensure_archive(&name, &data)?;
        let files = archive_files(&data).map_err(|e| match e {
            ArchiveError::Header(d) => ChartError::Load(format!(
                "file '{name}' does not appear to be a valid chart file (details: {d})"
            )),
            ArchiveError::Other(_) => ChartError::Load("unable to load chart archive".into()),
        })?;
        load_files(files)
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A file read from a chart directory or archive, before it is sorted into the chart.
#[derive(Debug, Clone)]
pub struct BufferedFile {
    /// Path relative to the chart root, `/`-separated.
    pub name: String,
    /// Contents (a UTF-8 BOM removed).
    pub data: Vec<u8>,
}

/// Loads a chart directory, honouring its `.helmignore`.
pub fn load_dir(dir: &Path) -> Result<Chart, ChartError> {
    let top = absolute(dir);
    let mut rules = match std::fs::read(top.join(HELM_IGNORE)) {
        Ok(data) => Rules::parse(&String::from_utf8_lossy(&data)).map_err(ChartError::Load)?,
        Err(_) => Rules::default(),
    };
    rules.add_defaults();
    let mut files = Vec::new();
    walk(&top, "", &rules, &mut files)?;
    load_files(files)
}

/// Walks `dir` in lexical order, following symlinks, like Helm's `sympath.Walk`.
fn walk(
    dir: &Path,
    rel: &str,
    rules: &Rules,
    out: &mut Vec<BufferedFile>,
) -> Result<(), ChartError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| ChartError::io(dir, &e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let fname = entry.file_name().to_string_lossy().into_owned();
        let n = if rel.is_empty() {
            fname.clone()
        } else {
            format!("{rel}/{fname}")
        };
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|e| ChartError::io(&path, &e))?;
        if meta.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(&path, &n, rules, out)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !meta.is_file() {
            return Err(ChartError::Load(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            )));
        }
        if meta.len() > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(ChartError::Load(format!(
                "chart file {} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}",
                slipway_value::fmt::quote(&fname)
            )));
        }
        let data = std::fs::read(&path).map_err(|e| {
            ChartError::Load(format!(
                "error reading {n}: {}",
                crate::error::go_io_error(&path, &e)
            ))
        })?;
        out.push(BufferedFile {
            name: n,
            data: strip_bom(data),
        });
    }
    Ok(())
}

fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(UTF8_BOM) {
        data.drain(..UTF8_BOM.len());
    }
    data
}

/// Helm's `EnsureArchive`: the file must be gzip data.
fn ensure_archive(name: &str, data: &[u8]) -> Result<(), ChartError> {
    if data.starts_with(b"\x1F\x8B\x08") {
        return Ok(());
    }
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        return Err(ChartError::Load(format!(
            "file '{name}' seems to be a YAML file, but expected a gzipped archive"
        )));
    }
    let content_type = if data.is_empty()
        || data
            .iter()
            .take(512)
            .all(|b| !b.is_ascii_control() || b.is_ascii_whitespace())
    {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    Err(ChartError::Load(format!(
        "file '{name}' does not appear to be a gzipped archive; got '{content_type}'"
    )))
}

enum ArchiveError {
    Header(String),
    Other(String),
}

impl ArchiveError {
    fn text(self) -> String {
        match self {
            ArchiveError::Header(m) | ArchiveError::Other(m) => m,
        }
    }
}

/// Helm's `LoadArchiveFiles`: the files of a chart archive, the top directory stripped.
fn archive_files(data: &[u8]) -> Result<Vec<BufferedFile>, ArchiveError> {
    if !data.starts_with(b"\x1F\x8B") {
        return Err(ArchiveError::Header("gzip: invalid header".into()));
    }
    let gz = flate2::read::GzDecoder::new(data);
    let mut archive = tar::Archive::new(gz);
    let mut files = Vec::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    let entries = archive
        .entries()
        .map_err(|e| ArchiveError::Other(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| ArchiveError::Other(e.to_string()))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delimiter).collect();
        let n = parts[1..].join("/");
        if n.starts_with('/') {
            return Err(ArchiveError::Other(
                "chart illegally contains absolute paths".into(),
            ));
        }
        let n = clean_path(&n);
        if n == "." {
            return Err(ArchiveError::Other(format!(
                "chart illegally contains content outside the base directory: {}",
                slipway_value::fmt::quote(&raw_name)
            )));
        }
        if n.starts_with("..") {
            return Err(ArchiveError::Other(
                "chart illegally references parent directory".into(),
            ));
        }
        let b = n.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(ArchiveError::Other(
                "chart contains illegally named files".into(),
            ));
        }
        if parts[0] == "Chart.yaml" {
            return Err(ArchiveError::Other(
                "chart yaml not in base directory".into(),
            ));
        }
        let size = entry.header().size().unwrap_or(0);
        if size > remaining {
            return Err(ArchiveError::Other(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        if size > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(ArchiveError::Other(format!(
                "decompressed chart file {} is larger than the maximum file size {MAX_DECOMPRESSED_FILE_SIZE}",
                slipway_value::fmt::quote(&raw_name)
            )));
        }
        let mut buf = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(remaining)
            .read_to_end(&mut buf)
            .map_err(|e| ArchiveError::Other(e.to_string()))?;
        remaining -= buf.len() as u64;
        if (buf.len() as u64) < size || remaining == 0 {
            return Err(ArchiveError::Other(format!(
                "decompressed chart is larger than the maximum size {MAX_DECOMPRESSED_CHART_SIZE}"
            )));
        }
        files.push(BufferedFile {
            name: n,
            data: strip_bom(buf),
        });
    }
    if files.is_empty() {
        return Err(ArchiveError::Other("no files in chart archive".into()));
    }
    Ok(files)
}

/// Go's `path.Clean` for relative paths.
fn clean_path(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(&last) if last != "..") {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

/// Loads a chart from an in-memory `.tgz` (Helm's `LoadArchive`).
pub fn load_archive(data: &[u8]) -> Result<Chart, ChartError> {
    let files = archive_files(data).map_err(|e| match e {
        ArchiveError::Header(d) => ChartError::Load(format!(
            "stream does not appear to be a valid chart file (details: {d})"
        )),
        ArchiveError::Other(m) => ChartError::Load(format!("unable to load chart archive: {m}")),
    })?;
    load_files(files)
}

/// Helm's `LoadFiles`: sorts files into Chart.yaml, values, schema, templates, subcharts and
/// other files, validates the metadata and loads subcharts.
pub fn load_files(files: Vec<BufferedFile>) -> Result<Chart, ChartError> {
    let mut metadata: Option<Metadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let v = parse_yaml_doc(&f.data)
                .map_err(|e| ChartError::Load(format!("cannot load Chart.yaml: {e}")))?;
            let mut md = metadata_from_value(&v).map_err(|e| {
                // Validation problems found while decoding are reported as Helm's later
                // validation reports them, without the decoding prefix.
                if e.starts_with("validation: ") {
                    ChartError::Load(e)
                } else {
                    ChartError::Load(format!("cannot load Chart.yaml: {e}"))
                }
            })?;
            if md.api_version.is_empty() {
                md.api_version = "v1".into();
            }
            metadata = Some(md);
        }
    }
    let mut values = Dict::new();
    let mut schema = None;
    let mut templates = Vec::new();
    let mut other = Vec::new();
    let mut subcharts: std::collections::BTreeMap<String, Vec<BufferedFile>> = Default::default();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" | "Chart.lock" | "requirements.lock" => {
                if f.name == "requirements.lock"
                    && metadata.as_ref().is_some_and(|m| m.api_version == "v1")
                {
                    other.push(file(f));
                }
            }
            "values.yaml" => {
                values = read_values(&f.data)
                    .map_err(|e| ChartError::Load(format!("cannot load values.yaml: {e}")))?;
            }
            "values.schema.json" => schema = Some(Arc::from(f.data)),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(Metadata::default);
                let v = parse_yaml_doc(&f.data)
                    .map_err(|e| ChartError::Load(format!("cannot load requirements.yaml: {e}")))?;
                if let Some(deps) = get(&v, "dependencies") {
                    md.dependencies = dependencies_from_value(&deps).map_err(|e| {
                        ChartError::Load(format!("cannot load requirements.yaml: {e}"))
                    })?;
                }
                if md.api_version == "v1" {
                    other.push(file(f));
                }
            }
            name if name.starts_with("templates/") => templates.push(file(f)),
            name if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    other.push(file(f));
                    continue;
                }
                let rest = &name["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or(rest).to_owned();
                let sub_name = rest.to_owned();
                subcharts.entry(cname).or_default().push(BufferedFile {
                    name: sub_name,
                    data: f.data,
                });
            }
            _ => other.push(file(f)),
        }
    }
    let Some(metadata) = metadata else {
        return Err(ChartError::Load("Chart.yaml file is missing".into()));
    };
    let metadata = validate_metadata(metadata)?;
    let mut chart = Chart {
        metadata,
        templates: Arc::new(templates),
        values,
        schema,
        files: Arc::new(other),
        dependencies: Vec::new(),
    };
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub = if n.ends_with(".tgz") {
            let first = &files[0];
            if first.name != n {
                return Err(ChartError::Load(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    chart.name(),
                    first.name
                )));
            }
            archive_files(&first.data)
                .map_err(|e| e.text())
                .and_then(|fs| load_files(fs).map_err(|e| e.to_string()))
        } else {
            let buff: Vec<BufferedFile> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(BufferedFile {
                        name: rest.to_owned(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(buff).map_err(|e| e.to_string())
        };
        match sub {
            Ok(sc) => chart.dependencies.push(sc),
            Err(e) => {
                return Err(ChartError::Load(format!(
                    "error unpacking subchart {n} in {}: {e}",
                    chart.name()
                )));
            }
        }
    }
    Ok(chart)
}

fn file(f: BufferedFile) -> File {
    File {
        name: f.name,
        data: Arc::from(f.data),
    }
}

/// The first YAML document of `data`, as sigs.k8s.io/yaml reads it for a typed Go target
/// (integers kept, so string fields get their text back).
fn parse_yaml_doc(data: &[u8]) -> Result<Value, String> {
    slipway_yaml::from_yaml_raw(&String::from_utf8_lossy(data)).map_err(|e| e.to_string())
}

/// A key of a decoded JSON object, matched as Go's `encoding/json` matches struct fields: the
/// exact name first, then case-insensitively.
fn get(v: &Value, key: &str) -> Option<Value> {
    let d = v.as_dict()?;
    let map = d.read();
    if let Some(x) = map.get(key) {
        return Some(x.clone());
    }
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, x)| x.clone())
}

/// The JSON kind name Go's decoder reports in type errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "array",
        Value::Dict(_) => "object",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Nil => "null",
        _ => "number",
    }
}

fn type_error(v: &Value, field: &str, go_type: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {field} of type {go_type}",
        json_kind(v)
    )
}

/// A string field. sigs.k8s.io/yaml gives a YAML scalar to a string field as its text, so
/// numbers and booleans are accepted and printed back.
fn string_field(v: &Value, key: &str, owner: &str) -> Result<String, String> {
    match get(v, key) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(x) => slipway_yaml::go_string_field(&x)
            .ok_or_else(|| type_error(&x, &format!("{owner}.{key}"), "string")),
    }
}

fn string_list(v: &Value, key: &str, owner: &str) -> Result<Vec<String>, String> {
    match get(v, key) {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.to_string()),
                Value::Nil => Ok(String::new()),
                x => slipway_yaml::go_string_field(x)
                    .ok_or_else(|| type_error(x, &format!("{owner}.{key}"), "string")),
            })
            .collect(),
        Some(x) => Err(type_error(&x, &format!("{owner}.{key}"), "[]string")),
    }
}

fn bool_field(v: &Value, key: &str, owner: &str) -> Result<bool, String> {
    match get(v, key) {
        None | Some(Value::Nil) => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(x) => Err(type_error(&x, &format!("{owner}.{key}"), "bool")),
    }
}

/// Decodes Chart.yaml (already parsed) into [`Metadata`], with Go's decoding errors.
pub fn metadata_from_value(v: &Value) -> Result<Metadata, String> {
    if !matches!(v, Value::Dict(_) | Value::Nil) {
        return Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
            json_kind(v)
        ));
    }
    let o = "Metadata";
    let maintainers = match get(v, "maintainers") {
        None | Some(Value::Nil) => Vec::new(),
        Some(Value::List(items)) => items
            .iter()
            .map(|m| {
                if m.is_nil() {
                    return Err(
                        "validation: maintainers must not contain empty or null nodes".into(),
                    );
                }
                if !matches!(m, Value::Dict(_)) {
                    return Err(type_error(m, "Metadata.maintainers", "v2.Maintainer"));
                }
                Ok(Maintainer {
                    name: string_field(m, "name", "Maintainer")?,
                    email: string_field(m, "email", "Maintainer")?,
                    url: string_field(m, "url", "Maintainer")?,
                })
            })
            .collect::<Result<_, String>>()?,
        Some(x) => return Err(type_error(&x, "Metadata.maintainers", "[]*v2.Maintainer")),
    };
    let annotations = match get(v, "annotations") {
        None | Some(Value::Nil) => None,
        Some(Value::Dict(d)) => Some(
            d.read()
                .iter()
                .map(|(k, x)| match x {
                    Value::String(s) => Ok((k.clone(), s.to_string())),
                    Value::Nil => Ok((k.clone(), String::new())),
                    x => slipway_yaml::go_string_field(x)
                        .map(|s| (k.clone(), s))
                        .ok_or_else(|| type_error(x, "Metadata.annotations", "string")),
                })
                .collect::<Result<_, String>>()?,
        ),
        Some(x) => return Err(type_error(&x, "Metadata.annotations", "map[string]string")),
    };
    Ok(Metadata {
        name: string_field(v, "name", o)?,
        home: string_field(v, "home", o)?,
        sources: string_list(v, "sources", o)?,
        version: string_field(v, "version", o)?,
        description: string_field(v, "description", o)?,
        keywords: string_list(v, "keywords", o)?,
        maintainers,
        icon: string_field(v, "icon", o)?,
        api_version: string_field(v, "apiVersion", o)?,
        condition: string_field(v, "condition", o)?,
        tags: string_field(v, "tags", o)?,
        app_version: string_field(v, "appVersion", o)?,
        deprecated: bool_field(v, "deprecated", o)?,
        annotations,
        kube_version: string_field(v, "kubeVersion", o)?,
        dependencies: match get(v, "dependencies") {
            None | Some(Value::Nil) => Vec::new(),
            Some(deps) => dependencies_from_value(&deps)?,
        },
        chart_type: string_field(v, "type", o)?,
    })
}

fn dependencies_from_value(v: &Value) -> Result<Vec<Dependency>, String> {
    let Value::List(items) = v else {
        return Err(type_error(v, "Metadata.dependencies", "[]*v2.Dependency"));
    };
    items
        .iter()
        .map(|d| {
            if d.is_nil() {
                return Err("validation: dependencies must not contain empty or null nodes".into());
            }
            if !matches!(d, Value::Dict(_)) {
                return Err(type_error(d, "Metadata.dependencies", "v2.Dependency"));
            }
            let o = "Dependency";
            let list = |key: &str| match get(d, key) {
                None | Some(Value::Nil) => Ok(Vec::new()),
                Some(Value::List(items)) => Ok(items.to_vec()),
                Some(x) => Err(type_error(
                    &x,
                    &format!("Dependency.{key}"),
                    "[]interface {}",
                )),
            };
            let export_values = list("export-values")?
                .iter()
                .filter_map(parse_export_value)
                .collect();
            Ok(Dependency {
                name: string_field(d, "name", o)?,
                version: string_field(d, "version", o)?,
                repository: string_field(d, "repository", o)?,
                condition: string_field(d, "condition", o)?,
                tags: string_list(d, "tags", o)?,
                enabled: bool_field(d, "enabled", o)?,
                import_values: list("import-values")?,
                alias: string_field(d, "alias", o)?,
                export_values,
            })
        })
        .collect()
}

/// werf's `parseExportValues`: `{parent, child}` maps, or a string naming `exports.X`. Invalid
/// entries are skipped (werf logs a warning).
fn parse_export_value(v: &Value) -> Option<ExportValue> {
    match v {
        Value::Dict(d) => {
            let parent = d.get("parent")?.as_str()?.trim().to_owned();
            let child = d.get("child")?.as_str()?.trim().to_owned();
            if parent.is_empty() || parent == "." {
                return None;
            }
            let child = if child == "." { String::new() } else { child };
            Some(ExportValue { parent, child })
        }
        Value::String(s) => {
            let s = s.trim();
            let parent = if s.is_empty() || s == "." {
                "exports".to_owned()
            } else {
                format!("exports.{s}")
            };
            Some(ExportValue {
                parent,
                child: String::new(),
            })
        }
        _ => None,
    }
}

/// Helm's `sanitizeString`: whitespace becomes a space, unprintable characters are dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if slipway_value::fmt::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

fn validation(msg: String) -> ChartError {
    ChartError::Load(format!("validation: {msg}"))
}

/// Helm's `Metadata.Validate`: sanitises strings and checks required fields, the version,
/// the type and the dependencies.
pub fn validate_metadata(mut md: Metadata) -> Result<Metadata, ChartError> {
    for s in [
        &mut md.name,
        &mut md.description,
        &mut md.home,
        &mut md.icon,
        &mut md.condition,
        &mut md.tags,
        &mut md.app_version,
        &mut md.kube_version,
    ] {
        *s = sanitize(s);
    }
    for s in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
        *s = sanitize(s);
    }
    let q = slipway_value::fmt::quote;
    if md.api_version.is_empty() {
        return Err(validation("chart.metadata.apiVersion is required".into()));
    }
    if md.name.is_empty() {
        return Err(validation("chart.metadata.name is required".into()));
    }
    if md.name == "." || md.name == ".." {
        return Err(validation(format!(
            "chart.metadata.name {} is not allowed",
            q(&md.name)
        )));
    }
    if md.name.contains('/') {
        return Err(validation(format!(
            "chart.metadata.name {} is invalid",
            q(&md.name)
        )));
    }
    if md.version.is_empty() {
        return Err(validation("chart.metadata.version is required".into()));
    }
    if slipway_semver::Version::parse(&md.version).is_err() {
        return Err(validation(format!(
            "chart.metadata.version {} is invalid",
            q(&md.version)
        )));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return Err(validation(
            "chart.metadata.type must be application or library".into(),
        ));
    }
    for m in &mut md.maintainers {
        m.name = sanitize(&m.name);
        m.email = sanitize(&m.email);
        m.url = sanitize(&m.url);
    }
    let mut seen = std::collections::HashSet::new();
    for d in &mut md.dependencies {
        d.name = sanitize(&d.name);
        d.version = sanitize(&d.version);
        d.repository = sanitize(&d.repository);
        d.condition = sanitize(&d.condition);
        for t in &mut d.tags {
            *t = sanitize(t);
        }
        if !d.alias.is_empty()
            && !d
                .alias
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(validation(format!(
                "dependency {} has disallowed characters in the alias",
                q(&d.name)
            )));
        }
        let key = if d.alias.is_empty() {
            d.name.clone()
        } else {
            d.alias.clone()
        };
        if !seen.insert(key.clone()) {
            return Err(validation(format!(
                "more than one dependency with name or alias {}",
                q(&key)
            )));
        }
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bf(name: &str, data: &str) -> BufferedFile {
        BufferedFile {
            name: name.into(),
            data: data.as_bytes().to_vec(),
        }
    }

    #[test]
    fn sorts_files_and_loads_subcharts() {
        let chart = load_files(vec![
            bf(
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\nappVersion: 1.10\n",
            ),
            bf("values.yaml", "a: 1\n"),
            bf("templates/x.yaml", "x"),
            bf("templates/_helpers.tpl", "h"),
            bf("crds/c.yaml", "c"),
            bf("README.md", "r"),
            bf("charts/sub/Chart.yaml", "name: sub\nversion: 0.1.0\n"),
            bf("charts/sub/templates/y.yaml", "y"),
            bf("charts/_skipped/Chart.yaml", "name: x\nversion: 1.0.0\n"),
        ])
        .unwrap();
        assert_eq!(chart.name(), "top");
        assert_eq!(chart.metadata.app_version, "1.1");
        assert_eq!(chart.templates.len(), 2);
        assert_eq!(chart.files.len(), 2);
        assert_eq!(chart.crd_files().count(), 1);
        assert_eq!(chart.values.get("a"), Some(Value::Float(1.0)));
        assert_eq!(chart.dependencies.len(), 1);
        let sub = &chart.dependencies[0];
        assert_eq!(sub.metadata.api_version, "v1");
        assert_eq!(sub.templates[0].name, "templates/y.yaml");
    }

    #[test]
    fn validation_errors_have_helm_text() {
        let err = |cy: &str| {
            load_files(vec![bf("Chart.yaml", cy)])
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: abc\n"),
            "validation: chart.metadata.version \"abc\" is invalid"
        );
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: 1.0.0\ntype: foo\n"),
            "validation: chart.metadata.type must be application or library"
        );
        assert_eq!(
            err("apiVersion: v2\nversion: 1.0.0\n"),
            "validation: chart.metadata.name is required"
        );
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: 1.0.0\ndependencies:\n- sub\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.dependencies of type v2.Dependency"
        );
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: 1.0.0\nmaintainers:\n- null\n"),
            "validation: maintainers must not contain empty or null nodes"
        );
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: 1.0.0\nkeywords: foo\n"),
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field Metadata.keywords of type []string"
        );
        assert_eq!(
            load_files(vec![bf("values.yaml", "a: 1")])
                .unwrap_err()
                .to_string(),
            "Chart.yaml file is missing"
        );
        assert_eq!(
            err("apiVersion: v2\nname: e\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: x!\n"),
            "validation: dependency \"a\" has disallowed characters in the alias"
        );
    }

    #[test]
    fn bad_values_yaml_is_reported() {
        let e = load_files(vec![
            bf("Chart.yaml", "name: e\nversion: 1.0.0\n"),
            bf("values.yaml", "- a\n"),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
    }

    #[test]
    fn archives_round_trip() {
        let mut tarball = Vec::new();
        {
            let gz = flate2::write::GzEncoder::new(&mut tarball, flate2::Compression::fast());
            let mut builder = tar::Builder::new(gz);
            for (name, data) in [
                (
                    "mychart/Chart.yaml",
                    "apiVersion: v2\nname: mychart\nversion: 0.2.0\n",
                ),
                ("mychart/templates/a.yaml", "a: 1\n"),
            ] {
                let mut header = tar::Header::new_gnu();
                header.set_size(data.len() as u64);
                header.set_mode(0o644);
                header.set_cksum();
                builder
                    .append_data(&mut header, name, data.as_bytes())
                    .unwrap();
            }
            builder.into_inner().unwrap().finish().unwrap();
        }
        let chart = load_archive(&tarball).unwrap();
        assert_eq!(chart.name(), "mychart");
        assert_eq!(chart.templates[0].name, "templates/a.yaml");
        let err = load_archive(b"not gzip").unwrap_err().to_string();
        assert!(
            err.starts_with("stream does not appear to be a valid chart file"),
            "{err}"
        );
    }

    #[test]
    fn clean_path_like_go() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path(""), ".");
    }
}
