//! `check_for_update`, `install_update` and `restart_after_update`: the window asks whether a
//! newer signed build is published at the update address, installs it when the user says so,
//! and restarts into it. The window never reaches the updater plugin itself (its commands are
//! not in the capabilities); these commands do, and only with the app's own configuration.

use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::update::{self, Updates};

/// The longest release note shown; the rest is cut (the notes come from the network).
const MAX_NOTES: usize = 1000;

/// A newer signed build of Brevdue, found at the update address.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateInfo {
    version: String,
    current_version: String,
    /// The release notes, as plain text.
    notes: Option<String>,
    /// When it was published (RFC 3339), if the manifest says.
    date: Option<String>,
}

/// Asks the update address for a newer build; `null` when there is none.
#[tauri::command]
pub(crate) async fn check_for_update(
    app: AppHandle,
    updates: State<'_, Updates>,
) -> CmdResult<Option<UpdateInfo>> {
    let Some(endpoint) = &updates.endpoint else {
        return Err(CommandError::invalid("no update address is configured"));
    };
    let found = update::updater(&app, endpoint)
        .map_err(refused)?
        .check()
        .await
        .map_err(refused)?;
    let info = found.as_ref().map(|u| UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.as_deref().map(notes),
        date: u
            .date
            .and_then(|d| chrono::DateTime::from_timestamp(d.unix_timestamp(), 0))
            .map(|d| d.to_rfc3339()),
    });
    if let Some(info) = &info {
        tracing::info!(version = %info.version, "an update is available");
    }
    *updates.found.lock().await = found;
    Ok(info)
}

/// Downloads the update found, checks its signature and installs it. A build whose signature
/// does not verify is refused (`bad_signature`) and nothing is written.
#[tauri::command]
pub(crate) async fn install_update(app: AppHandle, updates: State<'_, Updates>) -> CmdResult<()> {
    let Some(found) = updates.found.lock().await.clone() else {
        return Err(CommandError::not_found("no update was found to install"));
    };
    if !update::installable(&app) {
        return Err(CommandError::new(
            ErrorCode::NotInstallable,
            "this copy of the app was not installed from a package and cannot replace itself",
        ));
    }
    // `download` checks the signature against the trusted key before it returns the bytes;
    // `install` checks it again before it writes anything.
    let bytes = found.download(|_, _| {}, || {}).await.map_err(refused)?;
    let version = found.version.clone();
    tauri::async_runtime::spawn_blocking(move || found.install(bytes))
        .await
        .map_err(|e| CommandError::internal(format!("the installation stopped: {e}")))?
        .map_err(refused)?;
    tracing::info!(%version, "the update is installed");
    updates.installed.store(true, Ordering::SeqCst);
    *updates.found.lock().await = None;
    Ok(())
}

/// Restarts the app into the version just installed.
#[tauri::command]
pub(crate) fn restart_after_update(app: AppHandle, updates: State<'_, Updates>) -> CmdResult<()> {
    if !updates.installed.load(Ordering::SeqCst) {
        return Err(CommandError::invalid("no update has been installed"));
    }
    app.request_restart();
    Ok(())
}

/// Release notes as the window shows them: at most [`MAX_NOTES`] characters, trimmed.
fn notes(text: &str) -> String {
    text.trim().chars().take(MAX_NOTES).collect()
}

/// The UI's code for each way the updater fails.
fn code_of(error: &tauri_plugin_updater::Error) -> ErrorCode {
    use tauri_plugin_updater::Error as E;
    match error {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => ErrorCode::BadSignature,
        E::Reqwest(e) if e.is_connect() || e.is_timeout() => ErrorCode::Offline,
        E::Reqwest(_)
        | E::Network(_)
        | E::ReleaseNotFound
        | E::Serialization(_)
        | E::Semver(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_) => ErrorCode::Server,
        E::InvalidUpdaterFormat | E::BinaryNotFoundInArchive => ErrorCode::BadContent,
        E::EmptyEndpoints | E::InsecureTransportProtocol | E::UrlParse(_) => {
            ErrorCode::InvalidInput
        }
        E::Io(_) | E::TempDirNotFound | E::TempDirNotOnSameMountPoint => ErrorCode::Io,
        _ => ErrorCode::Internal,
    }
}

fn refused(error: tauri_plugin_updater::Error) -> CommandError {
    let code = code_of(&error);
    tracing::warn!(%error, ?code, "the update failed");
    CommandError::new(code, format!("update: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_failures_are_bad_signatures() {
        use tauri_plugin_updater::Error as E;
        assert_eq!(code_of(&E::MissingSignedVersion), ErrorCode::BadSignature);
        assert_eq!(
            code_of(&E::SignedVersionMismatch {
                signed: "0.1.0".into(),
                announced: "0.2.0".into()
            }),
            ErrorCode::BadSignature
        );
        assert_eq!(code_of(&E::ReleaseNotFound), ErrorCode::Server);
        assert_eq!(code_of(&E::InvalidUpdaterFormat), ErrorCode::BadContent);
    }

    #[test]
    fn notes_are_cut() {
        assert_eq!(notes("  Rettelser.\n "), "Rettelser.");
        assert_eq!(notes(&"æ".repeat(5000)).chars().count(), MAX_NOTES);
    }
}
