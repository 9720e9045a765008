//! Turning a [`SearchRequest`] into a tantivy query ([`Compiled`]): the user's text plus filters.
//!
//! Syntax is tantivy's query language: words (all must match unless `--any`), `"phrases"`,
//! `AND`/`OR`/`NOT`, `+must`/`-mustnot`, `field:word` for title, body, byline and source.
//! Date and source filters do not change scores.

use std::collections::HashMap;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Searcher, Term};

use super::SearchRequest;
use crate::article::source_key;
use crate::error::{Error, Result};
use crate::index::NewsIndex;

/// Fields a query may name with `field:`.
pub const QUERY_FIELDS: &[&str] = &["title", "body", "byline", "source", "url", "id"];

/// A request ready to run.
pub struct Compiled {
    /// The query with its filters.
    pub query: Box<dyn Query>,
    /// The analysed terms of title and body the user asked for, to weigh and highlight passages.
    pub terms: Vec<Term>,
}

/// Builds the query for `request`.
///
/// # Errors
/// [`Error::InvalidQuery`] when the text does not parse or names an unknown field.
pub fn compile(index: &NewsIndex, request: &SearchRequest) -> Result<Compiled> {
    let fields = index.fields();
    let invalid = |reason: String| Error::InvalidQuery {
        query: request.query.clone(),
        reason,
    };
    let text = request.query.trim();
    let user_query: Box<dyn Query> = if text.is_empty() {
        Box::new(AllQuery)
    } else {
        check_fields(text).map_err(invalid)?;
        let mut parser = QueryParser::for_index(index.index(), vec![fields.title, fields.body]);
        parser.set_field_boost(fields.title, 2.0);
        if !request.match_any {
            parser.set_conjunction_by_default();
        }
        parser
            .parse_query(text)
            .map_err(|e| invalid(e.to_string()))?
    };
    let mut terms = Vec::new();
    user_query.query_terms(&mut |term, _| {
        if term.field() == fields.body || term.field() == fields.title {
            terms.push(term.clone());
        }
    });
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user_query)];
    if !request.sources.is_empty() {
        let any_source: Vec<(Occur, Box<dyn Query>)> = request
            .sources
            .iter()
            .map(|name| {
                let term = Term::from_field_text(fields.source, &source_key(name));
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(any_source)),
                0.0,
            )),
        ));
    }
    if !request.dates.is_unbounded() {
        let bound = |seconds: Option<i64>, inclusive: bool| match seconds {
            None => Bound::Unbounded,
            Some(s) => {
                let term = Term::from_field_date(fields.date, DateTime::from_timestamp_secs(s));
                if inclusive {
                    Bound::Included(term)
                } else {
                    Bound::Excluded(term)
                }
            }
        };
        let range = RangeQuery::new(
            bound(request.dates.start, true),
            bound(request.dates.end, false),
        );
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
        ));
    }
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses.remove(0).1
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(Compiled { query, terms })
}

impl Compiled {
    /// Each query word's weight (its inverse document frequency), keyed by analysed text.
    pub fn term_weights(&self, searcher: &Searcher) -> HashMap<String, f32> {
        let documents = searcher.num_docs().max(1) as f32;
        let mut weights: HashMap<String, f32> = HashMap::new();
        for term in &self.terms {
            let value = term.value();
            let Some(text) = value.as_str() else { continue };
            let frequency = searcher.doc_freq(term).unwrap_or(0) as f32;
            let idf = (1.0 + (documents - frequency + 0.5) / (frequency + 0.5))
                .ln()
                .max(0.01);
            let weight = weights.entry(text.to_string()).or_insert(0.0);
            *weight = weight.max(idf);
        }
        weights
    }
}

/// Rejects `field:` prefixes that name no searchable field, with the list of those that do.
fn check_fields(text: &str) -> Result<(), String> {
    let mut in_quotes = false;
    let mut word_start = true;
    let mut word = String::new();
    for c in text.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
            word.clear();
            continue;
        }
        if in_quotes {
            continue;
        }
        if c == ':' && !word.is_empty() {
            let field = word.trim_start_matches(['+', '-', '(']);
            if !field.is_empty() && !QUERY_FIELDS.contains(&field) {
                return Err(format!(
                    "unknown field '{field}' (searchable fields: {})",
                    QUERY_FIELDS.join(", ")
                ));
            }
            word.clear();
            word_start = false;
            continue;
        }
        if c.is_whitespace() {
            word.clear();
            word_start = true;
        } else if word_start || !word.is_empty() {
            word.push(c);
            word_start = false;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named() {
        assert!(check_fields("title:talks source:reuters").is_ok());
        assert!(check_fields("\"a: b\" word").is_ok());
        let err = check_fields("nuclear headline:talks").unwrap_err();
        assert!(err.contains("'headline'"), "{err}");
    }
}
