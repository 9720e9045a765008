//! Sources as users write them: [`resolve_source`] turns "Washington Times" or a unique prefix
//! into the source key the index holds, and refuses an unknown or ambiguous name with the
//! candidates. Searching calls it for `--source` and `source:`; it does not search.
//! [`display_names`] goes the other way, from a key to the name its articles write.

use std::collections::{BTreeSet, HashMap};

use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use super::schema::{Fields, field};
use super::{NewsIndex, SourceCount, column_terms};
use crate::article::source_key;
use crate::error::{Error, Result};

/// How many of a source's articles [`display_names`] reads.
const NAME_SAMPLE: usize = 24;

/// One name to show for each source key: the way its first articles (up to 24) write it most
/// often, a name preferred to a web address ("Wikinews" to "en.wikinews.org"), with a
/// catalogue's trailing full stop dropped ("El Paso herald." is "El Paso herald"). Falls back
/// to the key.
///
/// # Errors
/// When the index cannot be read.
pub fn display_names(
    searcher: &Searcher,
    fields: &Fields,
    sources: &[SourceCount],
) -> tantivy::Result<Vec<String>> {
    let mut names = Vec::with_capacity(sources.len());
    for source in sources {
        let term = Term::from_field_text(fields.source, &source.source);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut read = 0;
        for segment in searcher.segment_readers() {
            if read >= NAME_SAMPLE {
                break;
            }
            let inverted = segment.inverted_index(fields.source)?;
            let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let store = segment.get_store_reader(1)?;
            let mut doc = postings.doc();
            while doc != TERMINATED && read < NAME_SAMPLE {
                if !segment.is_deleted(doc) {
                    let document: TantivyDocument = store.get(doc)?;
                    if let Some(raw) = document
                        .get_first(fields.source_raw)
                        .and_then(|value| value.as_str())
                    {
                        let name = raw.trim().trim_end_matches('.').trim_end();
                        if !name.is_empty() {
                            *seen.entry(name.to_string()).or_default() += 1;
                        }
                    }
                    read += 1;
                }
                doc = postings.advance();
            }
        }
        let best = seen
            .into_iter()
            .max_by(|(a, count_a), (b, count_b)| {
                (
                    !looks_like_address(a),
                    count_a,
                    std::cmp::Reverse(a.as_str()),
                )
                    .cmp(&(
                        !looks_like_address(b),
                        count_b,
                        std::cmp::Reverse(b.as_str()),
                    ))
            })
            .map(|(name, _)| name);
        names.push(best.unwrap_or_else(|| source.source.clone()));
    }
    Ok(names)
}

/// True for a name written as a web address (`reuters.com`, `https://en.wikinews.org/`).
fn looks_like_address(name: &str) -> bool {
    !name.contains(' ') && name.contains('.')
}

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
