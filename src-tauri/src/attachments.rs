//! The files the user chose to attach: in the file dialog Rust opens, or dropped on the window
//! (paths from the OS through Tauri's drag-drop event, never from the web view). The UI gets
//! an opaque handle, the file's name and its size; only this registry knows the path, so the
//! window can neither name nor read a file the user did not choose.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::{CmdResult, CommandError};

/// The most files one dialog or one drop may add.
pub(crate) const MAX_PER_PICK: usize = 50;
/// The most files the registry holds at once (it is emptied as drafts are sent or files
/// removed; this keeps a misbehaving window from growing it without end).
const MAX_REGISTERED: usize = 500;
/// The longest file name shown (longer ones are cut, on a character boundary).
const MAX_NAME_CHARS: usize = 255;

/// `Attachment` of `types.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attachment {
    pub(crate) handle: String,
    pub(crate) name: String,
    pub(crate) size: u64,
}

/// A registered file: where it is, and what the user was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) size: u64,
}

/// Handle → file, for this run of the app.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    files: Mutex<HashMap<String, Chosen>>,
}

impl Registry {
    /// Registers ordinary files (directories, links to nothing and unreadable paths are left
    /// out); returns what the UI may know of them.
    pub(crate) fn register(&self, paths: &[PathBuf]) -> CmdResult<Vec<Attachment>> {
        if paths.len() > MAX_PER_PICK {
            return Err(CommandError::invalid(format!(
                "at most {MAX_PER_PICK} files at a time"
            )));
        }
        let mut out = Vec::new();
        let mut files = self.lock();
        for path in paths {
            let Some(chosen) = inspect(path) else {
                continue;
            };
            if files.len() >= MAX_REGISTERED {
                return Err(CommandError::invalid("too many files chosen"));
            }
            let handle = uuid::Uuid::new_v4().to_string();
            out.push(Attachment {
                handle: handle.clone(),
                name: chosen.name.clone(),
                size: chosen.size,
            });
            files.insert(handle, chosen);
        }
        Ok(out)
    }

    /// The file behind a handle.
    pub(crate) fn get(&self, handle: &str) -> CmdResult<Chosen> {
        self.lock()
            .get(handle)
            .cloned()
            .ok_or_else(|| CommandError::invalid("an attachment is no longer available"))
    }

    /// Forgets a handle (the user removed the file, or the message was sent).
    pub(crate) fn forget(&self, handle: &str) {
        self.lock().remove(handle);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Chosen>> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An ordinary file's name and size, or `None`.
fn inspect(path: &Path) -> Option<Chosen> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let raw = path.file_name()?.to_string_lossy();
    let name: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    if name.trim().is_empty() {
        return None;
    }
    Some(Chosen {
        path: path.to_path_buf(),
        name,
        size: meta.len(),
    })
}

/// Checks a handle's shape: the UUID text this registry makes.
pub(crate) fn check_handle(handle: &str) -> CmdResult<&str> {
    uuid::Uuid::parse_str(handle)
        .map(|_| handle)
        .map_err(|_| CommandError::invalid("not an attachment handle"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_files_only_and_hands_out_opaque_handles() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pasfoto.jpg");
        std::fs::write(&file, vec![7u8; 1234]).unwrap();
        let registry = Registry::default();
        let got = registry
            .register(&[
                file.clone(),
                dir.path().to_path_buf(),
                dir.path().join("missing"),
            ])
            .unwrap();
        assert_eq!(got.len(), 1, "the folder and the missing path are left out");
        assert_eq!(got[0].name, "pasfoto.jpg");
        assert_eq!(got[0].size, 1234);
        assert!(
            !got[0].handle.contains("pasfoto"),
            "the handle says nothing of the path"
        );
        check_handle(&got[0].handle).unwrap();
        assert_eq!(registry.get(&got[0].handle).unwrap().path, file);
        registry.forget(&got[0].handle);
        assert!(registry.get(&got[0].handle).is_err());
    }

    #[test]
    fn refuses_too_many_at_once_and_bad_handles() {
        let registry = Registry::default();
        let many: Vec<PathBuf> = (0..=MAX_PER_PICK)
            .map(|i| PathBuf::from(format!("/x/{i}")))
            .collect();
        assert!(registry.register(&many).is_err());
        for bad in ["", "../etc/passwd", "/home/x", "h-1"] {
            assert!(check_handle(bad).is_err(), "{bad}");
        }
    }
}
