//! `werf.io/deploy-dependency-<id>`: a resource deploys after the release's resources that
//! match, once they are applied (`state=present`) or ready (`state=ready`).
//!
//! Within a weight group the resources are split into waves: a wave holds every resource
//! whose dependencies are in earlier waves; before the next wave starts, the resources it
//! waits to be ready for are tracked. Dependencies on resources of a lower weight are met by
//! the weight order; a dependency on a resource of a higher weight is an error (nelm orders
//! such pairs by the dependency and drops the weight; slipway keeps weights meaning one
//! thing and refuses the contradiction instead of deploying in an order nobody asked for).

use crate::Error;
use crate::cluster::ObjectKey;
use crate::manifest::Resource;

/// The annotation prefix; the rest of the key is a free identifier.
pub const ANNOTATION_PREFIX: &str = "werf.io/deploy-dependency-";

/// One `werf.io/deploy-dependency-<id>` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// `state=ready` (wait for readiness) rather than `state=present` (for the apply).
    pub ready: bool,
    /// `name=`.
    pub name: Option<String>,
    /// `namespace=`.
    pub namespace: Option<String>,
    /// `kind=`.
    pub kind: Option<String>,
    /// `group=` (the API group; `""` is the core group).
    pub group: Option<String>,
    /// `version=`.
    pub version: Option<String>,
}

impl Dependency {
    /// Parses the annotation's value: comma-separated `key=value` properties, values
    /// optionally in single or double quotes.
    pub fn parse(value: &str) -> Result<Dependency, String> {
        let mut dep = Dependency {
            ready: false,
            name: None,
            namespace: None,
            kind: None,
            group: None,
            version: None,
        };
        let mut state = None;
        for property in split_outside_quotes(value) {
            let property = property.trim();
            if property.is_empty() {
                continue;
            }
            let (key, raw) = property
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, got {property:?}"))?;
            let value = unquote(raw.trim());
            let slot = match key.trim() {
                "state" => &mut state,
                "name" => &mut dep.name,
                "namespace" => &mut dep.namespace,
                "kind" => &mut dep.kind,
                "group" => &mut dep.group,
                "version" => &mut dep.version,
                other => return Err(format!("unknown property {other:?}")),
            };
            *slot = Some(value.to_owned());
        }
        dep.ready = match state.as_deref() {
            Some("ready") => true,
            Some("present") => false,
            Some(other) => return Err(format!("state must be ready or present, not {other:?}")),
            None => return Err("state=ready or state=present is required".into()),
        };
        if [
            &dep.name,
            &dep.namespace,
            &dep.kind,
            &dep.group,
            &dep.version,
        ]
        .iter()
        .all(|p| p.is_none())
        {
            return Err("at least one of name, namespace, kind, group, version is required".into());
        }
        Ok(dep)
    }

    /// Whether the resource at `key` is one this dependency waits for.
    pub fn matches(&self, key: &ObjectKey) -> bool {
        let version = key
            .api_version
            .rsplit_once('/')
            .map_or(key.api_version.as_str(), |(_, v)| v);
        let is = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        is(&self.name, &key.name)
            && is(&self.kind, &key.kind)
            && is(&self.group, key.group())
            && is(&self.version, version)
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| key.namespace.as_deref() == Some(ns))
    }
}

fn split_outside_quotes(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// The annotation suffix naming an external dependency: `<id>.external-dependency.werf.io/resource`.
pub const EXTERNAL_RESOURCE_SUFFIX: &str = ".external-dependency.werf.io/resource";
/// The suffix of its namespace: `<id>.external-dependency.werf.io/namespace`.
pub const EXTERNAL_NAMESPACE_SUFFIX: &str = ".external-dependency.werf.io/namespace";

/// A resource outside the release that must exist and be ready before the annotated one is
/// deployed (`<id>.external-dependency.werf.io/resource: type[.version.group]/name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalDependency {
    /// The resource type as kubectl names it (`secret`, `deployments.v1.apps`).
    pub resource_type: String,
    /// The object's name.
    pub name: String,
    /// `<id>.external-dependency.werf.io/namespace`; the release namespace when absent.
    pub namespace: Option<String>,
}

impl ExternalDependency {
    /// Parses the `.../resource` value, with the `.../namespace` value if there is one.
    pub fn parse(value: &str, namespace: Option<&str>) -> Result<ExternalDependency, String> {
        let (resource_type, name) = value
            .trim()
            .split_once('/')
            .filter(|(t, n)| !t.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| "expected type[.version.group]/name".to_string())?;
        Ok(ExternalDependency {
            resource_type: resource_type.to_owned(),
            name: name.to_owned(),
            namespace: namespace.map(|ns| ns.trim().to_owned()),
        })
    }
}

/// The external dependencies declared in `annotations`.
pub fn external_dependencies<'a>(
    annotations: impl Iterator<Item = (&'a String, &'a String)> + Clone,
) -> Result<Vec<ExternalDependency>, (String, String, String)> {
    let namespaces: Vec<(&str, &str)> = annotations
        .clone()
        .filter_map(|(k, v)| Some((k.strip_suffix(EXTERNAL_NAMESPACE_SUFFIX)?, v.as_str())))
        .collect();
    annotations
        .filter_map(|(k, v)| Some((k, k.strip_suffix(EXTERNAL_RESOURCE_SUFFIX)?, v)))
        .map(|(key, id, value)| {
            let namespace = namespaces.iter().find(|(n, _)| *n == id).map(|(_, ns)| *ns);
            ExternalDependency::parse(value, namespace)
                .map_err(|why| (key.clone(), value.clone(), why))
        })
        .collect()
}

/// One wave of a weight group.
#[derive(Debug)]
pub struct Wave<'r> {
    /// Applied together.
    pub members: Vec<&'r Resource>,
    /// Members that a later wave waits to be ready for.
    pub awaited: Vec<&'r Resource>,
}

/// Splits the weight group `group` (all of weight `weight`) of the release's `regular`
/// resources into waves by their dependencies.
pub fn waves<'r>(
    group: &[&'r Resource],
    weight: i64,
    regular: &[Resource],
) -> Result<Vec<Wave<'r>>, Error> {
    // For each member: the members it waits for, and whether it waits for their readiness.
    let mut waits_for: Vec<Vec<(usize, bool)>> = Vec::with_capacity(group.len());
    for r in group {
        for dep in &r.dependencies {
            if let Some(later) = regular
                .iter()
                .find(|other| other.weight > weight && dep.matches(&other.key))
            {
                return Err(Error::Dependency(format!(
                    "{} depends on {}, which deploys later (werf.io/weight {} > {weight}); \
                     give them the same weight or drop the dependency",
                    r.key.display(),
                    later.key.display(),
                    later.weight
                )));
            }
        }
        waits_for.push(
            group
                .iter()
                .enumerate()
                .filter(|(_, other)| !std::ptr::eq(**other, *r))
                .filter_map(|(j, other)| {
                    let deps = r.dependencies.iter().filter(|d| d.matches(&other.key));
                    deps.map(|d| d.ready)
                        .reduce(|a, b| a || b)
                        .map(|ready| (j, ready))
                })
                .collect(),
        );
    }
    let mut wave_of: Vec<Option<usize>> = vec![None; group.len()];
    let mut waves: Vec<Wave<'r>> = Vec::new();
    while wave_of.iter().any(Option::is_none) {
        let current = waves.len();
        let members: Vec<usize> = (0..group.len())
            .filter(|&i| wave_of[i].is_none())
            .filter(|&i| {
                waits_for[i]
                    .iter()
                    .all(|(j, _)| wave_of[*j].is_some_and(|w| w < current))
            })
            .collect();
        if members.is_empty() {
            let stuck: Vec<String> = (0..group.len())
                .filter(|&i| wave_of[i].is_none())
                .map(|i| group[i].key.display())
                .collect();
            return Err(Error::Dependency(format!(
                "werf.io/deploy-dependency annotations form a cycle among {}",
                stuck.join(", ")
            )));
        }
        for &i in &members {
            wave_of[i] = Some(current);
        }
        waves.push(Wave {
            members: members.iter().map(|&i| group[i]).collect(),
            awaited: Vec::new(),
        });
    }
    for &(j, _) in waits_for.iter().flatten().filter(|(_, ready)| *ready) {
        let wave = &mut waves[wave_of[j].expect("every member placed")];
        if !wave.awaited.iter().any(|r| std::ptr::eq(*r, group[j])) {
            wave.awaited.push(group[j]);
        }
    }
    Ok(waves)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_resource;

    fn resource(kind: &str, name: &str, deps: &[&str], weight: i64) -> Resource {
        let api = if kind == "Deployment" {
            "apps/v1"
        } else {
            "v1"
        };
        let annotations: String = deps
            .iter()
            .enumerate()
            .map(|(i, d)| format!("    werf.io/deploy-dependency-d{i}: {d:?}\n"))
            .collect();
        let text = format!(
            "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n    werf.io/weight: \"{weight}\"\n{annotations}"
        );
        parse_resource("t.yaml", &text, "ns").expect("parses")
    }

    #[test]
    fn properties_parse_with_quotes_and_errors_say_why() {
        let dep = Dependency::parse(r#"state=ready, kind="StatefulSet",name='db,main'"#).unwrap();
        assert!(dep.ready);
        assert_eq!(dep.kind.as_deref(), Some("StatefulSet"));
        assert_eq!(dep.name.as_deref(), Some("db,main"));
        for (bad, why) in [
            ("kind=Job", "required"),
            ("state=done,kind=Job", "ready or present"),
            ("state=ready", "at least one"),
            ("state=ready,colour=red", "unknown property"),
            ("state=ready,kind", "key=value"),
        ] {
            let err = Dependency::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn external_dependencies_pair_resources_with_their_namespaces() {
        let annotations: std::collections::BTreeMap<String, String> = [
            (
                "db.external-dependency.werf.io/resource",
                "deployments.v1.apps/db",
            ),
            ("db.external-dependency.werf.io/namespace", "data"),
            ("vault.external-dependency.werf.io/resource", "secret/token"),
            ("unrelated.werf.io/resource", "x/y"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let deps = external_dependencies(annotations.iter()).unwrap();
        assert_eq!(
            deps,
            [
                ExternalDependency {
                    resource_type: "deployments.v1.apps".into(),
                    name: "db".into(),
                    namespace: Some("data".into()),
                },
                ExternalDependency {
                    resource_type: "secret".into(),
                    name: "token".into(),
                    namespace: None,
                },
            ]
        );
        for bad in ["secret", "/x", "secret/", "a/b/c"] {
            assert!(ExternalDependency::parse(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_uses_every_given_property() {
        let dep = Dependency::parse("state=present,group=apps,version=v1,namespace=ns").unwrap();
        let deployment = resource("Deployment", "web", &[], 0);
        let config = resource("ConfigMap", "cfg", &[], 0);
        assert!(dep.matches(&deployment.key));
        assert!(!dep.matches(&config.key));
        let core = Dependency::parse("state=present,group=").unwrap();
        assert!(core.matches(&config.key) && !core.matches(&deployment.key));
    }

    #[test]
    fn waves_follow_dependencies_and_await_readiness() {
        let all = vec![
            resource("Deployment", "app", &["state=ready,kind=StatefulSet"], 0),
            resource("ConfigMap", "cfg", &[], 0),
            resource("StatefulSet", "db", &["state=present,name=cfg"], 0),
        ];
        let group: Vec<&Resource> = all.iter().collect();
        let waves = waves(&group, 0, &all).unwrap();
        let names = |rs: &[&Resource]| rs.iter().map(|r| r.key.name.clone()).collect::<Vec<_>>();
        assert_eq!(waves.len(), 3);
        assert_eq!(names(&waves[0].members), ["cfg"]);
        assert!(waves[0].awaited.is_empty());
        assert_eq!(names(&waves[1].members), ["db"]);
        assert_eq!(names(&waves[1].awaited), ["db"]);
        assert_eq!(names(&waves[2].members), ["app"]);
    }

    #[test]
    fn cycles_and_later_weights_are_errors() {
        let cycle = vec![
            resource("ConfigMap", "a", &["state=present,name=b"], 0),
            resource("ConfigMap", "b", &["state=present,name=a"], 0),
        ];
        let group: Vec<&Resource> = cycle.iter().collect();
        let err = waves(&group, 0, &cycle).unwrap_err().to_string();
        assert!(
            err.contains("cycle") && err.contains("ConfigMap/a"),
            "{err}"
        );
        let weights = vec![
            resource("ConfigMap", "early", &["state=present,name=late"], 0),
            resource("ConfigMap", "late", &[], 5),
        ];
        let err = waves(&[&weights[0]], 0, &weights).unwrap_err().to_string();
        assert!(err.contains("deploys later"), "{err}");
    }
}
