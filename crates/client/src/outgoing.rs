//! The queue of messages to send: a message the user sends is queued here first, under the
//! messageUUID it gets once, and sent when the core can be reached, exactly once.
//!
//! **Exactly once.** [`queue`] copies the body and the attachments into the cache's files (by
//! SHA-256, so a file the user deletes or changes afterwards changes nothing), builds the MeMo
//! model with a new messageUUID, and stores it in the `outgoing` table, in the same transaction
//! that deletes the draft it came from. [`send_all`] writes the MeMo from that row and `POST`s
//! it; only a 2xx answer removes the row. An answer lost on the way means the same messageUUID
//! is sent again, and the core answers the first result (200) without storing anything twice.
//! A refusal that sending again cannot change (403, 404, 409, 413, 422) marks the row failed,
//! with its error code, so it is neither lost nor sent again.
//!
//! The sender's id (a CPR number for a citizen's own mailbox) is not stored: it is asked of the
//! server when the message is written out, and lives only in that request.

use std::io::Read;
use std::path::Path;

use brevdue_api::OwnerType;
use brevdue_api::contacts::{ABSOLUTE_MAX_MESSAGE_BYTES, AttachmentLimits};
use brevdue_memo::{FileId, Message};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::Api;
use crate::cache::Cache;
use crate::compose::{self, BODY_FILENAME, ComposedFile};
use crate::drafts::Draft;
use crate::error::{ClientError, ErrorKind, Result};
use crate::sealed::FileStore;

/// After this many failed attempts (the server failing, not being offline) a message is
/// marked failed.
const MAX_ATTEMPTS: i64 = 5;

/// What a MeMo takes besides its files' base64, at most (the header, the documents' elements).
const MEMO_OVERHEAD: u64 = 64 * 1024;

/// Where a file of a queued message has its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct QueuedFile {
    document: usize,
    file: usize,
    sha256: String,
}

/// A message waiting to be sent (or failed for good).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingMessage {
    #[serde(rename = "messageUUID")]
    pub message_uuid: Uuid,
    pub mailbox_id: String,
    pub label: String,
    /// The error code of a refusal ([`ErrorKind::code`]); `None` while it waits to be sent.
    pub failed: Option<String>,
}

/// Queues `draft` (from a mailbox owned by `owner_type`, named `owner_name`) to be sent; the
/// draft, if saved, is deleted in the same transaction. `limits` are the contact point's, when
/// known. Returns the messageUUID.
pub(crate) async fn queue(
    cache: &Cache,
    draft: &Draft,
    owner_type: OwnerType,
    owner_name: &str,
    limits: Option<&AttachmentLimits>,
) -> Result<Uuid> {
    let store = cache.files().clone();
    if let Some(max) = limits.and_then(|l| l.max_count)
        && draft.attachments.len() > max as usize
    {
        return Err(ClientError::new(
            ErrorKind::TooManyAttachments,
            format!("the contact point accepts at most {max} attachment(s)"),
        ));
    }
    let max_total = limits.map_or(ABSOLUTE_MAX_MESSAGE_BYTES, |l| {
        l.max_total_bytes.min(ABSOLUTE_MAX_MESSAGE_BYTES)
    });
    let body_bytes = draft.body.clone().into_bytes();
    let (body_sha, body_size) = {
        let store = store.clone();
        blocking(move || store.import(&mut body_bytes.as_slice(), max_total)).await??
    };
    let mut total = body_size;
    let mut attachments = Vec::new();
    for attachment in &draft.attachments {
        let filename = attachment
            .filename
            .clone()
            .or_else(|| {
                attachment
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .filter(|n| !n.trim().is_empty())
            .map(|n| compose::cut(&n, compose::MAX_TEXT_CHARS))
            .ok_or_else(|| ClientError::invalid_input("an attachment has no file name"))?;
        let mime_type = attachment
            .mime_type
            .clone()
            .unwrap_or_else(|| compose::mime_of(&filename).to_owned());
        let (path, store) = (attachment.path.clone(), store.clone());
        let room = max_total.saturating_sub(total);
        let (sha256, size) = blocking(move || {
            // A file of the cache (a forwarded message's) is read through the sealed store.
            if let Some(sha) = store.stored_at(&path) {
                return store.import(&mut store.reader(&sha)?, room);
            }
            let mut file = std::fs::File::open(&path).map_err(|e| {
                ClientError::new(ErrorKind::NotFound, "an attachment cannot be read").with_source(e)
            })?;
            store.import(&mut file, room)
        })
        .await??;
        total += size;
        attachments.push(ComposedFile {
            filename,
            mime_type,
            sha256,
            size,
        });
    }
    // The core counts the MeMo as sent: base64 makes every 3 bytes 4.
    let encoded: u64 = std::iter::once(body_size)
        .chain(attachments.iter().map(|a| a.size))
        .map(|n| n.div_ceil(3) * 4)
        .sum::<u64>()
        + MEMO_OVERHEAD;
    if encoded > ABSOLUTE_MAX_MESSAGE_BYTES {
        return Err(ClientError::new(
            ErrorKind::TooLarge,
            "the message with its attachments is larger than Digital Post carries",
        ));
    }
    let uuid = Uuid::new_v4();
    let body = ComposedFile {
        filename: BODY_FILENAME.to_owned(),
        mime_type: "text/plain".to_owned(),
        sha256: body_sha,
        size: body_size,
    };
    let sender_id_type = match owner_type {
        OwnerType::Citizen => "CPR",
        OwnerType::Organisation => "CVR",
    };
    let model = compose::message_of(
        draft,
        uuid,
        owner_name,
        sender_id_type,
        body,
        attachments,
        Utc::now(),
    )?;
    let files: Vec<QueuedFile> = model
        .files()
        .map(|(id, f)| QueuedFile {
            document: id.document,
            file: id.file,
            sha256: f.sha256.clone(),
        })
        .collect();
    let json_error = |e| ClientError::cache("a message could not be queued", e);
    let model_json = serde_json::to_string(&model).map_err(json_error)?;
    let files_json = serde_json::to_string(&files).map_err(json_error)?;
    let mut tx = cache.write().await?;
    sqlx::query(
        "INSERT INTO outgoing (message_uuid, mailbox_id, created, model_json, files_json) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(uuid.to_string())
    .bind(&draft.mailbox_id)
    .bind(Utc::now().timestamp_millis())
    .bind(model_json)
    .bind(files_json)
    .execute(&mut *tx)
    .await?;
    if let Some(id) = &draft.id {
        sqlx::query("DELETE FROM drafts WHERE id = ?")
            .bind(&id.0)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(uuid)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ClientError::cache("a background task failed", e))
}

type Row = (String, String, String, String, i64, Option<String>);

/// The messages waiting to be sent, and those refused for good, oldest first.
pub(crate) async fn list(cache: &Cache) -> Result<Vec<OutgoingMessage>> {
    Ok(rows(cache, true)
        .await?
        .into_iter()
        .filter_map(|(uuid, mailbox_id, model, _, _, failed)| {
            let model: Message = serde_json::from_str(&model).ok()?;
            Some(OutgoingMessage {
                message_uuid: Uuid::parse_str(&uuid).ok()?,
                mailbox_id,
                label: model.label,
                failed,
            })
        })
        .collect())
}

/// How many messages wait to be sent.
pub(crate) async fn pending(cache: &Cache) -> Result<usize> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outgoing WHERE failed IS NULL")
        .fetch_one(cache.pool())
        .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

async fn rows(cache: &Cache, with_failed: bool) -> Result<Vec<Row>> {
    Ok(sqlx::query_as(
        "SELECT message_uuid, mailbox_id, model_json, files_json, attempts, failed \
         FROM outgoing WHERE (? OR failed IS NULL) ORDER BY created, message_uuid",
    )
    .bind(with_failed)
    .fetch_all(cache.pool())
    .await?)
}

/// What [`send_all`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    pub sent: u64,
    pub failed: u64,
}

/// Sends every queued message, oldest first. Stops at the first sign of being offline (the
/// rest stay queued) and returns that error.
pub(crate) async fn send_all(api: &Api, cache: &Cache) -> Result<Sent> {
    let mut done = Sent::default();
    for (uuid, mailbox_id, model_json, files_json, attempts, _) in rows(cache, false).await? {
        match send_one(api, cache, &uuid, &mailbox_id, &model_json, &files_json).await {
            Ok(()) => {
                sqlx::query("DELETE FROM outgoing WHERE message_uuid = ?")
                    .bind(&uuid)
                    .execute(cache.pool())
                    .await?;
                done.sent += 1;
            }
            Err(error) if is_transient(&error) => return Err(error),
            Err(error) => {
                tracing::warn!(kind = %error.kind(), "a queued message was not sent");
                let permanent = !matches!(error.kind(), ErrorKind::Server | ErrorKind::Protocol);
                let failed = (permanent || attempts + 1 >= MAX_ATTEMPTS).then(|| error.kind());
                sqlx::query(
                    "UPDATE outgoing SET attempts = attempts + 1, failed = ? WHERE message_uuid = ?",
                )
                .bind(failed.map(ErrorKind::code))
                .bind(&uuid)
                .execute(cache.pool())
                .await?;
                if failed.is_some() {
                    done.failed += 1;
                }
            }
        }
    }
    Ok(done)
}

fn is_transient(error: &ClientError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Offline
            | ErrorKind::SignInRequired
            | ErrorKind::SecretStore
            | ErrorKind::Cache
            | ErrorKind::DiskFull
    )
}

async fn send_one(
    api: &Api,
    cache: &Cache,
    uuid: &str,
    mailbox_id: &str,
    model_json: &str,
    files_json: &str,
) -> Result<()> {
    // Sending again cannot mend an entry that cannot be read: it fails for good.
    let bad = |e: serde_json::Error| {
        ClientError::invalid_input("a queued message cannot be read").with_source(e)
    };
    let mut model: Message = serde_json::from_str(model_json).map_err(bad)?;
    let files: Vec<QueuedFile> = serde_json::from_str(files_json).map_err(bad)?;
    let mailbox = cache
        .mailboxes()
        .await?
        .into_iter()
        .find(|m| m.id == mailbox_id)
        .ok_or_else(|| {
            ClientError::new(
                ErrorKind::Forbidden,
                "the mailbox is no longer one the account may use",
            )
        })?;
    model.sender.id = match mailbox.owner_type {
        OwnerType::Organisation => mailbox.cvr.clone().unwrap_or_default(),
        OwnerType::Citizen => api.session().own_cpr().await?.expose().to_owned(),
    };
    let temp = cache.dir().join(format!(".outgoing-{uuid}.xml"));
    let (path, store) = (temp.clone(), cache.files().clone());
    let size = blocking(move || write_memo(&model, &files, &store, &path)).await??;
    let sent = api.send_message(mailbox_id, &temp, size).await;
    let _ = tokio::fs::remove_file(&temp).await;
    let sent = sent?;
    if sent.message_uuid != uuid {
        return Err(ClientError::protocol(
            "the server confirmed another message than the one sent",
        ));
    }
    Ok(())
}

/// Writes the MeMo of `model` to `out`, the files from the cache (decrypted as they are
/// read); returns its size.
fn write_memo(model: &Message, files: &[QueuedFile], store: &FileStore, out: &Path) -> Result<u64> {
    let io = |e| ClientError::cache("a queued message could not be written", e);
    let file = std::fs::File::create(out).map_err(io)?;
    let mut source = |id: FileId| -> std::io::Result<Box<dyn Read>> {
        let sha = files
            .iter()
            .find(|f| f.document == id.document && f.file == id.file)
            .map(|f| f.sha256.clone())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))?;
        let reader = store
            .reader(&sha)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::NotFound, e))?;
        Ok(Box::new(reader))
    };
    brevdue_memo::write(model, &file, &mut source).map_err(|e| {
        // A file gone from the cache (or no longer readable) will not come back: the message
        // fails for good.
        ClientError::invalid_input("a queued message could not be written").with_source(e)
    })?;
    Ok(std::fs::metadata(out).map_err(io)?.len())
}
