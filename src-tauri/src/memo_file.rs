//! MeMo files from disk: `brevdue-desktop FILE`, or a file opened from the file manager.
//!
//! The file is read once, at start, with `brevdue_memo::read` (lenient, streaming, no DTDs or
//! external entities), its documents kept in memory; the window then shows that one message
//! read-only, with no account, no server and no cache. A file that is not a MeMo message is
//! an error the window shows, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use brevdue_memo::{AgendaItem, FileId, MAX_MESSAGE_BYTES, MemorySink, Message};
use chrono::{DateTime, Utc};
use url::Url;

/// The largest file accepted: the largest message Digital Post carries, base64 and all
/// (base64 makes 3 bytes into 4), plus room for the XML around it.
pub(crate) const MAX_FILE_BYTES: u64 = MAX_MESSAGE_BYTES / 3 * 4 + 4 * 1024 * 1024;

/// Why a file could not be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MemoFileError {
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is {0} bytes; a MeMo message is at most {MAX_FILE_BYTES}")]
    TooLarge(u64),
    #[error("the file is not a MeMo message that can be read: {0}")]
    NotMemo(#[from] brevdue_memo::Error),
}

/// One MeMo message read from a file, with its documents' bytes.
#[derive(Debug)]
pub(crate) struct MemoFile {
    /// The file's name (no folders), for the window.
    pub(crate) name: String,
    pub(crate) message: Message,
    pub(crate) agenda: Vec<AgendaItem>,
    /// When the message was made: its `createdDateTime`, else the file's modification time.
    pub(crate) created: DateTime<Utc>,
    contents: BTreeMap<FileId, Vec<u8>>,
}

impl MemoFile {
    /// Reads the MeMo message in the file at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self, MemoFileError> {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a file").into());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(MemoFileError::TooLarge(meta.len()));
        }
        let mut sink = MemorySink::with_limit(MAX_MESSAGE_BYTES);
        let message = brevdue_memo::read(std::io::BufReader::new(file), &mut sink)?;
        let modified = meta.modified().map(DateTime::<Utc>::from).ok();
        let created = message
            .created_date_time
            .or(modified)
            .unwrap_or_else(Utc::now);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(MemoFile {
            name,
            agenda: brevdue_memo::agenda(&message),
            message,
            created,
            contents: sink.into_files(),
        })
    }

    /// The bytes of one file of one document.
    pub(crate) fn content(&self, id: FileId) -> Option<&[u8]> {
        self.contents.get(&id).map(Vec::as_slice)
    }
}

/// What the command line's FILE names: a path, or a `file://` address (as file managers give
/// with `%U`). `None` for an address of another scheme (such as a `brevdue://` link), which is
/// not a file.
pub(crate) fn file_target(arg: &str) -> Result<Option<PathBuf>, String> {
    if arg.is_empty() {
        return Err("the file name is empty".into());
    }
    if let Some(scheme) = scheme_of(arg) {
        if !scheme.eq_ignore_ascii_case("file") {
            return Ok(None);
        }
        let url = Url::parse(arg).map_err(|e| format!("not a file address: {e}"))?;
        return url
            .to_file_path()
            .map(Some)
            .map_err(|()| "not a local file address".to_owned());
    }
    Ok(Some(PathBuf::from(arg)))
}

/// The scheme of `text` if it starts like a URL (`letters:`), not a path.
fn scheme_of(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    // One letter is a Windows drive, not a scheme.
    (first.is_ascii_alphabetic()
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/memo/tests/data")
            .join(name)
    }

    #[test]
    fn targets_are_paths_or_file_addresses() {
        assert_eq!(
            file_target("brev.memo").unwrap(),
            Some(PathBuf::from("brev.memo"))
        );
        assert_eq!(
            file_target("/tmp/a b.xml").unwrap(),
            Some(PathBuf::from("/tmp/a b.xml"))
        );
        assert_eq!(
            file_target("file:///tmp/a%20b.xml").unwrap(),
            Some(PathBuf::from("/tmp/a b.xml"))
        );
        assert_eq!(file_target("brevdue://message/1").unwrap(), None);
        assert_eq!(file_target("https://x.example/a.xml").unwrap(), None);
        assert!(file_target("file://other.host/a.xml").is_err());
        assert!(file_target("").is_err());
    }

    #[test]
    fn reads_a_sample_with_its_documents() {
        let file = MemoFile::open(&sample("agenda_hospital.xml")).unwrap();
        assert_eq!(file.name, "agenda_hospital.xml");
        assert!(file.message.label.starts_with("Indkaldelse"));
        assert!(!file.agenda.is_empty(), "its appointment and deadlines");
        let main = FileId {
            document: 0,
            file: 0,
        };
        assert!(file.content(main).is_some_and(|b| !b.is_empty()));
        assert!(
            file.content(FileId {
                document: 99,
                file: 0
            })
            .is_none()
        );
    }

    #[test]
    fn a_file_that_is_no_memo_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let not_xml = dir.path().join("x.memo");
        std::fs::write(&not_xml, b"%PDF-1.7 not a message").unwrap();
        assert!(matches!(
            MemoFile::open(&not_xml),
            Err(MemoFileError::NotMemo(_))
        ));
        let dtd = dir.path().join("dtd.xml");
        std::fs::write(
            &dtd,
            br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Message xmlns="https://DigitalPost.dk/MeMo-1">&e;</Message>"#,
        )
        .unwrap();
        assert!(MemoFile::open(&dtd).is_err(), "no DTDs, no entities");
        assert!(matches!(
            MemoFile::open(&dir.path().join("missing.memo")),
            Err(MemoFileError::Io(_))
        ));
        assert!(matches!(
            MemoFile::open(dir.path()),
            Err(MemoFileError::Io(_))
        ));
    }
}
