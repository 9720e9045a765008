//! The one list of failure kinds ([`Error`]) and the exit code each maps to.
//!
//! Every variant names what the user must act on: the path, the record and the reason.
//! Per-file problems met while indexing are not errors but [`crate::diagnostic::Diagnostic`]s.

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
    /// The index was built by a newsindex whose schema (fields, analyzers, ids) differs.
    #[error(
        "the index at '{path}' was built by another version of newsindex (schema version {found}, this one needs {expected}); rebuild it: `newsindex index --rebuild {roots}`"
    )]
    IndexOutdated {
        /// The index folder.
        path: PathBuf,
        /// The schema version the index records (0 when it records none).
        found: u32,
        /// The schema version this newsindex writes.
        expected: u32,
        /// The folders it was built from, as the command to run names them (`DIR` if unknown).
        roots: String,
    },
    /// The index's files are damaged (truncated, overwritten, partly deleted).
    #[error("the index at '{path}' is damaged: run `newsindex index --rebuild {roots}`")]
    IndexDamaged {
        /// The index folder.
        path: PathBuf,
        /// The folders it was built from, as the command to run names them (`DIR` if unknown).
        roots: String,
        /// Which file could not be read, and how.
        #[source]
        source: DamageDetail,
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
    /// A source filter (`--source`, `source:`) names no source of the index, or several.
    #[error("source '{name}': {reason}")]
    UnknownSource {
        /// The source as the user wrote it.
        name: String,
        /// Why it does not fit, with the candidates.
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

/// What is wrong with a damaged index, in words a user can act on. tantivy's own message for a
/// truncated file blames "an old tantivy version" and asks for "tantivy 0.15 or above", which
/// misleads: its full text goes to the debug log instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DamageDetail(pub String);

impl From<&tantivy::TantivyError> for DamageDetail {
    fn from(error: &tantivy::TantivyError) -> DamageDetail {
        use tantivy::TantivyError;
        use tantivy::directory::error::OpenReadError;
        tracing::debug!(%error, "the index is damaged");
        let text = match error {
            TantivyError::OpenReadError(OpenReadError::IoError {
                io_error, filepath, ..
            }) if io_error.kind() == std::io::ErrorKind::InvalidData => {
                format!("'{}' is truncated or overwritten", filepath.display())
            }
            TantivyError::OpenReadError(OpenReadError::IoError {
                io_error, filepath, ..
            }) => format!("cannot read '{}': {io_error}", filepath.display()),
            TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(filepath)) => {
                format!("'{}' is missing", filepath.display())
            }
            other => other.to_string(),
        };
        DamageDetail(text)
    }
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
            | Error::UnknownSource { .. }
            | Error::InvalidDate { .. }
            | Error::InvalidOffset { .. }
            | Error::InvalidCorpus { .. }
            | Error::InvalidExport { .. }
            | Error::ArchiveConfig { .. } => ExitCode::Usage,
            Error::IndexMissing { .. }
            | Error::OpenIndex { .. }
            | Error::IndexOutdated { .. }
            | Error::IndexDamaged { .. }
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
