//! Folders of a mailbox: the list with unread and total counts (of what the caller may see),
//! and making a user folder.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use brevdue_api::{CreateFolder, ErrorBody, Folder, FolderType};
use uuid::Uuid;

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::{extract, release, timefmt};

/// The longest folder name, in characters.
const MAX_NAME: usize = 100;

/// The folders the caller may see, with counts.
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/folders", tag = "folders",
    params(("mailboxId" = String, Path)),
    responses((status = 200, body = Vec<Folder>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
) -> ApiResult<Json<Vec<Folder>>> {
    release::release_due(&state).await?;
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::Read)?;
    let folders: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, folder_type, name FROM folders WHERE mailbox_id = $1 \
         ORDER BY CASE folder_type WHEN 'INBOX' THEN 0 WHEN 'DRAFTS' THEN 1 WHEN 'SENT' THEN 2 \
         WHEN 'DELETED' THEN 4 ELSE 3 END, name",
    )
    .bind(&grant.mailbox.id)
    .fetch_all(&mut *conn)
    .await?;
    let counts = counts(&mut conn, &grant).await?;
    Ok(Json(
        folders
            .into_iter()
            .filter(|(id, _, _)| grant.sees_folder(id))
            .map(|(id, kind, name)| {
                let (total, unread) = counts
                    .iter()
                    .find(|(f, _, _)| *f == id)
                    .map_or((0, 0), |(_, t, u)| (*t, *u));
                Folder {
                    id,
                    name,
                    folder_type: FolderType::parse(&kind).unwrap_or(FolderType::UserDefined),
                    unread_count: unread.max(0) as u64,
                    total_count: total.max(0) as u64,
                }
            })
            .collect(),
    ))
}

/// Visible messages and unread ones per folder, as the grant may see them, from the counts
/// the database keeps (see the `folder_counts` migration): one row per folder, however large.
pub(crate) async fn counts(
    conn: &mut crate::db::Conn,
    grant: &access::Grant,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT folder_id, CAST(SUM(total) AS BIGINT), CAST(SUM(unread) AS BIGINT) \
         FROM folder_counts WHERE mailbox_id = $1 AND (sender_public = TRUE OR $2) \
         GROUP BY folder_id",
    )
    .bind(&grant.mailbox.id)
    .bind(!grant.public_senders_only())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(folder, _, _)| grant.sees_folder(folder))
        .collect())
}

/// Makes a user folder. A representative limited to some folders may use the folders they make.
#[utoipa::path(post, path = "/apis/v1/mailboxes/{mailboxId}/folders", tag = "folders",
    params(("mailboxId" = String, Path)),
    request_body = CreateFolder,
    responses((status = 201, body = Folder), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    body: Result<Json<CreateFolder>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Folder>)> {
    let request = extract::json(body)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "a folder name is 1 to {MAX_NAME} characters, without control characters"
        )));
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::CreateFolder)?;
    let id = Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO folders (id, mailbox_id, folder_type, name, created_at) \
         VALUES ($1, $2, 'USER_DEFINED', $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(&grant.mailbox.id)
    .bind(name)
    .bind(timefmt::to_db(state.clock.now()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::conflict("the mailbox has a folder of that name"));
    }
    if let (Some(rep), Some(limit)) = (&grant.representative_id, &grant.folder_ids) {
        let mut ids = limit.clone();
        ids.push(id.clone());
        sqlx::query("UPDATE representatives SET folder_ids = $1 WHERE id = $2")
            .bind(serde_json::to_string(&ids).map_err(|e| ApiError::internal(&e))?)
            .bind(rep)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Folder {
            id,
            name: name.to_owned(),
            folder_type: FolderType::UserDefined,
            unread_count: 0,
            total_count: 0,
        }),
    ))
}

/// The id of the user folder `name` of a mailbox, made if the mailbox has none of that name.
/// For seeding a demo world; people make folders through [`create`].
pub(crate) async fn ensure_user_folder(
    conn: &mut crate::db::Conn,
    mailbox_id: &str,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO folders (id, mailbox_id, folder_type, name, created_at) \
         VALUES ($1, $2, 'USER_DEFINED', $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(mailbox_id)
    .bind(name)
    .bind(timefmt::to_db(now))
    .execute(&mut *conn)
    .await?;
    let (id,): (String,) = sqlx::query_as(
        "SELECT id FROM folders WHERE mailbox_id = $1 AND name = $2 AND folder_type = 'USER_DEFINED'",
    )
    .bind(mailbox_id)
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}
