//! Mailboxes and their folders in the database: a citizen's mailbox (CPR) and a company's
//! (CVR) are made on first need (first delivery, or the owner's first look) with the four
//! system folders every mailbox has.

use crate::db::Conn;
use brevdue_api::{FolderType, OwnerType};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::timefmt;

/// A mailbox and who owns it, as the access rules and the API need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxInfo {
    pub id: String,
    pub owner_type: OwnerType,
    pub owner_name: String,
    /// The owning person's id, for a citizen's mailbox.
    pub person_id: Option<String>,
    /// The company's CVR number, for an organisation's mailbox.
    pub cvr: Option<String>,
}

const SYSTEM_FOLDERS: [(FolderType, &str); 4] = [
    (FolderType::Inbox, "Indbakke"),
    (FolderType::Sent, "Sendt"),
    (FolderType::Drafts, "Kladder"),
    (FolderType::Deleted, "Slettet"),
];

const SELECT_INFO: &str = "SELECT mb.id, mb.owner_type, COALESCE(p.name, c.name, ''), mb.person_id, mb.cvr \
     FROM mailboxes mb LEFT JOIN persons p ON p.id = mb.person_id \
     LEFT JOIN companies c ON c.cvr = mb.cvr";

type InfoRow = (String, String, String, Option<String>, Option<String>);

fn info(row: InfoRow) -> MailboxInfo {
    let (id, owner_type, owner_name, person_id, cvr) = row;
    MailboxInfo {
        id,
        owner_type: if owner_type == "CITIZEN" {
            OwnerType::Citizen
        } else {
            OwnerType::Organisation
        },
        owner_name,
        person_id,
        cvr,
    }
}

/// The mailbox `id`, if it exists.
pub(crate) async fn get(conn: &mut Conn, id: &str) -> Result<Option<MailboxInfo>, sqlx::Error> {
    let row: Option<InfoRow> = sqlx::query_as(&format!("{SELECT_INFO} WHERE mb.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(info))
}

/// The person's own mailbox and those of the companies they hold rights in, made if missing.
pub(crate) async fn owned_by_person(
    conn: &mut Conn,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<MailboxInfo>, sqlx::Error> {
    ensure_for_person(&mut *conn, person_id, now).await?;
    let cvrs: Vec<(String,)> =
        sqlx::query_as("SELECT cvr FROM company_rights WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(&mut *conn)
            .await?;
    for (cvr,) in &cvrs {
        ensure_for_company(&mut *conn, cvr, now).await?;
    }
    let rows: Vec<InfoRow> = sqlx::query_as(&format!(
        "{SELECT_INFO} WHERE mb.person_id = $1 \
         OR mb.cvr IN (SELECT cvr FROM company_rights WHERE person_id = $1) \
         ORDER BY mb.owner_type, COALESCE(p.name, c.name)"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// The id of the person's mailbox, made with its folders if it does not exist.
pub(crate) async fn ensure_for_person(
    conn: &mut Conn,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    ensure(conn, "person_id", person_id, "CITIZEN", now).await
}

/// The id of the company's mailbox, made with its folders if it does not exist.
pub(crate) async fn ensure_for_company(
    conn: &mut Conn,
    cvr: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    ensure(conn, "cvr", cvr, "ORGANISATION", now).await
}

async fn ensure(
    conn: &mut Conn,
    column: &'static str,
    owner: &str,
    owner_type: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let select = format!("SELECT id FROM mailboxes WHERE {column} = $1");
    if let Some((id,)) = sqlx::query_as::<_, (String,)>(&select)
        .bind(owner)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(id);
    }
    let id = Uuid::new_v4().to_string();
    let created = timefmt::to_db(now);
    // Two first deliveries may race: the UNIQUE owner column lets one win, and both read the
    // winner's id.
    let inserted = sqlx::query(&format!(
        "INSERT INTO mailboxes (id, owner_type, {column}, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING"
    ))
    .bind(&id)
    .bind(owner_type)
    .bind(owner)
    .bind(&created)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        for (kind, name) in SYSTEM_FOLDERS {
            sqlx::query(
                "INSERT INTO folders (id, mailbox_id, folder_type, name, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(&id)
            .bind(kind.as_str())
            .bind(name)
            .bind(&created)
            .execute(&mut *conn)
            .await?;
        }
        return Ok(id);
    }
    let (id,): (String,) = sqlx::query_as(&select)
        .bind(owner)
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// The id of a mailbox's system folder of `kind`.
pub(crate) async fn system_folder(
    conn: &mut Conn,
    mailbox_id: &str,
    kind: FolderType,
) -> Result<String, sqlx::Error> {
    let (id,): (String,) =
        sqlx::query_as("SELECT id FROM folders WHERE mailbox_id = $1 AND folder_type = $2")
            .bind(mailbox_id)
            .bind(kind.as_str())
            .fetch_one(conn)
            .await?;
    Ok(id)
}

/// A folder of a mailbox: its type, if the folder exists in that mailbox.
pub(crate) async fn folder_type(
    conn: &mut Conn,
    mailbox_id: &str,
    folder_id: &str,
) -> Result<Option<FolderType>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT folder_type FROM folders WHERE mailbox_id = $1 AND id = $2")
            .bind(mailbox_id)
            .bind(folder_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(t,)| FolderType::parse(&t)))
}

/// Every mailbox the caller may use, with what the access allows.
#[utoipa::path(get, path = "/apis/v1/mailboxes", tag = "mailboxes",
    responses((status = 200, body = Vec<brevdue_api::Mailbox>),
        (status = 401, body = brevdue_api::ErrorBody), (status = 403, body = brevdue_api::ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::Caller,
) -> crate::error::ApiResult<axum::Json<Vec<brevdue_api::Mailbox>>> {
    let mut conn = state.db.acquire().await?;
    let grants = crate::access::mailboxes(&mut conn, &caller, state.clock.now()).await?;
    Ok(axum::Json(
        grants.iter().map(crate::access::Grant::to_api).collect(),
    ))
}
