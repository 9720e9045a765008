//! Keeping the index in step with folders of articles: [`update`] walks, compares, parses, commits.
//!
//! A file is re-read only when its size or modification time changed and its content hash
//! differs; files gone from the folder lose their articles. Parsing runs on worker threads;
//! this module reports progress and warnings through [`IndexEvent`]s and never prints.

use super::schema::field;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tantivy::indexer::UserOperation;
use tantivy::schema::document::CompactDocValue;
use tantivy::schema::{Document, Field};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use super::copies;
use super::digest;
use super::plan::{Candidate, Found, Keys, Known, KnownFiles, Planner, SyncPlan};
use super::schema::{self, Fields, FileState, SCHEMA_VERSION};
use super::{IndexMeta, damaged, open_checked};
use crate::article::{Article, is_under, path_text, relative_key};
use crate::diagnostic::{Diagnostic, Kind};
use crate::error::{Error, Result};
use crate::parse::{self, Listed, ParseContext, Parsed, Walked};

/// Something that happened while indexing, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexEvent {
    /// Files to look at, so far: while the walk goes on, the files it has found that the index
    /// does not hold (they are read at once); once it has ended, every file, read or left
    /// alone.
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
    /// Walking the folders and comparing their files with the index, until the first files
    /// are handed to the readers.
    Scanning,
    /// Reading and parsing files and handing their articles to the writer (the walk may still
    /// be going on).
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
    /// The file's articles as documents ready for the writer (made on the worker, with what
    /// each stores for finding its copies).
    Read(ReadFile),
    Failed(Error),
}

/// A file read and parsed on a worker, for the writer's thread to add.
struct ReadFile {
    /// One document per article.
    documents: Vec<Pending>,
    /// Of those, how many have no date.
    undated: u64,
    /// Its diagnostics, placed in the file.
    diagnostics: Vec<Diagnostic>,
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
    /// its own. A long body's passage map is stored either way ([`Fields::to_document`] makes
    /// it when detection has not).
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

/// Brings the index at `index_dir` in step with `roots`, creating it if needed: walks the
/// roots while worker threads read the files the index does not hold, their articles added
/// from this thread (`read_and_add`); once the walk has ended, compares the files the index
/// holds with it (`SyncPlan`), deletes the articles of gone files and reads the changed ones;
/// commits every `commit_interval` and at the end.
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
    let in_flight = Arc::new(InFlight::new(in_flight_limit(memory), memory as u64 / 2));
    let mut writer = lock_writer(&index, index_dir, threads, memory)?;
    tracing::debug!(elapsed = ?started.elapsed(), "writer locked");
    let mut report = IndexReport::default();
    let mut known = if settings.rebuild {
        writer.delete_all_documents().map_err(write_error)?;
        meta.roots.clear();
        meta.archives.clear();
        KnownFiles::default()
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
    // The roots that cannot be walked at all end the run before anything is read.
    let mut walks = Vec::with_capacity(roots.len());
    for ((root, absolute), context) in roots.iter().zip(&roots_abs).zip(&contexts) {
        walks.push((parse::walk_files(root, absolute, context)?, context));
    }
    let walked: Vec<String> = roots_abs.iter().map(|root| path_text(root)).collect();
    let compare = Compare {
        known: &known,
        stale: &stale,
        walked: &walked,
        threads,
    };
    let mut run = Run {
        index_dir,
        writer: &mut writer,
        fields: &fields,
        settings,
        report: &mut report,
        report_event: &mut *report_event,
        periodic_meta: meta_with_roots(&meta, &roots_abs),
        last_commit: Instant::now(),
    };
    read_and_add(walks, &compare, &in_flight, &mut run)?;
    tracing::debug!(elapsed = ?started.elapsed(), "files read");
    // What the index held (a path and two numbers per file) is not needed any more: given
    // back before tantivy writes its segments, the run's peak of memory.
    drop(known);

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
    report.total_articles = finish(
        &index,
        index_dir,
        memory,
        in_flight.is_large(),
        writer,
        changed.then_some(&next_meta),
        report_event,
    )
    .map_err(write_error)?;
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

/// What the files the index holds are compared against once the walk has ended.
struct Compare<'k> {
    /// What the index holds, by key.
    known: &'k KnownFiles,
    /// Archives whose config or sidecar tables changed: every file under them is read again.
    stale: &'k [String],
    /// The roots walked (as keys), under which an indexed file not listed is gone.
    walked: &'k [String],
    /// Threads for reading files and their metadata.
    threads: usize,
}

impl Compare<'_> {
    /// Sorts the files the index holds that the walk listed (`held`) into changed and
    /// unchanged ones by their size, time and archive now, and finds the indexed files that
    /// are gone; files whose state cannot be read are reported through `diagnose`.
    fn plan<'c>(
        &self,
        held: Vec<(Listed, &'c ParseContext)>,
        diagnose: &mut dyn FnMut(Diagnostic),
    ) -> SyncPlan<'c> {
        let listed: Keys = held.iter().map(|(file, _)| file.key.clone()).collect();
        let stats = stat_all(&held, self.threads);
        tracing::debug!("stat'ed");
        let mut found = Vec::with_capacity(held.len());
        for ((file, context), stat) in held.into_iter().zip(stats) {
            match stat {
                Ok((mtime_nanos, size)) => found.push(Found {
                    state: FileState {
                        mtime_nanos,
                        size,
                        hash: 0,
                        context: context.file_fingerprint(&file.file),
                    },
                    listed: file,
                    context,
                }),
                Err(error) => {
                    let message = format!("cannot read: {error}");
                    diagnose(Diagnostic::new(Kind::Unreadable, None, message).at(&file.shown));
                }
            }
        }
        SyncPlan::compute(found, self.known, &listed, self.walked, self.stale)
    }
}

/// The state the reading loop of [`update`] shares with the writer: what a batch of files read
/// is added to, what is reported, and when the last commit was.
struct Run<'r> {
    index_dir: &'r Path,
    writer: &'r mut IndexWriter<Pending>,
    fields: &'r Fields,
    settings: &'r UpdateOptions,
    report: &'r mut IndexReport,
    report_event: &'r mut dyn FnMut(IndexEvent),
    /// The metadata a periodic commit records.
    periodic_meta: IndexMeta,
    last_commit: Instant,
}

impl Run<'_> {
    /// Counts and tells one diagnostic.
    fn diagnose(&mut self, diagnostic: Diagnostic) {
        self.report.count(&diagnostic);
        (self.report_event)(IndexEvent::Diagnostic(diagnostic));
    }

    /// Hands a batch of files read to the writer, committing if `commit_interval` has passed.
    fn add(&mut self, batch: Batch) -> Result<()> {
        let operations = apply(self.fields, batch, self.report, self.report_event);
        if !operations.is_empty() {
            self.writer
                .run(operations)
                .map_err(|e| self.write_error(e))?;
        }
        if self.last_commit.elapsed() >= self.settings.commit_interval {
            commit(self.writer, &self.periodic_meta, self.report_event)
                .map_err(|e| self.write_error(e))?;
            (self.report_event)(IndexEvent::Phase(IndexPhase::Parsing));
            self.last_commit = Instant::now();
        }
        Ok(())
    }

    /// Deletes the articles of an indexed file that is gone.
    fn remove(&mut self, key: &str, known: Known) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.path, key));
        self.report.removed_files += 1;
        self.report.articles_removed += known.articles;
    }

    fn write_error(&self, source: TantivyError) -> Error {
        Error::WriteIndex {
            path: self.index_dir.to_path_buf(),
            source,
        }
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
) -> Result<IndexWriter<Pending>> {
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
/// last commit as it is (and its files untouched); then writes the copy digest of the
/// segments if the one there does not cover them. Returns the articles in the index.
fn finish(
    index: &Index,
    dir: &Path,
    memory: usize,
    large: bool,
    mut writer: IndexWriter<Pending>,
    meta: Option<&IndexMeta>,
    report_event: &mut dyn FnMut(IndexEvent),
) -> tantivy::Result<u64> {
    match meta {
        Some(meta) => {
            // The last commit writes the segments, which is when a run's memory peaks: what
            // the walk, the plan and the readers freed is given back first (8 MB of the 67 MB
            // peak of a Reuters-21578 build, BENCHMARKS.md).
            super::memory::release_freed();
            commit(&mut writer, meta, report_event)?;
            report_event(IndexEvent::Phase(IndexPhase::Merging));
            writer.wait_merging_threads()?;
        }
        None => {
            writer.rollback()?;
            drop(writer);
        }
    }
    if large {
        super::memory::release_freed();
    }
    let searcher = index.reader()?.searcher();
    // The copy digest of the segments as merged (written only if the one there does not
    // cover them), within the writer's memory budget. It only speeds searches up, so failing
    // to write it is said, not fatal.
    if let Err(error) = digest::write(dir, &searcher, memory) {
        tracing::warn!(%error, path = %dir.join(digest::FILE).display(), "could not write the copy digest");
    }
    Ok(searcher.num_docs())
}

/// Follows archives that moved (their stored articles re-pointed, not read again) and, with
/// `prune`, deletes the articles of indexed folders that are gone; `meta`, `known` and the
/// report follow.
#[allow(clippy::too_many_arguments)] // the writer's state, passed apart so each borrow is short
fn relocate_roots(
    index: &Index,
    writer: &IndexWriter<Pending>,
    fields: &Fields,
    roots: &[PathBuf],
    prune: bool,
    meta: &mut IndexMeta,
    known: &mut KnownFiles,
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

/// Walks the roots and reads their files on `compare.threads` worker threads while the walk goes
/// on, handing what they read to `run` on this thread. A file the index does not hold is
/// read as soon as the walk lists it; the files it holds are compared with it once the walk
/// has ended (`compare`), and the changed ones read after the new ones. Gone files' articles
/// are deleted then.
///
/// Each worker hands over what it read in batches (`BATCH_FILES` files or `BATCH_BYTES` of
/// documents), so the channel and the writer's queue take one lock (and one wake-up of this
/// thread and of an indexing thread) per batch rather than per file and per document; on
/// Reuters-21578's 21,578 small files that took a build from about 30,000 voluntary context
/// switches to 2,500. The files read and the documents not yet indexed are held to
/// `in_flight`'s limit. Stops early when `settings.stop` is set or adding fails; a walk
/// stopped early compares nothing with the index (only a whole walk tells which indexed
/// files are gone).
fn read_and_add<'c>(
    walks: Vec<(impl Iterator<Item = Walked>, &'c ParseContext)>,
    compare: &Compare,
    in_flight: &Arc<InFlight>,
    run: &mut Run,
) -> Result<()> {
    let settings = run.settings;
    let fields = run.fields;
    let stop = &settings.stop;
    let feed = Feed::default();
    let feed = &feed;
    std::thread::scope(|scope| -> Result<()> {
        let (sender, receiver) = mpsc::sync_channel::<Batch<'c>>(compare.threads);
        for _ in 0..compare.threads {
            let sender = sender.clone();
            scope.spawn(move || read_files(feed, &sender, settings, fields, in_flight));
        }
        drop(sender);
        let _close = CloseOnDrop(in_flight, feed);
        let mut planner = Planner::new(compare.known, walks.len());
        let mut fresh = Vec::with_capacity(FEED_FILES);
        let mut to_read = 0;
        let mut seen = 0usize;
        let mut parsing = false;
        let mut stopped = false;
        'walk: for (walk, context) in walks {
            for found in walk {
                let file = match found {
                    Walked::Note(diagnostic) => {
                        run.diagnose(diagnostic);
                        continue;
                    }
                    Walked::File(file) => file,
                };
                seen += 1;
                if let Some(candidate) = planner.take(file, context) {
                    fresh.push(Arc::new(candidate));
                }
                if fresh.len() >= FEED_FILES {
                    to_read += fresh.len();
                    feed.push(std::mem::take(&mut fresh));
                    if !parsing {
                        (run.report_event)(IndexEvent::Phase(IndexPhase::Parsing));
                        parsing = true;
                    }
                    (run.report_event)(IndexEvent::Walked { files: to_read });
                    while let Ok(batch) = receiver.try_recv() {
                        run.add(batch)?;
                    }
                }
                if seen.is_multiple_of(FEED_FILES) && stop.load(Ordering::Relaxed) {
                    stopped = true;
                    break 'walk;
                }
            }
        }
        to_read += fresh.len();
        feed.push(fresh);
        tracing::debug!("walk ended");
        // Only a whole walk tells which indexed files are gone: a walk stopped early compares
        // nothing with the index and deletes nothing; what was read is committed.
        let mut unchanged = 0;
        if !stopped {
            let plan = compare.plan(planner.into_held(), &mut |d| run.diagnose(d));
            unchanged = plan.unchanged;
            for (key, entry) in &plan.removed {
                run.remove(key, *entry);
            }
            run.report.unchanged_files += unchanged;
            let later: Vec<_> = plan.into_read().map(Arc::new).collect();
            tracing::debug!(new = to_read, changed = later.len(), "walked");
            to_read += later.len();
            feed.push(later);
        }
        feed.close();
        if !parsing {
            (run.report_event)(IndexEvent::Phase(IndexPhase::Parsing));
        }
        (run.report_event)(IndexEvent::Walked {
            files: to_read + unchanged as usize,
        });
        for _ in 0..unchanged {
            (run.report_event)(IndexEvent::FileDone);
        }
        for batch in receiver {
            run.add(batch)?;
        }
        Ok(())
    })
}

/// Files the walk hands to the workers at once, and how often it looks at the stop flag, in
/// files listed (see [`read_and_add`]).
const FEED_FILES: usize = 64;

/// One worker of [`read_and_add`]: takes files from `feed` until it is closed and empty,
/// reads and parses each, and sends what it made of them in batches.
fn read_files<'c>(
    feed: &Feed<'c>,
    sender: &mpsc::SyncSender<Batch<'c>>,
    settings: &UpdateOptions,
    fields: &Fields,
    in_flight: &Arc<InFlight>,
) {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    while !settings.stop.load(Ordering::Relaxed) {
        let Some(candidate) = feed.next() else {
            break;
        };
        let opened = open_candidate(&candidate);
        let size = opened.as_ref().map_or(0, |(_, state)| state.size);
        if !in_flight.try_acquire(size) {
            // What this worker holds must reach the writer before it waits, or the bytes it
            // holds could be the ones it waits for.
            let full = std::mem::take(&mut batch);
            batch_bytes = 0;
            if !full.is_empty() && sender.send(full).is_err() {
                return;
            }
            in_flight.acquire(size);
        }
        if size > in_flight.limit && in_flight.is_large() {
            // A file over the limit is read alone, once everything before it is indexed
            // (whether this worker waited for that or found it so): what that freed goes back
            // to the system first, rather than staying with the thread that held it while
            // this file is read on another's heap.
            let trimming = Instant::now();
            super::memory::release_freed();
            tracing::debug!(elapsed = ?trimming.elapsed(), size, "freed memory given back");
        }
        let outcome =
            opened.and_then(|(file, state)| read_candidate(&candidate, file, state, settings));
        let (outcome, bytes) = prepare(outcome, &candidate, settings, fields, in_flight);
        in_flight.release(size);
        batch.push((candidate, outcome));
        batch_bytes += bytes;
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
            batch_bytes = 0;
            if sender.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
}

/// The files to read, handed from the walk to the workers in walk order.
#[derive(Default)]
struct Feed<'c> {
    state: Mutex<FeedState<'c>>,
    ready: Condvar,
}

/// What a [`Feed`] guards.
#[derive(Default)]
struct FeedState<'c> {
    files: std::collections::VecDeque<Arc<Candidate<'c>>>,
    /// No more files will come.
    closed: bool,
}

impl<'c> Feed<'c> {
    fn lock(&self) -> std::sync::MutexGuard<'_, FeedState<'c>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds files, waking the workers waiting for one.
    fn push(&self, files: Vec<Arc<Candidate<'c>>>) {
        if files.is_empty() {
            return;
        }
        self.lock().files.extend(files);
        self.ready.notify_all();
    }

    /// No more files will come: the workers finish what is there and stop.
    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    /// No more files will come and those not taken yet are dropped: the writer has stopped.
    fn abandon(&self) {
        let mut state = self.lock();
        state.files.clear();
        state.closed = true;
        drop(state);
        self.ready.notify_all();
    }

    /// The next file to read, waiting for one; `None` once the feed is closed and empty.
    fn next(&self) -> Option<Arc<Candidate<'c>>> {
        let mut state = self.lock();
        loop {
            if let Some(file) = state.files.pop_front() {
                return Some(file);
            }
            if state.closed {
                return None;
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Files read by a worker, each with what it made of it, handed over together.
type Batch<'c> = Vec<(Arc<Candidate<'c>>, Outcome)>;

/// Files a worker hands over at once at most (see [`read_and_add`]).
const BATCH_FILES: usize = 64;

/// Bytes of documents a worker hands over at once at most (see [`read_and_add`]).
const BATCH_BYTES: u64 = 128 * 1024;

/// The bytes of files read and documents not yet indexed, for a writer budget of `memory`
/// bytes: a 128th of it (2 MiB of the default 256 MiB), about a tenth of a second of work for
/// two indexing threads. More only queues documents in memory: on Reuters-21578 each MiB
/// more in flight raised the peak by about 1.5 MB.
fn in_flight_limit(memory: usize) -> u64 {
    (memory / 128) as u64
}

/// The archives whose `newsindex.toml` or sidecar tables changed since they were indexed and
/// that hold indexed files (every file under them is read again), and the fingerprints to
/// record once the run commits.
fn changed_archives(
    roots: &[PathBuf],
    contexts: &[ParseContext],
    meta: &IndexMeta,
    known: &KnownFiles,
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
    known: &KnownFiles,
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
/// under its new path, unchanged (its id comes from its path inside the archive; it has copy
/// signatures again exactly when it had them), and the old
/// documents are deleted; `known` follows. Returns the number of files re-pointed.
fn repoint_root(
    index: &Index,
    writer: &IndexWriter<Pending>,
    fields: &Fields,
    before: &str,
    now: &str,
    known: &mut KnownFiles,
) -> tantivy::Result<u64> {
    let moved_path = |path: &str| -> Option<String> {
        relative_key(path, before).map(|rest| format!("{now}{rest}"))
    };
    let searcher = index.reader()?.searcher();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let Some(paths) = segment.fast_fields().str(field::PATH)? else {
            continue;
        };
        // An article stored without copy signatures (indexed with detection off) is added
        // again without them.
        let signed = segment.fast_fields().u64(schema::COPY_ARTICLE)?;
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
            let stored = match signed.values_for_doc(doc).next() {
                Some(_) => copies::stored(&article.body),
                None => copies::Stored::default(),
            };
            let document = fields.to_document(&article, &entry.state, &stored);
            writer.add_document(Pending::untracked(document))?;
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
fn known_files(index: &Index) -> tantivy::Result<KnownFiles> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut known = KnownFiles::default();
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

/// The modification time (nanoseconds) and size of each file (following symbolic links),
/// fetched on `threads` threads; only those two are kept, not each file's whole `Metadata`.
fn stat_all(files: &[(Listed, &ParseContext)], threads: usize) -> Vec<std::io::Result<(i64, u64)>> {
    let chunk = files.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let worker = scope.spawn(move || {
                    part.iter()
                        .map(|(listed, _)| {
                            std::fs::metadata(&listed.file)
                                .map(|metadata| (mtime_nanos(&metadata), metadata.len()))
                        })
                        .collect::<Vec<_>>()
                });
                (part.len(), worker)
            })
            .collect();
        let mut stats = Vec::with_capacity(files.len());
        for (count, worker) in workers {
            match worker.join() {
                Ok(part) => stats.extend(part),
                Err(_) => stats.extend(
                    (0..count).map(|_| Err(std::io::Error::other("cannot read file metadata"))),
                ),
            }
        }
        stats
    })
}

/// Bytes of files read by the workers and of documents tantivy has not indexed yet, kept under
/// a limit. A file bigger than the limit is let through alone, so every file is read.
///
/// tantivy's writer queues up to 10,000 documents for its indexing threads, which on long OCR
/// pages is the whole of a month's pages held in memory at once when parsing runs ahead of
/// indexing; counting a document until tantivy drops it ([`Pending`]) keeps parsing at the
/// indexing threads' pace instead.
struct InFlight {
    state: Mutex<InFlightState>,
    freed: Condvar,
    limit: u64,
    /// Bytes of documents after which the run is a large one (half the writer's budget):
    /// tantivy writes segments before the end, and [`memory`](super::memory) keeps what they
    /// free from staying with the process.
    large_from: u64,
    /// The run has handed over `large_from` bytes of documents.
    large: AtomicBool,
}

/// What [`InFlight`] guards.
#[derive(Debug, Default)]
struct InFlightState {
    /// Bytes in flight.
    bytes: u64,
    /// Workers waiting for bytes to be given back.
    waiting: usize,
    /// The writer has stopped taking files.
    closed: bool,
    /// Bytes of documents taken since the run began.
    documents: u64,
}

impl InFlightState {
    /// Whether `bytes` more may be taken now.
    fn fits(&self, bytes: u64, limit: u64) -> bool {
        self.closed || self.bytes == 0 || self.bytes.saturating_add(bytes) <= limit
    }
}

impl InFlight {
    fn new(limit: u64, large_from: u64) -> InFlight {
        InFlight {
            state: Mutex::new(InFlightState::default()),
            freed: Condvar::new(),
            limit,
            large_from,
            large: AtomicBool::new(false),
        }
    }

    /// Whether the run has handed over more than half the writer's budget of documents.
    fn is_large(&self) -> bool {
        self.large.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, InFlightState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `bytes` more fit (or nothing else is in flight, or the writer has
    /// stopped), then takes them.
    fn acquire(&self, bytes: u64) {
        let mut state = self.lock();
        while !state.fits(bytes, self.limit) {
            state.waiting += 1;
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiting -= 1;
        }
        state.bytes = state.bytes.saturating_add(bytes);
    }

    /// Takes `bytes` if they fit now (as [`InFlight::acquire`] would without waiting).
    fn try_acquire(&self, bytes: u64) -> bool {
        let mut state = self.lock();
        let fits = state.fits(bytes, self.limit);
        if fits {
            state.bytes = state.bytes.saturating_add(bytes);
        }
        fits
    }

    /// Takes `bytes` of documents without waiting: what a file read turned out to hold.
    /// The first document past `large_from` makes the run a large one: from then on blocks of
    /// 1 MiB or more, tantivy's arena pages, are mapped on their own
    /// ([`memory::map_large_blocks`](super::memory::map_large_blocks)). A smaller run writes
    /// its segments only at the end, and mapping them would cost it page faults for nothing
    /// (6% of a Reuters-21578 build).
    fn take(&self, bytes: u64) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_add(bytes);
        state.documents = state.documents.saturating_add(bytes);
        if state.documents >= self.large_from && !self.large.swap(true, Ordering::Relaxed) {
            super::memory::map_large_blocks();
        }
    }

    /// Gives back `bytes` taken by [`InFlight::acquire`], [`InFlight::try_acquire`] or
    /// [`InFlight::take`]. Waiting workers are woken once half the limit is free, not at each
    /// document indexed: they then read files while the indexing threads work through the
    /// other half, rather than waking (and sleeping again) once per document.
    fn release(&self, bytes: u64) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_sub(bytes);
        if state.waiting > 0 && state.bytes <= self.limit / 2 {
            self.freed.notify_all();
        }
    }

    /// The writer takes no more files (it failed): no worker may wait any longer.
    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        self.freed.notify_all();
    }

    /// Bytes in flight now.
    #[cfg(test)]
    fn bytes(&self) -> u64 {
        self.lock().bytes
    }
}

/// Closes an [`InFlight`] and abandons a [`Feed`] when the writer's loop ends, however it
/// ends, so no worker waits for bytes or files that will not come, nor reads files that
/// will not be added.
struct CloseOnDrop<'a, 'c>(&'a InFlight, &'a Feed<'c>);

impl Drop for CloseOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.close();
        self.1.abandon();
    }
}

/// A document on its way to the index: tantivy's writer takes it by value and drops it once
/// it is indexed, which gives its bytes back to the [`InFlight`] it was counted in.
///
/// Boxed, so that each of the 10,000 slots of tantivy's queue, allocated whole when the
/// writer starts and again at each commit, holds a pointer rather than a document (its four
/// inline operations would otherwise take 3 MB per queue).
struct Pending(Box<Held>);

/// What a [`Pending`] holds.
struct Held {
    document: TantivyDocument,
    /// The count it holds a share of, and its share in bytes.
    share: Option<(Arc<InFlight>, u64)>,
}

impl Pending {
    /// A document counted in `in_flight` for `bytes`, taken now without waiting.
    fn tracked(document: TantivyDocument, in_flight: &Arc<InFlight>, bytes: u64) -> Pending {
        in_flight.take(bytes);
        Pending(Box::new(Held {
            document,
            share: Some((Arc::clone(in_flight), bytes)),
        }))
    }

    /// A document counted nowhere (articles re-pointed from the index itself).
    fn untracked(document: TantivyDocument) -> Pending {
        Pending(Box::new(Held {
            document,
            share: None,
        }))
    }

    /// About what the document of `article` holds in memory until it is indexed: its text
    /// once, its other values, and the bookkeeping of a document with about twenty values.
    fn estimate(article: &Article, stored: &copies::Stored) -> u64 {
        let text = article.title.len()
            + article.body.len()
            + article.path.len()
            + article.id.len()
            + article.byline.as_ref().map_or(0, String::len)
            + article.url.as_ref().map_or(0, String::len)
            + 2 * article.source.as_ref().map_or(0, String::len);
        let values = 8 * (stored.article.len() + stored.passages.len());
        (text + values + 512) as u64
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some((in_flight, bytes)) = &self.share {
            in_flight.release(*bytes);
        }
    }
}

impl Document for Pending {
    type Value<'a> = CompactDocValue<'a>;
    type FieldsValuesIter<'a> = Box<dyn Iterator<Item = (Field, CompactDocValue<'a>)> + 'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        Box::new(self.0.document.iter_fields_and_values())
    }
}

/// Makes the documents of a file read on a worker (with what each article stores for finding
/// its copies, nothing when detection is off), each holding its share of the bytes in flight,
/// taken from `in_flight` without waiting (the file's own bytes, taken before it was read, are
/// given back by the caller). Returns the outcome and the bytes its documents hold.
fn prepare(
    reading: Result<Option<(Parsed, FileState)>>,
    candidate: &Candidate,
    settings: &UpdateOptions,
    fields: &Fields,
    in_flight: &Arc<InFlight>,
) -> (Outcome, u64) {
    let (parsed, state) = match reading {
        Ok(Some(read)) => read,
        Ok(None) => return (Outcome::Same, 0),
        Err(error) => return (Outcome::Failed(error), 0),
    };
    let diagnostics = parsed.placed_diagnostics(&candidate.shown).collect();
    let mut undated = 0;
    let mut total = 0;
    let documents = parsed
        .articles
        .iter()
        .map(|article| {
            let stored = if settings.copy_detection {
                copies::stored(&article.body)
            } else {
                copies::Stored::default()
            };
            undated += u64::from(article.date.is_none());
            let bytes = Pending::estimate(article, &stored);
            total += bytes;
            let document = fields.to_document(article, &state, &stored);
            Pending::tracked(document, in_flight, bytes)
        })
        .collect();
    let read = ReadFile {
        documents,
        undated,
        diagnostics,
    };
    (Outcome::Read(read), total)
}

/// Opens a file to read and takes its state from the open file: its modification time and
/// size (what is read is what is recorded), its archive's fingerprint, the hash still 0.
fn open_candidate(candidate: &Candidate) -> Result<(std::fs::File, FileState)> {
    let cannot_read = |source| Error::ReadCorpus {
        path: candidate.shown.clone(),
        source,
    };
    let file = std::fs::File::open(candidate.file.as_path()).map_err(cannot_read)?;
    let metadata = file.metadata().map_err(cannot_read)?;
    let state = FileState {
        mtime_nanos: mtime_nanos(&metadata),
        size: metadata.len(),
        hash: 0,
        context: candidate.fingerprint,
    };
    Ok((file, state))
}

/// Reads and parses one candidate, opened with its `state`, on a worker thread: its articles
/// and its state with the content hash, or `None` when its content is what the index holds.
fn read_candidate(
    candidate: &Candidate,
    file: std::fs::File,
    state: FileState,
    settings: &UpdateOptions,
) -> Result<Option<(Parsed, FileState)>> {
    let absolute = candidate.file.as_path();
    let max_bytes = settings.max_file_size;
    if candidate.format == parse::Format::Warc {
        return read_web_archive(candidate, file, state, settings);
    }
    if state.size > max_bytes {
        let size = state.size;
        return Err(over_limit(
            candidate,
            format!("file is {size} bytes, over"),
            max_bytes,
        ));
    }
    let bytes = read_sized(candidate, file, state.size, max_bytes)?;
    let hash = content_hash(&bytes);
    if is_same(candidate, hash) {
        return Ok(None);
    }
    match parse::parse_bytes(absolute, candidate.format, &bytes, candidate.context) {
        Ok(parsed) => Ok(Some((parsed, FileState { hash, ..state }))),
        Err(error) => Err(relocate(error, &candidate.shown)),
    }
}

/// Reads an open file of the `expected` size: `std::fs::read` asks the file system for the
/// size again. The buffer holds the expected size and one byte, so the read that finds the
/// end needs no new room; it is reserved as `std::fs::read` reserves it, failing as an I/O
/// error rather than aborting. A file that grew past `limit` since it was opened is read up
/// to a byte past the limit and refused as a file over it is.
fn read_sized(
    candidate: &Candidate,
    file: std::fs::File,
    expected: u64,
    limit: u64,
) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot_read = |source| Error::ReadCorpus {
        path: candidate.shown.clone(),
        source,
    };
    let room = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(room)
        .map_err(|error| cannot_read(error.into()))?;
    // `Take` reads by the generic loop, which does not ask for the size as `File` does.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        let what = "file grew, since it was opened, over".to_string();
        return Err(over_limit(candidate, what, limit));
    }
    Ok(bytes)
}

/// The error for a file over `--max-file-size`: `what` is said of it ("file is N bytes, over"),
/// then the limit.
fn over_limit(candidate: &Candidate, what: String, limit: u64) -> Error {
    Error::ParseArticle {
        path: candidate.shown.clone(),
        line: None,
        reason: format!("{what} the limit of {limit} (see --max-file-size)"),
    }
}

/// Reads a web archive without holding it: hashed as a stream, then parsed record by record
/// (the size limit applies to each record).
fn read_web_archive(
    candidate: &Candidate,
    file: std::fs::File,
    state: FileState,
    settings: &UpdateOptions,
) -> Result<Option<(Parsed, FileState)>> {
    let absolute = candidate.file.as_path();
    let max_bytes = settings.max_file_size;
    let mut hasher = blake3::Hasher::new();
    let hashed =
        std::io::copy(&mut std::io::BufReader::new(file), &mut hasher).map(|_| hasher.finalize());
    let hash = match hashed {
        Ok(hash) => {
            let mut first = [0u8; 8];
            first.copy_from_slice(&hash.as_bytes()[..8]);
            u64::from_le_bytes(first)
        }
        Err(source) => {
            return Err(Error::ReadCorpus {
                path: candidate.shown.clone(),
                source,
            });
        }
    };
    if is_same(candidate, hash) {
        return Ok(None);
    }
    match parse::parse_file(absolute, candidate.format, max_bytes, candidate.context) {
        Ok(parsed) => Ok(Some((parsed, FileState { hash, ..state }))),
        Err(error) => Err(relocate(error, &candidate.shown)),
    }
}

/// Whether a file read again holds what the index has for it: same content, same archive, and
/// no reason to re-index it anyway.
fn is_same(candidate: &Candidate, hash: u64) -> bool {
    !candidate.force
        && candidate
            .known
            .is_some_and(|k| k.state.hash == hash && k.state.context == candidate.fingerprint)
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

/// Counts a batch of worker outcomes in the report, tells their diagnostics, and returns the
/// writer's operations for them: per file read again, the deletion of what the index held for
/// it, then its documents (one group, so the deletion cannot touch them).
fn apply(
    fields: &Fields,
    batch: Batch,
    report: &mut IndexReport,
    report_event: &mut dyn FnMut(IndexEvent),
) -> Vec<UserOperation<Pending>> {
    let mut operations = Vec::new();
    for (candidate, outcome) in batch {
        match outcome {
            Outcome::Same => report.unchanged_files += 1,
            Outcome::Failed(error) => {
                let diagnostic = Diagnostic::from_error(&error);
                report.count(&diagnostic);
                report_event(IndexEvent::Diagnostic(diagnostic));
            }
            Outcome::Read(read) => {
                for diagnostic in read.diagnostics {
                    report.count(&diagnostic);
                    report_event(IndexEvent::Diagnostic(diagnostic));
                }
                if let Some(known) = candidate.known {
                    let term = Term::from_field_text(fields.path, &candidate.key);
                    operations.push(UserOperation::Delete(term));
                    report.updated_files += 1;
                    report.articles_removed += known.articles;
                } else {
                    report.added_files += 1;
                }
                report.articles_added += read.documents.len() as u64;
                report.undated += read.undated;
                operations.extend(read.documents.into_iter().map(UserOperation::Add));
            }
        }
        report_event(IndexEvent::FileDone);
    }
    operations
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
    writer: &mut IndexWriter<Pending>,
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

    /// Runs [`update`] on `roots`, returning its report and the progress it told: each
    /// `Walked` total with the files done when it came, and the files done in all.
    fn update_with_events(
        index: &Path,
        roots: &[PathBuf],
    ) -> (IndexReport, Vec<(usize, usize)>, usize) {
        let settings = UpdateOptions {
            threads: 2,
            ..UpdateOptions::default()
        };
        let mut totals = Vec::new();
        let mut done = 0;
        let report = update(index, roots, &settings, &mut |event| match event {
            IndexEvent::Walked { files } => totals.push((files, done)),
            IndexEvent::FileDone => done += 1,
            _ => {}
        })
        .unwrap();
        (report, totals, done)
    }

    /// Two folders `a` and `b` in a new temporary corpus, and a new temporary index folder.
    fn two_folders() -> (tempfile::TempDir, tempfile::TempDir, PathBuf, PathBuf) {
        let corpus = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        let (a, b) = (corpus.path().join("a"), corpus.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        (corpus, index, a, b)
    }

    /// Writes story number `n`, a title and one line, at `path`.
    fn write_story(path: &Path, n: usize) {
        let text = format!("Harbour report {n}\n\nShips waited outside {n} days.\n");
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn files_are_read_while_the_walk_goes_on_and_the_progress_total_keeps_ahead_of_them() {
        let (_corpus, index, a, b) = two_folders();
        let write = write_story;
        for n in 0..300 {
            write(&a.join(format!("{n:03}.txt")), n);
        }
        write(&b.join("other.txt"), 1000);
        // `a` given twice: each of its files planned once.
        let roots = [a.clone(), b.clone(), a.clone()];
        let (first, totals, done) = update_with_events(index.path(), &roots);
        assert_eq!((first.added_files, first.total_articles), (301, 301));
        assert!(
            totals.iter().all(|&(total, then)| total >= then),
            "{totals:?}"
        );
        assert_eq!(totals.last().map(|&(total, _)| total), Some(done));
        assert_eq!(done, 301);

        // One file changed, one gone, one new: the indexed ones are compared once the walk
        // ends, the new one read as it is listed.
        write(&a.join("007.txt"), 7_000);
        std::fs::remove_file(a.join("008.txt")).unwrap();
        write(&b.join("new.txt"), 9_000);
        let (second, totals, done) = update_with_events(index.path(), &roots);
        let counts = (
            second.added_files,
            second.updated_files,
            second.removed_files,
        );
        assert_eq!(counts, (1, 1, 1));
        assert_eq!((second.unchanged_files, second.total_articles), (299, 301));
        assert!(
            totals.iter().all(|&(total, then)| total >= then),
            "{totals:?}"
        );
        assert_eq!(totals.last().map(|&(total, _)| total), Some(done));

        // The size and time the readers took from the open files are what the next walk
        // finds: nothing is read again.
        let (third, _, _) = update_with_events(index.path(), &roots);
        assert_eq!((third.added_files, third.updated_files), (0, 0));
        assert_eq!(third.unchanged_files, 301);
    }

    #[test]
    fn a_run_stopped_during_the_walk_deletes_nothing_it_did_not_reach() {
        let (_corpus, index, a, b) = two_folders();
        let write = write_story;
        for n in 0..200 {
            write(&b.join(format!("{n:03}.txt")), n);
        }
        let roots = [a.clone(), b.clone()];
        let (first, _, _) = update_with_events(index.path(), &roots);
        assert_eq!(first.total_articles, 200);

        // New files in `a`, walked first; the run is stopped once the first of them are
        // handed to the readers, before the walk reaches `b`.
        for n in 0..300 {
            write(&a.join(format!("{n:03}.txt")), 1000 + n);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let settings = UpdateOptions {
            threads: 2,
            stop: Arc::clone(&stop),
            ..UpdateOptions::default()
        };
        let report = update(index.path(), &roots, &settings, &mut |event| {
            if matches!(event, IndexEvent::Walked { .. }) {
                stop.store(true, Ordering::Relaxed);
            }
        })
        .unwrap();
        assert!(report.interrupted);
        assert_eq!(report.removed_files, 0, "{report:?}");
        assert!(report.total_articles >= 200, "{report:?}");

        // The next run finishes the work.
        let (last, _, _) = update_with_events(index.path(), &roots);
        assert_eq!((last.removed_files, last.total_articles), (0, 500));
    }

    #[test]
    fn the_in_flight_count_holds_workers_back_and_lets_a_big_file_through_alone() {
        let budget = InFlight::new(100, u64::MAX);
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
        assert_eq!(budget.bytes(), 0);
    }

    #[test]
    fn a_run_is_large_once_its_documents_reach_half_the_budget_and_stays_so() {
        let budget = InFlight::new(100, 150);
        budget.take(100);
        assert!(!budget.is_large());
        budget.release(100);
        budget.take(49);
        assert!(!budget.is_large(), "149 bytes taken in all");
        budget.take(1);
        assert!(
            budget.is_large(),
            "150 bytes taken in all, though 50 are in flight"
        );
        budget.release(50);
        assert!(budget.is_large());
        assert_eq!(budget.bytes(), 0);
    }

    #[test]
    fn a_waiting_worker_is_woken_once_half_the_limit_is_free() {
        let budget = InFlight::new(100, u64::MAX);
        budget.acquire(90);
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| budget.acquire(20));
            // 90 + 20 does not fit; 80 + 20 would, but the waiter sleeps on until half is free.
            for _ in 0..5 {
                std::thread::sleep(Duration::from_millis(10));
                budget.release(10);
            }
            waiter.join().unwrap();
        });
        // 40 left in flight, and the waiter's 20.
        assert_eq!(budget.bytes(), 60);
    }

    #[test]
    fn a_document_holds_its_bytes_until_tantivy_has_indexed_it_and_is_stored_whole() {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        schema::register_tokenizers(&index);
        let mut writer: IndexWriter<Pending> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let article = Article {
            id: "0123456789abcdef".into(),
            path: "/archive/1987/wheat.txt".into(),
            record: Some(3),
            title: "Wheat exports rise".into(),
            date: crate::date::ArticleDate::parse("1987-03-09"),
            date_source: None,
            source: Some("Reuters".into()),
            byline: Some("By A. Reporter".into()),
            url: None,
            body: "Wheat exports rose 12 pct in February, the ministry said.".into(),
            key: String::new(),
        };
        let stored = copies::stored(&article.body);
        let in_flight = Arc::new(InFlight::new(1 << 20, u64::MAX));
        let bytes = Pending::estimate(&article, &stored);
        assert!(bytes > article.body.len() as u64);
        let document = fields.to_document(&article, &FileState::default(), &stored);
        // Held while queued: the file's own bytes are the caller's to give back.
        let pending = Pending::tracked(document, &in_flight, bytes);
        assert_eq!(in_flight.bytes(), bytes);
        writer.add_document(pending).unwrap();
        writer.commit().unwrap();
        assert_eq!(in_flight.bytes(), 0, "indexed, so given back");

        let searcher = index.reader().unwrap().searcher();
        let hits = searcher
            .search(
                &tantivy::query::TermQuery::new(
                    Term::from_field_text(fields.id, &article.id),
                    tantivy::schema::IndexRecordOption::Basic,
                ),
                &tantivy::collector::TopDocs::with_limit(2).order_by_score(),
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
        let back = fields.to_article(&searcher.doc::<TantivyDocument>(hits[0].1).unwrap());
        assert_eq!(back, article);
    }

    #[test]
    fn closing_the_in_flight_count_wakes_a_waiting_worker() {
        let budget = InFlight::new(10, u64::MAX);
        budget.acquire(10);
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| budget.acquire(10));
            std::thread::sleep(Duration::from_millis(20));
            budget.close();
            waiter.join().unwrap();
        });
    }
}
