//! Formats and metadata rules: Markdown, CSV/TSV, HTML, NITF, NewsML-G2, Reuters SGML, OCR
//! pages, dates from paths and datelines, `newsindex.toml`, and the shared corpora read in place.

use std::path::{Path, PathBuf};

use newsindex::article::Article;
use newsindex::index::IndexStats;
use newsindex::search::Hit;

use crate::util::{TestCorpus, shared_corpora};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Copies `tests/fixtures/<folder>/` into the archive under the same name.
fn copy_fixtures(corpus: &TestCorpus, folder: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        let bytes = std::fs::read(entry.path()).unwrap();
        corpus.write(
            &format!("{folder}/{}", entry.file_name().to_string_lossy()),
            bytes,
        );
    }
}

/// Runs `newsindex index [ARGS] DIR` and returns the output, whatever the exit code.
fn index_dir(corpus: &TestCorpus, dir: &Path, args: &[&str]) -> std::process::Output {
    corpus
        .cmd()
        .arg("index")
        .args(args)
        .arg(dir)
        .output()
        .unwrap()
}

fn stats(corpus: &TestCorpus) -> IndexStats {
    let output = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn show(corpus: &TestCorpus, id: &str) -> Article {
    let output = corpus.cmd().args(["show", "--json", id]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn only_hit(corpus: &TestCorpus, query: &str) -> Hit {
    let results = corpus.search_json(&[query]);
    assert_eq!(results.total, 1, "{query}: {:?}", results.hits);
    results.hits.into_iter().next().unwrap()
}

fn date_of(hit: &Hit) -> String {
    hit.date.map(|d| d.to_string()).unwrap_or_default()
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn markdown_front_matter_and_headings_give_the_fields() {
    let corpus = TestCorpus::new();
    copy_fixtures(&corpus, "markdown");
    corpus.index();
    let harbour = only_hit(&corpus, "icebreaker");
    assert_eq!(harbour.title, "Harbour: ice closes the port");
    assert_eq!(date_of(&harbour), "2021-02-03T08:15:00+01:00");
    assert_eq!(harbour.source.as_deref(), Some("The Coast Herald"));
    assert_eq!(harbour.byline.as_deref(), Some("Ann Lee, Bo Kim"));
    assert_eq!(
        harbour.url.as_deref(),
        Some("https://coast.example/harbour-ice")
    );
    let dam = only_hit(&corpus, "dam");
    assert_eq!(dam.title, "Valley dam opens after ten years");
    assert_eq!(date_of(&dam), "2020-05-01");
    assert_eq!(dam.source.as_deref(), Some("Valley News"));
    let bridge = only_hit(&corpus, "bridge");
    assert_eq!(bridge.title, "Bridge reopens after repairs");
    assert_eq!(bridge.date, None, "no date in the text or the path");
}

#[test]
fn readme_license_and_attribution_files_are_skipped_with_a_verbose_note() {
    let corpus = TestCorpus::new();
    corpus.write(
        "README.md",
        "# Archive\n\nHow this archive of rivers was made.\n",
    );
    corpus.write(
        "LICENSE.txt",
        "Permission is granted to read about rivers.\n",
    );
    corpus.write("ATTRIBUTION.md", "# Sources\n\nRivers by many people.\n");
    corpus.write(
        "license-fees-rise.md",
        "# Licence fees rise\n\nRivers cost more.\n",
    );
    let output = index_dir(&corpus, &corpus.archive(), &["-v"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("1 in the index"), "{err}");
    for name in ["README.md", "LICENSE.txt", "ATTRIBUTION.md"] {
        assert!(
            err.contains(&format!("archive/{name}: not an article")),
            "{name} in:\n{err}"
        );
    }
    assert_eq!(corpus.titles(&["rivers"]), ["Licence fees rise"]);
}

#[test]
fn the_whole_sample_corpus_is_294_articles_without_its_attribution_file() {
    let corpus = TestCorpus::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
    assert!(sample.join("ATTRIBUTION.md").is_file());
    let output = index_dir(&corpus, &sample, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("294 in the index"),
        "{}",
        stderr(&output)
    );
    let stats = stats(&corpus);
    assert_eq!(stats.articles, 294);
    assert_eq!(stats.undated, 0);
}

#[test]
fn csv_and_tsv_rows_are_articles_and_a_bad_row_is_a_warning_naming_its_line() {
    let corpus = TestCorpus::new();
    copy_fixtures(&corpus, "csv");
    let output = index_dir(&corpus, &corpus.archive(), &[]);
    assert_eq!(output.status.code(), Some(4), "a row was skipped");
    let err = stderr(&output);
    assert!(
        err.contains("archive/csv/export.csv:6: malformed row: 2 fields where the header has 6"),
        "{err}"
    );
    assert!(
        err.contains("archive/csv/export.csv:7: date 'not a date' is not a date; indexed undated"),
        "{err}"
    );
    assert!(err.contains("4 in the index"), "{err}");
    assert!(err.contains("1 records skipped"), "{err}");
    let budget = only_hit(&corpus, "budget");
    assert_eq!(budget.title, "Council approves budget");
    assert_eq!(date_of(&budget), "2022-03-01T09:00:00+00:00");
    assert_eq!(budget.source.as_deref(), Some("Town Crier"));
    assert_eq!(budget.url.as_deref(), Some("https://crier.example/budget"));
    let library = only_hit(&corpus, "library");
    assert_eq!(
        library.source.as_deref(),
        Some("crier.example"),
        "the URL's host is the last resort"
    );
    assert_eq!(only_hit(&corpus, "market").date, None);
    let ferry = only_hit(&corpus, "ferry");
    assert_eq!(ferry.byline.as_deref(), Some("D. Writer"));
    assert_eq!(date_of(&ferry), "2022-04-05");
    assert_eq!(
        corpus.search_json(&["ignore"]).total,
        0,
        "TEST PAGE rows are skipped"
    );
}

#[test]
fn html_pages_give_metadata_and_only_the_article_text() {
    let corpus = TestCorpus::new();
    copy_fixtures(&corpus, "html");
    corpus.index();
    let storm = only_hit(&corpus, "storm");
    assert_eq!(storm.title, "Storm closes coast road");
    assert_eq!(date_of(&storm), "2020-11-02T07:30:00+00:00");
    assert_eq!(storm.source.as_deref(), Some("Coast Daily"));
    assert_eq!(storm.byline.as_deref(), Some("Bo Kim"));
    assert_eq!(
        storm.url.as_deref(),
        Some("https://coastdaily.example/storm")
    );
    let article = show(&corpus, &storm.id);
    assert_eq!(
        article.body,
        "Winds of 120 km/h closed the coast road overnight.\n\nCrews expect to reopen it by noon on Tuesday."
    );
    for furniture in [
        "zebracrossing",
        "marmalade",
        "lighthouse",
        "social",
        "copyright",
    ] {
        assert_eq!(corpus.search_json(&[furniture]).total, 0, "{furniture}");
    }
}

#[test]
fn nitf_and_newsml_g2_wire_xml_are_read_by_root_element() {
    let corpus = TestCorpus::new();
    copy_fixtures(&corpus, "xml");
    corpus.write(
        "xml/feed.xml",
        "<rss><channel><title>Not news</title></channel></rss>",
    );
    let output = index_dir(&corpus, &corpus.archive(), &[]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("archive/xml/feed.xml: XML root element <rss> is neither NITF"),
        "{}",
        stderr(&output)
    );
    let harbour = only_hit(&corpus, "icebreaker");
    assert_eq!(harbour.title, "Harbour freezes & ships wait");
    assert_eq!(date_of(&harbour), "2024-06-21T09:50:00+01:00");
    assert_eq!(harbour.source.as_deref(), Some("Example Wire"));
    assert_eq!(harbour.byline.as_deref(), Some("By Ann Lee"));
    let talks = only_hit(&corpus, "quarry");
    assert_eq!(talks.title, "Quarry talks resume in Geneva");
    assert_eq!(date_of(&talks), "2024-06-21T09:50:00+01:00");
    assert_eq!(talks.byline.as_deref(), Some("Bo Kim"));
    assert_eq!(
        show(&corpus, &talks.id).body,
        "Quarry talks resumed on Friday.\n\nBoth sides said they were “hopeful”."
    );
}

#[test]
fn reuters_sgml_stories_are_keyed_by_newid_and_a_bad_time_is_reported() {
    let corpus = TestCorpus::new();
    copy_fixtures(&corpus, "sgml");
    let output = index_dir(&corpus, &corpus.archive(), &["-v"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("archive/sgml/reut2-test.sgm:17: NEWID 502: date '31-MAR-1987 605:12:19.12' has an impossible time; indexed with its day, 1987-03-31"),
        "{err}"
    );
    assert!(err.contains("reut2-test.sgm: decoded from"), "{err}");
    assert!(err.contains("3 in the index"), "{err}");
    // Ids come from the path inside the archive, whatever folder holds it.
    let id = |newid: &str| newsindex::article::article_id("sgml/reut2-test.sgm", newid);
    let harbour = show(&corpus, &id("501"));
    assert_eq!(harbour.title, "HARBOUR & DOCK CO SEES HIGHER PROFIT");
    assert_eq!(harbour.source.as_deref(), Some("Reuters"));
    assert_eq!(harbour.record, Some(501));
    assert!(
        harbour
            .body
            .starts_with("LONDON, March 2 - Harbour and Dock Co <HDC.L> said profit"),
        "{}",
        harbour.body
    );
    assert!(
        harbour.body.contains("new café at the quay."),
        "{}",
        harbour.body
    );
    assert!(!harbour.body.chars().any(|c| c.is_control() && c != '\n'));
    let brief = show(&corpus, &id("502"));
    assert_eq!(brief.title, "DOCK STRIKE ENDS AFTER THREE WEEKS");
    assert_eq!(brief.body, "");
    assert_eq!(brief.date.unwrap().to_string(), "1987-03-31");
    let unprocessed = show(&corpus, &id("503"));
    assert_eq!(unprocessed.title, "WEEKLY PORT TRAFFIC REPORT");
    assert!(unprocessed.body.starts_with("Ships in port"));
}

#[test]
fn dates_come_from_the_path_then_a_dateline_and_impossible_datelines_are_reported() {
    let corpus = TestCorpus::new();
    corpus.write(
        "1916/01/03/weather.txt",
        "Snow closes the pass\n\nSnow fell on the pass all night.",
    );
    corpus.write(
        "slugs/2024-06-21-ferry-strike.txt",
        "Ferry strike called off\n\nThe ferry strike ended before it began.",
    );
    corpus.write(
        "guardian-style.txt",
        "Fri 21 Jun 2024 09.50 BST\n\nKiln prices rose again in June.",
    );
    corpus.write(
        "newspaper.txt",
        "THE MORNING GAZETTE\nNORWICH, CONN., MONDAY, JANUARY 3, 1916\n\nA lantern parade went down the main street.",
    );
    corpus.write(
        "impossible.txt",
        "Thursday, February 30, 2019\n\nA walrus was seen in the bay.",
    );
    let output = index_dir(&corpus, &corpus.archive(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "archive/impossible.txt: dateline 'Thursday, February 30, 2019' is not a real date; indexed undated"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(date_of(&only_hit(&corpus, "pass")), "1916-01-03");
    assert_eq!(date_of(&only_hit(&corpus, "ferry")), "2024-06-21");
    assert_eq!(
        date_of(&only_hit(&corpus, "kiln")),
        "2024-06-21T09:50:00+01:00"
    );
    assert_eq!(date_of(&only_hit(&corpus, "lantern")), "1916-01-03");
    assert_eq!(only_hit(&corpus, "walrus").date, None);
}

/// A page of noisy print OCR, written for this test in the manner of digitised newspapers.
const OCR_PAGE: &str = "; , Vol. 3 GREENFIELD, JANUARY I, 1916 No 2 H\n\
    ft\n7*,r\n.AV..'.- ,.\nThe ice on the mill pond was\nthick enough for skating\n,'\n.. .\ny\nV\n\
    A\nA 0\n3\nSKATERS CROWD THE POND.\nmore than a hundred came out\n";

#[test]
fn ocr_pages_get_no_noise_title_and_a_metadata_table_names_the_paper() {
    let corpus = TestCorpus::new();
    corpus.write("dates/19160103/sn99999999-ed-1_seq-1.txt", OCR_PAGE);
    corpus.write("bare.txt", OCR_PAGE);
    corpus.index();
    let results = corpus.search_json(&["skating"]);
    assert_eq!(results.total, 2);
    for hit in &results.hits {
        assert_eq!(hit.title, "", "{}", hit.path);
    }
    let page = results
        .hits
        .iter()
        .find(|h| h.path.ends_with("seq-1.txt"))
        .unwrap();
    assert_eq!(date_of(page), "1916-01-03");

    corpus.write(
        "metadata.tsv",
        "path\tdate\tlccn\tedition\tseq\tnewspaper\tplace\n\
         dates/19160103/sn99999999-ed-1_seq-1.txt\t1916-01-03\tsn99999999\t1\t1\tThe Greenfield gazette.\tGreenfield, Mass.\n",
    );
    let output = index_dir(&corpus, &corpus.archive(), &["--rebuild", "-v"]);
    assert!(
        stderr(&output).contains("archive/metadata.tsv: sidecar table"),
        "{}",
        stderr(&output)
    );
    let hit = corpus
        .search_json(&["skating", "--source", "The Greenfield gazette"])
        .hits
        .remove(0);
    assert_eq!(hit.title, "The Greenfield gazette, January 3, 1916, page 1");
    assert_eq!(hit.source.as_deref(), Some("The Greenfield gazette."));
    assert_eq!(stats(&corpus).articles, 2, "the table is not an article");
}

#[test]
fn the_archive_config_maps_fields_sets_folder_sources_and_path_dates() {
    let corpus = TestCorpus::new();
    corpus.write(
        "newsindex.toml",
        r#"# Field names of our old CMS export
exclude = ["drafts"]
[fields]
title = "hed"
body = ["copy"]
date = "run_date"

[sources]
"wire/ap" = "AP"

[dates]
path = '(?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})'
"#,
    );
    corpus.write(
        "cms.csv",
        "hed,run_date,copy,title\nGlassworks closes,2023-09-09,The glassworks closed its doors.,ignored\n",
    );
    corpus.write(
        "wire/ap/21.06.2024 quarry.txt",
        "Quarry reopens\n\nThe quarry reopened on Friday.",
    );
    corpus.write("drafts/draft.txt", "Quarry draft\n\nNot ready.");
    corpus.index();
    let glass = only_hit(&corpus, "glassworks");
    assert_eq!(glass.title, "Glassworks closes");
    assert_eq!(date_of(&glass), "2023-09-09");
    let quarry = only_hit(&corpus, "quarry");
    assert_eq!(quarry.source.as_deref(), Some("AP"));
    assert_eq!(date_of(&quarry), "2024-06-21");
}

#[test]
fn editing_the_archive_config_reads_the_files_again() {
    let corpus = TestCorpus::new();
    corpus.write(
        "wire/quarry.txt",
        "Quarry reopens\n\nThe quarry reopened on Friday.",
    );
    corpus.write(
        "local/mill.txt",
        "Mill closes\n\nThe mill closed on Monday.",
    );
    corpus.index();
    assert_eq!(only_hit(&corpus, "quarry").source, None);
    corpus.write("newsindex.toml", "[sources]\n\"wire\" = \"Example Wire\"\n");
    let output = corpus.index();
    assert!(
        stderr(&output).contains("0 added, 2 updated, 0 removed, 0 unchanged"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        only_hit(&corpus, "quarry").source.as_deref(),
        Some("Example Wire")
    );
    let again = corpus.index();
    assert!(
        stderr(&again).contains("0 updated, 0 removed, 2 unchanged"),
        "{}",
        stderr(&again)
    );
    std::fs::remove_file(corpus.archive().join("newsindex.toml")).unwrap();
    corpus.index();
    assert_eq!(only_hit(&corpus, "quarry").source, None);
    assert_eq!(stats(&corpus).articles, 2);
}

#[test]
fn a_bad_archive_config_names_the_file_and_line_and_exits_2() {
    let corpus = TestCorpus::new();
    corpus.write("a.txt", "Apples\n\nApples are red.");
    let config = corpus.write(
        "newsindex.toml",
        "[fields]\ntitle = \"hed\"\ntitel = \"x\"\n",
    );
    let output = index_dir(&corpus, &corpus.archive(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    let canonical = std::fs::canonicalize(&config).unwrap();
    assert!(
        err.starts_with(&format!(
            "newsindex: error: invalid archive config '{}:3': unknown field `titel`",
            canonical.display()
        )),
        "{err}"
    );
    assert!(
        !corpus.index_dir().join("meta.json").exists(),
        "nothing was indexed"
    );
}

#[test]
fn test_page_rows_are_skipped_by_default_and_kept_when_the_config_says_so() {
    let corpus = TestCorpus::new();
    let rows = "title,date,text\nOtter returns to river,2020-02-02,An otter was seen.\nTEST PAGE: otter,2020-02-03,Testing otter.\n";
    corpus.write("export.csv", rows);
    let output = index_dir(&corpus, &corpus.archive(), &["-v"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("archive/export.csv:3: left out 'TEST PAGE: otter'"),
        "{}",
        stderr(&output)
    );
    assert_eq!(corpus.titles(&["otter"]), ["Otter returns to river"]);
    corpus.write("newsindex.toml", "skip_titles = []\n");
    index_dir(&corpus, &corpus.archive(), &["--rebuild"]);
    assert_eq!(corpus.search_json(&["otter"]).total, 2);
}

#[test]
fn reuters_21578_all_stories_are_indexed_dated_and_sourced() {
    let Some(corpora) = shared_corpora("reuters_21578_all_stories_are_indexed_dated_and_sourced")
    else {
        return;
    };
    let corpus = TestCorpus::new();
    let sgm = corpora.join("reuters21578/sgm-data");
    let started = std::time::Instant::now();
    let output = index_dir(&corpus, &sgm, &["--json"]);
    eprintln!(
        "indexing all Reuters-21578 SGML took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // People get one line for the records kept with less (issue 15); `--json` lists each.
    let err = stderr(&output);
    assert!(
        err.lines()
            .any(|line| line.starts_with("newsindex: warning: ")
                && line.contains("records kept with less")),
        "{err}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        summary["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .ends_with("reut2-017.sgm:6653: NEWID 17192: date '31-MAR-1987 605:12:19.12' has an impossible time; indexed with its day, 1987-03-31")),
        "{} warnings, none the impossible time",
        summary["warnings"].as_array().unwrap().len()
    );
    let stats = stats(&corpus);
    assert_eq!(stats.articles, 21_578);
    assert_eq!(stats.undated, 0);
    assert_eq!(stats.earliest.as_deref(), Some("1987-02-26"));
    assert_eq!(stats.latest.as_deref(), Some("1987-10-20"));
    assert_eq!(stats.sources.len(), 1);
    assert_eq!(stats.sources[0].source, "reuters");
    assert_eq!(stats.sources[0].articles, 21_578);

    let id = |name: &str, newid: &str| newsindex::article::article_id(name, newid);
    let bad_time = show(&corpus, &id("reut2-017.sgm", "17192"));
    assert_eq!(bad_time.date.unwrap().to_string(), "1987-03-31");
    assert!(!bad_time.title.is_empty());
    assert!(bad_time.body.contains('<') && !bad_time.body.contains("&lt;"));
    let latin1 = show(&corpus, &id("reut2-017.sgm", "17980"));
    assert!(latin1.body.contains('ü'), "the one Latin-1 byte is decoded");
    assert!(!latin1.body.contains("&#"));
    assert!(!latin1.body.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn wikinews_csv_reads_293_articles_and_the_2_test_pages_only_on_request() {
    let Some(corpora) =
        shared_corpora("wikinews_csv_reads_293_articles_and_the_2_test_pages_only_on_request")
    else {
        return;
    };
    let corpus = TestCorpus::new();
    let output = index_dir(&corpus, &corpora.join("wikinews"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stats = stats(&corpus);
    assert_eq!(stats.articles, 293);
    assert_eq!(stats.undated, 0);
    assert_eq!(stats.earliest.as_deref(), Some("2019-01-04"));
    assert_eq!(stats.sources.len(), 1);
    assert_eq!(stats.sources[0].source, "wikinews");
    #[cfg(unix)]
    {
        for name in ["wikinews_2019.csv", "wikinews_2020.csv"] {
            link(
                &corpora.join("wikinews").join(name),
                &corpus.archive().join(name),
            );
        }
        corpus.write("newsindex.toml", "skip_titles = []\n");
        let output = index_dir(&corpus, &corpus.archive(), &["--rebuild"]);
        assert!(
            stderr(&output).contains("295 in the index"),
            "{}",
            stderr(&output)
        );
    }
}

#[cfg(unix)]
#[test]
fn chronam_pages_take_dates_from_the_path_and_papers_from_a_configured_table() {
    let Some(corpora) =
        shared_corpora("chronam_pages_take_dates_from_the_path_and_papers_from_a_configured_table")
    else {
        return;
    };
    let chronam = corpora.join("chronam-1916");
    let day: PathBuf = chronam.join("dates/19160103");
    let pages = std::fs::read_dir(&day).unwrap().count() as u64;
    let corpus = TestCorpus::new();
    link(&day, &corpus.archive().join("dates/19160103"));
    corpus.index();
    let plain = stats(&corpus);
    assert_eq!(plain.articles, pages);
    assert_eq!(plain.undated, 0);
    assert_eq!(plain.earliest.as_deref(), Some("1916-01-03"));
    assert_eq!(plain.latest.as_deref(), Some("1916-01-03"));
    assert!(plain.sources.is_empty(), "{:?}", plain.sources);

    link(
        &chronam.join("metadata.tsv"),
        &corpus.archive().join("pages.tsv"),
    );
    corpus.write(
        "newsindex.toml",
        "[[sidecar]]\nfile = \"pages.tsv\"\npath = \"path\"\nsource = \"newspaper\"\npage = \"seq\"\n",
    );
    let output = index_dir(&corpus, &corpus.archive(), &["--rebuild"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let named = stats(&corpus);
    assert_eq!(named.articles, pages, "the table is not read as articles");
    let with_source: u64 = named.sources.iter().map(|s| s.articles).sum();
    assert_eq!(with_source, pages);
    let hits = corpus.search_json(&["the", "--limit", "100"]).hits;
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            hit.title.ends_with(", January 3, 1916, page 1"),
            "{}",
            hit.title
        );
        assert!(
            hit.title
                .starts_with(hit.source.as_deref().unwrap().trim_end_matches('.'))
        );
    }
}
