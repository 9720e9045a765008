//! The news analysis chain in one pass ([`NewsTokenizer`], [`Normalizer`], [`words`]): the one
//! owner of how title, body and byline text becomes indexed words, for the index, the query
//! compiler and the passage matcher alike.
//!
//! It gives exactly what tantivy's chain `SimpleTokenizer → RemoveLongFilter(40) → LowerCaser →
//! AsciiFoldingFilter → Stemmer(English)` gives (a test compares the two on news text), in one
//! scan over the bytes: words are split without decoding ASCII, and each word as written is
//! looked up in a bounded memo of finished words, so a repeated word is neither lower-cased,
//! folded nor stemmed again and no `String` is made per word.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxBuildHasher;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words of this many bytes or more (as written) are not indexed (tantivy's `RemoveLongFilter`).
pub const MAX_WORD_BYTES: usize = 40;

/// Words remembered per analyzer before the memo starts over (bounds it to a few MB).
const MEMO_WORDS: usize = 100_000;

/// The byte ranges of the words of `text` with their positions, as the index counts them:
/// runs of alphanumeric characters (tantivy's `SimpleTokenizer`), a word of
/// [`MAX_WORD_BYTES`] or more left out but still counted.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        at: 0,
        position: 0,
    }
}

/// [`CLASS`] of an ASCII byte that is neither a letter nor a digit.
const SEPARATOR: u8 = 0;
/// [`CLASS`] of an ASCII letter or digit.
const ALPHANUMERIC: u8 = 1;
/// [`CLASS`] of a byte of a non-ASCII character (decoded to be told).
const OTHER: u8 = 2;

/// Each byte's class, so the word loops test a byte with one load.
static CLASS: [u8; 256] = {
    let mut class = [SEPARATOR; 256];
    let mut byte = 0;
    while byte < 256 {
        if byte >= 128 {
            class[byte] = OTHER;
        } else if (byte as u8).is_ascii_alphanumeric() {
            class[byte] = ALPHANUMERIC;
        }
        byte += 1;
    }
    class
};

/// The iterator [`words`] returns: `(position, start, end)` in bytes.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    at: usize,
    position: u32,
}

impl Words<'_> {
    /// The runs read so far, long ones included: the position the next word would have.
    /// Once the iterator has given `None`, the text's whole count of runs.
    pub fn read(&self) -> u32 {
        self.position
    }

    /// The next run of alphanumeric characters at or after `self.at`, long ones included.
    /// ASCII bytes are tested as bytes, in tight loops; other characters are decoded.
    #[inline]
    fn next_run(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let start = loop {
            let rest = bytes.get(self.at..).unwrap_or_default();
            let Some(skip) = rest.iter().position(|&b| CLASS[b as usize] != SEPARATOR) else {
                self.at = bytes.len();
                return None;
            };
            self.at += skip;
            if bytes[self.at].is_ascii() {
                break self.at;
            }
            let c = self.char_at();
            if c.is_alphanumeric() {
                break self.at;
            }
            self.at += c.len_utf8();
        };
        loop {
            let rest = bytes.get(self.at..).unwrap_or_default();
            let word = rest
                .iter()
                .position(|&b| CLASS[b as usize] != ALPHANUMERIC)
                .unwrap_or(rest.len());
            self.at += word;
            match bytes.get(self.at) {
                Some(byte) if !byte.is_ascii() => {
                    let c = self.char_at();
                    if !c.is_alphanumeric() {
                        break;
                    }
                    self.at += c.len_utf8();
                }
                _ => break,
            }
        }
        Some((start, self.at))
    }

    /// The character starting at byte `self.at` (a char boundary).
    fn char_at(&self) -> char {
        self.text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\0')
    }
}

impl Iterator for Words<'_> {
    type Item = (u32, usize, usize);

    fn next(&mut self) -> Option<(u32, usize, usize)> {
        loop {
            let (start, end) = self.next_run()?;
            let position = self.position;
            self.position = self.position.wrapping_add(1);
            if end - start < MAX_WORD_BYTES {
                return Some((position, start, end));
            }
        }
    }
}

/// Turns a word as written into its indexed form: lower-cased, folded to ASCII and, unless
/// made with [`Normalizer::folding`], stemmed; each finished word is remembered by its
/// written form.
#[derive(Clone)]
pub struct Normalizer {
    stem: Option<frostem::Stemmer>,
    /// Finished words of up to 16 bytes as written, keyed by their bytes packed in integers
    /// (most words: a lookup hashes and compares three integers, not a string).
    short: HashMap<Packed, Span, FxBuildHasher>,
    /// Finished longer words.
    memo: HashMap<Box<str>, Span, FxBuildHasher>,
    /// The finished words the memo's entries point into, one after another: one buffer
    /// rather than an allocation per word, about half the memo's memory.
    finished: String,
    /// Lower-casing and folding of words with non-ASCII letters, by tantivy's own filters.
    unicode: TextAnalyzer,
    buffer: String,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("stem", &self.stem.is_some())
            .field("remembered", &(self.short.len() + self.memo.len()))
            .finish()
    }
}

impl Normalizer {
    /// Lower-cases, folds and stems (the indexed form of title, body and byline words).
    pub fn stemming() -> Normalizer {
        Normalizer::new(Some(frostem::Stemmer::new(frostem::Algorithm::English)))
    }

    /// Lower-cases and folds, without stemming (what a typed prefix is compared with).
    pub fn folding() -> Normalizer {
        Normalizer::new(None)
    }

    fn new(stem: Option<frostem::Stemmer>) -> Normalizer {
        Normalizer {
            stem,
            short: HashMap::default(),
            memo: HashMap::default(),
            finished: String::new(),
            unicode: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            buffer: String::new(),
        }
    }

    /// Appends the indexed form of `word` (one word as [`words`] cuts it) to `out`.
    pub fn normalize_into(&mut self, word: &str, out: &mut String) {
        self.normalize_span(word, 0, word.len(), out);
    }

    /// Appends the indexed form of the word `text[start..end]` to `out` (the text around the
    /// word lets a short word be read into its memo key in one load).
    pub fn normalize_span(&mut self, text: &str, start: usize, end: usize, out: &mut String) {
        let word = text.get(start..end).unwrap_or_default();
        match Packed::of(text.as_bytes(), start, end) {
            Some(key) => {
                if let Some(&span) = self.short.get(&key) {
                    out.push_str(self.word_at(span));
                    return;
                }
                self.make_room();
                let span = self.finish(word);
                out.push_str(self.word_at(span));
                self.short.insert(key, span);
            }
            None => {
                if let Some(&span) = self.memo.get(word) {
                    out.push_str(self.word_at(span));
                    return;
                }
                self.make_room();
                let span = self.finish(word);
                out.push_str(self.word_at(span));
                self.memo.insert(word.into(), span);
            }
        }
    }

    /// Starts the memo over once it holds [`MEMO_WORDS`] words.
    fn make_room(&mut self) {
        if self.short.len() + self.memo.len() >= MEMO_WORDS {
            self.short.clear();
            self.memo.clear();
            self.finished.clear();
        }
    }

    /// Computes the indexed form of `word` into the buffer of finished words.
    fn finish(&mut self, word: &str) -> Span {
        self.fold(word);
        let start = self.finished.len();
        match &self.stem {
            Some(stemmer) => self.finished.push_str(&stemmer.stem(&self.buffer)),
            None => self.finished.push_str(&self.buffer),
        }
        Span {
            start: start as u32,
            end: self.finished.len() as u32,
        }
    }

    /// A finished word of the memo.
    fn word_at(&self, span: Span) -> &str {
        self.finished
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    /// The indexed form of `word`.
    pub fn normalize(&mut self, word: &str) -> String {
        let mut out = String::new();
        self.normalize_into(word, &mut out);
        out
    }

    /// The stem of a word this analysis has already lower-cased and folded; the word itself
    /// when made with [`Normalizer::folding`].
    pub fn stem_folded<'w>(&self, folded: &'w str) -> Cow<'w, str> {
        match &self.stem {
            Some(stemmer) => stemmer.stem(folded),
            None => Cow::Borrowed(folded),
        }
    }

    /// The indexed form of `word`, not remembered (for callers with their own memo).
    pub fn analyse(&mut self, word: &str) -> Box<str> {
        self.compute(word)
    }

    /// Lower-cases and folds `word` into the buffer, then stems it.
    fn compute(&mut self, word: &str) -> Box<str> {
        self.fold(word);
        match &self.stem {
            Some(stemmer) => stemmer.stem(&self.buffer).into(),
            None => self.buffer.as_str().into(),
        }
    }

    /// Lower-cases and folds `word` into the buffer.
    fn fold(&mut self, word: &str) {
        self.buffer.clear();
        if word.is_ascii() {
            self.buffer.push_str(word);
            self.buffer.make_ascii_lowercase();
        } else {
            let mut stream = self.unicode.token_stream(word);
            if stream.advance() {
                self.buffer.push_str(&stream.token().text);
            }
        }
    }
}

/// Where a finished word is in the buffer of finished words: byte offsets (the memo is cleared
/// long before its buffer could pass 4 GiB).
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

/// A word of at most 16 bytes as written: its first eight bytes and the up to eight after them,
/// zero-padded. A word holds no zero byte (it is a run of letters and digits), so the padding
/// tells its length and two words have the same key only when they are the same; 16 bytes
/// rather than 24 with the length beside them, a third less memory per remembered word.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Packed(u64, u64);

impl Packed {
    /// The key of `bytes[start..end]`, or `None` when the word is longer than 16 bytes.
    #[inline]
    fn of(bytes: &[u8], start: usize, end: usize) -> Option<Packed> {
        let length = end.checked_sub(start)?;
        if length > 16 || end > bytes.len() {
            return None;
        }
        if length <= 8 {
            Some(Packed(load(bytes, start, length), 0))
        } else {
            Some(Packed(
                load(bytes, start, 8),
                load(bytes, start + 8, length - 8),
            ))
        }
    }
}

/// The `length` (at most 8) bytes of `bytes` at `at` as a little-endian integer, zero-padded:
/// one load when eight bytes follow `at`.
#[inline]
fn load(bytes: &[u8], at: usize, length: usize) -> u64 {
    let mut buffer = [0u8; 8];
    match bytes.get(at..at + 8) {
        Some(chunk) => {
            buffer.copy_from_slice(chunk);
            let value = u64::from_le_bytes(buffer);
            if length >= 8 {
                value
            } else {
                value & ((1u64 << (8 * length)) - 1)
            }
        }
        None => {
            let end = (at + length).min(bytes.len());
            let part = bytes.get(at..end).unwrap_or_default();
            buffer[..part.len()].copy_from_slice(part);
            u64::from_le_bytes(buffer)
        }
    }
}

/// The news analyzer as a tantivy tokenizer: [`words`] through a [`Normalizer`].
#[derive(Clone, Debug)]
pub struct NewsTokenizer {
    normalizer: Normalizer,
    token: Token,
}

impl NewsTokenizer {
    /// Splits, lower-cases, folds and stems: the analyzer of title, body and byline.
    pub fn stemming() -> NewsTokenizer {
        NewsTokenizer {
            normalizer: Normalizer::stemming(),
            token: Token::default(),
        }
    }

    /// The same without stemming.
    pub fn folding() -> NewsTokenizer {
        NewsTokenizer {
            normalizer: Normalizer::folding(),
            token: Token::default(),
        }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            words: words(text),
            normalizer: &mut self.normalizer,
            token: &mut self.token,
        }
    }
}

/// The token stream of [`NewsTokenizer`].
pub struct NewsTokenStream<'a> {
    text: &'a str,
    words: Words<'a>,
    normalizer: &'a mut Normalizer,
    token: &'a mut Token,
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((position, start, end)) = self.words.next() else {
            return false;
        };
        self.token.text.clear();
        self.normalizer
            .normalize_span(self.text, start, end, &mut self.token.text);
        self.token.position = position as usize;
        self.token.offset_from = start;
        self.token.offset_to = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{
        Language, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzerBuilder,
    };

    use super::*;

    type Stream = Vec<(String, usize, usize, usize)>;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Stream {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    /// tantivy's own chain, step by step: what the one pass must equal.
    fn tantivy_chain() -> TextAnalyzerBuilder<impl Tokenizer> {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
    }

    /// Compares the one pass with tantivy's chain on `text`, twice (the second from the memo).
    pub fn assert_same_as_tantivy(text: &str) {
        let mut theirs = tantivy_chain()
            .filter(Stemmer::new(Language::English))
            .build();
        let mut ours = TextAnalyzer::from(NewsTokenizer::stemming());
        let expected = tokens(&mut theirs, text);
        assert_eq!(tokens(&mut ours, text), expected);
        assert_eq!(tokens(&mut ours, text), expected, "from the memo");
        let mut theirs = tantivy_chain().build();
        let mut ours = TextAnalyzer::from(NewsTokenizer::folding());
        assert_eq!(tokens(&mut ours, text), tokens(&mut theirs, text));
    }

    #[test]
    fn one_pass_gives_tantivys_tokens() {
        assert_same_as_tantivy(
            "Talks talked TALKING; the ministers' meetings were generally productive. \
             The Kremlin's spokesman, Dmitry Peskov, said talks with Zürich-based \
             négociateurs were RUNNING late; 45,000 jobs—£3bn—at 09.50 BST. \
             ΑΘΗΝΑ Straße İstanbul ǅemal Ⅻ ½ ﬁnance 東京 x².\n\n\
             Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianismus \
             aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
             éééééééééééééééééééé ééééééééééééééééééé end",
        );
        assert_same_as_tantivy("");
        assert_same_as_tantivy("   ,,, ");
    }

    /// The one pass equals tantivy's chain on the shared corpora: the first megabytes of the
    /// Reuters stories and of the January 1916 pages, or all of both with
    /// `NEWSINDEX_FULL_CORPORA=1` (run it with `--release`).
    #[test]
    fn one_pass_gives_tantivys_tokens_on_the_corpora() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let budget = if std::env::var_os("NEWSINDEX_FULL_CORPORA").is_some() {
            usize::MAX
        } else {
            3 << 20
        };
        let mut compared = 0;
        for dir in ["reuters21578/sgm-data", "chronam-1916/dates"] {
            let mut files: Vec<_> = walkdir::WalkDir::new(root.join(dir))
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            files.sort();
            let mut read = 0;
            for file in files {
                if read >= budget {
                    break;
                }
                let bytes = std::fs::read(&file).unwrap();
                read += bytes.len();
                assert_same_as_tantivy(&String::from_utf8_lossy(&bytes));
                compared += 1;
            }
        }
        if compared == 0 {
            assert!(
                std::env::var_os("NEWSINDEX_REQUIRE_CORPORA").is_none(),
                "the shared corpora are required"
            );
            eprintln!("SKIPPED: ../shared/corpora is missing");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_tantivys_tokens(text in "(?s)[a-zA-Zé0-9ÀİßΣσς½ﬁ .,'\n-]{0,300}") {
            assert_same_as_tantivy(&text);
        }
    }

    /// The passage matcher skips stemming words whose first letter no query word has; that
    /// is only right if stemming never changes a word's first letter, the exceptions included.
    #[test]
    fn stemming_keeps_the_first_letter() {
        let words = "skis skies dying lying tying idly gently ugly early only singly news howe \
            atlas cosmos bias andes yelled yearly youths ies ied abilities ties cries \
            generously communism arsenal commune universal universities a i y";
        let mut normalizer = Normalizer::stemming();
        for word in words.split_whitespace() {
            let stem = normalizer.normalize(word);
            assert_eq!(stem.chars().next(), word.chars().next(), "{word} -> {stem}");
        }
    }
}
