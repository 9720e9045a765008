//! CSV and TSV exports: a header row, then one article per row, columns named like JSON keys.
//!
//! A malformed row is a warning naming its lines; the other rows are kept. Quoted CSV fields may
//! span lines, so an unbalanced quote can swallow the rows after it: such a row is left out and
//! reading resumes at the next line that starts a well-formed row. TSV fields are taken as written.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::archive::FileContext;
use super::fields;
use super::{Diagnostic, Parsed, parse_error};
use crate::article::Article;
use crate::error::Result;

/// Parses a table whose fields are separated by `delimiter` (`,` or tab).
// Longer than most: the row loop recovers from broken quoting by resuming at the next well-formed row,
// which needs the reader, the line map and the header together.
pub(super) fn parse(file: &FileContext, text: &str, delimiter: u8) -> Result<Parsed> {
    let tab = delimiter == b'\t';
    let builder = || {
        let mut builder = csv::ReaderBuilder::new();
        builder.delimiter(delimiter).quoting(!tab).flexible(true);
        builder
    };
    let mut reader = builder().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            parse_error(
                file.path,
                Some(1),
                format!("cannot read the header row: {e}"),
            )
        })?
        .iter()
        .map(|name| name.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if !file
        .names
        .has_title_or_body(header.iter().map(String::as_str))
    {
        return Err(parse_error(
            file.path,
            Some(1),
            format!(
                "no title or text column in the header ({}); name them in [fields] of newsindex.toml",
                header.join(", ")
            ),
        ));
    }
    let lines = Lines::new(text);
    // A row a resynchronisation may start at: as many fields as the header, and values that
    // read without a problem (a date column holds a date), which lines of text seldom do.
    let reads_cleanly = |record: &csv::StringRecord| {
        let mut problems = Vec::new();
        record.len() == header.len()
            && fields::fill(
                &mut Article::new(file.path, None),
                &to_row(&header, record),
                file.names,
                &mut problems,
            )
            .is_ok()
            && problems.is_empty()
    };
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    // Where the reader below starts: after the header, then after each resynchronisation.
    let mut base = usize::try_from(reader.position().byte()).unwrap_or(text.len());
    'resync: loop {
        let mut reader = builder()
            .has_headers(false)
            .from_reader(text.get(base..).unwrap_or_default().as_bytes());
        let mut record = csv::StringRecord::new();
        loop {
            let start = base + offset(reader.position());
            let more = match reader.read_record(&mut record) {
                Ok(more) => more,
                Err(error) => {
                    let line = error.position().map(|p| lines.line_of(base + offset(p)));
                    parsed.diagnostics.push(Diagnostic::record_skipped(
                        line,
                        format!("malformed row: {error}"),
                    ));
                    continue;
                }
            };
            if !more {
                break 'resync;
            }
            let end = base + offset(reader.position());
            let start = record.position().map_or(start, |p| base + offset(p));
            // The reader counts the blank lines before a row as its own.
            let line = lines.first_filled(lines.line_of(start));
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let last = lines.line_of(end.saturating_sub(1)).max(line);
            let well_formed = record.len() == header.len();
            // A quote left open swallows the rows after it into one field: the record is
            // malformed if a line inside it starts well-formed rows, and when its field count
            // is wrong. Either way reading resumes at the first line that starts well-formed
            // rows (the last row of the file may stand alone).
            let resume = if well_formed && last == line {
                None
            } else {
                (line + 1..=last).find(|&candidate| {
                    !lines.is_blank(candidate)
                        && lines.start_of(candidate).is_some_and(|at| {
                            starts_rows(&builder, text, at, &reads_cleanly, !well_formed)
                        })
                })
            };
            if !well_formed || resume.is_some() {
                let (consumed, note) = match resume {
                    Some(resume) => (resume - 1, format!("; reading resumes at line {resume}")),
                    None => (last, String::new()),
                };
                let lines_text = if consumed > line {
                    format!("; lines {line}-{consumed} left out{note}")
                } else if resume.is_some() {
                    format!("; line {line} left out{note}")
                } else {
                    String::new()
                };
                let reason = if well_formed {
                    "a quoted field runs into the rows after it (an unbalanced quote)".to_string()
                } else {
                    format!(
                        "{} fields where the header has {}",
                        record.len(),
                        header.len()
                    )
                };
                parsed.diagnostics.push(Diagnostic::record_skipped(
                    Some(line),
                    format!("malformed row: {reason}{lines_text}"),
                ));
                if let Some(at) = resume.and_then(|resume| lines.start_of(resume)) {
                    base = at;
                    continue 'resync;
                }
                continue;
            }
            let line = Some(line);
            let row = to_row(&header, &record);
            let mut article = Article::new(file.path, line);
            let mut problems = Vec::new();
            let id = match fields::fill(&mut article, &row, file.names, &mut problems) {
                Ok(id) => id,
                Err(reason) => {
                    parsed
                        .diagnostics
                        .push(Diagnostic::record_skipped(line, reason));
                    continue;
                }
            };
            parsed.diagnostics.extend(
                problems
                    .into_iter()
                    .map(|problem| Diagnostic::record_kept(line, problem)),
            );
            file.complete(&mut article, line, &mut parsed.diagnostics);
            super::json::assign_record_id(&mut article, id, line, &mut keys);
            parsed.articles.push(article);
        }
    }
    Ok(parsed)
}

/// The byte offset of a reader position.
fn offset(position: &csv::Position) -> usize {
    usize::try_from(position.byte()).unwrap_or(usize::MAX)
}

/// How far past a candidate line [`starts_rows`] reads: a quote opened there cannot make
/// resynchronisation read the rest of a huge file once per line.
const RESYNC_WINDOW: usize = 1 << 20;

/// The cells of a row by column name, empty ones left out.
fn to_row(header: &[String], record: &csv::StringRecord) -> Map<String, Value> {
    header
        .iter()
        .zip(record.iter())
        .filter(|(_, cell)| !cell.trim().is_empty())
        .map(|(name, cell)| (name.clone(), Value::String(cell.to_string())))
        .collect()
}

/// True when the text at byte `at` reads as a `clean` row followed by another (or, when
/// `may_end` is set, by the end of the file).
fn starts_rows(
    builder: &dyn Fn() -> csv::ReaderBuilder,
    text: &str,
    at: usize,
    clean: &dyn Fn(&csv::StringRecord) -> bool,
    may_end: bool,
) -> bool {
    let end = at.saturating_add(RESYNC_WINDOW).min(text.len());
    let Some(rest) = text.get(at..end).or_else(|| text.get(at..)) else {
        return false;
    };
    let mut reader = builder().has_headers(false).from_reader(rest.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut read = |record: &mut csv::StringRecord| loop {
        match reader.read_record(record) {
            Ok(true) if record.iter().all(|cell| cell.trim().is_empty()) => continue,
            Ok(true) => return Some(clean(record)),
            _ => return None,
        }
    };
    match read(&mut record) {
        Some(true) => {}
        _ => return false,
    }
    match read(&mut record) {
        Some(well_formed) => well_formed,
        None => may_end && end == text.len(),
    }
}

/// Where each line of a text starts, to name lines by number.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(at, _)| at + 1)
                .filter(|&at| at < text.len()),
        );
        Lines { text, starts }
    }

    /// True when 1-based `line` holds nothing but white space.
    fn is_blank(&self, line: u64) -> bool {
        let Some(start) = self.start_of(line) else {
            return true;
        };
        let end = self.start_of(line + 1).unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .is_none_or(|text| text.trim().is_empty())
    }

    /// `line`, or the first line after it that is not blank.
    fn first_filled(&self, line: u64) -> u64 {
        let mut line = line;
        while self.is_blank(line) && self.start_of(line + 1).is_some() {
            line += 1;
        }
        line
    }

    /// The 1-based line holding byte `at`.
    fn line_of(&self, at: usize) -> u64 {
        let index = self.starts.partition_point(|&start| start <= at);
        index.max(1) as u64
    }

    /// The byte where 1-based `line` starts.
    fn start_of(&self, line: u64) -> Option<usize> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.starts.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    fn table(name: &str, text: &str, delimiter: u8) -> Result<Parsed> {
        let context = ParseContext::default();
        parse(&context.file(Path::new(name)), text, delimiter)
    }

    #[test]
    fn rows_become_articles_with_multi_line_text_and_url_sources() {
        let text = "url,date,title,text\n\"https://en.wikinews.org/wiki/A\",2019-01-04,\"Flats collapse, dozens dead\",\"Friday, January 4, 2019\n\nA building collapsed.\"\nhttps://en.wikinews.org/wiki/B,2019-01-05,Second,Other text\n";
        let parsed = table("/w.csv", text, b',').unwrap();
        assert_eq!(parsed.articles.len(), 2);
        let first = &parsed.articles[0];
        assert_eq!(first.title, "Flats collapse, dozens dead");
        assert_eq!(first.date.unwrap().to_string(), "2019-01-04");
        assert_eq!(first.source.as_deref(), Some("en.wikinews.org"));
        assert_eq!(first.source_key().as_deref(), Some("wikinews"));
        assert_eq!(first.record, Some(2));
        assert_eq!(parsed.articles[1].record, Some(5));
        assert_ne!(first.id, parsed.articles[1].id);
    }

    #[test]
    fn a_malformed_row_is_a_warning_naming_its_line_and_the_rest_is_kept() {
        let text = "title\tdate\tbody\nGood one\t2020-01-01\tText one\nBad\t2020-01-02\nGood two\t2020-01-03\tText two\n";
        let parsed = table("/t.tsv", text, b'\t').unwrap();
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(parsed.warnings().len(), 1);
        assert_eq!(parsed.warnings()[0].line, Some(3));
        assert!(parsed.warnings()[0].kind.skips_input());
    }

    #[test]
    fn an_unclosed_quote_loses_its_own_row_and_reading_resumes_at_the_next() {
        // Row 3 opens a quote it never closes, which swallows the rest of the file.
        let text = "title,date,body\nOne,2020-01-01,First text\nTwo,2020-01-02,\"Second text\nThree,2020-01-03,Third text\nFour,2020-01-04,Fourth text\n";
        let parsed = table("/q.csv", text, b',').unwrap();
        let titles: Vec<_> = parsed.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["One", "Three", "Four"]);
        assert_eq!(parsed.articles[1].record, Some(4));
        assert_eq!(parsed.warnings().len(), 1, "{:?}", parsed.warnings());
        assert_eq!(parsed.warnings()[0].line, Some(3));
        assert!(
            parsed.warnings()[0]
                .message
                .ends_with("line 3 left out; reading resumes at line 4"),
            "{}",
            parsed.warnings()[0].message
        );
    }

    #[test]
    fn a_quoted_field_with_row_like_lines_is_kept_whole() {
        // One line inside the quoted text has as many commas as the header: not a row on its
        // own, since the line after it is not one.
        let text = "title,date,body\nOne,2020-01-01,\"Intro\nPara one, two, three\nplain line\"\nTwo,2020-01-02,Text\n";
        let parsed = table("/k.csv", text, b',').unwrap();
        assert!(parsed.warnings().is_empty(), "{:?}", parsed.warnings());
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(
            parsed.articles[0].body,
            "Intro\nPara one, two, three\nplain line"
        );
    }

    #[test]
    fn a_table_without_title_or_text_columns_is_refused() {
        let error = table("/m.csv", "path,lccn\na.txt,1\n", b',').unwrap_err();
        assert!(
            error.to_string().contains("no title or text column"),
            "{error}"
        );
    }
}
