//! Passages: the body cut into paragraphs (long ones into windows of sentences, [`split`]), each
//! scored against the query's [`Plan`] (`score`) and highlighted exactly ([`Passage`],
//! [`match_article`]).
//!
//! Text is analysed as the index analysed it, by the plan's [`Matcher`] (built once per query),
//! so a stem matches where the index matched; a phrase is highlighted only where it occurs. A
//! long body that stored its cut ([`PassageMap`]) is not read at all: its query words come
//! from the index's positions ([`match_map`]), and only a shown passage is read to place its
//! highlights.
//! Inside the search, places are [`ByteSpan`]s of the body; the contract's [`Passage`] speaks
//! in characters ([`CharSpan`]).

pub mod cache;
pub mod matcher;
mod score;

use serde::{Deserialize, Serialize};

pub use crate::index::passages::{ByteSpan, PassageMap, WINDOW, split};
pub use matcher::Matcher;
use score::score_passage;

use super::query::Plan;
use crate::index::analysis::words;

/// A character range `[start, end)` of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CharSpan {
    /// Offset of the first character.
    pub start: usize,
    /// Offset just past the last character.
    pub end: usize,
}

/// A piece of an article's body that matches the query.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Its byte range in the body, while a search makes its answer (not in the contract): what
    /// the copies of its passages are looked for by, without counting characters again.
    #[serde(skip)]
    pub(crate) bytes: Option<ByteSpan>,
}

/// Passages are equal when the contract says so: their byte range, known only inside a search,
/// is left out.
impl PartialEq for Passage {
    fn eq(&self, other: &Passage) -> bool {
        let Passage {
            text,
            start,
            end,
            highlights,
            score,
            reprints,
            bytes: _,
        } = self;
        *text == other.text
            && *start == other.start
            && *end == other.end
            && *highlights == other.highlights
            && *score == other.score
            && *reprints == other.reprints
    }
}

/// A scored passage of one article, in byte offsets into its body.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPassage {
    /// Byte range in the body.
    pub span: ByteSpan,
    /// The sum of [`ScoredPassage::parts`].
    pub score: f32,
    /// The positions of the matched words among the body's words, as the index counts them
    /// (sorted): [`to_passage`] finds them in the passage's text.
    pub highlights: Vec<u32>,
    /// The position of the passage's first word the index holds (its words' count starts
    /// here).
    pub first_position: u32,
    /// What the score is made of, for `--explain` ([`explain_parts`]).
    pub parts: Vec<Part>,
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

/// One term of a passage's score, by the index of its concept in the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// What earned it.
    pub kind: PartKind,
    /// Occurrences in the passage (word pairs for proximity).
    pub count: u32,
    /// The word's weight (idf).
    pub weight: f32,
    /// Its contribution.
    pub score: f32,
}

/// What earned a [`Part`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// The plan's concept at this index, found whole.
    Concept(usize),
    /// The words of the plan's phrase at this index, found apart.
    Apart(usize),
    /// Query words close together.
    Proximity,
}

/// The parts of a score as the contract's [`ScorePart`]s, named by the plan's labels.
pub fn explain_parts(plan: &Plan, parts: &[Part]) -> Vec<ScorePart> {
    let label = |at: usize| plan.concepts.get(at).map_or("", |c| c.label.as_str());
    parts
        .iter()
        .map(|part| ScorePart {
            what: match part.kind {
                PartKind::Concept(at) => label(at).to_string(),
                PartKind::Apart(at) => format!("{} (words apart)", label(at)),
                PartKind::Proximity => "proximity".to_string(),
            },
            count: part.count,
            weight: part.weight,
            score: part.score,
        })
        .collect()
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
    pub lead: Option<ByteSpan>,
}

/// Scores every passage of `body`, and `title` as one more, against `plan`.
///
/// A passage of `n` words scores, for each concept found in it `tf` times (a phrase counts its
/// whole occurrences), `weight × tf × (K1 + 1) / (tf + K1 × (1 − B + B × n / 50))` (BM25 with
/// K1 = 1.2, B = 0.75); a phrase not whole in the passage earns 0.3 of that for its words found
/// apart; and each pair of query words `d ≤ 10` words apart adds `0.5 × lighter weight / d`.
pub fn match_article(title: &str, body: &str, plan: &Plan) -> ArticleMatch {
    let (marks, bounds) = plan.matcher().marks_and_words(body);
    let spans = split(body);
    let ranges = word_ranges(&spans, &bounds, |&(_, start, end)| (start, end));
    let passages = score_spans(&marks, &spans, &ranges, |at| bounds[at].0, plan);
    finish(title, passages, &spans, bounds.len() as u32, plan)
}

/// [`match_article`] for a body already cut ([`cache::Cut`]): the same answer.
pub fn match_cut(title: &str, body: &str, cut: &cache::Cut, plan: &Plan) -> ArticleMatch {
    let marks = plan.matcher().marks_in_cut(body, cut);
    let passages = score_spans(&marks, &cut.spans, &cut.ranges, |at| cut.words[at].0, plan);
    finish(title, passages, &cut.spans, cut.words.len() as u32, plan)
}

/// [`match_article`] for a body whose cut was stored ([`PassageMap`]), from the positions of
/// the query's words in it (`(position, word)`, sorted, as the index holds them): the same
/// answer, without reading the body.
pub fn match_map(
    title: &str,
    map: &PassageMap,
    marks: &[(u32, matcher::WordId)],
    plan: &Plan,
) -> ArticleMatch {
    let mut passages: Vec<ScoredPassage> = Vec::new();
    let mut from = 0;
    let mut inside: Vec<matcher::Token> = Vec::new();
    for mapped in &map.passages {
        let (first, end) = mapped.positions;
        from += marks[from..].partition_point(|&(position, _)| position < first);
        let to = from + marks[from..].partition_point(|&(position, _)| position < end);
        if mapped.words == 0 || from == to {
            continue;
        }
        inside.clear();
        inside.extend(
            marks[from..to]
                .iter()
                .map(|&(position, word)| matcher::Token {
                    word: Some(word),
                    position,
                }),
        );
        let words = mapped.words as usize;
        if let Some(scored) = score_passage(&inside, words, plan, mapped.span, first, |c| c.in_body)
        {
            passages.push(scored);
        }
    }
    let spans: Vec<ByteSpan> = map.passages.iter().map(|p| p.span).collect();
    finish(title, passages, &spans, map.words, plan)
}

/// For each passage of `spans`, its words as a range of indices into `words` (sorted, each
/// giving its byte range by `bounds`): those starting at or after the passage's start and
/// ending at or before its end.
pub fn word_ranges<T>(
    spans: &[ByteSpan],
    words: &[T],
    bounds: impl Fn(&T) -> (usize, usize),
) -> Vec<(u32, u32)> {
    let mut first = 0;
    spans
        .iter()
        .map(|span| {
            first += words[first..].partition_point(|w| bounds(w).0 < span.start);
            let last = first + words[first..].partition_point(|w| bounds(w).1 <= span.end);
            (
                u32::try_from(first).unwrap_or(u32::MAX),
                u32::try_from(last).unwrap_or(u32::MAX),
            )
        })
        .collect()
}

/// Scores each passage of `spans` (its words `ranges`) that holds one of `marks` (the body's
/// query words with their indices among its words, in order). A passage without a query word
/// cannot score, and is passed over.
fn score_spans(
    marks: &[(usize, matcher::Token)],
    spans: &[ByteSpan],
    ranges: &[(u32, u32)],
    position_of: impl Fn(usize) -> u32,
    plan: &Plan,
) -> Vec<ScoredPassage> {
    let mut passages: Vec<ScoredPassage> = Vec::new();
    let mut from = 0;
    for (&span, &(first, last)) in spans.iter().zip(ranges) {
        let (first, last) = (first as usize, last as usize);
        from += marks[from..].partition_point(|&(at, _)| at < first);
        let to = from + marks[from..].partition_point(|&(at, _)| at < last);
        if from == to {
            continue;
        }
        let inside: Vec<matcher::Token> = marks[from..to].iter().map(|&(_, t)| t).collect();
        let position = position_of(first);
        if let Some(scored) =
            score_passage(&inside, last - first, plan, span, position, |c| c.in_body)
        {
            passages.push(scored);
        }
    }
    passages
}

/// Completes an [`ArticleMatch`] from the scored passages of a body cut into `spans` and
/// holding `body_words` words: the passages in order, the lead, the title, the concentration.
fn finish(
    title: &str,
    mut passages: Vec<ScoredPassage>,
    spans: &[ByteSpan],
    body_words: u32,
    plan: &Plan,
) -> ArticleMatch {
    let title_tokens = plan.matcher().analyse(title);
    passages.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.span.start.cmp(&b.span.start))
    });
    // The lead, skipping a bare dateline such as "Friday, January 4, 2019".
    let lead = spans
        .iter()
        .find(|span| span.end - span.start > 40)
        .or(spans.first())
        .copied();
    let title_span = ByteSpan {
        start: 0,
        end: title.len(),
    };
    let title = score_passage(
        &title_tokens,
        title_tokens.len(),
        plan,
        title_span,
        0,
        |c| c.in_title,
    );
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
        body_words,
        concentration,
        lead,
    }
}

/// Turns a scored passage into the contract's [`Passage`] (character offsets).
pub fn to_passage(body: &str, scored: &ScoredPassage) -> Passage {
    let mut passage = plain_passage(body, scored.span);
    let relative = highlighted(body, scored);
    passage.highlights = to_char_ranges(&passage.text, &relative)
        .into_iter()
        .map(|span| [span.start, span.end])
        .collect();
    passage.score = scored.score;
    passage
}

/// The byte ranges, relative to the passage, of the words at `scored`'s highlighted
/// positions: the passage's text is read into words, counting from its first word's position.
fn highlighted(body: &str, scored: &ScoredPassage) -> Vec<ByteSpan> {
    let ByteSpan { start, end } = scored.span;
    let Some(text) = body.get(start..end) else {
        return Vec::new();
    };
    let mut wanted = scored.highlights.iter().copied().peekable();
    if wanted.peek().is_none() {
        return Vec::new();
    }
    // A window cut through a word (no space to cut at) starts with the word's tail, which is
    // none of the passage's words.
    let cut_through = body[..start]
        .chars()
        .next_back()
        .zip(text.chars().next())
        .is_some_and(|(before, first)| before.is_alphanumeric() && first.is_alphanumeric());
    let mut found = words(text)
        .skip_while(|&(_, from, _)| cut_through && from == 0)
        .peekable();
    // The passage's first word: its position in the body is `first_position`.
    let Some(&(relative_first, _, _)) = found.peek() else {
        return Vec::new();
    };
    let shift = i64::from(scored.first_position) - i64::from(relative_first);
    let mut spans = Vec::with_capacity(scored.highlights.len());
    for (relative, from, to) in found {
        let position = i64::from(relative) + shift;
        while wanted.next_if(|&w| i64::from(w) < position).is_some() {}
        let Some(next) = wanted.peek() else { break };
        if i64::from(*next) == position {
            spans.push(ByteSpan {
                start: from,
                end: to,
            });
            wanted.next();
        }
    }
    spans
}

/// The passage at `span` (byte offsets) without highlights.
pub fn plain_passage(body: &str, span: ByteSpan) -> Passage {
    let ByteSpan { start, end } = span;
    let text = body.get(start..end).unwrap_or_default();
    let char_start = body.get(..start).map_or(0, |head| head.chars().count());
    Passage {
        text: text.to_string(),
        start: char_start,
        end: char_start + text.chars().count(),
        highlights: Vec::new(),
        score: 0.0,
        reprints: Vec::new(),
        bytes: body.get(start..end).map(|_| span),
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
        .position(|span| byte < span.end)
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
fn to_char_ranges(text: &str, ranges: &[ByteSpan]) -> Vec<CharSpan> {
    let mut result = Vec::with_capacity(ranges.len());
    let mut chars_before = 0;
    let mut bytes_seen = 0;
    for &ByteSpan { start, end } in ranges {
        if start < bytes_seen {
            continue;
        }
        let (Some(head), Some(word)) = (text.get(bytes_seen..start), text.get(start..end)) else {
            continue;
        };
        chars_before += head.chars().count();
        let length = word.chars().count();
        result.push(CharSpan {
            start: chars_before,
            end: chars_before + length,
        });
        chars_before += length;
        bytes_seen = end;
    }
    result
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::search::query::{Concept, Pattern};

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
        Plan::new(concepts)
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
    fn concepts_found_in_the_title_count_as_found() {
        let plan = plan(vec![
            word("zebra", &["zebra"], 1.0),
            word("lion", &["lion"], 1.0),
        ]);
        let matched = match_article("Zebra news", "Lead paragraph here.\n\nSecond.", &plan);
        assert_eq!(matched.concentration, 0.5);
        assert!(matched.passages.is_empty());
        assert_eq!(matched.lead, Some(ByteSpan { start: 0, end: 20 }));
    }

    proptest::proptest! {
        /// A body cut once and kept matches exactly as the body read afresh.
        #[test]
        fn a_kept_cut_matches_as_the_body_read_afresh(
            body in "(?s)(Security|talks|TALK|é|secure|a|b|[.!? ]|\n\n){0,400}",
        ) {
            let plan = plan(vec![
                word("security", &["secur"], 1.5),
                word("talks", &["talk"], 1.0),
                phrase("\"a b\"", &["a", "b"], 1),
            ]);
            let fresh = match_article("Talks a b", &body, &plan);
            let mut analysis = crate::index::analysis::Normalizer::stemming();
            for _ in 0..2 {
                let cut = cache::Cut::of(&body, &mut analysis).unwrap();
                proptest::prop_assert_eq!(&match_cut("Talks a b", &body, &cut, &plan), &fresh);
            }
        }
    }

    proptest::proptest! {
        /// A body's stored cut and the positions of the query's words score as the body read
        /// afresh, and each highlight is found again in the passage's text where the body's
        /// words put it, windows cut through a word and long words included.
        #[test]
        fn a_stored_cut_scores_and_highlights_as_the_body_read_afresh(
            body in "(?s)(Security|talks|TALK|é|secure|a|b|x{45}|y{400}|[.!? ]|\n\n){0,400}",
        ) {
            let plan = plan(vec![
                word("security", &["secur"], 1.5),
                word("talks", &["talk"], 1.0),
                phrase("\"a b\"", &["a", "b"], 1),
            ]);
            let fresh = match_article("Talks a b", &body, &plan);
            let marks: Vec<(u32, matcher::WordId)> = plan
                .matcher()
                .analyse(&body)
                .iter()
                .filter_map(|t| t.word.map(|w| (t.position, w)))
                .collect();
            let map = PassageMap::decode(&PassageMap::of(&body).encode()).unwrap();
            proptest::prop_assert_eq!(&match_map("Talks a b", &map, &marks, &plan), &fresh);
            let every: Vec<(u32, usize, usize)> = words(&body).collect();
            for scored in &fresh.passages {
                let expected: Vec<ByteSpan> = every
                    .iter()
                    .filter(|w| scored.highlights.contains(&w.0))
                    .map(|w| ByteSpan { start: w.1 - scored.span.start, end: w.2 - scored.span.start })
                    .collect();
                proptest::prop_assert_eq!(super::highlighted(&body, scored), expected);
            }
        }
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
