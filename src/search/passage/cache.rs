//! Articles as read and cut once ([`Kept`], [`kept`], [`keep`]): the article itself, its body's
//! word boundaries with a hash of each word's indexed form, and its passage spans, all of which
//! depend on the stored text alone, kept between searches within a byte budget. A long body
//! that stored its cut ([`PassageMap`]) keeps that map instead: its query words come from the
//! index's positions, as in a one-shot search, which costs a few term lookups whatever the
//! page's length where marking a kept page's words costs a comparison per word (9-11% less
//! server CPU per search on the 1916 pages, and a third less memory; BENCHMARKS.md).
//!
//! A long page takes longer to decompress, scan for words, analyse and cut into passages than to
//! score once its words are marked; a server asked about the same pages again keeps what it has
//! read ([`enable`]), keyed by tantivy's segment id and document id (a segment never changes).
//! With each word's indexed form kept as a hash, marking the query's words in a kept page is
//! one comparison per word: only a word whose hash is a query word's is analysed again, so the
//! marks are exactly those of a fresh reading. Nothing is kept until [`enable`] is called, so a
//! one-shot search pays nothing (it reads each body once, [`super::match_article`], or scores
//! it from its stored map, [`super::match_map`]).

use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHasher;
use tantivy::DocId;
use tantivy::index::SegmentId;

use super::{ByteSpan, PassageMap, split, word_ranges};
use crate::article::Article;
use crate::index::analysis::{Normalizer, words};
use crate::index::passages::MappedPassage;

/// A body's words (`(position, start, end)`, as [`words`] gives them), the hash of each one's
/// indexed form ([`stem_hash`]), and its passage spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    /// Every word the index holds, in order.
    pub words: Vec<(u32, u32, u32)>,
    /// [`stem_hash`] of each word's indexed form, in the order of `words`.
    pub stems: Vec<u32>,
    /// The passages ([`split`]).
    pub spans: Vec<ByteSpan>,
    /// For each passage, its words as a range of indices into `words` (those starting at or
    /// after its start and ending at or before its end).
    pub ranges: Vec<(u32, u32)>,
}

/// The hash a [`Cut`] keeps of a word's indexed form (lower-cased, folded, stemmed): equal
/// forms have equal hashes, so a word whose hash is no query word's is no query word.
pub fn stem_hash(indexed: &str) -> u32 {
    let mut hasher = FxHasher::default();
    hasher.write(indexed.as_bytes());
    let hash = hasher.finish();
    (hash >> 32) as u32 ^ hash as u32
}

impl Cut {
    /// Cuts `body`, analysing each word with `analysis` (the index's, [`Normalizer::stemming`]);
    /// `None` when its offsets do not fit 32 bits.
    pub fn of(body: &str, analysis: &mut Normalizer) -> Option<Cut> {
        u32::try_from(body.len()).ok()?;
        let mut indexed = String::new();
        let mut stems = Vec::new();
        let words = words(body)
            .map(|(position, start, end)| {
                indexed.clear();
                analysis.normalize_into(body.get(start..end).unwrap_or_default(), &mut indexed);
                stems.push(stem_hash(&indexed));
                (position, start as u32, end as u32)
            })
            .collect::<Vec<_>>();
        let spans = split(body);
        let ranges = word_ranges(&spans, &words, |&(_, start, end)| {
            (start as usize, end as usize)
        });
        Some(Cut {
            words,
            stems,
            spans,
            ranges,
        })
    }

    /// Bytes it holds.
    fn bytes(&self) -> usize {
        self.words.len() * std::mem::size_of::<(u32, u32, u32)>()
            + self.stems.len() * std::mem::size_of::<u32>()
            + self.spans.len() * std::mem::size_of::<ByteSpan>()
            + self.ranges.len() * std::mem::size_of::<(u32, u32)>()
            + std::mem::size_of::<Cut>()
    }
}

/// An article as read from the index, with its body's [`Cut`], or the cut its index stores.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The article.
    pub article: Arc<Article>,
    /// How its body's words are found.
    pub words: Words,
}

/// How a kept body's words are found.
#[derive(Debug, Clone, PartialEq)]
pub enum Words {
    /// Cut here: each word with the hash of its indexed form.
    Cut(Cut),
    /// A long body's stored map: its query words come from the index's positions, as in a
    /// one-shot search ([`super::match_map`]). Its cut is made only when a query has more
    /// words than are looked up in the index (a prefix's or fuzzy word's expansion), then kept
    /// with it ([`cut_of`]).
    Map(PassageMap, OnceLock<Cut>),
}

impl Words {
    /// Bytes it holds.
    fn bytes(&self) -> usize {
        match self {
            Words::Cut(cut) => cut.bytes(),
            Words::Map(map, cut) => {
                std::mem::size_of::<PassageMap>()
                    + map.passages.len() * std::mem::size_of::<MappedPassage>()
                    + cut.get().map_or(0, Cut::bytes)
            }
        }
    }
}

impl Kept {
    /// Bytes it holds (its text and its words; the article's other fields are small).
    fn bytes(&self) -> usize {
        let a = &self.article;
        a.body.len()
            + a.title.len()
            + a.path.len()
            + a.id.len()
            + a.key.len()
            + a.byline.as_ref().map_or(0, String::len)
            + a.url.as_ref().map_or(0, String::len)
            + std::mem::size_of::<Kept>()
            + self.words.bytes()
    }
}

/// What is kept, oldest first out once the budget is spent.
struct Store {
    budget: usize,
    bytes: usize,
    kept: HashMap<(SegmentId, DocId), Arc<Kept>>,
    order: VecDeque<(SegmentId, DocId)>,
    /// The index's analysis, remembering the words it has seen.
    analysis: Normalizer,
}

impl Store {
    /// Lets the oldest go until `room` more bytes fit the budget.
    fn make_room(&mut self, room: usize) {
        while self.bytes + room > self.budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.kept.remove(&oldest) {
                self.bytes -= gone.bytes();
            }
        }
    }
}

static STORE: OnceLock<Mutex<Store>> = OnceLock::new();

/// Keeps the articles read from now on, with their cuts, up to `budget` bytes in all.
pub fn enable(budget: usize) {
    let store = STORE.get_or_init(|| {
        Mutex::new(Store {
            budget: 0,
            bytes: 0,
            kept: HashMap::new(),
            order: VecDeque::new(),
            analysis: Normalizer::stemming(),
        })
    });
    if let Ok(mut store) = store.lock() {
        store.budget = budget;
    }
}

/// Document `doc` of segment `segment`, kept from an earlier search.
pub fn kept(segment: SegmentId, doc: DocId) -> Option<Arc<Kept>> {
    let store = STORE.get()?.lock().ok()?;
    store.kept.get(&(segment, doc)).map(Arc::clone)
}

/// Keeps `article` (document `doc` of segment `segment`) when it fits the budget, with `map`,
/// its stored cut, when the map fits the body ([`PassageMap::fits`]), else cut here; gives
/// the article and its map back when nothing is kept ([`enable`] was not called) or the body
/// to cut has offsets that do not fit 32 bits.
pub fn keep(
    segment: SegmentId,
    doc: DocId,
    article: Arc<Article>,
    map: Option<PassageMap>,
) -> Result<Arc<Kept>, (Arc<Article>, Option<PassageMap>)> {
    let Some(Ok(mut store)) = STORE.get().map(Mutex::lock) else {
        return Err((article, map));
    };
    // A map that does not fit its body (a damaged index) is not used: the body is cut. The
    // copy passages a map may hold are not kept: a server keeps each page's passages with
    // their keys itself (`copy_keys`).
    let words = match map {
        Some(mut map) if map.fits(&article.body) => {
            map.copy_passages = None;
            Words::Map(map, OnceLock::new())
        }
        map => match Cut::of(&article.body, &mut store.analysis) {
            Some(cut) => Words::Cut(cut),
            None => return Err((article, map)),
        },
    };
    let kept = Arc::new(Kept { article, words });
    let key = (segment, doc);
    let size = kept.bytes();
    if size <= store.budget && !store.kept.contains_key(&key) {
        store.make_room(size);
        store.bytes += size;
        store.order.push_back(key);
        store.kept.insert(key, Arc::clone(&kept));
    }
    Ok(kept)
}

/// The cut of `kept` (document `doc` of segment `segment`): the one it was kept with, or for a
/// body kept with its map, one made now from its text and kept with it, counted against the
/// budget while the article is kept; `None` when its offsets do not fit 32 bits.
pub fn cut_of(segment: SegmentId, doc: DocId, kept: &Arc<Kept>) -> Option<&Cut> {
    let made = match &kept.words {
        Words::Cut(cut) => return Some(cut),
        Words::Map(_, made) => made,
    };
    if let Some(cut) = made.get() {
        return Some(cut);
    }
    let mut store = STORE.get()?.lock().ok()?;
    // Made under the store's lock: counted once, while the store holds this very article.
    if made.get().is_none() {
        let cut = Cut::of(&kept.article.body, &mut store.analysis)?;
        let size = cut.bytes();
        let _ = made.set(cut);
        let held = store
            .kept
            .get(&(segment, doc))
            .is_some_and(|held| Arc::ptr_eq(held, kept));
        if held {
            store.bytes += size;
            store.make_room(0);
        }
    }
    made.get()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn articles_are_kept_within_the_budget_and_the_oldest_go_first() {
        enable(64 << 10);
        let segment = SegmentId::generate_random();
        let mut article = Article::new(Path::new("a.txt"), None);
        article.body = "One two three.\n\nFour five six. ".repeat(20);
        let article = Arc::new(article);
        let first = keep(segment, 0, Arc::clone(&article), None).unwrap();
        assert_eq!(first.article, article);
        let mut analysis = Normalizer::stemming();
        assert_eq!(
            first.words,
            Words::Cut(Cut::of(&article.body, &mut analysis).unwrap())
        );
        assert!(Arc::ptr_eq(&first, &kept(segment, 0).unwrap()), "kept");
        for doc in 1..100 {
            assert!(keep(segment, doc, Arc::clone(&article), None).is_ok());
        }
        let store = STORE.get().unwrap().lock().unwrap();
        assert!(
            store.bytes <= store.budget,
            "{} > {}",
            store.bytes,
            store.budget
        );
        assert!(
            !store.kept.contains_key(&(segment, 0)),
            "the oldest went first"
        );
        assert!(store.kept.contains_key(&(segment, 99)));
    }

    #[test]
    fn each_word_keeps_the_hash_of_its_indexed_form() {
        let body = "Security TALKS, talked; Zürich";
        let cut = Cut::of(body, &mut Normalizer::stemming()).unwrap();
        let expected: Vec<u32> = ["secur", "talk", "talk", "zurich"]
            .into_iter()
            .map(stem_hash)
            .collect();
        assert_eq!(cut.stems, expected);
    }
}
