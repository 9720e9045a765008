//! Markdown, and text with YAML (`---`) or TOML (`+++`) front matter as Hugo and Jekyll keep it.
//!
//! Front matter maps like JSON fields; without it the title is the first `# heading`, else the
//! first line. The body is kept as written: Markdown is not rendered.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

use super::archive::FileContext;
use super::fields;
use super::inference::looks_like_title;
use super::{Diagnostic, Parsed};
use crate::article::Article;
use crate::error::Result;

/// Which kind of front matter a file opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrontMatter {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

/// Splits `text` into (kind, front matter, body) when it opens with a closed front matter block.
pub(super) fn split_front_matter(text: &str) -> Option<(FrontMatter, &str, &str)> {
    let text = text.trim_start_matches('\u{feff}');
    let first_end = text.find('\n')?;
    let (kind, fence) = match text[..first_end].trim_end() {
        "---" => (FrontMatter::Yaml, "---"),
        "+++" => (FrontMatter::Toml, "+++"),
        _ => return None,
    };
    let mut offset = first_end + 1;
    while offset <= text.len() {
        let rest = &text[offset..];
        let end = rest.find('\n').map_or(rest.len(), |at| at);
        let current = rest[..end].trim_end();
        if current == fence || (kind == FrontMatter::Yaml && current == "...") {
            let body_start = (offset + end + 1).min(text.len());
            return Some((kind, &text[first_end + 1..offset], &text[body_start..]));
        }
        if end == rest.len() {
            return None;
        }
        offset += end + 1;
    }
    None
}

/// Parses one Markdown (or front-matter text) file into one article.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let text = super::unix_newlines(text);
    let mut article = Article::new(file.path, None);
    let mut warnings = Vec::new();
    let mut body: &str = &text;
    let mut id = None;
    if let Some((kind, head, rest)) = split_front_matter(&text) {
        body = rest;
        match read_front_matter(kind, head) {
            Ok(record) => {
                let mut problems = Vec::new();
                // An empty title and body here only means the body follows the front matter.
                id = fields::fill(&mut article, &record, file.names, &mut problems)
                    .unwrap_or_else(|_| fields::lookup(&record, &file.names.id));
                warnings.extend(
                    problems
                        .into_iter()
                        .map(|problem| Diagnostic::record_kept(None, problem)),
                );
            }
            Err((line, reason)) => warnings.push(Diagnostic::record_kept(
                Some(line),
                format!("front matter is not valid: {reason}; read as plain Markdown"),
            )),
        }
    }
    let (title, rest) = heading(body);
    let mut body = body.to_string();
    if article.title.is_empty() {
        if let Some(title) = title {
            article.title = title;
            body = rest;
        }
    } else if title.as_deref() == Some(article.title.as_str()) {
        body = rest;
    }
    if article.body.is_empty() {
        article.body = collapse_blank_lines(body.trim());
    }
    if article.title.is_empty() && article.body.is_empty() {
        return Err(super::parse_error(
            file.path,
            None,
            "no title and no text".to_string(),
        ));
    }
    file.complete(&mut article, None, &mut warnings);
    article.assign_id(id.as_deref().unwrap_or(""));
    Ok(Parsed {
        articles: vec![article],
        diagnostics: warnings,
        ..Parsed::default()
    })
}

/// The title a Markdown text opens with, and the text without it: a `# heading` (or a line
/// underlined with `===`) among the first five lines, else the first line when it reads as a
/// headline.
fn heading(body: &str) -> (Option<String>, String) {
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let filled: Vec<usize> = (0..lines.len())
        .filter(|at| lines.get(*at).is_some_and(|l| !l.trim().is_empty()))
        .take(5)
        .collect();
    let without = |from: usize, to: usize| {
        let mut rest: String = lines.get(..from).unwrap_or_default().concat();
        rest.push_str(&lines.get(to..).unwrap_or_default().concat());
        rest
    };
    for &at in &filled {
        let line = lines.get(at).map_or("", |l| l.trim());
        if let Some(title) = line.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim().to_string();
            return (Some(title), without(at, at + 1));
        }
        let underline = lines.get(at + 1).map_or("", |l| l.trim());
        if underline.len() >= 3 && underline.chars().all(|c| c == '=') {
            return (Some(line.to_string()), without(at, at + 2));
        }
    }
    if let Some(&first) = filled.first() {
        let line = lines.get(first).map_or("", |l| l.trim());
        if looks_like_title(line) && !line.starts_with(['#', '!', '[', '<', '>', '-', '*']) {
            return (Some(line.to_string()), without(first, first + 1));
        }
    }
    (None, body.to_string())
}

/// Keeps at most one blank line between paragraphs.
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        out.push(c);
    }
    out
}

/// Reads front matter into a record; the error is (line within the file, reason).
fn read_front_matter(kind: FrontMatter, head: &str) -> Result<Map<String, Value>, (u64, String)> {
    let value = match kind {
        FrontMatter::Toml => {
            let table: toml::Table = toml::from_str(head).map_err(|e| {
                let line = e
                    .span()
                    .map_or(0, |s| head[..s.start.min(head.len())].matches('\n').count());
                (line as u64 + 2, e.message().to_string())
            })?;
            toml_to_json(toml::Value::Table(table))
        }
        FrontMatter::Yaml => {
            let documents = YamlLoader::load_from_str(head)
                .map_err(|e| (e.marker().line() as u64 + 1, e.info().to_string()))?;
            documents
                .into_iter()
                .next()
                .map_or(Value::Null, yaml_to_json)
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err((2, "expected key: value pairs".to_string())),
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect(),
        ),
    }
}

fn yaml_to_json(value: Yaml) -> Value {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Value::String(s),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Array(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Yaml::Hash(hash) => Value::Object(
            hash.into_iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) | Yaml::Real(s) => s,
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key, yaml_to_json(v)))
                })
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    fn one(name: &str, text: &str) -> Parsed {
        let context = ParseContext::default();
        parse(&context.file(Path::new(name)), text).unwrap()
    }

    #[test]
    fn yaml_front_matter_fills_fields_and_the_rest_is_the_body() {
        let parsed = one(
            "/site/content/post.md",
            "---\ntitle: \"Harbour: ice closes port\"\ndate: 2021-02-03T08:15:00+01:00\npublisher: The Coast Herald\nauthors:\n  - Ann Lee\n  - Bo Kim\nurl: https://example.org/ice\n---\n\nShips stayed in port.\n\nThe ice broke on Friday.\n",
        );
        let article = &parsed.articles[0];
        assert_eq!(article.title, "Harbour: ice closes port");
        assert_eq!(
            article.date.unwrap().to_string(),
            "2021-02-03T08:15:00+01:00"
        );
        assert_eq!(article.source.as_deref(), Some("The Coast Herald"));
        assert_eq!(article.byline.as_deref(), Some("Ann Lee, Bo Kim"));
        assert_eq!(article.url.as_deref(), Some("https://example.org/ice"));
        assert_eq!(
            article.body,
            "Ships stayed in port.\n\nThe ice broke on Friday."
        );
        assert!(parsed.warnings().is_empty());
    }

    #[test]
    fn toml_front_matter_is_read_too() {
        let parsed = one(
            "/a.md",
            "+++\ntitle = \"Dam opens\"\ndate = 2020-05-01\nauthor = \"C. Writer\"\n[publisher]\nname = \"Valley News\"\n+++\nThe dam opened.\n",
        );
        let article = &parsed.articles[0];
        assert_eq!(article.title, "Dam opens");
        assert_eq!(article.date.unwrap().to_string(), "2020-05-01");
        assert_eq!(article.source.as_deref(), Some("Valley News"));
        assert_eq!(article.byline.as_deref(), Some("C. Writer"));
        assert_eq!(article.body, "The dam opened.");
    }

    #[test]
    fn without_front_matter_the_first_heading_is_the_title() {
        let article = &one(
            "/b.md",
            "Draft notes\n\n# Bridge reopens\n\nTraffic flows again.\n",
        )
        .articles[0];
        assert_eq!(article.title, "Bridge reopens");
        assert_eq!(article.body, "Draft notes\n\nTraffic flows again.");
        let article = &one("/c.md", "Bridge reopens after repairs\n\nTraffic flows.\n").articles[0];
        assert_eq!(article.title, "Bridge reopens after repairs");
        assert_eq!(article.body, "Traffic flows.");
    }

    #[test]
    fn broken_front_matter_is_a_warning_and_the_text_is_kept() {
        let parsed = one("/d.md", "---\ntitle: [unclosed\n---\n# Storm\n\nWind.\n");
        assert_eq!(parsed.articles[0].title, "Storm");
        assert_eq!(parsed.warnings().len(), 1);
        assert!(!parsed.warnings()[0].kind.skips_input());
        assert!(
            parsed.warnings()[0].message.contains("front matter"),
            "{:?}",
            parsed.warnings()
        );
    }

    #[test]
    fn an_unclosed_fence_is_not_front_matter() {
        assert!(split_front_matter("---\ntitle: x\nno end\n").is_none());
        assert!(split_front_matter("+++\ntitle = 'x'\n+++\n").is_some());
    }
}
