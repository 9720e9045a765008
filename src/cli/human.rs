//! Text output for people: numbered hits with date, source and path, and highlighted passages.
//!
//! Highlights are ANSI bold colour on a terminal and `**word**` markers otherwise. Paths are
//! shown relative to the current folder when they lie under it.

use std::io::{self, Write};
use std::path::Path;

use newsindex::article::Article;
use newsindex::date::ArticleDate;
use newsindex::index::IndexStats;
use newsindex::search::copies::CopiesReport;
use newsindex::search::passage::Context;
use newsindex::search::{
    Copy, Counted, Explain, Facets, Group, Mode, Note, Passage, SearchRequest, SearchResults,
};

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Writes a page of hits.
///
/// # Errors
/// The writer's error.
// Longer than most: the header, each hit's lines and the footer share the width, colour and
// paging state of one page of results; each part's formatting is a function of its own.
pub fn write_results(
    out: &mut impl Write,
    results: &SearchResults,
    request: &SearchRequest,
    color: bool,
) -> io::Result<()> {
    let noun = match (results.mode, results.total == 1) {
        (Mode::All, true) => "article matches",
        (Mode::All, false) => "articles match",
        (Mode::Question, true) => "article holds words of the question",
        (Mode::Question, false) => "articles hold words of the question",
        (_, true) => "article has some of the words",
        (_, false) => "articles have some of the words",
    };
    if results.mode == Mode::Closest {
        writeln!(out, "{}", Note::Closest)?;
    }
    if results.hits.is_empty() {
        let total = results.total;
        if total == 0 || request.limit == 0 {
            writeln!(out, "{total} {noun}")?;
        } else {
            let hint = match results.group {
                Group::Article => {
                    let limit = request.limit as u64;
                    format!(
                        "the last page starts at --offset {}",
                        (total - 1) / limit * limit
                    )
                }
                Group::Passage => "try a smaller --offset".to_string(),
            };
            writeln!(
                out,
                "{total} {noun}; --offset {} is past the last of them ({hint})",
                request.offset
            )?;
        }
        return write_facet_lines(out, results.facets.as_ref());
    }
    let first = request.offset + 1;
    let last = request.offset + results.hits.len();
    let unit = match results.group {
        Group::Article => "",
        Group::Passage => "passages ",
    };
    match results.stories.filter(|&stories| stories != results.total) {
        Some(stories) => writeln!(
            out,
            "{stories} {} ({} {noun}; showing {unit}{first}-{last})",
            if stories == 1 { "story" } else { "stories" },
            results.total
        )?,
        None => writeln!(
            out,
            "{} {noun} (showing {unit}{first}-{last})",
            results.total
        )?,
    }
    let width = layout_width();
    for (number, hit) in (first..).zip(&results.hits) {
        writeln!(out)?;
        let title = if hit.title.is_empty() {
            "(untitled)"
        } else {
            hit.title.as_str()
        };
        let number = format!("{number}. ");
        let indent = " ".repeat(number.chars().count().max(3));
        let title = if color {
            format!("{BOLD}{title}{RESET}")
        } else {
            title.to_string()
        };
        write_wrapped(out, &title, width, &number, &indent)?;
        let date = hit.date.map_or_else(|| "undated".to_string(), shown_date);
        let mut meta = vec![date];
        if let Some(source) = &hit.source {
            meta.push(source.clone());
        }
        let id = format!("id {}", hit.id);
        let path = shown_path(&hit.path);
        // The path joins the line when it fits the width, else it gets a line of its own; a
        // pipe gets one line per hit, as grep-like tools expect.
        let joined = format!("{} · {path} · {id}", meta.join(" · "));
        let fits = width.is_none_or(|width| indent.len() + joined.chars().count() <= width);
        let lines = if fits {
            vec![joined]
        } else {
            meta.push(id);
            vec![meta.join(" · "), path]
        };
        for line in lines {
            if color {
                writeln!(out, "{indent}{DIM}{line}{RESET}")?;
            } else {
                writeln!(out, "{indent}{line}")?;
            }
        }
        for passage in &hit.passages {
            let mut text = Vec::new();
            write_passage(&mut text, passage, color)?;
            write_wrapped(
                out,
                &String::from_utf8_lossy(&text),
                width,
                &indent,
                &indent,
            )?;
            if !passage.reprints.is_empty() {
                writeln!(
                    out,
                    "{indent}reprinted in {}: {}",
                    passage.reprints.len(),
                    copy_list(&passage.reprints)
                )?;
            }
        }
        if !hit.copies.is_empty() {
            writeln!(
                out,
                "{indent}also carried by {}: {} (newsindex copies {})",
                hit.copies.len(),
                copy_list(&hit.copies),
                hit.id
            )?;
        }
        if let Some(explain) = &hit.explain {
            write_explain(out, explain)?;
        }
    }
    write_facet_lines(out, results.facets.as_ref())
}

/// The width to lay text out in: `COLUMNS` when set, else the terminal's when stdout is one;
/// `None` (no wrapping, one line per passage, as grep prints) for a pipe or a file.
fn layout_width() -> Option<usize> {
    use std::io::IsTerminal;
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|text| text.trim().parse::<usize>().ok())
        .filter(|&columns| columns >= 20);
    columns.or_else(|| {
        io::stdout()
            .is_terminal()
            .then(textwrap::termwidth)
            .filter(|&columns| columns >= 20)
    })
}

/// Writes `text` after `first` (a number, or an indent), wrapped to `width` with the lines
/// after the first indented by `rest`: a hanging indent. Without a width, one line.
fn write_wrapped(
    out: &mut impl Write,
    text: &str,
    width: Option<usize>,
    first: &str,
    rest: &str,
) -> io::Result<()> {
    match width {
        Some(width) => {
            let options = textwrap::Options::new(width)
                .initial_indent(first)
                .subsequent_indent(rest);
            writeln!(out, "{}", textwrap::fill(text, options))
        }
        None => writeln!(out, "{first}{text}"),
    }
}

/// A date as people read it: `2024-06-21`, or `2024-06-21 09:30` when the time is known (the
/// time as published; `show` and the JSON give the offset).
fn shown_date(date: ArticleDate) -> String {
    match date {
        ArticleDate::Day(day) => day.format("%Y-%m-%d").to_string(),
        ArticleDate::Time(time) => time.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// Writes why a hit ranks where it does: the formula, the passages' parts, tantivy's tree.
fn write_explain(out: &mut impl Write, explain: &Explain) -> io::Result<()> {
    writeln!(out, "   why: {}", explain.formula)?;
    let title = explain.title.iter().map(|t| ("title", t));
    let passages = explain.passages.iter().map(|p| ("passage", p));
    for (name, passage) in title.chain(passages) {
        let parts: Vec<String> = passage
            .parts
            .iter()
            .map(|part| match part.what.as_str() {
                "proximity" => format!("proximity {:.2} ({} pairs)", part.score, part.count),
                what => format!(
                    "{what} {:.2} (weight {:.2}, {}×)",
                    part.score, part.weight, part.count
                ),
            })
            .collect();
        writeln!(
            out,
            "     {name} {}-{}: holds {:.0}% of the query; scores {:.2} = {}",
            passage.start,
            passage.end,
            passage.share * 100.0,
            passage.score,
            parts.join(" + ")
        )?;
    }
    writeln!(out, "     bm25:")?;
    write_explanation(out, &explain.tantivy, 3)
}

/// Writes tantivy's explanation tree, one indented line per node.
fn write_explanation(
    out: &mut impl Write,
    node: &serde_json::Value,
    depth: usize,
) -> io::Result<()> {
    let value = node.get("value").and_then(serde_json::Value::as_f64);
    let description = node
        .get("description")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if let Some(value) = value {
        writeln!(
            out,
            "{:indent$}{value:.3} {description}",
            "",
            indent = depth * 2
        )?;
    }
    if let Some(details) = node.get("details").and_then(serde_json::Value::as_array) {
        for detail in details {
            write_explanation(out, detail, depth + 1)?;
        }
    }
    Ok(())
}

/// How many sources `search --facets` and `stats` name before counting the rest.
const TOP_SOURCES: usize = 10;

/// Writes `search --facets`' two summary lines: articles per source and per year.
fn write_facet_lines(out: &mut impl Write, facets: Option<&Facets>) -> io::Result<()> {
    let Some(facets) = facets else {
        return Ok(());
    };
    let mut sources: Vec<String> = facets
        .sources
        .iter()
        .take(TOP_SOURCES)
        .map(|s| format!("{} {}", s.source, s.stories.unwrap_or(s.articles)))
        .collect();
    if facets.sources.len() > TOP_SOURCES {
        sources.push(format!(
            "and {} more (--json lists them all)",
            facets.sources.len() - TOP_SOURCES
        ));
    }
    let mut years: Vec<String> = facets
        .dates
        .iter()
        .map(|p| format!("{} {}", p.period, p.count()))
        .collect();
    if facets.undated > 0 {
        years.push(format!("undated {}", facets.undated));
    }
    let counted = match facets.counted {
        Counted::Articles => "articles",
        Counted::Stories => "stories",
    };
    let none = || "none".to_string();
    writeln!(out)?;
    writeln!(
        out,
        "sources ({counted}): {}",
        if sources.is_empty() {
            none()
        } else {
            sources.join(" · ")
        }
    )?;
    writeln!(
        out,
        "years ({counted}):   {}",
        if years.is_empty() {
            none()
        } else {
            years.join(" · ")
        }
    )
}

/// Longest bar of a timeline, in characters.
const BAR_WIDTH: usize = 50;

/// Writes a bar chart of matching articles per period, gaps shown as empty periods.
///
/// # Errors
/// The writer's error.
pub fn write_timeline(out: &mut impl Write, facets: &Facets, color: bool) -> io::Result<()> {
    let noun = if facets.total == 1 {
        "article matches"
    } else {
        "articles match"
    };
    let mut heading = format!("{} {noun}", facets.total);
    if facets.undated > 0 {
        heading.push_str(&format!(" ({} undated, not charted)", facets.undated));
    }
    if let Some(stories) = facets.stories {
        let noun = if stories == 1 { "story" } else { "stories" };
        heading.push_str(&format!("; {stories} {noun}, charted as stories"));
    }
    writeln!(out, "{heading}")?;
    let periods = facets.filled_dates();
    if periods.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let most = periods.iter().map(|p| p.count()).max().unwrap_or(0).max(1);
    let label_width = periods.iter().map(|p| p.period.len()).max().unwrap_or(0);
    let count_width = most.to_string().len();
    for period in &periods {
        let bar = bar(period.count(), most);
        let line = format!(
            "{:<label_width$}  {:>count_width$}",
            period.period,
            period.count()
        );
        match (bar.is_empty(), color) {
            (true, _) => writeln!(out, "{line}")?,
            (false, true) => writeln!(out, "{line} {MATCH}{bar}{RESET}")?,
            (false, false) => writeln!(out, "{line} {bar}")?,
        }
    }
    Ok(())
}

/// A bar `count / most` of [`BAR_WIDTH`] long, in eighths of a character; any count shows.
fn bar(count: u64, most: u64) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if count == 0 {
        return String::new();
    }
    let eighths = ((count as f64 / most as f64) * (BAR_WIDTH * 8) as f64).round() as usize;
    let eighths = eighths.max(1);
    let (full, rest) = (eighths / 8, eighths % 8);
    let mut bar = "█".repeat(full);
    if rest > 0 {
        bar.push(EIGHTHS[rest]);
    }
    bar
}

/// Writes a passage on one line with its highlights marked.
fn write_passage(out: &mut impl Write, passage: &Passage, color: bool) -> io::Result<()> {
    let (open, close) = if color { (MATCH, RESET) } else { ("**", "**") };
    let marks = merge_adjacent(&passage.text, &passage.highlights);
    let mut marks = marks.iter().peekable();
    let mut inside = false;
    let mut previous_space = false;
    for (at, c) in passage.text.chars().enumerate() {
        if inside && marks.peek().is_some_and(|[_, end]| *end == at) {
            out.write_all(close.as_bytes())?;
            marks.next();
            inside = false;
        }
        if !inside && marks.peek().is_some_and(|[start, _]| *start == at) {
            out.write_all(open.as_bytes())?;
            inside = true;
        }
        if c.is_whitespace() {
            if !previous_space {
                out.write_all(b" ")?;
            }
            previous_space = true;
        } else {
            // A character's bytes as they are: a formatting call per character was about half
            // of what printing a page of hits cost.
            out.write_all(c.encode_utf8(&mut [0u8; 4]).as_bytes())?;
            previous_space = false;
        }
    }
    if inside {
        out.write_all(close.as_bytes())?;
    }
    Ok(())
}

/// Joins highlights separated only by spaces, so a matched phrase is marked once.
fn merge_adjacent(text: &str, highlights: &[[usize; 2]]) -> Vec<[usize; 2]> {
    let chars: Vec<char> = text.chars().collect();
    let mut merged: Vec<[usize; 2]> = Vec::with_capacity(highlights.len());
    for &[start, end] in highlights {
        if let Some(last) = merged.last_mut() {
            let gap = chars.get(last[1]..start).unwrap_or_default();
            if !gap.is_empty() && gap.len() <= 2 && gap.iter().all(|c| *c == ' ') {
                last[1] = end;
                continue;
            }
        }
        merged.push([start, end]);
    }
    merged
}

/// Writes a whole article: metadata lines, a blank line, the body.
///
/// # Errors
/// The writer's error.
pub fn write_article(out: &mut impl Write, article: &Article, color: bool) -> io::Result<()> {
    write_metadata(out, article, color)?;
    writeln!(out)?;
    writeln!(out, "{}", article.body)
}

/// Writes an article's title and `Name: value` metadata lines.
fn write_metadata(out: &mut impl Write, article: &Article, color: bool) -> io::Result<()> {
    if color {
        writeln!(out, "{BOLD}{}{RESET}", article.title)?;
    } else {
        writeln!(out, "{}", article.title)?;
    }
    let date = article.date.map(|date| match date {
        ArticleDate::Day(_) => shown_date(date),
        ArticleDate::Time(time) => time.format("%Y-%m-%d %H:%M %:z").to_string(),
    });
    let date = match (date, &article.date_source) {
        (Some(date), Some(source)) => format!("{date} (from {source})"),
        (Some(date), None) => date,
        (None, _) => "undated".to_string(),
    };
    let fields = [
        ("Date", Some(date)),
        ("Source", article.source.clone()),
        ("Byline", article.byline.clone()),
        ("Url", article.url.clone()),
        ("Path", Some(shown_path(&article.path))),
        ("Id", Some(article.id.clone())),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            writeln!(out, "{name}: {value}")?;
        }
    }
    Ok(())
}

/// Writes an article's metadata and its passages around an offset, the one holding the offset
/// marked with `> ` (and coloured on a terminal).
///
/// # Errors
/// The writer's error.
pub fn write_context(
    out: &mut impl Write,
    article: &Article,
    context: &Context,
    color: bool,
) -> io::Result<()> {
    write_metadata(out, article, color)?;
    writeln!(out)?;
    let more = |out: &mut dyn Write, count: usize, place: &str| -> io::Result<()> {
        match count {
            0 => Ok(()),
            1 => writeln!(out, "[1 passage {place}]\n"),
            n => writeln!(out, "[{n} passages {place}]\n"),
        }
    };
    more(out, context.skipped_before, "before")?;
    for passage in &context.before {
        writeln!(out, "{}\n", passage.text)?;
    }
    writeln!(
        out,
        "> [characters {}-{}]",
        context.passage.start, context.passage.end
    )?;
    for line in context.passage.text.lines() {
        if color {
            writeln!(out, "> {MATCH}{line}{RESET}")?;
        } else {
            writeln!(out, "> {line}")?;
        }
    }
    for passage in &context.after {
        writeln!(out, "\n{}", passage.text)?;
    }
    if context.skipped_after > 0 {
        writeln!(out)?;
    }
    more(out, context.skipped_after, "after")
}

/// Writes index statistics as aligned lines.
///
/// # Errors
/// The writer's error.
pub fn write_stats(out: &mut impl Write, stats: &IndexStats) -> io::Result<()> {
    writeln!(
        out,
        "index:     {} ({})",
        stats.index,
        human_bytes(stats.index_bytes)
    )?;
    for root in &stats.root_articles {
        let gone = if root.present {
            ""
        } else {
            " (gone: `newsindex index --prune` removes its articles)"
        };
        writeln!(
            out,
            "built from: {} ({} articles){gone}",
            shown_path(&root.root),
            root.articles
        )?;
    }
    writeln!(
        out,
        "articles:  {} ({} undated)",
        stats.articles, stats.undated
    )?;
    match (&stats.earliest, &stats.latest) {
        (Some(earliest), Some(latest)) => writeln!(out, "dates:     {earliest} to {latest}")?,
        _ => writeln!(out, "dates:     none")?,
    }
    writeln!(out, "sources:   {}", stats.sources.len())?;
    for source in stats.sources.iter().take(TOP_SOURCES) {
        let name = source.name.as_deref().unwrap_or(&source.source);
        writeln!(out, "  {:>8}  {name}", source.articles)?;
    }
    if let Some(rest) = stats
        .sources
        .get(TOP_SOURCES..)
        .filter(|rest| !rest.is_empty())
    {
        let articles: u64 = rest.iter().map(|s| s.articles).sum();
        writeln!(
            out,
            "  {articles:>8}  in {} more sources (stats --json lists them all)",
            rest.len()
        )?;
    }
    Ok(())
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `path` relative to the current folder when under it, else as stored.
fn shown_path(path: &str) -> String {
    let current = std::env::current_dir().ok();
    match current
        .as_deref()
        .and_then(|dir| Path::new(path).strip_prefix(dir).ok())
    {
        Some(relative) => relative.display().to_string(),
        None => path.to_string(),
    }
}

/// "Source, date" of the first few copies, then how many more.
fn copy_list(copies: &[Copy]) -> String {
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = copies
        .iter()
        .take(SHOWN)
        .map(|copy| {
            let date = copy
                .date
                .map_or_else(|| "undated".to_string(), |d| d.to_string());
            let aligned = match copy.aligned_words {
                Some(words) => format!(" ({words} words aligned)"),
                None => String::new(),
            };
            match &copy.source {
                Some(source) => format!("{source}, {date}{aligned}"),
                None => format!("{date} (id {}){aligned}", copy.id),
            }
        })
        .collect();
    if copies.len() > SHOWN {
        parts.push(format!("{} more", copies.len() - SHOWN));
    }
    parts.join("; ")
}

/// Writes an article's copies in date order with their added and removed sentences, then
/// its reprinted passages (`newsindex copies`).
///
/// # Errors
/// The writer's error.
pub fn write_copies(out: &mut impl Write, report: &CopiesReport, color: bool) -> io::Result<()> {
    let date = |d: &Option<newsindex::date::ArticleDate>| {
        d.map_or_else(|| "undated".to_string(), |d| d.to_string())
    };
    let title = if report.title.is_empty() {
        "(untitled)"
    } else {
        report.title.as_str()
    };
    if color {
        writeln!(out, "{BOLD}{title}{RESET}")?;
    } else {
        writeln!(out, "{title}")?;
    }
    writeln!(
        out,
        "{} · {} · id {}",
        date(&report.date),
        report.source.as_deref().unwrap_or("no source"),
        report.id
    )?;
    match report.copies.len() {
        0 => writeln!(out, "\nNo copies of the whole article.")?,
        n => writeln!(out, "\n{n} {}:", if n == 1 { "copy" } else { "copies" })?,
    }
    for diff in &report.copies {
        let copy = &diff.copy;
        writeln!(
            out,
            "\n  {} · {} · similarity {:.2} · id {}",
            date(&copy.date),
            copy.source.as_deref().unwrap_or("no source"),
            copy.similarity,
            copy.id
        )?;
        for sentence in &diff.added {
            writeln!(out, "    + {sentence}")?;
        }
        for sentence in &diff.removed {
            writeln!(out, "    - {sentence}")?;
        }
    }
    if !report.passages.is_empty() {
        writeln!(
            out,
            "\n{} passages printed elsewhere:",
            report.passages.len()
        )?;
    }
    for passage in &report.passages {
        let text: String = passage
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let text: String = text.chars().take(160).collect();
        writeln!(out, "\n  [{}-{}] {text}…", passage.start, passage.end)?;
        for reprint in &passage.reprints {
            let how = match reprint.aligned_words {
                Some(words) => format!(
                    "{words} words aligned ({:.0}% of the passage)",
                    reprint.similarity * 100.0
                ),
                None => format!("similarity {:.2}", reprint.similarity),
            };
            writeln!(
                out,
                "    {} · {} · {how} · id {} at {}",
                date(&reprint.date),
                reprint.source.as_deref().unwrap_or("no source"),
                reprint.id,
                reprint.start.unwrap_or(0)
            )?;
        }
    }
    Ok(())
}
