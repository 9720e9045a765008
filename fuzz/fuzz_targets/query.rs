//! Fuzz the query entry point: any query text, with any filters, either runs or is an
//! `InvalidQuery` (or an `UnknownSource` for a `source:` naming none of the index's), on a
//! real two-article index built once in a temporary folder.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newsindex::index::UpdateOptions;
use newsindex::index::NewsIndex;
use newsindex::search::{SearchRequest, SortOrder, search};

fn index() -> &'static (tempfile::TempDir, NewsIndex) {
    static INDEX: OnceLock<(tempfile::TempDir, NewsIndex)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        std::fs::create_dir(&archive).unwrap();
        std::fs::write(archive.join("a.txt"), "Title: Talks resume\nDate: 2024-06-21\nSource: Reuters\n\nSecurity talks resumed.").unwrap();
        std::fs::write(archive.join("b.txt"), "Title: Harvest\nDate: 1916-01-03\n\nThe wheat harvest was good.").unwrap();
        let settings = UpdateOptions { threads: 1, memory_bytes: 20_000_000, ..UpdateOptions::default() };
        let index_dir = dir.path().join("index");
        newsindex::index::update(&index_dir, &[archive], &settings, &mut |_| {}).unwrap();
        let index = NewsIndex::open(&index_dir).unwrap();
        (dir, index)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let query = String::from_utf8_lossy(rest).into_owned();
    let request = SearchRequest {
        query,
        sources: if flags & 1 == 1 { vec!["reuters".into()] } else { Vec::new() },
        sort: match flags >> 1 & 3 {
            1 => SortOrder::Newest,
            2 => SortOrder::Oldest,
            _ => SortOrder::Relevance,
        },
        match_any: flags & 8 == 8,
        limit: usize::from(flags >> 4) + 1,
        offset: usize::from(flags & 7),
        ..SearchRequest::default()
    };
    match search(&index().1, &request) {
        Ok(_)
        | Err(newsindex::Error::InvalidQuery { .. } | newsindex::Error::UnknownSource { .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
    }
});
