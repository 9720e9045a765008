//! JSON articles: one object or an array of objects per `.json` file, one object per `.jsonl` line.
//!
//! Field names follow what scrapers and CMS exports use (`headline`, `published_at`,
//! `maintext`, `authors`…). A bad line in a JSONL file is a warning; the other lines are kept.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use super::{Parsed, Warning, infer_from_body, parse_error};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

const TITLE_KEYS: &[&str] = &["title", "headline", "name"];
const DATE_KEYS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "publishedAt",
    "date_publish",
    "datePublished",
    "pubdate",
    "publication_date",
    "created_at",
    "timestamp",
];
const SOURCE_KEYS: &[&str] = &[
    "source",
    "publisher",
    "source_domain",
    "source_name",
    "site_name",
    "outlet",
];
const BODY_KEYS: &[&str] = &[
    "body",
    "text",
    "content",
    "maintext",
    "article",
    "articleBody",
    "full_text",
];
const URL_KEYS: &[&str] = &["url", "link", "href", "permalink"];
const BYLINE_KEYS: &[&str] = &["byline", "author", "authors", "creator"];
const ID_KEYS: &[&str] = &["id", "guid", "uuid"];

/// Parses a `.json` file: an object, or an array of objects.
pub(super) fn parse_document(path: &Path, text: &str) -> Result<Parsed> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| parse_error(path, Some(e.line() as u64), format!("invalid JSON: {e}")))?;
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let record = index as u64 + 1;
                match to_article(path, Some(record), item, &mut keys) {
                    Ok(article) => parsed.articles.push(article),
                    Err(reason) => parsed.warnings.push(Warning {
                        line: Some(record),
                        reason: format!("record {record}: {reason}"),
                    }),
                }
            }
        }
        object @ Value::Object(_) => {
            let article = to_article(path, None, &object, &mut keys)
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
pub(super) fn parse_lines(path: &Path, text: &str) -> Result<Parsed> {
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Value>(line)
            .map_err(|e| format!("invalid JSON: {e}"))
            .and_then(|value| to_article(path, Some(number), &value, &mut keys));
        match result {
            Ok(article) => parsed.articles.push(article),
            Err(reason) => parsed.warnings.push(Warning {
                line: Some(number),
                reason,
            }),
        }
    }
    Ok(parsed)
}

/// Maps one JSON object to an article; `keys` holds the ids already given in this file.
fn to_article(
    path: &Path,
    record: Option<u64>,
    value: &Value,
    keys: &mut HashSet<String>,
) -> Result<Article, String> {
    let Value::Object(object) = value else {
        return Err("expected a JSON object".to_string());
    };
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| object.get(*name).and_then(text_of))
            .filter(|s| !s.is_empty())
    };
    let mut article = Article::new(path, record);
    article.title = field(TITLE_KEYS).unwrap_or_default();
    article.body = field(BODY_KEYS)
        .unwrap_or_default()
        .replace("\r\n", "\n")
        .trim()
        .to_string();
    article.url = field(URL_KEYS);
    article.byline = field(BYLINE_KEYS);
    article.source = field(SOURCE_KEYS);
    if let Some(date) = field(DATE_KEYS) {
        article.date =
            Some(ArticleDate::parse(&date).ok_or_else(|| format!("date '{date}' is not a date"))?);
    }
    if article.title.is_empty() && article.body.is_empty() {
        return Err("no title and no body".to_string());
    }
    infer_from_body(&mut article);
    // A record's identity inside its file: its own id, else its URL, else its place.
    let place = record.map(|r| r.to_string()).unwrap_or_default();
    let mut key = field(ID_KEYS)
        .or_else(|| article.url.clone())
        .unwrap_or_else(|| place.clone());
    if !keys.insert(key.clone()) {
        key = format!("{key}#{place}");
        keys.insert(key.clone());
    }
    article.assign_id(&key);
    Ok(article)
}

/// The text of a field: a string, a number, a `{"name": …}` object, or a list of those joined.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("name").or_else(|| o.get("value")).and_then(text_of),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(text_of)
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraper_field_names_are_understood() {
        let line = r#"{"headline":"H","published_at":"2020-05-01T10:00:00Z","maintext":"B","source_domain":"reuters.com","authors":["A","B"],"link":"http://u"}"#;
        let parsed = parse_lines(Path::new("/f.jsonl"), line).unwrap();
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
        let parsed = parse_lines(Path::new("/f.jsonl"), text).unwrap();
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(2));
        assert_ne!(parsed.articles[0].id, parsed.articles[1].id);
    }

    #[test]
    fn truncated_json_names_the_line() {
        let err =
            parse_document(Path::new("/t.json"), "{\"title\": \"a\",\n\"body\": \"b").unwrap_err();
        assert!(err.to_string().contains("/t.json:2"), "{err}");
    }
}
