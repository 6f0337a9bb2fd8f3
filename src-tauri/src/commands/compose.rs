//! Writing to the public sector: finding a contact point (`search_contact_points`,
//! `contact_groups`, `group_contact_points`, `contact_point`), attachments chosen in a dialog
//! Rust opens (`pick_attachments`, `forget_attachment`; dropped files come as the
//! `attachments-dropped` event, see `main.rs`), and the contact point link the app was started
//! with (`take_compose_link`).
//!
//! Each command checks its arguments before anything else: ids, lengths, the number of files.

use std::path::PathBuf;

use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;

use crate::attachments::{Attachment, check_handle};
use crate::deep_link::ComposeRequest;
use crate::error::CmdResult;
use crate::state::Shared;

/// Opens the system's file dialog (several files may be chosen) and registers what the user
/// chose; empty when they cancel. The window learns handles, names and sizes, never paths.
#[tauri::command]
pub(crate) async fn pick_attachments(
    window: WebviewWindow,
    state: State<'_, Shared>,
) -> CmdResult<Vec<Attachment>> {
    let (answer, answered) = oneshot::channel();
    window
        .dialog()
        .file()
        .set_parent(&window)
        .pick_files(move |paths| {
            let _ = answer.send(paths);
        });
    let Some(chosen) = answered.await.ok().flatten() else {
        return Ok(Vec::new());
    };
    let paths: Vec<PathBuf> = chosen
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    state.attachments.register(&paths)
}

/// Forgets a chosen file (the user removed it from the message).
#[tauri::command]
pub(crate) async fn forget_attachment(handle: String, state: State<'_, Shared>) -> CmdResult<()> {
    let handle = check_handle(&handle)?;
    state.attachments.forget(handle);
    Ok(())
}

/// The contact point link the app was started with, once; `None` afterwards or without one.
#[tauri::command]
pub(crate) async fn take_compose_link(
    state: State<'_, Shared>,
) -> CmdResult<Option<ComposeRequest>> {
    Ok(state
        .take_pending_link()
        .map(|contact_point_id| ComposeRequest { contact_point_id }))
}
