//! Article dates ([`ArticleDate`]) and the partial dates of `--from`/`--to` ([`DateRange`]).
//!
//! Parsing is chrono's; this module only lists the layouts news archives use. Dates before
//! 1970 are ordinary negative timestamps. Nothing here looks at file modification times.

use std::fmt;
use std::sync::OnceLock;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// When an article was published: a calendar day, or an instant with its zone when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleDate {
    /// Only the day is known.
    Day(NaiveDate),
    /// The time is known too, with the offset it was given in.
    Time(DateTime<FixedOffset>),
}

/// The earliest year an article may have (the index stores nanoseconds in an i64).
pub const MIN_YEAR: i32 = 1678;
/// The latest year an article may have.
pub const MAX_YEAR: i32 = 2261;

/// Seconds of the first instant the index can hold; filter bounds are clamped to it.
pub const MIN_SECONDS: i64 = -9_214_560_000;
/// Seconds of the last instant the index can hold.
pub const MAX_SECONDS: i64 = 9_214_560_000;

/// A list of layouts chrono reads dates by, each parsed into chrono's items once per process
/// rather than at each date read (as `parse_from_str` does): the lists tried in turn on most
/// dates. The RFC layouts and the few single layouts tried around them are still chrono's
/// own calls.
struct Layouts {
    layouts: &'static [&'static str],
    items: OnceLock<Vec<Vec<Item<'static>>>>,
}

impl Layouts {
    const fn new(layouts: &'static [&'static str]) -> Layouts {
        Layouts {
            layouts,
            items: OnceLock::new(),
        }
    }

    /// What `text` reads as by the first layout that reads all of it, as `read` takes it
    /// (`NaiveDateTime::parse_from_str` is `to_naive_datetime_with_offset(0)` after `parse`).
    fn first<T>(&self, text: &str, read: impl Fn(&Parsed) -> Option<T>) -> Option<T> {
        let items = self.items.get_or_init(|| {
            self.layouts
                .iter()
                .map(|layout| StrftimeItems::new(layout).collect())
                .collect()
        });
        items.iter().find_map(|items| {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, text, items.iter()).ok()?;
            read(&parsed)
        })
    }

    /// The first layout's reading of `text` as a time without a zone.
    fn naive_time(&self, text: &str) -> Option<NaiveDateTime> {
        self.first(text, |parsed| parsed.to_naive_datetime_with_offset(0).ok())
    }

    /// The first layout's reading of `text` as a day.
    fn day(&self, text: &str) -> Option<NaiveDate> {
        self.first(text, |parsed| parsed.to_naive_date().ok())
    }
}

/// Layouts with a time but no zone; read as UTC.
static NAIVE_DATETIME_LAYOUTS: Layouts = Layouts::new(&[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d-%b-%Y %H:%M:%S%.f",
]);

/// Layouts with a day only.
static DAY_LAYOUTS: Layouts = Layouts::new(&[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%B %d, %Y",
    "%A, %B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%A %d %B %Y",
    "%a %d %b %Y",
    "%d %b %Y",
    "%d-%b-%Y",
]);

/// Written layouts, after commas are dropped; chrono reads `%B` and `%A` in full or abbreviated
/// and in any case.
static WRITTEN_DAY_LAYOUTS: Layouts = Layouts::new(&[
    "%B %d %Y",
    "%A %B %d %Y",
    "%B. %d %Y",
    "%A %B. %d %Y",
    "%d %B %Y",
    "%A %d %B %Y",
]);

/// The same with a time of day.
static WRITTEN_TIME_LAYOUTS: Layouts = Layouts::new(&[
    "%d %B %Y %H:%M",
    "%A %d %B %Y %H:%M",
    "%B %d %Y %H:%M",
    "%A %B %d %Y %H:%M",
    "%B %d %Y %I:%M %p",
    "%A %B %d %Y %I:%M %p",
    "%d %B %Y %H:%M:%S",
    "%A %d %B %Y %H:%M:%S",
]);

/// Zone abbreviations common in English-language datelines, with their offsets in hours.
/// Ambiguous ones (IST, CST in Asia) are read as their most common news meaning or left out.
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("WET", 0),
    ("BST", 1),
    ("CET", 1),
    ("WEST", 1),
    ("CEST", 2),
    ("EET", 2),
    ("EEST", 3),
    ("MSK", 3),
    ("EST", -5),
    ("EDT", -4),
    ("CST", -6),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
    ("HKT", 8),
    ("SGT", 8),
    ("JST", 9),
    ("AEST", 10),
    ("AEDT", 11),
];

fn zone_offset(word: &str) -> Option<FixedOffset> {
    let (_, hours) = ZONES.iter().find(|(name, _)| *name == word)?;
    FixedOffset::east_opt(hours * 3600)
}

/// "4th" → "4"; other words unchanged.
fn strip_ordinal(word: &str) -> String {
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(number) = word.strip_suffix(suffix)
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            return number.to_string();
        }
    }
    word.to_string()
}

/// "09.50" → "09:50", for the times British papers write with a dot.
fn dotted_time_to_colon(text: &str) -> String {
    text.split(' ')
        .map(|word| match word.split_once('.') {
            Some((hours, minutes))
                if (1..=2).contains(&hours.len())
                    && minutes.len() == 2
                    && hours
                        .bytes()
                        .chain(minutes.bytes())
                        .all(|b| b.is_ascii_digit()) =>
            {
                format!("{hours}:{minutes}")
            }
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl ArticleDate {
    /// Reads a date as archives write it: RFC 3339, RFC 2822, ISO days, "January 4, 2019"...
    ///
    /// Returns `None` when the text is not a date or names an impossible one (2024-02-30).
    pub fn parse(text: &str) -> Option<ArticleDate> {
        ArticleDate::parse_any(text)
            .filter(|date| (MIN_YEAR..=MAX_YEAR).contains(&date.day().year()))
    }

    fn parse_any(text: &str) -> Option<ArticleDate> {
        let text = text.trim().trim_end_matches(['.', ',']);
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        if let Ok(time) = DateTime::parse_from_rfc3339(text) {
            return Some(ArticleDate::Time(time));
        }
        if let Ok(time) = DateTime::parse_from_rfc2822(text) {
            return Some(ArticleDate::Time(time));
        }
        if let Ok(time) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
            return Some(ArticleDate::Time(time));
        }
        if let Some(naive) = NAIVE_DATETIME_LAYOUTS.naive_time(text) {
            return Some(ArticleDate::Time(naive.and_utc().fixed_offset()));
        }
        if let Some(day) = DAY_LAYOUTS.day(text) {
            return Some(ArticleDate::Day(day));
        }
        ArticleDate::parse_compact(text).or_else(|| ArticleDate::parse_written(text))
    }

    /// ISO 8601 basic format, as NITF's `norm` attributes write it: `20240621T095000+0100`.
    fn parse_compact(text: &str) -> Option<ArticleDate> {
        let (text, zulu) = match text.strip_suffix(['Z', 'z']) {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        if !zulu && let Ok(time) = DateTime::parse_from_str(text, "%Y%m%dT%H%M%S%z") {
            return Some(ArticleDate::Time(time));
        }
        NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M"))
            .ok()
            .map(|naive| ArticleDate::Time(naive.and_utc().fixed_offset()))
    }

    /// Dates as people write them in datelines, with commas, ordinals, dotted times and zone
    /// names: "Fri 21 Jun 2024 09.50 BST", "JANUARY 1, 1916", "4th January 2019, 10:30".
    fn parse_written(text: &str) -> Option<ArticleDate> {
        let mut words: Vec<String> = text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("at"))
            .map(|w| match w.to_ascii_lowercase().as_str() {
                "a.m." | "a.m" => "am".to_string(),
                "p.m." | "p.m" => "pm".to_string(),
                _ => strip_ordinal(w),
            })
            .collect();
        let offset = match words.last().and_then(|w| zone_offset(w)) {
            Some(offset) => {
                words.pop();
                Some(offset)
            }
            None => None,
        };
        let mut text = words.join(" ");
        if !text.contains(':') {
            text = dotted_time_to_colon(&text);
        }
        if let Some(naive) = WRITTEN_TIME_LAYOUTS.naive_time(&text) {
            let offset = offset.unwrap_or(FixedOffset::east_opt(0)?);
            let time = naive.and_local_timezone(offset).single()?;
            return Some(ArticleDate::Time(time));
        }
        WRITTEN_DAY_LAYOUTS.day(&text).map(ArticleDate::Day)
    }

    /// Seconds since 1970-01-01 UTC (negative before); a day counts from its midnight UTC.
    pub fn timestamp(&self) -> i64 {
        match self {
            ArticleDate::Day(day) => day.and_time(NaiveTime::MIN).and_utc().timestamp(),
            ArticleDate::Time(time) => time.timestamp(),
        }
    }

    /// The wall-clock time as published, read as if it were UTC: seconds whose UTC day is the
    /// article's own calendar day (a Day is its midnight). The index filters and charts days
    /// by it, so `2019-05-06T22:30:00-05:00` counts on 6 May.
    pub fn local_timestamp(&self) -> i64 {
        match self {
            ArticleDate::Day(day) => day.and_time(NaiveTime::MIN).and_utc().timestamp(),
            ArticleDate::Time(time) => time.naive_local().and_utc().timestamp(),
        }
    }

    /// The calendar day, in the zone the date was given in.
    pub fn day(&self) -> NaiveDate {
        match self {
            ArticleDate::Day(day) => *day,
            ArticleDate::Time(time) => time.date_naive(),
        }
    }
}

impl fmt::Display for ArticleDate {
    /// `YYYY-MM-DD` for a day, RFC 3339 for an instant.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArticleDate::Day(day) => write!(f, "{}", day.format("%Y-%m-%d")),
            ArticleDate::Time(time) => write!(f, "{}", time.to_rfc3339()),
        }
    }
}

impl serde::Serialize for ArticleDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ArticleDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ArticleDate::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date: {text:?}")))
    }
}

/// A half-open span of time `[start, end)` in seconds since 1970 UTC, from partial dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// First second included, if bounded.
    pub start: Option<i64>,
    /// First second excluded, if bounded.
    pub end: Option<i64>,
}

/// How much of a date a user gave: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    /// The first day of the period.
    pub first: NaiveDate,
    /// The first day after the period.
    pub after: NaiveDate,
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says why the value is not one.
    pub fn parse(text: &str) -> Result<PartialDate, String> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |part: &str, what: &str| -> Result<u32, String> {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "{what} '{part}' is not a number (use YYYY, YYYY-MM or YYYY-MM-DD)"
                ));
            }
            part.parse::<u32>()
                .map_err(|_| format!("{what} '{part}' is out of range"))
        };
        let invalid = || "no such date".to_string();
        match parts.as_slice() {
            [year] => {
                let year = year_of(number(year, "year")?)?;
                let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(invalid)?;
                let after = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(invalid)?;
                Ok(PartialDate { first, after })
            }
            [year, month] => {
                let year = year_of(number(year, "year")?)?;
                let month = number(month, "month")?;
                let first = NaiveDate::from_ymd_opt(year, month, 1)
                    .ok_or_else(|| format!("month {month} does not exist"))?;
                let after = first
                    .checked_add_months(chrono::Months::new(1))
                    .ok_or_else(invalid)?;
                Ok(PartialDate { first, after })
            }
            [year, month, day] => {
                let year = year_of(number(year, "year")?)?;
                let month = number(month, "month")?;
                let day = number(day, "day")?;
                if !(1..=12).contains(&month) {
                    return Err(format!("month {month} does not exist"));
                }
                let first = NaiveDate::from_ymd_opt(year, month, day)
                    .ok_or_else(|| format!("{year:04}-{month:02} has no day {day}"))?;
                let after = first.succ_opt().ok_or_else(invalid)?;
                Ok(PartialDate { first, after })
            }
            _ => Err("expected YYYY, YYYY-MM or YYYY-MM-DD".to_string()),
        }
    }
}

fn year_of(year: u32) -> Result<i32, String> {
    if (1..=9998).contains(&year) {
        Ok(year as i32)
    } else {
        Err(format!("year {year} is out of range (1 to 9998)"))
    }
}

impl DateRange {
    /// The range from `--from` (whole period included) to `--to` (whole period included).
    pub fn new(from: Option<PartialDate>, to: Option<PartialDate>) -> DateRange {
        let midnight = |day: NaiveDate| day.and_time(NaiveTime::MIN).and_utc().timestamp();
        let clamp = |seconds: i64| seconds.clamp(MIN_SECONDS, MAX_SECONDS);
        DateRange {
            start: from.map(|d| clamp(midnight(d.first))),
            end: to.map(|d| clamp(midnight(d.after))),
        }
    }

    /// Reads the bounds of a date filter, each `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, both periods
    /// included; `names` are what the caller calls the two bounds (`--from`, `from`).
    ///
    /// # Errors
    /// [`crate::Error::InvalidDate`] naming the bound when one is not a date or the range ends
    /// before it begins.
    pub fn parse_bounds(
        from: Option<&str>,
        to: Option<&str>,
        names: [&str; 2],
    ) -> crate::Result<DateRange> {
        let [from_name, to_name] = names;
        let bound = |name: &str, value: Option<&str>| {
            value
                .filter(|text| !text.is_empty())
                .map(|text| {
                    PartialDate::parse(text).map_err(|reason| crate::Error::InvalidDate {
                        option: name.to_string(),
                        value: text.to_string(),
                        reason,
                    })
                })
                .transpose()
        };
        let range = DateRange::new(bound(from_name, from)?, bound(to_name, to)?);
        if let (Some(start), Some(end)) = (range.start, range.end)
            && start >= end
        {
            return Err(crate::Error::InvalidDate {
                option: to_name.to_string(),
                value: to.unwrap_or_default().to_string(),
                reason: format!("it is before {from_name}"),
            });
        }
        Ok(range)
    }

    /// True when neither end is bounded.
    pub fn is_unbounded(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }
}

/// The year of a timestamp, for summaries.
pub fn year_of_timestamp(seconds: i64) -> Option<i32> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_archive_layouts() {
        let day = |s| ArticleDate::parse(s).map(|d| d.to_string());
        assert_eq!(day("2024-06-21").as_deref(), Some("2024-06-21"));
        assert_eq!(
            day("Friday, January 4, 2019").as_deref(),
            Some("2019-01-04")
        );
        assert_eq!(day("1916-01-03").as_deref(), Some("1916-01-03"));
        assert_eq!(
            day("2024-06-21T09:50:00+01:00").as_deref(),
            Some("2024-06-21T09:50:00+01:00")
        );
        assert_eq!(
            day("26-FEB-1987 15:01:01.79").as_deref(),
            Some("1987-02-26T15:01:01.790+00:00")
        );
        assert_eq!(day("JANUARY 1, 1916").as_deref(), Some("1916-01-01"));
        assert_eq!(day("Jan. 4, 2019").as_deref(), Some("2019-01-04"));
        assert_eq!(day("4th January 2019").as_deref(), Some("2019-01-04"));
        assert_eq!(
            day("Fri 21 Jun 2024 09.50 BST").as_deref(),
            Some("2024-06-21T09:50:00+01:00")
        );
        assert_eq!(
            day("Friday, 21 June 2024, 17:05").as_deref(),
            Some("2024-06-21T17:05:00+00:00")
        );
        assert_eq!(
            day("20240621T095000+0100").as_deref(),
            Some("2024-06-21T09:50:00+01:00")
        );
        assert_eq!(
            day("20240621T095000Z").as_deref(),
            Some("2024-06-21T09:50:00+00:00")
        );
        assert_eq!(
            day("January 4, 2019 at 10:30 p.m. EST").as_deref(),
            Some("2019-01-04T22:30:00-05:00")
        );
        assert_eq!(day("February 30, 2019"), None);
        assert_eq!(day("31-MAR-1987 605:12:19.12"), None);
        assert_eq!(day("2024-02-30"), None);
        assert_eq!(day("0001-01-01"), None);
        assert_eq!(day("not a date"), None);
    }

    #[test]
    fn pre_1970_dates_have_negative_timestamps() {
        let date = ArticleDate::parse("1916-01-03").unwrap();
        assert!(date.timestamp() < 0);
    }

    #[test]
    fn partial_dates_cover_whole_periods() {
        let month = PartialDate::parse("2024-02").unwrap();
        assert_eq!(month.first.to_string(), "2024-02-01");
        assert_eq!(month.after.to_string(), "2024-03-01");
        let year = PartialDate::parse("1916").unwrap();
        assert_eq!(year.after.to_string(), "1917-01-01");
        assert!(
            PartialDate::parse("2024-13")
                .unwrap_err()
                .contains("month 13")
        );
        assert!(PartialDate::parse("2023-02-29").is_err());
        assert!(PartialDate::parse("yesterday").is_err());
    }
}
