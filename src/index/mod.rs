//! The on-disk index: opening and creating it ([`NewsIndex`]), reading articles and [`IndexStats`].
//!
//! The index is a tantivy index plus a small JSON payload on each commit ([`IndexMeta`]: the
//! schema version and the folders it was built from), so metadata and documents commit together.
//! Keeping it in step with a folder is [`writer`]'s job.

pub mod analysis;
pub mod copies;
pub mod digest;
pub mod memory;
pub mod passages;
mod plan;
pub mod schema;
pub mod sources;
pub mod writer;

use schema::field;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use schema::{Fields, FileState};
pub use writer::{
    IndexEvent, IndexPhase, IndexReport, MovedRoot, PrunedRoot, UpdateOptions, update,
};

use crate::article::Article;
use crate::error::{Error, Result};

/// What newsindex records in each commit's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// [`schema::SCHEMA_VERSION`] of the index.
    pub schema_version: u32,
    /// The folders (absolute) the index was built from.
    pub roots: Vec<String>,
    /// Per folder, the [`crate::parse::ParseContext::fingerprint`] of its `newsindex.toml` and
    /// sidecar tables when it was last indexed; a change means every file is read again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub archives: BTreeMap<String, u64>,
}

/// An opened index, ready to search.
pub struct NewsIndex {
    dir: PathBuf,
    fields: Fields,
    reader: IndexReader,
    meta: IndexMeta,
}

impl NewsIndex {
    /// Opens the index at `dir` for reading, as its last commit left it: what a one-shot
    /// command (`search`, `show`, `stats`) needs, without the thread that watches for commits.
    ///
    /// # Errors
    /// [`Error::IndexMissing`] when there is none; [`Error::IndexOutdated`] when another version
    /// of newsindex built it; [`Error::IndexDamaged`] when its files cannot be read.
    pub fn open(dir: &Path) -> Result<NewsIndex> {
        NewsIndex::open_with(dir, ReloadPolicy::Manual)
    }

    /// Opens the index at `dir` for a long-running reader (the server): its searcher follows
    /// each commit of a concurrent `newsindex index` shortly after it lands.
    ///
    /// # Errors
    /// As [`NewsIndex::open`].
    pub fn open_live(dir: &Path) -> Result<NewsIndex> {
        NewsIndex::open_with(dir, ReloadPolicy::OnCommitWithDelay)
    }

    fn open_with(dir: &Path, reload: ReloadPolicy) -> Result<NewsIndex> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::IndexMissing {
                path: dir.to_path_buf(),
            });
        }
        let (index, meta) = open_checked(dir)?;
        let fields = Fields::new();
        schema::register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(reload)
            .try_into()
            .map_err(|source| damaged(dir, &meta, source))?;
        Ok(NewsIndex {
            dir: dir.to_path_buf(),
            fields,
            reader,
            meta,
        })
    }

    /// Filters and charts by UTC days from now on, instead of each article's calendar day as
    /// published (`--utc`).
    pub fn read_days_in_utc(&mut self) {
        self.fields = self.fields.clone().with_utc_days();
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema's field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The reader (reloads itself shortly after each commit when opened with
    /// [`NewsIndex::open_live`]).
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// The metadata of the last commit.
    pub fn meta(&self) -> &IndexMeta {
        &self.meta
    }

    /// Wraps a tantivy failure met while searching this index.
    pub fn search_error(&self, source: tantivy::TantivyError) -> Error {
        Error::Search {
            path: self.dir.clone(),
            source,
        }
    }

    /// The article with this id.
    ///
    /// # Errors
    /// [`Error::ArticleNotFound`] when no article has it.
    pub fn article(&self, id: &str) -> Result<Article> {
        let searcher = self.reader.searcher();
        let address = self.address(&searcher, id)?;
        let document: TantivyDocument = searcher.doc(address).map_err(|e| self.search_error(e))?;
        Ok(self.fields.to_article(&document))
    }

    /// Where `searcher` holds the article with this id.
    ///
    /// # Errors
    /// [`Error::ArticleNotFound`] when no article has it.
    pub fn address(&self, searcher: &tantivy::Searcher, id: &str) -> Result<tantivy::DocAddress> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.search_error(e))?;
        match top.first() {
            Some((_, address)) => Ok(*address),
            None => Err(Error::ArticleNotFound {
                id: id.to_string(),
                path: self.dir.clone(),
            }),
        }
    }

    /// Counts articles, their date span and sources, and the index's size on disk.
    ///
    /// # Errors
    /// [`Error::Search`] when the index cannot be read.
    // Longer than most: one pass over every segment's fast fields gathers all the figures at once; split, it would
    // walk the segments once per figure.
    pub fn stats(&self) -> Result<IndexStats> {
        let searcher = self.reader.searcher();
        let mut stats = IndexStats {
            index: self.dir.display().to_string(),
            roots: self.meta.roots.clone(),
            ..IndexStats::default()
        };
        let mut sources: BTreeMap<String, u64> = BTreeMap::new();
        let mut earliest: Option<i64> = None;
        let mut latest: Option<i64> = None;
        let mut per_root = vec![0u64; self.meta.roots.len()];
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            if let Some(paths) = fast.str(field::PATH).map_err(|e| self.search_error(e))? {
                let names = column_terms(&paths).map_err(|e| self.search_error(e.into()))?;
                let roots_of: Vec<Option<usize>> = names
                    .iter()
                    .map(|path| {
                        self.meta
                            .roots
                            .iter()
                            .position(|root| crate::article::relative_key(path, root).is_some())
                    })
                    .collect();
                for doc in segment.doc_ids_alive() {
                    let root = paths
                        .term_ords(doc)
                        .next()
                        .and_then(|ord| usize::try_from(ord).ok())
                        .and_then(|ord| roots_of.get(ord).copied().flatten());
                    if let Some(count) = root.and_then(|root| per_root.get_mut(root)) {
                        *count += 1;
                    }
                }
            }
            let dates = fast.date(field::DATE).map_err(|e| self.search_error(e))?;
            let source_column = fast.str(field::SOURCE).map_err(|e| self.search_error(e))?;
            let mut ords: BTreeMap<u64, u64> = BTreeMap::new();
            for doc in segment.doc_ids_alive() {
                stats.articles += 1;
                match dates.first(doc) {
                    Some(date) => {
                        let seconds = date.into_timestamp_secs();
                        earliest = Some(earliest.map_or(seconds, |e| e.min(seconds)));
                        latest = Some(latest.map_or(seconds, |l| l.max(seconds)));
                    }
                    None => stats.undated += 1,
                }
                if let Some(column) = &source_column {
                    for ord in column.term_ords(doc) {
                        *ords.entry(ord).or_default() += 1;
                    }
                }
            }
            if let Some(column) = &source_column {
                let names = column_terms(column).map_err(|e| self.search_error(e.into()))?;
                for (ord, count) in ords {
                    if let Some(name) = usize::try_from(ord).ok().and_then(|ord| names.get(ord)) {
                        *sources.entry(name.clone()).or_default() += count;
                    }
                }
            }
        }
        let day = |seconds: i64| {
            chrono::DateTime::from_timestamp(seconds, 0)
                .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        };
        stats.earliest = earliest.and_then(day);
        stats.latest = latest.and_then(day);
        stats.sources = SourceCount::ranked(sources);
        let names = sources::display_names(&searcher, &self.fields, &stats.sources)
            .map_err(|e| self.search_error(e))?;
        for (count, name) in stats.sources.iter_mut().zip(names) {
            count.name = Some(name);
        }
        stats.root_articles = self
            .meta
            .roots
            .iter()
            .zip(per_root)
            .map(|(root, articles)| RootCount {
                root: root.clone(),
                articles,
                present: Path::new(root).exists(),
            })
            .collect();
        stats.index_bytes = folder_size(&self.dir);
        Ok(stats)
    }
}

/// Every term of a string fast field in ordinal order, read in one pass over its dictionary
/// (looking terms up one ordinal at a time decompresses a block per call).
pub(crate) fn column_terms(column: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let dictionary = column.dictionary();
    let mut terms = Vec::with_capacity(dictionary.num_terms());
    let mut stream = dictionary.stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

/// What [`open_checked`] reads of a commit's metadata.
struct Commit {
    /// Its segments.
    segments: usize,
    /// newsindex's payload, if the commit has one.
    payload: Option<String>,
}

/// The commit's metadata at `dir` as [`Commit`] (tantivy's `meta.json`, its other fields
/// skipped); `None` when it cannot be read so.
fn read_commit(dir: &Path) -> Option<Commit> {
    #[derive(Deserialize)]
    struct Light {
        segments: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        payload: Option<String>,
    }
    let text = std::fs::read(dir.join("meta.json")).ok()?;
    let light: Light = serde_json::from_slice(&text).ok()?;
    Some(Commit {
        segments: light.segments.len(),
        payload: light.payload,
    })
}

/// Opens the tantivy index at `dir` and reads its newsindex payload, refusing an index of
/// another schema version or with another field layout, and naming a damaged one as such.
pub(crate) fn open_checked(dir: &Path) -> Result<(Index, IndexMeta)> {
    let unknown = IndexMeta::default();
    let index = Index::open_in_dir(dir).map_err(|source| damaged(dir, &unknown, source))?;
    // The payload and whether there are segments, read from the commit's metadata without
    // building its schema and segment list again (tantivy just did, and its reader does once
    // more); tantivy's own reading when this one fails, for its error.
    let metas = match read_commit(dir) {
        Some(metas) => metas,
        None => {
            let metas = index
                .load_metas()
                .map_err(|source| damaged(dir, &unknown, source))?;
            Commit {
                segments: metas.segments.len(),
                payload: metas.payload,
            }
        }
    };
    let outdated = |meta: &IndexMeta| Error::IndexOutdated {
        path: dir.to_path_buf(),
        found: meta.schema_version,
        expected: schema::SCHEMA_VERSION,
        roots: rebuild_roots(meta),
    };
    let recorded = match metas.payload.as_deref() {
        None => None,
        Some(payload) => Some(read_payload(dir, payload)?),
    };
    let meta = match recorded {
        Some(meta) if meta.schema_version == schema::SCHEMA_VERSION => meta,
        Some(meta) => return Err(outdated(&meta)),
        // Created and never committed to: nothing in it to be outdated.
        None if metas.segments == 0 => IndexMeta::default(),
        None => return Err(outdated(&unknown)),
    };
    if index.schema() != Fields::new().schema {
        return Err(outdated(&meta));
    }
    Ok((index, meta))
}

/// Reads a commit's payload. One written by another version of newsindex (another schema
/// version) is returned for the caller to refuse as outdated; one that is not newsindex's at
/// all is damage, never read as "no metadata" (which would silently re-read every file).
fn read_payload(dir: &Path, payload: &str) -> Result<IndexMeta> {
    let damaged = |reason: String| Error::IndexDamaged {
        path: dir.to_path_buf(),
        roots: "DIR".to_string(),
        source: crate::error::DamageDetail(format!(
            "the commit payload in meta.json is not newsindex's: {reason}"
        )),
    };
    let value: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| damaged(e.to_string()))?;
    let version = value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| damaged("it has no schema_version".to_string()))?;
    match serde_json::from_value::<IndexMeta>(value) {
        Ok(meta) => Ok(meta),
        Err(_) if version != u64::from(schema::SCHEMA_VERSION) => Ok(IndexMeta {
            schema_version: u32::try_from(version).unwrap_or(u32::MAX),
            ..IndexMeta::default()
        }),
        Err(error) => Err(damaged(error.to_string())),
    }
}

/// The folders to name in a `--rebuild` command: the index's roots, or `DIR`.
fn rebuild_roots(meta: &IndexMeta) -> String {
    if meta.roots.is_empty() {
        "DIR".to_string()
    } else {
        meta.roots
            .iter()
            .map(|root| {
                if root.contains([' ', '\'', '"']) {
                    format!("'{root}'")
                } else {
                    root.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// [`Error::IndexDamaged`] for the index at `dir`.
pub(crate) fn damaged(dir: &Path, meta: &IndexMeta, source: tantivy::TantivyError) -> Error {
    Error::IndexDamaged {
        path: dir.to_path_buf(),
        roots: rebuild_roots(meta),
        source: crate::error::DamageDetail::from(&source),
    }
}

fn folder_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum()
}

/// Figures `newsindex stats` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStats {
    /// The index folder.
    pub index: String,
    /// The folders it was built from.
    pub roots: Vec<String>,
    /// Each of those folders with its article count, and whether it is still there.
    #[serde(default)]
    pub root_articles: Vec<RootCount>,
    /// Articles in the index.
    pub articles: u64,
    /// Articles without a date.
    pub undated: u64,
    /// The earliest article's day (`YYYY-MM-DD`).
    pub earliest: Option<String>,
    /// The latest article's day (`YYYY-MM-DD`).
    pub latest: Option<String>,
    /// Articles per source, most first.
    pub sources: Vec<SourceCount>,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
}

/// One indexed folder and how many articles come from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCount {
    /// The folder (absolute).
    pub root: String,
    /// Its number of articles.
    pub articles: u64,
    /// False when the folder no longer exists (`newsindex index --prune` removes its articles).
    pub present: bool,
}

/// One source and how many articles it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCount {
    /// Normalised source name (the key `--source` and `source=` take).
    pub source: String,
    /// How its articles most often write it, for showing (`stats` only; see
    /// [`sources::display_names`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its number of articles.
    pub articles: u64,
    /// Its number of stories, copies counted once (search facets counting stories only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stories: Option<u64>,
}

impl SourceCount {
    /// Per-source counts, most articles first, then by name.
    pub fn ranked(counts: impl IntoIterator<Item = (String, u64)>) -> Vec<SourceCount> {
        let mut sources: Vec<SourceCount> = counts
            .into_iter()
            .map(|(source, articles)| SourceCount {
                source,
                articles,
                name: None,
                stories: None,
            })
            .collect();
        sources.sort_by(|a, b| {
            b.articles
                .cmp(&a.articles)
                .then_with(|| a.source.cmp(&b.source))
        });
        sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_is_not_newsindexs_is_damage_and_an_older_one_is_outdated() {
        let dir = Path::new("/archive/index");
        let garbage = read_payload(dir, "{not json");
        assert!(
            matches!(&garbage, Err(Error::IndexDamaged { .. })),
            "{garbage:?}"
        );
        let foreign = read_payload(dir, r#"{"roots": []}"#);
        assert!(matches!(foreign, Err(Error::IndexDamaged { .. })));
        let older = read_payload(dir, r#"{"schema_version": 1, "folders": 3}"#);
        assert_eq!(older.ok().map(|meta| meta.schema_version), Some(1));
        let current = format!(
            r#"{{"schema_version": {}, "roots": ["/archive"]}}"#,
            schema::SCHEMA_VERSION
        );
        let meta = read_payload(dir, &current).ok();
        assert_eq!(meta.map(|m| m.roots), Some(vec!["/archive".to_string()]));
    }
}
