//! Messages a person writes in a viewing client: `POST /apis/v1/mailboxes/{m}/messages` with a
//! MeMo 1.2 body, answered by [`MessageSent`] (201 the first time, 200 with the same answer for
//! the same messageUUID).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::RoutedTo;

/// The answer to a message sent from a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MessageSent {
    #[serde(rename = "messageUUID")]
    pub message_uuid: String,
    /// The id of the copy in the sender's SENT folder.
    pub message_id: String,
    /// The SENT folder it is in.
    pub folder_id: String,
    pub routed_to: RoutedTo,
    /// The contact point it went to, when it went to an authority.
    #[serde(
        rename = "contactPointId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_point_id: Option<String>,
    pub accepted_date_time: DateTime<Utc>,
}
