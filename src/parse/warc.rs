//! Web archives: WARC (`.warc`, `.warc.gz`) and ARC (`.arc`, `.arc.gz`) files, read as a
//! stream of records, each HTML page becoming an article through the HTML reader.
//!
//! The file is never read whole: gzip members are decoded one at a time (flate2), HTTP heads
//! are parsed by httparse, and each record's block is capped. Records that are not HTML pages
//! (revisits, requests, images…) are counted and skipped; a truncated last record is read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;

use super::archive::FileContext;
use super::{Diagnostic, Parsed};
use crate::date::ArticleDate;
use crate::error::{Error, Result};

/// A `BufRead` that counts the bytes consumed, so each gzip member's offset is known.
struct Counting<R> {
    inner: R,
    consumed: u64,
}

impl<R: BufRead> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

/// What the records of one file came to, beyond the articles.
#[derive(Debug, Default)]
struct Tally {
    revisits: u64,
    not_html: u64,
    other: u64,
}

/// Reads the web archive at `path`; a record's block is read up to `max_bytes`.
///
/// # Errors
/// [`Error::ReadCorpus`] when the file cannot be opened; [`Error::ParseArticle`] when it holds
/// no record at all.
pub(super) fn parse_path(path: &Path, max_bytes: u64, file: &FileContext) -> Result<Parsed> {
    let opened = File::open(path).map_err(|source| Error::ReadCorpus {
        path: path.to_path_buf(),
        source,
    })?;
    parse(
        path,
        BufReader::with_capacity(1 << 16, opened),
        max_bytes,
        file,
    )
}

/// Reads a web archive from `source`; `path` names it (and says whether it is gzipped).
///
/// # Errors
/// [`Error::ParseArticle`] when it holds no record at all.
pub(super) fn parse(
    path: &Path,
    source: impl BufRead,
    max_bytes: u64,
    file: &FileContext,
) -> Result<Parsed> {
    let mut input = Counting {
        inner: source,
        consumed: 0,
    };
    let gzipped = path
        .to_str()
        .is_some_and(|p| p.to_ascii_lowercase().ends_with(".gz"));
    let mut reader = RecordReader {
        path,
        file,
        max_bytes,
        parsed: Parsed::default(),
        tally: Tally::default(),
        records: 0,
    };
    if gzipped {
        loop {
            let offset = input.consumed;
            match input.fill_buf() {
                Ok([]) => break,
                Ok(_) => {}
                Err(error) => {
                    reader.warn(offset, format!("cannot read on: {error}"));
                    break;
                }
            }
            let mut member = BufReader::new(GzDecoder::new(&mut input));
            let ended = reader.read_records(&mut member, offset);
            if !ended || input.consumed == offset {
                break;
            }
        }
    } else {
        // A plain file: each record is keyed by its own byte offset.
        loop {
            let key = input.consumed;
            if !matches!(reader.read_record(&mut input, key), Next::More) {
                break;
            }
        }
    }
    reader.finish()
}

/// Reads the records of one stream (a gzip member, or a whole plain file).
struct RecordReader<'a, 'c> {
    path: &'a Path,
    file: &'a FileContext<'c>,
    max_bytes: u64,
    parsed: Parsed,
    tally: Tally,
    records: u64,
}

/// What follows a record.
enum Next {
    More,
    End,
    Stop,
}

/// A record's header fields that matter here.
#[derive(Debug, Default)]
struct Header {
    kind: String,
    uri: Option<String>,
    date: Option<String>,
    content_type: String,
    length: u64,
}

impl RecordReader<'_, '_> {
    fn warn(&mut self, offset: u64, reason: String) {
        self.parsed.diagnostics.push(Diagnostic::record_skipped(
            None,
            format!("record at byte {offset}: {reason}"),
        ));
    }

    /// Reads records until the stream ends; false when it broke off (bad gzip, bad header),
    /// so the caller stops instead of guessing where the next record starts. The first record
    /// is keyed by `offset`, later ones (several records in one gzip member) by `offset+n`.
    fn read_records(&mut self, input: &mut impl BufRead, offset: u64) -> bool {
        let mut index = 0u64;
        loop {
            let key = offset.saturating_add(index);
            match self.read_record(input, key) {
                Next::More => index += 1,
                Next::End => return true,
                Next::Stop => return false,
            }
        }
    }

    /// Reads one record keyed by `key`.
    fn read_record(&mut self, input: &mut impl BufRead, key: u64) -> Next {
        let header = match read_header(input) {
            Ok(Some(header)) => header,
            Ok(None) => return Next::End,
            Err(reason) => {
                self.warn(key, reason);
                return Next::Stop;
            }
        };
        let mut block = Vec::new();
        let limit = header.length.min(self.max_bytes);
        let read = input.by_ref().take(limit).read_to_end(&mut block);
        let truncated = match read {
            Ok(n) => (n as u64) < limit,
            Err(_) => true,
        };
        if header.length > self.max_bytes {
            // Skip the rest of an oversized block without holding it.
            let _ = io::copy(
                &mut input.by_ref().take(header.length - limit),
                &mut io::sink(),
            );
        }
        if !truncated {
            skip_newlines(input);
        }
        self.records += 1;
        self.take_record(&header, &block, key, truncated);
        if truncated { Next::Stop } else { Next::More }
    }

    fn take_record(&mut self, header: &Header, block: &[u8], key: u64, truncated: bool) {
        let (content_type, payload) = match header.kind.as_str() {
            "response" | "arc" => match http_payload(block) {
                Ok(found) => found,
                Err(reason) => {
                    self.warn(key, reason);
                    return;
                }
            },
            "resource" => (header.content_type.clone(), block.to_vec()),
            "revisit" => {
                self.tally.revisits += 1;
                return;
            }
            _ => {
                self.tally.other += 1;
                return;
            }
        };
        let lowered = content_type.to_ascii_lowercase();
        if !(lowered.contains("html") || lowered.is_empty() && looks_like_html(&payload)) {
            self.tally.not_html += 1;
            return;
        }
        let crawl = header.date.as_deref().and_then(ArticleDate::parse);
        let crawled = crawl.map_or_else(|| chrono::Utc::now().date_naive(), |d| d.day());
        let text = match super::decode(self.path, &payload) {
            Ok((text, _)) => text,
            Err(Error::ParseArticle { reason, .. }) => {
                self.warn(key, reason);
                return;
            }
            Err(error) => {
                self.warn(key, error.to_string());
                return;
            }
        };
        match super::html::parse_page(self.file, &text, header.uri.as_deref(), crawled, crawl) {
            Ok(mut parsed) => {
                for article in &mut parsed.articles {
                    article.record = Some(self.records);
                    article.assign_id(&format!("byte {key}"));
                }
                if truncated {
                    self.parsed.diagnostics.push(Diagnostic::record_kept(
                        None,
                        format!("record at byte {key} is truncated; indexed what was there"),
                    ));
                }
                self.parsed.articles.append(&mut parsed.articles);
            }
            Err(Error::ParseArticle { reason, .. }) => self.warn(key, reason),
            Err(error) => self.warn(key, error.to_string()),
        }
    }

    fn finish(mut self) -> Result<Parsed> {
        if self.records == 0 && self.parsed.warnings().is_empty() {
            return Err(super::parse_error(
                self.path,
                None,
                "no WARC or ARC record in the file".to_string(),
            ));
        }
        let tally = &self.tally;
        for (count, what) in [
            (tally.revisits, "revisit records (no page of their own)"),
            (tally.not_html, "records whose payload is not HTML"),
            (tally.other, "request, metadata and other non-page records"),
        ] {
            if count > 0 {
                self.parsed.diagnostics.push(Diagnostic::left_out(
                    None,
                    format!("skipped {count} {what}"),
                ));
            }
        }
        if self.parsed.articles.is_empty()
            && !self
                .parsed
                .diagnostics
                .iter()
                .any(|d| d.severity() == crate::diagnostic::Severity::Note)
        {
            self.parsed.diagnostics.push(Diagnostic::left_out(
                None,
                "no HTML page in the archive".to_string(),
            ));
        }
        Ok(self.parsed)
    }
}

/// Reads a WARC header (`WARC/1.x` and `Name: value` lines) or an ARC header line; `None` at
/// the end of the stream.
fn read_header(input: &mut impl BufRead) -> std::result::Result<Option<Header>, String> {
    let mut line = String::new();
    // Records are separated by blank lines; skip them.
    loop {
        line.clear();
        let mut bytes = Vec::new();
        let n = input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        line = String::from_utf8_lossy(&bytes).trim().to_string();
        if !line.is_empty() {
            break;
        }
    }
    if line.starts_with("WARC/") {
        let mut header = Header::default();
        let mut has_length = false;
        loop {
            let mut bytes = Vec::new();
            let n = input
                .read_until(b'\n', &mut bytes)
                .map_err(|e| format!("cannot read the header: {e}"))?;
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim();
            if n == 0 || text.is_empty() {
                break;
            }
            let Some((name, value)) = text.split_once(':') else {
                continue;
            };
            let value = value.trim().to_string();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => header.kind = value.to_ascii_lowercase(),
                "warc-target-uri" => {
                    header.uri = Some(value.trim_matches(['<', '>']).to_string());
                }
                "warc-date" => header.date = Some(value),
                "content-type" => header.content_type = value,
                "content-length" => {
                    header.length = value
                        .parse()
                        .map_err(|_| format!("Content-Length '{value}' is not a number"))?;
                    has_length = true;
                }
                _ => {}
            }
        }
        if !has_length {
            return Err("WARC header without Content-Length".to_string());
        }
        return Ok(Some(header));
    }
    // ARC: "URL IP DATE TYPE LENGTH" (version 1) or with more fields, the length last.
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (Some(url), Some(length)) = (fields.first(), fields.last()) else {
        return Err("not a WARC or ARC record header".to_string());
    };
    if fields.len() < 5 {
        return Err(format!("not a WARC or ARC record header: '{}'", cut(&line)));
    }
    let length: u64 = length
        .parse()
        .map_err(|_| format!("ARC record length '{length}' is not a number"))?;
    let date = fields.get(2).and_then(|d| arc_date(d));
    let kind = if url.starts_with("filedesc:") {
        "warcinfo"
    } else {
        "arc"
    };
    Ok(Some(Header {
        kind: kind.to_string(),
        uri: Some((*url).to_string()),
        date,
        content_type: fields.get(3).map(|t| t.to_string()).unwrap_or_default(),
        length,
    }))
}

/// Consumes the blank lines after a record's block, so the next record starts at its header.
fn skip_newlines(input: &mut impl BufRead) {
    loop {
        let Ok(available) = input.fill_buf() else {
            return;
        };
        let blank = available
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        if blank == 0 {
            return;
        }
        input.consume(blank);
    }
}

fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}

/// ARC's `YYYYMMDDhhmmss` as RFC 3339.
fn arc_date(text: &str) -> Option<String> {
    let digits = text.get(..14)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &digits[..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..10],
        &digits[10..12],
        &digits[12..14]
    ))
}

/// The body of an HTTP response with its transfer and content encodings undone, and its
/// content type.
fn http_payload(block: &[u8]) -> std::result::Result<(String, Vec<u8>), String> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let start = match response.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("HTTP head is cut off".to_string()),
        Err(error) => return Err(format!("HTTP head is malformed: {error}")),
    };
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let content_type = header("content-type").unwrap_or_default();
    let mut body = block.get(start..).unwrap_or_default().to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body);
    }
    match header("content-encoding").as_deref().map(str::trim) {
        Some("gzip" | "x-gzip") => body = inflate(flate2::read::MultiGzDecoder::new(&body[..]))?,
        Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]))?,
        Some("" | "identity") | None => {}
        Some(other) => return Err(format!("content encoding '{other}' is not supported")),
    }
    Ok((content_type, body))
}

/// Reads a decoder to its end; what decoded before a corrupt or cut-off end is kept.
fn inflate(mut decoder: impl Read) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match decoder.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(_) if !out.is_empty() => Ok(out),
        Err(error) => Err(format!("gzip content cannot be decoded: {error}")),
    }
}

/// Undoes HTTP chunked transfer coding; a cut-off last chunk keeps what is there.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        data = &data[end + 2..];
        if size == 0 {
            break;
        }
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        data = &data[take..];
        data = data.strip_prefix(b"\r\n").unwrap_or(data);
    }
    out
}

fn looks_like_html(payload: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&payload[..payload.len().min(512)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_and_gzipped_http_bodies_are_decoded() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(b"<html><p>Hi</p></html>").unwrap();
        let gz = encoder.finish().unwrap();
        let mut chunked = format!("{:x}\r\n", 5).into_bytes();
        chunked.extend_from_slice(&gz[..5]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", gz.len() - 5).as_bytes());
        chunked.extend_from_slice(&gz[5..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&chunked);
        let (kind, body) = http_payload(&block).unwrap();
        assert_eq!(kind, "text/html");
        assert_eq!(body, b"<html><p>Hi</p></html>");
    }

    #[test]
    fn broken_heads_are_reasons_not_panics() {
        assert!(http_payload(b"HTTP/1.1 200").is_err());
        assert!(http_payload(b"\x00\x01garbage\r\n\r\n").is_err());
        let mut input = &b"WARC/1.0\r\nWARC-Type: response\r\n\r\n"[..];
        assert!(read_header(&mut input).is_err());
        let mut input = &b"not a record\n"[..];
        assert!(read_header(&mut input).is_err());
    }

    #[test]
    fn plain_records_are_keyed_by_their_byte_offsets() {
        let record = |uri: &str| {
            let block = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><title>{uri}</title><p>Text of {uri}.</p></html>"
            );
            format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2020-01-02T03:04:05Z\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
                block.len()
            )
        };
        let first = record("http://a.example/one");
        let data = format!("{first}{}", record("http://a.example/two"));
        let context = crate::parse::ParseContext::default();
        let path = Path::new("/a.warc");
        let parsed = parse(path, data.as_bytes(), u64::MAX, &context.file(path)).unwrap();
        let ids: Vec<String> = parsed.articles.iter().map(|a| a.id.clone()).collect();
        assert_eq!(
            ids,
            [
                crate::article::article_id("/a.warc", "byte 0"),
                crate::article::article_id("/a.warc", &format!("byte {}", first.len()))
            ]
        );
        assert_eq!(
            parsed.articles[1].date_source.as_deref(),
            Some("the crawl's WARC-Date")
        );
    }
}
