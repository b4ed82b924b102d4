//! werf project settings: `werf.yaml` (project name and `deploy` section), the release name
//! and namespace derived from them (`[[ project ]]-[[ env ]]`, slugged), and werf's service
//! values (`.Values.werf`, `.Values.global.werf`; `werf-nelm.md` §4).

use std::path::Path;

use base64::Engine as _;
use std::collections::BTreeMap;

use slipway_value::{Dict, FuncError, Map, Value};

use crate::error::{ChartError, go_io_error};
use crate::slug;

/// The `deploy` section of werf.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploySettings {
    /// `deploy.helmRelease`: the release name template.
    pub helm_release: Option<String>,
    /// `deploy.helmReleaseSlug` (default true).
    pub helm_release_slug: Option<bool>,
    /// `deploy.namespace`: the namespace template.
    pub namespace: Option<String>,
    /// `deploy.namespaceSlug` (default true).
    pub namespace_slug: Option<bool>,
}

/// The meta document of werf.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WerfConfig {
    /// `project`.
    pub project: String,
    /// `deploy`.
    pub deploy: DeploySettings,
    /// Names of the final images (`image:` documents without `final: false`), in order.
    pub images: Vec<String>,
}

impl WerfConfig {
    /// Reads `werf.yaml` (or `werf.yml`) from a project directory; `Ok(None)` if there is none.
    /// The file is first rendered as werf renders it (Go template with Sprig, `env`,
    /// `required`, `toYaml`, `fromYaml`; `.Env` is `werf_env`), reading variables from `vars`.
    pub fn find(
        project_dir: &Path,
        vars: &BTreeMap<String, String>,
        werf_env: &str,
    ) -> Result<Option<WerfConfig>, ChartError> {
        for name in ["werf.yaml", "werf.yml"] {
            let path = project_dir.join(name);
            match std::fs::read(&path) {
                Ok(data) => {
                    let text = render_werf_config(&String::from_utf8_lossy(&data), vars, werf_env)?;
                    return WerfConfig::parse(&text).map(Some);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(ChartError::Project(go_io_error(&path, &e))),
            }
        }
        Ok(None)
    }

    /// Parses werf.yaml: the document holding `project` is the meta section.
    pub fn parse(text: &str) -> Result<WerfConfig, ChartError> {
        let bad = |msg: String| ChartError::Project(format!("werf.yaml: {msg}"));
        let docs = slipway_yaml::from_yaml_docs(text).map_err(|e| bad(e.to_string()))?;
        let meta = docs
            .iter()
            .find_map(|d| d.as_dict().filter(|m| m.contains_key("project")).cloned())
            .ok_or_else(|| bad("no meta section with a project name".into()))?;
        let project = match meta.get("project") {
            Some(Value::String(s)) => s.to_string(),
            _ => return Err(bad("project must be a string".into())),
        };
        slug::validate_project(&project).map_err(|e| {
            bad(format!(
                "bad project name {}: {e}",
                slipway_value::fmt::quote(&project)
            ))
        })?;
        let mut deploy = DeploySettings::default();
        if let Some(Value::Dict(d)) = meta.get("deploy") {
            let string = |k: &str| d.get(k).and_then(|v| v.as_str().map(str::to_owned));
            let boolean = |k: &str| match d.get(k) {
                Some(Value::Bool(b)) => Some(b),
                _ => None,
            };
            deploy = DeploySettings {
                helm_release: string("helmRelease"),
                helm_release_slug: boolean("helmReleaseSlug"),
                namespace: string("namespace"),
                namespace_slug: boolean("namespaceSlug"),
            };
        }
        let mut images = Vec::new();
        for doc in docs.iter().filter_map(Value::as_dict) {
            if matches!(doc.get("final"), Some(Value::Bool(false))) {
                continue;
            }
            match doc.get("image") {
                Some(Value::String(name)) => images.push(name.to_string()),
                Some(Value::List(names)) => {
                    images.extend(names.iter().filter_map(|n| n.as_str().map(str::to_owned)))
                }
                _ => {}
            }
        }
        Ok(WerfConfig {
            project,
            deploy,
            images,
        })
    }

    /// werf's `GetKubernetesNamespace`: an explicit namespace is validated and kept; otherwise
    /// `deploy.namespace` or `[[ project ]]`/`[[ project ]]-[[ env ]]`, rendered and slugged.
    pub fn namespace(&self, explicit: Option<&str>, env: &str) -> Result<String, ChartError> {
        if let Some(ns) = explicit.filter(|n| !n.is_empty()) {
            slug::validate_kubernetes_namespace(ns).map_err(|e| {
                ChartError::Project(format!(
                    "bad Kubernetes namespace specified {}: {e}",
                    slipway_value::fmt::quote(ns)
                ))
            })?;
            return Ok(ns.to_owned());
        }
        let template = self.template(self.deploy.namespace.as_deref(), env);
        let rendered =
            render_deploy_template(&template, &self.project, env, None).map_err(|e| {
                ChartError::Project(format!(
                    "cannot render Kubernetes namespace by template {}: {e}",
                    slipway_value::fmt::quote(&template)
                ))
            })?;
        if rendered.is_empty() {
            return Err(ChartError::Project(format!(
                "Kubernetes namespace rendered by template {} is empty: namespace cannot be empty",
                slipway_value::fmt::quote(&template)
            )));
        }
        if self.deploy.namespace_slug.unwrap_or(true) {
            return Ok(slug::kubernetes_namespace(&rendered));
        }
        slug::validate_kubernetes_namespace(&rendered).map_err(|e| {
            ChartError::Project(format!(
                "bad Kubernetes namespace {} rendered by template {}: {e}",
                slipway_value::fmt::quote(&rendered),
                slipway_value::fmt::quote(&template)
            ))
        })?;
        Ok(rendered)
    }

    /// werf's `GetHelmRelease`: an explicit release is validated (never slugged); otherwise
    /// `deploy.helmRelease` or `[[ project ]]`/`[[ project ]]-[[ env ]]`, rendered (with
    /// `[[ namespace ]]` available) and slugged.
    pub fn release(
        &self,
        explicit: Option<&str>,
        env: &str,
        namespace: &str,
    ) -> Result<String, ChartError> {
        if let Some(rel) = explicit.filter(|n| !n.is_empty()) {
            slug::validate_helm_release(rel).map_err(|e| {
                ChartError::Project(format!(
                    "bad Helm release specified {}: {e}",
                    slipway_value::fmt::quote(rel)
                ))
            })?;
            return Ok(rel.to_owned());
        }
        let template = self.template(self.deploy.helm_release.as_deref(), env);
        let rendered = render_deploy_template(&template, &self.project, env, Some(namespace))
            .map_err(|e| {
                ChartError::Project(format!(
                    "cannot render Helm release name by template {}: {e}",
                    slipway_value::fmt::quote(&template)
                ))
            })?;
        if rendered.is_empty() {
            return Err(ChartError::Project(format!(
                "Helm release rendered by template {} is empty: release name cannot be empty",
                slipway_value::fmt::quote(&template)
            )));
        }
        if self.deploy.helm_release_slug.unwrap_or(true) {
            return Ok(slug::helm_release(&rendered));
        }
        slug::validate_helm_release(&rendered).map_err(|e| {
            ChartError::Project(format!(
                "bad Helm release {} rendered by template {}: {e}",
                slipway_value::fmt::quote(&rendered),
                slipway_value::fmt::quote(&template)
            ))
        })?;
        Ok(rendered)
    }

    fn template(&self, configured: Option<&str>, env: &str) -> String {
        match configured {
            Some(t) => t.to_owned(),
            None if env.is_empty() => "[[ project ]]".to_owned(),
            None => "[[ project ]]-[[ env ]]".to_owned(),
        }
    }
}

/// Renders werf.yaml's Go template as werf's config parser does (the subset without
/// `include`/`tpl`/`.Files`): Sprig without `expandenv`, `env NAME [DEFAULT]` (an unset
/// variable without a default is an error, as in werf's giterministic mode), `required`,
/// `toYaml`, `fromYaml`; the data holds `Env`.
pub fn render_werf_config(
    text: &str,
    vars: &BTreeMap<String, String>,
    werf_env: &str,
) -> Result<String, ChartError> {
    if !text.contains("{{") {
        return Ok(text.to_owned());
    }
    let mut funcs = slipway_sprig::functions();
    funcs.remove("expandenv");
    let vars = vars.clone();
    funcs.insert(
        "env",
        std::sync::Arc::new(move |args: &[Value]| {
            let (name, fallback) = match args {
                [name] => (name, None),
                [name, fallback] => (name, Some(fallback)),
                [] => {
                    return Err(FuncError::BadArgs(
                        "wrong number of args for env: want at least 1 got 0".into(),
                    ));
                }
                _ => {
                    return Err(FuncError::Failed(
                        "more than 1 optional argument prohibited".into(),
                    ));
                }
            };
            let name = slipway_value::fmt::format_value(name);
            let fallback = fallback.map(slipway_value::fmt::format_value);
            match (vars.get(&name), fallback) {
                (Some(v), Some(f)) if v.is_empty() => Ok(Value::string(f)),
                (Some(v), _) => Ok(Value::string(v.as_str())),
                (None, Some(f)) => Ok(Value::string(f)),
                (None, None) => Err(FuncError::Failed(format!(
                    "the environment variable {} must be set or default must be provided",
                    slipway_value::fmt::quote(&name)
                ))),
            }
        }),
    );
    funcs.insert(
        "required",
        std::sync::Arc::new(|args: &[Value]| match args {
            [msg, val] => match val {
                Value::Nil => Err(FuncError::Failed(slipway_value::fmt::format_value(msg))),
                Value::String(s) if s.is_empty() => {
                    Err(FuncError::Failed(slipway_value::fmt::format_value(msg)))
                }
                other => Ok(other.clone()),
            },
            _ => Err(FuncError::BadArgs(format!(
                "wrong number of args for required: want 2 got {}",
                args.len()
            ))),
        }),
    );
    funcs.insert(
        "toYaml",
        std::sync::Arc::new(|args: &[Value]| {
            Ok(Value::string(
                args.first()
                    .and_then(|v| slipway_yaml::to_yaml(v).ok())
                    .unwrap_or_default(),
            ))
        }),
    );
    funcs.insert(
        "fromYaml",
        std::sync::Arc::new(|args: &[Value]| {
            let text = args.first().and_then(Value::as_str).unwrap_or_default();
            slipway_yaml::from_yaml_map(text)
                .map(Value::Dict)
                .map_err(|e| FuncError::Failed(e.to_string()))
        }),
    );
    let mut set = slipway_template::TemplateSet::new()
        .named("werfConfig")
        .with_funcs(funcs);
    let bad = |e: String| ChartError::Project(format!("werf.yaml: {e}"));
    set.parse("werfConfig", text)
        .map_err(|e| bad(e.to_string()))?;
    let data = Value::dict(Map::from([("Env".to_owned(), Value::string(werf_env))]));
    let mut out = String::new();
    set.execute("werfConfig", &data, &mut out)
        .map_err(|e| bad(e.to_string()))?;
    Ok(out)
}

/// Renders a werf deploy-parameter template as werf does: Go text/template with `[[ ]]`
/// delimiters and Sprig's functions, `env`/`expandenv` replaced by `env` (the `--env` value),
/// plus `project` and (release template only) `namespace`.
pub fn render_deploy_template(
    template: &str,
    project: &str,
    env: &str,
    namespace: Option<&str>,
) -> Result<String, String> {
    let mut funcs = slipway_sprig::functions();
    funcs.remove("expandenv");
    let constant = |text: &str| -> slipway_value::Func {
        let text: std::sync::Arc<str> = text.into();
        std::sync::Arc::new(move |_args: &[Value]| Ok(Value::String(text.clone())))
    };
    funcs.insert("project", constant(project));
    funcs.insert("env", constant(env));
    if let Some(ns) = namespace {
        funcs.insert("namespace", constant(ns));
    }
    let name = if namespace.is_some() {
        "release"
    } else {
        "namespace"
    };
    let mut set = slipway_template::TemplateSet::new()
        .named(name)
        .delims("[[", "]]")
        .with_funcs(funcs);
    set.parse(name, template)
        .map_err(|e| format!("bad template: {e}"))?;
    let mut out = String::new();
    set.execute(name, &Value::Nil, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The git commit werf reports in service values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full commit hash.
    pub hash: String,
    /// Go's `time.Time.String()` of the commit date (`2022-01-21 18:51:39 +0300 +0300`).
    pub date_human: String,
    /// Commit date as Unix seconds.
    pub date_unix: i64,
}

/// Inputs of werf's service values.
#[derive(Debug, Clone, Default)]
pub struct ServiceValuesOptions {
    /// werf.yaml project name.
    pub project: String,
    /// The werf-compatible version string reported as `werf.version`.
    pub version: String,
    /// Images repository (`""` when no images are built).
    pub repo: String,
    /// Release namespace (`werf.namespace`, set when non-empty).
    pub namespace: String,
    /// `--env` (`werf.env` and `global.env`, set when non-empty).
    pub env: String,
    /// The current commit, if the project is a git work tree.
    pub commit: Option<CommitInfo>,
    /// `--set-docker-config-json-value`: the docker config to expose, base64-encoded.
    pub docker_config_json: Option<Vec<u8>>,
    /// `WERF_EXPERIMENT_NO_GLOBAL_SERVICE_VALUES`: leave out `global`.
    pub no_global: bool,
    /// Stub images (werf render without built images): these image names get werf's stub
    /// values (`REPO:TAG`), and `is_stub`/`stub_image` are set. `None`: no stub.
    pub stub_images: Option<Vec<String>>,
}

/// The repository werf reports in stub renders.
pub const STUB_REPO: &str = "REPO";
/// The tag werf reports in stub renders.
pub const STUB_TAG: &str = "TAG";

/// werf's `BuildStubImageValuesMap`: the per-image values of a stub image.
fn stub_image_values(repo: &str, tag: &str) -> Value {
    let (registry, repository, name, digest) = ("REGISTRY", "NAMESPACE/NAME", "NAME", "DIGEST");
    let namespace = repository.rsplit_once('/').map_or(".", |(ns, _)| ns);
    let ref_tag = format!("{repo}:{tag}");
    let s = |x: String| Value::string(x);
    Value::dict(Map::from([
        ("registry".to_owned(), s(registry.into())),
        ("namespace".to_owned(), s(namespace.into())),
        ("name".to_owned(), s(name.into())),
        ("tag".to_owned(), s(tag.into())),
        ("digest".to_owned(), s(digest.into())),
        ("tag_digest".to_owned(), s(format!("{tag}@{digest}"))),
        ("image".to_owned(), s(repo.into())),
        ("repository".to_owned(), s(repository.into())),
        ("ref".to_owned(), s(format!("{ref_tag}@{digest}"))),
        ("ref_tag".to_owned(), s(ref_tag)),
        (
            "repository_ref".to_owned(),
            s(format!("{repository}:{tag}@{digest}")),
        ),
        (
            "repository_tag".to_owned(),
            s(format!("{repository}:{tag}")),
        ),
        ("name_ref".to_owned(), s(format!("{name}:{tag}@{digest}"))),
        ("name_tag".to_owned(), s(format!("{name}:{tag}"))),
    ]))
}

/// Reads the docker config for `--set-docker-config-json-value`: `$DOCKER_CONFIG/config.json`
/// or `$HOME/.docker/config.json` from the given environment; `None` if it does not exist.
pub fn read_docker_config(
    env: &std::collections::BTreeMap<String, String>,
) -> Result<Option<Vec<u8>>, ChartError> {
    let dir = match env.get("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            std::path::PathBuf::from(env.get("HOME").cloned().unwrap_or_default()).join(".docker")
        }
    };
    let path = dir.join("config.json");
    match std::fs::read(&path) {
        Ok(data) => Ok(Some(data)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ChartError::Values(format!(
            "error writing docker config value: error reading {}: {}",
            slipway_value::fmt::quote(&path.display().to_string()),
            go_io_error(&path, &e)
        ))),
    }
}

/// werf's `GetServiceValues` for a deploy without built images (in stub mode, as `werf
/// render` without a repository gives them).
pub fn service_values(opts: &ServiceValuesOptions) -> Dict {
    let s = |x: &str| Value::string(x);
    let repo = match (&opts.stub_images, opts.repo.is_empty()) {
        (Some(_), true) => STUB_REPO,
        _ => opts.repo.as_str(),
    };
    let mut werf = Map::new();
    werf.insert("name".into(), s(&opts.project));
    werf.insert("version".into(), s(&opts.version));
    werf.insert("repo".into(), s(repo));
    if let Some(c) = &opts.commit {
        werf.insert(
            "commit".into(),
            Value::dict(Map::from([
                ("hash".to_owned(), s(&c.hash)),
                (
                    "date".to_owned(),
                    Value::dict(Map::from([
                        ("human".to_owned(), s(&c.date_human)),
                        ("unix".to_owned(), Value::Int(c.date_unix)),
                    ])),
                ),
            ])),
        );
    }
    if !opts.namespace.is_empty() {
        werf.insert("namespace".into(), s(&opts.namespace));
    }
    let (mut legacy_images, mut legacy_tags, mut images) = (Map::new(), Map::new(), Map::new());
    if let Some(names) = &opts.stub_images {
        let stub_image = format!("{repo}:{STUB_TAG}");
        werf.insert("is_stub".into(), Value::Bool(true));
        werf.insert("stub_image".into(), s(&stub_image));
        for name in names {
            legacy_images.insert(name.clone(), s(&stub_image));
            legacy_tags.insert(name.clone(), s(STUB_TAG));
            images.insert(name.clone(), stub_image_values(repo, STUB_TAG));
        }
    }
    let mut global = Map::new();
    if !opts.env.is_empty() {
        global.insert("env".into(), s(&opts.env));
        werf.insert("env".into(), s(&opts.env));
    }
    let mut global_werf = werf.clone();
    global_werf.insert("images".into(), Value::dict(images));
    let mut legacy = werf;
    legacy.insert("image".into(), Value::dict(legacy_images));
    legacy.insert("tag".into(), Value::dict(legacy_tags));
    let encoded = opts
        .docker_config_json
        .as_ref()
        .map(|data| base64::engine::general_purpose::STANDARD.encode(data));
    if let Some(e) = &encoded {
        global_werf.insert("dockerconfigjson".into(), s(e));
    }
    global.insert("werf".into(), Value::dict(global_werf));
    let res = Dict::new();
    res.insert("werf", Value::dict(legacy));
    if !opts.no_global {
        res.insert("global", Value::dict(global));
    }
    if let Some(e) = encoded {
        res.insert("dockerconfigjson", Value::string(e));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> WerfConfig {
        WerfConfig::parse(text).unwrap()
    }

    #[test]
    fn default_names_from_project_and_env() {
        let c = config("configVersion: 1\nproject: symfony-demo\n---\nimage: app\n");
        let ns = c.namespace(None, "stage").unwrap();
        assert_eq!(ns, "symfony-demo-stage");
        assert_eq!(c.release(None, "stage", &ns).unwrap(), "symfony-demo-stage");
        assert_eq!(c.namespace(None, "").unwrap(), "symfony-demo");
        assert_eq!(
            c.release(None, "Production", "x").unwrap(),
            slug::helm_release("symfony-demo-Production")
        );
        assert_eq!(
            c.namespace(None, "Production").unwrap().len(),
            "symfony-demo-production".len() + 9
        );
    }

    #[test]
    fn myapp_production_vector() {
        // werf-nelm.md §2.2: `myapp-Production` → `myapp-production-840966cf`.
        let c = config("project: myapp\n");
        assert_eq!(
            c.namespace(None, "Production").unwrap(),
            "myapp-production-840966cf"
        );
        assert_eq!(
            c.release(None, "Production", "").unwrap(),
            "myapp-production-840966cf"
        );
    }

    #[test]
    fn explicit_names_are_validated_not_slugged() {
        let c = config("project: myapp\n");
        assert_eq!(
            c.release(Some("my.release"), "x", "ns").unwrap(),
            "my.release"
        );
        let err = c
            .release(Some("Bad_Name"), "x", "ns")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad Helm release specified \"Bad_Name\": helm release name should be a valid DNS-1123 subdomain"), "{err}");
        let err = c.namespace(Some("Bad"), "x").unwrap_err().to_string();
        assert!(
            err.starts_with("bad Kubernetes namespace specified \"Bad\""),
            "{err}"
        );
    }

    #[test]
    fn deploy_templates() {
        let c = config(
            "project: app\ndeploy:\n  helmRelease: \"[[ project ]]-[[ namespace ]]-rel\"\n  namespace: \"ns-[[ env ]]\"\n  namespaceSlug: false\n",
        );
        let ns = c.namespace(None, "dev").unwrap();
        assert_eq!(ns, "ns-dev");
        assert_eq!(c.release(None, "dev", &ns).unwrap(), "app-ns-dev-rel");
        let err = c.namespace(None, "DEV").unwrap_err().to_string();
        assert!(
            err.starts_with("bad Kubernetes namespace \"ns-DEV\" rendered by template"),
            "{err}"
        );
    }

    #[test]
    fn werf_yaml_is_a_template() {
        let vars = BTreeMap::from([("APP".to_owned(), "shop".to_owned())]);
        let text = "project: {{ env \"APP\" }}-{{ .Env | default \"none\" }}\nconfigVersion: 1\n---\n{{ $x := 1 }}\nimage: {{ env \"MISSING\" \"fallback\" }}\n";
        let rendered = render_werf_config(text, &vars, "dev").unwrap();
        assert_eq!(
            rendered,
            "project: shop-dev\nconfigVersion: 1\n---\n\nimage: fallback\n"
        );
        assert_eq!(WerfConfig::parse(&rendered).unwrap().project, "shop-dev");
        let err = render_werf_config("project: {{ env \"NOPE\" }}\n", &vars, "")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "the environment variable \"NOPE\" must be set or default must be provided"
            ),
            "{err}"
        );
    }

    #[test]
    fn deploy_templates_use_sprig() {
        assert_eq!(
            render_deploy_template(
                "[[ project | upper ]]-[[ env | trunc 3 ]]",
                "app",
                "production",
                None
            )
            .unwrap(),
            "APP-pro"
        );
        assert!(
            render_deploy_template("[[ namespace ]]", "app", "dev", None)
                .unwrap_err()
                .starts_with("bad template: ")
        );
    }

    #[test]
    fn stub_service_values_like_werf_render() {
        let c = config(
            "project: app\n---\nimage: backend\n---\nimage: [a, b]\n---\nimage: base\nfinal: false\n",
        );
        assert_eq!(c.images, ["backend", "a", "b"]);
        let v = service_values(&ServiceValuesOptions {
            project: "app".into(),
            version: "v2.0.0".into(),
            stub_images: Some(vec!["backend".into()]),
            ..ServiceValuesOptions::default()
        });
        let v = Value::Dict(v).to_json();
        assert_eq!(v["werf"]["repo"], "REPO");
        assert_eq!(v["werf"]["is_stub"], true);
        assert_eq!(v["werf"]["stub_image"], "REPO:TAG");
        assert_eq!(v["werf"]["image"]["backend"], "REPO:TAG");
        assert_eq!(v["werf"]["tag"]["backend"], "TAG");
        assert!(v["werf"].get("env").is_none());
        let img = &v["global"]["werf"]["images"]["backend"];
        assert_eq!(img["namespace"], "NAMESPACE");
        assert_eq!(img["ref"], "REPO:TAG@DIGEST");
        assert_eq!(img["repository_tag"], "NAMESPACE/NAME:TAG");
        assert_eq!(img["name_ref"], "NAME:TAG@DIGEST");
    }

    #[test]
    fn service_values_shape() {
        let v = service_values(&ServiceValuesOptions {
            project: "myapp".into(),
            version: "v2.0.0".into(),
            namespace: "myapp-production".into(),
            env: "production".into(),
            ..ServiceValuesOptions::default()
        });
        assert_eq!(
            Value::Dict(v).to_json(),
            serde_json::json!({
                "werf": {"name": "myapp", "version": "v2.0.0", "repo": "", "namespace": "myapp-production",
                         "env": "production", "image": {}, "tag": {}},
                "global": {"env": "production", "werf": {"name": "myapp", "version": "v2.0.0", "repo": "",
                           "namespace": "myapp-production", "env": "production", "images": {}}}
            })
        );
    }
}
