//! Coverage of a search: how many matching articles each source and each year, month or day has
//! ([`Facets`], [`facets`]).
//!
//! Counts come from the `date` and `source` fast fields through one collector pass; no stored
//! document is read. Dates are bucketed by each article's calendar day as published (UTC with
//! `--utc`), the way `--from`/`--to` filter them.

use crate::index::schema::field;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::{SearchRequest, query};
use crate::error::Result;
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

crate::choice::by_name!(Period);

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
    // The same reading the list is drawn from, fallbacks included.
    let resolved = super::resolve(index, &searcher, &compiled, request, 0)?;
    count(index, &searcher, resolved.query.as_ref(), by)
}

/// Counts the articles matching `query`, already resolved ([`super::resolve`]), per source
/// and per `by` period; [`super::search`] calls it for a request with `facets`.
pub(crate) fn count(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    by: Period,
) -> Result<Facets> {
    let counts = searcher
        .search(
            query,
            &CoverageCollector {
                date_field: index.fields().date_name().to_string(),
            },
        )
        .map_err(|e| index.search_error(e))?;
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
            })
            .collect(),
    })
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
        let counted: HashMap<&str, u64> = self
            .dates
            .iter()
            .map(|p| (p.period.as_str(), p.articles))
            .collect();
        let mut filled = Vec::new();
        let mut start = first;
        while start <= last {
            let period = self.by.label(start);
            let articles = counted.get(period.as_str()).copied().unwrap_or(0);
            filled.push(PeriodCount { period, articles });
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
}

/// Counts matching documents per day and per source from the fast fields.
struct CoverageCollector {
    /// The date fast field to bucket by (each article's own day, or UTC with `--utc`).
    date_field: String,
}

/// [`CoverageCollector`]'s work on one segment: source counts stay term ordinals until harvest.
struct SegmentCoverage {
    dates: Column<tantivy::DateTime>,
    source: Option<StrColumn>,
    source_ords: Vec<u64>,
    coverage: Coverage,
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
        Ok(SegmentCoverage {
            dates,
            source,
            source_ords: vec![0; terms],
            coverage: Coverage::default(),
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
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCoverage {
    type Fruit = Coverage;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.coverage.total += 1;
        match self.dates.first(doc) {
            Some(date) => {
                let day = date.into_timestamp_secs().div_euclid(SECONDS_PER_DAY);
                *self.coverage.days.entry(day).or_default() += 1;
            }
            None => self.coverage.undated += 1,
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
            sources: Vec::new(),
            dates: dates
                .iter()
                .map(|(period, articles)| PeriodCount {
                    period: period.to_string(),
                    articles: *articles,
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
