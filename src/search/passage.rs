//! Passages: the body cut into paragraphs (long ones into windows of sentences), scored against
//! the query's words, with exact highlight ranges ([`Passage`], [`best_passages`]).
//!
//! Words are matched through the same analyzer the index uses, so "talks" highlights "talk".
//! Offsets are in characters: `start`/`end` into the body, `highlights` into the passage text.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TokenStream;

use crate::index::schema::news_analyzer;

/// Passages longer than this (in bytes) are cut into windows.
const WINDOW: usize = 300;

/// A passage's score, its place among the spans, and its matched byte ranges.
type Scored = (f32, usize, Vec<(usize, usize)>);

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
}

/// The `count` best passages of `body` for the weighted query words, best first.
///
/// `weights` maps each analysed query word to its weight. When nothing matches (the title
/// did), the body's first passage is returned without highlights.
pub fn best_passages(body: &str, weights: &HashMap<String, f32>, count: usize) -> Vec<Passage> {
    let spans = split(body);
    let mut scored: Vec<Scored> = spans
        .iter()
        .enumerate()
        .map(|(at, &(start, end))| {
            let (score, highlights) = score_passage(&body[start..end], weights);
            (score, at, highlights)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut passages: Vec<Passage> = scored
        .into_iter()
        .filter(|(score, _, _)| *score > 0.0)
        .take(count)
        .filter_map(|(_, at, highlights)| {
            spans
                .get(at)
                .map(|&(s, e)| to_passage(body, s, e, &highlights))
        })
        .collect();
    if passages.is_empty() && count > 0 {
        // The lead, skipping a bare dateline such as "Friday, January 4, 2019".
        let lead = spans
            .iter()
            .find(|(start, end)| end - start > 40)
            .or(spans.first());
        if let Some(&(start, end)) = lead {
            passages.push(to_passage(body, start, end, &[]));
        }
    }
    passages
}

/// Highlight ranges (character offsets into `text`) of the weighted words in `text`.
pub fn highlight(text: &str, weights: &HashMap<String, f32>) -> Vec<[usize; 2]> {
    let (_, ranges) = score_passage(text, weights);
    to_char_ranges(text, &ranges)
}

fn to_passage(body: &str, start: usize, end: usize, highlights: &[(usize, usize)]) -> Passage {
    let text = &body[start..end];
    let char_start = body[..start].chars().count();
    Passage {
        text: text.to_string(),
        start: char_start,
        end: char_start + text.chars().count(),
        highlights: to_char_ranges(text, highlights),
    }
}

/// Converts byte ranges (sorted) into character ranges.
fn to_char_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let mut result = Vec::with_capacity(ranges.len());
    let mut chars_before = 0;
    let mut bytes_seen = 0;
    for &(start, end) in ranges {
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

/// Scores one passage: distinct words by weight, repeats a little, adjacent matches (phrases,
/// proximity) a bonus. Returns the score and the byte ranges of matched words.
fn score_passage(text: &str, weights: &HashMap<String, f32>) -> (f32, Vec<(usize, usize)>) {
    if weights.is_empty() {
        return (0.0, Vec::new());
    }
    let mut analyzer = news_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut ranges = Vec::new();
    let mut distinct: HashSet<String> = HashSet::new();
    let mut repeats = 0.0;
    let mut adjacency = 0.0;
    let mut previous: Option<(usize, String)> = None;
    while stream.advance() {
        let token = stream.token();
        let Some(&weight) = weights.get(&token.text) else {
            continue;
        };
        ranges.push((token.offset_from, token.offset_to));
        if !distinct.insert(token.text.clone()) {
            repeats += 0.1 * weight;
        }
        if let Some((position, word)) = &previous
            && token.position == position + 1
            && *word != token.text
        {
            adjacency += 0.5 * weight;
        }
        previous = Some((token.position, token.text.clone()));
    }
    let coverage: f32 = distinct.iter().filter_map(|w| weights.get(w)).sum();
    let score = coverage + repeats.min(coverage) + adjacency;
    (score, ranges)
}

/// Cuts the body into passage byte spans: paragraphs, long ones into windows of sentences.
fn split(body: &str) -> Vec<(usize, usize)> {
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
        let sentence_end = head
            .match_indices(". ")
            .chain(head.match_indices("? "))
            .chain(head.match_indices("! "))
            .chain(head.match_indices(".\n"))
            .map(|(at, _)| at + 1)
            .filter(|&at| at >= minimum)
            .max();
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
    use super::*;

    fn weights(words: &[&str]) -> HashMap<String, f32> {
        words.iter().map(|w| (w.to_string(), 1.0)).collect()
    }

    #[test]
    fn the_matching_paragraph_wins_and_stems_are_highlighted() {
        let body = "Nothing here.\n\nRussia wants security talks now.\n\nOther text.";
        let passages = best_passages(body, &weights(&["secur", "talk"]), 1);
        let passage = &passages[0];
        assert_eq!(passage.text, "Russia wants security talks now.");
        let words: Vec<String> = passage
            .highlights
            .iter()
            .map(|[s, e]| passage.text.chars().skip(*s).take(e - s).collect())
            .collect();
        assert_eq!(words, ["security", "talks"]);
        let in_body: String = body
            .chars()
            .skip(passage.start)
            .take(passage.end - passage.start)
            .collect();
        assert_eq!(in_body, passage.text);
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let body = "Café société.\n\nLe café coûte cher.";
        let passage = &best_passages(body, &weights(&["cout"]), 1)[0];
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
    fn without_a_match_the_lead_is_shown() {
        let passages = best_passages("Lead.\n\nSecond.", &weights(&["zebra"]), 1);
        assert_eq!(passages[0].text, "Lead.");
        assert!(passages[0].highlights.is_empty());
    }
}
