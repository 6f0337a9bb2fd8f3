//! Writing to the public sector: finding a contact point (`search_contact_points`,
//! `contact_groups`, `group_contact_points`, `contact_point`), drafts (`prepare_draft`,
//! `save_draft`, `drafts`, `draft`, `delete_draft`), sending (`send_message`, through the
//! client's outbox: exactly once), attachments chosen in a dialog Rust opens
//! (`pick_attachments`, `forget_attachment`; dropped files come as the `attachments-dropped`
//! event, see `main.rs`), the conversation of a letter (`thread`) and the contact point link
//! the app was started with (`take_compose_link`).
//!
//! Each command checks its arguments before anything else: ids, lengths, the number of files.
//! The UI's draft (`Draft` of `types.ts`) names attachments by opaque handles; here they become
//! the paths the user chose, and a stored draft's paths become handles again.

use std::path::PathBuf;

use brevdue_client::{
    AuthorityType, Client, ContactGroup, ContactPoint, Draft, DraftAttachment, DraftId,
    DraftRecipient, ExtraFieldValue,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tauri::{State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;

use crate::attachments::{Attachment, MAX_PER_PICK, Registry, check_handle};
use crate::deep_link::ComposeRequest;
use crate::error::{CmdResult, CommandError};
use crate::state::Shared;

use super::{check_id, check_text};

/// The longest search text.
const MAX_QUERY_CHARS: usize = 200;
/// The longest subject (the client's own limit, MeMo's label).
const MAX_SUBJECT_CHARS: usize = brevdue_client::MAX_SUBJECT_CHARS;
/// The longest message text.
const MAX_BODY_CHARS: usize = 50_000;
/// The longest label or value of an extra field.
const MAX_EXTRA_CHARS: usize = 200;
/// A contact point asks for at most 2 extra fields.
const MAX_EXTRA_FIELDS: usize = 2;
/// The most contact points a group lists.
const GROUP_PAGE: u32 = 100;

/// `DraftKind` of `types.ts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) enum DraftKind {
    New,
    Reply,
    Forward,
}

/// `Addressee` of `types.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum Addressee {
    /// `authorityCvr`: the contact point's authority, as the UI read it with the contact point;
    /// with it a message can be queued while the core cannot be reached (empty: looked up
    /// when sent, which needs the core).
    ContactPoint {
        id: String,
        label: String,
        #[serde(default, rename = "authorityCvr")]
        #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
        authority_cvr: String,
    },
    Cpr {
        id: String,
    },
    Cvr {
        id: String,
    },
}

/// `ExtraFieldValue` of `types.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "app/", rename = "ExtraFieldValue")
)]
pub(crate) struct ExtraField {
    label: String,
    value: String,
}

/// `Draft` of `types.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "app/", rename = "Draft")
)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UiDraft {
    id: Option<String>,
    mailbox_id: String,
    kind: DraftKind,
    original_message_id: Option<String>,
    authority_type: Option<AuthorityType>,
    recipient: Option<Addressee>,
    subject: String,
    body: String,
    extra_fields: Vec<ExtraField>,
    attachments: Vec<HandleRef>,
    /// Always sent; the UI may leave it out (serde's default).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    updated: Option<DateTime<Utc>>,
}

/// An attachment as the UI sends it back: only the handle counts; name and size are Rust's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct HandleRef {
    handle: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    size: u64,
}

/// `DraftSummary` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct DraftSummary {
    id: String,
    kind: DraftKind,
    subject: String,
    recipient_label: Option<String>,
    updated: DateTime<Utc>,
}

/// `SendReceipt` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendReceipt {
    message_uuid: String,
    queued: bool,
}

/// `ThreadEntry` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThreadEntry {
    message_id: String,
    label: String,
    sender_label: String,
    received_date_time: DateTime<Utc>,
    sent: bool,
}

// ------------------------------------------------------------------ checks and conversions

fn check_draft(d: &UiDraft) -> CmdResult<()> {
    check_id("mailboxId", &d.mailbox_id)?;
    if let Some(id) = &d.id {
        check_draft_id(id)?;
    }
    if let Some(id) = &d.original_message_id {
        check_id("originalMessageId", id)?;
    }
    if d.subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(CommandError::invalid("subject: too long"));
    }
    check_text("subject", &d.subject, MAX_SUBJECT_CHARS)?;
    if d.body.chars().count() > MAX_BODY_CHARS {
        return Err(CommandError::invalid("body: too long"));
    }
    if d.body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CommandError::invalid("body: holds control characters"));
    }
    if d.extra_fields.len() > MAX_EXTRA_FIELDS {
        return Err(CommandError::invalid("at most 2 extra fields"));
    }
    for f in &d.extra_fields {
        check_text("extra field", &f.label, MAX_EXTRA_CHARS)?;
        check_text("extra field", &f.value, MAX_EXTRA_CHARS)?;
    }
    if d.attachments.len() > MAX_PER_PICK {
        return Err(CommandError::invalid(format!(
            "at most {MAX_PER_PICK} attachments"
        )));
    }
    for a in &d.attachments {
        check_handle(&a.handle)?;
    }
    match &d.recipient {
        Some(Addressee::ContactPoint {
            id,
            label,
            authority_cvr,
        }) => {
            check_id("contact point", id)?;
            check_text("recipient", label, 400)?;
            if !authority_cvr.is_empty() && !digits(authority_cvr, 8) {
                return Err(CommandError::invalid("a CVR number has 8 digits"));
            }
        }
        Some(Addressee::Cpr { id }) if !digits(id, 10) => {
            return Err(CommandError::invalid("a CPR number has 10 digits"));
        }
        Some(Addressee::Cvr { id }) if !digits(id, 8) => {
            return Err(CommandError::invalid("a CVR number has 8 digits"));
        }
        _ => {}
    }
    Ok(())
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_draft_id(id: &str) -> CmdResult<&str> {
    uuid::Uuid::parse_str(id)
        .map(|_| id)
        .map_err(|_| CommandError::invalid("not a draft id"))
}

fn to_recipient(a: &Addressee) -> DraftRecipient {
    match a {
        Addressee::ContactPoint {
            id,
            label,
            authority_cvr,
        } => DraftRecipient::ContactPoint {
            id: id.clone(),
            authority_cvr: authority_cvr.clone(),
            label: label.clone(),
        },
        Addressee::Cpr { id } => DraftRecipient::Citizen { cpr: id.clone() },
        Addressee::Cvr { id } => DraftRecipient::Company { cvr: id.clone() },
    }
}

fn from_recipient(r: &DraftRecipient) -> Addressee {
    match r {
        DraftRecipient::ContactPoint {
            id,
            label,
            authority_cvr,
        } => Addressee::ContactPoint {
            id: id.clone(),
            label: label.clone(),
            authority_cvr: authority_cvr.clone(),
        },
        DraftRecipient::Citizen { cpr } => Addressee::Cpr { id: cpr.clone() },
        DraftRecipient::Company { cvr } => Addressee::Cvr { id: cvr.clone() },
    }
}

fn recipient_label(r: &DraftRecipient) -> String {
    match r {
        DraftRecipient::ContactPoint { label, id, .. } if label.is_empty() => id.clone(),
        DraftRecipient::ContactPoint { label, .. } => label.clone(),
        // Never the whole CPR number in a list: the last four digits are hidden.
        DraftRecipient::Citizen { cpr } => format!("CPR {}-xxxx", cpr.get(..6).unwrap_or("")),
        DraftRecipient::Company { cvr } => format!("CVR {cvr}"),
    }
}

fn kind_of(d: &Draft) -> DraftKind {
    if d.reply_data.is_some() {
        DraftKind::Reply
    } else if d.forward_data.is_some() {
        DraftKind::Forward
    } else {
        DraftKind::New
    }
}

/// The client's draft for what the UI sent: the stored draft (or, for a new one, an empty
/// draft) with the UI's fields on top. The stored draft keeps a reply's `ReplyData` and a
/// forward's `ForwardData`.
async fn to_client(client: &Client, registry: &Registry, ui: &UiDraft) -> CmdResult<Draft> {
    let mut draft = match &ui.id {
        Some(id) => client.draft(&DraftId(id.clone())).await?,
        None => Draft::new(ui.mailbox_id.clone()),
    };
    if draft.mailbox_id != ui.mailbox_id {
        return Err(CommandError::invalid(
            "the draft belongs to another mailbox",
        ));
    }
    // A reply goes where the original came from; the UI cannot redirect it.
    if draft.reply_data.is_none() {
        let mut recipient = ui.recipient.as_ref().map(to_recipient);
        // A draft saved before the UI knew the authority's CVR number keeps the one stored.
        if let (
            Some(DraftRecipient::ContactPoint {
                id, authority_cvr, ..
            }),
            Some(DraftRecipient::ContactPoint {
                id: stored_id,
                authority_cvr: stored_cvr,
                ..
            }),
        ) = (&mut recipient, &draft.recipient)
            && authority_cvr.is_empty()
            && id == stored_id
        {
            authority_cvr.clone_from(stored_cvr);
        }
        draft.recipient = recipient;
    }
    draft.subject = ui.subject.trim().to_owned();
    draft.body = ui.body.clone();
    draft.extra_fields = ui
        .extra_fields
        .iter()
        .filter(|f| !f.value.trim().is_empty())
        .map(|f| ExtraFieldValue {
            label: f.label.trim().to_owned(),
            value: f.value.trim().to_owned(),
        })
        .collect();
    let mut attachments = Vec::with_capacity(ui.attachments.len());
    for a in &ui.attachments {
        let chosen = registry.get(&a.handle)?;
        attachments.push(DraftAttachment {
            path: chosen.path,
            filename: Some(chosen.name),
            mime_type: None,
        });
    }
    draft.attachments = attachments;
    Ok(draft)
}

/// The UI's draft for a stored one; its files get handles again.
fn to_ui(registry: &Registry, draft: &Draft, original: Option<String>) -> CmdResult<UiDraft> {
    let mut attachments = Vec::new();
    for a in &draft.attachments {
        // A file the user moved away since is left out; the draft still opens.
        if let Some(got) = registry.register(std::slice::from_ref(&a.path))?.pop() {
            attachments.push(HandleRef {
                handle: got.handle,
                name: a.filename.clone().unwrap_or(got.name),
                size: got.size,
            });
        }
    }
    Ok(UiDraft {
        id: draft.id.as_ref().map(|i| i.0.clone()),
        mailbox_id: draft.mailbox_id.clone(),
        kind: kind_of(draft),
        original_message_id: original,
        authority_type: None,
        recipient: draft.recipient.as_ref().map(from_recipient),
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        extra_fields: draft
            .extra_fields
            .iter()
            .map(|f| ExtraField {
                label: f.label.clone(),
                value: f.value.clone(),
            })
            .collect(),
        attachments,
        updated: Some(draft.updated),
    })
}

// ------------------------------------------------------------------ contact points

/// Contact points matching `query` (every word narrows), of one kind of authority.
#[tauri::command]
pub(crate) async fn search_contact_points(
    query: String,
    authority_type: AuthorityType,
    state: State<'_, Shared>,
) -> CmdResult<Vec<ContactPoint>> {
    let query = check_text("query", &query, MAX_QUERY_CHARS)?;
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let client = &state.backend().await?.client;
    Ok(client
        .search_contact_points(query, Some(authority_type))
        .await?)
}

/// The contact groups with their paths, of the authorities of the kind chosen (as search is).
#[tauri::command]
pub(crate) async fn contact_groups(
    authority_type: AuthorityType,
    state: State<'_, Shared>,
) -> CmdResult<Vec<ContactGroup>> {
    let client = &state.backend().await?.client;
    Ok(client
        .contact_groups(None, Some(authority_type))
        .await?
        .items)
}

/// The visible contact points of one group.
#[tauri::command]
pub(crate) async fn group_contact_points(
    group_id: String,
    state: State<'_, Shared>,
) -> CmdResult<Vec<ContactPoint>> {
    let group_id = check_id("groupId", &group_id)?;
    let client = &state.backend().await?.client;
    Ok(client
        .group_contact_points(group_id, 0, GROUP_PAGE)
        .await?
        .items)
}

/// One contact point (a deep link's, or a draft's).
#[tauri::command]
pub(crate) async fn contact_point(id: String, state: State<'_, Shared>) -> CmdResult<ContactPoint> {
    let id = check_id("id", &id)?;
    let client = &state.backend().await?.client;
    Ok(client.contact_point(id).await?)
}

// ------------------------------------------------------------------ drafts

/// Starts a reply or a forward of a message: the client makes the draft (a reply to the
/// sender with `ReplyData`; a forward with `ForwardData` and the letter's files), and it is
/// saved at once so that these stay with it.
#[tauri::command]
pub(crate) async fn prepare_draft(
    mailbox_id: String,
    kind: DraftKind,
    message_id: String,
    state: State<'_, Shared>,
) -> CmdResult<UiDraft> {
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    let message_id = check_id("messageId", &message_id)?;
    let client = &state.backend().await?.client;
    let mut draft = match kind {
        DraftKind::Reply => client.reply_to(message_id).await?,
        DraftKind::Forward => {
            // The recipient is chosen next; the client needs one to build the draft.
            let placeholder = DraftRecipient::Citizen { cpr: String::new() };
            let mut d = client.forward(message_id, placeholder, None).await?;
            d.recipient = None;
            d
        }
        DraftKind::New => return Err(CommandError::invalid("only a reply or a forward")),
    };
    if draft.mailbox_id != mailbox_id {
        return Err(CommandError::invalid("the message is in another mailbox"));
    }
    let id = client.save_draft(draft.clone()).await?;
    draft.id = Some(id);
    to_ui(&state.attachments, &draft, Some(message_id.to_owned()))
}

/// Saves the draft as the user types; returns it with its id and time.
#[tauri::command]
pub(crate) async fn save_draft(draft: UiDraft, state: State<'_, Shared>) -> CmdResult<UiDraft> {
    check_draft(&draft)?;
    let client = &state.backend().await?.client;
    let stored = to_client(client, &state.attachments, &draft).await?;
    let id = client.save_draft(stored).await?;
    let saved = client.draft(&id).await?;
    Ok(UiDraft {
        id: Some(id.0),
        updated: Some(saved.updated),
        ..draft
    })
}

/// The drafts of a mailbox, the last saved first.
#[tauri::command]
pub(crate) async fn drafts(
    mailbox_id: String,
    state: State<'_, Shared>,
) -> CmdResult<Vec<DraftSummary>> {
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    let client = &state.backend().await?.client;
    Ok(client
        .drafts(mailbox_id)
        .await?
        .into_iter()
        .filter_map(|d| {
            Some(DraftSummary {
                id: d.id.as_ref()?.0.clone(),
                kind: kind_of(&d),
                subject: d.subject.clone(),
                recipient_label: d.recipient.as_ref().map(recipient_label),
                updated: d.updated,
            })
        })
        .collect())
}

/// One draft, its files with new handles, and the letter a reply or forward is about.
#[tauri::command]
pub(crate) async fn draft(id: String, state: State<'_, Shared>) -> CmdResult<UiDraft> {
    let id = check_draft_id(&id)?;
    let client = &state.backend().await?.client;
    let stored = client.draft(&DraftId(id.to_owned())).await?;
    // A reply or forward reopened (also after a restart) names its letter again, so compose
    // shows what it answers.
    let original = client.draft_original(&stored).await?.map(|m| m.item.id);
    to_ui(&state.attachments, &stored, original)
}

/// Deletes a draft.
#[tauri::command]
pub(crate) async fn delete_draft(id: String, state: State<'_, Shared>) -> CmdResult<()> {
    let id = check_draft_id(&id)?;
    let client = &state.backend().await?.client;
    Ok(client.delete_draft(&DraftId(id.to_owned())).await?)
}

// ------------------------------------------------------------------ sending

/// Sends the draft: the client checks it (recipient, limits, reply rules), copies its files,
/// gives it a messageUUID and queues it, then sends it now or when it can: exactly once.
#[tauri::command]
pub(crate) async fn send_message(
    draft: UiDraft,
    state: State<'_, Shared>,
) -> CmdResult<SendReceipt> {
    check_draft(&draft)?;
    if draft.recipient.is_none() && draft.kind != DraftKind::Reply {
        return Err(CommandError::invalid("no recipient"));
    }
    if draft.subject.trim().is_empty() {
        return Err(CommandError::invalid("no subject"));
    }
    let client = &state.backend().await?.client;
    let message = to_client(client, &state.attachments, &draft).await?;
    let uuid = client.send(message).await?;
    for a in &draft.attachments {
        state.attachments.forget(&a.handle);
    }
    // A round of sync now: it sends the message if it still waits and brings it into SENT.
    state.sync_now().await;
    let queued = client
        .outgoing()
        .await
        .map(|waiting| waiting.iter().any(|m| m.message_uuid == uuid))
        .unwrap_or(true);
    Ok(SendReceipt {
        message_uuid: uuid.to_string(),
        queued,
    })
}

/// How many of a mailbox's newest messages are looked through for a conversation.
const THREAD_SCAN: u32 = 200;

/// The conversation of a message, oldest first: the message, the messages it answers, the
/// messages that answer it, and other answers to the same message (linked by the messageUUIDs
/// of `ReplyData`), among the mailbox's newest 200 messages in the cache.
#[tauri::command]
pub(crate) async fn thread(
    mailbox_id: String,
    message_id: String,
    state: State<'_, Shared>,
) -> CmdResult<Vec<ThreadEntry>> {
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    let message_id = check_id("messageId", &message_id)?;
    let client = &state.backend().await?.client;
    let sent_folder = client
        .folders(mailbox_id)
        .await?
        .into_iter()
        .find(|f| f.folder_type == brevdue_api::FolderType::Sent)
        .map(|f| f.id);
    let entry = |m: &brevdue_client::cache::CachedMessage| ThreadEntry {
        message_id: m.item.id.clone(),
        label: m.item.label.clone(),
        sender_label: m.item.sender.clone(),
        received_date_time: m.item.received,
        sent: sent_folder.as_deref() == Some(m.item.folder_id.as_str()),
    };
    let this = client.message(message_id).await?;
    if this.item.mailbox_id != mailbox_id {
        return Err(CommandError::not_found("no such message in the mailbox"));
    }
    let mut out = vec![entry(&this)];
    let Some(detail) = &this.detail else {
        return Ok(out);
    };
    let own = detail.memo.message_uuid;
    let answers: Vec<uuid::Uuid> = detail
        .memo
        .reply_data
        .iter()
        .map(|r| r.message_uuid)
        .collect();
    let items = client
        .messages(&brevdue_client::cache::ListQuery {
            mailbox_id: mailbox_id.to_owned(),
            size: THREAD_SCAN,
            ..brevdue_client::cache::ListQuery::default()
        })
        .await?;
    for item in items.iter().filter(|i| i.id != this.item.id) {
        let Ok(other) = client.message(&item.id).await else {
            continue;
        };
        let Some(d) = &other.detail else {
            continue;
        };
        let related = answers.contains(&d.memo.message_uuid)
            || d.memo
                .reply_data
                .iter()
                .any(|r| r.message_uuid == own || answers.contains(&r.message_uuid));
        if related {
            out.push(entry(&other));
        }
    }
    out.sort_by_key(|e| e.received_date_time);
    Ok(out)
}

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
        .set_title("Vedhæft filer")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> UiDraft {
        UiDraft {
            id: None,
            mailbox_id: "mb-1".into(),
            kind: DraftKind::New,
            original_message_id: None,
            authority_type: Some(AuthorityType::Municipality),
            recipient: Some(Addressee::ContactPoint {
                id: "pas".into(),
                label: "Fjordmark Kommune: Pas".into(),
                authority_cvr: "29189846".into(),
            }),
            subject: "Nyt pas".into(),
            body: "Hej\nmed linjeskift\ttab".into(),
            extra_fields: vec![ExtraField {
                label: "Barnets CPR-nummer".into(),
                value: String::new(),
            }],
            attachments: vec![],
            updated: None,
        }
    }

    #[test]
    fn a_good_draft_passes_and_its_json_is_the_uis() {
        check_draft(&draft()).unwrap();
        let json = serde_json::to_value(draft()).unwrap();
        assert_eq!(json["mailboxId"], "mb-1");
        assert_eq!(json["authorityType"], "MUNICIPALITY");
        assert_eq!(json["recipient"]["kind"], "contactPoint");
        assert_eq!(json["recipient"]["authorityCvr"], "29189846");
        let back: UiDraft = serde_json::from_value(serde_json::json!({
            "id": null, "mailboxId": "m", "kind": "forward", "originalMessageId": "x",
            "authorityType": null, "recipient": {"kind": "cpr", "id": "0101901234"},
            "subject": "", "body": "", "extraFields": [],
            "attachments": [{"handle": "h", "name": "a.pdf", "size": 3}]
        }))
        .unwrap();
        assert_eq!(back.kind, DraftKind::Forward);
        assert_eq!(
            back.recipient,
            Some(Addressee::Cpr {
                id: "0101901234".into()
            })
        );
    }

    type Change = Box<dyn Fn(&mut UiDraft)>;

    #[test]
    fn bad_drafts_are_refused() {
        let cases: Vec<(&str, Change)> = vec![
            ("mailbox", Box::new(|d| d.mailbox_id = "../x".into())),
            ("draft id", Box::new(|d| d.id = Some("not-a-uuid".into()))),
            (
                "subject",
                Box::new(|d| d.subject = "x".repeat(MAX_SUBJECT_CHARS + 1)),
            ),
            (
                "body",
                Box::new(|d| d.body = "x".repeat(MAX_BODY_CHARS + 1)),
            ),
            ("control", Box::new(|d| d.body = "a\u{0}b".into())),
            (
                "cpr",
                Box::new(|d| d.recipient = Some(Addressee::Cpr { id: "12345".into() })),
            ),
            (
                "authority cvr",
                Box::new(|d| {
                    d.recipient = Some(Addressee::ContactPoint {
                        id: "pas".into(),
                        label: "Pas".into(),
                        authority_cvr: "2918984x".into(),
                    })
                }),
            ),
            (
                "cvr",
                Box::new(|d| {
                    d.recipient = Some(Addressee::Cvr {
                        id: "1234567a".into(),
                    })
                }),
            ),
            (
                "three extra fields",
                Box::new(|d| {
                    d.extra_fields = (0..3)
                        .map(|i| ExtraField {
                            label: format!("f{i}"),
                            value: String::new(),
                        })
                        .collect()
                }),
            ),
            (
                "handle",
                Box::new(|d| {
                    d.attachments = vec![HandleRef {
                        handle: "/etc/passwd".into(),
                        name: String::new(),
                        size: 0,
                    }]
                }),
            ),
        ];
        for (what, change) in cases {
            let mut d = draft();
            change(&mut d);
            assert!(check_draft(&d).is_err(), "{what}");
        }
    }

    #[test]
    fn a_cpr_number_is_never_shown_whole_in_the_list() {
        let label = recipient_label(&DraftRecipient::Citizen {
            cpr: "0101901234".into(),
        });
        assert_eq!(label, "CPR 010190-xxxx");
        assert!(!label.contains("1234"));
    }
}
