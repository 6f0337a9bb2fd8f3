//! `mailboxes`, `folders` and `create_folder`: the mailboxes the signed-in person may use, with
//! what their access allows, and each mailbox's folders with counts.

use brevdue_api::{AccessType, FolderType, Mailbox as ApiMailbox, OwnerType};
use brevdue_client::Client;
use brevdue_client::cache::FolderView;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::State;

use crate::error::{CmdResult, CommandError, ErrorCode};
use crate::state::Shared;

use super::{check_id, check_text};

/// The longest folder name.
const MAX_FOLDER_NAME: usize = 100;

/// `Mailbox` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct Mailbox {
    id: String,
    owner_type: OwnerType,
    owner_name: String,
    access: MailboxAccess,
}

/// `MailboxAccess` of `types.ts`: the server's permissions, as the UI's buttons need them.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
struct MailboxAccess {
    access_type: AccessType,
    can_delete: bool,
    can_write: bool,
    can_reply: bool,
    can_forward: bool,
    can_move: bool,
    can_mark_read: bool,
    can_create_folders: bool,
    expires: Option<DateTime<Utc>>,
}

impl From<ApiMailbox> for Mailbox {
    fn from(m: ApiMailbox) -> Self {
        let p = m.access.permissions;
        Mailbox {
            id: m.id,
            owner_type: m.owner_type,
            owner_name: m.owner_name,
            access: MailboxAccess {
                access_type: m.access.access_type,
                can_delete: p.delete,
                can_write: p.write,
                can_reply: p.reply,
                can_forward: p.forward,
                can_move: p.move_messages,
                // The UI lets this govern flagging too: both are the reader's own markings.
                can_mark_read: p.mark_read && p.flag,
                can_create_folders: p.create_folder,
                expires: m.access.expires_date_time,
            },
        }
    }
}

/// Own mailbox first, then the companies, then read access (each group in the server's order).
fn rank(m: &ApiMailbox) -> u8 {
    match (m.access.access_type, m.owner_type) {
        (AccessType::Owner, OwnerType::Citizen) => 0,
        (AccessType::Owner, OwnerType::Organisation) => 1,
        (AccessType::PartyRepresentative, _) => 2,
    }
}

#[tauri::command]
pub(crate) async fn mailboxes(state: State<'_, Shared>) -> CmdResult<Vec<Mailbox>> {
    let mut list = state.backend().await?.client.mailboxes().await?;
    list.sort_by_key(rank);
    Ok(list.into_iter().map(Mailbox::from).collect())
}

/// `Folder` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
pub(crate) struct Folder {
    id: String,
    #[serde(rename = "type")]
    folder_type: FolderType,
    name: String,
    unread: u64,
    total: u64,
}

impl From<FolderView> for Folder {
    fn from(f: FolderView) -> Self {
        Folder {
            id: f.id,
            folder_type: f.folder_type,
            name: f.name,
            unread: f.unread_count,
            total: f.total_count,
        }
    }
}

/// The mailbox `id`, or `not_found`.
async fn known_mailbox(client: &Client, id: &str) -> CmdResult<ApiMailbox> {
    client
        .mailboxes()
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| CommandError::not_found("no such mailbox"))
}

#[tauri::command]
pub(crate) async fn folders(
    state: State<'_, Shared>,
    mailbox_id: String,
) -> CmdResult<Vec<Folder>> {
    let client = &state.backend().await?.client;
    let mailbox_id = check_id("mailboxId", &mailbox_id)?;
    known_mailbox(client, mailbox_id).await?;
    Ok(client
        .folders(mailbox_id)
        .await?
        .into_iter()
        .map(Folder::from)
        .collect())
}

#[tauri::command]
pub(crate) async fn create_folder(
    state: State<'_, Shared>,
    mailbox_id: String,
    name: String,
) -> CmdResult<Folder> {
    let client = &state.backend().await?.client;
    let mailbox = known_mailbox(client, check_id("mailboxId", &mailbox_id)?).await?;
    let name = check_text("name", &name, MAX_FOLDER_NAME)?;
    if name.is_empty() {
        return Err(CommandError::invalid("a folder needs a name"));
    }
    if !mailbox.access.permissions.create_folder {
        return Err(CommandError::new(
            ErrorCode::Forbidden,
            "the access does not allow new folders",
        ));
    }
    let id = client.create_folder(&mailbox.id, name).await?;
    client
        .folders(&mailbox.id)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .map(Folder::from)
        .ok_or_else(|| CommandError::new(ErrorCode::Server, "the new folder is not listed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use brevdue_api::{MailboxAccess as ApiAccess, Permissions};

    fn mailbox(id: &str, owner: OwnerType, access: AccessType) -> ApiMailbox {
        ApiMailbox {
            id: id.into(),
            owner_type: owner,
            owner_name: id.into(),
            cvr: None,
            access: ApiAccess {
                access_type: access,
                permissions: Permissions {
                    read: true,
                    mark_read: true,
                    flag: true,
                    ..Permissions::default()
                },
                folder_ids: None,
                public_senders_only: false,
                expires_date_time: None,
            },
        }
    }

    #[test]
    fn own_then_companies_then_read_access() {
        let mut list = [
            mailbox("karen", OwnerType::Citizen, AccessType::PartyRepresentative),
            mailbox("vvs", OwnerType::Organisation, AccessType::Owner),
            mailbox(
                "cafe-rep",
                OwnerType::Organisation,
                AccessType::PartyRepresentative,
            ),
            mailbox("own", OwnerType::Citizen, AccessType::Owner),
            mailbox("cafe", OwnerType::Organisation, AccessType::Owner),
        ];
        list.sort_by_key(rank);
        let ids: Vec<_> = list.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["own", "vvs", "cafe", "karen", "cafe-rep"]);
    }

    #[test]
    fn read_access_allows_no_delete_and_no_reply() {
        let json = serde_json::to_value(Mailbox::from(mailbox(
            "karen",
            OwnerType::Citizen,
            AccessType::PartyRepresentative,
        )))
        .unwrap();
        assert_eq!(json["ownerType"], "CITIZEN");
        assert_eq!(json["access"]["accessType"], "PARTY_REPRESENTATIVE");
        assert_eq!(json["access"]["canDelete"], false);
        assert_eq!(json["access"]["canReply"], false);
        assert_eq!(json["access"]["canMarkRead"], true);
        assert!(json["access"]["expires"].is_null());
    }
}
