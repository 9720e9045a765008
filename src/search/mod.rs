//! Searching: a [`SearchRequest`] in, [`SearchResults`] out (the same type the JSON contract prints).
//!
//! [`syntax`] reads the query, [`query`] turns it into tantivy queries, [`passage`] scores and
//! highlights passages, [`rank`] re-ranks BM25's best candidates by them, and
//! [`facets`](mod@facets) counts matches per source and period.

pub mod copies;
pub mod copy_keys;
pub mod facets;
pub mod feedback;
pub mod passage;
pub mod query;
pub mod rank;
pub mod reuse;
pub mod syntax;
pub mod within;

use crate::choice::Choice;
use crate::index::schema::field;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, Order, Searcher};

pub use copies::{CopiesMode, Copy};
pub use facets::{Counted, Facets, Period, PeriodCount, facets};
pub use passage::Passage;
pub use rank::Explain;
pub use within::{ArticlePassages, article_passages};

use crate::date::{ArticleDate, DateRange};
use crate::error::Result;
use crate::index::NewsIndex;

/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// Candidates ranked beyond the page's end when copies collapse, to fill the places of the
/// copies taken off it.
const COLLAPSE_MARGIN: usize = 5;

/// What the results say when no article has every plain word.
const CLOSEST_NOTE: &str = "no article has all words; showing closest matches";

/// A sentence the results carry about how the query was read. In the JSON contract a note is
/// its text; it reads as its text (`Deref<Target = str>`) too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Note {
    /// The query was read other than as typed: a repair, a word left out or corrected, a cap.
    Reading(String),
    /// No article has every plain word: the closest matches are shown.
    Closest,
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        if text == CLOSEST_NOTE {
            Note::Closest
        } else {
            Note::Reading(text)
        }
    }
}

impl From<Note> for String {
    fn from(note: Note) -> String {
        note.to_string()
    }
}

impl std::ops::Deref for Note {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Note::Reading(text) => text,
            Note::Closest => CLOSEST_NOTE,
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq<&str> for Note {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// Latest first; undated articles last.
    Newest,
    /// Earliest first; undated articles last.
    Oldest,
}

/// What one hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// An article with its best passages.
    #[default]
    Article,
    /// One passage (with its article's metadata); an article may give several hits. Named
    /// `none` in the JSON contract (no grouping), which the command line accepts too.
    #[serde(rename = "none")]
    Passage,
}

impl Choice for SortOrder {
    const NAMES: &'static [(&'static str, SortOrder, &'static str)] = &[
        ("relevance", SortOrder::Relevance, "Best match first"),
        (
            "newest",
            SortOrder::Newest,
            "Latest first; undated articles last",
        ),
        (
            "oldest",
            SortOrder::Oldest,
            "Earliest first; undated articles last",
        ),
    ];
    const WHAT: &'static str = "sort order";
}

impl Choice for Group {
    const NAMES: &'static [(&'static str, Group, &'static str)] = &[
        (
            "article",
            Group::Article,
            "Each hit is an article with its best passages",
        ),
        (
            "passage",
            Group::Passage,
            "Each hit is one passage, ranked across the archive",
        ),
        ("none", Group::Passage, ""),
    ];
    const WHAT: &'static str = "grouping";
}

crate::choice::by_name!(SortOrder, Group);

/// How plain words were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every plain word is required.
    #[default]
    All,
    /// A question or a description (three plain words or more beside common words such as
    /// "the", "of", or seven plain words): no word is required, articles are ranked by the
    /// weight of the words they hold, and the words the best of them share join the search
    /// ([`feedback`]).
    Question,
    /// No article has every plain word of a keyword search: any will do, and articles holding
    /// more of them (rare words weigh more) in one place come first.
    Closest,
    /// `--any`: any plain word will do, more of them rank higher.
    Any,
}

/// One search, as the CLI or the server asks for it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query text (see [`syntax`] for the language).
    pub query: String,
    /// Only articles dated inside this range.
    pub dates: DateRange,
    /// Only articles from one of these sources (any spelling; normalised).
    pub sources: Vec<String>,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Hits to return (capped at [`MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Match any word instead of all.
    pub match_any: bool,
    /// Require every plain word, even in a question (`--all`).
    pub match_all: bool,
    /// Passages to show per article (`--passages`).
    pub passages: usize,
    /// Whether a hit is an article or a passage (`--group`).
    pub group: Group,
    /// Attach an [`Explain`] to each hit (`--explain`).
    pub explain: bool,
    /// Count the matching articles per source and per this period too (`search --facets`),
    /// from the same reading as the hits.
    pub facets: Option<Period>,
    /// Whether copies of a story collapse into one hit (`--copies`).
    pub copies: CopiesMode,
    /// What the facets count: articles or stories (`--facets-by`).
    pub facets_by: Counted,
    /// Also look for reworded and OCR-damaged reprints of the shown passages by alignment
    /// (`--reuse`; only when copies collapse). It reads several candidate pages per passage,
    /// so it is asked for rather than done on every collapsed search.
    pub reuse: bool,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            dates: DateRange::default(),
            sources: Vec::new(),
            sort: SortOrder::default(),
            limit: 0,
            offset: 0,
            match_any: false,
            match_all: false,
            passages: 1,
            group: Group::default(),
            explain: false,
            facets: None,
            copies: CopiesMode::default(),
            facets_by: Counted::default(),
            reuse: false,
        }
    }
}

/// The answer to a [`SearchRequest`]; serialised as the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many articles match in all (not just this page).
    pub total: u64,
    /// How many stories those articles make, copies counted once (estimated from the stored
    /// signatures of the matches gathered while the search runs: [`copies::Stories::count`]);
    /// only when copies collapse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stories: Option<u64>,
    /// This page of hits, best (or newest/oldest) first.
    pub hits: Vec<Hit>,
    /// Counts per source and year, only when asked for (`search --facets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// How plain words were matched.
    #[serde(default)]
    pub mode: Mode,
    /// Whether each hit is an article or one passage.
    #[serde(default)]
    pub group: Group,
    /// How the query was read where it differs from what was typed, and whether only the
    /// closest matches are shown.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Words searched under a corrected spelling ("did you mean"), also told in `notes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<query::Correction>,
}

/// One matching article with its best passage(s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Article id (use with `newsindex show`).
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Publication date: `YYYY-MM-DD`, or RFC 3339 when the time is known.
    pub date: Option<ArticleDate>,
    /// Source as the archive wrote it.
    pub source: Option<String>,
    /// The source's normalised key: what `--source`, the facets and `stats` name it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_key: Option<String>,
    /// Author(s).
    #[serde(default)]
    pub byline: Option<String>,
    /// Original URL.
    pub url: Option<String>,
    /// The article's score (see [`rank`]); `null` when sorted by date.
    pub score: Option<f32>,
    /// The best matching passages of the body, best first.
    pub passages: Vec<Passage>,
    /// Why the hit ranks where it does, with `--explain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
    /// Other articles carrying the same story (exact Jaccard of word 5-shingles at least
    /// [`crate::index::copies::THRESHOLD`]), most similar first; only when copies collapse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<Copy>,
}

/// Runs `request` against `index`.
///
/// # Errors
/// [`crate::Error::InvalidQuery`] when the query cannot be read; [`crate::Error::Search`] when
/// the index cannot be read.
// Longer than most: the request's steps (compile, resolve, re-rank, build hits) in order, with the early
// exits each allows; each step is a function of its own.
pub fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResults> {
    let compiled = query::compile(index, request)?;
    let searcher = index.reader().searcher();
    let limit = request.limit.min(MAX_LIMIT);
    let collapse = request.copies == CopiesMode::Collapse && request.group == Group::Article;
    // Collapsing copies takes hits off the list: collect a few more candidates, so the page
    // stays full unless the page's stories have many copies among the best candidates.
    let page_end = request.offset.saturating_add(limit);
    let end = match collapse {
        true => page_end.saturating_add(COLLAPSE_MARGIN),
        false => page_end,
    };
    let Resolved {
        query,
        mode,
        notes,
        expansion,
        found,
    } = resolve(index, &searcher, &compiled, request, end)?;
    let plan = &compiled.plan;
    let by_date = request.sort != SortOrder::Relevance;
    let mut ranked: Vec<rank::Ranked> = Vec::new();
    if limit > 0 {
        ranked = match request.sort {
            SortOrder::Relevance => {
                let rank_to = |end: usize,
                               scored: &mut rank::Scored|
                 -> Result<Vec<rank::Ranked>> {
                    let pool = rank::pool_size(end).min(found.candidates.len());
                    let (head, tail) = found.candidates.split_at(pool);
                    // Passage hits rank every candidate's passages; article hits need the page.
                    let keep = (request.group == Group::Article).then_some(end);
                    let ceiling = match mode {
                        Mode::Closest if !compiled.nested_exclusion => rank::closest_ceiling(plan),
                        _ => 1.0,
                    };
                    let mut ranked =
                        rank::rank_within(index, &searcher, plan, head, keep, ceiling, scored)?;
                    let wanted = match request.group {
                        Group::Article => end.saturating_sub(ranked.len()),
                        Group::Passage => 0,
                    };
                    for &(bm25, address) in tail.iter().take(wanted) {
                        ranked.push(match scored.take(bm25, address) {
                            Some(ranked) => ranked,
                            None => rank::score(index, &searcher, plan, bm25, address)?,
                        });
                    }
                    Ok(ranked)
                };
                // The page alone is ranked first; only when collapsing leaves it short are
                // more candidates ranked, as many more as were taken off and a margin (those
                // ranked already are not read again).
                let ranked = rank_to(page_end, &mut rank::Scored::default())?;
                if collapse {
                    let page: Vec<DocAddress> =
                        ranked.iter().take(page_end).map(|r| r.address).collect();
                    let (kept, copies) = copies::collapse_apart(&searcher, ranked);
                    let dropped = page
                        .iter()
                        .filter(|&&address| !kept.iter().any(|r| r.address == address))
                        .count();
                    if dropped > 0 {
                        let more = end.saturating_add(dropped);
                        let scored = &mut rank::Scored::of(kept.into_iter().chain(copies));
                        copies::collapse(&searcher, rank_to(more, scored)?)
                    } else {
                        kept
                    }
                } else {
                    ranked
                }
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let mut ranked = Vec::with_capacity(found.candidates.len());
                for &(_, address) in &found.candidates {
                    ranked.push(rank::score(index, &searcher, plan, 0.0, address)?);
                }
                if collapse {
                    ranked = copies::collapse(&searcher, ranked);
                }
                ranked
            }
        };
    }
    let mut hits = match request.group {
        Group::Article => ranked
            .iter()
            .skip(request.offset)
            .take(limit)
            .map(|candidate| to_hit(candidate, request.passages, by_date))
            .collect::<Vec<Hit>>(),
        Group::Passage => passage_hits(&ranked, request, limit, by_date),
    };
    if request.explain {
        for hit in &mut hits {
            let Some(candidate) = ranked.iter().find(|r| r.article.id == hit.id) else {
                continue;
            };
            // tantivy 0.27's explain of a top-level union of optional clauses (a question, a
            // fallback, `--any`) seeks a fresh union scorer to the article, which may already
            // stand past it (a debug assertion, and no explanation); with every plain word
            // required (mode "all") it has explained correctly in every test, so only then is
            // it asked. The other modes explain by their own parts (`feedback`, passages).
            let tantivy = if mode == Mode::All {
                query
                    .explain(&searcher, candidate.address)
                    .ok()
                    .and_then(|explanation| serde_json::to_value(explanation).ok())
                    .unwrap_or(serde_json::Value::Null)
            } else {
                serde_json::Value::Null
            };
            let mut explain = candidate.explain(plan, tantivy);
            explain.feedback = expansion.words.clone();
            if by_date {
                explain.formula = "sorted by date: relevance is not scored".to_string();
            }
            hit.explain = Some(explain);
        }
    }
    let mut stories = None;
    if request.copies == CopiesMode::Collapse {
        copies::annotate(index, &searcher, &ranked, &mut hits, request.reuse)?;
        stories = Some(found.stories.count());
    }
    let facets = match request.facets {
        Some(by) => Some(facets::count(
            index,
            &searcher,
            query.as_ref(),
            by,
            request.facets_by,
        )?),
        None => None,
    };
    Ok(SearchResults {
        total: found.total as u64,
        stories,
        hits,
        facets,
        mode,
        group: request.group,
        notes,
        corrections: compiled.corrections.clone(),
    })
}

/// The reading of a request that its list, its count and its facets are all drawn from.
pub(crate) struct Resolved {
    /// The query that found the articles.
    pub query: Box<dyn Query>,
    /// How plain words were matched.
    pub mode: Mode,
    /// The compiler's notes, and the closest-match fallback's.
    pub notes: Vec<Note>,
    /// A question's feedback words (empty otherwise).
    pub expansion: feedback::Expansion,
    /// The count and the candidates for a page ending at `end`.
    found: Found,
}

/// Runs the readings of `compiled` in turn: as written; for a question, again with the
/// words its best articles share ([`feedback`]); and when nothing matches, with plain words
/// optional (the closest matches). Filters and exclusions hold in every reading.
pub(crate) fn resolve(
    index: &NewsIndex,
    searcher: &Searcher,
    compiled: &query::Compiled,
    request: &SearchRequest,
    end: usize,
) -> Result<Resolved> {
    let mut notes: Vec<Note> = compiled.notes.iter().cloned().map(Note::Reading).collect();
    let mut mode = match (request.match_any, compiled.question) {
        (true, _) => Mode::Any,
        (false, true) => Mode::Question,
        (false, false) => Mode::All,
    };
    let mut query = compiled.query.box_clone();
    let mut found = collect(index, searcher, query.as_ref(), request, end)?;
    let mut expansion = feedback::Expansion::default();
    // Whatever the order asked for, so that a question's list, count and facets (which take
    // no order) are drawn from the same search.
    if compiled.question && found.total > 0 {
        let by_score = request.sort == SortOrder::Relevance
            && found.candidates.len() >= feedback::FEEDBACK_ARTICLES;
        let top = if by_score {
            None
        } else {
            Some(collect_top(
                index,
                searcher,
                query.as_ref(),
                feedback::FEEDBACK_ARTICLES,
            )?)
        };
        let first = top.as_deref().unwrap_or(&found.candidates);
        if let Some((second, words)) = feedback::expand(index, searcher, compiled, first)? {
            found = collect(index, searcher, second.as_ref(), request, end)?;
            query = second;
            expansion = words;
        }
    }
    if found.total == 0
        && let Some(relaxed) = &compiled.relaxed
    {
        let closest = collect(index, searcher, relaxed.as_ref(), request, end)?;
        if closest.total > 0 {
            found = closest;
            query = relaxed.box_clone();
            mode = Mode::Closest;
            notes.push(Note::Closest);
        }
    }
    Ok(Resolved {
        query,
        mode,
        notes,
        expansion,
        found,
    })
}

/// The best `count` matches of `query` by score.
fn collect_top(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    count: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    searcher
        .search(query, &TopDocs::with_limit(count).order_by_score())
        .map_err(|e| index.search_error(e))
}

/// The count of matches and the candidates to rank or page.
struct Found {
    total: usize,
    candidates: Vec<(f32, DocAddress)>,
    /// The matches whose stories are counted, gathered in the same pass when copies collapse
    /// (else empty).
    stories: copies::Stories,
}

/// Counts the matches of `query` and collects its candidates for a page ending at `end`: the
/// BM25 pool, or by date every article up to the page's end.
fn collect(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    end: usize,
) -> Result<Found> {
    // Counting stories rides on the one pass over the matches that counts them.
    let enabled = request.copies == CopiesMode::Collapse;
    let stories = copies::StoryCollector {
        enabled,
        // The articles that share no band with any other (from the copy digest, or a server's
        // sorted values) are a story each.
        lone: enabled
            .then(|| copy_keys::lone(index.dir(), searcher))
            .flatten(),
    };
    if end == 0 || request.limit == 0 {
        let (total, stories) = searcher
            .search(query, &(Count, stories))
            .map_err(|e| index.search_error(e))?;
        return Ok(Found {
            total,
            candidates: Vec::new(),
            stories,
        });
    }
    match request.sort {
        SortOrder::Relevance => {
            let top = TopDocs::with_limit(rank::pool_size(end).max(end)).order_by_score();
            let (total, candidates, stories) = searcher
                .search(query, &(Count, top, stories))
                .map_err(|e| index.search_error(e))?;
            Ok(Found {
                total,
                candidates,
                stories,
            })
        }
        SortOrder::Newest | SortOrder::Oldest => {
            let order = if request.sort == SortOrder::Newest {
                Order::Desc
            } else {
                Order::Asc
            };
            // Every article up to the page's end (the page is cut later, as for relevance);
            // passage hits add a margin for articles that match only in the title.
            let top = match request.group {
                Group::Article => TopDocs::with_limit(end),
                Group::Passage => TopDocs::with_limit(end + rank::POOL_MARGIN),
            };
            let (total, hits, stories) = searcher
                .search(
                    query,
                    &(
                        Count,
                        top.order_by_fast_field::<DateTime>(field::DATE, order),
                        stories,
                    ),
                )
                .map_err(|e| index.search_error(e))?;
            let candidates = hits
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect();
            Ok(Found {
                total,
                candidates,
                stories,
            })
        }
    }
}

/// The hit for a ranked article with up to `count` passages: those holding a query word or a
/// whole phrase; else the passage with most of a phrase's words; else the lead.
fn to_hit(candidate: &rank::Ranked, count: usize, by_date: bool) -> Hit {
    let body = &candidate.article.body;
    let scored = &candidate.matched.passages;
    let mut passages: Vec<Passage> = scored
        .iter()
        .filter(|p| p.found_weight > 0.0)
        .take(count)
        .map(|p| passage::to_passage(body, p))
        .collect();
    if passages.is_empty() && count > 0 {
        if let Some(best) = scored.first() {
            passages.push(passage::to_passage(body, best));
        } else if let Some(lead) = candidate.matched.lead {
            passages.push(passage::plain_passage(body, lead));
        }
    }
    hit(candidate, passages, by_date)
}

fn hit(candidate: &rank::Ranked, passages: Vec<Passage>, by_date: bool) -> Hit {
    let article = &candidate.article;
    Hit {
        id: article.id.clone(),
        path: article.path.clone(),
        title: article.title.clone(),
        date: article.date,
        source: article.source.clone(),
        source_key: article.source_key(),
        byline: article.byline.clone(),
        url: article.url.clone(),
        score: (!by_date).then_some(candidate.score),
        passages,
        explain: None,
        copies: Vec::new(),
    }
}

/// `--group none`: every passage of the candidates holding a query word or a whole phrase, best
/// first (by date:
/// in their articles' order), ties broken by the article's score, then id and place.
fn passage_hits(
    ranked: &[rank::Ranked],
    request: &SearchRequest,
    limit: usize,
    by_date: bool,
) -> Vec<Hit> {
    let mut all: Vec<(usize, &passage::ScoredPassage)> = ranked
        .iter()
        .enumerate()
        .flat_map(|(at, candidate)| {
            candidate
                .matched
                .passages
                .iter()
                .filter(|p| p.found_weight > 0.0)
                .map(move |p| (at, p))
        })
        .collect();
    if !by_date {
        all.sort_by(|(a, pa), (b, pb)| {
            pb.score
                .total_cmp(&pa.score)
                .then_with(|| ranked[*b].score.total_cmp(&ranked[*a].score))
                .then_with(|| ranked[*a].article.id.cmp(&ranked[*b].article.id))
                .then_with(|| pa.span.start.cmp(&pb.span.start))
        });
    }
    all.into_iter()
        .skip(request.offset)
        .take(limit)
        .map(|(at, scored)| {
            let candidate = &ranked[at];
            let passage = passage::to_passage(&candidate.article.body, scored);
            hit(candidate, vec![passage], by_date)
        })
        .collect()
}
