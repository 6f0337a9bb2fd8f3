//! Messages in a mailbox: list (paging, sorting, free text, filters), read one, change its
//! state with `PATCH` and `If-Match`, delete (to DELETED, and from there purge).
//!
//! Every handler first asks [`access`] for the caller's grant on the mailbox and narrows every
//! query to what the grant may see; a message outside it is 404.

use crate::db::{Backend, Conn, Flag, Sql};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevdue_api::{
    AccessKind, DocumentRef, ErrorBody, FileRef, FolderType, MessageDetail, MessagePatch,
    MessageSender, MessageSummary, Page,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{self, Action, Grant};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, IfMatch};
use crate::state::AppState;
use crate::{access_log, changes, mailboxes, release, search, timefmt};

/// The columns of [`MessageRow`], for a `messages` table aliased `m`.
pub(crate) const COLUMNS: &str = "m.seq, m.id, m.mailbox_id, m.message_uuid, m.folder_id, \
     m.label, m.sender_id, m.sender_id_type, m.sender_label, m.sender_public, m.received_at, \
     m.reply_by, m.has_attachments, m.visible, m.read, m.flagged, m.version, m.change_seq";

/// A row of `messages`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub seq: i64,
    pub id: String,
    pub mailbox_id: String,
    pub message_uuid: String,
    pub folder_id: String,
    pub label: String,
    pub sender_id: String,
    pub sender_id_type: String,
    pub sender_label: String,
    #[sqlx(try_from = "Flag")]
    pub sender_public: bool,
    pub received_at: String,
    pub reply_by: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub has_attachments: bool,
    #[sqlx(try_from = "Flag")]
    pub visible: bool,
    #[sqlx(try_from = "Flag")]
    pub read: bool,
    #[sqlx(try_from = "Flag")]
    pub flagged: bool,
    pub version: i64,
    pub change_seq: i64,
}

impl MessageRow {
    pub(crate) fn to_summary(&self) -> MessageSummary {
        MessageSummary {
            id: self.id.clone(),
            message_uuid: self.message_uuid.clone(),
            mailbox_id: self.mailbox_id.clone(),
            folder_id: self.folder_id.clone(),
            label: self.label.clone(),
            sender: MessageSender {
                sender_id: self.sender_id.clone(),
                id_type: self.sender_id_type.clone(),
                label: self.sender_label.clone(),
            },
            received_date_time: timefmt::from_db(&self.received_at).unwrap_or_default(),
            read: self.read,
            flagged: self.flagged,
            version: self.version,
            has_attachments: self.has_attachments,
            reply_by_date_time: self.reply_by.as_deref().and_then(timefmt::from_db),
        }
    }
}

/// The message `id` of the grant's mailbox, if the grant may see it; else 404.
pub(crate) async fn visible_message(
    conn: &mut Conn,
    grant: &Grant,
    id: &str,
) -> ApiResult<MessageRow> {
    let row: Option<MessageRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages m WHERE m.id = $1 AND m.mailbox_id = $2"
    ))
    .bind(id)
    .bind(&grant.mailbox.id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(r) if r.visible && grant.sees_message(&r.folder_id, r.sender_public) => Ok(r),
        _ => Err(ApiError::not_found()),
    }
}

/// The parameters of a message list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// 0-based page number (default 0).
    pub(crate) page: Option<u32>,
    /// Messages per page, 1 to 200 (default 50).
    pub size: Option<u32>,
    /// Comma-separated `field:direction`, fields `receivedDateTime`, `sender`, `label`,
    /// `read`, `flagged`; direction `asc` or `desc` (default `receivedDateTime:desc`).
    pub sort_fields: Option<String>,
    /// Free text: every word must match the subject, the sender or the documents' text.
    pub any: Option<String>,
    /// Only read (`true`) or unread (`false`) messages.
    pub read: Option<bool>,
    pub flagged: Option<bool>,
    /// Only this folder; without it, every folder but DELETED.
    pub folder_id: Option<String>,
}

const MAX_PAGE_SIZE: u32 = 200;

/// The ORDER BY of a list. Sender and subject sort without regard to ASCII case (SQLite's
/// `NOCASE`, which PostgreSQL gets as `lower()` under the byte-order collation).
fn order_by(sort_fields: Option<&str>, backend: Backend) -> ApiResult<String> {
    let nocase = |column: &str| match backend {
        Backend::Sqlite => format!("{column} COLLATE NOCASE"),
        Backend::Postgres => format!("lower({column} COLLATE \"C\")"),
    };
    let mut parts = Vec::new();
    for field in sort_fields.unwrap_or("receivedDateTime:desc").split(',') {
        let field = field.trim();
        if field.is_empty() {
            continue;
        }
        let (name, dir) = field.split_once(':').unwrap_or((field, "asc"));
        let column = match name.trim() {
            "receivedDateTime" => "m.received_at".to_owned(),
            "sender" => nocase("m.sender_label"),
            "label" => nocase("m.label"),
            "read" => "m.read".to_owned(),
            "flagged" => "m.flagged".to_owned(),
            other => return Err(ApiError::bad_request(format!("cannot sort by {other:?}"))),
        };
        let dir = match dir.trim().to_ascii_lowercase().as_str() {
            "asc" => "ASC",
            "desc" => "DESC",
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown direction {other:?}"
                )));
            }
        };
        parts.push(format!("{column} {dir}"));
    }
    if parts.is_empty() {
        parts.push("m.received_at DESC".into());
    }
    // The newest message first among equals, so paging is stable.
    parts.push("m.seq DESC".into());
    Ok(parts.join(", "))
}

/// The WHERE clause of a list, shared by the page and its count.
fn push_where(q: &mut Sql<'_>, backend: Backend, grant: &Grant, p: &ListQuery, deleted: &str) {
    q.push(" WHERE m.mailbox_id = ");
    q.push_bind(grant.mailbox.id.clone());
    grant.push_message_scope(q, "m");
    match &p.folder_id {
        Some(f) => {
            q.push(" AND m.folder_id = ");
            q.push_bind(f.clone());
        }
        None => {
            q.push(" AND m.folder_id <> ");
            q.push_bind(deleted.to_owned());
        }
    }
    if let Some(read) = p.read {
        q.push(" AND m.read = ");
        q.push_bind(read);
    }
    if let Some(flagged) = p.flagged {
        q.push(" AND m.flagged = ");
        q.push_bind(flagged);
    }
    if let Some(any) = &p.any {
        search::push_filter(q, backend, "m", any);
    }
}

/// A page of the messages the caller may see.
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/messages", tag = "messages",
    params(("mailboxId" = String, Path), ListQuery),
    responses(
        (status = 200, body = Page<MessageSummary>),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Page<MessageSummary>>> {
    let p = extract::query(q)?;
    release::release_due(&state).await?;
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    if let Some(f) = &p.folder_id {
        let exists = mailboxes::folder_type(&mut conn, &grant.mailbox.id, f).await?;
        if exists.is_none() || !grant.sees_folder(f) {
            return Err(ApiError::not_found());
        }
    }
    let page = p.page.unwrap_or(0);
    let size = p.size.unwrap_or(50).clamp(1, MAX_PAGE_SIZE);
    let backend = Backend::of_conn(&conn);
    let order = order_by(p.sort_fields.as_deref(), backend)?;
    let deleted =
        mailboxes::system_folder(&mut conn, &grant.mailbox.id, FolderType::Deleted).await?;

    let total = if p.any.is_none() && p.read.is_none() && p.flagged.is_none() {
        // Whole folders: the kept counts, one row per folder.
        crate::folders::counts(&mut conn, &grant)
            .await?
            .iter()
            .filter(|(f, _, _)| match &p.folder_id {
                Some(wanted) => f == wanted,
                None => *f != deleted,
            })
            .map(|(_, total, _)| *total)
            .sum()
    } else {
        let mut count = Sql::new("SELECT COUNT(*) FROM messages m");
        push_where(&mut count, backend, &grant, &p, &deleted);
        let (total,): (i64,) = count.build_query_as().fetch_one(&mut *conn).await?;
        total
    };

    let mut select = Sql::new(format!("SELECT {COLUMNS} FROM messages m"));
    push_where(&mut select, backend, &grant, &p, &deleted);
    select.push(format!(" ORDER BY {order} LIMIT "));
    select.push_bind(i64::from(size));
    select.push(" OFFSET ");
    select.push_bind(i64::from(page) * i64::from(size));
    let rows: Vec<MessageRow> = select.build_query_as().fetch_all(&mut *conn).await?;
    access_log::record(
        &mut conn,
        &grant,
        AccessKind::ListMessages,
        None,
        state.clock.now(),
    )
    .await?;
    let total = total.max(0) as u64;
    Ok(Json(Page {
        content: rows.iter().map(MessageRow::to_summary).collect(),
        page,
        size,
        total_elements: total,
        total_pages: total.div_ceil(u64::from(size)),
    }))
}

/// One message with its MeMo model and the paths of its files.
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}", tag = "messages",
    params(("mailboxId" = String, Path), ("messageId" = String, Path)),
    responses((status = 200, body = MessageDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((mailbox_id, message_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    release::release_due(&state).await?;
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let row = visible_message(&mut conn, &grant, &message_id).await?;
    access_log::record(
        &mut conn,
        &grant,
        AccessKind::ReadMessage,
        Some(&row.id),
        state.clock.now(),
    )
    .await?;
    let (model_json, value_date): (String, Option<String>) =
        sqlx::query_as("SELECT model_json, value_date FROM memos WHERE message_uuid = $1")
            .bind(&row.message_uuid)
            .fetch_one(&mut *conn)
            .await?;
    let memo: brevdue_memo::Message =
        serde_json::from_str(&model_json).map_err(|e| ApiError::internal(&e))?;
    let base = format!(
        "/apis/v1/mailboxes/{}/messages/{}/documents",
        row.mailbox_id, row.id
    );
    let documents = memo
        .documents
        .iter()
        .enumerate()
        .map(|(d, doc)| DocumentRef {
            id: d.to_string(),
            kind: match doc.kind {
                brevdue_memo::DocumentKind::Main => "main",
                brevdue_memo::DocumentKind::Additional => "additional",
                brevdue_memo::DocumentKind::Technical => "technical",
            }
            .into(),
            label: doc.label.clone(),
            files: doc
                .files
                .iter()
                .enumerate()
                .map(|(f, file)| FileRef {
                    id: f.to_string(),
                    filename: file.filename.clone(),
                    encoding_format: file.encoding_format.clone(),
                    size: file.size,
                    content_path: format!("{base}/{d}/files/{f}/content"),
                })
                .collect(),
        })
        .collect();
    let detail = MessageDetail {
        summary: row.to_summary(),
        memo,
        documents,
        do_not_deliver_until_date: value_date.and_then(|d| d.parse().ok()),
    };
    Ok(with_etag(Json(detail).into_response(), row.version))
}

fn with_etag(mut response: Response, version: i64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// Marks read or unread, flags, or moves a message. `If-Match: <version>` is required (428
/// without it, 412 when stale); the answer carries the new version.
#[utoipa::path(patch, path = "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}", tag = "messages",
    params(("mailboxId" = String, Path), ("messageId" = String, Path),
        ("If-Match" = String, Header, description = "the message's current version")),
    request_body = MessagePatch,
    responses((status = 200, body = MessageSummary), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 428, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path((mailbox_id, message_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<MessagePatch>, JsonRejection>,
) -> ApiResult<Response> {
    let expected = extract::required_if_match(&headers)?;
    let change = extract::json(body)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let row = visible_message(&mut tx, &grant, &message_id).await?;
    if let IfMatch::Version(v) = expected
        && v != row.version
    {
        return Err(extract::stale());
    }
    if change.read.is_some() {
        grant.require(Action::MarkRead)?;
    }
    if change.flagged.is_some() {
        grant.require(Action::Flag)?;
    }
    if let Some(folder) = &change.folder_id {
        grant.require(Action::MoveMessages)?;
        let kind = mailboxes::folder_type(&mut tx, &grant.mailbox.id, folder).await?;
        match kind {
            None => return Err(ApiError::not_found()),
            Some(_) if !grant.sees_folder(folder) => return Err(ApiError::not_found()),
            // Moving to DELETED is deleting.
            Some(FolderType::Deleted) => grant.require(Action::Delete)?,
            Some(_) => {}
        }
    }
    let seq = changes::next_seq(&mut tx).await?;
    let updated = sqlx::query(
        "UPDATE messages SET read = COALESCE($1, read), flagged = COALESCE($2, flagged), \
         folder_id = COALESCE($3, folder_id), version = version + 1, change_seq = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(change.read)
    .bind(change.flagged)
    .bind(&change.folder_id)
    .bind(seq)
    .bind(&row.id)
    .bind(row.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(extract::stale());
    }
    let row = visible_message(&mut tx, &grant, &message_id).await?;
    tx.commit().await?;
    Ok(with_etag(
        Json(row.to_summary()).into_response(),
        row.version,
    ))
}

/// Deletes a message: from any folder it moves to DELETED; from DELETED it is purged.
/// `If-Match` is checked when given. Representatives may not delete (403).
#[utoipa::path(delete, path = "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}", tag = "messages",
    params(("mailboxId" = String, Path), ("messageId" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((mailbox_id, message_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let expected = extract::if_match(&headers)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let row = visible_message(&mut tx, &grant, &message_id).await?;
    grant.require(Action::Delete)?;
    if let Some(IfMatch::Version(v)) = expected
        && v != row.version
    {
        return Err(extract::stale());
    }
    let deleted = mailboxes::system_folder(&mut tx, &grant.mailbox.id, FolderType::Deleted).await?;
    let seq = changes::next_seq(&mut tx).await?;
    if row.folder_id == deleted {
        sqlx::query("DELETE FROM messages WHERE seq = $1")
            .bind(row.seq)
            .execute(&mut *tx)
            .await?;
        search::remove(&mut tx, row.seq).await?;
        changes::tombstone(&mut tx, &row.mailbox_id, &row.id, seq).await?;
    } else {
        sqlx::query(
            "UPDATE messages SET folder_id = $1, version = version + 1, change_seq = $2 WHERE seq = $3",
        )
        .bind(&deleted)
        .bind(seq)
        .bind(row.seq)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks the message delivered from memo `message_uuid` read or unread and/or moves it to
/// `folder_id` (a folder of its mailbox), with a new version and change number; `false` when
/// there is no such message. For seeding a demo world; people use [`patch`].
pub(crate) async fn set_state(
    conn: &mut Conn,
    message_uuid: &str,
    read: Option<bool>,
    folder_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let seq = changes::next_seq(&mut *conn).await?;
    let updated = sqlx::query(
        "UPDATE messages SET read = COALESCE($1, read), folder_id = COALESCE($2, folder_id), \
         version = version + 1, change_seq = $3 WHERE message_uuid = $4 AND ($5 IS NULL OR \
         EXISTS (SELECT 1 FROM folders f WHERE f.id = $6 AND f.mailbox_id = messages.mailbox_id))",
    )
    .bind(read)
    .bind(folder_id)
    .bind(seq)
    .bind(message_uuid)
    .bind(folder_id)
    .bind(folder_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}
