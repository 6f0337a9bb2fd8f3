//! The agenda across every mailbox, and calendar files: `agenda` and `export_ics`.

use std::collections::HashMap;

use brevdue_memo::AgendaItem;
use brevdue_memo::safe_name::safe_file_name;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tauri::{State, WebviewWindow};

use crate::error::{CmdResult, CommandError};
use crate::save::{self, SavedFile};
use crate::state::Shared;

use super::check_text;
use super::messages::message_in;

/// How far back the agenda reaches: deadlines passed longer ago are no longer overdue (the
/// UI's `OVERDUE_WINDOW_DAYS`).
const PAST_DAYS: i64 = 90;
/// How far ahead the agenda reaches.
const AHEAD_DAYS: i64 = 5 * 366;

/// `AgendaEntry` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct AgendaEntry {
    item: AgendaItem,
    mailbox_id: String,
    mailbox_name: String,
    message_id: String,
}

fn span(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(PAST_DAYS),
        now + Duration::days(AHEAD_DAYS),
    )
}

#[tauri::command]
pub(crate) async fn agenda(state: State<'_, Shared>) -> CmdResult<Vec<AgendaEntry>> {
    let client = &state.backend().await?.client;
    let names: HashMap<String, String> = client
        .mailboxes()
        .await?
        .into_iter()
        .map(|m| (m.id, m.owner_name))
        .collect();
    let (from, to) = span(Utc::now());
    Ok(client
        .agenda(from, to)
        .await?
        .into_iter()
        .map(|e| AgendaEntry {
            mailbox_name: names.get(&e.mailbox_id).cloned().unwrap_or_default(),
            mailbox_id: e.mailbox_id,
            message_id: e.message_id,
            item: e.item,
        })
        .collect())
}

/// `IcsScope` of `ipc.ts`: `'all'`, or one message (and perhaps one of its items).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum IcsScope {
    All(AllTag),
    #[serde(rename_all = "camelCase")]
    Message {
        mailbox_id: String,
        message_id: String,
        uid: Option<String>,
    },
}

/// The string `"all"`.
#[derive(Debug, Deserialize)]
pub(crate) enum AllTag {
    #[serde(rename = "all")]
    All,
}

#[tauri::command]
pub(crate) async fn export_ics(
    window: WebviewWindow,
    state: State<'_, Shared>,
    scope: IcsScope,
) -> CmdResult<Option<SavedFile>> {
    let client = &state.backend().await?.client;
    let now = Utc::now();
    let (ics, name) = match scope {
        IcsScope::All(AllTag::All) => {
            let (from, to) = span(now);
            (
                client.export_ics(from, to).await?,
                "Brevdue-aftaler.ics".to_owned(),
            )
        }
        IcsScope::Message {
            mailbox_id,
            message_id,
            uid,
        } => {
            let message = message_in(client, &mailbox_id, &message_id).await?;
            let uid = uid
                .as_deref()
                .map(|u| check_text("uid", u, 500))
                .transpose()?;
            let items: Vec<AgendaItem> = message
                .agenda
                .into_iter()
                .filter(|i| uid.is_none_or(|u| i.uid == u))
                .collect();
            if items.is_empty() {
                return Err(CommandError::not_found(
                    "the message has nothing for a calendar",
                ));
            }
            let title: String = message.item.label.chars().take(80).collect();
            (
                brevdue_memo::ics::to_ics(&items, now),
                safe_file_name(&format!("{title}.ics")),
            )
        }
    };
    let Some(path) = save::choose(
        &window,
        "Gem kalenderfil",
        &name,
        Some(("iCalendar", &["ics"])),
    )
    .await
    else {
        return Ok(None);
    };
    save::write(&path, ics.as_bytes()).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_as_the_ui_sends_them() {
        assert!(matches!(
            serde_json::from_str::<IcsScope>("\"all\"").unwrap(),
            IcsScope::All(AllTag::All)
        ));
        let one: IcsScope =
            serde_json::from_str(r#"{"mailboxId":"m1","messageId":"x","uid":"u@brevdue"}"#)
                .unwrap();
        assert!(matches!(one, IcsScope::Message { uid: Some(ref u), .. } if u == "u@brevdue"));
        let no_uid: IcsScope =
            serde_json::from_str(r#"{"mailboxId":"m1","messageId":"x"}"#).unwrap();
        assert!(matches!(no_uid, IcsScope::Message { uid: None, .. }));
        assert!(serde_json::from_str::<IcsScope>("\"everything\"").is_err());
        assert!(serde_json::from_str::<IcsScope>(r#"{"mailboxId":"m1"}"#).is_err());
    }
}
