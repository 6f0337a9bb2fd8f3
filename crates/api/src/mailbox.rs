//! Mailboxes, the access a caller has to them, and representatives (read-access grants).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whose mailbox it is: a citizen's (CPR) or an organisation's (CVR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OwnerType {
    Citizen,
    Organisation,
}

/// How the caller comes to use the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessType {
    /// The citizen, or an employee with rights in the company.
    Owner,
    /// A person the owner granted read access to.
    PartyRepresentative,
}

/// What the caller may do in a mailbox. The UI shows or hides its controls by these flags; the
/// server enforces the same flags on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    pub read: bool,
    pub mark_read: bool,
    pub flag: bool,
    pub create_folder: bool,
    pub move_messages: bool,
    pub delete: bool,
    pub write: bool,
    pub reply: bool,
    pub forward: bool,
    pub change_settings: bool,
    /// Grant, list and revoke representatives.
    pub manage_representatives: bool,
}

/// The caller's access to a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MailboxAccess {
    pub access_type: AccessType,
    pub permissions: Permissions,
    /// A representative limited to some folders sees only these; `None`: every folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_ids: Option<Vec<String>>,
    /// A representative sees only post from public senders.
    pub public_senders_only: bool,
    /// When a representative's access ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_date_time: Option<DateTime<Utc>>,
}

/// A mailbox the caller may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct Mailbox {
    pub id: String,
    pub owner_type: OwnerType,
    pub owner_name: String,
    /// The CVR number of an organisation's mailbox (a citizen's CPR number is never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvr: Option<String>,
    pub access: MailboxAccess,
}

/// A representative: a person with read access to a mailbox, granted by its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct Representative {
    pub id: String,
    pub mailbox_id: String,
    /// The representative's person id (never a CPR number).
    pub person_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_date_time: Option<DateTime<Utc>>,
    pub created_date_time: DateTime<Utc>,
}

/// A grant of read access, made by an owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct GrantRepresentative {
    /// The CPR number of the person to grant access to.
    pub cpr: String,
    /// Limit the access to these folders; absent: every folder.
    #[serde(default)]
    pub folder_ids: Option<Vec<String>>,
    /// When the access ends; absent: until revoked.
    #[serde(default)]
    pub expires_date_time: Option<DateTime<Utc>>,
}
