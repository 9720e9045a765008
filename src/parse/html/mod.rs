//! Saved web pages: title, byline, source and URL from Open Graph, `article:` meta and JSON-LD;
//! the main text (`body.rs`) and the publication date with where it was found (`dates.rs`).
//!
//! html5ever (through `scraper`) parses, so broken markup is read as browsers read it.

mod body;
mod dates;

use chrono::NaiveDate;
use scraper::{ElementRef, Html};
use serde_json::Value;

use super::Parsed;
use super::archive::FileContext;
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

/// What the page's `<head>` and JSON-LD say, gathered in one walk.
#[derive(Debug, Default)]
struct Meta {
    og_title: Option<String>,
    og_site_name: Option<String>,
    og_url: Option<String>,
    author: Option<String>,
    canonical: Option<String>,
    title_tag: Option<String>,
    rel_author: Option<String>,
    ld: LinkedData,
}

/// The fields of a JSON-LD `NewsArticle` (or `Article`, `BlogPosting`…) we use.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    body: Option<String>,
}

/// Parses one web page into one article; `crawled` is the day the page was saved, after which
/// no date is believed.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let crawled = chrono::Utc::now().date_naive();
    let mut parsed = parse_page(file, text, None, crawled, None)?;
    if let Some(article) = parsed.articles.first_mut() {
        let key = article.url.clone().unwrap_or_default();
        article.assign_id(&key);
    }
    Ok(parsed)
}

/// Reads one page; `address` is where it was fetched from when a crawl says so (a WARC's
/// `WARC-Target-URI`), else the page's own Open Graph or canonical URL is used; `crawl` is the
/// date of the capture, the article's date when the page gives none. The article's id is
/// left for the caller to assign.
pub(crate) fn parse_page(
    file: &FileContext,
    text: &str,
    address: Option<&str>,
    crawled: NaiveDate,
    crawl: Option<ArticleDate>,
) -> Result<Parsed> {
    let document = Html::parse_document(text);
    let root = document.root_element();
    let meta = gather(root);
    let mut article = Article::new(file.path, None);
    let mut warnings = Vec::new();
    let first_h1 = body::first_named(root, "article")
        .and_then(|c| first_heading(c, "h1"))
        .or_else(|| first_heading(root, "h1"));
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
    article.source = meta.og_site_name.clone().or(meta.ld.publisher.clone());
    article.byline = [&meta.author, &meta.ld.author, &meta.rel_author]
        .into_iter()
        .flatten()
        .find(|a| !a.is_empty() && !a.starts_with("http"))
        .cloned();
    article.url = address
        .map(str::to_string)
        .or(meta.og_url.clone())
        .or(meta.canonical.clone())
        .or(meta.ld.url.clone());
    let urls: Vec<&str> = [
        address,
        meta.og_url.as_deref(),
        meta.canonical.as_deref(),
        meta.ld.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let visible = dates::visible_text(root);
    if let Some(found) = dates::page_date(root, &urls, &visible, crawled) {
        article.date = Some(found.date);
        article.date_source = Some(found.source);
    } else if let Some(crawl) = crawl {
        article.date = Some(crawl);
        article.date_source = Some("the crawl's WARC-Date".to_string());
    }
    article.body = body::extract(root, &article.title).join("\n\n");
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
    Ok(Parsed {
        articles: vec![article],
        diagnostics: warnings,
        ..Parsed::default()
    })
}

/// Walks the whole page once for meta tags, links, `<title>` and JSON-LD.
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
            if !is_article || ld.headline.is_some() {
                return;
            }
            let text = |key: &str| object.get(key).and_then(super::fields::text_of);
            ld.headline = text("headline").or_else(|| text("name"));
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

/// An element's class and id, lower-cased: the marks page templates name their parts with.
pub(super) fn marks(element: &scraper::node::Element) -> impl Iterator<Item = String> + '_ {
    [element.attr("class"), element.attr("id")]
        .into_iter()
        .flatten()
        .map(str::to_ascii_lowercase)
}

fn clean(text: &str) -> String {
    body::clean(text)
}

fn first_heading(root: ElementRef, name: &str) -> Option<String> {
    body::first_named(root, name)
        .map(|e| clean(&e.text().collect::<String>()))
        .filter(|t| !t.is_empty())
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
        // A page this short keeps its loose paragraphs too (the text block has under 250
        // characters), but never its menu.
        assert_eq!(
            article.body,
            "Wind reached 120 km/h.\n\nRoads were closed.\n\nShort"
        );
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

    fn paragraphs_of(n: usize, word: &str) -> String {
        (0..n)
            .map(|i| format!("<p>{word} paragraph {i} says enough words to be running text of an article.</p>"))
            .collect()
    }

    #[test]
    fn issue_13_link_lists_and_their_headings_and_paywall_prompts_are_left_out() {
        let html = format!(
            r#"<html><body><div class="article-body">{}
<div class="paywall"><p>To read the full story, subscribe.</p></div>
<h3>Most popular</h3><ul><li><a href="/a">First headline of another story</a></li>
<li><a href="/b">Second headline of another story</a></li></ul>
</div></body></html>"#,
            paragraphs_of(4, "Body")
        );
        let body = &page(&html).articles[0].body;
        assert!(body.starts_with("Body paragraph 0"), "{body}");
        assert!(body.contains("Body paragraph 3"), "{body}");
        for furniture in ["subscribe", "Most popular", "headline"] {
            assert!(!body.contains(furniture), "{furniture} in {body}");
        }
    }

    #[test]
    fn issue_13_a_standfirst_before_the_body_and_split_text_modules_are_kept() {
        let html = format!(
            r#"<html><body><article><header><h1>T</h1>
<p class="lead">The standfirst sums the story up in one sentence for readers.</p></header>
<div class="text-module">{}</div><aside><p>Elsewhere</p></aside>
<div class="text-module">{}</div></article></body></html>"#,
            paragraphs_of(2, "First"),
            paragraphs_of(2, "Second")
        );
        let body = &page(&html).articles[0].body;
        assert!(body.starts_with("The standfirst"), "{body}");
        assert!(body.contains("Second paragraph 1"), "{body}");
        assert!(!body.contains("Elsewhere"), "{body}");
    }

    #[test]
    fn issue_13_the_date_source_is_recorded() {
        let article = &page(PAGE).articles[0];
        assert_eq!(
            article.date_source.as_deref(),
            Some("meta article:published_time")
        );
    }
}
