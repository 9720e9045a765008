//! Crashes and concurrency: SIGKILL at any moment, Ctrl-C, a second writer, searching during a run.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{TestCorpus, article};

const FILES: usize = 3000;

/// An archive of `FILES` articles, each with the word `common` and a word of its own.
fn big_corpus() -> TestCorpus {
    let corpus = TestCorpus::new();
    for n in 0..FILES {
        let body =
            format!("The common story number {n} tells of uniq{n} and the harvest of the year.");
        corpus.write(
            &format!("{:02}/{n:05}.txt", n % 17),
            article(&format!("Story {n}"), "1916-01-03", "", &body),
        );
    }
    corpus
}

fn spawn_index(corpus: &TestCorpus, extra: &[&str]) -> Child {
    let mut cmd = corpus.std_cmd();
    cmd.arg("index").args(extra).arg(corpus.archive());
    cmd.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Articles in the index, or `None` when there is no index yet.
fn articles(corpus: &TestCorpus) -> Option<u64> {
    let output = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    match output.status.code() {
        Some(0) => {
            let stats: newsindex::index::IndexStats =
                serde_json::from_slice(&output.stdout).unwrap();
            Some(stats.articles)
        }
        Some(3) if !corpus.index_dir().join("meta.json").exists() => None,
        other => panic!(
            "stats failed with {other:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Total matches for `word`, through the real search.
fn total(corpus: &TestCorpus, word: &str) -> u64 {
    corpus.search_json(&[word, "--limit", "1"]).total
}

#[test]
fn sigkill_at_any_moment_leaves_a_searchable_index_that_the_next_run_completes() {
    let corpus = big_corpus();
    let options = ["--commit-interval", "0.02", "--threads", "2"];
    // How long a whole run takes on this machine (the longer of two), so that runs are killed
    // at moments spread over it, however fast it is.
    let whole = (0..2)
        .map(|_| {
            std::fs::remove_dir_all(corpus.index_dir()).ok();
            let started = Instant::now();
            assert!(spawn_index(&corpus, &options).wait().unwrap().success());
            started.elapsed().as_millis() as u64
        })
        .max()
        .unwrap_or(0);
    std::fs::remove_dir_all(corpus.index_dir()).unwrap();
    let mut seen_partial = false;
    // Kills that resume the same index, each run having less left to do, then (until one
    // lands between two commits) kills of fresh runs at moments spread over a whole run: the
    // test fails rather than pass without a partial index.
    let resumed = [3, 6, 10, 15, 22, 30].map(|percent| (whole * percent / 100, false));
    let fresh = (1..=16).map(|step| (whole * step / 17, true));
    for (delay_ms, from_scratch) in resumed.into_iter().chain(fresh) {
        if from_scratch && seen_partial {
            break;
        }
        if from_scratch {
            std::fs::remove_dir_all(corpus.index_dir()).ok();
        }
        let mut child = spawn_index(&corpus, &options);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if let Some(count) = articles(&corpus) {
            assert!(
                count <= FILES as u64,
                "duplicates after a kill at {delay_ms} ms: {count}"
            );
            assert_eq!(
                total(&corpus, "common"),
                count,
                "every committed article is searchable"
            );
            if count > 0 && count < FILES as u64 {
                seen_partial = true;
            }
        }
    }
    assert!(
        seen_partial,
        "no kill landed between two commits of a {whole} ms run: nothing showed a partial index"
    );
    let finish = spawn_index(&corpus, &[]).wait_with_output().unwrap();
    assert!(
        finish.status.success(),
        "{}",
        String::from_utf8_lossy(&finish.stderr)
    );
    assert_eq!(articles(&corpus), Some(FILES as u64));
    assert_eq!(total(&corpus, "common"), FILES as u64);
    for n in [0, 1234, FILES - 1] {
        assert_eq!(total(&corpus, &format!("uniq{n}")), 1, "uniq{n}");
    }
}

#[test]
fn ctrl_c_commits_what_was_read_and_says_it_was_interrupted() {
    let corpus = big_corpus();
    // Interrupt a run once it has created the index and is reading files. The moment depends
    // on the machine: a run that finished first is tried again from scratch with the signal
    // sooner, one interrupted before its first file with the signal later.
    let mut delay_ms = 150;
    let mut checked = false;
    for _ in 0..8 {
        std::fs::remove_dir_all(corpus.index_dir()).ok();
        let child = spawn_index(&corpus, &["--commit-interval", "3600", "--threads", "1"]);
        let started = Instant::now();
        while !corpus.index_dir().join("meta.json").exists()
            && started.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = child.wait_with_output().unwrap();
        if output.status.code() == Some(0) {
            delay_ms /= 3;
            continue;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{stderr}");
        assert!(
            stderr.contains("interrupted: what was read so far is committed"),
            "{stderr}"
        );
        let partial = articles(&corpus).unwrap();
        if partial == 0 {
            delay_ms = delay_ms * 3 + 50;
            continue;
        }
        assert!(partial < FILES as u64, "partial count {partial}");
        assert_eq!(total(&corpus, "common"), partial);
        checked = true;
        break;
    }
    assert!(
        checked,
        "no Ctrl-C landed while files were being read, at any delay"
    );
    let finish = spawn_index(&corpus, &[]).wait_with_output().unwrap();
    assert!(finish.status.success());
    assert_eq!(articles(&corpus), Some(FILES as u64));
}

#[test]
fn a_second_writer_fails_at_once_and_search_keeps_answering() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    corpus.index();
    let index = tantivy::Index::open_in_dir(corpus.index_dir()).unwrap();
    let writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let started = Instant::now();
    let output = corpus
        .cmd()
        .arg("index")
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the second run waited instead of failing"
    );
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("is being updated by another process"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&corpus.index_dir().display().to_string()),
        "{stderr}"
    );
    assert_eq!(total(&corpus, "apples"), 1);
    drop(writer);
    corpus.index();
}

#[test]
fn search_sees_new_articles_once_a_run_commits() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    corpus.index();
    assert_eq!(total(&corpus, "pears"), 0);
    corpus.write(
        "b.txt",
        article("Pears", "2020-01-02", "", "Pears are green."),
    );
    corpus.index();
    assert_eq!(total(&corpus, "pears"), 1);
}
