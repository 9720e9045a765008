//! The one list of failure kinds ([`Error`]) and the exit code each maps to.
//!
//! Every variant names what the user must act on: the path, the record and the reason.
//! Per-file problems met while indexing are not errors but [`crate::parse::Warning`]s.

use std::path::PathBuf;

/// Everything that can stop a `newsindex` command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No index exists where one was expected.
    #[error(
        "no index at '{path}'; build one with `newsindex index DIR` (or point --index / NEWSINDEX_INDEX at one)"
    )]
    IndexMissing {
        /// Where we looked.
        path: PathBuf,
    },
    /// The index exists but cannot be opened or read.
    #[error("cannot open the index at '{path}'")]
    OpenIndex {
        /// The index folder.
        path: PathBuf,
        /// What tantivy reported.
        #[source]
        source: tantivy::TantivyError,
    },
    /// Another process holds the index writer lock.
    #[error(
        "the index at '{path}' is being updated by another process; try again when it finishes"
    )]
    IndexLocked {
        /// The index folder.
        path: PathBuf,
    },
    /// Writing to the index failed.
    #[error("cannot update the index at '{path}'")]
    WriteIndex {
        /// The index folder.
        path: PathBuf,
        /// What tantivy reported.
        #[source]
        source: tantivy::TantivyError,
    },
    /// Searching the index failed.
    #[error("search failed in the index at '{path}'")]
    Search {
        /// The index folder.
        path: PathBuf,
        /// What tantivy reported.
        #[source]
        source: tantivy::TantivyError,
    },
    /// A folder or file of the corpus cannot be read at all.
    #[error("cannot read '{path}'")]
    ReadCorpus {
        /// The unreadable path.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The corpus path is not a folder or file we can index.
    #[error("cannot index '{path}': {reason}")]
    InvalidCorpus {
        /// The path given on the command line.
        path: PathBuf,
        /// Why it cannot be indexed.
        reason: String,
    },
    /// An export cannot write where it was asked to.
    #[error("cannot export to '{path}': {reason}")]
    InvalidExport {
        /// The output named by `--out`.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// A file, or a record inside it, cannot be read as an article.
    #[error("{}: {reason}", location(path, *line))]
    ParseArticle {
        /// The file.
        path: PathBuf,
        /// The 1-based line (or record) number, when known.
        line: Option<u64>,
        /// Why it cannot be read.
        reason: String,
    },
    /// An archive's `newsindex.toml` cannot be used.
    #[error("invalid archive config '{}': {reason}", location(path, *line))]
    ArchiveConfig {
        /// The config file.
        path: PathBuf,
        /// The 1-based line of the problem, when known.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// The query cannot be read.
    #[error("invalid query '{query}': {reason}")]
    InvalidQuery {
        /// The query as the user typed it.
        query: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A date given on the command line or over HTTP cannot be read.
    #[error("invalid date '{value}' for {option}: {reason}")]
    InvalidDate {
        /// The option, e.g. `--from`.
        option: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `show --at` names a place outside the article's body.
    #[error("invalid offset {offset} for article '{id}': {reason}")]
    InvalidOffset {
        /// The article id.
        id: String,
        /// The character offset asked for.
        offset: usize,
        /// Why it cannot be shown.
        reason: String,
    },
    /// No article has this id.
    #[error("no article with id '{id}' in the index at '{path}'")]
    ArticleNotFound {
        /// The id asked for.
        id: String,
        /// The index folder.
        path: PathBuf,
    },
    /// Results cannot be written to standard output.
    #[error("cannot write output")]
    WriteOutput(#[source] std::io::Error),
    /// `newsindex serve` cannot listen on the address it was given.
    #[error("cannot listen on '{addr}'")]
    Bind {
        /// The address, as given with `--addr`.
        addr: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server could not start or stopped on an I/O failure.
    #[error("the HTTP server failed")]
    Serve(#[source] std::io::Error),
    /// Index metadata or its files cannot be written or read.
    #[error("cannot access '{path}'")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
}

/// Formats `path` or `path:line` the way warnings and errors name a location.
pub fn location(path: &std::path::Path, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The process exit codes, documented in the README and in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The command succeeded (for `search`: at least one hit).
    Success = 0,
    /// `search` found nothing.
    NoHits = 1,
    /// Usage error, invalid query, date or offset.
    Usage = 2,
    /// The index is missing, locked, incompatible or corrupt.
    Index = 3,
    /// Indexing or export finished but skipped some input files, records or articles.
    Skipped = 4,
    /// I/O error: cannot read the corpus, write output or listen on the address.
    Io = 5,
    /// Indexing was interrupted (Ctrl-C or SIGTERM) after committing what it had read.
    Interrupted = 130,
}

impl Error {
    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::InvalidQuery { .. }
            | Error::InvalidDate { .. }
            | Error::InvalidOffset { .. }
            | Error::InvalidCorpus { .. }
            | Error::InvalidExport { .. }
            | Error::ArchiveConfig { .. } => ExitCode::Usage,
            Error::IndexMissing { .. }
            | Error::OpenIndex { .. }
            | Error::IndexLocked { .. }
            | Error::WriteIndex { .. }
            | Error::Search { .. } => ExitCode::Index,
            Error::ArticleNotFound { .. } => ExitCode::NoHits,
            Error::ReadCorpus { .. }
            | Error::ParseArticle { .. }
            | Error::WriteOutput(_)
            | Error::Bind { .. }
            | Error::Serve(_)
            | Error::Io { .. } => ExitCode::Io,
        }
    }

    /// True when the error is a closed stdout pipe, which ends the process quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::WriteOutput(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
