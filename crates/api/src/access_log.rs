//! The access log of a mailbox: what representatives (people with read access to someone
//! else's mailbox) listed and read there, for the mailbox's owner to see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Page;

/// What a representative did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessKind {
    /// Listed the mailbox's messages (a message list or the change feed a client syncs with).
    ListMessages,
    /// Opened a message.
    ReadMessage,
    /// Fetched the content of one of a message's files.
    ReadFile,
}

/// One entry of a mailbox's access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct AccessLogEntry {
    /// The entry's number; larger is later.
    pub id: i64,
    pub mailbox_id: String,
    /// The representative: their person id and name.
    pub person_id: String,
    pub name: String,
    /// The representative grant they acted under (it may have been revoked since).
    pub representative_id: Option<String>,
    pub kind: AccessKind,
    /// The message, for `READ_MESSAGE` and `READ_FILE`.
    pub message_id: Option<String>,
    pub access_date_time: DateTime<Utc>,
}

/// A page of the access log (named for the OpenAPI document).
pub type AccessLogPage = Page<AccessLogEntry>;
