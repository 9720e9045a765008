//! The archive around a file: its `newsindex.toml` ([`ArchiveConfig`]), sidecar tables, which
//! files to read ([`Selection`]) and what all that says about one file ([`ParseContext`]).
//!
//! Loaded once per indexed folder, defaults without a config file; it reads no article.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Deserializer};

use super::fields::FieldNames;
use super::inference::{self, Dateline};
use super::{Format, decode, detect};
use crate::article::{Article, source_key};
use crate::date::ArticleDate;
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};

/// The name of the per-archive config file, looked for at the root of each indexed folder.
pub const CONFIG_FILE: &str = "newsindex.toml";

/// File names (without extension, any case) that are never articles.
const NOT_ARTICLES: &[&str] = &[
    "README",
    "LICENSE",
    "LICENCE",
    "COPYING",
    "ATTRIBUTION",
    "CHANGELOG",
    "CONTRIBUTING",
    "AUTHORS",
    "NOTICE",
];

/// Names of sidecar tables found without a config, in the root or up to two folders below.
const SIDECAR_NAMES: &[&str] = &["metadata.tsv", "metadata.csv"];

/// The settings of `newsindex.toml`; every key is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveConfig {
    /// Extra CSV/JSON/front-matter field names, tried before the built-in ones.
    #[serde(default)]
    pub fields: FieldConfig,
    /// Folder (relative to the root) → the source of the articles in it that name none.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    /// Where dates are in paths.
    #[serde(default)]
    pub dates: DateConfig,
    /// Tables giving metadata for the files they list.
    #[serde(default)]
    pub sidecar: Vec<SidecarConfig>,
    /// Records whose title starts with one of these are left out (default: `TEST PAGE`).
    #[serde(default = "default_skip_titles")]
    pub skip_titles: Vec<String>,
    /// Folders or files (relative to the root) not to index.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Default for ArchiveConfig {
    fn default() -> ArchiveConfig {
        ArchiveConfig {
            fields: FieldConfig::default(),
            sources: BTreeMap::new(),
            dates: DateConfig::default(),
            sidecar: Vec::new(),
            skip_titles: default_skip_titles(),
            exclude: Vec::new(),
        }
    }
}

fn default_skip_titles() -> Vec<String> {
    vec!["TEST PAGE".to_string()]
}

/// The `[fields]` table: extra key names for each article field (a name or a list of names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    /// Keys for the headline.
    #[serde(default, deserialize_with = "one_or_many")]
    pub title: Vec<String>,
    /// Keys for the date.
    #[serde(default, deserialize_with = "one_or_many")]
    pub date: Vec<String>,
    /// Keys for the source.
    #[serde(default, deserialize_with = "one_or_many")]
    pub source: Vec<String>,
    /// Keys for the text.
    #[serde(default, deserialize_with = "one_or_many")]
    pub body: Vec<String>,
    /// Keys for the URL.
    #[serde(default, deserialize_with = "one_or_many")]
    pub url: Vec<String>,
    /// Keys for the author(s).
    #[serde(default, deserialize_with = "one_or_many")]
    pub byline: Vec<String>,
    /// Keys for the record's id.
    #[serde(default, deserialize_with = "one_or_many")]
    pub id: Vec<String>,
}

/// The `[dates]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateConfig {
    /// A regular expression with named groups `year`, `month`, `day` (and optionally `hour`,
    /// `minute`, `second`), searched in each file's path relative to the root.
    pub path: Option<toml::Spanned<String>>,
}

/// One `[[sidecar]]` table: a CSV/TSV file and which of its columns mean what.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarConfig {
    /// The table, relative to the root; its paths are relative to its own folder.
    pub file: toml::Spanned<String>,
    /// The column naming each article file (default `path`).
    #[serde(default = "default_path_column")]
    pub path: String,
    /// The column giving the title.
    pub title: Option<String>,
    /// The column giving the date.
    pub date: Option<String>,
    /// The column giving the source.
    pub source: Option<String>,
    /// The column giving the author(s).
    pub byline: Option<String>,
    /// The column giving the URL.
    pub url: Option<String>,
    /// The column giving the page number (used in the titles of untitled page scans).
    pub page: Option<String>,
    /// The column identifying the source (an LCCN, a publisher id): sources that share a name
    /// but not this are told apart by their place.
    pub source_id: Option<String>,
    /// The column giving the source's place (a city), shown after a name two sources share.
    pub place: Option<String>,
}

fn default_path_column() -> String {
    "path".to_string()
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(name) => vec![name],
        OneOrMany::Many(names) => names,
    })
}

/// What to do with a file met while walking an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Read it as this format.
    Read(Format),
    /// Leave it out on purpose, for this reason (shown with `-v`).
    Skip(String),
    /// Not an article file at all (unknown extension).
    Ignore,
}

/// What a sidecar table says about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SidecarRow {
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    byline: Option<String>,
    url: Option<String>,
    page: Option<String>,
}

/// A loaded sidecar table.
#[derive(Debug)]
struct Sidecar {
    file: PathBuf,
    folder: PathBuf,
    rows: HashMap<String, SidecarRow>,
}

/// For each sidecar field, the header names that may hold it, in order.
#[derive(Debug, Default)]
struct SidecarColumns {
    path: Vec<String>,
    title: Vec<String>,
    date: Vec<String>,
    source: Vec<String>,
    byline: Vec<String>,
    url: Vec<String>,
    page: Vec<String>,
    source_id: Vec<String>,
    place: Vec<String>,
}

impl SidecarColumns {
    fn from_config(config: &SidecarConfig) -> SidecarColumns {
        let one = |name: &Option<String>| name.iter().cloned().collect();
        SidecarColumns {
            path: vec![config.path.clone()],
            title: one(&config.title),
            date: one(&config.date),
            source: one(&config.source),
            byline: one(&config.byline),
            url: one(&config.url),
            page: one(&config.page),
            source_id: one(&config.source_id),
            place: one(&config.place),
        }
    }

    fn discovered() -> SidecarColumns {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        SidecarColumns {
            path: names(&["path", "file", "filename"]),
            title: names(&["title", "headline"]),
            date: names(&["date"]),
            source: names(&["newspaper", "source", "publisher"]),
            byline: names(&["byline", "author"]),
            url: names(&["url"]),
            page: names(&["page", "seq"]),
            source_id: names(&["lccn", "source_id"]),
            place: names(&["place"]),
        }
    }
}

/// Everything the archive says that parsing needs: built once per indexed folder by
/// [`ParseContext::load`], shared by the worker threads.
#[derive(Debug)]
pub struct ParseContext {
    root: PathBuf,
    config: ArchiveConfig,
    names: FieldNames,
    path_dates: Option<Regex>,
    sidecars: Vec<Sidecar>,
    diagnostics: Vec<Diagnostic>,
    fingerprint: u64,
}

impl Default for ParseContext {
    /// No archive around the files: built-in defaults, dates and sources from the files alone.
    fn default() -> ParseContext {
        ParseContext {
            root: PathBuf::new(),
            config: ArchiveConfig::default(),
            names: FieldNames::default(),
            path_dates: None,
            sidecars: Vec::new(),
            diagnostics: Vec::new(),
            fingerprint: 0,
        }
    }
}

impl ParseContext {
    /// Loads the context of the archive at `root` (a folder, or a file whose folder is used):
    /// its `newsindex.toml` if there is one, and its sidecar tables.
    ///
    /// # Errors
    /// [`Error::ArchiveConfig`] when the config file is not valid (naming its line) or names a
    /// sidecar table that cannot be read; [`Error::ReadCorpus`] when it exists but cannot be read.
    // Longer than most: the config, then each sidecar table it names or that is found, each feeding the same
    // fingerprint hasher in a fixed order; the order is the point.
    pub fn load(root: &Path) -> Result<ParseContext> {
        let root = if root.is_file() {
            root.parent().unwrap_or(root)
        } else {
            root
        };
        let config_path = root.join(CONFIG_FILE);
        let mut hasher = blake3::Hasher::new();
        let mut has_inputs = false;
        let config = match std::fs::read(&config_path) {
            Ok(bytes) => {
                hasher.update(&bytes);
                has_inputs = true;
                let text = String::from_utf8(bytes).map_err(|_| Error::ArchiveConfig {
                    path: config_path.clone(),
                    line: None,
                    reason: "not UTF-8 text".to_string(),
                })?;
                Some((parse_config(&config_path, &text)?, text))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(Error::ReadCorpus {
                    path: config_path,
                    source,
                });
            }
        };
        let mut context = ParseContext {
            root: root.to_path_buf(),
            ..ParseContext::default()
        };
        if let Some((config, text)) = config {
            let config_error =
                |span: std::ops::Range<usize>, reason: String| Error::ArchiveConfig {
                    path: config_path.clone(),
                    line: Some(line_of(&text, span.start)),
                    reason,
                };
            if let Some(pattern) = &config.dates.path {
                context.path_dates = Some(
                    compile_date_pattern(pattern.get_ref())
                        .map_err(|reason| config_error(pattern.span(), reason))?,
                );
            }
            for sidecar in &config.sidecar {
                let file = normalise(&root.join(sidecar.file.get_ref()));
                let columns = SidecarColumns::from_config(sidecar);
                let loaded = read_sidecar(&file, &columns, &mut context.diagnostics)
                    .map_err(|reason| config_error(sidecar.file.span(), reason))?;
                let Some((table, bytes)) = loaded else {
                    return Err(config_error(
                        sidecar.file.span(),
                        format!(
                            "sidecar table '{}' has no column '{}'",
                            file.display(),
                            sidecar.path
                        ),
                    ));
                };
                hasher.update(&bytes);
                has_inputs = true;
                context.sidecars.push(table);
            }
            context.names = FieldNames::new(&config.fields);
            context.config = config;
        }
        if context.config.sidecar.is_empty() {
            for file in discover_sidecars(root) {
                match read_sidecar(
                    &file,
                    &SidecarColumns::discovered(),
                    &mut context.diagnostics,
                ) {
                    Ok(Some((table, bytes))) => {
                        hasher.update(&bytes);
                        has_inputs = true;
                        context.sidecars.push(table);
                    }
                    Ok(None) => {}
                    Err(reason) => context
                        .diagnostics
                        .push(Diagnostic::new(Kind::SidecarRow, None, reason).at(&file)),
                }
            }
        }
        if has_inputs {
            let hash = hasher.finalize();
            let mut first = [0u8; 8];
            first.copy_from_slice(&hash.as_bytes()[..8]);
            context.fingerprint = u64::from_le_bytes(first).max(1);
        }
        Ok(context)
    }

    /// Problems met while loading sidecar tables (bad rows), each with its file and line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// A hash of the config file and the sidecar tables; 0 when the archive has neither.
    /// When it changes, articles read under the old settings are out of date.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// A hash of what this archive gives the file at `path` besides its bytes: the config and
    /// sidecar tables ([`ParseContext::fingerprint`]) and the path inside the archive, which
    /// path dates, sidecar rows and ids come from.
    pub fn file_fingerprint(&self, path: &Path) -> u64 {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&self.fingerprint.to_le_bytes());
        hasher.update(self.relative(path).as_os_str().as_encoded_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
        u64::from_le_bytes(first)
    }

    /// Decides whether `path`, met while walking this archive, is read, and as what.
    pub fn select(&self, path: &Path) -> Selection {
        let relative = self.relative(path);
        if let Some(excluded) = self
            .config
            .exclude
            .iter()
            .find(|prefix| starts_with_folder(&relative, prefix))
        {
            return Selection::Skip(format!("excluded by '{excluded}' in {CONFIG_FILE}"));
        }
        if self.sidecars.iter().any(|sidecar| sidecar.file == path) {
            return Selection::Skip(
                "sidecar table: read for the metadata of the files it lists".to_string(),
            );
        }
        let Some(format) = detect(path) else {
            return Selection::Ignore;
        };
        if let Some(name) = path
            .file_stem()
            .map(|stem| stem.to_string_lossy())
            .filter(|stem| is_not_an_article(stem))
        {
            return Selection::Skip(format!(
                "not an article: files named like '{name}' (README, LICENSE, ATTRIBUTION, CHANGELOG…) are skipped"
            ));
        }
        Selection::Read(format)
    }

    /// What the archive says about the file at `path`.
    pub(super) fn file<'a>(&'a self, path: &'a Path) -> FileContext<'a> {
        let relative = self.relative(path);
        let path_date = match &self.path_dates {
            Some(pattern) => date_from_pattern(pattern, &relative),
            None => None,
        }
        .or_else(|| inference::path_date(&relative).map(Ok));
        let folder_source = self
            .config
            .sources
            .iter()
            .filter(|(folder, _)| starts_with_folder(&relative, folder))
            .max_by_key(|(folder, _)| folder.len())
            .map(|(_, source)| source.as_str());
        let sidecar = self.sidecars.iter().find_map(|sidecar| {
            let inside = path.strip_prefix(&sidecar.folder).ok()?;
            sidecar.rows.get(&path_key(inside))
        });
        FileContext {
            path,
            names: &self.names,
            relative,
            path_date,
            folder_source,
            sidecar,
            skip_titles: &self.config.skip_titles,
        }
    }

    fn relative(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(relative) if !self.root.as_os_str().is_empty() => relative.to_path_buf(),
            _ => path.to_path_buf(),
        }
    }
}

/// What the archive says about one file, for its reader.
#[derive(Debug)]
pub struct FileContext<'a> {
    /// The file (absolute when indexing), used in ids and messages.
    pub path: &'a Path,
    /// The field names records are read with.
    pub names: &'a FieldNames,
    relative: PathBuf,
    path_date: Option<std::result::Result<ArticleDate, String>>,
    folder_source: Option<&'a str>,
    sidecar: Option<&'a SidecarRow>,
    skip_titles: &'a [String],
}

impl FileContext<'_> {
    /// The file's path inside its archive (relative to the folder indexed).
    pub fn relative(&self) -> &Path {
        &self.relative
    }

    /// Fills what the article's own fields left empty, in order of trust: the sidecar row, the
    /// date in the path, a dateline in the text; a wire credit, the folder's configured source,
    /// the URL's host. Problems (an impossible dateline) go to `warnings` under `line`.
    pub fn complete(
        &self,
        article: &mut Article,
        line: Option<u64>,
        warnings: &mut Vec<Diagnostic>,
    ) {
        if let Some(row) = self.sidecar {
            let fill = |field: &mut Option<String>, value: &Option<String>| {
                if field.is_none() {
                    field.clone_from(value);
                }
            };
            if article.title.is_empty()
                && let Some(title) = &row.title
            {
                article.title = title.clone();
            }
            fill(&mut article.source, &row.source);
            fill(&mut article.byline, &row.byline);
            fill(&mut article.url, &row.url);
            if article.date.is_none()
                && let Some(text) = &row.date
            {
                match ArticleDate::parse(text) {
                    Some(date) => {
                        article.date = Some(date);
                        article.date_source = Some("sidecar table".to_string());
                    }
                    None => warnings.push(Diagnostic::record_kept(
                        line,
                        format!("sidecar date '{text}' is not a date"),
                    )),
                }
            }
        }
        if article.date.is_none() {
            match &self.path_date {
                Some(Ok(date)) => {
                    article.date = Some(*date);
                    article.date_source = Some("file path".to_string());
                }
                Some(Err(reason)) => warnings.push(Diagnostic::record_kept(line, reason.clone())),
                None => {}
            }
        }
        if article.date.is_none() {
            match inference::dateline(&article.body) {
                Some(Dateline::Date(date)) => {
                    article.date = Some(date);
                    article.date_source = Some("dateline".to_string());
                }
                Some(Dateline::Impossible(text)) => warnings.push(Diagnostic::record_kept(
                    line,
                    format!("dateline '{text}' is not a real date; indexed undated"),
                )),
                None => {}
            }
        }
        if article.source.is_none() {
            article.source = inference::wire_credit(&article.body);
        }
        if article.source.is_none() {
            article.source = self.folder_source.map(str::to_string);
        }
        if article.source.is_none() {
            article.source = article.url.as_deref().and_then(inference::url_host);
        }
    }

    /// True when the file is named like a page scan of a digitised newspaper
    /// (`<LCCN>-ed-<edition>_seq-<page>.txt`, Chronicling America's layout).
    pub fn is_page_scan(&self) -> bool {
        let stem = self
            .relative
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        stem.contains("-ed-") && stem.contains("_seq-")
    }

    /// The title of an untitled page scan: "<newspaper>, <Month D, YYYY>, page <N>", from what
    /// is known; empty when the source is not.
    pub fn page_title(&self, article: &Article) -> String {
        let Some(source) = &article.source else {
            return String::new();
        };
        let mut title = source.trim().trim_end_matches('.').trim().to_string();
        if let Some(date) = article.date {
            title.push_str(&format!(", {}", date.day().format("%B %-d, %Y")));
        }
        if let Some(page) = self.page() {
            title.push_str(&format!(", page {page}"));
        }
        title
    }

    fn page(&self) -> Option<String> {
        if let Some(page) = self.sidecar.and_then(|row| row.page.clone()) {
            return Some(page);
        }
        let stem = self.relative.file_stem()?.to_string_lossy().into_owned();
        let (_, after) = stem.rsplit_once("seq-")?;
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let number: u64 = digits.parse().ok()?;
        Some(number.to_string())
    }

    /// The configured prefix `title` starts with, when the record is to be left out.
    pub fn skipped_prefix(&self, title: &str) -> Option<&str> {
        self.skip_titles
            .iter()
            .find(|prefix| !prefix.is_empty() && title.starts_with(prefix.as_str()))
            .map(String::as_str)
    }
}

/// True for README, LICENSE and the like: the stem in any case, or in capitals with a suffix
/// (`LICENSE-MIT`); not "license-fees-rise".
fn is_not_an_article(stem: &str) -> bool {
    NOT_ARTICLES.iter().any(|word| {
        stem.eq_ignore_ascii_case(word)
            || (stem.starts_with(word)
                && stem[word.len()..].starts_with(['-', '_', '.'])
                && !stem.chars().any(char::is_lowercase))
    })
}

fn parse_config(path: &Path, text: &str) -> Result<ArchiveConfig> {
    toml::from_str(text).map_err(|error: toml::de::Error| Error::ArchiveConfig {
        path: path.to_path_buf(),
        line: error.span().map(|span| line_of(text, span.start)),
        reason: error.message().trim().to_string(),
    })
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

fn compile_date_pattern(pattern: &str) -> Result<Regex, String> {
    let regex = Regex::new(pattern)
        .map_err(|e| format!("[dates] path is not a regular expression: {e}"))?;
    let names: Vec<&str> = regex.capture_names().flatten().collect();
    for needed in ["year", "month", "day"] {
        if !names.contains(&needed) {
            return Err(format!(
                "[dates] path needs a named group (?P<{needed}>…); it has {names:?}"
            ));
        }
    }
    Ok(regex)
}

/// The date the configured pattern finds in the path; `None` when it does not match.
fn date_from_pattern(
    pattern: &Regex,
    relative: &Path,
) -> Option<std::result::Result<ArticleDate, String>> {
    let text = path_key(relative);
    let found = pattern.captures(&text)?;
    let part = |name: &str| found.name(name).map_or("", |m| m.as_str());
    let (year, month, day) = (part("year"), part("month"), part("day"));
    let month = if month.bytes().all(|b| b.is_ascii_digit()) {
        month.to_string()
    } else {
        chrono::NaiveDate::parse_from_str(&format!("2000 {month} 1"), "%Y %B %d")
            .map(|d| d.format("%m").to_string())
            .unwrap_or_default()
    };
    let Some(day) = inference::numeric_date(year, &month, day) else {
        return Some(Err(format!(
            "the path's date (year '{year}', month '{month}', day '{day}') is not a real date"
        )));
    };
    let hour = part("hour");
    if hour.is_empty() {
        return Some(Ok(day));
    }
    let two = |s: &str| {
        if s.is_empty() {
            "00".to_string()
        } else {
            format!("{s:0>2}")
        }
    };
    let text = format!(
        "{}T{}:{}:{}",
        day,
        two(hour),
        two(part("minute")),
        two(part("second"))
    );
    Some(ArticleDate::parse(&text).ok_or_else(|| format!("the path's time '{text}' is not real")))
}

/// A path as sidecar tables and config keys write it: `/`-separated, no `.` parts.
fn path_key(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn normalise(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// True when `relative` is `folder` or inside it (`.` and `""` are the root).
fn starts_with_folder(relative: &Path, folder: &str) -> bool {
    let folder = path_key(Path::new(folder.trim_matches('/')));
    folder.is_empty() || relative.starts_with(&folder)
}

/// Sidecar tables named `metadata.tsv`/`metadata.csv` in `root` or up to two folders below.
fn discover_sidecars(root: &Path) -> Vec<PathBuf> {
    super::walk::walk_archive(root, 3)
        .filter_map(std::result::Result::ok)
        .filter(|entry| {
            entry.file_type().is_file()
                && SIDECAR_NAMES
                    .iter()
                    .any(|name| entry.file_name().eq_ignore_ascii_case(name))
        })
        .map(|entry| entry.into_path())
        .collect()
}

/// Renames the sources of rows whose name (as [`source_key`] folds it) belongs to more than one
/// source id: "The sun." of New York (sn83030272) and "The Sun." of Price, Utah (sn86091025)
/// become "The sun (New York, N.Y.)" and "The Sun (Price, Utah)", so they are two sources.
/// The place is the id's when two share a place too.
fn name_shared_sources(
    rows: &mut HashMap<String, SidecarRow>,
    identities: &HashMap<String, (String, Option<String>)>,
) {
    let mut ids_by_name: HashMap<String, HashSet<&str>> = HashMap::new();
    let mut places: HashMap<(String, Option<&str>), HashSet<&str>> = HashMap::new();
    for (path, row) in rows.iter() {
        let (Some(source), Some((id, place))) = (&row.source, identities.get(path)) else {
            continue;
        };
        let name = source_key(source);
        ids_by_name.entry(name.clone()).or_default().insert(id);
        places
            .entry((name, place.as_deref()))
            .or_default()
            .insert(id);
    }
    for (path, row) in rows.iter_mut() {
        let (Some(source), Some((id, place))) = (&row.source, identities.get(path)) else {
            continue;
        };
        let name = source_key(source);
        if ids_by_name.get(&name).is_none_or(|ids| ids.len() < 2) {
            continue;
        }
        let place_is_unique = places
            .get(&(name, place.as_deref()))
            .is_some_and(|ids| ids.len() == 1);
        let tag = match place {
            Some(place) if place_is_unique => place.clone(),
            Some(place) => format!("{place}, {id}"),
            None => id.clone(),
        };
        let shown = source.trim().trim_end_matches('.').trim_end();
        row.source = Some(format!("{shown} ({tag})"));
    }
}

/// Reads a sidecar table; `Ok(None)` when its header has no path column. Bad rows are
/// reported in `warnings` and left out.
// Longer than most: the header's columns, then one loop over the rows that fills several per-row tables
// at once; the columns are local to the loop.
fn read_sidecar(
    file: &Path,
    columns: &SidecarColumns,
    warnings: &mut Vec<Diagnostic>,
) -> std::result::Result<Option<(Sidecar, Vec<u8>)>, String> {
    let bytes = std::fs::read(file)
        .map_err(|e| format!("cannot read sidecar table '{}': {e}", file.display()))?;
    let (text, _) = decode(file, &bytes).map_err(|e| e.to_string())?;
    let tab = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tab { b'\t' } else { b',' })
        .quoting(!tab)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header of '{}': {e}", file.display()))?
        .clone();
    let column = |names: &[String]| {
        names.iter().find_map(|name| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    };
    let Some(path_column) = column(&columns.path) else {
        return Ok(None);
    };
    let (title, date, source) = (
        column(&columns.title),
        column(&columns.date),
        column(&columns.source),
    );
    let (byline, url, page) = (
        column(&columns.byline),
        column(&columns.url),
        column(&columns.page),
    );
    let (source_id, place) = (column(&columns.source_id), column(&columns.place));
    let mut rows = HashMap::new();
    // Per row: the source's id and place, to tell apart sources that share a name.
    let mut identities: HashMap<String, (String, Option<String>)> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                warnings.push(
                    Diagnostic::new(Kind::SidecarRow, Some(line), error.to_string()).at(file),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |at: Option<usize>| {
            at.and_then(|at| record.get(at))
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        let Some(path) = cell(Some(path_column)) else {
            warnings
                .push(Diagnostic::new(Kind::SidecarRow, Some(line), "row has no path").at(file));
            continue;
        };
        let row = SidecarRow {
            title: cell(title),
            date: cell(date),
            source: cell(source),
            byline: cell(byline),
            url: cell(url),
            page: cell(page),
        };
        let key = path_key(Path::new(&path.replace('\\', "/")));
        if let Some(id) = cell(source_id) {
            identities.entry(key.clone()).or_insert((id, cell(place)));
        }
        rows.entry(key).or_insert(row);
    }
    name_shared_sources(&mut rows, &identities);
    let folder = file.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok(Some((
        Sidecar {
            file: file.to_path_buf(),
            folder,
            rows,
        },
        bytes,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_readme_example_config_is_valid() {
        let readme = include_str!("../../README.md");
        let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
        let end = start + readme[start..].find("```").unwrap();
        let config: ArchiveConfig = toml::from_str(&readme[start..end]).unwrap();
        assert_eq!(config.sidecar.len(), 1);
        assert_eq!(config.exclude, ["other-data", "drafts"]);
        assert!(compile_date_pattern(config.dates.path.unwrap().get_ref()).is_ok());
    }

    #[test]
    fn readme_license_and_attribution_files_are_skipped_but_articles_about_licences_are_not() {
        let context = ParseContext::default();
        for name in [
            "README.md",
            "readme.txt",
            "ATTRIBUTION.md",
            "LICENSE-MIT.txt",
        ] {
            assert!(
                matches!(context.select(Path::new(name)), Selection::Skip(_)),
                "{name}"
            );
        }
        assert_eq!(
            context.select(Path::new("license-fees-rise.md")),
            Selection::Read(Format::Markdown)
        );
        assert_eq!(context.select(Path::new("lewis.dtd")), Selection::Ignore);
    }

    #[test]
    fn a_bad_config_names_the_file_and_line() {
        let dir = archive(&[(CONFIG_FILE, "[fields]\ntitle = \"hed\"\ntitel = \"x\"\n")]);
        let error = ParseContext::load(dir.path()).unwrap_err();
        let text = error.to_string();
        assert!(text.contains(&format!("{CONFIG_FILE}:3")), "{text}");
        assert!(text.contains("titel"), "{text}");
        let dir = archive(&[(CONFIG_FILE, "# dates\n[dates]\npath = '(?P<year>\\d{4})'\n")]);
        let text = ParseContext::load(dir.path()).unwrap_err().to_string();
        assert!(text.contains(&format!("{CONFIG_FILE}:3")), "{text}");
        assert!(text.contains("(?P<month>"), "{text}");
    }

    #[test]
    fn config_sets_folder_sources_path_dates_and_exclusions() {
        let dir = archive(&[(
            CONFIG_FILE,
            "exclude = [\"drafts\"]\n[sources]\n\"wire/ap\" = \"AP\"\n[dates]\npath = '(?P<day>\\d{2})\\.(?P<month>\\d{2})\\.(?P<year>\\d{4})'\n",
        )]);
        let context = ParseContext::load(dir.path()).unwrap();
        let path = dir.path().join("wire/ap/21.06.2024 story.txt");
        let file = context.file(&path);
        let mut article = Article::new(&path, None);
        article.body = "Text.".to_string();
        let mut warnings = Vec::new();
        file.complete(&mut article, None, &mut warnings);
        assert_eq!(article.source.as_deref(), Some("AP"));
        assert_eq!(article.date.unwrap().to_string(), "2024-06-21");
        assert!(warnings.is_empty());
        assert!(matches!(
            context.select(&dir.path().join("drafts/x.txt")),
            Selection::Skip(_)
        ));
        assert_ne!(context.fingerprint(), 0);
    }

    #[test]
    fn a_metadata_table_is_found_and_gives_source_date_and_page_titles() {
        let dir = archive(&[(
            "papers/metadata.tsv",
            "path\tdate\tnewspaper\tseq\ndates/19160103/sn1-ed-1_seq-1.txt\t1916-01-03\tThe Evening Star.\t1\n",
        )]);
        let context = ParseContext::load(dir.path()).unwrap();
        let table = dir.path().join("papers/metadata.tsv");
        assert!(matches!(context.select(&table), Selection::Skip(_)));
        let path = dir.path().join("papers/dates/19160103/sn1-ed-1_seq-1.txt");
        let file = context.file(&path);
        let mut article = Article::new(&path, None);
        file.complete(&mut article, None, &mut Vec::new());
        assert_eq!(article.source.as_deref(), Some("The Evening Star."));
        assert_eq!(article.date.unwrap().to_string(), "1916-01-03");
        assert!(file.is_page_scan());
        assert_eq!(
            file.page_title(&article),
            "The Evening Star, January 3, 1916, page 1"
        );
    }
}
