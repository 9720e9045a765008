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
