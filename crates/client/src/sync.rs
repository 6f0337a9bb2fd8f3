//! Sync between the core and the local cache: send the outbox, then pull each mailbox's
//! change feed since its stored cursor, then fetch the details of new messages.
//!
//! **Exactly once.** A change made here is queued in the outbox ([`Cache::queue_change`]) and
//! sent as a `PATCH` (or `DELETE`) with `If-Match: <version>`, the server's version of the
//! message as last seen. If the server applied it but the answer was lost (the core stopped,
//! the network dropped), the entry is still queued and is sent again with the same version:
//! the server answers 412, because its version moved on when it applied the change. Then the
//! message is fetched again and the change is sent only if it still means something (the
//! message is not already read, flagged, in that folder); otherwise the entry is done. So a
//! change is applied once, never twice, however often it is replayed. An entry leaves the
//! outbox only together with the server's new state of the message (one transaction).
//!
//! Messages the user wrote wait in their own queue (`outgoing`), sent before the changes, each
//! exactly once under its messageUUID.
//!
//! Progress (`done` of `total` steps) goes out through a channel; [`spawn`] runs sync in the
//! background every so often and whenever it is asked to.

use std::sync::Arc;
use std::time::Duration;

use brevdue_api::{FolderType, MessagePatch, MessageSummary};
use futures_util::StreamExt;
use tokio::sync::{Mutex, Notify, mpsc};

use crate::api::Api;
use crate::cache::{Cache, LocalChange, OutboxEntry};
use crate::error::{ClientError, ErrorKind, Result};

/// How many changes one request of the change feed asks for.
const FEED_PAGE: u32 = 500;
/// Plain-text files up to this size are fetched with their message, for reading offline and
/// for search.
const PREFETCH_TEXT_BYTES: u64 = 256 * 1024;
/// Other files of the main document up to this size are fetched with their message, so the
/// letter itself opens offline.
const PREFETCH_MAIN_BYTES: u64 = 2 * 1024 * 1024;
/// After this many failed attempts (other than being offline) an outbox entry is given up.
const MAX_ATTEMPTS: i64 = 5;

/// How far a sync has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Outbox entries the server now has.
    pub sent: u64,
    /// Outbox entries that were already true on the server (not sent again).
    pub already_applied: u64,
    /// Outbox entries the server refused for good (the message is shown as the server has it).
    pub refused: u64,
    /// Messages new or changed in the cache.
    pub changed: u64,
    /// Messages removed from the cache.
    pub deleted: u64,
    /// Messages whose details were fetched.
    pub fetched: u64,
    /// Queued messages the server accepted (written in the client: `outgoing`).
    pub messages_sent: u64,
    /// Queued messages the server refused for good.
    pub messages_failed: u64,
}

/// Runs one sync. `progress` gets a [`Progress`] after each step.
pub async fn sync_once(
    api: &Api,
    cache: &Cache,
    progress: Option<&mpsc::Sender<Progress>>,
) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut tracker = Tracker {
        progress,
        done: 0,
        total: 0,
    };
    send_messages(api, cache, &mut report).await?;
    let outbox = cache.outbox().await?;
    tracker.add(outbox.len() as u64 + 1).await;
    replay_outbox(api, cache, outbox, &mut report, &mut tracker).await?;

    let mailboxes = api.mailboxes().await?;
    cache.set_mailboxes(&mailboxes).await?;
    tracker.step().await;
    tracker.add(mailboxes.len() as u64).await;
    let mut to_fetch = Vec::new();
    for mailbox in &mailboxes {
        let folders = api.folders(&mailbox.id).await?;
        cache.set_folders(&mailbox.id, &folders).await?;
        loop {
            let since = cache.cursor(&mailbox.id).await?;
            let feed = api.changes(&mailbox.id, &since, FEED_PAGE).await?;
            let fetch = cache.apply_feed(&mailbox.id, &feed).await?;
            report.changed += feed.changed.len() as u64;
            report.deleted += feed.deleted.len() as u64;
            to_fetch.extend(fetch.into_iter().map(|id| (mailbox.id.clone(), id)));
            if !feed.has_more || feed.next_cursor == since {
                break;
            }
        }
        // Messages cached before without their details (an earlier sync stopped half-way).
        for id in cache.without_detail(&mailbox.id, 10_000).await? {
            if !to_fetch.iter().any(|(_, known)| *known == id) {
                to_fetch.push((mailbox.id.clone(), id));
            }
        }
        tracker.step().await;
    }
    tracker.add(to_fetch.len() as u64).await;
    for (mailbox_id, id) in to_fetch {
        match fetch_message(api, cache, &mailbox_id, &id).await {
            Ok(()) => report.fetched += 1,
            // Purged or moved out of sight since the feed was read: the next feed says so.
            Err(error) if error.kind() == ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        tracker.step().await;
    }
    Ok(report)
}

/// Fetches a message's details (and its small text and main-document files) into the cache.
pub async fn fetch_message(api: &Api, cache: &Cache, mailbox_id: &str, id: &str) -> Result<()> {
    let detail = api.message(mailbox_id, id).await?;
    if detail.summary.id != id || detail.summary.mailbox_id != mailbox_id {
        return Err(ClientError::protocol(
            "the server sent another message than asked for",
        ));
    }
    let mut text = String::new();
    for (document_index, document) in detail.memo.documents.iter().enumerate() {
        for (file_index, file) in document.files.iter().enumerate() {
            let is_text = file.encoding_format.eq_ignore_ascii_case("text/plain");
            let is_main = document.kind == brevdue_memo::DocumentKind::Main;
            let wanted = (is_text && file.size <= PREFETCH_TEXT_BYTES)
                || (is_main && file.size <= PREFETCH_MAIN_BYTES);
            if !wanted {
                continue;
            }
            let file_ref = (document_index.to_string(), file_index.to_string());
            if is_text {
                let bytes = file_bytes(
                    api,
                    cache,
                    mailbox_id,
                    id,
                    &file_ref,
                    &file.sha256,
                    file.size,
                )
                .await?;
                text.push_str(&String::from_utf8_lossy(&bytes));
                text.push('\n');
            } else {
                // Nothing to do for a file already there (`download` looks first).
                download(
                    api,
                    cache,
                    mailbox_id,
                    id,
                    &file_ref,
                    &file.sha256,
                    file.size,
                )
                .await?;
            }
        }
    }
    cache.put_detail(&detail, &text).await
}

/// The content of file `(document, file)` of a message, from the cache, fetched first when it
/// is not there. A cached file that no longer decrypts (changed on disk, cut off, or sealed
/// with a cache key that was lost and made anew) is removed and fetched again: the core has
/// it.
pub async fn file_bytes(
    api: &Api,
    cache: &Cache,
    mailbox_id: &str,
    message_id: &str,
    file_ref: &(String, String),
    sha256: &str,
    size: u64,
) -> Result<Vec<u8>> {
    match cache.read_file(sha256).await {
        Ok(bytes) => return Ok(bytes),
        Err(error) if error.kind() == ErrorKind::NotFound => {}
        Err(error) if error.kind() == ErrorKind::Cache => {
            tracing::warn!(%error, "a cached file that does not read is fetched again");
            cache.remove_file(sha256).await;
        }
        Err(error) => return Err(error),
    }
    download(api, cache, mailbox_id, message_id, file_ref, sha256, size).await?;
    cache.read_file(sha256).await
}

/// Downloads file `(document, file)` of a message into the cache, checked against its SHA-256.
/// A download that broke off earlier (the connection dropped, the core stopped) goes on where
/// it stopped: the bytes kept are not fetched again (`Range: bytes=N-`, answered 206). A
/// server that sends the whole file instead (200) is fine too: it is taken from the start.
pub async fn download(
    api: &Api,
    cache: &Cache,
    mailbox_id: &str,
    message_id: &str,
    (document, file): &(String, String),
    sha256: &str,
    size: u64,
) -> Result<()> {
    let _one_at_a_time = cache.lock_download(sha256).await;
    if cache.has_file(sha256) {
        return Ok(());
    }
    let kept = cache.partial_len(sha256).await;
    let range = (kept > 0 && kept < size).then_some((kept, None));
    let response = api
        .file_content(mailbox_id, message_id, document, file, range)
        .await?;
    let from = match (range, response.status().as_u16()) {
        (Some((start, _)), 206) if content_range_start(&response) == Some(start) => start,
        (Some(_), 206) => {
            return Err(ClientError::protocol(
                "the server sent another part of a file than asked for",
            ));
        }
        _ => 0,
    };
    if from > 0 {
        tracing::debug!(from, size, "a download goes on where it stopped");
    }
    let stream = response
        .bytes_stream()
        .map(|chunk| chunk.map_err(|e| ClientError::http("fetching a file", e)));
    cache.resume_file(sha256, size, from, stream).await
}

/// The first byte of a 206 answer's `Content-Range: bytes START-END/LEN`.
fn content_range_start(response: &reqwest::Response) -> Option<u64> {
    let value = response
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let range = value.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// Sends the messages queued to be sent (see `outgoing`).
async fn send_messages(api: &Api, cache: &Cache, report: &mut SyncReport) -> Result<()> {
    let sent = crate::outgoing::send_all(api, cache).await?;
    report.messages_sent += sent.sent;
    report.messages_failed += sent.failed;
    Ok(())
}

/// Sends the queued messages and changes now (without pulling anything).
pub async fn send_outbox(api: &Api, cache: &Cache, report: &mut SyncReport) -> Result<()> {
    send_messages(api, cache, report).await?;
    let outbox = cache.outbox().await?;
    let mut tracker = Tracker {
        progress: None,
        done: 0,
        total: outbox.len() as u64,
    };
    replay_outbox(api, cache, outbox, report, &mut tracker).await
}

/// Sends the outbox, oldest first. Stops at the first sign of being offline, leaving the rest
/// queued.
async fn replay_outbox(
    api: &Api,
    cache: &Cache,
    outbox: Vec<OutboxEntry>,
    report: &mut SyncReport,
    tracker: &mut Tracker<'_>,
) -> Result<()> {
    for entry in outbox {
        match replay(api, cache, &entry).await {
            Ok(Outcome::Sent) => report.sent += 1,
            Ok(Outcome::AlreadyApplied) => report.already_applied += 1,
            Ok(Outcome::Refused) => report.refused += 1,
            Ok(Outcome::Later) => {}
            Err(error) if is_transient(&error) => return Err(error),
            Err(error) => {
                tracing::warn!(kind = %error.kind(), "an outbox entry failed");
                cache.count_attempt(entry.seq).await?;
                if entry.attempts + 1 >= MAX_ATTEMPTS {
                    let current = api.message(&entry.mailbox_id, &entry.message_id).await.ok();
                    cache
                        .reject(entry.seq, current.as_ref().map(|d| &d.summary))
                        .await?;
                    report.refused += 1;
                }
            }
        }
        tracker.step().await;
    }
    Ok(())
}

enum Outcome {
    Sent,
    AlreadyApplied,
    Refused,
    /// Stale twice in a row (someone else is changing the message): try at the next sync.
    Later,
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

/// Sends one outbox entry; see the module doc for why this is exactly once.
async fn replay(api: &Api, cache: &Cache, entry: &OutboxEntry) -> Result<Outcome> {
    let (mailbox, id) = (&entry.mailbox_id, &entry.message_id);
    let mut version = match cache.message(id).await? {
        Some(cached) => cached.item.version,
        // Not in the cache: it was made anew (damaged) with the outbox kept, or the message
        // was purged on the server. Ask the server for the version to send against.
        None => match api.message(mailbox, id).await {
            Ok(detail) => detail.summary.version,
            Err(error) if error.kind() == ErrorKind::NotFound => {
                cache.complete(entry.seq, None).await?;
                return Ok(Outcome::AlreadyApplied);
            }
            Err(error) => return Err(error),
        },
    };
    for attempt in 0..2 {
        let sent = match &entry.change {
            LocalChange::Purge => api
                .delete_message(mailbox, id, Some(version))
                .await
                .map(|()| None),
            change => api
                .patch_message(mailbox, id, version, &patch_of(change))
                .await
                .map(Some),
        };
        match sent {
            Ok(Some(summary)) => {
                cache.complete(entry.seq, Some(&summary)).await?;
                return Ok(Outcome::Sent);
            }
            Ok(None) => {
                cache.complete(entry.seq, None).await?;
                cache.remove_message(mailbox, id).await?;
                return Ok(Outcome::Sent);
            }
            Err(error) if error.kind() == ErrorKind::Stale => {
                // The server's version moved on: perhaps this very change was applied and its
                // answer lost. Look at the message as it is now.
                let current = match api.message(mailbox, id).await {
                    Ok(detail) => detail.summary,
                    Err(error) if error.kind() == ErrorKind::NotFound => {
                        cache.complete(entry.seq, None).await?;
                        cache.remove_message(mailbox, id).await?;
                        return Ok(Outcome::AlreadyApplied);
                    }
                    Err(error) => return Err(error),
                };
                let deleted = cache
                    .system_folder(mailbox, FolderType::Deleted)
                    .await?
                    .unwrap_or_default();
                if !still_meaningful(&entry.change, &current, &deleted) {
                    cache.complete(entry.seq, Some(&current)).await?;
                    return Ok(Outcome::AlreadyApplied);
                }
                if attempt == 1 {
                    cache.put_summary(&current).await?;
                    return Ok(Outcome::Later);
                }
                version = current.version;
            }
            Err(error) if error.kind() == ErrorKind::NotFound => {
                // The message is gone (for a purge: already purged).
                cache.complete(entry.seq, None).await?;
                cache.remove_message(mailbox, id).await?;
                return Ok(if entry.change == LocalChange::Purge {
                    Outcome::AlreadyApplied
                } else {
                    Outcome::Refused
                });
            }
            Err(error) if error.kind() == ErrorKind::Forbidden => {
                let current = api.message(mailbox, id).await.ok();
                cache
                    .reject(entry.seq, current.as_ref().map(|d| &d.summary))
                    .await?;
                return Ok(Outcome::Refused);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(Outcome::Later)
}

fn patch_of(change: &LocalChange) -> MessagePatch {
    match change {
        LocalChange::Read { read } => MessagePatch {
            read: Some(*read),
            ..MessagePatch::default()
        },
        LocalChange::Flag { flagged } => MessagePatch {
            flagged: Some(*flagged),
            ..MessagePatch::default()
        },
        LocalChange::Move { folder_id } => MessagePatch {
            folder_id: Some(folder_id.clone()),
            ..MessagePatch::default()
        },
        LocalChange::Purge => MessagePatch::default(),
    }
}

/// Whether sending `change` would still change `current` on the server. A purge means
/// something only while the message is still in DELETED (if it was moved out meanwhile, the
/// user elsewhere wanted it kept).
fn still_meaningful(change: &LocalChange, current: &MessageSummary, deleted_folder: &str) -> bool {
    match change {
        LocalChange::Read { read } => current.read != *read,
        LocalChange::Flag { flagged } => current.flagged != *flagged,
        LocalChange::Move { folder_id } => current.folder_id != *folder_id,
        LocalChange::Purge => current.folder_id == deleted_folder,
    }
}

struct Tracker<'a> {
    progress: Option<&'a mpsc::Sender<Progress>>,
    done: u64,
    total: u64,
}

impl Tracker<'_> {
    async fn add(&mut self, steps: u64) {
        self.total += steps;
        self.send().await;
    }

    async fn step(&mut self) {
        self.done = (self.done + 1).min(self.total);
        self.send().await;
    }

    async fn send(&self) {
        if let Some(progress) = self.progress {
            // A receiver that went away does not stop the sync.
            let _ = progress
                .send(Progress {
                    done: self.done,
                    total: self.total,
                })
                .await;
        }
    }
}

/// What the background sync reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncEvent {
    Progress(Progress),
    /// A sync finished.
    Done(SyncReport),
    /// A sync failed; the next one is tried at the next interval or request.
    Failed(ClientError),
}

/// A background sync started by [`spawn`]. Dropping it stops the task.
#[derive(Debug)]
pub struct BackgroundSync {
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl BackgroundSync {
    /// Asks for a sync now (e.g. after a change, or when the network is back).
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Syncs at once, then every `interval` and whenever [`BackgroundSync::sync_now`] is called.
/// `lock` keeps it from running at the same time as another sync of the same cache.
pub fn spawn(
    api: Api,
    cache: Cache,
    lock: Arc<Mutex<()>>,
    interval: Duration,
    events: mpsc::Sender<SyncEvent>,
) -> BackgroundSync {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let task = tokio::spawn(async move {
        loop {
            let (tx, mut rx) = mpsc::channel(64);
            let forward = {
                let events = events.clone();
                tokio::spawn(async move {
                    while let Some(p) = rx.recv().await {
                        let _ = events.send(SyncEvent::Progress(p)).await;
                    }
                })
            };
            let result = {
                let _guard = lock.lock().await;
                sync_once(&api, &cache, Some(&tx)).await
            };
            drop(tx);
            let _ = forward.await;
            let event = match result {
                Ok(report) => SyncEvent::Done(report),
                Err(error) => SyncEvent::Failed(error),
            };
            if events.send(event).await.is_err() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = woken.notified() => {}
            }
        }
    });
    BackgroundSync { wake, task }
}
