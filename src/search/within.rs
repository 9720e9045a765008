//! The passages of one given article that answer a query ([`article_passages`]): what the page's
//! article view marks.
//!
//! The article is fetched by id and its passages scored against the query's plan, so the query
//! never has to be combined with the id into one query text (unbalanced parentheses in it could
//! then change what the id restricts). It does not rank or count: the article is given.

use serde::{Deserialize, Serialize};

use super::passage::{self, Passage};
use super::{SearchRequest, query};
use crate::error::Result;
use crate::index::NewsIndex;

/// The passages of one article that hold a query word or a whole phrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticlePassages {
    /// The article's id.
    pub id: String,
    /// Its matching passages in the order of the text, highlights included; empty when the
    /// query finds nothing in it (or is empty).
    pub passages: Vec<Passage>,
}

/// The passages of the article `id` that answer `request`'s query, in text order.
///
/// # Errors
/// [`crate::Error::ArticleNotFound`] when no article has the id; [`crate::Error::InvalidQuery`]
/// when the query cannot be read.
pub fn article_passages(
    index: &NewsIndex,
    id: &str,
    request: &SearchRequest,
) -> Result<ArticlePassages> {
    let article = index.article(id)?;
    let compiled = query::compile(index, request)?;
    let matched = passage::match_article(&article.title, &article.body, &compiled.plan);
    let mut found: Vec<&passage::ScoredPassage> = matched
        .passages
        .iter()
        .filter(|p| p.found_weight > 0.0)
        .collect();
    found.sort_by_key(|p| p.span.start);
    Ok(ArticlePassages {
        id: article.id.clone(),
        passages: found
            .into_iter()
            .map(|p| passage::to_passage(&article.body, p))
            .collect(),
    })
}
