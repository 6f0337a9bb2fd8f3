//! The export folder's record of what was exported: `.brevdue-export.jsonl`, one JSON object
//! a line, only ever appended to.
//!
//! The first line says the format; then a `mailbox` line for each mailbox's folder (or mbox
//! file) name, written before anything goes into it, and a `message` line after each message
//! is in place (renamed, or appended and synced). A crash can leave at most a torn last line,
//! which is dropped on the next run; a message in place but not recorded is found again by
//! its fixed name (Maildir, files) or cut off the end of the mbox (whose recorded length is in
//! each `message` line), so running again never duplicates anything.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ExportFormat;

/// The name of the record in the export folder.
pub const STATE_FILE: &str = ".brevdue-export.jsonl";
/// The version of the record's format.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum Line {
    Header {
        format: ExportFormat,
        version: u32,
    },
    Mailbox {
        id: String,
        name: String,
    },
    Message {
        id: String,
        mailbox: String,
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mbox_end: Option<u64>,
    },
}

/// What the record says, and the record open for appending.
#[derive(Debug)]
pub(crate) struct ExportState {
    file: File,
    /// Mailbox id to its folder (or mbox file) name in the export folder.
    mailboxes: HashMap<String, String>,
    names: HashSet<String>,
    exported: HashSet<String>,
    /// Mailbox id to the length of its mbox after the last recorded message.
    mbox_end: HashMap<String, u64>,
}

impl ExportState {
    /// Opens (or starts) the record in `dir` for `format`. A record of another format, or one
    /// that is damaged before its last line, is an error: nothing is written then.
    pub(crate) fn open(dir: &Path, format: ExportFormat) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(STATE_FILE);
        let mut bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)?;
        // A torn last line (the process stopped while writing it) is dropped.
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if complete < bytes.len() {
            file.set_len(complete as u64)?;
            bytes.truncate(complete);
        }
        let mut state = ExportState {
            file,
            mailboxes: HashMap::new(),
            names: HashSet::new(),
            exported: HashSet::new(),
            mbox_end: HashMap::new(),
        };
        let mut lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        match lines.next().map(serde_json::from_slice::<Line>) {
            None => state.append(&Line::Header {
                format,
                version: VERSION,
            })?,
            Some(Ok(Line::Header {
                format: found,
                version: VERSION,
            })) if found == format => {}
            Some(Ok(Line::Header {
                format: found,
                version: VERSION,
            })) => {
                return Err(invalid(format!(
                    "the folder holds a {} export; choose another folder for {}",
                    found.as_str(),
                    format.as_str()
                )));
            }
            Some(_) => return Err(invalid("the export record does not start as it should")),
        }
        for line in lines {
            match serde_json::from_slice::<Line>(line) {
                Ok(Line::Mailbox { id, name }) => {
                    state.names.insert(name.to_lowercase());
                    state.mailboxes.insert(id, name);
                }
                Ok(Line::Message {
                    id,
                    mailbox,
                    mbox_end,
                    ..
                }) => {
                    if let Some(end) = mbox_end {
                        state.mbox_end.insert(mailbox, end);
                    }
                    state.exported.insert(id);
                }
                _ => return Err(invalid("the export record is damaged")),
            }
        }
        Ok(state)
    }

    /// Whether message `id` was exported here.
    pub(crate) fn has(&self, id: &str) -> bool {
        self.exported.contains(id)
    }

    /// The folder (or file) name of a mailbox, if it has one yet.
    pub(crate) fn mailbox_name(&self, mailbox_id: &str) -> Option<&str> {
        self.mailboxes.get(mailbox_id).map(String::as_str)
    }

    /// Whether `name` is taken by a mailbox of this export (names compare without case).
    pub(crate) fn name_taken(&self, name: &str) -> bool {
        self.names.contains(&name.to_lowercase())
    }

    /// Records the name of a mailbox's folder or file, before anything is written into it.
    pub(crate) fn record_mailbox(&mut self, mailbox_id: &str, name: &str) -> io::Result<()> {
        self.append(&Line::Mailbox {
            id: mailbox_id.to_owned(),
            name: name.to_owned(),
        })?;
        self.file.sync_data()?;
        self.names.insert(name.to_lowercase());
        self.mailboxes
            .insert(mailbox_id.to_owned(), name.to_owned());
        Ok(())
    }

    /// The recorded length of a mailbox's mbox (0 before its first message).
    pub(crate) fn mbox_end(&self, mailbox_id: &str) -> u64 {
        self.mbox_end.get(mailbox_id).copied().unwrap_or(0)
    }

    /// Records a message as in place at `path` (relative to the export folder).
    pub(crate) fn record_message(
        &mut self,
        id: &str,
        mailbox_id: &str,
        path: &str,
        mbox_end: Option<u64>,
    ) -> io::Result<()> {
        self.append(&Line::Message {
            id: id.to_owned(),
            mailbox: mailbox_id.to_owned(),
            path: path.to_owned(),
            mbox_end,
        })?;
        if let Some(end) = mbox_end {
            self.mbox_end.insert(mailbox_id.to_owned(), end);
        }
        self.exported.insert(id.to_owned());
        Ok(())
    }

    fn append(&mut self, line: &Line) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        // One write of the whole line: a crash leaves it whole or torn at the end.
        self.file.write_all(&bytes)
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_survives_a_torn_line_and_refuses_another_format() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = ExportState::open(dir.path(), ExportFormat::Mbox).unwrap();
        state.record_mailbox("mb-1", "Karen Holm.mbox").unwrap();
        state
            .record_message("m-1", "mb-1", "Karen Holm.mbox", Some(1234))
            .unwrap();
        drop(state);
        let path = dir.path().join(STATE_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"kind\":\"message\",\"id\":\"m-2\"")
            .unwrap();
        drop(file);

        let mut state = ExportState::open(dir.path(), ExportFormat::Mbox).unwrap();
        assert!(state.has("m-1"));
        assert!(!state.has("m-2"));
        assert_eq!(state.mbox_end("mb-1"), 1234);
        assert_eq!(state.mailbox_name("mb-1"), Some("Karen Holm.mbox"));
        assert!(state.name_taken("karen holm.MBOX"));
        state
            .record_message("m-2", "mb-1", "Karen Holm.mbox", Some(2000))
            .unwrap();
        drop(state);
        let state = ExportState::open(dir.path(), ExportFormat::Mbox).unwrap();
        assert!(state.has("m-2"));
        assert_eq!(state.mbox_end("mb-1"), 2000);

        let error = ExportState::open(dir.path(), ExportFormat::Maildir).unwrap_err();
        assert!(error.to_string().contains("mbox export"), "{error}");
        std::fs::write(
            &path,
            b"{\"kind\":\"header\",\"format\":\"mbox\",\"version\":1}\nnonsense\n{}\n",
        )
        .unwrap();
        assert!(ExportState::open(dir.path(), ExportFormat::Mbox).is_err());
    }
}
