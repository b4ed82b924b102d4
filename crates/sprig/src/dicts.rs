//! Dict functions. Dicts are shared, so `set`, `unset`, `merge` and `mergeOverwrite` change
//! the map every holder sees, as Go's maps do.

use slipway_value::{Dict, FuncMap, Value};

use crate::args::{Arity, register, str_list};
use crate::cast::{empty, strval};

/// Registers the dict functions.
pub(crate) fn register_all(m: &mut FuncMap) {
    use Arity::{AtLeast, Exact};
    register(m, &["dict"], AtLeast(0), |a| {
        let d = Dict::new();
        for pair in a.rest(0).chunks(2) {
            d.insert(
                strval(&pair[0]),
                pair.get(1).cloned().unwrap_or_else(|| "".into()),
            );
        }
        Ok(Value::Dict(d))
    });
    register(m, &["get"], Exact(2), |a| {
        Ok(a.dict(0)?.get(a.str(1)?).unwrap_or_else(|| "".into()))
    });
    register(m, &["set"], Exact(3), |a| {
        let d = a.dict(0)?;
        d.insert(a.str(1)?, a.any(2).clone());
        Ok(Value::Dict(d))
    });
    register(m, &["unset"], Exact(2), |a| {
        let d = a.dict(0)?;
        d.remove(a.str(1)?);
        Ok(Value::Dict(d))
    });
    register(m, &["hasKey"], Exact(2), |a| {
        Ok(a.dict(0)?.contains_key(a.str(1)?).into())
    });
    register(m, &["pluck"], AtLeast(1), |a| {
        let key = a.str(0)?;
        let found = a.dicts_from(1)?.iter().filter_map(|d| d.get(key)).collect();
        Ok(Value::list(found))
    });
    register(m, &["keys"], AtLeast(0), |a| {
        Ok(str_list(a.dicts_from(0)?.iter().flat_map(Dict::keys)))
    });
    register(m, &["values"], Exact(1), |a| {
        Ok(Value::list(a.dict(0)?.read().values().cloned().collect()))
    });
    register(m, &["pick"], AtLeast(1), |a| {
        let src = a.dict(0)?;
        let picked: Dict = a
            .strs_from(1)?
            .into_iter()
            .filter_map(|k| src.get(k).map(|v| (k.to_owned(), v)))
            .collect();
        Ok(Value::Dict(picked))
    });
    register(m, &["omit"], AtLeast(1), |a| {
        let src = a.dict(0)?;
        let omit = a.strs_from(1)?;
        let kept: Dict = src
            .read()
            .iter()
            .filter(|(k, _)| !omit.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::Dict(kept))
    });
    register(m, &["merge", "mustMerge"], AtLeast(1), |a| {
        let dst = a.dict(0)?;
        for src in a.dicts_from(1)? {
            merge_into(&dst, &src, false);
        }
        Ok(Value::Dict(dst))
    });
    register(
        m,
        &["mergeOverwrite", "mustMergeOverwrite"],
        AtLeast(1),
        |a| {
            let dst = a.dict(0)?;
            for src in a.dicts_from(1)? {
                merge_into(&dst, &src, true);
            }
            Ok(Value::Dict(dst))
        },
    );
    register(m, &["deepCopy", "mustDeepCopy"], Exact(1), |a| {
        Ok(a.any(0).deep_copy())
    });
}

/// mergo's `Merge` (`overwrite == false`) and `MergeWithOverwrite` for
/// `map[string]interface{}`: nested maps merge recursively and in place; otherwise a source
/// value lands when the destination lacks the key or holds an empty value, or always when
/// overwriting (a nil source only when overwriting). Like mergo, a map already being merged
/// is not entered again, so self-referencing maps terminate.
pub(crate) fn merge_into(dst: &Dict, src: &Dict, overwrite: bool) {
    merge_level(dst, src, overwrite, &mut Vec::new());
}

fn merge_level(dst: &Dict, src: &Dict, overwrite: bool, visiting: &mut Vec<Dict>) {
    if dst.ptr_eq(src) || visiting.iter().any(|d| d.ptr_eq(dst)) {
        return;
    }
    visiting.push(dst.clone());
    let entries: Vec<(String, Value)> = src
        .read()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in entries {
        if sv.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        let dv = dst.get(&key);
        if let (Value::Dict(s), Some(Value::Dict(d))) = (&sv, &dv) {
            merge_level(d, s, overwrite, visiting);
        }
        if let Some(d) = &dv
            && !empty(d)
        {
            let both_maps = matches!(sv, Value::Dict(_)) && matches!(d, Value::Dict(_));
            if matches!(sv, Value::List(_) | Value::Bytes(_)) && !overwrite || both_maps {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(empty) {
            dst.insert(key, sv);
        }
    }
    visiting.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(json: serde_json::Value) -> Dict {
        Value::from_json(&json).as_dict().unwrap().clone()
    }

    #[test]
    fn merge_keeps_destination_values() {
        let dst = dict(serde_json::json!({"a": 1, "b": "", "n": {"x": 1}, "l": [1]}));
        let src = dict(
            serde_json::json!({"a": 2, "b": "B", "c": 3, "n": {"x": 2, "y": 2}, "l": [2], "z": null}),
        );
        merge_into(&dst, &src, false);
        let want =
            dict(serde_json::json!({"a": 1, "b": "B", "c": 3, "n": {"x": 1, "y": 2}, "l": [1]}));
        assert_eq!(dst, want);
    }

    #[test]
    fn merge_of_self_referencing_maps_terminates() {
        let a = dict(serde_json::json!({"x": {}}));
        let inner = a.get("x").unwrap();
        inner
            .as_dict()
            .unwrap()
            .insert("up", Value::Dict(a.clone()));
        let b = Dict::new();
        b.insert("x", Value::Dict(a.clone()));
        merge_into(&a, &b, true);
        merge_into(&a, &b, false);
        assert!(a.contains_key("x"));
    }

    #[test]
    fn merge_overwrite_replaces_values() {
        let dst = dict(serde_json::json!({"a": 1, "n": {"x": 1}, "q": true, "l": [1]}));
        let src = dict(serde_json::json!({"a": 2, "n": {"y": 2}, "q": false, "l": [2], "z": null}));
        merge_into(&dst, &src, true);
        let want = dict(
            serde_json::json!({"a": 2, "n": {"x": 1, "y": 2}, "q": false, "l": [2], "z": null}),
        );
        assert_eq!(dst, want);
    }
}
