//! Cutting a body into passages ([`split`]): paragraphs, and long paragraphs into windows of
//! sentences of about [`WINDOW`] bytes. Query-independent: the same body always gives the same
//! spans, so a long body's cut is stored with it ([`PassageMap`]) and a search scores its
//! passages from the index's word positions without reading the body into words.

use super::analysis::words;

/// Bodies of at least this many bytes store their [`PassageMap`]; a shorter body is read into
/// words as fast as its map would be read.
pub const STORED_MAP_BYTES: usize = 4096;

/// A byte range `[start, end)` of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSpan {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

/// A body's passages ([`split`]) with the words of each, as the index counts words
/// ([`words`]): what a search needs to score the passages from the positions of the query's
/// words, without the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageMap {
    /// The body's words (those the index holds; long words are not).
    pub words: u32,
    /// Each passage in order.
    pub passages: Vec<MappedPassage>,
    /// On an OCR page indexed with copy detection, the passages it compares for reprints
    /// ([`super::copies::passages`]: paragraphs, not these passages), in order, so that a
    /// search finds the ones it shows without cutting the page into lines again; `None` when
    /// not stored (another body, or an index made before they were).
    pub copy_passages: Option<Vec<ByteSpan>>,
}

/// One passage of a [`PassageMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MappedPassage {
    /// Its bytes in the body.
    pub span: ByteSpan,
    /// The positions of its words, `[first, end)`: those starting at or after its start and
    /// ending at or before its end (long words, which the index does not hold, included).
    pub positions: (u32, u32),
    /// How many of its words the index holds.
    pub words: u32,
}

impl PassageMap {
    /// Cuts `body` and counts its passages' words.
    pub fn of(body: &str) -> PassageMap {
        PassageMap::of_words(body, words(body))
    }

    /// [`PassageMap::of`] with `body`'s words as [`words`] gives them, read already (copy
    /// detection reads them in its own pass over the body, [`super::copies::stored`]).
    pub fn of_words(
        body: &str,
        words: impl IntoIterator<Item = (u32, usize, usize)>,
    ) -> PassageMap {
        let spans = split(body);
        let mut passages: Vec<MappedPassage> = spans
            .iter()
            .map(|&span| MappedPassage {
                span,
                ..MappedPassage::default()
            })
            .collect();
        let mut total = 0u32;
        let mut at = 0;
        for (position, start, end) in words {
            total += 1;
            // Passages are in order and do not overlap: move to the first one not ended
            // before this word, and count the word there if it lies wholly inside.
            while at < passages.len() && passages[at].span.end < end {
                at += 1;
            }
            let Some(passage) = passages.get_mut(at) else {
                continue;
            };
            if start >= passage.span.start {
                if passage.words == 0 {
                    passage.positions.0 = position;
                }
                passage.words += 1;
                passage.positions.1 = position + 1;
            }
        }
        PassageMap {
            words: total,
            passages,
            copy_passages: None,
        }
    }

    /// The map as stored: unsigned LEB128 numbers, each passage relative to the one before,
    /// most in two or three bytes: its word count with the form of what lies between it and
    /// the passage before (a blank line, a space, or anything else spelled out), then its
    /// length in bytes. The copy passages, when there are, follow: their count, then each
    /// one's distance from the end of the one before and its length.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.passages.len() * 4);
        put(&mut out, self.words as usize);
        put(&mut out, self.passages.len());
        let (mut end, mut position) = (0usize, 0u32);
        for passage in &self.passages {
            let gap = passage.span.start - end;
            let (first, last) = passage.positions;
            let (skipped, long) = match passage.words {
                0 => (0, 0),
                words => (first - position, last - first - words),
            };
            let form = match (gap, skipped, long) {
                (2, 0, 0) => Form::Paragraph,
                (1, 0, 0) => Form::Window,
                _ => Form::Other,
            };
            put(&mut out, ((passage.words as usize) << 2) | form as usize);
            put(&mut out, passage.span.end - passage.span.start);
            if form == Form::Other {
                put(&mut out, gap);
                put(&mut out, skipped as usize);
                put(&mut out, long as usize);
            }
            end = passage.span.end;
            if passage.words > 0 {
                position = last;
            }
        }
        if let Some(spans) = &self.copy_passages {
            put(&mut out, spans.len());
            let mut end = 0;
            for span in spans {
                put(&mut out, span.start - end);
                put(&mut out, span.end - span.start);
                end = span.end;
            }
        }
        out
    }

    /// Takes the [`PassageMap::copy_passages`] out of the map as `(start, end)` byte spans,
    /// if every one is a span of `body` (in range, on character boundaries): `None` when the
    /// map has none, or when they do not fit the body (a damaged index), so that the caller
    /// cuts the body itself rather than slicing it where it cannot.
    pub fn take_copy_passages(&mut self, body: &str) -> Option<Vec<(usize, usize)>> {
        let spans = self.copy_passages.take()?;
        spans_of(&spans, body).then(|| spans.iter().map(|span| (span.start, span.end)).collect())
    }

    /// Whether every passage of the map is a span of `body` (in range, on character
    /// boundaries): a map that does not fit its body (a damaged index) is not used, and the
    /// body is read instead.
    pub fn fits(&self, body: &str) -> bool {
        self.passages.iter().all(|p| spans_of(&[p.span], body))
    }

    /// Reads a map [`PassageMap::encode`] wrote; `None` when the bytes are not one.
    pub fn decode(bytes: &[u8]) -> Option<PassageMap> {
        let mut reader = Reader { bytes, at: 0 };
        let words = u32::try_from(reader.next()?).ok()?;
        let count = reader.next()?;
        let mut passages = Vec::with_capacity(count.min(bytes.len()));
        let (mut end, mut position) = (0usize, 0u32);
        for _ in 0..count {
            let head = reader.next()?;
            let length = reader.next()?;
            let (gap, skipped, long) = match head & 3 {
                0 => (2, 0, 0),
                1 => (1, 0, 0),
                3 => (reader.next()?, reader.next()?, reader.next()?),
                _ => return None,
            };
            let mapped = u32::try_from(head >> 2).ok()?;
            let start = end.checked_add(gap)?;
            let span = ByteSpan {
                start,
                end: start.checked_add(length)?,
            };
            end = span.end;
            if mapped == 0 {
                passages.push(MappedPassage {
                    span,
                    ..MappedPassage::default()
                });
                continue;
            }
            let first = position.checked_add(u32::try_from(skipped).ok()?)?;
            let last = first
                .checked_add(mapped)?
                .checked_add(u32::try_from(long).ok()?)?;
            passages.push(MappedPassage {
                span,
                positions: (first, last),
                words: mapped,
            });
            position = last;
        }
        let copy_passages = match reader.at < bytes.len() {
            false => None,
            true => {
                let count = reader.next()?;
                let mut spans = Vec::with_capacity(count.min(bytes.len()));
                let mut end = 0usize;
                for _ in 0..count {
                    let start = end.checked_add(reader.next()?)?;
                    end = start.checked_add(reader.next()?)?;
                    spans.push(ByteSpan { start, end });
                }
                Some(spans)
            }
        };
        (reader.at == bytes.len()).then_some(PassageMap {
            words,
            passages,
            copy_passages,
        })
    }
}

/// Whether every one of `spans` is a span of `body`: in range, on character boundaries.
fn spans_of(spans: &[ByteSpan], body: &str) -> bool {
    spans
        .iter()
        .all(|span| body.get(span.start..span.end).is_some())
}

/// What lies between a stored passage and the one before it: how [`PassageMap::encode`]
/// writes the common cases in no bytes of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A blank line (two bytes), no word skipped, no long word inside.
    Paragraph = 0,
    /// One space (a window's cut), no word skipped, no long word inside.
    Window = 1,
    /// Anything else: the gap in bytes, the positions skipped and the long words inside follow.
    Other = 3,
}

/// Appends `value` as unsigned LEB128.
fn put(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads unsigned LEB128 numbers in turn.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> Option<usize> {
        let mut value = 0usize;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }
}

/// Paragraphs longer than this (in bytes) are cut into windows of about this size.
pub const WINDOW: usize = 300;

/// Cuts the body into passage byte spans: paragraphs (separated by blank lines), long ones
/// into windows of sentences.
pub fn split(body: &str) -> Vec<ByteSpan> {
    // `body.split("\n\n")`, the blank lines found by memchr's vector search (the standard
    // library's two-way search took 8 instructions a byte on a page without one).
    let breaks = memchr::memmem::find_iter(body.as_bytes(), b"\n\n").chain([body.len()]);
    let mut from = 0;
    let paragraphs = breaks.map(|at| {
        // Both ends are a line break or the body's end: character boundaries.
        let paragraph = &body[from..at];
        from = at + 2;
        paragraph
    });
    split_paragraphs(body, paragraphs)
}

/// [`split`] of `body` cut at its blank lines into `paragraphs` (in order, each followed by
/// the two line breaks of the blank line, the last by the body's end).
fn split_paragraphs<'a>(body: &str, paragraphs: impl Iterator<Item = &'a str>) -> Vec<ByteSpan> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for paragraph in paragraphs {
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

    proptest::proptest! {
        /// The blank lines found by memchr cut a body as the standard library's `split` does,
        /// runs of three or more line breaks included.
        #[test]
        fn blank_lines_are_found_as_str_split_finds_them(
            body in "(?s)([a-zé]{1,8}|[.!? ]|\n|\n\n|\n\n\n|x{200}){0,200}",
        ) {
            proptest::prop_assert_eq!(split(&body), split_paragraphs(&body, body.split("\n\n")));
        }

        /// Each passage's words, counted with their positions, are those starting at or after
        /// its start and ending at or before its end, and the stored form reads back the same.
        #[test]
        fn a_map_counts_each_passage_s_words_and_reads_back_as_written(
            body in "(?s)([a-zé]{1,8}|[a-z]{40,45}|[.!? ]|\n\n|x{300}){0,300}",
        ) {
            let map = PassageMap::of(&body);
            let all: Vec<(u32, usize, usize)> = words(&body).collect();
            proptest::prop_assert_eq!(map.words as usize, all.len());
            proptest::prop_assert_eq!(
                map.passages.iter().map(|p| p.span).collect::<Vec<_>>(),
                split(&body)
            );
            for passage in &map.passages {
                let inside: Vec<u32> = all
                    .iter()
                    .filter(|w| w.1 >= passage.span.start && w.2 <= passage.span.end)
                    .map(|w| w.0)
                    .collect();
                proptest::prop_assert_eq!(passage.words as usize, inside.len());
                if let (Some(first), Some(last)) = (inside.first(), inside.last()) {
                    proptest::prop_assert_eq!(passage.positions, (*first, last + 1));
                }
            }
            proptest::prop_assert_eq!(PassageMap::decode(&map.encode()), Some(map.clone()));
            // With the copy passages a page stores, it reads back as written too.
            let mut with = map;
            with.copy_passages = Some(split(&body).into_iter().step_by(2).collect());
            proptest::prop_assert_eq!(PassageMap::decode(&with.encode()), Some(with));
        }
    }

    #[test]
    fn bytes_that_are_no_map_are_refused() {
        let map = PassageMap::of("One two.\n\nThree four five.");
        let mut bytes = map.encode();
        assert_eq!(PassageMap::decode(&bytes), Some(map));
        bytes.push(1);
        assert_eq!(PassageMap::decode(&bytes), None);
        // One copy passage, 3 bytes after the start, 4 long.
        bytes.extend([3, 4]);
        let read = PassageMap::decode(&bytes).expect("a map with its copy passages");
        assert_eq!(
            read.copy_passages,
            Some(vec![ByteSpan { start: 3, end: 7 }])
        );
        // Spans are handed out only when they are spans of the body.
        let fits = read
            .clone()
            .take_copy_passages("One two.\n\nThree four five.");
        assert_eq!(fits, Some(vec![(3, 7)]));
        assert_eq!(read.clone().take_copy_passages("One"), None);
        assert_eq!(read.clone().take_copy_passages("Oné two"), None);
        assert_eq!(PassageMap::decode(&[0x80]), None);
        assert_eq!(PassageMap::decode(&[]), None);
    }
}
