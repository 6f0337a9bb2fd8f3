//! Memos: what a sender system hands in, and what a recipient system pulls.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a memo was routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoutedTo {
    /// A citizen's or company's mailbox.
    Mailbox,
    /// An authority's recipient system (post to a contact point).
    RecipientSystem,
}

/// The state of an accepted memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemoStatus {
    /// Visible to the recipient (or waiting in the recipient system's queue).
    Delivered,
    /// Waiting for its value date.
    Scheduled,
    /// Recalled by the sender before its value date.
    Recalled,
}

/// The answer to `POST /apis/v1/memos` (201 the first time, 200 for the same messageUUID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MemoAccepted {
    #[serde(rename = "messageUUID")]
    pub message_uuid: String,
    pub routed_to: RoutedTo,
    pub status: MemoStatus,
    pub accepted_date_time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_deliver_until_date: Option<NaiveDate>,
    /// The recipient system's id, for post routed to a contact point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_system_id: Option<String>,
}

/// One memo waiting in a recipient system's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct QueuedMemo {
    #[serde(rename = "messageUUID")]
    pub message_uuid: String,
    pub label: String,
    #[serde(rename = "senderId")]
    pub sender_id: String,
    #[serde(
        rename = "contactPointId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_point_id: Option<String>,
    /// `postType` of the MeMo, so company and authority post can be told apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_type: Option<String>,
    pub size: u64,
    pub queued_date_time: DateTime<Utc>,
}
