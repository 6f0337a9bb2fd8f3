//! The change feed: a cheap way for a client to fetch only what changed since its last sync.
//!
//! Every change to a message (delivery, release at its value date, PATCH, move to DELETED)
//! stamps it with the next number of one database-wide, monotonically increasing sequence;
//! a purge leaves a tombstone with its number. `GET /apis/v1/mailboxes/{id}/changes?since=N`
//! answers the messages whose number is above `N` in their current state, the ids purged after
//! `N`, and `nextCursor`, the number to ask with next time (start with `0`). The numbers are
//! given inside the writing transaction, and SQLite commits one writer at a time, so a reader
//! never sees number N+1 committed before N.
//!
//! A representative limited to some folders is told a message that moved out of their
//! folders as deleted; post from non-public senders never appears for them at all.

use crate::db::Conn;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use brevdue_api::{ChangeFeed, ErrorBody};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract;
use crate::messages::{COLUMNS, MessageRow};
use crate::release;
use crate::state::AppState;

/// The next change number. Call inside the writing transaction.
pub(crate) async fn next_seq(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    let (value,): (i64,) =
        sqlx::query_as("UPDATE change_sequence SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(conn)
            .await?;
    Ok(value)
}

/// Records that message `message_id` was purged from `mailbox_id` as change `seq`.
pub(crate) async fn tombstone(
    conn: &mut Conn,
    mailbox_id: &str,
    message_id: &str,
    seq: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO message_tombstones (mailbox_id, message_id, change_seq) VALUES ($1, $2, $3)",
    )
    .bind(mailbox_id)
    .bind(message_id)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// The parameters of the change feed.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesQuery {
    /// The `nextCursor` of the previous answer; `0` (the default) for everything.
    pub since: Option<String>,
    /// At most this many changes, 1 to 1000 (default 500).
    pub limit: Option<u32>,
}

/// What changed in a mailbox since a cursor.
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/changes", tag = "messages",
    params(("mailboxId" = String, Path), ChangesQuery),
    responses((status = 200, body = ChangeFeed), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    q: Result<Query<ChangesQuery>, QueryRejection>,
) -> ApiResult<Json<ChangeFeed>> {
    let p = extract::query(q)?;
    let since: i64 = match p.since.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(s) => s.parse().ok().filter(|n: &i64| *n >= 0).ok_or_else(|| {
            ApiError::bad_request("since must be a cursor from an earlier answer")
        })?,
    };
    let limit = i64::from(p.limit.unwrap_or(500).clamp(1, 1000));
    release::release_due(&state).await?;
    // One read transaction: the messages and the tombstones are of the same moment.
    let mut tx = state.db.begin().await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages m WHERE m.mailbox_id = $1 AND m.change_seq > $2 \
         AND m.visible = TRUE ORDER BY m.change_seq LIMIT $3"
    ))
    .bind(&grant.mailbox.id)
    .bind(since)
    .bind(limit + 1)
    .fetch_all(&mut *tx)
    .await?;
    let tombs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT message_id, change_seq FROM message_tombstones \
         WHERE mailbox_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3",
    )
    .bind(&grant.mailbox.id)
    .bind(since)
    .bind(limit + 1)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut conn = state.db.acquire().await?;
    crate::access_log::record(
        &mut conn,
        &grant,
        brevdue_api::AccessKind::ListMessages,
        None,
        state.clock.now(),
    )
    .await?;
    drop(conn);

    // Merge the two by number and keep the first `limit`.
    let mut events: Vec<(i64, Event)> = rows
        .into_iter()
        .map(|r| (r.change_seq, Event::Changed(Box::new(r))))
        .chain(tombs.into_iter().map(|(id, seq)| (seq, Event::Deleted(id))))
        .collect();
    events.sort_by_key(|(seq, _)| *seq);
    let has_more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let next = events.last().map_or(since, |(seq, _)| *seq);
    let mut feed = ChangeFeed {
        changed: Vec::new(),
        deleted: Vec::new(),
        next_cursor: next.to_string(),
        has_more,
    };
    for (_, event) in events {
        match event {
            Event::Changed(r) if grant.sees_message(&r.folder_id, r.sender_public) => {
                feed.changed.push(r.to_summary());
            }
            Event::Changed(r) if r.sender_public || !grant.public_senders_only() => {
                feed.deleted.push(r.id.clone());
            }
            Event::Changed(_) => {}
            Event::Deleted(id) => feed.deleted.push(id),
        }
    }
    Ok(Json(feed))
}

enum Event {
    Changed(Box<MessageRow>),
    Deleted(String),
}
