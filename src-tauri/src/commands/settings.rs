//! `app_info`, `set_language` and `start_at_login`/`set_start_at_login`: what the app tells
//! the UI about itself, the language the user chose, and whether it starts at login (off until
//! the user turns it on; the truth is the desktop's autostart entry itself, not a setting).

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::{CmdResult, CommandError};
use crate::settings::Language;
use crate::state::Shared;
use crate::update::Updates;

use super::session::Session;

/// `AppInfo` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppInfo {
    version: &'static str,
    demo: bool,
    server_url: String,
    session: Option<Session>,
    language: Language,
    /// Why the account's local cache was made anew at this start, if it was (once: the UI
    /// shows a notice for a damaged cache or a lost key).
    /// (The client crate has no ts-rs derive; its serde names are spelled out here.)
    #[cfg_attr(
        feature = "ts",
        ts(type = "\"unencrypted\" | \"damaged\" | \"keyLost\" | null")
    )]
    cache_rebuilt: Option<brevdue_client::cache::Rebuilt>,
    /// Whether an update address is configured (the window then checks at start and offers
    /// "Søg efter opdateringer").
    updates: bool,
}

#[tauri::command]
pub(crate) async fn app_info(
    state: State<'_, Shared>,
    updates: State<'_, Updates>,
) -> CmdResult<AppInfo> {
    let backend = state.backend().await?;
    let language = state.settings().settings.language;
    let session = backend
        .client
        .account()
        .await
        .map(|account| Session { name: account.name });
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        demo: backend.demo,
        server_url: backend.server.to_string(),
        session,
        language,
        cache_rebuilt: backend.client.take_cache_rebuilt(),
        updates: updates.endpoint.is_some(),
    })
}

#[tauri::command]
pub(crate) fn set_language(state: State<'_, Shared>, language: Language) -> CmdResult<()> {
    let mut file = state.settings();
    file.settings.language = language;
    file.save()
        .map_err(|e| CommandError::io("the settings could not be saved", &e))
}

/// Whether the app starts when the user logs in.
#[tauri::command]
pub(crate) fn start_at_login(app: AppHandle) -> CmdResult<bool> {
    app.autolaunch()
        .is_enabled()
        .map_err(|e| CommandError::internal(format!("the autostart entry could not be read: {e}")))
}

/// Turns starting at login on or off (the desktop's autostart entry is written or removed).
#[tauri::command]
pub(crate) fn set_start_at_login(app: AppHandle, enabled: bool) -> CmdResult<()> {
    let autostart = app.autolaunch();
    let result = if enabled {
        autostart.enable()
    } else {
        autostart.disable()
    };
    result.map_err(|e| {
        CommandError::internal(format!("the autostart entry could not be changed: {e}"))
    })
}
