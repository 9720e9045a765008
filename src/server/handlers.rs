//! The route handlers: JSON API endpoints, the embedded web page and its assets.
//!
//! Handlers parse parameters ([`super::params`]), hand index work to the blocking pool and
//! answer with the library's serde types, so the API speaks the same JSON as `search --json`.

use std::time::Instant;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use super::{AppState, params, public};
use crate::article::Article;
use crate::index::IndexStats;
use crate::search::{self, ArticlePassages, Facets, SearchResults};

const PAGE: &str = include_str!("web/index.html");
const SCRIPT: &str = include_str!("web/app.js");
const STYLE: &str = include_str!("web/style.css");

/// The page loads only its own script and style sheet; nothing inline, nothing remote.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// `GET /health`: the server is up and the index readable.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `"ok"`.
    status: &'static str,
    /// Articles in the index as the reader currently sees it.
    articles: u64,
}

/// `GET /health`: a cheap liveness answer (the baseline of the load figures).
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        articles: state.index.reader().searcher().num_docs(),
    })
}

/// `GET /api/search`: the `search --json` contract for the query string's request.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let request = params::search_request(raw.as_deref().unwrap_or_default())?;
    let public = state.public;
    let results = state
        .with_index(move |index| {
            let results = search::search(index, &request)?;
            Ok(if public {
                public::results(results, &index.meta().roots)
            } else {
                results
            })
        })
        .await?;
    Ok(Json(results))
}

/// `GET /api/facets`: counts per source and period of the matching articles.
pub async fn facets(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Facets>, ApiError> {
    let (request, by) = params::facets_request(raw.as_deref().unwrap_or_default())?;
    let facets = state
        .with_index(move |index| search::facets(index, &request, by))
        .await?;
    Ok(Json(facets))
}

/// `GET /api/articles/{id}`: one whole article, as `show --json` prints it.
pub async fn article(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Article>, ApiError> {
    let id = article_id(id)?;
    let public = state.public;
    let article = state
        .with_index(move |index| {
            let article = index.article(&id)?;
            Ok(if public {
                public::article(article, &index.meta().roots)
            } else {
                article
            })
        })
        .await?;
    Ok(Json(article))
}

/// `GET /api/articles/{id}/passages?q=…`: the passages of that article the query finds, with
/// their highlights, in text order (what the page marks in the article it shows).
pub async fn article_passages(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ArticlePassages>, ApiError> {
    let id = article_id(id)?;
    let request = params::passages_request(raw.as_deref().unwrap_or_default())?;
    let passages = state
        .with_index(move |index| search::article_passages(index, &id, &request))
        .await?;
    Ok(Json(passages))
}

/// `GET /api/stats`: the figures of `stats --json` (without paths under `--public`).
pub async fn stats(State(state): State<AppState>) -> Result<Json<IndexStats>, ApiError> {
    let public = state.public;
    let stats = state
        .with_index(move |index| {
            let stats = index.stats()?;
            Ok(if public { public::stats(stats) } else { stats })
        })
        .await?;
    Ok(Json(stats))
}

/// The article id of a path, in lower case as ids are made (`0123…` and `0123…` in capitals are
/// one id).
fn article_id(id: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) = id.map_err(|rejection| ApiError::BadRequest(format!("id: {rejection}")))?;
    let id = id.to_ascii_lowercase();
    if !is_article_id(&id) {
        return Err(ApiError::BadRequest(
            "id: not an article id (16 characters, 0-9 and a-f)".to_string(),
        ));
    }
    Ok(id)
}

/// `GET /`: the search page.
pub async fn page() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    response
}

/// `GET /assets/app.js`: the page's script.
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// `GET /assets/style.css`: the page's style sheet.
pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// Any other path: a JSON 404.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such route; the API is under /api/ (see the README)".to_string())
}

/// A route asked with a method it does not take: a JSON 405.
pub async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method)
}

/// Logs each request (path and query string) with its status and time, and adds the headers
/// every response carries.
pub async fn finish_response(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_string(), ToString::to_string);
    let mut response = next.run(request).await;
    tracing::info!(
        "{method} {target} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}

/// True for the ids [`crate::article::article_id`] makes: 16 lowercase hexadecimal characters.
fn is_article_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
