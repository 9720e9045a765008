//! Field names shared by every record-shaped format: JSON, CSV/TSV rows, front matter, sidecars.
//!
//! [`FieldNames`] lists, per article field, the keys that fill it (the archive's config first,
//! then the names scrapers and CMS exports use); [`fill`] maps one record onto an [`Article`].

use serde_json::{Map, Value};

use super::archive::FieldConfig;
use crate::article::Article;
use crate::date::ArticleDate;

const TITLE_KEYS: &[&str] = &["title", "headline", "name"];
const DATE_KEYS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "publishedAt",
    "publishDate",
    "pubDate",
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
    "newspaper",
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

/// The keys that fill each article field, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    /// Keys for the headline.
    pub title: Vec<String>,
    /// Keys for the publication date.
    pub date: Vec<String>,
    /// Keys for the source (publisher or wire).
    pub source: Vec<String>,
    /// Keys for the text.
    pub body: Vec<String>,
    /// Keys for the article's address.
    pub url: Vec<String>,
    /// Keys for the author(s).
    pub byline: Vec<String>,
    /// Keys for the record's own identity in its file.
    pub id: Vec<String>,
}

impl Default for FieldNames {
    fn default() -> FieldNames {
        FieldNames::new(&FieldConfig::default())
    }
}

impl FieldNames {
    /// The built-in names, after the extra names an archive's config gives for each field.
    pub fn new(extra: &FieldConfig) -> FieldNames {
        let list = |extra: &[String], defaults: &[&str]| {
            let mut names = extra.to_vec();
            names.extend(defaults.iter().map(|name| name.to_string()));
            names
        };
        FieldNames {
            title: list(&extra.title, TITLE_KEYS),
            date: list(&extra.date, DATE_KEYS),
            source: list(&extra.source, SOURCE_KEYS),
            body: list(&extra.body, BODY_KEYS),
            url: list(&extra.url, URL_KEYS),
            byline: list(&extra.byline, BYLINE_KEYS),
            id: list(&extra.id, ID_KEYS),
        }
    }

    /// True when `keys` (a table's header) holds a title or a body column.
    pub fn has_title_or_body<'a>(&self, keys: impl IntoIterator<Item = &'a str> + Clone) -> bool {
        [&self.title, &self.body].iter().any(|names| {
            names.iter().any(|name| {
                keys.clone()
                    .into_iter()
                    .any(|k| k.eq_ignore_ascii_case(name))
            })
        })
    }
}

/// Fills `article`'s fields from `record`; returns the record's own id if it has one.
///
/// A date that is present but unreadable is left out and reported in `problems`; a record with
/// neither title nor body is an error.
pub fn fill(
    article: &mut Article,
    record: &Map<String, Value>,
    names: &FieldNames,
    problems: &mut Vec<String>,
) -> Result<Option<String>, String> {
    article.title = lookup(record, &names.title).unwrap_or_default();
    article.body = lookup(record, &names.body)
        .unwrap_or_default()
        .replace("\r\n", "\n")
        .trim()
        .to_string();
    article.url = lookup(record, &names.url);
    article.byline = lookup(record, &names.byline);
    article.source = lookup(record, &names.source);
    if let Some(date) = lookup(record, &names.date) {
        match ArticleDate::parse(&date) {
            Some(parsed) => article.date = Some(parsed),
            None => problems.push(format!("date '{date}' is not a date; indexed undated")),
        }
    }
    if article.title.is_empty() && article.body.is_empty() {
        return Err("no title and no body".to_string());
    }
    Ok(lookup(record, &names.id))
}

/// The first non-empty value among `names`, matched exactly, else ignoring ASCII case.
pub fn lookup(record: &Map<String, Value>, names: &[String]) -> Option<String> {
    names.iter().find_map(|name| {
        let value = record.get(name).or_else(|| {
            record
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })?;
        text_of(value).filter(|text| !text.is_empty())
    })
}

/// The text of a field: a string, a number, a `{"name": …}` object, or a list of those joined.
pub fn text_of(value: &Value) -> Option<String> {
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
    use std::path::Path;

    use super::*;

    fn record(json: &str) -> Map<String, Value> {
        match serde_json::from_str(json).unwrap() {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn config_names_come_first_and_keys_match_in_any_case() {
        let config = FieldConfig {
            title: vec!["hed".to_string()],
            ..FieldConfig::default()
        };
        let names = FieldNames::new(&config);
        let mut article = Article::new(Path::new("/a.csv"), None);
        let mut problems = Vec::new();
        let id = fill(
            &mut article,
            &record(r#"{"Title": "not me", "hed": "Me", "BODY": "text", "ID": 7}"#),
            &names,
            &mut problems,
        )
        .unwrap();
        assert_eq!(article.title, "Me");
        assert_eq!(article.body, "text");
        assert_eq!(id.as_deref(), Some("7"));
        assert!(names.has_title_or_body(["x", "Hed"]));
        assert!(!names.has_title_or_body(["path", "lccn"]));
    }

    #[test]
    fn an_unreadable_date_is_a_problem_not_a_lost_record() {
        let mut article = Article::new(Path::new("/a.csv"), None);
        let mut problems = Vec::new();
        fill(
            &mut article,
            &record(r#"{"title": "T", "date": "2019-02-30"}"#),
            &FieldNames::default(),
            &mut problems,
        )
        .unwrap();
        assert_eq!(article.date, None);
        assert_eq!(
            problems,
            ["date '2019-02-30' is not a date; indexed undated"]
        );
    }
}
