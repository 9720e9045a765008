//! Cutting a body into passages ([`split`]): paragraphs, and long paragraphs into windows of
//! sentences of about [`WINDOW`] bytes. Query-independent: the same body always gives the same
//! spans.

use super::ByteSpan;

/// Paragraphs longer than this (in bytes) are cut into windows of about this size.
pub const WINDOW: usize = 300;

/// Cuts the body into passage byte spans: paragraphs (separated by blank lines), long ones
/// into windows of sentences.
pub fn split(body: &str) -> Vec<ByteSpan> {
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
            spans.push(ByteSpan { start, end });
        } else {
            windows(body, start, end, &mut spans);
        }
    }
    spans
}

/// Cuts `body[start..end]` into windows of about [`WINDOW`] bytes at sentence ends, else spaces.
fn windows(body: &str, start: usize, end: usize, spans: &mut Vec<ByteSpan>) {
    let mut from = start;
    while from < end {
        if end - from <= WINDOW + WINDOW / 2 {
            spans.push(ByteSpan { start: from, end });
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
        spans.push(ByteSpan {
            start: from,
            end: from + piece.trim_end().len(),
        });
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

    #[test]
    fn long_paragraphs_are_cut_into_windows_at_sentence_ends() {
        let sentence = "The council met again today to discuss the budget. ";
        let body = sentence.repeat(30);
        let spans = split(body.trim());
        assert!(spans.len() > 3);
        for ByteSpan { start, end } in spans {
            let piece = &body[start..end];
            assert!(piece.len() <= WINDOW + WINDOW / 2, "{}", piece.len());
            assert!(piece.ends_with('.'), "{piece}");
        }
    }
}
