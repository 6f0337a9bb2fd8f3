//! Drafts: messages being written, saved in the cache's SQLite file as the user types, so they
//! survive closing the app. A draft is plain data ([`Draft`]); nothing is checked until it is
//! sent (see `compose`), so a half-written draft always saves.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cache::Cache;
use crate::error::{ClientError, ErrorKind, Result};

/// The most a draft's JSON may take (the body is text; attachments are paths).
const MAX_DRAFT_JSON: usize = 4 * 1024 * 1024;

/// A draft's id (a UUID the client chose).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DraftId(pub String);

impl DraftId {
    fn new() -> Self {
        DraftId(uuid::Uuid::new_v4().to_string())
    }
}

impl std::fmt::Display for DraftId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who a message goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DraftRecipient {
    /// An authority's contact point (writing to the public sector, or forwarding there).
    ContactPoint {
        id: String,
        /// The authority's CVR number, as the contact point says (filled in when sent if
        /// empty).
        #[serde(default)]
        authority_cvr: String,
        /// The contact point's name, for the MeMo and the UI.
        #[serde(default)]
        label: String,
    },
    /// A citizen by CPR number (forwarding only).
    Citizen { cpr: String },
    /// A company by CVR number (forwarding only).
    Company { cvr: String },
}

/// A file the user picked, read from `path` when the message is queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftAttachment {
    pub path: PathBuf,
    /// The name the recipient sees; `None`: the file's own name.
    #[serde(default)]
    pub filename: Option<String>,
    /// The MIME type; `None`: guessed from the name.
    #[serde(default)]
    pub mime_type: Option<String>,
}

impl DraftAttachment {
    /// A file the user picked, shown under its own name.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        DraftAttachment {
            path: path.into(),
            filename: None,
            mime_type: None,
        }
    }
}

/// One of the contact point's extra fields, as the user filled it in (never mandatory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtraFieldValue {
    pub label: String,
    pub value: String,
}

/// A message being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    /// `None` until it is saved the first time.
    #[serde(default)]
    pub id: Option<DraftId>,
    /// The mailbox it is written from.
    pub mailbox_id: String,
    #[serde(default)]
    pub recipient: Option<DraftRecipient>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<DraftAttachment>,
    /// At most 2, as the contact point asks.
    #[serde(default)]
    pub extra_fields: Vec<ExtraFieldValue>,
    /// Set for a reply ([`crate::Client::reply_to`]).
    #[serde(default)]
    pub reply_data: Option<brevdue_memo::ReplyData>,
    /// Set for a forward ([`crate::Client::forward`]).
    #[serde(default)]
    pub forward_data: Option<brevdue_memo::ForwardData>,
    /// When it was last saved.
    #[serde(default = "Utc::now")]
    pub updated: DateTime<Utc>,
}

impl Draft {
    /// An empty draft in `mailbox_id`.
    pub fn new(mailbox_id: impl Into<String>) -> Self {
        Draft {
            id: None,
            mailbox_id: mailbox_id.into(),
            recipient: None,
            subject: String::new(),
            body: String::new(),
            attachments: Vec::new(),
            extra_fields: Vec::new(),
            reply_data: None,
            forward_data: None,
            updated: Utc::now(),
        }
    }
}

/// Saves `draft` (a new one gets an id) and returns its id.
pub(crate) async fn save(cache: &Cache, mut draft: Draft) -> Result<DraftId> {
    let id = draft.id.clone().unwrap_or_else(DraftId::new);
    draft.id = Some(id.clone());
    draft.updated = Utc::now();
    let json = serde_json::to_string(&draft)
        .map_err(|e| ClientError::cache("a draft could not be saved", e))?;
    if json.len() > MAX_DRAFT_JSON {
        return Err(ClientError::invalid_input(
            "the draft is too long to be saved",
        ));
    }
    sqlx::query(
        "INSERT INTO drafts (id, mailbox_id, updated, json) VALUES (?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET mailbox_id = excluded.mailbox_id, \
         updated = excluded.updated, json = excluded.json",
    )
    .bind(&id.0)
    .bind(&draft.mailbox_id)
    .bind(draft.updated.timestamp_millis())
    .bind(json)
    .execute(cache.pool())
    .await?;
    Ok(id)
}

/// The drafts of a mailbox, the last saved first.
pub(crate) async fn list(cache: &Cache, mailbox_id: &str) -> Result<Vec<Draft>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT json FROM drafts WHERE mailbox_id = ? ORDER BY updated DESC")
            .bind(mailbox_id)
            .fetch_all(cache.pool())
            .await?;
    Ok(rows.into_iter().filter_map(|(j,)| parse(&j)).collect())
}

/// One draft.
pub(crate) async fn get(cache: &Cache, id: &DraftId) -> Result<Draft> {
    let row: Option<(String,)> = sqlx::query_as("SELECT json FROM drafts WHERE id = ?")
        .bind(&id.0)
        .fetch_optional(cache.pool())
        .await?;
    row.and_then(|(j,)| parse(&j))
        .ok_or_else(|| ClientError::new(ErrorKind::NotFound, "no such draft"))
}

/// Deletes a draft; deleting one that is gone is no error.
pub(crate) async fn delete(cache: &Cache, id: &DraftId) -> Result<()> {
    sqlx::query("DELETE FROM drafts WHERE id = ?")
        .bind(&id.0)
        .execute(cache.pool())
        .await?;
    Ok(())
}

fn parse(json: &str) -> Option<Draft> {
    match serde_json::from_str(json) {
        Ok(d) => Some(d),
        Err(error) => {
            tracing::warn!(%error, "an unreadable draft is skipped");
            None
        }
    }
}
