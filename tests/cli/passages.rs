//! Ranked passages and the query language's additions (issue 5): several passages per article,
//! passages as hits, exact highlights, prefix, fuzzy and proximity, the forgiving parser, the
//! closest-match fallback, `--explain` and `show --at`.

use newsindex::search::{Passage, SearchResults};

use crate::util::{TestCorpus, article};

fn highlighted(passage: &Passage) -> Vec<String> {
    passage
        .highlights
        .iter()
        .map(|[s, e]| passage.text.chars().skip(*s).take(e - s).collect())
        .collect()
}

fn archive() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.write(
        "treaty.txt",
        article(
            "Arms control",
            "2020-01-01",
            "Reuters",
            "Officials met on Monday.\n\nThe nuclear arms reduction treaty was signed after long talks.\n\nIran was not part of the treaty. The talks were about security.\n\nLater, security talks resumed in Geneva.",
        ),
    );
    corpus.write(
        "climate.txt",
        article(
            "Climate summit",
            "2020-01-02",
            "Wikinews",
            "Climate scientists and climbers met in the country.\n\nThe country's leaders talked about countries in need.",
        ),
    );
    corpus.write(
        "zelensky.txt",
        article(
            "Kyiv visit",
            "2020-01-03",
            "Wikinews",
            "President Zelenskiy met the press.\n\nZelensky said the security talks went well.",
        ),
    );
    corpus.index();
    corpus
}

#[test]
fn passages_shows_up_to_n_per_article_best_first_json_defaulting_to_3() {
    let corpus = archive();
    let json = corpus.search_json(&["treaty"]);
    let passages = &json.hits[0].passages;
    assert_eq!(passages.len(), 2, "only passages that match are listed");
    assert!(passages[0].score >= passages[1].score);
    let talks = corpus.search_json(&["talks", "--source", "reuters"]);
    assert_eq!(talks.hits[0].passages.len(), 3);
    let one = corpus.search_json(&["talks", "--source", "reuters", "--passages", "1"]);
    assert_eq!(one.hits[0].passages.len(), 1);
    assert_eq!(one.hits[0].passages[0], talks.hits[0].passages[0]);
    let output = corpus
        .cmd()
        .args(["search", "talks", "--source", "reuters"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.contains("**talks**")).count(),
        1,
        "{stdout}"
    );
    let two = corpus
        .cmd()
        .args(["search", "talks", "--source", "reuters", "--passages", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(two.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.contains("**talks**")).count(),
        2,
        "{stdout}"
    );
}

#[test]
fn group_none_ranks_passages_across_articles() {
    let corpus = archive();
    let results = corpus.search_json(&["talks", "--group", "none", "--limit", "20"]);
    assert_eq!(results.group, newsindex::search::Group::Passage);
    assert_eq!(results.total, 3, "total counts articles");
    assert_eq!(
        results.hits.len(),
        5,
        "three passages of one article, one of each other"
    );
    for hit in &results.hits {
        assert_eq!(hit.passages.len(), 1);
    }
    let scores: Vec<f32> = results.hits.iter().map(|h| h.passages[0].score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let ids: std::collections::HashSet<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    let human = corpus
        .cmd()
        .args(["search", "talks", "--group", "none"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(human.stdout).unwrap();
    assert!(
        stdout.starts_with("3 articles match (showing passages 1-5)"),
        "{stdout}"
    );
}

#[test]
fn a_phrase_is_highlighted_only_where_it_occurs() {
    let corpus = archive();
    let results = corpus.search_json(&["\"security talks\""]);
    let titles: Vec<&str> = results.hits.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    for hit in &results.hits {
        for passage in &hit.passages {
            let words = highlighted(passage);
            assert_eq!(words, ["security", "talks"], "{}", passage.text);
        }
    }
    let treaty = results
        .hits
        .iter()
        .find(|h| h.title == "Arms control")
        .unwrap();
    assert_eq!(
        treaty.passages[0].text,
        "Later, security talks resumed in Geneva."
    );
}

#[test]
fn stems_prefixes_and_fuzzy_words_match_and_are_highlighted() {
    let corpus = archive();
    let talked = corpus.search_json(&["talk", "--from", "2020-01-02", "--to", "2020-01-02"]);
    let climate = &talked.hits[0];
    assert_eq!(highlighted(&climate.passages[0]), ["talked"]);

    let prefix = corpus.search_json(&["clim*"]);
    assert_eq!(prefix.total, 1);
    assert_eq!(
        highlighted(&prefix.hits[0].passages[0]),
        ["Climate", "climbers"]
    );
    // `country*` also finds "country" itself, whose stem ("countri") is not a prefix match.
    let country = corpus.search_json(&["country*", "--passages", "2"]);
    let words: Vec<String> = country.hits[0]
        .passages
        .iter()
        .flat_map(highlighted)
        .collect();
    assert_eq!(words, ["country", "countries", "country"]);

    let fuzzy = corpus.search_json(&["Zelensky~1", "--passages", "2"]);
    assert_eq!(fuzzy.total, 1);
    let words: Vec<String> = fuzzy.hits[0]
        .passages
        .iter()
        .flat_map(highlighted)
        .collect();
    assert_eq!(words.len(), 2);
    assert!(words.contains(&"Zelenskiy".to_string()), "{words:?}");
    assert_eq!(corpus.search_json(&["Zelensky"]).hits[0].passages.len(), 1);
}

#[test]
fn proximity_finds_words_within_the_distance_in_order_or_not() {
    let corpus = archive();
    assert_eq!(corpus.search_json(&["\"nuclear treaty\""]).total, 0);
    assert_eq!(corpus.search_json(&["\"nuclear treaty\"~1"]).total, 0);
    let near = corpus.search_json(&["\"nuclear treaty\"~2"]);
    assert_eq!(near.total, 1);
    assert_eq!(
        highlighted(&near.hits[0].passages[0]),
        ["nuclear", "treaty"]
    );
}

#[test]
fn an_unclosed_quote_is_read_as_a_phrase_with_a_note() {
    let corpus = archive();
    let output = corpus
        .cmd()
        .args(["search", "\"security talks"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "newsindex: note: added the missing closing quote: searched the phrase \"security talks\"\n"
    );
    let results = corpus.search_json(&["\"security talks"]);
    assert_eq!(results.total, 2);
    assert_eq!(
        results.notes,
        ["added the missing closing quote: searched the phrase \"security talks\""]
    );
    let quiet = corpus
        .cmd()
        .args(["-q", "search", "\"security talks"])
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn stray_operators_and_colons_are_read_as_meant_with_notes() {
    let corpus = archive();
    for (query, note, total) in [
        ("AND treaty", "ignored 'AND' with nothing before it", 1),
        ("treaty OR", "ignored 'OR' with nothing after it", 1),
        ("(security talks", "added the missing ')'", 2),
        (
            "Geneva talks: resumed",
            "read 'talks:' as words: 'talks' is not a field (fields: title, body, byline, source, url, id)",
            1,
        ),
    ] {
        let results = corpus.search_json(&[query]);
        assert_eq!(results.notes, [note], "{query}");
        assert_eq!(results.total, total, "{query}");
    }
}

#[test]
fn without_an_article_holding_every_word_the_closest_matches_come_with_a_note() {
    let corpus = archive();
    let results = corpus.search_json(&["treaty zebra"]);
    assert_eq!(results.mode, newsindex::search::Mode::Closest);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].title, "Arms control");
    assert_eq!(
        results.notes,
        ["no article has all words; showing closest matches"]
    );
    let output = corpus
        .cmd()
        .args(["search", "security zebra"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with(
            "no article has all words; showing closest matches\n2 articles have some of the words (showing 1-2)\n"
        ),
        "{stdout}"
    );
    assert!(output.stderr.is_empty(), "the note is shown once");
    let explicit = corpus.search_json(&["treaty AND zebra"]);
    assert_eq!(explicit.total, 0, "an explicit AND is not relaxed");
    assert_eq!(explicit.mode, newsindex::search::Mode::All);
}

#[test]
fn common_words_need_not_match_when_other_words_do() {
    let corpus = archive();
    let results = corpus.search_json(&["the treaty with iran"]);
    assert_eq!(results.mode, newsindex::search::Mode::All);
    assert_eq!(results.total, 1);
    let words = highlighted(&results.hits[0].passages[0]);
    assert_eq!(
        words,
        ["Iran", "treaty"],
        "common words are not highlighted"
    );
}

#[test]
fn a_long_question_finds_the_article_that_answers_it() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("wikinews");
    corpus.index();
    let results = corpus.search_json(&[
        "efforts of the ambassador to change the president's policies",
        "--limit",
        "3",
    ]);
    assert_eq!(results.mode, newsindex::search::Mode::Question);
    assert_eq!(
        results.hits[0].title,
        "US president Trump ousts national security advisor Bolton"
    );
    let words = highlighted(&results.hits[0].passages[0]);
    for word in ["Ambassador", "President", "policy", "change"] {
        assert!(words.contains(&word.to_string()), "{words:?}");
    }
}

#[test]
fn only_excluding_words_lists_every_other_article_with_a_note() {
    let corpus = archive();
    let results = corpus.search_json(&["--", "-treaty"]);
    assert_eq!(results.total, 2);
    assert_eq!(
        results.notes,
        ["the query only excludes words: listing every other article"]
    );
}

#[test]
fn explain_gives_the_formula_tantivys_tree_and_the_passage_parts() {
    let corpus = archive();
    let output = corpus
        .cmd()
        .args(["search", "security talks", "--explain", "--limit", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("   why: "), "{stdout}");
    assert!(stdout.contains(" = bm25 "), "{stdout}");
    assert!(stdout.contains("holds 100% of the query"), "{stdout}");
    assert!(stdout.contains("proximity"), "{stdout}");
    assert!(stdout.contains("     bm25:\n"), "{stdout}");
    assert!(stdout.contains("TermQuery"), "{stdout}");
    let results = corpus.search_json(&["security talks", "--explain"]);
    let explain = results.hits[0].explain.as_ref().unwrap();
    assert_eq!(explain.concentration, 1.0);
    assert!((explain.tantivy["value"].as_f64().unwrap() - f64::from(explain.bm25)).abs() < 1e-3);
    assert!((results.hits[0].score.unwrap() - explain.bm25).abs() < 1e-3);
    assert!(
        corpus.search_json(&["security talks"]).hits[0]
            .explain
            .is_none()
    );
    let by_date = corpus.search_json(&["security talks", "--explain", "--sort", "newest"]);
    assert_eq!(
        by_date.hits[0].explain.as_ref().unwrap().formula,
        "sorted by date: relevance is not scored"
    );
}

#[test]
fn show_at_prints_the_passage_holding_an_offset_among_its_neighbours() {
    let corpus = archive();
    let results = corpus.search_json(&["Geneva"]);
    let hit = &results.hits[0];
    let passage = &hit.passages[0];
    let at = (passage.start + 3).to_string();
    let output = corpus
        .cmd()
        .args(["show", &hit.id, "--at", &at])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected = format!(
        "Arms control\nDate: 2020-01-01\nSource: Reuters\nPath: archive/treaty.txt\nId: {}\n\n[2 passages before]\n\nIran was not part of the treaty. The talks were about security.\n\n> [characters {}-{}]\n> Later, security talks resumed in Geneva.\n",
        hit.id, passage.start, passage.end
    );
    assert_eq!(stdout, expected);
    let json = corpus
        .cmd()
        .args(["show", &hit.id, "--at", &at, "--json", "--context", "0"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["id"], hit.id.as_str());
    assert_eq!(value["context"]["passage"]["start"], passage.start);
    assert_eq!(value["context"]["passage"]["text"], passage.text.as_str());
    assert_eq!(value["context"]["skipped_before"], 3);
    let past = corpus
        .cmd()
        .args(["show", &hit.id, "--at", "100000"])
        .output()
        .unwrap();
    assert_eq!(past.status.code(), Some(2));
    let stderr = String::from_utf8(past.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "newsindex: error: invalid offset 100000 for article '{}': the body has ",
            hit.id
        )),
        "{stderr}"
    );
}

#[test]
fn results_deserialize_with_the_added_fields() {
    let corpus = archive();
    let output = corpus
        .cmd()
        .args(["search", "--json", "treaty"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["mode"], "all");
    assert_eq!(value["group"], "article");
    assert_eq!(value["notes"], serde_json::json!([]));
    assert!(value["hits"][0]["passages"][0]["score"].as_f64().unwrap() > 0.0);
    assert!(value["hits"][0].get("explain").is_none());
    let _: SearchResults = serde_json::from_value(value).unwrap();
}

/// A page of 4 KiB or more is scored from its stored cut and the index's positions of the
/// query's words: its passages and highlights are still exactly where the words are, after a
/// word too long to index, a window cut through a run of letters and characters of two bytes.
#[test]
fn a_long_page_s_passages_and_highlights_come_from_its_stored_cut() {
    let filler: String = (0..45)
        .map(|i| format!("Paragraph {i} tells of the harvest and the café prices in the county."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let long_word = "Pneumonoultramicroscopicsilicovolcanoconiosislike";
    let run = "x".repeat(500);
    let window = format!(
        "{run} The fleet heard of the submarine early. {} Then {long_word} submarine warfare \
         was named in the note by the ministry. {}",
        "The mayor spoke of roads and bridges at length. ".repeat(6),
        "Nothing more was said of it that week. ".repeat(6),
    );
    let body = format!("{filler}\n\n{window}\n\nA last word on the submarine warfare question.");
    assert!(body.len() >= 4096, "{}", body.len());
    let corpus = TestCorpus::new();
    corpus.write(
        "page.txt",
        article("The evening news", "1916-01-05", "The Herald", &body),
    );
    corpus.index();
    let phrase = corpus.search_json(&["\"submarine warfare\"", "--passages", "5"]);
    let hit = &phrase.hits[0];
    assert_eq!(hit.passages.len(), 2, "{:?}", hit.passages);
    let chars: Vec<char> = body.chars().collect();
    for passage in &hit.passages {
        assert_eq!(highlighted(passage), ["submarine", "warfare"]);
        let shown: String = chars[passage.start..passage.end].iter().collect();
        assert_eq!(shown, passage.text);
    }
    let every = corpus.search_json(&["submarine", "--group", "none", "--limit", "10"]);
    assert_eq!(
        every.hits.len(),
        3,
        "one passage per paragraph or window holding it"
    );
    for hit in &every.hits {
        let passage = &hit.passages[0];
        assert_eq!(highlighted(passage), ["submarine"]);
        let shown: String = chars[passage.start..passage.end].iter().collect();
        assert_eq!(shown, passage.text);
    }
    let cafe = corpus.search_json(&["café", "--passages", "1"]);
    let passage = &cafe.hits[0].passages[0];
    assert_eq!(highlighted(passage), ["café"]);
    assert!(passage.text.starts_with("Paragraph "), "{}", passage.text);
}
