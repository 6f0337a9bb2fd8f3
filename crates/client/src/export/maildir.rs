//! Maildir: one folder per mailbox with `tmp/`, `new/` and `cur/`, one file per message.
//!
//! A message is written to `tmp/`, synced, and renamed into `new/` (unread) or `cur/` with its
//! flags (`:2,S` read, `F` flagged), as the Maildir convention asks. Its name is fixed by the
//! message (`<received seconds>.<hash of the id>.brevdue`), so a message renamed into place by
//! a run that stopped before recording it is found again instead of written twice, even after
//! a mail program moved it to `cur/` and gave it flags.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::{Item, mime, short_hash};

/// The separator of a Maildir name's info part (`:` is not allowed in Windows file names).
const INFO_SEPARATOR: char = if cfg!(windows) { ';' } else { ':' };
/// The end of the names of the files this export writes.
const SUFFIX: &str = ".brevdue";

/// Makes the Maildir at `root`, removes what an interrupted run left in `tmp/`, and returns
/// the names (without the info part) of the messages already there.
pub(crate) fn prepare(root: &Path) -> io::Result<HashSet<String>> {
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(root.join(sub))?;
    }
    for entry in std::fs::read_dir(root.join("tmp"))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().ends_with(SUFFIX) {
            std::fs::remove_file(entry.path())?;
        }
    }
    let mut existing = HashSet::new();
    for sub in ["new", "cur"] {
        for entry in std::fs::read_dir(root.join(sub))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let base = name
                .split(INFO_SEPARATOR)
                .next()
                .unwrap_or(&name)
                .to_owned();
            existing.insert(base);
        }
    }
    Ok(existing)
}

/// Writes `item` into the Maildir at `root` unless it is there; returns its path relative to
/// `root`.
pub(crate) fn write(
    root: &Path,
    existing: &mut HashSet<String>,
    item: &Item,
) -> io::Result<String> {
    let summary = &item.detail.summary;
    let base = format!(
        "{}.{}{SUFFIX}",
        summary.received_date_time.timestamp().max(0),
        short_hash(&summary.id)
    );
    let mut flags = String::new();
    if item.flagged {
        flags.push('F');
    }
    if item.read {
        flags.push('S');
    }
    let relative = if flags.is_empty() {
        format!("new/{base}")
    } else {
        format!("cur/{base}{INFO_SEPARATOR}2,{flags}")
    };
    if existing.contains(&base) {
        return Ok(relative);
    }
    let temp = root.join("tmp").join(&base);
    let file = std::fs::File::create(&temp)?;
    let mut out = BufWriter::new(file);
    mime::write_message(&mut out, item, &[])?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&temp, root.join(&relative))?;
    existing.insert(base);
    Ok(relative)
}
