//! Saved web pages: metadata from Open Graph, `article:` meta, JSON-LD and `<time>`; the text of
//! the `<article>` (else `<main>`, else the largest text block) without page furniture.
//!
//! html5ever (through `scraper`) parses, so broken markup is read as browsers read it.

use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use super::archive::FileContext;
use super::{Parsed, Warning};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "svg", "iframe", "figure", "menu", "dialog", "object", "canvas",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "hr",
    "address",
    "body",
];

/// Class or id words that mark page furniture inside an article.
const FURNITURE: &[&str] = &[
    "share",
    "social",
    "related",
    "newsletter",
    "subscribe",
    "advert",
    "promo",
    "cookie",
    "comment",
    "breadcrumb",
    "byline",
    "caption",
    "sidebar",
];

/// What the page's `<head>` and JSON-LD say, gathered in one walk.
#[derive(Debug, Default)]
struct Meta {
    og_title: Option<String>,
    og_site_name: Option<String>,
    og_url: Option<String>,
    published: Option<String>,
    meta_date: Option<String>,
    author: Option<String>,
    canonical: Option<String>,
    title_tag: Option<String>,
    rel_author: Option<String>,
    time: Option<String>,
    ld: LinkedData,
}

/// The fields of a JSON-LD `NewsArticle` (or `Article`, `BlogPosting`…) we use.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    date_published: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    body: Option<String>,
}

/// Parses one web page into one article.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let document = Html::parse_document(text);
    let root = document.root_element();
    let meta = gather(root);
    let container = choose_container(root);
    let mut article = Article::new(file.path, None);
    let mut warnings = Vec::new();
    let first_h1 = container
        .and_then(|c| first_named(c, "h1"))
        .or_else(|| first_named(root, "h1"));
    article.title = [
        meta.og_title.clone(),
        meta.ld.headline.clone(),
        first_h1,
        meta.title_tag.clone(),
    ]
    .into_iter()
    .flatten()
    .find(|t| !t.is_empty())
    .unwrap_or_default();
    let dates = [
        &meta.published,
        &meta.ld.date_published,
        &meta.meta_date,
        &meta.time,
    ];
    for date in dates.into_iter().flatten() {
        match ArticleDate::parse(date) {
            Some(parsed) => {
                article.date = Some(parsed);
                break;
            }
            None => warnings.push(Warning::record_kept(
                None,
                format!("page date '{date}' is not a date"),
            )),
        }
    }
    if article.date.is_some() {
        warnings.clear();
    }
    article.source = meta.og_site_name.clone().or(meta.ld.publisher.clone());
    article.byline = [&meta.author, &meta.ld.author, &meta.rel_author]
        .into_iter()
        .flatten()
        .find(|a| !a.is_empty() && !a.starts_with("http"))
        .cloned();
    article.url = meta
        .og_url
        .clone()
        .or(meta.canonical.clone())
        .or(meta.ld.url.clone());
    let mut paragraphs = Vec::new();
    if let Some(container) = container.or_else(|| first_named_element(root, "body")) {
        let mut current = String::new();
        collect_text(container, &article.title, &mut current, &mut paragraphs);
        push_paragraph(&mut current, &mut paragraphs);
    }
    article.body = paragraphs.join("\n\n");
    if article.body.is_empty()
        && let Some(body) = &meta.ld.body
    {
        article.body = body.trim().to_string();
    }
    if article.title.is_empty() && article.body.is_empty() {
        return Err(super::parse_error(
            file.path,
            None,
            "no title and no text in the page".to_string(),
        ));
    }
    file.complete(&mut article, None, &mut warnings);
    let key = article.url.clone().unwrap_or_default();
    article.assign_id(&key);
    Ok(Parsed {
        articles: vec![article],
        warnings,
        ..Parsed::default()
    })
}

/// Walks the whole page once for meta tags, links, `<title>`, `<time>` and JSON-LD.
fn gather(root: ElementRef) -> Meta {
    let mut meta = Meta::default();
    for element in root.descendent_elements() {
        let value = element.value();
        match value.name() {
            "meta" => {
                let key = value
                    .attr("property")
                    .or(value.attr("name"))
                    .or(value.attr("itemprop"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let Some(content) = value.attr("content").map(clean) else {
                    continue;
                };
                let slot = match key.as_str() {
                    "og:title" => &mut meta.og_title,
                    "og:site_name" => &mut meta.og_site_name,
                    "og:url" => &mut meta.og_url,
                    "article:published_time" => &mut meta.published,
                    "datepublished" | "date" | "pubdate" | "publishdate" | "dc.date.issued"
                    | "dc.date" | "dcterms.created" | "sailthru.date" | "parsely-pub-date" => {
                        &mut meta.meta_date
                    }
                    "author" | "article:author" | "dc.creator" | "byl" => &mut meta.author,
                    _ => continue,
                };
                if slot.is_none() && !content.is_empty() {
                    *slot = Some(content);
                }
            }
            "link" => {
                let rel = value.attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") && meta.canonical.is_none() {
                    meta.canonical = value.attr("href").map(clean);
                }
            }
            "a" if meta.rel_author.is_none()
                && value
                    .attr("rel")
                    .is_some_and(|rel| rel.split_whitespace().any(|r| r == "author")) =>
            {
                meta.rel_author = Some(clean(&element.text().collect::<String>()));
            }
            "title" if meta.title_tag.is_none() => {
                meta.title_tag = Some(clean(&element.text().collect::<String>()));
            }
            "time" if meta.time.is_none() => {
                meta.time = value.attr("datetime").map(clean);
            }
            "script"
                if value
                    .attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                let json = element.text().collect::<String>();
                if let Ok(value) = serde_json::from_str::<Value>(&json) {
                    read_linked_data(&value, &mut meta.ld);
                }
            }
            _ => {}
        }
    }
    meta
}

/// Finds the first article-like object in JSON-LD (an object, a list, or an `@graph`).
fn read_linked_data(value: &Value, ld: &mut LinkedData) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| read_linked_data(item, ld)),
        Value::Object(object) => {
            if let Some(graph) = object.get("@graph") {
                read_linked_data(graph, ld);
            }
            let is_article = object.get("@type").is_some_and(|t| {
                let types = match t {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                types
                    .iter()
                    .any(|t| t.ends_with("Article") || *t == "BlogPosting" || *t == "Report")
            });
            if !is_article || ld.headline.is_some() || ld.date_published.is_some() {
                return;
            }
            let text = |key: &str| object.get(key).and_then(super::fields::text_of);
            ld.headline = text("headline").or_else(|| text("name"));
            ld.date_published = text("datePublished").or_else(|| text("dateCreated"));
            ld.author = text("author");
            ld.publisher = text("publisher");
            ld.url = text("url").or_else(|| {
                object
                    .get("mainEntityOfPage")
                    .and_then(|m| m.get("@id").or(Some(m)))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            ld.body = text("articleBody");
        }
        _ => {}
    }
}

/// The element holding the article's text: the `<article>` with the most text, else `<main>`,
/// else the element whose own `<p>` children hold the most text.
fn choose_container(root: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let text_length = |element: &ElementRef| {
        let mut current = String::new();
        let mut paragraphs = Vec::new();
        collect_text(*element, "", &mut current, &mut paragraphs);
        paragraphs.iter().map(String::len).sum::<usize>() + current.len()
    };
    let articles: Vec<ElementRef> = root
        .descendent_elements()
        .filter(|e| e.value().name() == "article")
        .collect();
    if let Some(best) = articles.into_iter().max_by_key(text_length)
        && text_length(&best) > 0
    {
        return Some(best);
    }
    let main = root.descendent_elements().find(|e| {
        e.value().name() == "main" || e.value().attr("role").is_some_and(|r| r == "main")
    });
    if main.is_some() {
        return main;
    }
    root.descendent_elements()
        .filter(|e| !is_skipped(e))
        .map(|e| {
            let own: usize = e
                .child_elements()
                .filter(|c| c.value().name() == "p")
                .map(|p| p.text().map(|t| t.trim().len()).sum::<usize>())
                .sum();
            (own, e)
        })
        .filter(|(own, _)| *own > 0)
        .max_by_key(|(own, _)| *own)
        .map(|(_, e)| e)
}

fn is_skipped(element: &ElementRef) -> bool {
    let value = element.value();
    if SKIPPED.contains(&value.name()) {
        return true;
    }
    if value.attr("hidden").is_some() || value.attr("aria-hidden") == Some("true") {
        return true;
    }
    let marks = [value.attr("class"), value.attr("id")];
    marks.into_iter().flatten().any(|mark| {
        let mark = mark.to_ascii_lowercase();
        mark.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| FURNITURE.contains(&word))
    })
}

/// Appends the text under `element` to `current`, starting a new paragraph at block elements.
/// A heading equal to `title` is left out: it is the title, not the text.
fn collect_text(
    element: ElementRef,
    title: &str,
    current: &mut String,
    paragraphs: &mut Vec<String>,
) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                // Line ends in the markup are spaces; only <br> breaks a line.
                current.push_str(&text.replace(['\n', '\r', '\t'], " "));
            }
            Node::Element(value) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if is_skipped(&child) {
                    continue;
                }
                let name = value.name();
                if name == "br" {
                    current.push('\n');
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if name.starts_with('h')
                    && name.len() == 2
                    && !title.is_empty()
                    && clean(&child.text().collect::<String>()) == title
                {
                    continue;
                }
                if block {
                    push_paragraph(current, paragraphs);
                }
                collect_text(child, title, current, paragraphs);
                if block {
                    push_paragraph(current, paragraphs);
                }
            }
            _ => {}
        }
    }
}

fn push_paragraph(current: &mut String, paragraphs: &mut Vec<String>) {
    let lines: Vec<String> = current
        .split('\n')
        .map(clean)
        .filter(|l| !l.is_empty())
        .collect();
    if !lines.is_empty() {
        paragraphs.push(lines.join("\n"));
    }
    current.clear();
}

/// Collapses whitespace runs (no-break spaces too) to one space and trims.
fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_named(root: ElementRef, name: &str) -> Option<String> {
    first_named_element(root, name)
        .map(|e| clean(&e.text().collect::<String>()))
        .filter(|t| !t.is_empty())
}

fn first_named_element<'a>(root: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    if root.value().name() == name {
        return Some(root);
    }
    root.descendent_elements()
        .find(|e| e.value().name() == name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    fn page(html: &str) -> Parsed {
        let context = ParseContext::default();
        parse(&context.file(Path::new("/p.html")), html).unwrap()
    }

    const PAGE: &str = r#"<!doctype html>
<html><head>
<title>Dam opens | Valley News</title>
<meta property="og:title" content="Dam opens after ten years">
<meta property="og:site_name" content="Valley News">
<meta property="og:url" content="https://valley.example/dam">
<meta property="article:published_time" content="2021-03-04T08:00:00+02:00">
<meta name="author" content="Ann Lee">
<style>p { color: red }</style>
<script>var tracking = "paragraph text that is not text";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
  <header><h1>Dam opens after ten years</h1><p class="byline">By Ann Lee</p></header>
  <p>The new dam opened on <b>Thursday</b>,
     after ten years of work.</p>
  <div class="share-tools"><p>Share this on social media</p></div>
  <p>Water will reach the valley&nbsp;in May.</p>
  <figure><img src="x.jpg"><figcaption>The dam. Photograph: someone</figcaption></figure>
</article>
<footer><p>Copyright Valley News</p></footer>
</body></html>"#;

    #[test]
    fn metadata_comes_from_open_graph_and_article_meta() {
        let article = &page(PAGE).articles[0];
        assert_eq!(article.title, "Dam opens after ten years");
        assert_eq!(
            article.date.unwrap().to_string(),
            "2021-03-04T08:00:00+02:00"
        );
        assert_eq!(article.source.as_deref(), Some("Valley News"));
        assert_eq!(article.byline.as_deref(), Some("Ann Lee"));
        assert_eq!(article.url.as_deref(), Some("https://valley.example/dam"));
    }

    #[test]
    fn the_body_is_the_article_text_without_furniture() {
        let article = &page(PAGE).articles[0];
        assert_eq!(
            article.body,
            "The new dam opened on Thursday, after ten years of work.\n\nWater will reach the valley in May."
        );
    }

    #[test]
    fn json_ld_time_and_the_largest_text_block_are_used_without_meta_tags() {
        let html = r#"<html><head><title>Storm</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"Storm hits coast","datePublished":"2020-11-02","author":[{"@type":"Person","name":"Bo Kim"}],"publisher":{"@type":"Organization","name":"Coast Daily"}}]}</script>
</head><body><div id="menu"><p>Menu</p></div>
<div class="content"><p>Wind reached 120 km/h.</p><p>Roads were closed.</p></div>
<div><p>Short</p></div></body></html>"#;
        let article = &page(html).articles[0];
        assert_eq!(article.title, "Storm hits coast");
        assert_eq!(article.date.unwrap().to_string(), "2020-11-02");
        assert_eq!(article.byline.as_deref(), Some("Bo Kim"));
        assert_eq!(article.source.as_deref(), Some("Coast Daily"));
        assert_eq!(article.body, "Wind reached 120 km/h.\n\nRoads were closed.");
    }

    #[test]
    fn h1_and_time_and_rel_author_are_fallbacks() {
        let html = r#"<html><body><main><h1>Bridge reopens</h1>
<p>By <a rel="author" href="/staff/cw">C. Writer</a> <time datetime="2019-05-06T10:00:00Z">May 6</time></p>
<p>Traffic flows again.</p></main></body></html>"#;
        let article = &page(html).articles[0];
        assert_eq!(article.title, "Bridge reopens");
        assert_eq!(
            article.date.unwrap().to_string(),
            "2019-05-06T10:00:00+00:00"
        );
        assert_eq!(article.byline.as_deref(), Some("C. Writer"));
        assert!(
            article.body.ends_with("Traffic flows again."),
            "{}",
            article.body
        );
        assert!(!article.body.contains("Bridge reopens"));
    }
}
