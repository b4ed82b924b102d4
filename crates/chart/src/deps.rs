//! Dependency processing as Helm's `pkg/chart/v2/util/dependencies.go` does it: missing
//! dependency check, aliases, `condition` and `tags`, `import-values` (both forms), plus werf's
//! `export-values`.

use slipway_value::{Dict, Value};

use crate::coalesce::{coalesce_values, merge_tables, merge_values};
use crate::error::ChartError;
use crate::model::{Chart, Dependency};

/// Helm's `CheckDependencies` (as `helm template` words it): every dependency declared in
/// Chart.yaml must be present in `charts/`.
pub fn check_dependencies(chart: &Chart) -> Result<(), ChartError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ChartError::Dependencies(format!(
        "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    )))
}

/// Helm's `IsCompatibleRange`: whether `version` satisfies `constraint` (false if either
/// does not parse).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = slipway_semver::Version::parse(version) else {
        return false;
    };
    slipway_semver::Constraints::parse(constraint).is_ok_and(|c| c.check(&v))
}

/// Helm's `ProcessDependencies` (with merge, as `helm install`/`template` call it): applies
/// aliases, drops subcharts disabled by conditions or tags (at any depth), then imports
/// values from children into parents.
pub fn process_dependencies(
    chart: &mut Chart,
    user_values: &Dict,
    warnings: &mut Vec<String>,
) -> Result<(), ChartError> {
    process_enabled(chart, user_values, "", warnings)?;
    process_import_values(chart, warnings)
}

/// `processDependencyEnabled`.
fn process_enabled(
    c: &mut Chart,
    v: &Dict,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<(), ChartError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let mut chart_deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !c.metadata
                .dependencies
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in &mut c.metadata.dependencies {
        if let Some(found) = alias_dependency(&existing, req) {
            chart_deps.push(found);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in &mut c.metadata.dependencies {
        r.enabled = true;
    }
    let cvals = coalesce_values(c, v, warnings).map_err(|e| ChartError::Dependencies(e.0))?;
    process_tags(&mut c.metadata.dependencies, &cvals, warnings);
    process_conditions(&mut c.metadata.dependencies, &cvals, path, warnings);
    let disabled: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !disabled.iter().any(|n| n == d.name()));
    c.metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));
    for t in &mut c.dependencies {
        let subpath = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &subpath, warnings)?;
    }
    Ok(())
}

/// `getAliasDependency`: a copy of the loaded subchart `dep` refers to, renamed to its alias.
fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let c = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = c.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

/// `processDependencyTags`.
fn process_tags(reqs: &mut [Dependency], cvals: &Dict, warnings: &mut Vec<String>) {
    let Some(Value::Dict(tags)) = cvals.get("tags") else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => {
                    warnings.push(format!("returned non-bool value tag={k} chart={}", r.name))
                }
                None => {}
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

/// `processDependencyConditions`: the first condition path holding a boolean decides.
fn process_conditions(
    reqs: &mut [Dependency],
    cvals: &Dict,
    cpath: &str,
    warnings: &mut Vec<String>,
) {
    for r in reqs {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{cpath}{c}")) {
                Some(Value::Bool(b)) => {
                    r.enabled = b;
                    break;
                }
                Some(_) => {
                    warnings.push(format!("returned non-bool value path={c} chart={}", r.name))
                }
                None => {}
            }
        }
    }
}

/// Helm's `Values.Table`: the table at a dotted path.
pub fn table(v: &Dict, path: &str) -> Option<Dict> {
    let mut cur = v.clone();
    for key in path.split('.') {
        let next = match cur.get(key) {
            Some(Value::Dict(d)) => d,
            _ => return None,
        };
        cur = next;
    }
    Some(cur)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path.
pub fn path_value(v: &Dict, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (table(v, parent)?, key),
        None => (v.clone(), path),
    };
    match parent.get(key)? {
        Value::Dict(_) => None,
        other => Some(other),
    }
}

/// Helm's `pathToMap`: `data` nested under the dotted `path` (`.` is `data` itself).
fn path_to_map(path: &str, data: Dict) -> Dict {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for key in path.split('.').rev() {
        let d = Dict::new();
        d.insert(key, Value::Dict(cur));
        cur = d;
    }
    cur
}

/// `processDependencyImportValues` with merge: children first, then this chart.
fn process_import_values(c: &mut Chart, warnings: &mut Vec<String>) -> Result<(), ChartError> {
    for d in &mut c.dependencies {
        process_import_values(d, warnings)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals =
        merge_values(c, &Dict::new(), warnings).map_err(|e| ChartError::Dependencies(e.0))?;
    let b = Dict::new();
    for r in &mut c.metadata.dependencies {
        let mut out = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Dict(iv) => {
                    let field = |k: &str| {
                        slipway_value::fmt::format_value(&iv.get(k).unwrap_or(Value::Nil))
                    };
                    let (child, parent) = (field("child"), field("parent"));
                    out.push(Value::dict(
                        [
                            ("child".to_owned(), Value::string(child.as_str())),
                            ("parent".to_owned(), Value::string(parent.as_str())),
                        ]
                        .into(),
                    ));
                    match table(&cvals, &format!("{}.{child}", r.name)) {
                        Some(vv) => {
                            let src = path_to_map(&parent, vv.deep_copy());
                            merge_tables(&b, Some(&src), warnings);
                        }
                        None => warnings.push(format!(
                            "ImportValues missing table from chart {}: {child}",
                            r.name
                        )),
                    }
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    out.push(Value::dict(
                        [
                            ("child".to_owned(), Value::string(child.as_str())),
                            ("parent".to_owned(), Value::string(".")),
                        ]
                        .into(),
                    ));
                    match table(&cvals, &format!("{}.{child}", r.name)) {
                        Some(vm) => merge_tables(&b, Some(&vm.deep_copy()), warnings),
                        None => warnings.push(format!("ImportValues missing table: {child}")),
                    }
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let cvals = cvals.deep_copy();
    merge_tables(&cvals, Some(&b), warnings);
    c.values = cvals;
    Ok(())
}

/// werf's `export-values`, applied to the final values tree: for every dependency with
/// `export-values`, the parent's value at `parent` is copied into the subchart's values at
/// `child` (a table merges over what is there, the exported side winning), at every depth.
pub fn apply_export_values(chart: &Chart, values: &Dict, warnings: &mut Vec<String>) {
    for sub in &chart.dependencies {
        let Some(Value::Dict(child_vals)) = values.get(sub.name()) else {
            continue;
        };
        if let Some(req) = chart
            .metadata
            .dependencies
            .iter()
            .find(|r| r.name == sub.name())
        {
            for ev in &req.export_values {
                let exported = match table(values, &ev.parent) {
                    Some(t) => Value::Dict(t.deep_copy()),
                    None => match path_value(values, &ev.parent) {
                        Some(v) => v.deep_copy(),
                        None => {
                            warnings.push(format!(
                                "Warning: ExportValues defined in chart {:?} for its dependency {:?} can't get the parent path: {}",
                                chart.name(),
                                req.name,
                                ev.parent
                            ));
                            continue;
                        }
                    },
                };
                set_path(&child_vals, &ev.child, exported, warnings);
            }
        }
        apply_export_values(sub, &child_vals, warnings);
    }
}

/// Puts `value` at the dotted `path` of `target` (empty path: merge a table into the root).
fn set_path(target: &Dict, path: &str, value: Value, warnings: &mut Vec<String>) {
    if path.is_empty() {
        if let Value::Dict(d) = value {
            merge_tables(&d, Some(target), warnings);
            let merged = std::mem::take(&mut *d.write());
            *target.write() = merged;
        } else {
            warnings.push(
                "ExportValues: a non-table value cannot become the root of a chart's values"
                    .to_owned(),
            );
        }
        return;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (p, k),
        None => ("", path),
    };
    let mut cur = target.clone();
    if !parent.is_empty() {
        for k in parent.split('.') {
            let next = match cur.get(k) {
                Some(Value::Dict(d)) => d,
                _ => {
                    let d = Dict::new();
                    cur.insert(k, Value::Dict(d.clone()));
                    d
                }
            };
            cur = next;
        }
    }
    match (value, cur.get(key)) {
        (Value::Dict(new), Some(Value::Dict(old))) => {
            merge_tables(&new, Some(&old), warnings);
            cur.insert(key, Value::Dict(new));
        }
        (value, _) => {
            cur.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExportValue, Metadata};

    fn dict(j: serde_json::Value) -> Dict {
        Value::from_json(&j).as_dict().cloned().unwrap_or_default()
    }

    fn chart(name: &str, version: &str, values: serde_json::Value, deps: Vec<Chart>) -> Chart {
        Chart {
            metadata: Metadata {
                name: name.into(),
                version: version.into(),
                api_version: "v2".into(),
                ..Metadata::default()
            },
            values: dict(values),
            dependencies: deps,
            ..Chart::default()
        }
    }

    fn dep(name: &str, f: impl FnOnce(&mut Dependency)) -> Dependency {
        let mut d = Dependency {
            name: name.into(),
            version: ">=0.0.0".into(),
            ..Dependency::default()
        };
        f(&mut d);
        d
    }

    #[test]
    fn missing_dependencies_are_listed() {
        let mut c = chart("p", "1.0.0", serde_json::json!({}), vec![]);
        c.metadata.dependencies = vec![dep("sub", |_| {}), dep("other", |_| {})];
        assert_eq!(
            check_dependencies(&c).unwrap_err().to_string(),
            "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: sub, other"
        );
    }

    #[test]
    fn aliases_conditions_and_tags() {
        let sub = chart("sub", "1.0.0", serde_json::json!({"x": 1}), vec![]);
        let mut c = chart(
            "p",
            "1.0.0",
            serde_json::json!({"one": {"enabled": true}, "tags": {"t": false}}),
            vec![sub],
        );
        c.metadata.dependencies = vec![
            dep("sub", |d| {
                d.alias = "one".into();
                d.condition = "one.enabled".into();
                d.tags = vec!["t".into()];
            }),
            dep("sub", |d| {
                d.alias = "two".into();
                d.tags = vec!["t".into()];
            }),
            dep("sub", |d| {
                d.alias = "three".into();
                d.condition = "three.enabled".into();
            }),
        ];
        let user = dict(serde_json::json!({"three": {"enabled": false}}));
        let mut w = Vec::new();
        process_dependencies(&mut c, &user, &mut w).unwrap();
        let names: Vec<&str> = c.dependencies.iter().map(Chart::name).collect();
        assert_eq!(names, ["one"]);
        assert_eq!(c.metadata.dependencies.len(), 1);
        assert_eq!(c.metadata.dependencies[0].name, "one");
        // Declared dependencies make the parent's values include the subchart defaults.
        assert_eq!(
            Value::Dict(c.values.clone()).to_json()["one"],
            serde_json::json!({"x": 1, "enabled": true, "global": {}})
        );
    }

    #[test]
    fn import_values_both_forms() {
        let sub = chart(
            "sub",
            "1.0.0",
            serde_json::json!({"data": {"a": 1}, "exports": {"defaults": {"b": 2}}}),
            vec![],
        );
        let mut c = chart(
            "p",
            "1.0.0",
            serde_json::json!({"imported": {"a": 0, "keep": 1}}),
            vec![sub],
        );
        c.metadata.dependencies = vec![dep("sub", |d| {
            d.import_values = vec![
                Value::string("defaults"),
                Value::from_json(&serde_json::json!({"child": "data", "parent": "imported"})),
            ];
        })];
        let mut w = Vec::new();
        process_dependencies(&mut c, &Dict::new(), &mut w).unwrap();
        let v = Value::Dict(c.values.clone()).to_json();
        assert_eq!(v["b"], serde_json::json!(2));
        // The parent's own values win over imported ones.
        assert_eq!(v["imported"], serde_json::json!({"a": 0, "keep": 1}));
    }

    #[test]
    fn export_values_copy_parent_values_down() {
        let sub = chart(
            "sub",
            "1.0.0",
            serde_json::json!({"myparam": "original"}),
            vec![],
        );
        let mut c = chart("p", "1.0.0", serde_json::json!({}), vec![sub]);
        c.metadata.dependencies = vec![dep("sub", |d| {
            d.export_values = vec![
                ExportValue {
                    parent: "myparam".into(),
                    child: "myparam".into(),
                },
                ExportValue {
                    parent: "werf".into(),
                    child: "werf".into(),
                },
            ];
        })];
        let values = dict(serde_json::json!({
            "myparam": "overridden",
            "werf": {"env": "prod"},
            "sub": {"myparam": "original"}
        }));
        let mut w = Vec::new();
        apply_export_values(&c, &values, &mut w);
        assert_eq!(
            Value::Dict(values).to_json()["sub"],
            serde_json::json!({"myparam": "overridden", "werf": {"env": "prod"}})
        );
    }
}
