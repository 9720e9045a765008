//! Searching: a [`SearchRequest`] in, [`SearchResults`] out (the same type the JSON contract prints).
//!
//! [`query`] turns the user's text and filters into a tantivy query; [`passage`] picks and
//! highlights the passages each hit shows; [`facets`](mod@facets) counts matches per source and period.
//! Ranking is BM25 over title (boosted) and body.

pub mod facets;
pub mod passage;
pub mod query;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::{DateTime, DocAddress, Order, TantivyDocument};

pub use facets::{Facets, Period, PeriodCount, facets};
pub use passage::Passage;

use crate::date::{ArticleDate, DateRange};
use crate::error::Result;
use crate::index::NewsIndex;

/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// Latest first; undated articles last.
    Newest,
    /// Earliest first; undated articles last.
    Oldest,
}

/// One search, as the CLI or the server asks for it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query text (see [`query`] for the syntax).
    pub query: String,
    /// Only articles dated inside this range.
    pub dates: DateRange,
    /// Only articles from one of these sources (any spelling; normalised).
    pub sources: Vec<String>,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Hits to return (capped at [`MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Match any word instead of all.
    pub match_any: bool,
    /// Passages to show per hit (default 1).
    pub passages: usize,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            dates: DateRange::default(),
            sources: Vec::new(),
            sort: SortOrder::default(),
            limit: 0,
            offset: 0,
            match_any: false,
            passages: 1,
        }
    }
}

/// The answer to a [`SearchRequest`]; serialised as the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many articles match in all (not just this page).
    pub total: u64,
    /// This page of hits, best (or newest/oldest) first.
    pub hits: Vec<Hit>,
    /// Counts per source and year, only when asked for (`search --facets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// One matching article with its best passage(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Article id (use with `newsindex show`).
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Publication date: `YYYY-MM-DD`, or RFC 3339 when the time is known.
    pub date: Option<ArticleDate>,
    /// Source as the archive wrote it.
    pub source: Option<String>,
    /// Author(s).
    #[serde(default)]
    pub byline: Option<String>,
    /// Original URL.
    pub url: Option<String>,
    /// BM25 score; `null` when sorted by date.
    pub score: Option<f32>,
    /// The best matching passages of the body, best first.
    pub passages: Vec<Passage>,
}

/// Runs `request` against `index`.
///
/// # Errors
/// [`crate::Error::InvalidQuery`] when the query cannot be read; [`crate::Error::Search`] when
/// the index cannot be read.
pub fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResults> {
    let compiled = query::compile(index, request)?;
    let searcher = index.reader().searcher();
    let limit = request.limit.min(MAX_LIMIT);
    let total;
    let mut page: Vec<(Option<f32>, DocAddress)> = Vec::new();
    if limit == 0 {
        total = searcher
            .search(&compiled.query, &Count)
            .map_err(|e| index.search_error(e))?;
    } else {
        let top = TopDocs::with_limit(limit).and_offset(request.offset);
        match request.sort {
            SortOrder::Relevance => {
                let (count, hits) = searcher
                    .search(&compiled.query, &(Count, top.order_by_score()))
                    .map_err(|e| index.search_error(e))?;
                total = count;
                page = hits
                    .into_iter()
                    .map(|(score, address)| (Some(score), address))
                    .collect();
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if request.sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (count, hits) = searcher
                    .search(
                        &compiled.query,
                        &(Count, top.order_by_fast_field::<DateTime>("date", order)),
                    )
                    .map_err(|e| index.search_error(e))?;
                total = count;
                page = hits
                    .into_iter()
                    .map(|(_, address)| (None, address))
                    .collect();
            }
        }
    }
    let weights = compiled.term_weights(&searcher);
    let mut hits = Vec::with_capacity(page.len());
    for (score, address) in page {
        let document: TantivyDocument = searcher.doc(address).map_err(|e| index.search_error(e))?;
        let article = index.fields().to_article(&document);
        let passages = passage::best_passages(&article.body, &weights, request.passages);
        hits.push(Hit {
            id: article.id,
            path: article.path,
            title: article.title,
            date: article.date,
            source: article.source,
            byline: article.byline,
            url: article.url,
            score,
            passages,
        });
    }
    Ok(SearchResults {
        total: total as u64,
        hits,
        facets: None,
    })
}
