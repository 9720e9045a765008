//! The copy digest: per segment, the copy band values that more than one article of the index
//! holds, with their documents, written beside the index at the end of each `index` run.
//!
//! Most band values are held by one article alone (its own text's), so the digest is small
//! (a few percent of the band columns), and a one-shot search looks a band up in it by binary
//! search instead of passing over every value of the columns. It only speeds searches up: a
//! search whose segments are not all in the digest (an index written since, or a digest that
//! is missing or cannot be read) passes over the columns as before, with the same answers.
//!
//! A value is listed with every document holding it, deleted ones included (a search skips
//! them); deleting documents therefore leaves the digest true enough (a value may be listed
//! that one live article holds), and adding any makes a new segment, which the digest lacks.
//!
//! A digest that would list more than a quarter of the band values is not written: every
//! one-shot search reads the digest whole, and past that it costs about what the pass over
//! the columns costs. The segments it was declined for are named in [`DECLINED`], so the
//! runs after do not list the values again to decline it again.
//!
//! The file is tantivy's business only in that it sits in the index's folder: it is written
//! to a temporary file of its own (as it is listed, a segment at a time) and renamed, so a
//! reader sees the old digest or the new one, and tantivy neither lists nor deletes it. A digest whose checksum does not match what
//! follows it is not read; a listed document past its segment's end is passed over.
//!
//! Layout, little-endian: [`MAGIC`]; the checksum of the rest (u64, see `checksum`); the
//! number of segments (u32); per segment its id (32 hex characters), its `max_doc`, and the
//! number of listed article and passage values (three u32); then per segment, in that order,
//! the article band values (u64, sorted; each stored value read as its two bands, listed
//! one by one), their documents (u32), the passage values and their documents.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use tantivy::Directory;
use tantivy::directory::OwnedBytes;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher};

use super::copies::{BANDS_PER_VALUE, keys_of_value};
use super::schema::{COPY_ARTICLE, COPY_PASSAGE};

/// The digest's file name in the index folder.
pub const FILE: &str = "newsindex-copies.digest";
/// The file naming the segments (and the budget) whose digest a run declined to write, so
/// that the next run over the same segments does not list their values again to decline it
/// again. Searches do not read it.
pub const DECLINED: &str = "newsindex-copies.declined";
/// The first bytes of a digest (a new layout changes the version).
pub const MAGIC: &[u8] = b"newsindex copy digest 3\n";
/// Bytes of the checksum after [`MAGIC`].
const CHECKSUM: usize = 8;

/// A checksum of `bytes` cheap enough to check on every one-shot search: FxHash over 8-byte
/// words, each step one-to-one in the hash and in the word, so any change to one word (a
/// flipped bit, a torn write of a block) changes it.
fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Checksum::default();
    sum.update(bytes);
    sum.finish()
}

/// [`checksum`] of bytes given a piece at a time.
#[derive(Default)]
struct Checksum {
    hasher: rustc_hash::FxHasher,
    /// The bytes of a word begun and not yet whole.
    word: [u8; 8],
    filled: usize,
    len: usize,
}

impl Checksum {
    fn update(&mut self, mut bytes: &[u8]) {
        use std::hash::Hasher;
        self.len += bytes.len();
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            self.word[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 8 {
                return;
            }
            self.hasher.write_u64(u64::from_le_bytes(self.word));
            self.filled = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.hasher
                .write_u64(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        self.word[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn finish(mut self) -> u64 {
        use std::hash::Hasher;
        self.word[self.filled..].fill(0);
        self.hasher.write_u64(u64::from_le_bytes(self.word));
        self.hasher.write_usize(self.len);
        self.hasher.finish()
    }
}

/// A digest is written only while its lists take at most this share of the band values
/// (1/4): every one-shot search reads it whole, so past that it costs a search about what
/// passing over the columns does. An archive whose articles nearly all share a band (the
/// benchmarks' scale corpus, paragraphs recombined at random) has none: there it would be
/// 344 MB for 1,000,000 articles, and a search read it in 0.3 s against 0.13 s without it.
const MAX_SHARE: usize = 4;

/// Lists this size or smaller are written whatever their share: reading them costs a search
/// a few hundredths of a millisecond.
const ALWAYS_WORTH: usize = 1 << 20;

/// Which column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `copy_article`.
    Article,
    /// `copy_passage`.
    Passage,
}

/// One segment's listed values, as offsets into the digest's bytes.
#[derive(Debug, Clone)]
struct Segment {
    id: SegmentId,
    max_doc: u32,
    /// Per kind: where its values start and how many.
    tables: [(usize, usize); 2],
}

/// A digest read back ([`Digest::open`]).
#[derive(Clone)]
pub struct Digest {
    bytes: OwnedBytes,
    segments: Vec<Segment>,
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest")
            .field("segments", &self.segments.len())
            .finish_non_exhaustive()
    }
}

/// One segment's tables in a digest.
#[derive(Debug, Clone, Copy)]
pub struct SegmentDigest<'a> {
    digest: &'a Digest,
    at: usize,
}

impl Digest {
    /// The digest of the index `searcher` reads, if it lists every segment of it (with the
    /// same number of documents); `None` when there is none, it cannot be read, or the index
    /// has changed since.
    pub fn open(searcher: &Searcher) -> Option<Digest> {
        // Read whole (tantivy's reader maps only files that end with its footer).
        let bytes = searcher
            .index()
            .directory()
            .atomic_read(Path::new(FILE))
            .ok()?;
        let digest = Digest::parse(OwnedBytes::new(bytes))?;
        let covers = searcher.segment_readers().iter().all(|segment| {
            digest
                .segments
                .iter()
                .any(|s| s.id == segment.segment_id() && s.max_doc == segment.max_doc())
        });
        covers.then_some(digest)
    }

    fn parse(bytes: OwnedBytes) -> Option<Digest> {
        let data = bytes.as_slice();
        if data.get(..MAGIC.len())? != MAGIC {
            return None;
        }
        let mut at = MAGIC.len() + CHECKSUM;
        let body = data.get(at..)?;
        if checksum(body).to_le_bytes() != data[MAGIC.len()..at] {
            return None;
        }
        let u32_at = |at: usize| -> Option<u32> {
            Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
        };
        let count = u32_at(at)? as usize;
        at += 4;
        let mut segments = Vec::with_capacity(count.min(4096));
        let mut heads = Vec::with_capacity(count.min(4096));
        for _ in 0..count {
            let id = std::str::from_utf8(data.get(at..at + 32)?).ok()?;
            let id = SegmentId::from_uuid_string(id).ok()?;
            let max_doc = u32_at(at + 32)?;
            let articles = u32_at(at + 36)? as usize;
            let passages = u32_at(at + 40)? as usize;
            at += 44;
            heads.push((id, max_doc, articles, passages));
        }
        // Each segment once: a lookup finds the first listed.
        let mut ids: Vec<&SegmentId> = heads.iter().map(|(id, ..)| id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != heads.len() {
            return None;
        }
        for (id, max_doc, articles, passages) in heads {
            let mut tables = [(0, 0); 2];
            for (table, len) in tables.iter_mut().zip([articles, passages]) {
                *table = (at, len);
                at = at.checked_add(len.checked_mul(12)?)?;
            }
            segments.push(Segment {
                id,
                max_doc,
                tables,
            });
        }
        (at == data.len()).then_some(Digest { bytes, segments })
    }

    /// The tables of the segment `id`, if listed.
    pub fn segment(&self, id: SegmentId) -> Option<SegmentDigest<'_>> {
        let at = self.segments.iter().position(|s| s.id == id)?;
        Some(SegmentDigest { digest: self, at })
    }
}

impl SegmentDigest<'_> {
    fn table(&self, kind: Kind) -> (&[u8], &[u8]) {
        let (start, len) = self.digest.segments[self.at].tables[kind as usize];
        let data = self.digest.bytes.as_slice();
        let values = &data[start..start + len * 8];
        let docs = &data[start + len * 8..start + len * 12];
        (values, docs)
    }

    /// The documents of this segment holding `value` (deleted ones included) when another
    /// document of the index holds it too; none when no other does.
    pub fn holders(&self, kind: Kind, value: u64) -> impl Iterator<Item = DocId> + '_ {
        let max_doc = self.digest.segments[self.at].max_doc;
        let (values, docs) = self.table(kind);
        let value_at =
            |i: usize| u64::from_le_bytes(values[i * 8..i * 8 + 8].try_into().unwrap_or_default());
        let len = values.len() / 8;
        // The first value not below `value`.
        let (mut low, mut high) = (0usize, len);
        while low < high {
            let mid = low + (high - low) / 2;
            if value_at(mid) < value {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        (low..len)
            .take_while(move |&i| value_at(i) == value)
            .map(move |i| u32::from_le_bytes(docs[i * 4..i * 4 + 4].try_into().unwrap_or_default()))
            .filter(move |&doc| doc < max_doc)
    }

    /// Every document of this segment listed for `kind`: those sharing a value with another.
    pub fn listed(&self, kind: Kind) -> impl Iterator<Item = DocId> + '_ {
        let max_doc = self.digest.segments[self.at].max_doc;
        let (_, docs) = self.table(kind);
        docs.chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
            .filter(move |&doc| doc < max_doc)
    }
}

/// Writes the digest of the index `searcher` reads to `out` (empty, at its start): every band
/// value held by more than one document, counted over all segments. Each column is read
/// twice, so that no more than its values (8 bytes each) are held at once: first to find the
/// values held twice, then, a segment at a time, to list their holders, written out as they
/// are listed (a segment's list takes 8 bytes an entry, at most what its values took).
/// Returns `false` when the values of a column would take more than `budget` bytes (nothing
/// written), or the lists more than a [`MAX_SHARE`]th of them and more than [`ALWAYS_WORTH`]
/// (`out` then holds a part).
fn build_into<F: Read + Write + Seek>(
    searcher: &Searcher,
    budget: usize,
    out: &mut F,
) -> std::io::Result<bool> {
    let segments = searcher.segment_readers();
    let mut shared: [Vec<u64>; 2] = [vec![], vec![]];
    let mut columns = Vec::with_capacity(2);
    // The band values of both columns, 8 bytes each: what a search without the digest passes
    // over, and a quarter of which is the most the lists may take.
    let mut values_bytes = 0usize;
    for (kind, name) in [(Kind::Article, COPY_ARTICLE), (Kind::Passage, COPY_PASSAGE)] {
        let kind_columns = segments
            .iter()
            .map(|segment| segment.fast_fields().u64(name))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(std::io::Error::other)?;
        // An article's stored value holds two band values, each listed on its own.
        let bands = kind == Kind::Article;
        let per_value = if bands { BANDS_PER_VALUE } else { 1 };
        let stored: usize = kind_columns
            .iter()
            .map(|c| c.values.num_vals() as usize)
            .sum();
        let count = stored.saturating_mul(per_value);
        if count.saturating_mul(8) > budget || count > u32::MAX as usize {
            return Ok(false);
        }
        values_bytes = values_bytes.saturating_add(count.saturating_mul(8));
        // Read in blocks, so that no more than the band values are held at once.
        let mut all: Vec<u64> = Vec::with_capacity(count);
        let mut block = [0u64; 1024];
        for column in &kind_columns {
            let len = column.values.num_vals() as usize;
            let mut at = 0;
            while at < len {
                let read = block.len().min(len - at);
                column.values.get_range(at as u64, &mut block[..read]);
                for &value in &block[..read] {
                    all.extend(keys_of_value(value, bands));
                }
                at += read;
            }
        }
        all.sort_unstable();
        let table = &mut shared[kind as usize];
        for pair in all.windows(2) {
            if pair[0] == pair[1] && table.last() != Some(&pair[0]) {
                table.push(pair[0]);
            }
        }
        drop(all);
        table.shrink_to_fit();
        columns.push((kind, bands, kind_columns));
    }
    // The head, its counts written once the lists are: the segment count, then per segment
    // its id, its `max_doc` and its two counts.
    let head_len = 4 + segments.len() * 44;
    let mut head = Vec::with_capacity(head_len);
    head.extend_from_slice(&(segments.len() as u32).to_le_bytes());
    for segment in segments {
        head.extend_from_slice(segment.segment_id().uuid_string().as_bytes());
        head.extend_from_slice(&segment.max_doc().to_le_bytes());
        head.extend_from_slice(&[0; 8]);
    }
    out.write_all(MAGIC)?;
    out.write_all(&[0; CHECKSUM])?;
    out.write_all(&head)?;
    let mut writer = std::io::BufWriter::new(&mut *out);
    // One segment's list of one kind: (rank of the value among the shared ones, document),
    // packed in a u64 so that sorting orders it by value, then document.
    let mut listed: Vec<u64> = Vec::new();
    let mut listed_bytes = 0usize;
    for (ordinal, segment) in segments.iter().enumerate() {
        for (kind, bands, kind_columns) in &columns {
            let table = &shared[*kind as usize];
            let column = &kind_columns[ordinal];
            listed.clear();
            for doc in 0..segment.max_doc() {
                for value in column
                    .values_for_doc(doc)
                    .flat_map(|stored| keys_of_value(stored, *bands))
                {
                    if let Ok(rank) = table.binary_search(&value) {
                        listed.push((rank as u64) << 32 | u64::from(doc));
                    }
                }
            }
            listed_bytes = listed_bytes.saturating_add(listed.len() * 12);
            if listed_bytes > (values_bytes / MAX_SHARE).max(ALWAYS_WORTH) {
                return Ok(false);
            }
            listed.sort_unstable();
            for &entry in &listed {
                writer.write_all(&table[(entry >> 32) as usize].to_le_bytes())?;
            }
            for &entry in &listed {
                writer.write_all(&(entry as u32).to_le_bytes())?;
            }
            let at = 4 + ordinal * 44 + 36 + 4 * (*kind as usize);
            head[at..at + 4].copy_from_slice(&(listed.len() as u32).to_le_bytes());
        }
    }
    writer.flush()?;
    drop(writer);
    drop(listed);
    // The counts, then the checksum of all after it, read back from what was written.
    let body_at = (MAGIC.len() + CHECKSUM) as u64;
    out.seek(SeekFrom::Start(body_at))?;
    out.write_all(&head)?;
    out.seek(SeekFrom::Start(body_at))?;
    let mut sum = Checksum::default();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = out.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        sum.update(&buffer[..read]);
    }
    out.seek(SeekFrom::Start(MAGIC.len() as u64))?;
    out.write_all(&sum.finish().to_le_bytes())?;
    out.flush()?;
    Ok(true)
}

/// Writes the digest of what `searcher` reads into the index folder `dir` (a temporary file of
/// this process renamed over the old one), unless the digest there covers it already, the
/// index has moved on since `searcher` (another run committed: its digest is left alone), or
/// the digest is declined: a column's values would take more than `budget` bytes to sort, or
/// its lists more than a quarter of them and more than 1 MiB. A declined
/// digest is not written, an old one (which no longer covers the index) is removed, since
/// searches would read it for nothing, and the segments and the budget are written to
/// [`DECLINED`]: a run with the same ones lists nothing. Returns whether it wrote one.
///
/// # Errors
/// The I/O error of writing or renaming; the index itself is untouched either way.
pub fn write(dir: &Path, searcher: &Searcher, budget: usize) -> std::io::Result<bool> {
    let segments = searcher.segment_readers();
    if Digest::open(searcher).is_some_and(|digest| digest.segments.len() == segments.len()) {
        return Ok(false);
    }
    let mut declined = format!("{MAGIC_DECLINED}budget {budget}\n");
    let mut ids: Vec<String> = segments
        .iter()
        .map(|s| format!("{} {}\n", s.segment_id().uuid_string(), s.max_doc()))
        .collect();
    ids.sort();
    declined.extend(ids);
    if std::fs::read_to_string(dir.join(DECLINED)).is_ok_and(|text| text == declined) {
        return Ok(false);
    }
    let temporary = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    let built = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .and_then(|mut file| build_into(searcher, budget, &mut file));
    if !matches!(built, Ok(true)) {
        let _ = std::fs::remove_file(&temporary);
        if matches!(built, Ok(false)) {
            match std::fs::remove_file(dir.join(FILE)) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
            std::fs::write(dir.join(DECLINED), declined)?;
        }
        return built;
    }
    let mut now = searcher
        .index()
        .searchable_segment_ids()
        .map_err(std::io::Error::other)?;
    let mut read: Vec<SegmentId> = segments.iter().map(|s| s.segment_id()).collect();
    now.sort();
    read.sort();
    if now != read {
        std::fs::remove_file(&temporary)?;
        return Ok(false);
    }
    std::fs::rename(&temporary, dir.join(FILE))?;
    match std::fs::remove_file(dir.join(DECLINED)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(true),
    }
}

/// The first line of a [`DECLINED`] file.
const MAGIC_DECLINED: &str = "newsindex copy digest declined 1\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::copies::bands_of_value;

    use tantivy::schema::{Field, NumericOptions, Schema};
    use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument};

    fn add(writer: &IndexWriter, fields: (Field, Field), articles: &[u64], passages: &[u64]) {
        let mut doc = TantivyDocument::new();
        for &value in articles {
            doc.add_u64(fields.0, value);
        }
        for &value in passages {
            doc.add_u64(fields.1, value);
        }
        writer.add_document(doc).unwrap();
    }

    /// An index of the two band columns alone, in a folder of its own, and a writer of one
    /// thread.
    fn band_index() -> (tempfile::TempDir, Index, (Field, Field), IndexWriter) {
        let dir = tempfile::tempdir().unwrap();
        let mut builder = Schema::builder();
        let fast = NumericOptions::default().set_fast();
        let fields = (
            builder.add_u64_field(COPY_ARTICLE, fast.clone()),
            builder.add_u64_field(COPY_PASSAGE, fast),
        );
        let index = Index::create_in_dir(dir.path(), builder.build()).unwrap();
        let writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        (dir, index, fields, writer)
    }

    #[test]
    fn a_digest_nearly_as_large_as_the_columns_is_not_written() {
        let (dir, index, fields, mut writer) = band_index();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .unwrap();
        // 60,000 articles of their own and two copies: a digest of the two (each of their two
        // bands) is written.
        let article = |x: u64| (x << 28) | x;
        for doc in 1..=60_000u64 {
            add(&writer, fields, &[article(doc)], &[doc]);
        }
        add(&writer, fields, &[article(1 << 20)], &[]);
        add(&writer, fields, &[article(1 << 20)], &[]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        std::fs::write(dir.path().join(DECLINED), "an older run's").unwrap();
        assert!(write(dir.path(), &reader.searcher(), 1 << 30).unwrap());
        assert!(!dir.path().join(DECLINED).exists());
        let digest = Digest::open(&reader.searcher()).unwrap();
        let listed: usize = (reader.searcher().segment_readers().iter())
            .map(|s| {
                digest
                    .segment(s.segment_id())
                    .unwrap()
                    .listed(Kind::Article)
                    .count()
            })
            .sum();
        assert_eq!(listed, 4);
        // 120,000 more, every one holding the same passage: 1.4 MB of lists against 2.4 MB of
        // values, so no digest, and the old one removed.
        for _ in 0..120_000 {
            add(&writer, fields, &[], &[5]);
        }
        writer.commit().unwrap();
        reader.reload().unwrap();
        assert!(!write(dir.path(), &reader.searcher(), 1 << 30).unwrap());
        assert!(!dir.path().join(FILE).exists());
        assert!(Digest::open(&reader.searcher()).is_none());
        // Declined, it is not listed again for the same segments and budget.
        let declined = std::fs::read_to_string(dir.path().join(DECLINED)).unwrap();
        assert!(declined.starts_with(MAGIC_DECLINED));
        assert!(declined.contains("budget 1073741824\n"));
        for segment in reader.searcher().segment_readers() {
            let line = format!(
                "{} {}\n",
                segment.segment_id().uuid_string(),
                segment.max_doc()
            );
            assert!(declined.contains(&line), "{declined}");
        }
        assert!(!write(dir.path(), &reader.searcher(), 1 << 30).unwrap());
        // A budget too small for the values: declined too, and said so.
        assert!(!write(dir.path(), &reader.searcher(), 8).unwrap());
        let small = std::fs::read_to_string(dir.path().join(DECLINED)).unwrap();
        assert!(small.contains("budget 8\n"));
    }

    #[test]
    fn lists_values_held_twice_with_their_documents_for_the_segments_it_read() {
        let (dir, index, fields, mut writer) = band_index();
        // A stored article value holding band value `x` (band 0) and `1 << 60 | x` (band 1).
        let article = |x: u64| (x << 28) | x;
        assert_eq!(bands_of_value(article(2)), [2, 1 << 60 | 2]);
        // A value of the third pair, its halves told apart: bands 4 and 5.
        assert_eq!(
            bands_of_value(2 << 62 | 5 << 28 | 6),
            [4 << 60 | 5, 5 << 60 | 6]
        );
        add(&writer, fields, &[article(1), article(2)], &[]);
        add(&writer, fields, &[article(2), article(3)], &[]);
        add(&writer, fields, &[article(4)], &[]);
        writer.commit().unwrap();
        add(&writer, fields, &[article(3), article(9)], &[]);
        add(&writer, fields, &[], &[7]);
        add(&writer, fields, &[u64::MAX], &[7, 8]);
        writer.commit().unwrap();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .unwrap();
        let searcher = reader.searcher();
        assert!(write(dir.path(), &searcher, 1 << 20).unwrap());
        let digest = Digest::open(&searcher).unwrap();
        // The first commit's segment holds three documents, the second's three too: tell them
        // apart by a value only the first holds.
        let segments: Vec<SegmentDigest> = searcher
            .segment_readers()
            .iter()
            .map(|s| digest.segment(s.segment_id()).unwrap())
            .collect();
        let is_first = |s: &SegmentDigest| s.holders(Kind::Article, 2).count() > 0;
        let first = *segments.iter().find(|s| is_first(s)).unwrap();
        let second = *segments.iter().find(|s| !is_first(s)).unwrap();
        let holders = |segment: &SegmentDigest, kind, value| {
            segment.holders(kind, value).collect::<Vec<DocId>>()
        };
        assert_eq!(holders(&first, Kind::Article, 2), vec![0, 1]);
        assert_eq!(holders(&first, Kind::Article, 3), vec![1]);
        assert_eq!(holders(&second, Kind::Article, 3), vec![0]);
        for (segment, value) in [
            (&first, 1),
            (&first, 4),
            (&second, 9),
            (&second, u64::MAX),
            (&first, 5),
        ] {
            assert_eq!(holders(segment, Kind::Article, value), Vec::<DocId>::new());
        }
        assert_eq!(holders(&second, Kind::Passage, 7), vec![1, 2]);
        assert_eq!(holders(&second, Kind::Passage, 8), Vec::<DocId>::new());
        assert_eq!(holders(&first, Kind::Article, 1 << 60 | 2), vec![0, 1]);
        // Each shared stored value lists both its bands.
        assert_eq!(
            first.listed(Kind::Article).collect::<Vec<_>>(),
            vec![0, 1, 1, 0, 1, 1]
        );

        // A commit since makes a segment the digest lacks; writing again covers it.
        add(&writer, fields, &[article(9)], &[]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(Digest::open(&searcher).is_none());
        assert!(write(dir.path(), &searcher, 1 << 20).unwrap());
        let digest = Digest::open(&searcher).unwrap();
        let newest = searcher
            .segment_readers()
            .iter()
            .find(|s| s.max_doc() == 1)
            .unwrap();
        assert_eq!(
            holders(
                &digest.segment(newest.segment_id()).unwrap(),
                Kind::Article,
                9
            ),
            vec![0]
        );

        // A digest cut short or of another layout is not read.
        let path = dir.path().join(FILE);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Digest::open(&searcher).is_none());
        std::fs::write(&path, b"newsindex copy digest 0\n").unwrap();
        assert!(Digest::open(&searcher).is_none());
        // A flipped bit is caught by the checksum.
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Digest::open(&searcher).is_none());
        std::fs::write(&path, &bytes).unwrap();
        assert!(Digest::open(&searcher).is_some());
        // Values too many for the budget: no digest written, and the old one, which does not
        // cover the index any more, removed.
        add(&writer, fields, &[article(10)], &[]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(path.exists());
        assert!(!write(dir.path(), &searcher, 8).unwrap());
        assert!(!path.exists());
    }
}
