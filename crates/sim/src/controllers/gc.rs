//! Lifecycle controllers: garbage collection of dependents (background, foreground, orphan),
//! namespace setup and deletion, CRD establishment, PVC binding and LoadBalancer addresses.

use serde_json::{Value, json};

use super::Ctx;
use crate::api::{now, remove_finalizer};
use crate::registry::ResourceKey;
use crate::store::{Action, object_name};

impl Ctx {
    /// Objects whose owner references name this uid, with their types.
    fn dependents(&self, uid: &str, namespace: &str) -> Vec<(ResourceKey, Value)> {
        let mut out = Vec::new();
        for rt in self.cluster.all_types() {
            let ns = if rt.namespaced && !namespace.is_empty() {
                Some(namespace)
            } else {
                None
            };
            let (objects, _) = self.cluster.store.list(&rt.key(), ns);
            for o in objects {
                let owned = o["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid));
                if owned {
                    out.push((rt.key(), (*o).clone()));
                }
            }
        }
        out
    }

    /// Background collection: dependents of a deleted object lose the reference and go away
    /// when no owner remains; a foreground-deleting owner is re-checked.
    pub(super) fn collect_dependents(&self, deleted: &Value) {
        if let Some(uid) = deleted["metadata"]["uid"].as_str() {
            let ns = deleted["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default();
            for (key, dep) in self.dependents(uid, ns) {
                let (dns, dname) = object_name(&dep);
                let remaining = dep["metadata"]["ownerReferences"]
                    .as_array()
                    .map_or(0, |refs| {
                        refs.iter()
                            .filter(|r| r["uid"] != uid && self.owner_exists(r, &dns))
                            .count()
                    });
                if remaining == 0 {
                    self.delete(&key.group, &key.resource, &dns, &dname, false);
                } else {
                    self.modify(&key.group, &key.resource, &dns, &dname, None, |o| {
                        if let Some(refs) = o["metadata"]["ownerReferences"].as_array_mut() {
                            refs.retain(|r| r["uid"] != uid);
                        }
                    });
                }
            }
        }
        if deleted["kind"] == "Namespace" {
            return;
        }
        // An owner waiting in foreground deletion may now be free to go.
        for r in deleted["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let ns = deleted["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default();
            if let Some(rt) = self.cluster.resource_for(
                r["apiVersion"].as_str().unwrap_or_default(),
                r["kind"].as_str().unwrap_or_default(),
            ) {
                let owner_ns = if rt.namespaced { ns } else { "" };
                if let Some(owner) = self.cluster.store.get(
                    &rt.key(),
                    owner_ns,
                    r["name"].as_str().unwrap_or_default(),
                ) {
                    self.finalize(&rt.key(), &owner);
                }
            }
        }
    }

    fn owner_exists(&self, r: &Value, ns: &str) -> bool {
        let Some(rt) = self.cluster.resource_for(
            r["apiVersion"].as_str().unwrap_or_default(),
            r["kind"].as_str().unwrap_or_default(),
        ) else {
            return false;
        };
        let owner_ns = if rt.namespaced { ns } else { "" };
        self.cluster
            .store
            .get(&rt.key(), owner_ns, r["name"].as_str().unwrap_or_default())
            .is_some_and(|o| o["metadata"]["uid"] == r["uid"])
    }

    /// Handles the GC finalizers of an object being deleted.
    pub(super) fn finalize(&self, key: &ResourceKey, o: &Value) {
        let finalizers: Vec<String> = o["metadata"]["finalizers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        let uid = o["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let (ns, name) = object_name(o);
        if finalizers.iter().any(|f| f == "orphan") {
            for (dkey, dep) in self.dependents(&uid, &ns) {
                let (dns, dname) = object_name(&dep);
                self.modify(&dkey.group, &dkey.resource, &dns, &dname, None, |d| {
                    if let Some(refs) = d["metadata"]["ownerReferences"].as_array_mut() {
                        refs.retain(|r| r["uid"] != uid.as_str());
                    }
                    if d["metadata"]["ownerReferences"]
                        .as_array()
                        .is_some_and(Vec::is_empty)
                        && let Some(m) = d["metadata"].as_object_mut()
                    {
                        m.remove("ownerReferences");
                    }
                });
            }
            self.modify(&key.group, &key.resource, &ns, &name, Some(&uid), |x| {
                remove_finalizer(x, "orphan")
            });
        }
        if finalizers.iter().any(|f| f == "foregroundDeletion") {
            let dependents = self.dependents(&uid, &ns);
            if dependents.is_empty() {
                self.modify(&key.group, &key.resource, &ns, &name, Some(&uid), |x| {
                    remove_finalizer(x, "foregroundDeletion")
                });
            } else {
                for (dkey, dep) in dependents {
                    if dep["metadata"]["deletionTimestamp"].is_null() {
                        let (dns, dname) = object_name(&dep);
                        self.delete(&dkey.group, &dkey.resource, &dns, &dname, true);
                    }
                }
            }
        }
    }

    /// Namespaces: a default ServiceAccount when created; contents removed when terminating.
    pub(super) fn reconcile_namespace(&self, ns: &Value, kind: crate::store::EventType) {
        let name = ns["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if ns["metadata"]["deletionTimestamp"].is_null() {
            if kind == crate::store::EventType::Added
                && self.get("", "serviceaccounts", &name, "default").is_none()
            {
                self.create(
                    "",
                    "serviceaccounts",
                    &name,
                    json!({"metadata": {"name": "default"}}),
                );
            }
            return;
        }
        for rt in self.cluster.all_types() {
            if !rt.namespaced {
                continue;
            }
            let (objects, _) = self.cluster.store.list(&rt.key(), Some(&name));
            for o in objects {
                if o["metadata"]["deletionTimestamp"].is_null() {
                    let (_, oname) = object_name(&o);
                    self.delete(&rt.group, &rt.resource, &name, &oname, false);
                }
            }
        }
        self.namespace_emptied(&name);
    }

    /// Removes a terminating namespace once nothing is left in it.
    pub(super) fn namespace_emptied(&self, name: &str) {
        let Some(ns) = self.get("", "namespaces", "", name) else {
            return;
        };
        if ns["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        let empty = self
            .cluster
            .all_types()
            .iter()
            .filter(|rt| rt.namespaced)
            .all(|rt| self.cluster.store.list(&rt.key(), Some(name)).0.is_empty());
        if empty {
            let _ =
                self.cluster
                    .store
                    .transact(&ResourceKey::new("", "namespaces"), "", name, |cur| {
                        Ok(match cur {
                            Some(c) if !crate::api::has_finalizers(c) => Action::Delete,
                            _ => Action::Keep,
                        })
                    });
        }
    }

    /// CRDs: accept the names and report `Established`.
    pub(super) fn crd_established(&self, name: &str) {
        let ts = now();
        self.modify("apiextensions.k8s.io", "customresourcedefinitions", "", name, None, |crd| {
            if crd["status"]["conditions"].as_array().is_some_and(|c| c.iter().any(|x| x["type"] == "Established")) {
                crd["status"]["acceptedNames"] = crd["spec"]["names"].clone();
                return;
            }
            let versions: Vec<Value> = crd["spec"]["versions"].as_array().into_iter().flatten().filter(|v| v["storage"] == json!(true)).map(|v| v["name"].clone()).collect();
            crd["status"] = json!({
                "acceptedNames": crd["spec"]["names"],
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "lastTransitionTime": ts, "reason": "NoConflicts", "message": "no conflicts found"},
                    {"type": "Established", "status": "True", "lastTransitionTime": ts, "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
                ],
                "storedVersions": versions
            });
        });
    }

    /// A deleted CRD takes its kind and objects with it.
    pub(super) fn crd_deleted(&self, crd: &Value) {
        let group = crd["spec"]["group"].as_str().unwrap_or_default();
        let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or_default();
        let key = ResourceKey::new(group, plural);
        let (objects, _) = self.cluster.store.list(&key, None);
        for o in objects {
            let (ns, name) = object_name(&o);
            let _ = self
                .cluster
                .store
                .transact(&key, &ns, &name, |_| Ok(Action::Delete));
        }
        self.cluster.unregister_crd(crd);
    }

    /// PVCs bind at once to a generated volume.
    pub(super) fn bind_pvc(&self, ns: &str, name: &str) {
        let Some(pvc) = self.get("", "persistentvolumeclaims", ns, name) else {
            return;
        };
        if pvc["status"]["phase"] == "Bound" || !pvc["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        let volume = format!(
            "pvc-{}",
            pvc["metadata"]["uid"].as_str().unwrap_or_default()
        );
        let storage = pvc["spec"]["resources"]["requests"]["storage"].clone();
        let modes = pvc["spec"]["accessModes"].clone();
        self.modify("", "persistentvolumeclaims", ns, name, None, |p| {
            if p["spec"]["volumeName"].is_null() {
                p["spec"]["volumeName"] = json!(volume);
            }
            if p["spec"]["storageClassName"].is_null() {
                p["spec"]["storageClassName"] = json!("standard");
            }
            p["status"] =
                json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": storage}});
            let annotations = &mut p["metadata"]["annotations"];
            annotations["pv.kubernetes.io/bind-completed"] = json!("yes");
            annotations["pv.kubernetes.io/bound-by-controller"] = json!("yes");
        });
    }

    /// LoadBalancer Services get an ingress address.
    pub(super) fn service_status(&self, ns: &str, name: &str) {
        let Some(svc) = self.get("", "services", ns, name) else {
            return;
        };
        if svc["spec"]["type"] != "LoadBalancer"
            || !svc["status"]["loadBalancer"]["ingress"].is_null()
        {
            return;
        }
        let ip = self
            .cluster
            .next_cluster_ip()
            .replacen("10.96.", "172.20.", 1);
        self.modify("", "services", ns, name, None, |s| {
            s["status"]["loadBalancer"] = json!({"ingress": [{"ip": ip, "ipMode": "VIP"}]});
        });
    }
}
