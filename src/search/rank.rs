//! Re-ranking BM25's best candidates by where their matches sit ([`Ranked`], [`rank`]).
//!
//! An article's score is `bm25 × (0.1 + 0.9 × C²)`, where `C` is the largest share of the query's
//! weight found together in one place: the title or one passage. Only the candidates are re-ranked.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use super::passage::matcher::WordId;
use super::passage::{self, ArticleMatch, ScorePart};
use super::query::Plan;
use crate::article::Article;
use crate::error::Result;
use crate::index::NewsIndex;

/// Re-ranked candidates: at least this many, else the page's end plus [`POOL_MARGIN`].
pub const MIN_POOL: usize = 30;
/// Candidates re-ranked beyond the end of the page asked for.
pub const POOL_MARGIN: usize = 20;
/// At most this many candidates are re-ranked; deeper hits keep their BM25 order.
pub const MAX_POOL: usize = 5000;
/// The share of the BM25 score an article keeps however scattered its matches are.
pub const SCATTERED: f32 = 0.1;

/// How many BM25 candidates to re-rank for a page ending at `end` (offset + limit).
pub fn pool_size(end: usize) -> usize {
    (end + POOL_MARGIN).clamp(MIN_POOL, MAX_POOL)
}

/// A candidate article with its BM25 score, passages and final score.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Where tantivy keeps it.
    pub address: DocAddress,
    /// The article, read from the index (shared with what the server keeps of it).
    pub article: Arc<Article>,
    /// Its BM25 score over title (boosted) and body.
    pub bm25: f32,
    /// Its passages and which query words it has where.
    pub matched: ArticleMatch,
    /// The final score.
    pub score: f32,
    /// On an OCR page, the passages it compares for reprints as its stored map keeps them
    /// ([`crate::index::passages::PassageMap::copy_passages`], byte spans); `None` when not
    /// stored, when they do not fit the body, or when the article comes from what a server
    /// keeps ([`passage::cache`]; a server keeps each page's passages itself,
    /// [`super::copy_keys::passages`]).
    pub copy_passages: Option<Vec<(usize, usize)>>,
}

/// Scores `candidates` (BM25 score, address, best BM25 first) against `plan` and sorts them,
/// best first. With `keep`, only the best `keep` need be right: candidates are read in BM25
/// order and the reading stops once `keep` articles score above what any later candidate
/// could (an article's score is at most its BM25 score), so a one-word query reads only the
/// page it shows.
///
/// Ties go to the shorter article, then the smaller id: tantivy stores field lengths coarsely,
/// so near-duplicate stories (a wire story and its correction) often score exactly alike, and
/// BM25 means the shorter of two articles with the same matches to win.
///
/// # Errors
/// [`crate::Error::Search`] when an article cannot be read.
pub fn rank(
    index: &NewsIndex,
    searcher: &Searcher,
    plan: &Plan,
    candidates: &[(f32, DocAddress)],
    keep: Option<usize>,
) -> Result<Vec<Ranked>> {
    rank_within(
        index,
        searcher,
        plan,
        candidates,
        keep,
        1.0,
        &mut Scored::default(),
    )
}

/// Candidates a search has read and scored already, by address and BM25 score: a search that
/// ranks again further down the list (collapsing copies took hits off its page) hands what it
/// ranked the first time here, and reads none of them twice.
#[derive(Default)]
pub struct Scored(std::collections::HashMap<(DocAddress, u32), Ranked>);

impl Scored {
    /// The candidates of an earlier ranking.
    pub fn of(ranked: impl IntoIterator<Item = Ranked>) -> Scored {
        Scored(
            ranked
                .into_iter()
                .map(|r| ((r.address, r.bm25.to_bits()), r))
                .collect(),
        )
    }

    /// The candidate as an earlier ranking scored it, if it did (taken out: a ranking reads
    /// each candidate once).
    pub fn take(&mut self, bm25: f32, address: DocAddress) -> Option<Ranked> {
        self.0.remove(&(address, bm25.to_bits()))
    }
}

/// [`rank`] when no candidate can hold more than `ceiling` of the query's weight in one
/// place: the reading stops as soon as no later candidate could reach the page at that
/// concentration. After the closest-match fallback every article misses at least one word
/// ([`closest_ceiling`]), so the bound is tighter and fewer long articles are read. The
/// candidates `earlier` holds (those an earlier ranking of the same search read) are taken
/// from it instead of read again.
///
/// # Errors
/// [`crate::Error::Search`] when an article cannot be read.
pub fn rank_within(
    index: &NewsIndex,
    searcher: &Searcher,
    plan: &Plan,
    candidates: &[(f32, DocAddress)],
    keep: Option<usize>,
    ceiling: f32,
    earlier: &mut Scored,
) -> Result<Vec<Ranked>> {
    let mut ranked: Vec<Ranked> = Vec::with_capacity(candidates.len());
    let mut best: Vec<f32> = Vec::with_capacity(candidates.len());
    for (at, &(bm25, address)) in candidates.iter().enumerate() {
        let scored = match earlier.take(bm25, address) {
            Some(scored) => scored,
            None => score(index, searcher, plan, bm25, address)?,
        };
        let place = best.partition_point(|&s| s > scored.score);
        best.insert(place, scored.score);
        ranked.push(scored);
        if let (Some(keep), Some(&(next, _))) = (keep, candidates.get(at + 1))
            && keep > 0
            && best.len() >= keep
            && best[keep - 1] > scaled(next, ceiling.clamp(0.0, 1.0))
        {
            break;
        }
    }
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.words().cmp(&b.words()))
            .then_with(|| a.article.id.cmp(&b.article.id))
    });
    Ok(ranked)
}

/// The largest concentration an article can have when none holds every concept of `plan`
/// (the closest-match fallback): all but the lightest concept, `1 − w_min / W`.
pub fn closest_ceiling(plan: &Plan) -> f32 {
    let total: f32 = plan.concepts.iter().map(|c| c.weight).sum();
    let lightest = plan
        .concepts
        .iter()
        .map(|c| c.weight)
        .fold(f32::INFINITY, f32::min);
    if total > 0.0 && lightest.is_finite() {
        (1.0 - lightest / total).clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Reads and scores one candidate.
///
/// # Errors
/// [`crate::Error::Search`] when the article cannot be read.
pub fn score(
    index: &NewsIndex,
    searcher: &Searcher,
    plan: &Plan,
    bm25: f32,
    address: DocAddress,
) -> Result<Ranked> {
    let segment = searcher.segment_reader(address.segment_ord).segment_id();
    if let Some(kept) = passage::cache::kept(segment, address.doc_id) {
        return ranked_kept(index, searcher, plan, bm25, (segment, address), &kept);
    }
    let document: TantivyDocument = searcher.doc(address).map_err(|e| index.search_error(e))?;
    let article = Arc::new(index.fields().to_article(&document));
    // A long body's stored cut and the index's positions of the query's words score its
    // passages without reading it into words; the answer is the same. A server keeps the map.
    let map = index.fields().passage_map(&document);
    match passage::cache::keep(segment, address.doc_id, article, map) {
        Ok(kept) => ranked_kept(index, searcher, plan, bm25, (segment, address), &kept),
        Err((article, map)) => {
            // A map that does not fit its body (a damaged index) is not used, as a server
            // does not use it.
            let mut map = map.filter(|map| map.fits(&article.body));
            let copy_passages = map
                .as_mut()
                .and_then(|map| map.take_copy_passages(&article.body));
            let marks = match &map {
                Some(_) => marks_in_body(index, searcher, plan, address)?,
                None => None,
            };
            let matched = match (map, marks) {
                (Some(map), Some(marks)) => passage::match_map(&article.title, &map, &marks, plan),
                _ => passage::match_article(&article.title, &article.body, plan),
            };
            Ok(Ranked {
                address,
                score: article_score(bm25, &matched),
                article,
                bm25,
                matched,
                copy_passages,
            })
        }
    }
}

/// Query words looked up in the index per candidate at most; a plan with more (a prefix or
/// fuzzy word's expansion) reads the body instead.
const MAX_LOOKED_UP_WORDS: usize = 16;

/// The positions of the plan's words in the body of the article at `address`, each with the
/// word it is, in order, from the index's postings; `None` when the plan has too many words
/// to look up ([`MAX_LOOKED_UP_WORDS`]).
fn marks_in_body(
    index: &NewsIndex,
    searcher: &Searcher,
    plan: &Plan,
    address: DocAddress,
) -> Result<Option<Vec<(u32, WordId)>>> {
    let words = plan.matcher().words();
    if words.len() > MAX_LOOKED_UP_WORDS {
        return Ok(None);
    }
    let body = index.fields().body;
    let inverted = searcher
        .segment_reader(address.segment_ord)
        .inverted_index(body)
        .map_err(|e| index.search_error(e))?;
    let mut marks = Vec::new();
    let mut positions = Vec::new();
    for (id, word) in (0..).zip(words) {
        let term = Term::from_field_text(body, word);
        let postings = inverted
            .read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
            .map_err(|e| index.search_error(e.into()))?;
        let Some(mut postings) = postings else {
            continue;
        };
        // A fresh cursor stands on the word's first article, which may come after this one.
        let doc = address.doc_id;
        if postings.doc() > doc || postings.seek(doc) != doc {
            continue;
        }
        postings.positions(&mut positions);
        marks.extend(positions.iter().map(|&position| (position, id)));
    }
    marks.sort_unstable();
    Ok(Some(marks))
}

/// A candidate (at `address`, of segment `segment`) scored from what the server kept of it
/// ([`passage::cache`]): its cut, or its stored map with the index's positions of the query's
/// words, as a one-shot search scores it.
fn ranked_kept(
    index: &NewsIndex,
    searcher: &Searcher,
    plan: &Plan,
    bm25: f32,
    (segment, address): (SegmentId, DocAddress),
    kept: &Arc<passage::cache::Kept>,
) -> Result<Ranked> {
    let article = Arc::clone(&kept.article);
    let (title, body) = (&article.title, &article.body);
    let matched = match &kept.words {
        passage::cache::Words::Cut(cut) => passage::match_cut(title, body, cut, plan),
        passage::cache::Words::Map(map, _) => {
            match marks_in_body(index, searcher, plan, address)? {
                Some(marks) => passage::match_map(title, map, &marks, plan),
                // A query of more words than are looked up (a prefix's or fuzzy word's
                // expansion) marks the body's cut, made once and kept with it.
                None => match passage::cache::cut_of(segment, address.doc_id, kept) {
                    Some(cut) => passage::match_cut(title, body, cut, plan),
                    None => passage::match_article(title, body, plan),
                },
            }
        }
    };
    Ok(Ranked {
        address,
        score: article_score(bm25, &matched),
        article,
        bm25,
        matched,
        copy_passages: None,
    })
}

/// `bm25 × (0.1 + 0.9 × C²)`, `C` the article's [`ArticleMatch::concentration`].
///
/// BM25 already weighs title and body (title ×2) over the whole article; `C` rewards the
/// article whose title or one passage holds all the query's words (rare ones count more),
/// the way a reader recognises the article that answers a question.
pub fn article_score(bm25: f32, matched: &ArticleMatch) -> f32 {
    scaled(bm25, matched.concentration)
}

/// `bm25 × (0.1 + 0.9 × c²)`: the formula of [`article_score`] for a concentration `c`.
fn scaled(bm25: f32, c: f32) -> f32 {
    bm25 * (SCATTERED + (1.0 - SCATTERED) * c * c)
}

/// Why a hit ranks where it does: the formula with its figures, the title's and the best
/// passages' parts, and tantivy's explanation of the BM25 score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    /// The score's formula with this hit's figures.
    pub formula: String,
    /// BM25 over title and body.
    pub bm25: f32,
    /// The largest share of the query's weight found in one place (title or one passage).
    pub concentration: f32,
    /// The title's score as a passage, and its parts, when it matches.
    pub title: Option<PassageExplain>,
    /// The article's best passages (at most three).
    pub passages: Vec<PassageExplain>,
    /// For a question, the words its best articles share that joined the search, with their
    /// weights in the relevance model ([`super::feedback`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<(String, f32)>,
    /// tantivy's explanation of the BM25 score: `{value, description, details}`.
    pub tantivy: serde_json::Value,
}

/// A passage's score and what it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageExplain {
    /// Character offset of the passage in the body (in the title, for the title).
    pub start: usize,
    /// Character offset just past it.
    pub end: usize,
    /// The passage's score: the sum of `parts`.
    pub score: f32,
    /// The share of the query's weight found whole in it.
    pub share: f32,
    /// Each query word, phrase and the proximity bonus, with its contribution.
    pub parts: Vec<ScorePart>,
}

impl Ranked {
    /// The article's length in words, title and body.
    pub fn words(&self) -> u32 {
        self.matched.title_words + self.matched.body_words
    }

    /// Explains this candidate's score; `tantivy` is the BM25 explanation as JSON.
    pub fn explain(&self, plan: &Plan, tantivy: serde_json::Value) -> Explain {
        let c = self.matched.concentration;
        let formula = format!(
            "{:.2} = bm25 {:.2} × ({SCATTERED} + {} × C² {:.2}²), C = the largest share of the query found in the title or one passage",
            self.score,
            self.bm25,
            1.0 - SCATTERED,
            c
        );
        let total: f32 = plan.concepts.iter().map(|c| c.weight).sum();
        let share = |found: f32| if total > 0.0 { found / total } else { 1.0 };
        let title = self.matched.title.as_ref().map(|scored| PassageExplain {
            start: 0,
            end: self.article.title.chars().count(),
            score: scored.score,
            share: share(scored.found_weight),
            parts: passage::explain_parts(plan, &scored.parts),
        });
        let passages = self
            .matched
            .passages
            .iter()
            .take(3)
            .map(|scored| {
                let shown = passage::plain_passage(&self.article.body, scored.span);
                PassageExplain {
                    start: shown.start,
                    end: shown.end,
                    score: scored.score,
                    share: share(scored.found_weight),
                    parts: passage::explain_parts(plan, &scored.parts),
                }
            })
            .collect();
        Explain {
            formula,
            bm25: self.bm25,
            concentration: c,
            title,
            passages,
            feedback: Vec::new(),
            tantivy,
        }
    }
}
