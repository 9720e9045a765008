//! `newsindex serve`: the JSON API and the web page over one shared, opened index ([`router`],
//! [`serve`], [`run`]).
//!
//! Index work runs on tokio's blocking pool, so a slow search never holds up other clients; the
//! index reader reloads itself after each commit, so a running `newsindex index` shows up
//! without a restart. The routes are listed in the README; [`params`] checks their parameters.

pub mod error;
mod handlers;
pub mod params;
pub mod public;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::{Error, Result};
use crate::index::NewsIndex;
use error::ApiError;

/// Unless told otherwise, index work runs on at most this many threads per core (64 at
/// least). Searches are CPU bound, so more threads mostly add memory; requests beyond them
/// wait in line.
const BLOCKING_THREADS_PER_CORE: usize = 32;

/// The default number of threads for index work on this machine.
pub fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * BLOCKING_THREADS_PER_CORE).max(64)
}

/// What every request handler shares: the one opened index and how to answer.
#[derive(Clone)]
pub struct AppState {
    index: Arc<NewsIndex>,
    budget: Duration,
    public: bool,
}

/// Which other web sites' pages may call the API from a browser (`serve --cors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cors {
    /// None: browsers keep the API to pages this server serves (the default).
    #[default]
    Off,
    /// Pages from any origin (`--cors '*'`).
    AnyOrigin,
    /// Pages from these origins, each `scheme://host[:port]`.
    Origins(Vec<HeaderValue>),
}

impl Cors {
    /// Checks one `--cors` value: `*`, or an origin such as `https://news.example.org` (clap's
    /// value parser).
    ///
    /// # Errors
    /// A message saying how an origin is written.
    pub fn check_origin(value: &str) -> std::result::Result<String, String> {
        let origin = value.trim_end_matches('/');
        let well_formed = origin == "*"
            || ["http://", "https://"].iter().any(|scheme| {
                origin.strip_prefix(scheme).is_some_and(|host| {
                    !host.is_empty() && !host.contains(['/', '?', '#', ' ', '*'])
                })
            });
        if well_formed && HeaderValue::from_str(origin).is_ok() {
            Ok(origin.to_string())
        } else {
            Err(format!(
                "'{value}' is not an origin; write it as the browser sends it, like \
                 https://news.example.org or http://localhost:3000, or '*' for any"
            ))
        }
    }

    /// The policy for checked `--cors` values: none is off, and `*` among them allows any.
    pub fn from_origins(values: &[String]) -> Cors {
        if values.is_empty() {
            Cors::Off
        } else if values.iter().any(|value| value == "*") {
            Cors::AnyOrigin
        } else {
            Cors::Origins(
                values
                    .iter()
                    .filter_map(|value| HeaderValue::from_str(value).ok())
                    .collect(),
            )
        }
    }

    /// The layer answering preflights and adding `Access-Control-Allow-Origin`, if any.
    fn layer(&self) -> Option<CorsLayer> {
        let origin = match self {
            Cors::Off => return None,
            Cors::AnyOrigin => AllowOrigin::any(),
            Cors::Origins(origins) => AllowOrigin::list(origins.iter().cloned()),
        };
        Some(
            CorsLayer::new()
                .allow_origin(origin)
                .allow_methods([Method::GET, Method::HEAD])
                .allow_headers([axum::http::header::ACCEPT])
                .max_age(Duration::from_secs(3600)),
        )
    }
}

/// How `serve` answers, beyond the index it serves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Threads for index work; more requests wait in line.
    pub threads: usize,
    /// Longest a request may take before it answers 503.
    pub budget: Duration,
    /// Which other origins' pages may call the API.
    pub cors: Cors,
    /// Answer with archive-relative paths only: no server paths, roots or index folder.
    pub public: bool,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            threads: default_threads(),
            budget: DEFAULT_BUDGET,
            cors: Cors::Off,
            public: false,
        }
    }
}

/// How long a request may take by default before it answers 503 (`serve --budget`).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(5);

impl AppState {
    /// Shares `index` between all requests.
    pub fn new(index: NewsIndex) -> AppState {
        AppState {
            index: Arc::new(index),
            budget: DEFAULT_BUDGET,
            public: false,
        }
    }

    /// The same state with another time budget per request.
    pub fn with_budget(self, budget: Duration) -> AppState {
        AppState { budget, ..self }
    }

    /// The same state answering with archive-relative paths only (`serve --public`).
    pub fn with_public(self, public: bool) -> AppState {
        AppState { public, ..self }
    }

    /// Runs `work` on the blocking pool with the index, turning failures into [`ApiError`]s;
    /// past the time budget the request answers 503 (the work finishes on its thread, but
    /// nobody waits for it).
    async fn with_index<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&NewsIndex) -> Result<T> + Send + 'static,
    {
        let index = Arc::clone(&self.index);
        let started = std::time::Instant::now();
        let task = tokio::task::spawn_blocking(move || work(&index));
        match tokio::time::timeout(self.budget, task).await {
            // `timeout` polls the task before its clock: a task that finished past the budget
            // before that first poll is over the budget too.
            Ok(Ok(_)) if started.elapsed() > self.budget => Err(ApiError::OverBudget(self.budget)),
            Ok(Ok(result)) => result.map_err(ApiError::from),
            Ok(Err(failure)) => Err(ApiError::Internal(format!(
                "index task did not finish: {failure}"
            ))),
            Err(_) => Err(ApiError::OverBudget(self.budget)),
        }
    }
}

/// The application: every route of the API and the page, over `state`, answering browsers on
/// other origins as `cors` allows; answers are compressed (gzip or brotli) when the client
/// accepts it.
pub fn router(state: AppState, cors: &Cors) -> Router {
    let router = Router::new()
        .route("/", get(handlers::page))
        .route("/assets/app.js", get(handlers::script))
        .route("/assets/style.css", get(handlers::style))
        .route("/health", get(handlers::health))
        .route("/api/search", get(handlers::search))
        .route("/api/facets", get(handlers::facets))
        .route("/api/articles/{id}", get(handlers::article))
        .route("/api/articles/{id}/copies", get(handlers::copies))
        .route(
            "/api/articles/{id}/passages",
            get(handlers::article_passages),
        )
        .route("/api/stats", get(handlers::stats))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(handlers::finish_response))
        .with_state(state);
    match cors.layer() {
        Some(layer) => router.layer(layer),
        None => router,
    }
}

/// Bytes of articles the server keeps between searches with their bodies' cuts (text, word
/// boundaries with a hash of each word's indexed form, passage spans: about 3.7 times a long
/// page's text, so some 800 front pages of 22 KB).
pub const PASSAGE_CACHE_BYTES: usize = 64 << 20;

/// Bytes of sorted copy band values a server keeps ([`crate::search::copy_keys`]): 16 bytes a
/// value, 8 per article and 4 per passage of an OCR page (the 1916 pages take 5 MB).
pub const COPY_KEYS_BYTES: usize = 64 << 20;

/// Bytes of OCR pages' passages (spans, band keys, word counts) a server keeps
/// ([`crate::search::copy_keys::passages`]): 64 bytes a passage, some 6 KB a page of 22 KB.
pub const COPY_PAGES_BYTES: usize = 16 << 20;

/// Serves [`router`] on `listener` until `shutdown` completes, then lets open requests finish.
///
/// # Errors
/// [`Error::Serve`] when accepting connections fails.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    cors: &Cors,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, router(state, cors))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)
}

/// Listens on `addr`, tells `on_listening` the bound address (port 0 picks a free one) and
/// serves `index` as `options` say until Ctrl-C or SIGTERM.
///
/// # Errors
/// [`Error::Bind`] when `addr` cannot be listened on; [`Error::Serve`] when the server fails.
pub fn run(
    index: NewsIndex,
    addr: &str,
    options: &ServeOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<()> {
    crate::search::passage::cache::enable(PASSAGE_CACHE_BYTES);
    crate::search::copy_keys::enable(COPY_KEYS_BYTES, COPY_PAGES_BYTES);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(options.threads.max(1))
        .build()
        .map_err(Error::Serve)?;
    let served = runtime.block_on(async {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let bound = listener.local_addr().map_err(Error::Serve)?;
        on_listening(bound);
        let state = AppState::new(index)
            .with_budget(options.budget)
            .with_public(options.public);
        serve(listener, state, &options.cors, shutdown_signal()).await
    });
    // Searches still running past their budget were answered already (503) and only read the
    // index: abandon them rather than hold the exit until they finish.
    runtime.shutdown_timeout(Duration::from_millis(500));
    served
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing open requests");
}
