//! The access log: what representatives listed and read in someone else's mailbox (who,
//! which mailbox, which message, when), and the owner's view of it,
//! `GET /apis/v1/mailboxes/{mailboxId}/access-log`.
//!
//! The handlers that serve a mailbox's messages call [`record`] once the caller's access is
//! decided and before anything is answered; it records only callers acting under a
//! representative grant, never the owner. Recording is part of serving: when the entry cannot
//! be written, the read fails (an owner must be able to trust the log to be complete).
//!
//! Repeats are folded: the same person doing the same thing to the same message (or listing
//! the same mailbox) again within [`REPEAT_WINDOW_SECS`] adds no entry. A client syncing every
//! half minute, or a PDF viewer fetching a file in ranges, would otherwise bury the reads that
//! matter.

use crate::db::Conn;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use brevdue_api::{AccessKind, AccessLogEntry, AccessType, ErrorBody, Page};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{self, Grant};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::{extract, timefmt};

/// Within this many seconds, the same access is recorded once.
pub(crate) const REPEAT_WINDOW_SECS: i64 = 300;
/// The largest page of the log.
const MAX_PAGE_SIZE: u32 = 500;

fn kind_to_db(kind: AccessKind) -> &'static str {
    match kind {
        AccessKind::ListMessages => "LIST_MESSAGES",
        AccessKind::ReadMessage => "READ_MESSAGE",
        AccessKind::ReadFile => "READ_FILE",
    }
}

fn kind_from_db(kind: &str) -> Option<AccessKind> {
    match kind {
        "LIST_MESSAGES" => Some(AccessKind::ListMessages),
        "READ_MESSAGE" => Some(AccessKind::ReadMessage),
        "READ_FILE" => Some(AccessKind::ReadFile),
        _ => None,
    }
}

/// Records that the holder of `grant` did `kind` (to `message_id`) at `now`, if they act as
/// a representative; an owner's own reads are not logged.
pub(crate) async fn record(
    conn: &mut Conn,
    grant: &Grant,
    kind: AccessKind,
    message_id: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if grant.access_type != AccessType::PartyRepresentative {
        return Ok(());
    }
    let since = timefmt::to_db(now - chrono::Duration::seconds(REPEAT_WINDOW_SECS));
    // One statement: the check for a recent repeat and the insert cannot be split by another
    // request.
    sqlx::query(
        "INSERT INTO access_log (mailbox_id, person_id, representative_id, kind, message_id, at) \
         SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS ( \
           SELECT 1 FROM access_log WHERE mailbox_id = $1 AND person_id = $2 AND kind = $4 \
           AND message_id IS NOT DISTINCT FROM $5 AND at > $7)",
    )
    .bind(&grant.mailbox.id)
    .bind(&grant.person_id)
    .bind(&grant.representative_id)
    .bind(kind_to_db(kind))
    .bind(message_id)
    .bind(timefmt::to_db(now))
    .bind(since)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The parameters of the access log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(crate) struct LogQuery {
    /// 0-based page number (default 0).
    pub page: Option<u32>,
    /// Entries per page, 1 to 500 (default 100).
    pub size: Option<u32>,
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);

/// What representatives listed and read in a mailbox, newest first (owners only).
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/access-log", tag = "mailboxes",
    params(("mailboxId" = String, Path), LogQuery),
    responses((status = 200, body = Page<AccessLogEntry>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    q: Result<Query<LogQuery>, QueryRejection>,
) -> ApiResult<Json<Page<AccessLogEntry>>> {
    let p = extract::query(q)?;
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    if grant.access_type != AccessType::Owner {
        return Err(ApiError::forbidden(
            "only the mailbox's owner may see its access log",
        ));
    }
    let page = p.page.unwrap_or(0);
    let size = p.size.unwrap_or(100).clamp(1, MAX_PAGE_SIZE);
    let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM access_log WHERE mailbox_id = $1")
        .bind(&grant.mailbox.id)
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT l.seq, l.mailbox_id, l.person_id, p.name, l.representative_id, l.kind, \
         l.message_id, l.at FROM access_log l JOIN persons p ON p.id = l.person_id \
         WHERE l.mailbox_id = $1 ORDER BY l.seq DESC LIMIT $2 OFFSET $3",
    )
    .bind(&grant.mailbox.id)
    .bind(i64::from(size))
    .bind(i64::from(page) * i64::from(size))
    .fetch_all(&mut *conn)
    .await?;
    let mut content = Vec::with_capacity(rows.len());
    for (id, mailbox_id, person_id, name, representative_id, kind, message_id, at) in rows {
        let (Some(kind), Some(at)) = (kind_from_db(&kind), timefmt::from_db(&at)) else {
            return Err(ApiError::internal(&"an access log row cannot be read"));
        };
        content.push(AccessLogEntry {
            id,
            mailbox_id,
            person_id,
            name,
            representative_id,
            kind,
            message_id,
            access_date_time: at,
        });
    }
    let total = total.max(0) as u64;
    Ok(Json(Page {
        content,
        page,
        size,
        total_elements: total,
        total_pages: total.div_ceil(u64::from(size)),
    }))
}
