//! Coverage of a search: how many matching articles each source and each year, month or day has
//! ([`Facets`], [`facets`]).
//!
//! Counts come from the `date` and `source` fast fields through one collector pass; no stored
//! document is read. Dates are bucketed by each article's calendar day as published (UTC with
//! `--utc`), the way `--from`/`--to` filter them.

use crate::index::schema::field;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::{SearchRequest, query};
use crate::error::Result;
use crate::index::copies::Signature;
use crate::index::schema::COPY_ARTICLE;
use crate::index::{NewsIndex, SourceCount};

const SECONDS_PER_DAY: i64 = 86_400;

/// How finely [`Facets::dates`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Per calendar year: `"2024"`.
    Year,
    /// Per month: `"2024-06"`.
    #[default]
    Month,
    /// Per day: `"2024-06-21"`.
    Day,
}

impl crate::choice::Choice for Period {
    const NAMES: &'static [(&'static str, Period, &'static str)] = &[
        ("year", Period::Year, "One bar per year"),
        ("month", Period::Month, "One bar per month"),
        ("day", Period::Day, "One bar per day"),
    ];
    const WHAT: &'static str = "period";
}

/// What the facets count: matching articles, or the stories they make (copies counted once,
/// as [`super::copies::Stories::count`] groups them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Counted {
    /// Each matching article counts.
    #[default]
    Articles,
    /// Copies of one story count once per source and per period.
    Stories,
}

impl crate::choice::Choice for Counted {
    const NAMES: &'static [(&'static str, Counted, &'static str)] = &[
        (
            "articles",
            Counted::Articles,
            "Count every matching article",
        ),
        (
            "stories",
            Counted::Stories,
            "Count a story once, however many articles carry it",
        ),
    ];
    const WHAT: &'static str = "thing to count";
}

crate::choice::by_name!(Period, Counted);

impl Period {
    /// The first day of the period holding `day`.
    fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Year => day.with_ordinal(1),
            Period::Month => day.with_day(1),
            Period::Day => Some(day),
        }
        .unwrap_or(day)
    }

    /// The first day of the period after the one starting on `start`.
    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Year => start.checked_add_months(Months::new(12)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Day => start.succ_opt(),
        }
    }

    /// The period's name, in the form `--from`/`--to` accept: `2024`, `2024-06`, `2024-06-21`.
    fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Year => format!("{:04}", start.year()),
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Day => start.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Counts of the articles matching one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Articles that match.
    pub total: u64,
    /// Of those, how many have no date (they are not counted in `dates`).
    pub undated: u64,
    /// What each entry of `dates` counts.
    pub by: Period,
    /// What the counts count: `articles` (each entry's `articles`), or `stories` (each entry's
    /// `stories` too, entries ordered by it).
    #[serde(default)]
    pub counted: Counted,
    /// How many stories the matching articles make, when stories are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stories: Option<u64>,
    /// Matching articles per normalised source, most first; articles without one are left out.
    pub sources: Vec<SourceCount>,
    /// Matching articles per period, oldest first; periods without any are left out.
    pub dates: Vec<PeriodCount>,
}

/// One period of a timeline and its number of articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// `2024`, `2024-06` or `2024-06-21`, by the [`Period`].
    pub period: String,
    /// Articles dated in it.
    pub articles: u64,
    /// Stories dated in it (a story printed over several periods counts in each), when
    /// stories are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stories: Option<u64>,
}

impl PeriodCount {
    /// The count [`Facets::counted`] names.
    pub fn count(&self) -> u64 {
        self.stories.unwrap_or(self.articles)
    }
}

/// Counts the articles matching `request` per source and per `by` period.
///
/// Paging and sort order of the request are ignored: every matching article counts.
///
/// # Errors
/// [`crate::Error::InvalidQuery`] when the query cannot be read; [`crate::Error::Search`] when
/// the index cannot be read.
pub fn facets(index: &NewsIndex, request: &SearchRequest, by: Period) -> Result<Facets> {
    let compiled = query::compile(index, request)?;
    let searcher = index.reader().searcher();
    // The same reading the list is drawn from, fallbacks included; no stories are gathered
    // for a list that is not shown.
    let listing = SearchRequest {
        copies: super::CopiesMode::All,
        ..request.clone()
    };
    let resolved = super::resolve(index, &searcher, &compiled, &listing, 0)?;
    count(
        index,
        &searcher,
        resolved.query.as_ref(),
        by,
        request.facets_by,
    )
}

/// Counts the articles matching `query`, already resolved ([`super::resolve`]), per source
/// and per `by` period; [`super::search`] calls it for a request with `facets`.
pub(crate) fn count(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    by: Period,
    counted: Counted,
) -> Result<Facets> {
    let counts = searcher
        .search(
            query,
            &CoverageCollector {
                date_field: index.fields().date_name().to_string(),
                stories: counted == Counted::Stories,
            },
        )
        .map_err(|e| index.search_error(e))?;
    if counted == Counted::Stories {
        return Ok(story_facets(counts, by));
    }
    let mut periods: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    for (day_number, articles) in counts.days {
        let Some(day) = epoch.checked_add_signed(chrono::Duration::days(day_number)) else {
            continue;
        };
        *periods.entry(by.start(day)).or_default() += articles;
    }
    let sources = SourceCount::ranked(counts.sources);
    Ok(Facets {
        total: counts.total,
        undated: counts.undated,
        by,
        sources,
        dates: periods
            .into_iter()
            .map(|(start, articles)| PeriodCount {
                period: by.label(start),
                articles,
                stories: None,
            })
            .collect(),
        counted: Counted::Articles,
        stories: None,
    })
}

/// The facets of `coverage` counting stories: each matching article's story found from the
/// signatures gathered with it, then distinct stories counted per source and per period.
fn story_facets(coverage: Coverage, by: Period) -> Facets {
    let matches = coverage.matches;
    let stories = super::copies::Stories::of(matches.iter().map(|m| m.signature).collect());
    let roots = stories.roots();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut sources: HashMap<&str, (u64, HashSet<u32>)> = HashMap::new();
    let mut periods: BTreeMap<NaiveDate, (u64, HashSet<u32>)> = BTreeMap::new();
    for (found, &root) in matches.iter().zip(&roots) {
        for source in &found.sources {
            let entry = sources.entry(source.as_str()).or_default();
            entry.0 += 1;
            entry.1.insert(root);
        }
        let day = found
            .day
            .and_then(|day| epoch.checked_add_signed(chrono::Duration::days(day)));
        if let Some(day) = day {
            let entry = periods.entry(by.start(day)).or_default();
            entry.0 += 1;
            entry.1.insert(root);
        }
    }
    let mut sources: Vec<SourceCount> = sources
        .into_iter()
        .map(|(source, (articles, stories))| SourceCount {
            source: source.to_string(),
            name: None,
            articles,
            stories: Some(stories.len() as u64),
        })
        .collect();
    sources.sort_by(|a, b| {
        b.stories
            .cmp(&a.stories)
            .then_with(|| b.articles.cmp(&a.articles))
            .then_with(|| a.source.cmp(&b.source))
    });
    let distinct: HashSet<u32> = roots.iter().copied().collect();
    Facets {
        total: coverage.total,
        undated: coverage.undated,
        by,
        counted: Counted::Stories,
        stories: Some(distinct.len() as u64),
        sources,
        dates: periods
            .into_iter()
            .map(|(start, (articles, stories))| PeriodCount {
                period: by.label(start),
                articles,
                stories: Some(stories.len() as u64),
            })
            .collect(),
    }
}

impl Facets {
    /// Every period from the first counted to the last, those without articles as zeros, for
    /// drawing a timeline whose gaps show.
    pub fn filled_dates(&self) -> Vec<PeriodCount> {
        let parse = |label: &str| {
            crate::date::PartialDate::parse(label)
                .ok()
                .map(|date| date.first)
        };
        let (Some(first), Some(last)) = (
            self.dates.first().and_then(|p| parse(&p.period)),
            self.dates.last().and_then(|p| parse(&p.period)),
        ) else {
            return self.dates.clone();
        };
        let counted: HashMap<&str, (u64, Option<u64>)> = self
            .dates
            .iter()
            .map(|p| (p.period.as_str(), (p.articles, p.stories)))
            .collect();
        let mut filled = Vec::new();
        let mut start = first;
        while start <= last {
            let period = self.by.label(start);
            let (articles, stories) = counted
                .get(period.as_str())
                .copied()
                .unwrap_or((0, self.stories.map(|_| 0)));
            filled.push(PeriodCount {
                period,
                articles,
                stories,
            });
            match self.by.next(start) {
                Some(next) => start = next,
                None => break,
            }
        }
        filled
    }
}

/// What one pass over the matching documents counts.
#[derive(Debug, Default)]
struct Coverage {
    total: u64,
    undated: u64,
    /// Articles per day, days numbered from 1970-01-01 (negative before).
    days: HashMap<i64, u64>,
    /// Articles per source key.
    sources: HashMap<String, u64>,
    /// Each matching article, when stories are counted.
    matches: Vec<Match>,
}

/// One matching article as story facets need it.
#[derive(Debug)]
struct Match {
    signature: Option<Signature>,
    /// Its day, numbered from 1970-01-01.
    day: Option<i64>,
    /// Its source keys.
    sources: Vec<String>,
}

/// Counts matching documents per day and per source from the fast fields.
struct CoverageCollector {
    /// The date fast field to bucket by (each article's own day, or UTC with `--utc`).
    date_field: String,
    /// Whether each match is kept with its signature, for counting stories.
    stories: bool,
}

/// [`CoverageCollector`]'s work on one segment: source counts stay term ordinals until harvest.
struct SegmentCoverage {
    dates: Column<tantivy::DateTime>,
    source: Option<StrColumn>,
    source_ords: Vec<u64>,
    coverage: Coverage,
    /// The signatures' column, when stories are counted.
    signatures: Option<Column<u64>>,
    /// Per match kept, its source ordinals (resolved to names at harvest).
    match_ords: Vec<Vec<u64>>,
}

impl Collector for CoverageCollector {
    type Fruit = Coverage;
    type Child = SegmentCoverage;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCoverage> {
        let fast = reader.fast_fields();
        let dates = fast.date(&self.date_field)?;
        let source = fast.str(field::SOURCE)?;
        let terms = source.as_ref().map_or(0, |column| column.num_terms());
        let signatures = match self.stories {
            true => Some(fast.u64(COPY_ARTICLE)?),
            false => None,
        };
        Ok(SegmentCoverage {
            dates,
            source,
            source_ords: vec![0; terms],
            coverage: Coverage::default(),
            signatures,
            match_ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Coverage>) -> tantivy::Result<Coverage> {
        let mut merged = Coverage::default();
        for fruit in fruits {
            merged.total += fruit.total;
            merged.undated += fruit.undated;
            for (day, count) in fruit.days {
                *merged.days.entry(day).or_default() += count;
            }
            for (source, count) in fruit.sources {
                *merged.sources.entry(source).or_default() += count;
            }
            merged.matches.extend(fruit.matches);
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCoverage {
    type Fruit = Coverage;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.coverage.total += 1;
        let day = self
            .dates
            .first(doc)
            .map(|date| date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY));
        match day {
            Some(day) => *self.coverage.days.entry(day).or_default() += 1,
            None => self.coverage.undated += 1,
        }
        if let Some(column) = &self.signatures {
            self.coverage.matches.push(Match {
                signature: Signature::from_values(column.values_for_doc(doc)),
                day,
                sources: Vec::new(),
            });
            let ords = self
                .source
                .as_ref()
                .map_or_else(Vec::new, |source| source.term_ords(doc).collect());
            self.match_ords.push(ords);
        }
        if let Some(column) = &self.source {
            for ord in column.term_ords(doc) {
                if let Some(count) = usize::try_from(ord)
                    .ok()
                    .and_then(|at| self.source_ords.get_mut(at))
                {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(mut self) -> Coverage {
        if let Some(column) = &self.source {
            let mut names: HashMap<u64, String> = HashMap::new();
            for (found, ords) in self.coverage.matches.iter_mut().zip(&self.match_ords) {
                for &ord in ords {
                    let name = names.entry(ord).or_insert_with(|| {
                        let mut name = String::new();
                        column.ord_to_str(ord, &mut name).unwrap_or(false);
                        name
                    });
                    found.sources.push(name.clone());
                }
            }
            let mut name = String::new();
            for (ord, &count) in self.source_ords.iter().enumerate() {
                name.clear();
                if count > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    *self.coverage.sources.entry(name.clone()).or_default() += count;
                }
            }
        }
        self.coverage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets_with(by: Period, dates: &[(&str, u64)]) -> Facets {
        Facets {
            total: dates.iter().map(|(_, n)| n).sum(),
            undated: 0,
            by,
            counted: Counted::Articles,
            stories: None,
            sources: Vec::new(),
            dates: dates
                .iter()
                .map(|(period, articles)| PeriodCount {
                    period: period.to_string(),
                    articles: *articles,
                    stories: None,
                })
                .collect(),
        }
    }

    #[test]
    fn periods_are_named_like_partial_dates() {
        let day = NaiveDate::from_ymd_opt(1916, 1, 23).unwrap();
        assert_eq!(Period::Year.label(Period::Year.start(day)), "1916");
        assert_eq!(Period::Month.label(Period::Month.start(day)), "1916-01");
        assert_eq!(Period::Day.label(Period::Day.start(day)), "1916-01-23");
    }

    #[test]
    fn filled_dates_show_the_gaps_as_zeros() {
        let facets = facets_with(Period::Month, &[("2019-11", 2), ("2020-02", 5)]);
        let filled: Vec<(String, u64)> = facets
            .filled_dates()
            .into_iter()
            .map(|p| (p.period, p.articles))
            .collect();
        assert_eq!(
            filled,
            [
                ("2019-11".to_string(), 2),
                ("2019-12".to_string(), 0),
                ("2020-01".to_string(), 0),
                ("2020-02".to_string(), 5)
            ]
        );
        assert!(facets_with(Period::Day, &[]).filled_dates().is_empty());
    }
}
