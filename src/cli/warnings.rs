//! Warnings for people ([`Warnings`]): under `-v` each one as it comes; otherwise counted by
//! kind and told at the end, one line per kind with its count and a few places, so that 2,225
//! identical warnings read as one line rather than a screenful.
//!
//! A warning's kind is its reason with the place (`<path>[:line]: `) taken off and quoted
//! values and numbers blanked, so "record 5: date '3-MAR-1987 16:20:07.21x' has text after the
//! time" and the same for record 6 are one kind.

use std::collections::HashMap;

/// How many places a summary line names.
const EXAMPLES: usize = 3;

/// The warnings of one run.
#[derive(Debug, Default)]
pub struct Warnings {
    verbose: bool,
    /// Every message, when asked for (`index --json` lists them).
    all: Option<Vec<String>>,
    kinds: Vec<Kind>,
    by_key: HashMap<String, usize>,
}

#[derive(Debug)]
struct Kind {
    /// The first warning of the kind, whole.
    first: String,
    /// Its reason: the warning without its place.
    reason: String,
    count: u64,
    /// The places of the first few.
    places: Vec<String>,
}

impl Warnings {
    /// Collects warnings; `verbose` lets each one through as it comes.
    pub fn new(verbose: bool) -> Warnings {
        Warnings {
            verbose,
            ..Warnings::default()
        }
    }

    /// The same, keeping every message for [`Warnings::all`].
    pub fn keeping_all(self) -> Warnings {
        Warnings {
            all: Some(Vec::new()),
            ..self
        }
    }

    /// Every message, when kept ([`Warnings::keeping_all`]).
    pub fn all(&self) -> &[String] {
        self.all.as_deref().unwrap_or_default()
    }

    /// Counts `message` (`<place>: <reason>`); returns the line to print now, under `-v`.
    pub fn add(&mut self, message: &str) -> Option<String> {
        if let Some(all) = &mut self.all {
            all.push(message.to_string());
        }
        let (place, reason) = split_place(message);
        let key = kind_key(reason);
        match self.by_key.get(&key) {
            Some(&at) => {
                if let Some(kind) = self.kinds.get_mut(at) {
                    kind.count += 1;
                    if kind.places.len() < EXAMPLES {
                        kind.places.push(place.to_string());
                    }
                }
            }
            None => {
                self.by_key.insert(key, self.kinds.len());
                self.kinds.push(Kind {
                    first: message.to_string(),
                    reason: reason.to_string(),
                    count: 1,
                    places: vec![place.to_string()],
                });
            }
        }
        self.verbose
            .then(|| format!("newsindex: warning: {message}"))
    }

    /// The lines that sum the warnings up, one per kind, most frequent first; none under `-v`,
    /// which has printed each one already.
    pub fn summary(&self) -> Vec<String> {
        if self.verbose {
            return Vec::new();
        }
        let mut kinds: Vec<&Kind> = self.kinds.iter().collect();
        kinds.sort_by_key(|kind| std::cmp::Reverse(kind.count));
        kinds
            .into_iter()
            .map(|kind| {
                if kind.count == 1 {
                    return format!("newsindex: warning: {}", kind.first);
                }
                let more = if kind.count as usize > kind.places.len() {
                    ", …"
                } else {
                    ""
                };
                format!(
                    "newsindex: warning: {} × {} (in {}{more}; -v lists every one)",
                    thousands(kind.count),
                    kind.reason,
                    kind.places.join(", ")
                )
            })
            .collect()
    }
}

/// `<place>: <reason>` split at the first `": "` (a place is a path with an optional `:line`).
fn split_place(message: &str) -> (&str, &str) {
    message.split_once(": ").unwrap_or(("", message))
}

/// The reason with quoted values and numbers blanked.
fn kind_key(reason: &str) -> String {
    let mut key = String::with_capacity(reason.len());
    let mut quoted = false;
    let mut previous_digit = false;
    for c in reason.chars() {
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
    use super::*;

    #[test]
    fn warnings_of_one_kind_become_one_line() {
        let mut warnings = Warnings::new(false);
        for n in 0..2225 {
            let line = warnings.add(&format!(
                "bbc/{n:04}.txt: left out 'Story {n}': it has no date"
            ));
            assert!(line.is_none());
        }
        warnings.add("bbc/odd.txt:3: a different problem");
        let summary = warnings.summary();
        assert_eq!(summary.len(), 2, "{summary:?}");
        assert_eq!(
            summary[0],
            "newsindex: warning: 2,225 × left out 'Story 0': it has no date \
             (in bbc/0000.txt, bbc/0001.txt, bbc/0002.txt, …; -v lists every one)"
        );
        assert_eq!(
            summary[1],
            "newsindex: warning: bbc/odd.txt:3: a different problem"
        );
    }

    #[test]
    fn verbose_prints_each_and_sums_up_nothing() {
        let mut warnings = Warnings::new(true);
        assert_eq!(
            warnings
                .add("a.sgm:12: record 5: date 'x' has text after the time")
                .as_deref(),
            Some("newsindex: warning: a.sgm:12: record 5: date 'x' has text after the time")
        );
        assert!(warnings.summary().is_empty());
    }

    #[test]
    fn numbers_and_quoted_values_do_not_make_new_kinds() {
        assert_eq!(
            kind_key("record 5: date '3-MAR-1987 16:20' has text after the time"),
            kind_key("record 61: date '9-APR-1987 01:02:03.4' has text after the time"),
        );
        assert_ne!(kind_key("not UTF-8"), kind_key("empty file"));
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
