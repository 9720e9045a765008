//! `newsindex timeline` and `search --facets`: coverage over time from the terminal.

use crate::util::{TestCorpus, article};

fn corpus() -> TestCorpus {
    let corpus = TestCorpus::new();
    for (name, date, source) in [
        ("a.txt", "2019-01-10", "Reuters"),
        ("b.txt", "2019-01-25", "reuters.com"),
        ("c.txt", "2019-03-02", "Wikinews"),
        ("d.txt", "2021-07-04", "Wikinews"),
    ] {
        corpus.write(
            name,
            article(&format!("Flood {name}"), date, source, "The river flooded."),
        );
    }
    corpus.write(
        "e.txt",
        article("Flood undated", "", "", "The river flooded."),
    );
    corpus.index();
    corpus
}

#[test]
fn timeline_draws_a_bar_per_month_with_the_gaps_as_zeros() {
    let corpus = corpus();
    let output = corpus
        .cmd()
        .args(["timeline", "flood", "--to", "2019"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text,
        "3 articles match\n\n\
         2019-01  2 ██████████████████████████████████████████████████\n\
         2019-02  0\n\
         2019-03  1 █████████████████████████\n"
    );
}

#[test]
fn timeline_by_year_counts_undated_apart_and_prints_json() {
    let corpus = corpus();
    let output = corpus
        .cmd()
        .args(["timeline", "flood", "--by", "year"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("5 articles match (1 undated, not charted)\n\n2019  3 "),
        "{text}"
    );
    assert!(text.contains("\n2020  0\n"), "{text}");
    let json = corpus
        .cmd()
        .args([
            "timeline", "flood", "--by", "year", "--source", "wikinews", "--json",
        ])
        .output()
        .unwrap();
    let facets: newsindex::search::Facets = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(facets.total, 2);
    let periods: Vec<(String, u64)> = facets
        .dates
        .into_iter()
        .map(|p| (p.period, p.articles))
        .collect();
    assert_eq!(periods, [("2019".to_string(), 1), ("2021".to_string(), 1)]);
}

#[test]
fn timeline_without_matches_exits_1_and_bad_dates_exit_2() {
    let corpus = corpus();
    let output = corpus.cmd().args(["timeline", "volcano"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "0 articles match\n"
    );
    let output = corpus
        .cmd()
        .args(["timeline", "flood", "--from", "2019-13"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("'2019-13' for --from"), "{err}");
}

#[test]
fn search_facets_add_source_and_year_counts_only_when_asked() {
    let corpus = corpus();
    let plain = corpus
        .cmd()
        .args(["search", "flood", "--json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(value.get("facets").is_none());

    let results = corpus.search_json(&["flood", "--facets"]);
    let facets = results.facets.unwrap();
    assert_eq!(facets.total, 5);
    assert_eq!(facets.undated, 1);
    let sources: Vec<(String, u64)> = facets
        .sources
        .into_iter()
        .map(|s| (s.source, s.articles))
        .collect();
    assert_eq!(
        sources,
        [("reuters".to_string(), 2), ("wikinews".to_string(), 2)]
    );

    let human = corpus
        .cmd()
        .args(["search", "flood", "--facets", "--limit", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.ends_with(
            "\nsources (articles): reuters 2 · wikinews 2\nyears (articles):   2019 3 · 2021 1 · undated 1\n"
        ),
        "{text}"
    );
}
