//! The JSON contract, byte for byte: a set of searches over the sample corpus whose `--json`
//! output must not change unless a change means it to.
//!
//! The expected outputs are `tests/fixtures/contract/*.json` (paths under the archive written
//! `ARCHIVE`). After a change that means to alter the contract, write them anew with
//! `NEWSINDEX_BLESS=1 cargo test --test cli contract` and review the diff;
//! `NEWSINDEX_CONTRACT_BIN=PATH` blesses from another build of newsindex (an older release),
//! so a refactoring can be checked against the outputs of the code before it.

use std::path::{Path, PathBuf};

use crate::util::TestCorpus;

/// Each case: a name and the arguments after `newsindex`.
const CASES: &[(&str, &[&str])] = &[
    ("words", &["search", "--json", "security talks"]),
    ("phrase", &["search", "--json", "\"security talks\""]),
    (
        "newest",
        &["search", "--json", "--sort", "newest", "-n", "5", "talks"],
    ),
    (
        "dates_facets",
        &[
            "search", "--json", "--from", "2019", "--to", "2022-06", "--facets", "ukraine",
        ],
    ),
    (
        "passages",
        &["search", "--json", "--group", "none", "-n", "5", "trump"],
    ),
    (
        "question",
        &[
            "search",
            "--json",
            "what did the kremlin say about nuclear risks",
        ],
    ),
    ("correction", &["search", "--json", "kremlni"]),
    ("repaired", &["search", "--json", "zzzz OR (brown"]),
    ("closest", &["search", "--json", "bolton zanzibar"]),
    ("source", &["search", "--json", "source:wikinews election"]),
    (
        "explain",
        &["search", "--json", "--explain", "-n", "2", "bolton"],
    ),
    (
        "exclusion",
        &["search", "--json", "-n", "3", "--", "-trump"],
    ),
    (
        "prefix_fuzzy",
        &["search", "--json", "-n", "4", "elect* presdent~1"],
    ),
    (
        "timeline",
        &["timeline", "--json", "--by", "year", "ukraine"],
    ),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract")
}

#[test]
fn json_output_on_the_sample_corpus_is_byte_identical_to_the_recorded_contract() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    let bless = std::env::var_os("NEWSINDEX_BLESS").is_some_and(|v| v == "1");
    let program = std::env::var_os("NEWSINDEX_CONTRACT_BIN")
        .filter(|_| bless)
        .map(PathBuf::from);
    let command = |args: &[&str]| {
        let mut cmd = corpus.std_cmd();
        if let Some(program) = &program {
            let mut other = std::process::Command::new(program);
            other
                .env_remove("NEWSINDEX_INDEX")
                .env_remove("RUST_LOG")
                .env("NO_COLOR", "1")
                .current_dir(corpus.archive().parent().unwrap())
                .arg("--index")
                .arg(corpus.index_dir());
            cmd = other;
        }
        cmd.args(args);
        cmd.output().unwrap()
    };
    // One thread: articles enter the index in walk order, so equal scores tie the same way.
    let indexed = command(&[
        "index",
        "--threads",
        "1",
        corpus.archive().to_str().unwrap(),
    ]);
    assert!(indexed.status.success(), "{indexed:?}");
    let root = std::fs::canonicalize(corpus.archive()).unwrap();
    let root = root.to_str().unwrap();
    let mut differ = Vec::new();
    for (name, args) in CASES {
        let output = command(args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout)
            .unwrap()
            .replace(root, "ARCHIVE");
        let path = fixtures().join(format!("{name}.json"));
        if bless {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if text != expected {
            differ.push(format!("{name}:\n  expected {expected}\n  got      {text}"));
        }
    }
    assert!(
        differ.is_empty(),
        "the JSON contract changed (NEWSINDEX_BLESS=1 records it anew):\n{}",
        differ.join("\n")
    );
}
