//! Copies and reprints at index time: what an article stores so that its copies can be found.
//!
//! An article's text becomes words as the index folds them ([`analysis::words`]: split,
//! lower-cased, accents folded, not stemmed), a word broken by a hyphen at a line end joined
//! again, and the words overlapping runs of [`SHINGLE`] (word 5-shingles). Two texts are
//! copies when the Jaccard similarity of their shingle sets is at least [`THRESHOLD`].
//!
//! Each article with a body of at least [`MIN_SHINGLES`] shingles stores a MinHash
//! signature of [`ARTICLE_HASHES`] hashes, [`ARTICLE_BITS`] bits each (b-bit MinHash: Li and
//! König, "b-Bit Minwise Hashing", WWW 2010), [`ROWS`] to a locality-sensitive-hashing band:
//! two articles are candidate copies when any band is equal (probability `1 - (1 - p^4)^8`
//! with `p = J + (1 - J) / 128`, the chance that two hashes agree: 0.986 at J = 0.8, 0.99998
//! at 0.9, 0.07 at 0.3), and the share of equal hashes, less the agreement of chance,
//! estimates J. In memory a band is a `u64` tagged with its band number
//! ([`Signature`]); the index stores two bands to a value of the multi-valued fast field
//! `copy_article` ([`Signature::stored_values`], read back by [`bands_of_value`]), half the
//! values tantivy would take and write for eight.
//!
//! The signature is a one-permutation MinHash (Li, Owen and Zhang, "One Permutation Hashing",
//! NIPS 2012): each shingle is hashed once, the hash's top bits choose one of the
//! [`ARTICLE_HASHES`] bins and the rest is kept if it is the bin's minimum; a bin no shingle
//! fell into borrows the value of another bin chosen by a probe sequence of its own
//! (Shrivastava, "Optimal Densification for Fast and Accurate Minwise Hashing", ICML 2017),
//! so the share of equal bins still estimates J for short texts. That is one hash per shingle
//! instead of one per shingle and hash function.
//!
//! OCR pages (several stories a page, `looks_like_ocr`) also store one signature per
//! passage ([`passages`]: a paragraph told by its short last line), [`PASSAGE_HASHES`]
//! hashes in [`PASSAGE_BANDS`] bands of two, as tagged 32-bit band keys in `copy_passage`
//! (candidate probability `1 - (1 - J^2)^4`: 0.983 at J = 0.8), made the same way.
//!
//! Only candidates are found this way: whether they are copies is decided on their text
//! ([`jaccard`]) when a search or `newsindex copies` reads them. Nothing links one article to
//! another in the index, so deleting a file leaves no dangling group.

use std::cell::RefCell;
use std::collections::HashSet;

use rustc_hash::FxBuildHasher;

use super::analysis::{self, MAX_WORD_BYTES, Normalizer};
use super::passages::{ByteSpan, PassageMap, STORED_MAP_BYTES};
#[cfg(test)]
use crate::parse::ocr_lines;
use crate::parse::{is_space_byte, ocr_lines_of};

/// Words per shingle.
pub const SHINGLE: usize = 5;
/// Jaccard similarity of two texts' shingle sets from which they are copies.
pub const THRESHOLD: f64 = 0.8;
/// Shingles a text needs to be compared at all (a one-line brief is no story to trace).
pub const MIN_SHINGLES: usize = 5;
/// Words a passage of an OCR page needs to be compared (shorter ones are headlines, page
/// furniture and fragments).
pub const PASSAGE_MIN_WORDS: usize = 20;
/// MinHash hashes per article.
pub const ARTICLE_HASHES: usize = 32;
/// Hashes per band.
pub const ROWS: usize = 4;
/// Bands per article.
pub const BANDS: usize = ARTICLE_HASHES / ROWS;
/// MinHash hashes per passage.
pub const PASSAGE_HASHES: usize = 8;
/// Hashes per passage band.
pub const PASSAGE_ROWS: usize = 2;
/// Bands per passage.
pub const PASSAGE_BANDS: usize = PASSAGE_HASHES / PASSAGE_ROWS;
/// Bits kept of each minimum hash of a passage.
const BITS: u32 = 15;
/// Bits kept of each minimum hash of an article: two bands of [`ROWS`] such hashes fit one
/// stored value.
pub const ARTICLE_BITS: u32 = 7;
/// Bits of an article's band.
const BAND_BITS: u32 = ARTICLE_BITS * ROWS as u32;
const BAND_MASK: u64 = (1 << BAND_BITS) - 1;
/// Band values in each value an article stores in `copy_article`.
pub const BANDS_PER_VALUE: usize = 2;
/// Values an article stores in `copy_article`.
pub const ARTICLE_VALUES: usize = BANDS / BANDS_PER_VALUE;

/// A text's set of shingle hashes. The hashes are mixed already, so the set hashes them by
/// one multiplication (FxHash) rather than the standard library's SipHash.
pub type Shingles = HashSet<u64, FxBuildHasher>;

/// An article's signature: [`BANDS`] packed bands of [`ROWS`] [`ARTICLE_BITS`]-bit minimum
/// hashes, each band tagged with its number in its top bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signature(pub [u64; BANDS]);

impl Signature {
    /// The signature of a set of shingle hashes, or `None` below [`MIN_SHINGLES`].
    pub fn of(shingles: &Shingles) -> Option<Signature> {
        Signature::of_shingles(&shingles.iter().copied().collect::<Vec<u64>>())
    }

    /// The signature of a run of shingle hashes, repeats included (they change no minimum),
    /// or `None` below [`MIN_SHINGLES`] distinct shingles.
    fn of_shingles(shingles: &[u64]) -> Option<Signature> {
        Some(Signature::of_mins(one_permutation(
            shingles,
            ARTICLE_SALT,
            ARTICLE_BITS,
        )?))
    }

    /// [`Signature::of_shingles`] of the shingles of a run of word hashes, each shingle put in
    /// its bin as it is rolled, without a list of them (which only a text whose shingles fill
    /// fewer than [`MIN_SHINGLES`] bins is read into, to count them).
    fn of_words(words: &[u64]) -> Option<Signature> {
        let mut bins = Bins::<ARTICLE_HASHES>::new(ARTICLE_SALT, ARTICLE_BITS);
        each_shingle(words, |shingle| bins.add(shingle));
        let mins = bins.finish(|| distinct(&shingles_of(words)))?;
        Some(Signature::of_mins(mins))
    }

    /// The signature of an article's minimum hashes, [`ROWS`] to a band.
    fn of_mins(mins: [u64; ARTICLE_HASHES]) -> Signature {
        let mut bands = [0u64; BANDS];
        for (band, value) in bands.iter_mut().enumerate() {
            let mut packed = 0u64;
            for row in 0..ROWS {
                packed = (packed << ARTICLE_BITS) | mins[band * ROWS + row];
            }
            *value = ((band as u64) << 60) | packed;
        }
        Signature(bands)
    }

    /// The values the article stores in `copy_article`: bands `2i` and `2i + 1` in value `i`,
    /// `i` in the top two bits.
    pub fn stored_values(&self) -> [u64; ARTICLE_VALUES] {
        let mut values = [0u64; ARTICLE_VALUES];
        for (pair, value) in values.iter_mut().enumerate() {
            let (first, second) = (
                self.0[2 * pair] & BAND_MASK,
                self.0[2 * pair + 1] & BAND_MASK,
            );
            *value = ((pair as u64) << 62) | (first << BAND_BITS) | second;
        }
        values
    }

    /// Reads a signature back from the values of `copy_article` (in any order).
    pub fn from_values(values: impl Iterator<Item = u64>) -> Option<Signature> {
        let mut bands = [0u64; BANDS];
        let mut seen = 0usize;
        for value in values {
            for band_value in bands_of_value(value) {
                let band = (band_value >> 60) as usize;
                if let Some(slot) = bands.get_mut(band) {
                    *slot = band_value;
                    seen |= 1 << band;
                }
            }
        }
        (seen == (1 << BANDS) - 1).then_some(Signature(bands))
    }

    /// An estimate of the two texts' Jaccard similarity: the share of equal hashes, less
    /// the share that [`ARTICLE_BITS`]-bit hashes of different minimums have in common by
    /// chance (b-bit MinHash's estimator), at least 0.
    pub fn estimate(&self, other: &Signature) -> f64 {
        const HASH_MASK: u64 = (1 << ARTICLE_BITS) - 1;
        let mut equal = 0usize;
        for (a, b) in self.0.iter().zip(&other.0) {
            for row in 0..ROWS {
                let shift = row as u32 * ARTICLE_BITS;
                if (a >> shift) & HASH_MASK == (b >> shift) & HASH_MASK {
                    equal += 1;
                }
            }
        }
        let chance = 1.0 / f64::from(1u32 << ARTICLE_BITS);
        let share = equal as f64 / ARTICLE_HASHES as f64;
        ((share - chance) / (1.0 - chance)).max(0.0)
    }

    /// True when the two share a band: candidate copies.
    pub fn shares_band(&self, other: &Signature) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a == b)
    }
}

/// The two band values (as [`Signature`] holds them) of one stored `copy_article` value
/// ([`Signature::stored_values`]).
pub fn bands_of_value(value: u64) -> [u64; 2] {
    let first = (value >> 62) * 2;
    [
        (first << 60) | ((value >> BAND_BITS) & BAND_MASK),
        ((first + 1) << 60) | (value & BAND_MASK),
    ]
}

/// The keys a value of a copy column holds: with `bands` (the column is `copy_article`), its
/// two band values ([`bands_of_value`]); else (`copy_passage`) the value itself. What the
/// digest, a server's tables and a search's column scan look up.
#[inline]
pub fn keys_of_value(value: u64, bands: bool) -> impl Iterator<Item = u64> {
    let (keys, count) = match bands {
        true => (bands_of_value(value), BANDS_PER_VALUE),
        false => ([value, value], 1),
    };
    keys.into_iter().take(count)
}

/// The band keys of one passage's signature ([`PASSAGE_BANDS`] tagged 32-bit values), or
/// `None` when the passage is too short.
pub fn passage_keys(shingles: &Shingles) -> Option<[u64; PASSAGE_BANDS]> {
    passage_keys_of(&shingles.iter().copied().collect::<Vec<u64>>())
}

/// [`passage_keys`] of a run of shingle hashes, repeats included.
fn passage_keys_of(shingles: &[u64]) -> Option<[u64; PASSAGE_BANDS]> {
    let mins = one_permutation::<PASSAGE_HASHES>(shingles, PASSAGE_SALT, BITS)?;
    let mut keys = [0u64; PASSAGE_BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let packed = (mins[band * PASSAGE_ROWS] << BITS) | mins[band * PASSAGE_ROWS + 1];
        *key = ((band as u64) << 30) | packed;
    }
    Some(keys)
}

/// What an article stores from the reading of its words: its signature (two bands to a
/// value), its passages' band keys, and a long body's passage map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// `copy_article` values ([`Signature::stored_values`]).
    pub article: Vec<u64>,
    /// `copy_passage` values (empty unless the body is an OCR page).
    pub passages: Vec<u64>,
    /// The body's [`PassageMap`] when it is long enough to store one ([`STORED_MAP_BYTES`]),
    /// made from the words read here rather than by reading the body into words again.
    pub map: Option<PassageMap>,
}

/// The buffers [`stored`] reads a body into, kept by each thread from one body to the next
/// (an index run reads thousands of bodies on each worker): its words, shingles and lines
/// cost no allocation once the buffers have grown.
#[derive(Default)]
struct Scratch {
    words: WordList,
    folding: Folding,
    shingles: Vec<u64>,
    lines: Vec<Line>,
    lengths: Vec<usize>,
}

impl Scratch {
    /// Lets go of buffers a very long body grew: a thread keeps room for 65,536 words,
    /// shingles and lines at most (about 6 MiB; a 1916 page has about 4,000 words), besides
    /// the folding analysis's memo of words ([`Normalizer`], bounded by its own limit).
    fn trim(&mut self) {
        const KEPT: usize = 1 << 16;
        let longest = [
            self.words.hashes.capacity(),
            self.words.counted.capacity(),
            self.shingles.capacity(),
            self.lines.capacity(),
            self.lengths.capacity(),
        ];
        if longest.into_iter().any(|capacity| capacity > KEPT) {
            *self = Scratch::default();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Computes what `body` stores.
pub fn stored(body: &str) -> Stored {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            let stored = stored_with(body, &mut scratch);
            scratch.trim();
            stored
        }
        // Never reached (nothing in `stored_with` calls `stored`), but costs nothing to allow.
        Err(_) => stored_with(body, &mut Scratch::default()),
    })
}

/// [`stored`] with the buffers given.
fn stored_with(body: &str, scratch: &mut Scratch) -> Stored {
    let mut stored = Stored::default();
    let Scratch {
        words,
        folding,
        shingles,
        lines,
        lengths,
    } = scratch;
    // Whether the body is a page is told from its lines alone, first: only a page's passages
    // and a long body's map need to know where each word lies, and most bodies are neither.
    lines_into(body, lines);
    let page = is_page_of_lines(body, lines, lengths);
    let placed = page || body.len() >= STORED_MAP_BYTES;
    // The body is read into words once; a passage's shingles are a slice of the body's.
    read_words(body, words, folding, placed);
    // Only a page's passages need the list of shingles: an article's signature is made as
    // they are rolled.
    let signature = match page {
        true => {
            shingles_into(&words.hashes, shingles);
            Signature::of_shingles(shingles)
        }
        false => Signature::of_words(&words.hashes),
    };
    if let Some(signature) = signature {
        stored.article = signature.stored_values().to_vec();
    }
    if body.len() >= STORED_MAP_BYTES {
        stored.map = Some(PassageMap::of_words(body, words.counted.iter().copied()));
    }
    if page {
        // A paragraph is a passage when it has enough of the index's words, counted from
        // those read already rather than by reading it again ([`long_enough`]).
        let spans: Vec<(usize, usize)> = paragraphs(body, lines)
            .into_iter()
            .filter(|&(from, to)| words.counted_in(from, to) >= PASSAGE_MIN_WORDS)
            .collect();
        // A long page's map keeps them, so that a search does not cut it again.
        if let Some(map) = &mut stored.map {
            let spans = spans.iter().map(|&(start, end)| ByteSpan { start, end });
            map.copy_passages = Some(spans.collect());
        }
        let mut keys: Vec<u64> = keyed(spans, &words.hashes, &words.starts, shingles)
            .into_iter()
            .filter_map(|(_, keys)| keys)
            .flatten()
            .collect();
        keys.sort_unstable();
        keys.dedup();
        stored.passages = keys;
    }
    stored
}

/// A passage's byte span and its band keys (`None` when it has too few shingles).
pub type KeyedPassage = ((usize, usize), Option<[u64; PASSAGE_BANDS]>);

/// Each of `body`'s [`passages`] with its band keys (`None` for one with too few shingles), the
/// body read into words once: the keys [`stored`] stores, passage by passage.
pub fn passages_with_keys(body: &str) -> Vec<KeyedPassage> {
    let spans = passages(body);
    if spans.is_empty() {
        return Vec::new();
    }
    let mut words = WordList::default();
    words_into(body, &mut words, &mut Folding::default());
    let shingled = shingles_of(&words.hashes);
    keyed(spans, &words.hashes, &words.starts, &shingled)
}

/// The band keys of each of `spans`, from the body's word hashes, where each word starts and
/// the body's shingles.
fn keyed(
    spans: Vec<(usize, usize)>,
    hashes: &[u64],
    starts: &[usize],
    shingled: &[u64],
) -> Vec<KeyedPassage> {
    spans
        .into_iter()
        .map(|(from, to)| {
            let first = starts.partition_point(|&at| at < from);
            let last = starts.partition_point(|&at| at < to);
            // The shingles of words first..last: those that start there and end before last
            // (a passage shorter than a shingle has one, of all its words).
            let passage = if last - first >= SHINGLE {
                &shingled[first..=last - SHINGLE]
            } else {
                &shingles_of(&hashes[first..last])[..]
            };
            ((from, to), passage_keys_of(passage))
        })
        .collect()
}

/// The shingles of each of `body`'s [`passages`], with its byte span: the same sets as
/// [`shingles`] of each passage's text, the body read into words once.
pub fn passage_shingles(body: &str) -> Vec<((usize, usize), Shingles)> {
    let spans = passages(body);
    if spans.is_empty() {
        return Vec::new();
    }
    let mut words = WordList::default();
    words_into(body, &mut words, &mut Folding::default());
    let (hashes, starts) = (&words.hashes, &words.starts);
    spans
        .into_iter()
        .map(|(from, to)| {
            let first = starts.partition_point(|&at| at < from);
            let last = starts.partition_point(|&at| at < to);
            let set = shingles_of(&hashes[first..last]).into_iter().collect();
            ((from, to), set)
        })
        .collect()
}

/// True when `body` is an OCR page, whose passages are compared one by one.
pub fn is_page(body: &str) -> bool {
    is_page_of_lines(body, &lines(body), &mut Vec::new())
}

/// [`is_page`] of a body already cut into `lines` (`lengths`: a buffer).
fn is_page_of_lines(body: &str, lines: &[Line], lengths: &mut Vec<usize>) -> bool {
    // A line is blank for the OCR test when it has no character but white space (its `chars`
    // are counted without it): a body with too few other lines is no OCR, and its letters
    // need not be counted (most wire stories and web articles), nor those of the lines after
    // the answer is known. The column test makes the same count of its own before anything
    // dearer.
    let filled = lines.iter().filter(|line| line.chars > 0).count();
    ocr_lines_of(lines.iter().map(|line| &body[line.start..line.end]), filled)
        || is_column_text(lines, lengths)
}

/// A line of a body: its byte span, newline included, its length in characters without the
/// whitespace around it, and whether it ends a sentence (its last character, whitespace
/// aside, is one of [`CLOSING`]).
struct Line {
    start: usize,
    end: usize,
    chars: usize,
    closes: bool,
}

/// The characters that end a sentence, closing quotes included.
const CLOSING: [char; 6] = ['.', '!', '?', '"', '\'', '”'];

/// The lines of `body`, read once for both [`is_column_text`] and [`passages`].
fn lines(body: &str) -> Vec<Line> {
    let mut lines = Vec::with_capacity(body.len() / 32);
    lines_into(body, &mut lines);
    lines
}

/// [`lines`] into `lines` (cleared first).
fn lines_into(body: &str, lines: &mut Vec<Line>) {
    lines.clear();
    let mut start = 0;
    let breaks = memchr::memchr_iter(b'\n', body.as_bytes()).map(|at| at + 1);
    let ends = breaks.chain((start < body.len() && !body.ends_with('\n')).then_some(body.len()));
    // OCR text is mostly ASCII: then a line is trimmed byte by byte (the whitespace `trim`
    // takes off, as bytes) and its characters are its bytes. A page with a few other
    // characters is told line by line.
    let ascii = body.is_ascii();
    let bytes = body.as_bytes();
    for end in ends {
        let (chars, closes) = if ascii || bytes[start..end].is_ascii() {
            let line = &bytes[start..end];
            let first = line.iter().position(|b| !is_space_byte(*b));
            let last = line.iter().rposition(|b| !is_space_byte(*b));
            match (first, last) {
                (Some(first), Some(last)) => (
                    last + 1 - first,
                    matches!(line[last], b'.' | b'!' | b'?' | b'"' | b'\''),
                ),
                _ => (0, false),
            }
        } else {
            let trimmed = body[start..end].trim();
            (chars(trimmed), trimmed.ends_with(CLOSING))
        };
        lines.push(Line {
            start,
            end,
            chars,
            closes,
        });
        start = end;
    }
}

/// True for the text of printed columns: at least [`COLUMN_LINES`] lines, most of them short
/// (median under 55 characters) and hardly a blank line between them. Wire copy wrapped at
/// 65–70 characters, and web and feed text with blank lines between paragraphs, are not.
fn is_column_text(lines: &[Line], lengths: &mut Vec<usize>) -> bool {
    let mut blank = 0usize;
    lengths.clear();
    for line in lines {
        match line.chars {
            0 => blank += 1,
            n => lengths.push(n),
        }
    }
    if lengths.len() < COLUMN_LINES || blank * 10 > lengths.len() {
        return false;
    }
    let middle = lengths.len() / 2;
    *lengths.select_nth_unstable(middle).1 < 55
}

/// Lines a text needs to be read as printed columns.
const COLUMN_LINES: usize = 40;

/// The hashes of `text`'s word shingles (a text shorter than [`SHINGLE`] words has one, of
/// all its words, unless it has none).
pub fn shingles(text: &str) -> Shingles {
    shingle_list(text).into_iter().collect()
}

/// The hashes of `text`'s word shingles in order, repeats included.
fn shingle_list(text: &str) -> Vec<u64> {
    let mut words = WordList::default();
    // The hashes alone: where the words lie is not needed (a search reads a reprint
    // candidate's shingles this way; keeping the places cost a tenth of a one-shot search's
    // instructions on the scale corpus).
    read_words(text, &mut words, &mut Folding::default(), false);
    shingles_of(&words.hashes)
}

/// The hashes of the shingles of a run of word hashes.
fn shingles_of(words: &[u64]) -> Vec<u64> {
    let mut shingles = Vec::new();
    shingles_into(words, &mut shingles);
    shingles
}

/// [`shingles_of`] into `shingles` (cleared first).
fn shingles_into(words: &[u64], shingles: &mut Vec<u64>) {
    shingles.clear();
    shingles.reserve((words.len() + 1).saturating_sub(SHINGLE).max(1));
    each_shingle(words, |shingle| shingles.push(shingle));
}

/// Calls `each` with the hash of each shingle of a run of word hashes, in order (a run
/// shorter than [`SHINGLE`] words has one, of all its words, unless it has none).
#[inline]
fn each_shingle(words: &[u64], mut each: impl FnMut(u64)) {
    if words.is_empty() {
        return;
    }
    // The words' hashes are already mixed: a shingle's hash is a polynomial of them, mixed
    // once, instead of mixing after every word.
    if words.len() < SHINGLE {
        each(mix(polynomial(words)));
        return;
    }
    // The polynomial of a window is rolled on to the next one (take out its first word's
    // term, shift, add the next word), the same value with fewer multiplications, 2^64 being
    // a ring: `polynomial(window) = SHINGLE_SEED * P^SHINGLE + rolled`.
    const TOP: u64 = power(SHINGLE_FACTOR, SHINGLE - 1);
    let base = SHINGLE_SEED.wrapping_mul(power(SHINGLE_FACTOR, SHINGLE));
    let mut rolled = words[..SHINGLE].iter().fold(0u64, |hash, word| {
        hash.wrapping_mul(SHINGLE_FACTOR).wrapping_add(*word)
    });
    each(mix(base.wrapping_add(rolled)));
    for (out, next) in words.iter().zip(&words[SHINGLE..]) {
        rolled = rolled
            .wrapping_sub(out.wrapping_mul(TOP))
            .wrapping_mul(SHINGLE_FACTOR)
            .wrapping_add(*next);
        each(mix(base.wrapping_add(rolled)));
    }
}

/// The seed and factor of a shingle's polynomial of its words' hashes.
const SHINGLE_SEED: u64 = 0x2545_f491_4f6c_dd1d;
const SHINGLE_FACTOR: u64 = 0x9e37_79b9_7f4a_7c15;

/// A run of word hashes' polynomial: `((SEED * P + w0) * P + w1) * P + ...`, wrapping.
fn polynomial(words: &[u64]) -> u64 {
    words.iter().fold(SHINGLE_SEED, |hash, word| {
        hash.wrapping_mul(SHINGLE_FACTOR).wrapping_add(*word)
    })
}

/// `factor` to the power `exponent`, wrapping.
const fn power(factor: u64, exponent: usize) -> u64 {
    let mut value = 1u64;
    let mut left = exponent;
    while left > 0 {
        value = value.wrapping_mul(factor);
        left -= 1;
    }
    value
}

/// The exact Jaccard similarity of two shingle sets (0 when both are empty).
pub fn jaccard(a: &Shingles, b: &Shingles) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common = small.iter().filter(|s| large.contains(s)).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// [`words_into`] as pairs.
#[cfg(test)]
fn words(text: &str) -> Vec<(u64, usize)> {
    let mut words = WordList::default();
    words_into(text, &mut words, &mut Folding::default());
    words.pairs()
}

/// A text's words: each one's hash ([`words_into`]) and the byte offset where it starts; and
/// the words as the index counts them ([`analysis::words`]), read in the same pass.
#[derive(Debug, Default)]
struct WordList {
    hashes: Vec<u64>,
    starts: Vec<usize>,
    /// The index's words `(position, start, end)`, as [`analysis::words`] gives them: runs of
    /// letters and digits, long ones left out but counted, no join at a hyphen.
    counted: Vec<(u32, usize, usize)>,
    /// The runs read so far, long ones included: the next run's position.
    runs: u32,
    /// Whether only `hashes` is kept, not `starts` and `counted`.
    bare: bool,
}

impl WordList {
    fn clear(&mut self, placed: bool) {
        self.hashes.clear();
        self.starts.clear();
        self.counted.clear();
        self.runs = 0;
        self.bare = !placed;
    }

    #[inline]
    fn push(&mut self, hash: u64, start: usize) {
        self.hashes.push(hash);
        if !self.bare {
            self.starts.push(start);
        }
    }

    /// One more run of letters and digits, `[start, end)`: counted as the index counts it.
    #[inline]
    fn run(&mut self, start: usize, end: usize) {
        if !self.bare {
            if end - start < MAX_WORD_BYTES {
                self.counted.push((self.runs, start, end));
            }
            self.runs = self.runs.wrapping_add(1);
        }
    }

    /// How many of the index's words start in `[from, to)`.
    fn counted_in(&self, from: usize, to: usize) -> usize {
        let first = self.counted.partition_point(|&(_, start, _)| start < from);
        let last = self.counted.partition_point(|&(_, start, _)| start < to);
        last - first
    }

    #[cfg(test)]
    fn pairs(&self) -> Vec<(u64, usize)> {
        self.hashes
            .iter()
            .copied()
            .zip(self.starts.iter().copied())
            .collect()
    }
}

/// The folded words of `text` into `words` (cleared first), each hashed, with the byte offset
/// in `text` where each starts; a word cut by a hyphen at a line's end ("com-\nmanded") is
/// joined with the next.
///
/// Words are cut as the index cuts them ([`analysis::words`]) and folded as it folds them
/// (lower-cased, accents folded, not stemmed): an ASCII word is lower-cased while it is
/// hashed, and only a word with other characters goes through the folding analysis.
///
/// Most of an OCR page is ASCII: the text is read in pieces cut at whitespace that no word
/// joined over a line's end crosses, ASCII pieces byte by byte ([`ascii_words`]), the pieces
/// around other characters by the decoding reader ([`decoded_words`]), whose folding analysis
/// `folding` is kept from one text to the next.
fn words_into(text: &str, words: &mut WordList, folding: &mut Folding) {
    read_words(text, words, folding, true);
}

/// [`words_into`], keeping where each word lies (`WordList::starts`, `WordList::counted`)
/// only when `placed`: the hashes alone are what an article's signature needs.
fn read_words(text: &str, words: &mut WordList, folding: &mut Folding, placed: bool) {
    words.clear(placed);
    let bytes = text.as_bytes();
    // Whitespace at `at` that ends a piece: not the line break of a hyphen at a line's end.
    let cuts = |at: usize| {
        matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n')
            && !(bytes[at] == b'\n' && at > 0 && bytes[at - 1] == b'-')
    };
    let mut from = 0;
    while from < bytes.len() {
        let Some(other) = first_non_ascii(&bytes[from..]) else {
            ascii_words(&bytes[from..], from, words);
            break;
        };
        let other = from + other;
        let start = (from..other).rev().find(|&at| cuts(at)).unwrap_or(from);
        let end = (other..bytes.len())
            .find(|&at| cuts(at))
            .unwrap_or(bytes.len());
        ascii_words(&bytes[from..start], from, words);
        // Both ends are ASCII whitespace (or the text's ends): character boundaries.
        decoded_words(&text[start..end], start, words, folding);
        from = end;
    }
}

/// Where the first byte of `bytes` that is not ASCII lies: tested 32 bytes at a time by the
/// standard library's word-wise test, then byte by byte in the chunk that holds one.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for chunk in bytes.chunks(32) {
        if chunk.is_ascii() {
            at += chunk.len();
            continue;
        }
        return chunk
            .iter()
            .position(|b| !b.is_ascii())
            .map(|skip| at + skip);
    }
    None
}

/// The folding analysis the decoding reader ([`decoded_words`]) made, and the buffer it folds a
/// word into, kept from one text to the next.
#[derive(Default)]
struct Folding {
    normalizer: Option<Normalizer>,
    folded: String,
}

/// [`words_into`] of an ASCII text, read byte by byte: a word is a run of ASCII letters and
/// digits, as [`analysis::words`] cuts an ASCII text, lower-cased while it is hashed.
///
/// Both loops index the text only below its length, so the compiler checks no bound in
/// them; a hyphen's join is tested only where a run ends at a `-`.
fn ascii_words(bytes: &[u8], offset: usize, words: &mut WordList) {
    let mut at = 0;
    loop {
        while at < bytes.len() && LOWER[usize::from(bytes[at])] == 0 {
            at += 1;
        }
        if at == bytes.len() {
            break;
        }
        let start = at;
        let (mut hash, mut end) = hash_run(bytes, start, FNV_OFFSET);
        at = end;
        words.run(offset + start, offset + end);
        // A run as long as a long word is no word, nor the start of one.
        if end - start >= MAX_WORD_BYTES {
            continue;
        }
        let mut length = end - start;
        // A hyphen at the line's end, then a lower-case letter: the next run goes on the word,
        // unless it is too long to be a word itself (then it is left for the next turn).
        while bytes.get(end) == Some(&b'-')
            && bytes.get(end + 1) == Some(&b'\n')
            && bytes.get(end + 2).is_some_and(u8::is_ascii_lowercase)
        {
            let (joined, next_end) = hash_run(bytes, end + 2, hash);
            if next_end - (end + 2) >= MAX_WORD_BYTES {
                break;
            }
            words.run(offset + end + 2, offset + next_end);
            (hash, length) = (joined, length + next_end - (end + 2));
            (end, at) = (next_end, next_end);
        }
        if length < MAX_WORD_BYTES {
            words.push(mix(hash), offset + start);
        }
    }
}

/// Goes on with an FNV-1a `hash` over the lower-cased run of ASCII letters and digits that
/// starts at `from` (at most the text's length), scanned and hashed in one pass; returns the
/// hash and where the run ends.
#[inline]
fn hash_run(bytes: &[u8], from: usize, mut hash: u64) -> (u64, usize) {
    let mut taken = 0;
    for &byte in &bytes[from..] {
        let lower = LOWER[usize::from(byte)];
        if lower == 0 {
            break;
        }
        hash = fnv(hash, lower);
        taken += 1;
    }
    (hash, from + taken)
}

/// Each ASCII letter or digit lower-cased, every other byte 0: one load tells a byte of a word
/// and gives what is hashed of it.
static LOWER: [u8; 256] = {
    let mut lower = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        if (byte as u8).is_ascii_alphanumeric() {
            lower[byte] = (byte as u8).to_ascii_lowercase();
        }
        byte += 1;
    }
    lower
};

/// [`words_into`] of a text with non-ASCII characters: runs cut by [`analysis::words`], words
/// with other letters than ASCII ones folded by the index's analysis.
fn decoded_words(text: &str, offset: usize, words: &mut WordList, folding: &mut Folding) {
    let Folding { normalizer, folded } = folding;
    // The piece's runs are numbered on from the runs read before it.
    let base = words.runs;
    let counted = |words: &mut WordList, (position, start, end): (u32, usize, usize)| {
        if !words.bare {
            let at = (base.wrapping_add(position), offset + start, offset + end);
            words.counted.push(at);
        }
    };
    let mut runs = analysis::words(text);
    let mut ahead = runs.next();
    while let Some(run) = ahead.take() {
        ahead = runs.next();
        counted(words, run);
        let (_, start, mut end) = run;
        let mut hash = FNV_OFFSET;
        let mut length = 0;
        let mut from = start;
        loop {
            let word = text.get(from..end).unwrap_or_default();
            let mut ascii = true;
            let before = hash;
            for &byte in word.as_bytes() {
                hash = fnv(hash, byte.to_ascii_lowercase());
                ascii &= byte.is_ascii();
            }
            if !ascii {
                hash = before;
                folded.clear();
                normalizer
                    .get_or_insert_with(Normalizer::folding)
                    .normalize_into(word, folded);
                for byte in folded.as_bytes() {
                    hash = fnv(hash, *byte);
                }
            }
            length += word.len();
            let joins = text[end..].starts_with("-\n")
                && text[end + 2..]
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                && ahead.is_some_and(|(_, next, _)| next == end + 2);
            let Some(next) = ahead.take_if(|_| joins) else {
                break;
            };
            ahead = runs.next();
            counted(words, next);
            (from, end) = (next.1, next.2);
        }
        if length < MAX_WORD_BYTES {
            words.push(mix(hash), offset + start);
        }
    }
    if !words.bare {
        words.runs = base.wrapping_add(runs.read());
    }
}

/// The FNV-1a offset basis: a word's hash before its first byte.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte more of an FNV-1a hash (a word's hash is this over its folded bytes, then mixed).
#[inline]
fn fnv(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

/// The SplitMix64 finaliser: every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The salt of an article's bins.
const ARTICLE_SALT: u64 = 0x9e37_79b9_7f4a_7c15;
/// The salt of a passage's bins (another hash than the article's, from the same shingles).
const PASSAGE_SALT: u64 = 0xd6e8_feb8_6659_fd93;

/// The `N` bins of a one-permutation MinHash of the shingles (repeats included), densified,
/// each kept to `bits` bits; `None` when there are fewer than [`MIN_SHINGLES`] distinct
/// shingles.
fn one_permutation<const N: usize>(shingles: &[u64], salt: u64, bits: u32) -> Option<[u64; N]> {
    let mut bins = Bins::<N>::new(salt, bits);
    for &shingle in shingles {
        bins.add(shingle);
    }
    bins.finish(|| distinct(shingles))
}

/// How many distinct values `values` holds.
fn distinct(values: &[u64]) -> usize {
    let mut distinct = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len()
}

/// A one-permutation MinHash being filled: `N` bins and their minimums so far.
///
/// A shingle's hash under `salt` picks its bin by its top bits and competes for the bin's
/// minimum with the rest. An empty bin `i` takes the value of the first non-empty bin on its
/// own probe sequence `h(i, 1), h(i, 2), ...` (optimal densification), so two texts fill an
/// empty bin alike when they fill the bins it probes alike.
struct Bins<const N: usize> {
    mins: [u64; N],
    salt: u64,
    /// Bits kept of each minimum.
    bits: u32,
}

impl<const N: usize> Bins<N> {
    fn new(salt: u64, bits: u32) -> Self {
        Bins {
            mins: [u64::MAX; N],
            salt,
            bits,
        }
    }

    /// One shingle more.
    #[inline]
    fn add(&mut self, shingle: u64) {
        // A bin is told by the top bits: a power of two of at least two bins.
        const { assert!(N.is_power_of_two() && N > 1) };
        let bin_bits = N.trailing_zeros();
        let value = mix(shingle ^ self.salt);
        let bin = (value >> (64 - bin_bits)) as usize;
        let rest = value << bin_bits;
        if let Some(min) = self.mins.get_mut(bin)
            && rest < *min
        {
            *min = rest;
        }
    }

    /// The bins' minimums, densified and kept to their `bits` bits; `None` when fewer than
    /// [`MIN_SHINGLES`] bins are filled and `distinct`, the number of distinct shingles, is
    /// below it too (it is counted only then).
    fn finish(self, distinct: impl FnOnce() -> usize) -> Option<[u64; N]> {
        let Bins { mins, salt, bits } = self;
        let filled = mins.iter().filter(|&&m| m != u64::MAX).count();
        if filled == 0 || (filled < MIN_SHINGLES && distinct() < MIN_SHINGLES) {
            return None;
        }
        let mut out = [0u64; N];
        for (i, slot) in out.iter_mut().enumerate() {
            let mut min = mins[i];
            let mut attempt = 1u64;
            while min == u64::MAX {
                let probe = mix(((i as u64) << 32) ^ attempt ^ salt) as usize % N;
                min = mins[probe];
                attempt += 1;
            }
            *slot = mix(min) & ((1 << bits) - 1);
        }
        Some(out)
    }
}

/// The passages of an OCR page compared for reprints, as byte spans: paragraphs, a paragraph
/// ending at a blank line or after a line that closes a sentence short of the column's
/// width (under 85% of the median line); those under [`PASSAGE_MIN_WORDS`] words (as the
/// index cuts words) are left out. A text that is not a page is cut at blank lines only.
pub fn passages(body: &str) -> Vec<(usize, usize)> {
    passages_in(body, &lines(body))
}

/// The [`passages`] of `body` that overlap one of `spans` (byte spans): the page is cut as
/// [`passages`] cuts it, but only the passages asked for have their words counted.
pub fn passages_overlapping(body: &str, spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    paragraphs(body, &lines(body))
        .into_iter()
        .filter(|&(from, to)| spans.iter().any(|&(start, end)| start < to && from < end))
        .filter(|&(from, to)| long_enough(&body[from..to]))
        .collect()
}

/// The paragraphs of `body` as [`passages`] cuts them, before short ones are left out: a
/// passage is a paragraph of which [`long_enough`] holds.
pub fn paragraphs_of(body: &str) -> Vec<(usize, usize)> {
    paragraphs(body, &lines(body))
}

/// Whether a paragraph has the [`PASSAGE_MIN_WORDS`] words of a passage.
pub fn long_enough(paragraph: &str) -> bool {
    counted_words(paragraph) >= PASSAGE_MIN_WORDS
}

/// [`passages`] of a body already cut into lines.
fn passages_in(body: &str, lines: &[Line]) -> Vec<(usize, usize)> {
    paragraphs(body, lines)
        .into_iter()
        .filter(|&(from, to)| long_enough(&body[from..to]))
        .collect()
}

/// The paragraphs of a body cut into lines, trimmed, however short (see [`passages`]).
fn paragraphs(body: &str, lines: &[Line]) -> Vec<(usize, usize)> {
    let mut lengths: Vec<usize> = lines
        .iter()
        .map(|line| line.chars)
        .filter(|&n| n >= 20)
        .collect();
    let middle = lengths.len() / 2;
    let width = match lengths.is_empty() {
        true => 0,
        false => *lengths.select_nth_unstable(middle).1,
    };
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for line in lines {
        if line.chars == 0 {
            if let Some(from) = start.take() {
                spans.push((from, line.start));
            }
            continue;
        }
        if start.is_none() {
            start = Some(line.start);
        }
        if line.closes
            && width > 0
            && line.chars * 20 < width * 17
            && let Some(from) = start.take()
        {
            spans.push((from, line.end));
        }
    }
    if let Some(from) = start {
        spans.push((from, body.len()));
    }
    spans
        .into_iter()
        .map(|(from, to)| {
            let text = &body[from..to];
            (
                from + (text.len() - text.trim_start().len()),
                from + text.trim_end().len(),
            )
        })
        .filter(|&(from, to)| to > from)
        .collect()
}

/// The characters of `text` (its bytes when it is ASCII, as OCR text mostly is).
fn chars(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// The words of `text` as the index cuts them, up to [`PASSAGE_MIN_WORDS`] (all that is
/// asked).
fn counted_words(text: &str) -> usize {
    analysis::words(text).take(PASSAGE_MIN_WORDS).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Rolled shingle hashes are each window's polynomial, as the signatures stored by
        /// every index so far were made.
        #[test]
        fn rolled_shingles_are_each_window_s_polynomial(
            words in proptest::collection::vec(proptest::num::u64::ANY, 0..40),
        ) {
            let windows: Vec<u64> = words
                .windows(SHINGLE.min(words.len().max(1)))
                .map(|window| mix(polynomial(window)))
                .collect();
            let rolled = shingles_of(&words);
            if words.is_empty() {
                proptest::prop_assert!(rolled.is_empty());
            } else {
                proptest::prop_assert_eq!(rolled, windows);
            }
        }

        /// ASCII texts are read byte-wise into the words the decoding reader reads: runs of
        /// every length about [`MAX_WORD_BYTES`], hyphens at line ends.
        #[test]
        fn ascii_words_are_the_decoding_reader_s(
            text in "([a-zA-Z0-9]{1,9}|[a-z]{36,44}|x{60,70}|[-.,' ]|-\n|\n|\t){0,150}",
        ) {
            let (mut ascii, mut decoded) = (WordList::default(), WordList::default());
            ascii_words(text.as_bytes(), 7, &mut ascii);
            decoded_words(&text, 7, &mut decoded, &mut Folding::default());
            proptest::prop_assert_eq!(ascii.pairs(), decoded.pairs());
            proptest::prop_assert_eq!(&ascii.counted, &decoded.counted);
            proptest::prop_assert_eq!(ascii.runs, decoded.runs);
        }

        /// Counting the lines that are not blank first changes no answer: a body is a page
        /// exactly when the OCR test or the column test, run whole, says so.
        #[test]
        fn a_page_is_told_as_both_tests_tell_it(
            lines in proptest::collection::vec(
                "([a-z]{1,12}|[A-Z0-9.,;:'|~-]{1,3}| {1,3}|\u{a0}|é){0,12}",
                0..80,
            ),
        ) {
            let body = lines.join("\n");
            let cut = self::lines(&body);
            let whole = ocr_lines(cut.iter().map(|line| &body[line.start..line.end]))
                || is_column_text(&cut, &mut Vec::new());
            proptest::prop_assert_eq!(is_page(&body), whole);
        }

        /// An article's signature made as its shingles are rolled is the one made from the
        /// list of them: texts of every length, and repeated cycles of five to seven words,
        /// whose five to seven shingles often fill fewer bins than [`MIN_SHINGLES`].
        #[test]
        fn signatures_of_rolled_shingles_are_those_of_their_list(
            words in proptest::prop_oneof![
                proptest::collection::vec(proptest::num::u64::ANY, 0..60),
                proptest::collection::vec(0u64..3, 0..60),
                (proptest::collection::vec(proptest::num::u64::ANY, 5..8), 9usize..40)
                    .prop_map(|(cycle, length)| {
                        cycle.iter().copied().cycle().take(length).collect::<Vec<u64>>()
                    }),
            ],
        ) {
            proptest::prop_assert_eq!(
                Signature::of_words(&words),
                Signature::of_shingles(&shingles_of(&words))
            );
        }

        /// Words read without their places hash as those read with them.
        #[test]
        fn words_read_without_places_hash_alike(
            text in "(?s)([a-zA-Zé0-9]{1,9}|[-.,' ]|-\n|\n|é-\nx|[a-z]{40,45}){0,120}",
        ) {
            let (mut placed, mut bare) = (WordList::default(), WordList::default());
            read_words(&text, &mut placed, &mut Folding::default(), true);
            read_words(&text, &mut bare, &mut Folding::default(), false);
            proptest::prop_assert_eq!(&placed.hashes, &bare.hashes);
            proptest::prop_assert_eq!(placed.starts.len(), placed.hashes.len());
            proptest::prop_assert!(bare.starts.is_empty() && bare.counted.is_empty());
        }
    }

    /// [`lines_into`] against its definition (memchr's newlines, `str::trim`, characters
    /// counted one by one) on edge texts and every file of the sample corpus, whole and cut
    /// at every 389th byte that starts a character.
    #[test]
    fn lines_are_those_of_the_definition() {
        fn defined(body: &str) -> Vec<(usize, usize, usize, bool)> {
            let mut out = Vec::new();
            let mut start = 0;
            let ends = memchr::memchr_iter(b'\n', body.as_bytes())
                .map(|at| at + 1)
                .chain((!body.is_empty() && !body.ends_with('\n')).then_some(body.len()));
            for end in ends {
                let trimmed = body[start..end].trim();
                out.push((
                    start,
                    end,
                    trimmed.chars().count(),
                    trimmed.ends_with(CLOSING),
                ));
                start = end;
            }
            out
        }
        let read = |body: &str| {
            let mut lines = Vec::new();
            lines_into(body, &mut lines);
            lines
                .iter()
                .map(|l| (l.start, l.end, l.chars, l.closes))
                .collect::<Vec<_>>()
        };
        let files = crate::sample_texts();
        let edges = [
            "",
            "\n",
            "\n\n\n",
            "a",
            "a\n",
            "ab\ncd",
            "\x0b\n\x0b\nx\x0b\n\n\x01\n\n",
            "  indented line.  \r\n\tNext one!\n \n",
            "0123456\n01234567\n012345678\n\n0123456789abcdef\n",
            "Zürich said \u{201d}no\u{201d}\n\u{a0}naïve\u{a0}\nplain ascii line.\nend\u{2003}",
        ];
        let mut cuts = Vec::new();
        for file in &files {
            let mut at = 0;
            while at < file.len() {
                if file.is_char_boundary(at) {
                    cuts.push(&file[..at]);
                }
                at += 389;
            }
        }
        for body in edges
            .iter()
            .copied()
            .chain(files.iter().map(String::as_str))
            .chain(cuts)
        {
            assert_eq!(read(body), defined(body), "{body:?}");
        }
    }

    const STORY: &str = "The central bank raised its main interest rate by a quarter of a point \
        on Thursday, the third increase this year, saying inflation was still too high and \
        wages were rising faster than it had expected. Economists had been divided on the move.";

    /// The words as tantivy's folding chain gives them, a hyphen at a line end joined first:
    /// what [`words`] must equal.
    fn words_by_the_chain(text: &str) -> Vec<(u64, usize)> {
        use tantivy::tokenizer::TokenStream;
        let mut removed = Vec::new();
        let mut joined = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("-\n") {
            let after = &rest[at + 2..];
            joined.push_str(&rest[..at]);
            if after.chars().next().is_some_and(char::is_lowercase) {
                removed.push(joined.len());
            } else {
                joined.push_str("-\n");
            }
            rest = after;
        }
        joined.push_str(rest);
        let mut analyzer = crate::index::schema::folding_analyzer();
        let mut stream = analyzer.token_stream(&joined);
        let mut words = Vec::new();
        while stream.advance() {
            let token = stream.token();
            let before = removed.partition_point(|&at| at <= token.offset_from);
            let hash = token.text.bytes().fold(FNV_OFFSET, fnv);
            words.push((mix(hash), token.offset_from + 2 * before));
        }
        words
    }

    #[test]
    fn words_are_the_folding_chains_with_hyphens_joined() {
        let text = "The Kremlin's spokesman, Dmitry Peskov, said Zürich-based négo-\nciateurs were com-\nmanded -\nby ex-\nVilla colo-\nnels; ΑΘΗΝΑ Straße x-\n\nend";
        assert_eq!(words(text), words_by_the_chain(text));
        assert_eq!(words(STORY), words_by_the_chain(STORY));
        // The shared corpora when present: every file of the January 1916 pages.
        let pages = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if std::env::var_os("NEWSINDEX_FULL_CORPORA").is_none() || !pages.exists() {
            return;
        }
        for entry in walkdir::WalkDir::new(&pages).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "txt")
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                assert_eq!(
                    words(&text),
                    words_by_the_chain(&text),
                    "{}",
                    entry.path().display()
                );
            }
        }
    }

    #[test]
    fn ascii_texts_are_read_into_the_words_of_the_decoding_reader() {
        let long = "x".repeat(MAX_WORD_BYTES);
        let almost = "y".repeat(MAX_WORD_BYTES - 1);
        let mut texts = vec![
            String::new(),
            "-\n".to_string(),
            "word-".to_string(),
            "word-\n".to_string(),
            "com-\nmanded com-\nManded com-\n1916 com-\n-\nx com- \nx a-\nb-\nc".to_string(),
            format!("{long} tail {long}-\nnext head-\n{long} {long}-\n{long} end"),
            format!("{almost}-\nz {almost}-\nzz z-\n{almost} {almost}"),
            format!("a{long}b-\nc {almost}x-\nyz"),
            "Don't STOP: 12,500 Tons (AP)--Villa's men; e-mail x_y ~ end.".to_string(),
            STORY.to_string(),
        ];
        texts.extend(crate::sample_texts());
        // Texts with other characters are read in pieces, ASCII ones byte by byte.
        let mixed = [
            "Zürich négo-\nciateurs com-\nmandé x-\nÉtat x-\nétat ex-\n\u{a0}y",
            "a¦b c—d “quoted” ¿Qué? naïve-\ncafé ends-\n",
            "OCR l1ne of te\u{2014}xt -\nwith 1916 THE-\nend \u{a0}\n\ttab\r\nÆsop",
            "é",
            "-\né",
            "ascii only at first, then: ΑΘΗΝΑ Straße",
        ];
        for text in mixed
            .iter()
            .map(|text| text.to_string())
            .chain(texts.iter().cloned())
        {
            let (mut pieces, mut whole) = (WordList::default(), WordList::default());
            words_into(&text, &mut pieces, &mut Folding::default());
            decoded_words(&text, 0, &mut whole, &mut Folding::default());
            assert_eq!(pieces.pairs(), whole.pairs(), "{text:.80}");
        }
        let ascii = texts.iter().filter(|text| text.is_ascii()).count();
        assert!(ascii > 10, "{ascii} ASCII texts");
        for text in texts.iter().filter(|text| text.is_ascii()) {
            let (mut ascii, mut decoded) = (WordList::default(), WordList::default());
            ascii_words(text.as_bytes(), 0, &mut ascii);
            decoded_words(text, 0, &mut decoded, &mut Folding::default());
            assert_eq!(ascii.pairs(), decoded.pairs(), "{text:.80}");
        }
    }

    #[test]
    fn lines_are_the_texts_lines_with_their_trimmed_lengths_and_sentence_ends() {
        let texts = [
            "",
            "one line",
            "two\nlines\n",
            "  spaced  \r\n\tTabbed\x0b\x0c\n\n   \nend",
            "Zürich\u{a0}\n\u{a0} naïve café \u{2003}\nplain ascii line\n",
            "\n\n\nx",
            "Ends here. \n\"Quoted!\"\x0b\nasked?\r\nit's'\n no end,\n",
            "“Curly,” he said.\nCurly close”\n",
        ];
        for text in texts {
            let mut offset = 0;
            let expected: Vec<(usize, usize, usize, bool)> = text
                .split_inclusive('\n')
                .map(|line| {
                    let trimmed = line.trim();
                    let span = (
                        offset,
                        offset + line.len(),
                        chars(trimmed),
                        trimmed.ends_with(['.', '!', '?', '"', '\'', '”']),
                    );
                    offset += line.len();
                    span
                })
                .collect();
            let found: Vec<(usize, usize, usize, bool)> = lines(text)
                .iter()
                .map(|line| (line.start, line.end, line.chars, line.closes))
                .collect();
            assert_eq!(found, expected, "{text:?}");
        }
    }

    #[test]
    fn folding_and_case_do_not_change_the_shingles() {
        let loud = STORY.to_uppercase().replace("economists", "Économists");
        assert_eq!(jaccard(&shingles(STORY), &shingles(&loud)), 1.0);
    }

    #[test]
    fn a_hyphen_at_a_line_end_joins_the_word() {
        let broken = STORY.replace("quarter", "quar-\nter");
        assert_eq!(jaccard(&shingles(STORY), &shingles(&broken)), 1.0);
    }

    #[test]
    fn the_estimate_follows_the_exact_similarity() {
        let a = shingles(STORY);
        let edited = format!("{STORY} A spokesman declined to comment further on the decision.");
        let b = shingles(&edited);
        let exact = jaccard(&a, &b);
        let (Some(sa), Some(sb)) = (Signature::of(&a), Signature::of(&b)) else {
            panic!("signatures");
        };
        assert!((sa.estimate(&sb) - exact).abs() < 0.25, "{exact}");
        assert_eq!(sa.estimate(&sa), 1.0);
        let other = shingles(
            "Heavy rain flooded roads across the north of the county on Sunday and the river burst its banks in two places near the old mill.",
        );
        let Some(so) = Signature::of(&other) else {
            panic!("signature");
        };
        assert!(sa.estimate(&so) < 0.2);
        assert!(!sa.shares_band(&so));
        assert_eq!(
            Signature::from_values(sa.stored_values().iter().rev().copied()),
            Some(sa)
        );
    }

    #[test]
    fn what_a_body_stores_does_not_depend_on_the_bodies_read_before_it() {
        let page = "Item of the minutes: the council met last night and voted\nto pave the main street from the de-\npot to the court house before\nthe rains.\n".repeat(50);
        let long = "word ".repeat(200_000);
        let accented = "Zürich négo-\nciateurs met. ".repeat(30);
        let bodies = [&page, STORY, "", &accented, &long, STORY, &page];
        for body in bodies {
            assert_eq!(
                stored(body),
                stored_with(body, &mut Scratch::default()),
                "{body:.40}"
            );
        }
        let page_keys = stored(&page);
        assert!(!page_keys.article.is_empty() && !page_keys.passages.is_empty());
    }

    /// The index's words read in copy detection's pass are [`analysis::words`]'s, with the
    /// count of runs after them, and what a body stores from them (its passage map, which
    /// paragraphs are passages) is what reading the body again gives.
    #[test]
    fn the_words_read_in_the_same_pass_are_the_indexs() {
        let long = "x".repeat(MAX_WORD_BYTES);
        let almost = "y".repeat(MAX_WORD_BYTES - 1);
        let column = format!(
            "The department was further informed\nthat the bandits who killed the party\nof American mining men was com-\nmanded by two former Villa colonels,\n{almost}-\nz Lopez and {long} Beltran, and that\nforce was held in réserve near the\nscene.\nZürich négo-\nciateurs Straße {long}-\nx ΑΘΗΝΑ\nThe council met last night and voted\nto pave the main street from the depot\nto the court house before the summer\nrains, the mayor said after the\nvote.\n"
        );
        let mut texts = vec![
            String::new(),
            "é".to_string(),
            format!("a{long}b-\nc {almost}x-\nyz é {long}"),
            column.repeat(12),
            column.replace('é', "e").repeat(12),
        ];
        texts.extend(crate::sample_texts());
        let pages = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if std::env::var_os("NEWSINDEX_FULL_CORPORA").is_some() && pages.exists() {
            texts.extend(
                walkdir::WalkDir::new(&pages)
                    .into_iter()
                    .flatten()
                    .filter(|entry| entry.path().extension().is_some_and(|e| e == "txt"))
                    .filter_map(|entry| std::fs::read_to_string(entry.path()).ok()),
            );
        }
        let (mut long_bodies, mut pages_read, mut mapped_pages) = (0, 0, 0);
        for text in &texts {
            let mut list = WordList::default();
            words_into(text, &mut list, &mut Folding::default());
            let mut index_words = analysis::words(text);
            let expected: Vec<(u32, usize, usize)> = index_words.by_ref().collect();
            assert_eq!(list.counted, expected, "{text:.80}");
            assert_eq!(list.runs, index_words.read(), "{text:.80}");
            let body = stored(text);
            let mut map = (text.len() >= STORED_MAP_BYTES).then(|| PassageMap::of(text));
            if let Some(map) = map.as_mut().filter(|_| is_page(text)) {
                let spans = passages(text).into_iter();
                map.copy_passages =
                    Some(spans.map(|(start, end)| ByteSpan { start, end }).collect());
            }
            long_bodies += usize::from(map.is_some());
            mapped_pages += usize::from(map.as_ref().is_some_and(|m| m.copy_passages.is_some()));
            assert_eq!(body.map, map, "{text:.80}");
            let mut keys: Vec<u64> = match is_page(text) {
                true => passages_with_keys(text)
                    .into_iter()
                    .filter_map(|(_, keys)| keys)
                    .flatten()
                    .collect(),
                false => Vec::new(),
            };
            keys.sort_unstable();
            keys.dedup();
            pages_read += usize::from(!keys.is_empty());
            assert_eq!(body.passages, keys, "{text:.80}");
        }
        assert!(
            long_bodies >= 2 && pages_read >= 2 && mapped_pages >= 2,
            "{long_bodies} long, {pages_read} pages, {mapped_pages} with their copy passages"
        );
    }

    #[test]
    fn a_pages_stored_keys_are_those_of_its_passages_read_alone() {
        let line = "the council met last night and voted to pave\n";
        let mut page = String::new();
        for n in 0..50 {
            page.push_str(&format!("Item {n} of the minutes: {line}"));
            page.push_str("the main street from the de-\npot to the court house before\n");
            page.push_str("the rains.\n");
        }
        assert!(is_page(&page));
        let mut expected: Vec<u64> = passages(&page)
            .into_iter()
            .filter_map(|(from, to)| passage_keys(&shingles(&page[from..to])))
            .flatten()
            .collect::<HashSet<u64>>()
            .into_iter()
            .collect();
        expected.sort_unstable();
        assert!(!expected.is_empty());
        assert_eq!(stored(&page).passages, expected);
        let whole = Signature::of(&shingles(&page)).map(|s| s.stored_values().to_vec());
        assert_eq!(Some(stored(&page).article), whole);
        // The keys a server keeps per passage are those of each passage read alone.
        let alone: Vec<KeyedPassage> = passages(&page)
            .into_iter()
            .map(|(from, to)| ((from, to), passage_keys(&shingles(&page[from..to]))))
            .collect();
        assert_eq!(passages_with_keys(&page), alone);
        let shown = [(alone[3].0.0 + 1, alone[4].0.0 + 2)];
        let overlapping: Vec<(usize, usize)> = alone[3..5].iter().map(|(span, _)| *span).collect();
        assert_eq!(passages_overlapping(&page, &shown), overlapping);
    }

    #[test]
    fn passage_shingles_are_those_of_each_passage_read_alone() {
        let column = "The department was further informed\nthat the bandits who killed the party\nof American mining men was com-\nmanded by two former Villa colonels,\nLopez and Beltran, and that a force\nwas held in reserve near the\nscene.\nLOCAL NEWS\nThe council met last night and voted\nto pave the main street from the depot\nto the court house before the summer\nrains, the mayor said after the\nvote.\n";
        let each = passage_shingles(column);
        assert_eq!(each.len(), 2);
        for ((from, to), set) in each {
            assert_eq!(set, shingles(&column[from..to]));
        }
    }

    #[test]
    fn a_page_is_cut_after_short_lines_that_close_a_sentence() {
        let column = "The department was further informed\nthat the bandits who killed the party\nof American mining men was commanded\nby two former Villa colonels, Lopez\nand Beltran, and that a force of men\nwas held in reserve near the\nscene.\nLOCAL NEWS\nThe council met last night and voted\nto pave the main street from the depot\nto the court house before the summer\nrains, the mayor said after the\nvote.\n";
        let spans = passages(column);
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert!(column[spans[0].0..spans[0].1].ends_with("scene."));
        assert!(column[spans[1].0..spans[1].1].starts_with("LOCAL NEWS"));
    }
}
