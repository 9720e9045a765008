//! Criterion benchmarks of the hot in-process paths: reading an article, picking passages,
//! and a search (query, collect, passages) on a small real index of the sample corpus.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use newsindex::index::NewsIndex;
use newsindex::index::UpdateOptions;
use newsindex::parse::{Format, ParseContext, parse_bytes};
use newsindex::search::{SearchRequest, SortOrder, search};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/sample_corpus/seed/000_833dcbfb9c9e23fc.txt"
);

fn parse(c: &mut Criterion) {
    let bytes = std::fs::read(SEED).unwrap_or_default();
    let context = ParseContext::default();
    c.bench_function("parse seed article", |b| {
        b.iter(|| parse_bytes(Path::new(SEED), Format::Text, black_box(&bytes), &context))
    });
}

fn searches(c: &mut Criterion) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let settings = UpdateOptions {
        threads: 1,
        memory_bytes: 50_000_000,
        ..UpdateOptions::default()
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
    if newsindex::index::update(dir.path(), &[corpus], &settings, &mut |_| {}).is_err() {
        return;
    }
    let Ok(index) = NewsIndex::open(dir.path()) else {
        return;
    };
    let request = |query: &str, sort: SortOrder| SearchRequest {
        query: query.into(),
        sort,
        limit: 10,
        ..SearchRequest::default()
    };
    for (name, query, sort) in [
        ("search two words", "security talks", SortOrder::Relevance),
        ("search phrase", "\"security talks\"", SortOrder::Relevance),
        ("search sorted by date", "covid", SortOrder::Newest),
    ] {
        let request = request(query, sort);
        c.bench_function(name, |b| b.iter(|| search(&index, black_box(&request))));
    }
}

criterion_group!(benches, parse, searches);
criterion_main!(benches);
