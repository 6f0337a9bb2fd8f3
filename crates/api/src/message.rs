//! Messages in a mailbox: summaries for lists, the full message, and changes to its state.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who sent a message, as shown in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MessageSender {
    /// `senderID` of the MeMo (the authority's CVR number).
    #[serde(rename = "senderId")]
    pub sender_id: String,
    pub id_type: String,
    pub label: String,
}

/// One message in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MessageSummary {
    pub id: String,
    #[serde(rename = "messageUUID")]
    pub message_uuid: String,
    pub mailbox_id: String,
    pub folder_id: String,
    /// The subject.
    pub label: String,
    pub sender: MessageSender,
    pub received_date_time: DateTime<Utc>,
    pub read: bool,
    pub flagged: bool,
    /// The version to send in `If-Match` when changing the message.
    pub version: i64,
    pub has_attachments: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by_date_time: Option<DateTime<Utc>>,
}

/// A file of a document, with the path to its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    pub id: String,
    pub filename: String,
    pub encoding_format: String,
    pub size: u64,
    /// `/apis/v1/mailboxes/{m}/messages/{id}/documents/{d}/files/{f}/content`
    pub content_path: String,
}

/// A document of a message and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct DocumentRef {
    pub id: String,
    /// `main`, `additional` or `technical`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub files: Vec<FileRef>,
}

/// A whole message: its state, its MeMo model and its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MessageDetail {
    #[serde(flatten)]
    pub summary: MessageSummary,
    /// The MeMo model (`brevdue_memo::Message`) as its JSON, file bytes excluded.
    #[schema(value_type = Object)]
    pub memo: brevdue_memo::Message,
    pub documents: Vec<DocumentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_deliver_until_date: Option<NaiveDate>,
}

/// The body of `PATCH .../messages/{id}`: what to change; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct MessagePatch {
    #[serde(default)]
    pub read: Option<bool>,
    #[serde(default)]
    pub flagged: Option<bool>,
    /// Move the message to this folder of the same mailbox.
    #[serde(default)]
    pub folder_id: Option<String>,
}

/// A page of a list, Spring-style as in NgDP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "api/"))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub content: Vec<T>,
    /// The 0-based page number.
    pub page: u32,
    pub size: u32,
    pub total_elements: u64,
    pub total_pages: u64,
}

/// A page of messages (named for the OpenAPI document).
pub type MessagePage = Page<MessageSummary>;
