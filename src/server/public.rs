//! `serve --public`: answers that keep the server's own paths to itself.
//!
//! Hits and articles name their file relative to the indexed folder holding it, and
//! `/api/stats` leaves out the index folder and the indexed roots. Nothing is read or hidden
//! beyond paths: the archive's text is what the server is there to serve.

use crate::article::Article;
use crate::index::IndexStats;
use crate::search::SearchResults;

/// `path` relative to the longest of `roots` holding it, with `/` between folders; a path under
/// no root keeps only its file name.
pub fn relative_path(path: &str, roots: &[String]) -> String {
    let inside = roots
        .iter()
        .filter_map(|root| {
            let root = root.trim_end_matches(['/', '\\']);
            let rest = path.strip_prefix(root)?;
            let rest = rest.strip_prefix(['/', '\\'])?;
            Some((root.len(), rest))
        })
        .max_by_key(|(length, _)| *length)
        .map(|(_, rest)| rest);
    let relative = inside.unwrap_or_else(|| {
        path.rsplit(['/', '\\'])
            .next()
            .filter(|name| !name.is_empty())
            .unwrap_or_default()
    });
    relative.replace('\\', "/")
}

/// The hits of `results` with archive-relative paths.
pub fn results(mut results: SearchResults, roots: &[String]) -> SearchResults {
    for hit in &mut results.hits {
        hit.path = relative_path(&hit.path, roots);
    }
    results
}

/// `article` with an archive-relative path.
pub fn article(mut article: Article, roots: &[String]) -> Article {
    article.path = relative_path(&article.path, roots);
    article
}

/// `stats` without the index folder and the indexed roots.
pub fn stats(stats: IndexStats) -> IndexStats {
    IndexStats {
        index: String::new(),
        roots: Vec::new(),
        root_articles: Vec::new(),
        ..stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_their_root() {
        let roots = vec!["/srv/news".to_string(), "/srv/news/wire".to_string()];
        assert_eq!(
            relative_path("/srv/news/wire/2019/a.txt", &roots),
            "2019/a.txt"
        );
        assert_eq!(relative_path("/srv/news/b.txt", &roots), "b.txt");
        assert_eq!(relative_path("/srv/newsroom/c.txt", &roots), "c.txt");
        assert_eq!(relative_path("/elsewhere/d/e.json", &roots), "e.json");
    }
}
