//! Picking the writer for a command's answer: [`human`](super::human) for people, the JSON
//! contract ([`newsindex::output::json`]) for programs.

use std::io::Write;

use newsindex::article::Article;
use newsindex::error::{Error, Result};
use newsindex::index::{IndexReport, IndexStats};
use newsindex::output::json;
use newsindex::search::passage::Context;
use newsindex::search::{Facets, SearchRequest, SearchResults};

use super::human;

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Text for a terminal or a pager; `color` adds ANSI colours.
    Human {
        /// Colour highlights and headings.
        color: bool,
    },
    /// One JSON object (see [`json`] for the contract).
    Json,
}

/// Writes search results.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_results(
    out: &mut impl Write,
    results: &SearchResults,
    request: &SearchRequest,
    format: OutputFormat,
) -> Result<()> {
    match format {
        OutputFormat::Human { color } => human::write_results(out, results, request, color),
        OutputFormat::Json => json::write(out, results),
    }
    .map_err(Error::WriteOutput)
}

/// Writes an article's copies and reprints (`newsindex copies`).
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_copies(
    out: &mut impl Write,
    report: &newsindex::search::copies::CopiesReport,
    format: OutputFormat,
) -> Result<()> {
    match format {
        OutputFormat::Human { color } => human::write_copies(out, report, color),
        OutputFormat::Json => json::write(out, report),
    }
    .map_err(Error::WriteOutput)
}

/// Writes one whole article.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_article(out: &mut impl Write, article: &Article, format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Human { color } => human::write_article(out, article, color),
        OutputFormat::Json => json::write(out, article),
    }
    .map_err(Error::WriteOutput)
}

/// Writes an article's passages around an offset (`show --at`).
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_context(
    out: &mut impl Write,
    article: &Article,
    context: &Context,
    format: OutputFormat,
) -> Result<()> {
    match format {
        OutputFormat::Human { color } => human::write_context(out, article, context, color),
        OutputFormat::Json => json::write(out, &json::ArticleAt { article, context }),
    }
    .map_err(Error::WriteOutput)
}

/// Writes index statistics.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_stats(out: &mut impl Write, stats: &IndexStats, format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Human { .. } => human::write_stats(out, stats),
        OutputFormat::Json => json::write(out, stats),
    }
    .map_err(Error::WriteOutput)
}

/// Writes a timeline: a bar per period for people, the [`Facets`] object as JSON.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_timeline(out: &mut impl Write, facets: &Facets, format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Human { color } => human::write_timeline(out, facets, color),
        OutputFormat::Json => json::write(out, facets),
    }
    .map_err(Error::WriteOutput)
}

/// What `index --json` prints: the run's report (its counts, time, moved and pruned folders)
/// and every warning.
#[derive(Debug, serde::Serialize)]
pub struct IndexSummary<'a> {
    /// The run's counts and time.
    #[serde(flatten)]
    pub report: &'a IndexReport,
    /// Every warning, `<path>[:line]: <reason>`.
    pub warnings: &'a [String],
}

impl<'a> IndexSummary<'a> {
    /// The summary of `report`, with its `warnings`.
    pub fn new(report: &'a IndexReport, warnings: &'a [String]) -> IndexSummary<'a> {
        IndexSummary { report, warnings }
    }
}

/// Writes `index --json`'s summary.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_index_summary(out: &mut impl Write, summary: &IndexSummary<'_>) -> Result<()> {
    json::write(out, summary).map_err(Error::WriteOutput)
}
