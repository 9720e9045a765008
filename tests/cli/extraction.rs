//! Web-page extraction quality: main text and publication dates on the shared evaluation set
//! (`../shared/corpora/html-extraction`), scored by its own `evaluate.py`, with floors.
//!
//! The pages stay in the shared folder; the test runs the real binary through the script.

use std::process::Command;

use crate::util::{shared_corpora, skip};

/// Runs `evaluate.py` (with `--dates` when `dates`) on the real binary and returns precision,
/// recall and F1, or `None` (after saying why) when python3 is missing.
fn evaluate(test: &str, dates: bool) -> Option<(f64, f64, f64)> {
    let corpora = shared_corpora(test)?;
    let script = corpora.join("html-extraction/evaluate.py");
    let command = format!(
        "{} export --format es-bulk {{dir}}",
        env!("CARGO_BIN_EXE_newsindex")
    );
    let mut run = Command::new("python3");
    run.arg(&script).args(["--cmd", &command, "--worst", "10"]);
    if dates {
        run.arg("--dates");
    }
    let output = match run.output() {
        Ok(output) => output,
        Err(error) => {
            skip(test, &format!("python3 cannot run evaluate.py: {error}"));
            return None;
        }
    };
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{test}:\n{report}");
    let figure = |name: &str| -> f64 {
        let after = report
            .split(name)
            .nth(1)
            .unwrap_or_else(|| panic!("no {name} in {report}"));
        after.split_whitespace().next().unwrap().parse().unwrap()
    };
    Some((figure("precision "), figure("recall "), figure("F1 ")))
}

#[test]
fn issue_13_main_text_of_web_pages_reaches_f1_0_90() {
    let test = "issue_13_main_text_of_web_pages_reaches_f1_0_90";
    let Some((precision, recall, f1)) = evaluate(test, false) else {
        return;
    };
    assert!(precision >= 0.88, "precision {precision}");
    assert!(recall >= 0.88, "recall {recall}");
    assert!(f1 >= 0.90, "F1 {f1}");
}

#[test]
fn issue_13_publication_dates_of_web_pages_reach_f1_0_90() {
    let test = "issue_13_publication_dates_of_web_pages_reach_f1_0_90";
    let Some((precision, recall, f1)) = evaluate(test, true) else {
        return;
    };
    assert!(precision >= 0.88, "precision {precision}");
    assert!(recall >= 0.93, "recall {recall}");
    assert!(f1 >= 0.90, "F1 {f1}");
}
