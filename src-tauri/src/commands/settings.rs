//! `app_info` and `set_language`: what the app tells the UI about itself, and the language
//! the user chose.

use serde::Serialize;
use tauri::State;

use crate::error::{CmdResult, CommandError};
use crate::settings::Language;
use crate::state::Shared;

use super::session::Session;

/// `AppInfo` of `types.ts`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppInfo {
    version: &'static str,
    demo: bool,
    server_url: String,
    session: Option<Session>,
    language: Language,
}

#[tauri::command]
pub(crate) async fn app_info(state: State<'_, Shared>) -> CmdResult<AppInfo> {
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
    })
}

#[tauri::command]
pub(crate) fn set_language(state: State<'_, Shared>, language: Language) -> CmdResult<()> {
    let mut file = state.settings();
    file.settings.language = language;
    file.save()
        .map_err(|e| CommandError::io("the settings could not be saved", &e))
}
