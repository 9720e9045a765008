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

/// A page whose best candidates include copies of one story is filled from further down:
/// `-n 1` and `-n 2` collapsed give the first one and two hits of the whole collapsed list,
/// each hit's copies listed alike (the candidates ranked before collapsing are not read
/// again). At least one of the pages asked for loses a hit to collapsing.
#[test]
fn a_page_that_collapsing_leaves_short_is_filled_from_further_down() {
    let corpus = wire_archive();
    let shown = |hits: &[newsindex::search::Hit]| {
        hits.iter()
            .map(|hit| {
                let copies: Vec<&str> = hit.copies.iter().map(|c| c.id.as_str()).collect();
                format!("{} {:?}", hit.id, copies)
            })
            .collect::<Vec<_>>()
    };
    let mut short = 0;
    for query in [
        "terminal cranes",
        "terminal",
        "port terminal",
        "terminal repairs",
    ] {
        let all = corpus.search_json(&[query, "--copies", "all"]);
        let full = corpus.search_json(&[query, "--copies", "collapse"]);
        for limit in [1usize, 2] {
            // Collapsing keeps the order: where the best `limit` articles differ from the
            // first `limit` stories, a copy was taken off that page.
            let ids = |hits: &[newsindex::search::Hit]| {
                hits.iter()
                    .take(limit)
                    .map(|hit| hit.id.clone())
                    .collect::<Vec<_>>()
            };
            short += usize::from(ids(&all.hits) != ids(&full.hits));
            let page =
                corpus.search_json(&[query, "--copies", "collapse", "-n", &limit.to_string()]);
            let expected = &full.hits[..limit.min(full.hits.len())];
            assert_eq!(shown(&page.hits), shown(expected), "{query} -n {limit}");
        }
    }
    assert!(short > 0, "no page lost a hit to collapsing");
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

/// `search --json ARGS` on `corpus` with its copy digest and without it (the digest is
/// removed): what each printed, in order.
fn with_and_without_digest(corpus: &TestCorpus, queries: &[&[&str]]) -> (Vec<String>, Vec<String>) {
    let digest = corpus.index_dir().join(newsindex::index::digest::FILE);
    assert!(digest.is_file(), "index writes the copy digest");
    let ask = || -> Vec<String> {
        queries
            .iter()
            .map(|args| {
                let output = corpus
                    .cmd()
                    .args(["search", "--json"])
                    .args(*args)
                    .output()
                    .unwrap();
                String::from_utf8(output.stdout).unwrap()
            })
            .collect()
    };
    let with = ask();
    std::fs::remove_file(&digest).unwrap();
    let without = ask();
    (with, without)
}

#[test]
fn a_search_finds_the_same_copies_and_stories_with_the_copy_digest_as_without() {
    let corpus = wire_archive();
    let queries: [&[&str]; 4] = [
        &["terminal", "cranes"],
        &["cranes", "--sort", "oldest"],
        &["port", "--facets-by", "stories"],
        &["harbour", "authority", "--copies", "all"],
    ];
    let (with, without) = with_and_without_digest(&corpus, &queries);
    assert_eq!(with, without);
    assert!(
        with[0].contains("\"stories\": 2") || with[0].contains("\"stories\":2"),
        "{}",
        with[0]
    );
    // An unchanged run writes it back; a changed one writes the digest of its segments.
    corpus.index();
    assert!(
        corpus
            .index_dir()
            .join(newsindex::index::digest::FILE)
            .is_file()
    );
    std::fs::remove_file(corpus.archive().join("c.txt")).unwrap();
    corpus.index();
    let (with, without) = with_and_without_digest(&corpus, &queries);
    assert_eq!(with, without);
    let results = corpus.search_json(&["terminal", "cranes"]);
    assert_eq!(results.stories, Some(2));
}

#[test]
fn a_search_finds_the_same_reprints_on_the_1916_pages_with_the_copy_digest_as_without() {
    let test = "a_search_finds_the_same_reprints_on_the_1916_pages_with_the_copy_digest_as_without";
    let Some(corpus) = pages_of(test, &["19160112", "19160113", "19160114"]) else {
        return;
    };
    let queries: [&[&str]; 5] = [
        &["villa", "bandits"],
        &["villa", "bandits", "--reuse"],
        &["german", "submarine"],
        &["war", "--sort", "newest"],
        &["city", "--limit", "20"],
    ];
    let (with, without) = with_and_without_digest(&corpus, &queries);
    assert_eq!(with, without);
    // The answers hold what the digest is for (else this test could not fail).
    assert!(with.iter().any(|o| o.contains("\"reprints\"")));
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
        corpus.index_roots(&roots);
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
    let Some(corpus) = pages_of(test, &["19160126", "19160127"]) else {
        return;
    };
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
    // The copy (Jaccard at least 0.8); other passages may have reprints found by alignment.
    let copy = |r: &newsindex::search::Copy| r.kind == newsindex::search::copies::CopyKind::Copy;
    let passage = results
        .hits
        .iter()
        .flat_map(|h| &h.passages)
        .find(|p| p.reprints.iter().any(copy))
        .unwrap();
    assert!(passage.text.contains("Thirty-six Americans"), "{passage:?}");
    assert!(
        passage
            .reprints
            .iter()
            .filter(|r| copy(r))
            .all(|r| r.similarity >= 0.8)
    );
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
            && p["reprints"].as_array().unwrap().iter().any(|r| {
                r["source"] == "Ottumwa tri-weekly courier."
                    && r["kind"] == "copy"
                    && r["start"].as_u64().is_some()
            })
    }));
}

/// The words of `paragraphs` set in a newspaper column of 36 characters, each paragraph's
/// last line short: text `newsindex` reads as an OCR page, compared passage by passage.
fn column(paragraphs: &[&str]) -> String {
    let mut page = String::new();
    for paragraph in paragraphs {
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        let (body, last) = words.split_at(words.len() - 2);
        let mut line = String::new();
        for word in body {
            if !line.is_empty() && line.len() + 1 + word.len() > 36 {
                page.push_str(&line);
                page.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        page.push_str(&line);
        page.push('\n');
        page.push_str(&last.join(" "));
        page.push('\n');
    }
    page
}

const RAIL_STORY: [&str; 6] = [
    "Freight crews on the western division of the railroad walked out at midnight after talks on overtime pay broke down, and no goods trains left the yards this morning.",
    "The company said passenger services would run as usual because the engineers who drive them belong to another union and have not joined the strike.",
    "Grain dealers in the valley warned that elevators would be full within a week if the cars did not move, and that farmers would have to hold their wheat on the farms.",
    "A mediator from the state board of arbitration arrived by the noon train and met the leaders of both sides separately in the afternoon.",
    "Neither side would say what had been offered, but the union's chairman said the men were ready to return as soon as the company agreed to pay time and a half after ten hours.",
    "The company's superintendent said he hoped the men would be back at work before the end of the week.",
];

/// A boilerplate line two papers share (their publisher's imprint) does not make their
/// passages reprints of each other, nor does a subscription notice one paper prints in every
/// issue; a reworded, OCR-damaged reprint of a story in a third paper is found.
#[test]
fn passages_sharing_only_a_boilerplate_line_are_not_reprints() {
    let imprint = "PUBLISHED EVERY EVENING EXCEPT SUNDAY BY THE VALLEY PRINTING COMPANY, ENTERED AS SECOND CLASS MATTER.";
    let notice = "Subscription terms: by carrier in the city, ten cents a week; by mail in advance, four dollars a year. Notices of births, marriages and deaths are printed free when brought to the office before noon on the day of issue.";
    let port: Vec<String> = PARAGRAPHS.iter().map(|p| p.to_string()).collect();
    let mut gazette: Vec<String> = port.clone();
    gazette[0] = format!("{imprint} {}", gazette[0]);
    gazette.push(notice.to_string());
    let mut times: Vec<String> = RAIL_STORY.iter().map(|p| p.to_string()).collect();
    times[0] = format!("{imprint} {}", times[0]);
    let mut next_gazette: Vec<String> = RAIL_STORY.iter().rev().map(|p| p.to_string()).collect();
    next_gazette.push(notice.to_string());
    // The port story as another paper set it a day later: two paragraphs left out, a few
    // words changed and OCR errors in others.
    let ledger: Vec<String> = port
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4 && *i != 7)
        .map(|(_, p)| {
            p.replace("Tuesday", "Wednesday")
                .replace("authority", "authoritv")
                .replace("container", "contalner")
                .replace("engineers", "enginecrs")
                .replace(" the ", " tbe ")
        })
        .collect();
    let corpus = TestCorpus::new();
    let page =
        |paragraphs: &[String]| column(&paragraphs.iter().map(String::as_str).collect::<Vec<_>>());
    corpus.write(
        "gazette-13.txt",
        article("", "1916-01-13", "Valley Gazette", &page(&gazette)),
    );
    corpus.write(
        "times-13.txt",
        article("", "1916-01-13", "Valley Times", &page(&times)),
    );
    corpus.write(
        "gazette-14.txt",
        article("", "1916-01-14", "Valley Gazette", &page(&next_gazette)),
    );
    corpus.write(
        "ledger-14.txt",
        article("", "1916-01-14", "Daily Ledger", &page(&ledger)),
    );
    corpus.index();
    let id_of = |word: &str, source: &str, day: &str| {
        let results = corpus.search_json(&[word, "--limit", "10"]);
        results
            .hits
            .iter()
            .find(|h| {
                h.source.as_deref() == Some(source)
                    && h.date.map(|d| d.to_string()).as_deref() == Some(day)
            })
            .map(|h| h.id.clone())
            .unwrap_or_else(|| panic!("{word} {source} {day}: {results:#?}"))
    };
    let report = |id: &str| -> serde_json::Value {
        let output = corpus
            .cmd()
            .args(["copies", id, "--json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let reprinted_in = |report: &serde_json::Value| -> Vec<String> {
        report["passages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["reprints"].as_array().unwrap().iter())
            .map(|r| r["source"].as_str().unwrap().to_string())
            .collect()
    };
    let first = id_of("harbour", "Valley Gazette", "1916-01-13");
    let gazette_report = report(&first);
    let sources = reprinted_in(&gazette_report);
    // The control: the Ledger's reworded reprint is found, by alignment (not a copy).
    assert!(
        sources.iter().any(|s| s == "Daily Ledger"),
        "{gazette_report:#}"
    );
    let ledger_reprint = gazette_report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["reprints"].as_array().unwrap().iter())
        .find(|r| r["source"] == "Daily Ledger")
        .unwrap();
    assert_eq!(ledger_reprint["kind"], "reuse");
    assert!(ledger_reprint["aligned_words"].as_u64().unwrap() >= 20);
    // The imprint line shared with the Times, and the notice the Gazette prints every day,
    // make no reprint.
    assert!(
        !sources
            .iter()
            .any(|s| s == "Valley Times" || s == "Valley Gazette"),
        "{sources:?}"
    );
    let times_report = report(&id_of("freight", "Valley Times", "1916-01-13"));
    assert_eq!(
        reprinted_in(&times_report),
        Vec::<String>::new(),
        "{times_report:#}"
    );
}

/// The AP paragraph on Bart Kramer's killing, in the El Paso Herald and the Tonopah Daily
/// Bonanza of 13 January 1916: the Bonanza shortened it and both pages are OCR-damaged, so
/// their word 5-shingles are hardly alike (Jaccard about 0.06), yet `villa bandits` lists
/// them as one reprinted passage, found by alignment.
#[test]
fn villa_bandits_on_the_1916_pages_lists_the_el_paso_and_tonopah_paragraphs_as_one_reprint() {
    let test =
        "villa_bandits_on_the_1916_pages_lists_the_el_paso_and_tonopah_paragraphs_as_one_reprint";
    let Some(corpus) = pages_of(test, &["19160112", "19160113", "19160114"]) else {
        return;
    };
    // Alignment is asked for: a collapsed search alone lists no reworded reprint.
    let plain = corpus.search_json(&["villa", "bandits", "--copies", "collapse"]);
    assert!(plain.hits.iter().all(|h| h.passages.iter().all(|p| {
        p.reprints
            .iter()
            .all(|r| r.kind != newsindex::search::copies::CopyKind::Reuse)
    })));
    let results = corpus.search_json(&["villa", "bandits", "--reuse"]);
    let (el_paso, tonopah) = ("El Paso herald.", "Tonopah daily bonanza.");
    let hit = |source: &str| {
        results
            .hits
            .iter()
            .find(|h| {
                h.source.as_deref() == Some(source)
                    && h.date.map(|d| d.to_string()).as_deref() == Some("1916-01-13")
            })
            .unwrap_or_else(|| panic!("no hit from {source}: {results:#?}"))
    };
    let mut found = Vec::new();
    for (from, to) in [(el_paso, tonopah), (tonopah, el_paso)] {
        for passage in &hit(from).passages {
            for reprint in &passage.reprints {
                if reprint.source.as_deref() == Some(to) {
                    found.push((from, passage.text.clone(), reprint.clone()));
                }
            }
        }
    }
    assert!(!found.is_empty(), "{:#?}", results.hits);
    for (from, text, reprint) in &found {
        // The AP paragraph: "... was commanded by two former Villa colonels, Lopez and
        // Beltran" (El Paso), "... by ex-Villa colonels Lopez and Ueltran" (Tonopah).
        assert!(
            text.contains("Villa colonels") || text.contains("Bart Kramer"),
            "{from}: {text}"
        );
        assert_eq!(
            reprint.kind,
            newsindex::search::copies::CopyKind::Reuse,
            "{reprint:?}"
        );
        assert!(reprint.aligned_words.unwrap() >= 20, "{reprint:?}");
        assert!(reprint.similarity > 0.0 && reprint.similarity <= 1.0);
    }
    // The terminal says so too.
    let human = corpus
        .cmd()
        .args(["search", "villa", "bandits", "--reuse", "--passages", "3"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    let block = |title: &str| {
        text.split("\n\n")
            .find(|block| block.lines().next().is_some_and(|l| l.contains(title)))
            .unwrap_or_default()
            .to_string()
    };
    let lists = |block: &str, other: &str| {
        block.lines().any(|line| {
            line.trim_start().starts_with("reprinted in")
                && line.contains(&format!("{other}, 1916-01-13 ("))
                && line.contains("words aligned)")
        })
    };
    assert!(
        lists(&block("El Paso herald, January 13"), tonopah)
            || lists(&block("Tonopah daily bonanza, January 13"), el_paso),
        "{text}"
    );
    // And `copies` lists the Tonopah paragraph among the El Paso page's reprinted passages,
    // with where the aligned text stands in both.
    let output = corpus
        .cmd()
        .args(["copies", &hit(el_paso).id, "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let passage = report["passages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"].as_str().unwrap().contains("Bart Kramer"))
        .expect("the Kramer paragraph is reprinted");
    let reprint = passage["reprints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == tonopah)
        .expect("in the Tonopah Daily Bonanza");
    assert_eq!(reprint["kind"], "reuse");
    let tonopah_page = corpus
        .cmd()
        .args(["show", reprint["id"].as_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let tonopah_page: serde_json::Value = serde_json::from_slice(&tonopah_page.stdout).unwrap();
    let body: Vec<char> = tonopah_page["body"].as_str().unwrap().chars().collect();
    let (start, end) = (
        reprint["start"].as_u64().unwrap() as usize,
        reprint["end"].as_u64().unwrap() as usize,
    );
    let aligned: String = body[start..end].iter().collect();
    assert!(aligned.contains("Bart Kramer"), "{aligned}");
    assert!(reprint["own_start"].as_u64().unwrap() >= passage["start"].as_u64().unwrap());
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
    corpus.index_roots(&[corpora.join("reuters21578/sgm-data")]);
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

/// Indexed with `--no-copy-detection`, the same files store no signatures: the story's copies
/// stay five hits when collapsed and `copies` lists none; rebuilt with detection, they are
/// grouped once more.
#[test]
fn without_copy_detection_no_article_is_a_copy() {
    let corpus = wire_archive();
    corpus.index_with(&["--rebuild", "--no-copy-detection"]);
    let results = corpus.search_json(&["terminal", "cranes", "--copies", "collapse"]);
    assert_eq!(results.hits.len(), 5, "{results:#?}");
    assert!(results.hits.iter().all(|h| h.copies.is_empty()));
    assert_eq!(results.stories, Some(5));
    let id = &results.hits[0].id;
    let listed = corpus
        .cmd()
        .args(["copies", id, "--json"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let report: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(report["copies"].as_array().map(Vec::len), Some(0));
    corpus.index_with(&["--rebuild"]);
    let results = corpus.search_json(&["terminal", "cranes", "--copies", "collapse"]);
    assert_eq!(results.hits.len(), 2, "{results:#?}");
}

/// A folder indexed without detection and then moved is re-pointed as it was: its articles
/// gain no signatures on the way, so they are still not grouped; one indexed with detection
/// keeps its groups when moved.
#[test]
fn a_moved_folder_keeps_its_articles_signed_or_not() {
    for (options, hits) in [(&["--no-copy-detection"][..], 5), (&[][..], 2)] {
        let corpus = wire_archive();
        let output = corpus.index_with(&[&["--rebuild"][..], options].concat());
        assert!(output.status.success(), "{output:?}");
        let query = ["terminal", "cranes", "--copies", "collapse"];
        assert_eq!(corpus.search_json(&query).hits.len(), hits);
        let moved = corpus.archive().parent().unwrap().join("moved");
        std::fs::rename(corpus.archive(), &moved).unwrap();
        let output = corpus.cmd().arg("index").arg(&moved).output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{err}");
        assert!(err.contains("re-pointed"), "{err}");
        let results = corpus.search_json(&query);
        assert_eq!(results.hits.len(), hits, "{options:?}: {results:#?}");
        assert!(results.hits.iter().all(|h| h.path.contains("/moved/")));
    }
}

/// Turning detection off stores no signatures, but a long body still stores its passage map
/// (a search reads its passages from it instead of cutting the body again): the map made from
/// the body alone is the one detection makes from the words it reads, and the answer is the
/// same.
#[test]
fn without_copy_detection_a_long_body_keeps_its_passage_map() {
    use newsindex::index::NewsIndex;
    use newsindex::index::passages::{PassageMap, STORED_MAP_BYTES};
    use tantivy::TantivyDocument;

    let corpus = TestCorpus::new();
    let long: String = (1..=5)
        .map(|part| format!("Part {part}.\n\n{}", story(None)))
        .collect::<Vec<_>>()
        .join("\n\n");
    assert!(long.len() >= STORED_MAP_BYTES);
    corpus.write(
        "long.txt",
        article("Cranes", "2024-03-01", "Coast Gazette", &long),
    );
    corpus.write(
        "short.txt",
        article("Crane", "2024-03-02", "Harbour Times", PARAGRAPHS[0]),
    );
    let maps = |options: &[&str]| {
        corpus.index_with(options);
        let index = NewsIndex::open(&corpus.index_dir()).unwrap();
        let searcher = index.reader().searcher();
        let mut maps = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(4).unwrap();
            for document in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                let document = document.unwrap();
                let body = index.fields().to_article(&document).body;
                maps.push((body, index.fields().passage_map(&document)));
            }
        }
        maps.sort_by(|a, b| a.0.cmp(&b.0));
        let answer = corpus.search_json(&["cranes", "repairs", "--copies", "all"]);
        (maps, format!("{:?}", answer.hits))
    };
    let (off, off_answer) = maps(&["--rebuild", "--no-copy-detection"]);
    let (on, on_answer) = maps(&["--rebuild"]);
    assert_eq!(off.len(), 2);
    for (body, map) in &off {
        let expected = (body.len() >= STORED_MAP_BYTES).then(|| PassageMap::of(body));
        assert_eq!(map, &expected, "{} bytes", body.len());
    }
    assert!(off.iter().any(|(_, map)| map.is_some()));
    assert_eq!(off, on);
    assert_eq!(off_answer, on_answer);
}

#[test]
fn a_server_collapses_copies_and_lists_reprints_as_the_command_line_does() {
    let test = "a_server_collapses_copies_and_lists_reprints_as_the_command_line_does";
    let Some(corpus) = pages_of(test, &["19160112", "19160113", "19160114"]) else {
        return;
    };
    // What is compared: each hit, its copies and each shown passage's reprints.
    type Shown = Vec<(String, Vec<String>, Vec<Vec<(String, Option<usize>)>>)>;
    let shown = |results: &newsindex::search::SearchResults| -> Shown {
        results
            .hits
            .iter()
            .map(|hit| {
                let copies = hit.copies.iter().map(|c| c.id.clone()).collect();
                let reprints = hit
                    .passages
                    .iter()
                    .map(|p| p.reprints.iter().map(|r| (r.id.clone(), r.start)).collect())
                    .collect();
                (hit.id.clone(), copies, reprints)
            })
            .collect()
    };
    // Besides a few topics, the words of a passage the index groups with another's.
    let pairs = corpus.cmd().args(["copies", "--all"]).output().unwrap();
    let pairs: serde_json::Value = serde_json::from_slice(&pairs.stdout).unwrap();
    let first = &pairs["passages"][0][0];
    let (id, start, end) = (
        first[0].as_str().unwrap(),
        first[1].as_u64().unwrap() as usize,
        first[2].as_u64().unwrap() as usize,
    );
    let read = corpus.cmd().args(["show", id, "--json"]).output().unwrap();
    let article: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let body: Vec<char> = article["body"].as_str().unwrap().chars().collect();
    let passage: String = body[start..end].iter().collect();
    let reprinted_words: Vec<String> = passage
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 5)
        .take(6)
        .map(str::to_lowercase)
        .collect();
    let (_server, addr) = crate::server::start_server(&corpus);
    let mut reprinted = 0;
    let topics = ["villa bandits", "war", "submarine", "mexico"].map(String::from);
    for query in topics.iter().chain([reprinted_words.join(" ")].iter()) {
        let words: Vec<&str> = query.split(' ').collect();
        let cli = corpus.search_json(&words);
        assert!(cli.stories.is_some(), "copies collapse by default: {query}");
        reprinted += cli
            .hits
            .iter()
            .flat_map(|h| &h.passages)
            .filter(|p| !p.reprints.is_empty())
            .count();
        // Asked twice: the second answer comes from what the server kept.
        for round in 0..2 {
            let path = format!("/api/search?passages=3&q={}", query.replace(' ', "+"));
            let response = crate::http::get(addr, &path);
            assert_eq!(response.status, 200, "{}", response.body);
            let api: newsindex::search::SearchResults =
                serde_json::from_str(&response.body).unwrap();
            assert_eq!(api.stories, cli.stories, "{query}, round {round}");
            assert_eq!(shown(&api), shown(&cli), "{query}, round {round}");
        }
    }
    assert!(
        reprinted > 0,
        "some shown passage of these pages is printed elsewhere"
    );
}

#[test]
fn a_server_counts_the_stories_of_copies_as_the_command_line_does() {
    let corpus = wire_archive();
    let cli = corpus.search_json(&["terminal", "cranes"]);
    assert_eq!(cli.stories, Some(2), "copies collapse by default");
    let (_server, addr) = crate::server::start_server(&corpus);
    // The server counts an article that shares no band with any other without reading its
    // signature; the story of four copies is still one.
    for query in ["terminal+cranes", "terminal", "port", "cranes+arrived"] {
        let expected = corpus.search_json(&query.split('+').collect::<Vec<_>>());
        for round in 0..2 {
            let response = crate::http::get(addr, &format!("/api/search?q={query}"));
            let api: newsindex::search::SearchResults =
                serde_json::from_str(&response.body).unwrap();
            assert_eq!(api.stories, expected.stories, "{query}, round {round}");
            assert_eq!(api.total, expected.total, "{query}, round {round}");
        }
    }
}

#[test]
fn a_server_stops_listing_a_copy_once_its_file_is_deleted_and_indexed() {
    let corpus = wire_archive();
    let (_server, addr) = crate::server::start_server(&corpus);
    let copies = |addr| -> Vec<String> {
        let response = crate::http::get(addr, "/api/search?q=terminal+cranes");
        let api: newsindex::search::SearchResults = serde_json::from_str(&response.body).unwrap();
        // The story's papers: its hit's and those of the copies it lists.
        let story = api.hits.iter().find(|h| !h.copies.is_empty()).unwrap();
        let mut sources: Vec<String> = story
            .copies
            .iter()
            .filter_map(|c| c.source.clone())
            .chain(story.source.clone())
            .collect();
        sources.sort();
        sources
    };
    // Asked twice: the second answer comes from what the server kept.
    for _ in 0..2 {
        assert!(
            copies(addr).contains(&"Daily Ledger".to_string()),
            "{:?}",
            copies(addr)
        );
    }
    std::fs::remove_file(corpus.archive().join("c.txt")).unwrap();
    corpus.index();
    let started = std::time::Instant::now();
    while copies(addr).contains(&"Daily Ledger".to_string()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the deleted copy is still listed after 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(copies(addr).len(), 3, "{:?}", copies(addr));
}

/// The January 1916 pages of `days` (`19160113`…) indexed, or `None` when the shared corpora
/// are absent (the test says it did not run).
fn pages_of(test: &str, days: &[&str]) -> Option<TestCorpus> {
    let corpora = shared_corpora(test)?;
    let corpus = TestCorpus::new();
    let roots: Vec<_> = days
        .iter()
        .map(|day| corpora.join("chronam-1916/dates").join(day))
        .collect();
    corpus.index_roots(&roots);
    Some(corpus)
}
