//! Helm's values coalescing (`pkg/chart/common/util/coalesce.go`): dicts merge, lists and
//! scalars are replaced, `null` deletes a key (coalesce) or is kept (merge), globals flow from a
//! chart to its subcharts, and a parent's `SUBCHART:` key holds that subchart's values.
//!
//! Warnings that Helm logs are collected in a caller-provided list.

use std::collections::HashSet;

use slipway_value::{Dict, Value};

use crate::model::Chart;
use slipway_value::fmt::{format_value as go_fmt_v, quote as go_quote, sprintf};

/// The key holding values shared by a chart and all its subcharts.
pub const GLOBAL_KEY: &str = "global";

/// How `null`s in a chart's default values are treated when coalescing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DefaultNulls {
    /// Helm v4.1 (the reference `helm` 4.1.4): a chart default `null` is copied into the
    /// values like any other default (so it can still delete a subchart's default).
    #[default]
    Keep,
    /// Helm main since issues 31643/31919/31971: chart default `null`s are dropped before
    /// merging, so they neither show up nor shadow globals or subchart defaults. This is
    /// what `coalesce.jsonl` (recorded from Helm main) checks.
    Clean,
}

/// A values tree cannot be coalesced with a chart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CoalesceError(pub String);

/// `CoalesceValues`: the chart's (and its subcharts') default values under the user values
/// `vals`, nulls deleting keys, chart default nulls as Helm v4.1 treats them. `vals` is not
/// modified.
pub fn coalesce_values(
    chart: &Chart,
    vals: &Dict,
    warnings: &mut Vec<String>,
) -> Result<Dict, CoalesceError> {
    coalesce_values_with(chart, vals, DefaultNulls::Keep, warnings)
}

/// [`coalesce_values`] with a choice of how chart default nulls are treated.
pub fn coalesce_values_with(
    chart: &Chart,
    vals: &Dict,
    nulls: DefaultNulls,
    warnings: &mut Vec<String>,
) -> Result<Dict, CoalesceError> {
    let dest = vals.deep_copy();
    Coalescer {
        merge: false,
        clean_defaults: nulls == DefaultNulls::Clean,
        warnings,
    }
    .chart(chart, &dest, "")?;
    Ok(dest)
}

/// `MergeValues`: like [`coalesce_values`] but nulls are kept.
pub fn merge_values(
    chart: &Chart,
    vals: &Dict,
    warnings: &mut Vec<String>,
) -> Result<Dict, CoalesceError> {
    let dest = vals.deep_copy();
    Coalescer {
        merge: true,
        clean_defaults: false,
        warnings,
    }
    .chart(chart, &dest, "")?;
    Ok(dest)
}

/// `CoalesceTables`: merges `src` into `dst` in place, `dst` winning; a null in `dst` deletes
/// the key when `src` had a value for it. Like Helm, this may set keys of `src` to null.
pub fn coalesce_tables(dst: &Dict, src: Option<&Dict>, warnings: &mut Vec<String>) {
    if let Some(src) = src {
        Coalescer {
            merge: false,
            clean_defaults: false,
            warnings,
        }
        .tables(dst, src, "");
    }
}

/// `MergeTables`: like [`coalesce_tables`] but nulls in `dst` are kept.
pub fn merge_tables(dst: &Dict, src: Option<&Dict>, warnings: &mut Vec<String>) {
    if let Some(src) = src {
        Coalescer {
            merge: true,
            clean_defaults: false,
            warnings,
        }
        .tables(dst, src, "");
    }
}

/// Removes null entries from `m` and every nested dict (Helm's `cleanNilValues`).
pub fn clean_nil_values(m: &Dict) {
    let mut map = m.write();
    map.retain(|_, v| !v.is_nil());
    for v in map.values() {
        if let Value::Dict(sub) = v
            && !sub.ptr_eq(m)
        {
            clean_nil_values(sub);
        }
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

struct Coalescer<'w> {
    merge: bool,
    /// Drop chart default nulls when coalescing (Helm main).
    clean_defaults: bool,
    warnings: &'w mut Vec<String>,
}

impl Coalescer<'_> {
    /// `coalesce`: this chart's defaults, then its dependencies.
    fn chart(&mut self, chart: &Chart, dest: &Dict, prefix: &str) -> Result<(), CoalesceError> {
        self.chart_values(chart, dest, prefix);
        self.deps(chart, dest, prefix)
    }

    /// `coalesceDeps`.
    fn deps(&mut self, chart: &Chart, dest: &Dict, prefix: &str) -> Result<(), CoalesceError> {
        for sub in &chart.dependencies {
            let dvmap = {
                let mut d = dest.write();
                match d.get(sub.name()) {
                    None => {
                        let n = Dict::new();
                        d.insert(sub.name().to_owned(), Value::Dict(n.clone()));
                        n
                    }
                    Some(Value::Dict(existing)) => existing.clone(),
                    Some(other) => {
                        return Err(CoalesceError(format!(
                            "type mismatch on {}: {}",
                            sub.name(),
                            sprintf("%t", std::slice::from_ref(other))
                        )));
                    }
                }
            };
            let sub_prefix = concat_prefix(prefix, chart.name());
            self.globals(&dvmap, dest, &sub_prefix);
            self.chart(sub, &dvmap, &sub_prefix)?;
        }
        Ok(())
    }

    /// `coalesceGlobals`: copies `src`'s globals into `dest`'s, `dest` winning in nested tables.
    fn globals(&mut self, dest: &Dict, src: &Dict, prefix: &str) {
        let dg = match dest.get(GLOBAL_KEY) {
            None => Dict::new(),
            Some(Value::Dict(d)) => d,
            Some(_) => {
                self.warn(format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        };
        let sg = match src.get(GLOBAL_KEY) {
            None => Dict::new(),
            Some(Value::Dict(d)) => d,
            Some(_) => {
                self.warn(format!(
                    "warning: skipping globals because source {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        };
        if !dg.ptr_eq(&sg) {
            let entries: Vec<(String, Value)> = sg
                .read()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (key, val) in entries {
                match &val {
                    Value::Dict(table) => {
                        let vv = table.shallow_copy();
                        match dg.get(&key) {
                            None => {
                                dg.insert(key, Value::Dict(vv));
                            }
                            Some(Value::Dict(destv)) => {
                                let sub_prefix = concat_prefix(prefix, &key);
                                let mut merging = Coalescer {
                                    merge: true,
                                    clean_defaults: self.clean_defaults,
                                    warnings: &mut *self.warnings,
                                };
                                merging.tables(&vv, &destv, &sub_prefix);
                                dg.insert(key, Value::Dict(vv));
                            }
                            Some(_) => self.warn(format!(
                                "Conflict: cannot merge map onto non-map for {}. Skipping.",
                                go_quote(&key)
                            )),
                        }
                    }
                    _ => {
                        if matches!(dg.get(&key), Some(Value::Dict(_))) {
                            self.warn(format!("key {key} is table. Skipping"));
                        } else {
                            dg.insert(key, val);
                        }
                    }
                }
            }
        }
        dest.insert(GLOBAL_KEY, Value::Dict(dg));
    }

    /// `coalesceValues`: fills `v` from a copy of the chart's default values.
    fn chart_values(&mut self, chart: &Chart, v: &Dict, prefix: &str) {
        let sub_prefix = concat_prefix(prefix, chart.name());
        let defaults = chart.values.deep_copy();
        let defaults = std::mem::take(&mut *defaults.write());
        for (key, val) in defaults {
            let existing = v.get(&key);
            match existing {
                Some(value) => {
                    if value.is_nil() && !self.merge {
                        v.remove(&key);
                    } else if let Value::Dict(dest) = value {
                        match val {
                            Value::Dict(src) => {
                                let merge = self.merge
                                    || chart.dependencies.iter().any(|d| d.name() == key);
                                if !merge && self.clean_defaults {
                                    clean_nil_values(&src);
                                }
                                let mut c = Coalescer {
                                    merge,
                                    clean_defaults: self.clean_defaults,
                                    warnings: &mut *self.warnings,
                                };
                                c.tables(&dest, &src, &concat_prefix(&sub_prefix, &key));
                            }
                            Value::Nil => {}
                            _ => self.warn(format!(
                                "warning: skipped value for {sub_prefix}.{key}: Not a table."
                            )),
                        }
                    }
                }
                None => {
                    if !self.merge && self.clean_defaults {
                        match &val {
                            Value::Nil => continue,
                            Value::Dict(sub) => clean_nil_values(sub),
                            _ => {}
                        }
                    }
                    v.insert(key, val);
                }
            }
        }
    }

    /// `coalesceTablesFullKey`: merges `src` into `dst`, `dst` authoritative.
    fn tables(&mut self, dst: &Dict, src: &Dict, prefix: &str) {
        if dst.ptr_eq(src) {
            return;
        }
        let mut d = dst.write();
        let mut s = src.write();
        let src_non_nil: HashSet<String> = s
            .iter()
            .filter(|(_, v)| !v.is_nil())
            .map(|(k, _)| k.clone())
            .collect();
        for (key, val) in d.iter() {
            if val.is_nil() {
                s.insert(key.clone(), Value::Nil);
            }
        }
        for (key, val) in s.iter() {
            let nested = match (d.get(key), val) {
                (Some(Value::Nil), _) if !self.merge && src_non_nil.contains(key) => {
                    d.remove(key);
                    continue;
                }
                (None, _) => {
                    d.insert(key.clone(), val.clone());
                    continue;
                }
                (Some(Value::Dict(dv)), Value::Dict(sv)) => (dv.clone(), sv.clone()),
                (Some(_), Value::Dict(_)) => {
                    self.warn(format!(
                        "warning: cannot overwrite table with non table for {} ({})",
                        concat_prefix(prefix, key),
                        go_fmt_v(val)
                    ));
                    continue;
                }
                (Some(Value::Dict(_)), _) if !val.is_nil() => {
                    self.warn(format!(
                        "warning: destination for {} is a table. Ignoring non-table value ({})",
                        concat_prefix(prefix, key),
                        go_fmt_v(val)
                    ));
                    continue;
                }
                _ => continue,
            };
            self.tables(&nested.0, &nested.1, &concat_prefix(prefix, key));
        }
    }

    fn warn(&mut self, msg: String) {
        self.warnings.push(msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Metadata;

    fn dict(j: serde_json::Value) -> Dict {
        Value::from_json(&j).as_dict().cloned().unwrap_or_default()
    }

    fn chart(name: &str, values: serde_json::Value, deps: Vec<Chart>) -> Chart {
        Chart {
            metadata: Metadata {
                name: name.into(),
                ..Metadata::default()
            },
            values: dict(values),
            dependencies: deps,
            ..Chart::default()
        }
    }

    #[test]
    fn user_values_win_and_nulls_delete() {
        let c = chart(
            "p",
            serde_json::json!({"a": 1, "b": {"x": 1, "y": 2}, "c": 3}),
            vec![],
        );
        let user = dict(serde_json::json!({"a": 2, "b": {"y": null}, "c": null}));
        let mut w = Vec::new();
        let out = coalesce_values(&c, &user, &mut w).unwrap();
        assert_eq!(
            Value::Dict(out).to_json(),
            serde_json::json!({"a": 2, "b": {"x": 1}})
        );
        assert_eq!(
            Value::Dict(user).to_json(),
            serde_json::json!({"a": 2, "b": {"y": null}, "c": null})
        );
    }

    #[test]
    fn globals_flow_to_subcharts() {
        let sub = chart(
            "sub",
            serde_json::json!({"global": {"g": "sub"}, "own": 1}),
            vec![],
        );
        let c = chart(
            "p",
            serde_json::json!({"global": {"g": "parent", "h": 1}}),
            vec![sub],
        );
        let mut w = Vec::new();
        let out = coalesce_values(&c, &Dict::new(), &mut w).unwrap();
        assert_eq!(
            Value::Dict(out).to_json(),
            serde_json::json!({
                "global": {"g": "parent", "h": 1},
                "sub": {"global": {"g": "parent", "h": 1}, "own": 1}
            })
        );
    }

    #[test]
    fn merge_keeps_nulls_and_type_mismatch_is_an_error() {
        let c = chart(
            "p",
            serde_json::json!({"a": 1}),
            vec![chart("s", serde_json::json!({}), vec![])],
        );
        let mut w = Vec::new();
        let out = merge_values(&c, &dict(serde_json::json!({"a": null})), &mut w).unwrap();
        assert_eq!(out.get("a"), Some(Value::Nil));
        let err = coalesce_values(&c, &dict(serde_json::json!({"s": "x"})), &mut w).unwrap_err();
        assert_eq!(err.0, "type mismatch on s: %!t(string=x)");
    }

    #[test]
    fn chart_default_nulls_kept_like_helm_4_1_or_cleaned_like_main() {
        let sub = chart("sub", serde_json::json!({"list": [1], "x": 1}), vec![]);
        let c = chart(
            "p",
            serde_json::json!({"opt": null, "m": {"n": null, "k": 1}, "sub": {"list": null}}),
            vec![sub],
        );
        let mut w = Vec::new();
        let kept = coalesce_values(&c, &Dict::new(), &mut w).unwrap();
        assert_eq!(
            Value::Dict(kept).to_json(),
            serde_json::json!({
                "opt": null, "m": {"n": null, "k": 1},
                "sub": {"x": 1, "global": {}}
            })
        );
        let cleaned = coalesce_values_with(&c, &Dict::new(), DefaultNulls::Clean, &mut w).unwrap();
        assert_eq!(
            Value::Dict(cleaned).to_json(),
            serde_json::json!({
                "m": {"k": 1},
                "sub": {"list": [1], "x": 1, "global": {}}
            })
        );
    }

    #[test]
    fn table_conflicts_warn() {
        let dst = dict(serde_json::json!({"a": "scalar", "b": {"x": 1}}));
        let src = dict(serde_json::json!({"a": {"t": 1}, "b": "s"}));
        let mut w = Vec::new();
        coalesce_tables(&dst, Some(&src), &mut w);
        assert_eq!(
            w,
            vec![
                "warning: cannot overwrite table with non table for a (map[t:1])".to_owned(),
                "warning: destination for b is a table. Ignoring non-table value (s)".to_owned(),
            ]
        );
    }
}
