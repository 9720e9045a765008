//! Problems and notes about single files and records ([`Diagnostic`]), kept as data until the
//! edge renders them, and the one way an error is written with its causes ([`causes`]).
//!
//! Readers, the walk, `index` and `export` produce diagnostics; the command line prints (or
//! summarises) them, the server logs them. A diagnostic never stops a run: a file that cannot
//! be used is one diagnostic, and the other files are read.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something left out on purpose or worth knowing (shown with `-v`).
    Note,
    /// Input that could not be used, or was used with less than it claimed.
    Warning,
}

/// What happened, for counting and summarising diagnostics of one kind together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A file or folder could not be read (permissions, I/O, a broken link).
    Unreadable,
    /// A file was read but could not be used at all (empty, binary, too large, not its format).
    Refused,
    /// One record of a file was left out; the others were read.
    RecordSkipped,
    /// A record was kept with less than it claimed (a date that is not one, say).
    RecordIncomplete,
    /// A row of a sidecar table could not be used.
    SidecarRow,
    /// A file or record left out on purpose: a rule or the archive's config says so.
    LeftOut,
    /// A file decoded from a legacy encoding.
    Decoded,
    /// An archive's config or sidecar changed, so its files are read again.
    Reread,
    /// An article kept in the index but not written by an export format that cannot hold it.
    NotExported,
}

impl Kind {
    /// The severity diagnostics of this kind have.
    pub fn severity(self) -> Severity {
        match self {
            Kind::LeftOut | Kind::Decoded | Kind::Reread => Severity::Note,
            Kind::Unreadable
            | Kind::Refused
            | Kind::RecordSkipped
            | Kind::RecordIncomplete
            | Kind::SidecarRow
            | Kind::NotExported => Severity::Warning,
        }
    }

    /// Whether input was lost: a file or record that is not in the index or the export.
    pub fn skips_input(self) -> bool {
        matches!(
            self,
            Kind::Unreadable
                | Kind::Refused
                | Kind::RecordSkipped
                | Kind::SidecarRow
                | Kind::NotExported
        )
    }

    /// A few words naming the kind, for a summary line ("3 records left out").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Unreadable => "unreadable files",
            Kind::Refused => "files not used",
            Kind::RecordSkipped => "records left out",
            Kind::RecordIncomplete => "records kept with less",
            Kind::SidecarRow => "sidecar rows not used",
            Kind::LeftOut => "left out on purpose",
            Kind::Decoded => "files decoded from a legacy encoding",
            Kind::Reread => "archives read again",
            Kind::NotExported => "articles not exported",
        }
    }
}

/// One problem or note, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (relative to the folder given on the command line).
    pub path: Option<PathBuf>,
    /// 1-based line or record number within the file.
    pub line: Option<u64>,
    /// What happened.
    pub kind: Kind,
    /// What went wrong and what was done about it, in words.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `kind` with no place yet (readers do not know the path users see).
    pub fn new(kind: Kind, line: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: None,
            line,
            kind,
            message: message.into(),
        }
    }

    /// A record that could not be read and was left out.
    pub fn record_skipped(line: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Kind::RecordSkipped, line, message)
    }

    /// A record indexed without something it claimed to have (a date that is not one).
    pub fn record_kept(line: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Kind::RecordIncomplete, line, message)
    }

    /// A record or file left out on purpose.
    pub fn left_out(line: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Kind::LeftOut, line, message)
    }

    /// A file that could not be read or used: the error's place and its causes. The place is
    /// the error's own when it names one (a parse error's file and line).
    pub fn from_error(error: &Error) -> Diagnostic {
        let kind = match error {
            Error::ParseArticle { .. } => Kind::Refused,
            _ => Kind::Unreadable,
        };
        let (path, line, message) = match error {
            Error::ParseArticle { path, line, reason } => {
                (Some(path.clone()), *line, reason.clone())
            }
            Error::ReadCorpus { path, source } => (
                Some(path.clone()),
                None,
                format!(
                    "cannot read: {}",
                    causes(source).collect::<Vec<_>>().join(": ")
                ),
            ),
            Error::Io { path, source } => (
                Some(path.clone()),
                None,
                format!(
                    "cannot access: {}",
                    causes(source).collect::<Vec<_>>().join(": ")
                ),
            ),
            other => (None, None, causes(other).collect::<Vec<_>>().join(": ")),
        };
        Diagnostic {
            path,
            line,
            kind,
            message,
        }
    }

    /// The same diagnostic placed in `path` (kept when it already names one).
    pub fn at(mut self, path: &Path) -> Diagnostic {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    /// How much it matters.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

/// `path:line: message`, the way compilers and grep place a problem.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{}:{line}: ", path.display())?,
            (Some(path), None) => write!(f, "{}: ", path.display())?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// An error's message followed by each of its causes': the one walk of a cause chain, which
/// the command line prints one per line and warnings and the server join on one.
pub fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = String> + 'a {
    std::iter::successors(Some(error), |error| error.source()).map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_error_keeps_its_file_and_line_and_reads_as_a_compiler_message() {
        let error = Error::ParseArticle {
            path: PathBuf::from("wire/a.csv"),
            line: Some(7),
            reason: "the row has 3 fields; the header has 5".into(),
        };
        let diagnostic = Diagnostic::from_error(&error);
        assert_eq!(diagnostic.kind, Kind::Refused);
        assert_eq!(
            diagnostic.to_string(),
            "wire/a.csv:7: the row has 3 fields; the header has 5"
        );
    }

    #[test]
    fn a_read_error_carries_its_causes_on_one_line() {
        let error = Error::ReadCorpus {
            path: PathBuf::from("gone.txt"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"),
        };
        let diagnostic = Diagnostic::from_error(&error);
        assert_eq!(diagnostic.kind, Kind::Unreadable);
        assert_eq!(
            diagnostic.to_string(),
            "gone.txt: cannot read: No such file"
        );
        assert!(diagnostic.kind.skips_input());
    }

    #[test]
    fn a_place_given_later_does_not_replace_the_errors_own() {
        let placed = Diagnostic::record_skipped(Some(2), "no body").at(Path::new("a.jsonl"));
        assert_eq!(placed.to_string(), "a.jsonl:2: no body");
        let kept = placed.at(Path::new("elsewhere"));
        assert_eq!(kept.path.as_deref(), Some(Path::new("a.jsonl")));
        assert_eq!(
            Diagnostic::left_out(None, "README").severity(),
            Severity::Note
        );
    }
}
