//! The state every command is given (`State<'_, Shared>`): the backend once it is ready, the
//! settings, and the background sync while somebody is signed in.
//!
//! The backend starts in a task of its own (the embedded demo core may need a moment to make
//! its world the first time), so the window shows at once; a command that needs the backend
//! waits for it.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tauri::AppHandle;
use tokio::sync::watch;

use crate::attachments::Registry;
use crate::backend::Backend;
use crate::background::SyncRunner;
use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::export::Exports;
use crate::settings::SettingsFile;

/// The backend as it comes up: `None` while starting, then ready or failed.
pub(crate) type BackendSlot = Option<Result<Arc<Backend>, String>>;

/// What the commands share.
#[derive(Debug)]
pub(crate) struct Shared {
    backend: watch::Receiver<BackendSlot>,
    settings: Mutex<SettingsFile>,
    sync: tokio::sync::Mutex<Option<SyncRunner>>,
    /// The files chosen to attach, by handle.
    pub(crate) attachments: Registry,
    /// The export folders picked, and the export running.
    pub(crate) exports: Exports,
    /// A contact point link the app was started with, until the window asks for it.
    pending_link: Mutex<Option<String>>,
}

impl Shared {
    pub(crate) fn new(backend: watch::Receiver<BackendSlot>, settings: SettingsFile) -> Self {
        Shared {
            backend,
            settings: Mutex::new(settings),
            sync: tokio::sync::Mutex::new(None),
            attachments: Registry::default(),
            exports: Exports::default(),
            pending_link: Mutex::new(None),
        }
    }

    /// Keeps a contact point link (already checked) for the window to take.
    pub(crate) fn set_pending_link(&self, contact_point_id: String) {
        *self
            .pending_link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(contact_point_id);
    }

    /// The contact point link the app was started with, once.
    pub(crate) fn take_pending_link(&self) -> Option<String> {
        self.pending_link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// The backend, once it has started.
    pub(crate) async fn backend(&self) -> CmdResult<Arc<Backend>> {
        let mut slot = self.backend.clone();
        let ready = slot
            .wait_for(Option::is_some)
            .await
            .map_err(|_| CommandError::internal("the backend never started"))?;
        match ready.as_ref() {
            Some(Ok(backend)) => Ok(backend.clone()),
            Some(Err(message)) => Err(CommandError::new(ErrorCode::Server, message.clone())),
            None => Err(CommandError::internal("the backend never started")),
        }
    }

    /// Closes the signed-in account's cache when the app quits, so that the next start knows
    /// it was closed cleanly and opens it without checking the whole file. A backend still
    /// starting has nothing open; a sync that does not end within a few seconds is left (the
    /// next start then checks the file, which is safe).
    pub(crate) async fn close(&self) {
        let backend = match self.backend.borrow().as_ref() {
            Some(Ok(backend)) => backend.clone(),
            _ => return,
        };
        if tokio::time::timeout(Duration::from_secs(5), backend.client.close())
            .await
            .is_err()
        {
            tracing::warn!("the cache was not closed in time; the next start checks it");
        }
    }

    /// The settings (the lock is held only for a moment, never across an await).
    pub(crate) fn settings(&self) -> MutexGuard<'_, SettingsFile> {
        self.settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts syncing in the background (replacing a sync already running) and waits for the
    /// first round to end, so that the mailboxes are in the cache when this returns.
    pub(crate) async fn start_sync(&self, app: &AppHandle, backend: Arc<Backend>) -> CmdResult<()> {
        let mut first = {
            let mut sync = self.sync.lock().await;
            sync.take();
            let runner = SyncRunner::start(app.clone(), backend).await?;
            let first = runner.first_round();
            *sync = Some(runner);
            first
        };
        let _ = first.wait_for(|done| *done).await;
        Ok(())
    }

    /// Asks the background sync, if it runs, for a round now.
    pub(crate) async fn sync_now(&self) {
        if let Some(runner) = self.sync.lock().await.as_ref() {
            runner.sync_now();
        }
    }

    /// Stops the background sync, if it runs.
    pub(crate) async fn stop_sync(&self) {
        self.sync.lock().await.take();
    }
}
