//! [`Article`]: the parsed news record every other module speaks, and its stable id.
//!
//! Parsers fill an `Article`; the index stores it; search and output show it. Source names are
//! normalised here ([`source_key`]) so "Reuters", "REUTERS" and "reuters.com" are one facet.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::ArticleDate;

/// One news article as read from the archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable, URL-safe id derived from the file and the record inside it.
    pub id: String,
    /// The file it came from (absolute), as [`path_text`] writes it.
    pub path: String,
    /// The 1-based line or record number inside a multi-article file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// Headline; empty when the archive gives none.
    pub title: String,
    /// Publication date, when known.
    pub date: Option<ArticleDate>,
    /// Where the date was read, when a reader chose among several places (`meta
    /// article:published_time`, `url path`, `the crawl's WARC-Date`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<String>,
    /// Source (publisher or wire) as the archive wrote it.
    pub source: Option<String>,
    /// Author(s).
    pub byline: Option<String>,
    /// Where the article was published.
    pub url: Option<String>,
    /// The text, paragraphs separated by blank lines.
    pub body: String,
    /// The record's identity inside its file, kept to derive [`Article::id`] again from the
    /// file's path inside its archive ([`Article::assign_archive_id`]).
    #[serde(skip)]
    pub key: String,
}

impl Article {
    /// An article from `path` with nothing filled in yet; `record` is its place in the file.
    pub fn new(path: &Path, record: Option<u64>) -> Article {
        Article {
            id: String::new(),
            path: path_text(path),
            record,
            title: String::new(),
            date: None,
            date_source: None,
            source: None,
            byline: None,
            url: None,
            body: String::new(),
            key: String::new(),
        }
    }

    /// The normalised source used for filtering and facets (see [`source_key`]).
    pub fn source_key(&self) -> Option<String> {
        self.source
            .as_deref()
            .map(source_key)
            .filter(|k| !k.is_empty())
    }

    /// Sets [`Article::id`] from the path and `key`, the record's own identity inside its file.
    pub fn assign_id(&mut self, key: &str) {
        self.key = key.to_string();
        self.id = article_id(&self.path, key);
    }

    /// Sets [`Article::id`] from the file's path inside its archive (relative to the archive's
    /// folder) and the record's key, so the id survives moving, renaming or copying the
    /// archive and rebuilding it on another machine.
    pub fn assign_archive_id(&mut self, relative: &Path) {
        let relative = path_text(relative).replace(std::path::MAIN_SEPARATOR, "/");
        self.id = article_id(&relative, &self.key);
    }
}

/// A path as text: itself when the OS name is UTF-8, else its undecodable bytes written `\xNN`.
///
/// Archives copied from old Windows or FTP systems have Latin-1 file names. The index keys
/// files by this text, which keeps such names apart (a lossy conversion would map `café` and
/// `cafè` in Latin-1 to one `caf\u{fffd}`); reading always uses the path the walk gave.
pub fn path_text(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02X}"));
        }
    }
    text
}

/// `path` inside `root`, as `Path::strip_prefix` gives it. A path a walk made (the root's
/// text, a separator, then names) is told by comparing text; `strip_prefix` compares component
/// by component, three times per file of a run. Any other path goes to `strip_prefix`.
pub fn strip_root<'a>(path: &'a Path, root: &Path) -> Option<&'a Path> {
    let plain = || {
        let rest = path
            .to_str()?
            .strip_prefix(root.to_str()?)?
            .strip_prefix(std::path::MAIN_SEPARATOR)?;
        // Leading dots and separators, and trailing separators, are what components skip.
        let plain = !rest.is_empty()
            && !rest.starts_with(['.', '/', std::path::MAIN_SEPARATOR])
            && !rest.ends_with(['.', '/', std::path::MAIN_SEPARATOR])
            && !root.as_os_str().is_empty();
        plain.then(|| Path::new(rest))
    };
    plain().or_else(|| path.strip_prefix(root).ok())
}

/// The rest of the path key `path` after the folder key `root`, starting with a separator, or
/// `None` when `path` is not inside `root` (`/a/bc` is not inside `/a/b`). A path is not inside
/// itself; the one test of "is this file under that folder" for keys the index stores.
pub fn relative_key<'a>(path: &'a str, root: &str) -> Option<&'a str> {
    let root = root.strip_suffix(std::path::MAIN_SEPARATOR).unwrap_or(root);
    path.strip_prefix(root)
        .filter(|rest| rest.starts_with(std::path::MAIN_SEPARATOR))
}

/// Whether the path key `path` is the folder key `root` or inside it.
pub fn is_under(path: &str, root: &str) -> bool {
    path == root || relative_key(path, root).is_some()
}

/// A short (16 characters), URL-safe id for the article at `path` identified by `key` within it.
pub fn article_id(path: &str, key: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(path.as_bytes());
    hasher.update(b"\0");
    hasher.update(key.as_bytes());
    let hash = hasher.finalize();
    hash.to_hex()[..16].to_string()
}

/// Second-level domain suffixes under which the publisher is the third label (`bbc.co.uk`).
const COUNTRY_SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "ne", "or"];

/// Normalises a source name to its facet key: lowercase, no `www.`, no domain suffix.
///
/// `"Reuters"`, `"REUTERS"`, `"reuters.com"` and `"https://www.reuters.com/"` all give
/// `"reuters"`; `"The Guardian"` gives `"the guardian"`, and so does the catalogue style
/// `"The Guardian."`.
pub fn source_key(raw: &str) -> String {
    let mut text = raw.trim().trim_end_matches('.').trim_end().to_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = text.strip_prefix(scheme) {
            text = rest.to_string();
        }
    }
    let text = text.split('/').next().unwrap_or_default().trim();
    let looks_like_domain = !text.contains(' ')
        && text.contains('.')
        && text
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if looks_like_domain {
        let labels: Vec<&str> = text.split('.').filter(|l| !l.is_empty()).collect();
        let publisher = match labels.as_slice() {
            [.., name, second, tld] if tld.len() == 2 && COUNTRY_SECOND_LEVEL.contains(second) => {
                name
            }
            [.., name, _tld] => name,
            [name] => name,
            [] => "",
        };
        return publisher.to_string();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_variants_share_one_key() {
        for raw in [
            "Reuters",
            "REUTERS",
            "reuters.com",
            "https://www.reuters.com/world",
            " reuters ",
        ] {
            assert_eq!(source_key(raw), "reuters", "{raw}");
        }
        assert_eq!(source_key("bbc.co.uk"), "bbc");
        assert_eq!(source_key("en.wikinews.org"), "wikinews");
        assert_eq!(source_key("The  Guardian"), "the guardian");
        assert_eq!(source_key("The Evening Star."), "the evening star");
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_are_not_utf8_keep_their_bytes_apart() {
        use std::os::unix::ffi::OsStrExt;
        let latin1 = Path::new(std::ffi::OsStr::from_bytes(b"/a/caf\xe9.txt"));
        let other = Path::new(std::ffi::OsStr::from_bytes(b"/a/caf\xe8.txt"));
        assert_eq!(path_text(latin1), "/a/caf\\xE9.txt");
        assert_ne!(path_text(latin1), path_text(other));
        assert_eq!(path_text(Path::new("/a/café.txt")), "/a/café.txt");
    }

    #[test]
    fn ids_are_short_stable_and_distinct() {
        let a = article_id("/a/b.jsonl", "3");
        assert_eq!(a.len(), 16);
        assert_eq!(a, article_id("/a/b.jsonl", "3"));
        assert_ne!(a, article_id("/a/b.jsonl", "4"));
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn a_path_inside_a_root_is_what_strip_prefix_gives() {
        let pairs = [
            ("/a/b/c.txt", "/a/b"),
            ("/a/b/c/d.txt", "/a"),
            ("/a/bc/d.txt", "/a/b"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b"),
            ("/a/b//c.txt", "/a/b"),
            ("/a/b/./c.txt", "/a/b"),
            ("/a/b/c/./d.txt", "/a/b"),
            ("/a/b/.hidden", "/a/b"),
            ("/a/b/c.", "/a/b"),
            ("/a/b/c/", "/a/b"),
            ("/a/b/c.txt", "/a/b/"),
            ("/a/b/c.txt", "/"),
            ("a/b.txt", "a"),
            ("a/b.txt", ""),
            ("./a/b.txt", "."),
            ("/x/y.txt", "/a"),
            ("/a/b/c d/é.txt", "/a/b"),
            ("/a/b/../c.txt", "/a/b"),
        ];
        for (path, root) in pairs {
            let (path, root) = (Path::new(path), Path::new(root));
            assert_eq!(
                strip_root(path, root),
                path.strip_prefix(root).ok(),
                "{path:?} in {root:?}"
            );
        }
    }
}
