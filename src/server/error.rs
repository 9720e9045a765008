//! [`ApiError`]: how a failed request answers, as JSON `{"error": "..."}` with its status.
//!
//! Client mistakes (400, 404, 405) say what was wrong, and a 400 about one parameter names it
//! in `"parameter"` as well, so a page can mark the field; internal failures (500) answer with
//! a generic message and send the detail, which may name paths on the server, to the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// A request that could not be answered.
#[derive(Debug)]
pub enum ApiError {
    /// A parameter is missing, malformed or out of range: which one and why, written
    /// `name: reason` when it is about one parameter.
    BadRequest(String),
    /// The route exists but does not take this method (every route takes GET and HEAD).
    MethodNotAllowed(axum::http::Method),
    /// The article or route does not exist.
    NotFound(String),
    /// Something failed on the server; the detail is logged, not sent.
    Internal(String),
    /// The request took longer than the server's time budget.
    OverBudget(std::time::Duration),
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::InvalidQuery { reason, .. } => ApiError::BadRequest(format!("q: {reason}")),
            Error::UnknownSource { name, reason } => {
                ApiError::BadRequest(format!("source: '{name}': {reason}"))
            }
            Error::InvalidDate {
                option,
                value,
                reason,
            } => ApiError::BadRequest(format!("{option}: '{value}': {reason}")),
            Error::ArticleNotFound { id, .. } => {
                ApiError::NotFound(format!("no article with id '{id}'"))
            }
            other => ApiError::Internal(
                crate::diagnostic::causes(&other)
                    .collect::<Vec<_>>()
                    .join(": "),
            ),
        }
    }
}

/// The parameters a message may start with, as `name: reason`.
const PARAMETERS: &[&str] = &[
    "q", "from", "to", "source", "sort", "limit", "offset", "passages", "any", "all", "by", "id",
];

impl ApiError {
    /// The parameter a bad request is about, when it is about one.
    pub fn parameter(&self) -> Option<&'static str> {
        let ApiError::BadRequest(message) = self else {
            return None;
        };
        let (name, _) = message.split_once(':')?;
        PARAMETERS.iter().copied().find(|known| *known == name)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let parameter = self.parameter();
        let mut allow = None;
        let (status, message) = match self {
            ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            ApiError::MethodNotAllowed(method) => {
                allow = Some(HeaderValue::from_static("GET, HEAD"));
                (
                    StatusCode::METHOD_NOT_ALLOWED,
                    format!("{method} is not accepted here; the API answers GET (and HEAD) only"),
                )
            }
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            ApiError::OverBudget(budget) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the search took longer than this server allows ({:.1} s) and was cut; \
                     try fewer words, or fewer prefix (*) and fuzzy (~) words",
                    budget.as_secs_f64()
                ),
            ),
            ApiError::Internal(detail) => {
                tracing::error!("request failed: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; the server log has the details".to_string(),
                )
            }
        };
        let body = match parameter {
            Some(parameter) => serde_json::json!({ "error": message, "parameter": parameter }),
            None => serde_json::json!({ "error": message }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_failures_answer_500_without_their_detail() {
        let error = ApiError::from(Error::Io {
            path: "/srv/archive/index/meta.json".into(),
            source: std::io::Error::other("disk on fire"),
        });
        assert!(matches!(&error, ApiError::Internal(detail) if detail.contains("disk on fire")));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_text(response);
        assert!(!body.contains("/srv/archive"), "{body}");
        assert!(body.contains("internal error"), "{body}");
    }

    #[test]
    fn client_mistakes_keep_their_message() {
        let error = ApiError::from(Error::InvalidDate {
            option: "from".into(),
            value: "2024-13".into(),
            reason: "month 13 does not exist".into(),
        });
        assert!(
            matches!(error, ApiError::BadRequest(message) if message == "from: '2024-13': month 13 does not exist")
        );
        let missing = ApiError::from(Error::ArticleNotFound {
            id: "0123456789abcdef".into(),
            path: "/srv/archive/index".into(),
        });
        assert!(matches!(missing, ApiError::NotFound(message) if !message.contains("/srv")));
    }

    /// The body of a response whose body is already in memory.
    fn body_text(response: Response) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = runtime
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
