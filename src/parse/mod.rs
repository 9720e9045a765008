//! Reading archive files into [`Article`]s: format detection, decoding, the per-format readers.
//!
//! [`parse_file`] returns a file's articles and skipped records and never panics on input; a
//! file it cannot use is an [`Error::ParseArticle`]. The archive comes in a [`ParseContext`].

mod archive;
mod fields;
mod html;
mod inference;
#[cfg(test)]
pub(crate) use inference::ocr_lines;
pub(crate) use inference::{is_space_byte, ocr_lines_of};
mod json;
mod markdown;
mod sgml;
mod table;
mod text;
mod walk;
mod warc;
mod xml;

use std::borrow::Cow;
use std::path::Path;

pub use archive::{
    ArchiveConfig, CONFIG_FILE, DateConfig, FieldConfig, ParseContext, Selection, SidecarConfig,
};
pub use fields::FieldNames;
pub use walk::{Listed, Walked, list_files, shown_path, walk_archive, walk_files};

use crate::article::Article;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

/// The article formats newsindex reads, chosen by file extension and, where that is ambiguous,
/// by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, with a `Key: value` header, the seed's ` date …` line, or none; OCR pages.
    Text,
    /// Markdown, with or without YAML (`---`) or TOML (`+++`) front matter.
    Markdown,
    /// One JSON object, or an array of objects, per file.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header row, one article per row.
    Csv,
    /// Tab-separated values with a header row, one article per row.
    Tsv,
    /// A saved web page.
    Html,
    /// Wire-service XML: NITF or NewsML-G2, told apart by the root element.
    Xml,
    /// Reuters-21578 SGML: many `<REUTERS>` stories per file.
    Sgml,
    /// A web archive (WARC or ARC, plain or gzipped): one article per HTML page captured.
    Warc,
}

/// The file name endings newsindex reads, and the format each means: the one table that
/// [`detect`], the walk's errors and the command line's help are drawn from. Web archives are
/// named by their whole ending (`.warc.gz`), the others by their last extension.
pub const EXTENSIONS: &[(&str, Format)] = &[
    ("txt", Format::Text),
    ("text", Format::Text),
    ("md", Format::Markdown),
    ("markdown", Format::Markdown),
    ("json", Format::Json),
    ("jsonl", Format::JsonLines),
    ("ndjson", Format::JsonLines),
    ("csv", Format::Csv),
    ("tsv", Format::Tsv),
    ("tab", Format::Tsv),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("xhtml", Format::Html),
    ("xml", Format::Xml),
    ("nitf", Format::Xml),
    ("sgm", Format::Sgml),
    ("sgml", Format::Sgml),
    ("warc", Format::Warc),
    ("warc.gz", Format::Warc),
    ("arc", Format::Warc),
    ("arc.gz", Format::Warc),
];

/// The endings of [`EXTENSIONS`] as people read them: `.txt, .text, .md, …`.
pub fn extensions_text() -> String {
    EXTENSIONS
        .iter()
        .map(|(ending, _)| format!(".{ending}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Picks the format of `path` from its name's ending; `None` means "not an article file".
pub fn detect(path: &Path) -> Option<Format> {
    // Bytes, not text: a Latin-1 name (`caf\xe9.txt`) is still a `.txt` file.
    let name = path.file_name()?.as_encoded_bytes().to_ascii_lowercase();
    // The longest ending wins, so `a.warc.gz` is a web archive and not a `.gz` file.
    EXTENSIONS
        .iter()
        .filter(|(ending, _)| {
            name.len() > ending.len() + 1
                && name.ends_with(ending.as_bytes())
                && name[name.len() - ending.len() - 1] == b'.'
        })
        .max_by_key(|(ending, _)| ending.len())
        .map(|&(_, format)| format)
}

/// The text with Windows line ends made Unix ones; most files have no carriage return and
/// are borrowed rather than copied.
fn unix_newlines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").into()
    } else {
        text.into()
    }
}

/// Corrects the extension's guess from the first characters: a `.txt` file that is really a
/// web page, front-matter Markdown, wire XML or Reuters SGML is read as that.
fn sniff(format: Format, text: &str) -> Format {
    if format != Format::Text {
        return format;
    }
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = start
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        Format::Html
    } else if head.starts_with("<!doctype lewis") || head.starts_with("<reuters") {
        Format::Sgml
    } else if head.starts_with("<?xml")
        || head.starts_with("<nitf")
        || head.starts_with("<newsitem")
    {
        Format::Xml
    } else if markdown::split_front_matter(text).is_some() {
        Format::Markdown
    } else {
        format
    }
}

/// What one file gave.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The articles read, ids assigned.
    pub articles: Vec<Article>,
    /// Problems with records, each with its line, and records left out on purpose (a rule or
    /// the config said so: notes, not problems). Placed in the file by whoever shows them.
    pub diagnostics: Vec<Diagnostic>,
    /// The encoding the text was decoded from, when it was not UTF-8.
    pub decoded_from: Option<&'static str>,
}

impl Parsed {
    /// The diagnostics that are warnings (problems), in file order.
    pub fn warnings(&self) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == crate::diagnostic::Severity::Warning)
            .collect()
    }

    /// Everything to report about the file once it was read, placed in it as the user named it
    /// (`shown`): the legacy encoding it was decoded from, then its records' diagnostics.
    pub fn placed_diagnostics(&self, shown: &Path) -> impl Iterator<Item = Diagnostic> {
        let decoded = self.decoded_from.map(|encoding| {
            Diagnostic::new(
                crate::diagnostic::Kind::Decoded,
                None,
                format!("decoded from {encoding}"),
            )
            .at(shown)
        });
        decoded
            .into_iter()
            .chain(self.diagnostics.iter().map(|d| d.clone().at(shown)))
    }
}

/// Reads and parses one file.
///
/// # Errors
/// [`Error::ReadCorpus`] when the file cannot be read; [`Error::ParseArticle`] when it is
/// empty, binary, larger than `max_bytes`, or not readable as its format at all.
pub fn parse_file(
    path: &Path,
    format: Format,
    max_bytes: u64,
    context: &ParseContext,
) -> Result<Parsed> {
    if format == Format::Warc {
        // Web archives stream record by record; the size limit applies to each record.
        return warc::parse_path(path, max_bytes, &context.file(path));
    }
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
    parse_bytes(path, format, &bytes, context)
}

/// Parses the bytes of a file already read; `path` names it in ids and messages, and places it
/// in `context`'s archive.
///
/// # Errors
/// [`Error::ParseArticle`] as for [`parse_file`].
pub fn parse_bytes(
    path: &Path,
    format: Format,
    bytes: &[u8],
    context: &ParseContext,
) -> Result<Parsed> {
    if format == Format::Warc {
        return warc::parse(path, bytes, u64::MAX, &context.file(path));
    }
    let (text, decoded_from) = decode(path, bytes)?;
    let file = context.file(path);
    let mut parsed = match sniff(format, &text) {
        Format::Text => text::parse(&file, &text)?,
        Format::Markdown => markdown::parse(&file, &text)?,
        Format::Json => json::parse_document(&file, &text)?,
        Format::JsonLines => json::parse_lines(&file, &text)?,
        Format::Csv => table::parse(&file, &text, b',')?,
        Format::Tsv => table::parse(&file, &text, b'\t')?,
        Format::Html => html::parse(&file, &text)?,
        Format::Xml => xml::parse(&file, &text)?,
        Format::Sgml => sgml::parse(&file, &text)?,
        Format::Warc => Parsed::default(),
    };
    let mut kept = Vec::with_capacity(parsed.articles.len());
    for article in parsed.articles {
        match file.skipped_prefix(&article.title) {
            Some(prefix) => parsed.diagnostics.push(Diagnostic::left_out(
                article.record,
                format!(
                    "left out '{}': titles starting with '{prefix}' are skipped (skip_titles in {CONFIG_FILE})",
                    article.title
                ),
            )),
            None => kept.push(article),
        }
    }
    parsed.articles = kept;
    for article in &mut parsed.articles {
        article.assign_archive_id(file.relative());
    }
    parsed.decoded_from = decoded_from;
    if parsed.articles.is_empty() && parsed.diagnostics.is_empty() {
        return Err(parse_error(path, None, "no article in file".to_string()));
    }
    Ok(parsed)
}

/// Decodes bytes to text: UTF-8 (or a BOM's encoding) when valid, else the detected legacy encoding.
fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<(Cow<'a, str>, Option<&'static str>)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(parse_error(path, None, "empty file".to_string()));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_with_bom_removal(bytes);
        let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name());
        return Ok((text, name));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(binary_error(path, bytes, "contains NUL bytes"));
    }
    let (text, decoded_from) = match std::str::from_utf8(bytes) {
        // Valid UTF-8, the common case, is read in place: no copy of a big file.
        Ok(text) => (Cow::Borrowed(text), None),
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
            (text, Some(encoding.name()))
        }
    };
    let (controls, total) = control_characters(&text);
    // Text has next to none (a stray form feed or DOS end-of-file mark); random bytes decode
    // to about one in eight, a compressed stream to many more.
    if controls > 1 && controls * 50 > total {
        let share = controls * 100 / total.max(1);
        return Err(binary_error(
            path,
            bytes,
            &format!("{share}% control characters once decoded"),
        ));
    }
    Ok((text, decoded_from))
}

/// Counts the control characters of `text` that text does not use, and all its characters.
fn control_characters(text: &str) -> (usize, usize) {
    if text.is_ascii() {
        // A character a byte: counted in byte lanes, blocks of 255 so that a lane's count fits
        // in a byte (vector code; decoding characters one by one cost 12 instructions a byte).
        let mut controls = 0;
        for block in text.as_bytes().chunks(255) {
            let count = block
                .iter()
                .map(|&byte| u8::from(is_stray_control(byte)))
                .fold(0u8, u8::wrapping_add);
            controls += usize::from(count);
        }
        return (controls, text.len());
    }
    let mut controls = 0;
    let mut total = 0;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    (controls, total)
}

/// An ASCII control character that text does not use: `char::is_control` but for a line
/// break, carriage return, tab or form feed.
const fn is_stray_control(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\n' | b'\r' | b'\t' | 0x0c)) || byte == 0x7f
}

/// The error for a binary file: the type its first bytes name (PDF, gzip, PNG…), else only
/// what gave it away.
fn binary_error(path: &Path, bytes: &[u8], evidence: &str) -> Error {
    let kind = infer::get(bytes)
        .filter(|kind| kind.matcher_type() != infer::MatcherType::Text)
        .map_or_else(
            || "binary file of no known type".to_string(),
            |kind| format!("binary file ({}, .{})", kind.mime_type(), kind.extension()),
        );
    parse_error(path, None, format!("{kind}: {evidence}; not text"))
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An ASCII text's control characters, counted in byte lanes, are those counted
        /// character by character (every ASCII byte, texts longer than a block of 255).
        #[test]
        fn ascii_control_characters_are_counted_as_characters(
            bytes in proptest::collection::vec(0u8..0x80, 0..700),
        ) {
            let text = String::from_utf8(bytes).unwrap_or_default();
            let by_characters = text
                .chars()
                .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
                .count();
            proptest::prop_assert_eq!(
                control_characters(&text),
                (by_characters, text.chars().count())
            );
        }
    }

    #[test]
    fn latin1_text_is_decoded() {
        let bytes =
            b"Title: Prices\n\nBread now costs \xa33 in the shops of the town, up from \xa32.";
        let parsed = parse_bytes(
            Path::new("/a.txt"),
            Format::Text,
            bytes,
            &ParseContext::default(),
        )
        .unwrap();
        assert!(
            parsed.articles[0].body.contains("£3"),
            "{:?} {:?}",
            parsed.articles[0].body,
            parsed.decoded_from
        );
        assert!(parsed.decoded_from.is_some());
    }

    /// Every prefix of every fixture, read as every format, gives articles or a located error
    /// and never panics: the cheap cousin of a fuzzer, run on each `cargo test`.
    #[test]
    fn truncated_input_in_any_format_never_panics() {
        let fixtures: &[&[u8]] = &[
            include_bytes!("../../tests/fixtures/markdown/2021-02-03-harbour-ice.md"),
            include_bytes!("../../tests/fixtures/markdown/dam-opens.md"),
            include_bytes!("../../tests/fixtures/csv/export.csv"),
            include_bytes!("../../tests/fixtures/csv/ferries.tsv"),
            include_bytes!("../../tests/fixtures/html/storm.html"),
            include_bytes!("../../tests/fixtures/xml/nitf-harbour.xml"),
            include_bytes!("../../tests/fixtures/xml/newsml-talks.xml"),
            include_bytes!("../../tests/fixtures/sgml/reut2-test.sgm"),
            "2024-é-€x “quoted” — 21 Jun 2024 09.50 BST\n\n(Reuters) – é".as_bytes(),
        ];
        let context = ParseContext::default();
        let paths = [
            Path::new("/a/2024-é-€/dates/19160103/x-ed-1_seq-1.txt"),
            Path::new("/a/b.txt"),
        ];
        for bytes in fixtures {
            for end in (1..=bytes.len()).step_by(3).chain([bytes.len()]) {
                for format in ALL_FORMATS {
                    for path in paths {
                        let _ = parse_bytes(path, format, &bytes[..end], &context);
                    }
                }
            }
        }
    }

    #[test]
    fn empty_and_binary_files_are_refused_with_a_reason() {
        let empty = parse_bytes(
            Path::new("/e.txt"),
            Format::Text,
            b"  \n",
            &ParseContext::default(),
        )
        .unwrap_err();
        assert!(empty.to_string().contains("empty file"));
        let binary = parse_bytes(
            Path::new("/b.txt"),
            Format::Text,
            b"\x89PNG\r\n\x1a\n\0\0\0",
            &ParseContext::default(),
        )
        .unwrap_err();
        assert!(binary.to_string().contains("binary"));
    }

    const ALL_FORMATS: [Format; 10] = [
        Format::Text,
        Format::Markdown,
        Format::Json,
        Format::JsonLines,
        Format::Csv,
        Format::Tsv,
        Format::Html,
        Format::Xml,
        Format::Sgml,
        Format::Warc,
    ];

    proptest::proptest! {
        #[test]
        fn readers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            for format in ALL_FORMATS {
                match parse_bytes(Path::new("/fuzz/input"), format, &bytes, &ParseContext::default()) {
                    Ok(parsed) => proptest::prop_assert!(!parsed.articles.is_empty() || !parsed.diagnostics.is_empty()),
                    Err(error) => proptest::prop_assert!(error.to_string().starts_with("/fuzz/input")),
                }
            }
        }

        #[test]
        fn readers_never_panic_on_arbitrary_text(text in "(?s).{0,600}") {
            for format in ALL_FORMATS {
                let _ = parse_bytes(Path::new("/fuzz/input"), format, text.as_bytes(), &ParseContext::default());
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
            let parsed = parse_bytes(Path::new("/a.jsonl"), Format::JsonLines, text.as_bytes(), &ParseContext::default()).unwrap();
            proptest::prop_assert_eq!(parsed.articles.len(), titles.len());
            for (article, title) in parsed.articles.iter().zip(&titles) {
                proptest::prop_assert_eq!(&article.title, title.trim());
                proptest::prop_assert_eq!(&article.body, body.trim());
                proptest::prop_assert_eq!(article.date.map(|d| d.to_string()), Some("1916-01-03".to_string()));
            }
        }
    }
}
