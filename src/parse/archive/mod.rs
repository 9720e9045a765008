//! The archive around a file: which files to read ([`Selection`]) and what the archive's
//! `newsindex.toml` (`config.rs`) and sidecar tables (`sidecar.rs`) say about one file
//! ([`ParseContext`], and [`FileContext::complete`], which fills what a reader left empty).
//!
//! Loaded once per indexed folder, defaults without a config file; it reads no article.

use std::path::{Component, Path, PathBuf};

use regex::Regex;

mod config;
mod sidecar;

pub use config::{ArchiveConfig, DateConfig, FieldConfig, SidecarConfig};
use config::{compile_date_pattern, line_of, parse_config};
use sidecar::{Sidecar, SidecarColumns, SidecarRow, discover_sidecars, read_sidecar};

use super::fields::FieldNames;
use super::inference::{self, Dateline};
use super::{Format, detect};
use crate::article::{Article, strip_root};
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
            let inside = strip_root(path, &sidecar.folder)?;
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
        match strip_root(path, &self.root) {
            Some(relative) if !self.root.as_os_str().is_empty() => relative.to_path_buf(),
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
pub(super) fn path_key(path: &Path) -> String {
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
        let readme = include_str!("../../../README.md");
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
