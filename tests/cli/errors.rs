//! Errors: each gets one line naming what and why, and its documented exit code.

use crate::util::{TestCorpus, article};

fn indexed() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    corpus.index();
    corpus
}

#[test]
fn search_without_index_names_the_path_and_exits_3() {
    let corpus = TestCorpus::new();
    let output = corpus.cmd().args(["search", "apples"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.starts_with("newsindex: error: no index at '"), "{err}");
    assert!(
        err.contains(&corpus.index_dir().display().to_string()),
        "{err}"
    );
    assert!(err.contains("newsindex index DIR"), "{err}");
}

#[test]
fn index_option_is_global_and_read_from_the_environment() {
    let corpus = indexed();
    let mut cmd = assert_cmd::Command::cargo_bin("newsindex").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("NEWSINDEX_INDEX", corpus.index_dir())
        .args(["search", "apples"]);
    cmd.assert().code(0);
    let mut after = assert_cmd::Command::cargo_bin("newsindex").unwrap();
    after
        .env_remove("NEWSINDEX_INDEX")
        .args(["search", "apples", "--index"])
        .arg(corpus.index_dir());
    after.assert().code(0);
}

#[test]
fn unknown_query_field_exits_2() {
    let corpus = indexed();
    let output = corpus
        .cmd()
        .args(["search", "headline:apples"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        err,
        "newsindex: error: invalid query 'headline:apples': unknown field 'headline' (searchable fields: title, body, byline, source, url, id)\n"
    );
}

#[test]
fn bad_dates_exit_2_with_the_reason() {
    let corpus = indexed();
    for (args, reason) in [
        (
            ["--from", "2024-13"],
            "invalid date '2024-13' for --from: month 13 does not exist",
        ),
        (
            ["--to", "2023-02-29"],
            "invalid date '2023-02-29' for --to: 2023-02 has no day 29",
        ),
        (
            ["--from", "soon"],
            "invalid date 'soon' for --from: year 'soon' is not a number",
        ),
    ] {
        let output = corpus
            .cmd()
            .arg("search")
            .arg("apples")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let err = String::from_utf8(output.stderr).unwrap();
        assert!(err.contains(reason), "{err}");
    }
    let reversed = corpus
        .cmd()
        .args(["search", "apples", "--from", "2021", "--to", "2020"])
        .output()
        .unwrap();
    assert_eq!(reversed.status.code(), Some(2));
}

#[test]
fn unreadable_folder_names_it_and_exits_5() {
    let corpus = TestCorpus::new();
    let missing = corpus.archive().join("no-such-folder");
    let output = corpus.cmd().arg("index").arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(5));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.contains(&format!("cannot read '{}'", missing.display())),
        "{err}"
    );
    assert!(
        err.contains("caused by: No such file or directory"),
        "{err}"
    );
}

#[test]
fn unknown_article_id_exits_1() {
    let corpus = indexed();
    let output = corpus
        .cmd()
        .args(["show", "0000000000000000"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("no article with id '0000000000000000'")
    );
}

#[test]
fn usage_errors_exit_2() {
    let corpus = TestCorpus::new();
    corpus.cmd().args(["search"]).assert().code(2);
    corpus
        .cmd()
        .args(["search", "x", "--sort", "sideways"])
        .assert()
        .code(2);
}

#[test]
fn help_documents_exit_codes() {
    let corpus = TestCorpus::new();
    let output = corpus.cmd().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("3  index missing, locked, incompatible or corrupt"),
        "{help}"
    );
}

/// Found by the `query` fuzz target: a word the query parser took for a field name (`�/:`)
/// reached tantivy and failed the search with exit 3 instead of being read as text.
#[test]
fn fuzz_query_with_odd_field_like_words_is_read_not_failed() {
    let corpus = indexed();
    let output = corpus
        .cmd()
        .args([
            "search",
            "\u{FFFD}/   \u{FFFD}/   :*",
            "--any",
            "--limit",
            "13",
            "--offset",
            "6",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(stderr.contains("nothing searchable"), "{stderr}");
}
