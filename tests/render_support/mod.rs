//! Shared by the `render_*` differential tests: finding the real `helm`, scratch directories,
//! running both renderers and reporting differences.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real `helm` (v4) from `.tools/bin` or `PATH`; `None` (after a notice) to skip, unless
/// `SLIPWAY_REQUIRE_ORACLES=1`, where a missing helm fails the test.
pub fn helm(test: &str) -> Option<PathBuf> {
    let local = repo_root().join(".tools/bin/helm");
    let found = if local.is_file() {
        Some(local)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("helm"))
                .find(|candidate| candidate.is_file())
        })
    };
    if found.is_none() {
        assert!(
            std::env::var("SLIPWAY_REQUIRE_ORACLES").as_deref() != Ok("1"),
            "helm is required (SLIPWAY_REQUIRE_ORACLES=1) but is neither in .tools/bin nor on PATH"
        );
        eprintln!("notice: helm not found; skipping {test}");
    }
    found
}

/// A scratch directory removed on drop.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh directory `$TMPDIR/slipway-<label>-<pid>`.
    pub fn new(label: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("slipway-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The result of one render: stdout on success, the error text otherwise.
#[derive(Debug, PartialEq, Eq)]
pub enum Rendered {
    /// Exit 0 and this stdout.
    Ok(String),
    /// A failure with this error text (stderr without log lines).
    Failed(String),
}

impl Rendered {
    fn from_output(out: Output) -> Rendered {
        if out.status.success() {
            return Rendered::Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let text: Vec<&str> = stderr
            .lines()
            .filter(|line| !line.starts_with("level=") && !line.starts_with("WARNING: "))
            .collect();
        Rendered::Failed(text.join("\n"))
    }
}

/// Runs `command` in `dir` with `TZ=UTC` and `stdin` as its standard input.
fn run(mut command: Command, dir: &Path, stdin: &[u8]) -> Rendered {
    let mut child = command
        .current_dir(dir)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start renderer");
    let mut input = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    // Written from another thread: a renderer may fill its output pipe before reading.
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().expect("wait for renderer");
    // A renderer that never reads its input closes the pipe early; that is not an error.
    let _ = writer.join().expect("stdin writer");
    Rendered::from_output(out)
}

/// Runs `helm template RELEASE CHART ARGS...` in `dir` (with `TZ=UTC`), given `stdin`.
pub fn helm_template(
    helm: &Path,
    dir: &Path,
    release: &str,
    chart: &Path,
    args: &[String],
    stdin: &[u8],
) -> Rendered {
    let mut command = Command::new(helm);
    command.arg("template").arg(release).arg(chart).args(args);
    run(command, dir, stdin)
}

/// Runs `slipway render CHART --release RELEASE ARGS...` in `dir` (with `TZ=UTC`), given
/// `stdin`.
pub fn slipway_render(
    dir: &Path,
    release: &str,
    chart: &Path,
    args: &[String],
    stdin: &[u8],
) -> Rendered {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
    command
        .arg("render")
        .arg(chart)
        .args(["--release", release])
        .args(args);
    run(command, dir, stdin)
}

/// The documents of `helm template` output keyed by their `# Source:` file, in order.
pub fn by_source(text: &str) -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = Vec::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (source, body) = doc.split_once('\n').unwrap_or((doc, ""));
        docs.push((source.to_owned(), body.to_owned()));
    }
    docs
}

/// A short report of where two `helm template` outputs differ.
pub fn describe_difference(want: &str, got: &str) -> String {
    let want_docs = by_source(want);
    let got_docs = by_source(got);
    let mut report = String::new();
    for (i, (source, body)) in want_docs.iter().enumerate() {
        match got_docs.get(i) {
            Some((got_source, got_body)) if got_source == source && got_body == body => {}
            Some((got_source, got_body)) => {
                report.push_str(&format!(
                    "  document {i}: helm {source}:\n{body}\n  slipway {got_source}:\n{got_body}\n"
                ));
                break;
            }
            None => {
                report.push_str(&format!("  slipway has no document {i} ({source})\n"));
                break;
            }
        }
    }
    if report.is_empty() {
        report = format!(
            "  outputs differ outside documents:\n  helm:    {:?}\n  slipway: {:?}\n",
            want.chars().take(300).collect::<String>(),
            got.chars().take(300).collect::<String>()
        );
    }
    report
}
