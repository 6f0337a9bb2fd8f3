//! Saving a file where the user says: the system's save dialog (the only way the app writes
//! outside its own folders), then a write to a temporary name beside the target and a rename,
//! so a failed write never leaves half a file under the chosen name.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::{Manager, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;

use crate::error::{CmdResult, CommandError};

/// `SavedFile` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct SavedFile {
    saved_to: String,
}

/// Asks the user where to save `name` (already a safe file name) in a dialog titled `title`;
/// `None` when they cancel.
pub(crate) async fn choose(
    window: &WebviewWindow,
    title: &str,
    name: &str,
    filter: Option<(&str, &[&str])>,
) -> Option<PathBuf> {
    let (answer, answered) = oneshot::channel();
    let mut dialog = window
        .dialog()
        .file()
        .set_parent(window)
        .set_title(title)
        .set_file_name(name);
    if let Ok(downloads) = window.app_handle().path().download_dir() {
        dialog = dialog.set_directory(downloads);
    }
    if let Some((label, extensions)) = filter {
        dialog = dialog.add_filter(label, extensions);
    }
    dialog.save_file(move |path| {
        let _ = answer.send(path);
    });
    let path = answered.await.ok().flatten()?;
    match path.into_path() {
        Ok(path) => Some(path),
        Err(error) => {
            tracing::warn!(%error, "the save dialog gave no usable path");
            None
        }
    }
}

/// Writes `bytes` to `path` whole or not at all.
pub(crate) async fn write(path: &Path, bytes: &[u8]) -> CmdResult<SavedFile> {
    let temp = temp_beside(path)?;
    let io = |e: std::io::Error| CommandError::io("the file could not be saved", &e);
    if let Err(error) = tokio::fs::write(&temp, bytes).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(io(error));
    }
    tokio::fs::rename(&temp, path).await.map_err(io)?;
    Ok(saved(path))
}

fn temp_beside(path: &Path) -> CmdResult<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| CommandError::invalid("the chosen path names no file"))?;
    let mut temp = name.to_os_string();
    temp.push(".brevdue-part");
    Ok(path.with_file_name(temp))
}

fn saved(path: &Path) -> SavedFile {
    SavedFile {
        saved_to: path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("aftale.ics");
        let saved = write(&target, b"BEGIN:VCALENDAR").await.unwrap();
        assert_eq!(saved.saved_to, target.display().to_string());
        assert_eq!(std::fs::read(&target).unwrap(), b"BEGIN:VCALENDAR");
        let again = dir.path().join("kopi.ics");
        write(&again, b"BEGIN:VCALENDAR").await.unwrap();
        assert_eq!(std::fs::read(&again).unwrap(), b"BEGIN:VCALENDAR");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary left"
        );
        let missing = dir.path().join("no-such-folder").join("x.ics");
        assert!(write(&missing, b"x").await.is_err());
    }
}
