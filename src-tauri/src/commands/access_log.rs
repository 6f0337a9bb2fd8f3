//! `access_log`: "Hvem har læst min post": what representatives (people with read access to
//! a mailbox the user owns) listed and read there, and when. The core records it and shows it
//! to the owner only (`GET /apis/v1/mailboxes/{id}/access-log`); for a representative this is
//! `forbidden`. Each entry about a letter carries the letter's subject from the cache, so the
//! owner sees which letter without opening it.

use std::collections::HashMap;

use brevdue_api::{AccessKind, AccessLogEntry};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;

use crate::error::CmdResult;
use crate::state::Shared;

use super::check_id;

/// One entry of "Hvem har læst min post", newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessEntry {
    id: i64,
    /// The representative's name.
    name: String,
    kind: Kind,
    message_id: Option<String>,
    /// The letter's subject, when the letter is known (it may have been deleted since).
    message_label: Option<String>,
    at: DateTime<Utc>,
}

/// What a representative did in a mailbox the user owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "app/", rename = "AccessEntryKind")
)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    ListMessages,
    ReadMessage,
    ReadFile,
}

impl From<AccessKind> for Kind {
    fn from(k: AccessKind) -> Self {
        match k {
            AccessKind::ListMessages => Kind::ListMessages,
            AccessKind::ReadMessage => Kind::ReadMessage,
            AccessKind::ReadFile => Kind::ReadFile,
        }
    }
}

impl AccessEntry {
    fn new(e: AccessLogEntry, message_label: Option<String>) -> Self {
        AccessEntry {
            id: e.id,
            name: e.name,
            kind: e.kind.into(),
            message_id: e.message_id,
            message_label,
            at: e.access_date_time,
        }
    }
}

/// The newest entries first (at most `brevdue_client::ACCESS_LOG_LIMIT`).
#[tauri::command]
pub(crate) async fn access_log(
    state: State<'_, Shared>,
    mailbox_id: String,
) -> CmdResult<Vec<AccessEntry>> {
    let client = &state.backend().await?.client;
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    let entries = client.access_log(mailbox_id).await?;
    let mut labels: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let label = match &e.message_id {
            Some(id) => match labels.get(id) {
                Some(label) => label.clone(),
                None => {
                    // A letter gone from the mailbox (or not synced yet) is shown without its
                    // subject; the ids came from the server and are only looked up, never used
                    // as paths.
                    let label = match check_id("messageId", id) {
                        Ok(id) => client.message(id).await.ok().map(|m| m.item.label),
                        Err(_) => None,
                    };
                    labels.insert(id.clone(), label.clone());
                    label
                }
            },
            None => None,
        };
        out.push(AccessEntry::new(e, label));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_as_the_ui_reads_them() {
        let e = AccessLogEntry {
            id: 7,
            mailbox_id: "mb".into(),
            person_id: "anders-holm".into(),
            name: "Anders Holm".into(),
            representative_id: Some("r1".into()),
            kind: AccessKind::ReadMessage,
            message_id: Some("m1".into()),
            access_date_time: "2026-11-27T09:00:00Z".parse().unwrap(),
        };
        let json = serde_json::to_value(AccessEntry::new(e, Some("Besøg".into()))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": 7,
                "name": "Anders Holm",
                "kind": "read_message",
                "messageId": "m1",
                "messageLabel": "Besøg",
                "at": "2026-11-27T09:00:00Z",
            })
        );
    }
}
