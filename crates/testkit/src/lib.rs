//! Test support shared by slipway's suites.
//!
//! Differential tests compare slipway with the real reference binaries (`helm` v4, `helm3`,
//! `kubectl`, `openssl`). [`oracle`] finds one: first in the repository's `.tools/bin` (where
//! `.ci/run` installs them), then on `PATH`. When it is missing the test skips with a notice,
//! unless `SLIPWAY_REQUIRE_ORACLES=1` (set by CI), in which case the test fails: CI never passes
//! by skipping its oracles.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that turns a missing oracle from a skip into a failure.
pub const REQUIRE_ORACLES: &str = "SLIPWAY_REQUIRE_ORACLES";

/// The repository root (this crate lives in `crates/testkit`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the reference binary `name` is, looking in `.tools/bin` then `PATH`.
pub fn find_binary(name: &str) -> Option<PathBuf> {
    let local = repo_root().join(".tools/bin").join(name);
    if local.is_file() {
        return Some(local);
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The reference binary `name` for a differential test, or `None` to skip the test (after
/// printing a notice naming `test`).
///
/// # Panics
/// When the binary is missing and `SLIPWAY_REQUIRE_ORACLES=1`.
pub fn oracle(name: &str, test: &str) -> Option<PathBuf> {
    let found = find_binary(name);
    if found.is_none() {
        assert!(
            std::env::var(REQUIRE_ORACLES).as_deref() != Ok("1"),
            "{name} is required ({REQUIRE_ORACLES}=1) but was found neither in .tools/bin nor on PATH"
        );
        eprintln!("notice: {name} not found; skipping {test}");
    }
    found
}

/// Renders a one-template chart through `helm template x`: `template` becomes
/// `templates/t.yaml` and `values` the chart's `values.yaml`. Returns stdout, or on failure the
/// first line of stderr (Helm's `Error: ...` line).
pub fn helm_template_one(helm: &Path, template: &str, values: &str) -> Result<String, String> {
    let chart = ScratchDir::new("helm-one");
    chart.write_files([
        ("Chart.yaml", "apiVersion: v2\nname: hc\nversion: 0.1.0\n"),
        ("templates/t.yaml", template),
        ("values.yaml", values),
    ]);
    let out = std::process::Command::new(helm)
        .args(["template", "x"])
        .arg(chart.path())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(stderr.lines().next().unwrap_or_default().to_owned());
    }
    String::from_utf8(out.stdout).map_err(|e| format!("helm printed invalid UTF-8: {e}"))
}

/// A small seeded pseudo-random generator (xorshift64) for reproducible random test inputs.
pub struct XorShift(u64);

impl XorShift {
    /// A generator starting from `seed` (must not be 0).
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// `len` pieces picked at random and joined.
    pub fn text(&mut self, pieces: &[&str], len: u64) -> String {
        (0..len)
            .map(|_| pieces[self.below(pieces.len() as u64) as usize])
            .collect()
    }
}

/// A fresh, empty scratch directory under the system temp dir, removed on drop.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// Creates `$TMPDIR/slipway-<label>-<pid>-<n>`.
    pub fn new(label: &str) -> ScratchDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("slipway-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        ScratchDir(dir)
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `files` (relative path, contents) below the directory, creating parents.
    pub fn write_files<'a>(&self, files: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, data) in files {
            let path = self.0.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create parent dir");
            }
            std::fs::write(&path, data).expect("write scratch file");
        }
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_dirs_are_distinct_and_removed() {
        let a = ScratchDir::new("t");
        let b = ScratchDir::new("t");
        assert_ne!(a.path(), b.path());
        a.write_files([("x/y.txt", "hi")]);
        assert_eq!(
            std::fs::read_to_string(a.path().join("x/y.txt")).unwrap(),
            "hi"
        );
        let kept = a.path().to_owned();
        drop(a);
        assert!(!kept.exists());
    }

    #[test]
    fn missing_binary_is_not_found() {
        assert_eq!(find_binary("surely-not-a-real-binary-name"), None);
    }
}
