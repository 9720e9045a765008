//! Text reuse between the passages of OCR pages: a passage one paper printed that another
//! paper printed too, reworded, shortened or garbled by OCR, found as passim (the Viral Texts
//! project) finds it.
//!
//! A reprint with its own OCR errors, or cut by the other paper's editor, shares few word
//! 5-shingles with the original (the AP paragraph on Bart Kramer's killing in the El Paso
//! Herald and the Tonopah Daily Bonanza of 13 January 1916: Jaccard 0.06), so the copies of
//! [`super::copies`] (Jaccard at least 0.8) miss it. Here, for one passage:
//!
//! 1. **Candidates** come from the index at search time, nothing being stored for them: the
//!    passage's [`SEED_WORDS`] rarest indexed words (a word must be in at least two articles
//!    and in at most a quarter of them, or two: a wire story's names are in many of a day's
//!    pages) are asked for with [`MIN_SEEDS`] of them required, among
//!    articles of another source dated within [`WINDOW_DAYS`] days of the passage's own; the
//!    best by BM25 are read ([`CANDIDATES`] for a passage a search shows,
//!    [`CANDIDATES_LISTED`] for `newsindex copies`).
//! 2. **Alignment**: in each candidate the stretch with most of the passage's words is
//!    aligned with the passage by Smith–Waterman over folded words ([`align`]: a match +2, a
//!    mismatch or a gap −1), where two words are equal when they are the same after folding or
//!    when both are long and one OCR error apart ([`same_word`]).
//! 3. **The rule**: the passage is reprinted there when the alignment pairs at least
//!    [`MIN_ALIGNED_WORDS`] equal words and those cover at least [`MIN_COVERAGE`] of the
//!    shorter of the two aligned stretches' paragraphs ([`is_reuse`]).
//!
//! A passage another issue of the same paper holds (its masthead, a standing advertisement,
//! its subscription terms) is never asked for: candidates are of another source. A line two
//! papers share (a wire credit, a date line) aligns too few words to count.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::rc::Rc;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TokenStream;
use tantivy::{DateTime, DocAddress, Searcher, TantivyDocument, Term};

use crate::article::Article;
use crate::error::Result;
use crate::index::NewsIndex;
use crate::index::schema::{folding_analyzer, news_analyzer};

/// Equal words an alignment needs to be a reprint: more than a shared line (a wire credit,
/// a masthead, a date line holds under 15) and about two printed lines of a column.
pub const MIN_ALIGNED_WORDS: usize = 20;
/// Of which at least this many must be words of four letters or more: OCR noise made of
/// letters and pairs of letters ("I ll i li") aligns with other noise.
pub const MIN_CONTENT_WORDS: usize = 10;
/// The share of the shorter passage the equal words must cover (a reworded and shortened
/// wire paragraph keeps about half of its words in the other paper's version).
pub const MIN_COVERAGE: f64 = 0.3;
/// Days either side of the passage's date within which reprints are looked for.
pub const WINDOW_DAYS: i64 = 7;
/// Candidate articles aligned per passage shown by a search.
pub const CANDIDATES: usize = 5;
/// Candidate articles aligned per passage by `newsindex copies`, which lists every reprint (a
/// wire paragraph can be in twenty papers of a day).
pub const CANDIDATES_LISTED: usize = 40;
/// Rarest words of a passage asked for.
pub const SEED_WORDS: usize = 16;
/// Of which a candidate must hold at least this many.
pub const MIN_SEEDS: usize = 3;
/// Passages longer than this many words are aligned in pieces of this size.
pub const MAX_WORDS: usize = 250;

/// Bytes of a folded word kept for comparing it with words one OCR error away.
const HEAD: usize = 22;

/// A word of a text after folding, and where it is written: a page's thousands of words are
/// held without an allocation each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// A hash of the whole folded word: equal words have equal hashes.
    hash: u64,
    /// Its letters as a bit set (for a quick test before an edit distance).
    letters: u64,
    /// Its length in bytes.
    len: usize,
    /// Its first [`HEAD`] bytes.
    head: [u8; HEAD],
    /// Byte offsets in the text.
    pub span: Range<usize>,
}

impl Word {
    fn new(folded: &str, span: Range<usize>) -> Word {
        let bytes = folded.as_bytes();
        let mut head = [0u8; HEAD];
        let kept = bytes.len().min(HEAD);
        head[..kept].copy_from_slice(&bytes[..kept]);
        Word {
            hash: bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, &b| {
                (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            }),
            letters: bytes.iter().fold(0u64, |set, b| set | 1 << (b % 64)),
            len: bytes.len(),
            head,
            span,
        }
    }

    /// The folded word (its first [`HEAD`] bytes).
    fn bytes(&self) -> &[u8] {
        &self.head[..self.len.min(HEAD)]
    }
}

/// The folded words of `text` (the index's own folding: lower-cased, accents folded, not
/// stemmed), with where each is.
pub fn words(text: &str) -> Vec<Word> {
    let mut analyzer = folding_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        words.push(Word::new(&token.text, token.offset_from..token.offset_to));
    }
    words
}

/// Whether two folded words are the same word printed twice: equal, or, when both have at
/// least 5 letters, one edit apart (two from 9 letters): "inrormed" is "informed",
/// "ueltran" is "beltran", but "wa3" is not "was".
pub fn same_word(a: &str, b: &str) -> bool {
    let (a, b) = (Word::new(a, 0..0), Word::new(b, 0..0));
    a.hash == b.hash || fuzzy_equal(&a, &b)
}

/// The edit-distance part of [`same_word`] (over the words' first [`HEAD`] bytes); their
/// lengths and letter sets prune most pairs first (an edit changes at most two letters of the
/// set).
fn fuzzy_equal(a: &Word, b: &Word) -> bool {
    let allowed = match a.len.min(b.len) {
        0..=4 => return false,
        5..=8 => 1,
        _ => 2,
    };
    if a.len.abs_diff(b.len) > allowed
        || (a.letters ^ b.letters).count_ones() as usize > 2 * allowed
    {
        return false;
    }
    strsim::levenshtein(
        &String::from_utf8_lossy(a.bytes()),
        &String::from_utf8_lossy(b.bytes()),
    ) <= allowed
}

/// A quick test [`fuzzy_equal`] needs before it is asked: both words long enough, of
/// lengths two letters apart at most, and letter sets four letters apart at most.
fn may_be_fuzzy(a: &Word, b: &Word) -> bool {
    a.len >= 5
        && b.len >= 5
        && a.len.abs_diff(b.len) <= 2
        && (a.letters ^ b.letters).count_ones() <= 4
}

/// A local alignment of two runs of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// The aligned words of the first run (indices).
    pub a: Range<usize>,
    /// The aligned words of the second run.
    pub b: Range<usize>,
    /// Pairs of equal words in the alignment.
    pub matched: usize,
    /// Of which words of four letters or more.
    pub content: usize,
    /// Its Smith–Waterman score.
    pub score: i32,
}

/// Score of a pair of equal words.
const MATCH: i32 = 2;
/// Score of a pair of different words, and of a word left unpaired.
const MISMATCH: i32 = -1;
const GAP: i32 = -1;

/// The best local alignment (Smith–Waterman, linear gaps) of `a` and `b` under
/// [`same_word`], or `None` when no two words are equal.
pub fn align(a: &[Word], b: &[Word]) -> Option<Alignment> {
    #[derive(Clone, Copy, Default)]
    struct Cell {
        score: i32,
        start_a: u32,
        start_b: u32,
        matched: u32,
        content: u32,
    }
    // Edit distances are memoised by the two words' hashes.
    let mut fuzzy: FxHashMap<(u64, u64), bool> = FxHashMap::default();
    let mut previous = vec![Cell::default(); b.len() + 1];
    let mut current = vec![Cell::default(); b.len() + 1];
    let mut best = Cell::default();
    let mut best_end = (0usize, 0usize);
    for (i, word_a) in a.iter().enumerate() {
        current[0] = Cell::default();
        for (j, word_b) in b.iter().enumerate() {
            let equal = word_a.hash == word_b.hash
                || (may_be_fuzzy(word_a, word_b)
                    && *fuzzy
                        .entry((word_a.hash, word_b.hash))
                        .or_insert_with(|| fuzzy_equal(word_a, word_b)));
            let diagonal = previous[j];
            let mut cell = Cell {
                score: diagonal.score + if equal { MATCH } else { MISMATCH },
                start_a: diagonal.start_a,
                start_b: diagonal.start_b,
                matched: diagonal.matched + u32::from(equal),
                content: diagonal.content + u32::from(equal && word_a.len >= 4),
            };
            if diagonal.score == 0 {
                cell.start_a = i as u32;
                cell.start_b = j as u32;
                cell.matched = u32::from(equal);
                cell.content = u32::from(equal && word_a.len >= 4);
            }
            let up = previous[j + 1];
            if up.score + GAP > cell.score {
                cell = Cell {
                    score: up.score + GAP,
                    ..up
                };
            }
            let left = current[j];
            if left.score + GAP > cell.score {
                cell = Cell {
                    score: left.score + GAP,
                    ..left
                };
            }
            if cell.score <= 0 {
                cell = Cell::default();
            }
            if cell.score > best.score {
                best = cell;
                best_end = (i + 1, j + 1);
            }
            current[j + 1] = cell;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    (best.score > 0).then_some(Alignment {
        a: best.start_a as usize..best_end.0,
        b: best.start_b as usize..best_end.1,
        matched: best.matched as usize,
        content: best.content as usize,
        score: best.score,
    })
}

/// Whether an alignment is a reprint, given the words of the two passages (or stretches of
/// paragraphs) it lies in: [`MIN_ALIGNED_WORDS`] equal words, [`MIN_CONTENT_WORDS`] of them
/// of four letters or more, covering [`MIN_COVERAGE`] of the shorter.
pub fn is_reuse(alignment: &Alignment, words_a: usize, words_b: usize) -> bool {
    let shorter = words_a.min(words_b).max(1);
    alignment.matched >= MIN_ALIGNED_WORDS
        && alignment.content >= MIN_CONTENT_WORDS
        && alignment.matched as f64 >= MIN_COVERAGE * shorter as f64
}

/// A passage found printed in another article.
#[derive(Debug, Clone)]
pub struct Reuse {
    /// The other article.
    pub article: Rc<Article>,
    /// The aligned text in the passage's own body (bytes).
    pub own: Range<usize>,
    /// The aligned text in the other article's body (bytes).
    pub other: Range<usize>,
    /// Equal words aligned.
    pub matched: usize,
    /// Their share of the passage's words.
    pub share: f64,
}

/// A candidate article, read once per [`Finder`]. Its words are read only around where a
/// passage's words are.
struct Page {
    article: Rc<Article>,
}

/// Looks for the reprints of passages, reading each candidate article once.
pub struct Finder<'a> {
    index: &'a NewsIndex,
    searcher: &'a Searcher,
    /// Candidates aligned per passage.
    limit: usize,
    pages: HashMap<DocAddress, Rc<Page>>,
}

impl<'a> Finder<'a> {
    /// A finder over `searcher`'s view of `index`, aligning `limit` candidates per passage.
    pub fn new(index: &'a NewsIndex, searcher: &'a Searcher, limit: usize) -> Finder<'a> {
        Finder {
            index,
            searcher,
            limit: limit.max(1),
            pages: HashMap::new(),
        }
    }

    /// The reprints in other papers of the passage `span` (bytes) of `article`, found at
    /// `address`: at most one per other article, the best alignment.
    ///
    /// # Errors
    /// [`crate::Error::Search`] when the index cannot be read.
    pub fn reprints(
        &mut self,
        article: &Article,
        address: DocAddress,
        span: Range<usize>,
    ) -> Result<Vec<Reuse>> {
        let Some(text) = article.body.get(span.clone()) else {
            return Ok(Vec::new());
        };
        let mut own = words(text);
        for word in &mut own {
            word.span = word.span.start + span.start..word.span.end + span.start;
        }
        if own.len() < MIN_ALIGNED_WORDS {
            return Ok(Vec::new());
        }
        let mut found: Vec<Reuse> = Vec::new();
        for piece in own.chunks(MAX_WORDS) {
            if piece.len() < MIN_ALIGNED_WORDS {
                continue;
            }
            let from = piece[0].span.start;
            let to = piece[piece.len() - 1].span.end;
            let text = &article.body[from..to];
            let Some(locate) = locator(piece) else {
                continue;
            };
            for candidate in self.candidates(article, address, text)? {
                let page = self.page(candidate)?;
                let Some(reuse) = best_alignment(piece, text.len(), &locate, &page) else {
                    continue;
                };
                match found.iter_mut().find(|r| r.article.id == reuse.article.id) {
                    Some(known) if known.matched >= reuse.matched => {}
                    Some(known) => *known = reuse,
                    None => found.push(reuse),
                }
            }
        }
        for reuse in &mut found {
            reuse.share = reuse.matched as f64 / own.len() as f64;
        }
        Ok(found)
    }

    /// The candidate articles for a passage's text: its rarest words asked for among other
    /// sources' articles of the days around its date.
    fn candidates(
        &self,
        article: &Article,
        address: DocAddress,
        text: &str,
    ) -> Result<Vec<DocAddress>> {
        let fields = self.index.fields();
        let searcher = self.searcher;
        let total = searcher.num_docs();
        let mut analyzer = news_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut terms: Vec<String> = Vec::new();
        while stream.advance() {
            let word = &stream.token().text;
            if word.len() >= 4 && !terms.contains(word) {
                terms.push(word.clone());
            }
        }
        let mut rare: Vec<(u64, Term)> = Vec::new();
        for word in terms {
            let term = Term::from_field_text(fields.body, &word);
            let df = searcher
                .doc_freq(&term)
                .map_err(|e| self.index.search_error(e))?;
            if df >= 2 && df <= (total / 4).max(2) {
                rare.push((df, term));
            }
        }
        rare.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        rare.truncate(SEED_WORDS);
        if rare.len() < MIN_SEEDS {
            return Ok(Vec::new());
        }
        let seeds: Vec<Box<dyn Query>> = rare
            .into_iter()
            .map(|(_, term)| {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::union_with_minimum_required_clauses(
                seeds, MIN_SEEDS,
            )),
        )];
        if let Some(date) = article.date {
            let day = date.local_timestamp();
            let bound = |seconds: i64| {
                Term::from_field_date(fields.local_date, DateTime::from_timestamp_secs(seconds))
            };
            let range = RangeQuery::new(
                std::ops::Bound::Included(bound(day - WINDOW_DAYS * 86_400)),
                std::ops::Bound::Excluded(bound(day + (WINDOW_DAYS + 1) * 86_400)),
            );
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        }
        if let Some(key) = article.source_key() {
            let term = Term::from_field_text(fields.source, &key);
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher
            .search(
                &query,
                &TopDocs::with_limit(self.limit + 1).order_by_score(),
            )
            .map_err(|e| self.index.search_error(e))?;
        Ok(top
            .into_iter()
            .map(|(_, found)| found)
            .filter(|&found| found != address)
            .take(self.limit)
            .collect())
    }

    /// The article at `address` with its words and paragraphs, read once.
    fn page(&mut self, address: DocAddress) -> Result<Rc<Page>> {
        if let Some(page) = self.pages.get(&address) {
            return Ok(Rc::clone(page));
        }
        let document: TantivyDocument = self
            .searcher
            .doc(address)
            .map_err(|e| self.index.search_error(e))?;
        let article = self.index.fields().to_article(&document);
        let page = Rc::new(Page {
            article: Rc::new(article),
        });
        self.pages.insert(address, Rc::clone(&page));
        Ok(page)
    }
}

/// The byte span of the paragraphs of `text` (a stretch of a page) holding `start..end`, cut
/// as [`crate::index::copies::passages`] cuts a page (at a blank line, or after a line that closes a
/// sentence short of the column's width), the column's width read in `text` alone; the
/// stretch's ends stand for paragraph ends beyond it.
fn paragraph_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut lengths: Vec<usize> = text
        .lines()
        .map(|l| l.trim().chars().count())
        .filter(|&n| n >= 20)
        .collect();
    lengths.sort_unstable();
    let width = lengths.get(lengths.len() / 2).copied().unwrap_or(0);
    let (mut from, mut to) = (0, text.len());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_end = offset + line.len();
        let trimmed = line.trim();
        let closes = trimmed.is_empty()
            || (trimmed.ends_with(['.', '!', '?', '"', '\'', '”'])
                && width > 0
                && trimmed.chars().count() * 20 < width * 17);
        if closes {
            if line_end <= start {
                from = line_end;
            } else if line_end >= end {
                to = line_end;
                break;
            }
        }
        offset = line_end;
    }
    (from, to)
}

/// What finds the passage's longer words (five letters or more, as written in any case) in
/// a page's text, or `None` when it has none.
fn locator(passage: &[Word]) -> Option<AhoCorasick> {
    let mut patterns: Vec<String> = passage
        .iter()
        .filter(|w| w.len >= 5)
        .map(|w| String::from_utf8_lossy(w.bytes()).into_owned())
        .collect();
    patterns.sort();
    patterns.dedup();
    if patterns.is_empty() {
        return None;
    }
    // A contiguous NFA: a DFA is faster to run but slower to build than a page is to scan.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(patterns)
        .ok()
}

/// The alignment of `passage` (`length` bytes long) with the stretch of `page` holding most
/// of its longer words (found by `locator`), if it is a reprint ([`is_reuse`]). Only that
/// stretch of the page is read into words.
fn best_alignment(
    passage: &[Word],
    length: usize,
    locator: &AhoCorasick,
    page: &Page,
) -> Option<Reuse> {
    let body = &page.article.body;
    let hits: Vec<usize> = locator.find_iter(body).map(|m| m.start()).collect();
    if hits.is_empty() {
        return None;
    }
    // The window of three times the passage's length holding most of its words, and as much
    // again on either side.
    let span = 3 * length;
    let (mut best_start, mut best_count) = (hits[0], 0);
    let mut last = 0;
    for (first, &start) in hits.iter().enumerate() {
        while last < hits.len() && hits[last] < start + span {
            last += 1;
        }
        if last - first > best_count {
            best_count = last - first;
            best_start = start;
        }
    }
    // Fewer of its longer words than half the content words a reprint needs: no reprint.
    if best_count * 2 < MIN_CONTENT_WORDS {
        return None;
    }
    let mut from = best_start.saturating_sub(length);
    while !body.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (best_start + span + length).min(body.len());
    while !body.is_char_boundary(to) {
        to += 1;
    }
    let mut window = words(&body[from..to]);
    for word in &mut window {
        word.span = word.span.start + from..word.span.end + from;
    }
    let alignment = align(passage, &window)?;
    let other = window[alignment.b.start].span.start..window[alignment.b.end - 1].span.end;
    // The shorter side: the passage, or the other page's paragraphs the alignment touches.
    let (start, end) = paragraph_around(&body[from..to], other.start - from, other.end - from);
    let theirs = window
        .iter()
        .filter(|w| w.span.start >= from + start && w.span.start < from + end)
        .count();
    if !is_reuse(&alignment, passage.len(), theirs) {
        return None;
    }
    Some(Reuse {
        article: Rc::clone(&page.article),
        own: passage[alignment.a.start].span.start..passage[alignment.a.end - 1].span.end,
        other,
        matched: alignment.matched,
        share: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::copies as signatures;

    /// The opening of the AP story on Bart Kramer as two papers printed it on 13 January 1916,
    /// OCR errors and all (El Paso Herald, Tonopah Daily Bonanza; Chronicling America).
    const EL_PASO: &str = "Warhington, T. C, Jan. 13. The kill-\ning of Bart Kramer, an American, by\nMexican bandits, was officially report\ned In dispatches to the state depart\nment today by collector of customs Z.\nL. Cobb, at El 'Paso. The collector re\nported Kramer was killed 0 miles west\nof Santa Ysabel, In Chihuahua.\nThe department was further inrormed\nthat the bandits who killed the party\nof American mining men wa3 com\nmanded bv two former Villa colonels,\nLopez and Beltran.";
    const TONOPAH: &str = "WASHINGTON, Jan. 13. The kill\ning of Bart Kramer, an American, by\nMexican bandits is officially reported\nto the state department. Collector\nCobb, of Kl Paso, telegraphed that\nKramer was killed sixty miles west\nof Santa Ysabel. The department was\nfurther Informed that the bandits who\nkilled the party of Americana was\ncommanded by ex-Villa colonels Lopez\nand Ueltran.";

    #[test]
    fn ocr_errors_one_edit_apart_are_the_same_word() {
        assert!(same_word("inrormed", "informed"));
        assert!(same_word("ueltran", "beltran"));
        assert!(same_word("americana", "americans"));
        assert!(!same_word("wa3", "was"));
        assert!(!same_word("bandits", "bandit5s2"));
        assert!(!same_word("kill", "kilt"));
    }

    #[test]
    fn a_reworded_ocr_damaged_reprint_aligns_over_its_length() {
        let (a, b) = (words(EL_PASO), words(TONOPAH));
        let exact = signatures::jaccard(
            &signatures::shingles(EL_PASO),
            &signatures::shingles(TONOPAH),
        );
        assert!(exact < 0.3, "{exact}");
        let alignment = align(&a, &b).unwrap();
        // From "Jan. 13. The kill-" to "Beltran" in the one, "Ueltran" in the other.
        assert!(alignment.matched >= 40, "{alignment:?}");
        assert_eq!(&EL_PASO[a[alignment.a.end - 1].span.clone()], "Beltran");
        assert_eq!(&TONOPAH[b[alignment.b.end - 1].span.clone()], "Ueltran");
        assert!(a[alignment.a.start].span.start < EL_PASO.find("kill").unwrap());
        assert!(is_reuse(&alignment, a.len(), b.len()));
    }

    /// Two stretches of OCR noise from two 1916 pages (the Evening Herald of Albuquerque and
    /// the Oklahoma City Times): their letters and pairs of letters align with each other.
    #[test]
    fn ocr_noise_aligned_with_noise_is_no_reprint() {
        let one = r#"I"'- I'll ' I li- r.i..!. I" 1 -i.il-- l", I I" lll.nll f" if I" Ml' 'I III ll l.".ll I"'' l'l"ll I" I t,,.;.! ..ni.iL'i.ll -t- I I"#;
        let other = r#"i i.' i r . i I I -III ,l. un in I I i I II, r- t , ... ll ;n I mi till h , ' ii-liri l". nf 111--Ii. I ii t.il'ri w -I-, ll mi. i'. I"#;
        let (a, b) = (words(one), words(other));
        let alignment = align(&a, &b).unwrap();
        assert!(alignment.matched >= MIN_ALIGNED_WORDS, "{alignment:?}");
        assert!(!is_reuse(&alignment, a.len(), b.len()), "{alignment:?}");
    }

    #[test]
    fn the_paragraph_around_an_alignment_ends_at_short_closing_lines() {
        let text = "ended the last story of the column\nhere.\nThe department was further informed\nthat the bandits who killed the party\nwere led by two colonels.\nLOCAL NEWS\n";
        let start = text.find("bandits").unwrap();
        let (from, to) = paragraph_around(text, start, start + 7);
        assert_eq!(
            &text[from..to],
            "The department was further informed\nthat the bandits who killed the party\nwere led by two colonels.\n"
        );
    }

    #[test]
    fn a_shared_line_alone_is_no_reprint() {
        let line = "EL PASO HERALD, EL PASO, TEXAS, THURSDAY EVENING, JANUARY 13, 1916.";
        let one = format!(
            "{line}\nThe council met last night and voted to pave the main street from the depot to the court house before the summer rains."
        );
        let other = format!(
            "{line}\nTwo new cranes for the southern container terminal arrived by sea on Monday and will be assembled over the next month."
        );
        let (a, b) = (words(&one), words(&other));
        let alignment = align(&a, &b).unwrap();
        assert!(alignment.matched >= 10, "{alignment:?}");
        assert!(!is_reuse(&alignment, a.len(), b.len()));
    }
}
