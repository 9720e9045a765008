//! What a person at a terminal sees: exit codes at the edges of paging, `--color` followed by
//! log lines too, warnings summed up by kind, and `index --json`.

use predicates::prelude::*;

use crate::util::{TestCorpus, article, sample};

#[test]
fn issue_15_count_only_and_pages_past_the_end_exit_0_when_articles_match() {
    let corpus = sample();
    let total = corpus.search_json(&["election"]).total;
    assert!(total > 10);
    corpus
        .cmd()
        .args(["search", "election", "-n", "0"])
        .assert()
        .code(0)
        .stdout(format!("{total} articles match\n"));
    let last = (total - 1) / 10 * 10;
    corpus
        .cmd()
        .args(["search", "election", "--offset", "5000"])
        .assert()
        .code(0)
        .stdout(format!(
            "{total} articles match; --offset 5000 is past the last of them \
             (the last page starts at --offset {last})\n"
        ));
    corpus
        .cmd()
        .args(["search", "election", "--offset", &last.to_string()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "(showing {}-{total})",
            last + 1
        )));
    corpus
        .cmd()
        .args(["search", "zzyzxqwv", "-n", "0"])
        .assert()
        .code(1)
        .stdout("0 articles match\n");
}

#[test]
fn issue_15_a_negative_offset_is_refused_without_suggesting_a_query_word() {
    let corpus = sample();
    for (flag, value) in [("--offset", "-1"), ("-n", "-3")] {
        corpus
            .cmd()
            .args(["search", "election", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "'{value}' is not a whole number of at least 0"
            )))
            .stderr(predicate::str::contains("-- ").not());
    }
}

#[test]
fn issue_15_color_never_keeps_log_lines_plain_and_always_colours_them() {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    let plain = corpus
        .cmd()
        .args(["--color", "never", "-vv", "index"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert!(plain.status.success());
    let stderr = String::from_utf8(plain.stderr).unwrap();
    assert!(stderr.contains("DEBUG"), "-vv logs: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "no ANSI codes: {stderr:?}");
    // Written to a pipe, `auto` is plain too.
    let auto = corpus
        .cmd()
        .args(["-vv", "index", "--rebuild"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert!(!String::from_utf8(auto.stderr).unwrap().contains('\u{1b}'));
    let coloured = corpus
        .cmd()
        .args(["--color", "always", "-vv", "index", "--rebuild"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert!(
        String::from_utf8(coloured.stderr)
            .unwrap()
            .contains('\u{1b}')
    );
}

/// An archive of `n` undated articles and one unreadable file.
fn undated(n: usize) -> TestCorpus {
    let corpus = TestCorpus::new();
    for at in 0..n {
        corpus.write(
            &format!("business/{at:03}.txt"),
            article(&format!("Report {at}"), "", "BBC", "Shares moved."),
        );
    }
    corpus.write("business/broken.json", "{not json");
    corpus
}

#[test]
fn issue_15_warnings_are_summed_up_by_kind_and_listed_under_verbose() {
    let corpus = undated(40);
    let index = corpus
        .cmd()
        .arg("index")
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert_eq!(index.status.code(), Some(4));
    // An undated archive exported for Quickwit leaves out every article: one line says so.
    let export = corpus
        .cmd()
        .args(["export", "--format", "quickwit", "--out"])
        .arg(corpus.archive().join("../out.ndjson"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(export.stderr).unwrap();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("newsindex: warning:"))
        .collect();
    assert_eq!(
        warnings,
        ["newsindex: warning: 40 articles not exported; -v lists every one, such as:"],
        "{stderr}"
    );
    let examples: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("  "))
        .collect();
    assert_eq!(examples.len(), 3, "{stderr}");
    assert!(
        examples
            .iter()
            .all(|line| line.contains("business/") && line.contains("it has no date")),
        "{stderr}"
    );
    // -v lists every one, each naming its file.
    let verbose = corpus
        .cmd()
        .args(["-v", "export", "--format", "quickwit", "--out"])
        .arg(corpus.archive().join("../out.ndjson"))
        .output()
        .unwrap();
    let stderr = String::from_utf8(verbose.stderr).unwrap();
    let listed = stderr
        .lines()
        .filter(|line| line.starts_with("newsindex: warning:") && line.contains("has no date"))
        .count();
    assert_eq!(listed, 40, "{stderr}");
    assert!(stderr.contains("business/039.txt"), "{stderr}");
}

#[test]
fn issue_15_index_json_prints_a_machine_readable_summary() {
    let corpus = undated(3);
    let output = corpus
        .cmd()
        .args(["index", "--json"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    assert_eq!(summary["added_files"], 3);
    assert_eq!(summary["skipped_files"], 1);
    assert_eq!(summary["total_articles"], 3);
    assert_eq!(summary["interrupted"], false);
    assert!(summary["elapsed_seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(summary["warnings"].as_array().unwrap().len(), 1);
    assert!(
        summary["warnings"][0]
            .as_str()
            .unwrap()
            .contains("broken.json")
    );
}

#[test]
fn issue_15_an_index_run_tells_its_phases_so_a_progress_line_never_freezes() {
    use newsindex::index::{IndexEvent, IndexPhase, UpdateOptions};
    let corpus = TestCorpus::new();
    for n in 0..4 {
        let body = format!("Story {n} of the harvest.");
        corpus.write(
            &format!("{n}.txt"),
            article(&format!("Harvest {n}"), "1916-01-03", "", &body),
        );
    }
    let phases = |options: &UpdateOptions| {
        let mut seen = Vec::new();
        newsindex::index::update(
            &corpus.index_dir(),
            &[corpus.archive()],
            options,
            &mut |event| {
                if let IndexEvent::Phase(phase) = event {
                    seen.push(phase);
                }
            },
        )
        .unwrap();
        seen
    };
    let options = UpdateOptions {
        memory_bytes: 50_000_000,
        threads: 1,
        rebuild: true,
        ..UpdateOptions::default()
    };
    use IndexPhase::*;
    assert_eq!(
        phases(&options),
        [Scanning, Parsing, Writing, Committing, Merging]
    );
    // Commits along the way go back to parsing after each (an interval of zero commits after
    // every file, so the test does not depend on the machine's speed).
    let often = UpdateOptions {
        commit_interval: std::time::Duration::ZERO,
        ..options
    };
    let seen = phases(&often);
    let periodic = seen
        .windows(4)
        .filter(|w| w == &[Parsing, Writing, Committing, Parsing])
        .count();
    assert!(periodic > 0, "{seen:?}");
    assert_eq!(seen.last(), Some(&Merging));
}

#[test]
fn issue_15_results_wrap_to_the_width_with_a_hanging_indent() {
    let corpus = sample();
    let output = corpus
        .cmd()
        .env("COLUMNS", "80")
        .args(["search", "security talks", "-n", "3", "--passages", "2"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    // Every line fits but a path, which is kept whole on a line of its own.
    for line in text.lines().filter(|line| !line.ends_with(".txt")) {
        assert!(line.chars().count() <= 80, "{line:?} is wider than 80");
    }
    // The long first title goes on under its first word, not under the number.
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|line| line.starts_with("1. Russia says"))
        .unwrap();
    assert!(lines[first + 1].starts_with("   of Ukraine"), "{text}");
    assert!(
        lines[first + 2].starts_with("   2024-06-21 · Reuters · id "),
        "{text}"
    );
    assert!(lines[first + 3].starts_with("   archive/seed/"), "{text}");
    assert!(!text.contains("T00:00:00"), "no RFC 3339 stamps: {text}");
    // Written to a pipe without COLUMNS, a passage stays on one line.
    let piped = corpus
        .cmd()
        .env_remove("COLUMNS")
        .args(["search", "security talks", "-n", "1"])
        .output()
        .unwrap();
    let piped = String::from_utf8(piped.stdout).unwrap();
    assert!(
        piped.lines().any(|line| line.starts_with("   Russia sees")
            && line.ends_with("the Kremlin said on Friday.")),
        "{piped}"
    );
}

#[test]
fn issue_15_stats_and_facets_name_the_top_sources_and_count_the_rest() {
    let corpus = TestCorpus::new();
    for n in 0..14 {
        for copy in 0..=n {
            corpus.write(
                &format!("paper{n:02}/{copy:02}.txt"),
                article(
                    "Talks",
                    "2020-01-01",
                    &format!("Paper {n:02} Gazette."),
                    "Talks.",
                ),
            );
        }
    }
    corpus.index();
    let stats = corpus.cmd().arg("stats").output().unwrap();
    let stats = String::from_utf8(stats.stdout).unwrap();
    assert!(stats.contains("sources:   14"), "{stats}");
    assert!(
        stats.contains("      14  Paper 13 Gazette\n"),
        "display names: {stats}"
    );
    assert!(!stats.contains("Paper 03 Gazette"), "{stats}");
    assert!(
        stats.contains("      10  in 4 more sources (stats --json lists them all)"),
        "{stats}"
    );
    let facets = corpus
        .cmd()
        .args(["search", "talks", "--facets", "-n", "0"])
        .output()
        .unwrap();
    let facets = String::from_utf8(facets.stdout).unwrap();
    let line = facets
        .lines()
        .find(|l| l.starts_with("sources (articles):"))
        .unwrap();
    assert!(
        line.ends_with("and 4 more (--json lists them all)"),
        "{line}"
    );
    assert_eq!(line.matches(" · ").count(), 10, "{line}");
}
