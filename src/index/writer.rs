//! Keeping the index in step with folders of articles: [`update`] walks, compares, parses, commits.
//!
//! A file is re-read only when its size or modification time changed and its content hash
//! differs; files gone from the folder lose their articles. Parsing runs on worker threads;
//! this module reports progress and warnings through [`IndexEvent`]s and never prints.

use super::schema::field;
use std::collections::{HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use super::copies;
use super::plan::{Candidate, Found, Known, SyncPlan};
use super::schema::{self, Fields, FileState, SCHEMA_VERSION};
use super::{IndexMeta, damaged, open_checked};
use crate::article::{is_under, path_text, relative_key};
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::parse::{self, Listed, ParseContext, Parsed};

/// Something that happened while indexing, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexEvent {
    /// The walk found this many article files.
    Walked {
        /// Files to look at.
        files: usize,
    },
    /// One more file was dealt with.
    FileDone,
    /// A file or record skipped or read with less (a warning), or a detail worth showing with
    /// `-v` (a note), placed in its file.
    Diagnostic(Diagnostic),
    /// The run moved on to another stage of its work.
    Phase(IndexPhase),
}

/// The stages of an indexing run, in the order they first come; a periodic commit goes from
/// parsing to writing and committing and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexPhase {
    /// Walking the folders and comparing their files with the index.
    Scanning,
    /// Reading and parsing files and handing their articles to the writer.
    Parsing,
    /// Waiting for the writer's threads to finish and write their segments to disk.
    Writing,
    /// Recording the commit (the segments list and the index's metadata).
    Committing,
    /// Waiting for background merges of small segments into larger ones.
    Merging,
}

impl IndexPhase {
    /// The word a progress line shows.
    pub fn label(self) -> &'static str {
        match self {
            IndexPhase::Scanning => "scanning",
            IndexPhase::Parsing => "parsing",
            IndexPhase::Writing => "writing",
            IndexPhase::Committing => "committing",
            IndexPhase::Merging => "merging",
        }
    }
}

/// An indexed folder found moved, its articles re-pointed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MovedRoot {
    /// Where it was.
    pub from: String,
    /// Where it is now.
    pub to: String,
    /// Files re-pointed.
    pub files: u64,
}

/// An indexed folder that is gone, whose articles `--prune` removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrunedRoot {
    /// The folder.
    pub root: String,
    /// Articles removed.
    pub articles: u64,
}

/// What one `newsindex index` run did (serialised as `index --json` prints it).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct IndexReport {
    /// Files read for the first time.
    pub added_files: u64,
    /// Files whose content changed and were read again.
    pub updated_files: u64,
    /// Files gone from the folder whose articles were removed.
    pub removed_files: u64,
    /// Files left alone because they did not change.
    pub unchanged_files: u64,
    /// Files skipped with a warning.
    pub skipped_files: u64,
    /// Records skipped with a warning inside files that were otherwise read.
    pub skipped_records: u64,
    /// Articles added (new or re-read).
    pub articles_added: u64,
    /// Articles removed (files gone or re-read).
    pub articles_removed: u64,
    /// Of the articles added, how many have no date.
    pub undated: u64,
    /// Articles in the index after the run.
    pub total_articles: u64,
    /// Wall time of the run (`elapsed_seconds`, to the millisecond).
    #[serde(rename = "elapsed_seconds", serialize_with = "milliseconds_as_seconds")]
    pub elapsed: Duration,
    /// The run was stopped early (Ctrl-C); what was read before is committed.
    pub interrupted: bool,
    /// Indexed folders found moved: (where they were, where they are now, files re-pointed).
    pub moved_roots: Vec<MovedRoot>,
    /// Indexed folders that are gone and whose articles `--prune` removed, with their count.
    pub pruned_roots: Vec<PrunedRoot>,
}

impl IndexReport {
    /// The one-paragraph summary printed at the end of every run.
    pub fn summary(&self) -> String {
        let seconds = self.elapsed.as_secs_f64();
        let rate = per_second(self.articles_added, self.elapsed);
        let mut text = format!(
            "files: {} added, {} updated, {} removed, {} unchanged, {} skipped\n\
             articles: {} indexed ({} undated), {} removed, {} in the index\n\
             time: {seconds:.2} s, {rate:.0} articles/s",
            self.added_files,
            self.updated_files,
            self.removed_files,
            self.unchanged_files,
            self.skipped_files,
            self.articles_added,
            self.undated,
            self.articles_removed,
            self.total_articles,
        );
        for MovedRoot {
            from: before,
            to: now,
            files,
        } in &self.moved_roots
        {
            text.push_str(&format!(
                "\nmoved: '{before}' is now '{now}' ({files} files re-pointed, ids kept)"
            ));
        }
        for PrunedRoot { root, articles } in &self.pruned_roots {
            text.push_str(&format!(
                "\npruned: '{root}' is gone ({articles} articles removed)"
            ));
        }
        if self.interrupted {
            text.push_str("\ninterrupted: what was read so far is committed; run again to finish");
        }
        text.push_str(&skipped_records_line(self.skipped_records));
        text
    }

    /// Counts what a diagnostic says was left out: a file, or a record inside one.
    pub fn count(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.kind {
            Kind::Unreadable | Kind::Refused => self.skipped_files += 1,
            Kind::RecordSkipped | Kind::SidecarRow => self.skipped_records += 1,
            _ => {}
        }
    }

    /// True when some input (a file or a record) was skipped.
    pub fn has_skipped(&self) -> bool {
        self.skipped_files > 0 || self.skipped_records > 0
    }
}

/// A duration as seconds rounded to the millisecond.
fn milliseconds_as_seconds<S: serde::Serializer>(
    elapsed: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64((elapsed.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// The summary line for records left out inside files, or nothing when there were none.
pub(crate) fn skipped_records_line(count: u64) -> String {
    if count > 0 {
        format!("\n{count} records skipped inside files (see warnings)")
    } else {
        String::new()
    }
}

/// `count` per second of `elapsed` (0 when no time passed), for run summaries.
pub(crate) fn per_second(count: u64, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// What a worker found for one candidate.
enum Outcome {
    /// Same content as indexed (only the timestamp moved).
    Same,
    /// The articles, what each stores for finding its copies (computed here, on the worker),
    /// and the content hash.
    Parsed(Parsed, Vec<copies::Stored>, u64),
    Failed(Error),
}

/// How [`update`] runs: what `newsindex index` sets from its flags.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Commit at least this often, so an interrupted run keeps most of its work.
    pub commit_interval: Duration,
    /// Set (e.g. by a Ctrl-C handler) to stop early: what was read so far is committed.
    pub stop: Arc<AtomicBool>,
    /// Start from an empty index.
    pub rebuild: bool,
    /// Remove the articles of indexed folders that are gone.
    pub prune: bool,
    /// Files larger than this are skipped with a warning.
    pub max_file_size: u64,
    /// The index writer's memory budget, in bytes.
    pub memory_bytes: usize,
    /// Threads for parsing and indexing.
    pub threads: usize,
    /// Store copy signatures ([`copies::stored`]); without them every article is a story of
    /// its own, and indexing costs what it did before copies were found.
    pub copy_detection: bool,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions {
            prune: false,
            commit_interval: Duration::from_secs(60),
            stop: Arc::new(AtomicBool::new(false)),
            rebuild: false,
            max_file_size: 64 * 1024 * 1024,
            memory_bytes: 256 * 1024 * 1024,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            copy_detection: true,
        }
    }
}

/// Brings the index at `index_dir` in step with `roots`, creating it if needed, in three
/// steps: plan (walk the roots and sort their files against the index: `SyncPlan`), apply
/// (delete what is gone; read the new and changed files on worker threads and add their
/// articles from one thread, committing every `commit_interval`), commit.
///
/// # Errors
/// [`Error::IndexLocked`] when another process is indexing; [`Error::ReadCorpus`] or
/// [`Error::InvalidCorpus`] when a root cannot be walked at all; [`Error::WriteIndex`] when
/// the index cannot be written. Problems with single files are [`IndexEvent::Diagnostic`]s.
// Longer than most: this is the run's outline. Each step is a function of its own; what stays
// here is the state the steps share (the writer, the report, the event sink, the metadata),
// which split further would travel as long parameter lists.
pub fn update(
    index_dir: &Path,
    roots: &[PathBuf],
    settings: &UpdateOptions,
    report_event: &mut dyn FnMut(IndexEvent),
) -> Result<IndexReport> {
    let started = Instant::now();
    report_event(IndexEvent::Phase(IndexPhase::Scanning));
    let Opened {
        roots_abs,
        archive_roots,
        contexts,
        index,
        fields,
        mut meta,
    } = open_archives_and_index(index_dir, roots, settings.rebuild)?;
    let write_error = |source| Error::WriteIndex {
        path: index_dir.to_path_buf(),
        source,
    };
    let threads = settings.threads.max(1);
    let memory = settings.memory_bytes.max(15_000_000 * threads);
    let mut writer = lock_writer(&index, index_dir, threads, memory)?;
    tracing::debug!(elapsed = ?started.elapsed(), "writer locked");
    let mut report = IndexReport::default();
    let mut known = if settings.rebuild {
        writer.delete_all_documents().map_err(write_error)?;
        meta.roots.clear();
        meta.archives.clear();
        HashMap::new()
    } else {
        known_files(&index).map_err(write_error)?
    };
    let roots_before = meta.roots.clone();
    relocate_roots(
        &index,
        &writer,
        &fields,
        &roots_abs,
        settings.prune,
        &mut meta,
        &mut known,
        &mut report,
    )
    .map_err(write_error)?;

    // Plan.
    let (stale, archives) = changed_archives(&archive_roots, &contexts, &meta, &known);
    let mut diagnose = |diagnostic: Diagnostic, report: &mut IndexReport| {
        report.count(&diagnostic);
        report_event(IndexEvent::Diagnostic(diagnostic));
    };
    for diagnostic in contexts.iter().flat_map(ParseContext::diagnostics) {
        diagnose(diagnostic.clone(), &mut report);
    }
    for root in &stale {
        let message = format!(
            "{} or a sidecar table changed; reading every file again",
            parse::CONFIG_FILE
        );
        diagnose(
            Diagnostic::new(Kind::Reread, None, message).at(Path::new(root)),
            &mut report,
        );
    }
    let walk = Walk {
        roots,
        absolute: &roots_abs,
        contexts: &contexts,
        threads,
    };
    let plan = walk.plan(&known, &stale, &mut |d| diagnose(d, &mut report))?;

    tracing::debug!(elapsed = ?started.elapsed(), new = plan.new.len(), changed = plan.changed.len(), "planned");

    // Apply.
    for (key, entry) in &plan.removed {
        writer.delete_term(Term::from_field_text(fields.path, key));
        report.removed_files += 1;
        report.articles_removed += entry.articles;
    }
    report.unchanged_files += plan.unchanged;
    let to_read = plan.to_read();
    report_event(IndexEvent::Walked {
        files: to_read.len() + plan.unchanged as usize,
    });
    for _ in 0..plan.unchanged {
        report_event(IndexEvent::FileDone);
    }
    report_event(IndexEvent::Phase(IndexPhase::Parsing));
    let mut last_commit = Instant::now();
    read_and_add(
        &to_read,
        settings,
        threads,
        memory,
        &mut |candidate, outcome| {
            apply(
                &writer,
                &fields,
                candidate,
                outcome,
                &mut report,
                report_event,
            )
            .map_err(write_error)?;
            report_event(IndexEvent::FileDone);
            if last_commit.elapsed() >= settings.commit_interval {
                commit(
                    &mut writer,
                    &meta_with_roots(&meta, &roots_abs),
                    report_event,
                )
                .map_err(write_error)?;
                report_event(IndexEvent::Phase(IndexPhase::Parsing));
                last_commit = Instant::now();
            }
            Ok(())
        },
    )?;
    tracing::debug!(elapsed = ?started.elapsed(), "files read");

    // Commit.
    report.interrupted = settings.stop.load(Ordering::Relaxed);
    let mut next_meta = meta_with_roots(&meta, &roots_abs);
    next_meta.archives.extend(archives);
    next_meta
        .archives
        .retain(|_, fingerprint| *fingerprint != 0);
    let changed = settings.rebuild
        || report.added_files + report.updated_files + report.removed_files > 0
        || !report.moved_roots.is_empty()
        || next_meta.roots != roots_before
        || next_meta != meta;
    report.total_articles =
        finish(&index, writer, changed.then_some(&next_meta), report_event).map_err(write_error)?;
    tracing::debug!(elapsed = ?started.elapsed(), "committed");
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What a run reads before it takes the writer lock.
struct Opened {
    /// The roots, canonical.
    roots_abs: Vec<PathBuf>,
    /// The archive each root is read as part of.
    archive_roots: Vec<PathBuf>,
    /// Each archive's config and sidecar tables.
    contexts: Vec<ParseContext>,
    index: Index,
    fields: Fields,
    meta: IndexMeta,
}

/// Makes the roots canonical, loads the archive each belongs to, and opens (or creates) the
/// index; an index is created only once the archives' configs have been read without error.
fn open_archives_and_index(index_dir: &Path, roots: &[PathBuf], rebuild: bool) -> Result<Opened> {
    let roots_abs = roots
        .iter()
        .map(|root| {
            std::fs::canonicalize(root).map_err(|source| Error::ReadCorpus {
                path: root.clone(),
                source,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // An index is created only once the archives' configs have been read without error.
    let existing = if index_dir.join("meta.json").is_file() {
        Some(open_or_create(index_dir, rebuild)?)
    } else {
        None
    };
    let known_meta = existing
        .as_ref()
        .map(|(_, _, meta)| meta.clone())
        .unwrap_or_default();
    // Each folder is read as part of its archive: a known folder holding it, else the nearest
    // folder above it with a config or sidecar table, so that path dates, the config and
    // sidecar rows (and ids) come out as a run over the whole archive gives them.
    let archive_roots: Vec<PathBuf> = roots_abs
        .iter()
        .map(|root| archive_root(root, &known_meta))
        .collect();
    let contexts = archive_roots
        .iter()
        .map(|root| ParseContext::load(root))
        .collect::<Result<Vec<_>>>()?;
    let (index, fields, meta) = match existing {
        Some(opened) => opened,
        None => open_or_create(index_dir, rebuild)?,
    };
    Ok(Opened {
        roots_abs,
        archive_roots,
        contexts,
        index,
        fields,
        meta,
    })
}

/// The roots of one run, each with the archive it is read as part of.
struct Walk<'r, 'c> {
    /// The roots as the user gave them (for the paths shown).
    roots: &'r [PathBuf],
    /// The same roots made canonical.
    absolute: &'r [PathBuf],
    /// Each root's archive.
    contexts: &'c [ParseContext],
    /// Threads for reading file metadata.
    threads: usize,
}

impl<'c> Walk<'_, 'c> {
    /// Lists every root and sorts its files against what the index holds (`known`), reading
    /// every file under a `stale` archive again; files that cannot be walked or stat'ed are
    /// reported through `diagnose`.
    fn plan(
        &self,
        known: &HashMap<String, Known>,
        stale: &[String],
        diagnose: &mut dyn FnMut(Diagnostic),
    ) -> Result<SyncPlan<'c>> {
        let mut found = Vec::new();
        let mut listed = HashSet::new();
        for ((root, absolute), context) in self.roots.iter().zip(self.absolute).zip(self.contexts) {
            let files = parse::list_files(root, absolute, context, &mut *diagnose)?;
            listed.extend(files.iter().map(|file| file.key.clone()));
            for (file, metadata) in stat_all(files, self.threads) {
                match metadata {
                    Ok(metadata) => found.push(Found {
                        state: FileState {
                            mtime_nanos: mtime_nanos(&metadata),
                            size: metadata.len(),
                            hash: 0,
                            context: context.file_fingerprint(&file.file),
                        },
                        listed: file,
                        context,
                    }),
                    Err(error) => {
                        let message = format!("cannot read: {error}");
                        let diagnostic =
                            Diagnostic::new(Kind::Unreadable, None, message).at(&file.shown);
                        diagnose(diagnostic);
                    }
                }
            }
        }
        let walked: Vec<String> = self.absolute.iter().map(|root| path_text(root)).collect();
        Ok(SyncPlan::compute(found, known, &listed, &walked, stale))
    }
}

/// Takes the index's writer lock.
///
/// # Errors
/// [`Error::IndexLocked`] when another process holds it.
fn lock_writer(
    index: &Index,
    index_dir: &Path,
    threads: usize,
    memory: usize,
) -> Result<IndexWriter<TantivyDocument>> {
    index
        .writer_with_num_threads(threads, memory)
        .map_err(|source| match source {
            TantivyError::LockFailure(..) => Error::IndexLocked {
                path: index_dir.to_path_buf(),
            },
            other => Error::WriteIndex {
                path: index_dir.to_path_buf(),
                source: other,
            },
        })
}

/// Commits with `meta` and waits for merges, or, with nothing to write (`None`), leaves the
/// last commit as it is (and its files untouched). Returns the articles in the index.
fn finish(
    index: &Index,
    mut writer: IndexWriter<TantivyDocument>,
    meta: Option<&IndexMeta>,
    report_event: &mut dyn FnMut(IndexEvent),
) -> tantivy::Result<u64> {
    match meta {
        Some(meta) => {
            commit(&mut writer, meta, report_event)?;
            report_event(IndexEvent::Phase(IndexPhase::Merging));
            writer.wait_merging_threads()?;
        }
        None => {
            writer.rollback()?;
        }
    }
    Ok(index.reader()?.searcher().num_docs())
}

/// Follows archives that moved (their stored articles re-pointed, not read again) and, with
/// `prune`, deletes the articles of indexed folders that are gone; `meta`, `known` and the
/// report follow.
#[allow(clippy::too_many_arguments)] // the writer's state, passed apart so each borrow is short
fn relocate_roots(
    index: &Index,
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    roots: &[PathBuf],
    prune: bool,
    meta: &mut IndexMeta,
    known: &mut HashMap<String, Known>,
    report: &mut IndexReport,
) -> tantivy::Result<()> {
    for (before, now) in find_moved_roots(roots, meta, known) {
        let files = repoint_root(index, writer, fields, &before, &now, known)?;
        meta.roots.retain(|root| *root != before);
        if let Some(fingerprint) = meta.archives.remove(&before) {
            meta.archives.insert(now.clone(), fingerprint);
        }
        report.moved_roots.push(MovedRoot {
            from: before,
            to: now,
            files,
        });
    }
    if prune {
        for root in gone_roots(meta) {
            let mut articles = 0;
            known.retain(|path, entry| {
                let under = is_under(path, &root);
                if under {
                    writer.delete_term(Term::from_field_text(fields.path, path));
                    report.removed_files += 1;
                    report.articles_removed += entry.articles;
                    articles += entry.articles;
                }
                !under
            });
            meta.roots.retain(|known_root| *known_root != root);
            meta.archives.remove(&root);
            report.pruned_roots.push(PrunedRoot { root, articles });
        }
    }
    Ok(())
}

/// Reads `candidates` on `threads` worker threads and hands each outcome to `add`, on this
/// thread, in the order they finish. Files read and not yet added are held to a quarter of
/// the writer's `memory` in bytes, so a few huge files cannot pile up while the writer works.
/// Stops early when `settings.stop` is set or `add` fails.
fn read_and_add(
    candidates: &[&Candidate],
    settings: &UpdateOptions,
    threads: usize,
    memory: usize,
    add: &mut dyn FnMut(&Candidate, Outcome) -> Result<()>,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let stop = &settings.stop;
    let next = &next;
    let in_flight = ByteBudget::new((memory / 4) as u64);
    let in_flight = &in_flight;
    std::thread::scope(|scope| -> Result<()> {
        let (sender, receiver) = mpsc::sync_channel::<(usize, Outcome)>(threads);
        for _ in 0..threads {
            let sender = sender.clone();
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(candidate) = candidates.get(at) else {
                        break;
                    };
                    in_flight.acquire(candidate.state.size);
                    if sender
                        .send((at, read_candidate(candidate, settings)))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let _close = CloseOnDrop(in_flight);
        for (at, outcome) in receiver {
            let Some(candidate) = candidates.get(at) else {
                continue;
            };
            add(candidate, outcome)?;
            in_flight.release(candidate.state.size);
        }
        Ok(())
    })
}

/// The archives whose `newsindex.toml` or sidecar tables changed since they were indexed and
/// that hold indexed files (every file under them is read again), and the fingerprints to
/// record once the run commits.
fn changed_archives(
    roots: &[PathBuf],
    contexts: &[ParseContext],
    meta: &IndexMeta,
    known: &HashMap<String, Known>,
) -> (Vec<String>, Vec<(String, u64)>) {
    let mut stale = Vec::new();
    let mut archives = Vec::new();
    for (root, context) in roots.iter().zip(contexts) {
        let key = path_text(root);
        let before = meta.archives.get(&key).copied().unwrap_or(0);
        let now = context.fingerprint();
        archives.push((key.clone(), now));
        if before != now && known.keys().any(|path| is_under(path, &key)) {
            stale.push(key);
        }
    }
    (stale, archives)
}

/// A file's modification time in nanoseconds since 1970 (0 when the system has none).
fn mtime_nanos(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// How many folders up from a folder that is not known [`archive_root`] looks for a config
/// or sidecar table (`dates/19160101` is two below chronam-1916's `metadata.tsv`).
const ARCHIVE_SEARCH_DEPTH: usize = 3;

/// The archive `root` belongs to: the known folder holding it, else the nearest folder at
/// most [`ARCHIVE_SEARCH_DEPTH`] above it with a `newsindex.toml` or a `metadata.tsv` or
/// `metadata.csv`, else `root` itself.
fn archive_root(root: &Path, meta: &IndexMeta) -> PathBuf {
    let text = path_text(root);
    if let Some(known) = meta
        .roots
        .iter()
        .filter(|known| is_under(&text, known))
        .min_by_key(|known| known.len())
    {
        return PathBuf::from(known);
    }
    let folder = if root.is_file() {
        root.parent().unwrap_or(root)
    } else {
        root
    };
    folder
        .ancestors()
        .take(ARCHIVE_SEARCH_DEPTH + 1)
        .find(|folder| {
            [parse::CONFIG_FILE, "metadata.tsv", "metadata.csv"]
                .iter()
                .any(|name| folder.join(name).is_file())
        })
        .map_or_else(|| root.to_path_buf(), Path::to_path_buf)
}

/// Indexed folders that no longer exist.
fn gone_roots(meta: &IndexMeta) -> Vec<String> {
    meta.roots
        .iter()
        .filter(|root| !Path::new(root.as_str()).exists())
        .cloned()
        .collect()
}

/// Pairs each indexed folder that is gone with a folder being indexed for the first time that
/// holds the same files (every file at the same place inside it, with the same size): the
/// archive was moved or renamed. Contents are compared later, by hash, when a file's time
/// changed too.
fn find_moved_roots(
    roots: &[PathBuf],
    meta: &IndexMeta,
    known: &HashMap<String, Known>,
) -> Vec<(String, String)> {
    let mut gone = gone_roots(meta);
    let mut moved = Vec::new();
    for root in roots {
        let now = path_text(root);
        if meta.roots.contains(&now) || !root.is_dir() {
            continue;
        }
        let found = gone.iter().position(|before| {
            let mut files = known
                .iter()
                .filter_map(|(path, entry)| Some((relative_key(path, before)?, entry)))
                .peekable();
            files.peek().is_some()
                && files.all(|(rest, entry)| {
                    let relative = rest.trim_start_matches(std::path::MAIN_SEPARATOR);
                    std::fs::metadata(root.join(relative))
                        .is_ok_and(|m| m.is_file() && m.len() == entry.state.size)
                })
        });
        if let Some(at) = found {
            moved.push((gone.remove(at), now));
        }
    }
    moved
}

/// Re-points the articles of the folder `before` to `now`: each stored article is added again
/// under its new path, unchanged (its id comes from its path inside the archive), and the old
/// documents are deleted; `known` follows. Returns the number of files re-pointed.
fn repoint_root(
    index: &Index,
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    before: &str,
    now: &str,
    known: &mut HashMap<String, Known>,
) -> tantivy::Result<u64> {
    let moved_path = |path: &str| -> Option<String> {
        relative_key(path, before).map(|rest| format!("{now}{rest}"))
    };
    let searcher = index.reader()?.searcher();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let Some(paths) = segment.fast_fields().str(field::PATH)? else {
            continue;
        };
        let names = super::column_terms(&paths)?;
        for doc in segment.doc_ids_alive() {
            let Some(path) = paths
                .term_ords(doc)
                .next()
                .and_then(|ord| usize::try_from(ord).ok())
                .and_then(|ord| names.get(ord))
            else {
                continue;
            };
            let (Some(new_path), Some(entry)) = (moved_path(path), known.get(path)) else {
                continue;
            };
            let address = tantivy::DocAddress::new(ordinal as u32, doc);
            let mut article = fields.to_article(&searcher.doc::<TantivyDocument>(address)?);
            article.path = new_path;
            let stored = copies::stored(&article.body);
            writer.add_document(fields.to_document(&article, &entry.state, &stored))?;
        }
    }
    let old: Vec<String> = known
        .keys()
        .filter(|path| moved_path(path).is_some())
        .cloned()
        .collect();
    for path in &old {
        writer.delete_term(Term::from_field_text(fields.path, path));
        if let (Some(entry), Some(new_path)) = (known.remove(path), moved_path(path)) {
            known.insert(new_path, entry);
        }
    }
    Ok(old.len() as u64)
}

/// Opens the index at `dir`, or creates it (and the folder) when there is none. With
/// `rebuild`, an index of another schema version or a damaged one is replaced by a new one.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, Fields, IndexMeta)> {
    let fields = Fields::new();
    let io_error = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    if dir.join("meta.json").is_file() {
        // Opening a reader opens every segment: a truncated file shows here, not mid-run.
        let opened = open_checked(dir).and_then(|(index, meta)| match index.reader() {
            Ok(_) => Ok((index, meta)),
            Err(source) => Err(damaged(dir, &meta, source)),
        });
        match opened {
            Ok((index, meta)) => {
                schema::register_tokenizers(&index);
                return Ok((index, fields, meta));
            }
            Err(Error::IndexOutdated { .. } | Error::IndexDamaged { .. }) if rebuild => {
                remove_index_files(dir).map_err(io_error)?;
            }
            Err(error) => return Err(error),
        }
    }
    std::fs::create_dir_all(dir).map_err(io_error)?;
    let index = Index::builder()
        .schema(fields.schema.clone())
        .settings(schema::index_settings())
        .create_in_dir(dir)
        .map_err(|source| Error::OpenIndex {
            path: dir.to_path_buf(),
            source,
        })?;
    schema::register_tokenizers(&index);
    Ok((index, fields, IndexMeta::default()))
}

/// Deletes tantivy's files from an index folder (`meta.json`, `.managed.json` and the segment
/// files, named by a 32-digit hex id), leaving anything else there alone.
fn remove_index_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_segment_file = name.len() > 33
            && name.as_bytes()[..32].iter().all(u8::is_ascii_hexdigit)
            && name.as_bytes()[32] == b'.';
        if (name == "meta.json" || name == ".managed.json" || is_segment_file)
            && entry.file_type()?.is_file()
        {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Reads, per path, the file state and article count the index holds.
fn known_files(index: &Index) -> tantivy::Result<HashMap<String, Known>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut known: HashMap<String, Known> = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(field::PATH)? else {
            continue;
        };
        let mtimes = fast.i64(field::FILE_MTIME)?;
        let sizes = fast.u64(field::FILE_SIZE)?;
        let hashes = fast.u64(field::FILE_HASH)?;
        let contexts = fast.u64(field::FILE_CONTEXT)?;
        let names = super::column_terms(&paths)?;
        for doc in segment.doc_ids_alive() {
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            let Some(path) = usize::try_from(ord).ok().and_then(|ord| names.get(ord)) else {
                continue;
            };
            let state = FileState {
                mtime_nanos: mtimes.first(doc).unwrap_or_default(),
                size: sizes.first(doc).unwrap_or_default(),
                hash: hashes.first(doc).unwrap_or_default(),
                context: contexts.first(doc).unwrap_or_default(),
            };
            known
                .entry(path.clone())
                .and_modify(|k| k.articles += 1)
                .or_insert(Known { state, articles: 1 });
        }
    }
    Ok(known)
}

/// The metadata of each file (following symbolic links), fetched on `threads` threads.
fn stat_all(files: Vec<Listed>, threads: usize) -> Vec<(Listed, std::io::Result<Metadata>)> {
    let metadata: Vec<std::io::Result<Metadata>> = {
        let chunk = files.len().div_ceil(threads.max(1)).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(chunk)
                .map(|part| {
                    let worker = scope.spawn(move || {
                        part.iter()
                            .map(|listed| std::fs::metadata(&listed.file))
                            .collect::<Vec<_>>()
                    });
                    (part.len(), worker)
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|(count, worker)| {
                    worker.join().unwrap_or_else(|_| {
                        (0..count)
                            .map(|_| Err(std::io::Error::other("cannot read file metadata")))
                            .collect()
                    })
                })
                .collect()
        })
    };
    files.into_iter().zip(metadata).collect()
}

/// Bytes of files read by the workers and not yet applied by the writer, kept under a limit.
/// A file bigger than the limit is let through alone, so every file is read.
struct ByteBudget {
    /// Bytes in flight, and whether the writer has stopped taking files.
    state: Mutex<(u64, bool)>,
    freed: Condvar,
    limit: u64,
}

impl ByteBudget {
    fn new(limit: u64) -> ByteBudget {
        ByteBudget {
            state: Mutex::new((0, false)),
            freed: Condvar::new(),
            limit,
        }
    }

    /// Waits until `bytes` more fit (or nothing else is in flight, or the writer has
    /// stopped), then takes them.
    fn acquire(&self, bytes: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.1 && state.0 > 0 && state.0.saturating_add(bytes) > self.limit {
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.0 = state.0.saturating_add(bytes);
    }

    /// Gives back what [`ByteBudget::acquire`] took for one file.
    fn release(&self, bytes: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = state.0.saturating_sub(bytes);
        self.freed.notify_all();
    }

    /// The writer takes no more files (it failed): no worker may wait any longer.
    fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.1 = true;
        self.freed.notify_all();
    }
}

/// Closes a [`ByteBudget`] when the writer's loop ends, however it ends.
struct CloseOnDrop<'a>(&'a ByteBudget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A parsed file's outcome, with what each article stores for finding its copies (nothing
/// when detection is off).
fn parsed_outcome(parsed: Parsed, hash: u64, settings: &UpdateOptions) -> Outcome {
    let stored = parsed
        .articles
        .iter()
        .map(|article| {
            if settings.copy_detection {
                copies::stored(&article.body)
            } else {
                copies::Stored::default()
            }
        })
        .collect();
    Outcome::Parsed(parsed, stored, hash)
}

/// Reads and parses one candidate on a worker thread.
fn read_candidate(candidate: &Candidate, settings: &UpdateOptions) -> Outcome {
    let absolute = candidate.file.as_path();
    let max_bytes = settings.max_file_size;
    if candidate.format == parse::Format::Warc {
        return read_web_archive(candidate, settings);
    }
    if candidate.state.size > max_bytes {
        return Outcome::Failed(Error::ParseArticle {
            path: candidate.shown.clone(),
            line: None,
            reason: format!(
                "file is {} bytes, over the limit of {max_bytes} (see --max-file-size)",
                candidate.state.size
            ),
        });
    }
    let bytes = match std::fs::read(absolute) {
        Ok(bytes) => bytes,
        Err(source) => {
            return Outcome::Failed(Error::ReadCorpus {
                path: candidate.shown.clone(),
                source,
            });
        }
    };
    let hash = content_hash(&bytes);
    if is_same(candidate, hash) {
        return Outcome::Same;
    }
    match parse::parse_bytes(absolute, candidate.format, &bytes, candidate.context) {
        Ok(parsed) => parsed_outcome(parsed, hash, settings),
        Err(error) => Outcome::Failed(relocate(error, &candidate.shown)),
    }
}

/// Reads a web archive without holding it: hashed as a stream, then parsed record by record
/// (the size limit applies to each record).
fn read_web_archive(candidate: &Candidate, settings: &UpdateOptions) -> Outcome {
    let absolute = candidate.file.as_path();
    let max_bytes = settings.max_file_size;
    let hashed = std::fs::File::open(absolute).and_then(|file| {
        let mut hasher = blake3::Hasher::new();
        std::io::copy(&mut std::io::BufReader::new(file), &mut hasher)?;
        Ok(hasher.finalize())
    });
    let hash = match hashed {
        Ok(hash) => {
            let mut first = [0u8; 8];
            first.copy_from_slice(&hash.as_bytes()[..8]);
            u64::from_le_bytes(first)
        }
        Err(source) => {
            return Outcome::Failed(Error::ReadCorpus {
                path: candidate.shown.clone(),
                source,
            });
        }
    };
    if is_same(candidate, hash) {
        return Outcome::Same;
    }
    match parse::parse_file(absolute, candidate.format, max_bytes, candidate.context) {
        Ok(parsed) => parsed_outcome(parsed, hash, settings),
        Err(error) => Outcome::Failed(relocate(error, &candidate.shown)),
    }
}

/// Whether a file read again holds what the index has for it: same content, same archive, and
/// no reason to re-index it anyway.
fn is_same(candidate: &Candidate, hash: u64) -> bool {
    !candidate.force
        && candidate
            .known
            .is_some_and(|k| k.state.hash == hash && k.state.context == candidate.state.context)
}

/// Names the path in an error the way the user gave it.
pub(crate) fn relocate(error: Error, shown: &Path) -> Error {
    match error {
        Error::ParseArticle { line, reason, .. } => Error::ParseArticle {
            path: shown.to_path_buf(),
            line,
            reason,
        },
        Error::ReadCorpus { source, .. } => Error::ReadCorpus {
            path: shown.to_path_buf(),
            source,
        },
        other => other,
    }
}

/// The first 8 bytes of the content's BLAKE3 hash.
fn content_hash(bytes: &[u8]) -> u64 {
    let hash = blake3::hash(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// Applies one worker outcome to the writer and the report.
fn apply(
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    candidate: &Candidate,
    outcome: Outcome,
    report: &mut IndexReport,
    report_event: &mut dyn FnMut(IndexEvent),
) -> tantivy::Result<()> {
    match outcome {
        Outcome::Same => report.unchanged_files += 1,
        Outcome::Failed(error) => {
            let diagnostic = Diagnostic::from_error(&error);
            report.count(&diagnostic);
            report_event(IndexEvent::Diagnostic(diagnostic));
        }
        Outcome::Parsed(parsed, stored, hash) => {
            for diagnostic in parsed.placed_diagnostics(&candidate.shown) {
                report.count(&diagnostic);
                report_event(IndexEvent::Diagnostic(diagnostic));
            }
            let state = FileState {
                hash,
                ..candidate.state
            };
            if let Some(known) = candidate.known {
                writer.delete_term(Term::from_field_text(fields.path, &candidate.key));
                report.updated_files += 1;
                report.articles_removed += known.articles;
            } else {
                report.added_files += 1;
            }
            for (article, stored) in parsed.articles.iter().zip(&stored) {
                writer.add_document(fields.to_document(article, &state, stored))?;
                report.articles_added += 1;
                if article.date.is_none() {
                    report.undated += 1;
                }
            }
        }
    }
    Ok(())
}

fn meta_with_roots(meta: &IndexMeta, roots: &[PathBuf]) -> IndexMeta {
    let mut next = meta.clone();
    next.schema_version = SCHEMA_VERSION;
    for root in roots {
        let root = path_text(root);
        // A folder inside a known one is part of it, not another root.
        let inside_known = meta.roots.iter().any(|known| is_under(&root, known));
        if !inside_known && !next.roots.contains(&root) {
            next.roots.push(root);
        }
    }
    // A folder inside another root is part of that archive now.
    let all = next.roots.clone();
    next.roots.retain(|root| {
        !all.iter()
            .any(|other| other != root && is_under(root, other))
    });
    next.archives.retain(|root, _| {
        !all.iter()
            .any(|other| other != root && is_under(root, other))
    });
    next.roots.sort();
    next
}

/// Commits with the metadata as payload, so documents and metadata land together, telling
/// when the segments are written and when the commit is recorded.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    meta: &IndexMeta,
    report_event: &mut dyn FnMut(IndexEvent),
) -> tantivy::Result<()> {
    let payload =
        serde_json::to_string(meta).map_err(|e| TantivyError::InternalError(e.to_string()))?;
    report_event(IndexEvent::Phase(IndexPhase::Writing));
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    report_event(IndexEvent::Phase(IndexPhase::Committing));
    prepared.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;

    #[test]
    fn the_byte_budget_holds_workers_back_and_lets_a_big_file_through_alone() {
        let budget = ByteBudget::new(100);
        budget.acquire(60);
        let waited = AtomicBool::new(true);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                // 60 + 50 is over the limit: this waits for the release below.
                budget.acquire(50);
                assert!(
                    !waited.load(Ordering::SeqCst),
                    "acquired before the release"
                );
                budget.release(50);
            });
            std::thread::sleep(Duration::from_millis(50));
            waited.store(false, Ordering::SeqCst);
            budget.release(60);
        });
        // Nothing in flight: a file over the whole limit still goes through.
        budget.acquire(1_000);
        budget.release(1_000);
        assert_eq!(budget.state.lock().unwrap().0, 0);
    }

    #[test]
    fn closing_the_byte_budget_wakes_a_waiting_worker() {
        let budget = ByteBudget::new(10);
        budget.acquire(10);
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| budget.acquire(10));
            std::thread::sleep(Duration::from_millis(20));
            budget.close();
            waiter.join().unwrap();
        });
    }
}
