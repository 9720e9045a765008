//! The copy digest: per segment, the copy band values that more than one article of the index
//! holds, with their documents, written beside the index at the end of each `index` run.
//!
//! Most band values of a real archive are held by one article alone (its own text's), so the
//! digest is small (a few percent of the band columns), and a one-shot search looks a band up
//! in it instead of passing over every value of the columns. It only speeds searches up: a
//! search whose segments are not all in the digest (an index written since, or a digest that
//! is missing or cannot be read) passes over the columns as before, with the same answers.
//!
//! A search reads the digest's head whole (the segments, which articles share a band at all,
//! and the first value of each block of the lists) and then, unless the lists are small
//! enough to read whole ([`READ_WHOLE`]), only the blocks its lookups fall in, one read each
//! ([`BLOCK`] entries, 12 KiB): a search's cost does not grow with the digest, which on an archive whose articles nearly all share a band (the benchmarks' scale
//! corpus, paragraphs recombined at random) is 344 MB for 1,000,000 articles.
//!
//! A value is listed with every document holding it, deleted ones included (a search skips
//! them); deleting documents therefore leaves the digest true enough (a value may be listed
//! that one live article holds), and adding any makes a new segment, which the digest lacks.
//!
//! A digest whose band values would not fit the run's memory budget to sort is not written;
//! the segments it was declined for are named in [`DECLINED`], so the runs after do not read
//! the columns again to decline it again.
//!
//! The file is tantivy's business only in that it sits in the index's folder: it is written
//! to a temporary file of its own (as it is listed, a segment at a time) and renamed, so a
//! reader sees the old digest or the new one, and tantivy neither lists nor deletes it. The
//! head carries the checksum of itself and of each block; a digest whose head does not match
//! is not read, and a lookup whose block does not match fails, so that its search passes over
//! the segment's columns instead. A listed document past its segment's end is passed over.
//!
//! Layout, little-endian: [`MAGIC`]; where the head starts and its length (two u64) and its
//! checksum (u64, see `checksum`); then per segment, article values then passage values, the
//! lists: entries of a band value (u64) and a document holding it (u32), sorted by value and
//! document (each stored article value read as its two bands, listed one by one). Then the
//! head: the number of segments (u32); per segment its id (32 hex characters), its `max_doc`
//! (u32), and per kind where its list starts (u64) and its entries (u32); per segment, a bit
//! per document (u64 words) set when it is listed for its article values; per segment and
//! kind, per block of [`BLOCK`] entries, its first value and its checksum (two u64).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher};

use super::copies::{BANDS_PER_VALUE, keys_of_value};
use super::schema::{COPY_ARTICLE, COPY_PASSAGE};

/// The digest's file name in the index folder.
pub const FILE: &str = "newsindex-copies.digest";
/// The file naming the segments (and the budget) whose digest a run declined to write, so
/// that the next run over the same segments does not read their values again to decline it
/// again. Searches do not read it.
pub const DECLINED: &str = "newsindex-copies.declined";
/// The first bytes of a digest (a new layout changes the version).
pub const MAGIC: &[u8] = b"newsindex copy digest 4\n";
/// Bytes after [`MAGIC`] before the lists: the head's start, length and checksum.
const PREAMBLE: usize = 24;
/// Entries of a list per block: what a lookup reads (12 bytes each) and checks.
pub const BLOCK: usize = 1024;
/// Bytes of a list's entry: its value and its document.
const ENTRY: usize = 12;
/// Bytes of a segment's line in the head: id, `max_doc`, and per kind start and count.
const SEGMENT_LINE: usize = 32 + 4 + 2 * 12;

/// A checksum of `bytes` cheap enough to check on every lookup: FxHash over 8-byte words
/// (the last one padded with zeros), then the length; each step one-to-one in the hash and
/// in the word, so any change to one word (a flipped bit, a torn write of a block) changes it.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        hasher.write_u64(u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hasher.write_u64(u64::from_le_bytes(last));
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// Which column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `copy_article`.
    Article,
    /// `copy_passage`.
    Passage,
}

/// One list of a segment: where it starts in the file, its entries, and per block its first
/// value and checksum.
#[derive(Debug, Clone, Default)]
struct List {
    start: u64,
    len: usize,
    blocks: Vec<(u64, u64)>,
}

impl List {
    /// Where block `block` lies in the file.
    fn block_range(&self, block: usize) -> std::ops::Range<usize> {
        let start = self.start as usize + block * BLOCK * ENTRY;
        start..start + BLOCK.min(self.len - block * BLOCK) * ENTRY
    }

    /// Block `block` in `file`, the file's bytes from its start.
    fn block_bytes<'a>(&self, file: &'a [u8], block: usize) -> Option<&'a [u8]> {
        file.get(self.block_range(block))
    }
}

/// One segment's part of the digest.
#[derive(Debug, Clone)]
struct Segment {
    id: SegmentId,
    max_doc: u32,
    /// Per kind, its list.
    lists: [List; 2],
    /// A bit per document: set when it is listed for its article values.
    listed: Vec<u64>,
}

/// A digest opened ([`Digest::open`]): its head read, and its lists too when they take at
/// most [`READ_WHOLE`] bytes (else they are read a block at a time).
#[derive(Debug)]
pub struct Digest {
    file: File,
    segments: Vec<Segment>,
    /// The file's bytes up to the head, every block checked, when read whole.
    lists: Option<Vec<u8>>,
}

/// Lists up to this size (1 MiB) are read whole when the digest is opened and checked once:
/// a server's lookups then read memory, as a search on an archive of a few hundred thousand
/// articles does, for at most about a millisecond more at opening (the size of a real
/// archive's digest: 0.1 MB for Reuters-21578 or the January 1916 pages).
pub const READ_WHOLE: u64 = 1 << 20;

/// One segment's part of a digest.
#[derive(Debug, Clone, Copy)]
pub struct SegmentDigest<'a> {
    digest: &'a Digest,
    at: usize,
}

/// Reads `buf.len()` bytes of `file` at `offset`, without moving a shared cursor on Unix (a
/// server's searches read the one file at once).
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(buf, offset)
    }
    #[cfg(not(unix))]
    {
        // A cloned handle shares the cursor: one seek and read at a time.
        use std::io::{Read, Seek, SeekFrom};
        static CURSOR: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = CURSOR
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

/// Reads a digest's head's numbers in order; `None` past its end.
struct HeadReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl HeadReader<'_> {
    fn take(&mut self, len: usize) -> Option<&[u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

impl Digest {
    /// The digest in the index folder `dir` of the index `searcher` reads, if it lists every
    /// segment of it (with the same number of documents); `None` when there is none, its head
    /// cannot be read, or the index has changed since.
    pub fn open(dir: &Path, searcher: &Searcher) -> Option<Digest> {
        let digest = Digest::read(dir)?;
        let covers = searcher.segment_readers().iter().all(|segment| {
            digest
                .segments
                .iter()
                .any(|s| s.id == segment.segment_id() && s.max_doc == segment.max_doc())
        });
        covers.then_some(digest)
    }

    fn read(dir: &Path) -> Option<Digest> {
        let file = File::open(dir.join(FILE)).ok()?;
        let size = file.metadata().ok()?.len();
        let mut preamble = [0u8; MAGIC.len() + PREAMBLE];
        read_at(&file, &mut preamble, 0).ok()?;
        let mut numbers = HeadReader {
            bytes: &preamble,
            at: 0,
        };
        if numbers.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let (head_at, head_len, sum) = (numbers.u64()?, numbers.u64()?, numbers.u64()?);
        if head_at.checked_add(head_len)? != size || head_at < preamble.len() as u64 {
            return None;
        }
        let mut head = vec![0u8; usize::try_from(head_len).ok()?];
        read_at(&file, &mut head, head_at).ok()?;
        if checksum(&head) != sum {
            return None;
        }
        let segments = Digest::parse(&head, preamble.len() as u64, head_at)?;
        let lists = if head_at <= READ_WHOLE {
            let mut lists = vec![0u8; head_at as usize];
            read_at(&file, &mut lists, 0).ok()?;
            let whole = segments.iter().flat_map(|s| &s.lists).all(|list| {
                list.blocks.iter().enumerate().all(|(block, &(_, sum))| {
                    list.block_bytes(&lists, block)
                        .is_some_and(|bytes| checksum(bytes) == sum)
                })
            });
            Some(lists).filter(|_| whole)
        } else {
            None
        };
        Some(Digest {
            file,
            segments,
            lists,
        })
    }

    /// The segments of a head whose lists lie in `lists_from..lists_end` of the file.
    fn parse(head: &[u8], lists_from: u64, lists_end: u64) -> Option<Vec<Segment>> {
        let mut numbers = HeadReader { bytes: head, at: 0 };
        let count = numbers.u32()? as usize;
        let mut segments = Vec::with_capacity(count.min(head.len() / SEGMENT_LINE));
        for _ in 0..count {
            let id = std::str::from_utf8(numbers.take(32)?).ok()?;
            let id = SegmentId::from_uuid_string(id).ok()?;
            let max_doc = numbers.u32()?;
            let mut lists: [List; 2] = Default::default();
            for list in &mut lists {
                list.start = numbers.u64()?;
                list.len = numbers.u32()? as usize;
                let end = list
                    .start
                    .checked_add((list.len as u64).checked_mul(ENTRY as u64)?)?;
                if list.start < lists_from || end > lists_end {
                    return None;
                }
            }
            segments.push(Segment {
                id,
                max_doc,
                lists,
                listed: Vec::new(),
            });
        }
        // Each segment once: a lookup finds the first listed.
        let mut ids: Vec<&SegmentId> = segments.iter().map(|s| &s.id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != segments.len() {
            return None;
        }
        for segment in &mut segments {
            let words = (segment.max_doc as usize).div_ceil(64);
            let bytes = numbers.take(words.checked_mul(8)?)?;
            segment.listed = bytes
                .chunks_exact(8)
                .map(|word| u64::from_le_bytes(word.try_into().unwrap_or_default()))
                .collect();
        }
        for segment in &mut segments {
            for list in &mut segment.lists {
                let blocks = list.len.div_ceil(BLOCK);
                list.blocks = Vec::with_capacity(blocks.min(head.len() / 16));
                for _ in 0..blocks {
                    list.blocks.push((numbers.u64()?, numbers.u64()?));
                }
            }
        }
        (numbers.at == head.len()).then_some(segments)
    }

    /// The part of segment `id`, if listed.
    pub fn segment(&self, id: SegmentId) -> Option<SegmentDigest<'_>> {
        let at = self.segments.iter().position(|s| s.id == id)?;
        Some(SegmentDigest { digest: self, at })
    }
}

impl<'a> SegmentDigest<'a> {
    /// The documents of this segment holding `value` (deleted ones included) when another
    /// document of the index holds it too; empty when no other does. Reads the blocks of the
    /// list the value may be in (one, or more when its entries cross a block's end); `None`
    /// when one cannot be read or does not match its checksum.
    pub fn holders(&self, kind: Kind, value: u64) -> Option<Vec<DocId>> {
        let segment = &self.digest.segments[self.at];
        let list = &segment.lists[kind as usize];
        // The value's entries start in the last block whose first value is below it (or the
        // first block), and go on while blocks start with it.
        let first = list
            .blocks
            .partition_point(|&(start, _)| start < value)
            .saturating_sub(1);
        let mut holders = Vec::new();
        let mut buffer = Vec::new();
        for (block, &(start, sum)) in list.blocks.iter().enumerate().skip(first) {
            if start > value {
                break;
            }
            let bytes = match &self.digest.lists {
                Some(lists) => list.block_bytes(lists, block)?,
                None => {
                    let range = list.block_range(block);
                    buffer.resize(range.len(), 0);
                    read_at(&self.digest.file, &mut buffer, range.start as u64).ok()?;
                    if checksum(&buffer) != sum {
                        return None;
                    }
                    &buffer
                }
            };
            for entry in bytes.chunks_exact(ENTRY) {
                let listed = u64::from_le_bytes(entry[..8].try_into().unwrap_or_default());
                if listed == value {
                    let doc = u32::from_le_bytes(entry[8..].try_into().unwrap_or_default());
                    if doc < segment.max_doc {
                        holders.push(doc);
                    }
                } else if listed > value {
                    return Some(holders);
                }
            }
        }
        Some(holders)
    }

    /// A bit per document of this segment: set when it shares a band with another article.
    pub fn listed_bits(&self) -> &'a [u64] {
        &self.digest.segments[self.at].listed
    }
}

/// Writes the lists of the digest of the index `searcher` reads to `out` (a new file) and
/// returns the head, or `None` when the values of a column would take more than `budget`
/// bytes to sort (decided before anything is written). Each column is read twice, so that no more than
/// its values (8 bytes each) are held at once: first to find the values held twice, then, a
/// segment at a time, to list their holders, written out as they are listed (a segment's
/// list takes 8 bytes an entry in memory, at most what its values took).
fn write_lists(
    searcher: &Searcher,
    budget: usize,
    out: &mut File,
) -> std::io::Result<Option<Vec<u8>>> {
    let segments = searcher.segment_readers();
    let mut shared: [Vec<u64>; 2] = [vec![], vec![]];
    let mut columns = Vec::with_capacity(2);
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
            return Ok(None);
        }
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
    let mut lines = Vec::with_capacity(4 + segments.len() * SEGMENT_LINE);
    lines.extend_from_slice(&(segments.len() as u32).to_le_bytes());
    let mut listed_bits = Vec::new();
    let mut blocks = Vec::new();
    let mut writer = BufWriter::new(&mut *out);
    writer.write_all(MAGIC)?;
    writer.write_all(&[0; PREAMBLE])?;
    let mut at = (MAGIC.len() + PREAMBLE) as u64;
    // One segment's list of one kind: (rank of the value among the shared ones, document),
    // packed in a u64 so that sorting orders it by value, then document.
    let mut listed: Vec<u64> = Vec::new();
    let mut block = Vec::with_capacity(BLOCK * ENTRY);
    for (ordinal, segment) in segments.iter().enumerate() {
        lines.extend_from_slice(segment.segment_id().uuid_string().as_bytes());
        lines.extend_from_slice(&segment.max_doc().to_le_bytes());
        let mut bits = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
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
                        if *kind == Kind::Article {
                            bits[doc as usize / 64] |= 1 << (doc % 64);
                        }
                    }
                }
            }
            listed.sort_unstable();
            lines.extend_from_slice(&at.to_le_bytes());
            lines.extend_from_slice(&(listed.len() as u32).to_le_bytes());
            for chunk in listed.chunks(BLOCK) {
                block.clear();
                for &entry in chunk {
                    block.extend_from_slice(&table[(entry >> 32) as usize].to_le_bytes());
                    block.extend_from_slice(&(entry as u32).to_le_bytes());
                }
                writer.write_all(&block)?;
                blocks.extend_from_slice(&block[..8]);
                blocks.extend_from_slice(&checksum(&block).to_le_bytes());
            }
            at += (listed.len() * ENTRY) as u64;
        }
        listed_bits.extend(bits.iter().flat_map(|word| word.to_le_bytes()));
    }
    writer.flush()?;
    lines.extend_from_slice(&listed_bits);
    lines.extend_from_slice(&blocks);
    Ok(Some(lines))
}

/// Writes the digest of the index `searcher` reads to `out` (a new file): its lists, then its
/// head, then where the head is and its checksum. Returns `false`, `out` left empty, when it
/// is declined (see [`write_lists`]).
fn build_into(searcher: &Searcher, budget: usize, out: &mut File) -> std::io::Result<bool> {
    let Some(head) = write_lists(searcher, budget, out)? else {
        return Ok(false);
    };
    let head_at = out.metadata()?.len();
    let mut writer = BufWriter::new(&mut *out);
    writer.write_all(&head)?;
    writer.flush()?;
    drop(writer);
    let mut preamble = Vec::with_capacity(PREAMBLE);
    preamble.extend_from_slice(&head_at.to_le_bytes());
    preamble.extend_from_slice(&(head.len() as u64).to_le_bytes());
    preamble.extend_from_slice(&checksum(&head).to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        out.write_all_at(&preamble, MAGIC.len() as u64)?;
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom};
        out.seek(SeekFrom::Start(MAGIC.len() as u64))?;
        out.write_all(&preamble)?;
    }
    Ok(true)
}

/// Writes the digest of what `searcher` reads into the index folder `dir` (a temporary file of
/// this process renamed over the old one), unless the digest there covers it already, the
/// index has moved on since `searcher` (another run committed: its digest is left alone), or
/// the digest is declined: a column's values would take more than `budget` bytes to sort. A
/// declined digest is not written, an old one (which no longer covers the index) is removed,
/// and the segments and the budget are written to [`DECLINED`]: a run with the same ones reads
/// nothing. Returns whether it wrote one.
///
/// # Errors
/// The I/O error of writing or renaming; the index itself is untouched either way.
pub fn write(dir: &Path, searcher: &Searcher, budget: usize) -> std::io::Result<bool> {
    let segments = searcher.segment_readers();
    if Digest::open(dir, searcher).is_some_and(|digest| digest.segments.len() == segments.len()) {
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

/// The first line of a [`DECLINED`] file (version 1 also declined digests for their size,
/// which is no longer done).
const MAGIC_DECLINED: &str = "newsindex copy digest declined 2\n";

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

    /// Articles listed for their article values, over every segment.
    fn listed_articles(digest: &Digest, searcher: &Searcher) -> u32 {
        searcher
            .segment_readers()
            .iter()
            .flat_map(|s| digest.segment(s.segment_id()).unwrap().listed_bits())
            .map(|word| word.count_ones())
            .sum()
    }

    #[test]
    fn a_digest_as_large_as_the_columns_is_written_and_read_a_block_at_a_time() {
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
        let digest = Digest::open(dir.path(), &reader.searcher()).unwrap();
        assert_eq!(listed_articles(&digest, &reader.searcher()), 2);
        // 120,000 more, every one holding the same passage, and 3,000 pairs of articles: the
        // lists are as large as the values, and written all the same.
        for _ in 0..120_000 {
            add(&writer, fields, &[], &[5]);
        }
        for pair in 0..3_000u64 {
            add(&writer, fields, &[article(1 << 21 | pair)], &[]);
            add(&writer, fields, &[article(1 << 21 | pair)], &[]);
        }
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(write(dir.path(), &searcher, 1 << 30).unwrap());
        let digest = Digest::open(dir.path(), &searcher).unwrap();
        assert_eq!(listed_articles(&digest, &searcher), 6_002);
        let big = searcher
            .segment_readers()
            .iter()
            .find(|s| s.max_doc() > 100_000)
            .unwrap();
        let part = digest.segment(big.segment_id()).unwrap();
        // Every one of the 120,000 holders of the passage, across the blocks its entries fill.
        let holders = part.holders(Kind::Passage, 5).unwrap();
        assert_eq!(holders.len(), 120_000);
        assert!(holders.windows(2).all(|pair| pair[0] < pair[1]));
        const { assert!(120_000 > 100 * BLOCK) };
        // The second article of each pair, and both bands of a pair's value.
        for pair in [0u64, 1_499, 2_999] {
            let value = 1 << 21 | pair;
            let docs = part.holders(Kind::Article, value).unwrap();
            assert_eq!(docs.len(), 2, "pair {pair}");
            assert_eq!(docs[1], docs[0] + 1);
            assert_eq!(part.holders(Kind::Article, 1 << 60 | value).unwrap(), docs);
        }
        // Values not shared, and values past every listed one or before it.
        for value in [7u64, 0, u64::MAX, article(3)] {
            assert_eq!(
                part.holders(Kind::Article, value).unwrap(),
                Vec::<DocId>::new()
            );
            assert_eq!(
                part.holders(Kind::Passage, value).unwrap(),
                Vec::<DocId>::new()
            );
        }
        // A flipped bit in a block fails the lookups that read that block, and those alone.
        drop(digest);
        let path = dir.path().join(FILE);
        let bytes = std::fs::read(&path).unwrap();
        let mut flipped = bytes.clone();
        flipped[MAGIC.len() + PREAMBLE + 5] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let digest = Digest::open(dir.path(), &searcher).unwrap();
        // The first list written is one segment's article values: of the lookups of each
        // segment's smallest shared value (the pair of the first 60,002, the first of the
        // 3,000 pairs), one reads the block changed; the passage's blocks still read.
        let failed: usize = (searcher.segment_readers().iter())
            .map(|s| {
                let part = digest.segment(s.segment_id()).unwrap();
                [1 << 20, 1 << 21]
                    .into_iter()
                    .filter(|&value| part.holders(Kind::Article, value).is_none())
                    .count()
            })
            .sum();
        assert_eq!(failed, 1);
        let part = digest.segment(big.segment_id()).unwrap();
        assert_eq!(part.holders(Kind::Passage, 5).unwrap().len(), 120_000);
        std::fs::write(&path, &bytes).unwrap();
        drop(digest);
        // A commit since, and a budget too small for the values: declined, the old digest
        // (which no longer covers the index) removed, said so, and not read again.
        add(&writer, fields, &[article(9)], &[]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(!write(dir.path(), &searcher, 8).unwrap());
        assert!(!path.exists());
        let declined = std::fs::read_to_string(dir.path().join(DECLINED)).unwrap();
        assert!(declined.starts_with(MAGIC_DECLINED));
        assert!(declined.contains("budget 8\n"));
        for segment in searcher.segment_readers() {
            let line = format!(
                "{} {}\n",
                segment.segment_id().uuid_string(),
                segment.max_doc()
            );
            assert!(declined.contains(&line), "{declined}");
        }
        assert!(!write(dir.path(), &searcher, 8).unwrap());
        // A budget large enough writes it again.
        assert!(write(dir.path(), &searcher, 1 << 30).unwrap());
        assert!(!dir.path().join(DECLINED).exists());
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
        let digest = Digest::open(dir.path(), &searcher).unwrap();
        // The first commit's segment holds three documents, the second's three too: tell them
        // apart by a value only the first holds.
        let segments: Vec<SegmentDigest> = searcher
            .segment_readers()
            .iter()
            .map(|s| digest.segment(s.segment_id()).unwrap())
            .collect();
        let is_first = |s: &SegmentDigest| !s.holders(Kind::Article, 2).unwrap().is_empty();
        let first = *segments.iter().find(|s| is_first(s)).unwrap();
        let second = *segments.iter().find(|s| !is_first(s)).unwrap();
        let holders = |segment: &SegmentDigest, kind, value| segment.holders(kind, value).unwrap();
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
        // The articles sharing a band: both of the first segment's pair, the second's first.
        assert_eq!(first.listed_bits(), [0b011]);
        assert_eq!(second.listed_bits(), [0b001]);

        // A commit since makes a segment the digest lacks; writing again covers it.
        add(&writer, fields, &[article(9)], &[]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(Digest::open(dir.path(), &searcher).is_none());
        assert!(write(dir.path(), &searcher, 1 << 20).unwrap());
        let digest = Digest::open(dir.path(), &searcher).unwrap();
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
        drop(digest);
        let path = dir.path().join(FILE);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Digest::open(dir.path(), &searcher).is_none());
        std::fs::write(&path, b"newsindex copy digest 3\n").unwrap();
        assert!(Digest::open(dir.path(), &searcher).is_none());
        // A flipped bit in the head is caught by its checksum.
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(Digest::open(dir.path(), &searcher).is_none());
        // A flipped bit in a list read whole: the digest opens, and reads its lists a block at
        // a time, so that only the lookups of the changed block fail.
        let mut flipped = bytes.clone();
        flipped[MAGIC.len() + PREAMBLE + 3] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        let digest = Digest::open(dir.path(), &searcher).unwrap();
        assert!(digest.lists.is_none());
        let failed: usize = (searcher.segment_readers().iter())
            .map(|s| {
                let part = digest.segment(s.segment_id()).unwrap();
                [2, 3, 1 << 60 | 3]
                    .into_iter()
                    .filter(|&value| part.holders(Kind::Article, value).is_none())
                    .count()
            })
            .sum();
        assert!(failed >= 1, "{failed}");
        drop(digest);
        std::fs::write(&path, &bytes).unwrap();
        assert!(Digest::open(dir.path(), &searcher).unwrap().lists.is_some());
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
