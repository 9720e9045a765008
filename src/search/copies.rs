//! Copies at search time: collapsing a story's copies into one hit, listing every paper that
//! carried it, the reprints of an OCR page's passages, and counting stories.
//!
//! What the index stores is described in [`crate::index::copies`]: band values in fast
//! fields, no links between articles, and the index's copy digest of the values more than one
//! article holds ([`crate::index::digest`]). A search finds the candidates of the articles it
//! shows in that digest, or else in a server's sorted values or one pass over the fast fields
//! (`scan`, [`copy_keys`]), and keeps those whose text is a copy
//! (exact Jaccard of word 5-shingles at least [`THRESHOLD`]). Groups are therefore always
//! those of what the index holds now.
//!
//! A passage of an OCR page reworded, shortened or garbled by OCR in another paper is no copy
//! by that measure; [`annotate`] and [`copies_of`] add such reprints, found by alignment in
//! [`super::reuse`], as [`CopyKind::Reuse`]. [`all_pairs`] lists copies only.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rustc_hash::FxBuildHasher;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

use super::copy_keys;
use super::rank::Ranked;
use super::{Hit, passage, reuse};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;
use crate::index::NewsIndex;
use crate::index::copies::{self as signatures, Shingles, Signature, THRESHOLD};
use crate::index::digest::{Kind, SegmentDigest};
use crate::index::schema::{COPY_ARTICLE, COPY_PASSAGE};

/// A passage band key held by more articles than this is standing matter (a masthead, a
/// notice, an advertisement printed every day) and finds no reprints.
pub const MAX_PASSAGE_ARTICLES: usize = 64;
/// The share of equal MinHash hashes from which two articles count as one story in
/// [`Stories::count`] (an estimate: counting reads no text).
pub const COUNT_ESTIMATE: f64 = 0.75;

/// Whether copies collapse into one hit: by default they do, on the CLI, the API and the page;
/// `all` lists every copy as a hit of its own (and is cheaper: see BENCHMARKS.md, "Copies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopiesMode {
    /// One hit per story: the best-ranked copy (or the first by date) lists the others.
    #[default]
    Collapse,
    /// Every copy is a hit of its own, and none lists the others.
    All,
}

impl crate::choice::Choice for CopiesMode {
    const NAMES: &'static [(&'static str, CopiesMode, &'static str)] = &[
        (
            "collapse",
            CopiesMode::Collapse,
            "One hit per story; it lists the other articles that carried it",
        ),
        ("all", CopiesMode::All, "Every copy is a hit of its own"),
    ];
    const WHAT: &'static str = "way to show copies";
}

crate::choice::by_name!(CopiesMode);

/// How another article carries a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyKind {
    /// The same text: exact Jaccard of word 5-shingles at least [`THRESHOLD`].
    #[default]
    Copy,
    /// A passage of an OCR page printed by another paper, reworded, shortened or garbled by
    /// OCR, found by local alignment ([`super::reuse`]).
    Reuse,
}

/// Another article carrying the same story, or the same passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Copy {
    /// Its id.
    pub id: String,
    /// Its headline.
    pub title: String,
    /// Its source as the archive wrote it.
    pub source: Option<String>,
    /// Its date.
    pub date: Option<ArticleDate>,
    /// `copy`, or `reuse` for a reprinted passage found by alignment.
    #[serde(default)]
    pub kind: CopyKind,
    /// For a copy, the exact Jaccard similarity of the two texts' word 5-shingles (the
    /// passages' for a reprint); for reuse, the share of the passage's words aligned with
    /// equal words of the other article.
    pub similarity: f32,
    /// For a reprinted passage: where it is in that article's body, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// For a reprinted passage: where it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// For reuse: how many equal words the alignment pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aligned_words: Option<usize>,
    /// For reuse: where the aligned text starts in this article's own body, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_start: Option<usize>,
    /// For reuse: where it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_end: Option<usize>,
}

/// What is looked for in one pass over the index.
struct Target<'a> {
    /// The article's own address, left out of its copies.
    address: DocAddress,
    /// Its body, whose shingles are computed only when a candidate needs comparing.
    body: &'a str,
    shingles: OnceCell<Shingles>,
    /// Its stored signature.
    signature: Option<Signature>,
    /// Whether it stores passage keys (an OCR page indexed with copy detection does).
    page: bool,
    /// Its segment's id.
    segment: Option<SegmentId>,
    /// The passages wanted, as byte spans (`None`: every passage).
    spans: Option<Vec<(usize, usize)>>,
    /// Its passages as its stored map keeps them, when it does ([`Ranked::copy_passages`]).
    stored: Option<&'a [(usize, usize)]>,
}

impl<'a> Target<'a> {
    /// The target for `body`, its passages limited to those overlapping `spans` (byte spans;
    /// `None`: every passage of an OCR page); `stored`: its passages as its map stores them,
    /// if it does.
    fn new(
        columns: &CopyColumns,
        address: DocAddress,
        body: &'a str,
        spans: Option<&[(usize, usize)]>,
        stored: Option<&'a [(usize, usize)]>,
    ) -> Target<'a> {
        Target {
            address,
            body,
            shingles: OnceCell::new(),
            signature: columns.signature(address),
            page: columns.stores_passage_keys(address),
            segment: segment_id(columns.searcher, address),
            spans: spans.map(<[_]>::to_vec),
            stored,
        }
    }

    fn shingles(&self) -> &Shingles {
        self.shingles
            .get_or_init(|| signatures::shingles(self.body))
    }

    /// The wanted passages with their band keys, and their shingles once read. Only a page
    /// stores passage keys, so no other body is cut.
    fn passages(&self) -> Vec<TargetPassage> {
        if !self.page {
            return Vec::new();
        }
        let body = self.body;
        let wanted = |span: &(usize, usize)| match &self.spans {
            None => true,
            Some(spans) => spans.iter().any(|&(from, to)| from < span.1 && span.0 < to),
        };
        // A server keeps every passage's keys: the shingles are read only for a passage
        // another article may carry.
        let kept = self
            .segment
            .and_then(|segment| copy_keys::passages(segment, self.address.doc_id, body));
        if let Some(kept) = kept {
            return kept
                .iter()
                .filter(|passage| wanted(&passage.span))
                .filter_map(|p| Some((p.span, OnceCell::new(), p.keys?.to_vec())))
                .collect();
        }
        // Every passage: the body read into words once; a few shown ones: each alone, found
        // among those the page's map stores, else by cutting the page.
        let shingled = match (&self.spans, self.stored) {
            (None, _) => signatures::passage_shingles(body),
            (Some(spans), stored) => {
                let shown: Vec<(usize, usize)> = match stored {
                    Some(stored) => stored.iter().copied().filter(wanted).collect(),
                    None => signatures::passages_overlapping(body, spans),
                };
                shown
                    .into_iter()
                    .map(|span| (span, signatures::shingles(&body[span.0..span.1])))
                    .collect()
            }
        };
        shingled
            .into_iter()
            .filter_map(|(span, set)| {
                let keys = signatures::passage_keys(&set)?;
                Some((span, OnceCell::from(set), keys.to_vec()))
            })
            .collect()
    }
}

/// The copy fast fields of a searcher's segments, each opened on first use and at most once:
/// opening a column by name reads its segment's directory of columns, which cost more than
/// reading a hit's values from it when every hit opened its own.
struct CopyColumns<'s> {
    searcher: &'s Searcher,
    /// Per segment ordinal, its article signatures' column and its passage keys' column.
    segments: Vec<(ColumnCell, ColumnCell)>,
}

/// A segment's column once opened (`None`: the segment has none).
type ColumnCell = OnceCell<Option<Column<u64>>>;

impl<'s> CopyColumns<'s> {
    fn new(searcher: &'s Searcher) -> CopyColumns<'s> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|_| (OnceCell::new(), OnceCell::new()))
            .collect();
        CopyColumns { searcher, segments }
    }

    /// The signatures' column of the segment of `address`, or with `passage` its passage keys'.
    fn column(&self, address: DocAddress, passage: bool) -> Option<&Column<u64>> {
        let ordinal = address.segment_ord as usize;
        let (articles, passages) = self.segments.get(ordinal)?;
        let (cell, name) = match passage {
            false => (articles, COPY_ARTICLE),
            true => (passages, COPY_PASSAGE),
        };
        cell.get_or_init(|| {
            let segment = self.searcher.segment_readers().get(ordinal)?;
            segment.fast_fields().u64(name).ok()
        })
        .as_ref()
    }

    /// The signature stored with the article at `address`, if it has one.
    fn signature(&self, address: DocAddress) -> Option<Signature> {
        let column = self.column(address, false)?;
        Signature::from_values(column.values_for_doc(address.doc_id))
    }

    /// Whether the article at `address` stores passage keys (only an OCR page does).
    fn stores_passage_keys(&self, address: DocAddress) -> bool {
        self.column(address, true)
            .is_some_and(|column| column.values_for_doc(address.doc_id).next().is_some())
    }
}

/// The id of the segment of `address`.
fn segment_id(searcher: &Searcher, address: DocAddress) -> Option<SegmentId> {
    searcher
        .segment_readers()
        .get(address.segment_ord as usize)
        .map(SegmentReader::segment_id)
}

/// A passage of a target: its byte span, its shingles and its band keys.
type TargetPassage = ((usize, usize), OnceCell<Shingles>, Vec<u64>);
/// Per target, the articles sharing a band; per passage key asked for, the articles holding it
/// (keys held by more than [`MAX_PASSAGE_ARTICLES`] left out).
type Scanned = (
    Vec<HashSet<DocAddress>>,
    HashMap<u64, Vec<DocAddress>, FxBuildHasher>,
);
/// A passage as (article id, start, end) in characters.
pub type PassageAt = (String, usize, usize);

/// What [`find`] found for one target.
#[derive(Debug, Default, Clone)]
struct Found {
    /// Copies of the article, best first.
    copies: Vec<Copy>,
    /// Per passage of the target (in its order), its reprints.
    reprints: Vec<((usize, usize), Vec<Copy>)>,
}

/// The articles that share a band with a target, and those that hold one of `passage_keys`
/// (the band keys of the targets' passages looked for): from the copy digest, a server's sorted
/// values, or one pass over the fast fields ([`copy_keys`]), the same either way; a passage key
/// held by more than [`MAX_PASSAGE_ARTICLES`] articles is dropped.
fn scan(
    index: &NewsIndex,
    searcher: &Searcher,
    targets: &[&Target],
    passage_keys: &HashSet<u64, FxBuildHasher>,
) -> Result<Scanned> {
    let mut article_keys: HashMap<u64, Vec<usize>, FxBuildHasher> = HashMap::default();
    for (t, target) in targets.iter().enumerate() {
        if let Some(signature) = &target.signature {
            for band in signature.0 {
                article_keys.entry(band).or_default().push(t);
            }
        }
    }
    let article_filter = KeyFilter::new(article_keys.keys());
    let passage_filter = KeyFilter::new(passage_keys.iter());
    let mut articles = vec![HashSet::new(); targets.len()];
    let mut key_holders: HashMap<u64, Vec<DocAddress>, FxBuildHasher> = HashMap::default();
    // The index's copy digest, if it covers every segment (a server keeps it read); else a
    // server's sorted values; else a pass over the columns.
    let digest = copy_keys::digest(index.dir(), searcher);
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let address = |doc: DocId| DocAddress::new(ordinal as SegmentOrdinal, doc);
        let listed = digest
            .as_ref()
            .and_then(|digest| digest.segment(segment.segment_id()))
            .and_then(|listed| digest_holders(listed, &article_keys, passage_keys));
        if let Some((article_holders, passage_holders)) = listed {
            for (targets, doc) in article_holders {
                if !segment.is_deleted(doc) {
                    for &t in targets {
                        articles[t].insert(address(doc));
                    }
                }
            }
            for (key, doc) in passage_holders {
                if !segment.is_deleted(doc) {
                    key_holders.entry(key).or_default().push(address(doc));
                }
            }
            continue;
        }
        // No digest, or a block of it that cannot be read: a server's sorted values, else a
        // pass over the columns.
        let sorted = copy_keys::sorted(searcher, segment);
        if let Some(sorted) = sorted {
            for (&value, targets) in &article_keys {
                for doc in sorted.articles.holders(value) {
                    if !segment.is_deleted(doc) {
                        for &t in targets {
                            articles[t].insert(address(doc));
                        }
                    }
                }
            }
            for &key in passage_keys {
                for doc in sorted.passages.holders(key) {
                    if !segment.is_deleted(doc) {
                        key_holders.entry(key).or_default().push(address(doc));
                    }
                }
            }
            continue;
        }
        let fast = segment.fast_fields();
        if !article_keys.is_empty() {
            let column = fast.u64(COPY_ARTICLE).map_err(|e| index.search_error(e))?;
            for (doc, value) in holders(segment, &column, true, &article_filter, |value| {
                article_keys.contains_key(&value)
            }) {
                for &t in article_keys.get(&value).map_or(&[][..], Vec::as_slice) {
                    articles[t].insert(address(doc));
                }
            }
        }
        if !passage_keys.is_empty() {
            let column = fast.u64(COPY_PASSAGE).map_err(|e| index.search_error(e))?;
            for (doc, value) in holders(segment, &column, false, &passage_filter, |value| {
                passage_keys.contains(&value)
            }) {
                key_holders.entry(value).or_default().push(address(doc));
            }
        }
    }
    key_holders.retain(|_, holders| holders.len() <= MAX_PASSAGE_ARTICLES);
    for (t, target) in targets.iter().enumerate() {
        articles[t].remove(&target.address);
    }
    Ok((articles, key_holders))
}

/// Documents of one segment holding an article value, each with the targets asking for it.
type ArticleHolders<'k> = Vec<(&'k [usize], DocId)>;

/// The holders of `article_keys` and `passage_keys` in one segment's part of the copy digest:
/// per article value's holder the targets that asked for it, per passage key's holder the key;
/// `None` when a block of it cannot be read (the segment is then passed over as if there were
/// no digest).
fn digest_holders<'k>(
    listed: SegmentDigest<'_>,
    article_keys: &'k HashMap<u64, Vec<usize>, FxBuildHasher>,
    passage_keys: &HashSet<u64, FxBuildHasher>,
) -> Option<(ArticleHolders<'k>, Vec<(u64, DocId)>)> {
    let mut articles = Vec::new();
    for (&value, targets) in article_keys {
        articles.extend(
            listed
                .holders(Kind::Article, value)?
                .into_iter()
                .map(|doc| (targets.as_slice(), doc)),
        );
    }
    let mut passages = Vec::new();
    for &key in passage_keys {
        passages.extend(
            listed
                .holders(Kind::Passage, key)?
                .into_iter()
                .map(|doc| (key, doc)),
        );
    }
    Some((articles, passages))
}

/// The live documents of `segment` holding a value of `column` that `wanted` accepts, with
/// the value: the column's values are read in blocks straight from its bit-packed store (a
/// filter on the low bits first), and only a value that passes is traced back to its document.
/// With `bands`, the column is `copy_article` and each stored value is read as its two band
/// values ([`signatures::bands_of_value`]).
fn holders(
    segment: &SegmentReader,
    column: &Column<u64>,
    bands: bool,
    filter: &KeyFilter,
    wanted: impl Fn(u64) -> bool,
) -> Vec<(DocId, u64)> {
    const BLOCK: usize = 1024;
    let values = &column.values;
    let count = values.num_vals() as usize;
    let mut block = [0u64; BLOCK];
    let mut rows: Vec<(u32, u64)> = Vec::new();
    let mut at = 0usize;
    while at < count {
        let len = BLOCK.min(count - at);
        values.get_range(at as u64, &mut block[..len]);
        for (offset, &stored) in block[..len].iter().enumerate() {
            let row = (at + offset) as u32;
            for value in signatures::keys_of_value(stored, bands) {
                if filter.may_hold(value) && wanted(value) {
                    rows.push((row, value));
                }
            }
        }
        at += len;
    }
    // A value's row back to its document: the first document whose values end past it.
    let max_doc = segment.max_doc();
    let rows_before = |doc: DocId| column.index.docid_range_to_rowids(0..doc).end;
    let mut found = Vec::with_capacity(rows.len());
    // Rows come in order, so each search starts at the last document found and gallops
    // forward: the values of one document (a target's own keys) cost one lookup each.
    let mut doc: DocId = 0;
    for (row, value) in rows {
        let before = |d: DocId| rows_before(d + 1) <= row;
        let (mut low, mut high, mut step) = (doc, doc, 1u32);
        while high < max_doc && before(high) {
            low = high + 1;
            high = high.saturating_add(step).min(max_doc);
            step = step.saturating_mul(2);
        }
        doc = low + partition(high - low, |x| before(low + x));
        if doc < max_doc && !segment.is_deleted(doc) {
            found.push((doc, value));
        }
    }
    found
}

/// The first `x` in `0..end` for which `before` is false (`before` holds for a prefix).
fn partition(end: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut low, mut high) = (0u32, end);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// A bit per value of a key's low 16 bits: most values of a scan are told apart from the
/// wanted keys by one bit test instead of a hash lookup.
struct KeyFilter(Vec<u64>);

impl KeyFilter {
    fn new<'a>(keys: impl Iterator<Item = &'a u64>) -> KeyFilter {
        let mut bits = vec![0u64; 1024];
        for key in keys {
            let low = (key & 0xffff) as usize;
            bits[low / 64] |= 1 << (low % 64);
        }
        KeyFilter(bits)
    }

    fn may_hold(&self, value: u64) -> bool {
        let low = (value & 0xffff) as usize;
        self.0[low / 64] & (1 << (low % 64)) != 0
    }
}

/// Finds and verifies the copies of each target, reading each candidate's text once.
fn find(index: &NewsIndex, searcher: &Searcher, targets: &[&Target]) -> Result<Vec<Found>> {
    // The passages looked for are cut from the text first, so that the scan looks only for
    // their keys (a page stores every passage's).
    let passages: Vec<Vec<TargetPassage>> = targets.iter().map(|t| t.passages()).collect();
    let wanted: HashSet<u64, FxBuildHasher> = passages
        .iter()
        .flatten()
        .flat_map(|(_, _, keys)| keys.iter().copied())
        .collect();
    let (articles, holders) = scan(index, searcher, targets, &wanted)?;
    let mut cache: HashMap<DocAddress, Candidate> = HashMap::new();
    let mut found: Vec<Found> = Vec::with_capacity(targets.len());
    for ((t, target), passages) in targets.iter().enumerate().zip(&passages) {
        let mut result = Found::default();
        let mut addresses: Vec<DocAddress> = articles[t].iter().copied().collect();
        addresses.sort();
        for address in addresses {
            let candidate = candidate(index, searcher, &mut cache, address)?;
            let similarity = signatures::jaccard(target.shingles(), candidate.shingles());
            if similarity >= THRESHOLD {
                result.copies.push(candidate.copy(similarity, None));
            }
        }
        let others = |key: &u64| {
            holders
                .get(key)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .filter(|&address| address != target.address)
        };
        for (span, set, keys) in passages {
            let mut addresses: Vec<DocAddress> = keys.iter().flat_map(others).collect();
            if addresses.is_empty() {
                continue;
            }
            addresses.sort();
            addresses.dedup();
            let words = RawWords::of(&target.body[span.0..span.1]);
            let mut reprints = Vec::new();
            for address in addresses {
                let candidate = candidate(index, searcher, &mut cache, address)?;
                let set = set.get_or_init(|| signatures::shingles(&target.body[span.0..span.1]));
                let best = candidate.best_passage(set, &words);
                if let Some((similarity, span)) = best
                    && similarity >= THRESHOLD
                {
                    reprints.push(candidate.copy(similarity, Some(span)));
                }
            }
            sort_by_date(&mut reprints);
            if !reprints.is_empty() {
                result.reprints.push((*span, reprints));
            }
        }
        result.copies.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.id.cmp(&b.id))
        });
        found.push(result);
    }
    Ok(found)
}

/// [`find`], with what a server found for the same shown passages of the same article kept
/// while the index stays the same (its segments and their deletions): any commit that adds,
/// changes or deletes articles starts afresh, and nothing is kept past [`KEPT_FOUND_BYTES`]. A one-shot search
/// keeps nothing.
fn find_kept(index: &NewsIndex, searcher: &Searcher, targets: &[Target]) -> Result<Vec<Found>> {
    if !copy_keys::keeps() {
        return find(index, searcher, &targets.iter().collect::<Vec<_>>());
    }
    // The segments with their deletions: what the searcher reads (unique across indexes).
    let generation: Vec<(SegmentId, Option<u64>)> = searcher
        .generation()
        .segments()
        .iter()
        .map(|(id, deletes)| (*id, *deletes))
        .collect();
    let key = |target: &Target| (target.address, target.spans.clone());
    let cell = KEPT_FOUND.get_or_init(|| Mutex::new(KeptFound::default()));
    let mut results: Vec<Option<Found>> = match cell.lock() {
        Ok(mut kept) => {
            if kept.generation != generation {
                *kept = KeptFound {
                    generation: generation.clone(),
                    ..KeptFound::default()
                };
            }
            targets
                .iter()
                .map(|target| kept.found.get(&key(target)).cloned())
                .collect()
        }
        Err(_) => vec![None; targets.len()],
    };
    let missing: Vec<&Target> = targets
        .iter()
        .zip(&results)
        .filter(|(_, result)| result.is_none())
        .map(|(target, _)| target)
        .collect();
    let mut fresh = find(index, searcher, &missing)?.into_iter();
    if let Ok(mut kept) = cell.lock()
        && kept.generation == generation
    {
        for (target, result) in targets.iter().zip(results.iter_mut()) {
            if result.is_some() {
                continue;
            }
            let Some(found) = fresh.next() else {
                break;
            };
            let bytes = found_bytes(&found);
            if kept.bytes + bytes <= KEPT_FOUND_BYTES {
                kept.bytes += bytes;
                kept.found.insert(key(target), found.clone());
            }
            *result = Some(found);
        }
    } else {
        for result in results.iter_mut().filter(|result| result.is_none()) {
            *result = fresh.next();
        }
    }
    Ok(results.into_iter().map(Option::unwrap_or_default).collect())
}

/// Bytes a server keeps for what it found for shown passages (a server's fixed budget).
pub const KEPT_FOUND_BYTES: usize = 8 << 20;

/// An article with the byte spans of its shown passages: what [`find_kept`] keeps results by.
type ShownKey = (DocAddress, Option<Vec<(usize, usize)>>);

/// What a server found, for one state of the index (its segments and their deletions).
#[derive(Default)]
struct KeptFound {
    generation: Vec<(SegmentId, Option<u64>)>,
    bytes: usize,
    found: HashMap<ShownKey, Found>,
}

static KEPT_FOUND: std::sync::OnceLock<Mutex<KeptFound>> = std::sync::OnceLock::new();

/// About the bytes `found` takes: its copies with their strings, and its keys.
fn found_bytes(found: &Found) -> usize {
    let copy = |copy: &Copy| {
        std::mem::size_of::<Copy>()
            + copy.id.len()
            + copy.title.len()
            + copy.source.as_ref().map_or(0, String::len)
    };
    128 + found.copies.iter().map(copy).sum::<usize>()
        + found
            .reprints
            .iter()
            .map(|(_, copies)| 32 + copies.iter().map(copy).sum::<usize>())
            .sum::<usize>()
}

/// The words of a text as a cheap scan sees them (runs of letters and digits, ASCII
/// lower-cased, other characters left out), hashed: a filter that tells a passage from one
/// that cannot be its copy before the analyzer reads it.
struct RawWords {
    set: HashSet<u64, FxBuildHasher>,
    /// A bit per word of `set` (by its hash's top bits): a word whose bit is unset is not in
    /// it, told without probing the set.
    bits: [u64; RawWords::WORDS],
}

impl RawWords {
    /// 64-bit words of [`RawWords::bits`]: 4,096 bits, a passage's fifty-odd words setting
    /// about one in eighty.
    const WORDS: usize = 64;

    fn of(text: &str) -> RawWords {
        let mut words = RawWords {
            set: HashSet::with_hasher(FxBuildHasher),
            bits: [0; RawWords::WORDS],
        };
        raw_words(text, |hash| {
            words.set.insert(hash);
            let (word, bit) = RawWords::bit(hash);
            words.bits[word] |= bit;
        });
        words
    }

    fn bit(hash: u64) -> (usize, u64) {
        let at = (hash >> 52) as usize;
        (at / 64, 1 << (at % 64))
    }

    /// Whether at least half of `text`'s words (as [`RawWords::of`] reads them) are among
    /// these. The text is read once into `hashes` (a buffer); the bits count first: they count
    /// every shared word and a few others, so a text under half by them is under half; only a
    /// text that passes is counted against the set.
    fn share_half_of(&self, text: &str, hashes: &mut Vec<u64>) -> bool {
        hashes.clear();
        raw_words(text, |hash| hashes.push(hash));
        let all = hashes.len();
        let marked = hashes
            .iter()
            .filter(|&&hash| {
                let (word, bit) = RawWords::bit(hash);
                self.bits[word] & bit != 0
            })
            .count();
        if all == 0 || marked * 2 < all {
            return false;
        }
        let shared = hashes.iter().filter(|hash| self.set.contains(hash)).count();
        shared * 2 >= all
    }
}

/// Per byte, how [`raw_words`] reads it: 0 for a byte of a multi-byte character (it neither
/// extends nor ends a run), 1 for any other ASCII byte but a letter or digit (it ends a run),
/// else the letter or digit itself, lower-cased.
static RAW_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 128 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_alphanumeric() {
            b.to_ascii_lowercase()
        } else {
            1
        };
        byte += 1;
    }
    table
};

/// Calls `each` with the hash of every run of ASCII letters and digits in `text`, lower-cased
/// (other bytes of a multi-byte character neither extend nor end a run). The letters are
/// packed eight to a word (none is zero, so the packing is one to one) and each full word and
/// the last are mixed in by one multiplication (FxHash's step): a multiplication per eight
/// letters instead of one per letter. Each byte is told by one lookup ([`RAW_CLASS`]).
fn raw_words(text: &str, mut each: impl FnMut(u64)) {
    const MIX: u64 = 0xf135_7aea_2e62_a9c5;
    let mix = |hash: u64, word: u64| (hash.rotate_left(26) ^ word).wrapping_mul(MIX);
    let (mut hash, mut word, mut letters) = (0u64, 0u64, 0u32);
    for &byte in text.as_bytes() {
        let class = RAW_CLASS[usize::from(byte)];
        if class > 1 {
            word = (word << 8) | u64::from(class);
            letters += 1;
            if letters % 8 == 0 {
                hash = mix(hash, word);
                word = 0;
            }
        } else if class == 1 && letters > 0 {
            each(mix(hash, word ^ (u64::from(letters) << 59)));
            (hash, word, letters) = (0, 0, 0);
        }
    }
    if letters > 0 {
        each(mix(hash, word ^ (u64::from(letters) << 59)));
    }
}

/// A candidate copy, read once.
struct Candidate {
    article: Arc<Article>,
    /// Its segment's id and document.
    at: Option<(SegmentId, DocId)>,
    shingles: OnceCell<Shingles>,
    /// Its paragraphs (OCR pages), each read further only when its length lets it be a copy.
    passages: OnceCell<Vec<CandidatePassage>>,
    /// Its passages as its stored map keeps them, when it does.
    stored: Option<Vec<(usize, usize)>>,
}

/// A paragraph of a candidate: its byte span, its words (split at white space), whether it is
/// long enough to be a passage and its shingles, each once computed.
type CandidatePassage = ((usize, usize), usize, OnceCell<bool>, OnceCell<Shingles>);

impl Candidate {
    fn shingles(&self) -> &Shingles {
        self.shingles
            .get_or_init(|| signatures::shingles(&self.article.body))
    }

    /// The candidate's passage most similar to a passage of `set` shingles and `words`, with
    /// its exact similarity. Only passages that could reach [`THRESHOLD`] are read into
    /// shingles: two sets with Jaccard similarity `J` differ in size by a factor of `J` at
    /// most, so a passage whose word count is far from `set`'s size (under 0.4 of it or over
    /// 2.5 times it, room for words the analyzer splits or drops) is passed over, and so is
    /// one with fewer than half its words among the passage's ([`RawWords`]; a word missing
    /// breaks [`signatures::SHINGLE`] shingles, so a copy at 0.8 has nearly all).
    fn best_passage(&self, set: &Shingles, words: &RawWords) -> Option<(f64, (usize, usize))> {
        let body = &self.article.body;
        // Paragraphs are cut once; whether one is long enough to be a passage, and its
        // shingles, are read only for those the cheaper tests let through.
        let passages = self.passages.get_or_init(|| {
            // A server keeps the page's passages; else those its map stores (the paragraphs
            // long enough to be one) are taken, or its paragraphs are cut here and whether
            // one is long enough to be a passage is asked only when it matters.
            let kept = self
                .at
                .and_then(|(segment, doc)| copy_keys::passages(segment, doc, body));
            if let Some(kept) = kept {
                return kept
                    .iter()
                    .map(|p| (p.span, p.words, OnceCell::from(true), OnceCell::new()))
                    .collect();
            }
            let (spans, long) = match &self.stored {
                Some(stored) => (stored.clone(), OnceCell::from(true)),
                None => (signatures::paragraphs_of(body), OnceCell::new()),
            };
            spans
                .into_iter()
                .map(|span| {
                    let words = spaced_words(&body[span.0..span.1]);
                    (span, words, long.clone(), OnceCell::new())
                })
                .collect()
        });
        let size = set.len() as f64;
        let mut hashes = Vec::new();
        passages
            .iter()
            .filter(|(_, words, _, _)| {
                let words = *words as f64;
                words >= 0.4 * size && words <= 2.5 * (size + signatures::SHINGLE as f64)
            })
            .filter(|(span, _, _, _)| words.share_half_of(&body[span.0..span.1], &mut hashes))
            .filter(|(span, _, long, _)| {
                *long.get_or_init(|| signatures::long_enough(&body[span.0..span.1]))
            })
            .map(|(span, _, _, shingles)| {
                let other = shingles.get_or_init(|| signatures::shingles(&body[span.0..span.1]));
                (signatures::jaccard(set, other), *span)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    fn copy(&self, similarity: f64, span: Option<(usize, usize)>) -> Copy {
        copy_of(&self.article, similarity, span)
    }
}

/// `article` as a copy of `similarity`, with the span (bytes) of the reprinted passage.
fn copy_of(article: &Article, similarity: f64, span: Option<(usize, usize)>) -> Copy {
    Copy {
        id: article.id.clone(),
        title: article.title.clone(),
        source: article.source.clone(),
        date: article.date,
        kind: CopyKind::Copy,
        similarity: (similarity * 1000.0).round() as f32 / 1000.0,
        start: span.map(|s| chars_before(&article.body, s.0)),
        end: span.map(|s| chars_before(&article.body, s.1)),
        aligned_words: None,
        own_start: None,
        own_end: None,
    }
}

/// The characters of `text` before byte `at`.
fn chars_before(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |s| s.chars().count())
}

/// Adds to `found` the reuse in other papers ([`super::reuse`]) of the passages `spans`
/// (bytes) of `article`, found at `address`: each passage's alignments with other articles,
/// besides those already its copies.
fn add_reuse(
    finder: &mut reuse::Finder,
    article: &Article,
    address: DocAddress,
    spans: &[(usize, usize)],
    found: &mut Found,
) -> Result<()> {
    for span in spans {
        let known: HashSet<String> = found
            .reprints
            .iter()
            .filter(|(s, _)| s.0 < span.1 && span.0 < s.1)
            .flat_map(|(_, copies)| copies.iter().map(|c| c.id.clone()))
            .chain(found.copies.iter().map(|c| c.id.clone()))
            .collect();
        let mut reused: Vec<Copy> = Vec::new();
        for reuse in finder.reprints(article, address, span.0..span.1)? {
            if known.contains(&reuse.article.id) {
                continue;
            }
            let mut copy = copy_of(
                &reuse.article,
                reuse.share,
                Some((reuse.other.start, reuse.other.end)),
            );
            copy.kind = CopyKind::Reuse;
            copy.aligned_words = Some(reuse.matched);
            copy.own_start = Some(chars_before(&article.body, reuse.own.start));
            copy.own_end = Some(chars_before(&article.body, reuse.own.end));
            reused.push(copy);
        }
        if reused.is_empty() {
            continue;
        }
        match found.reprints.iter_mut().find(|(s, _)| s == span) {
            Some((_, reprints)) => {
                reprints.extend(reused);
                sort_by_date(reprints);
            }
            None => {
                sort_by_date(&mut reused);
                found.reprints.push((*span, reused));
            }
        }
    }
    found.reprints.sort_by_key(|(span, _)| *span);
    Ok(())
}

fn candidate<'a>(
    index: &NewsIndex,
    searcher: &Searcher,
    cache: &'a mut HashMap<DocAddress, Candidate>,
    address: DocAddress,
) -> Result<&'a Candidate> {
    match cache.entry(address) {
        std::collections::hash_map::Entry::Occupied(entry) => Ok(entry.into_mut()),
        std::collections::hash_map::Entry::Vacant(entry) => {
            // A server keeps the articles it has read (`passage::cache`).
            let segment = segment_id(searcher, address);
            let kept = segment.and_then(|segment| passage::cache::kept(segment, address.doc_id));
            let (article, stored) = match kept {
                Some(kept) => (Arc::clone(&kept.article), None),
                None => {
                    let document: TantivyDocument =
                        searcher.doc(address).map_err(|e| index.search_error(e))?;
                    let article = index.fields().to_article(&document);
                    let stored = index
                        .fields()
                        .passage_map(&document)
                        .and_then(|mut map| map.take_copy_passages(&article.body));
                    (Arc::new(article), stored)
                }
            };
            Ok(entry.insert(Candidate {
                article,
                at: segment.map(|segment| (segment, address.doc_id)),
                shingles: OnceCell::new(),
                passages: OnceCell::new(),
                stored,
            }))
        }
    }
}

/// Date order, undated last, then id.
fn sort_by_date(copies: &mut [Copy]) {
    copies.sort_by(|a, b| {
        let key = |c: &Copy| c.date.map(|d| d.timestamp());
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.id.cmp(&b.id))
    });
}

/// Drops from `ranked` every article that is a copy of one ranked before it, keeping the
/// order: the best-ranked copy (or the first by date) stands for the story.
pub fn collapse(searcher: &Searcher, ranked: Vec<Ranked>) -> Vec<Ranked> {
    collapse_apart(searcher, ranked).0
}

/// [`collapse`], with the articles it drops (in their order) as well.
pub fn collapse_apart(searcher: &Searcher, ranked: Vec<Ranked>) -> (Vec<Ranked>, Vec<Ranked>) {
    type Kept = (Ranked, Option<Signature>, OnceCell<Shingles>);
    let mut kept: Vec<Kept> = Vec::new();
    let mut dropped = Vec::new();
    let columns = CopyColumns::new(searcher);
    for candidate in ranked {
        let signature = columns.signature(candidate.address);
        let own: OnceCell<Shingles> = OnceCell::new();
        let is_copy = signature.is_some_and(|signature| {
            kept.iter().any(|(other, other_signature, other_shingles)| {
                other_signature.is_some_and(|o| o.shares_band(&signature)) && {
                    let theirs =
                        other_shingles.get_or_init(|| signatures::shingles(&other.article.body));
                    let mine = own.get_or_init(|| signatures::shingles(&candidate.article.body));
                    signatures::jaccard(theirs, mine) >= THRESHOLD
                }
            })
        });
        if is_copy {
            dropped.push(candidate);
        } else {
            kept.push((candidate, signature, own));
        }
    }
    let kept = kept.into_iter().map(|(ranked, _, _)| ranked).collect();
    (kept, dropped)
}

/// Lists each hit's copies in the index and its shown passages' reprints (those found by
/// alignment too when `reuse` is set).
///
/// # Errors
/// [`crate::Error::Search`] when the index cannot be read.
pub fn annotate(
    index: &NewsIndex,
    searcher: &Searcher,
    ranked: &[Ranked],
    hits: &mut [Hit],
    reuse: bool,
) -> Result<()> {
    let mut targets = Vec::with_capacity(hits.len());
    let columns = CopyColumns::new(searcher);
    // Per hit, its shown passages as byte spans of the body.
    let mut shown: Vec<Vec<(usize, usize)>> = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let Some(candidate) = ranked.iter().find(|r| r.article.id == hit.id) else {
            targets.push(None);
            shown.push(Vec::new());
            continue;
        };
        let body = &candidate.article.body;
        let spans = shown_bytes(body, hit);
        targets.push(Some(Target::new(
            &columns,
            candidate.address,
            body,
            Some(&spans),
            candidate.copy_passages.as_deref(),
        )));
        shown.push(spans);
    }
    let present: Vec<Target> = targets.iter_mut().filter_map(Option::take).collect();
    let mut found = find_kept(index, searcher, &present)?;
    // Reprints by alignment are looked for in the shown passages themselves (not their whole
    // paragraphs), with few candidates each: this runs for every collapsed search.
    let mut finder = reuse::Finder::new(index, searcher, reuse::CANDIDATES);
    for (result, target) in found.iter_mut().zip(&present).filter(|_| reuse) {
        let Some(candidate) = ranked.iter().find(|r| r.address == target.address) else {
            continue;
        };
        let body = &candidate.article.body;
        let Some(hit) = hits.iter().find(|h| h.id == candidate.article.id) else {
            continue;
        };
        if !signatures::is_page(body) {
            continue;
        }
        let spans = shown_bytes(body, hit);
        add_reuse(
            &mut finder,
            &candidate.article,
            target.address,
            &spans,
            result,
        )?;
    }
    let mut found = found.into_iter();
    let mut present = present.iter();
    for (hit, spans) in hits.iter_mut().zip(&shown) {
        if !ranked.iter().any(|r| r.article.id == hit.id) {
            continue;
        }
        let (Some(result), Some(_)) = (found.next(), present.next()) else {
            break;
        };
        hit.copies = result.copies;
        for (span, reprints) in result.reprints {
            for (passage, &(from, to)) in hit.passages.iter_mut().zip(spans) {
                if from < span.1 && span.0 < to {
                    passage.reprints.extend(reprints.iter().cloned());
                }
            }
        }
        for passage in &mut hit.passages {
            let mut seen = HashSet::new();
            passage.reprints.retain(|r| seen.insert(r.id.clone()));
            sort_by_date(&mut passage.reprints);
        }
    }
    Ok(())
}

/// The byte spans of `hit`'s passages in `body`: those the search made them from, else (a
/// passage made otherwise) found from their characters.
fn shown_bytes(body: &str, hit: &Hit) -> Vec<(usize, usize)> {
    let kept: Option<Vec<(usize, usize)>> = hit
        .passages
        .iter()
        .map(|p| p.bytes.map(|span| (span.start, span.end)))
        .collect();
    kept.unwrap_or_else(|| {
        let offsets: Vec<usize> = hit.passages.iter().flat_map(|p| [p.start, p.end]).collect();
        byte_offsets(body, &offsets)
            .chunks(2)
            .map(|pair| (pair[0], pair[1]))
            .collect()
    })
}

/// A `(start, end)` pair of byte offsets as the passage module's span.
fn byte_span((start, end): (usize, usize)) -> passage::ByteSpan {
    passage::ByteSpan { start, end }
}

/// The words of `text` between whitespace, as `split_whitespace` counts them; a text with no
/// white space outside ASCII (most OCR paragraphs, curly quotes or not) counted by its bytes.
pub(crate) fn spaced_words(text: &str) -> usize {
    // Outside ASCII, only a white space character splits words differently from its bytes
    // read one by one (any other character's bytes are no space, and none starts a word after
    // its first): such a text is counted by characters.
    if !text.is_ascii() && has_wide_space(text.as_bytes()) {
        return text.split_whitespace().count();
    }
    // A word starts at a byte that is no space, first or after a space: each byte is told
    // with the one before it, not by a running state, so that the compiler counts a block of
    // bytes in vector lanes (blocks of at most 255, whose counts fit a byte).
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let mut count = usize::from(!crate::parse::is_space_byte(first));
    for (before, after) in bytes.chunks(255).zip(bytes[1..].chunks(255)) {
        let starts: u8 = before
            .iter()
            .zip(after)
            .map(|(&a, &b)| {
                u8::from(crate::parse::is_space_byte(a)) & u8::from(!crate::parse::is_space_byte(b))
            })
            .fold(0u8, u8::wrapping_add);
        count += usize::from(starts);
    }
    count
}

/// Whether UTF-8 `bytes` hold a white space character outside ASCII (as `char::is_whitespace`
/// tells it: U+0085, U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F and
/// U+3000), found by their first bytes; curly quotes and other characters of the U+2000 block
/// are not.
fn has_wide_space(bytes: &[u8]) -> bool {
    let wide = |at: usize| {
        matches!(
            &bytes[at..],
            [0xC2, 0x85 | 0xA0, ..]
                | [0xE1, 0x9A, 0x80, ..]
                | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
                | [0xE2, 0x81, 0x9F, ..]
                | [0xE3, 0x80, 0x80, ..]
        )
    };
    memchr::memchr3_iter(0xC2, 0xE1, 0xE2, bytes).any(wide)
        || memchr::memchr_iter(0xE3, bytes).any(wide)
}

/// The byte offsets of characters `chars` in `text` (the text's length past its end), in
/// one walk over its bytes (none for ASCII text, whose characters are its bytes).
fn byte_offsets(text: &str, chars: &[usize]) -> Vec<usize> {
    if text.is_ascii() {
        return chars.iter().map(|&c| c.min(text.len())).collect();
    }
    let mut order: Vec<usize> = (0..chars.len()).collect();
    order.sort_unstable_by_key(|&i| chars[i]);
    let bytes = text.as_bytes();
    let mut out = vec![text.len(); chars.len()];
    // `at` is the byte where character number `seen` starts.
    let (mut at, mut seen) = (0usize, 0usize);
    // Bytes skipped at once while the characters they start are not past the one looked for.
    const BLOCK: usize = 64;
    let starts = |block: &[u8]| block.iter().filter(|&&b| b & 0xc0 != 0x80).count();
    for i in order {
        while at + BLOCK <= bytes.len() {
            let started = starts(&bytes[at..at + BLOCK]);
            if seen + started > chars[i] {
                break;
            }
            seen += started;
            at += BLOCK;
            // The rest of a character the block ends inside of.
            while at < bytes.len() && bytes[at] & 0xc0 == 0x80 {
                at += 1;
            }
        }
        while seen < chars[i] && at < bytes.len() {
            at += 1;
            while at < bytes.len() && bytes[at] & 0xc0 == 0x80 {
                at += 1;
            }
            seen += 1;
        }
        if seen == chars[i] {
            out[i] = at;
        }
    }
    out
}

/// Every copy of the article `id` and every reprint of its passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopiesReport {
    /// The article asked about.
    pub id: String,
    /// Its headline.
    pub title: String,
    /// Its source.
    pub source: Option<String>,
    /// Its date.
    pub date: Option<ArticleDate>,
    /// Its copies in date order, each with what it adds and leaves out.
    pub copies: Vec<CopyDiff>,
    /// Its passages that were printed elsewhere (OCR pages), in the body's order.
    pub passages: Vec<ReprintedPassage>,
}

/// One copy with the sentences that differ from the article asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyDiff {
    /// The copy.
    #[serde(flatten)]
    pub copy: Copy,
    /// Sentences the copy has and the article does not.
    pub added: Vec<String>,
    /// Sentences the article has and the copy does not.
    pub removed: Vec<String>,
}

/// A passage of the article and where else it was printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReprintedPassage {
    /// Character offset of the passage in the body.
    pub start: usize,
    /// Character offset just past it.
    pub end: usize,
    /// Its text.
    pub text: String,
    /// The other printings, in date order.
    pub reprints: Vec<Copy>,
}

/// Every copy of article `id` in date order with its added and removed sentences, and every
/// reprint of its passages (`newsindex copies`, `/api/articles/{id}/copies`).
///
/// # Errors
/// [`crate::Error::ArticleNotFound`] when no article has the id; [`crate::Error::Search`] when
/// the index cannot be read.
pub fn copies_of(index: &NewsIndex, id: &str) -> Result<CopiesReport> {
    let searcher = index.reader().searcher();
    let address = index.address(&searcher, id)?;
    let document: TantivyDocument = searcher.doc(address).map_err(|e| index.search_error(e))?;
    let article = index.fields().to_article(&document);
    let target = Target::new(
        &CopyColumns::new(&searcher),
        address,
        &article.body,
        None,
        None,
    );
    let mut found = find(index, &searcher, &[&target])?
        .into_iter()
        .next()
        .unwrap_or_default();
    // Every paragraph of a page is looked for, keys or not: a reworded reprint shares none.
    let spans: Vec<(usize, usize)> = if signatures::is_page(&article.body) {
        signatures::passages(&article.body)
    } else {
        Vec::new()
    };
    add_reuse(
        &mut reuse::Finder::new(index, &searcher, reuse::CANDIDATES_LISTED),
        &article,
        address,
        &spans,
        &mut found,
    )?;
    let mut copies = found.copies;
    sort_by_date(&mut copies);
    let mut diffs = Vec::with_capacity(copies.len());
    let own = sentences(&article.body);
    for copy in copies {
        let other_address = index.address(&searcher, &copy.id)?;
        let other: TantivyDocument = searcher
            .doc(other_address)
            .map_err(|e| index.search_error(e))?;
        let other = index.fields().to_article(&other);
        let theirs = sentences(&other.body);
        let own_keys: HashSet<&String> = own.iter().map(|(k, _)| k).collect();
        let their_keys: HashSet<&String> = theirs.iter().map(|(k, _)| k).collect();
        diffs.push(CopyDiff {
            copy,
            added: theirs
                .iter()
                .filter(|(k, _)| !own_keys.contains(k))
                .map(|(_, s)| s.clone())
                .collect(),
            removed: own
                .iter()
                .filter(|(k, _)| !their_keys.contains(k))
                .map(|(_, s)| s.clone())
                .collect(),
        });
    }
    let body = &article.body;
    let passages = found
        .reprints
        .into_iter()
        .map(|(span, reprints)| {
            let shown = passage::plain_passage(body, byte_span(span));
            ReprintedPassage {
                start: shown.start,
                end: shown.end,
                text: shown.text,
                reprints,
            }
        })
        .collect();
    Ok(CopiesReport {
        id: article.id.clone(),
        title: article.title.clone(),
        source: article.source.clone(),
        date: article.date,
        copies: diffs,
        passages,
    })
}

/// The sentences of a text, each with a key of its folded words (so case, spacing and line
/// breaks do not make a sentence differ).
fn sentences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let push = |from: usize, to: usize, out: &mut Vec<(String, String)>| {
        let sentence = text[from..to]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let key: String = sentence
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if !key.is_empty() {
            out.push((key, sentence));
        }
    };
    for at in 0..bytes.len() {
        let ends = matches!(bytes[at], b'.' | b'!' | b'?')
            && bytes.get(at + 1).is_none_or(|b| b.is_ascii_whitespace());
        let paragraph = bytes[at] == b'\n' && bytes.get(at + 1) == Some(&b'\n');
        if ends || paragraph {
            push(start, at + 1, &mut out);
            start = at + 1;
        }
    }
    if start < text.len() {
        push(start, text.len(), &mut out);
    }
    out
}

/// Matching articles up to which [`Stories::count`] keeps the signatures it reads (72 bytes
/// each, 288 KiB in all) instead of reading again those that may share a band with another.
/// Fresh memory costs a page fault per 4 KiB: kept, 1,326 signatures on `said` over
/// Reuters-21578 save 3% of a cold search's instructions for 22 faults more; far more matches,
/// of which few may share a band, would fault more than they save.
const KEPT_SIGNATURES: usize = 1 << 12;

/// The articles a search matches, gathered while the search runs ([`StoryCollector`]) and
/// their signatures read when counted: what [`Stories::count`] groups into stories.
#[derive(Debug, Default, Clone)]
pub struct Stories {
    /// Per matching article in collection order, its signature (`None`: too short to have one);
    /// an article known to share no band with any other is not listed but counted in `singles`.
    pub signatures: Vec<Option<Signature>>,
    /// Matching articles that share no band with any article of the index: a story each.
    pub singles: u64,
    /// Matching articles whose signatures are still in their segment's column: read by
    /// [`Stories::count`] without keeping those of articles alone among the matches.
    pending: Vec<Pending>,
}

/// One segment's matching documents whose signatures are not read yet.
#[derive(Clone)]
struct Pending {
    column: Column<u64>,
    docs: Vec<DocId>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("docs", &self.docs.len())
            .finish_non_exhaustive()
    }
}

impl Pending {
    /// Calls `each` with the signature of each document (`None`: it has none), those without
    /// first, then the others in document order (the same order every call). The
    /// documents' rows are found in one batch; when they are a good share of the column, its
    /// row starts and values are decoded in blocks as they are passed (a few lookups per
    /// document cost more), else each document's are looked up.
    fn each(&self, mut each: impl FnMut(Option<Signature>)) {
        use tantivy::columnar::ColumnIndex;
        use tantivy::columnar::column_index::MultiValueIndex;
        let column = &self.column;
        let index = match &column.index {
            ColumnIndex::Multivalued(MultiValueIndex::MultiValueIndexV2(index))
                if self.docs.is_sorted() =>
            {
                index
            }
            _ => {
                for &doc in &self.docs {
                    each(Signature::from_values(column.values_for_doc(doc)));
                }
                return;
            }
        };
        let (mut found, mut ranks) = (Vec::new(), Vec::new());
        index
            .optional_index
            .rank_if_exists_batch(&self.docs, &mut found, &mut ranks);
        // Documents without values (too short for a signature) are not among those found.
        for _ in found.len()..self.docs.len() {
            each(None);
        }
        let dense = ranks.len() * 8 >= index.start_index_column.num_vals() as usize;
        let mut starts = Window::new(index.start_index_column.as_ref(), dense);
        let mut values = Window::new(column.values.as_ref(), dense);
        let mut signature = [0u64; signatures::BANDS];
        for &rank in &ranks {
            let (start, end) = (starts.get(rank), starts.get(rank + 1));
            let mut seen = 0usize;
            for row in start..end {
                for value in signatures::bands_of_value(values.get(row)) {
                    let band = (value >> 60) as usize;
                    if let Some(slot) = signature.get_mut(band) {
                        *slot = value;
                        seen |= 1 << band;
                    }
                }
            }
            each((seen == (1 << signatures::BANDS) - 1).then_some(Signature(signature)));
        }
    }
}

/// Values of a column read in increasing rows: decoded a block at a time when most rows are
/// read (`dense`), else one by one.
struct Window<'a, T> {
    column: &'a dyn tantivy::columnar::ColumnValues<T>,
    block: Vec<T>,
    first: u32,
    dense: bool,
}

impl<'a, T: std::marker::Copy + Default + PartialOrd + std::fmt::Debug + Send + Sync + 'static>
    Window<'a, T>
{
    const LEN: u32 = 1024;

    fn new(column: &'a dyn tantivy::columnar::ColumnValues<T>, dense: bool) -> Window<'a, T> {
        Window {
            column,
            block: Vec::new(),
            first: 0,
            dense,
        }
    }

    fn get(&mut self, row: u32) -> T {
        if !self.dense {
            return self.column.get_val(row);
        }
        let at = row.wrapping_sub(self.first) as usize;
        if let Some(&value) = self.block.get(at) {
            return value;
        }
        let len = Self::LEN.min(self.column.num_vals().saturating_sub(row));
        self.block.resize(len as usize, T::default());
        self.column.get_range(u64::from(row), &mut self.block);
        self.first = row;
        self.block.first().copied().unwrap_or_default()
    }
}

/// Per article, whether another may hold one of its band values, told band by band without a
/// table of the values (from each article's [`fingerprint`]s): in bit arrays of about 16 bits
/// per article, each value sets two bits (by two hashes) in "seen", and those already seen in
/// "seen twice". A value held twice has both its bits seen twice; a value held once may too,
/// by chance (a few times in a hundred), which costs only a lookup later. One band's arrays
/// stay in the CPU's caches.
fn may_share(prints: &BandPrints) -> Vec<bool> {
    let count = prints.len();
    let bits = (count * 16).next_power_of_two().clamp(1 << 12, 1 << 24);
    let shift = 32 - bits.trailing_zeros();
    let mut seen = vec![0u64; bits / 64];
    let mut twice = vec![0u64; bits / 64];
    let slots = |fingerprint: u32| {
        let slot = |hash: u32| {
            let at = (hash >> shift) as usize;
            (at / 64, 1u64 << (at % 64))
        };
        [
            slot(fingerprint.wrapping_mul(0x9e37_79b9)),
            slot(fingerprint.wrapping_mul(0x85eb_ca6b)),
        ]
    };
    let mut shared = vec![false; count];
    for band in &prints.0 {
        seen.fill(0);
        twice.fill(0);
        for &fingerprint in band {
            for (word, bit) in slots(fingerprint) {
                twice[word] |= seen[word] & bit;
                seen[word] |= bit;
            }
        }
        for (shared, &fingerprint) in shared.iter_mut().zip(band) {
            *shared |= slots(fingerprint)
                .iter()
                .all(|&(word, bit)| twice[word] & bit != 0);
        }
    }
    shared
}

/// A band value's 32-bit fingerprint (odd, so that no fingerprint is the zero of an article
/// without a signature): equal values have equal fingerprints.
fn fingerprint(value: u64) -> u32 {
    (value.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as u32 | 1
}

/// Per band, the [`fingerprint`]s of articles' band values in the order pushed (0 for an
/// article without a signature).
struct BandPrints(Vec<Vec<u32>>);

impl BandPrints {
    fn with_capacity(articles: usize) -> BandPrints {
        BandPrints(
            (0..signatures::BANDS)
                .map(|_| Vec::with_capacity(articles))
                .collect(),
        )
    }

    fn push(&mut self, signature: Option<&Signature>) {
        for (band, prints) in self.0.iter_mut().enumerate() {
            prints.push(signature.map_or(0, |s| fingerprint(s.0[band])));
        }
    }

    /// The articles pushed.
    fn len(&self) -> usize {
        self.0.first().map_or(0, Vec::len)
    }
}

impl Stories {
    /// The stories of articles whose signatures are read already.
    pub fn of(signatures: Vec<Option<Signature>>) -> Stories {
        Stories {
            signatures,
            ..Stories::default()
        }
    }

    /// How many stories the articles make: articles join when they share a MinHash band and
    /// their signatures estimate a similarity of at least [`COUNT_ESTIMATE`]
    /// ([`Signature::estimate`]; no text is read). Articles without a signature count one each.
    pub fn count(&self) -> u64 {
        self.count_keeping(KEPT_SIGNATURES)
    }

    /// [`Stories::count`], the signatures read kept when there are `kept` pending articles
    /// at most.
    fn count_keeping(&self, kept: usize) -> u64 {
        let mut singles = self.singles;
        let mut signatures: Vec<Option<Signature>> = self.signatures.clone();
        if !self.pending.is_empty() {
            // The pending articles' band values are read as fingerprints; only those that may
            // share a value with another are counted by their whole signatures.
            let count: usize = self.pending.iter().map(|p| p.docs.len()).sum();
            // Up to [`KEPT_SIGNATURES`] articles, the signatures read for the fingerprints are
            // kept, and none is read twice.
            let keep = count <= kept;
            let mut read: Vec<Option<Signature>> = Vec::with_capacity(if keep { count } else { 0 });
            let mut prints = BandPrints::with_capacity(count + signatures.len());
            for pending in &self.pending {
                pending.each(|signature| {
                    prints.push(signature.as_ref());
                    if keep {
                        read.push(signature);
                    }
                });
            }
            for signature in &signatures {
                prints.push(signature.as_ref());
            }
            let shared = may_share(&prints);
            let mut add = |at: usize, signature: Option<Signature>| match signature {
                Some(signature) if shared[at] => signatures.push(Some(signature)),
                _ => singles += 1,
            };
            if keep {
                for (at, signature) in read.into_iter().enumerate() {
                    add(at, signature);
                }
            } else {
                let mut at = 0usize;
                for pending in &self.pending {
                    pending.each(|signature| {
                        add(at, signature);
                        at += 1;
                    });
                }
            }
        }
        // Every article here may share a band value with another of them already (or was read
        // earlier): the band values are not filtered again.
        let roots = Stories::of(signatures).roots_among(None);
        singles
            + roots
                .iter()
                .enumerate()
                .filter(|&(i, &root)| root as usize == i)
                .count() as u64
    }

    /// Per article of `signatures`, the index of the first article of its story (its story's
    /// id); pending articles are not among them.
    pub fn roots(&self) -> Vec<u32> {
        let signatures = &self.signatures;
        // Only articles holding a band value that another may hold can join a story: most
        // articles (alone among the matches) cost a few bit tests and no table lookups.
        let mut prints = BandPrints::with_capacity(signatures.len());
        for signature in signatures {
            prints.push(signature.as_ref());
        }
        self.roots_among(Some(&may_share(&prints)))
    }

    /// [`Stories::roots`], only the articles `shared` marks (all of them: `None`) looked up by
    /// their band values. The roots are the same whichever articles are marked, as long as
    /// every article that holds a band value another holds is: one that holds none joins no
    /// story.
    fn roots_among(&self, shared: Option<&[bool]>) -> Vec<u32> {
        let signatures = &self.signatures;
        let mut parent: Vec<u32> = (0..signatures.len() as u32).collect();
        fn root(parent: &mut [u32], mut at: u32) -> u32 {
            while parent[at as usize] != at {
                parent[at as usize] = parent[parent[at as usize] as usize];
                at = parent[at as usize];
            }
            at
        }
        let shared: Vec<u32> = (0..signatures.len())
            .filter(|&i| shared.is_none_or(|shared| shared[i]) && signatures[i].is_some())
            .map(|i| i as u32)
            .collect();
        // One band at a time, so the table of first holders stays small enough for the CPU's
        // caches; band values are hashes already, so a multiplicative hash spreads them. The
        // pairs compared are those of all bands at once: each article with its band's first
        // holder.
        let mut first: HashMap<u64, u32, FxBuildHasher> =
            HashMap::with_capacity_and_hasher(shared.len(), FxBuildHasher);
        for band in 0..signatures::BANDS {
            first.clear();
            for &i in &shared {
                let Some(signature) = &signatures[i as usize] else {
                    continue;
                };
                match first.entry(signature.0[band]) {
                    std::collections::hash_map::Entry::Occupied(entry) => {
                        let j = *entry.get();
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        if a != b
                            && signatures[j as usize]
                                .is_some_and(|other| other.estimate(signature) >= COUNT_ESTIMATE)
                        {
                            // The smaller index stays the root: a story's id is its first article.
                            parent[a.max(b) as usize] = a.min(b);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(entry) => {
                        entry.insert(i);
                    }
                }
            }
        }
        (0..signatures.len() as u32)
            .map(|i| root(&mut parent, i))
            .collect()
    }
}

/// Gathers the matching articles while a search collects its hits, so that counting stories
/// takes no second search: their signatures are read once the search is done.
#[derive(Debug, Clone)]
pub struct StoryCollector {
    /// Off: collects nothing (a search that does not count stories).
    pub enabled: bool,
    /// Per segment, the articles that share no band with any other ([`copy_keys::lone`], from
    /// the copy digest or a server's sorted values): each is counted, its signature not read.
    pub lone: Option<Arc<Vec<Vec<u64>>>>,
}

/// [`StoryCollector`] on one segment.
pub struct StorySegment {
    column: Option<Column<u64>>,
    /// The matches whose signatures [`Stories::count`] reads.
    docs: Vec<DocId>,
    lone: Option<Arc<Vec<Vec<u64>>>>,
    ordinal: usize,
    singles: u64,
}

impl Collector for StoryCollector {
    type Fruit = Stories;
    type Child = StorySegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<StorySegment> {
        let column = match self.enabled {
            true => Some(reader.fast_fields().u64(COPY_ARTICLE)?),
            false => None,
        };
        Ok(StorySegment {
            column,
            docs: Vec::new(),
            lone: self.lone.clone(),
            ordinal: segment as usize,
            singles: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Stories>) -> tantivy::Result<Stories> {
        let mut merged = Stories::default();
        for fruit in fruits {
            merged.signatures.extend(fruit.signatures);
            merged.singles += fruit.singles;
            merged.pending.extend(fruit.pending);
        }
        Ok(merged)
    }
}

impl SegmentCollector for StorySegment {
    type Fruit = Stories;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.column.is_none() {
            return;
        }
        let lone = self.lone.as_ref().and_then(|lone| lone.get(self.ordinal));
        let word = lone.and_then(|bits| bits.get(doc as usize / 64));
        if word.is_some_and(|word| word & (1 << (doc % 64)) != 0) {
            self.singles += 1;
        } else {
            self.docs.push(doc);
        }
    }

    fn harvest(self) -> Stories {
        let pending = match self.column {
            Some(column) if !self.docs.is_empty() => vec![Pending {
                column,
                docs: self.docs,
            }],
            _ => Vec::new(),
        };
        Stories {
            signatures: Vec::new(),
            singles: self.singles,
            pending,
        }
    }
}

/// Every pair of copies the index groups, for evaluation (`newsindex copies --all`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllPairs {
    /// Article pairs: ids and exact similarity.
    pub articles: Vec<(String, String, f32)>,
    /// Passage pairs: (id, start, end) character spans of both, and exact similarity.
    pub passages: Vec<(PassageAt, PassageAt, f32)>,
    /// The passages compared (OCR pages): id and character span.
    pub compared: Vec<PassageAt>,
}

/// Every copy pair in the index: each article's copies and its passages' reprints, as
/// searches and `newsindex copies` find them, each pair once.
///
/// # Errors
/// [`crate::Error::Search`] when the index cannot be read.
pub fn all_pairs(index: &NewsIndex) -> Result<AllPairs> {
    let searcher = index.reader().searcher();
    let mut addresses = Vec::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            addresses.push(DocAddress::new(ordinal as SegmentOrdinal, doc));
        }
    }
    let mut pairs = AllPairs::default();
    let columns = CopyColumns::new(&searcher);
    for chunk in addresses.chunks(512) {
        let mut ids = Vec::with_capacity(chunk.len());
        for &address in chunk {
            let document: TantivyDocument =
                searcher.doc(address).map_err(|e| index.search_error(e))?;
            let article = index.fields().to_article(&document);
            if signatures::is_page(&article.body) {
                for span in signatures::passages(&article.body) {
                    let shown = passage::plain_passage(&article.body, byte_span(span));
                    pairs
                        .compared
                        .push((article.id.clone(), shown.start, shown.end));
                }
            }
            ids.push((address, article));
        }
        let targets: Vec<Target> = ids
            .iter()
            .map(|(address, article)| Target::new(&columns, *address, &article.body, None, None))
            .collect();
        let found = find(index, &searcher, &targets.iter().collect::<Vec<_>>())?;
        for ((_, article), result) in ids.iter().zip(found) {
            for copy in result.copies {
                if article.id < copy.id {
                    pairs
                        .articles
                        .push((article.id.clone(), copy.id, copy.similarity));
                }
            }
            for (span, reprints) in result.reprints {
                let own = passage::plain_passage(&article.body, byte_span(span));
                for reprint in reprints {
                    let other = (
                        reprint.id.clone(),
                        reprint.start.unwrap_or(0),
                        reprint.end.unwrap_or(0),
                    );
                    let mine = (article.id.clone(), own.start, own.end);
                    if mine < other {
                        pairs.passages.push((mine, other, reprint.similarity));
                    }
                }
            }
        }
    }
    pairs
        .articles
        .sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    pairs
        .passages
        .sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_words_hash_each_run_of_letters_and_digits_lower_cased() {
        let hashes = |text: &str| {
            let mut all = Vec::new();
            raw_words(text, |hash| all.push(hash));
            all
        };
        assert_eq!(hashes("Hello, WORLD 42!"), hashes("hello world\n42"));
        assert_eq!(hashes("Hello, WORLD 42!").len(), 3);
        // Bytes of other characters neither extend nor end a run.
        assert_eq!(hashes("naïve"), hashes("nave"));
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "abcdefgha",
            "internationalization",
            "internationalizatio",
            "1916",
            "19160",
            "aaaaaaaa",
            "aaaaaaaaaaaaaaaa",
        ];
        let all: HashSet<u64> = words.iter().flat_map(|w| hashes(w)).collect();
        assert_eq!(all.len(), words.len());
        assert!(hashes(" ,.- ").is_empty());
    }

    /// [`raw_words`] by its table against its definition, a branch per kind of byte, on edge
    /// texts and every file of the sample corpus.
    #[test]
    fn raw_words_by_the_table_are_those_of_the_definition() {
        fn defined(text: &str) -> Vec<u64> {
            const MIX: u64 = 0xf135_7aea_2e62_a9c5;
            let mix = |hash: u64, word: u64| (hash.rotate_left(26) ^ word).wrapping_mul(MIX);
            let (mut out, mut hash, mut word, mut letters) = (Vec::new(), 0u64, 0u64, 0u32);
            for &byte in text.as_bytes() {
                if byte.is_ascii_alphanumeric() {
                    word = (word << 8) | u64::from(byte.to_ascii_lowercase());
                    letters += 1;
                    if letters % 8 == 0 {
                        hash = mix(hash, word);
                        word = 0;
                    }
                } else if byte.is_ascii() && letters > 0 {
                    out.push(mix(hash, word ^ (u64::from(letters) << 59)));
                    (hash, word, letters) = (0, 0, 0);
                }
            }
            if letters > 0 {
                out.push(mix(hash, word ^ (u64::from(letters) << 59)));
            }
            out
        }
        let read = |text: &str| {
            let mut out = Vec::new();
            raw_words(text, |hash| out.push(hash));
            out
        };
        let files = crate::sample_texts();
        let edges = [
            "",
            "a",
            "A1b2C3d4E5",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789",
            "naïve Zürich—café\u{a0}1916\u{2003}x",
            "a\x00b\x1fc\x7fd@e[f`g{h/i:j~k",
            "end-of-line\r\nhyphen-\nated",
        ];
        for text in edges
            .iter()
            .copied()
            .chain(files.iter().map(String::as_str))
        {
            assert_eq!(read(text), defined(text), "{text}");
        }
        // Every byte between two letters, alone and doubled: it extends the run, ends it or
        // is passed over as the definition says.
        for byte in 0u8..=255 {
            for times in 1..=2 {
                let mut text = b"ab".to_vec();
                text.extend(std::iter::repeat_n(byte, times));
                text.extend(b"cd");
                let text = String::from_utf8_lossy(&text).into_owned();
                assert_eq!(read(&text), defined(&text), "byte {byte:#x}");
            }
            let class = RAW_CLASS[usize::from(byte)];
            match byte {
                b if b.is_ascii_alphanumeric() => assert_eq!(class, b.to_ascii_lowercase()),
                b if b.is_ascii() => assert_eq!(class, 1, "byte {b:#x}"),
                b => assert_eq!(class, 0, "byte {b:#x}"),
            }
        }
    }

    #[test]
    fn half_shared_is_told_as_counting_against_the_set_tells_it() {
        let passage = "The department was further informed that the bandits who killed the \
            party of American mining men was commanded by two former Villa colonels";
        let words = RawWords::of(passage);
        let exact = |text: &str| {
            let (mut all, mut shared) = (0usize, 0usize);
            raw_words(text, |hash| {
                all += 1;
                shared += usize::from(words.set.contains(&hash));
            });
            all > 0 && shared * 2 >= all
        };
        let texts = [
            "",
            "the bandits",
            "the bandits who robbed a train",
            "the bandits who robbed a train at dawn",
            "Further informed: the department was; colonels Villa",
            "An entirely different story about wheat prices in Chicago",
            "The department was further inrormed that the bandits who killed the party",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z the was",
        ];
        let mut hashes = vec![7];
        for text in texts {
            assert_eq!(
                words.share_half_of(text, &mut hashes),
                exact(text),
                "{text}"
            );
        }
        assert!(words.share_half_of("the bandits who robbed", &mut hashes));
        assert!(!words.share_half_of("the bandits robbed a mail train", &mut hashes));
    }

    #[test]
    fn spaced_words_are_those_split_whitespace_counts() {
        for text in [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tand\nnew\r\nlines\x0b\x0cend",
            "x\u{1c}y",
            "Zürich,\u{a0}naïve\u{2003}café — 1916",
            "word ".repeat(300).as_str(),
            " a\tb\n\nc  ".repeat(97).as_str(),
            "x".repeat(1000).as_str(),
            "“Quoted,” she said\u{2014}twice — naïve ’tis"
                .repeat(9)
                .as_str(),
            "a\u{85}b\u{a0}c\u{1680}d\u{2009}e\u{2028}f\u{202f}g\u{205f}h\u{3000}i",
        ] {
            assert_eq!(
                spaced_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn every_wide_space_is_told_and_no_other_character() {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii())
        {
            let text = format!("a{c}b");
            assert_eq!(has_wide_space(text.as_bytes()), c.is_whitespace(), "{c:?}");
            assert_eq!(
                spaced_words(&text),
                text.split_whitespace().count(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn byte_offsets_are_those_of_the_characters() {
        for text in [
            "plain ascii text",
            "Zürich, naïve café — 1916",
            "",
            "日本語のテキスト",
            &"Zürich, naïve café — 1916 and then plain words for a while ".repeat(40),
            &format!("{}é{}", "a".repeat(63), "日本".repeat(50)),
        ] {
            let count = text.chars().count();
            let chars: Vec<usize> = (0..count + 3).rev().collect();
            let expected: Vec<usize> = chars
                .iter()
                .map(|&c| text.char_indices().nth(c).map_or(text.len(), |(at, _)| at))
                .collect();
            assert_eq!(byte_offsets(text, &chars), expected, "{text}");
        }
    }

    /// Counting stories keeps the signatures it reads, or reads them again past
    /// [`KEPT_SIGNATURES`]: the same count either way, on real articles of which every other
    /// one has a copy, in three segments, with signatures already read beside them.
    #[test]
    fn stories_count_the_same_with_signatures_kept_or_read_again() {
        use tantivy::indexer::NoMergePolicy;
        use tantivy::query::AllQuery;
        use tantivy::schema::{NumericOptions, Schema};
        use tantivy::{Index, IndexWriter, TantivyDocument};
        let dir = tempfile::tempdir().unwrap();
        let mut builder = Schema::builder();
        let column = builder.add_u64_field(COPY_ARTICLE, NumericOptions::default().set_fast());
        let index = Index::create_in_dir(dir.path(), builder.build()).unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let texts = crate::sample_texts();
        // Every other text twice (a copy), and a line short of a signature.
        let mut bodies: Vec<&str> = texts.iter().map(String::as_str).collect();
        bodies.extend(texts.iter().step_by(2).map(String::as_str));
        bodies.push("A brief.");
        let third = bodies.len() / 3;
        for (at, body) in bodies.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            for value in signatures::stored(body).article {
                doc.add_u64(column, value);
            }
            writer.add_document(doc).unwrap();
            if at % third == third - 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() >= 3);
        let collector = StoryCollector {
            enabled: true,
            lone: None,
        };
        let mut stories = searcher.search(&AllQuery, &collector).unwrap();
        let kept = stories.count_keeping(usize::MAX);
        assert_eq!(kept, stories.count_keeping(0));
        assert_eq!(kept, stories.count());
        // At most one story per text and the brief; a text and its copy are one story.
        assert!(kept <= (texts.len() + 1) as u64, "{kept}");
        assert!(kept > 2, "{kept}");
        // Signatures read already count beside the pending ones: a few texts' again.
        stories.signatures = texts
            .iter()
            .take(5)
            .map(|text| Signature::from_values(signatures::stored(text).article.into_iter()))
            .collect();
        let with_read = stories.count_keeping(usize::MAX);
        assert_eq!(with_read, stories.count_keeping(0));
        assert!(with_read <= kept + 5, "{with_read} {kept}");
    }
}
