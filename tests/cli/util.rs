//! `TestCorpus`: a temporary archive and index, and the real `newsindex` binary pointed at them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use newsindex::search::SearchResults;

/// A temporary folder holding an archive (`archive/`) and an index (`index/`).
pub struct TestCorpus {
    dir: tempfile::TempDir,
}

impl TestCorpus {
    pub fn new() -> TestCorpus {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("archive")).unwrap();
        TestCorpus { dir }
    }

    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("archive")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Writes `contents` to `archive/<name>`, creating folders.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.archive().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Copies a folder of the repository's sample corpus into the archive.
    pub fn copy_sample(&self, folder: &str) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_corpus")
            .join(folder);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let relative = entry.path().strip_prefix(&from).unwrap();
            let to = self.archive().join(folder).join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
    }

    /// The real binary with our environment cleared and `--index` set.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// [`TestCorpus::cmd`] as a plain `std::process::Command`, for spawning and signalling.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsindex"));
        cmd.env_remove("NEWSINDEX_INDEX")
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .arg("--index")
            .arg(self.index_dir());
        cmd
    }

    /// Runs `newsindex index archive` and asserts it succeeded.
    pub fn index(&self) -> std::process::Output {
        self.index_with(&[])
    }

    /// Runs `newsindex index OPTIONS archive` and asserts it succeeded.
    pub fn index_with(&self, options: &[&str]) -> std::process::Output {
        let output = self
            .cmd()
            .arg("index")
            .args(options)
            .arg(self.archive())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "index failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Runs `newsindex -q index ROOTS` on folders outside the archive (the shared corpora) and
    /// asserts it indexed them: exit 0, or 4 when some files were skipped with a warning.
    pub fn index_roots(&self, roots: &[PathBuf]) {
        let output = self
            .cmd()
            .arg("-q")
            .arg("index")
            .args(roots)
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 4)),
            "index failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Runs `newsindex search --json ARGS` and parses the contract.
    pub fn search_json(&self, args: &[&str]) -> SearchResults {
        let output = self
            .cmd()
            .arg("search")
            .arg("--json")
            .args(args)
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "search failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// The ids of every article `args` finds (up to 1,000), as a set.
    pub fn all_ids(&self, args: &[&str]) -> std::collections::BTreeSet<String> {
        let mut args = args.to_vec();
        args.extend(["--limit", "1000"]);
        self.search_json(&args)
            .hits
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    }

    /// The titles of the hits for `args`, in order.
    pub fn titles(&self, args: &[&str]) -> Vec<String> {
        self.search_json(args)
            .hits
            .into_iter()
            .map(|hit| hit.title)
            .collect()
    }
}

/// A text article with a `Key: value` header.
pub fn article(title: &str, date: &str, source: &str, body: &str) -> String {
    let mut text = format!("Title: {title}\n");
    if !date.is_empty() {
        text.push_str(&format!("Date: {date}\n"));
    }
    if !source.is_empty() {
        text.push_str(&format!("Source: {source}\n"));
    }
    text.push('\n');
    text.push_str(body);
    text
}

/// The repository's sample corpus (the seed and the Wikinews articles), indexed.
pub fn sample() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    corpus.index();
    corpus
}

/// The shared corpora folder, when this machine has it.
pub fn shared_corpora(test: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if path.is_dir() {
        Some(path)
    } else {
        skip(test, "../shared/corpora is not on this machine");
        None
    }
}

/// Says that a test (or part of one) did not run because this machine lacks what it needs.
/// The line goes straight to the process's standard error, which libtest does not capture
/// (it captures `eprintln!` in passing tests), so `cargo test` shows it; with
/// `NEWSINDEX_REQUIRE_ALL=1` (set by CI, which has everything) the skip is a failure.
pub fn skip(test: &str, reason: &str) {
    let required = std::env::var_os("NEWSINDEX_REQUIRE_ALL").is_some_and(|v| v == "1");
    assert!(
        !required,
        "{test} cannot run here and NEWSINDEX_REQUIRE_ALL=1: {reason}"
    );
    optional_skip(test, reason);
}

/// Says that a test of an optional integration (a tool no machine is expected to have) did not
/// run, where people see it; never a failure.
pub fn optional_skip(test: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
}
