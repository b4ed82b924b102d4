//! Built-in objects templates see: `.Files`, `.Capabilities` and `.Release`, with Helm 4's
//! `helm template` defaults (Kubernetes v1.35.0 and client-go's API versions).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use slipway_value::{Map, Object, Value};

use crate::model::File;

/// `.Files`: a chart's non-template files by name (Helm's `engine.files`).
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl Files {
    /// The files of a chart (its `files`, not templates).
    pub fn new(files: &[File]) -> Files {
        Files {
            files: files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        }
    }

    /// `GetBytes`: the file's bytes, empty if there is no such file.
    pub fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    /// `Get`: the file as a string, empty if there is no such file.
    pub fn get(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.get_bytes(name)).into_owned()
    }

    /// `Glob`: the files whose names match `pattern` with gobwas/glob's syntax as Helm uses it
    /// (`/` separator): `*` and `?` stay within a path segment, `**` matches anything,
    /// `[a-z]`/`[!a]` classes, `{a,b}` alternatives, `\` escapes. A bad pattern matches
    /// everything, as in Helm.
    pub fn glob(&self, pattern: &str) -> Files {
        let matcher = glob_regex(pattern);
        Files {
            files: self
                .files
                .iter()
                .filter(|(name, _)| matcher.as_ref().is_none_or(|m| m.is_match(name.as_str())))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// `Lines`: the file split on `\n` (one trailing newline dropped); empty for no file.
    pub fn lines(&self, name: &str) -> Vec<String> {
        let data = self.get(name);
        if data.is_empty() {
            return Vec::new();
        }
        let data = data.strip_suffix('\n').unwrap_or(&data);
        data.split('\n').map(str::to_owned).collect()
    }

    /// `AsConfig`: base names to contents, as YAML (for a ConfigMap's `data`).
    pub fn as_config(&self) -> String {
        self.to_yaml_map(|data| String::from_utf8_lossy(data).into_owned())
    }

    /// `AsSecrets`: base names to base64 contents, as YAML (for a Secret's `data`).
    pub fn as_secrets(&self) -> String {
        self.to_yaml_map(|data| base64::engine::general_purpose::STANDARD.encode(data))
    }

    fn to_yaml_map(&self, f: impl Fn(&[u8]) -> String) -> String {
        let m: Map = self
            .files
            .iter()
            .map(|(k, v)| {
                let base = k.rsplit('/').next().unwrap_or(k).to_owned();
                (base, Value::string(f(v)))
            })
            .collect();
        slipway_yaml::to_yaml(&Value::dict(m)).unwrap_or_default()
    }
}

/// A gobwas/glob pattern (separator `/`) as an anchored regex; `None` if it does not compile.
fn glob_regex(pattern: &str) -> Option<regex_lite::Regex> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str("(?s:.*)");
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' => re.push_str(&regex_lite::escape(&chars.next()?.to_string())),
            '{' => {
                depth += 1;
                re.push_str("(?:");
            }
            ',' if depth > 0 => re.push('|'),
            '}' if depth > 0 => {
                depth -= 1;
                re.push(')');
            }
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'!') {
                    chars.next();
                    re.push('^');
                }
                let mut closed = false;
                for c in chars.by_ref() {
                    match c {
                        ']' => {
                            closed = true;
                            break;
                        }
                        '-' => re.push('-'),
                        c => re.push_str(&regex_lite::escape(&c.to_string())),
                    }
                }
                if !closed {
                    return None;
                }
                re.push(']');
            }
            c => re.push_str(&regex_lite::escape(&c.to_string())),
        }
    }
    if depth > 0 {
        return None;
    }
    re.push('$');
    regex_lite::Regex::new(&re).ok()
}

fn one_string_arg(args: &[Value], method: &str) -> Result<String, String> {
    match args {
        [Value::String(s)] => Ok(s.to_string()),
        [other] => Err(format!(
            "wrong type for value; expected string; got {}",
            slipway_value::fmt::type_name(other)
        )),
        _ => Err(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        )),
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" => Some(Value::string(self.as_config())),
            "AsSecrets" => Some(Value::string(self.as_secrets())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = || one_string_arg(args, name);
        Some(match name {
            "Get" => arg().map(|n| Value::string(self.get(&n))),
            "GetBytes" => arg().map(|n| Value::Bytes(self.get_bytes(&n))),
            "Glob" => arg().map(|p| Value::Object(Arc::new(self.glob(&p)))),
            "Lines" => {
                arg().map(|n| Value::list(self.lines(&n).into_iter().map(Value::from).collect()))
            }
            "AsConfig" if args.is_empty() => Ok(Value::string(self.as_config())),
            "AsSecrets" if args.is_empty() => Ok(Value::string(self.as_secrets())),
            _ => return None,
        })
    }

    fn to_data(&self) -> Value {
        Value::dict(
            self.files
                .iter()
                .map(|(k, v)| (k.clone(), Value::Bytes(v.clone())))
                .collect(),
        )
    }
}

/// The Kubernetes version Helm 4.1 assumes for `helm template` (client-go v0.35).
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// The API versions Helm 4.1's `helm template` reports (client-go's scheme plus
/// apiextensions, in their priority order).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// The full version as given, with a `v` prefix (`v1.30.2-gke.5`); also `GitVersion`.
    pub version: String,
    /// `vMAJOR.MINOR.PATCH`, what constraints are checked against and what `String()` prints.
    pub normalized: String,
    /// Major version number as a string.
    pub major: String,
    /// Minor version number as a string.
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion` (Kubernetes' generic version parsing: `[v]X.Y[.Z][...]`).
    pub fn parse(version: &str) -> Result<KubeVersion, String> {
        let q = slipway_value::fmt::quote;
        let trimmed = version.trim_start();
        let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut end = 0;
        let bytes = trimmed.as_bytes();
        while end < bytes.len() {
            if bytes[end].is_ascii_digit()
                || (bytes[end] == b'.'
                    && end > 0
                    && bytes[end - 1].is_ascii_digit()
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
            {
                end += 1;
            } else {
                break;
            }
        }
        if end == 0 {
            return Err(format!("could not parse {} as version", q(version)));
        }
        let parts: Vec<&str> = trimmed[..end].split('.').collect();
        if parts.len() < 2 {
            return Err(format!("illegal version string {}", q(version)));
        }
        let mut nums = Vec::with_capacity(parts.len());
        for p in &parts {
            if p.len() > 1 && p.starts_with('0') {
                return Err(format!(
                    "illegal zero-prefixed version component {} in {}",
                    q(p),
                    q(version)
                ));
            }
            nums.push(
                p.parse::<u32>()
                    .map_err(|_| format!("illegal version string {}", q(version)))?,
            );
        }
        let version = if version.starts_with('v') {
            version.to_owned()
        } else {
            format!("v{version}")
        };
        let normalized: Vec<String> = nums.iter().map(u32::to_string).collect();
        Ok(KubeVersion {
            version,
            normalized: format!("v{}", normalized.join(".")),
            major: nums[0].to_string(),
            minor: nums[1].to_string(),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion::parse(DEFAULT_KUBE_VERSION).unwrap_or(KubeVersion {
            version: DEFAULT_KUBE_VERSION.into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "35".into(),
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::string(match name {
            "Version" | "GitVersion" => self.version.as_str(),
            "Major" => self.major.as_str(),
            "Minor" => self.minor.as_str(),
            "String" => self.normalized.as_str(),
            _ => return None,
        }))
    }

    /// The JSON form (`toJson` gives `Version`, `Major`, `Minor`).
    fn to_data(&self) -> Value {
        Value::dict(Map::from([
            ("Version".to_owned(), Value::string(self.version.as_str())),
            ("Major".to_owned(), Value::string(self.major.as_str())),
            ("Minor".to_owned(), Value::string(self.minor.as_str())),
        ]))
    }

    /// Go's `String()`: the normalized version (what `{{ .Capabilities.KubeVersion }}` prints).
    fn go_string(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
}

/// `.Capabilities.APIVersions` (Helm's `VersionSet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersions(pub Vec<String>);

impl Default for ApiVersions {
    fn default() -> Self {
        ApiVersions(
            DEFAULT_API_VERSIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        )
    }
}

impl ApiVersions {
    /// `Has`: whether `api` (`group/version` or `group/version/Kind`) is listed.
    pub fn has(&self, api: &str) -> bool {
        self.0.iter().any(|v| v == api)
    }
}

impl Object for ApiVersions {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Has").then(|| one_string_arg(args, name).map(|a| Value::Bool(self.has(&a))))
    }

    fn to_data(&self) -> Value {
        Value::list(self.0.iter().map(|s| Value::string(s.as_str())).collect())
    }
}

/// `.Capabilities.HelmVersion` (Helm's `version.BuildInfo`), describing Helm 4.1.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmVersion {
    /// `Version`.
    pub version: String,
    /// `GitCommit`.
    pub git_commit: String,
    /// `GitTreeState`.
    pub git_tree_state: String,
    /// `GoVersion`.
    pub go_version: String,
    /// `KubeClientVersion`.
    pub kube_client_version: String,
}

impl Default for HelmVersion {
    fn default() -> Self {
        HelmVersion {
            version: "v4.1.4".into(),
            git_commit: "05fa37973dc9e42b76e1d2883494c87174b6074f".into(),
            git_tree_state: "clean".into(),
            go_version: "go1.25.9".into(),
            kube_client_version: "v1.35".into(),
        }
    }
}

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::string(match name {
            "Version" => self.version.as_str(),
            "GitCommit" => self.git_commit.as_str(),
            "GitTreeState" => self.git_tree_state.as_str(),
            "GoVersion" => self.go_version.as_str(),
            "KubeClientVersion" => self.kube_client_version.as_str(),
            _ => return None,
        }))
    }

    /// Go's `%v` of the struct: `{v4.1.4 <commit> clean go1.25.9 v1.35}`.
    fn go_string(&self) -> Option<String> {
        Some(format!(
            "{{{} {} {} {} {}}}",
            self.version,
            self.git_commit,
            self.git_tree_state,
            self.go_version,
            self.kube_client_version
        ))
    }

    /// The JSON form (`toJson` gives these keys).
    fn to_data(&self) -> Value {
        Value::dict(Map::from([
            ("version".to_owned(), Value::string(self.version.as_str())),
            (
                "git_commit".to_owned(),
                Value::string(self.git_commit.as_str()),
            ),
            (
                "git_tree_state".to_owned(),
                Value::string(self.git_tree_state.as_str()),
            ),
            (
                "go_version".to_owned(),
                Value::string(self.go_version.as_str()),
            ),
            (
                "kube_client_version".to_owned(),
                Value::string(self.kube_client_version.as_str()),
            ),
        ]))
    }
}

/// `.Capabilities`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `KubeVersion`.
    pub kube_version: KubeVersion,
    /// `APIVersions`.
    pub api_versions: ApiVersions,
    /// `HelmVersion`.
    pub helm_version: HelmVersion,
}

impl Capabilities {
    /// `helm template`'s capabilities: the defaults, `--kube-version` replacing the version
    /// and `--api-versions` appended to the list (Helm's error text for a bad version).
    pub fn for_template(
        kube_version: Option<&str>,
        extra_api_versions: &[String],
    ) -> Result<Capabilities, String> {
        let mut caps = Capabilities::default();
        if let Some(v) = kube_version {
            caps.kube_version =
                KubeVersion::parse(v).map_err(|e| format!("invalid kube version '{v}': {e}"))?;
        }
        caps.api_versions
            .0
            .extend(extra_api_versions.iter().cloned());
        Ok(caps)
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Arc::new(self.kube_version.clone()))),
            "APIVersions" => Some(Value::Object(Arc::new(self.api_versions.clone()))),
            "HelmVersion" => Some(Value::Object(Arc::new(self.helm_version.clone()))),
            _ => None,
        }
    }

    fn to_data(&self) -> Value {
        Value::dict(Map::from([
            ("KubeVersion".to_owned(), self.kube_version.to_data()),
            ("APIVersions".to_owned(), self.api_versions.to_data()),
            ("HelmVersion".to_owned(), self.helm_version.to_data()),
        ]))
    }
}

/// `.Release`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseInfo {
    /// `Name`.
    pub name: String,
    /// `Namespace`.
    pub namespace: String,
    /// `Revision`.
    pub revision: i64,
    /// `IsInstall`.
    pub is_install: bool,
    /// `IsUpgrade`.
    pub is_upgrade: bool,
}

impl ReleaseInfo {
    /// A first install of `name` into `namespace` (what `helm template` renders).
    pub fn install(name: &str, namespace: &str) -> ReleaseInfo {
        ReleaseInfo {
            name: name.into(),
            namespace: namespace.into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
        }
    }

    /// The `.Release` map (`Service` is `Helm`, as Helm sets it).
    pub fn to_value(&self) -> Value {
        Value::dict(Map::from([
            ("Name".to_owned(), Value::string(self.name.as_str())),
            (
                "Namespace".to_owned(),
                Value::string(self.namespace.as_str()),
            ),
            ("IsUpgrade".to_owned(), Value::Bool(self.is_upgrade)),
            ("IsInstall".to_owned(), Value::Bool(self.is_install)),
            ("Revision".to_owned(), Value::Int(self.revision)),
            ("Service".to_owned(), Value::string("Helm")),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let f = |n: &str, d: &str| File {
            name: n.into(),
            data: Arc::from(d.as_bytes()),
        };
        Files::new(&[
            f("config/a.conf", "alpha\n"),
            f("config/sub/b.conf", "beta"),
            f("README.md", "line1\nline2\n"),
        ])
    }

    #[test]
    fn get_glob_lines() {
        let fs = files();
        assert_eq!(fs.get("config/a.conf"), "alpha\n");
        assert_eq!(fs.get("missing"), "");
        assert_eq!(fs.glob("config/*").files.len(), 1);
        assert_eq!(fs.glob("config/**").files.len(), 2);
        assert_eq!(fs.glob("[").files.len(), 3);
        assert_eq!(fs.lines("README.md"), ["line1", "line2"]);
        assert!(fs.lines("missing").is_empty());
    }

    #[test]
    fn as_config_and_secrets() {
        let fs = files().glob("config/**");
        assert_eq!(fs.as_config(), "a.conf: |\n  alpha\nb.conf: beta");
        assert_eq!(fs.as_secrets(), "a.conf: YWxwaGEK\nb.conf: YmV0YQ==");
    }

    #[test]
    fn kube_versions() {
        let kv = KubeVersion::parse("1.30.2-gke.5").unwrap();
        assert_eq!(kv.version, "v1.30.2-gke.5");
        assert_eq!(kv.normalized, "v1.30.2");
        assert_eq!((kv.major.as_str(), kv.minor.as_str()), ("1", "30"));
        let d = KubeVersion::default();
        assert_eq!(d.normalized, "v1.35.0");
        assert_eq!(d.minor, "35");
        assert_eq!(
            KubeVersion::parse("abc").unwrap_err(),
            "could not parse \"abc\" as version"
        );
        assert_eq!(
            KubeVersion::parse("1").unwrap_err(),
            "illegal version string \"1\""
        );
        assert_eq!(
            KubeVersion::parse("v1.2.3.4").unwrap().normalized,
            "v1.2.3.4"
        );
        let caps = Capabilities::for_template(None, &["foo/v1/Bar".into()]).unwrap();
        assert!(caps.api_versions.has("apps/v1"));
        let kv = Value::Object(Arc::new(caps.kube_version.clone()));
        assert_eq!(slipway_value::fmt::format_value(&kv), "v1.35.0");
        assert_eq!(
            Value::Object(Arc::new(caps.clone())).to_json()["KubeVersion"],
            serde_json::json!({"Version": "v1.35.0", "Major": "1", "Minor": "35"})
        );
        assert!(caps.api_versions.has("foo/v1/Bar"));
        assert!(!caps.api_versions.has("apps/v1/Deployment"));
    }
}
