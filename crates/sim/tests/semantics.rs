//! Patch, server-side apply and selector semantics, with expectations taken from RFC 6902,
//! RFC 7386 and the Kubernetes documentation of strategic merge patch and server-side apply.

use serde_json::{Value, json};
use slipway_sim::patch::{json_patch, merge_patch, strategic_merge};
use slipway_sim::selectors::{FieldSelector, LabelSelector};
use slipway_sim::ssa::{ApplyRequest, apply, fields_of, managers_of, record_update, to_fields_v1};

#[test]
fn merge_patch_rfc7386_example() {
    let mut target = json!({"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"}, "tags": ["example", "sample"], "content": "This will be unchanged"});
    let patch = json!({"title": "Hello!", "phoneNumber": "+01-123-456-7890", "author": {"familyName": null}, "tags": ["example"]});
    merge_patch(&mut target, &patch);
    assert_eq!(
        target,
        json!({"title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"], "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"})
    );
}

#[test]
fn json_patch_rfc6902_operations() {
    let mut doc = json!({"foo": ["bar", "baz"], "a": {"b": 1}});
    json_patch(
        &mut doc,
        &json!([
            {"op": "add", "path": "/foo/1", "value": "qux"},
            {"op": "remove", "path": "/a/b"},
            {"op": "copy", "from": "/foo/0", "path": "/a/c"},
            {"op": "move", "from": "/foo/2", "path": "/moved"},
            {"op": "test", "path": "/moved", "value": "baz"}
        ]),
    )
    .unwrap();
    assert_eq!(
        doc,
        json!({"foo": ["bar", "qux"], "a": {"c": "bar"}, "moved": "baz"})
    );
    let err = json_patch(
        &mut doc,
        &json!([{"op": "test", "path": "/moved", "value": "nope"}]),
    );
    assert!(err.is_err());
    let err = json_patch(&mut doc, &json!([{"op": "remove", "path": "/missing"}]));
    assert!(err.is_err());
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "finalizers": ["a", "b"]},
        "spec": {"replicas": 1, "template": {"spec": {
            "containers": [
                {"name": "web", "image": "nginx:1", "args": ["-x"], "env": [{"name": "A", "value": "1"}]},
                {"name": "side", "image": "busybox"}
            ],
            "volumes": [{"name": "v", "emptyDir": {}}]
        }}}
    })
}

#[test]
fn strategic_merge_uses_merge_keys_and_directives() {
    let mut d = deployment();
    strategic_merge(&mut d, &json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "image": "nginx:2", "args": ["-y"], "env": [{"name": "B", "value": "2"}]},
        {"name": "side", "$patch": "delete"},
        {"name": "new", "image": "alpine"}
    ]}}}})).unwrap();
    let containers = &d["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().unwrap().len(), 2);
    assert_eq!(containers[0]["image"], "nginx:2");
    assert_eq!(
        containers[0]["args"],
        json!(["-y"]),
        "lists without a merge key are replaced"
    );
    assert_eq!(
        containers[0]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    );
    assert_eq!(containers[1]["name"], "new");

    strategic_merge(&mut d, &json!({
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]},
        "spec": {"replicas": null, "template": {"spec": {"volumes": [{"$patch": "replace"}, {"name": "w", "configMap": {"name": "c"}}]}}}
    })).unwrap();
    assert_eq!(d["metadata"]["finalizers"], json!(["b"]));
    assert!(d["spec"].get("replicas").is_none(), "null deletes");
    assert_eq!(
        d["spec"]["template"]["spec"]["volumes"],
        json!([{"name": "w", "configMap": {"name": "c"}}])
    );

    strategic_merge(
        &mut d,
        &json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "new"}, {"name": "web"}],
            "containers": [{"name": "web", "image": "nginx:3"}]
        }}}}),
    )
    .unwrap();
    let names: Vec<&str> = d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["new", "web"]);
}

#[test]
fn field_sets_use_the_fields_v1_format() {
    let applied = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
        "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}}}
    });
    assert_eq!(
        to_fields_v1(&fields_of(&applied)),
        json!({
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}
            }}}}
        })
    );
}

fn ssa(
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
) -> Result<Value, slipway_sim::status::ApiError> {
    apply(
        live,
        &ApplyRequest {
            applied,
            manager,
            force,
            api_version: "v1",
            subresource: "",
            now: "2026-01-01T00:00:00Z",
        },
    )
}

#[test]
fn apply_owns_removes_shares_and_conflicts() {
    let a1 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": "1", "y": "2"}});
    let live = ssa(None, &a1, "alpha", false).unwrap();
    assert_eq!(live["data"], json!({"x": "1", "y": "2"}));

    // Another manager applying the same value shares ownership: no conflict.
    let b1 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": "1", "z": "3"}});
    let live = ssa(Some(&live), &b1, "beta", false).unwrap();
    assert_eq!(live["data"], json!({"x": "1", "y": "2", "z": "3"}));

    // alpha stops applying y (removed) and x (still owned by beta, kept).
    let a2 =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}});
    let live = ssa(Some(&live), &a2, "alpha", false).unwrap();
    assert_eq!(live["data"], json!({"x": "1", "z": "3"}));

    // A different value for a field beta owns conflicts...
    let a3 = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"z": "9"}});
    let err = ssa(Some(&live), &a3, "alpha", false).unwrap_err();
    assert_eq!(err.code, 409);
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"beta\": .data.z"
    );
    // ...unless forced, which moves ownership.
    let live = ssa(Some(&live), &a3, "alpha", true).unwrap();
    assert_eq!(live["data"]["z"], "9");
    let managers = managers_of(&live);
    let beta = managers.iter().find(|m| m.manager == "beta").unwrap();
    assert!(
        !beta
            .fields
            .contains(&vec!["f:data".to_string(), "f:z".to_string()])
    );
}

#[test]
fn updates_take_ownership_of_changed_fields() {
    let applied = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1, "paused": false}});
    let live = ssa(None, &applied, "helm", false).unwrap();
    let mut next = live.clone();
    next["spec"]["replicas"] = json!(5);
    record_update(
        Some(&live),
        &mut next,
        "kubectl-scale",
        "apps/v1",
        "",
        "2026-01-01T00:00:00Z",
    );
    let again = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1, "paused": false}});
    let err = ssa(Some(&next), &again, "helm", false).unwrap_err();
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas"
    );
}

#[test]
fn label_and_field_selectors() {
    let pod = json!({"metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web", "tier": "front"}}, "status": {"phase": "Running"}});
    let matches = |s: &str| LabelSelector::parse(s).unwrap().matches(&pod);
    assert!(matches("app=web"));
    assert!(matches("app==web,tier in (front, back)"));
    assert!(matches("app,!missing"));
    assert!(matches("tier notin (back)"));
    assert!(!matches("app!=web"));
    assert!(!matches("missing"));
    assert!(LabelSelector::parse("app in web").is_err());
    let fields = |s: &str| FieldSelector::parse(s).unwrap().matches(&pod);
    assert!(fields("metadata.name=p,status.phase=Running"));
    assert!(fields("metadata.namespace!=other"));
    assert!(!fields("status.phase=Pending"));
    let selector = LabelSelector::from_object(
        &json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}),
    );
    assert!(selector.matches(&pod));
}

#[test]
fn nulls_in_an_applied_configuration_set_nothing() {
    let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": null}, "data": {"a": "1", "b": null}});
    let live = ssa(None, &applied, "m", false).unwrap();
    assert_eq!(live["data"], json!({"a": "1"}));
    assert!(live["metadata"].get("labels").is_none());
}
