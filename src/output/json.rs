//! The JSON contract: what `search --json`, `show --json` and `stats --json` print.
//!
//! `search --json` prints one object, [`crate::search::SearchResults`]:
//!
//! ```json
//! {"total": 12,
//!  "hits": [{"id": "3f0c1d2e4a5b6c7d", "path": "/archive/a.txt", "title": "…",
//!            "date": "2024-06-21", "source": "Reuters", "byline": null, "url": null,
//!            "score": 7.25,
//!            "passages": [{"text": "…", "start": 120, "end": 410, "highlights": [[8, 16]]}]}]}
//! ```
//!
//! - `total` counts every matching article, not just this page.
//! - `date` is `YYYY-MM-DD` when only the day is known, RFC 3339 when the time is; `null` if undated.
//! - `score` is the BM25 score, `null` when sorted by date.
//! - `start`/`end` are character offsets of the passage in the article body (as `show --json`
//!   prints it); `highlights` are `[start, end)` character offsets into the passage `text`.
//! - `facets` appears only with `search --facets`: a [`crate::search::Facets`] by year
//!   (`{"total", "undated", "by", "sources": [{"source", "articles"}], "dates": [{"period",
//!   "articles"}]}`), the object `timeline --json` and `GET /api/facets` print.
//!
//! `newsindex serve` answers `GET /api/search` with this same object. Later versions only add
//! fields. `show --json` prints an [`crate::article::Article`]; `stats --json` an
//! [`crate::index::IndexStats`].

use std::io::Write;

use serde::Serialize;

/// Writes `value` as one line of JSON.
///
/// # Errors
/// The writer's error.
pub fn write(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}
