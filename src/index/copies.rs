//! Copies and reprints at index time: what an article stores so that its copies can be found.
//!
//! An article's text becomes words as the index folds them ([`folding_analyzer`]: split,
//! lower-cased, accents folded, not stemmed), a word broken by a hyphen at a line end joined
//! again, and the words overlapping runs of [`SHINGLE`] (word 5-shingles). Two texts are
//! copies when the Jaccard similarity of their shingle sets is at least [`THRESHOLD`].
//!
//! Each article with a body of at least [`MIN_SHINGLES`] shingles stores a MinHash
//! signature of [`ARTICLE_HASHES`] hashes, 15 bits each (b-bit MinHash), packed [`ROWS`] to
//! a `u64`: each packed value is one locality-sensitive-hashing band, tagged with its band
//! number, so two articles are candidate copies when any band value is equal (probability
//! `1 - (1 - J^4)^8`: 0.985 at J = 0.8, 0.9998 at 0.9, 0.04 at 0.3), and the share of equal
//! hashes estimates J. The values live in the multi-valued fast field `copy_article`.
//!
//! OCR pages (several stories a page, `looks_like_ocr`) also store one signature per
//! passage ([`passages`]: a paragraph told by its short last line), [`PASSAGE_HASHES`]
//! hashes in [`PASSAGE_BANDS`] bands of two, as tagged 32-bit band keys in `copy_passage`
//! (candidate probability `1 - (1 - J^2)^4`: 0.983 at J = 0.8).
//!
//! Only candidates are found this way: whether they are copies is decided on their text
//! ([`jaccard`]) when a search or `newsindex copies` reads them. Nothing links one article to
//! another in the index, so deleting a file leaves no dangling group.

use std::collections::HashSet;

use tantivy::tokenizer::TokenStream;

use super::schema::folding_analyzer;
use crate::parse::looks_like_ocr;

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
/// Bits kept of each minimum hash.
const BITS: u32 = 15;
const MASK: u64 = (1 << BITS) - 1;

/// An article's signature: [`BANDS`] packed bands of [`ROWS`] 15-bit minimum hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signature(pub [u64; BANDS]);

impl Signature {
    /// The signature of a set of shingle hashes, or `None` below [`MIN_SHINGLES`].
    pub fn of(shingles: &HashSet<u64>) -> Option<Signature> {
        Signature::of_distinct(shingles.len(), shingles.iter().copied())
    }

    /// The signature of `count` distinct shingle hashes (repeats change no minimum).
    fn of_distinct(count: usize, shingles: impl Iterator<Item = u64>) -> Option<Signature> {
        if count < MIN_SHINGLES {
            return None;
        }
        let mins = min_hashes::<ARTICLE_HASHES>(shingles);
        let mut bands = [0u64; BANDS];
        for (band, value) in bands.iter_mut().enumerate() {
            let mut packed = 0u64;
            for row in 0..ROWS {
                packed = (packed << BITS) | mins[band * ROWS + row];
            }
            *value = ((band as u64) << 60) | packed;
        }
        Some(Signature(bands))
    }

    /// Reads a signature back from the values of `copy_article` (in any order).
    pub fn from_values(values: impl Iterator<Item = u64>) -> Option<Signature> {
        let mut bands = [0u64; BANDS];
        let mut seen = 0usize;
        for value in values {
            let band = (value >> 60) as usize;
            if let Some(slot) = bands.get_mut(band) {
                *slot = value;
                seen |= 1 << band;
            }
        }
        (seen == (1 << BANDS) - 1).then_some(Signature(bands))
    }

    /// The share of equal hashes: an estimate of the two texts' Jaccard similarity.
    pub fn estimate(&self, other: &Signature) -> f64 {
        let mut equal = 0usize;
        for (a, b) in self.0.iter().zip(&other.0) {
            for row in 0..ROWS {
                let shift = row as u32 * BITS;
                if (a >> shift) & MASK == (b >> shift) & MASK {
                    equal += 1;
                }
            }
        }
        equal as f64 / ARTICLE_HASHES as f64
    }

    /// True when the two share a band: candidate copies.
    pub fn shares_band(&self, other: &Signature) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a == b)
    }
}

/// The band keys of one passage's signature ([`PASSAGE_BANDS`] tagged 32-bit values), or
/// `None` when the passage is too short.
pub fn passage_keys(shingles: &HashSet<u64>) -> Option<[u64; PASSAGE_BANDS]> {
    if shingles.len() < MIN_SHINGLES {
        return None;
    }
    let mins = min_hashes::<PASSAGE_HASHES>(shingles.iter().copied());
    let mut keys = [0u64; PASSAGE_BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let packed = (mins[band * PASSAGE_ROWS] << BITS) | mins[band * PASSAGE_ROWS + 1];
        *key = ((band as u64) << 30) | packed;
    }
    Some(keys)
}

/// What an article stores: its signature's bands and its passages' band keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// `copy_article` values.
    pub article: Vec<u64>,
    /// `copy_passage` values (empty unless the body is an OCR page).
    pub passages: Vec<u64>,
}

/// Computes what `body` stores.
pub fn stored(body: &str) -> Stored {
    let mut stored = Stored::default();
    // The body is read into words once; a passage's words are a slice of them.
    let (hashes, starts): (Vec<u64>, Vec<usize>) = words(body).into_iter().unzip();
    let mut shingled = shingles_of(&hashes);
    shingled.sort_unstable();
    shingled.dedup();
    if let Some(signature) = Signature::of_distinct(shingled.len(), shingled.iter().copied()) {
        stored.article = signature.0.to_vec();
    }
    if is_page(body) {
        let mut keys = HashSet::new();
        for (from, to) in passages(body) {
            let first = starts.partition_point(|&at| at < from);
            let last = starts.partition_point(|&at| at < to);
            let set: HashSet<u64> = shingles_of(&hashes[first..last]).into_iter().collect();
            if let Some(passage) = passage_keys(&set) {
                keys.extend(passage);
            }
        }
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        stored.passages = keys;
    }
    stored
}

/// The shingles of each of `body`'s [`passages`], with its byte span: the same sets as
/// [`shingles`] of each passage's text, the body read into words once.
pub fn passage_shingles(body: &str) -> Vec<((usize, usize), HashSet<u64>)> {
    let spans = passages(body);
    if spans.is_empty() {
        return Vec::new();
    }
    let (hashes, starts): (Vec<u64>, Vec<usize>) = words(body).into_iter().unzip();
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
    looks_like_ocr(body) || is_column_text(body)
}

/// True for the text of printed columns: at least [`COLUMN_LINES`] lines, most of them short
/// (median under 55 characters) and hardly a blank line between them. Wire copy wrapped at
/// 65–70 characters, and web and feed text with blank lines between paragraphs, are not.
fn is_column_text(body: &str) -> bool {
    let mut blank = 0usize;
    let mut lengths: Vec<usize> = Vec::new();
    for line in body.lines() {
        match line.trim().chars().count() {
            0 => blank += 1,
            n => lengths.push(n),
        }
    }
    if lengths.len() < COLUMN_LINES || blank * 10 > lengths.len() {
        return false;
    }
    lengths.sort_unstable();
    lengths[lengths.len() / 2] < 55
}

/// Lines a text needs to be read as printed columns.
const COLUMN_LINES: usize = 40;

/// The hashes of `text`'s word shingles (a text shorter than [`SHINGLE`] words has one, of
/// all its words, unless it has none).
pub fn shingles(text: &str) -> HashSet<u64> {
    shingle_list(text).into_iter().collect()
}

/// The hashes of `text`'s word shingles in order, repeats included.
fn shingle_list(text: &str) -> Vec<u64> {
    let words: Vec<u64> = words(text).into_iter().map(|(hash, _)| hash).collect();
    shingles_of(&words)
}

/// The hashes of the shingles of a run of word hashes.
fn shingles_of(words: &[u64]) -> Vec<u64> {
    if words.is_empty() {
        return Vec::new();
    }
    words
        .windows(SHINGLE.min(words.len()))
        .map(|window| {
            window.iter().fold(0x2545_f491_4f6c_dd1du64, |hash, word| {
                mix(hash.rotate_left(17) ^ word)
            })
        })
        .collect()
}

/// The exact Jaccard similarity of two shingle sets (0 when both are empty).
pub fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common = small.iter().filter(|s| large.contains(s)).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// The folded words of `text`, each hashed, with the byte offset in `text` where each starts;
/// a word cut by a hyphen at a line's end ("com-\nmanded") is joined first.
fn words(text: &str) -> Vec<(u64, usize)> {
    let mut removed = Vec::new();
    let joined;
    let read = if text.contains("-\n") {
        joined = join_hyphenated(text, &mut removed);
        joined.as_str()
    } else {
        text
    };
    let mut analyzer = folding_analyzer();
    let mut stream = analyzer.token_stream(read);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        // Back to an offset in `text`: two bytes for each "-\n" removed before the word.
        let before = removed.partition_point(|&at| at <= token.offset_from);
        words.push((
            word_hash(token.text.as_bytes()),
            token.offset_from + 2 * before,
        ));
    }
    words
}

/// `text` with "-\n" removed where a lower-case letter follows; `removed` receives where each
/// removal was, as offsets in the result.
fn join_hyphenated(text: &str, removed: &mut Vec<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("-\n") {
        let after = &rest[at + 2..];
        out.push_str(&rest[..at]);
        if after.chars().next().is_some_and(char::is_lowercase) {
            removed.push(out.len());
        } else {
            out.push_str("-\n");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// FNV-1a over a word's bytes, then mixed.
fn word_hash(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    mix(hash)
}

/// The SplitMix64 finaliser: every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `N` minimum hashes of the shingles, each under its own hash function, kept to [`BITS`]
/// bits (the minimum is taken over the full 64 bits, then mixed and cut).
fn min_hashes<const N: usize>(shingles: impl Iterator<Item = u64>) -> [u64; N] {
    let mut mins = [u64::MAX; N];
    for shingle in shingles {
        for (i, min) in mins.iter_mut().enumerate() {
            let seed = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let value = (shingle ^ seed).wrapping_mul(0xd6e8_feb8_6659_fd93);
            let value = value ^ (value >> 32);
            if value < *min {
                *min = value;
            }
        }
    }
    mins.map(|min| mix(min) & MASK)
}

/// The passages of an OCR page compared for reprints, as byte spans: paragraphs, a paragraph
/// ending at a blank line or after a line that closes a sentence short of the column's
/// width (under 85% of the median line); those under [`PASSAGE_MIN_WORDS`] words are left out. A text that is not a page is
/// cut at blank lines only.
pub fn passages(body: &str) -> Vec<(usize, usize)> {
    let mut lengths: Vec<usize> = body
        .lines()
        .map(|l| l.trim().chars().count())
        .filter(|&n| n >= 20)
        .collect();
    lengths.sort_unstable();
    let width = lengths.get(lengths.len() / 2).copied().unwrap_or(0);
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(from) = start.take() {
                spans.push((from, line_start));
            }
            continue;
        }
        if start.is_none() {
            start = Some(line_start);
        }
        let closes = trimmed.ends_with(['.', '!', '?', '"', '\'', '”']);
        if closes
            && width > 0
            && trimmed.chars().count() * 20 < width * 17
            && let Some(from) = start.take()
        {
            spans.push((from, offset));
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
        .filter(|&(from, to)| {
            to > from && body[from..to].split_whitespace().count() >= PASSAGE_MIN_WORDS
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The central bank raised its main interest rate by a quarter of a point \
        on Thursday, the third increase this year, saying inflation was still too high and \
        wages were rising faster than it had expected. Economists had been divided on the move.";

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
        assert_eq!(Signature::from_values(sa.0.iter().rev().copied()), Some(sa));
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
        let whole = Signature::of(&shingles(&page)).map(|s| s.0.to_vec());
        assert_eq!(Some(stored(&page).article), whole);
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
