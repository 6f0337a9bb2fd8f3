//! The background sync while somebody is signed in, and what the UI hears of it: the events
//! `sync-progress`, `connectivity` and `new-mail`, and a desktop notification for new mail.
//!
//! New mail is what arrived since the newest letter each mailbox held before: the first round
//! after a fresh sign-in only sets that mark (the whole mailbox is new to the cache then, not
//! to the user), and after a restart the mark comes from the cache, so post that arrived while
//! the app was closed is announced once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use brevdue_client::Client;
use brevdue_client::cache::ListQuery;
use brevdue_client::sync::SyncEvent;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::{mpsc, watch};

use crate::backend::Backend;
use crate::error::{CmdResult, ErrorCode, code_of};
use crate::settings::Language;
use crate::state::Shared;

/// How often the background sync runs (it also runs after each change the user makes).
const SYNC_INTERVAL: Duration = Duration::from_secs(60);
/// How many of a mailbox's newest letters are looked at for new mail.
const NEW_MAIL_WINDOW: u32 = 200;

/// `sync-progress`.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
struct SyncProgress {
    done: u64,
    total: u64,
}

/// `connectivity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
struct Connectivity {
    online: bool,
    signed_in: bool,
}

/// `new-mail`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
struct NewMail {
    mailbox_id: String,
    count: u64,
}

/// The running background sync; dropping it stops it.
#[derive(Debug)]
pub(crate) struct SyncRunner {
    sync: brevdue_client::sync::BackgroundSync,
    first_round: watch::Receiver<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SyncRunner {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SyncRunner {
    /// Starts syncing now and every [`SYNC_INTERVAL`].
    pub(crate) async fn start(app: AppHandle, backend: Arc<Backend>) -> CmdResult<Self> {
        let marks = newest_letters(&backend.client, &HashMap::new()).await?.0;
        let (events, received) = mpsc::channel(64);
        let sync = backend
            .client
            .start_background_sync(SYNC_INTERVAL, events)
            .await?;
        let (first_tx, first_round) = watch::channel(false);
        let task = tokio::spawn(forward(app, backend, received, first_tx, marks));
        Ok(SyncRunner {
            sync,
            first_round,
            task,
        })
    }

    /// Asks for a round of sync now (after sending, so that SENT shows the message at once).
    pub(crate) fn sync_now(&self) {
        self.sync.sync_now();
    }

    /// Turns true when the first round of sync has ended (done or failed).
    pub(crate) fn first_round(&self) -> watch::Receiver<bool> {
        self.first_round.clone()
    }
}

async fn forward(
    app: AppHandle,
    backend: Arc<Backend>,
    mut events: mpsc::Receiver<SyncEvent>,
    first_round: watch::Sender<bool>,
    mut marks: HashMap<String, DateTime<Utc>>,
) {
    let mut state = Connectivity {
        online: true,
        signed_in: true,
    };
    let mut told: Option<Connectivity> = None;
    while let Some(event) = events.recv().await {
        match event {
            SyncEvent::Progress(p) => emit(
                &app,
                "sync-progress",
                SyncProgress {
                    done: p.done,
                    total: p.total,
                },
            ),
            SyncEvent::Done(_) => {
                state = Connectivity {
                    online: true,
                    signed_in: true,
                };
                match newest_letters(&backend.client, &marks).await {
                    Ok((newest, arrived)) => {
                        marks = newest;
                        for (mailbox_id, owner, count) in arrived {
                            announce(&app, mailbox_id, &owner, count);
                        }
                    }
                    Err(error) => tracing::warn!(?error, "could not look for new mail"),
                }
                match crate::tray::unread(&backend.client).await {
                    Ok(count) => crate::tray::show_unread(&app, count),
                    Err(error) => tracing::debug!(?error, "no unread count for the tray"),
                }
                first_round.send_replace(true);
            }
            SyncEvent::Failed(error) => {
                match code_of(error.kind()) {
                    ErrorCode::Offline => state.online = false,
                    ErrorCode::SignedOut => state.signed_in = false,
                    _ => {
                        tracing::warn!(kind = %error.kind(), message = error.message(), "sync failed")
                    }
                }
                // Ends the progress bar of the round that failed.
                emit(&app, "sync-progress", SyncProgress { done: 0, total: 0 });
                first_round.send_replace(true);
            }
            _ => {}
        }
        if told != Some(state) {
            emit(&app, "connectivity", state);
            told = Some(state);
        }
    }
}

fn emit<T: Serialize + Clone>(app: &AppHandle, event: &str, payload: T) {
    if let Err(error) = app.emit(event, payload) {
        tracing::warn!(%error, event, "could not tell the UI");
    }
}

/// Tells the UI and the desktop that `count` letters arrived in a mailbox.
fn announce(app: &AppHandle, mailbox_id: String, owner: &str, count: u64) {
    emit(app, "new-mail", NewMail { mailbox_id, count });
    let language = app.state::<Shared>().settings().settings.language;
    let (title, body) = notification_text(language, owner, count);
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(%error, "no desktop notification");
    }
}

/// The notification's title and text. It names the mailbox, never a sender or a subject
/// (the notification may show on a locked screen).
fn notification_text(language: Language, owner: &str, count: u64) -> (String, String) {
    match (language, count) {
        (Language::Da, 1) => ("Ny Digital Post".into(), format!("1 nyt brev til {owner}")),
        (Language::Da, n) => (
            "Ny Digital Post".into(),
            format!("{n} nye breve til {owner}"),
        ),
        (Language::En, 1) => (
            "New Digital Post".into(),
            format!("1 new letter for {owner}"),
        ),
        (Language::En, n) => (
            "New Digital Post".into(),
            format!("{n} new letters for {owner}"),
        ),
    }
}

/// Each mailbox's newest letter now, and per mailbox that had a mark in `before`, how many
/// letters are newer than the mark: `(mailbox id, owner's name, count)` where count > 0.
#[allow(clippy::type_complexity)]
async fn newest_letters(
    client: &Client,
    before: &HashMap<String, DateTime<Utc>>,
) -> CmdResult<(HashMap<String, DateTime<Utc>>, Vec<(String, String, u64)>)> {
    let mut newest = HashMap::new();
    let mut arrived = Vec::new();
    for mailbox in client.mailboxes().await? {
        let letters = client
            .messages(&ListQuery {
                mailbox_id: mailbox.id.clone(),
                size: NEW_MAIL_WINDOW,
                ..ListQuery::default()
            })
            .await?;
        let top = letters.iter().map(|m| m.received).max();
        if let Some(mark) = before.get(&mailbox.id) {
            let count = letters.iter().filter(|m| m.received > *mark).count() as u64;
            if count > 0 {
                arrived.push((mailbox.id.clone(), mailbox.owner_name.clone(), count));
            }
            newest.insert(mailbox.id, top.unwrap_or(*mark).max(*mark));
        } else {
            newest.insert(mailbox.id, top.unwrap_or(DateTime::<Utc>::MIN_UTC));
        }
    }
    Ok((newest, arrived))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_texts() {
        assert_eq!(
            notification_text(Language::Da, "Karen Holm", 1).1,
            "1 nyt brev til Karen Holm"
        );
        assert_eq!(
            notification_text(Language::Da, "Karen Holm", 3).1,
            "3 nye breve til Karen Holm"
        );
        assert_eq!(
            notification_text(Language::En, "Lyngbakken VVS ApS", 2),
            (
                "New Digital Post".into(),
                "2 new letters for Lyngbakken VVS ApS".into()
            )
        );
    }
}
