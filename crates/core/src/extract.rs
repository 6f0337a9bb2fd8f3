//! Request parts read the same way by every handler: query strings and JSON bodies whose
//! rejections become [`ApiError`]s (so every error has the JSON shape), and `If-Match`.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Json, Query};
use axum::http::{HeaderMap, StatusCode};
use brevdue_api::ErrorCode;

use crate::error::{ApiError, ApiResult};

/// The query string, or 400.
pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// The JSON body, or 400.
pub(crate) fn json<T>(j: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    j.map(|Json(t)| t)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// What `If-Match` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfMatch {
    /// `If-Match: *`
    Any,
    Version(i64),
}

/// The version in `If-Match` (`3`, `"3"` or `W/"3"`); `None` when the header is absent.
pub(crate) fn if_match(headers: &HeaderMap) -> ApiResult<Option<IfMatch>> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("If-Match is not text"))?
        .trim();
    if text == "*" {
        return Ok(Some(IfMatch::Any));
    }
    let bare = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    bare.parse()
        .map(|v| Some(IfMatch::Version(v)))
        .map_err(|_| ApiError::bad_request("If-Match must be a message version such as \"3\""))
}

/// [`if_match`], required: 428 without it.
pub(crate) fn required_if_match(headers: &HeaderMap) -> ApiResult<IfMatch> {
    if_match(headers)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            ErrorCode::PreconditionRequired,
            "send If-Match with the message's version",
        )
    })
}

/// 412 for a version that is no longer current.
pub(crate) fn stale() -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        ErrorCode::PreconditionFailed,
        "the message has changed since that version; fetch it again",
    )
}
