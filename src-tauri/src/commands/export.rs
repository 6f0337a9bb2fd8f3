//! Exporting the mail from the app's menu: the folder dialog (`pick_export_folder`), the
//! export itself (`start_export`, with `export-progress` events) and stopping it
//! (`cancel_export`). The work is `brevdue_client`'s `Client::export`, the same as the command
//! line's `brevdue export`; here are only the checks and the events.
//!
//! The export goes only into a folder the user picked in this run (by its handle, see
//! [`crate::export`]); it runs in a task of its own, off the window's thread, and exports what
//! the app has synced (the background sync keeps that current).

use brevdue_client::export::{ExportFormat, ExportOptions, ExportProgress};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;
use serde::Serialize;
use tauri::{Emitter, Manager, State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;

use crate::error::{CmdResult, CommandError};
use crate::settings::Language;
use crate::state::Shared;

use super::check_id;

/// The event that tells the window how far the export has come.
pub(crate) const PROGRESS_EVENT: &str = "export-progress";

/// `ExportFolder` of `types.ts`: a folder the user picked, by handle, and where it is (shown
/// to the user, never taken back).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportFolder {
    handle: String,
    path: String,
}

/// `ExportProgress` of `types.ts`: messages written of those to write in this run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "app/", rename = "ExportProgress")
)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportProgressEvent {
    done: u64,
    total: u64,
}

/// `ExportResult` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExportResult {
    /// Messages written in this run (when cancelled: those written before it stopped).
    written: u64,
    /// Messages already in the folder from an earlier run.
    already_exported: u64,
    /// Messages deleted on the server since the last sync, left out.
    gone: u64,
    /// Documents written in this run.
    files: u64,
    /// The export folder, to show.
    folder: String,
    /// The user stopped the export; running it again completes it.
    cancelled: bool,
}

/// Asks the user for the folder to export into, in the system's folder dialog; `None` when
/// they cancel.
#[tauri::command]
pub(crate) async fn pick_export_folder(
    window: WebviewWindow,
    state: State<'_, Shared>,
) -> CmdResult<Option<ExportFolder>> {
    let title = match state.settings().settings.language {
        Language::Da => "Vælg mappe til eksporten",
        Language::En => "Choose a folder for the export",
    };
    let (answer, answered) = oneshot::channel();
    let mut dialog = window.dialog().file().set_parent(&window).set_title(title);
    // It opens in the user's documents (else home), not in "Recent", where GTK's folder
    // dialog cannot choose a folder typed as a path.
    let paths = window.path();
    if let Some(start) = paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok())
    {
        dialog = dialog.set_directory(start);
    }
    dialog.pick_folder(move |path| {
        let _ = answer.send(path);
    });
    let Some(path) = answered.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path
        .into_path()
        .map_err(|_| CommandError::invalid("the folder dialog gave no usable path"))?;
    if !path.is_dir() {
        return Err(CommandError::invalid("the chosen path is not a folder"));
    }
    let handle = state.exports.register(&path)?;
    Ok(Some(ExportFolder {
        handle,
        path: path.display().to_string(),
    }))
}

/// Exports the mail of one mailbox (`mailbox_id`) or of every mailbox the user can see into
/// the picked `folder` as `format` (`maildir`, `mbox` or `files`), only messages received on or
/// after `since` (a date, `2026-01-31`, from the start of that day in Danish time). Sends
/// `export-progress` as it goes; answers when it is done or stopped.
#[tauri::command]
pub(crate) async fn start_export(
    window: WebviewWindow,
    state: State<'_, Shared>,
    format: String,
    mailbox_id: Option<String>,
    since: Option<String>,
    folder: String,
) -> CmdResult<ExportResult> {
    let format = parse_format(&format)?;
    let mailboxes = match &mailbox_id {
        Some(id) => vec![check_id("mailboxId", id)?.to_owned()],
        None => Vec::new(),
    };
    let since = since.as_deref().map(parse_since).transpose()?;
    let to = state.exports.folder(&folder)?;
    let backend = state.backend().await?;
    if backend.client.account().await.is_none() {
        return Err(CommandError::new(
            crate::error::ErrorCode::SignedOut,
            "nobody is signed in",
        ));
    }
    let running = state.exports.reserve()?;
    let options = ExportOptions {
        to: to.clone(),
        format,
        mailboxes,
        since,
    };
    let (progress_tx, progress_rx) = tokio::sync::watch::channel(0u64);
    let task = tokio::spawn(async move {
        let mut on_progress = move |p: ExportProgress| {
            progress_tx.send_replace(p.done);
            let event = ExportProgressEvent {
                done: p.done,
                total: p.total,
            };
            if let Err(error) = window.emit(PROGRESS_EVENT, event) {
                tracing::warn!(%error, "the export's progress could not be sent to the window");
            }
        };
        backend.client.export(&options, &mut on_progress).await
    });
    running.attach(task.abort_handle());
    let folder = to.display().to_string();
    match task.await {
        Ok(Ok(report)) => Ok(ExportResult {
            written: report.written,
            already_exported: report.already_exported,
            gone: report.gone,
            files: report.files,
            folder,
            cancelled: false,
        }),
        Ok(Err(error)) => {
            tracing::info!(kind = %error.kind(), "the export failed");
            Err(error.into())
        }
        Err(error) if error.is_cancelled() => Ok(ExportResult {
            written: *progress_rx.borrow(),
            already_exported: 0,
            gone: 0,
            files: 0,
            folder,
            cancelled: true,
        }),
        Err(error) => Err(CommandError::internal(format!(
            "the export stopped: {error}"
        ))),
    }
}

/// Stops the running export (what it wrote stays, whole; running it again completes it).
#[tauri::command]
pub(crate) async fn cancel_export(state: State<'_, Shared>) -> CmdResult<()> {
    state.exports.cancel();
    Ok(())
}

fn parse_format(format: &str) -> CmdResult<ExportFormat> {
    match format {
        "maildir" => Ok(ExportFormat::Maildir),
        "mbox" => Ok(ExportFormat::Mbox),
        "files" => Ok(ExportFormat::Files),
        _ => Err(CommandError::invalid(
            "format: must be maildir, mbox or files",
        )),
    }
}

/// A date (`2026-01-31`) as the instant its day begins in Denmark.
fn parse_since(date: &str) -> CmdResult<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .filter(|_| date.len() == 10)
        .ok_or_else(|| CommandError::invalid("since: not a date (2026-01-31)"))?;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(match Copenhagen.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => midnight.and_utc(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse_format("maildir").unwrap(), ExportFormat::Maildir);
        assert_eq!(parse_format("mbox").unwrap(), ExportFormat::Mbox);
        assert_eq!(parse_format("files").unwrap(), ExportFormat::Files);
        for bad in ["", "Maildir", "pst", "files "] {
            assert!(parse_format(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_is_the_start_of_the_danish_day() {
        // Winter: UTC+1; summer: UTC+2.
        assert_eq!(
            parse_since("2026-01-31").unwrap().to_rfc3339(),
            "2026-01-30T23:00:00+00:00"
        );
        assert_eq!(
            parse_since("2026-07-01").unwrap().to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        for bad in [
            "",
            "31-01-2026",
            "2026-02-30",
            "2026-1-5",
            "2026-01-31T00:00",
        ] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn events_and_results_are_the_uis_json() {
        let event = serde_json::to_value(ExportProgressEvent {
            done: 12,
            total: 40,
        })
        .unwrap();
        assert_eq!(event, serde_json::json!({ "done": 12, "total": 40 }));
        let result = serde_json::to_value(ExportResult {
            written: 40,
            already_exported: 2,
            gone: 0,
            files: 55,
            folder: "/home/x/Eksport".into(),
            cancelled: false,
        })
        .unwrap();
        assert_eq!(
            result,
            serde_json::json!({
                "written": 40, "alreadyExported": 2, "gone": 0, "files": 55,
                "folder": "/home/x/Eksport", "cancelled": false
            })
        );
    }
}
