//! `newsindex serve`: every route in-process through `oneshot`, then the real binary on port 0
//! while `newsindex index` adds articles, and its bind and index errors.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use newsindex::article::Article;
use newsindex::index::UpdateOptions;
use newsindex::index::{IndexStats, NewsIndex};
use newsindex::search::{Facets, SearchResults};
use newsindex::server::{AppState, Cors, router};
use tower::ServiceExt;

use crate::http;
use crate::util::{TestCorpus, article};

/// A small archive over four years and three sources, one article undated, indexed in-process.
pub fn archive() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.write(
        "seed.txt",
        article(
            "Talks resume in Geneva",
            "2024-06-21",
            "Reuters",
            "Security talks resumed in Geneva on Friday.\n\nDelegates met for six hours.",
        ),
    );
    corpus.write(
        "harvest.txt",
        article(
            "Harvest report",
            "1916-01-03",
            "The Times",
            "The wheat harvest was good this year. Talks of a shortage ended.",
        ),
    );
    corpus.write(
        "council.txt",
        article(
            "Security council meets",
            "2019-05-17",
            "Wikinews",
            "The security council met in New York to discuss the talks.",
        ),
    );
    corpus.write(
        "stall.txt",
        article(
            "Trade talks stall",
            "2019-05-20",
            "reuters.com",
            "Trade talks stalled on Monday after a week of meetings.",
        ),
    );
    corpus.write(
        "undated.txt",
        article(
            "Talks without a date",
            "",
            "Wikinews",
            "Nobody wrote down when these talks happened.",
        ),
    );
    let settings = UpdateOptions {
        memory_bytes: 50_000_000,
        threads: 1,
        ..UpdateOptions::default()
    };
    newsindex::index::update(
        &corpus.index_dir(),
        &[corpus.archive()],
        &settings,
        &mut |_| {},
    )
    .unwrap();
    corpus
}

fn app(corpus: &TestCorpus) -> axum::Router {
    router(
        AppState::new(NewsIndex::open_live(&corpus.index_dir()).unwrap()),
        &Cors::Off,
    )
}

/// Sends `GET uri` through the router; returns the status, content type and body.
async fn get(corpus: &TestCorpus, uri: &str) -> (StatusCode, String, String) {
    let response = app(corpus)
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

async fn get_json<T: serde::de::DeserializeOwned>(corpus: &TestCorpus, uri: &str) -> T {
    let (status, content_type, body) = get(corpus, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert_eq!(content_type, "application/json", "{uri}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}"))
}

/// Asserts `uri` answers `status` with `{"error": ...}` starting with `starts`.
async fn assert_error(corpus: &TestCorpus, uri: &str, status: StatusCode, starts: &str) {
    let (got, content_type, body) = get(corpus, uri).await;
    assert_eq!(got, status, "{uri}: {body}");
    assert_eq!(content_type, "application/json", "{uri}");
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let message = value["error"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(starts),
        "{uri}: expected an error starting with {starts:?}, got {message:?}"
    );
}

fn words(passage: &newsindex::search::Passage) -> Vec<String> {
    passage
        .highlights
        .iter()
        .map(|[s, e]| passage.text.chars().skip(*s).take(e - s).collect())
        .collect()
}

#[tokio::test]
async fn health_answers_ok_with_the_article_count() {
    let corpus = archive();
    let value: serde_json::Value = get_json(&corpus, "/health").await;
    assert_eq!(value["status"], "ok");
    assert_eq!(value["articles"], 5);
}

#[tokio::test]
async fn api_search_answers_the_same_contract_as_search_json() {
    let corpus = archive();
    let api: SearchResults = get_json(&corpus, "/api/search?q=security+talks").await;
    assert_eq!(api.total, 2);
    let geneva = api
        .hits
        .iter()
        .find(|hit| hit.title == "Talks resume in Geneva")
        .unwrap();
    assert_eq!(words(&geneva.passages[0]), ["Security", "talks"]);
    assert!(api.facets.is_none());
    let cli = corpus.search_json(&["security talks"]);
    assert_eq!(api, cli);
}

#[tokio::test]
async fn api_search_filters_sorts_and_pages() {
    let corpus = archive();
    let titles = |results: SearchResults| -> Vec<String> {
        results.hits.into_iter().map(|hit| hit.title).collect()
    };
    let dated: SearchResults = get_json(&corpus, "/api/search?q=talks&from=2019&to=2019-05").await;
    assert_eq!(dated.total, 2);
    let sourced: SearchResults = get_json(
        &corpus,
        "/api/search?q=talks&source=REUTERS&source=The%20Times",
    )
    .await;
    assert_eq!(sourced.total, 3);
    let oldest: SearchResults = get_json(&corpus, "/api/search?q=talks&sort=oldest").await;
    assert_eq!(
        titles(oldest)[..2],
        ["Harvest report", "Security council meets"]
    );
    let page: SearchResults =
        get_json(&corpus, "/api/search?q=talks&sort=newest&limit=2&offset=1").await;
    assert_eq!(page.total, 5);
    assert_eq!(
        titles(page),
        ["Trade talks stall", "Security council meets"]
    );
    let any: SearchResults = get_json(&corpus, "/api/search?q=harvest+geneva&any=true").await;
    assert_eq!(any.total, 2);
}

#[tokio::test]
async fn api_search_caps_limit_and_passages() {
    let corpus = archive();
    let results: SearchResults =
        get_json(&corpus, "/api/search?q=&limit=100000&passages=1000").await;
    assert_eq!(results.hits.len(), 5);
    let two: SearchResults = get_json(
        &corpus,
        "/api/search?q=delegates+OR+geneva&any=1&passages=2",
    )
    .await;
    assert_eq!(two.hits[0].passages.len(), 2);
    let none: SearchResults = get_json(&corpus, "/api/search?q=talks&passages=0").await;
    assert!(none.hits.iter().all(|hit| hit.passages.is_empty()));
}

#[tokio::test]
async fn api_search_rejects_bad_parameters_with_400_naming_them() {
    let corpus = archive();
    let long_query = format!("/api/search?q={}", "a".repeat(4001));
    let many_sources = format!("/api/search?q=a{}", "&source=x".repeat(51));
    let cases: &[(&str, &str)] = &[
        ("/api/search?q=talks&limit=ten", "limit:"),
        ("/api/search?q=talks&limit=-1", "limit:"),
        ("/api/search?q=talks&offset=10001", "offset:"),
        ("/api/search?q=talks&passages=x", "passages:"),
        ("/api/search?q=talks&from=2024-13", "from:"),
        ("/api/search?q=talks&to=yesterday", "to:"),
        ("/api/search?q=talks&from=2024&to=2019", "to:"),
        ("/api/search?q=talks&sort=best", "sort:"),
        ("/api/search?q=talks&any=maybe", "any:"),
        ("/api/search?q=a&q=b", "q:"),
        (
            "/api/search?q=headline:talks",
            "q: unknown field 'headline'",
        ),
        ("/api/search?q=headline:talks", "q:"),
        (
            "/api/search?q=talks&path=/etc/passwd",
            "unknown parameter 'path'",
        ),
        (&long_query, "q: the query is 4001 characters"),
        (&many_sources, "source: 51 sources"),
    ];
    for (uri, starts) in cases {
        assert_error(&corpus, uri, StatusCode::BAD_REQUEST, starts).await;
    }
}

#[tokio::test]
async fn api_facets_count_sources_and_periods_of_the_matches() {
    let corpus = archive();
    let years: Facets = get_json(&corpus, "/api/facets?q=talks&by=year").await;
    assert_eq!(years.total, 5);
    assert_eq!(years.undated, 1);
    let sources: Vec<(&str, u64)> = years
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.articles))
        .collect();
    assert_eq!(sources, [("reuters", 2), ("wikinews", 2), ("the times", 1)]);
    let periods: Vec<(&str, u64)> = years
        .dates
        .iter()
        .map(|p| (p.period.as_str(), p.articles))
        .collect();
    assert_eq!(periods, [("1916", 1), ("2019", 2), ("2024", 1)]);

    let months: Facets = get_json(&corpus, "/api/facets?q=talks").await;
    assert_eq!(months.dates[1].period, "2019-05");
    assert_eq!(months.dates[1].articles, 2);
    let days: Facets = get_json(
        &corpus,
        "/api/facets?q=talks&by=day&from=2019&source=reuters",
    )
    .await;
    let periods: Vec<&str> = days.dates.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["2019-05-20", "2024-06-21"]);
    assert_eq!(days.total, 2);
}

#[tokio::test]
async fn api_facets_reject_bad_parameters_with_400() {
    let corpus = archive();
    assert_error(
        &corpus,
        "/api/facets?q=talks&by=week",
        StatusCode::BAD_REQUEST,
        "by:",
    )
    .await;
    assert_error(
        &corpus,
        "/api/facets?q=talks&limit=5",
        StatusCode::BAD_REQUEST,
        "unknown parameter 'limit'",
    )
    .await;
    assert_error(
        &corpus,
        "/api/facets?from=1916-02-30",
        StatusCode::BAD_REQUEST,
        "from:",
    )
    .await;
    assert_error(
        &corpus,
        "/api/facets?q=headline:talks",
        StatusCode::BAD_REQUEST,
        "q:",
    )
    .await;
}

#[tokio::test]
async fn api_articles_returns_the_whole_article_404_when_unknown_400_when_malformed() {
    let corpus = archive();
    let results: SearchResults = get_json(&corpus, "/api/search?q=delegates").await;
    let id = &results.hits[0].id;
    let article: Article = get_json(&corpus, &format!("/api/articles/{id}")).await;
    assert_eq!(article.title, "Talks resume in Geneva");
    assert_eq!(article.source.as_deref(), Some("Reuters"));
    assert!(article.body.ends_with("Delegates met for six hours."));
    assert_error(
        &corpus,
        "/api/articles/0123456789abcdef",
        StatusCode::NOT_FOUND,
        "no article with id '0123456789abcdef'",
    )
    .await;
    for malformed in [
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/articles/ABC",
        "/api/articles/%FF",
    ] {
        assert_error(&corpus, malformed, StatusCode::BAD_REQUEST, "id:").await;
    }
}

#[tokio::test]
async fn api_stats_gives_the_figures_of_stats_json() {
    let corpus = archive();
    let stats: IndexStats = get_json(&corpus, "/api/stats").await;
    assert_eq!(stats.articles, 5);
    assert_eq!(stats.undated, 1);
    assert_eq!(stats.earliest.as_deref(), Some("1916-01-03"));
    assert_eq!(stats.latest.as_deref(), Some("2024-06-21"));
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_their_types() {
    let corpus = archive();
    let (status, content_type, body) = get(&corpus, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(body.contains("<script src=\"/assets/app.js\" defer></script>"));
    let response = app(&corpus)
        .oneshot(Request::builder().uri("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let (status, content_type, script) = get(&corpus, "/assets/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/javascript; charset=utf-8");
    assert!(!script.contains("innerHTML"));
    let (status, content_type, _) = get(&corpus, "/assets/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/css; charset=utf-8");
}

#[tokio::test]
async fn unknown_routes_answer_a_json_404() {
    let corpus = archive();
    assert_error(
        &corpus,
        "/api/nothing",
        StatusCode::NOT_FOUND,
        "no such route",
    )
    .await;
    assert_error(
        &corpus,
        "/etc/passwd",
        StatusCode::NOT_FOUND,
        "no such route",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_all_answer() {
    let corpus = archive();
    let app = app(&corpus);
    let requests = (0..64).map(|n| {
        let app = app.clone();
        let uri = match n % 4 {
            0 => "/api/search?q=talks&passages=3",
            1 => "/api/facets?q=talks&by=day",
            2 => "/api/search?q=security&sort=newest",
            _ => "/health",
        };
        tokio::spawn(async move {
            app.oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
                .await
                .unwrap()
                .status()
        })
    });
    let requests: Vec<_> = requests.collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
}

// ------------------------------------------------------------------ the real binary

/// A running `newsindex serve`, killed if the test ends without [`stop_server`].
pub struct Server {
    child: Option<Child>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `newsindex serve --addr 127.0.0.1:0` and the address it printed.
pub fn start_server(corpus: &TestCorpus) -> (Server, SocketAddr) {
    start_server_with(corpus, &[])
}

/// [`start_server`] with more `serve` options.
pub fn start_server_with(corpus: &TestCorpus, options: &[&str]) -> (Server, SocketAddr) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("newsindex"))
        .env_remove("NEWSINDEX_INDEX")
        .env_remove("RUST_LOG")
        .arg("--index")
        .arg(corpus.index_dir())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(options)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let server = Server { child: Some(child) };
    let line = lines.next().unwrap().unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (server, addr.parse().unwrap())
}

/// Sends SIGTERM and expects a clean exit: graceful shutdown.
pub fn stop_server(mut server: Server) {
    let Some(mut child) = server.child.take() else {
        return;
    };
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "serve exited with {status}");
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("serve did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn total(addr: SocketAddr, query: &str) -> u64 {
    let response = http::get(addr, &format!("/api/search?q={query}&limit=1"));
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()["total"].as_u64().unwrap()
}

#[test]
fn serve_shows_articles_a_concurrent_index_run_adds_without_a_restart() {
    let corpus = archive();
    let (server, addr) = start_server(&corpus);
    assert_eq!(http::get(addr, "/health").status, 200);
    assert_eq!(total(addr, "talks"), 5);
    assert_eq!(total(addr, "zeppelin"), 0);

    for n in 0..40 {
        corpus.write(
            &format!("new/zeppelin-{n:02}.txt"),
            article(
                &format!("Zeppelin sighting {n}"),
                "1916-01-20",
                "The Times",
                "A zeppelin was seen over the coast.",
            ),
        );
    }
    let mut indexer = Command::new(assert_cmd::cargo::cargo_bin("newsindex"))
        .env_remove("NEWSINDEX_INDEX")
        .arg("--index")
        .arg(corpus.index_dir())
        .arg("index")
        .arg(corpus.archive())
        .args(["--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The server keeps answering while the index is being written.
    let mut searches = 0;
    let indexed = loop {
        if let Some(status) = indexer.try_wait().unwrap() {
            break status;
        }
        let seen = total(addr, "talks");
        assert!(seen == 5, "talks: {seen}");
        searches += 1;
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(indexed.success(), "index exited with {indexed}");
    assert!(searches > 0);

    let started = Instant::now();
    while total(addr, "zeppelin") < 40 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "new articles did not appear within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let results: SearchResults =
        serde_json::from_str(&http::get(addr, "/api/search?q=zeppelin&limit=100").body).unwrap();
    assert_eq!(results.hits.len(), 40);
    let facets: Facets =
        serde_json::from_str(&http::get(addr, "/api/facets?q=&by=year").body).unwrap();
    assert_eq!(facets.total, 45);
    stop_server(server);
}

#[test]
fn serve_names_an_address_in_use_and_exits_5() {
    let corpus = archive();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = corpus
        .cmd()
        .args(["serve", "--addr", &addr])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.starts_with(&format!("newsindex: error: cannot listen on '{addr}'")),
        "{err}"
    );
}

#[test]
fn serve_without_an_index_exits_3_before_listening() {
    let corpus = TestCorpus::new();
    let output = corpus
        .cmd()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("no index at"), "{err}");
}

#[tokio::test]
async fn api_copies_lists_an_articles_copies_and_search_collapses_them() {
    let corpus = crate::copies::wire_archive();
    let results: SearchResults =
        get_json(&corpus, "/api/search?q=terminal+cranes&copies=collapse").await;
    assert_eq!((results.total, results.stories), (5, Some(2)));
    let story = results.hits.iter().find(|h| h.copies.len() == 3).unwrap();
    let all: SearchResults = get_json(&corpus, "/api/search?q=terminal+cranes&copies=all").await;
    assert_eq!(all.hits.len(), 5);
    let report: serde_json::Value =
        get_json(&corpus, &format!("/api/articles/{}/copies", story.id)).await;
    assert_eq!(report["id"], story.id.as_str());
    assert_eq!(report["copies"].as_array().unwrap().len(), 3);
    assert_error(
        &corpus,
        "/api/search?q=a&copies=some",
        StatusCode::BAD_REQUEST,
        "copies:",
    )
    .await;
    assert_error(
        &corpus,
        "/api/articles/0000000000000000/copies",
        StatusCode::NOT_FOUND,
        "",
    )
    .await;
}

/// The server keeps the articles it reads with their cut bodies, or a long body's stored
/// passage map; a page asked about again is marked from what it kept. Each answer, first and
/// again, is the one-shot `search --json` answer: on short articles, on a page cut into
/// windows and on one long enough to store its map, for words, a phrase, an exclusion and by
/// date.
#[test]
fn kept_pages_answer_as_pages_read_afresh() {
    let corpus = archive();
    let paragraph = "The harbour board met again on Tuesday. Ships from Geneva waited while the \
                     security of the docks was argued. Talks went on late into the night, and \
                     the security talks resumed at dawn. ";
    corpus.write(
        "page.txt",
        article(
            "Harbour board",
            "1916-01-04",
            "The Times",
            &format!(
                "{}\n\n{}\n\nNothing else happened.",
                paragraph.repeat(12),
                paragraph.repeat(3)
            ),
        ),
    );
    // Long enough to store its passage map (`STORED_MAP_BYTES`); without Geneva, so that the
    // exclusion below keeps it; with more words starting `sh` than a search looks up in the
    // index, so that `sh*` marks its cut instead of its map.
    let lisbon = paragraph.replace("Geneva", "Lisbon");
    let long = format!(
        "{}\n\n{}Sheds, shelves, shells, shifts, shocks, shoes, shops, shorts, shots, shows, \
         shades, sharks, sheep, shields, shirts, shores, shrubs and shawls lay about.",
        lisbon.repeat(20),
        lisbon.repeat(8)
    );
    assert!(long.len() >= newsindex::index::passages::STORED_MAP_BYTES);
    corpus.write(
        "long.txt",
        article("Harbour security", "1916-01-05", "The Sun", &long),
    );
    assert!(corpus.index().status.success());
    let (server, addr) = start_server(&corpus);
    let asked: [(&str, &[&str], &str); 6] = [
        ("security talks", &["--passages", "3"], "&passages=3"),
        ("\"security talks\"", &["--passages", "3"], "&passages=3"),
        ("talks -geneva", &["--passages", "3"], "&passages=3"),
        (
            "talks",
            &["--sort", "newest", "--passages", "3"],
            "&sort=newest&passages=3",
        ),
        ("harbour ships", &["--passages", "2"], "&passages=2"),
        ("sh* security", &["--passages", "3"], "&passages=3"),
    ];
    for round in 0..2 {
        for (query, flags, params) in asked {
            let mut args = vec![query];
            args.extend_from_slice(flags);
            let fresh = corpus.search_json(&args);
            assert!(fresh.total > 0, "{query}");
            let uri = format!(
                "/api/search?q={}{params}",
                query.replace(' ', "+").replace('"', "%22")
            );
            let response = http::get(addr, &uri);
            assert_eq!(response.status, 200, "{}", response.body);
            let served: SearchResults = serde_json::from_str(&response.body).unwrap();
            assert_eq!(served, fresh, "round {round}: {uri}");
        }
    }
    stop_server(server);
}
