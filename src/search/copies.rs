//! Copies at search time: collapsing a story's copies into one hit, listing every paper that
//! carried it, the reprints of an OCR page's passages, and counting stories.
//!
//! What the index stores is described in [`crate::index::copies`]: band values in fast
//! fields, no links between articles. A search finds the candidates of the articles it shows
//! with one pass over those fast fields (`scan`) and keeps those whose text is a copy
//! (exact Jaccard of word 5-shingles at least [`THRESHOLD`]). Groups are therefore always
//! those of what the index holds now.
//!
//! A passage of an OCR page reworded, shortened or garbled by OCR in another paper is no copy
//! by that measure; [`annotate`] and [`copies_of`] add such reprints, found by alignment in
//! [`super::reuse`], as [`CopyKind::Reuse`]. [`all_pairs`] lists copies only.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

use super::rank::Ranked;
use super::{Hit, passage, reuse};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;
use crate::index::NewsIndex;
use crate::index::copies::{self as signatures, Signature, THRESHOLD};
use crate::index::schema::{COPY_ARTICLE, COPY_PASSAGE};

/// A passage band key held by more articles than this is standing matter (a masthead, a
/// notice, an advertisement printed every day) and finds no reprints.
pub const MAX_PASSAGE_ARTICLES: usize = 64;
/// The share of equal MinHash hashes from which two articles count as one story in
/// [`count_stories`] (an estimate: counting reads no text).
pub const COUNT_ESTIMATE: f64 = 0.75;

/// Whether copies collapse into one hit. Programs (the CLI and the API) get every article
/// unless they ask for collapsing, which costs a search 1.5x to 6x its time; the page, read by
/// people, asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopiesMode {
    /// One hit per story: the best-ranked copy (or the first by date) lists the others.
    Collapse,
    /// Every copy is a hit of its own, and none lists the others.
    #[default]
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
struct Target {
    /// The article's own address, left out of its copies.
    address: DocAddress,
    /// Its body, whose shingles are computed only when a candidate needs comparing.
    body: String,
    shingles: OnceCell<HashSet<u64>>,
    /// Its stored signature.
    signature: Option<Signature>,
    /// Passages (byte span in the body) with their shingles and band keys.
    passages: Vec<TargetPassage>,
}

impl Target {
    /// The target for `body`, its passages limited to those overlapping `spans` (byte spans;
    /// `None`: every passage of an OCR page).
    fn new(
        searcher: &Searcher,
        address: DocAddress,
        body: &str,
        spans: Option<&[(usize, usize)]>,
    ) -> Target {
        let signature = stored_signature(searcher, address);
        let mut passages = Vec::new();
        if signatures::is_page(body) {
            for span in signatures::passages(body) {
                let wanted = spans.is_none_or(|spans| {
                    spans.iter().any(|&(from, to)| from < span.1 && span.0 < to)
                });
                if !wanted {
                    continue;
                }
                let set = signatures::shingles(&body[span.0..span.1]);
                if let Some(keys) = signatures::passage_keys(&set) {
                    passages.push((span, set, keys.to_vec()));
                }
            }
        }
        Target {
            address,
            body: body.to_string(),
            shingles: OnceCell::new(),
            signature,
            passages,
        }
    }

    fn shingles(&self) -> &HashSet<u64> {
        self.shingles
            .get_or_init(|| signatures::shingles(&self.body))
    }
}

/// The signature stored with the article at `address`, if it has one.
fn stored_signature(searcher: &Searcher, address: DocAddress) -> Option<Signature> {
    let segment = searcher
        .segment_readers()
        .get(address.segment_ord as usize)?;
    let column = segment.fast_fields().u64(COPY_ARTICLE).ok()?;
    Signature::from_values(column.values_for_doc(address.doc_id))
}

/// A passage of a target: its byte span, its shingles and its band keys.
type TargetPassage = ((usize, usize), HashSet<u64>, Vec<u64>);
/// A candidate's passage: its byte span and its shingles.
type Shingled = ((usize, usize), HashSet<u64>);
/// Per target, the articles sharing a band; per target and passage, those sharing a key.
type Scanned = (Vec<HashSet<DocAddress>>, Vec<Vec<HashSet<DocAddress>>>);
/// A passage as (article id, start, end) in characters.
pub type PassageAt = (String, usize, usize);

/// What [`find`] found for one target.
#[derive(Debug, Default)]
struct Found {
    /// Copies of the article, best first.
    copies: Vec<Copy>,
    /// Per passage of the target (in its order), its reprints.
    reprints: Vec<((usize, usize), Vec<Copy>)>,
}

/// The articles that share a band with a target, and those that share a passage key, in one
/// pass over the fast fields; a passage key held by more than [`MAX_PASSAGE_ARTICLES`]
/// articles is dropped.
fn scan(index: &NewsIndex, searcher: &Searcher, targets: &[Target]) -> Result<Scanned> {
    let mut article_keys: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut passage_keys: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (t, target) in targets.iter().enumerate() {
        if let Some(signature) = &target.signature {
            for band in signature.0 {
                article_keys.entry(band).or_default().push(t);
            }
        }
        for (p, (_, _, keys)) in target.passages.iter().enumerate() {
            for key in keys {
                passage_keys.entry(*key).or_default().push((t, p));
            }
        }
    }
    let article_filter = KeyFilter::new(article_keys.keys());
    let passage_filter = KeyFilter::new(passage_keys.keys());
    let mut articles = vec![HashSet::new(); targets.len()];
    let mut key_holders: HashMap<u64, Vec<DocAddress>> = HashMap::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let fast = segment.fast_fields();
        let article_column: Option<Column<u64>> = if article_keys.is_empty() {
            None
        } else {
            Some(fast.u64(COPY_ARTICLE).map_err(|e| index.search_error(e))?)
        };
        let passage_column: Option<Column<u64>> = if passage_keys.is_empty() {
            None
        } else {
            Some(fast.u64(COPY_PASSAGE).map_err(|e| index.search_error(e))?)
        };
        for doc in segment.doc_ids_alive() {
            let address = DocAddress::new(ordinal as SegmentOrdinal, doc);
            if let Some(column) = &article_column {
                for value in column.values_for_doc(doc) {
                    if !article_filter.may_hold(value) {
                        continue;
                    }
                    if let Some(holders) = article_keys.get(&value) {
                        for &t in holders {
                            articles[t].insert(address);
                        }
                    }
                }
            }
            if let Some(column) = &passage_column {
                for value in column.values_for_doc(doc) {
                    if passage_filter.may_hold(value) && passage_keys.contains_key(&value) {
                        key_holders.entry(value).or_default().push(address);
                    }
                }
            }
        }
    }
    let mut passages: Vec<Vec<HashSet<DocAddress>>> = targets
        .iter()
        .map(|t| vec![HashSet::new(); t.passages.len()])
        .collect();
    for (key, holders) in key_holders {
        if holders.len() > MAX_PASSAGE_ARTICLES {
            continue;
        }
        for &(t, p) in passage_keys.get(&key).map_or(&[][..], Vec::as_slice) {
            passages[t][p].extend(holders.iter().copied());
        }
    }
    for (t, target) in targets.iter().enumerate() {
        articles[t].remove(&target.address);
        for set in &mut passages[t] {
            set.remove(&target.address);
        }
    }
    Ok((articles, passages))
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
fn find(index: &NewsIndex, searcher: &Searcher, targets: &[Target]) -> Result<Vec<Found>> {
    let (articles, passages) = scan(index, searcher, targets)?;
    let mut cache: HashMap<DocAddress, Candidate> = HashMap::new();
    let mut found: Vec<Found> = Vec::with_capacity(targets.len());
    for (t, target) in targets.iter().enumerate() {
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
        for (p, (span, set, _)) in target.passages.iter().enumerate() {
            let mut reprints = Vec::new();
            let mut addresses: Vec<DocAddress> = passages[t][p].iter().copied().collect();
            addresses.sort();
            for address in addresses {
                let candidate = candidate(index, searcher, &mut cache, address)?;
                let best = candidate
                    .passages()
                    .iter()
                    .map(|(span, other)| (signatures::jaccard(set, other), *span))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
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

/// A candidate copy, read once.
struct Candidate {
    article: Article,
    shingles: OnceCell<HashSet<u64>>,
    passages: OnceCell<Vec<Shingled>>,
}

impl Candidate {
    fn shingles(&self) -> &HashSet<u64> {
        self.shingles
            .get_or_init(|| signatures::shingles(&self.article.body))
    }

    fn passages(&self) -> &[Shingled] {
        self.passages.get_or_init(|| {
            let body = &self.article.body;
            signatures::passages(body)
                .into_iter()
                .map(|span| (span, signatures::shingles(&body[span.0..span.1])))
                .collect()
        })
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
            let document: TantivyDocument =
                searcher.doc(address).map_err(|e| index.search_error(e))?;
            let article = index.fields().to_article(&document);
            Ok(entry.insert(Candidate {
                article,
                shingles: OnceCell::new(),
                passages: OnceCell::new(),
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
    type Kept = (Ranked, Option<Signature>, OnceCell<HashSet<u64>>);
    let mut kept: Vec<Kept> = Vec::new();
    for candidate in ranked {
        let signature = stored_signature(searcher, candidate.address);
        let own: OnceCell<HashSet<u64>> = OnceCell::new();
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
        if !is_copy {
            kept.push((candidate, signature, own));
        }
    }
    kept.into_iter().map(|(ranked, _, _)| ranked).collect()
}

/// Lists each hit's copies in the index and its shown passages' reprints.
///
/// # Errors
/// [`crate::Error::Search`] when the index cannot be read.
pub fn annotate(
    index: &NewsIndex,
    searcher: &Searcher,
    ranked: &[Ranked],
    hits: &mut [Hit],
) -> Result<()> {
    let mut targets = Vec::with_capacity(hits.len());
    for hit in hits.iter() {
        let Some(candidate) = ranked.iter().find(|r| r.article.id == hit.id) else {
            targets.push(None);
            continue;
        };
        let body = &candidate.article.body;
        let spans: Vec<(usize, usize)> = hit
            .passages
            .iter()
            .map(|p| (byte_at(body, p.start), byte_at(body, p.end)))
            .collect();
        targets.push(Some(Target::new(
            searcher,
            candidate.address,
            body,
            Some(&spans),
        )));
    }
    let present: Vec<Target> = targets.iter_mut().filter_map(Option::take).collect();
    let mut found = find(index, searcher, &present)?;
    // Reprints by alignment are looked for in the shown passages themselves (not their whole
    // paragraphs), with few candidates each: this runs for every collapsed search.
    let mut finder = reuse::Finder::new(index, searcher, reuse::CANDIDATES);
    for (result, target) in found.iter_mut().zip(&present) {
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
        let spans: Vec<(usize, usize)> = hit
            .passages
            .iter()
            .map(|p| (byte_at(body, p.start), byte_at(body, p.end)))
            .collect();
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
    for hit in hits.iter_mut() {
        if !ranked.iter().any(|r| r.article.id == hit.id) {
            continue;
        }
        let (Some(result), Some(target)) = (found.next(), present.next()) else {
            break;
        };
        let Some(candidate) = ranked.iter().find(|r| r.address == target.address) else {
            continue;
        };
        let body = &candidate.article.body;
        hit.copies = result.copies;
        for (span, reprints) in result.reprints {
            for shown in &mut hit.passages {
                let (from, to) = (byte_at(body, shown.start), byte_at(body, shown.end));
                if from < span.1 && span.0 < to {
                    shown.reprints.extend(reprints.iter().cloned());
                }
            }
        }
        for shown in &mut hit.passages {
            let mut seen = HashSet::new();
            shown.reprints.retain(|r| seen.insert(r.id.clone()));
            sort_by_date(&mut shown.reprints);
        }
    }
    Ok(())
}

/// A `(start, end)` pair of byte offsets as the passage module's span.
fn byte_span((start, end): (usize, usize)) -> passage::ByteSpan {
    passage::ByteSpan { start, end }
}

/// The byte offset of character `at` in `text`.
fn byte_at(text: &str, at: usize) -> usize {
    text.char_indices().nth(at).map_or(text.len(), |(b, _)| b)
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
    let target = Target::new(&searcher, address, &article.body, None);
    let mut found = find(index, &searcher, std::slice::from_ref(&target))?
        .into_iter()
        .next()
        .unwrap_or_default();
    let spans: Vec<(usize, usize)> = target.passages.iter().map(|(span, _, _)| *span).collect();
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

/// How many stories the matches of `query` make: articles joined when they share a MinHash
/// band and at least [`COUNT_ESTIMATE`] of their hashes (an estimate from the stored
/// signatures; no text is read). Articles without a signature count one each.
///
/// # Errors
/// [`crate::Error::Search`] when the index cannot be read.
pub fn count_stories(index: &NewsIndex, searcher: &Searcher, query: &dyn Query) -> Result<u64> {
    let (signatures, unsigned) = searcher
        .search(query, &StoryCollector)
        .map_err(|e| index.search_error(e))?;
    let mut parent: Vec<usize> = (0..signatures.len()).collect();
    fn root(parent: &mut [usize], mut at: usize) -> usize {
        while parent[at] != at {
            parent[at] = parent[parent[at]];
            at = parent[at];
        }
        at
    }
    let mut first: HashMap<u64, usize> = HashMap::new();
    for (i, signature) in signatures.iter().enumerate() {
        for band in signature.0 {
            match first.get(&band) {
                Some(&j) => {
                    if signatures[j].estimate(signature) >= COUNT_ESTIMATE {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                }
                None => {
                    first.insert(band, i);
                }
            }
        }
    }
    let groups = (0..signatures.len())
        .filter(|&i| root(&mut parent, i) == i)
        .count();
    Ok(groups as u64 + unsigned)
}

/// Collects the signatures of matching articles, and counts those without one.
struct StoryCollector;

/// [`StoryCollector`] on one segment.
struct StorySegment {
    column: Column<u64>,
    signatures: Vec<Signature>,
    unsigned: u64,
}

impl Collector for StoryCollector {
    type Fruit = (Vec<Signature>, u64);
    type Child = StorySegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<StorySegment> {
        Ok(StorySegment {
            column: reader.fast_fields().u64(COPY_ARTICLE)?,
            signatures: Vec::new(),
            unsigned: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Signature>, u64)>) -> tantivy::Result<Self::Fruit> {
        let mut all = Vec::new();
        let mut unsigned = 0;
        for (signatures, count) in fruits {
            all.extend(signatures);
            unsigned += count;
        }
        Ok((all, unsigned))
    }
}

impl SegmentCollector for StorySegment {
    type Fruit = (Vec<Signature>, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        match Signature::from_values(self.column.values_for_doc(doc)) {
            Some(signature) => self.signatures.push(signature),
            None => self.unsigned += 1,
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.signatures, self.unsigned)
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
    for chunk in addresses.chunks(512) {
        let mut targets = Vec::with_capacity(chunk.len());
        let mut ids = Vec::with_capacity(chunk.len());
        for &address in chunk {
            let document: TantivyDocument =
                searcher.doc(address).map_err(|e| index.search_error(e))?;
            let article = index.fields().to_article(&document);
            let target = Target::new(&searcher, address, &article.body, None);
            if signatures::is_page(&article.body) {
                for span in signatures::passages(&article.body) {
                    let shown = passage::plain_passage(&article.body, byte_span(span));
                    pairs
                        .compared
                        .push((article.id.clone(), shown.start, shown.end));
                }
            }
            ids.push(article);
            targets.push(target);
        }
        let found = find(index, &searcher, &targets)?;
        for (article, result) in ids.iter().zip(found) {
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
