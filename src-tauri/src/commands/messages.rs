//! The letters of a folder and what the reader does with one: `list_messages`, `get_message`,
//! `mark_read`, `set_flagged`, `move_message`, `delete_message`, `print_message` and
//! `open_entry_point`.
//!
//! Lists come from the local cache. The cache lists a folder newest first in SQL; the other
//! orders and search results are sorted here (see [`list_messages`]).

use brevdue_client::Client;
use brevdue_client::cache::{ListQuery, MAX_PAGE_SIZE, MessageListItem, RowMarks};
use brevdue_memo::{AgendaItem, AgendaKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, WebviewWindow};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::links::web_address;
use crate::state::Shared;

use super::{check_id, check_text};

/// The longest search text.
const MAX_SEARCH_LEN: usize = 200;
/// The most search hits looked at.
const MAX_SEARCH_HITS: u32 = MAX_PAGE_SIZE;
/// The highest offset into a list.
const MAX_OFFSET: u32 = 10_000_000;

/// `SortOrder` of `types.ts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "snake_case")]
pub(crate) enum SortOrder {
    ReceivedDesc,
    ReceivedAsc,
    Sender,
    Subject,
}

/// `NextEvent` of `types.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct NextEvent {
    kind: AgendaKind,
    at: DateTime<Utc>,
}

/// `MessageSummary` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageSummary {
    id: String,
    label: String,
    sender_label: String,
    received_date_time: DateTime<Utc>,
    read: bool,
    flagged: bool,
    has_actions: bool,
    next_event: Option<NextEvent>,
    mandatory: bool,
    legal_notification: bool,
}

/// `MessagePage` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct MessagePage {
    total: u64,
    items: Vec<MessageSummary>,
}

/// `MessageDetail` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageDetail {
    id: String,
    mailbox_id: String,
    folder_id: String,
    read: bool,
    flagged: bool,
    version: String,
    received_date_time: DateTime<Utc>,
    memo: brevdue_memo::Message,
    agenda: Vec<AgendaItem>,
}

impl MessageDetail {
    /// A message opened from a file (`memo_file`): in no mailbox or folder, already read.
    pub(crate) fn from_file(file: &crate::memo_file::MemoFile) -> Self {
        MessageDetail {
            id: "file".into(),
            mailbox_id: "file".into(),
            folder_id: String::new(),
            read: true,
            flagged: false,
            version: String::new(),
            received_date_time: file.created,
            memo: file.message.clone(),
            agenda: file.agenda.clone(),
        }
    }
}

/// A page of a folder's letters.
///
/// Newest first without search is the cache's own order: one page (or two, when `offset` is
/// not a multiple of `limit`) is read, and the total is the folder's count. Other orders read
/// the whole folder from the cache and sort it here, and search looks at the best
/// [`MAX_SEARCH_HITS`] hits of the mailbox: correct, but slower on very large folders than an
/// order in SQL would be.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub(crate) async fn list_messages(
    state: State<'_, Shared>,
    mailbox_id: String,
    folder_id: String,
    search: Option<String>,
    unread_only: Option<bool>,
    sort: SortOrder,
    offset: u32,
    limit: u32,
) -> CmdResult<MessagePage> {
    let client = &state.backend().await?.client;
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    let folder_id = check_id("folderId", &folder_id)?;
    let search = check_text("search", search.as_deref().unwrap_or(""), MAX_SEARCH_LEN)?;
    if limit == 0 || limit > MAX_PAGE_SIZE || offset > MAX_OFFSET {
        return Err(CommandError::invalid(format!(
            "limit must be 1 to {MAX_PAGE_SIZE} and offset at most {MAX_OFFSET}"
        )));
    }
    // An unknown mailbox has no folders, so this also refuses a mailbox that is not the user's.
    let folder = client
        .folders(mailbox_id)
        .await?
        .into_iter()
        .find(|f| f.id == folder_id)
        .ok_or_else(|| CommandError::not_found("no such folder in the mailbox"))?;
    let unread_only = unread_only.unwrap_or(false);
    let query = ListQuery {
        mailbox_id: mailbox_id.to_owned(),
        folder_id: Some(folder_id.to_owned()),
        read: unread_only.then_some(false),
        ..ListQuery::default()
    };
    let (total, page) = if !search.is_empty() {
        let mut hits = client
            .search(search, Some(mailbox_id), MAX_SEARCH_HITS)
            .await?;
        hits.retain(|m| m.folder_id == folder_id && !(unread_only && m.read));
        sort_items(&mut hits, sort);
        (hits.len() as u64, window(hits, offset, limit))
    } else if sort == SortOrder::ReceivedDesc {
        let total = if unread_only {
            folder.unread_count
        } else {
            folder.total_count
        };
        (total, newest_first(client, query, offset, limit).await?)
    } else {
        let mut all = whole_list(client, query).await?;
        sort_items(&mut all, sort);
        (all.len() as u64, window(all, offset, limit))
    };
    let now = Utc::now();
    let ids: Vec<&str> = page.iter().map(|item| item.id.as_str()).collect();
    let mut marks = client.row_marks(&ids).await?;
    let items = page
        .into_iter()
        .map(|item| {
            let marks = marks.remove(&item.id).unwrap_or_default();
            summary(item, &marks, now)
        })
        .collect();
    Ok(MessagePage { total, items })
}

/// Letters `offset..offset + limit` in the cache's order (newest first).
async fn newest_first(
    client: &Client,
    query: ListQuery,
    offset: u32,
    limit: u32,
) -> CmdResult<Vec<MessageListItem>> {
    let first = offset / limit;
    let skip = (offset % limit) as usize;
    let mut items = client
        .messages(&ListQuery {
            page: first,
            size: limit,
            ..query.clone()
        })
        .await?;
    if skip > 0 && items.len() == limit as usize {
        items.extend(
            client
                .messages(&ListQuery {
                    page: first + 1,
                    size: limit,
                    ..query
                })
                .await?,
        );
    }
    Ok(items.into_iter().skip(skip).take(limit as usize).collect())
}

/// Every letter of the query, page by page.
async fn whole_list(client: &Client, query: ListQuery) -> CmdResult<Vec<MessageListItem>> {
    let mut all = Vec::new();
    for page in 0.. {
        let items = client
            .messages(&ListQuery {
                page,
                size: MAX_PAGE_SIZE,
                ..query.clone()
            })
            .await?;
        let last = items.len() < MAX_PAGE_SIZE as usize;
        all.extend(items);
        if last {
            break;
        }
    }
    Ok(all)
}

fn window(items: Vec<MessageListItem>, offset: u32, limit: u32) -> Vec<MessageListItem> {
    items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect()
}

fn sort_items(items: &mut [MessageListItem], sort: SortOrder) {
    let newest_first = |a: &MessageListItem, b: &MessageListItem| {
        b.received.cmp(&a.received).then_with(|| a.id.cmp(&b.id))
    };
    match sort {
        SortOrder::ReceivedDesc => items.sort_by(newest_first),
        SortOrder::ReceivedAsc => items.sort_by(|a, b| newest_first(b, a)),
        SortOrder::Sender => items.sort_by_cached_key(|m| {
            (
                danish_key(&m.sender),
                std::cmp::Reverse(m.received),
                m.id.clone(),
            )
        }),
        SortOrder::Subject => items.sort_by_cached_key(|m| {
            (
                danish_key(&m.label),
                std::cmp::Reverse(m.received),
                m.id.clone(),
            )
        }),
    }
}

/// A sort key that puts æ, ø and å after z, in that order, as Danish does; case ignored.
fn danish_key(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' | 'ä' => '\u{F0000}',
            'ø' | 'ö' => '\u{F0001}',
            'å' => '\u{F0002}',
            c => c,
        })
        .collect()
}

/// A list row with the markings only the message itself knows (mandatory, legal
/// notification, its next appointment or deadline), from the cache. A message whose details
/// are not cached yet is shown with what the list knows; the sync fetches them, and the
/// list is drawn again when it has.
fn summary(item: MessageListItem, marks: &RowMarks, now: DateTime<Utc>) -> MessageSummary {
    MessageSummary {
        id: item.id,
        label: item.label,
        sender_label: item.sender,
        received_date_time: item.received,
        read: item.read,
        flagged: item.flagged,
        has_actions: item.has_actions,
        next_event: next_event(&marks.agenda, now),
        mandatory: marks.mandatory,
        legal_notification: marks.legal_notification,
    }
}

/// The nearest coming appointment or deadline; when none is coming, the latest deadline that
/// has passed (an overdue letter still stands out); `None` when the letter has neither.
fn next_event(agenda: &[AgendaItem], now: DateTime<Utc>) -> Option<NextEvent> {
    let event = |i: &AgendaItem| NextEvent {
        kind: i.kind,
        at: i.start,
    };
    agenda
        .iter()
        .filter(|i| i.start >= now)
        .min_by_key(|i| i.start)
        .or_else(|| {
            agenda
                .iter()
                .filter(|i| i.kind != AgendaKind::Appointment)
                .max_by_key(|i| i.start)
        })
        .map(event)
}

/// The cached message `message_id` of `mailbox_id`, or `not_found`.
pub(crate) async fn message_in(
    client: &Client,
    mailbox_id: &str,
    message_id: &str,
) -> CmdResult<brevdue_client::cache::CachedMessage> {
    let mailbox_id = check_id("mailboxId", mailbox_id)?;
    let message_id = check_id("messageId", message_id)?;
    let cached = client.message(message_id).await?;
    if cached.item.mailbox_id != mailbox_id {
        return Err(CommandError::not_found("no such message in the mailbox"));
    }
    Ok(cached)
}

#[tauri::command]
pub(crate) async fn get_message(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
) -> CmdResult<MessageDetail> {
    let client = &state.backend().await?.client;
    let cached = message_in(client, &mailbox_id, &message_id).await?;
    let detail = cached
        .detail
        .ok_or_else(|| CommandError::new(ErrorCode::Offline, "the message is not fetched yet"))?;
    let item = cached.item;
    Ok(MessageDetail {
        id: item.id,
        mailbox_id: item.mailbox_id,
        folder_id: item.folder_id,
        read: item.read,
        flagged: item.flagged,
        version: item.version.to_string(),
        received_date_time: item.received,
        memo: detail.memo,
        agenda: cached.agenda,
    })
}

#[tauri::command]
pub(crate) async fn mark_read(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
    read: bool,
) -> CmdResult<()> {
    let client = &state.backend().await?.client;
    let message = message_in(client, &mailbox_id, &message_id).await?;
    Ok(client.mark_read(&message.item.id, read).await?)
}

#[tauri::command]
pub(crate) async fn set_flagged(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
    flagged: bool,
) -> CmdResult<()> {
    let client = &state.backend().await?.client;
    let message = message_in(client, &mailbox_id, &message_id).await?;
    Ok(client.set_flagged(&message.item.id, flagged).await?)
}

#[tauri::command]
pub(crate) async fn move_message(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
    folder_id: String,
) -> CmdResult<()> {
    let client = &state.backend().await?.client;
    let message = message_in(client, &mailbox_id, &message_id).await?;
    let folder_id = check_id("folderId", &folder_id)?;
    Ok(client.move_to(&message.item.id, folder_id).await?)
}

#[tauri::command]
pub(crate) async fn delete_message(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
) -> CmdResult<()> {
    let client = &state.backend().await?.client;
    let message = message_in(client, &mailbox_id, &message_id).await?;
    Ok(client.delete(&message.item.id).await?)
}

/// Opens the system's print dialog for the window; the UI has laid the open message out for
/// paper (its print style sheet).
#[tauri::command]
pub(crate) async fn print_message(
    window: WebviewWindow,
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
) -> CmdResult<()> {
    let client = &state.backend().await?.client;
    message_in(client, &mailbox_id, &message_id).await?;
    window
        .print()
        .map_err(|e| CommandError::internal(format!("printing failed: {e}")))
}

/// Opens an action's web address in the system browser (never in the app's window).
#[tauri::command]
pub(crate) fn open_entry_point(app: AppHandle, url: String) -> CmdResult<()> {
    let url = web_address(&url).map_err(CommandError::invalid)?;
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| CommandError::internal(format!("the browser could not be opened: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap()
    }

    fn item(kind: AgendaKind, day: u32) -> AgendaItem {
        AgendaItem {
            kind,
            uid: format!("{kind:?}{day}"),
            title: "t".into(),
            start: at(day),
            end: None,
            location: None,
            description: None,
            organizer_name: None,
            organizer_mail: None,
            action_code: None,
            entry_point: None,
            message_uuid: uuid::Uuid::nil(),
            message_label: "m".into(),
            sender_label: "s".into(),
        }
    }

    #[test]
    fn next_event_is_the_nearest_coming_else_the_latest_passed_deadline() {
        let now = at(10);
        let agenda = [
            item(AgendaKind::Appointment, 20),
            item(AgendaKind::ReplyDeadline, 15),
            item(AgendaKind::ActionDeadline, 2),
        ];
        assert_eq!(
            next_event(&agenda, now),
            Some(NextEvent {
                kind: AgendaKind::ReplyDeadline,
                at: at(15)
            })
        );
        let passed = [
            item(AgendaKind::Appointment, 8),
            item(AgendaKind::ActionDeadline, 3),
            item(AgendaKind::ReplyDeadline, 5),
        ];
        assert_eq!(
            next_event(&passed, now),
            Some(NextEvent {
                kind: AgendaKind::ReplyDeadline,
                at: at(5)
            })
        );
        assert_eq!(next_event(&[item(AgendaKind::Appointment, 1)], now), None);
        assert_eq!(next_event(&[], now), None);
    }

    fn row(id: &str, sender: &str, label: &str, day: u32) -> MessageListItem {
        MessageListItem {
            id: id.into(),
            mailbox_id: "m".into(),
            folder_id: "f".into(),
            label: label.into(),
            sender: sender.into(),
            received: at(day),
            read: false,
            flagged: false,
            has_attachments: false,
            has_actions: false,
            next_deadline: None,
            version: 1,
            pending: false,
        }
    }

    #[test]
    fn sorting_orders() {
        let rows = vec![
            row("1", "Århus Kommune", "b", 3),
            row("2", "aarhus", "Æble", 1),
            row("3", "Øster Sygehus", "a", 2),
            row("4", "Zealand", "å", 4),
        ];
        let ids = |sort| {
            let mut r = rows.clone();
            sort_items(&mut r, sort);
            r.into_iter().map(|m| m.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(SortOrder::ReceivedDesc), ["4", "1", "3", "2"]);
        assert_eq!(ids(SortOrder::ReceivedAsc), ["2", "3", "1", "4"]);
        assert_eq!(ids(SortOrder::Sender), ["2", "4", "3", "1"]);
        assert_eq!(ids(SortOrder::Subject), ["3", "1", "2", "4"]);
        assert_eq!(window(rows.clone(), 1, 2).len(), 2);
        assert!(window(rows, 9, 2).is_empty());
    }

    #[test]
    fn sort_orders_parse_as_the_ui_sends_them() {
        let sort: SortOrder = serde_json::from_str("\"received_desc\"").unwrap();
        assert_eq!(sort, SortOrder::ReceivedDesc);
        assert!(serde_json::from_str::<SortOrder>("\"random\"").is_err());
    }
}
