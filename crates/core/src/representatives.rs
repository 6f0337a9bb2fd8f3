//! Representatives: an owner grants another person read access to a mailbox, optionally
//! limited to some folders and until a time; lists and revokes such grants. What a
//! representative may then do is decided in [`access`](crate::access).

use crate::db::Conn;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use brevdue_api::{ErrorBody, ErrorCode, GrantRepresentative, Representative};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::{extract, mailboxes, timefmt};

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

const SELECT: &str = "SELECT r.id, r.mailbox_id, r.person_id, p.name, r.folder_ids, r.expires_at, \
     r.created_at FROM representatives r JOIN persons p ON p.id = r.person_id";

fn to_api(row: Row) -> Representative {
    let (id, mailbox_id, person_id, name, folder_ids, expires_at, created_at) = row;
    Representative {
        id,
        mailbox_id,
        person_id,
        name,
        folder_ids: folder_ids.map(|f| serde_json::from_str(&f).unwrap_or_default()),
        expires_date_time: expires_at.as_deref().and_then(timefmt::from_db),
        created_date_time: timefmt::from_db(&created_at).unwrap_or_default(),
    }
}

/// Grants (or replaces the grant of) read access to `mailbox_id` for `person_id`. Folder ids
/// must be folders of the mailbox. For the owner's handler and for seeding a demo world.
pub async fn grant(
    conn: &mut Conn,
    mailbox_id: &str,
    person_id: &str,
    folder_ids: Option<Vec<String>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ApiResult<Representative> {
    if let Some(ids) = &folder_ids {
        for f in ids {
            if mailboxes::folder_type(&mut *conn, mailbox_id, f)
                .await?
                .is_none()
            {
                return Err(ApiError::bad_request(format!(
                    "{f:?} is not a folder of the mailbox"
                )));
            }
        }
    }
    let folders = folder_ids
        .map(|ids| serde_json::to_string(&ids))
        .transpose()
        .map_err(|e| ApiError::internal(&e))?;
    sqlx::query(
        "INSERT INTO representatives (id, mailbox_id, person_id, folder_ids, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mailbox_id, person_id) DO UPDATE SET \
         folder_ids = excluded.folder_ids, expires_at = excluded.expires_at, created_at = excluded.created_at",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(mailbox_id)
    .bind(person_id)
    .bind(folders)
    .bind(expires_at.map(timefmt::to_db))
    .bind(timefmt::to_db(now))
    .execute(&mut *conn)
    .await?;
    let row: Row = sqlx::query_as(&format!(
        "{SELECT} WHERE r.mailbox_id = $1 AND r.person_id = $2"
    ))
    .bind(mailbox_id)
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(to_api(row))
}

/// The representatives of a mailbox (owners only).
#[utoipa::path(get, path = "/apis/v1/mailboxes/{mailboxId}/representatives", tag = "mailboxes",
    params(("mailboxId" = String, Path)),
    responses((status = 200, body = Vec<Representative>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
) -> ApiResult<Json<Vec<Representative>>> {
    let mut conn = state.db.acquire().await?;
    let grant = access::mailbox(&mut conn, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::ManageRepresentatives)?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.mailbox_id = $1 ORDER BY r.created_at"
    ))
    .bind(&grant.mailbox.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Json(rows.into_iter().map(to_api).collect()))
}

/// Grants a person read access (owners only).
#[utoipa::path(post, path = "/apis/v1/mailboxes/{mailboxId}/representatives", tag = "mailboxes",
    params(("mailboxId" = String, Path)),
    request_body = GrantRepresentative,
    responses((status = 201, body = Representative), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    body: Result<Json<GrantRepresentative>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Representative>)> {
    let request = extract::json(body)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, now).await?;
    grant.require(Action::ManageRepresentatives)?;
    let person: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE cpr = $1")
        .bind(request.cpr.trim())
        .fetch_optional(&mut *tx)
        .await?;
    let Some((person_id,)) = person else {
        return Err(ApiError::unprocessable(
            ErrorCode::UnknownPerson,
            "no person has that CPR number",
        ));
    };
    if person_id == grant.person_id {
        return Err(ApiError::bad_request("an owner needs no grant"));
    }
    let rep = self::grant(
        &mut tx,
        &grant.mailbox.id,
        &person_id,
        request.folder_ids,
        request.expires_date_time,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(rep)))
}

/// Revokes a grant (owners only).
#[utoipa::path(delete, path = "/apis/v1/mailboxes/{mailboxId}/representatives/{representativeId}",
    tag = "mailboxes",
    params(("mailboxId" = String, Path), ("representativeId" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path((mailbox_id, rep_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let grant = access::mailbox(&mut tx, &caller, &mailbox_id, state.clock.now()).await?;
    grant.require(Action::ManageRepresentatives)?;
    let gone = sqlx::query("DELETE FROM representatives WHERE id = $1 AND mailbox_id = $2")
        .bind(&rep_id)
        .bind(&grant.mailbox.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    if gone == 0 {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
