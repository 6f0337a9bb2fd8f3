//! The window in file mode (a MeMo file opened from disk, see [`crate::memo_file`]):
//! `open_memo_file`, `memo_file_content`, `save_memo_file`, `export_memo_file_ics` and
//! `print_memo_file`. They answer from the file read at start and never touch a server, an
//! account or the cache; the same checks and the same JSON as the mailbox's commands apply.

use brevdue_memo::FileId;
use brevdue_memo::safe_name::safe_file_name;
use chrono::Utc;
use serde::Serialize;
use tauri::{State, WebviewWindow};

use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::memo_file::MemoFile;
use crate::save::{self, SavedFile};
use crate::settings::Language;
use crate::state::Shared;

use super::check_text;
use super::files::{
    FileContent, FileKind, MAX_SHOWN_BYTES, claimed_kind, content, index, plain_mime,
};
use super::messages::MessageDetail;

/// The file the app was started with: `None` in the usual mailbox mode, else the message read
/// from it or why it could not be read.
#[derive(Debug)]
pub(crate) struct FileMode(pub(crate) Option<Result<MemoFile, String>>);

impl FileMode {
    /// The file's message, or the error a file-mode command answers with.
    fn file(&self) -> CmdResult<&MemoFile> {
        match &self.0 {
            Some(Ok(file)) => Ok(file),
            Some(Err(message)) => Err(CommandError::new(ErrorCode::BadContent, message.clone())),
            None => Err(CommandError::not_found("no file was opened")),
        }
    }
}

/// `OpenedFile` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenedFile {
    /// The file's name, without its folder.
    name: String,
    language: Language,
    detail: MessageDetail,
}

/// The message of the file the app was started with; `null` when it was started without
/// one (the usual mailbox mode). A file that is no readable MeMo fails with `bad_content`.
#[tauri::command]
pub(crate) fn open_memo_file(
    mode: State<'_, FileMode>,
    state: State<'_, Shared>,
) -> CmdResult<Option<OpenedFile>> {
    if mode.0.is_none() {
        return Ok(None);
    }
    let file = mode.file()?;
    Ok(Some(OpenedFile {
        name: file.name.clone(),
        language: state.settings().settings.language,
        detail: MessageDetail::from_file(file),
    }))
}

/// The address of one file of the message, checked.
fn file_id(file: &MemoFile, document: u32, index_in_document: u32) -> CmdResult<FileId> {
    let id = FileId {
        document: index("document", document)?,
        file: index("file", index_in_document)?,
    };
    if file.message.file(id).is_none() {
        return Err(CommandError::not_found("no such file in the message"));
    }
    Ok(id)
}

#[tauri::command]
pub(crate) fn memo_file_content(
    mode: State<'_, FileMode>,
    document: u32,
    file: u32,
) -> CmdResult<FileContent> {
    let memo = mode.file()?;
    let id = file_id(memo, document, file)?;
    let meta = memo
        .message
        .file(id)
        .ok_or_else(|| CommandError::not_found("no such file in the message"))?;
    let mime = plain_mime(&meta.encoding_format);
    let filename = safe_file_name(&meta.filename);
    let bytes = memo.content(id).unwrap_or_default();
    let size = bytes.len() as u64;
    if size > MAX_SHOWN_BYTES || claimed_kind(&mime) == FileKind::Other {
        return Ok(FileContent::other(mime, filename, size));
    }
    Ok(content(&mime, filename, bytes))
}

#[tauri::command]
pub(crate) async fn save_memo_file(
    window: WebviewWindow,
    mode: State<'_, FileMode>,
    document: u32,
    file: u32,
) -> CmdResult<Option<SavedFile>> {
    let memo = mode.file()?;
    let id = file_id(memo, document, file)?;
    let name = memo
        .message
        .file(id)
        .map(|meta| safe_file_name(&meta.filename))
        .unwrap_or_default();
    let Some(target) = save::choose(&window, "Gem fil", &name, None).await else {
        return Ok(None);
    };
    save::write(&target, memo.content(id).unwrap_or_default())
        .await
        .map(Some)
}

/// The message's appointments and deadlines (or the one with `uid`) as an .ics file, saved
/// where the user says.
#[tauri::command]
pub(crate) async fn export_memo_file_ics(
    window: WebviewWindow,
    mode: State<'_, FileMode>,
    uid: Option<String>,
) -> CmdResult<Option<SavedFile>> {
    let memo = mode.file()?;
    let uid = uid
        .as_deref()
        .map(|u| check_text("uid", u, 500))
        .transpose()?;
    let items: Vec<_> = memo
        .agenda
        .iter()
        .filter(|i| uid.is_none_or(|u| i.uid == u))
        .cloned()
        .collect();
    if items.is_empty() {
        return Err(CommandError::not_found(
            "the message has nothing for a calendar",
        ));
    }
    let title: String = memo.message.label.chars().take(80).collect();
    let ics = brevdue_memo::ics::to_ics(&items, Utc::now());
    let Some(path) = save::choose(
        &window,
        "Gem kalenderfil",
        &safe_file_name(&format!("{title}.ics")),
        Some(("iCalendar", &["ics"])),
    )
    .await
    else {
        return Ok(None);
    };
    save::write(&path, ics.as_bytes()).await.map(Some)
}

/// Opens the system's print dialog for the window showing the file's message.
#[tauri::command]
pub(crate) fn print_memo_file(window: WebviewWindow, mode: State<'_, FileMode>) -> CmdResult<()> {
    mode.file()?;
    window
        .print()
        .map_err(|e| CommandError::internal(format!("printing failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn mode(name: &str) -> FileMode {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/memo/tests/data")
            .join(name);
        FileMode(Some(MemoFile::open(&path).map_err(|e| e.to_string())))
    }

    #[test]
    fn the_detail_has_the_shape_the_ui_renders() {
        let mode = mode("agenda_hospital.xml");
        let file = mode.file().unwrap();
        let json = serde_json::to_value(MessageDetail::from_file(file)).unwrap();
        assert_eq!(json["mailboxId"], "file");
        assert_eq!(json["read"], true);
        assert!(
            json["memo"]["label"]
                .as_str()
                .unwrap()
                .starts_with("Indkaldelse")
        );
        assert!(!json["memo"]["documents"].as_array().unwrap().is_empty());
        assert!(!json["agenda"].as_array().unwrap().is_empty());
        assert!(json["receivedDateTime"].is_string());
    }

    #[test]
    fn file_addresses_are_checked() {
        let mode = mode("agenda_hospital.xml");
        let file = mode.file().unwrap();
        assert!(file_id(file, 0, 0).is_ok());
        assert_eq!(file_id(file, 0, 50).unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(
            file_id(file, 20_000, 0).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn a_bad_file_is_bad_content_and_no_file_is_not_found() {
        let bad = FileMode(Some(Err("not a MeMo".into())));
        assert_eq!(bad.file().unwrap_err().code, ErrorCode::BadContent);
        assert_eq!(FileMode(None).file().unwrap_err().code, ErrorCode::NotFound);
    }
}
