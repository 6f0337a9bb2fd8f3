//! File content: the bytes of one file of a message's document, streamed from the blob store
//! with `Content-Type`, `Content-Length` and single-range `Range` support (206, 416).
//!
//! Every message is hostile: the MIME type the sender wrote is only trusted when it is a
//! plain `type/subtype`; anything a browser could run or render as a page (HTML, SVG, XML,
//! scripts — anything not on a short list of passive types) is sent as an attachment, with
//! `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy on every answer.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevdue_api::{ErrorBody, ErrorCode};
use brevdue_memo::FileId;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::messages::visible_message;
use crate::state::AppState;

/// Types shown inline by the client; everything else is an attachment.
const INLINE: &[&str] = &[
    "application/pdf",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
];

/// The `Content-Type` to send for a sender's `encodingFormat`, and whether it may be inline.
pub(crate) fn content_type(encoding_format: &str) -> (String, bool) {
    let essence = encoding_format
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let valid = essence
        .split_once('/')
        .is_some_and(|(t, s)| token(t) && token(s));
    if !valid {
        return ("application/octet-stream".into(), false);
    }
    let inline = INLINE.contains(&essence.as_str());
    if essence == "text/plain" {
        // The charset a sender wrote is not trusted; MeMo text is UTF-8.
        return ("text/plain; charset=utf-8".into(), true);
    }
    (essence, inline)
}

/// `Content-Disposition` with a file name that cannot break the header.
fn disposition(inline: bool, filename: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let safe = brevdue_memo::safe_name::safe_file_name(filename);
    let ascii: String = safe
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = safe
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A byte range asked for, resolved against the length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ranged {
    Whole,
    Part { start: u64, end: u64 },
    Unsatisfiable,
}

/// Reads a `Range` header. Only one `bytes` range is served; anything else (other units,
/// several ranges, nonsense) is ignored and the whole file sent, as HTTP allows.
pub(crate) fn range(header: Option<&str>, len: u64) -> Ranged {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ranged::Whole;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ranged::Whole,
        // bytes=-N: the last N bytes.
        (true, false) => match b.parse::<u64>() {
            Ok(0) => return Ranged::Unsatisfiable,
            Ok(n) => (len.saturating_sub(n), len.saturating_sub(1)),
            Err(_) => return Ranged::Whole,
        },
        (false, _) => {
            let Ok(start) = a.parse::<u64>() else {
                return Ranged::Whole;
            };
            let end = if b.is_empty() {
                len.saturating_sub(1)
            } else {
                match b.parse::<u64>() {
                    Ok(e) if e >= start => e.min(len.saturating_sub(1)),
                    _ => return Ranged::Whole,
                }
            };
            (start, end)
        }
    };
    let (start, end) = parsed;
    if len == 0 || start >= len {
        return Ranged::Unsatisfiable;
    }
    Ranged::Part { start, end }
}

/// The bytes of a file.
#[utoipa::path(get,
    path = "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}/documents/{documentId}/files/{fileId}/content",
    tag = "messages",
    params(("mailboxId" = String, Path), ("messageId" = String, Path),
        ("documentId" = String, Path), ("fileId" = String, Path),
        ("Range" = Option<String>, Header, description = "one byte range, e.g. bytes=0-1023")),
    responses((status = 200, description = "the whole file"), (status = 206, description = "the range"),
        (status = 404, body = ErrorBody), (status = 416, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path((mailbox_id, message_id, document, file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (Ok(document), Ok(file)) = (document.parse::<usize>(), file.parse::<usize>()) else {
        return Err(ApiError::not_found());
    };
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let row = visible_message(&mut conn, &grant, &message_id).await?;
    crate::access_log::record(
        &mut conn,
        &grant,
        brevdue_api::AccessKind::ReadFile,
        Some(&row.id),
        state.clock.now(),
    )
    .await?;
    let (model_json,): (String,) =
        sqlx::query_as("SELECT model_json FROM memos WHERE message_uuid = $1")
            .bind(&row.message_uuid)
            .fetch_one(&mut *conn)
            .await?;
    drop(conn);
    let memo: brevdue_memo::Message =
        serde_json::from_str(&model_json).map_err(|e| ApiError::internal(&e))?;
    let meta = memo
        .file(FileId { document, file })
        .ok_or_else(ApiError::not_found)?;
    let blob = state.blobs.open_blob(&meta.sha256)?;
    let len = blob.metadata()?.len();
    let mut blob = tokio::fs::File::from_std(blob);

    let (mime, inline) = content_type(&meta.encoding_format);
    let mut response_headers = HeaderMap::new();
    let put = |h: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    put(&mut response_headers, header::CONTENT_TYPE, &mime);
    put(
        &mut response_headers,
        header::CONTENT_DISPOSITION,
        &disposition(inline, &meta.filename),
    );
    put(
        &mut response_headers,
        header::X_CONTENT_TYPE_OPTIONS,
        "nosniff",
    );
    put(
        &mut response_headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox",
    );
    put(&mut response_headers, header::ACCEPT_RANGES, "bytes");
    put(
        &mut response_headers,
        header::ETAG,
        &format!("\"{}\"", meta.sha256),
    );
    put(
        &mut response_headers,
        header::CACHE_CONTROL,
        "private, max-age=3600",
    );

    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    match range(asked, len) {
        Ranged::Whole => {
            put(
                &mut response_headers,
                header::CONTENT_LENGTH,
                &len.to_string(),
            );
            let body = Body::from_stream(ReaderStream::with_capacity(blob, 64 * 1024));
            Ok((StatusCode::OK, response_headers, body).into_response())
        }
        Ranged::Part { start, end } => {
            let count = end - start + 1;
            blob.seek(SeekFrom::Start(start)).await?;
            put(
                &mut response_headers,
                header::CONTENT_LENGTH,
                &count.to_string(),
            );
            put(
                &mut response_headers,
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{len}"),
            );
            let body = Body::from_stream(ReaderStream::with_capacity(blob.take(count), 64 * 1024));
            Ok((StatusCode::PARTIAL_CONTENT, response_headers, body).into_response())
        }
        Ranged::Unsatisfiable => {
            let mut err = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                ErrorCode::RangeNotSatisfiable,
                format!("the file has {len} bytes"),
            )
            .into_response();
            put(
                err.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{len}"),
            );
            Ok(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range(None, 10), Ranged::Whole);
        assert_eq!(
            range(Some("bytes=0-3"), 10),
            Ranged::Part { start: 0, end: 3 }
        );
        assert_eq!(
            range(Some("bytes=5-"), 10),
            Ranged::Part { start: 5, end: 9 }
        );
        assert_eq!(
            range(Some("bytes=-3"), 10),
            Ranged::Part { start: 7, end: 9 }
        );
        assert_eq!(
            range(Some("bytes=-30"), 10),
            Ranged::Part { start: 0, end: 9 }
        );
        assert_eq!(
            range(Some("bytes=8-100"), 10),
            Ranged::Part { start: 8, end: 9 }
        );
        assert_eq!(range(Some("bytes=10-"), 10), Ranged::Unsatisfiable);
        assert_eq!(range(Some("bytes=-0"), 10), Ranged::Unsatisfiable);
        assert_eq!(range(Some("bytes=0-0"), 0), Ranged::Unsatisfiable);
        assert_eq!(range(Some("bytes=0-1,3-4"), 10), Ranged::Whole);
        assert_eq!(range(Some("items=0-1"), 10), Ranged::Whole);
        assert_eq!(range(Some("bytes=5-2"), 10), Ranged::Whole);
        assert_eq!(range(Some("bytes=x-2"), 10), Ranged::Whole);
    }

    #[test]
    fn hostile_types_are_attachments() {
        assert_eq!(
            content_type("application/pdf"),
            ("application/pdf".into(), true)
        );
        assert_eq!(
            content_type("TEXT/HTML; charset=utf-8"),
            ("text/html".into(), false)
        );
        assert_eq!(
            content_type("image/svg+xml"),
            ("image/svg+xml".into(), false)
        );
        assert_eq!(
            content_type("text/plain; charset=latin1").0,
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("a\r\nb/c"),
            ("application/octet-stream".into(), false)
        );
        assert_eq!(content_type(""), ("application/octet-stream".into(), false));
    }

    #[test]
    fn dispositions_cannot_break_out() {
        let d = disposition(false, "a\"b\r\nc.html");
        assert!(d.starts_with("attachment; filename=\""));
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert_eq!(d.matches('"').count(), 2);
    }
}
