//! The local cache: one SQLite file per server and account, so that the last synced mail opens
//! at once and offline.
//!
//! It holds the mailboxes, folders, message summaries (for lists), message details (the MeMo
//! model and its agenda), the change-feed cursor of each mailbox, and the outbox of changes
//! made here that the server has not confirmed yet. File contents live as files named by their
//! SHA-256 in `files/` next to the database, never in rows, sealed (encrypted and
//! authenticated) with a key derived from the cache key: only [`crate::sealed`] reads or
//! writes them. Search runs over subject, sender and
//! text with SQLite's FTS5.
//!
//! Everything the user sees reflects their own changes at once: a change is applied to the
//! cached row and queued in the outbox in one transaction, and when the server's state of a
//! message arrives (sync) the changes still queued for it are applied on top again.
//!
//! **Invariant:** what comes from the server is untrusted: ids are bound as parameters, never
//! put into SQL or paths; a file is stored only under the SHA-256 of its own bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use brevdue_api::{ChangeFeed, Folder, FolderType, Mailbox, MessageDetail, MessageSummary};
use brevdue_memo::{AgendaItem, AgendaKind};
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Row, SqliteConnection, SqlitePool};

use crate::credentials::CacheKey;
use crate::error::{ClientError, ErrorKind, Result};
use crate::sealed::FileStore;

/// The name of the database file in a cache folder.
pub const DB_FILE: &str = "cache.sqlite";
/// The folder of file contents in a cache folder.
pub const FILES_DIR: &str = "files";
/// The largest page of a list.
pub const MAX_PAGE_SIZE: u32 = 500;
/// How much text of a message is indexed for search.
const MAX_INDEXED_TEXT: usize = 64 * 1024;

/// A change the user made to a message; kept in the outbox until the server has it.
/// Each holds the state wanted, not a toggle, so applying it twice does no harm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum LocalChange {
    /// Mark read (`true`) or unread.
    Read { read: bool },
    /// Flag or unflag.
    Flag { flagged: bool },
    /// Move to another folder of the same mailbox (to DELETED: delete).
    Move {
        #[serde(rename = "folderId")]
        folder_id: String,
    },
    /// Delete for good a message already in DELETED.
    Purge,
}

/// A queued change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub mailbox_id: String,
    pub message_id: String,
    pub change: LocalChange,
    pub attempts: i64,
}

/// A folder with its counts, as the cache knows them (local changes included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderView {
    pub id: String,
    pub mailbox_id: String,
    pub name: String,
    pub folder_type: FolderType,
    pub unread_count: u64,
    pub total_count: u64,
}

/// One message in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageListItem {
    pub id: String,
    pub mailbox_id: String,
    pub folder_id: String,
    pub label: String,
    pub sender: String,
    pub received: DateTime<Utc>,
    pub read: bool,
    pub flagged: bool,
    pub has_attachments: bool,
    /// Whether the message asks something of the reader (MeMo actions); known once fetched.
    pub has_actions: bool,
    /// The earliest deadline still ahead (reply or action), once the message is fetched.
    pub next_deadline: Option<DateTime<Utc>>,
    /// The server's version of the message.
    pub version: i64,
    /// Whether changes made here wait for the server.
    pub pending: bool,
}

/// A whole cached message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedMessage {
    #[serde(flatten)]
    pub item: MessageListItem,
    /// The model and files; `None` until the message has been fetched.
    pub detail: Option<MessageDetail>,
    pub agenda: Vec<AgendaItem>,
}

/// What a list row shows beyond the list's own columns, from the message's details when they
/// are cached (a message not fetched yet has none of it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowMarks {
    pub mandatory: bool,
    pub legal_notification: bool,
    /// Its appointments and deadlines, by start.
    pub agenda: Vec<AgendaItem>,
}

/// An agenda item with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgendaEntry {
    pub mailbox_id: String,
    pub message_id: String,
    #[serde(flatten)]
    pub item: AgendaItem,
}

/// Which messages a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub mailbox_id: String,
    /// One folder; `None`: every folder but DELETED.
    pub folder_id: Option<String>,
    /// Only unread (`Some(false)`) or only read messages.
    pub read: Option<bool>,
    pub flagged: Option<bool>,
    /// The 0-based page.
    pub page: u32,
    /// Messages per page, 1 to [`MAX_PAGE_SIZE`].
    pub size: u32,
}

/// The cache of one account.
#[derive(Debug, Clone)]
pub struct Cache {
    pool: SqlitePool,
    dir: PathBuf,
    rebuilt: Option<Rebuilt>,
    /// The files in `files/`, sealed with a key derived from the cache key.
    files: FileStore,
    /// A lock per file being downloaded ([`Cache::lock_download`]).
    downloads: Arc<std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// [`DAMAGE_SEEN`] when the cache was opened.
    damage_at_open: u64,
    /// Whether the full check ran when the cache was opened.
    checked: bool,
}

/// Why a cache was made anew when it was opened (see [`Cache::open`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Rebuilt {
    /// It was a plain SQLite file from before the cache was encrypted: nothing is wrong, the
    /// user need not be told.
    Unencrypted,
    /// It could not be read with its key, or failed its check: damaged. The user is told
    /// that the local copy was damaged and is fetched again.
    Damaged,
    /// Its key was no longer in the secret store, so the old file could not be read.
    KeyLost,
}

/// Where a damaged cache file is moved while what can be saved is copied out of it.
const DAMAGED_FILE: &str = "cache.damaged.sqlite";

/// A file in the cache folder that is there while the cache is open and stays when it was
/// not closed cleanly ([`Cache::close`]) or a query met a damaged file: the full check of
/// the file (every page's HMAC, then `quick_check`) runs at the next open only then. Reading
/// every page of a large cache on every start costs most of the time to a usable inbox, and
/// a damaged page read at run time is an error anyway (SQLCipher checks each page's HMAC when
/// it reads it), never wrong data.
pub const CHECK_MARKER: &str = "cache.sqlite-check";

/// How many times a query of any cache in this process met a damaged file (SQLite's codes
/// 11 and 26; a page whose HMAC fails when read answers 11): a cache that saw this number
/// change while it was open keeps its [`CHECK_MARKER`]. Counted for the process, not per cache, because the
/// error is converted far from the cache it came from; with several caches open at once a
/// damage in one has them all checked at their next open: extra work, never less safety.
static DAMAGE_SEEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Notes that a query met a damaged cache file (see [`DAMAGE_SEEN`]).
pub(crate) fn note_damage(error: &sqlx::Error) {
    if let sqlx::Error::Database(db) = error
        && is_damage_code(db.code().as_deref())
    {
        DAMAGE_SEEN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tracing::warn!("the cache file is damaged; it is checked at the next start");
    }
}

const LIST_COLUMNS: &str = "m.id, m.mailbox_id, m.folder_id, m.label, m.sender_label, m.received, \
    m.read, m.flagged, m.has_attachments, m.has_actions, m.version, \
    (SELECT MIN(a.start) FROM agenda a WHERE a.message_id = m.id AND a.kind <> 'appointment' \
     AND a.start >= ?1) AS next_deadline, \
    EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id) AS pending";

impl Cache {
    /// Opens (or creates) the cache in folder `dir`, encrypted with `key` (SQLCipher).
    ///
    /// A cache that cannot be opened with `key` (made before the cache was encrypted, made
    /// with a key that is gone, or damaged) or that fails its check (every page's HMAC, then
    /// SQLite's `quick_check`) is moved aside and made anew, empty: the next sync fills it
    /// from the core. What cannot be had from the core (drafts, messages waiting to be sent,
    /// changes not yet sent) is copied over first where the old file can still be read. [`Cache::rebuilt`] says why it was
    /// made anew. Other failures (the folder cannot be written, the disk is full) are errors
    /// and leave the file alone.
    pub async fn open(dir: &Path, key: &CacheKey) -> Result<Self> {
        tokio::fs::create_dir_all(dir.join(FILES_DIR))
            .await
            .map_err(|e| ClientError::cache("the cache folder cannot be made", e))?;
        private_to_user(dir).await?;
        let files = FileStore::new(dir.join(FILES_DIR), key)?;
        // A cache from before files were sealed: its files are sealed now, once.
        let sealing = files.clone();
        tokio::task::spawn_blocking(move || sealing.seal_plain_files())
            .await
            .map_err(|e| ClientError::cache("a background task failed", e))?;
        let db = dir.join(DB_FILE);
        let existing = match tokio::fs::metadata(&db).await {
            Ok(meta) => Some(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ClientError::cache("the cache file cannot be read", e)),
        };
        let marker = dir.join(CHECK_MARKER);
        // Checked when the last run did not close it cleanly, or met damage.
        let check = existing.is_some() && tokio::fs::try_exists(&marker).await.unwrap_or(true);
        if let Err(error) = tokio::fs::write(&marker, b"").await {
            // Only the check after a crash is lost (a full disk): reading still checks each
            // page's HMAC.
            tracing::warn!(%error, "the cache's check marker cannot be written");
        }
        let damage_at_open = DAMAGE_SEEN.load(std::sync::atomic::Ordering::SeqCst);
        let made = |pool, checked, rebuilt| Cache {
            pool,
            dir: dir.to_path_buf(),
            rebuilt,
            files: files.clone(),
            downloads: Arc::default(),
            damage_at_open,
            checked,
        };
        let damage = match existing {
            None => None,
            // SQLite takes an empty file for a new database; a cache is never empty once
            // made, so something cut it.
            Some(0) => Some("the cache file is empty".to_owned()),
            Some(_) => match connect(&db, key, check).await {
                Ok((pool, checked)) => return Ok(made(pool, checked, None)),
                Err(Opening::Damaged(why)) => Some(why),
                Err(Opening::Failed(error)) => return Err(error),
            },
        };
        let Some(why) = damage else {
            let (pool, _) = connect(&db, key, false)
                .await
                .map_err(Opening::into_error)?;
            return Ok(made(pool, false, None));
        };
        let aside = dir.join(DAMAGED_FILE);
        move_db(&db, &aside).await?;
        let (pool, _) = connect(&db, key, false)
            .await
            .map_err(Opening::into_error)?;
        let old = salvage(&pool, &aside, key).await;
        remove_db(&aside).await;
        let rebuilt = match old {
            OldCache::Unencrypted => Rebuilt::Unencrypted,
            OldCache::Encrypted | OldCache::Unreadable => Rebuilt::Damaged,
        };
        tracing::warn!(%why, ?rebuilt, "the cache could not be used and is made anew");
        Ok(made(pool, true, Some(rebuilt)))
    }

    /// Whether the full check of the file (every page's HMAC, then `quick_check`) ran when
    /// the cache was opened: only after it was not closed cleanly or met damage
    /// ([`CHECK_MARKER`]), or when the file is not whole pages (cut off). A cache made anew
    /// counts as checked.
    pub fn checked_at_open(&self) -> bool {
        self.checked
    }

    /// Why the cache was made anew when it was opened, if it was.
    pub fn rebuilt(&self) -> Option<Rebuilt> {
        self.rebuilt
    }

    /// Marks the cache as made anew for `why` (the client knows more than the cache, e.g.
    /// that the key had been lost).
    pub(crate) fn set_rebuilt(&mut self, why: Rebuilt) {
        self.rebuilt = Some(why);
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock at once (waiting up to the
    /// busy timeout): a transaction that read first and wrote later could otherwise fail at
    /// once when another connection wrote in between (WAL's stale snapshot).
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The connection pool, for the modules that keep their own tables here (drafts, the
    /// queue of messages to send).
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The cache's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Closes the database. Closed cleanly, without a query having met damage, it is not
    /// checked in full at the next open ([`CHECK_MARKER`]).
    pub async fn close(&self) {
        self.pool.close().await;
        self.mark_clean();
    }

    /// Removes the [`CHECK_MARKER`] unless a query met damage while the cache was open.
    pub(crate) fn mark_clean(&self) {
        if DAMAGE_SEEN.load(std::sync::atomic::Ordering::SeqCst) != self.damage_at_open {
            return;
        }
        match std::fs::remove_file(self.dir.join(CHECK_MARKER)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => tracing::warn!(%error, "the cache's check marker cannot be removed"),
        }
    }

    // ---- mailboxes and folders ----

    /// Replaces the list of mailboxes. Everything cached of a mailbox no longer listed (a
    /// representative's access ended) is forgotten with it.
    pub async fn set_mailboxes(&self, mailboxes: &[Mailbox]) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM mailboxes")
            .execute(&mut *tx)
            .await?;
        let listed =
            serde_json::Value::from(mailboxes.iter().map(|m| m.id.clone()).collect::<Vec<_>>())
                .to_string();
        for sql in [
            "DELETE FROM agenda WHERE message_id IN (SELECT id FROM messages \
             WHERE mailbox_id NOT IN (SELECT value FROM json_each(?)))",
            "DELETE FROM messages WHERE mailbox_id NOT IN (SELECT value FROM json_each(?))",
            "DELETE FROM folders WHERE mailbox_id NOT IN (SELECT value FROM json_each(?))",
            "DELETE FROM cursors WHERE mailbox_id NOT IN (SELECT value FROM json_each(?))",
            "DELETE FROM outbox WHERE mailbox_id NOT IN (SELECT value FROM json_each(?))",
        ] {
            sqlx::query(sql).bind(&listed).execute(&mut *tx).await?;
        }
        for (position, mailbox) in mailboxes.iter().enumerate() {
            sqlx::query("INSERT OR REPLACE INTO mailboxes (id, position, json) VALUES (?, ?, ?)")
                .bind(&mailbox.id)
                .bind(position as i64)
                .bind(to_json(mailbox)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The mailboxes, in the server's order.
    pub async fn mailboxes(&self) -> Result<Vec<Mailbox>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT json FROM mailboxes ORDER BY position")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|(json,)| from_json(json)).collect()
    }

    /// Replaces the folders of `mailbox_id`.
    pub async fn set_folders(&self, mailbox_id: &str, folders: &[Folder]) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM folders WHERE mailbox_id = ?")
            .bind(mailbox_id)
            .execute(&mut *tx)
            .await?;
        for folder in folders {
            sqlx::query(
                "INSERT OR REPLACE INTO folders (id, mailbox_id, name, folder_type) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind(&folder.id)
            .bind(mailbox_id)
            .bind(&folder.name)
            .bind(folder.folder_type.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The folders of `mailbox_id` with their counts: system folders first, then the user's
    /// by name.
    pub async fn folders(&self, mailbox_id: &str) -> Result<Vec<FolderView>> {
        let rows = sqlx::query(
            "SELECT f.id, f.name, f.folder_type, \
               (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = f.mailbox_id \
                  AND m.folder_id = f.id) AS total, \
               (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = f.mailbox_id \
                  AND m.folder_id = f.id AND m.read = 0) AS unread \
             FROM folders f WHERE f.mailbox_id = ? \
             ORDER BY CASE f.folder_type WHEN 'INBOX' THEN 0 WHEN 'DRAFTS' THEN 1 \
               WHEN 'SENT' THEN 2 WHEN 'DELETED' THEN 4 ELSE 3 END, f.name, f.id",
        )
        .bind(mailbox_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let folder_type: String = row.try_get("folder_type")?;
                Ok(FolderView {
                    id: row.try_get("id")?,
                    mailbox_id: mailbox_id.to_owned(),
                    name: row.try_get("name")?,
                    folder_type: FolderType::parse(&folder_type).unwrap_or(FolderType::UserDefined),
                    unread_count: row.try_get::<i64, _>("unread")?.max(0) as u64,
                    total_count: row.try_get::<i64, _>("total")?.max(0) as u64,
                })
            })
            .collect()
    }

    /// The id of the folder of `folder_type` in `mailbox_id`, if the cache knows it.
    pub async fn system_folder(
        &self,
        mailbox_id: &str,
        folder_type: FolderType,
    ) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM folders WHERE mailbox_id = ? AND folder_type = ? ORDER BY id LIMIT 1",
        )
        .bind(mailbox_id)
        .bind(folder_type.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id,)| id))
    }

    // ---- the change feed ----

    /// The cursor to read `mailbox_id`'s change feed from (`"0"` the first time).
    pub async fn cursor(&self, mailbox_id: &str) -> Result<String> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT cursor FROM cursors WHERE mailbox_id = ?")
                .bind(mailbox_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map_or_else(|| "0".to_owned(), |(c,)| c))
    }

    /// Applies one answer of the change feed and moves the cursor, in one transaction: after a
    /// crash either all of it is in the cache or none. Returns the ids of changed messages
    /// whose details must be fetched (new, or changed on the server).
    pub async fn apply_feed(&self, mailbox_id: &str, feed: &ChangeFeed) -> Result<Vec<String>> {
        let mut tx = self.write().await?;
        let mut fetch = Vec::new();
        for summary in &feed.changed {
            if summary.mailbox_id != mailbox_id {
                return Err(ClientError::protocol(
                    "the change feed named a message of another mailbox",
                ));
            }
            if upsert_summary(&mut tx, summary).await? {
                fetch.push(summary.id.clone());
            }
        }
        for id in &feed.deleted {
            delete_message(&mut tx, mailbox_id, id).await?;
        }
        sqlx::query("INSERT OR REPLACE INTO cursors (mailbox_id, cursor) VALUES (?, ?)")
            .bind(mailbox_id)
            .bind(&feed.next_cursor)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(fetch)
    }

    /// Stores the server's current state of one message (after a PATCH or a fetch), with the
    /// changes still queued for it applied on top.
    pub async fn put_summary(&self, summary: &MessageSummary) -> Result<()> {
        let mut tx = self.write().await?;
        upsert_summary(&mut tx, summary).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a message (the server purged it).
    pub async fn remove_message(&self, mailbox_id: &str, id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        delete_message(&mut tx, mailbox_id, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a fetched message: its state, its model, its agenda and its searchable text
    /// (`extra_text`: the text of its plain-text files, if any were fetched).
    pub async fn put_detail(&self, detail: &MessageDetail, extra_text: &str) -> Result<()> {
        self.put_details(&[(detail, extra_text)]).await
    }

    /// [`put_detail`](Self::put_detail) for many messages in one transaction.
    pub async fn put_details(&self, details: &[(&MessageDetail, &str)]) -> Result<()> {
        let mut tx = self.write().await?;
        for (detail, extra_text) in details {
            put_detail(&mut tx, detail, extra_text).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` messages of `mailbox_id` whose details were never fetched.
    pub async fn without_detail(&self, mailbox_id: &str, limit: u32) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM messages WHERE mailbox_id = ? AND detail_json IS NULL \
             ORDER BY received DESC LIMIT ?",
        )
        .bind(mailbox_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    // ---- reading ----

    /// A page of messages, newest first.
    pub async fn list_messages(&self, query: &ListQuery) -> Result<Vec<MessageListItem>> {
        let size = query.size.clamp(1, MAX_PAGE_SIZE);
        let mut sql = format!(
            "SELECT {LIST_COLUMNS} FROM messages m WHERE m.mailbox_id = ?2 AND {} ",
            if query.folder_id.is_some() {
                "m.folder_id = ?3"
            } else {
                "m.folder_id <> '' AND m.folder_id NOT IN (SELECT id FROM folders \
                 WHERE mailbox_id = ?2 AND folder_type = 'DELETED') AND ?3 IS NULL"
            }
        );
        if query.read.is_some() {
            sql.push_str("AND m.read = ?4 ");
        } else {
            sql.push_str("AND ?4 IS NULL ");
        }
        if query.flagged.is_some() {
            sql.push_str("AND m.flagged = ?5 ");
        } else {
            sql.push_str("AND ?5 IS NULL ");
        }
        sql.push_str("ORDER BY m.received DESC, m.rowid DESC LIMIT ?6 OFFSET ?7");
        let rows = sqlx::query(&sql)
            .bind(Utc::now().timestamp_millis())
            .bind(&query.mailbox_id)
            .bind(&query.folder_id)
            .bind(query.read)
            .bind(query.flagged)
            .bind(i64::from(size))
            .bind(i64::from(query.page) * i64::from(size))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(list_item).collect()
    }

    /// Every message of `mailbox_id` received at or after `since`, oldest first, in every
    /// folder but DELETED (what an export takes).
    pub async fn messages_since(
        &self,
        mailbox_id: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<MessageListItem>> {
        let sql = format!(
            "SELECT {LIST_COLUMNS} FROM messages m WHERE m.mailbox_id = ?2 \
             AND m.folder_id <> '' AND m.folder_id NOT IN (SELECT id FROM folders \
             WHERE mailbox_id = ?2 AND folder_type = 'DELETED') AND m.received >= ?3 \
             ORDER BY m.received, m.rowid"
        );
        let rows = sqlx::query(&sql)
            .bind(Utc::now().timestamp_millis())
            .bind(mailbox_id)
            .bind(since.map_or(i64::MIN, |t| t.timestamp_millis()))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(list_item).collect()
    }

    /// One message, if cached.
    pub async fn message(&self, id: &str) -> Result<Option<CachedMessage>> {
        let sql = format!("SELECT {LIST_COLUMNS}, m.detail_json FROM messages m WHERE m.id = ?2");
        let Some(row) = sqlx::query(&sql)
            .bind(Utc::now().timestamp_millis())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let item = list_item(&row)?;
        let detail: Option<String> = row.try_get("detail_json")?;
        let detail: Option<MessageDetail> = detail.as_deref().map(from_json).transpose()?;
        let agenda: Vec<(String,)> =
            sqlx::query_as("SELECT json FROM agenda WHERE message_id = ? ORDER BY start, uid")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        let agenda = agenda
            .iter()
            .map(|(json,)| from_json(json))
            .collect::<Result<_>>()?;
        Ok(Some(CachedMessage {
            item,
            detail,
            agenda,
        }))
    }

    /// The [`RowMarks`] of the cached messages among `ids`, in two queries, whatever their
    /// number (a list page asks for all its rows at once).
    pub async fn row_marks(&self, ids: &[&str]) -> Result<HashMap<String, RowMarks>> {
        let ids = serde_json::to_string(ids)
            .map_err(|e| ClientError::cache("the ids could not be written", e))?;
        let flags: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT m.id, \
             coalesce(json_extract(m.detail_json, '$.memo.mandatory'), 0), \
             coalesce(json_extract(m.detail_json, '$.memo.legalNotification'), 0) \
             FROM messages m WHERE m.id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        let mut marks: HashMap<String, RowMarks> = flags
            .into_iter()
            .map(|(id, mandatory, legal)| {
                let marks = RowMarks {
                    mandatory: mandatory != 0,
                    legal_notification: legal != 0,
                    agenda: Vec::new(),
                };
                (id, marks)
            })
            .collect();
        let agenda: Vec<(String, String)> = sqlx::query_as(
            "SELECT message_id, json FROM agenda \
             WHERE message_id IN (SELECT value FROM json_each(?1)) ORDER BY start, uid",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        for (id, json) in agenda {
            if let Some(row) = marks.get_mut(&id) {
                row.agenda.push(from_json(&json)?);
            }
        }
        Ok(marks)
    }

    /// The message with this messageUUID in a mailbox, if cached.
    pub async fn message_by_uuid(
        &self,
        mailbox_id: &str,
        message_uuid: &str,
    ) -> Result<Option<CachedMessage>> {
        let id: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM messages WHERE mailbox_id = ? AND lower(message_uuid) = lower(?)",
        )
        .bind(mailbox_id)
        .bind(message_uuid)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some((id,)) => self.message(&id).await,
            None => Ok(None),
        }
    }

    /// Messages matching every word of `text` (in subject, sender or text; case and accents
    /// ignored; a word matches as a prefix), the most recently cached first (which is, but for
    /// value-dated letters, the newest first). `mailbox_id` narrows it.
    ///
    /// Ordering by the index's own row order lets SQLite stop after `limit` matches instead of
    /// ranking every match: a common word matches most of a mailbox, and ranking 100,000
    /// matches takes most of a second.
    pub async fn search(
        &self,
        text: &str,
        mailbox_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageListItem>> {
        let Some(expression) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {LIST_COLUMNS} FROM messages_fts f JOIN messages m ON m.rowid = f.rowid \
             WHERE messages_fts MATCH ?2 AND (?3 IS NULL OR m.mailbox_id = ?3) \
             ORDER BY f.rowid DESC LIMIT ?4"
        );
        let rows = sqlx::query(&sql)
            .bind(Utc::now().timestamp_millis())
            .bind(expression)
            .bind(mailbox_id)
            .bind(i64::from(limit.clamp(1, MAX_PAGE_SIZE)))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(list_item).collect()
    }

    /// The appointments and deadlines of every cached message starting in `[from, to)`, across
    /// all mailboxes, by start.
    pub async fn agenda(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<AgendaEntry>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT m.mailbox_id, a.message_id, a.json FROM agenda a \
             JOIN messages m ON m.id = a.message_id \
             WHERE a.start >= ? AND a.start < ? ORDER BY a.start, a.uid",
        )
        .bind(from.timestamp_millis())
        .bind(to.timestamp_millis())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(mailbox_id, message_id, json)| {
                Ok(AgendaEntry {
                    mailbox_id: mailbox_id.clone(),
                    message_id: message_id.clone(),
                    item: from_json(json)?,
                })
            })
            .collect()
    }

    // ---- the outbox ----

    /// Applies `change` to the cached message at once and queues it for the server, in one
    /// transaction. [`ErrorKind::NotFound`] when the message is not cached.
    pub async fn queue_change(&self, message_id: &str, change: &LocalChange) -> Result<()> {
        let mut tx = self.write().await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT mailbox_id FROM messages WHERE id = ?")
            .bind(message_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((mailbox_id,)) = row else {
            return Err(ClientError::new(
                ErrorKind::NotFound,
                "the message is not in the cache",
            ));
        };
        if let LocalChange::Move { folder_id } = change {
            let known: Option<(String,)> =
                sqlx::query_as("SELECT id FROM folders WHERE id = ? AND mailbox_id = ?")
                    .bind(folder_id)
                    .bind(&mailbox_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if known.is_none() {
                return Err(ClientError::new(
                    ErrorKind::NotFound,
                    "no such folder in the message's mailbox",
                ));
            }
        }
        sqlx::query(
            "INSERT INTO outbox (mailbox_id, message_id, change, created) VALUES (?, ?, ?, ?)",
        )
        .bind(&mailbox_id)
        .bind(message_id)
        .bind(to_json(change)?)
        .bind(Utc::now().timestamp_millis())
        .execute(&mut *tx)
        .await?;
        apply_local(&mut tx, message_id, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The queued changes, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT seq, mailbox_id, message_id, change, attempts FROM outbox ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, mailbox_id, message_id, change, attempts)| {
                Ok(OutboxEntry {
                    seq,
                    mailbox_id,
                    message_id,
                    change: from_json(&change)?,
                    attempts,
                })
            })
            .collect()
    }

    /// Counts one more attempt at sending entry `seq`.
    pub async fn count_attempt(&self, seq: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?")
            .bind(seq)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Entry `seq` is done (the server has it, or it no longer means anything): removes it and
    /// stores the server's state of the message that came back, if any, in one transaction.
    pub async fn complete(&self, seq: i64, server_state: Option<&MessageSummary>) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        if let Some(summary) = server_state {
            upsert_summary(&mut tx, summary).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops entry `seq` because the server refused it for good (no right, no such message)
    /// and puts the message back as the server has it.
    pub async fn reject(&self, seq: i64, server_state: Option<&MessageSummary>) -> Result<()> {
        let mut tx = self.write().await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT mailbox_id, message_id FROM outbox WHERE seq = ?")
                .bind(seq)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        match (server_state, row) {
            (Some(summary), _) => {
                upsert_summary(&mut tx, summary).await?;
            }
            (None, Some((mailbox_id, message_id))) => {
                delete_message(&mut tx, &mailbox_id, &message_id).await?;
            }
            (None, None) => {}
        }
        tx.commit().await?;
        Ok(())
    }

    // ---- files ----

    /// The cache's files, sealed at rest ([`crate::sealed`]): the only way to their bytes.
    pub(crate) fn files(&self) -> &FileStore {
        &self.files
    }

    /// Whether the content with this SHA-256 is cached (not whether it still reads well).
    pub fn has_file(&self, sha256: &str) -> bool {
        self.files.contains(sha256)
    }

    /// The cached content with this SHA-256, decrypted: [`ErrorKind::NotFound`] when it is
    /// not cached, [`ErrorKind::Cache`] when it cannot be decrypted (changed, cut off, or
    /// sealed with another key).
    pub async fn read_file(&self, sha256: &str) -> Result<Vec<u8>> {
        self.files.read(sha256).await
    }

    /// Removes the cached content with this SHA-256 (it no longer reads; it is fetched again).
    pub async fn remove_file(&self, sha256: &str) {
        self.files.remove(sha256).await;
    }

    /// Stores a file's content from `chunks`, checking it against `sha256` and `size` before
    /// it becomes visible (written sealed to a temporary name, then renamed).
    pub async fn store_file<S, E>(&self, sha256: &str, size: u64, chunks: S) -> Result<()>
    where
        S: futures_util::Stream<Item = std::result::Result<bytes::Bytes, E>> + Unpin,
        E: Into<ClientError>,
    {
        self.resume_file(sha256, size, 0, chunks).await
    }

    /// How many bytes of the content with this SHA-256 a download that broke off has kept
    /// (0 when none): a new download asks the server for the rest only (`Range`). The part
    /// kept is decrypted and hashed to know (see `FileStore::kept_len`).
    pub async fn partial_len(&self, sha256: &str) -> u64 {
        self.files.kept_len(sha256).await
    }

    /// One download of a file's content at a time: the part kept between attempts has one
    /// writer.
    pub(crate) async fn lock_download(&self, sha256: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = match self.downloads.lock() {
            Ok(mut map) => map.entry(sha256.to_owned()).or_default().clone(),
            // A panic elsewhere while holding the map: go on without sharing.
            Err(_) => Arc::default(),
        };
        lock.lock_owned().await
    }

    /// [`store_file`](Self::store_file) continued after the first `from` bytes, which an
    /// earlier attempt kept ([`partial_len`](Self::partial_len)); `from` 0 starts afresh.
    /// When the stream breaks off, every byte that arrived is kept (sealed) for the next
    /// attempt; content that does not match its size and SHA-256 is thrown away.
    pub async fn resume_file<S, E>(
        &self,
        sha256: &str,
        size: u64,
        from: u64,
        mut chunks: S,
    ) -> Result<()>
    where
        S: futures_util::Stream<Item = std::result::Result<bytes::Bytes, E>> + Unpin,
        E: Into<ClientError>,
    {
        use futures_util::StreamExt;
        let mut part = self.files.begin_part(sha256, from).await?;
        // `Err(true)`: the content is wrong, throw it away; `Err(false)`: it broke off, keep it.
        let result: std::result::Result<(), (ClientError, bool)> = async {
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| (e.into(), false))?;
                if part.written() + chunk.len() as u64 > size {
                    return Err((
                        ClientError::protocol("a file is larger than its size says"),
                        true,
                    ));
                }
                part.push(&chunk).await.map_err(|e| (e, false))?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => part.finish(sha256, size).await,
            // Wrong content, or the disk failed (or is full): the part is no good to keep.
            Err((error, wrong))
                if wrong || matches!(error.kind(), ErrorKind::Cache | ErrorKind::DiskFull) =>
            {
                part.discard().await;
                Err(error)
            }
            Err((error, _)) => {
                if let Err(kept) = part.keep().await {
                    tracing::warn!(error = %kept, "the part of a download cannot be kept");
                }
                Err(error)
            }
        }
    }
}

/// Inserts or updates a message from the server's state, then applies the changes still
/// queued for it. Returns whether its details must be (re)fetched: it is new, or its content
/// state changed on the server in a way the details show.
async fn upsert_summary(conn: &mut SqliteConnection, s: &MessageSummary) -> Result<bool> {
    let existing: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT version, CASE WHEN detail_json IS NULL THEN NULL ELSE 1 END \
         FROM messages WHERE id = ?",
    )
    .bind(&s.id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((version, _)) = existing
        && version > s.version
    {
        // An older state than the one we have (answers crossing): keep ours.
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO messages (id, mailbox_id, folder_id, message_uuid, label, sender_id, \
           sender_label, received, read, flagged, has_attachments, reply_by, version) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET mailbox_id = excluded.mailbox_id, \
           folder_id = excluded.folder_id, message_uuid = excluded.message_uuid, \
           label = excluded.label, sender_id = excluded.sender_id, \
           sender_label = excluded.sender_label, received = excluded.received, \
           read = excluded.read, flagged = excluded.flagged, \
           has_attachments = excluded.has_attachments, reply_by = excluded.reply_by, \
           version = excluded.version",
    )
    .bind(&s.id)
    .bind(&s.mailbox_id)
    .bind(&s.folder_id)
    .bind(&s.message_uuid)
    .bind(&s.label)
    .bind(&s.sender.sender_id)
    .bind(&s.sender.label)
    .bind(s.received_date_time.timestamp_millis())
    .bind(s.read)
    .bind(s.flagged)
    .bind(s.has_attachments)
    .bind(s.reply_by_date_time.map(|t| t.timestamp_millis()))
    .bind(s.version)
    .execute(&mut *conn)
    .await?;
    // The details' own copy of the state follows the server's.
    sqlx::query(
        "UPDATE messages SET detail_json = json_set(detail_json, '$.read', json(?), \
           '$.flagged', json(?), '$.folderId', ?, '$.version', ?) \
         WHERE id = ? AND detail_json IS NOT NULL",
    )
    .bind(if s.read { "true" } else { "false" })
    .bind(if s.flagged { "true" } else { "false" })
    .bind(&s.folder_id)
    .bind(s.version)
    .bind(&s.id)
    .execute(&mut *conn)
    .await?;
    let pending: Vec<(String,)> =
        sqlx::query_as("SELECT change FROM outbox WHERE message_id = ? ORDER BY seq")
            .bind(&s.id)
            .fetch_all(&mut *conn)
            .await?;
    for (change,) in pending {
        apply_local(conn, &s.id, &from_json(&change)?).await?;
    }
    Ok(!matches!(existing, Some((_, Some(_)))))
}

async fn put_detail(
    conn: &mut SqliteConnection,
    detail: &MessageDetail,
    extra_text: &str,
) -> Result<()> {
    let agenda = brevdue_memo::agenda(&detail.memo);
    let has_actions = detail.memo.actions().next().is_some();
    let text = searchable_text(detail, extra_text);
    upsert_summary(&mut *conn, &detail.summary).await?;
    sqlx::query("UPDATE messages SET detail_json = ?, has_actions = ?, body_text = ? WHERE id = ?")
        .bind(to_json(detail)?)
        .bind(has_actions)
        .bind(text)
        .bind(&detail.summary.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM agenda WHERE message_id = ?")
        .bind(&detail.summary.id)
        .execute(&mut *conn)
        .await?;
    for item in &agenda {
        sqlx::query(
            "INSERT OR REPLACE INTO agenda (message_id, uid, kind, start, json) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&detail.summary.id)
        .bind(&item.uid)
        .bind(agenda_kind(item.kind))
        .bind(item.start.timestamp_millis())
        .bind(to_json(item)?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Shows a queued change in the cached row.
async fn apply_local(conn: &mut SqliteConnection, id: &str, change: &LocalChange) -> Result<()> {
    let query = match change {
        LocalChange::Read { read } => sqlx::query("UPDATE messages SET read = ? WHERE id = ?")
            .bind(*read)
            .bind(id),
        LocalChange::Flag { flagged } => {
            sqlx::query("UPDATE messages SET flagged = ? WHERE id = ?")
                .bind(*flagged)
                .bind(id)
        }
        LocalChange::Move { folder_id } => {
            sqlx::query("UPDATE messages SET folder_id = ? WHERE id = ?")
                .bind(folder_id.clone())
                .bind(id)
        }
        // A purged message stays out of every list but DELETED's until the server confirms;
        // it is hidden by moving it nowhere: mark it with an empty folder.
        LocalChange::Purge => {
            sqlx::query("UPDATE messages SET folder_id = '' WHERE id = ?").bind(id)
        }
    };
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Why a cache file could not be opened: damaged (made anew) or another failure (an error).
enum Opening {
    Damaged(String),
    Failed(ClientError),
}

impl Opening {
    fn into_error(self) -> ClientError {
        match self {
            Opening::Damaged(why) => ClientError::new(ErrorKind::Cache, why),
            Opening::Failed(error) => error,
        }
    }
}

impl From<sqlx::Error> for Opening {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if is_damage_code(db.code().as_deref()) => {
                Opening::Damaged(format!("SQLite: {}", db.message()))
            }
            _ => Opening::Failed(error.into()),
        }
    }
}

/// The SQLite result code (primary) under a client error, if it came from SQLite.
fn error_code(error: &ClientError) -> Option<i32> {
    let source = std::error::Error::source(error)?;
    match source.downcast_ref::<sqlx::Error>()? {
        sqlx::Error::Database(db) => db.code()?.parse::<i32>().ok().map(|c| c & 0xff),
        _ => None,
    }
}

/// SQLite's result codes that say the file is not what it should be: `SQLITE_CORRUPT` (11)
/// and `SQLITE_NOTADB` (26, also what SQLCipher answers for a wrong key or a page whose
/// HMAC fails), with their extended codes.
fn is_damage_code(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 11 | 26))
}

/// Opens the database file with `key`, checks it when `check` or when the file is not whole
/// pages (SQLCipher's `cipher_integrity_check` reads every page and checks its HMAC; SQLite's
/// `quick_check` checks the structure; see [`CHECK_MARKER`] for when) and brings its tables up
/// to date. A wrong key or a damaged first page fails unchecked too: the migrations read the
/// schema. Returns the pool and whether the check ran.
async fn connect(
    db: &Path,
    key: &CacheKey,
    check: bool,
) -> std::result::Result<(SqlitePool, bool), Opening> {
    let options = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        // sqlx runs `key` before every other pragma, as SQLCipher needs.
        .pragma("key", format!("\"{}\"", key.sqlcipher_raw().expose()))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        // sqlx would log the pragmas it runs on connecting, the key among them: no statement
        // of the cache is logged.
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(3600));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        // A transaction whose COMMIT failed (the disk full: SQLite then rolls back by itself)
        // leaves sqlx counting it as open, and every later transaction on that connection
        // would fail: such a connection is closed, not reused. The ping goes after the
        // rollback sqlx queued for the dropped transaction.
        .after_release(|conn, _| {
            Box::pin(async move {
                sqlx::Connection::ping(&mut *conn).await?;
                Ok(!sqlx::Connection::is_in_transaction(&*conn))
            })
        })
        .connect_with(options)
        .await?;
    let checked: std::result::Result<bool, Opening> = async {
        // SQLCipher's check of every page's HMAC (one row per page that fails, none when all
        // is well), then SQLite's check of the structure. An error from either means the file
        // cannot be read as it is: after a failed HMAC SQLCipher answers even `SQLITE_ERROR`.
        let as_damage = |error: sqlx::Error| match Opening::from(error) {
            Opening::Failed(error) if error_code(&error) == Some(1) => {
                Opening::Damaged("a check of the file failed".to_owned())
            }
            other => other,
        };
        // Unchecked, a file cut off in the middle of a page is checked all the same (cut
        // at a page's end, it is met when the missing pages are read, like other damage).
        if !check && !not_whole_pages(&pool, db).await.map_err(as_damage)? {
            return migrate(&pool).await.map(|()| false);
        }
        let bad_pages: Vec<(String,)> = sqlx::query_as("PRAGMA cipher_integrity_check")
            .fetch_all(&pool)
            .await
            .map_err(as_damage)?;
        if !bad_pages.is_empty() {
            return Err(Opening::Damaged(format!(
                "{} page(s) fail their HMAC",
                bad_pages.len()
            )));
        }
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA quick_check")
            .fetch_all(&pool)
            .await
            .map_err(as_damage)?;
        if rows.len() != 1 || rows[0].0 != "ok" {
            return Err(Opening::Damaged(format!(
                "quick_check found {} problem(s)",
                rows.len()
            )));
        }
        migrate(&pool).await.map(|()| true)
    }
    .await;
    match checked {
        Ok(checked) => Ok((pool, checked)),
        Err(error) => {
            pool.close().await;
            Err(error)
        }
    }
}

/// Whether the database file is cut off in the middle of a page (a database file is whole
/// pages, the WAL being apart).
async fn not_whole_pages(pool: &SqlitePool, db: &Path) -> std::result::Result<bool, sqlx::Error> {
    // Cast: sqlx takes a PRAGMA's column for text.
    let (page_size,): (i64,) =
        sqlx::query_as("SELECT CAST((SELECT page_size FROM pragma_page_size()) AS INTEGER)")
            .fetch_one(pool)
            .await?;
    let len = tokio::fs::metadata(db).await?.len();
    Ok(len % page_size.max(1) as u64 != 0)
}

/// Brings the cache's tables up to date.
async fn migrate(pool: &SqlitePool) -> std::result::Result<(), Opening> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .map_err(|error| match error {
            sqlx::migrate::MigrateError::Execute(error) => Opening::from(error),
            other => Opening::Failed(other.into()),
        })
}

/// What the old file of a cache made anew turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OldCache {
    /// Readable with the key (damaged in part).
    Encrypted,
    /// A plain SQLite file (from before encryption).
    Unencrypted,
    /// Neither.
    Unreadable,
}

/// The tables whose rows the core does not have, with their columns: drafts, messages waiting
/// to be sent, changes not yet sent. Their files stay in `files/`, which a rebuild keeps.
const KEPT_TABLES: [(&str, &str); 3] = [
    ("drafts", "id, mailbox_id, updated, json"),
    (
        "outgoing",
        "message_uuid, mailbox_id, created, model_json, files_json, attempts, failed",
    ),
    (
        "outbox",
        "seq, mailbox_id, message_id, change, created, attempts",
    ),
];

/// Copies what the core does not have from the old cache file `old` into the new cache, as
/// far as it can be read: with the key, else as a plain SQLite file.
async fn salvage(pool: &SqlitePool, old: &Path, key: &CacheKey) -> OldCache {
    let Ok(mut conn) = pool.acquire().await else {
        return OldCache::Unreadable;
    };
    let Some(path) = old.to_str() else {
        return OldCache::Unreadable;
    };
    let mut kind = OldCache::Unreadable;
    for (attempt, key) in [
        (OldCache::Encrypted, key.sqlcipher_raw().expose().to_owned()),
        (OldCache::Unencrypted, String::new()),
    ] {
        let attached = sqlx::query("ATTACH DATABASE ? AS old KEY ?")
            .bind(path)
            .bind(&key)
            .execute(&mut *conn)
            .await;
        if attached.is_err() {
            continue;
        }
        let readable = sqlx::query("SELECT count(*) FROM old.sqlite_master")
            .execute(&mut *conn)
            .await
            .is_ok();
        if readable {
            kind = attempt;
            break;
        }
        let _ = sqlx::query("DETACH DATABASE old").execute(&mut *conn).await;
    }
    if kind == OldCache::Unreadable {
        return kind;
    }
    for (table, columns) in KEPT_TABLES {
        let copied = sqlx::query(&format!(
            "INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM old.{table}"
        ))
        .execute(&mut *conn)
        .await;
        match copied {
            Ok(done) => tracing::info!(
                table,
                rows = done.rows_affected(),
                "kept from the old cache"
            ),
            Err(error) => tracing::warn!(table, %error, "could not be kept from the old cache"),
        }
    }
    let _ = sqlx::query("DETACH DATABASE old").execute(&mut *conn).await;
    kind
}

/// Renames a database file with its WAL to `to` (and `to-wal`); its shared-memory index is
/// removed (SQLite makes it anew).
async fn move_db(from: &Path, to: &Path) -> Result<()> {
    remove_db(to).await;
    let io = |e| ClientError::cache("the damaged cache cannot be moved aside", e);
    tokio::fs::rename(from, to).await.map_err(io)?;
    match tokio::fs::rename(with_suffix(from, "-wal"), with_suffix(to, "-wal")).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let _ = tokio::fs::remove_file(with_suffix(from, "-shm")).await;
    Ok(())
}

/// Removes a database file with its WAL and shared-memory index, as far as they exist.
async fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = tokio::fs::remove_file(with_suffix(db, suffix)).await;
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes the cache folder readable by its owner only (`0700` on Unix), so that other users of
/// the machine cannot read the letters. Elsewhere the folder inherits the user's profile's
/// permissions.
async fn private_to_user(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .await
            .map_err(|e| ClientError::cache("the cache folder cannot be made private", e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

async fn delete_message(conn: &mut SqliteConnection, mailbox_id: &str, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM messages WHERE id = ? AND mailbox_id = ?")
        .bind(id)
        .bind(mailbox_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM agenda WHERE message_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn list_item(row: &sqlx::sqlite::SqliteRow) -> Result<MessageListItem> {
    let received: i64 = row.try_get("received")?;
    let next_deadline: Option<i64> = row.try_get("next_deadline")?;
    Ok(MessageListItem {
        id: row.try_get("id")?,
        mailbox_id: row.try_get("mailbox_id")?,
        folder_id: row.try_get("folder_id")?,
        label: row.try_get("label")?,
        sender: row.try_get("sender_label")?,
        received: millis(received),
        read: row.try_get("read")?,
        flagged: row.try_get("flagged")?,
        has_attachments: row.try_get("has_attachments")?,
        has_actions: row.try_get("has_actions")?,
        next_deadline: next_deadline.map(millis),
        version: row.try_get("version")?,
        pending: row.try_get("pending")?,
    })
}

fn millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn agenda_kind(kind: AgendaKind) -> &'static str {
    match kind {
        AgendaKind::Appointment => "appointment",
        AgendaKind::ReplyDeadline => "replyDeadline",
        AgendaKind::ActionDeadline => "actionDeadline",
    }
}

/// The text a message is found by, besides its subject and sender: its notification, the
/// labels of its documents and actions, its appointments, and `extra` (file text).
fn searchable_text(detail: &MessageDetail, extra: &str) -> String {
    let memo = &detail.memo;
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(memo.notification.as_deref());
    parts.extend(memo.additional_notification.as_deref());
    for document in &memo.documents {
        parts.extend(document.label.as_deref());
        for action in &document.actions {
            parts.push(&action.label);
            if let Some(r) = &action.reservation {
                parts.extend([r.abstract_.as_str(), &r.description, &r.location]);
            }
        }
    }
    parts.push(extra);
    let mut text = parts.join("\n");
    if text.len() > MAX_INDEXED_TEXT {
        let mut end = MAX_INDEXED_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// An FTS5 query from what a person typed: every word must match, each as a prefix, and no
/// character of the input can act as FTS5 syntax. `None` when there is no word.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| ClientError::cache("a value cannot be stored", e))
}

fn from_json<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|e| ClientError::cache("the cache holds an unreadable value", e))
}

impl FromStr for LocalChange {
    type Err = ClientError;
    fn from_str(s: &str) -> Result<Self> {
        from_json(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_input_cannot_become_fts_syntax() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("\"*)(NEAR"), Some("\"NEAR\"*".into()));
        assert_eq!(
            fts_query("Skat årsopgørelse 2026"),
            Some("\"Skat\"* AND \"årsopgørelse\"* AND \"2026\"*".into())
        );
        assert_eq!(
            fts_query("a OR b"),
            Some("\"a\"* AND \"OR\"* AND \"b\"*".into())
        );
    }

    #[test]
    fn only_hex_sha256_names_a_file() {
        use crate::sealed::is_sha256;
        assert!(is_sha256(&"a".repeat(64)));
        assert!(!is_sha256(&"A".repeat(64)));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&format!("{}/", "a".repeat(63))));
    }

    #[test]
    fn local_changes_round_trip_as_json() {
        for change in [
            LocalChange::Read { read: true },
            LocalChange::Flag { flagged: false },
            LocalChange::Move {
                folder_id: "f-1".into(),
            },
            LocalChange::Purge,
        ] {
            let json = serde_json::to_string(&change).unwrap();
            assert_eq!(json.parse::<LocalChange>().unwrap(), change);
        }
    }
}
