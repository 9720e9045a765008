//! The per-query matcher ([`Matcher`]): built once from a query's concepts when the query is
//! compiled, it reads each candidate's title and body with the index's analysis and marks
//! which query word, if any, each word is.
//!
//! A word is stemmed only when its first letter is the first letter of one of the query's
//! words (stemming never changes a word's first letter, so no other word can match), and
//! each word as written is remembered with what it matched for the rest of the query, so a
//! word seen in one candidate costs one lookup in every later one.

use std::collections::HashMap;
use std::sync::Mutex;

use rustc_hash::FxBuildHasher;

use super::cache::{Cut, stem_hash};
use crate::index::analysis::{Normalizer, words};
use crate::search::query::{Concept, Pattern};

/// Written words remembered per query before the memo starts over.
const MEMO_WORDS: usize = 200_000;

/// Which query word a word of a text is: an index into [`Matcher`]'s words.
pub type WordId = u32;

/// One analysed word of a text: which query word it is, and its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    /// The query word it is, if any.
    pub word: Option<WordId>,
    /// Its position among the text's words, as the index counts them.
    pub position: u32,
}

/// A query word found in a text: its index among the text's words, and its token.
pub type Mark = (usize, Token);

/// A concept as the query words it matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Any one of these words.
    Words(Vec<WordId>),
    /// These words at these relative positions (`(offset, word)`).
    Phrase(Vec<(u32, WordId)>),
}

/// Marks the words of a text that are words of one query (see the module header).
pub struct Matcher {
    /// Each concept of the plan as word ids, in the plan's order.
    targets: Vec<Target>,
    /// The distinct analysed words of the plan; a [`WordId`] indexes them.
    words: Vec<String>,
    /// First letters of the plan's words, sorted.
    initials: Vec<char>,
    /// Whether a word written with this ASCII first byte can be a query word: its indexed
    /// form starts with the byte lower-cased, so most words are ruled out by one look.
    ascii_initial: [bool; 128],
    /// [`stem_hash`] of each of `words`, in their order.
    hashes: Vec<u32>,
    memo: Mutex<Memo>,
}

/// What the matcher learns while reading candidates.
struct Memo {
    seen: HashMap<Box<str>, Option<WordId>, FxBuildHasher>,
    fold: Normalizer,
    stem: Normalizer,
}

impl Matcher {
    /// The matcher of `concepts` (a plan's).
    pub fn new(concepts: &[Concept]) -> Matcher {
        let mut words: Vec<String> = Vec::new();
        let mut id = |word: &String| -> WordId {
            let at = words.iter().position(|w| w == word).unwrap_or_else(|| {
                words.push(word.clone());
                words.len() - 1
            });
            WordId::try_from(at).unwrap_or(WordId::MAX)
        };
        let targets = concepts
            .iter()
            .map(|concept| match &concept.pattern {
                Pattern::Words(set) => Target::Words(set.iter().map(&mut id).collect()),
                Pattern::Phrase { words, .. } => {
                    Target::Phrase(words.iter().map(|(at, w)| (*at, id(w))).collect())
                }
            })
            .collect();
        let mut initials: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
        initials.sort_unstable();
        initials.dedup();
        let ascii_initial = ascii_initials(&initials);
        let hashes = words.iter().map(|w| stem_hash(w)).collect();
        Matcher {
            targets,
            words,
            initials,
            ascii_initial,
            hashes,
            memo: Mutex::new(Memo {
                seen: HashMap::default(),
                fold: Normalizer::folding(),
                stem: Normalizer::stemming(),
            }),
        }
    }

    /// The distinct analysed words of the plan, in [`WordId`] order: the indexed words a
    /// text is searched for.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The concepts of the plan as word ids, in the plan's order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Every word of `text` the index holds, marked with the query word it is.
    pub fn analyse(&self, text: &str) -> Vec<Token> {
        self.mark(text, words(text))
    }

    /// The words of `text` found already (`(position, start, end)`, as [`words`] gives them),
    /// marked with the query word each is.
    pub fn mark(&self, text: &str, found: impl Iterator<Item = (u32, usize, usize)>) -> Vec<Token> {
        let mut memo = self.lock_memo();
        let mut tokens = Vec::with_capacity(text.len() / 6);
        for (position, start, end) in found {
            let written = text.get(start..end).unwrap_or_default();
            let word = if self.ruled_out(written) {
                None
            } else {
                self.remembered(&mut memo, written)
            };
            tokens.push(Token { word, position });
        }
        tokens
    }

    /// The query words of `text` in order, each with its index among the text's words, and
    /// the position and byte range of every word ([`words`]), in one reading: what
    /// [`Matcher::analyse`] marks, without a token per word.
    pub fn marks_and_words(&self, text: &str) -> (Vec<Mark>, Vec<(u32, usize, usize)>) {
        let mut memo = self.lock_memo();
        let mut bounds = Vec::with_capacity(text.len() / 5);
        let mut marks = Vec::new();
        for (position, start, end) in words(text) {
            let at = bounds.len();
            bounds.push((position, start, end));
            let written = text.get(start..end).unwrap_or_default();
            if self.ruled_out(written) {
                continue;
            }
            if let Some(word) = self.remembered(&mut memo, written) {
                let word = Some(word);
                marks.push((at, Token { word, position }));
            }
        }
        (marks, bounds)
    }

    /// The query words among the words of a kept body ([`Cut`]), in order, each with its
    /// index in the cut's words: a word whose indexed form's hash is no query word's is none,
    /// and the few others are identified as [`Matcher::mark`] identifies them, so the marks
    /// are the same.
    pub fn marks_in_cut(&self, text: &str, cut: &Cut) -> Vec<(usize, Token)> {
        // Blocks of hashes are tested whole first (a comparison the compiler vectorises);
        // only a block holding a query word's hash is looked at word by word.
        const BLOCK: usize = 32;
        let mut candidates: Vec<usize> = Vec::new();
        for (block, stems) in cut.stems.chunks(BLOCK).enumerate() {
            let hit = self.hashes.iter().any(|known| {
                stems
                    .iter()
                    .fold(false, |found, hash| found | (hash == known))
            });
            if hit {
                let base = block * BLOCK;
                candidates.extend(
                    stems
                        .iter()
                        .enumerate()
                        .filter(|(_, hash)| self.hashes.contains(hash))
                        .map(|(at, _)| base + at),
                );
            }
        }
        if candidates.is_empty() {
            return Vec::new();
        }
        let mut memo = self.lock_memo();
        let mut marks = Vec::with_capacity(candidates.len());
        for at in candidates {
            let Some(&(position, start, end)) = cut.words.get(at) else {
                continue;
            };
            let written = text.get(start as usize..end as usize).unwrap_or_default();
            if let Some(word) = self.remembered(&mut memo, written) {
                let word = Some(word);
                marks.push((at, Token { word, position }));
            }
        }
        marks
    }

    /// The memo, started over once it holds [`MEMO_WORDS`] words.
    fn lock_memo(&self) -> std::sync::MutexGuard<'_, Memo> {
        let mut memo = self
            .memo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if memo.seen.len() > MEMO_WORDS {
            memo.seen.clear();
        }
        memo
    }

    /// True when `written` starts with an ASCII letter no query word can start with: it is no
    /// query word, and needs no analysis.
    fn ruled_out(&self, written: &str) -> bool {
        let first = written.as_bytes().first().copied().unwrap_or(0);
        first.is_ascii() && !self.ascii_initial[usize::from(first)]
    }

    /// Which query word `written` is, from the memo or analysed and remembered.
    fn remembered(&self, memo: &mut Memo, written: &str) -> Option<WordId> {
        match memo.seen.get(written) {
            Some(&word) => word,
            None => {
                let word = self.identify(memo, written);
                memo.seen.insert(written.into(), word);
                word
            }
        }
    }

    /// Which query word `written` is, analysed as the index analyses it.
    fn identify(&self, memo: &mut Memo, written: &str) -> Option<WordId> {
        let folded = memo.fold.analyse(written);
        let initial = folded.chars().next()?;
        self.initials.binary_search(&initial).ok()?;
        let stem = memo.stem.stem_folded(&folded);
        let at = self.words.iter().position(|w| *w == stem)?;
        WordId::try_from(at).ok()
    }
}

/// For each ASCII byte, whether a word written with it first can start with one of `initials`.
fn ascii_initials(initials: &[char]) -> [bool; 128] {
    let mut table = [false; 128];
    for (byte, allowed) in (0u8..128).zip(table.iter_mut()) {
        let folded = char::from(byte.to_ascii_lowercase());
        *allowed = initials.binary_search(&folded).is_ok();
    }
    table
}

impl Clone for Matcher {
    fn clone(&self) -> Matcher {
        Matcher {
            targets: self.targets.clone(),
            words: self.words.clone(),
            initials: self.initials.clone(),
            ascii_initial: self.ascii_initial,
            hashes: self.hashes.clone(),
            memo: Mutex::new(Memo {
                seen: HashMap::default(),
                fold: Normalizer::folding(),
                stem: Normalizer::stemming(),
            }),
        }
    }
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("targets", &self.targets)
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

impl Default for Matcher {
    fn default() -> Matcher {
        Matcher::new(&[])
    }
}

/// Two matchers of the same concepts match alike, whatever they have read.
impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        self.targets == other.targets && self.words == other.words
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tantivy::tokenizer::TokenStream;

    use super::*;
    use crate::index::schema::news_analyzer;

    fn words_concept(stems: &[&str]) -> Concept {
        Concept {
            label: stems.join(" "),
            in_title: true,
            in_body: true,
            pattern: Pattern::Words(stems.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>()),
            weight: 1.0,
        }
    }

    /// Every word the matcher marks, and only those, is a query word once fully analysed,
    /// whatever its case, accents or first letter; a second reading (from the memo) agrees.
    #[test]
    fn marks_exactly_the_words_the_index_analysis_makes_query_words() {
        let stems = ["secur", "talk", "elan", "zurich", "ocean", "1916"];
        let matcher = Matcher::new(&[words_concept(&stems)]);
        let text = "Security TALKS talked; Élan élan ELAN Zürich zurich's Océan oceans \
                    1916 x1916 Secure securities talkative Ørsted ßecur İstanbul 東京";
        let mut analyzer = news_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            let token = stream.token();
            let word = stems.iter().any(|s| *s == token.text);
            expected.push((
                word,
                token.position as u32,
                token.offset_from,
                token.offset_to,
            ));
        }
        for _ in 0..2 {
            let marked: Vec<_> = matcher
                .analyse(text)
                .iter()
                .map(|t| (t.word.is_some(), t.position))
                .collect();
            let positions: Vec<_> = expected.iter().map(|e| (e.0, e.1)).collect();
            assert_eq!(marked, positions);
            let (marks, bounds) = matcher.marks_and_words(text);
            let every: Vec<Token> = matcher.analyse(text);
            let spans: Vec<(u32, usize, usize)> =
                expected.iter().map(|e| (e.1, e.2, e.3)).collect();
            assert_eq!(bounds, spans);
            let found: Vec<(usize, Token)> = every
                .into_iter()
                .enumerate()
                .filter(|(_, t)| t.word.is_some())
                .collect();
            assert_eq!(marks, found);
        }
        assert!(expected.iter().filter(|e| e.0).count() >= 10);
    }
}
