//! Warnings for people ([`Warnings`]): under `-v` each one as it comes; otherwise counted by
//! [`Kind`] and told at the end, one line per kind with its count and a few examples, so that
//! 2,225 identical warnings read as one line rather than a screenful.
//!
//! The examples of a kind are its first warnings with different messages (numbers and quoted
//! values aside), so "record 5: date '…' has text after the time" stands for all its records
//! while another problem of the same kind still shows.

use newsindex::diagnostic::{Diagnostic, Kind};

/// How many examples a summary shows per kind.
const EXAMPLES: usize = 3;
/// Kinds with at most this many warnings are listed whole: a summary only saves lines beyond.
const LISTED_WHOLE: u64 = 5;

/// The warnings of one run.
#[derive(Debug, Default)]
pub struct Warnings {
    verbose: bool,
    /// Every warning, when asked for (`index --json` lists them).
    all: Option<Vec<String>>,
    kinds: Vec<Counted>,
}

/// The warnings of one kind.
#[derive(Debug)]
struct Counted {
    kind: Kind,
    count: u64,
    /// Examples with different messages, each with its message's shape.
    examples: Vec<(String, String)>,
    /// Further examples, for a kind whose warnings all say the same.
    repeats: Vec<String>,
    /// The first few, whole, for a kind with few warnings.
    first: Vec<String>,
}

impl Warnings {
    /// Collects warnings; `verbose` lets each one through as it comes.
    pub fn new(verbose: bool) -> Warnings {
        Warnings {
            verbose,
            ..Warnings::default()
        }
    }

    /// The same, keeping every warning for [`Warnings::all`].
    pub fn keeping_all(self) -> Warnings {
        Warnings {
            all: Some(Vec::new()),
            ..self
        }
    }

    /// Every warning as `path:line: message`, when kept ([`Warnings::keeping_all`]).
    pub fn all(&self) -> &[String] {
        self.all.as_deref().unwrap_or_default()
    }

    /// Counts a warning; returns the line to print now, under `-v`.
    pub fn add(&mut self, diagnostic: &Diagnostic) -> Option<String> {
        let text = diagnostic.to_string();
        if let Some(all) = &mut self.all {
            all.push(text.clone());
        }
        let at = match self.kinds.iter().position(|c| c.kind == diagnostic.kind) {
            Some(at) => at,
            None => {
                self.kinds.push(Counted {
                    kind: diagnostic.kind,
                    count: 0,
                    examples: Vec::new(),
                    repeats: Vec::new(),
                    first: Vec::new(),
                });
                self.kinds.len() - 1
            }
        };
        if let Some(counted) = self.kinds.get_mut(at) {
            counted.count += 1;
            if counted.first.len() < LISTED_WHOLE as usize {
                counted.first.push(text.clone());
            }
            let shape = shape(&diagnostic.message);
            if counted.examples.iter().any(|(seen, _)| *seen == shape) {
                if counted.repeats.len() < EXAMPLES {
                    counted.repeats.push(text.clone());
                }
            } else if counted.examples.len() < EXAMPLES {
                counted.examples.push((shape, text.clone()));
            }
        }
        self.verbose.then(|| format!("newsindex: warning: {text}"))
    }

    /// The lines that sum the warnings up, most frequent kind first: a kind with up to five
    /// warnings lists them, one with more says `<count> <kind>` and shows a few indented. None under `-v`, which has
    /// printed every one.
    pub fn summary(&self) -> Vec<String> {
        if self.verbose {
            return Vec::new();
        }
        let mut kinds: Vec<&Counted> = self.kinds.iter().collect();
        kinds.sort_by_key(|counted| std::cmp::Reverse(counted.count));
        let mut lines = Vec::new();
        for counted in kinds {
            let mut examples: Vec<&str> =
                counted.examples.iter().map(|(_, t)| t.as_str()).collect();
            for repeat in &counted.repeats {
                if examples.len() < EXAMPLES {
                    examples.push(repeat);
                }
            }
            if counted.count <= LISTED_WHOLE {
                lines.extend(
                    counted
                        .first
                        .iter()
                        .map(|e| format!("newsindex: warning: {e}")),
                );
                continue;
            }
            lines.push(format!(
                "newsindex: warning: {} {}; -v lists every one, such as:",
                thousands(counted.count),
                counted.kind.label()
            ));
            lines.extend(examples.iter().map(|e| format!("  {e}")));
        }
        lines
    }
}

/// A message with its quoted values and numbers blanked: what warnings of one shape share.
fn shape(message: &str) -> String {
    let mut key = String::with_capacity(message.len());
    let mut quoted = false;
    let mut previous_digit = false;
    for c in message.chars() {
        if c == '\'' {
            quoted = !quoted;
            if quoted {
                key.push_str("'…'");
            }
            previous_digit = false;
            continue;
        }
        if quoted {
            continue;
        }
        if c.is_ascii_digit() {
            if !previous_digit {
                key.push('#');
            }
            previous_digit = true;
            continue;
        }
        previous_digit = false;
        key.push(c);
    }
    key
}

/// `2225` as `2,225`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, c) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn not_exported(n: usize) -> Diagnostic {
        Diagnostic::new(
            Kind::NotExported,
            None,
            format!("left out 'Story {n}': it has no date"),
        )
        .at(Path::new(&format!("bbc/{n:04}.txt")))
    }

    #[test]
    fn warnings_of_one_kind_become_one_line_with_examples() {
        let mut warnings = Warnings::new(false);
        for n in 0..2225 {
            assert!(warnings.add(&not_exported(n)).is_none());
        }
        warnings.add(&Diagnostic::record_skipped(Some(3), "not JSON").at(Path::new("odd.json")));
        assert_eq!(
            warnings.summary(),
            [
                "newsindex: warning: 2,225 articles not exported; -v lists every one, such as:",
                "  bbc/0000.txt: left out 'Story 0': it has no date",
                "  bbc/0001.txt: left out 'Story 1': it has no date",
                "  bbc/0002.txt: left out 'Story 2': it has no date",
                "newsindex: warning: odd.json:3: not JSON",
            ]
        );
    }

    #[test]
    fn different_messages_of_a_kind_are_the_examples() {
        let mut warnings = Warnings::new(false);
        for n in 0..10 {
            warnings.add(&Diagnostic::record_kept(
                Some(n),
                format!("date '{n} MAR' has text after the time"),
            ));
        }
        warnings.add(&Diagnostic::record_kept(
            Some(99),
            "date 'x' has an impossible time",
        ));
        let summary = warnings.summary();
        assert_eq!(summary.len(), 4, "{summary:?}");
        assert!(summary[1].contains("text after the time"));
        assert!(summary[2].contains("impossible time"), "{summary:?}");
    }

    #[test]
    fn verbose_prints_each_and_sums_up_nothing() {
        let mut warnings = Warnings::new(true);
        assert_eq!(
            warnings.add(&not_exported(7)).as_deref(),
            Some("newsindex: warning: bbc/0007.txt: left out 'Story 7': it has no date")
        );
        assert!(warnings.summary().is_empty());
    }

    #[test]
    fn numbers_and_quoted_values_do_not_change_the_shape() {
        assert_eq!(
            shape("record 5: date '3-MAR-1987 16:20' has text after the time"),
            shape("record 61: date '9-APR-1987 01:02:03.4' has text after the time"),
        );
        assert_ne!(shape("not UTF-8"), shape("empty file"));
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
