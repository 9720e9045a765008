//! Reading the query strings of `/api/search` and `/api/facets` into a [`SearchRequest`].
//!
//! Every parameter is checked here, with a message naming it: unknown names, repeats, numbers,
//! dates, lengths. Values only ever become a search request; none reaches the filesystem.

use crate::choice::Choice;
use crate::date::DateRange;
use crate::search::{Period, SearchRequest};

use super::error::ApiError;

/// The most hits one page may hold; larger `limit`s are lowered to it.
pub const MAX_PAGE: usize = 100;
/// The deepest page: `offset` may not exceed it.
pub const MAX_OFFSET: usize = 10_000;
/// The most passages per hit; larger `passages` values are lowered to it.
pub const MAX_PASSAGES: usize = 5;
/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 4000;
/// The most `source` parameters one request may give.
pub const MAX_SOURCES: usize = 50;
/// The longest source name, in characters.
const MAX_SOURCE_CHARS: usize = 200;

const SEARCH_PARAMETERS: &[&str] = &[
    "q", "from", "to", "source", "sort", "limit", "offset", "passages", "any", "all", "copies",
    "reuse",
];
const FACET_PARAMETERS: &[&str] = &["q", "from", "to", "source", "any", "all", "by", "count"];
const PASSAGE_PARAMETERS: &[&str] = &["q", "any", "all"];

/// Reads the query string of `/api/search`.
///
/// # Errors
/// [`ApiError::BadRequest`] naming the parameter and the reason.
pub fn search_request(raw: &str) -> Result<SearchRequest, ApiError> {
    let params = Params::parse(raw, SEARCH_PARAMETERS)?;
    let mut request = filters(&params)?;
    request.sort = params.choice("sort")?.unwrap_or_default();
    request.copies = params.choice("copies")?.unwrap_or_default();
    request.reuse = flag(&params, "reuse")?;
    if request.reuse {
        request.copies = crate::search::CopiesMode::Collapse;
    }
    request.limit = params.number("limit")?.unwrap_or(10).min(MAX_PAGE);
    let offset = params.number("offset")?.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(bad(format!(
            "offset: {offset} is past the deepest page ({MAX_OFFSET}); narrow the search instead"
        )));
    }
    request.offset = offset;
    request.passages = params.number("passages")?.unwrap_or(1).min(MAX_PASSAGES);
    Ok(request)
}

/// Reads the query string of `/api/facets`: the filters and the `by` period (default month).
///
/// # Errors
/// [`ApiError::BadRequest`] naming the parameter and the reason.
pub fn facets_request(raw: &str) -> Result<(SearchRequest, Period), ApiError> {
    let params = Params::parse(raw, FACET_PARAMETERS)?;
    let mut request = filters(&params)?;
    request.facets_by = params.choice("count")?.unwrap_or_default();
    let by = params.choice("by")?.unwrap_or(Period::Month);
    Ok((request, by))
}

/// Reads the query string of `/api/articles/{id}/passages`: the query and how its plain words
/// match.
///
/// # Errors
/// [`ApiError::BadRequest`] naming the parameter and the reason.
pub fn passages_request(raw: &str) -> Result<SearchRequest, ApiError> {
    let params = Params::parse(raw, PASSAGE_PARAMETERS)?;
    filters(&params)
}

/// The parameters both routes share: the query, dates, sources and `any`.
fn filters(params: &Params) -> Result<SearchRequest, ApiError> {
    let query = params.single("q")?.unwrap_or_default();
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(bad(format!(
            "q: the query is {length} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let dates =
        DateRange::parse_bounds(params.single("from")?, params.single("to")?, ["from", "to"])?;
    let sources: Vec<String> = params
        .all("source")
        .filter(|name| !name.trim().is_empty())
        .map(str::to_string)
        .collect();
    if sources.len() > MAX_SOURCES {
        return Err(bad(format!(
            "source: {} sources given; the limit is {MAX_SOURCES}",
            sources.len()
        )));
    }
    if let Some(long) = sources
        .iter()
        .find(|name| name.chars().count() > MAX_SOURCE_CHARS)
    {
        return Err(bad(format!(
            "source: '{}' is longer than {MAX_SOURCE_CHARS} characters",
            shorten(long)
        )));
    }
    let match_any = flag(params, "any")?;
    let match_all = flag(params, "all")?;
    if match_any && match_all {
        return Err(bad("any, all: give one of them, not both".to_string()));
    }
    Ok(SearchRequest {
        query: query.to_string(),
        dates,
        sources,
        match_any,
        match_all,
        ..SearchRequest::default()
    })
}

/// A `true`/`false` (or `1`/`0`) parameter; absent is false.
fn flag(params: &Params, name: &str) -> Result<bool, ApiError> {
    match params.single(name)? {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(bad(format!(
            "{name}: '{}' is not true or false",
            shorten(other)
        ))),
    }
}

/// The decoded `name=value` pairs of a query string, checked against the names a route takes.
struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn parse(raw: &str, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        for (name, _) in &pairs {
            if !known.contains(&name.as_str()) {
                return Err(bad(format!(
                    "unknown parameter '{}' (this route takes: {})",
                    shorten(name),
                    known.join(", ")
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// Every value given for `name`.
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The one value of `name`; empty counts as absent, as HTML forms send empty fields.
    fn single(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(n, value)| n == name && !value.is_empty())
            .map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(bad(format!("{name}: given more than once")));
        }
        Ok(first)
    }

    /// The value of `name` as a whole number, when given.
    fn number(&self, name: &str) -> Result<Option<usize>, ApiError> {
        self.single(name)?
            .map(|text| {
                text.trim().parse::<usize>().map_err(|_| {
                    bad(format!(
                        "{name}: '{}' is not a whole number of at least 0",
                        shorten(text)
                    ))
                })
            })
            .transpose()
    }

    /// The value of `name` as one of a [`Choice`]'s names, when given.
    fn choice<T: Choice>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.single(name)?
            .map(|text| T::from_name(text).map_err(|reason| bad(format!("{name}: {reason}"))))
            .transpose()
    }
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

/// A client's value cut to a length fit for an error message.
fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        let head: String = text.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<SearchRequest, ApiError>) -> String {
        match result {
            Err(ApiError::BadRequest(message)) => message,
            other => panic!("expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_caps() {
        let request = search_request("q=talks&limit=5000&passages=99").unwrap();
        assert_eq!(request.query, "talks");
        assert_eq!(request.limit, MAX_PAGE);
        assert_eq!(request.passages, MAX_PASSAGES);
        let request = search_request("").unwrap();
        assert_eq!(
            (request.limit, request.offset, request.passages),
            (10, 0, 1)
        );
    }

    #[test]
    fn reuse_is_asked_for_and_collapses_copies() {
        let request = search_request("q=villa").unwrap();
        assert!(!request.reuse);
        assert_eq!(request.copies, crate::search::CopiesMode::Collapse);
        let request = search_request("q=villa&copies=all").unwrap();
        assert_eq!(request.copies, crate::search::CopiesMode::All);
        let request = search_request("q=villa&reuse=true").unwrap();
        assert!(request.reuse);
        assert_eq!(request.copies, crate::search::CopiesMode::Collapse);
        assert!(message(search_request("q=villa&reuse=maybe")).starts_with("reuse:"));
    }

    #[test]
    fn sources_repeat_and_empty_fields_are_absent() {
        let request = search_request("q=a&source=Reuters&source=bbc.co.uk&from=&sort=").unwrap();
        assert_eq!(request.sources, ["Reuters", "bbc.co.uk"]);
        assert!(request.dates.is_unbounded());
    }

    #[test]
    fn errors_name_the_parameter() {
        assert!(message(search_request("limit=ten")).starts_with("limit:"));
        assert!(message(search_request("from=2024-13")).starts_with("from:"));
        assert!(message(search_request("from=2024&to=2023")).starts_with("to:"));
        assert!(message(search_request("q=a&q=b")).starts_with("q:"));
        assert!(message(search_request("sort=best")).starts_with("sort:"));
        assert!(message(search_request("offset=10001")).starts_with("offset:"));
        assert!(message(search_request("path=/etc/passwd")).contains("unknown parameter 'path'"));
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(message(search_request(&long)).starts_with("q:"));
    }

    #[test]
    fn facets_take_a_period() {
        let (_, by) = facets_request("q=a&by=day").unwrap();
        assert_eq!(by, Period::Day);
        assert!(matches!(
            facets_request("by=week"),
            Err(ApiError::BadRequest(message)) if message.starts_with("by:")
        ));
        assert!(facets_request("limit=3").is_err());
    }

    #[test]
    fn facets_count_articles_unless_asked_for_stories() {
        let (request, _) = facets_request("q=a").unwrap();
        assert_eq!(request.facets_by, crate::search::Counted::Articles);
        let (request, _) = facets_request("q=a&count=stories").unwrap();
        assert_eq!(request.facets_by, crate::search::Counted::Stories);
        assert!(matches!(
            facets_request("count=words"),
            Err(ApiError::BadRequest(message)) if message.starts_with("count:")
        ));
    }
}
