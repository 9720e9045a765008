//! Archive handling (issue 12): file names from old systems, broken CSV quotes, binary files
//! named like text, damaged or outdated indexes, and exports that fail halfway.

use std::path::Path;

use crate::util::TestCorpus;

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The seed article of `sample_corpus/`, real text from the shared corpora.
fn seed_text() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus/seed/000_833dcbfb9c9e23fc.txt"),
    )
    .unwrap()
}

#[cfg(unix)]
#[test]
fn issue_12_a_latin1_file_name_is_indexed_and_kept_in_sync() {
    use std::os::unix::ffi::OsStrExt;
    let corpus = TestCorpus::new();
    // "Kremlin_d\xe9clare.txt": a Latin-1 name, as archives from old Windows or FTP systems have.
    let name = std::ffi::OsStr::from_bytes(b"Kremlin_d\xe9clare.txt");
    std::fs::write(corpus.archive().join(name), seed_text()).unwrap();
    let first = corpus.index();
    let summary = stderr(&first);
    assert!(summary.contains("1 added"), "{summary}");
    assert!(!summary.contains("No such file"), "{summary}");
    let results = corpus.search_json(&["Peskov"]);
    assert_eq!(results.total, 1);
    assert!(
        results.hits[0].path.ends_with("Kremlin_d\\xE9clare.txt"),
        "{}",
        results.hits[0].path
    );
    let second = corpus.index();
    let summary = stderr(&second);
    assert!(
        summary.contains("0 added, 0 updated, 0 removed, 1 unchanged"),
        "{summary}"
    );
    std::fs::remove_file(corpus.archive().join(name)).unwrap();
    let third = corpus.index();
    assert!(stderr(&third).contains("1 removed"), "{}", stderr(&third));
    assert_eq!(corpus.search_json(&["Peskov"]).total, 0);
}

/// The first `count` rows of a Wikinews CSV export, each written back as CSV text.
fn wikinews_rows(corpora: &Path, count: usize) -> (String, Vec<String>, Vec<String>) {
    let mut reader = csv::Reader::from_path(corpora.join("wikinews/wikinews_2020.csv")).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .collect::<Vec<_>>()
        .join(",");
    let mut rows = Vec::new();
    let mut titles = Vec::new();
    for record in reader.records().take(count) {
        let record = record.unwrap();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&record).unwrap();
        rows.push(String::from_utf8(writer.into_inner().unwrap()).unwrap());
        titles.push(record[2].to_string());
    }
    (header, rows, titles)
}

#[test]
fn issue_12_a_csv_row_with_an_unbalanced_quote_loses_only_itself() {
    let Some(corpora) = crate::util::shared_corpora(
        "issue_12_a_csv_row_with_an_unbalanced_quote_loses_only_itself",
    ) else {
        return;
    };
    let (header, rows, titles) = wikinews_rows(&corpora, 4);
    // The second row loses the quote that closes its text, as a hand-edited export does.
    let broken = rows[1].trim_end().strip_suffix('"').unwrap().to_string() + "\n";
    let text = format!("{header}\n{}{broken}{}{}", rows[0], rows[2], rows[3]);
    let broken_line = 2 + rows[0].matches('\n').count();
    let resume_line = broken_line + broken.matches('\n').count();
    let corpus = TestCorpus::new();
    corpus.write("wikinews.csv", &text);
    let output = corpus
        .cmd()
        .arg("index")
        .arg(corpus.archive())
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(4), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    let place = format!("archive/wikinews.csv:{broken_line}: malformed row: ");
    let lines = format!(
        "; lines {broken_line}-{} left out; reading resumes at line {resume_line}",
        resume_line - 1
    );
    assert!(warnings[0].contains(&place), "{err}");
    assert!(warnings[0].ends_with(&lines), "{err}");
    assert!(err.contains("1 records skipped"), "{err}");
    assert!(err.contains("3 indexed"), "{err}");
    let mut found = corpus.titles(&["the", "--limit", "10"]);
    found.sort();
    let mut good = vec![titles[0].clone(), titles[2].clone(), titles[3].clone()];
    good.sort();
    assert_eq!(found, good);
}

#[test]
fn issue_12_random_bytes_and_a_compressed_pdf_named_txt_are_skipped_naming_their_type() {
    let corpus = TestCorpus::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/binary");
    // Neither file holds a NUL byte: only their content tells them from text.
    for name in ["random.txt", "report.txt"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        assert!(!bytes.contains(&0));
        corpus.write(name, bytes);
    }
    corpus.write("seed.txt", seed_text());
    let output = corpus
        .cmd()
        .arg("index")
        .arg(corpus.archive())
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(4), "{err}");
    for expected in [
        "archive/random.txt: binary file of no known type: ",
        "archive/report.txt: binary file (application/pdf, .pdf): ",
        "control characters once decoded; not text",
        "1 added",
        "2 skipped",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    let stats = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    let stats: newsindex::index::IndexStats = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats.articles, 1);
}

/// Builds an index of the seed article and returns the corpus.
fn seed_index() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.write("seed.txt", seed_text());
    corpus.index();
    corpus
}

fn rebuild(corpus: &TestCorpus) {
    corpus.index_with(&["--rebuild"]);
    assert_eq!(corpus.search_json(&["Peskov"]).total, 1);
}

#[test]
fn issue_12_an_index_of_an_older_schema_version_is_refused_saying_what_to_run() {
    let corpus = seed_index();
    let meta_path = corpus.index_dir().join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let current = format!(
        "\\\"schema_version\\\":{}",
        newsindex::index::schema::SCHEMA_VERSION
    );
    assert!(meta.contains(&current), "{meta}");
    std::fs::write(
        &meta_path,
        meta.replace(&current, "\\\"schema_version\\\":1"),
    )
    .unwrap();
    let archive = corpus.archive().canonicalize().unwrap();
    let expected = format!(
        "was built by another version of newsindex (schema version 1, this one needs {}); rebuild it: `newsindex index --rebuild {}`",
        newsindex::index::schema::SCHEMA_VERSION,
        archive.display()
    );
    for args in [&["search", "Peskov"][..], &["index", "archive"], &["stats"]] {
        let output = corpus.cmd().args(args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    }
    rebuild(&corpus);
}

#[test]
fn issue_12_a_truncated_segment_file_is_reported_as_damage_with_the_command_to_run() {
    let corpus = seed_index();
    let largest = std::fs::read_dir(corpus.index_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext != "json" && ext != "lock")
        })
        .max_by_key(|path| std::fs::metadata(path).unwrap().len())
        .unwrap();
    let bytes = std::fs::read(&largest).unwrap();
    std::fs::write(&largest, &bytes[..bytes.len() / 2]).unwrap();
    for args in [&["search", "Peskov"][..], &["index", "archive"]] {
        let output = corpus.cmd().args(args).output().unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.contains("is damaged: run `newsindex index --rebuild "),
            "{args:?}: {err}"
        );
        assert!(!err.contains("tantivy 0.15"), "{err}");
    }
    rebuild(&corpus);
}

#[cfg(unix)]
#[test]
fn issue_12_an_export_that_fails_halfway_leaves_no_file_under_the_target_name() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("wikinews");
    let out = corpus.archive().parent().unwrap().join("out.ndjson");
    // A file size limit makes the write fail halfway with "File too large" (the signal that
    // would otherwise end the process is ignored, as it is across exec).
    let run = || {
        let mut cmd = corpus.std_cmd();
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let mut shell = std::process::Command::new("sh");
        shell
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 200; exec \"$@\"")
            .arg("sh")
            .arg(program)
            .args(args)
            .args(["export", "archive", "--out", "out.ndjson"]);
        shell.current_dir(corpus.archive().parent().unwrap());
        for (key, value) in cmd.get_envs() {
            match value {
                Some(value) => shell.env(key, value),
                None => shell.env_remove(key),
            };
        }
        cmd = shell;
        cmd.output().unwrap()
    };
    let output = run();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(5), "{err}");
    assert!(err.contains("out.ndjson"), "{err}");
    assert!(
        !out.exists(),
        "a partial export was left under the target name"
    );
    // An earlier, complete export under the name is kept as it was.
    std::fs::write(&out, "{\"complete\": true}\n").unwrap();
    assert_eq!(run().status.code(), Some(5));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "{\"complete\": true}\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The paragraphs of the seed article after its date line.
fn seed_paragraphs() -> Vec<String> {
    String::from_utf8(seed_text())
        .unwrap()
        .split("\n\n")
        .skip(1)
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn issue_12_plain_text_headlines_with_digits_currency_or_lower_case_are_titles() {
    let corpus = TestCorpus::new();
    let paragraphs = seed_paragraphs();
    let headlines = [
        "Italy 17-28 Ireland",
        "Steel firm 'to cut' 45,000 jobs",
        "$1m payoff for former Shell boss",
        "eBay to buy Skype for $2.6bn",
    ];
    // Laid out as a BBC news text file: headline, blank line, body.
    for (n, headline) in headlines.iter().enumerate() {
        let body = paragraphs[n..n + 3].join("\n\n");
        corpus.write(
            &format!("bbc/{n:03}.txt"),
            format!("{headline}\n\n{body}\n"),
        );
    }
    // A one-paragraph wire story: its dateline lede is not a title, and keeps the credit.
    corpus.write(
        "wire.txt",
        format!("MOSCOW (Reuters) - {}\n", paragraphs[0]),
    );
    corpus.index();
    let hits = corpus.search_json(&["Kremlin OR Peskov OR Russia OR Ukraine", "--limit", "10"]);
    let mut titles: Vec<&str> = hits.hits.iter().map(|hit| hit.title.as_str()).collect();
    titles.sort();
    let mut expected = headlines.to_vec();
    expected.push("");
    expected.sort();
    assert_eq!(titles, expected);
    let wire = hits.hits.iter().find(|hit| hit.title.is_empty()).unwrap();
    assert!(wire.path.ends_with("wire.txt"), "{}", wire.path);
    assert_eq!(wire.source.as_deref(), Some("Reuters"));
}

#[test]
fn issue_12_days_are_the_calendar_days_articles_were_published_on_unless_utc() {
    let corpus = TestCorpus::new();
    let paragraphs = seed_paragraphs();
    // 6 May in Berlin is 5 May in UTC; 6 May in Chicago's evening is 7 May in UTC.
    for (name, date, body) in [
        ("berlin.json", "2019-05-06T01:00:00+02:00", &paragraphs[0]),
        ("chicago.json", "2019-05-06T22:30:00-05:00", &paragraphs[1]),
    ] {
        let record = serde_json::json!({"title": name, "date": date, "body": body});
        corpus.write(name, record.to_string());
    }
    corpus.index();
    let day = ["--from", "2019-05-06", "--to", "2019-05-06"];
    let mut local: Vec<String> = corpus.titles(&[&["Kremlin"][..], &day].concat());
    local.sort();
    assert_eq!(local, ["berlin.json", "chicago.json"]);
    assert!(
        corpus
            .titles(&[&["Kremlin"][..], &day, &["--utc"]].concat())
            .is_empty()
    );
    let utc_days = ["--from", "2019-05-05", "--to", "2019-05-07", "--utc"];
    assert_eq!(
        corpus.titles(&[&["Kremlin"][..], &utc_days].concat()).len(),
        2
    );
    let timeline = |extra: &[&str]| {
        let output = corpus
            .cmd()
            .args(["timeline", "Kremlin", "--by", "day", "--json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let facets: newsindex::search::Facets = serde_json::from_slice(&output.stdout).unwrap();
        facets
            .dates
            .iter()
            .filter(|period| period.articles > 0)
            .map(|period| (period.period.clone(), period.articles))
            .collect::<Vec<_>>()
    };
    assert_eq!(timeline(&[]), [("2019-05-06".to_string(), 2)]);
    assert_eq!(
        timeline(&["--utc"]),
        [("2019-05-05".to_string(), 1), ("2019-05-07".to_string(), 1)]
    );
}

fn stats_json(corpus: &TestCorpus) -> newsindex::index::IndexStats {
    let output = corpus.cmd().args(["stats", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn issue_12_a_moved_archive_keeps_its_ids_and_is_re_pointed_not_doubled() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    corpus.index();
    let ids = corpus.all_ids(&["the"]);
    assert_eq!(ids.len(), 294);
    // The same archive elsewhere, indexed on its own, has the same ids.
    let copy = TestCorpus::new();
    copy.copy_sample("seed");
    copy.copy_sample("wikinews");
    copy.index();
    assert_eq!(copy.all_ids(&["the"]), ids);

    let moved = corpus.archive().parent().unwrap().join("moved");
    std::fs::rename(corpus.archive(), &moved).unwrap();
    let output = corpus.cmd().arg("index").arg(&moved).output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let before = std::fs::canonicalize(moved.parent().unwrap())
        .unwrap()
        .join("archive");
    let now = std::fs::canonicalize(&moved).unwrap();
    let expected = format!(
        "moved: '{}' is now '{}' (294 files re-pointed, ids kept)",
        before.display(),
        now.display()
    );
    assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    assert!(
        err.contains("0 added, 0 updated, 0 removed, 294 unchanged"),
        "{err}"
    );
    assert!(err.contains("294 in the index"), "{err}");
    assert_eq!(corpus.all_ids(&["the"]), ids);
    let hits = corpus.search_json(&["Peskov"]);
    assert_eq!(hits.total, 1);
    assert!(Path::new(&hits.hits[0].path).starts_with(&now));
    let stats = stats_json(&corpus);
    assert_eq!(stats.roots, [now.display().to_string()]);
    assert_eq!(stats.root_articles.len(), 1);
    assert_eq!(stats.root_articles[0].articles, 294);
    // A second run finds nothing to do.
    let again = corpus.cmd().arg("index").arg(&moved).output().unwrap();
    assert!(
        stderr(&again).contains("294 unchanged"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn issue_12_prune_removes_folders_that_are_gone_and_stats_lists_folders_with_counts() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    let other = corpus.archive().parent().unwrap().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("seed-copy.txt"), seed_text()).unwrap();
    std::fs::write(
        other.join("note.txt"),
        "Harbour freezes over\n\nShips were stuck.\n",
    )
    .unwrap();
    let output = corpus
        .cmd()
        .arg("index")
        .arg(corpus.archive())
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let counts: Vec<u64> = stats_json(&corpus)
        .root_articles
        .iter()
        .map(|r| r.articles)
        .collect();
    assert_eq!(counts, [1, 2]);
    std::fs::remove_dir_all(&other).unwrap();
    let human = corpus.cmd().arg("stats").output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout).into_owned();
    assert!(text.contains("archive (1 articles)"), "{text}");
    assert!(
        text.contains("other (2 articles) (gone: `newsindex index --prune` removes its articles)"),
        "{text}"
    );
    let pruned = corpus.cmd().args(["index", "--prune"]).output().unwrap();
    let err = stderr(&pruned);
    assert_eq!(pruned.status.code(), Some(0), "{err}");
    assert!(err.contains("other' is gone (2 articles removed)"), "{err}");
    assert!(err.contains("1 in the index"), "{err}");
    let stats = stats_json(&corpus);
    assert_eq!(stats.root_articles.len(), 1);
    assert_eq!(stats.articles, 1);
    assert!(stats.root_articles[0].root.ends_with("archive"));
}

/// Every article of the index as exported (id, path, title, date, source), ordered by path.
fn exported(corpus: &TestCorpus) -> Vec<[String; 5]> {
    let output = corpus.cmd().arg("export").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut rows: Vec<[String; 5]> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |name: &str| value[name].as_str().unwrap_or_default().to_string();
            [
                field("path"),
                field("id"),
                field("title"),
                field("date"),
                field("source_raw"),
            ]
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn issue_12_a_day_folder_of_the_1916_pages_gets_the_metadata_a_full_run_gives() {
    let Some(corpora) = crate::util::shared_corpora(
        "issue_12_a_day_folder_of_the_1916_pages_gets_the_metadata_a_full_run_gives",
    ) else {
        return;
    };
    let chronam = corpora.join("chronam-1916");
    // The archive is a copy of chronam-1916 with three pages of each of its first two days.
    let corpus = TestCorpus::new();
    for day in ["19160101", "19160102"] {
        let mut pages: Vec<_> = std::fs::read_dir(chronam.join("dates").join(day))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        pages.sort();
        for page in &pages[..3] {
            let name = page.file_name().unwrap().to_str().unwrap();
            corpus.write(&format!("dates/{day}/{name}"), std::fs::read(page).unwrap());
        }
    }
    let day = corpus.archive().join("dates/19160101");
    let index_folder = |folder: &Path| {
        let output = corpus.cmd().arg("index").arg(folder).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stderr(&output)
    };
    // Before the archive has its metadata.tsv, the day's pages are read without it: undated.
    let before = index_folder(&day);
    assert!(before.contains("3 indexed (3 undated)"), "{before}");
    // With the table in place, a full run reads those pages again and repairs them.
    std::fs::copy(
        chronam.join("metadata.tsv"),
        corpus.archive().join("metadata.tsv"),
    )
    .unwrap();
    let full = index_folder(&corpus.archive());
    assert!(full.contains("3 added, 3 updated"), "{full}");
    assert!(full.contains("6 indexed (0 undated)"), "{full}");
    let reference = exported(&corpus);
    assert_eq!(reference.len(), 6);
    for [path, _, title, date, source] in &reference {
        assert!(!date.is_empty() && !source.is_empty(), "{path}: {title}");
    }
    let unchanged = index_folder(&corpus.archive());
    assert!(unchanged.contains("6 unchanged"), "{unchanged}");

    // Refreshing one day folder after a page changed gives what the full run gave.
    let page = std::fs::read_dir(&day)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut text = std::fs::read(&page).unwrap();
    text.extend_from_slice(b"\n");
    std::fs::write(&page, text).unwrap();
    let refresh = index_folder(&day);
    assert!(refresh.contains("1 updated"), "{refresh}");
    assert!(refresh.contains("1 indexed (0 undated)"), "{refresh}");
    assert_eq!(exported(&corpus), reference);
    assert_eq!(stats_json(&corpus).roots.len(), 1);

    // A new index of the day folder alone finds the archive's table above it: same articles.
    let fresh = TestCorpus::new();
    let output = fresh.cmd().arg("index").arg(&day).output().unwrap();
    let err = stderr(&output);
    assert!(err.contains("3 indexed (0 undated)"), "{err}");
    let day_only: Vec<_> = reference
        .iter()
        .filter(|row| row[0].contains("19160101"))
        .cloned()
        .collect();
    assert_eq!(exported(&fresh), day_only);
}

#[test]
fn issue_12_two_papers_called_the_sun_stay_two_sources_and_names_resolve_by_words_or_prefix() {
    let Some(corpora) = crate::util::shared_corpora(
        "issue_12_two_papers_called_the_sun_stay_two_sources_and_names_resolve_by_words_or_prefix",
    ) else {
        return;
    };
    let chronam = corpora.join("chronam-1916");
    let corpus = TestCorpus::new();
    for page in [
        "dates/19160101/sn83030272-ed-1_seq-1.txt", // The sun. (New York)
        "dates/19160107/sn86091025-ed-1_seq-1.txt", // The Sun. (Price, Utah)
        "dates/19160101/sn92070582-ed-1_seq-1.txt", // The evening herald. (Albuquerque)
        "dates/19160101/sn99063812-ed-1_seq-1.txt", // The Evening herald. (Klamath Falls)
        "dates/19160101/sn84026749-ed-1_seq-1.txt", // The Washington times.
        "dates/19160102/sn84026749-ed-1_seq-1.txt",
    ] {
        corpus.write(page, std::fs::read(chronam.join(page)).unwrap());
    }
    std::fs::copy(
        chronam.join("metadata.tsv"),
        corpus.archive().join("metadata.tsv"),
    )
    .unwrap();
    corpus.index();
    let mut sources: Vec<(String, u64)> = stats_json(&corpus)
        .sources
        .into_iter()
        .map(|s| (s.source, s.articles))
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            ("the evening herald (albuquerque, n.m.)".to_string(), 1),
            ("the evening herald (klamath falls, or.)".to_string(), 1),
            ("the sun (new york [n.y.])".to_string(), 1),
            ("the sun (price, utah)".to_string(), 1),
            ("the washington times".to_string(), 2),
        ]
    );
    let all = ["*", "--limit", "20"];
    let count = |extra: &[&str]| corpus.search_json(&[&all[..], extra].concat()).total;
    // The words of a name, a unique prefix, or the words with the place.
    assert_eq!(count(&["--source", "Washington Times"]), 2);
    assert_eq!(count(&["--source", "the wash"]), 2);
    assert_eq!(count(&["--source", "Sun Price"]), 1);
    assert_eq!(count(&["--source", "New York Sun"]), 1);
    let hit = corpus
        .search_json(&["*", "--source", "Sun Utah"])
        .hits
        .remove(0);
    assert_eq!(hit.source.as_deref(), Some("The Sun (Price, Utah)"));
    assert_eq!(
        corpus.search_json(&["source:\"Washington Times\""]).total,
        2
    );
    // Ambiguous and unknown names are errors listing the candidates.
    let error = |args: &[&str]| {
        let output = corpus.cmd().arg("search").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        stderr(&output)
    };
    let ambiguous = error(&["*", "--source", "The Sun"]);
    assert!(
        ambiguous.contains(
            "source 'The Sun': 2 sources match it: 'the sun (new york [n.y.])', 'the sun (price, utah)'; give more of the name"
        ),
        "{ambiguous}"
    );
    let unknown = error(&["*", "--source", "Evening Star"]);
    assert!(
        unknown.contains("source 'Evening Star': no source matches it; sources with some of its words: 'the evening herald (albuquerque, n.m.)', 'the evening herald (klamath falls, or.)'"),
        "{unknown}"
    );
    assert!(error(&["source:herald"]).contains("2 sources match it"));
}
