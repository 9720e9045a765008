//! `newsindex serve`: the JSON API and the web page over one shared, opened index ([`router`],
//! [`serve`], [`run`]).
//!
//! Index work runs on tokio's blocking pool, so a slow search never holds up other clients; the
//! index reader reloads itself after each commit, so a running `newsindex index` shows up
//! without a restart. The routes are listed in the README; [`params`] checks their parameters.

pub mod error;
mod handlers;
pub mod params;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

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

/// What every request handler shares: the one opened index.
#[derive(Clone)]
pub struct AppState {
    index: Arc<NewsIndex>,
    budget: Duration,
}

/// How long a request may take by default before it answers 503 (`serve --budget`).
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(5);

impl AppState {
    /// Shares `index` between all requests.
    pub fn new(index: NewsIndex) -> AppState {
        AppState {
            index: Arc::new(index),
            budget: DEFAULT_BUDGET,
        }
    }

    /// The same state with another time budget per request.
    pub fn with_budget(self, budget: Duration) -> AppState {
        AppState { budget, ..self }
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
        let task = tokio::task::spawn_blocking(move || work(&index));
        match tokio::time::timeout(self.budget, task).await {
            Ok(Ok(result)) => result.map_err(ApiError::from),
            Ok(Err(failure)) => Err(ApiError::Internal(format!(
                "index task did not finish: {failure}"
            ))),
            Err(_) => Err(ApiError::OverBudget(self.budget)),
        }
    }
}

/// The application: every route of the API and the page, over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(handlers::page))
        .route("/assets/app.js", get(handlers::script))
        .route("/assets/style.css", get(handlers::style))
        .route("/health", get(handlers::health))
        .route("/api/search", get(handlers::search))
        .route("/api/facets", get(handlers::facets))
        .route("/api/articles/{id}", get(handlers::article))
        .route("/api/stats", get(handlers::stats))
        .fallback(handlers::not_found)
        .layer(axum::middleware::from_fn(handlers::finish_response))
        .with_state(state)
}

/// Bytes of cut article bodies the server keeps between searches (word boundaries and passage
/// spans, about twice a body's size for a long page: some 1,500 front pages).
pub const PASSAGE_CACHE_BYTES: usize = 64 << 20;

/// Serves [`router`] on `listener` until `shutdown` completes, then lets open requests finish.
///
/// # Errors
/// [`Error::Serve`] when accepting connections fails.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)
}

/// Listens on `addr`, tells `on_listening` the bound address (port 0 picks a free one) and
/// serves `index` until Ctrl-C or SIGTERM, with at most `threads` threads for index work.
///
/// # Errors
/// [`Error::Bind`] when `addr` cannot be listened on; [`Error::Serve`] when the server fails.
pub fn run(
    index: NewsIndex,
    addr: &str,
    threads: usize,
    budget: Duration,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<()> {
    crate::search::passage::cache::enable(PASSAGE_CACHE_BYTES);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(threads.max(1))
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
        let state = AppState::new(index).with_budget(budget);
        serve(listener, state, shutdown_signal()).await
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
