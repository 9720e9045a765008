//! Searching: the seed article, filters, sorting, phrases, stemming, paging, highlights.

use crate::util::{TestCorpus, article, sample};

#[test]
fn security_talks_finds_the_seed_first_with_its_date_and_source() {
    let corpus = sample();
    let results = corpus.search_json(&["security talks"]);
    assert!(
        results.total > 1,
        "expected several matches, got {}",
        results.total
    );
    let first = &results.hits[0];
    assert!(
        first.path.ends_with("000_833dcbfb9c9e23fc.txt"),
        "{}",
        first.path
    );
    assert_eq!(first.date.unwrap().to_string(), "2024-06-21");
    assert_eq!(first.source.as_deref(), Some("Reuters"));
    assert_eq!(
        first.title,
        "Russia says they want security talks with the United States but the subject of Ukraine must be on table"
    );
    assert!(first.score.unwrap() > 0.0);
}

#[test]
fn the_passage_holds_the_highlighted_query_words_at_its_offsets() {
    let corpus = sample();
    let results = corpus.search_json(&["security talks"]);
    let hit = &results.hits[0];
    let passage = &hit.passages[0];
    let words: Vec<String> = passage
        .highlights
        .iter()
        .map(|[s, e]| {
            passage
                .text
                .chars()
                .skip(*s)
                .take(e - s)
                .collect::<String>()
                .to_lowercase()
        })
        .collect();
    assert_eq!(words, ["security", "talks"]);
    let shown = corpus
        .cmd()
        .args(["show", "--json", &hit.id])
        .output()
        .unwrap();
    let article: newsindex::article::Article = serde_json::from_slice(&shown.stdout).unwrap();
    let at: String = article
        .body
        .chars()
        .skip(passage.start)
        .take(passage.end - passage.start)
        .collect();
    assert_eq!(at, passage.text);
}

#[test]
fn human_output_marks_highlights_and_shows_the_total() {
    let corpus = sample();
    let output = corpus
        .cmd()
        .args(["search", "security talks", "--limit", "2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("articles match (showing 1-2)"), "{stdout}");
    assert!(stdout.contains("**security talks**"), "{stdout}");
    assert!(
        stdout.contains("2024-06-21 · Reuters · archive/seed/000_833dcbfb9c9e23fc.txt"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b'),
        "no colour when NO_COLOR is set and output is piped"
    );
}

#[test]
fn date_filters_include_whole_periods_and_exclude_the_rest() {
    let corpus = sample();
    let june = corpus.search_json(&["nuclear", "--from", "2024-06", "--to", "2024-06-30"]);
    assert_eq!(june.total, 1);
    let year = corpus.search_json(&["nuclear", "--from", "2024", "--to", "2024"]);
    assert_eq!(year.total, 1);
    let before = corpus.search_json(&["nuclear", "--to", "2024-06-20"]);
    assert!(
        before
            .hits
            .iter()
            .all(|hit| hit.date.unwrap().to_string().as_str() <= "2024-06-20")
    );
    assert!(before.total > 0);
    assert!(
        !before
            .hits
            .iter()
            .any(|hit| hit.source.as_deref() == Some("Reuters"))
    );
}

#[test]
fn source_filter_accepts_any_spelling_and_repeats() {
    let corpus = sample();
    for spelling in ["reuters", "REUTERS", "reuters.com"] {
        let results = corpus.search_json(&["nuclear", "--source", spelling]);
        assert_eq!(results.total, 1, "{spelling}");
    }
    let both = corpus.search_json(&[
        "nuclear", "--source", "reuters", "--source", "wikinews", "--limit", "100",
    ]);
    let all = corpus.search_json(&["nuclear", "--limit", "100"]);
    assert_eq!(both.total, all.total);
    let query_field = corpus.search_json(&["nuclear source:reuters"]);
    assert_eq!(query_field.total, 1);
}

#[test]
fn sort_newest_and_oldest_order_by_date_with_undated_last() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article(
            "Old harvest",
            "1916-01-03",
            "",
            "The harvest was plentiful.",
        ),
    );
    corpus.write(
        "b.txt",
        article("New harvest", "2020-09-01", "", "A harvest record."),
    );
    corpus.write(
        "c.txt",
        article("Mid harvest", "1987-02-26", "", "Harvest prices rose."),
    );
    corpus.write(
        "d.txt",
        article("Undated harvest", "", "", "Harvest festival."),
    );
    corpus.index();
    assert_eq!(
        corpus.titles(&["harvest", "--sort", "newest"]),
        [
            "New harvest",
            "Mid harvest",
            "Old harvest",
            "Undated harvest"
        ]
    );
    assert_eq!(
        corpus.titles(&["harvest", "--sort", "oldest"]),
        [
            "Old harvest",
            "Mid harvest",
            "New harvest",
            "Undated harvest"
        ]
    );
    let filtered = corpus.titles(&["harvest", "--from", "1900"]);
    assert!(
        !filtered.contains(&"Undated harvest".to_string()),
        "date filters exclude undated articles"
    );
}

#[test]
fn dates_before_1970_are_filtered_by_partial_dates() {
    let corpus = TestCorpus::new();
    corpus.write(
        "1916.txt",
        article("Blizzard", "1916-01-03", "", "A blizzard closed the roads."),
    );
    corpus.write(
        "1915.txt",
        article("Storm", "1915-12-31", "", "A blizzard began at night."),
    );
    corpus.index();
    assert_eq!(
        corpus.titles(&["blizzard", "--from", "1916-01", "--to", "1916-01"]),
        ["Blizzard"]
    );
    assert_eq!(corpus.titles(&["blizzard", "--to", "1915"]), ["Storm"]);
    let results = corpus.search_json(&["blizzard", "--from", "1916-01-03", "--to", "1916-01-03"]);
    assert_eq!(results.hits[0].date.unwrap().to_string(), "1916-01-03");
}

#[test]
fn phrases_are_exact_and_words_are_all_required() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article(
            "Adjacent",
            "2020-01-01",
            "",
            "Officials held security talks in Geneva.",
        ),
    );
    corpus.write(
        "b.txt",
        article(
            "Apart",
            "2020-01-02",
            "",
            "The talks covered food security and trade.",
        ),
    );
    corpus.write(
        "c.txt",
        article("Only one", "2020-01-03", "", "The security council met."),
    );
    corpus.index();
    assert_eq!(corpus.titles(&["\"security talks\""]), ["Adjacent"]);
    let mut words = corpus.titles(&["security talks"]);
    words.sort();
    assert_eq!(words, ["Adjacent", "Apart"]);
    let any = corpus.titles(&["security talks", "--any"]);
    assert_eq!(any.len(), 3);
    assert_eq!(corpus.titles(&["security -talks"]), ["Only one"]);
    let mut or = corpus.titles(&["geneva OR council"]);
    or.sort();
    assert_eq!(or, ["Adjacent", "Only one"]);
}

#[test]
fn stemming_and_accent_folding_match_variants() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article(
            "Société Générale results",
            "2020-01-01",
            "",
            "The bank talked to investors.",
        ),
    );
    corpus.index();
    assert_eq!(corpus.titles(&["societe"]), ["Société Générale results"]);
    assert_eq!(corpus.titles(&["talks"]), ["Société Générale results"]);
    let results = corpus.search_json(&["talks"]);
    let passage = &results.hits[0].passages[0];
    let [start, end] = passage.highlights[0];
    let word: String = passage.text.chars().skip(start).take(end - start).collect();
    assert_eq!(word, "talked");
}

#[test]
fn titles_rank_above_bodies() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article(
            "Weather report",
            "2020-01-01",
            "",
            "Flooding hit the valley after the rain.",
        ),
    );
    corpus.write(
        "b.txt",
        article(
            "Flooding in the valley",
            "2020-01-02",
            "",
            "Rain fell for days across the region.",
        ),
    );
    corpus.index();
    assert_eq!(corpus.titles(&["flooding"])[0], "Flooding in the valley");
}

#[test]
fn paging_walks_the_same_ranking_and_keeps_the_total() {
    let corpus = sample();
    let all = corpus.search_json(&["election", "--limit", "6"]);
    assert!(all.total >= 6);
    let second_page = corpus.search_json(&["election", "--limit", "3", "--offset", "3"]);
    assert_eq!(second_page.total, all.total);
    let ids = |r: &newsindex::search::SearchResults| {
        r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&second_page), ids(&all)[3..6]);
    let newest = corpus.search_json(&["election", "--limit", "6", "--sort", "newest"]);
    let newest_page = corpus.search_json(&[
        "election", "--limit", "3", "--offset", "3", "--sort", "newest",
    ]);
    assert_eq!(ids(&newest_page), ids(&newest)[3..6]);
}

#[test]
fn no_hits_exits_1() {
    let corpus = sample();
    corpus
        .cmd()
        .args(["search", "zzyzxqwv"])
        .assert()
        .code(1)
        .stdout("0 articles match\n");
}

#[test]
fn show_prints_the_whole_article_and_stats_counts_it() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.index();
    let results = corpus.search_json(&["kremlin"]);
    let id = &results.hits[0].id;
    let output = corpus.cmd().args(["show", id]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("Russia says they want security talks"),
        "{text}"
    );
    assert!(
        text.contains("Date: 2024-06-21\nSource: Reuters\n"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("Emergency crews were working at the sites of the attacks. – Reuters")
    );
    let stats = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    let stats: newsindex::index::IndexStats = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats.articles, 1);
    assert_eq!(stats.earliest.as_deref(), Some("2024-06-21"));
    assert_eq!(stats.sources[0].source, "reuters");
    assert_eq!(
        stats.roots,
        [std::fs::canonicalize(corpus.archive())
            .unwrap()
            .display()
            .to_string()]
    );
}

/// For pages of 1, 3 and 10 articles: re-ranks `candidates` stopping as soon as the page
/// cannot change with no article above `ceiling` (see `rank::rank_within`), asserts that the
/// page is the one a full re-ranking of every candidate gives, and returns how many articles
/// each early re-ranking read.
pub fn early_pages(
    index: &newsindex::index::NewsIndex,
    plan: &newsindex::search::query::Plan,
    candidates: &[(f32, tantivy::DocAddress)],
    ceiling: f32,
    text: &str,
) -> Vec<(usize, usize)> {
    use newsindex::search::rank;
    let searcher = index.reader().searcher();
    let full = rank::rank(index, &searcher, plan, candidates, None).unwrap();
    let ids = |ranked: &[rank::Ranked], keep: usize| {
        ranked
            .iter()
            .take(keep)
            .map(|r| r.article.id.clone())
            .collect::<Vec<_>>()
    };
    [1, 3, 10]
        .into_iter()
        .map(|keep| {
            let early = rank::rank_within(
                index,
                &searcher,
                plan,
                candidates,
                Some(keep),
                ceiling,
                &mut rank::Scored::default(),
            )
            .unwrap();
            assert_eq!(ids(&early, keep), ids(&full, keep), "{text}, best {keep}");
            (keep, early.len())
        })
        .collect()
}

/// Re-ranking stops reading candidates once the page cannot change; the page it returns must
/// be the one a full re-ranking of every candidate gives, for one word, several words, a
/// phrase and a question.
#[test]
fn stopping_the_re_ranking_early_keeps_the_page_a_full_re_ranking_gives() {
    use newsindex::search::{SearchRequest, query};
    use tantivy::collector::TopDocs;

    let corpus = sample();
    let index = newsindex::index::NewsIndex::open(&corpus.index_dir()).unwrap();
    let searcher = index.reader().searcher();
    let mut stopped_early = 0;
    for text in [
        "election",
        "police said",
        "\"prime minister\"",
        "government health minister",
        "what did the president say about the election",
    ] {
        let request = SearchRequest {
            query: text.to_string(),
            ..SearchRequest::default()
        };
        let compiled = query::compile(&index, &request).unwrap();
        let candidates = searcher
            .search(&*compiled.query, &TopDocs::with_limit(30).order_by_score())
            .unwrap();
        for (_, read) in early_pages(&index, &compiled.plan, &candidates, 1.0, text) {
            if read < candidates.len() {
                stopped_early += 1;
            }
        }
    }
    assert!(stopped_early > 0, "no query let the re-ranking stop early");
}
