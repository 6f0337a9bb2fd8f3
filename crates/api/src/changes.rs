//! The change feed of a mailbox: what changed since a cursor.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::MessageSummary;

/// What changed in a mailbox after `since`. A client keeps `nextCursor` and asks again with
/// it; `hasMore` says that another request will return more right away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct ChangeFeed {
    /// Messages delivered, released or changed, in their current state.
    pub changed: Vec<MessageSummary>,
    /// Ids of messages purged (or recalled after being seen).
    pub deleted: Vec<String>,
    pub next_cursor: String,
    pub has_more: bool,
}
