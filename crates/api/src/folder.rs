//! Folders of a mailbox.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kind of a folder: the four every mailbox has, or one its user made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FolderType {
    Inbox,
    Sent,
    Drafts,
    Deleted,
    UserDefined,
}

impl FolderType {
    /// The name as stored and sent, e.g. `INBOX`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "INBOX",
            Self::Sent => "SENT",
            Self::Drafts => "DRAFTS",
            Self::Deleted => "DELETED",
            Self::UserDefined => "USER_DEFINED",
        }
    }

    /// The inverse of [`FolderType::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "INBOX" => Self::Inbox,
            "SENT" => Self::Sent,
            "DRAFTS" => Self::Drafts,
            "DELETED" => Self::Deleted,
            "USER_DEFINED" => Self::UserDefined,
            _ => return None,
        })
    }
}

/// A folder with its counts (of the messages the caller may see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct Folder {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub folder_type: FolderType,
    pub unread_count: u64,
    pub total_count: u64,
}

/// The body of a request to create a user folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct CreateFolder {
    pub name: String,
}
