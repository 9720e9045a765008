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

/// What `index --json` prints: the run's counts, its time and every warning.
#[derive(Debug, serde::Serialize)]
pub struct IndexSummary<'a> {
    /// Files read for the first time.
    pub added_files: u64,
    /// Files read again because they changed.
    pub updated_files: u64,
    /// Files gone whose articles were removed.
    pub removed_files: u64,
    /// Files left alone.
    pub unchanged_files: u64,
    /// Files skipped with a warning.
    pub skipped_files: u64,
    /// Records skipped inside files that were otherwise read.
    pub skipped_records: u64,
    /// Articles added (new or re-read).
    pub articles_added: u64,
    /// Articles removed.
    pub articles_removed: u64,
    /// Of the articles added, how many have no date.
    pub undated: u64,
    /// Articles in the index after the run.
    pub total_articles: u64,
    /// Wall time of the run, in seconds.
    pub elapsed_seconds: f64,
    /// The run was stopped early; what was read is committed.
    pub interrupted: bool,
    /// Folders found moved: `{"from", "to", "files"}`.
    pub moved_roots: Vec<serde_json::Value>,
    /// Gone folders whose articles `--prune` removed: `{"root", "articles"}`.
    pub pruned_roots: Vec<serde_json::Value>,
    /// Every warning, `<path>[:line]: <reason>`.
    pub warnings: &'a [String],
}

impl<'a> IndexSummary<'a> {
    /// The summary of `report`, with its `warnings`.
    pub fn new(report: &IndexReport, warnings: &'a [String]) -> IndexSummary<'a> {
        IndexSummary {
            added_files: report.added_files,
            updated_files: report.updated_files,
            removed_files: report.removed_files,
            unchanged_files: report.unchanged_files,
            skipped_files: report.skipped_files,
            skipped_records: report.skipped_records,
            articles_added: report.articles_added,
            articles_removed: report.articles_removed,
            undated: report.undated,
            total_articles: report.total_articles,
            elapsed_seconds: (report.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            interrupted: report.interrupted,
            moved_roots: report
                .moved_roots
                .iter()
                .map(
                    |(from, to, files)| serde_json::json!({"from": from, "to": to, "files": files}),
                )
                .collect(),
            pruned_roots: report
                .pruned_roots
                .iter()
                .map(|(root, articles)| serde_json::json!({"root": root, "articles": articles}))
                .collect(),
            warnings,
        }
    }
}

/// Writes `index --json`'s summary.
///
/// # Errors
/// [`Error::WriteOutput`] when `out` fails.
pub fn write_index_summary(out: &mut impl Write, summary: &IndexSummary<'_>) -> Result<()> {
    json::write(out, summary).map_err(Error::WriteOutput)
}
