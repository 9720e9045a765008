//! What a deployment of `newsindex serve` relies on: CORS on and off, compression, the time
//! budget, `--public`, JSON 405s and error bodies that name the parameter; in-process through
//! `oneshot`, and the real binary for the flags.

use std::io::Read;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use newsindex::article::Article;
use newsindex::index::{IndexStats, NewsIndex};
use newsindex::search::{ArticlePassages, SearchResults};
use newsindex::server::{AppState, Cors, router};
use tower::ServiceExt;

use crate::http;
use crate::server::{archive, start_server_with, stop_server};
use crate::util::TestCorpus;

fn state(corpus: &TestCorpus) -> AppState {
    AppState::new(NewsIndex::open_live(&corpus.index_dir()).unwrap())
}

async fn send(app: axum::Router, request: Request<Body>) -> Response {
    app.oneshot(request).await.unwrap()
}

async fn body_bytes(response: Response) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

async fn json(response: Response) -> serde_json::Value {
    let bytes = body_bytes(response).await;
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn cors_is_off_by_default_and_answers_the_origins_given() {
    let corpus = archive();
    let from_elsewhere = || {
        Request::builder()
            .uri("/api/search?q=talks")
            .header(header::ORIGIN, "https://news.example.org")
            .body(Body::empty())
            .unwrap()
    };
    let off = send(router(state(&corpus), &Cors::Off), from_elsewhere()).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert!(
        !off.headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "no CORS header unless asked for"
    );

    let cors = Cors::from_origins(&["https://news.example.org".to_string()]);
    let on = send(router(state(&corpus), &cors), from_elsewhere()).await;
    assert_eq!(
        on.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://news.example.org"
    );
    // A preflight from the listed origin is answered; another origin gets no allowance.
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/search?q=talks")
        .header(header::ORIGIN, "https://news.example.org")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .body(Body::empty())
        .unwrap();
    let answered = send(router(state(&corpus), &cors), preflight).await;
    assert!(answered.status().is_success(), "{}", answered.status());
    let methods = answered.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_string();
    assert!(methods.contains("GET"), "{methods}");
    let stranger = Request::builder()
        .uri("/api/search?q=talks")
        .header(header::ORIGIN, "https://elsewhere.example.com")
        .body(Body::empty())
        .unwrap();
    let refused = send(router(state(&corpus), &cors), stranger).await;
    assert!(
        !refused
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );

    let any = Cors::from_origins(&["*".to_string()]);
    let open = send(router(state(&corpus), &any), from_elsewhere()).await;
    assert_eq!(open.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[test]
fn cors_origins_are_checked_on_the_command_line() {
    assert_eq!(
        Cors::check_origin("https://news.example.org/").unwrap(),
        "https://news.example.org"
    );
    assert!(Cors::check_origin("*").is_ok());
    for wrong in [
        "news.example.org",
        "https://news.example.org/page",
        "ftp://x.org",
        "",
    ] {
        assert!(Cors::check_origin(wrong).is_err(), "{wrong}");
    }
    let corpus = TestCorpus::new();
    corpus
        .cmd()
        .args(["serve", "--cors", "news.example.org"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an origin"));
}

#[tokio::test]
async fn answers_are_compressed_when_the_client_accepts_it() {
    let corpus = archive();
    let plain = send(
        router(state(&corpus), &Cors::Off),
        get("/api/search?q=talks&limit=100&passages=5"),
    )
    .await;
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
    let plain = body_bytes(plain).await;

    let gzip_request = Request::builder()
        .uri("/api/search?q=talks&limit=100&passages=5")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let gzipped = send(router(state(&corpus), &Cors::Off), gzip_request).await;
    assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
    let packed = body_bytes(gzipped).await;
    assert!(
        packed.len() < plain.len(),
        "{} vs {}",
        packed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(packed.as_slice())
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain, "the same answer, compressed");

    let br_request = Request::builder()
        .uri("/assets/app.js")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let brotli = send(router(state(&corpus), &Cors::Off), br_request).await;
    assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
    assert!(body_bytes(brotli).await.len() < include_str!("../../src/server/web/app.js").len() / 2);
}

#[tokio::test]
async fn a_request_over_the_time_budget_answers_503_saying_it_was_cut() {
    let corpus = archive();
    let uri = "/api/search?q=talks~2%20security~2%20harvest~2%20council*";
    let cut = send(
        router(state(&corpus).with_budget(Duration::ZERO), &Cors::Off),
        get(uri),
    )
    .await;
    assert_eq!(cut.status(), StatusCode::SERVICE_UNAVAILABLE);
    let message = json(cut).await["error"].as_str().unwrap().to_string();
    assert!(message.contains("was cut"), "{message}");
    let answered = send(router(state(&corpus), &Cors::Off), get(uri)).await;
    assert_eq!(
        answered.status(),
        StatusCode::OK,
        "the default budget is ample"
    );
}

#[tokio::test]
async fn public_mode_answers_with_archive_relative_paths_only() {
    let corpus = archive();
    let root = corpus.archive().canonicalize().unwrap();
    let root = root.to_str().unwrap();
    let app = || router(state(&corpus).with_public(true), &Cors::Off);
    let results: SearchResults =
        serde_json::from_value(json(send(app(), get("/api/search?q=talks&limit=100")).await).await)
            .unwrap();
    assert!(!results.hits.is_empty());
    for hit in &results.hits {
        assert!(!hit.path.starts_with('/'), "{}", hit.path);
        assert!(hit.path.ends_with(".txt"), "{}", hit.path);
    }
    let id = &results.hits[0].id;
    let article = send(app(), get(&format!("/api/articles/{id}"))).await;
    let article: Article = serde_json::from_value(json(article).await).unwrap();
    assert_eq!(article.path, results.hits[0].path);
    let stats = body_bytes(send(app(), get("/api/stats")).await).await;
    let text = String::from_utf8(stats).unwrap();
    assert!(!text.contains(root), "{text}");
    let stats: IndexStats = serde_json::from_str(&text).unwrap();
    assert_eq!(stats.articles, 5);
    assert!(stats.roots.is_empty() && stats.index.is_empty());

    // Without --public the same answers name the server's paths.
    let private = send(
        router(state(&corpus), &Cors::Off),
        get("/api/search?q=talks"),
    )
    .await;
    let results: SearchResults = serde_json::from_value(json(private).await).unwrap();
    assert!(
        results.hits[0].path.starts_with(root),
        "{}",
        results.hits[0].path
    );

    // The real binary takes the flag.
    let (server, addr) = start_server_with(&corpus, &["--public"]);
    let body = http::get(addr, "/api/stats").body;
    assert!(!body.contains(root), "{body}");
    stop_server(server);
}

#[tokio::test]
async fn wrong_methods_answer_405_with_a_json_error() {
    let corpus = archive();
    for (method, uri) in [
        (Method::POST, "/api/search?q=talks"),
        (Method::DELETE, "/api/articles/0123456789abcdef"),
        (Method::PUT, "/"),
    ] {
        let request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let response = send(router(state(&corpus), &Cors::Off), request).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}"
        );
        assert_eq!(response.headers()[header::ALLOW], "GET, HEAD");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let message = json(response).await["error"].as_str().unwrap().to_string();
        assert!(
            message.starts_with(&format!("{method} is not accepted")),
            "{message}"
        );
    }
    // HEAD is a GET without the body.
    let head = Request::builder()
        .method(Method::HEAD)
        .uri("/health")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(router(state(&corpus), &Cors::Off), head)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_requests_name_the_parameter_for_the_page_to_mark() {
    let corpus = archive();
    for (uri, parameter) in [
        ("/api/search?q=talks&from=2024-13", "from"),
        ("/api/search?q=talks&from=2024&to=2019", "to"),
        ("/api/search?q=nosuchfield:talks", "q"),
        ("/api/search?limit=ten", "limit"),
        ("/api/search?source=nosuchpaper", "source"),
        ("/api/articles/xyz", "id"),
    ] {
        let response = send(router(state(&corpus), &Cors::Off), get(uri)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        let body = json(response).await;
        assert_eq!(body["parameter"], parameter, "{uri}: {body}");
        assert!(
            body["error"].as_str().unwrap().starts_with(parameter),
            "{body}"
        );
    }
    // A message about no one parameter has no "parameter".
    let response = send(
        router(state(&corpus), &Cors::Off),
        get("/api/search?path=x"),
    )
    .await;
    let body = json(response).await;
    assert!(body.get("parameter").is_none(), "{body}");
}

#[tokio::test]
async fn article_ids_are_read_in_either_case() {
    let corpus = archive();
    let results: SearchResults = serde_json::from_value(
        json(
            send(
                router(state(&corpus), &Cors::Off),
                get("/api/search?q=delegates"),
            )
            .await,
        )
        .await,
    )
    .unwrap();
    let id = results.hits[0].id.to_ascii_uppercase();
    let response = send(
        router(state(&corpus), &Cors::Off),
        get(&format!("/api/articles/{id}")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let article: Article = serde_json::from_value(json(response).await).unwrap();
    assert_eq!(article.id, results.hits[0].id);
}

#[tokio::test]
async fn issue_15_article_passages_come_from_that_article_whatever_the_query() {
    let corpus = archive();
    let app = || router(state(&corpus), &Cors::Off);
    let results: SearchResults =
        serde_json::from_value(json(send(app(), get("/api/search?q=delegates")).await).await)
            .unwrap();
    let id = &results.hits[0].id;
    // Unbalanced parentheses that, joined to `id:` in one query, would escape it.
    let response = send(
        app(),
        get(&format!(
            "/api/articles/{id}/passages?q=zzzz)%20OR%20(talks"
        )),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let found: ArticlePassages = serde_json::from_value(json(response).await).unwrap();
    assert_eq!(&found.id, id);
    let article: Article =
        serde_json::from_value(json(send(app(), get(&format!("/api/articles/{id}"))).await).await)
            .unwrap();
    let body: Vec<char> = article.body.chars().collect();
    assert!(!found.passages.is_empty());
    for passage in &found.passages {
        let text: String = body[passage.start..passage.end].iter().collect();
        assert_eq!(text, passage.text, "offsets point into this article");
        for [s, e] in &passage.highlights {
            let word: String = passage.text.chars().skip(*s).take(e - s).collect();
            assert_eq!(word.to_lowercase(), "talks", "{word}");
        }
    }
    let none = send(
        app(),
        get(&format!("/api/articles/{id}/passages?q=harvest")),
    )
    .await;
    let none: ArticlePassages = serde_json::from_value(json(none).await).unwrap();
    assert!(
        none.passages.is_empty(),
        "the other article's words are not here"
    );
}

#[tokio::test]
async fn issue_15_each_source_has_one_display_name_from_its_articles() {
    let corpus = TestCorpus::new();
    for (n, source) in [
        "en.wikinews.org",
        "en.wikinews.org",
        "Wikinews",
        "EL PASO HERALD.",
    ]
    .iter()
    .enumerate()
    {
        corpus.write(
            &format!("{n}.txt"),
            crate::util::article(
                &format!("Story {n}"),
                "2019-05-17",
                source,
                "Talks went on.",
            ),
        );
    }
    corpus.index();
    let stats = send(router(state(&corpus), &Cors::Off), get("/api/stats")).await;
    let stats: IndexStats = serde_json::from_value(json(stats).await).unwrap();
    let names: Vec<(&str, Option<&str>)> = stats
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("wikinews", Some("Wikinews")),
            ("el paso herald", Some("EL PASO HERALD"))
        ]
    );
    let results = send(
        router(state(&corpus), &Cors::Off),
        get("/api/search?q=talks"),
    )
    .await;
    let results: SearchResults = serde_json::from_value(json(results).await).unwrap();
    assert!(results.hits.iter().all(|hit| hit.source_key.is_some()));
}

#[test]
fn request_logs_carry_the_query_string_and_no_colour_codes_in_a_file() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let corpus = archive();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("newsindex"))
        .env_remove("NEWSINDEX_INDEX")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .arg("--index")
        .arg(corpus.index_dir())
        .args(["-v", "serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr: std::net::SocketAddr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(http::get(addr, "/api/search?q=talks&limit=2").status, 200);
    let logged = lines
        .map(Result::unwrap)
        .find(|line| line.contains("GET /api/search"))
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        logged.contains("GET /api/search?q=talks&limit=2 200"),
        "{logged}"
    );
    assert!(!logged.contains('\u{1b}'), "no ANSI codes: {logged:?}");
}
