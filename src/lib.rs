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
//! - [`output`]: results for people and the JSON contract for programs.
//! - [`export`]: every article as NDJSON for Quickwit or `_bulk` pairs for Elasticsearch.
//! - [`server`]: `newsindex serve`, the same searches over HTTP with a web page.
//! - [`cli`] and [`config`]: the command line; [`error`]: failures and exit codes.
//!
//! ```
//! use newsindex::config::IndexSettings;
//! use newsindex::search::{SearchRequest, search};
//!
//! let archive = tempfile::tempdir()?;
//! std::fs::write(archive.path().join("a.txt"), "Title: Talks resume\nDate: 2024-06-21\n\nSecurity talks resumed in Geneva.")?;
//! std::fs::write(archive.path().join("b.txt"), "Title: Harvest\nDate: 1916-01-03\n\nThe wheat harvest was good.")?;
//! let index_dir = tempfile::tempdir()?;
//! let settings = IndexSettings { threads: 1, memory_bytes: 50_000_000, ..IndexSettings::default() };
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
pub mod cli;
pub mod config;
pub mod date;
pub mod error;
pub mod export;
pub mod index;
pub mod output;
pub mod parse;
pub mod search;
pub mod server;

pub use error::{Error, ExitCode, Result};
