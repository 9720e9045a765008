//! Handing the archive to another engine: [`export`] writes every article as NDJSON for
//! Quickwit, or as `_bulk` pairs for Elasticsearch and OpenSearch. It reads a folder file by
//! file with the readers `index` uses (so ids match), or an index segment by segment, holding
//! one file's articles at a time; it never prints.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;

use crate::article::Article;
use crate::date::ArticleDate;
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::index::NewsIndex;
use crate::index::writer::relocate;
use crate::parse::{self, ParseContext};

/// The fields of every exported article, in the order they are written. The shipped Quickwit
/// config and OpenSearch mapping name exactly these.
pub const EXPORTED_FIELDS: [&str; 11] = [
    "id",
    "title",
    "date",
    "date_source",
    "source",
    "source_raw",
    "byline",
    "url",
    "path",
    "record",
    "body",
];

/// The largest request Quickwit's ingest API accepts (10 MiB).
pub const QUICKWIT_MAX_REQUEST_BYTES: u64 = 10 * 1024 * 1024;

/// The shape of the lines [`export`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, for Quickwit's ingest API and `quickwit tool local-ingest`.
    Quickwit,
    /// `{"index":{"_id":…}}` then the article, per article, for the `_bulk` API of
    /// Elasticsearch and OpenSearch.
    EsBulk,
}

impl crate::choice::Choice for ExportFormat {
    const NAMES: &'static [(&'static str, ExportFormat, &'static str)] = &[
        (
            "quickwit",
            ExportFormat::Quickwit,
            "One JSON object per line, for Quickwit's ingest API and `quickwit tool local-ingest`",
        ),
        (
            "es-bulk",
            ExportFormat::EsBulk,
            "An action line and a document line per article, for the Elasticsearch/OpenSearch _bulk API",
        ),
    ];
    const WHAT: &'static str = "export format";
}

crate::choice::by_name!(ExportFormat);

/// What to export: an index folder (it holds `meta.json`) or an archive folder or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportSource {
    /// Read the files, as `newsindex index` would.
    Archive(PathBuf),
    /// Read the articles an index stores.
    Index(PathBuf),
}

impl ExportSource {
    /// An index when `path` holds a `meta.json`, else an archive.
    pub fn detect(path: &Path) -> ExportSource {
        if path.join("meta.json").is_file() {
            ExportSource::Index(path.to_path_buf())
        } else {
            ExportSource::Archive(path.to_path_buf())
        }
    }
}

/// Where the lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// Standard output.
    Stdout,
    /// One file, created or truncated.
    File(PathBuf),
    /// Numbered files (`part-00001.ndjson`, …) in a folder, each at most `max_bytes` long.
    Batches {
        /// The folder, created if missing.
        dir: PathBuf,
        /// The size limit of each file.
        max_bytes: u64,
    },
}

impl ExportTarget {
    /// The target of `--out` (`-` or nothing for standard output) and `--batch-bytes`.
    ///
    /// # Errors
    /// [`Error::InvalidExport`] when a batch size is given without a folder to put batches in.
    pub fn new(out: Option<&Path>, batch_bytes: Option<u64>) -> Result<ExportTarget> {
        let out = out.filter(|path| *path != Path::new("-"));
        match (out, batch_bytes) {
            (None, None) => Ok(ExportTarget::Stdout),
            (Some(path), None) => Ok(ExportTarget::File(path.to_path_buf())),
            (Some(dir), Some(max_bytes)) => Ok(ExportTarget::Batches {
                dir: dir.to_path_buf(),
                max_bytes,
            }),
            (None, Some(_)) => Err(Error::InvalidExport {
                path: PathBuf::from("-"),
                reason: "--batch-bytes writes numbered files into a folder; name it with --out DIR"
                    .to_string(),
            }),
        }
    }
}

/// How [`export`] runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSettings {
    /// The shape of the lines.
    pub format: ExportFormat,
    /// Where they go.
    pub target: ExportTarget,
    /// When reading a folder, larger files are skipped with a warning.
    pub max_file_size: u64,
}

/// One exported article: the fields newsindex indexes, ready for another engine.
///
/// `date` is RFC 3339 (an article known only by its day is at midnight UTC); `source` is the
/// normalised key newsindex filters by and `source_raw` the name as written. Absent values are
/// `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedArticle {
    /// The article id newsindex prints.
    pub id: String,
    /// Headline; empty when the archive gives none.
    pub title: String,
    /// Publication date in RFC 3339.
    pub date: Option<String>,
    /// Where the date was read (`meta article:published_time`, `url path`…), when known.
    pub date_source: Option<String>,
    /// Normalised source key (`reuters`, `the guardian`).
    pub source: Option<String>,
    /// Source as the archive wrote it.
    pub source_raw: Option<String>,
    /// Author(s).
    pub byline: Option<String>,
    /// Where the article was published.
    pub url: Option<String>,
    /// The file it came from (absolute).
    pub path: String,
    /// Its 1-based record number inside a file of many articles.
    pub record: Option<u64>,
    /// The text, paragraphs separated by blank lines.
    pub body: String,
}

impl ExportedArticle {
    /// The exported form of `article`.
    pub fn from_article(article: &Article) -> ExportedArticle {
        ExportedArticle {
            id: article.id.clone(),
            title: article.title.clone(),
            date: article.date.as_ref().map(to_rfc3339),
            date_source: article.date_source.clone(),
            source: article.source_key(),
            source_raw: article.source.clone(),
            byline: article.byline.clone(),
            url: article.url.clone(),
            path: article.path.clone(),
            record: article.record,
            body: article.body.clone(),
        }
    }
}

/// An article date in RFC 3339: a day becomes its midnight UTC, an instant keeps its offset
/// (`Z` for UTC) and its fraction of a second.
pub fn to_rfc3339(date: &ArticleDate) -> String {
    match date {
        ArticleDate::Day(day) => format!("{}T00:00:00Z", day.format("%Y-%m-%d")),
        ArticleDate::Time(time) => time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    }
}

/// The name of the `number`th batch file (from 1).
pub fn part_name(number: u64) -> String {
    format!("part-{number:05}.ndjson")
}

/// Something that happened while exporting, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportEvent {
    /// A file, record or article left out or read with less, or a note worth showing with `-v`.
    Diagnostic(Diagnostic),
}

/// What one `newsindex export` run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportReport {
    /// Articles written.
    pub articles: u64,
    /// Files read (when exporting a folder).
    pub files_read: u64,
    /// Files skipped with a warning.
    pub skipped_files: u64,
    /// Records skipped with a warning inside files that were otherwise read.
    pub skipped_records: u64,
    /// Undated articles left out of a Quickwit export (its timestamp field is required).
    pub undated_left_out: u64,
    /// Articles left out because one alone is larger than the batch size.
    pub oversized_left_out: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Batch files written.
    pub parts: u64,
    /// The size of the largest batch file.
    pub largest_part: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl ExportReport {
    /// The summary printed at the end of every run.
    pub fn summary(&self) -> String {
        let seconds = self.elapsed.as_secs_f64();
        let rate = crate::index::writer::per_second(self.articles, self.elapsed);
        let mut text = format!(
            "articles: {} exported, {} left out ({} undated, {} larger than the batch size)",
            self.articles,
            self.undated_left_out + self.oversized_left_out,
            self.undated_left_out,
            self.oversized_left_out,
        );
        if self.files_read + self.skipped_files > 0 {
            text.push_str(&format!(
                "\nfiles: {} read, {} skipped",
                self.files_read, self.skipped_files
            ));
        }
        if self.parts > 0 {
            let files = if self.parts == 1 { "file" } else { "files" };
            text.push_str(&format!(
                "\noutput: {} bytes in {} {files}, the largest {} bytes",
                self.bytes, self.parts, self.largest_part
            ));
        } else {
            text.push_str(&format!("\noutput: {} bytes", self.bytes));
        }
        text.push_str(&format!("\ntime: {seconds:.2} s, {rate:.0} articles/s"));
        text.push_str(&crate::index::writer::skipped_records_line(
            self.skipped_records,
        ));
        text
    }

    /// True when some input (a file, a record or an article) was left out.
    pub fn has_skipped(&self) -> bool {
        self.skipped_files + self.skipped_records + self.undated_left_out + self.oversized_left_out
            > 0
    }
}

/// Writes every article of `source` in `settings.format` to `settings.target` (`stdout` when
/// that is standard output).
///
/// # Errors
/// [`Error::InvalidExport`] when the output file is a folder, or the batch folder is a file or
/// already holds batch files;
/// [`Error::IndexMissing`]/[`Error::OpenIndex`]/[`Error::Search`] when an index cannot be
/// read; [`Error::ReadCorpus`], [`Error::InvalidCorpus`] or [`Error::ArchiveConfig`] when a
/// folder cannot be read at all; [`Error::WriteOutput`] or [`Error::Io`] when output cannot be
/// written. Problems with single files and articles are [`ExportEvent::Diagnostic`]s.
pub fn export(
    source: &ExportSource,
    settings: &ExportSettings,
    stdout: &mut dyn Write,
    report_event: &mut dyn FnMut(ExportEvent),
) -> Result<ExportReport> {
    let started = Instant::now();
    let sink = Sink::open(&settings.target, stdout)?;
    let mut exporter = Exporter {
        format: settings.format,
        sink,
        report: ExportReport::default(),
        report_event,
        line: Vec::new(),
    };
    match source {
        ExportSource::Archive(root) => {
            export_archive(root, settings.max_file_size, &mut exporter)?;
        }
        ExportSource::Index(dir) => export_index(dir, &mut exporter)?,
    }
    let Exporter {
        sink, mut report, ..
    } = exporter;
    sink.finish(&mut report)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Turns articles into lines and hands them to the sink.
struct Exporter<'w, 'e> {
    format: ExportFormat,
    sink: Sink<'w>,
    report: ExportReport,
    report_event: &'e mut dyn FnMut(ExportEvent),
    /// The lines of one article, reused so a long export allocates once.
    line: Vec<u8>,
}

/// The action line of a `_bulk` pair.
#[derive(Serialize)]
struct BulkAction<'a> {
    index: BulkTarget<'a>,
}

#[derive(Serialize)]
struct BulkTarget<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
}

impl Exporter<'_, '_> {
    /// Reports a diagnostic, counting what it says was left out of a file.
    fn report(&mut self, diagnostic: Diagnostic) {
        if matches!(diagnostic.kind, Kind::RecordSkipped | Kind::SidecarRow) {
            self.report.skipped_records += 1;
        } else if matches!(diagnostic.kind, Kind::Unreadable | Kind::Refused) {
            self.report.skipped_files += 1;
        }
        (self.report_event)(ExportEvent::Diagnostic(diagnostic));
    }

    /// Leaves an article out, saying why, placed in its file (`shown`) and record.
    fn leave_out(&mut self, article: &Article, shown: &Path, why: String) {
        let message = format!("left out '{}': {why}", article.title);
        let diagnostic = Diagnostic::new(Kind::NotExported, article.record, message).at(shown);
        (self.report_event)(ExportEvent::Diagnostic(diagnostic));
    }

    /// Writes one article, or leaves it out with a warning naming `shown` (its file).
    fn add(&mut self, article: &Article, shown: &Path) -> Result<()> {
        if self.format == ExportFormat::Quickwit && article.date.is_none() {
            self.report.undated_left_out += 1;
            self.leave_out(article, shown, "it has no date, and Quickwit requires the timestamp field `date` (es-bulk keeps undated articles)".to_string());
            return Ok(());
        }
        self.line.clear();
        let encode = |error: serde_json::Error| Error::WriteOutput(error.into());
        if self.format == ExportFormat::EsBulk {
            let action = BulkAction {
                index: BulkTarget { id: &article.id },
            };
            serde_json::to_writer(&mut self.line, &action).map_err(encode)?;
            self.line.push(b'\n');
        }
        serde_json::to_writer(&mut self.line, &ExportedArticle::from_article(article))
            .map_err(encode)?;
        self.line.push(b'\n');
        let size = self.line.len() as u64;
        if let Some(max_bytes) = self.sink.max_bytes()
            && size > max_bytes
        {
            self.report.oversized_left_out += 1;
            self.leave_out(
                article,
                shown,
                format!("it takes {size} bytes, more than --batch-bytes {max_bytes}"),
            );
            return Ok(());
        }
        self.sink.write(&self.line)?;
        self.report.articles += 1;
        self.report.bytes += size;
        Ok(())
    }
}

/// Where lines go: one stream, or numbered files under a size limit.
enum Sink<'w> {
    /// Standard output (`path` is `None`) or one file.
    Stream {
        writer: BufWriter<Box<dyn Write + 'w>>,
        path: Option<PathBuf>,
    },
    /// A file written beside `path` and renamed to it once complete, so an export that fails
    /// halfway leaves no file that looks whole (the temporary file is deleted when dropped).
    File {
        writer: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
    /// Numbered batch files.
    Batches(Batches),
}

impl<'w> Sink<'w> {
    fn open(target: &ExportTarget, stdout: &'w mut dyn Write) -> Result<Sink<'w>> {
        match target {
            ExportTarget::Stdout => Ok(Sink::Stream {
                writer: BufWriter::with_capacity(256 * 1024, Box::new(stdout)),
                path: None,
            }),
            ExportTarget::File(path) => {
                if path.is_dir() {
                    return Err(Error::InvalidExport {
                        path: path.clone(),
                        reason: "it is a folder; add --batch-bytes N to write numbered batch files into it"
                            .to_string(),
                    });
                }
                let file = temporary_beside(path)?;
                Ok(Sink::File {
                    writer: BufWriter::with_capacity(256 * 1024, file),
                    path: path.clone(),
                })
            }
            ExportTarget::Batches { dir, max_bytes } => {
                Batches::open(dir, *max_bytes).map(Sink::Batches)
            }
        }
    }

    fn max_bytes(&self) -> Option<u64> {
        match self {
            Sink::Stream { .. } | Sink::File { .. } => None,
            Sink::Batches(batches) => Some(batches.max_bytes),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Sink::Stream { writer, path } => writer
                .write_all(bytes)
                .map_err(|source| stream_error(path.as_deref(), source)),
            Sink::File { writer, path } => writer
                .write_all(bytes)
                .map_err(|source| stream_error(Some(path), source)),
            Sink::Batches(batches) => batches.write(bytes),
        }
    }

    fn finish(self, report: &mut ExportReport) -> Result<()> {
        match self {
            Sink::Stream { mut writer, path } => writer
                .flush()
                .map_err(|source| stream_error(path.as_deref(), source)),
            Sink::File { writer, path } => persist(writer, &path),
            Sink::Batches(mut batches) => {
                batches.close()?;
                report.parts = batches.count;
                report.largest_part = batches.largest;
                Ok(())
            }
        }
    }
}

/// A temporary file in the folder of `path`, so the final rename stays on one file system.
fn temporary_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().map_or_else(
        || "export".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Flushes a complete export and renames it to `path`.
fn persist(writer: BufWriter<tempfile::NamedTempFile>, path: &Path) -> Result<()> {
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = writer
        .into_inner()
        .map_err(|error| io_error(error.into_error()))?;
    file.as_file().sync_all().map_err(io_error)?;
    file.persist(path).map_err(|error| io_error(error.error))?;
    Ok(())
}

fn stream_error(path: Option<&Path>, source: std::io::Error) -> Error {
    match path {
        Some(path) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        None => Error::WriteOutput(source),
    }
}

/// Numbered batch files in a folder, each at most `max_bytes` long; a file is opened when its
/// first line comes, so an empty export writes none.
struct Batches {
    dir: PathBuf,
    max_bytes: u64,
    /// The part being written, beside `path` until it is complete.
    file: Option<BufWriter<tempfile::NamedTempFile>>,
    path: PathBuf,
    bytes: u64,
    count: u64,
    largest: u64,
}

impl Batches {
    fn open(dir: &Path, max_bytes: u64) -> Result<Batches> {
        let invalid = |reason: String| Error::InvalidExport {
            path: dir.to_path_buf(),
            reason,
        };
        if dir.is_file() {
            return Err(invalid(
                "it is a file; --batch-bytes writes numbered files into a folder".to_string(),
            ));
        }
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let earlier = entries.filter_map(|entry| entry.ok()).find(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with("part-") && name.ends_with(".ndjson")
        });
        if let Some(entry) = earlier {
            return Err(invalid(format!(
                "it already holds batch files ({}); remove them or choose another folder, so no batch is ingested twice",
                entry.file_name().to_string_lossy()
            )));
        }
        Ok(Batches {
            dir: dir.to_path_buf(),
            max_bytes,
            file: None,
            path: PathBuf::new(),
            bytes: 0,
            count: 0,
            largest: 0,
        })
    }

    /// Appends `bytes` (whole lines, at most `max_bytes`) to the current file, or to a new one
    /// when they would not fit.
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let size = bytes.len() as u64;
        if self.file.is_some() && self.bytes + size > self.max_bytes {
            self.close()?;
        }
        let io_error = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                self.count += 1;
                self.path = self.dir.join(part_name(self.count));
                self.bytes = 0;
                let file = temporary_beside(&self.path)?;
                self.file.insert(BufWriter::with_capacity(256 * 1024, file))
            }
        };
        file.write_all(bytes).map_err(|e| io_error(&self.path, e))?;
        self.bytes += size;
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some(file) = self.file.take() {
            persist(file, &self.path)?;
            self.largest = self.largest.max(self.bytes);
        }
        Ok(())
    }
}

/// Reads the archive at `root` file by file, in name order, with the walk `newsindex index`
/// makes, so the same files are read with the same ids.
fn export_archive(root: &Path, max_file_size: u64, exporter: &mut Exporter) -> Result<()> {
    let absolute = std::fs::canonicalize(root).map_err(|source| Error::ReadCorpus {
        path: root.to_path_buf(),
        source,
    })?;
    let context = ParseContext::load(&absolute)?;
    for diagnostic in context.diagnostics() {
        exporter.report(diagnostic.clone());
    }
    let files = parse::list_files(root, &absolute, &context, &mut |d| exporter.report(d))?;
    for listed in files {
        let parsed = match parse::parse_file(&listed.file, listed.format, max_file_size, &context) {
            Ok(parsed) => parsed,
            Err(error) => {
                exporter.report(Diagnostic::from_error(&relocate(error, &listed.shown)));
                continue;
            }
        };
        exporter.report.files_read += 1;
        for diagnostic in parsed.placed_diagnostics(&listed.shown) {
            exporter.report(diagnostic);
        }
        for article in &parsed.articles {
            exporter.add(article, &listed.shown)?;
        }
    }
    Ok(())
}

/// Reads the articles an index stores, segment by segment, each in document order.
fn export_index(dir: &Path, exporter: &mut Exporter) -> Result<()> {
    let index = NewsIndex::open(dir)?;
    let searcher = index.reader().searcher();
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(1)
            .map_err(|e| index.search_error(e.into()))?;
        for document in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let document = document.map_err(|e| index.search_error(e))?;
            let article = index.fields().to_article(&document);
            exporter.add(&article, Path::new(&article.path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Fields;

    /// Sync state newsindex keeps per document, and the date as written and as a UTC instant
    /// (both exported as `date`, RFC 3339 with its offset), and the copy signatures (computed
    /// again from the body by whatever indexes the export), and a long body's stored cut into
    /// passages (likewise).
    const NOT_EXPORTED: [&str; 9] = [
        "file_mtime",
        "file_size",
        "file_hash",
        "file_context",
        "date_text",
        "date_utc",
        "copy_article",
        "copy_passage",
        "passages",
    ];

    #[test]
    fn every_field_of_the_index_schema_is_exported() {
        let fields = Fields::new();
        for (_, entry) in fields.schema.fields() {
            let name = entry.name();
            assert!(
                EXPORTED_FIELDS.contains(&name) || NOT_EXPORTED.contains(&name),
                "schema field `{name}` is neither exported nor listed as internal"
            );
        }
        let exported = serde_json::to_value(ExportedArticle::from_article(&Article::new(
            Path::new("/a.txt"),
            None,
        )))
        .unwrap();
        let keys: Vec<&str> = exported
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = EXPORTED_FIELDS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn dates_become_rfc3339_with_days_at_midnight_utc() {
        let rfc = |text: &str| to_rfc3339(&ArticleDate::parse(text).unwrap());
        assert_eq!(rfc("2024-06-21"), "2024-06-21T00:00:00Z");
        assert_eq!(rfc("1916-01-03"), "1916-01-03T00:00:00Z");
        assert_eq!(rfc("1690-09-25"), "1690-09-25T00:00:00Z");
        assert_eq!(
            rfc("2024-06-21T09:50:00+01:00"),
            "2024-06-21T09:50:00+01:00"
        );
        assert_eq!(rfc("26-FEB-1987 15:01:01.79"), "1987-02-26T15:01:01.790Z");
        for text in [
            "1916-01-03",
            "2024-06-21T09:50:00+01:00",
            "1965-05-01T23:10:00Z",
        ] {
            let exported = rfc(text);
            assert!(
                chrono::DateTime::parse_from_rfc3339(&exported).is_ok(),
                "{exported}"
            );
        }
    }

    #[test]
    fn a_batch_size_needs_a_folder() {
        assert_eq!(ExportTarget::new(None, None).unwrap(), ExportTarget::Stdout);
        assert_eq!(
            ExportTarget::new(Some(Path::new("-")), None).unwrap(),
            ExportTarget::Stdout
        );
        let error = ExportTarget::new(Some(Path::new("-")), Some(10)).unwrap_err();
        assert!(error.to_string().contains("--out DIR"), "{error}");
        assert_eq!(
            ExportTarget::new(Some(Path::new("out")), Some(10)).unwrap(),
            ExportTarget::Batches {
                dir: PathBuf::from("out"),
                max_bytes: 10
            }
        );
    }

    #[test]
    fn batches_stay_under_their_limit_and_are_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let mut batches = Batches::open(dir.path(), 10).unwrap();
        for line in ["aaaa\n", "bbbb\n", "cc\n", "dddddddd\n"] {
            batches.write(line.as_bytes()).unwrap();
        }
        batches.close().unwrap();
        assert_eq!(batches.count, 3);
        let read = |n| std::fs::read_to_string(dir.path().join(part_name(n))).unwrap();
        assert_eq!(read(1), "aaaa\nbbbb\n");
        assert_eq!(read(2), "cc\n");
        assert_eq!(read(3), "dddddddd\n");
        assert!(Batches::open(dir.path(), 10).is_err());
    }
}
