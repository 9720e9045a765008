//! [`ApiError`]: how a failed request answers, as JSON `{"error": "..."}` with its status.
//!
//! Client mistakes (400, 404) say what was wrong; internal failures (500) answer with a generic
//! message and send the detail, which may name paths on the server, to the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// A request that could not be answered.
#[derive(Debug)]
pub enum ApiError {
    /// A parameter is missing, malformed or out of range: which one and why.
    BadRequest(String),
    /// The article or route does not exist.
    NotFound(String),
    /// Something failed on the server; the detail is logged, not sent.
    Internal(String),
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::InvalidQuery { reason, .. } => ApiError::BadRequest(format!("q: {reason}")),
            Error::InvalidDate {
                option,
                value,
                reason,
            } => ApiError::BadRequest(format!("{option}: '{value}': {reason}")),
            Error::ArticleNotFound { id, .. } => {
                ApiError::NotFound(format!("no article with id '{id}'"))
            }
            other => {
                let mut detail = other.to_string();
                let mut source = std::error::Error::source(&other);
                while let Some(cause) = source {
                    detail.push_str(": ");
                    detail.push_str(&cause.to_string());
                    source = cause.source();
                }
                ApiError::Internal(detail)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            ApiError::Internal(detail) => {
                tracing::error!("request failed: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; the server log has the details".to_string(),
                )
            }
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}
