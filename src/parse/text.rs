//! Plain-text articles: a `Key: value` header, the seed's ` date YYYY-MM-DD caption` line, or
//! none; and OCR page text. One article per file; the header ends at the first blank line.
//!
//! A bare text's first line is its title only when it reads as a headline; an OCR page's never.

use super::archive::FileContext;
use super::inference::{dateline, dateline_credit, looks_like_ocr, looks_like_title};
use super::{Diagnostic, Parsed};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

/// Header keys we understand, each mapped to the article field it fills.
const HEADER_KEYS: &[(&str, Field)] = &[
    ("title", Field::Title),
    ("headline", Field::Title),
    ("date", Field::Date),
    ("published", Field::Date),
    ("source", Field::Source),
    ("publisher", Field::Source),
    ("url", Field::Url),
    ("link", Field::Url),
    ("byline", Field::Byline),
    ("author", Field::Byline),
    ("authors", Field::Byline),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Date,
    Source,
    Url,
    Byline,
}

/// Parses one text file into one article.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let text = super::unix_newlines(text);
    let mut article = Article::new(file.path, None);
    let mut warnings = Vec::new();
    let (head, rest) = split_head(&text);
    let mut page_scan = false;
    if let Some(fields) = key_value_header(head) {
        for (field, value) in fields {
            match field {
                Field::Title => article.title = value.to_string(),
                Field::Date => match ArticleDate::parse(value) {
                    Some(date) => article.date = Some(date),
                    None => warnings.push(Diagnostic::record_kept(
                        None,
                        format!("date '{value}' is not a date; indexed without one"),
                    )),
                },
                Field::Source => article.source = Some(value.to_string()),
                Field::Url => article.url = Some(value.to_string()),
                Field::Byline => article.byline = Some(value.to_string()),
            }
        }
        article.body = tidy_body(rest);
    } else if let Some((date, caption)) = seed_header(head) {
        article.date = Some(date);
        article.title = caption;
        article.body = tidy_body(rest);
    } else if file.is_page_scan() || looks_like_ocr(&text) {
        page_scan = true;
        article.body = tidy_body(&text);
    } else {
        let trimmed = text.trim_start();
        let (first, after) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
        let stands_alone = after
            .split('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
        // A text of one line is all body: a title needs text under it.
        let is_title = if after.trim().is_empty() {
            false
        } else if stands_alone {
            is_standalone_title(first)
        } else {
            looks_like_title(first) && dateline_credit(first).is_none()
        };
        if is_title {
            article.title = first.trim().to_string();
            article.body = tidy_body(after);
        } else {
            article.body = tidy_body(trimmed);
        }
    }
    file.complete(&mut article, None, &mut warnings);
    if page_scan && article.title.is_empty() {
        article.title = file.page_title(&article);
    }
    article.assign_id("");
    Ok(Parsed {
        articles: vec![article],
        diagnostics: warnings,
        ..Parsed::default()
    })
}

/// Longest first line taken as a headline on its own; past it the line is a paragraph.
const MAX_TITLE_CHARS: usize = 200;

/// A first line followed by a blank line (the strongest headline signal plain text has) is the
/// title, digits, currency or a lower-case start notwithstanding, unless it is clearly not
/// one: a dateline lede with a wire credit ("KYIV (Reuters) - …"), a paragraph of over
/// [`MAX_TITLE_CHARS`], or a date line.
fn is_standalone_title(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && line.chars().count() <= MAX_TITLE_CHARS
        && dateline_credit(line).is_none()
        && dateline(line).is_none()
}

/// Splits at the first blank line: (header block, the rest).
fn split_head(text: &str) -> (&str, &str) {
    let text = text.trim_start_matches('\u{feff}');
    match memchr::memmem::find(text.as_bytes(), b"\n\n") {
        Some(at) => (&text[..at], &text[at + 2..]),
        None => (text, ""),
    }
}

/// Reads a block of `Key: value` lines; `None` unless every line is one and a key is known.
fn key_value_header(head: &str) -> Option<Vec<(Field, &str)>> {
    let mut fields = Vec::new();
    let mut known = 0;
    for line in head.lines() {
        let (key, value) = line.split_once(':')?;
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty()
            || key.len() > 24
            || !key
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-' || c == ' ')
        {
            return None;
        }
        let Some((_, field)) = HEADER_KEYS.iter().find(|(name, _)| *name == key) else {
            continue;
        };
        known += 1;
        let value = value.trim();
        if !value.is_empty() {
            fields.push((*field, value));
        }
    }
    (known > 0).then_some(fields)
}

/// The seed layout: ` date 2024-06-21 <caption>. Photograph: <credit>`.
fn seed_header(head: &str) -> Option<(ArticleDate, String)> {
    if head.contains('\n') {
        return None;
    }
    let rest = head.trim_start().strip_prefix("date ")?;
    let (date_text, caption) = rest.split_once(' ').unwrap_or((rest, ""));
    let date = ArticleDate::parse(date_text)?;
    let caption = match caption.rfind(" Photograph:") {
        Some(at) => &caption[..at],
        None => caption,
    };
    Some((
        date,
        caption.trim().trim_end_matches('.').trim().to_string(),
    ))
}

/// Normalises line ends and trims the body, keeping blank lines between paragraphs.
fn tidy_body(body: &str) -> String {
    body.trim_matches(|c: char| c.is_whitespace()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::Path;

    use crate::parse::ParseContext;

    fn one(text: &str) -> Article {
        let context = ParseContext::default();
        let file = context.file(Path::new("/x.txt"));
        parse(&file, text).unwrap().articles.remove(0)
    }

    #[test]
    fn seed_layout_gives_date_caption_title_and_wire_source() {
        let article = one(
            " date 2024-06-21 Russia says talks. Photograph: Someone/AFP\n\nFirst.\n\nLast one. – Reuters\n",
        );
        assert_eq!(article.date.unwrap().to_string(), "2024-06-21");
        assert_eq!(article.title, "Russia says talks");
        assert_eq!(article.source.as_deref(), Some("Reuters"));
        assert_eq!(article.body, "First.\n\nLast one. – Reuters");
    }

    #[test]
    fn key_value_header_fills_fields() {
        let article = one(
            "Title: A title\nDate: 1916-01-03\nSource: The Sun\nUrl: http://x\nByline: Jo\n\nBody text.",
        );
        assert_eq!(article.title, "A title");
        assert_eq!(article.date.unwrap().to_string(), "1916-01-03");
        assert_eq!(article.source.as_deref(), Some("The Sun"));
        assert_eq!(article.url.as_deref(), Some("http://x"));
        assert_eq!(article.byline.as_deref(), Some("Jo"));
        assert_eq!(article.body, "Body text.");
    }

    #[test]
    fn bare_text_takes_first_line_as_title() {
        let article = one("The headline\nThe body starts: here.\n\nMore.");
        assert_eq!(article.title, "The headline");
        assert_eq!(article.body, "The body starts: here.\n\nMore.");
        assert_eq!(article.date, None);
    }

    #[test]
    fn a_ragged_first_line_is_not_a_title() {
        let article =
            one("; , Vol. 26 SALT LAKE CITY, UTAH, JANUARY I, 1816 No 3 H\nAn Independent Paper\n");
        assert_eq!(article.title, "");
        assert!(article.body.starts_with("; , Vol. 26"), "{}", article.body);
        let long = format!(
            "{}\n\nMore.",
            "This first line is a whole paragraph of prose. ".repeat(5)
        );
        assert_eq!(one(&long).title, "");
    }

    #[test]
    fn issue_12_a_line_before_a_blank_line_is_a_title_unless_clearly_not() {
        for headline in [
            "Italy 17-28 Ireland",
            "Steel firm 'to cut' 45,000 jobs",
            "$1m payoff for former Shell boss",
            "eBay shares surge on strong results",
        ] {
            let article = one(&format!("{headline}\n\nThe body says more.\n"));
            assert_eq!(article.title, headline);
            assert_eq!(article.body, "The body says more.");
        }
        let lede = one("KYIV (Reuters) - The talks resumed on Monday.\n\nMore.\n");
        assert_eq!(lede.title, "");
        assert_eq!(lede.source.as_deref(), Some("Reuters"));
        let single = one("electromagnetic diffraction by dielectric strips\n");
        assert_eq!(single.title, "", "one line is all body");
        assert_eq!(
            single.body,
            "electromagnetic diffraction by dielectric strips"
        );
        let dated = one("Friday, January 4, 2019\n\nAn apartment building collapsed.\n");
        assert_eq!(dated.title, "");
        assert_eq!(dated.date.unwrap().to_string(), "2019-01-04");
    }

    #[test]
    fn an_ocr_page_gets_no_title_from_its_noise() {
        let page = "FLIGHT OP THE SERBIANS.\nft\n7*,r\n.AV..'.- ,.\nIt Is not so difficult\n,'\n.. .\ny\nV\nA\nA 0\n3\nthe end";
        let article = one(page);
        assert_eq!(article.title, "");
        assert!(article.body.starts_with("FLIGHT OP"));
    }
}
