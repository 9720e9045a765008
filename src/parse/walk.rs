//! The one walk of an archive that `index` and `export` share ([`walk_files`]): which files
//! are read, in what order, under what name they are shown, and what is said about those that
//! cannot be walked or are left out on purpose.

use std::path::{Path, PathBuf};

use super::{Format, ParseContext, Selection, detect, extensions_text};
use crate::article::{path_text, strip_root};
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};

/// A file the walk found to read.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Where it is (under the canonical root): the path files are opened by.
    pub file: PathBuf,
    /// The index's key for it ([`path_text`] of `file`).
    pub key: String,
    /// The path as the user would write it, under the root they gave.
    pub shown: PathBuf,
    /// How to read it.
    pub format: Format,
}

/// Lists the files of `root` to read, in name order. `absolute` is `root` made canonical and
/// `context` the archive's; a file or folder that cannot be walked and a file left out on
/// purpose are reported through `report` and the walk goes on.
///
/// # Errors
/// As [`walk_files`].
pub fn list_files(
    root: &Path,
    absolute: &Path,
    context: &ParseContext,
    report: &mut dyn FnMut(Diagnostic),
) -> Result<Vec<Listed>> {
    let mut listed = Vec::new();
    for found in walk_files(root, absolute, context)? {
        match found {
            Walked::File(file) => listed.push(file),
            Walked::Note(diagnostic) => report(diagnostic),
        }
    }
    Ok(listed)
}

/// What the walk of an archive gives, one at a time ([`walk_files`]).
#[derive(Debug)]
pub enum Walked {
    /// A file to read.
    File(Listed),
    /// A file or folder that cannot be walked, or a file left out on purpose.
    Note(Diagnostic),
}

/// The files of `root` to read, in name order, as the walk finds them, so that reading can
/// begin before the walk ends; `absolute` is `root` made canonical and `context` the
/// archive's. Nothing is walked until the first item is asked for.
///
/// # Errors
/// [`Error::ReadCorpus`] when `root` cannot be read at all; [`Error::InvalidCorpus`] when it
/// is a file that is not an article file.
pub fn walk_files<'c>(
    root: &Path,
    absolute: &Path,
    context: &'c ParseContext,
) -> Result<impl Iterator<Item = Walked> + 'c> {
    let metadata = std::fs::metadata(absolute).map_err(|source| Error::ReadCorpus {
        path: root.to_path_buf(),
        source,
    })?;
    if metadata.is_file() && detect(absolute).is_none() {
        return Err(Error::InvalidCorpus {
            path: root.to_path_buf(),
            reason: format!(
                "not a folder, nor a file newsindex can read ({})",
                extensions_text()
            ),
        });
    }
    let (root, absolute) = (root.to_path_buf(), absolute.to_path_buf());
    let entries = walk_archive(&absolute, usize::MAX);
    Ok(entries.filter_map(move |entry| {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => return Some(Walked::Note(walk_diagnostic(&error, &absolute, &root))),
        };
        if !entry.file_type().is_file() {
            return None;
        }
        match context.select(entry.path()) {
            Selection::Read(format) => {
                let shown = shown_path(entry.path(), &absolute, &root);
                let key = path_text(entry.path());
                Some(Walked::File(Listed {
                    file: entry.into_path(),
                    key,
                    shown,
                    format,
                }))
            }
            Selection::Skip(reason) => {
                let shown = shown_path(entry.path(), &absolute, &root);
                Some(Walked::Note(Diagnostic::left_out(None, reason).at(&shown)))
            }
            Selection::Ignore => None,
        }
    }))
}

/// The walk every reader of an archive makes: from `root` down to `max_depth`, symbolic
/// links followed, hidden files and folders (a name starting with `.`) left out, siblings in
/// byte order of their names.
///
/// Siblings share their parent's path, so ordering by the whole path orders them by name;
/// comparing paths as bytes is much cheaper than walkdir's `sort_by_file_name`, which parses
/// each path's components, and a no-op run over a big archive is mostly this walk.
pub fn walk_archive(
    root: &Path,
    max_depth: usize,
) -> walkdir::FilterEntry<walkdir::IntoIter, fn(&walkdir::DirEntry) -> bool> {
    walkdir::WalkDir::new(root)
        .max_depth(max_depth)
        .follow_links(true)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()))
}

/// Whether the last component of `path` starts with a dot.
fn is_hidden(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let name = bytes
        .rsplit(|&b| b == b'/' || b == std::path::MAIN_SEPARATOR as u8)
        .next()
        .unwrap_or(bytes);
    name.first() == Some(&b'.')
}

/// A walk error as a diagnostic: a link loop, a broken link or vanished file, or I/O.
fn walk_diagnostic(error: &walkdir::Error, absolute: &Path, root: &Path) -> Diagnostic {
    let path = error
        .path()
        .map(|p| shown_path(p, absolute, root))
        .unwrap_or_else(|| root.to_path_buf());
    let reason = if error.loop_ancestor().is_some() {
        "symbolic link loop".to_string()
    } else {
        match error.io_error() {
            Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                "broken symbolic link or vanished file".to_string()
            }
            Some(io) => io.to_string(),
            None => error.to_string(),
        }
    };
    Diagnostic::new(Kind::Unreadable, None, reason).at(&path)
}

/// The path as the user would write it: under the root they gave rather than its canonical form.
pub fn shown_path(path: &Path, absolute: &Path, root: &Path) -> PathBuf {
    match strip_root(path, absolute) {
        Some(relative) if relative.as_os_str().is_empty() => root.to_path_buf(),
        Some(relative) => root.join(relative),
        None => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::EXTENSIONS;
    use super::*;

    #[test]
    fn every_ending_in_the_table_is_detected_as_its_format_and_others_are_not() {
        for &(ending, format) in EXTENSIONS {
            let name = format!("story.{}", ending.to_ascii_uppercase());
            assert_eq!(detect(Path::new(&name)), Some(format), "{name}");
        }
        assert_eq!(detect(Path::new("crawl.warc.gz")), Some(Format::Warc));
        assert_eq!(detect(Path::new("notes.gz")), None);
        assert_eq!(detect(Path::new("warc")), None);
        assert_eq!(detect(Path::new(".txt")), None);
        assert!(extensions_text().contains(".ndjson, .csv"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_name_that_is_not_utf8_is_detected_by_its_ending() {
        use std::os::unix::ffi::OsStrExt;
        let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.TXT");
        assert_eq!(detect(Path::new(latin1)), Some(Format::Text));
    }
}
