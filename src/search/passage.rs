//! Passages: the body cut into paragraphs (long ones into windows of sentences), each scored
//! against the query's [`Plan`] and highlighted exactly ([`Passage`], [`match_article`]).
//!
//! Text is analysed as the index analysed it (stemming only the words that could match the
//! query), so a stem matches where the index matched; a phrase is highlighted only where it
//! occurs. Offsets are in characters.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::query::{Concept, Pattern, Plan};
use crate::index::schema::folding_analyzer;
use crate::index::stem::StemMemo;

/// Paragraphs longer than this (in bytes) are cut into windows of about this size.
pub const WINDOW: usize = 300;

/// BM25's term-frequency saturation, applied to passages.
const K1: f32 = 1.2;
/// BM25's length normalisation, applied to passages.
const B: f32 = 0.75;
/// The passage length (in words) that [`B`] normalises towards: about one [`WINDOW`].
const AVERAGE_WORDS: f32 = 50.0;
/// Credit for the words of a phrase found apart, relative to the whole phrase.
const PARTIAL_PHRASE: f32 = 0.3;
/// Weight of the proximity bonus: two query words side by side add this times the lighter
/// word's weight; `d` words apart, that divided by `d`.
const PROXIMITY: f32 = 0.5;
/// Words further apart than this earn no proximity bonus.
const MAX_PROXIMITY_DISTANCE: u32 = 10;

/// A piece of an article's body that matches the query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage text, as in the body.
    pub text: String,
    /// Character offset of the passage's first character in the body.
    pub start: usize,
    /// Character offset just past the passage's last character in the body.
    pub end: usize,
    /// `[start, end)` character ranges of matched words inside `text`.
    pub highlights: Vec<[usize; 2]>,
    /// How well the passage answers the query (see [`match_article`]); 0 for an article's lead
    /// shown because only its title matched.
    #[serde(default)]
    pub score: f32,
    /// Where else this passage was printed (OCR pages; [`super::copies`]), in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reprints: Vec<super::copies::Copy>,
}

/// One analysed word of a text: its index form, position and byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The analysed (stemmed, folded) word.
    pub text: String,
    /// Its position among the text's words, as the index counts them.
    pub position: u32,
    /// Byte offset of its first byte in the text.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// A scored passage of one article, in byte offsets into its body.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPassage {
    /// Byte range in the body.
    pub span: (usize, usize),
    /// The sum of [`ScoredPassage::parts`].
    pub score: f32,
    /// Byte ranges (in the body) of the matched words.
    pub highlights: Vec<(usize, usize)>,
    /// What the score is made of, for `--explain`.
    pub parts: Vec<ScorePart>,
    /// The summed weight of the concepts found whole in the passage.
    pub found_weight: f32,
}

/// One term of a passage's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePart {
    /// The query word or phrase, or `proximity`.
    pub what: String,
    /// Occurrences in the passage (word pairs for proximity).
    pub count: u32,
    /// The word's weight (idf).
    pub weight: f32,
    /// Its contribution.
    pub score: f32,
}

/// How an article matches a plan: its passages, best first, its title, and how much of the
/// query one place holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleMatch {
    /// Every passage with a positive score, best first (earlier first on ties).
    pub passages: Vec<ScoredPassage>,
    /// The title scored as a passage, when it matches.
    pub title: Option<ScoredPassage>,
    /// The title's length in words.
    pub title_words: u32,
    /// The body's length in words.
    pub body_words: u32,
    /// The largest share of the plan's weight found whole in one place, the title or one
    /// passage (1 when the plan has no title or body concept).
    pub concentration: f32,
    /// The lead passage, shown when no passage matches.
    pub lead: Option<(usize, usize)>,
}

/// Scores every passage of `body`, and `title` as one more, against `plan`.
///
/// A passage of `n` words scores, for each concept found in it `tf` times (a phrase counts its
/// whole occurrences), `weight × tf × (K1 + 1) / (tf + K1 × (1 − B + B × n / 50))` (BM25 with
/// K1 = 1.2, B = 0.75); a phrase not whole in the passage earns 0.3 of that for its words found
/// apart; and each pair of query words `d ≤ 10` words apart adds `0.5 × lighter weight / d`.
pub fn match_article(title: &str, body: &str, plan: &Plan) -> ArticleMatch {
    let mut analyser = PlanAnalyser::new(plan);
    let tokens = analyser.analyse(body);
    let title_tokens = analyser.analyse(title);
    let spans = split(body);
    let mut passages: Vec<ScoredPassage> = Vec::new();
    for &(start, end) in &spans {
        let first = tokens.partition_point(|t| t.start < start);
        let last = tokens.partition_point(|t| t.end <= end);
        let slice = tokens.get(first..last.max(first)).unwrap_or_default();
        if let Some(scored) = score_passage(slice, plan, (start, end), |c| c.in_body) {
            passages.push(scored);
        }
    }
    passages.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.span.0.cmp(&b.span.0)));
    // The lead, skipping a bare dateline such as "Friday, January 4, 2019".
    let lead = spans
        .iter()
        .find(|(start, end)| end - start > 40)
        .or(spans.first())
        .copied();
    let title = score_passage(&title_tokens, plan, (0, title.len()), |c| c.in_title);
    let total: f32 = plan.concepts.iter().map(|c| c.weight).sum();
    let concentration = if total > 0.0 {
        passages
            .iter()
            .chain(&title)
            .map(|p| p.found_weight / total)
            .fold(0.0, f32::max)
    } else {
        1.0
    };
    ArticleMatch {
        passages,
        title,
        title_words: title_tokens.len() as u32,
        body_words: tokens.len() as u32,
        concentration,
        lead,
    }
}

/// Analyses candidate texts for one query the way the index analysed them, except that a
/// word is stemmed only when its first letter is the first letter of one of the query's
/// words: stemming never changes a word's first letter, so no other word can match, and most
/// of the cost of re-reading a long candidate was stemming words the query cannot match.
/// Only positions and offsets are kept for those words.
struct PlanAnalyser {
    fold: TextAnalyzer,
    initials: Vec<char>,
    memo: HashMap<String, String>,
}

impl PlanAnalyser {
    fn new(plan: &Plan) -> PlanAnalyser {
        let mut initials: Vec<char> = plan
            .concepts
            .iter()
            .flat_map(|concept| match &concept.pattern {
                Pattern::Words(words) => words.iter().collect::<Vec<_>>(),
                Pattern::Phrase { words, .. } => words.iter().map(|(_, w)| w).collect(),
            })
            .filter_map(|word| word.chars().next())
            .collect();
        initials.sort_unstable();
        initials.dedup();
        PlanAnalyser {
            fold: folding_analyzer(),
            initials,
            memo: HashMap::new(),
        }
    }

    fn analyse(&mut self, text: &str) -> Vec<Token> {
        let mut stemmer = StemMemo::over(&mut self.memo);
        let mut stream = self.fold.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token_mut();
            let mut word = std::mem::take(&mut token.text);
            if word
                .chars()
                .next()
                .is_some_and(|c| self.initials.binary_search(&c).is_ok())
            {
                stemmer.stem(&mut word);
            }
            tokens.push(Token {
                text: word,
                position: token.position as u32,
                start: token.offset_from,
                end: token.offset_to,
            });
        }
        tokens
    }
}

/// Scores the passage made of `tokens`; `None` when no concept of the body is in it.
fn score_passage(
    tokens: &[Token],
    plan: &Plan,
    span: (usize, usize),
    in_scope: fn(&Concept) -> bool,
) -> Option<ScoredPassage> {
    let norm = K1 * (1.0 - B + B * tokens.len() as f32 / AVERAGE_WORDS);
    let saturate = |count: usize| {
        let count = count as f32;
        count * (K1 + 1.0) / (count + norm)
    };
    let mut parts = Vec::new();
    let mut highlights = Vec::new();
    let mut word_positions: Vec<(f32, Vec<u32>)> = Vec::new();
    let mut found_weight = 0.0;
    for concept in plan.concepts.iter().filter(|c| in_scope(c)) {
        let found = occurrences(concept, tokens);
        if found.is_empty() {
            if let Pattern::Phrase { words, weights, .. } = &concept.pattern {
                let mut score = 0.0;
                for ((_, word), weight) in words.iter().zip(weights) {
                    let count = tokens.iter().filter(|t| &t.text == word).count();
                    if count > 0 {
                        score += weight * saturate(count);
                    }
                }
                if score > 0.0 {
                    parts.push(ScorePart {
                        what: format!("{} (words apart)", concept.label),
                        count: 0,
                        weight: concept.weight,
                        score: PARTIAL_PHRASE * score,
                    });
                }
            }
            continue;
        }
        found_weight += concept.weight;
        parts.push(ScorePart {
            what: concept.label.clone(),
            count: found.len() as u32,
            weight: concept.weight,
            score: concept.weight * saturate(found.len()),
        });
        for occurrence in &found {
            for &index in occurrence {
                if let Some(token) = tokens.get(index) {
                    highlights.push((token.start, token.end));
                }
            }
        }
        if matches!(concept.pattern, Pattern::Words(_)) {
            let mut positions: Vec<u32> = found
                .iter()
                .filter_map(|o| o.first().and_then(|&i| tokens.get(i)))
                .map(|t| t.position)
                .collect();
            positions.sort_unstable();
            word_positions.push((concept.weight, positions));
        }
    }
    if parts.is_empty() {
        return None;
    }
    let mut proximity = 0.0;
    let mut pairs = 0;
    for (i, (weight_a, a)) in word_positions.iter().enumerate() {
        for (weight_b, b) in &word_positions[i + 1..] {
            if let Some(distance) = closest(a, b).filter(|d| *d <= MAX_PROXIMITY_DISTANCE) {
                proximity += PROXIMITY * weight_a.min(*weight_b) / distance.max(1) as f32;
                pairs += 1;
            }
        }
    }
    if pairs > 0 {
        parts.push(ScorePart {
            what: "proximity".to_string(),
            count: pairs,
            weight: PROXIMITY,
            score: proximity,
        });
    }
    highlights.sort_unstable();
    highlights.dedup();
    Some(ScoredPassage {
        span,
        score: parts.iter().map(|p| p.score).sum(),
        highlights,
        parts,
        found_weight,
    })
}

/// The smallest distance between a position of `a` and one of `b` (both sorted).
fn closest(a: &[u32], b: &[u32]) -> Option<u32> {
    let (mut i, mut j) = (0, 0);
    let mut best: Option<u32> = None;
    while i < a.len() && j < b.len() {
        let distance = a[i].abs_diff(b[j]);
        best = Some(best.map_or(distance, |d| d.min(distance)));
        if a[i] < b[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    best
}

/// Each occurrence of `concept` in `tokens`, as the indices of its tokens.
///
/// A phrase with a slop matches the way tantivy's does: each word may sit away from its
/// written place, and the distances, summed over the words, stay within the slop.
fn occurrences(concept: &Concept, tokens: &[Token]) -> Vec<Vec<usize>> {
    match &concept.pattern {
        Pattern::Words(words) => tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| words.contains(&t.text))
            .map(|(i, _)| vec![i])
            .collect(),
        Pattern::Phrase { words, slop, .. } => {
            let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, token) in tokens.iter().enumerate() {
                if words.iter().any(|(_, w)| *w == token.text) {
                    by_word.entry(token.text.as_str()).or_default().push(i);
                }
            }
            let Some((_, first_word)) = words.first() else {
                return Vec::new();
            };
            let starts = by_word
                .get(first_word.as_str())
                .cloned()
                .unwrap_or_default();
            let mut found = Vec::new();
            'start: for start in starts {
                let Some(first) = tokens.get(start) else {
                    continue;
                };
                let mut aligned = i64::from(first.position);
                let mut spent = 0u32;
                let mut picked = vec![start];
                for (offset, word) in &words[1..] {
                    let best = by_word
                        .get(word.as_str())
                        .into_iter()
                        .flatten()
                        .filter(|i| !picked.contains(i))
                        .filter_map(|&i| {
                            let here = i64::from(tokens.get(i)?.position) - i64::from(*offset);
                            Some((here.abs_diff(aligned), here, i))
                        })
                        .min();
                    match best {
                        Some((distance, here, i))
                            if u64::from(spent) + distance <= u64::from(*slop) =>
                        {
                            spent += distance as u32;
                            aligned = here;
                            picked.push(i);
                        }
                        _ => continue 'start,
                    }
                }
                found.push(picked);
            }
            found
        }
    }
}

/// Turns a scored passage into the contract's [`Passage`] (character offsets).
pub fn to_passage(body: &str, scored: &ScoredPassage) -> Passage {
    let mut passage = plain_passage(body, scored.span);
    let (start, _) = scored.span;
    let relative: Vec<(usize, usize)> = scored
        .highlights
        .iter()
        .filter(|(s, e)| *s >= start && *e <= scored.span.1)
        .map(|(s, e)| (s - start, e - start))
        .collect();
    passage.highlights = to_char_ranges(&passage.text, &relative);
    passage.score = scored.score;
    passage
}

/// The passage at `span` (byte offsets) without highlights.
pub fn plain_passage(body: &str, span: (usize, usize)) -> Passage {
    let (start, end) = span;
    let text = body.get(start..end).unwrap_or_default();
    let char_start = body.get(..start).map_or(0, |head| head.chars().count());
    Passage {
        text: text.to_string(),
        start: char_start,
        end: char_start + text.chars().count(),
        highlights: Vec::new(),
        score: 0.0,
        reprints: Vec::new(),
    }
}

/// The passages around character `offset` of `body`: the one holding it, and up to `around`
/// before and after; `None` when the offset is past the end or the body is empty.
pub fn context(body: &str, offset: usize, around: usize) -> Option<Context> {
    let spans = split(body);
    let byte = body.char_indices().nth(offset).map_or_else(
        || (offset == body.chars().count()).then_some(body.len()),
        |(at, _)| Some(at),
    )?;
    // The passage holding the offset, or the next one when it falls between passages.
    let at = spans
        .iter()
        .position(|&(_, end)| byte < end)
        .or_else(|| spans.len().checked_sub(1))?;
    let passages: Vec<Passage> = spans.iter().map(|&s| plain_passage(body, s)).collect();
    let first = at.saturating_sub(around);
    let last = (at + around + 1).min(passages.len());
    Some(Context {
        offset,
        passage: passages.get(at)?.clone(),
        before: passages.get(first..at).unwrap_or_default().to_vec(),
        after: passages.get(at + 1..last).unwrap_or_default().to_vec(),
        skipped_before: first,
        skipped_after: passages.len() - last,
    })
}

/// An article's passages around an offset, for `show --at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// The character offset asked for.
    pub offset: usize,
    /// The passage holding it.
    pub passage: Passage,
    /// Passages just before it, in order.
    pub before: Vec<Passage>,
    /// Passages just after it, in order.
    pub after: Vec<Passage>,
    /// Passages before `before` that are not shown.
    pub skipped_before: usize,
    /// Passages after `after` that are not shown.
    pub skipped_after: usize,
}

/// Converts byte ranges (sorted) into character ranges.
fn to_char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let mut result = Vec::with_capacity(ranges.len());
    let mut chars_before = 0;
    let mut bytes_seen = 0;
    for &(start, end) in ranges {
        if start < bytes_seen {
            continue;
        }
        let (Some(head), Some(word)) = (text.get(bytes_seen..start), text.get(start..end)) else {
            continue;
        };
        chars_before += head.chars().count();
        let length = word.chars().count();
        result.push([chars_before, chars_before + length]);
        chars_before += length;
        bytes_seen = end;
    }
    result
}

/// Cuts the body into passage byte spans: paragraphs (separated by blank lines), long ones
/// into windows of sentences.
pub fn split(body: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for paragraph in body.split("\n\n") {
        let start = offset + (paragraph.len() - paragraph.trim_start().len());
        let end = offset + paragraph.trim_end().len();
        offset += paragraph.len() + 2;
        if end <= start {
            continue;
        }
        if end - start <= WINDOW + WINDOW / 2 {
            spans.push((start, end));
        } else {
            windows(body, start, end, &mut spans);
        }
    }
    spans
}

/// Cuts `body[start..end]` into windows of about [`WINDOW`] bytes at sentence ends, else spaces.
fn windows(body: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let mut from = start;
    while from < end {
        if end - from <= WINDOW + WINDOW / 2 {
            spans.push((from, end));
            return;
        }
        let slice = &body[from..end];
        let limit = floor_char_boundary(slice, WINDOW + WINDOW / 3);
        let minimum = floor_char_boundary(slice, WINDOW / 2);
        let head = &slice[..limit];
        // The last ". ", "? ", "! " or ".\n" that leaves at least `minimum` bytes before it
        // (one backward pass over bytes: all four are ASCII).
        let bytes = head.as_bytes();
        let sentence_end = (minimum.max(1)..bytes.len()).rev().find(|&at| {
            matches!(
                (bytes[at - 1], bytes[at]),
                (b'.' | b'?' | b'!', b' ') | (b'.', b'\n')
            )
        });
        let cut = sentence_end
            .or_else(|| head.rfind(char::is_whitespace).filter(|&at| at >= minimum))
            .unwrap_or(limit)
            .max(1);
        let cut =
            floor_char_boundary(slice, cut).max(slice.chars().next().map_or(1, char::len_utf8));
        let piece = &slice[..cut];
        spans.push((from, from + piece.trim_end().len()));
        let rest = &slice[cut..];
        from += cut + (rest.len() - rest.trim_start().len());
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn word(label: &str, stems: &[&str], weight: f32) -> Concept {
        Concept {
            label: label.to_string(),
            in_title: true,
            in_body: true,
            pattern: Pattern::Words(stems.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>()),
            weight,
        }
    }

    fn phrase(label: &str, stems: &[&str], slop: u32) -> Concept {
        Concept {
            label: label.to_string(),
            in_title: true,
            in_body: true,
            pattern: Pattern::Phrase {
                words: stems
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i as u32, s.to_string()))
                    .collect(),
                weights: vec![1.0; stems.len()],
                slop,
            },
            weight: stems.len() as f32,
        }
    }

    fn plan(concepts: Vec<Concept>) -> Plan {
        Plan { concepts }
    }

    fn highlighted(passage: &Passage) -> Vec<String> {
        passage
            .highlights
            .iter()
            .map(|[s, e]| passage.text.chars().skip(*s).take(e - s).collect())
            .collect()
    }

    fn best(body: &str, plan: &Plan) -> Passage {
        let matched = match_article("", body, plan);
        to_passage(body, &matched.passages[0])
    }

    #[test]
    fn the_matching_paragraph_wins_and_stems_are_highlighted() {
        let body = "Nothing here.\n\nRussia wants security talks now.\n\nOther text.";
        let plan = plan(vec![
            word("security", &["secur"], 1.0),
            word("talks", &["talk"], 1.0),
        ]);
        let passage = best(body, &plan);
        assert_eq!(passage.text, "Russia wants security talks now.");
        assert_eq!(highlighted(&passage), ["security", "talks"]);
        let in_body: String = body
            .chars()
            .skip(passage.start)
            .take(passage.end - passage.start)
            .collect();
        assert_eq!(in_body, passage.text);
        assert!(passage.score > 0.0);
    }

    #[test]
    fn a_phrase_is_highlighted_only_where_it_occurs() {
        let body = "The talks were about security. Later, security talks resumed.";
        let plan = plan(vec![phrase("\"security talks\"", &["secur", "talk"], 0)]);
        let passage = best(body, &plan);
        assert_eq!(highlighted(&passage), ["security", "talks"]);
        assert_eq!(passage.highlights, [[38, 46], [47, 52]]);
    }

    #[test]
    fn a_phrase_with_slop_matches_words_moved_within_it() {
        let body = "The nuclear arms reduction treaty was signed.";
        let loose = plan(vec![phrase(
            "\"nuclear treaty\"~3",
            &["nuclear", "treati"],
            3,
        )]);
        assert_eq!(highlighted(&best(body, &loose)), ["nuclear", "treaty"]);
        let tight = plan(vec![phrase(
            "\"nuclear treaty\"~1",
            &["nuclear", "treati"],
            1,
        )]);
        let matched = match_article("", body, &tight);
        assert_eq!(matched.concentration, 0.0);
        assert!(
            matched.passages[0].highlights.is_empty(),
            "words apart get credit, no marks"
        );
    }

    #[test]
    fn close_words_and_a_whole_phrase_outrank_scattered_ones() {
        let body = "Talks stalled. The weather was fine and security was tight all week long in the city.\n\nSecurity talks began on Monday.";
        let plan = plan(vec![
            word("security", &["secur"], 1.0),
            word("talks", &["talk"], 1.0),
        ]);
        let matched = match_article("", body, &plan);
        assert_eq!(
            to_passage(body, &matched.passages[0]).text,
            "Security talks began on Monday."
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let body = "Café société.\n\nLe café coûte cher.";
        let passage = best(body, &plan(vec![word("coûte", &["cout"], 1.0)]));
        assert_eq!(passage.start, 15);
        assert_eq!(passage.highlights, vec![[8, 13]]);
    }

    #[test]
    fn long_paragraphs_are_cut_into_windows_at_sentence_ends() {
        let sentence = "The council met again today to discuss the budget. ";
        let body = sentence.repeat(30);
        let spans = split(body.trim());
        assert!(spans.len() > 3);
        for (start, end) in spans {
            let piece = &body[start..end];
            assert!(piece.len() <= WINDOW + WINDOW / 2, "{}", piece.len());
            assert!(piece.ends_with('.'), "{piece}");
        }
    }

    #[test]
    fn concepts_found_in_the_title_count_as_found() {
        let plan = plan(vec![
            word("zebra", &["zebra"], 1.0),
            word("lion", &["lion"], 1.0),
        ]);
        let matched = match_article("Zebra news", "Lead paragraph here.\n\nSecond.", &plan);
        assert_eq!(matched.concentration, 0.5);
        assert!(matched.passages.is_empty());
        assert_eq!(matched.lead, Some((0, 20)));
    }

    proptest::proptest! {
        #[test]
        fn any_body_and_offset_give_passages_on_char_boundaries(
            body in "(?s)[a-zé .\n!?]{0,1200}",
            offset in 0usize..1300,
        ) {
            let plan = plan(vec![word("a", &["a"], 1.0), phrase("\"a b\"", &["a", "b"], 1)]);
            let matched = match_article("a b", &body, &plan);
            for scored in &matched.passages {
                let passage = to_passage(&body, scored);
                let shown: String = body.chars().skip(passage.start).take(passage.end - passage.start).collect();
                proptest::prop_assert_eq!(shown, passage.text.clone());
                for [start, end] in &passage.highlights {
                    proptest::prop_assert!(start < end && *end <= passage.text.chars().count());
                }
            }
            let length = body.chars().count();
            match context(&body, offset, 1) {
                Some(found) => proptest::prop_assert!(offset <= length && found.passage.start <= length),
                None => proptest::prop_assert!(offset > length || body.trim().is_empty()),
            }
        }
    }

    #[test]
    fn context_finds_the_passage_holding_an_offset() {
        let body = "One.\n\nTwo two.\n\nThree.\n\nFour.";
        let context = context(body, 8, 1).unwrap();
        assert_eq!(context.passage.text, "Two two.");
        assert_eq!(context.before[0].text, "One.");
        assert_eq!(context.after[0].text, "Three.");
        assert_eq!((context.skipped_before, context.skipped_after), (0, 1));
        assert_eq!(super::context(body, 5, 0).unwrap().passage.text, "Two two.");
        assert!(super::context(body, 500, 1).is_none());
    }
}
