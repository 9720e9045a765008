//! What a path and a text imply when the archive's fields are silent: path dates, datelines,
//! wire credits, the URL's host, and whether a line reads as a headline or a text as OCR.
//!
//! Nothing here looks at file modification times.

use std::path::{Component, Path};
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::date::ArticleDate;

/// A date the path gives: three folders `YYYY/MM/DD`, a folder or file named `YYYYMMDD`, or a
/// name starting `YYYY-MM-DD` (or with `_`). The part nearest the file wins.
pub fn path_date(relative: &Path) -> Option<ArticleDate> {
    let mut parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if let Some(stem) = relative.file_stem()
        && let Some(last) = parts.last_mut()
    {
        *last = stem.to_string_lossy().into_owned();
    }
    for at in (0..parts.len()).rev() {
        if let Some(date) = parts.get(at).and_then(|part| name_date(part)) {
            return Some(date);
        }
        if at >= 2
            && let (Some(year), Some(month), Some(day)) =
                (parts.get(at - 2), parts.get(at - 1), parts.get(at))
            && let Some(date) = numeric_date(year, month, day)
        {
            return Some(date);
        }
    }
    None
}

/// `19160103`, `2024-06-21`, `2024_06_21-slug`: a date at the start of one path part.
fn name_date(part: &str) -> Option<ArticleDate> {
    let bytes = part.as_bytes();
    if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        return numeric_date(&part[..4], &part[4..6], &part[6..]);
    }
    let head = part.get(..10).filter(|head| head.is_ascii())?;
    let head_bytes = head.as_bytes();
    let separators_ok = matches!(head_bytes.get(4), Some(b'-' | b'_'))
        && head_bytes.get(7) == head_bytes.get(4)
        && !bytes.get(10).is_some_and(u8::is_ascii_digit);
    if !separators_ok {
        return None;
    }
    numeric_date(&head[..4], &head[5..7], &head[8..10])
}

/// A day from year, month and day digits; `None` unless all are numbers and the day exists.
pub fn numeric_date(year: &str, month: &str, day: &str) -> Option<ArticleDate> {
    let digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(year, &[4]) || !digits(month, &[1, 2]) || !digits(day, &[1, 2]) {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    ArticleDate::parse(&day.format("%Y-%m-%d").to_string())
}

/// What the first lines of a text say about its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dateline {
    /// A dateline that reads as a real date.
    Date(ArticleDate),
    /// Text shaped like a date that names no real one ("February 30, 2019").
    Impossible(String),
}

/// A month name, full or abbreviated, with an optional dot.
const MONTH: &str = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?";
/// An optional time after a written date: "09.50 BST", "at 10:30 p.m. EST", ", 17:05".
const CLOCK: &str = concat!(
    r"(?:,?\s+(?:at\s+)?\d{1,2}[.:]\d{2}(?::\d{2}(?:\.\d+)?)?",
    r"(?:\s*[ap]\.?m\.?)?(?:\s+(?-i:[A-Z]{2,4})\b)?)?"
);
/// Reuters' `26-FEB-1987 15:01:01.79` (the hour may be malformed; parsing reports that).
const WIRE_STAMP: &str = r"\d{1,2}-[a-z]{3}-\d{4}(?:\s+\d+:\d{2}:\d{2}(?:\.\d+)?)?";
/// ISO 8601 with an optional time and zone.
const ISO: &str =
    r"\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?";

static DATELINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let weekday = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?";
    let ordinal = r"(?:st|nd|rd|th)?";
    let month_first = format!(r"{MONTH}\s+\d{{1,2}}{ordinal},?\s+\d{{4}}{CLOCK}");
    let day_first = format!(r"\d{{1,2}}{ordinal}\s+{MONTH},?\s+\d{{4}}{CLOCK}");
    let pattern = format!(r"(?i)\b{weekday}(?:{month_first}|{day_first}|{WIRE_STAMP}|{ISO})");
    Regex::new(&pattern).ok()
});

/// How much other text a dateline line may hold besides its date ("NORWICH, CONN., MONDAY,");
/// a line with more counts only when the date opens it.
const DATELINE_CONTEXT_CHARS: usize = 30;

/// A date in the first five non-empty lines: alone on its line (give or take a place name) or
/// opening it, as
/// Wikinews writes "Friday, January 4, 2019", a newspaper "JANUARY 1, 1916", The Guardian
/// "Fri 21 Jun 2024 09.50 BST".
pub fn dateline(body: &str) -> Option<Dateline> {
    let pattern = DATELINE.as_ref()?;
    for line in body.lines().filter(|l| !l.trim().is_empty()).take(5) {
        let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
        let Some(found) = pattern.find(line) else {
            continue;
        };
        let around = line.chars().count() - found.as_str().chars().count();
        if found.start() > 0 && around > DATELINE_CONTEXT_CHARS {
            continue;
        }
        let text = found.as_str().trim();
        return Some(match ArticleDate::parse(text) {
            Some(date) => Dateline::Date(date),
            None => Dateline::Impossible(text.to_string()),
        });
    }
    None
}

/// A wire credit: a trailing "– Reuters" on the last paragraph, or a "CITY (Reuters) -" or
/// "(AP) —" dateline.
pub fn wire_credit(body: &str) -> Option<String> {
    let last = body.trim_end().rsplit("\n\n").next()?.trim_end();
    for dash in [" – ", " — ", " - "] {
        if let Some((_, credit)) = last.rsplit_once(dash)
            && is_credit(credit.trim())
        {
            return Some(credit.trim().to_string());
        }
    }
    body.lines()
        .filter(|line| !line.trim().is_empty())
        .take(3)
        .find_map(dateline_credit)
}

/// The credit in a dateline that opens a line: "MOSCOW (Reuters) -", "LONDON, June 21 (AFP) –".
/// The text before the parenthesis must be a place in capitals, so "the Court (ECJ) —" is not one.
pub fn dateline_credit(line: &str) -> Option<String> {
    let line = line.trim_start();
    let open = line.find('(')?;
    let place = line[..open].trim();
    let first_word = place.split([' ', ',']).next().unwrap_or_default();
    let is_place = place.is_empty()
        || place.len() <= 50
            && first_word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && first_word
                .chars()
                .all(|c| c.is_uppercase() || !c.is_alphabetic());
    if !is_place {
        return None;
    }
    let close = open + line[open..].find(')')?;
    let credit = line[open + 1..close].trim();
    let after = line[close + 1..].trim_start();
    (is_credit(credit) && after.starts_with(['-', '–', '—'])).then(|| credit.to_string())
}

/// A credit is a short name: 1–4 capitalised words, no sentence punctuation.
fn is_credit(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && text.len() <= 40
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && !text.contains(['.', ',', ';', ':', '!', '?', '"', '“', '”'])
}

/// The host of an article's URL without `www.`, as a last-resort source ("en.wikinews.org").
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.') && !host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// True when `line` reads as a headline: 2–20 words of mostly letters, at most 125 characters,
/// starting with a capital, a digit or a quote, without the symbol runs OCR noise leaves.
pub fn looks_like_title(line: &str) -> bool {
    let line = line.trim();
    let chars = line.chars().count();
    let words = line.split_whitespace().count();
    if !(2..=20).contains(&words) || chars > 125 {
        return false;
    }
    let Some(first) = line.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit() || "\"'“‘".contains(first)) {
        return false;
    }
    let visible: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let letters = visible.iter().filter(|c| c.is_alphabetic()).count();
    let odd = visible
        .iter()
        .filter(|c| "^*~{}<>|_=\\#@[]".contains(**c))
        .count();
    let short_words = line
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() <= 1)
        .count();
    letters * 4 >= visible.len() * 3 && odd == 0 && short_words * 3 <= words
}

/// True when a text looks like raw OCR of a printed page: many of its first lines are
/// fragments (a few characters) or mostly symbols rather than sentences.
pub fn looks_like_ocr(text: &str) -> bool {
    ocr_lines(text.lines())
}

/// [`looks_like_ocr`] of a text already cut into lines (with or without their line breaks).
pub fn ocr_lines<'a>(text_lines: impl Iterator<Item = &'a str>) -> bool {
    let (mut lines, mut ragged) = (0usize, 0usize);
    for is_ragged in ragged_lines(text_lines).take(OCR_LINES) {
        lines += 1;
        ragged += usize::from(is_ragged);
    }
    lines >= OCR_MIN_LINES && ragged * 5 >= lines
}

/// [`ocr_lines`] of lines of which `filled` are not blank, as the caller counted them: it
/// then knows how many lines the test reads, and stops as soon as the rest cannot change
/// the answer (a wire story is told from about four fifths of its lines).
pub(crate) fn ocr_lines_of<'a>(text_lines: impl Iterator<Item = &'a str>, filled: usize) -> bool {
    let read = filled.min(OCR_LINES);
    if read < OCR_MIN_LINES {
        return false;
    }
    // `ragged * 5 >= read`, as a count of ragged lines.
    let needed = read.div_ceil(5);
    let mut ragged = 0usize;
    for (lines, is_ragged) in (1usize..).zip(ragged_lines(text_lines)) {
        ragged += usize::from(is_ragged);
        if ragged >= needed {
            return true;
        }
        if ragged + read.saturating_sub(lines) < needed {
            return false;
        }
    }
    false
}

/// For each line that is not blank, in order, whether it is ragged ([`is_ragged`]).
fn ragged_lines<'a>(text_lines: impl Iterator<Item = &'a str>) -> impl Iterator<Item = bool> {
    text_lines.filter_map(|line| {
        let (visible, letters) = visible_and_letters(line);
        (visible > 0).then(|| is_ragged(visible, letters))
    })
}

/// A line of OCR's kind: a fragment of a few characters, or mostly not letters.
fn is_ragged(visible: usize, letters: usize) -> bool {
    visible < 4 || letters * 10 < visible * 6
}

/// Lines that are not blank [`ocr_lines`] needs to find OCR.
const OCR_MIN_LINES: usize = 10;

/// Whether an ASCII byte is whitespace as `char::is_whitespace` tells it: a space, or a byte
/// from tab to carriage return (`u8::is_ascii_whitespace` leaves out the vertical tab).
#[inline]
pub(crate) const fn is_space_byte(byte: u8) -> bool {
    (byte == b' ') | (byte.wrapping_sub(b'\t') < 5)
}

/// Lines [`looks_like_ocr`] reads at most, blank ones aside.
const OCR_LINES: usize = 60;

/// The bytes [`visible_and_letters`] counts at a time.
const LANES: usize = 16;

/// For a text whose last block holds `n` bytes not counted yet: a mask of its last 16 bytes
/// that keeps only those (the last `n` lanes).
const TAIL_LANES: [[u8; LANES]; LANES] = {
    let mut masks = [[0u8; LANES]; LANES];
    let mut n = 0;
    while n < LANES {
        let mut lane = LANES - n;
        while lane < LANES {
            masks[n][lane] = 0xff;
            lane += 1;
        }
        n += 1;
    }
    masks
};

/// The sum of 16 byte lanes, as two words: bytes summed in pairs into 16-bit lanes (at most
/// 1,020 each), then the four lanes by one multiplication.
fn lane_sum(lanes: [u8; LANES]) -> usize {
    let (low, high) = lanes.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or_default());
    let pairs = |x: u64| (x & 0x00ff_00ff_00ff_00ff) + ((x >> 8) & 0x00ff_00ff_00ff_00ff);
    let sums = pairs(word(low)) + pairs(word(high));
    (sums.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
}

/// The characters of `line` that are not whitespace, and how many of them are letters (an
/// ASCII line counted a byte a character, in 16-byte lanes).
fn visible_and_letters(line: &str) -> (usize, usize) {
    if line.is_ascii() {
        // Branch-free counts the compiler turns into vector code: 16 byte lanes each for white
        // space and letters, summed across lanes once per 255 blocks of 16 bytes (a lane
        // counts at most 255). The last bytes are counted as a whole block too, with zeros,
        // which are neither white space nor letters, in the lanes of bytes counted already or
        // past the line. A letter is a-z once case is set aside.
        let bytes = line.as_bytes();
        let (mut spaces, mut letters) = (0usize, 0usize);
        for stretch in bytes.chunks(LANES * 255) {
            let (mut space_lanes, mut letter_lanes) = ([0u8; LANES], [0u8; LANES]);
            let mut count = |block: [u8; LANES]| {
                for lane in 0..LANES {
                    let byte = block[lane];
                    space_lanes[lane] += u8::from(is_space_byte(byte));
                    letter_lanes[lane] += u8::from((byte | 0x20).wrapping_sub(b'a') < 26);
                }
            };
            let mut blocks = stretch.chunks_exact(LANES);
            for block in &mut blocks {
                if let Ok(block) = block.try_into() {
                    count(block);
                }
            }
            let rest = blocks.remainder();
            if let Some(last) = stretch.last_chunk::<LANES>().filter(|_| !rest.is_empty()) {
                let keep = &TAIL_LANES[rest.len()];
                count(std::array::from_fn(|lane| last[lane] & keep[lane]));
            } else if !rest.is_empty() {
                let mut padded = [0u8; LANES];
                padded[..rest.len()].copy_from_slice(rest);
                count(padded);
            }
            spaces += lane_sum(space_lanes);
            letters += lane_sum(letter_lanes);
        }
        return (bytes.len() - spaces, letters);
    }
    let (mut visible, mut letters) = (0usize, 0usize);
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        letters += usize::from(c.is_alphabetic());
    }
    (visible, letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An ASCII line's counts, made in byte lanes, are its characters counted one by one:
        /// every ASCII byte (control characters and zeros included), short lines, lines of
        /// whole blocks, and lines longer than a stretch of 255 blocks.
        #[test]
        fn ascii_lines_are_counted_as_their_characters(
            bytes in proptest::collection::vec(0u8..0x80, 0..90),
            repeat in proptest::prop_oneof![1usize..4, 40usize..140],
        ) {
            let line = String::from_utf8(bytes).unwrap_or_default().repeat(repeat);
            let visible = line.chars().filter(|c| !c.is_whitespace());
            let letters = visible.clone().filter(|c| c.is_alphabetic()).count();
            proptest::prop_assert_eq!(visible_and_letters(&line), (visible.count(), letters));
        }

        /// Told from the count of lines that are not blank, the OCR test stops early with the
        /// answer it gives reading them all.
        #[test]
        fn the_ocr_test_stops_with_the_answer_of_all_lines(
            lines in proptest::collection::vec("([a-z]{1,9}|[A-Z0-9.,;:|~-]{1,3}| {1,3}|é){0,10}", 0..90),
        ) {
            let filled = lines.iter().filter(|line| !line.trim().is_empty()).count();
            proptest::prop_assert_eq!(
                ocr_lines_of(lines.iter().map(String::as_str), filled),
                ocr_lines(lines.iter().map(String::as_str)),
            );
        }
    }

    fn day(date: Option<ArticleDate>) -> Option<String> {
        date.map(|d| d.to_string())
    }

    #[test]
    fn path_dates_come_from_folders_names_and_slugs() {
        let date = |p: &str| day(path_date(Path::new(p)));
        assert_eq!(date("1916/01/03/page.txt").as_deref(), Some("1916-01-03"));
        assert_eq!(
            date("dates/19160103/sn82014086-ed-1_seq-1.txt").as_deref(),
            Some("1916-01-03")
        );
        assert_eq!(
            date("2024/2024-06-21-russia-talks.txt").as_deref(),
            Some("2024-06-21")
        );
        assert_eq!(date("news/2024_06_21.md").as_deref(), Some("2024-06-21"));
        assert_eq!(date("46032385-ed-1_seq-1.txt"), None, "an LCCN is no date");
        assert_eq!(date("2024-02-30-slug.txt"), None);
        assert_eq!(date("notes/report.txt"), None);
        assert_eq!(date("20240621123.txt"), None);
    }

    #[test]
    fn datelines_are_found_in_the_first_lines() {
        let found = |text: &str| match dateline(text) {
            Some(Dateline::Date(date)) => Some(date.to_string()),
            Some(Dateline::Impossible(text)) => Some(format!("impossible {text}")),
            None => None,
        };
        assert_eq!(
            found("Friday, January 4, 2019\u{a0}\n\nAn apartment building collapsed.").as_deref(),
            Some("2019-01-04")
        );
        assert_eq!(
            found("NORWICH BULLETIN\nNORWICH, CONN., MONDAY, JANUARY 3, 1916\nText").as_deref(),
            Some("1916-01-03")
        );
        assert_eq!(
            found("Fri 21 Jun 2024 09.50 BST\n\nRussia said").as_deref(),
            Some("2024-06-21T09:50:00+01:00")
        );
        assert_eq!(
            found("26-FEB-1987 15:01:01.79\nCocoa").as_deref(),
            Some("1987-02-26T15:01:01.790+00:00")
        );
        assert_eq!(
            found("Thursday, February 30, 2019\n\nText").as_deref(),
            Some("impossible Thursday, February 30, 2019")
        );
        assert_eq!(
            found(
                "Officials said the meeting held in Geneva on March 3, 2019 had gone well and would resume."
            ),
            None,
            "a date inside a long sentence is not a dateline"
        );
        assert_eq!(found("No date here.\n\nNor here."), None);
        assert_eq!(
            found("Notes\nThe letter Ann Lee received from Bo Kim (March 9, 1990)\n"),
            None,
            "a date in passing is not a dateline"
        );
    }

    #[test]
    fn wire_credits_are_found_at_the_end_or_in_the_dateline() {
        assert_eq!(
            wire_credit("Text.\n\nCrews were working. – Reuters").as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            wire_credit("MOSCOW (Reuters) - The Kremlin said").as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            wire_credit("WASHINGTON (AP) — The Senate voted").as_deref(),
            Some("AP")
        );
        assert_eq!(
            wire_credit("(AP) — The Senate voted").as_deref(),
            Some("AP")
        );
        assert_eq!(
            wire_credit("Text.\n\nThe talks end on Monday. – AFP").as_deref(),
            Some("AFP")
        );
        assert_eq!(wire_credit("He said - and then she left."), None);
        assert_eq!(
            wire_credit(
                "Sunday, October 6, 2019\n\nOn Thursday, the European Court of Justice (ECJ) — the court ruled."
            ),
            None
        );
        assert_eq!(
            wire_credit("Friday, June 21, 2024\n\nLONDON, June 21 (Reuters) - Prices rose.")
                .as_deref(),
            Some("Reuters")
        );
    }

    #[test]
    fn url_hosts_drop_www_and_ports() {
        assert_eq!(
            url_host("https://en.wikinews.org//wiki/X").as_deref(),
            Some("en.wikinews.org")
        );
        assert_eq!(
            url_host("http://www.reuters.com:80/a?b").as_deref(),
            Some("reuters.com")
        );
        assert_eq!(url_host("not a url"), None);
    }

    #[test]
    fn headlines_and_ocr_noise_are_told_apart() {
        assert!(looks_like_title("Harbour freezes over"));
        assert!(looks_like_title("FLIGHT OF THE SERBIANS."));
        assert!(!looks_like_title(
            "; , Vol. 26 SALT LAKE CITY, UTAH, JANUARY I, 1816 No 3 H"
        ));
        assert!(!looks_like_title(". WT.T MACQ 1 nPNNAfO Vi I :"));
        assert!(!looks_like_title("Ssnn."));
        assert!(!looks_like_title(
            "this line is an ordinary sentence that starts in lower case"
        ));
        let ocr = "ft\n7*,r\n.AV..'.- ,.\nIt Is not so difficult a task to plant\nnew truths as to root oat old errors,\n,'\n.. .\ny\nV\nA\nA 0\n3\nthe end of it all";
        assert!(looks_like_ocr(ocr));
        let prose = "A line of text.\n".repeat(20);
        assert!(!looks_like_ocr(&prose));
    }

    /// The reading of OCR by whole lines, characters decoded: what [`looks_like_ocr`] counts
    /// byte by byte on ASCII lines.
    fn looks_like_ocr_by_chars(text: &str) -> bool {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(60)
            .collect();
        let ragged = lines
            .iter()
            .filter(|line| {
                let visible = line.chars().filter(|c| !c.is_whitespace()).count();
                let letters = line.chars().filter(|c| c.is_alphabetic()).count();
                visible < 4 || letters * 10 < visible * 6
            })
            .count();
        lines.len() >= 10 && ragged * 5 >= lines.len()
    }

    #[test]
    fn ocr_is_told_as_by_decoded_characters() {
        let mut texts = vec![
            "ft\n7*,r\n.AV..'.- ,.\nIt Is not so\n\t\x0b\x0c\r\n".repeat(4),
            "Ünïcödé lïnés, ä few\n\u{a0}\u{2003}\n12 345 678\nwörds\n".repeat(5),
            "A line of text.\r\n\r\n".repeat(70),
            "x\ny\n".repeat(40),
        ];
        texts.extend(crate::sample_texts());
        let ocr = texts.iter().filter(|t| looks_like_ocr(t)).count();
        assert!(
            ocr > 0 && ocr < texts.len(),
            "{ocr} of {} texts",
            texts.len()
        );
        for text in &texts {
            assert_eq!(
                looks_like_ocr(text),
                looks_like_ocr_by_chars(text),
                "{text:.80}"
            );
        }
    }
}
