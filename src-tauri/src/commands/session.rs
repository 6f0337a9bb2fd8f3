//! Signing in and out: `demo_identities`, `sign_in`, `sign_out`.
//!
//! With a login hint (a demo identity's id) the client signs in without a browser; without
//! one, the system browser opens the core's login page and the command settles when the
//! browser comes back to the client's loopback listener. After signing in, the first round of
//! sync runs before the command returns, so the mailboxes are there when the UI asks.

use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::state::Shared;

use super::check_id;

/// How long the browser sign-in may take.
const BROWSER_SIGN_IN_WAIT: Duration = Duration::from_secs(10 * 60);

/// `Session` of `types.ts`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct Session {
    pub(crate) name: String,
}

/// `DemoIdentity` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct DemoIdentity {
    id: String,
    name: String,
    description: String,
}

#[tauri::command]
pub(crate) async fn demo_identities(state: State<'_, Shared>) -> CmdResult<Vec<DemoIdentity>> {
    let backend = state.backend().await?;
    if !backend.demo {
        return Ok(Vec::new());
    }
    match backend.client.demo_identities().await {
        Ok(identities) => Ok(identities
            .into_iter()
            .map(|i| DemoIdentity {
                id: i.id,
                name: i.name,
                description: i.description,
            })
            .collect()),
        Err(error) if error.kind() == brevdue_client::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

#[tauri::command]
pub(crate) async fn sign_in(
    app: AppHandle,
    state: State<'_, Shared>,
    login_hint: Option<String>,
) -> CmdResult<Session> {
    let backend = state.backend().await?;
    let account = match login_hint.as_deref() {
        Some(hint) => {
            if !backend.demo {
                return Err(CommandError::invalid(
                    "a login hint is only for the demo's identities",
                ));
            }
            backend
                .client
                .sign_in_demo(check_id("loginHint", hint)?)
                .await?
        }
        None => {
            let opener = app.clone();
            backend
                .client
                .sign_in_with_browser(
                    move |url| {
                        opener
                            .opener()
                            .open_url(url.as_str(), None::<&str>)
                            .map_err(|e| e.to_string())
                    },
                    BROWSER_SIGN_IN_WAIT,
                )
                .await?
        }
    };
    state.start_sync(&app, backend).await?;
    Ok(Session { name: account.name })
}

#[tauri::command]
pub(crate) async fn sign_out(state: State<'_, Shared>) -> CmdResult<()> {
    let backend = state.backend().await?;
    state.stop_sync().await;
    match backend.client.sign_out().await {
        Ok(done) => {
            if !done.revoked {
                tracing::info!("signed out here; the server could not be told");
            }
            Ok(())
        }
        // Nobody was signed in: that is what was asked for.
        Err(error) if crate::error::code_of(error.kind()) == ErrorCode::SignedOut => Ok(()),
        Err(error) => Err(error.into()),
    }
}
