//! Getting the mail out: every message of the chosen mailboxes, from the cache, into a folder
//! as Maildir, mbox or a folder of files per message ([`Client::export`]).
//!
//! The export is incremental and resumable: the folder keeps a record of what was exported
//! ([`state`]); running again writes only what is new, and a run that was stopped at any
//! point (even killed) is completed by the next without a duplicate or a half message. Each
//! message is written under a temporary name and renamed into place (Maildir, files) or
//! appended and synced (mbox), and recorded only then.
//!
//! - [`mime`]: a message as an RFC 5322 e-mail with its documents as MIME attachments.
//! - [`maildir`], [`mbox`], [`files`]: the three layouts, one folder (or mbox file) per
//!   mailbox, named after its owner.
//!
//! Messages come from the cache; a message whose details or files are not cached yet is
//! fetched first (so an export needs the server only for what the cache lacks). Messages in
//! DELETED are left out.

mod files;
mod maildir;
mod mbox;
mod mime;
mod state;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use brevdue_api::{Mailbox, MessageDetail};
use brevdue_memo::AgendaItem;
use brevdue_memo::safe_name::safe_file_name;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::Client;
use crate::error::{ClientError, ErrorKind, Result};

pub use files::MESSAGE_JSON;
pub use state::STATE_FILE;

/// How the messages are laid out in the export folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A Maildir per mailbox (`<owner>/{cur,new,tmp}`), one e-mail file per message.
    Maildir,
    /// An mbox file per mailbox (`<owner>.mbox`).
    Mbox,
    /// A folder per mailbox, in it a folder per message with its files and `message.json`.
    Files,
}

impl ExportFormat {
    /// The format's name: `maildir`, `mbox` or `files`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Maildir => "maildir",
            Self::Mbox => "mbox",
            Self::Files => "files",
        }
    }
}

/// What to export where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The export folder (made if missing).
    pub to: PathBuf,
    pub format: ExportFormat,
    /// The ids of the mailboxes to export; empty: every mailbox of the account.
    pub mailboxes: Vec<String>,
    /// Only messages received at or after this time.
    pub since: Option<DateTime<Utc>>,
}

/// How far an export has come: `done` of `total` messages to write in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
    /// The subject of the message just written (text from the message: escape it before
    /// showing it in a terminal).
    pub label: Option<String>,
}

/// What an export did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    /// Messages written in this run.
    pub written: u64,
    /// Messages exported by an earlier run, left as they are.
    pub already_exported: u64,
    /// Messages gone from the server since the last sync (not written).
    pub gone: u64,
    /// Files (documents) written in this run.
    pub files: u64,
}

/// One message ready to be written: its details, where its files are in the cache.
#[derive(Debug)]
pub(crate) struct Item {
    pub(crate) detail: MessageDetail,
    pub(crate) mailbox: Mailbox,
    pub(crate) read: bool,
    pub(crate) flagged: bool,
    pub(crate) agenda: Vec<AgendaItem>,
    pub(crate) files: Vec<Attachment>,
}

/// A file of a message, read from the cache (decrypted): one message's files at a time are
/// held in memory while it is written out.
pub(crate) struct Attachment {
    pub(crate) document: usize,
    pub(crate) document_label: Option<String>,
    pub(crate) meta: brevdue_memo::File,
    pub(crate) content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("document", &self.document)
            .field("meta", &self.meta)
            .field("content", &self.content.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Exports the messages of the chosen mailboxes into `options.to`: only those not
    /// exported there before, oldest first. `progress` is called after each message. See the
    /// [module documentation](self) for the layouts and why a stopped export resumes cleanly.
    pub async fn export(
        &self,
        options: &ExportOptions,
        progress: &mut (dyn FnMut(ExportProgress) + Send),
    ) -> Result<ExportReport> {
        let cache = self.cache().await?;
        let all = cache.mailboxes().await?;
        let mailboxes: Vec<Mailbox> = if options.mailboxes.is_empty() {
            all
        } else {
            let mut chosen = Vec::new();
            for id in &options.mailboxes {
                let mailbox = all.iter().find(|m| &m.id == id).ok_or_else(|| {
                    ClientError::new(ErrorKind::NotFound, "no such mailbox in the cache")
                })?;
                chosen.push(mailbox.clone());
            }
            chosen
        };
        let to = options.to.clone();
        let format = options.format;
        let state = blocking(move || state::ExportState::open(&to, format)).await?;
        let mut writer = Writer {
            to: options.to.clone(),
            format,
            state,
            prepared: HashMap::new(),
        };

        let mut report = ExportReport::default();
        let mut todo = Vec::new();
        for mailbox in &mailboxes {
            for message in cache.messages_since(&mailbox.id, options.since).await? {
                if writer.state.has(&message.id) {
                    report.already_exported += 1;
                } else {
                    todo.push((mailbox, message.id));
                }
            }
        }
        let total = todo.len() as u64;
        progress(ExportProgress {
            done: 0,
            total,
            label: None,
        });
        for (done, (mailbox, id)) in todo.into_iter().enumerate() {
            let Some(item) = self.gather(mailbox, &id).await? else {
                report.gone += 1;
                continue;
            };
            let label = item.detail.summary.label.clone();
            let files = item.files.len() as u64;
            writer = write_blocking(writer, item).await?;
            report.written += 1;
            report.files += files;
            progress(ExportProgress {
                done: done as u64 + 1,
                total,
                label: Some(label),
            });
        }
        Ok(report)
    }

    /// A message with its files in the cache (fetched when missing); `None` when the server
    /// no longer has it.
    async fn gather(&self, mailbox: &Mailbox, id: &str) -> Result<Option<Item>> {
        let message = match self.message(id).await {
            Ok(message) => message,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        let Some(detail) = message.detail else {
            return Err(ClientError::new(
                ErrorKind::NotFound,
                "the message has not been fetched",
            ));
        };
        let mut files = Vec::new();
        for (file_id, meta) in detail.memo.files() {
            let content = match self.file_content(id, file_id.document, file_id.file).await {
                Ok(content) => content,
                Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
                Err(error) => return Err(error),
            };
            files.push(Attachment {
                document: file_id.document,
                document_label: detail
                    .memo
                    .documents
                    .get(file_id.document)
                    .and_then(|d| d.label.clone()),
                meta: meta.clone(),
                content,
            });
        }
        Ok(Some(Item {
            detail,
            mailbox: mailbox.clone(),
            read: message.item.read,
            flagged: message.item.flagged,
            agenda: message.agenda,
            files,
        }))
    }
}

/// The export folder, its record, and what each mailbox's folder already holds.
#[derive(Debug)]
struct Writer {
    to: PathBuf,
    format: ExportFormat,
    state: state::ExportState,
    /// Mailbox id to the names already in its Maildir or files folder (found once a run).
    prepared: HashMap<String, HashSet<String>>,
}

impl Writer {
    /// Writes one message into place and records it.
    fn write(&mut self, item: &Item) -> std::io::Result<()> {
        let mailbox_id = item.mailbox.id.as_str();
        let name = self.mailbox_name(&item.mailbox)?;
        let root = self.to.join(&name);
        let (path, mbox_end) = match self.format {
            ExportFormat::Mbox => {
                let recorded = self.state.mbox_end(mailbox_id);
                if !self.prepared.contains_key(mailbox_id) {
                    mbox::prepare(&root, recorded)?;
                    self.prepared.insert(mailbox_id.to_owned(), HashSet::new());
                }
                let end = mbox::append(&root, recorded, item)?;
                (name.clone(), Some(end))
            }
            ExportFormat::Maildir | ExportFormat::Files => {
                let existing = match self.prepared.get_mut(mailbox_id) {
                    Some(existing) => existing,
                    None => {
                        let found = if self.format == ExportFormat::Maildir {
                            maildir::prepare(&root)?
                        } else {
                            files::prepare(&root)?
                        };
                        self.prepared.entry(mailbox_id.to_owned()).or_insert(found)
                    }
                };
                let relative = if self.format == ExportFormat::Maildir {
                    maildir::write(&root, existing, item)?
                } else {
                    files::write(&root, existing, item)?
                };
                (format!("{name}/{relative}"), None)
            }
        };
        self.state
            .record_message(&item.detail.summary.id, mailbox_id, &path, mbox_end)
    }

    /// The name of the mailbox's folder (or mbox file): its owner's name, made safe, numbered
    /// when taken, never one that exists already in the export folder but was not made here.
    fn mailbox_name(&mut self, mailbox: &Mailbox) -> std::io::Result<String> {
        if let Some(name) = self.state.mailbox_name(&mailbox.id) {
            return Ok(name.to_owned());
        }
        let extension = if self.format == ExportFormat::Mbox {
            ".mbox"
        } else {
            ""
        };
        let stem = safe_file_name(&mailbox.owner_name);
        let name = (1u32..)
            .map(|n| match n {
                1 => format!("{stem}{extension}"),
                n => format!("{stem} ({n}){extension}"),
            })
            .find(|name| {
                !self.state.name_taken(name)
                    && std::fs::symlink_metadata(self.to.join(name)).is_err()
            })
            .unwrap_or_default();
        self.state.record_mailbox(&mailbox.id, &name)?;
        Ok(name)
    }
}

/// The first 16 hex digits of the SHA-256 of `id`: a name part fixed by a message id, with no
/// character of the id in it.
pub(crate) fn short_hash(id: &str) -> String {
    hex::encode(&Sha256::digest(id.as_bytes())[..8])
}

fn export_error(error: std::io::Error) -> ClientError {
    let message = if error.kind() == std::io::ErrorKind::InvalidData {
        format!("the export folder cannot be used: {error}")
    } else {
        format!("the export folder could not be written: {error}")
    };
    ClientError::new(ErrorKind::Export, message).with_source(error)
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(stopped)?
        .map_err(export_error)
}

/// Writes `item` off the async threads; the writer is handed back for the next message.
async fn write_blocking(mut writer: Writer, item: Item) -> Result<Writer> {
    tokio::task::spawn_blocking(move || writer.write(&item).map(|()| writer))
        .await
        .map_err(stopped)?
        .map_err(export_error)
}

fn stopped(error: tokio::task::JoinError) -> ClientError {
    ClientError::new(ErrorKind::Export, format!("the export stopped: {error}"))
}

/// Whether `dir` holds an export record (for callers that want to say "resuming").
pub fn has_record(dir: &Path) -> bool {
    dir.join(STATE_FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop app runs the export in a task of its own: the future must be `Send`.
    #[test]
    fn the_export_can_run_in_a_spawned_task() {
        fn is_send<T: Send>(_: &T) {}
        fn check(client: &Client, options: &ExportOptions) {
            let mut progress = |_: ExportProgress| {};
            let future = client.export(options, &mut progress);
            is_send(&future);
        }
        let _ = check;
    }

    #[test]
    fn short_hashes_are_fixed_and_hex() {
        assert_eq!(short_hash("a"), short_hash("a"));
        assert_ne!(short_hash("a"), short_hash("b"));
        assert_eq!(short_hash("../x").len(), 16);
        assert!(short_hash("../x").bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
