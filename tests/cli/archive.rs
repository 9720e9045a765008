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
