//! CSV and TSV exports: a header row, then one article per row, columns named like JSON keys.
//!
//! A malformed row is a warning naming its line; the other rows are kept. Quoted CSV fields may
//! span lines; TSV fields are taken as written.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::archive::FileContext;
use super::fields;
use super::{Parsed, Warning, parse_error};
use crate::article::Article;
use crate::error::Result;

/// Parses a table whose fields are separated by `delimiter` (`,` or tab).
pub(super) fn parse(file: &FileContext, text: &str, delimiter: u8) -> Result<Parsed> {
    let tab = delimiter == b'\t';
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(!tab)
        .flexible(true)
        .from_reader(text.as_bytes());
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
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line());
                parsed.warnings.push(Warning::record_skipped(
                    line,
                    format!("malformed row: {error}"),
                ));
                continue;
            }
        };
        let line = record.position().map(|p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            parsed.warnings.push(Warning::record_skipped(
                line,
                format!(
                    "malformed row: {} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let row: Map<String, Value> = header
            .iter()
            .zip(record.iter())
            .filter(|(_, cell)| !cell.trim().is_empty())
            .map(|(name, cell)| (name.clone(), Value::String(cell.to_string())))
            .collect();
        let mut article = Article::new(file.path, line);
        let mut problems = Vec::new();
        let id = match fields::fill(&mut article, &row, file.names, &mut problems) {
            Ok(id) => id,
            Err(reason) => {
                parsed.warnings.push(Warning::record_skipped(line, reason));
                continue;
            }
        };
        parsed.warnings.extend(
            problems
                .into_iter()
                .map(|problem| Warning::record_kept(line, problem)),
        );
        file.complete(&mut article, line, &mut parsed.warnings);
        super::json::assign_record_id(&mut article, id, line, &mut keys);
        parsed.articles.push(article);
    }
    Ok(parsed)
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
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(3));
        assert!(parsed.warnings[0].skipped);
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
