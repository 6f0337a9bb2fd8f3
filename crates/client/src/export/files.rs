//! A folder per message: its files under safe names and `message.json` (the message as the
//! cache has it, and which file is which).
//!
//! The folder (`<date> <subject> [<hash of the id>]`) is filled under a temporary name
//! (`.part-...`) and renamed into place when complete; its name is fixed by the message, so a
//! folder renamed by a run that stopped before recording it is found again, not made twice.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use brevdue_memo::safe_name::{NameAllocator, safe_file_name};
use serde::Serialize;

use super::{Item, short_hash};

/// The name of the description of the message in its folder.
pub const MESSAGE_JSON: &str = "message.json";
/// How many characters of the subject go into a folder name (at most 160 bytes, so the name
/// stays within `safe_file_name`'s 200 and the hash at its end is never cut).
const SUBJECT_CHARS: usize = 40;

/// `message.json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageJson<'a> {
    id: &'a str,
    mailbox_id: &'a str,
    mailbox_name: &'a str,
    #[serde(rename = "messageUUID")]
    message_uuid: &'a str,
    label: &'a str,
    sender: &'a str,
    received: chrono::DateTime<chrono::Utc>,
    read: bool,
    flagged: bool,
    files: Vec<FileJson<'a>>,
    agenda: &'a [brevdue_memo::AgendaItem],
    /// The MeMo model (file contents excluded).
    memo: &'a brevdue_memo::Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileJson<'a> {
    /// The name in this folder.
    name: String,
    /// The name the sender gave.
    filename: &'a str,
    document: usize,
    document_label: Option<&'a str>,
    media_type: &'a str,
    size: u64,
    sha256: &'a str,
}

/// Makes the mailbox's folder, removes what an interrupted run left, and returns the names of
/// the message folders already there.
pub(crate) fn prepare(root: &Path) -> io::Result<HashSet<String>> {
    std::fs::create_dir_all(root)?;
    let mut existing = HashSet::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".part-") {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            existing.insert(name);
        }
    }
    Ok(existing)
}

/// Writes `item` as a folder in `root` unless it is there; returns the folder's name.
pub(crate) fn write(
    root: &Path,
    existing: &mut HashSet<String>,
    item: &Item,
) -> io::Result<String> {
    let summary = &item.detail.summary;
    let hash = short_hash(&summary.id);
    let subject: String = summary.label.chars().take(SUBJECT_CHARS).collect();
    let name = safe_file_name(&format!(
        "{} {} [{}]",
        summary.received_date_time.format("%Y-%m-%d"),
        safe_file_name(&subject),
        &hash[..8]
    ));
    if existing.contains(&name) {
        return Ok(name);
    }
    let part = root.join(format!(".part-{hash}"));
    std::fs::create_dir(&part)?;
    let mut names = NameAllocator::default();
    names.allocate(MESSAGE_JSON);
    let mut files = Vec::new();
    for attachment in &item.files {
        let file_name = names.allocate(&attachment.meta.filename);
        let target = part.join(&file_name);
        let mut out = std::fs::File::create(&target)?;
        out.write_all(&attachment.content)?;
        out.sync_all()?;
        files.push(FileJson {
            name: file_name,
            filename: &attachment.meta.filename,
            document: attachment.document,
            document_label: attachment.document_label.as_deref(),
            media_type: &attachment.meta.encoding_format,
            size: attachment.meta.size,
            sha256: &attachment.meta.sha256,
        });
    }
    let json = MessageJson {
        id: &summary.id,
        mailbox_id: &item.mailbox.id,
        mailbox_name: &item.mailbox.owner_name,
        message_uuid: &summary.message_uuid,
        label: &summary.label,
        sender: &summary.sender.label,
        received: summary.received_date_time,
        read: item.read,
        flagged: item.flagged,
        files,
        agenda: &item.agenda,
        memo: &item.detail.memo,
    };
    let bytes = serde_json::to_vec_pretty(&json).map_err(io::Error::other)?;
    let mut out = std::fs::File::create(part.join(MESSAGE_JSON))?;
    out.write_all(&bytes)?;
    out.sync_all()?;
    std::fs::rename(&part, root.join(&name))?;
    existing.insert(name.clone());
    Ok(name)
}
