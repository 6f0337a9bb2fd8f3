//! mbox (the `mboxrd` form): one file per mailbox, each message after a `From ` line and
//! followed by an empty line. The e-mails written here never have a line starting with
//! `From ` (see [`super::mime`]), so no line needs quoting.
//!
//! A message is appended and synced, then recorded with the file's new length. A run that
//! stopped after appending but before recording left bytes past the recorded length: the next
//! run cuts them off first ([`prepare`]), so no message is ever there twice or half.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use super::{Item, mime};

/// Cuts the mbox at `path` back to `recorded` bytes (what the record says was written whole).
/// A file shorter than that was changed by someone else: an error, nothing is touched.
pub(crate) fn prepare(path: &Path, recorded: u64) -> io::Result<()> {
    let length = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound && recorded == 0 => return Ok(()),
        Err(e) => return Err(e),
    };
    if length < recorded {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} is shorter than the export record says; it was changed after the export \
                 (export into a new folder)",
                path.display()
            ),
        ));
    }
    if length > recorded {
        tracing::info!(
            cut = length - recorded,
            "an interrupted export's last message is removed"
        );
        OpenOptions::new()
            .write(true)
            .open(path)?
            .set_len(recorded)?;
    }
    Ok(())
}

/// Appends `item` to the mbox at `path`, which must be `expected` bytes long; returns its new
/// length.
pub(crate) fn append(path: &Path, expected: u64, item: &Item) -> io::Result<u64> {
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)?;
    let start = file.seek(SeekFrom::End(0))?;
    if start != expected {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} was changed during the export", path.display()),
        ));
    }
    let received = item.detail.summary.received_date_time;
    let status = if item.read { "RO" } else { "O" };
    let mut extra = vec![("Status", status.to_owned())];
    if item.flagged {
        extra.push(("X-Status", "F".to_owned()));
    }
    let mut out = BufWriter::new(&mut file);
    writeln!(
        out,
        "From MAILER-DAEMON {}",
        received.format("%a %b %e %H:%M:%S %Y")
    )?;
    mime::write_message(&mut out, item, &extra)?;
    out.write_all(b"\n")?;
    out.flush()?;
    drop(out);
    file.sync_data()?;
    file.stream_position()
}
