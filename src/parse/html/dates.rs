//! A web page's publication date, read as htmldate reads it: the URL's date path, JSON-LD,
//! `<meta>` variants, `<time>` and date-marked elements, labelled visible text in several
//! languages, then the page's most frequent date. [`page_date`] also says where it looked.
//!
//! The original publication wins over a later update; no date after the crawl or before 1678.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use scraper::{ElementRef, Node};
use serde_json::Value;

use crate::date::{ArticleDate, MIN_YEAR};

/// A page's date and the place it was read from (`meta article:published_time`, `url path`…).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageDate {
    /// The date.
    pub date: ArticleDate,
    /// Where it was found, in words a reader of `show` understands.
    pub source: String,
}

/// Dates read from free text (not from metadata) must be at least this recent: web pages are
/// younger than the web, and older dates in a page's text are what the article is about
/// (htmldate's default lower bound).
const TEXT_MIN_YEAR: i32 = 1995;

/// `<meta>` names, properties and itemprops that carry the publication date (htmldate's list).
#[rustfmt::skip]
const PUBLISHED_META: &[&str] = &[
    "article:published_time", "article:published", "article:published_date",
    "article:post_date", "article.published", "article.created", "article_date_original",
    "article:publicationdate", "og:article:published_time", "og:article:published",
    "og:published_time", "og:pubdate", "og:publish_date", "og:datepublished", "datepublished",
    "datecreated", "date_published", "date_created", "dateposted", "date", "pubdate",
    "publishdate", "publish_date", "publish-date", "published-date", "publication_date",
    "publicationdate", "originalpublicationdate", "release_date", "created", "dc.date",
    "dc.date.issued", "dc.date.created", "dc.date.publication", "dc.created", "dc:date",
    "dc:created", "dcterms.date", "dcterms.issued", "dcterms.created", "citation_date",
    "citation_publication_date", "sailthru.date", "parsely-pub-date", "rnews:datepublished",
    "item-publish-date", "displaydate", "doc_date", "bt:pubdate", "rbpubdate",
    "shareaholic:article_published_time", "twt-published-at", "vr:published_time",
    "video:release_date", "cxenseparse:recs:publishtime", "dcsext.articlefirstpublished",
];

/// `<meta>` names that carry the last update: used only when nothing gives the publication.
#[rustfmt::skip]
const MODIFIED_META: &[&str] = &[
    "article:modified_time", "article:modified", "article:modified_date",
    "article:post_modified", "og:updated_time", "og:modified_time", "og:article:modified_time",
    "datemodified", "dc.modified", "dcterms.modified", "lastmodified", "last-modified",
    "modified_time", "updated_time", "revision_date", "bt:moddate",
];

/// Class or id words of elements that hold a date in their text ("posted on 3 May 2019").
#[rustfmt::skip]
const DATE_MARKS: &[&str] = &[
    "date", "datum", "time", "fecha", "data", "published", "publish", "posted", "pubdate",
    "timestamp", "dateline", "byline", "meta", "entry-meta", "post-meta", "article-meta",
    "article-info", "info", "submitted", "erstellt",
];

/// Words that say a date is the publication ("Published 23 December 2016", "Veröffentlicht am").
const PUBLISHED_WORDS: &str = concat!(
    r"published|posted|first published|publication date|created|released|",
    r"veröffentlicht|erschienen|erstellt|publiziert|datum|",
    r"publié|publiée|publié le|mis en ligne|",
    r"publicado|publicada|fecha de publicación|pubblicato|pubblicata|",
    r"opublikowano|data publikacji|dodano|gepubliceerd|geplaatst|",
    r"опубліковано|опубликовано|publicerad|publiceret|publisert|yayınlanma"
);

/// Words that say a date is a later update.
const UPDATED_WORDS: &str = concat!(
    r"updated|last updated|modified|last modified|revised|",
    r"aktualisiert|zuletzt aktualisiert|geändert|stand|",
    r"mis à jour|modifié|actualizado|actualizada|aggiornato|aggiornata|",
    r"zaktualizowano|aktualizacja|bijgewerkt|оновлено|обновлено|uppdaterad|opdateret|güncelleme"
);

/// Month names, full and abbreviated, in the languages news pages are written in.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // Spanish, Portuguese, Italian
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Dutch, Scandinavian
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
    ("augusti", 8),
    ("maj", 5),
    ("desember", 12),
    // Polish (genitive and nominative)
    ("stycznia", 1),
    ("lutego", 2),
    ("marca", 3),
    ("kwietnia", 4),
    ("maja", 5),
    ("czerwca", 6),
    ("lipca", 7),
    ("sierpnia", 8),
    ("września", 9),
    ("października", 10),
    ("listopada", 11),
    ("grudnia", 12),
    ("styczeń", 1),
    ("luty", 2),
    ("marzec", 3),
    ("kwiecień", 4),
    ("czerwiec", 6),
    ("lipiec", 7),
    ("sierpień", 8),
    ("wrzesień", 9),
    ("październik", 10),
    ("listopad", 11),
    ("grudzień", 12),
    // Ukrainian and Russian (genitive)
    ("січня", 1),
    ("лютого", 2),
    ("березня", 3),
    ("квітня", 4),
    ("травня", 5),
    ("червня", 6),
    ("липня", 7),
    ("серпня", 8),
    ("вересня", 9),
    ("жовтня", 10),
    ("листопада", 11),
    ("грудня", 12),
    ("января", 1),
    ("февраля", 2),
    ("марта", 3),
    ("апреля", 4),
    ("мая", 5),
    ("июня", 6),
    ("июля", 7),
    ("августа", 8),
    ("сентября", 9),
    ("октября", 10),
    ("ноября", 11),
    ("декабря", 12),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("mart", 3),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
];

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, n)| *n)
}

/// Every way a day is written in running text; each alternative names its groups. Word
/// boundaries are ASCII ones (they only ever touch digits), which keeps the regex on its
/// fast engines.
static TEXT_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTHS.iter().map(|(name, _)| *name).collect();
    // Longest first, so "june" is not read as "jun" followed by "e".
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let month = format!(r"(?:{})\.?", names.join("|"));
    let pattern = format!(
        concat!(
            r"(?i)(?:(?-u:\b)(?P<iy>\d{{4}})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?-u:\b)",
            r"|(?P<cy>\d{{4}})\s*年\s*(?P<cm>\d{{1,2}})\s*月\s*(?P<cd>\d{{1,2}})\s*日",
            r"|(?-u:\b)(?P<nd>\d{{1,2}})\s?(?P<sep>[./-])\s?(?P<nm>\d{{1,2}})\s?[./-]\s?(?P<ny>\d{{4}})(?-u:\b)",
            r"|(?-u:\b)(?P<wd>\d{{1,2}})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?(?P<wm>{month})\s+(?:de\s+)?(?P<wy>\d{{4}})(?-u:\b)",
            r"|(?-u:\b)(?P<vm>{month})\s+(?P<vd>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<vy>\d{{4}})(?-u:\b))"
        ),
        month = month
    );
    Regex::new(&pattern).ok()
});

/// A day written in text, where it was found in the text.
#[derive(Debug, Clone, Copy)]
struct TextDate {
    day: NaiveDate,
    start: usize,
    end: usize,
}

/// Every day written in `text`; `month_first` reads `03/04/2019` as March 4 (American pages).
fn text_dates(text: &str, month_first: bool) -> Vec<TextDate> {
    let Some(pattern) = TEXT_DATE.as_ref() else {
        return Vec::new();
    };
    let number = |captures: &regex::Captures, name: &str| -> Option<u32> {
        captures.name(name).and_then(|m| m.as_str().parse().ok())
    };
    let mut found = Vec::new();
    for captures in pattern.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let ymd = if let Some(year) = number(&captures, "iy") {
            Some((year, number(&captures, "im"), number(&captures, "id")))
        } else if let Some(year) = number(&captures, "cy") {
            Some((year, number(&captures, "cm"), number(&captures, "cd")))
        } else if let Some(year) = number(&captures, "ny") {
            let (first, second) = (number(&captures, "nd"), number(&captures, "nm"));
            let slash = captures.name("sep").is_some_and(|m| m.as_str() == "/");
            let swap = (slash && month_first && second.is_some_and(|d| d <= 31))
                || first.is_some_and(|d| d <= 12) && second.is_some_and(|d| d > 12);
            if swap {
                Some((year, first, second))
            } else {
                Some((year, second, first))
            }
        } else if let Some(year) = number(&captures, "wy") {
            let month = captures.name("wm").and_then(|m| month_number(m.as_str()));
            Some((year, month, number(&captures, "wd")))
        } else if let Some(year) = number(&captures, "vy") {
            let month = captures.name("vm").and_then(|m| month_number(m.as_str()));
            Some((year, month, number(&captures, "vd")))
        } else {
            None
        };
        if let Some((year, Some(month), Some(day))) = ymd
            && let Ok(year) = i32::try_from(year)
            && let Some(day) = NaiveDate::from_ymd_opt(year, month, day)
        {
            found.push(TextDate {
                day,
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    found
}

/// The date path of a URL: `/2016/12/23/`, `/2016-12-23-`, `_2016_12_23`.
static URL_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[/_-])((?:19|20)\d{2})[/_-]([01]?\d)[/_-]([0-3]?\d)(?:$|[/_.-])").ok()
});

/// The publication day in `url`'s path, when it holds a whole date.
pub(crate) fn url_date(url: &str) -> Option<NaiveDate> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let captures = URL_DATE.as_ref()?.captures(path)?;
    let part = |i: usize| captures.get(i)?.as_str().parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(part(1)?).ok()?, part(2)?, part(3)?)
}

/// What the page says about its dates, in the order [`page_date`] trusts it.
struct Evidence {
    urls: Vec<String>,
    linked_published: Vec<String>,
    linked_modified: Vec<String>,
    meta_published: Vec<(String, String)>,
    meta_modified: Vec<(String, String)>,
    itemprop_published: Vec<String>,
    time_published: Vec<String>,
    time_other: Vec<String>,
    marked_text: Vec<String>,
    title: String,
    month_first: bool,
}

/// The page's publication date: the first of these that gives a plausible one, as htmldate
/// orders them: the URL's date path, JSON-LD `datePublished`, publication `<meta>`, itemprop
/// `datePublished`, `<time>`, elements whose class names a date, labelled visible text, the
/// modification `<meta>`, and last the day the page's text names most often.
///
/// `urls` are the page's own addresses (Open Graph, canonical, WARC-Target-URI); `latest` is
/// the crawl day (dates after it are someone's typo or an event calendar).
// Longer than most: htmldate's cascade: each source of a date in order of trust, tried in turn; one list
// reads better than a chain of functions each calling the next.
pub(crate) fn page_date(
    root: ElementRef,
    urls: &[&str],
    text: &str,
    latest: NaiveDate,
) -> Option<PageDate> {
    let evidence = gather(root, urls);
    let structured = |value: &str| -> Option<ArticleDate> {
        let date = ArticleDate::parse(value).or_else(|| {
            let found = text_dates(value, evidence.month_first);
            found.first().map(|d| ArticleDate::Day(d.day))
        })?;
        plausible(date.day(), MIN_YEAR, latest).then_some(date)
    };
    let found = |date: ArticleDate, source: String| Some(PageDate { date, source });
    for url in &evidence.urls {
        if let Some(day) = url_date(url).filter(|d| plausible(*d, TEXT_MIN_YEAR, latest)) {
            // A metadata instant on the same day says more (the time and zone).
            let same_day = evidence
                .linked_published
                .iter()
                .chain(evidence.meta_published.iter().map(|(_, v)| v))
                .filter_map(|v| structured(v))
                .find(|d| d.day() == day);
            return found(same_day.unwrap_or(ArticleDate::Day(day)), "url path".into());
        }
    }
    if let Some(date) = earliest(
        evidence
            .linked_published
            .iter()
            .filter_map(|v| structured(v)),
    ) {
        return found(date, "json-ld datePublished".into());
    }
    let mut best: Option<(ArticleDate, &str)> = None;
    for (name, value) in &evidence.meta_published {
        if let Some(date) = structured(value)
            && best.is_none_or(|(b, _)| date.timestamp() < b.timestamp())
        {
            best = Some((date, name));
        }
    }
    if let Some((date, name)) = best {
        return found(date, format!("meta {name}"));
    }
    if let Some(date) = earliest(
        evidence
            .itemprop_published
            .iter()
            .filter_map(|v| structured(v)),
    ) {
        return found(date, "itemprop datePublished".into());
    }
    if let Some(date) = evidence.time_published.iter().find_map(|v| structured(v)) {
        return found(date, "<time> of publication".into());
    }
    if let Some(date) = evidence.time_other.iter().find_map(|v| structured(v)) {
        return found(date, "<time>".into());
    }
    for marked in &evidence.marked_text {
        if let Some(day) = labelled(marked, &evidence, latest)
            .or_else(|| first_plausible(marked, &evidence, latest))
        {
            return found(ArticleDate::Day(day), "element marked as a date".into());
        }
    }
    if let Some(day) = labelled(text, &evidence, latest) {
        return found(ArticleDate::Day(day), "page text (published)".into());
    }
    if let Some(day) = first_plausible(&evidence.title, &evidence, latest) {
        return found(ArticleDate::Day(day), "page title".into());
    }
    if let Some(date) = earliest(
        evidence
            .linked_modified
            .iter()
            .filter_map(|v| structured(v)),
    ) {
        return found(date, "json-ld dateModified (update)".into());
    }
    if let Some((name, date)) = evidence
        .meta_modified
        .iter()
        .find_map(|(name, value)| Some((name, structured(value)?)))
    {
        return found(date, format!("meta {name} (update)"));
    }
    most_frequent(text, &evidence, latest).map(|day| PageDate {
        date: ArticleDate::Day(day),
        source: "page text (most frequent date)".into(),
    })
}

fn plausible(day: NaiveDate, min_year: i32, latest: NaiveDate) -> bool {
    day.year() >= min_year && day <= latest
}

fn earliest(dates: impl Iterator<Item = ArticleDate>) -> Option<ArticleDate> {
    dates.min_by_key(ArticleDate::timestamp)
}

fn first_plausible(text: &str, evidence: &Evidence, latest: NaiveDate) -> Option<NaiveDate> {
    text_dates(text, evidence.month_first)
        .into_iter()
        .map(|d| d.day)
        .find(|d| plausible(*d, TEXT_MIN_YEAR, latest))
}

static PUBLISHED_LABEL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:{PUBLISHED_WORDS})\b|发布时间|发表于|发布于|發佈時間"
    ))
    .ok()
});
static UPDATED_LABEL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b(?:{UPDATED_WORDS})\b|更新")).ok());

/// How far before a date its label may stand ("Published: Friday, 23 December 2016").
const LABEL_REACH: usize = 40;

/// The first day in `text` that a publication word stands just before; an update's day only
/// when no publication day is labelled.
fn labelled(text: &str, evidence: &Evidence, latest: NaiveDate) -> Option<NaiveDate> {
    let published = PUBLISHED_LABEL.as_ref()?;
    let updated = UPDATED_LABEL.as_ref()?;
    let mut update = None;
    for date in text_dates(text, evidence.month_first) {
        if !plausible(date.day, TEXT_MIN_YEAR, latest) {
            continue;
        }
        let mut from = date.start.saturating_sub(LABEL_REACH);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let before = &text[from..date.start];
        let last_published = published.find_iter(before).last().map(|m| m.end());
        let last_updated = updated.find_iter(before).last().map(|m| m.end());
        match (last_published, last_updated) {
            (Some(p), u) if u.is_none_or(|u| p > u) => return Some(date.day),
            (_, Some(_)) if update.is_none() => update = Some(date.day),
            _ => {}
        }
        let _ = date.end;
    }
    update
}

/// The day the page's text names most often (ties: the first named), htmldate's last resort.
fn most_frequent(text: &str, evidence: &Evidence, latest: NaiveDate) -> Option<NaiveDate> {
    let mut counts: HashMap<NaiveDate, (usize, usize)> = HashMap::new();
    for (place, date) in text_dates(text, evidence.month_first)
        .into_iter()
        .filter(|d| plausible(d.day, TEXT_MIN_YEAR, latest))
        .enumerate()
    {
        counts.entry(date.day).or_insert((0, place)).0 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, (count, place))| (*count, std::cmp::Reverse(*place)))
        .map(|(day, _)| day)
}

/// One walk over the page for everything [`page_date`] weighs.
// Longer than most: one walk over the page gathers every kind of evidence; a walk per kind would read the
// page many times.
fn gather(root: ElementRef, urls: &[&str]) -> Evidence {
    let lang = root
        .value()
        .attr("lang")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut evidence = Evidence {
        urls: urls.iter().map(|u| u.to_string()).collect(),
        linked_published: Vec::new(),
        linked_modified: Vec::new(),
        meta_published: Vec::new(),
        meta_modified: Vec::new(),
        itemprop_published: Vec::new(),
        time_published: Vec::new(),
        time_other: Vec::new(),
        marked_text: Vec::new(),
        title: String::new(),
        month_first: lang == "en-us" || lang == "en",
    };
    for element in root.descendent_elements() {
        let value = element.value();
        let name = value.name();
        if let Some(prop) = value.attr("itemprop") {
            let prop = prop.to_ascii_lowercase();
            if prop == "datepublished" || prop == "datecreated" {
                let text = value
                    .attr("content")
                    .or(value.attr("datetime"))
                    .map(str::to_string)
                    .unwrap_or_else(|| element.text().collect());
                evidence.itemprop_published.push(text);
            }
        }
        match name {
            "meta" => {
                let key = value
                    .attr("property")
                    .or(value.attr("name"))
                    .or(value.attr("itemprop"))
                    .or(value.attr("http-equiv"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let Some(content) = value.attr("content").map(str::trim) else {
                    continue;
                };
                if content.is_empty() {
                    continue;
                }
                if key == "og:url" {
                    evidence.urls.push(content.to_string());
                } else if PUBLISHED_META.contains(&key.as_str()) {
                    evidence.meta_published.push((key, content.to_string()));
                } else if MODIFIED_META.contains(&key.as_str()) {
                    evidence.meta_modified.push((key, content.to_string()));
                }
            }
            "link" => {
                let rel = value.attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical")
                    && let Some(href) = value.attr("href")
                {
                    evidence.urls.push(href.to_string());
                }
            }
            "title" if evidence.title.is_empty() => {
                evidence.title = element.text().collect();
            }
            "script"
                if value
                    .attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                let json = element.text().collect::<String>();
                if let Ok(json) = serde_json::from_str::<Value>(json.trim()) {
                    linked_dates(&json, &mut evidence, 0);
                }
            }
            "time" => {
                let text = value
                    .attr("datetime")
                    .map(str::to_string)
                    .unwrap_or_else(|| element.text().collect());
                let class = value.attr("class").unwrap_or_default().to_ascii_lowercase();
                if value.attr("pubdate").is_some()
                    || class.contains("published")
                    || class.contains("entry-date")
                    || class.contains("pubdate")
                {
                    evidence.time_published.push(text);
                } else if !in_furniture(element) {
                    evidence.time_other.push(text);
                }
            }
            "abbr"
                if value
                    .attr("class")
                    .is_some_and(|c| c.to_ascii_lowercase().contains("published")) =>
            {
                let text = value
                    .attr("title")
                    .map(str::to_string)
                    .unwrap_or_else(|| element.text().collect());
                evidence.time_published.push(text);
            }
            _ => {
                if is_date_marked(element) {
                    let text: String = element.text().collect::<Vec<_>>().join(" ");
                    if text.chars().count() <= 200 && !in_furniture(element) {
                        evidence.marked_text.push(text);
                    }
                }
            }
        }
    }
    evidence
}

/// `datePublished` and `dateModified` anywhere in a JSON-LD tree.
fn linked_dates(value: &Value, evidence: &mut Evidence, depth: usize) {
    if depth > 16 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                linked_dates(item, evidence, depth + 1);
            }
        }
        Value::Object(object) => {
            for (key, item) in object {
                match (key.as_str(), item) {
                    ("datePublished" | "dateCreated", Value::String(text)) => {
                        evidence.linked_published.push(text.clone());
                    }
                    ("dateModified", Value::String(text)) => {
                        evidence.linked_modified.push(text.clone());
                    }
                    (_, Value::Object(_) | Value::Array(_)) => {
                        linked_dates(item, evidence, depth + 1);
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn is_date_marked(element: ElementRef) -> bool {
    let value = element.value();
    if !matches!(
        value.name(),
        "div"
            | "span"
            | "p"
            | "small"
            | "li"
            | "em"
            | "i"
            | "b"
            | "strong"
            | "font"
            | "td"
            | "header"
            | "section"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    ) {
        return false;
    }
    super::marks(value).any(|mark| {
        DATE_MARKS
            .iter()
            .any(|word| mark.split(|c: char| c.is_whitespace()).any(|m| m == *word))
            || mark
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|m| DATE_MARKS.contains(&m))
    })
}

/// True inside comments, sidebars, navigation and footers, whose dates are not the page's.
fn in_furniture(element: ElementRef) -> bool {
    element.ancestors().any(|node| {
        let Some(value) = node.value().as_element() else {
            return false;
        };
        if matches!(value.name(), "aside" | "nav" | "footer") {
            return true;
        }
        super::marks(value).any(|mark| {
            ["comment", "sidebar", "related", "widget", "footer"]
                .iter()
                .any(|w| mark.contains(w))
        })
    })
}

/// The visible text of the page in document order, for the text searches of [`page_date`].
pub(crate) fn visible_text(root: ElementRef) -> String {
    let mut out = String::new();
    collect(root, &mut out);
    out
}

fn collect(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                out.push_str(text);
            }
            Node::Element(value) => {
                if matches!(
                    value.name(),
                    "script" | "style" | "noscript" | "template" | "svg" | "head"
                ) {
                    continue;
                }
                if let Some(child) = ElementRef::wrap(child) {
                    out.push(' ');
                    collect(child, out);
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    fn date_of(html: &str) -> Option<(String, String)> {
        let document = Html::parse_document(html);
        let root = document.root_element();
        let text = visible_text(root);
        let latest = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        page_date(root, &[], &text, latest).map(|d| (d.date.to_string(), d.source))
    }

    #[test]
    fn the_url_date_path_comes_first() {
        assert_eq!(
            url_date("http://blog.python.org/2016/12/23/python-360.html"),
            NaiveDate::from_ymd_opt(2016, 12, 23)
        );
        assert_eq!(url_date("https://x.example/2016/12/python.html"), None);
        assert_eq!(
            url_date("https://x.example/a/2019-05-06-title"),
            NaiveDate::from_ymd_opt(2019, 5, 6)
        );
        let html = r#"<html><head><link rel="canonical" href="https://x.example/2019/05/06/story">
            <meta property="article:modified_time" content="2020-01-01"></head><body></body></html>"#;
        assert_eq!(
            date_of(html),
            Some(("2019-05-06".into(), "url path".into()))
        );
    }

    #[test]
    fn publication_wins_over_update() {
        let html = r#"<html><head>
            <meta property="article:modified_time" content="2021-02-02T10:00:00Z">
            <script type="application/ld+json">{"@type":"NewsArticle","dateModified":"2021-02-03","datePublished":"2021-01-05T08:00:00+01:00"}</script>
            </head><body><p>Updated 2 February 2021</p></body></html>"#;
        assert_eq!(
            date_of(html),
            Some((
                "2021-01-05T08:00:00+01:00".into(),
                "json-ld datePublished".into()
            ))
        );
    }

    #[test]
    fn labelled_text_is_read_in_several_languages() {
        for (text, want) in [
            (
                "Zuletzt aktualisiert: 3.4.2019 · Veröffentlicht am 23.12.2016",
                "2016-12-23",
            ),
            (
                "Published 23 December 2016, updated 2 January 2017",
                "2016-12-23",
            ),
            ("Publié le 5 mars 2018 à 10h", "2018-03-05"),
            ("Опубліковано 12 травня 2020", "2020-05-12"),
            ("发布时间：2019年3月8日", "2019-03-08"),
        ] {
            let html = format!(
                "<html><body><div class=x><p>Some words.</p><p>{text}</p></div></body></html>"
            );
            assert_eq!(
                date_of(&html).map(|d| d.0),
                Some(want.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn future_and_ancient_dates_are_refused() {
        let html = r#"<html><head><meta name="date" content="2099-01-01"></head>
            <body><p>The treaty of 1648-10-24 was signed.</p></body></html>"#;
        assert_eq!(date_of(html), None);
    }

    #[test]
    fn an_american_page_reads_slashed_dates_month_first() {
        let html = r#"<html lang="en-US"><body><span class="date">03/04/2019</span></body></html>"#;
        assert_eq!(date_of(html).map(|d| d.0), Some("2019-03-04".into()));
        let html = r#"<html lang="de"><body><span class="date">03/04/2019</span></body></html>"#;
        assert_eq!(date_of(html).map(|d| d.0), Some("2019-04-03".into()));
    }
}
