//! JSON articles: one object or an array of objects per `.json` file, one object per `.jsonl` line.
//!
//! Field names are the shared ones of `fields.rs` (`headline`, `published_at`, `maintext`,
//! `authors`…). A bad line in a JSONL file is a warning; the other lines are kept.

use std::collections::HashSet;

use serde_json::Value;

use super::archive::FileContext;
use super::fields;
use super::{Diagnostic, Parsed, parse_error};
use crate::article::Article;
use crate::error::Result;

/// Parses a `.json` file: an object, or an array of objects.
pub(super) fn parse_document(file: &FileContext, text: &str) -> Result<Parsed> {
    let path = file.path;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| parse_error(path, Some(e.line() as u64), format!("invalid JSON: {e}")))?;
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let record = index as u64 + 1;
                match to_article(file, Some(record), item, &mut keys, &mut parsed.diagnostics) {
                    Ok(article) => parsed.articles.push(article),
                    Err(reason) => parsed.diagnostics.push(Diagnostic::record_skipped(
                        Some(record),
                        format!("record {record}: {reason}"),
                    )),
                }
            }
        }
        object @ Value::Object(_) => {
            let article = to_article(file, None, &object, &mut keys, &mut parsed.diagnostics)
                .map_err(|reason| parse_error(path, None, reason))?;
            parsed.articles.push(article);
        }
        _ => {
            return Err(parse_error(
                path,
                None,
                "expected a JSON object or an array of objects".to_string(),
            ));
        }
    }
    Ok(parsed)
}

/// Parses a `.jsonl` file: one object per non-blank line.
pub(super) fn parse_lines(file: &FileContext, text: &str) -> Result<Parsed> {
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Value>(line)
            .map_err(|e| format!("invalid JSON: {e}"))
            .and_then(|value| {
                to_article(
                    file,
                    Some(number),
                    &value,
                    &mut keys,
                    &mut parsed.diagnostics,
                )
            });
        match result {
            Ok(article) => parsed.articles.push(article),
            Err(reason) => parsed
                .diagnostics
                .push(Diagnostic::record_skipped(Some(number), reason)),
        }
    }
    Ok(parsed)
}

/// Maps one JSON object to an article; `keys` holds the ids already given in this file.
fn to_article(
    file: &FileContext,
    record: Option<u64>,
    value: &Value,
    keys: &mut HashSet<String>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Article, String> {
    let Value::Object(object) = value else {
        return Err("expected a JSON object".to_string());
    };
    let mut article = Article::new(file.path, record);
    let mut problems = Vec::new();
    let id = fields::fill(&mut article, object, file.names, &mut problems)?;
    warnings.extend(
        problems
            .into_iter()
            .map(|problem| Diagnostic::record_kept(record, problem)),
    );
    file.complete(&mut article, record, warnings);
    assign_record_id(&mut article, id, record, keys);
    Ok(article)
}

/// Gives a record of a multi-article file its id. Its identity inside the file is its own
/// id, else its URL, else its place; a repeated identity gets its place appended.
pub(super) fn assign_record_id(
    article: &mut Article,
    id: Option<String>,
    record: Option<u64>,
    keys: &mut HashSet<String>,
) {
    let place = record.map(|r| r.to_string()).unwrap_or_default();
    let mut key = id
        .or_else(|| article.url.clone())
        .unwrap_or_else(|| place.clone());
    if !keys.insert(key.clone()) {
        key = format!("{key}#{place}");
        keys.insert(key.clone());
    }
    article.assign_id(&key);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    fn lines(text: &str) -> Parsed {
        let context = ParseContext::default();
        parse_lines(&context.file(Path::new("/f.jsonl")), text).unwrap()
    }

    #[test]
    fn scraper_field_names_are_understood() {
        let line = r#"{"headline":"H","published_at":"2020-05-01T10:00:00Z","maintext":"B","source_domain":"reuters.com","authors":["A","B"],"link":"http://u"}"#;
        let parsed = lines(line);
        let article = &parsed.articles[0];
        assert_eq!(article.title, "H");
        assert_eq!(article.body, "B");
        assert_eq!(article.byline.as_deref(), Some("A, B"));
        assert_eq!(article.source_key().as_deref(), Some("reuters"));
        assert_eq!(
            article.date.unwrap().to_string(),
            "2020-05-01T10:00:00+00:00"
        );
    }

    #[test]
    fn a_bad_line_is_a_warning_and_the_rest_is_kept() {
        let text = "{\"title\":\"a\",\"body\":\"x\"}\n{broken\n{\"title\":\"b\",\"body\":\"y\"}\n";
        let parsed = lines(text);
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(parsed.warnings().len(), 1);
        assert_eq!(parsed.warnings()[0].line, Some(2));
        assert_ne!(parsed.articles[0].id, parsed.articles[1].id);
    }

    #[test]
    fn a_bad_date_keeps_the_record_undated_with_a_warning() {
        let parsed = lines("{\"title\":\"a\",\"date\":\"soon\",\"body\":\"x\"}\n");
        assert_eq!(parsed.articles.len(), 1);
        assert_eq!(parsed.articles[0].date, None);
        assert_eq!(parsed.warnings().len(), 1);
        assert!(!parsed.warnings()[0].kind.skips_input());
        assert_eq!(parsed.warnings()[0].line, Some(1));
    }

    #[test]
    fn truncated_json_names_the_line() {
        let context = ParseContext::default();
        let err = parse_document(
            &context.file(Path::new("/t.json")),
            "{\"title\": \"a\",\n\"body\": \"b",
        )
        .unwrap_err();
        assert!(err.to_string().contains("/t.json:2"), "{err}");
    }
}
