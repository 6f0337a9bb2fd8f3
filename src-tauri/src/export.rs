//! The export folders the user picked in this run of the app, and the export running now.
//!
//! As with attachments, the window names a folder only by an opaque handle: the app exports
//! only into a folder the user chose in the folder dialog Rust opened, never into a path the
//! window made up. One export runs at a time. Cancelling aborts its task at its next pause;
//! the client's export writes each message whole under a temporary name and records it only
//! after that, so an aborted export leaves no half message and the next run goes on from where
//! it stopped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tokio::task::AbortHandle;

use crate::error::{CmdResult, CommandError};

/// The most folders kept at once (a window asking again and again cannot grow the list
/// without end; the oldest pick is long forgotten by then).
const MAX_PICKED: usize = 100;

/// Handle → picked folder, and the export running.
#[derive(Debug, Default)]
pub(crate) struct Exports {
    folders: Mutex<HashMap<String, PathBuf>>,
    /// `Some` while an export runs, with its task once it is started.
    running: Mutex<Option<Option<AbortHandle>>>,
}

impl Exports {
    /// Registers a folder the user picked; its handle.
    pub(crate) fn register(&self, path: &Path) -> CmdResult<String> {
        let mut folders = lock(&self.folders);
        if let Some((handle, _)) = folders.iter().find(|(_, p)| p.as_path() == path) {
            return Ok(handle.clone());
        }
        if folders.len() >= MAX_PICKED {
            return Err(CommandError::invalid("too many export folders picked"));
        }
        let handle = uuid::Uuid::new_v4().to_string();
        folders.insert(handle.clone(), path.to_path_buf());
        Ok(handle)
    }

    /// The folder behind a handle: only one picked in this run.
    pub(crate) fn folder(&self, handle: &str) -> CmdResult<PathBuf> {
        uuid::Uuid::parse_str(handle)
            .map_err(|_| CommandError::invalid("not an export folder handle"))?;
        lock(&self.folders)
            .get(handle)
            .cloned()
            .ok_or_else(|| CommandError::invalid("the export folder was not picked in this run"))
    }

    /// Reserves the one export slot before the export starts; refused while another runs.
    pub(crate) fn reserve(&self) -> CmdResult<Running<'_>> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Err(CommandError::invalid("an export is running already"));
        }
        *running = Some(None);
        Ok(Running { exports: self })
    }

    /// Stops the running export, if any; whether there was one to stop.
    pub(crate) fn cancel(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some(Some(task)) if !task.is_finished() => {
                task.abort();
                true
            }
            _ => false,
        }
    }
}

/// The export slot, held while an export runs; freed when dropped.
#[derive(Debug)]
pub(crate) struct Running<'a> {
    exports: &'a Exports,
}

impl Running<'_> {
    /// The task doing the export, so that [`Exports::cancel`] can stop it.
    pub(crate) fn attach(&self, task: AbortHandle) {
        *lock(&self.exports.running) = Some(Some(task));
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        lock(&self.exports.running).take();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_picked_folders_have_handles() {
        let exports = Exports::default();
        let handle = exports.register(Path::new("/home/x/Eksport")).unwrap();
        assert!(
            !handle.contains("Eksport"),
            "the handle says nothing of the path"
        );
        assert_eq!(
            exports.register(Path::new("/home/x/Eksport")).unwrap(),
            handle,
            "the same folder keeps its handle"
        );
        assert_eq!(
            exports.folder(&handle).unwrap(),
            PathBuf::from("/home/x/Eksport")
        );
        for bad in [
            "",
            "/home/x/Eksport",
            "../etc",
            "3f2c9a6e-0b1d-4c44-9f0e-8d7c6b5a4f3e",
        ] {
            assert!(exports.folder(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keeps_a_bounded_number_of_folders() {
        let exports = Exports::default();
        for i in 0..MAX_PICKED {
            exports.register(&PathBuf::from(format!("/x/{i}"))).unwrap();
        }
        assert!(exports.register(Path::new("/x/one-more")).is_err());
    }

    #[tokio::test]
    async fn one_export_at_a_time_and_cancel_stops_it() {
        let exports = Exports::default();
        assert!(!exports.cancel(), "nothing runs");
        let running = exports.reserve().unwrap();
        assert!(exports.reserve().is_err(), "a second export is refused");
        let task = tokio::spawn(std::future::pending::<()>());
        running.attach(task.abort_handle());
        assert!(exports.cancel());
        assert!(task.await.unwrap_err().is_cancelled());
        drop(running);
        let again = exports.reserve();
        assert!(again.is_ok(), "the slot is free after the export");
    }
}
