//! [`CachingStemmer`]: tantivy's English stemmer with a memo of recent words.
//!
//! News text repeats its vocabulary, and stemming every token was a sixth of indexing time;
//! a bounded per-analyzer map from word to stem gives the same tokens for less work.

use std::collections::HashMap;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per analyzer before the memo starts over (bounds its memory to a few MB).
const MEMO_WORDS: usize = 50_000;

/// A token filter that replaces each token by its English (Porter 2) stem.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachingStemmer;

impl TokenFilter for CachingStemmer {
    type Tokenizer<T: Tokenizer> = CachingStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachingStemmerFilter<T> {
        CachingStemmerFilter {
            inner: tokenizer,
            memo: HashMap::new(),
        }
    }
}

/// The tokenizer [`CachingStemmer`] wraps around another.
#[derive(Clone)]
pub struct CachingStemmerFilter<T> {
    inner: T,
    memo: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachingStemmerFilter<T> {
    type TokenStream<'a> = CachingStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachingStemmerStream {
            tail: self.inner.token_stream(text),
            memo: StemMemo::over(&mut self.memo),
        }
    }
}

/// The token stream of [`CachingStemmerFilter`].
pub struct CachingStemmerStream<'a, T> {
    tail: T,
    memo: StemMemo<'a>,
}

impl<T: TokenStream> TokenStream for CachingStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.memo.stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The English stemmer over a memo of the words it has stemmed: what [`CachingStemmer`] does
/// to each token, for code that stems some words and not others (the passage matcher).
pub struct StemMemo<'a> {
    memo: &'a mut HashMap<String, String>,
    stemmer: frostem::Stemmer,
}

impl<'a> StemMemo<'a> {
    /// Stems with `memo` as the memory of past words (emptied when it has grown too big).
    pub fn over(memo: &'a mut HashMap<String, String>) -> StemMemo<'a> {
        if memo.len() > MEMO_WORDS {
            memo.clear();
        }
        StemMemo {
            memo,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }

    /// Replaces the lower-cased, folded `word` by its stem.
    pub fn stem(&mut self, word: &mut String) {
        if let Some(stem) = self.memo.get(word.as_str()) {
            word.clone_from(stem);
        } else {
            let stem = self.stemmer.stem(word).into_owned();
            let original = std::mem::replace(word, stem.clone());
            self.memo.insert(original, stem);
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn stems_exactly_as_tantivy_does_even_when_memoised() {
        let text = "Talks talked talking; the ministers' meetings were generally productive. Talks resumed.";
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachingStemmer)
            .build();
        let mut theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let expected = tokens(&mut theirs, text);
        assert_eq!(tokens(&mut ours, text), expected);
        assert_eq!(
            tokens(&mut ours, text),
            expected,
            "second pass uses the memo"
        );
        assert!(expected.contains(&"talk".to_string()));
    }

    /// The passage matcher skips stemming words whose first letter no query word has; that
    /// is only right if stemming never changes a word's first letter, the exceptions included.
    #[test]
    fn stemming_keeps_the_first_letter() {
        let words = "skis skies dying lying tying idly gently ugly early only singly news howe \
            atlas cosmos bias andes yelled yearly youths ies ied abilities ties cries \
            generously communism arsenal commune universal universities a i y";
        let mut memo = HashMap::new();
        let mut stemmer = StemMemo::over(&mut memo);
        for word in words.split_whitespace() {
            let mut stem = word.to_string();
            stemmer.stem(&mut stem);
            assert_eq!(stem.chars().next(), word.chars().next(), "{word} -> {stem}");
        }
    }
}
