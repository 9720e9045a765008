//! Indexing: formats, the seed's metadata, incremental sync, and bad input that must not stop a run.

use std::path::Path;

use crate::util::{TestCorpus, article, shared_corpora};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn seed_metadata_is_read_from_its_header_and_wire_credit() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.index();
    let results = corpus.search_json(&["Peskov"]);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!(hit.date.unwrap().to_string(), "2024-06-21");
    assert_eq!(hit.source.as_deref(), Some("Reuters"));
    assert!(!hit.title.contains("Photograph"), "{}", hit.title);
    assert!(hit.title.ends_with("must be on table"), "{}", hit.title);
}

#[test]
fn json_and_jsonl_files_with_scraper_field_names_are_read() {
    let corpus = TestCorpus::new();
    corpus.write(
        "one.json",
        r#"{"headline": "Dam opens", "published_at": "2021-03-04T08:00:00+02:00", "maintext": "The new dam opened.", "source_domain": "www.reuters.com", "authors": ["A. Writer"], "link": "https://example.org/dam"}"#,
    );
    corpus.write(
        "many.json",
        r#"[{"title": "Bridge closes", "date": "2021-03-05", "body": "The bridge closed."}, {"title": "Bridge reopens", "date": "2021-03-06", "content": "The bridge reopened."}]"#,
    );
    corpus.write(
        "feed.jsonl",
        "{\"title\": \"Tunnel dug\", \"published\": \"2021-03-07\", \"text\": \"A tunnel was dug.\", \"publisher\": {\"name\": \"AP\"}}\n\n{\"title\": \"Tunnel flooded\", \"date_publish\": \"2021-03-08 10:00:00\", \"text\": \"The tunnel flooded.\", \"author\": \"B. Writer\"}\n",
    );
    corpus.index();
    let dam = corpus.search_json(&["dam"]);
    let hit = &dam.hits[0];
    assert_eq!(hit.title, "Dam opens");
    assert_eq!(hit.date.unwrap().to_string(), "2021-03-04T08:00:00+02:00");
    assert_eq!(hit.url.as_deref(), Some("https://example.org/dam"));
    assert_eq!(hit.byline.as_deref(), Some("A. Writer"));
    assert_eq!(corpus.search_json(&["dam", "--source", "reuters"]).total, 1);
    assert_eq!(corpus.search_json(&["bridge"]).total, 2);
    assert_eq!(corpus.search_json(&["tunnel", "--source", "ap"]).total, 1);
    assert_eq!(
        corpus.search_json(&["tunnel", "--from", "2021-03-08"]).hits[0].title,
        "Tunnel flooded"
    );
}

#[test]
fn bare_text_takes_its_first_line_as_title() {
    let corpus = TestCorpus::new();
    corpus.write(
        "note.txt",
        "Harbour freezes over\n\nShips were stuck in the ice all week.\n",
    );
    corpus.index();
    let results = corpus.search_json(&["ice"]);
    assert_eq!(results.hits[0].title, "Harbour freezes over");
    assert_eq!(results.hits[0].date, None);
}

#[test]
fn running_twice_adds_nothing_and_reads_nothing() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.write(
        "a.jsonl",
        "{\"title\": \"x one\", \"body\": \"alpha\"}\n{\"title\": \"x two\", \"body\": \"beta\"}\n",
    );
    corpus.index();
    let second = corpus.index();
    let summary = stderr(&second);
    assert!(
        summary.contains("0 added, 0 updated, 0 removed, 2 unchanged"),
        "{summary}"
    );
    assert!(summary.contains("3 in the index"), "{summary}");
    assert_eq!(corpus.search_json(&["kremlin"]).total, 1);
}

#[test]
fn changed_deleted_and_moved_files_are_kept_in_step() {
    let corpus = TestCorpus::new();
    let a = corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    let b = corpus.write(
        "b.txt",
        article("Bananas", "2020-01-02", "", "Bananas are yellow."),
    );
    corpus.write(
        "c.txt",
        article("Cherries", "2020-01-03", "", "Cherries are dark."),
    );
    corpus.index();
    std::fs::write(
        &a,
        article(
            "Apples",
            "2020-01-01",
            "",
            "Apples are green now and longer.",
        ),
    )
    .unwrap();
    std::fs::remove_file(&b).unwrap();
    std::fs::create_dir(corpus.archive().join("moved")).unwrap();
    std::fs::rename(
        corpus.archive().join("c.txt"),
        corpus.archive().join("moved/c.txt"),
    )
    .unwrap();
    let run = corpus.index();
    let summary = stderr(&run);
    assert!(
        summary.contains("1 added, 1 updated, 2 removed"),
        "{summary}"
    );
    assert!(summary.contains("2 in the index"), "{summary}");
    assert_eq!(corpus.search_json(&["green"]).total, 1);
    assert_eq!(corpus.search_json(&["red"]).total, 0);
    assert_eq!(corpus.search_json(&["bananas"]).total, 0);
    let cherries = corpus.search_json(&["cherries"]);
    assert_eq!(cherries.total, 1);
    assert!(Path::new(&cherries.hits[0].path).ends_with("moved/c.txt"));
}

#[test]
fn changing_one_line_of_a_jsonl_file_keeps_the_others_and_their_ids() {
    let corpus = TestCorpus::new();
    let lines = |middle: &str| {
        format!(
            "{{\"title\": \"First\", \"url\": \"http://x/1\", \"body\": \"one\"}}\n{{\"title\": \"Second\", \"url\": \"http://x/2\", \"body\": \"{middle}\"}}\n{{\"title\": \"Third\", \"url\": \"http://x/3\", \"body\": \"three\"}}\n"
        )
    };
    let path = corpus.write("feed.jsonl", lines("two"));
    corpus.index();
    let first_id = corpus.search_json(&["one"]).hits[0].id.clone();
    std::fs::write(&path, lines("deux")).unwrap();
    corpus.index();
    assert_eq!(corpus.search_json(&["deux"]).total, 1);
    assert_eq!(corpus.search_json(&["two"]).total, 0);
    assert_eq!(corpus.search_json(&["one"]).hits[0].id, first_id);
    assert_eq!(corpus.search_json(&["three"]).total, 1);
    let stats = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    let stats: newsindex::index::IndexStats = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats.articles, 3);
}

#[test]
fn rebuild_starts_from_empty() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    corpus.index();
    let output = corpus.index_with(&["--rebuild"]);
    assert!(
        stderr(&output).contains("1 added, 0 updated, 0 removed, 0 unchanged"),
        "{}",
        stderr(&output)
    );
    assert_eq!(corpus.search_json(&["apples"]).total, 1);
}

#[test]
fn bad_files_are_warned_about_counted_and_the_rest_indexed() {
    let corpus = TestCorpus::new();
    corpus.write(
        "good.txt",
        article("Good one", "2020-01-01", "", "A fine article about rivers."),
    );
    corpus.write("empty.txt", "");
    corpus.write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    corpus.write("truncated.json", "{\"title\": \"Cut\", \"body\": \"rivers");
    corpus.write(
        "mixed.jsonl",
        "{\"title\": \"Line one\", \"body\": \"rivers flow\"}\n{not json\n{\"title\": \"Line three\", \"body\": \"rivers freeze\"}\n",
    );
    corpus.write("latin1.txt", b"Title: Prices\nDate: 1987-02-26\n\nA loaf of bread costs \xa31 in the market by the rivers.");
    corpus.write(
        "big.txt",
        article("Big", "2020-01-01", "", &"rivers ".repeat(2000)),
    );
    let output = corpus
        .cmd()
        .args(["index", "--max-file-size", "5000"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    let err = stderr(&output);
    for expected in [
        "archive/empty.txt: empty file",
        "archive/image.txt: binary file",
        "archive/truncated.json:1: invalid JSON",
        "archive/mixed.jsonl:2: invalid JSON",
        "archive/big.txt: file is",
        "4 skipped",
        "1 records skipped",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    let mut titles = corpus.titles(&["rivers", "--limit", "10"]);
    titles.sort();
    assert_eq!(titles, ["Good one", "Line one", "Line three", "Prices"]);
    let prices = corpus.search_json(&["loaf"]);
    assert!(
        prices.hits[0].passages[0].text.contains("£1"),
        "{:?}",
        prices.hits[0].passages[0].text
    );
}

#[test]
fn quiet_prints_nothing_but_errors() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Apples", "2020-01-01", "", "Apples are red."),
    );
    corpus.write("empty.txt", "");
    let output = corpus
        .cmd()
        .args(["index", "--quiet"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(stderr(&output), "");
}

#[test]
fn the_seed_in_sample_corpus_is_the_shared_seed_byte_for_byte() {
    let Some(corpora) =
        shared_corpora("the_seed_in_sample_corpus_is_the_shared_seed_byte_for_byte")
    else {
        return;
    };
    let name = "000_833dcbfb9c9e23fc.txt";
    let shared = std::fs::read(corpora.join("seed").join(name)).unwrap();
    let ours = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_corpus/seed")
            .join(name),
    )
    .unwrap();
    assert_eq!(shared, ours);
}
