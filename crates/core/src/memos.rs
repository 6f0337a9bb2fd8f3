//! The system-facing side of `/apis/v1/memos`: a sender system hands in a memo (`POST`) and
//! recalls it before its value date (`DELETE`); a recipient system lists its queue (`GET`),
//! fetches a memo's raw bytes (`GET /{id}`) and takes it off the queue with a receipt.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevdue_api::{ErrorBody, MemoAccepted, QueuedMemo};
use futures_util::TryStreamExt;
use tokio_util::io::{ReaderStream, StreamReader};

use crate::access;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::release;
use crate::routing::{self, MEMO_ROW, MemoRow};
use crate::search;
use crate::state::AppState;
use crate::timefmt;

/// Hands in a MeMo (the body is the XML, up to 99.5 MB). 201 when accepted, 200 when the same
/// messageUUID was accepted before (with the first result).
#[utoipa::path(post, path = "/apis/v1/memos", tag = "memos",
    request_body(content = String, content_type = "application/xml", description = "a MeMo message"),
    responses((status = 201, body = MemoAccepted), (status = 200, body = MemoAccepted),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<MemoAccepted>)> {
    let (system_id, _) = access::sender_system(&caller)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let accepted = routing::accept(&state, system_id, StreamReader::new(stream), declared).await?;
    let status = if accepted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(accepted.memo)))
}

fn parse_uuid(s: &str) -> ApiResult<String> {
    uuid::Uuid::try_parse(s.trim())
        .map(|u| u.as_hyphenated().to_string())
        .map_err(|_| ApiError::not_found())
}

/// Recalls a memo before its value date (sender's authority only). 409 once it is delivered.
#[utoipa::path(delete, path = "/apis/v1/memos/{messageUUID}", tag = "memos",
    params(("messageUUID" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn recall(
    State(state): State<AppState>,
    caller: Caller,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    let (_, authority_id) = access::sender_system(&caller)?;
    let uuid = parse_uuid(&uuid)?;
    // Whatever is due is delivered first: a recall at or after the value date is too late.
    release::release_due(&state).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let row: Option<MemoRow> = sqlx::query_as(MEMO_ROW)
        .bind(&uuid)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row.filter(|r| r.sender_authority_id.as_deref() == Some(authority_id)) else {
        return Err(ApiError::not_found());
    };
    match row.status.as_str() {
        "RECALLED" => return Ok(StatusCode::NO_CONTENT),
        "SCHEDULED" => {}
        _ => {
            return Err(ApiError::conflict(
                "the memo is delivered; it can no longer be recalled",
            ));
        }
    }
    let flipped = sqlx::query(
        "UPDATE memos SET status = 'RECALLED' WHERE message_uuid = $1 AND status = 'SCHEDULED'",
    )
    .bind(&uuid)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if flipped != 1 {
        return Err(ApiError::conflict(
            "the memo is delivered; it can no longer be recalled",
        ));
    }
    // Never visible, so no tombstone: no client has seen it.
    let seq: Option<(i64,)> =
        sqlx::query_as("DELETE FROM messages WHERE message_uuid = $1 RETURNING seq")
            .bind(&uuid)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((seq,)) = seq {
        search::remove(&mut tx, seq).await?;
    }
    tx.commit().await?;
    tracing::info!(message_uuid = %uuid, "memo recalled");
    Ok(StatusCode::NO_CONTENT)
}

/// The memos waiting for the calling recipient system, oldest first.
#[utoipa::path(get, path = "/apis/v1/memos", tag = "memos",
    responses((status = 200, body = Vec<QueuedMemo>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<QueuedMemo>>> {
    let system_id = access::recipient_system(&caller)?;
    release::release_due(&state).await?;
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.message_uuid, m.label, COALESCE(a.cvr, m.sender_id, ''), m.contact_point_id, \
         m.post_type, m.raw_size, m.visible_from \
         FROM memos m LEFT JOIN authorities a ON a.id = m.sender_authority_id \
         WHERE m.recipient_system_id = $1 AND m.receipted_at IS NULL AND m.status = 'DELIVERED' \
         ORDER BY m.accepted_at LIMIT 1000",
    )
    .bind(system_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(
                |(uuid, label, sender, cp, post_type, size, at)| QueuedMemo {
                    message_uuid: uuid,
                    label,
                    sender_id: sender,
                    contact_point_id: cp,
                    post_type,
                    size: size.max(0) as u64,
                    queued_date_time: timefmt::from_db(&at).unwrap_or_default(),
                },
            )
            .collect(),
    ))
}

/// The raw MeMo of a memo routed to the calling recipient system.
#[utoipa::path(get, path = "/apis/v1/memos/{messageUUID}", tag = "memos",
    params(("messageUUID" = String, Path)),
    responses((status = 200, content_type = "application/xml", description = "the MeMo as sent"),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn fetch(
    State(state): State<AppState>,
    caller: Caller,
    Path(uuid): Path<String>,
) -> ApiResult<Response> {
    let system_id = access::recipient_system(&caller)?;
    let uuid = parse_uuid(&uuid)?;
    release::release_due(&state).await?;
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT raw_sha256, raw_size FROM memos WHERE message_uuid = $1 \
         AND recipient_system_id = $2 AND status = 'DELIVERED'",
    )
    .bind(&uuid)
    .bind(system_id)
    .fetch_optional(&state.db)
    .await?;
    let (sha, size) = row.ok_or_else(ApiError::not_found)?;
    let file = tokio::fs::File::from_std(state.blobs.open_blob(&sha)?);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&size.to_string()) {
        headers.insert(header::CONTENT_LENGTH, v);
    }
    let body = Body::from_stream(ReaderStream::with_capacity(file, 64 * 1024));
    Ok((StatusCode::OK, headers, body).into_response())
}

/// Takes a memo off the calling recipient system's queue.
#[utoipa::path(post, path = "/apis/v1/memos/{messageUUID}/receipt", tag = "memos",
    params(("messageUUID" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    let system_id = access::recipient_system(&caller)?;
    let uuid = parse_uuid(&uuid)?;
    let known = sqlx::query(
        "UPDATE memos SET receipted_at = COALESCE(receipted_at, $1) WHERE message_uuid = $2 \
         AND recipient_system_id = $3 AND status = 'DELIVERED'",
    )
    .bind(timefmt::to_db(state.clock.now()))
    .bind(&uuid)
    .bind(system_id)
    .execute(&state.db)
    .await?
    .rows_affected();
    if known == 0 {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
