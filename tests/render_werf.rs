//! `slipway render` in a werf project (`werf.yaml` + `.helm/` + `--env`): the release name,
//! namespace and `.Values.werf` service values are werf's, with names slugged as werf slugs
//! them (vectors from `werf-nelm.md` §2) and explicit names validated, never slugged.

use std::process::Command;

/// A werf project in a scratch directory whose chart prints what the test checks.
struct Project(std::path::PathBuf);

impl Project {
    fn new(label: &str, werf_yaml: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("slipway-werf-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = [
            ("werf.yaml", werf_yaml),
            (
                ".helm/Chart.yaml",
                "apiVersion: v2\nname: app\nversion: 0.1.0\n",
            ),
            (
                ".helm/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: names\ndata:\n  release: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n  project: {{ .Values.werf.name }}\n  env: {{ .Values.werf.env | default \"none\" }}\n  globalEnv: {{ .Values.global.env | default \"none\" }}\n  werfNamespace: {{ .Values.werf.namespace }}\n",
            ),
        ];
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        Project(dir)
    }

    fn render(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
            .current_dir(&self.0)
            .env_remove("SLIPWAY_ENV")
            .arg("render")
            .args(args)
            .output()
            .expect("run slipway");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn field<'a>(output: &'a str, key: &str) -> &'a str {
    let prefix = format!("  {key}: ");
    output
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key} in output:\n{output}"))
}

fn assert_names(project: &Project, args: &[&str], release: &str, namespace: &str) {
    let (ok, out, err) = project.render(args);
    assert!(ok, "render failed: {err}");
    assert_eq!(field(&out, "release"), release, "release for {args:?}");
    assert_eq!(
        field(&out, "namespace"),
        namespace,
        "namespace for {args:?}"
    );
    assert_eq!(field(&out, "werfNamespace"), namespace);
}

#[test]
fn names_come_from_project_and_env() {
    let project = Project::new("names", "project: myapp\nconfigVersion: 1\n");
    assert_names(&project, &[], "myapp", "myapp");
    assert_names(
        &project,
        &["--env", "Production"],
        "myapp-production-840966cf",
        "myapp-production-840966cf",
    );
    assert_names(
        &project,
        &[
            "--env",
            "review-1234567890-very-long-branch-name-for-feature-x",
        ],
        "myapp-review-1234567890-very-long-branch-nam-eba5a9c5",
        // 59 characters is a valid namespace (at most 63), so werf keeps it ("if already valid
        // for its kind, return it unchanged", werf-nelm.md §2.2 and werf's slug docs); the
        // `...-feat-eba5a9c5` in §2.2's extra examples contradicts that rule.
        "myapp-review-1234567890-very-long-branch-name-for-feature-x",
    );
    let (_, out, _) = project.render(&["--env", "staging"]);
    assert_eq!(field(&out, "project"), "myapp");
    assert_eq!(field(&out, "env"), "staging");
    assert_eq!(field(&out, "globalEnv"), "staging");
}

#[test]
fn explicit_names_are_validated_not_slugged() {
    let project = Project::new("explicit", "project: myapp\nconfigVersion: 1\n");
    assert_names(
        &project,
        &[
            "--env",
            "prod",
            "--release",
            "release.name",
            "--namespace",
            "team-a",
        ],
        "release.name",
        "team-a",
    );
    let (ok, out, err) = project.render(&["--release", "Bad_Name"]);
    assert!(!ok, "an invalid explicit release must fail, got:\n{out}");
    assert!(
        err.starts_with("Error: bad Helm release specified \"Bad_Name\""),
        "{err}"
    );
}

#[test]
fn deploy_templates_name_the_release() {
    let project = Project::new(
        "deploy",
        "project: myapp\nconfigVersion: 1\ndeploy:\n  helmRelease: \"[[ project ]]-[[ env ]]-da/ta\"\n  namespace: \"[[ env ]]\"\n",
    );
    let (ok, out, err) = project.render(&["--env", "dev"]);
    assert!(ok, "{err}");
    assert_eq!(field(&out, "namespace"), "dev");
    let release = field(&out, "release");
    assert!(release.starts_with("myapp-dev-da-ta-"), "{release}");
}

#[test]
fn a_chart_outside_a_project_renders_as_helm_template() {
    let project = Project::new("plain", "project: myapp\nconfigVersion: 1\n");
    // A chart given by a path that is not a project's `.helm` is a plain Helm chart.
    let plain = project.0.join("plain-chart");
    std::fs::create_dir_all(plain.join("templates")).expect("mkdir");
    std::fs::copy(project.0.join(".helm/Chart.yaml"), plain.join("Chart.yaml")).expect("copy");
    std::fs::write(
        plain.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: names\ndata:\n  release: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n",
    )
    .expect("write");
    let (ok, out, err) = project.render(&["plain-chart"]);
    assert!(ok, "{err}");
    assert_eq!(field(&out, "release"), "release-name");
    assert_eq!(field(&out, "namespace"), "default");
}
