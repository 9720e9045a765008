//! Reuters-21578 SGML (`reut2-0NN.sgm`): many `<REUTERS NEWID="n">` stories per file, ids from
//! NEWID, source Reuters; briefs keep an empty body, `TYPE="UNPROC"` stories use their TEXT.
//!
//! SGML, not XML (bare `>`, control-code entities): this reader scans for the elements it needs.

use std::collections::HashSet;

use super::archive::FileContext;
use super::inference::looks_like_title;
use super::{Diagnostic, Parsed};
use crate::article::Article;
use crate::date::ArticleDate;
use crate::error::Result;

/// The text briefs carry in place of a body.
const BRIEF_FILLER: &str = "Blah blah blah.";

/// Parses one `.sgm` file into its stories.
pub(super) fn parse(file: &FileContext, text: &str) -> Result<Parsed> {
    let mut parsed = Parsed::default();
    let mut ids = HashSet::new();
    let mut line = 1u64;
    let mut scanned = 0;
    let mut rest = text;
    while let Some(start) = find_tag(rest, "REUTERS") {
        line += count_lines(&text[scanned..scanned + start]);
        let story_start = &rest[start..];
        let (story, after) = match story_start.find("</REUTERS>") {
            Some(end) => (
                &story_start[..end],
                &story_start[end + "</REUTERS>".len()..],
            ),
            None => {
                parsed.diagnostics.push(Diagnostic::record_skipped(
                    Some(line),
                    "story has no closing </REUTERS>; the file may be truncated".to_string(),
                ));
                break;
            }
        };
        match story_to_article(file, story, line, &mut parsed.diagnostics) {
            Ok(mut article) => {
                let mut key = article
                    .record
                    .map(|id| id.to_string())
                    .unwrap_or_else(|| format!("line {line}"));
                if !ids.insert(key.clone()) {
                    parsed.diagnostics.push(Diagnostic::record_kept(
                        Some(line),
                        format!("NEWID {key} appears twice in the file; this one is told apart by its line"),
                    ));
                    key = format!("{key}#line {line}");
                    ids.insert(key.clone());
                }
                article.assign_id(&key);
                parsed.articles.push(article);
            }
            Err(reason) => parsed
                .diagnostics
                .push(Diagnostic::record_skipped(Some(line), reason)),
        }
        let consumed = text.len() - after.len();
        line += count_lines(&text[scanned + start..consumed]);
        scanned = consumed;
        rest = after;
    }
    Ok(parsed)
}

/// Reads one `<REUTERS …>…` story (without its closing tag); `line` is where it starts.
fn story_to_article(
    file: &FileContext,
    story: &str,
    line: u64,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Article, String> {
    // Only an unterminated opening tag makes a story unreadable.
    let open_end = story.find('>').ok_or("unterminated <REUTERS> tag")?;
    let open_tag = &story[..open_end];
    let new_id = attribute(open_tag, "NEWID");
    let record = new_id.as_deref().and_then(|id| id.parse::<u64>().ok());
    let label = new_id
        .as_deref()
        .map_or_else(|| "story".to_string(), |id| format!("NEWID {id}"));
    let mut article = Article::new(file.path, record);
    article.source = Some("Reuters".to_string());
    if let Some(raw) = element(story, "DATE") {
        let raw = decode_entities(raw).trim().to_string();
        article.date = story_date(&raw, &label, line, warnings);
    }
    let (text_tag, text) = element_with_tag(story, "TEXT").unwrap_or(("", ""));
    let kind = attribute(text_tag, "TYPE").unwrap_or_default();
    let title = element(text, "TITLE").map(|t| collapse(&decode_entities(t)));
    let dateline = element(text, "DATELINE").map(|d| collapse(&decode_entities(d)));
    let body = element(text, "BODY").map(|b| paragraphs(&decode_entities(b)));
    match (title, body) {
        (Some(title), body) => {
            article.title = title;
            let body = body.unwrap_or_default();
            let body = if kind == "BRIEF" || body.trim() == BRIEF_FILLER {
                String::new()
            } else {
                body
            };
            article.body = match dateline {
                Some(dateline) if !body.is_empty() => format!("{dateline} {body}"),
                _ => body,
            };
        }
        (None, Some(body)) => article.body = body,
        (None, None) => {
            // TYPE="UNPROC": unprocessed text; its first line reads as the headline.
            let whole = decode_entities(&strip_tags(text));
            let whole = whole.trim_matches(|c: char| c.is_whitespace());
            let (first, after) = whole.split_once('\n').unwrap_or((whole, ""));
            if looks_like_title(first) {
                article.title = collapse(first);
                article.body = paragraphs(after);
            } else {
                article.body = paragraphs(whole);
            }
        }
    }
    if article.title.is_empty() && article.body.is_empty() {
        // The distribution has stories with nothing in their TEXT; they are stories all the
        // same (dated, numbered), so they are kept.
        warnings.push(Diagnostic::record_kept(
            Some(line),
            format!("{label}: the story has no title and no text; indexed with its date only"),
        ));
    }
    file.complete(&mut article, Some(line), warnings);
    Ok(article)
}

/// The story's date. Text after the time (a stray control code, an editor's comment) is
/// dropped; a date whose time is malformed (NEWID 17192 has `605:12:19.12`) keeps its day when
/// the day alone reads as one. Each repair is reported.
fn story_date(
    raw: &str,
    label: &str,
    line: u64,
    warnings: &mut Vec<Diagnostic>,
) -> Option<ArticleDate> {
    if let Some(date) = ArticleDate::parse(raw) {
        return Some(date);
    }
    let mut words = raw.split_whitespace();
    let day_text = words.next().unwrap_or_default();
    let time_text = words
        .next()
        .unwrap_or_default()
        .trim_end_matches(|c: char| !c.is_ascii_digit());
    if let Some(date) = ArticleDate::parse(&format!("{day_text} {time_text}")) {
        warnings.push(Diagnostic::record_kept(
            Some(line),
            format!("{label}: date '{raw}' has text after the time; read as {date}"),
        ));
        return Some(date);
    }
    let day = ArticleDate::parse(day_text);
    let reason = match day {
        Some(day) => {
            format!("{label}: date '{raw}' has an impossible time; indexed with its day, {day}")
        }
        None => format!("{label}: date '{raw}' is not a date; indexed undated"),
    };
    warnings.push(Diagnostic::record_kept(Some(line), reason));
    day
}

/// Where `<NAME` starts as a whole tag name in `text`.
fn find_tag(text: &str, name: &str) -> Option<usize> {
    let needle = format!("<{name}");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let at = from + at;
        let next = text[at + needle.len()..].chars().next();
        if matches!(next, Some('>' | ' ' | '\t' | '\n' | '\r')) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// The content of the first `<NAME …>…</NAME>` in `text`.
fn element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    element_with_tag(text, name).map(|(_, content)| content)
}

/// The opening tag and content of the first `<NAME …>…</NAME>`; the content runs to the end of
/// `text` when the closing tag is missing.
fn element_with_tag<'a>(text: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let start = find_tag(text, name)?;
    let open_end = start + text[start..].find('>')?;
    let tag = &text[start..open_end];
    let content = &text[open_end + 1..];
    let close = format!("</{name}>");
    let end = content.find(&close).unwrap_or(content.len());
    Some((tag, &content[..end]))
}

/// The value of `NAME="value"` in an opening tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let mut from = 0;
    while let Some(at) = tag[from..].find(&needle) {
        let at = from + at;
        let boundary = at == 0 || tag[..at].ends_with(char::is_whitespace);
        let value_start = at + needle.len();
        if boundary {
            let value_end = value_start + tag[value_start..].find('"')?;
            return Some(tag[value_start..value_end].to_string());
        }
        from = value_start;
    }
    None
}

/// Removes markup tags (`<TITLE>`, `</BODY>`…) but keeps `<` used as text (`&lt;` is decoded
/// after this runs).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        match after.find('>') {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes SGML entities: `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;` and `&#N;`; control
/// characters (the wire's `&#2;`, `&#3;`, `&#5;`…) are dropped. Unknown entities stay as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .char_indices()
            .take(10)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let Some(end) = end else {
            out.push('&');
            rest = after;
            continue;
        };
        let name = &after[..end];
        let decoded = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse::<u32>().ok(),
                })
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) if c.is_control() && c != '\n' && c != '\t' => {}
            Some(c) => out.push(c),
            None => {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    out
}

/// Wire copy to paragraphs: the lines of a paragraph are joined; an indented line starts a new
/// paragraph, as Reuters indents them; paragraphs are separated by blank lines.
fn paragraphs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let starts_paragraph = line.starts_with([' ', '\t']) || line.trim().is_empty();
        if starts_paragraph && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        let words = collapse(line);
        if words.is_empty() {
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&words);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.join("\n\n")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn count_lines(text: &str) -> u64 {
    text.bytes().filter(|b| *b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse::ParseContext;

    /// Three stories written for this test in the layout of the distribution.
    const FILE: &str = r#"<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="7">
<DATE> 2-MAR-1987 09:15:00.00</DATE>
<UNKNOWN> 
&#5;&#5;&#5;A
</UNKNOWN>
<TEXT>&#2;
<TITLE>HARBOUR &amp; DOCK CO SEES HIGHER PROFIT</TITLE>
<DATELINE>    LONDON, March 2 - </DATELINE><BODY>Harbour and Dock Co &lt;HDC.L> said
profit would rise this year.
    It gave no figures.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="8">
<DATE>31-MAR-1987 605:12:19.12</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>DOCK STRIKE ENDS
</TITLE>Blah blah blah.
&#3;

</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="9">
<DATE> 3-MAR-1987 11:00:00.00</DATE>
<TEXT TYPE="UNPROC">&#2;
WEEKLY PORT TRAFFIC REPORT
    Ships in port.........12 vs.....10
&#3;</TEXT>
</REUTERS>
"#;

    fn stories() -> Parsed {
        let context = ParseContext::default();
        parse(&context.file(Path::new("/reut2-999.sgm")), FILE).unwrap()
    }

    #[test]
    fn stories_get_titles_datelines_bodies_dates_and_the_reuters_source() {
        let parsed = stories();
        assert_eq!(parsed.articles.len(), 3);
        let first = &parsed.articles[0];
        assert_eq!(first.record, Some(7));
        assert_eq!(first.title, "HARBOUR & DOCK CO SEES HIGHER PROFIT");
        assert_eq!(first.date.unwrap().to_string(), "1987-03-02T09:15:00+00:00");
        assert_eq!(first.source.as_deref(), Some("Reuters"));
        assert_eq!(
            first.body,
            "LONDON, March 2 - Harbour and Dock Co <HDC.L> said profit would rise this year.\n\nIt gave no figures.\n\nReuter"
        );
    }

    #[test]
    fn a_brief_has_an_empty_body_and_a_malformed_time_keeps_the_day_with_a_warning() {
        let parsed = stories();
        let brief = &parsed.articles[1];
        assert_eq!(brief.title, "DOCK STRIKE ENDS");
        assert_eq!(brief.body, "");
        assert_eq!(brief.date.unwrap().to_string(), "1987-03-31");
        assert_eq!(parsed.warnings().len(), 1);
        let warning = &parsed.warnings()[0];
        assert_eq!(warning.line, Some(15));
        assert!(!warning.kind.skips_input());
        assert!(
            warning
                .message
                .contains("NEWID 8: date '31-MAR-1987 605:12:19.12'"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn an_unprocessed_story_takes_its_text_and_first_line() {
        let unproc = &stories().articles[2];
        assert_eq!(unproc.title, "WEEKLY PORT TRAFFIC REPORT");
        assert_eq!(unproc.body, "Ships in port.........12 vs.....10");
    }

    #[test]
    fn trailing_text_after_the_time_is_dropped_and_empty_stories_are_kept() {
        let text = "<REUTERS NEWID=\"1\">\n<DATE>27-MAR-1987 14:04:26.14&#5;&#5;F</DATE>\n<TEXT TYPE=\"UNPROC\">&#2;\n&#3;\n</TEXT>\n</REUTERS>\n";
        let context = ParseContext::default();
        let parsed = parse(&context.file(Path::new("/r.sgm")), text).unwrap();
        let story = &parsed.articles[0];
        assert_eq!(
            story.date.unwrap().to_string(),
            "1987-03-27T14:04:26.140+00:00"
        );
        assert_eq!((story.title.as_str(), story.body.as_str()), ("", ""));
        assert_eq!(parsed.warnings().len(), 2, "{:?}", parsed.warnings());
        assert!(
            parsed
                .warnings()
                .iter()
                .all(|w| !w.kind.skips_input() && w.line == Some(1))
        );
    }

    #[test]
    fn ids_follow_newid_not_position() {
        let parsed = stories();
        let context = ParseContext::default();
        let alone = FILE.replacen("NEWID=\"7\"", "NEWID=\"70\"", 1);
        let again = parse(&context.file(Path::new("/reut2-999.sgm")), &alone).unwrap();
        assert_ne!(parsed.articles[0].id, again.articles[0].id);
        assert_eq!(parsed.articles[1].id, again.articles[1].id);
    }

    #[test]
    fn entities_and_control_characters_are_decoded() {
        assert_eq!(
            decode_entities("a &lt;b> &amp; &#252; &#3;&#127;x &bogus;"),
            "a <b> & ü x &bogus;"
        );
    }
}
