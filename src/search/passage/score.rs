//! Scoring one passage against a plan ([`score_passage`]): BM25 at passage scale, partial credit
//! for a phrase's words found apart, and a bonus for query words close together.

use super::matcher::{Target, Token, WordId};
use super::{ByteSpan, Part, PartKind, ScoredPassage};
use crate::search::query::{Concept, Pattern, Plan};

/// BM25's term-frequency saturation, applied to passages.
const K1: f32 = 1.2;
/// BM25's length normalisation, applied to passages.
const B: f32 = 0.75;
/// The passage length (in words) that [`B`] normalises towards: about one window.
const AVERAGE_WORDS: f32 = 50.0;
/// Credit for the words of a phrase found apart, relative to the whole phrase.
const PARTIAL_PHRASE: f32 = 0.3;
/// Weight of the proximity bonus: two query words side by side add this times the lighter
/// word's weight; `d` words apart, that divided by `d`.
pub const PROXIMITY: f32 = 0.5;
/// Words further apart than this earn no proximity bonus.
const MAX_PROXIMITY_DISTANCE: u32 = 10;

/// Scores the passage of `words` words, the first at `first_position`, whose query words are
/// among `tokens` (its words in order: all of them, or only the query words, which alone
/// count); `None` when no concept in scope is in it.
// Longer than most: BM25 at passage scale, partial phrases and proximity are summed in one pass
// over the passage's matches, which all three read.
pub fn score_passage(
    tokens: &[Token],
    words: usize,
    plan: &Plan,
    span: ByteSpan,
    first_position: u32,
    in_scope: fn(&Concept) -> bool,
) -> Option<ScoredPassage> {
    if tokens.iter().all(|t| t.word.is_none()) {
        return None;
    }
    let norm = K1 * (1.0 - B + B * words as f32 / AVERAGE_WORDS);
    let saturate = |count: usize| {
        let count = count as f32;
        count * (K1 + 1.0) / (count + norm)
    };
    let mut parts = Vec::new();
    let mut highlights = Vec::new();
    let mut word_positions: Vec<(f32, Vec<u32>)> = Vec::new();
    let mut found_weight = 0.0;
    let targets = plan.matcher().targets();
    for (at, (concept, target)) in plan.concepts.iter().zip(targets).enumerate() {
        if !in_scope(concept) {
            continue;
        }
        // A word concept's occurrences are its tokens, one each: counted, highlighted and
        // placed in one pass, with no list per occurrence. A phrase's are found by alignment.
        let (count, places) = match target {
            Target::Words(words) => {
                let positions: Vec<u32> = tokens
                    .iter()
                    .filter(|t| t.word.is_some_and(|w| words.contains(&w)))
                    .map(|t| t.position)
                    .collect();
                highlights.extend_from_slice(&positions);
                (positions.len(), Some(positions))
            }
            Target::Phrase(words) => {
                // A phrase with a slop matches the way tantivy's does: each word may sit away
                // from its written place, and the distances, summed over the words, stay
                // within the slop.
                let slop = match &concept.pattern {
                    Pattern::Phrase { slop, .. } => *slop,
                    Pattern::Words(_) => 0,
                };
                let found = phrase_occurrences(words, slop, tokens);
                if found.is_empty() {
                    if let Pattern::Phrase { weights, .. } = &concept.pattern {
                        let mut score = 0.0;
                        for ((_, word), weight) in words.iter().zip(weights) {
                            let count = tokens.iter().filter(|t| t.word == Some(*word)).count();
                            if count > 0 {
                                score += weight * saturate(count);
                            }
                        }
                        if score > 0.0 {
                            parts.push(Part {
                                kind: PartKind::Apart(at),
                                count: 0,
                                weight: concept.weight,
                                score: PARTIAL_PHRASE * score,
                            });
                        }
                    }
                    continue;
                }
                let tokens_found = found.iter().flatten().filter_map(|&i| tokens.get(i));
                highlights.extend(tokens_found.map(|token| token.position));
                (found.len(), None)
            }
        };
        if count == 0 {
            continue;
        }
        found_weight += concept.weight;
        parts.push(Part {
            kind: PartKind::Concept(at),
            count: count as u32,
            weight: concept.weight,
            score: concept.weight * saturate(count),
        });
        if let Some(mut positions) = places {
            positions.sort_unstable();
            word_positions.push((concept.weight, positions));
        }
    }
    if parts.is_empty() {
        return None;
    }
    if let Some(part) = proximity(&word_positions) {
        parts.push(part);
    }
    highlights.sort_unstable();
    highlights.dedup();
    Some(ScoredPassage {
        span,
        score: parts.iter().map(|p| p.score).sum(),
        highlights,
        first_position,
        parts,
        found_weight,
    })
}

/// The proximity bonus of the words found (each with its weight and sorted positions).
fn proximity(word_positions: &[(f32, Vec<u32>)]) -> Option<Part> {
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
    (pairs > 0).then_some(Part {
        kind: PartKind::Proximity,
        count: pairs,
        weight: PROXIMITY,
        score: proximity,
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

/// The occurrences of the phrase `words` (`(offset, word)`) within `slop`, each as the
/// indices of its tokens in `tokens`.
fn phrase_occurrences(words: &[(u32, WordId)], slop: u32, tokens: &[Token]) -> Vec<Vec<usize>> {
    let mut by_word: Vec<(WordId, Vec<usize>)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(word) = token.word else { continue };
        if !words.iter().any(|(_, w)| *w == word) {
            continue;
        }
        match by_word.iter_mut().find(|(w, _)| *w == word) {
            Some((_, at)) => at.push(i),
            None => by_word.push((word, vec![i])),
        }
    }
    let indices = |word: WordId| {
        by_word
            .iter()
            .find(|(w, _)| *w == word)
            .map_or(&[][..], |(_, at)| at.as_slice())
    };
    let Some(&(_, first_word)) = words.first() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    'start: for &start in indices(first_word) {
        let Some(first) = tokens.get(start) else {
            continue;
        };
        let mut aligned = i64::from(first.position);
        let mut spent = 0u32;
        let mut picked = vec![start];
        for &(offset, word) in &words[1..] {
            let best = indices(word)
                .iter()
                .filter(|i| !picked.contains(i))
                .filter_map(|&i| {
                    let here = i64::from(tokens.get(i)?.position) - i64::from(offset);
                    Some((here.abs_diff(aligned), here, i))
                })
                .min();
            match best {
                Some((distance, here, i)) if u64::from(spent) + distance <= u64::from(slop) => {
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
