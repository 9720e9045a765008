//! The JSON contract: what `search --json`, `show --json` and `stats --json` print.
//!
//! `search --json` prints one object, [`crate::search::SearchResults`]:
//!
//! ```json
//! {"total": 12, "mode": "all", "group": "article", "notes": [],
//!  "hits": [{"id": "3f0c1d2e4a5b6c7d", "path": "/archive/a.txt", "title": "…",
//!            "date": "2024-06-21", "source": "Reuters", "byline": null, "url": null,
//!            "score": 17.25,
//!            "passages": [{"text": "…", "start": 120, "end": 410, "highlights": [[8, 16]],
//!                          "score": 6.1}]}]}
//! ```
//!
//! - `total` counts every matching article, not just this page.
//! - `mode` is `"all"` when every plain word is required, `"question"` for a question (three
//!   plain words or more with common words among them, or seven plain words: every word
//!   optional, ranked with feedback words), `"closest"` when no article had them all and
//!   articles holding most of them come first, `"any"` with `--any`.
//! - `corrections`, only when a word no article has was searched under the index's closest
//!   spelling: `[{"written": "Bolsonro", "corrected": "Bolsonaro"}]` (also told in `notes`).
//! - `group` is `"article"` (a hit is an article with up to `--passages` passages, default 3
//!   here) or `"none"` (`--group none`: a hit is one passage with its article's fields, best
//!   passage first; an article may appear in several hits).
//! - `notes` lists, in words, how the query was read where it differs from what was typed
//!   (an unclosed quote, a stray operator) and the closest-match fallback.
//! - `source` is the source as the article wrote it, `source_key` (absent without a source)
//!   its normalised key, the value `--source`, `source=` and the facets use.
//! - `date` is `YYYY-MM-DD` when only the day is known, RFC 3339 when the time is; `null` if undated.
//! - `score` is the article's score (BM25 plus its best passages, see the README), `null` when
//!   sorted by date. A passage's `score` rates the passage alone; 0 for the lead of an article
//!   whose body does not match.
//! - `start`/`end` are character offsets of the passage in the article body (as `show --json`
//!   prints it); `highlights` are `[start, end)` character offsets into the passage `text`.
//! - `facets` appears only with `search --facets`: a [`crate::search::Facets`] by year
//!   (`{"total", "undated", "by", "counted", "sources": [{"source", "articles"}], "dates":
//!   [{"period", "articles"}]}`), the object `timeline --json` and `GET /api/facets` print.
//!   `counted` is `"articles"`, or `"stories"` when asked (`--facets-by stories`, `timeline
//!   --count stories`, `count=stories`): then the object has `stories` too, and each source
//!   and period its `stories` beside its `articles`.
//! - With `--explain`, each hit has `explain`: `{"formula", "bm25", "concentration", "title",
//!   "passages": [{"start", "end", "score", "share", "parts": [{"what", "count", "weight",
//!   "score"}]}], "tantivy": {"value", "description", "details"}}` ([`crate::search::Explain`]).
//!
//! - `stories` (copies collapsed, `--copies collapse`): the stories the `total` articles make.
//!   A hit's `copies` lists the other articles carrying it (`{"id", "title", "source", "date",
//!   "kind": "copy", "similarity"}`, [`crate::search::Copy`]); a passage's `reprints` where else
//!   it was printed (the same, with `start`/`end` in that article). A reprint found by
//!   alignment ([`crate::search::reuse`]) has `"kind": "reuse"`, `similarity` the share of
//!   the passage's words aligned, `aligned_words`, and `own_start`/`own_end`, the aligned
//!   text in this article. `copies ID --json` prints a
//!   [`crate::search::copies::CopiesReport`], `copies --all` an
//!   [`crate::search::copies::AllPairs`].
//!
//! `newsindex serve` answers `GET /api/search` with this same object. Later versions only add
//! fields. `show --json` prints an [`crate::article::Article`];
//! `show --json --at N` the same object with `context` added ([`ArticleAt`]); `stats --json` an
//! [`crate::index::IndexStats`], whose `sources` entries add `name`: how the source's articles
//! most often write it (a name rather than a web address, no trailing full stop), for showing.

use std::io::Write;

use serde::Serialize;

use crate::article::Article;
use crate::search::passage::Context;

/// An article with its passages around an offset: `show --json --at N`.
///
/// The article's fields, plus `context`: `{"offset", "passage", "before", "after",
/// "skipped_before", "skipped_after"}`, passages as in search results.
#[derive(Debug, Serialize)]
pub struct ArticleAt<'a> {
    /// The article.
    #[serde(flatten)]
    pub article: &'a Article,
    /// The passages around the offset.
    pub context: &'a Context,
}

/// Writes `value` as one line of JSON.
///
/// # Errors
/// The writer's error.
pub fn write(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}
