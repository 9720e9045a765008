//! Wire-service XML, the IPTC standards agencies deliver: NITF (`<nitf>`) and NewsML-G2
//! (`<newsItem>`, or several in a `<newsMessage>`), told apart by the root element.
//!
//! quick-xml reads a small tree, local names only; XHTML is handed to the HTML reader.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, Event};
use quick_xml::reader::Reader;

use super::archive::FileContext;
use super::{Diagnostic, Parsed, parse_error};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

/// Elements that start a new paragraph in NITF and XHTML bodies.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "p", "hl2", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "block", "pre", "div",
    "section", "tr", "table", "dd", "dt", "note",
];

/// One element of the tree, by local name.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Child>,
}

#[derive(Debug)]
enum Child {
    Element(Element),
    Text(String),
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(e),
            Child::Text(_) => None,
        })
    }

    fn find(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |at, name| at.child(name))
    }

    fn descendants<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
        for element in self.elements() {
            if element.name == name {
                found.push(element);
            } else {
                element.descendants(name, found);
            }
        }
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// All text below, whitespace collapsed.
    fn text(&self) -> String {
        let mut raw = String::new();
        self.raw_text(&mut raw);
        collapse(&raw)
    }

    fn raw_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Child::Text(text) => out.push_str(text),
                Child::Element(element) => {
                    out.push(' ');
                    element.raw_text(out);
                    out.push(' ');
                }
            }
        }
    }

    /// The text below as paragraphs, a new one at each block element.
    fn paragraphs(&self) -> Vec<String> {
        let mut paragraphs = Vec::new();
        let mut current = String::new();
        self.collect_paragraphs(&mut current, &mut paragraphs);
        flush(&mut current, &mut paragraphs);
        paragraphs
    }

    fn collect_paragraphs(&self, current: &mut String, paragraphs: &mut Vec<String>) {
        for child in &self.children {
            match child {
                Child::Text(text) => current.push_str(text),
                Child::Element(element) if matches!(element.name.as_str(), "script" | "style") => {}
                Child::Element(element) if element.name == "br" => current.push(' '),
                Child::Element(element) => {
                    let block = BLOCKS.contains(&element.name.as_str());
                    if block {
                        flush(current, paragraphs);
                    }
                    element.collect_paragraphs(current, paragraphs);
                    if block {
                        flush(current, paragraphs);
                    }
                }
            }
        }
    }
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let text = collapse(current);
    if !text.is_empty() {
        paragraphs.push(text);
    }
    current.clear();
}

fn collapse(text: &str) -> String {
    text.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses one XML file: NITF, NewsML-G2, or XHTML.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let root = read_tree(text).map_err(|(offset, reason)| {
        let line = text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1;
        parse_error(file.path, Some(line), format!("invalid XML: {reason}"))
    })?;
    let mut parsed = Parsed::default();
    match root.name.as_str() {
        "nitf" => {
            let article = nitf(file, &root, &mut parsed.diagnostics)
                .ok_or_else(|| parse_error(file.path, None, "no headline and no text".into()))?;
            parsed.articles.push(article);
        }
        "newsItem" => {
            let article = news_item(file, &root, None, &mut parsed.diagnostics)
                .ok_or_else(|| parse_error(file.path, None, "no headline and no text".into()))?;
            parsed.articles.push(article);
        }
        "newsMessage" => {
            let mut items = Vec::new();
            root.descendants("newsItem", &mut items);
            for (index, item) in items.into_iter().enumerate() {
                let record = Some(index as u64 + 1);
                match news_item(file, item, record, &mut parsed.diagnostics) {
                    Some(article) => parsed.articles.push(article),
                    None => parsed.diagnostics.push(Diagnostic::record_skipped(
                        record,
                        format!("newsItem {}: no headline and no text", index + 1),
                    )),
                }
            }
        }
        "html" => return super::html::parse(file, text),
        other => {
            return Err(parse_error(
                file.path,
                None,
                format!(
                    "XML root element <{other}> is neither NITF (<nitf>) nor NewsML-G2 (<newsItem>, <newsMessage>)"
                ),
            ));
        }
    }
    Ok(parsed)
}

/// The first date among `candidates` that reads as one; the others are reported.
fn first_date(
    candidates: &[Option<String>],
    record: Option<u64>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<ArticleDate> {
    let mut problems = Vec::new();
    for candidate in candidates.iter().flatten() {
        match ArticleDate::parse(candidate) {
            Some(date) => return Some(date),
            None => problems.push(Diagnostic::record_kept(
                record,
                format!("date '{candidate}' is not a date"),
            )),
        }
    }
    warnings.extend(problems);
    None
}

/// An NITF document: `<head><docdata>` for the date, copyright holder and id;
/// `<body><body.head>` for headline and byline; `<body.content>` for the text.
fn nitf(file: &FileContext, root: &Element, warnings: &mut Vec<Diagnostic>) -> Option<Article> {
    let head = root.child("head");
    let body = root.child("body");
    let body_head = body.and_then(|b| b.child("body.head"));
    let docdata = head.and_then(|h| h.child("docdata"));
    let mut article = Article::new(file.path, None);
    article.title = body_head
        .and_then(|h| h.find(&["hedline", "hl1"]))
        .map(Element::text)
        .filter(|t| !t.is_empty())
        .or_else(|| head.and_then(|h| h.child("title")).map(Element::text))
        .unwrap_or_default();
    let story_date = body_head.and_then(|h| h.find(&["dateline", "story.date"]));
    article.date = first_date(
        &[
            docdata
                .and_then(|d| d.child("date.issue"))
                .and_then(|e| e.attr("norm"))
                .map(str::to_string),
            story_date.and_then(|e| e.attr("norm")).map(str::to_string),
            head.and_then(|h| h.child("pubdata"))
                .and_then(|e| e.attr("date.publication"))
                .map(str::to_string),
            docdata
                .and_then(|d| d.child("date.release"))
                .and_then(|e| e.attr("norm"))
                .map(str::to_string),
        ],
        None,
        warnings,
    );
    article.source = docdata
        .and_then(|d| d.child("doc.copyright"))
        .and_then(|e| e.attr("holder"))
        .map(str::to_string)
        .or_else(|| {
            body_head
                .and_then(|h| h.child("distributor"))
                .map(Element::text)
        })
        .or_else(|| {
            head.and_then(|h| h.child("pubdata"))
                .and_then(|e| e.attr("name"))
                .map(str::to_string)
        })
        .filter(|s| !s.is_empty());
    let bylines: Vec<String> = body_head
        .map(|h| {
            h.children_named("byline")
                .map(Element::text)
                .filter(|b| !b.is_empty())
                .collect()
        })
        .unwrap_or_default();
    article.byline = (!bylines.is_empty()).then(|| bylines.join(", "));
    article.body = body
        .and_then(|b| b.child("body.content"))
        .map(|c| c.paragraphs().join("\n\n"))
        .unwrap_or_default();
    if article.title.is_empty() && article.body.is_empty() {
        return None;
    }
    file.complete(&mut article, None, warnings);
    let key = docdata
        .and_then(|d| d.child("doc-id"))
        .and_then(|e| e.attr("id-string"))
        .unwrap_or_default()
        .to_string();
    article.assign_id(&key);
    Some(article)
}

/// A NewsML-G2 `<newsItem>`: `<itemMeta>` for the date and provider, `<contentMeta>` for
/// headline, credit line and byline, `<contentSet>` for the text (inline XHTML or plain text).
fn news_item(
    file: &FileContext,
    item: &Element,
    record: Option<u64>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let item_meta = item.child("itemMeta");
    let content_meta = item.child("contentMeta");
    let mut article = Article::new(file.path, record);
    let text_of = |parent: Option<&Element>, name: &str| {
        parent
            .and_then(|p| p.child(name))
            .map(Element::text)
            .filter(|t| !t.is_empty())
    };
    article.title = text_of(content_meta, "headline").unwrap_or_default();
    article.date = first_date(
        &[
            text_of(item_meta, "firstCreated"),
            text_of(item_meta, "versionCreated"),
            text_of(content_meta, "contentCreated"),
        ],
        record,
        warnings,
    );
    let holder = item.find(&["rightsInfo", "copyrightHolder"]);
    let provider = item_meta.and_then(|m| m.child("provider"));
    article.source = text_of(content_meta, "creditline")
        .or_else(|| text_of(holder, "name"))
        .or_else(|| holder.and_then(|h| h.attr("literal")).map(str::to_string))
        .or_else(|| text_of(provider, "name"))
        .or_else(|| provider.and_then(|p| p.attr("literal")).map(str::to_string))
        .or_else(|| {
            provider
                .and_then(|p| p.attr("qcode"))
                .map(|q| q.rsplit(':').next().unwrap_or(q).to_string())
        });
    let bylines: Vec<String> = content_meta
        .map(|m| {
            m.children_named("by")
                .map(Element::text)
                .filter(|b| !b.is_empty())
                .collect()
        })
        .unwrap_or_default();
    article.byline = (!bylines.is_empty()).then(|| bylines.join(", "));
    let content_set = item.child("contentSet");
    article.body = if let Some(inline) = content_set.and_then(|c| c.child("inlineXML")) {
        let body = inline.find(&["html", "body"]).unwrap_or(inline);
        body.paragraphs().join("\n\n")
    } else if let Some(inline) = content_set.and_then(|c| c.child("inlineData")) {
        let mut raw = String::new();
        inline.raw_text(&mut raw);
        raw.split("\n\n")
            .map(collapse)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    } else {
        String::new()
    };
    if article.title.is_empty() && article.body.is_empty() {
        return None;
    }
    file.complete(&mut article, record, warnings);
    let key = item
        .attr("guid")
        .map(str::to_string)
        .or_else(|| record.map(|r| r.to_string()))
        .unwrap_or_default();
    article.assign_id(&key);
    Some(article)
}

/// Reads the document into a tree; the error is (byte offset, reason).
fn read_tree(text: &str) -> std::result::Result<Element, (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let position = |reader: &Reader<&[u8]>| usize::try_from(reader.error_position()).unwrap_or(0);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| (position(&reader), e.to_string()))?;
        match event {
            Event::Start(start) => stack.push(element_of(&start)),
            Event::Empty(start) => {
                let element = element_of(&start);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(element)),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err((position(&reader), "closing tag without opening".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(element)),
                    None => return Ok(element),
                }
            }
            Event::Text(text) => push_text(&mut stack, &text.xml10_content()),
            Event::CData(data) => push_text(&mut stack, &data.xml10_content()),
            Event::GeneralRef(reference) => push_text(&mut stack, &resolve(&reference)),
            Event::Eof => {
                return Err((
                    text.len(),
                    if stack.is_empty() {
                        "no root element".to_string()
                    } else {
                        "the file ends inside an element".to_string()
                    },
                ));
            }
            _ => {}
        }
    }
}

fn element_of(start: &quick_xml::events::BytesStart) -> Element {
    let name = start.local_name().as_ref().to_string();
    let attributes = start
        .attributes()
        .flatten()
        .map(|attribute| {
            let key = attribute.key.local_name().as_ref().to_string();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| attribute.value.to_string());
            (key, value)
        })
        .collect();
    Element {
        name,
        attributes,
        children: Vec::new(),
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        match parent.children.last_mut() {
            Some(Child::Text(previous)) => previous.push_str(text),
            _ => parent.children.push(Child::Text(text.to_string())),
        }
    }
}

/// An entity or character reference: XML's five, numeric ones, and the HTML names wire XHTML uses.
fn resolve(reference: &BytesRef) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name: &str = reference.as_ref();
    let known = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "deg" => "°",
        "middot" => "·",
        "bull" => "•",
        "times" => "×",
        "shy" => "",
        _ => return format!("&{name};"),
    };
    known.to_string()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    fn xml(text: &str) -> Result<Parsed> {
        let context = ParseContext::default();
        parse(&context.file(Path::new("/wire.xml")), text)
    }

    #[test]
    fn nitf_fields_come_from_docdata_and_body_head() {
        let parsed = xml(r#"<?xml version="1.0" encoding="UTF-8"?>
<nitf version="-//IPTC//DTD NITF 3.6//EN">
 <head>
  <title>Harbour story</title>
  <docdata>
   <doc-id id-string="wire-2024-0001"/>
   <date.issue norm="20240621T095000+0100"/>
   <doc.copyright holder="Example Wire" year="2024"/>
  </docdata>
 </head>
 <body>
  <body.head>
   <hedline><hl1>Harbour freezes &amp; ships wait</hl1></hedline>
   <byline>By <person>Ann Lee</person></byline>
  </body.head>
  <body.content>
   <p>Ships waited&#160;outside the harbour.</p>
   <p>The ice broke on Friday.</p>
  </body.content>
 </body>
</nitf>"#)
        .unwrap();
        let article = &parsed.articles[0];
        assert_eq!(article.title, "Harbour freezes & ships wait");
        assert_eq!(
            article.date.unwrap().to_string(),
            "2024-06-21T09:50:00+01:00"
        );
        assert_eq!(article.source.as_deref(), Some("Example Wire"));
        assert_eq!(article.byline.as_deref(), Some("By Ann Lee"));
        assert_eq!(
            article.body,
            "Ships waited outside the harbour.\n\nThe ice broke on Friday."
        );
    }

    #[test]
    fn newsml_g2_items_in_a_message_are_articles() {
        let parsed = xml(r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
 <itemSet>
  <newsItem guid="urn:newsml:example.org:20240621:a" version="1" standard="NewsML-G2">
   <rightsInfo><copyrightHolder literal="Example Wire"/></rightsInfo>
   <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:EXAMPLE"/>
    <versionCreated>2024-06-21T10:15:00Z</versionCreated>
    <firstCreated>2024-06-21T09:50:00+01:00</firstCreated></itemMeta>
   <contentMeta><headline>Talks resume in Geneva</headline><creditline>Example Wire</creditline>
    <by>Bo Kim</by></contentMeta>
   <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head>
     <body><p>Talks resumed on Friday.</p><p>Both sides said they were &ldquo;hopeful&rdquo;.</p></body></html>
   </inlineXML></contentSet>
  </newsItem>
  <newsItem guid="urn:newsml:example.org:20240621:b">
   <itemMeta><provider qcode="nprov:EXAMPLE"/><versionCreated>2024-06-22T08:00:00Z</versionCreated></itemMeta>
   <contentMeta><headline>Talks end</headline></contentMeta>
   <contentSet><inlineData contenttype="text/plain">Talks ended.

They will resume.</inlineData></contentSet>
  </newsItem>
 </itemSet>
</newsMessage>"#)
        .unwrap();
        assert_eq!(parsed.articles.len(), 2);
        let first = &parsed.articles[0];
        assert_eq!(first.title, "Talks resume in Geneva");
        assert_eq!(first.date.unwrap().to_string(), "2024-06-21T09:50:00+01:00");
        assert_eq!(first.source.as_deref(), Some("Example Wire"));
        assert_eq!(first.byline.as_deref(), Some("Bo Kim"));
        assert_eq!(
            first.body,
            "Talks resumed on Friday.\n\nBoth sides said they were “hopeful”."
        );
        let second = &parsed.articles[1];
        assert_eq!(second.source.as_deref(), Some("EXAMPLE"));
        assert_eq!(
            second.date.unwrap().to_string(),
            "2024-06-22T08:00:00+00:00"
        );
        assert_eq!(second.body, "Talks ended.\n\nThey will resume.");
        assert_ne!(first.id, second.id);
    }

    #[test]
    fn broken_and_foreign_xml_are_refused_with_a_line() {
        let error = xml("<nitf>\n<head>\n<title>x</head>\n</nitf>").unwrap_err();
        assert!(error.to_string().contains("/wire.xml:3"), "{error}");
        let error = xml("<rss><channel/></rss>").unwrap_err();
        assert!(error.to_string().contains("<rss>"), "{error}");
    }
}
