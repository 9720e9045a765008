//! `newsindex.toml`, the archive's config ([`ArchiveConfig`]): its TOML schema, reading it
//! with the line of any mistake, and checking its path-date pattern.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};

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

pub(super) fn parse_config(path: &Path, text: &str) -> Result<ArchiveConfig> {
    toml::from_str(text).map_err(|error: toml::de::Error| Error::ArchiveConfig {
        path: path.to_path_buf(),
        line: error.span().map(|span| line_of(text, span.start)),
        reason: error.message().trim().to_string(),
    })
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

pub(super) fn compile_date_pattern(pattern: &str) -> Result<Regex, String> {
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
