//! Sources as users write them: [`resolve_source`] turns "Washington Times" or a unique prefix
//! into the source key the index holds, and refuses an unknown or ambiguous name with the
//! candidates. Searching calls it for `--source` and `source:`; it does not search.

use super::schema::field;
use std::collections::BTreeSet;

use super::{NewsIndex, column_terms};
use crate::article::source_key;
use crate::error::{Error, Result};

/// How many candidates an error lists.
const MAX_CANDIDATES: usize = 12;

/// The source key `name` stands for among the index's sources: the key itself when the index
/// has it, else the one source whose key starts with it or holds all its words ("Washington
/// Times" is "the washington times."; "the" is not needed; the last word may be cut short).
///
/// # Errors
/// [`Error::UnknownSource`] when no source, or more than one, fits, listing the candidates.
pub fn resolve_source(index: &NewsIndex, name: &str) -> Result<String> {
    let key = source_key(name);
    let keys = source_keys(index)?;
    if keys.contains(&key) {
        return Ok(key);
    }
    let wanted = words(&key);
    let fits = |candidate: &str| {
        if !key.is_empty() && candidate.starts_with(&key) {
            return true;
        }
        let have = words(candidate);
        !wanted.is_empty()
            && wanted.iter().enumerate().all(|(at, word)| {
                let last = at + 1 == wanted.len();
                have.iter()
                    .any(|w| w == word || (last && w.starts_with(word.as_str())))
            })
    };
    let matching: Vec<&String> = keys.iter().filter(|candidate| fits(candidate)).collect();
    match matching.as_slice() {
        [only] => Ok((*only).clone()),
        [] => {
            let related: Vec<&String> = keys
                .iter()
                .filter(|candidate| words(candidate).iter().any(|w| wanted.contains(w)))
                .collect();
            let (listed, what) = if related.is_empty() {
                (keys.iter().collect::<Vec<_>>(), "the index's sources")
            } else {
                (related, "sources with some of its words")
            };
            Err(Error::UnknownSource {
                name: name.to_string(),
                reason: if listed.is_empty() {
                    "no source matches it; the index has no sources".to_string()
                } else {
                    format!("no source matches it; {what}: {}", list(&listed))
                },
            })
        }
        several => Err(Error::UnknownSource {
            name: name.to_string(),
            reason: format!(
                "{} sources match it: {}; give more of the name",
                several.len(),
                list(several)
            ),
        }),
    }
}

/// Every source key in the index, in order.
fn source_keys(index: &NewsIndex) -> Result<BTreeSet<String>> {
    let searcher = index.reader().searcher();
    let mut keys = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let column = segment
            .fast_fields()
            .str(field::SOURCE)
            .map_err(|e| index.search_error(e))?;
        if let Some(column) = column {
            keys.extend(column_terms(&column).map_err(|e| index.search_error(e.into()))?);
        }
    }
    Ok(keys)
}

/// The words of a source key, without "the".
fn words(key: &str) -> Vec<String> {
    key.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && *word != "the")
        .map(str::to_lowercase)
        .collect()
}

/// `'a', 'b', … and N more`.
fn list(keys: &[&String]) -> String {
    let mut text = keys
        .iter()
        .take(MAX_CANDIDATES)
        .map(|key| format!("'{key}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > MAX_CANDIDATES {
        text.push_str(&format!(" and {} more", keys.len() - MAX_CANDIDATES));
    }
    text
}
