//! Where a search finds the holders of a copy band or passage key, fastest first: the index's
//! copy digest ([`digest`]: the values more than one article holds, written by `index`), read
//! by a one-shot search and kept by a server for its set of segments; else, in a server, each
//! segment's band values sorted with their documents ([`Sorted`]), so that a lookup is a look
//! into one bucket instead of a pass over the segment's columns; else a pass over the columns
//! ([`super::copies`] scans them in blocks).
//!
//! A server sorts each segment's values once, keyed by tantivy's segment id (a segment's
//! values never change; its deletions are checked at each lookup). Segments the searcher no
//! longer holds are let go when another is sorted, and nothing is kept past the byte budget: a
//! segment over it is scanned as a one-shot search does.
//!
//! The same server keeps the passages of the OCR pages it compares, with their band keys
//! ([`passages`]), so that a page shown again is not cut and hashed again.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use crate::index::copies::{BANDS_PER_VALUE, PASSAGE_BANDS, keys_of_value, passages_with_keys};
use crate::index::digest::Digest;
use crate::index::schema::{COPY_ARTICLE, COPY_PASSAGE};

/// One segment's values of both copy columns.
#[derive(Debug, Default)]
pub struct Sorted {
    /// `copy_article` values.
    pub articles: Table,
    /// `copy_passage` values.
    pub passages: Table,
}

/// A column's values with their documents, for lookups by value: each value is scrambled by
/// an odd multiplier (one to one, so equal values stay equal and no others become so), the
/// pairs sorted, and the scrambled value's top bits index the first pair of each bucket, so a
/// lookup reads one bucket of a few pairs instead of binary-searching the whole column (whose
/// steps each miss the cache).
#[derive(Debug, Default)]
pub struct Table {
    pairs: Vec<(u64, DocId)>,
    starts: Vec<u32>,
}

/// Bits of a scrambled value that choose its bucket.
const BUCKET_BITS: u32 = 16;
/// The odd multiplier that scrambles values (the golden ratio's, 2^64 / φ).
const SCRAMBLE: u64 = 0x9e37_79b9_7f4a_7c15;

impl Table {
    /// The table of `column`'s values; with `bands` (`copy_article`), of the two band values
    /// each stored value holds.
    fn of(segment: &SegmentReader, column: &Column<u64>, bands: bool) -> Option<Table> {
        let count = column.values.num_vals() as usize * if bands { BANDS_PER_VALUE } else { 1 };
        u32::try_from(count).ok()?;
        let mut pairs: Vec<(u64, DocId)> = Vec::with_capacity(count);
        for doc in 0..segment.max_doc() {
            let keys = column
                .values_for_doc(doc)
                .flat_map(|stored| keys_of_value(stored, bands));
            pairs.extend(keys.map(|key| (key.wrapping_mul(SCRAMBLE), doc)));
        }
        pairs.sort_unstable();
        let mut starts = Vec::with_capacity((1 << BUCKET_BITS) + 1);
        let mut at = 0usize;
        for bucket in 0..=(1u64 << BUCKET_BITS) {
            while at < pairs.len() && pairs[at].0 >> (64 - BUCKET_BITS) < bucket {
                at += 1;
            }
            starts.push(at as u32);
        }
        Some(Table { pairs, starts })
    }

    fn bytes(&self) -> usize {
        self.pairs.len() * std::mem::size_of::<(u64, DocId)>()
            + self.starts.len() * std::mem::size_of::<u32>()
    }

    /// The documents holding `value` (deleted ones included), in document order.
    pub fn holders(&self, value: u64) -> impl Iterator<Item = DocId> + '_ {
        self.holders_of(value.wrapping_mul(SCRAMBLE))
    }

    /// The documents holding the value scrambled to `scrambled`.
    fn holders_of(&self, scrambled: u64) -> impl Iterator<Item = DocId> + '_ {
        let bucket = (scrambled >> (64 - BUCKET_BITS)) as usize;
        let (from, to) = match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
            (Some(&from), Some(&to)) => (from as usize, to as usize),
            _ => (0, 0),
        };
        self.pairs[from..to]
            .iter()
            .filter(move |&&(v, _)| v == scrambled)
            .map(|&(_, doc)| doc)
    }
}

impl Sorted {
    fn of(segment: &SegmentReader) -> Option<Sorted> {
        let fast = segment.fast_fields();
        Some(Sorted {
            articles: Table::of(segment, &fast.u64(COPY_ARTICLE).ok()?, true)?,
            passages: Table::of(segment, &fast.u64(COPY_PASSAGE).ok()?, false)?,
        })
    }

    fn bytes(&self) -> usize {
        self.articles.bytes() + self.passages.bytes()
    }
}

/// What is kept: the budget, and each segment's sorted values.
struct Store {
    budget: usize,
    kept: HashMap<SegmentId, Arc<Sorted>>,
}

static STORE: OnceLock<Mutex<Store>> = OnceLock::new();

/// A passage of a page as kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PagePassage {
    /// Its byte span.
    pub span: (usize, usize),
    /// Its band keys (`None`: too few shingles).
    pub keys: Option<[u64; PASSAGE_BANDS]>,
    /// Its words as white space splits them.
    pub words: usize,
}

/// A page's passages ([`passages_with_keys`]).
pub type Passages = Arc<Vec<PagePassage>>;

/// Pages' passages kept, oldest first out once the budget is spent.
struct Pages {
    budget: usize,
    bytes: usize,
    kept: HashMap<(SegmentId, DocId), Passages>,
    order: VecDeque<(SegmentId, DocId)>,
}

/// Bytes a page's kept passages take.
fn page_bytes(passages: &Passages) -> usize {
    passages.len() * std::mem::size_of::<PagePassage>() + 64
}

static PAGES: OnceLock<Mutex<Pages>> = OnceLock::new();

/// Sorts and keeps each segment's values from now on, up to `budget` bytes in all, and the
/// passages of pages up to `pages` bytes.
pub fn enable(budget: usize, pages: usize) {
    let store = STORE.get_or_init(|| {
        Mutex::new(Store {
            budget: 0,
            kept: HashMap::new(),
        })
    });
    if let Ok(mut store) = store.lock() {
        store.budget = budget;
    }
    let kept = PAGES.get_or_init(|| {
        Mutex::new(Pages {
            budget: 0,
            bytes: 0,
            kept: HashMap::new(),
            order: VecDeque::new(),
        })
    });
    if let Ok(mut kept) = kept.lock() {
        kept.budget = pages;
    }
}

/// The passages of `body` with their band keys ([`passages_with_keys`]), document `doc` of
/// `segment`, kept from an earlier search or read now and kept; `None` when nothing is kept
/// ([`enable`] was not called): a one-shot search reads only the passages it shows.
pub fn passages(segment: SegmentId, doc: DocId, body: &str) -> Option<Passages> {
    let pages = PAGES.get()?;
    let key = (segment, doc);
    if let Some(passages) = pages.lock().ok()?.kept.get(&key) {
        return Some(Arc::clone(passages));
    }
    let passages: Passages = Arc::new(
        passages_with_keys(body)
            .into_iter()
            .map(|(span, keys)| PagePassage {
                span,
                keys,
                words: super::copies::spaced_words(&body[span.0..span.1]),
            })
            .collect(),
    );
    let mut pages = pages.lock().ok()?;
    let size = page_bytes(&passages);
    if size <= pages.budget && !pages.kept.contains_key(&key) {
        while pages.bytes + size > pages.budget {
            let Some(oldest) = pages.order.pop_front() else {
                break;
            };
            if let Some(gone) = pages.kept.remove(&oldest) {
                pages.bytes -= page_bytes(&gone);
            }
        }
        pages.bytes += size;
        pages.order.push_back(key);
        pages.kept.insert(key, Arc::clone(&passages));
    }
    Some(passages)
}
/// The sorted values of `segment`, sorted now if they were not yet; `None` when nothing is kept
/// ([`enable`] was not called) or they do not fit the budget.
pub fn sorted(searcher: &Searcher, segment: &SegmentReader) -> Option<Arc<Sorted>> {
    let mut store = STORE.get()?.lock().ok()?;
    let id = segment.segment_id();
    if let Some(sorted) = store.kept.get(&id) {
        return Some(Arc::clone(sorted));
    }
    // Each stored article value holds two bands.
    let values = BANDS_PER_VALUE as u32
        * segment
            .fast_fields()
            .u64(COPY_ARTICLE)
            .map(|c| c.values.num_vals())
            .unwrap_or(0)
        + segment
            .fast_fields()
            .u64(COPY_PASSAGE)
            .map(|c| c.values.num_vals())
            .unwrap_or(0);
    if values as usize * std::mem::size_of::<(u64, DocId)>() + (4 << BUCKET_BITS) > store.budget {
        return None;
    }
    // Segments merged away since are let go before another is kept.
    let live: Vec<SegmentId> = searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::segment_id)
        .collect();
    store.kept.retain(|id, _| live.contains(id));
    let used: usize = store.kept.values().map(|s| s.bytes()).sum();
    let sorted = Arc::new(Sorted::of(segment)?);
    if used + sorted.bytes() > store.budget {
        return None;
    }
    store.kept.insert(id, Arc::clone(&sorted));
    Some(sorted)
}

/// The lone articles kept for one set of segments.
struct Lone {
    segments: Vec<SegmentId>,
    lone: Arc<Vec<Vec<u64>>>,
}

static LONE: OnceLock<Mutex<Option<Lone>>> = OnceLock::new();

/// Whether this process keeps what searches read between them ([`enable`]: a server).
pub fn keeps() -> bool {
    STORE.get().is_some()
}

/// The index's copy digest ([`Digest::open`]) if it covers every segment of `searcher`, read
/// once for each set of segments (a one-shot search reads it once; a server keeps it). A set
/// the digest does not cover is asked again after [`DIGEST_RETRY`]: a run writes the digest
/// after its last commit, so a server may see the segments before their digest.
pub fn digest(dir: &Path, searcher: &Searcher) -> Option<Arc<Digest>> {
    let segments = segment_ids(searcher);
    let cell = DIGEST.get_or_init(|| Mutex::new(None));
    let mut kept = cell.lock().ok()?;
    if let Some(kept) = kept.as_ref()
        && kept.segments == segments
        && (kept.digest.is_some() || kept.read.elapsed() < DIGEST_RETRY)
    {
        return kept.digest.clone();
    }
    let digest = Digest::open(dir, searcher).map(Arc::new);
    *kept = Some(KeptDigest {
        segments,
        digest: digest.clone(),
        read: Instant::now(),
    });
    digest
}

/// How long a server goes on without a digest for a set of segments before reading it again.
pub const DIGEST_RETRY: Duration = Duration::from_secs(1);

/// The digest a server keeps: the segments it was read for, and when.
struct KeptDigest {
    segments: Vec<SegmentId>,
    digest: Option<Arc<Digest>>,
    read: Instant,
}

static DIGEST: OnceLock<Mutex<Option<KeptDigest>>> = OnceLock::new();

fn segment_ids(searcher: &Searcher) -> Vec<SegmentId> {
    searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::segment_id)
        .collect()
}

/// Per segment of `searcher`, a bit per document set when it shares no `copy_article` band
/// value with any other document of the index (or has none): such an article is a story of
/// its own, whatever else a search matches. Read from the index's copy digest (the documents
/// it does not list), or else from a server's sorted values; a server keeps it for its set of
/// segments (a new or merged segment computes it anew; deleted documents still count as
/// holders, which only leaves a bit unset). `None` without a digest covering the segments,
/// for a one-shot search, or when a segment's values do not fit a server's budget.
pub fn lone(dir: &Path, searcher: &Searcher) -> Option<Arc<Vec<Vec<u64>>>> {
    let Some(_) = STORE.get() else {
        return lone_in_digest(searcher, &*digest(dir, searcher)?).map(Arc::new);
    };
    let segments = segment_ids(searcher);
    let cell = LONE.get_or_init(|| Mutex::new(None));
    if let Some(kept) = cell.lock().ok()?.as_ref()
        && kept.segments == segments
    {
        return Some(Arc::clone(&kept.lone));
    }
    let lone = match digest(dir, searcher) {
        Some(digest) => lone_in_digest(searcher, &digest)?,
        None => lone_in_sorted(searcher)?,
    };
    let lone = Arc::new(lone);
    if let Ok(mut kept) = cell.lock() {
        *kept = Some(Lone {
            segments,
            lone: Arc::clone(&lone),
        });
    }
    Some(lone)
}

/// [`lone`] from the digest: every document but those it lists for their article values.
fn lone_in_digest(searcher: &Searcher, digest: &Digest) -> Option<Vec<Vec<u64>>> {
    let mut lone = Vec::with_capacity(searcher.segment_readers().len());
    for segment in searcher.segment_readers() {
        let listed = digest.segment(segment.segment_id())?;
        lone.push(listed.listed_bits().iter().map(|word| !word).collect());
    }
    Some(lone)
}

/// [`lone`] from a server's sorted values of every segment.
fn lone_in_sorted(searcher: &Searcher) -> Option<Vec<Vec<u64>>> {
    let tables = searcher
        .segment_readers()
        .iter()
        .map(|segment| sorted(searcher, segment))
        .collect::<Option<Vec<Arc<Sorted>>>>()?;
    let mut lone = Vec::with_capacity(tables.len());
    for (i, (segment, table)) in searcher.segment_readers().iter().zip(&tables).enumerate() {
        let mut bits = vec![u64::MAX; (segment.max_doc() as usize).div_ceil(64)];
        let pairs = &table.articles.pairs;
        let mut at = 0;
        while at < pairs.len() {
            let value = pairs[at].0;
            let mut end = at + 1;
            while end < pairs.len() && pairs[end].0 == value {
                end += 1;
            }
            let elsewhere = || {
                tables
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.articles.holders_of(value).next().is_some())
            };
            if end - at > 1 || elsewhere() {
                for &(_, doc) in &pairs[at..end] {
                    if let Some(word) = bits.get_mut(doc as usize / 64) {
                        *word &= !(1u64 << (doc % 64));
                    }
                }
            }
            at = end;
        }
        lone.push(bits);
    }
    Some(lone)
}

#[cfg(test)]
mod tests {
    use super::*;

    use tantivy::schema::{NumericOptions, Schema};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn holders_are_every_document_with_the_value() {
        let mut builder = Schema::builder();
        let field = builder.add_u64_field(COPY_ARTICLE, NumericOptions::default().set_fast());
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let docs: [&[u64]; 5] = [&[3, 5], &[], &[5, u64::MAX], &[8, 0], &[5, 1 << 63]];
        for values in docs {
            let mut doc = TantivyDocument::new();
            for &value in values {
                doc.add_u64(field, value);
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let column = segment.fast_fields().u64(COPY_ARTICLE).unwrap();
        let table = Table::of(segment, &column, false).unwrap();
        // Read as `copy_article` band values, two to each stored value: 5 is bands 0 and
        // `1 << 60 | 5`; `1 << 63` (the third pair) is bands `4 << 60` and `5 << 60`.
        let bands = Table::of(segment, &column, true).unwrap();
        let band_holders = |value| bands.holders(value).collect::<Vec<DocId>>();
        assert_eq!(band_holders(1 << 60 | 5), vec![0, 2, 4]);
        assert_eq!(band_holders(4 << 60), vec![4]);
        assert_eq!(band_holders(5 << 60), vec![4]);
        assert_eq!(band_holders(5), Vec::<DocId>::new());
        let holders = |value| table.holders(value).collect::<Vec<DocId>>();
        assert_eq!(holders(5), vec![0, 2, 4]);
        assert_eq!(holders(3), vec![0]);
        assert_eq!(holders(u64::MAX), vec![2]);
        assert_eq!(holders(0), vec![3]);
        assert_eq!(holders(1 << 63), vec![4]);
        assert_eq!(holders(4), Vec::<DocId>::new());
    }
}
