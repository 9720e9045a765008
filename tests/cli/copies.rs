//! Copies and reprints: one story collapsed into one hit listing the papers that carried it,
//! `newsindex copies`, and the evaluation against exact Jaccard on the shared corpora.

use crate::util::{TestCorpus, article, shared_corpora};

const PARAGRAPHS: [&str; 8] = [
    "The harbour authority said on Tuesday that it would close the northern container terminal for six weeks from March while engineers replace the cranes that were damaged in the January storm.",
    "About 1,200 dock workers will be moved to the southern terminal during the closure, the authority said in a statement, and no jobs will be lost as a result of the repairs.",
    "Shipping lines have been told to expect delays of up to two days for vessels arriving at the port, which handles a third of the country's imported food and most of its fuel.",
    "The union representing crane operators welcomed the decision but said the authority had ignored warnings about the condition of the cranes for more than three years before the storm.",
    "Officials declined to say how much the repairs would cost.",
    "Local businesses near the northern terminal said they feared a drop in trade during the six weeks, with cafes and repair shops depending on the workers who pass through each day.",
    "The authority's chief executive said the new cranes would be able to handle the largest container ships now in service and would make the port safer for the people who work there.",
    "A public meeting on the plans will be held at the town hall on Thursday evening.",
];

fn story(skip: Option<usize>) -> String {
    PARAGRAPHS
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, p)| *p)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The story and three edited copies, plus an unrelated article that matches the same query.
pub fn wire_archive() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article(
            "Port to close terminal for crane repairs",
            "2024-03-01",
            "Coast Gazette",
            &story(None),
        ),
    );
    corpus.write(
        "b.txt",
        article(
            "Northern terminal shut for six weeks",
            "2024-03-02",
            "Harbour Times",
            &story(None),
        ),
    );
    corpus.write(
        "c.txt",
        article(
            "Port to close terminal for crane repairs",
            "2024-03-03",
            "Daily Ledger",
            &story(Some(4)),
        ),
    );
    corpus.write(
        "d.txt",
        article(
            "Port to close terminal for crane repairs",
            "2024-03-04",
            "Evening Star",
            &format!(
                "By Jane Morrow, Transport Correspondent\n\n{}\n\nFollow the Evening Star for more local news every day, and write to our letters page with your views.",
                story(None)
            ),
        ),
    );
    corpus.write(
        "e.txt",
        article(
            "Cranes arrive for the southern terminal",
            "2024-03-05",
            "Coast Gazette",
            "Two new cranes for the southern container terminal arrived by sea on Monday and will be assembled over the next month, the harbour authority said.\n\nThe cranes were built abroad and carried on a heavy-lift ship that took five weeks to reach the port.",
        ),
    );
    corpus.index();
    corpus
}

#[test]
fn a_story_and_three_edited_copies_collapse_into_one_hit_listing_three_copies() {
    let corpus = wire_archive();
    let results = corpus.search_json(&["terminal", "cranes", "--copies", "collapse"]);
    assert_eq!(results.total, 5);
    assert_eq!(results.stories, Some(2));
    assert_eq!(results.hits.len(), 2, "{:#?}", results.hits);
    let story = results
        .hits
        .iter()
        .find(|hit| hit.copies.len() == 3)
        .expect("one hit lists three copies");
    let mut sources: Vec<_> = std::iter::once(&story.source)
        .chain(story.copies.iter().map(|c| &c.source))
        .map(|s| s.clone().unwrap())
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            "Coast Gazette",
            "Daily Ledger",
            "Evening Star",
            "Harbour Times"
        ]
    );
    for copy in &story.copies {
        assert!(copy.similarity >= 0.8 && copy.similarity <= 1.0, "{copy:?}");
    }
    let other = results
        .hits
        .iter()
        .find(|hit| hit.copies.is_empty())
        .unwrap();
    assert_eq!(other.title, "Cranes arrive for the southern terminal");

    let all = corpus.search_json(&["terminal", "cranes", "--copies", "all"]);
    assert_eq!(all.hits.len(), 5);
    assert!(all.hits.iter().all(|hit| hit.copies.is_empty()));
    assert_eq!(all.stories, None);

    // By date, the earliest copy stands for the story.
    let oldest = corpus.search_json(&[
        "terminal", "cranes", "--sort", "oldest", "--copies", "collapse",
    ]);
    assert_eq!(oldest.hits.len(), 2);
    assert_eq!(oldest.hits[0].source.as_deref(), Some("Coast Gazette"));
    assert_eq!(oldest.hits[0].copies.len(), 3);

    let human = corpus
        .cmd()
        .args(["search", "terminal", "cranes", "--copies", "collapse"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.starts_with("2 stories (5 articles match"), "{text}");
    assert!(text.contains("also carried by 3: "), "{text}");
}

#[test]
fn deleting_one_copys_file_updates_the_group() {
    let corpus = wire_archive();
    std::fs::remove_file(corpus.archive().join("c.txt")).unwrap();
    corpus.index();
    let results = corpus.search_json(&["terminal", "cranes", "--copies", "collapse"]);
    assert_eq!(results.total, 4);
    assert_eq!(results.stories, Some(2));
    let story = results.hits.iter().find(|h| !h.copies.is_empty()).unwrap();
    assert_eq!(story.copies.len(), 2);
    assert!(
        story
            .copies
            .iter()
            .all(|c| c.source.as_deref() != Some("Daily Ledger"))
    );
}

#[test]
fn the_copies_command_lists_copies_by_date_with_added_and_removed_sentences() {
    let corpus = wire_archive();
    let results = corpus.search_json(&[
        "terminal", "cranes", "--sort", "oldest", "--copies", "collapse",
    ]);
    let id = &results.hits[0].id;
    let output = corpus
        .cmd()
        .args(["copies", id, "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let copies = report["copies"].as_array().unwrap();
    let sources: Vec<&str> = copies
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["Harbour Times", "Daily Ledger", "Evening Star"]);
    assert_eq!(copies[0]["added"].as_array().unwrap().len(), 0);
    assert_eq!(
        copies[1]["removed"],
        serde_json::json!(["Officials declined to say how much the repairs would cost."])
    );
    let added: Vec<&str> = copies[2]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        added.contains(&"By Jane Morrow, Transport Correspondent"),
        "{added:?}"
    );
    assert!(
        added
            .iter()
            .any(|s| s.starts_with("Follow the Evening Star")),
        "{added:?}"
    );
    let human = corpus.cmd().args(["copies", id]).output().unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("3 copies:"), "{text}");
    assert!(text.contains("    - Officials declined"), "{text}");
}

#[test]
fn two_articles_that_share_only_a_boilerplate_paragraph_are_not_copies() {
    let corpus = TestCorpus::new();
    let footer = "Subscribe to the Coast Gazette for unlimited access to local news, weather and sport, and sign up for our morning newsletter to get the day's headlines in your inbox before breakfast.";
    corpus.write(
        "a.txt",
        article(
            "Council approves new library",
            "2024-05-01",
            "Coast Gazette",
            &format!("The council voted on Monday to build a new library beside the station, replacing the old building that closed after a fire last year.\n\n{footer}"),
        ),
    );
    corpus.write(
        "b.txt",
        article(
            "School wins regional chess final",
            "2024-05-02",
            "Coast Gazette",
            &format!("Pupils from the harbour school won the regional chess final on Saturday, beating six other teams over a long day of games in the town hall.\n\n{footer}"),
        ),
    );
    corpus.index();
    let results = corpus.search_json(&["newsletter", "--copies", "collapse"]);
    assert_eq!(results.total, 2);
    assert_eq!(results.stories, Some(2));
    assert_eq!(results.hits.len(), 2);
    assert!(results.hits.iter().all(|hit| hit.copies.is_empty()));
}

/// The index's groups against exact Jaccard by brute force (bench/copies_eval.py): Reuters
/// for articles, a week of the January 1916 pages for articles and OCR passages.
#[test]
fn copy_detection_meets_its_floors_against_exact_jaccard() {
    let test = "copy_detection_meets_its_floors_against_exact_jaccard";
    let Some(corpora) = shared_corpora(test) else {
        return;
    };
    let has_python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python {
        eprintln!("SKIPPED {test}: python3 is not available");
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/copies_eval.py");
    let days: Vec<std::path::PathBuf> = (10..=16)
        .map(|day| corpora.join(format!("chronam-1916/dates/191601{day}")))
        .collect();
    for roots in [vec![corpora.join("reuters21578/sgm-data")], days] {
        let corpus = TestCorpus::new();
        let output = corpus
            .cmd()
            .arg("-q")
            .arg("index")
            .args(&roots)
            .output()
            .unwrap();
        assert!(output.status.code() == Some(0) || output.status.code() == Some(4));
        let output = std::process::Command::new("python3")
            .arg(&script)
            .arg(assert_cmd::cargo::cargo_bin("newsindex"))
            .arg(corpus.index_dir())
            .args(["--min-precision", "0.95", "--min-recall", "0.95"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        eprintln!("{text}{}", String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "{roots:?}: {text}");
    }
}

/// An AP paragraph about Villa printed by the Rock Island Argus on 26 January 1916 and the
/// Ottumwa Tri-Weekly Courier the next day, OCR errors and all: each page's hit says where
/// else the passage was printed.
#[test]
fn a_reprinted_1916_passage_lists_the_other_paper_that_printed_it() {
    let test = "a_reprinted_1916_passage_lists_the_other_paper_that_printed_it";
    let Some(corpora) = shared_corpora(test) else {
        return;
    };
    let corpus = TestCorpus::new();
    let output = corpus
        .cmd()
        .arg("-q")
        .arg("index")
        .arg(corpora.join("chronam-1916/dates/19160126"))
        .arg(corpora.join("chronam-1916/dates/19160127"))
        .output()
        .unwrap();
    assert!(output.status.code() == Some(0) || output.status.code() == Some(4));
    let results = corpus.search_json(&["villa", "\"thrown into prison\"", "--copies", "collapse"]);
    let reprinted: Vec<(String, String)> = results
        .hits
        .iter()
        .flat_map(|hit| {
            hit.passages.iter().flat_map(move |p| {
                p.reprints.iter().map(move |r| {
                    (
                        hit.source.clone().unwrap_or_default(),
                        r.source.clone().unwrap_or_default(),
                    )
                })
            })
        })
        .collect();
    assert!(
        reprinted.contains(&(
            "Rock Island Argus.".to_string(),
            "Ottumwa tri-weekly courier.".to_string()
        )),
        "{reprinted:?}"
    );
    assert!(
        reprinted.contains(&(
            "Ottumwa tri-weekly courier.".to_string(),
            "Rock Island Argus.".to_string()
        )),
        "{reprinted:?}"
    );
    let passage = results
        .hits
        .iter()
        .flat_map(|h| &h.passages)
        .find(|p| !p.reprints.is_empty())
        .unwrap();
    assert!(passage.text.contains("Thirty-six Americans"), "{passage:?}");
    assert!(passage.reprints[0].similarity >= 0.8);
    // The copies command lists it too, with where it stands in the other page.
    let id = &results
        .hits
        .iter()
        .find(|h| h.source.as_deref() == Some("Rock Island Argus."))
        .unwrap()
        .id;
    let output = corpus
        .cmd()
        .args(["copies", id, "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let passages = report["passages"].as_array().unwrap();
    assert!(passages.iter().any(|p| {
        p["text"].as_str().unwrap().contains("Thirty-six Americans")
            && p["reprints"][0]["source"] == "Ottumwa tri-weekly courier."
            && p["reprints"][0]["start"].as_u64().is_some()
    }));
}

/// Facets count articles unless asked to count stories, and say which they count: in the JSON
/// (`counted`, each entry's `stories`), on the terminal and in the timeline.
#[test]
fn facets_count_stories_or_articles_as_asked_and_say_which() {
    let corpus = wire_archive();
    let articles = corpus.search_json(&["terminal", "cranes", "--facets", "-n", "0"]);
    let facets = articles.facets.unwrap();
    assert_eq!(facets.counted, newsindex::search::Counted::Articles);
    assert_eq!((facets.total, facets.stories), (5, None));
    assert_eq!(facets.dates[0].articles, 5);
    assert!(facets.sources.iter().all(|s| s.stories.is_none()));

    let stories = corpus.search_json(&["terminal", "cranes", "--facets-by", "stories", "-n", "0"]);
    let facets = stories.facets.unwrap();
    assert_eq!(facets.counted, newsindex::search::Counted::Stories);
    // Four copies of one story and one other article: two stories, in March 2024.
    assert_eq!((facets.total, facets.stories), (5, Some(2)));
    assert_eq!(
        (facets.dates[0].articles, facets.dates[0].stories),
        (5, Some(2))
    );
    // The Coast Gazette printed both stories; each other paper one copy of the first.
    let gazette = facets
        .sources
        .iter()
        .find(|s| s.source.contains("gazette"))
        .unwrap();
    assert_eq!((gazette.articles, gazette.stories), (2, Some(2)));
    assert_eq!(facets.sources[0].source, gazette.source);
    assert_eq!(facets.sources.len(), 4);

    let text = |args: &[&str]| {
        let output = corpus.cmd().args(args).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let human = text(&[
        "search",
        "terminal",
        "cranes",
        "--facets-by",
        "stories",
        "-n",
        "0",
    ]);
    assert!(human.contains("\nyears (stories):   2024 2\n"), "{human}");
    assert!(human.contains("sources (stories): "), "{human}");
    let human = text(&["search", "terminal", "cranes", "--facets", "-n", "0"]);
    assert!(human.contains("\nyears (articles):   2024 5\n"), "{human}");

    let timeline = text(&[
        "timeline", "terminal", "cranes", "--count", "stories", "--json",
    ]);
    let timeline: serde_json::Value = serde_json::from_str(&timeline).unwrap();
    assert_eq!(timeline["counted"], "stories");
    assert_eq!(timeline["dates"][0]["stories"], 2);
    assert_eq!(timeline["dates"][0]["articles"], 5);
    let chart = text(&["timeline", "terminal", "cranes", "--count", "stories"]);
    assert!(
        chart.starts_with("5 articles match; 2 stories, charted as stories"),
        "{chart}"
    );
    assert!(chart.contains("2024-03  2 "), "{chart}");
    let refused = corpus
        .cmd()
        .args(["search", "terminal", "--facets-by", "words"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stories"));
}

/// The story count a search gathers while it collects its hits (an estimate from the stored
/// signatures) against stories judged on the text: the matches joined by every pair of copies
/// `newsindex copies --all` confirms by exact Jaccard. On Reuters-21578 they differ by a few
/// near-copies whose estimate passes and whose exact similarity falls just short.
#[test]
fn the_story_count_gathered_while_searching_agrees_with_copies_judged_on_text() {
    let test = "the_story_count_gathered_while_searching_agrees_with_copies_judged_on_text";
    let Some(corpora) = shared_corpora(test) else {
        return;
    };
    let corpus = TestCorpus::new();
    let output = corpus
        .cmd()
        .arg("-q")
        .arg("index")
        .arg(corpora.join("reuters21578/sgm-data"))
        .output()
        .unwrap();
    assert!(output.status.code() == Some(0) || output.status.code() == Some(4));
    let pairs = corpus
        .cmd()
        .args(["copies", "--all", "--json"])
        .output()
        .unwrap();
    let pairs: serde_json::Value = serde_json::from_slice(&pairs.stdout).unwrap();
    let pairs: Vec<(String, String)> = pairs["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    assert!(pairs.len() > 400, "{}", pairs.len());
    let mut copies_seen = 0;
    for query in ["cocoa", "coffee", "gold", "opec", "sugar", "earthquake"] {
        let all = corpus.search_json(&[query, "--copies", "all", "-n", "1000", "--passages", "0"]);
        assert_eq!(all.total as usize, all.hits.len(), "{query}");
        let ids: Vec<&str> = all.hits.iter().map(|h| h.id.as_str()).collect();
        let mut parent: std::collections::HashMap<&str, &str> =
            ids.iter().map(|&id| (id, id)).collect();
        fn root<'a>(
            parent: &std::collections::HashMap<&'a str, &'a str>,
            mut at: &'a str,
        ) -> &'a str {
            while parent[at] != at {
                at = parent[at];
            }
            at
        }
        for (a, b) in &pairs {
            if parent.contains_key(a.as_str()) && parent.contains_key(b.as_str()) {
                let (ra, rb) = (root(&parent, a), root(&parent, b));
                if ra != rb {
                    parent.insert(ra, rb);
                    copies_seen += 1;
                }
            }
        }
        let exact = ids
            .iter()
            .map(|id| root(&parent, id))
            .collect::<std::collections::HashSet<_>>()
            .len() as u64;
        let collapsed = corpus.search_json(&[query, "--copies", "collapse", "-n", "0"]);
        let counted = collapsed.stories.unwrap();
        assert_eq!(collapsed.total, all.total);
        let off = counted.abs_diff(exact);
        assert!(
            off <= 1 + exact / 50,
            "{query}: {counted} stories counted, {exact} judged on the text"
        );
    }
    assert!(copies_seen > 10, "the queries hold copies: {copies_seen}");
}
