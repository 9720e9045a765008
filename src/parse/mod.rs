//! Reading archive files into [`Article`]s: format detection, decoding, and the per-format readers.
//!
//! [`parse_file`] reads one file and returns its articles plus the records it had to skip. It
//! never panics on input; a file it cannot use at all is an [`Error::ParseArticle`].

mod json;
mod text;

use std::path::Path;

use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::{Error, Result};

/// The article formats newsindex reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, with a `Key: value` header, the seed's ` date …` line, or none.
    Text,
    /// One JSON object, or an array of objects, per file.
    Json,
    /// One JSON object per line.
    JsonLines,
}

/// Picks the format of `path` from its extension; `None` means "not an article file".
pub fn detect(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "txt" | "text" => Some(Format::Text),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        _ => None,
    }
}

/// A record skipped inside a file whose other records were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line (or record) number.
    pub line: Option<u64>,
    /// Why the record was skipped.
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The articles read, ids assigned.
    pub articles: Vec<Article>,
    /// Records skipped, each with its line.
    pub warnings: Vec<Warning>,
    /// The encoding the text was decoded from, when it was not UTF-8.
    pub decoded_from: Option<&'static str>,
}

/// Reads and parses one file.
///
/// # Errors
/// [`Error::ReadCorpus`] when the file cannot be read; [`Error::ParseArticle`] when it is
/// empty, binary, larger than `max_bytes`, or not readable as its format at all.
pub fn parse_file(path: &Path, format: Format, max_bytes: u64) -> Result<Parsed> {
    let metadata = std::fs::metadata(path).map_err(|source| Error::ReadCorpus {
        path: path.to_path_buf(),
        source,
    })?;
    if metadata.len() > max_bytes {
        return Err(parse_error(
            path,
            None,
            format!(
                "file is {} bytes, over the limit of {max_bytes} (see --max-file-size)",
                metadata.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|source| Error::ReadCorpus {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(path, format, &bytes)
}

/// Parses the bytes of a file already read; `path` names it in ids and messages.
///
/// # Errors
/// [`Error::ParseArticle`] as for [`parse_file`].
pub fn parse_bytes(path: &Path, format: Format, bytes: &[u8]) -> Result<Parsed> {
    let (text, decoded_from) = decode(path, bytes)?;
    let mut parsed = match format {
        Format::Text => text::parse(path, &text)?,
        Format::Json => json::parse_document(path, &text)?,
        Format::JsonLines => json::parse_lines(path, &text)?,
    };
    parsed.decoded_from = decoded_from;
    if parsed.articles.is_empty() && parsed.warnings.is_empty() {
        return Err(parse_error(path, None, "no article in file".to_string()));
    }
    Ok(parsed)
}

/// Decodes bytes to text: UTF-8 (or a BOM's encoding) when valid, else the detected legacy encoding.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Option<&'static str>)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(parse_error(path, None, "empty file".to_string()));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_with_bom_removal(bytes);
        let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name());
        return Ok((text.into_owned(), name));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(parse_error(
            path,
            None,
            "binary file (contains NUL bytes), not text".to_string(),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let (guess, confident) = detector.guess_assess(None, false);
            let encoding = if !confident || reads_as_western(bytes) {
                encoding_rs::WINDOWS_1252
            } else {
                guess
            };
            let (text, _, _) = encoding.decode(bytes);
            Ok((text.into_owned(), Some(encoding.name())))
        }
    }
}

/// True when every non-ASCII byte decodes, in Windows-1252, to a character common in Western
/// European text (accented letters, currency, typographic quotes). The detector alone often
/// takes a lone `£` (0xA3) for a Central European `Ł`; text in those languages has bytes that
/// fail this test (`ą` is 0xB9, `ś` 0x9C…), so it keeps the detector's answer.
fn reads_as_western(bytes: &[u8]) -> bool {
    const WESTERN: &str =
        "£€¥©®°±·«»¼½¾×÷¡¢ß’‘“”–—…•àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ\u{a0}";
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text.chars().all(|c| c.is_ascii() || WESTERN.contains(c))
}

fn parse_error(path: &Path, line: Option<u64>, reason: String) -> Error {
    Error::ParseArticle {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

/// Fills in what the text itself says when the archive's fields did not: a dateline date, a
/// wire credit as source. Explicit fields always win.
fn infer_from_body(article: &mut Article) {
    if article.date.is_none() {
        article.date = dateline_date(&article.body);
    }
    if article.source.is_none() {
        article.source = wire_credit(&article.body);
    }
}

/// A date alone on the body's first line, as Wikinews writes "Friday, January 4, 2019".
fn dateline_date(body: &str) -> Option<ArticleDate> {
    let first = body.lines().find(|l| !l.trim().is_empty())?;
    let first = first.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if first.len() > 40 {
        return None;
    }
    ArticleDate::parse(first)
}

/// A wire credit: a trailing "– Reuters" on the last paragraph, or a "CITY (Reuters) -" dateline.
fn wire_credit(body: &str) -> Option<String> {
    let last = body.trim_end().rsplit("\n\n").next()?.trim_end();
    for dash in [" – ", " — ", " - "] {
        if let Some((_, credit)) = last.rsplit_once(dash)
            && is_credit(credit.trim())
        {
            return Some(credit.trim().to_string());
        }
    }
    let head: String = body.chars().take(200).collect();
    let open = head.find('(')?;
    let close = open + head[open..].find(')')?;
    let credit = head[open + 1..close].trim();
    let after = head[close + 1..].trim_start();
    if is_credit(credit) && after.starts_with(['-', '–', '—']) {
        return Some(credit.to_string());
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(wire_credit("He said - and then she left."), None);
    }

    #[test]
    fn latin1_text_is_decoded() {
        let bytes =
            b"Title: Prices\n\nBread now costs \xa33 in the shops of the town, up from \xa32.";
        let parsed = parse_bytes(Path::new("/a.txt"), Format::Text, bytes).unwrap();
        assert!(
            parsed.articles[0].body.contains("£3"),
            "{:?} {:?}",
            parsed.articles[0].body,
            parsed.decoded_from
        );
        assert!(parsed.decoded_from.is_some());
    }

    #[test]
    fn empty_and_binary_files_are_refused_with_a_reason() {
        let empty = parse_bytes(Path::new("/e.txt"), Format::Text, b"  \n").unwrap_err();
        assert!(empty.to_string().contains("empty file"));
        let binary = parse_bytes(
            Path::new("/b.txt"),
            Format::Text,
            b"\x89PNG\r\n\x1a\n\0\0\0",
        )
        .unwrap_err();
        assert!(binary.to_string().contains("binary"));
    }

    proptest::proptest! {
        #[test]
        fn readers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            for format in [Format::Text, Format::Json, Format::JsonLines] {
                match parse_bytes(Path::new("/fuzz/input"), format, &bytes) {
                    Ok(parsed) => proptest::prop_assert!(!parsed.articles.is_empty() || !parsed.warnings.is_empty()),
                    Err(error) => proptest::prop_assert!(error.to_string().starts_with("/fuzz/input")),
                }
            }
        }

        #[test]
        fn readers_never_panic_on_arbitrary_text(text in "(?s).{0,600}") {
            for format in [Format::Text, Format::Json, Format::JsonLines] {
                let _ = parse_bytes(Path::new("/fuzz/input"), format, text.as_bytes());
            }
        }

        #[test]
        fn jsonl_round_trips(titles in proptest::collection::vec("[^\\p{C}]{1,40}", 1..8), body in "[a-z ]{1,80}") {
            let mut text = String::new();
            for (n, title) in titles.iter().enumerate() {
                let line = serde_json::json!({"title": title, "body": body, "date": "1916-01-03", "url": format!("http://x/{n}")});
                text.push_str(&line.to_string());
                text.push('\n');
            }
            let parsed = parse_bytes(Path::new("/a.jsonl"), Format::JsonLines, text.as_bytes()).unwrap();
            proptest::prop_assert_eq!(parsed.articles.len(), titles.len());
            for (article, title) in parsed.articles.iter().zip(&titles) {
                proptest::prop_assert_eq!(&article.title, title.trim());
                proptest::prop_assert_eq!(&article.body, body.trim());
                proptest::prop_assert_eq!(article.date.map(|d| d.to_string()), Some("1916-01-03".to_string()));
            }
        }
    }
}
