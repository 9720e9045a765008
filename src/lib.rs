//! newsindex: index a folder of news articles and search it, with ranked passages filtered by
//! date and source.
//!
//! The modules, in the order data flows through them:
//!
//! - [`article`]: [`article::Article`], the record every module speaks; ids and source names.
//! - [`date`]: article dates and the partial dates of `--from`/`--to`.
//! - [`parse`]: reading files (text, Markdown, JSON, CSV/TSV, HTML, NITF, NewsML-G2, Reuters
//!   SGML) into articles, with what the archive's `newsindex.toml` and sidecar tables say.
//! - [`index`]: the tantivy index on disk; [`index::update`] keeps it in step with folders.
//! - [`search`]: queries, filters, ranking and passages.
//! - [`output`]: the JSON contract for programs (text for people is the binary's).
//! - [`export`]: every article as NDJSON for Quickwit or `_bulk` pairs for Elasticsearch.
//! - `server` (the `serve` feature, on by default): `newsindex serve`, the same searches over
//!   HTTP with a web page.
//! - [`choice`]: the names of the values people choose (`--sort newest`, `sort=newest`).
//! - [`error`]: failures and exit codes; [`diagnostic`]: problems with single files and
//!   records, kept as data until the edge.
//!
//! The library never prints or exits: the command line, the text for people and the progress
//! bar are the `newsindex` binary's (`src/main.rs` and `src/cli/`), which the library cannot
//! reach. `cargo build --lib --no-default-features` builds the engine alone, without clap, the
//! HTTP stack or the terminal crates.
//!
//! ```
//! use newsindex::index::UpdateOptions;
//! use newsindex::search::{SearchRequest, search};
//!
//! let archive = tempfile::tempdir()?;
//! std::fs::write(archive.path().join("a.txt"), "Title: Talks resume\nDate: 2024-06-21\n\nSecurity talks resumed in Geneva.")?;
//! std::fs::write(archive.path().join("b.txt"), "Title: Harvest\nDate: 1916-01-03\n\nThe wheat harvest was good.")?;
//! let index_dir = tempfile::tempdir()?;
//! let settings = UpdateOptions { threads: 1, memory_bytes: 50_000_000, ..UpdateOptions::default() };
//! newsindex::index::update(index_dir.path(), &[archive.path().to_path_buf()], &settings, &mut |_| {})?;
//!
//! let index = newsindex::index::NewsIndex::open(index_dir.path())?;
//! let request = SearchRequest { query: "talk".into(), limit: 10, ..SearchRequest::default() };
//! let results = search(&index, &request)?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].passages[0].text, "Security talks resumed in Geneva.");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod article;
pub mod choice;
pub mod date;
pub mod diagnostic;
pub mod error;
pub mod export;
pub mod index;
pub mod output;
pub mod parse;
pub mod search;
#[cfg(feature = "serve")]
pub mod server;

pub use error::{Error, ExitCode, Result};

/// The texts of the sample corpus's files, in path order: real articles for unit tests.
#[cfg(test)]
pub(crate) fn sample_texts() -> Vec<String> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
    let texts: Vec<String> = walkdir::WalkDir::new(&corpus)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect();
    assert!(texts.len() > 5, "{}", corpus.display());
    texts
}
