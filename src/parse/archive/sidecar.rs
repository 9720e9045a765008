//! Sidecar tables (`metadata.tsv`, `metadata.csv`, or those the config names): finding them,
//! reading their rows keyed by file path, and telling apart sources that share a name.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::config::SidecarConfig;
use super::path_key;
use crate::article::source_key;
use crate::diagnostic::{Diagnostic, Kind};
use crate::parse::decode;

/// Names of sidecar tables found without a config, in the root or up to two folders below.
pub(super) const SIDECAR_NAMES: &[&str] = &["metadata.tsv", "metadata.csv"];

/// What a sidecar table says about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SidecarRow {
    pub(super) title: Option<String>,
    pub(super) date: Option<String>,
    pub(super) source: Option<String>,
    pub(super) byline: Option<String>,
    pub(super) url: Option<String>,
    pub(super) page: Option<String>,
}

/// A loaded sidecar table.
#[derive(Debug)]
pub(super) struct Sidecar {
    pub(super) file: PathBuf,
    pub(super) folder: PathBuf,
    pub(super) rows: HashMap<String, SidecarRow>,
}

/// For each sidecar field, the header names that may hold it, in order.
#[derive(Debug, Default)]
pub(super) struct SidecarColumns {
    pub(super) path: Vec<String>,
    pub(super) title: Vec<String>,
    pub(super) date: Vec<String>,
    pub(super) source: Vec<String>,
    pub(super) byline: Vec<String>,
    pub(super) url: Vec<String>,
    pub(super) page: Vec<String>,
    pub(super) source_id: Vec<String>,
    pub(super) place: Vec<String>,
}

impl SidecarColumns {
    pub(super) fn from_config(config: &SidecarConfig) -> SidecarColumns {
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

    pub(super) fn discovered() -> SidecarColumns {
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

/// Sidecar tables named `metadata.tsv`/`metadata.csv` in `root` or up to two folders below.
pub(super) fn discover_sidecars(root: &Path) -> Vec<PathBuf> {
    crate::parse::walk_archive(root, 3)
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
pub(super) fn read_sidecar(
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
