//! Pseudo-relevance feedback for questions: RM3 ([`expand`]).
//!
//! A question rarely uses the words of the article that answers it, and its own words include
//! boilerplate ("I am interested in", "information on") that no answer shares. RM3 (Lavrenko
//! and Croft's relevance model, interpolated with the query as in Abdul-Jaleel et al., TREC
//! 2004; the form Anserini and Lucene ship) reads the first search's best articles, estimates
//! which words an answer holds (`P(w|R) = Σ_d P(w|d) · P(Q|d)`, with `P(Q|d)` the article's
//! normalised score), and searches again with the question's words and the model's best
//! words, half and half. Question words that no good article shares lose half their weight;
//! the words the answers share join the search. The settings are from the published range (5
//! articles, 20 words, weight 0.5; Anserini's defaults are 10, 10, 0.5), chosen on five judged
//! collections at once (BENCHMARKS.md lists every setting tried).

use std::collections::HashMap;
use std::sync::OnceLock;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term as IndexTerm};

use super::query::{COMMON_WORDS, Compiled, TITLE_BOOST};
use crate::error::Result;
use crate::index::NewsIndex;
use crate::index::schema::news_analyzer;

/// Articles the relevance model is estimated from (RM3's `fbDocs`).
pub const FEEDBACK_ARTICLES: usize = 5;
/// Words the model adds to the search (RM3's `fbTerms`).
pub const FEEDBACK_WORDS: usize = 20;
/// The question's share of the final search; the model has the rest (RM3's `λ`).
pub const QUESTION_WEIGHT: f32 = 0.5;

/// The words the relevance model found, with their weights, for `--explain` and the notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expansion {
    /// `(stem, weight)`, heaviest first; weights sum to 1.
    pub words: Vec<(String, f32)>,
}

/// The relevance model of the articles at `top` (first-search score, address; best first), and
/// the second search: the question weighted [`QUESTION_WEIGHT`] beside the model's words.
/// `None` when the first search found nothing to learn from.
///
/// # Errors
/// [`crate::Error::Search`] when an article cannot be read.
pub fn expand(
    index: &NewsIndex,
    searcher: &Searcher,
    compiled: &Compiled,
    top: &[(f32, DocAddress)],
) -> Result<Option<(Box<dyn Query>, Expansion)>> {
    let top = &top[..top.len().min(FEEDBACK_ARTICLES)];
    let total: f32 = top.iter().map(|(score, _)| score.max(0.0)).sum();
    if top.is_empty() || total <= 0.0 {
        return Ok(None);
    }
    let fields = index.fields();
    let mut analyzer = news_analyzer();
    let stop = stop_stems();
    let mut model: HashMap<String, f32> = HashMap::new();
    for &(score, address) in top {
        let document: TantivyDocument = searcher.doc(address).map_err(|e| index.search_error(e))?;
        let article = fields.to_article(&document);
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut length = 0u32;
        for text in [&article.title, &article.body] {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                length += 1;
                let word = &stream.token().text;
                if is_model_word(word) && !stop.contains(word) {
                    *counts.entry(word.clone()).or_default() += 1;
                }
            }
        }
        if length == 0 {
            continue;
        }
        let relevance = score.max(0.0) / total;
        for (word, count) in counts {
            *model.entry(word).or_default() += count as f32 / length as f32 * relevance;
        }
    }
    let mut words: Vec<(String, f32)> = model.into_iter().collect();
    words.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.truncate(FEEDBACK_WORDS);
    let sum: f32 = words.iter().map(|(_, w)| w).sum();
    if words.is_empty() || sum <= 0.0 {
        return Ok(None);
    }
    for (_, weight) in &mut words {
        *weight /= sum;
    }
    let concepts = compiled.plan.concepts.len().max(1) as f32;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Should,
        Box::new(BoostQuery::new(
            compiled.question_query.box_clone(),
            QUESTION_WEIGHT / concepts,
        )),
    )];
    for (word, weight) in &words {
        for (field, boost) in [(fields.title, TITLE_BOOST), (fields.body, 1.0)] {
            let term = TermQuery::new(
                IndexTerm::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(term),
                    (1.0 - QUESTION_WEIGHT) * weight * boost,
                )),
            ));
        }
    }
    let expanded: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    Ok(Some((
        compiled.scoped_question(expanded),
        Expansion { words },
    )))
}

/// [`COMMON_WORDS`] as the index analyses them, computed once.
fn stop_stems() -> &'static [String] {
    static STEMS: OnceLock<Vec<String>> = OnceLock::new();
    STEMS.get_or_init(|| {
        let mut analyzer = news_analyzer();
        COMMON_WORDS
            .iter()
            .map(|word| {
                let mut stream = analyzer.token_stream(word);
                if stream.advance() {
                    stream.token().text.clone()
                } else {
                    (*word).to_string()
                }
            })
            .collect()
    })
}

/// Whether an analysed word may join the model: letters and digits, 2 to 20 of them, not all
/// digits (Anserini's filter, with numbers left out: a page or year number is no topic).
fn is_model_word(word: &str) -> bool {
    (2..=20).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_alphanumeric())
        && !word.bytes().all(|b| b.is_ascii_digit())
}
