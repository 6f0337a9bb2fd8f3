//! `brevdue memo inspect`: a message as one JSON object.
//!
//! The JSON is a contract for scripts and support tools: camelCase names, `null` for absent
//! values, times in RFC 3339 UTC, values as the message carries them (trimmed), UUIDs in lower
//! case, missing booleans `false`. [`Inspection`] is that contract as a type; the header is
//! spelled out here, the nested parts (documents, files, actions, content data) are the memo
//! model's own serialization. Fields beyond the contract (`messageID`, `createdDateTime`, the
//! full `contactPoint`, ...) are added, never renamed.

use std::path::Path;

use brevdue_memo::{
    AgendaItem, AttentionData, ContactPoint, ContentData, Document, ForwardData, Message,
    MessageType, Recipient, ReplyData, Representative, Sender,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{Failure, Outcome, output};

pub(crate) fn run(path: &Path) -> Result<Outcome, Failure> {
    let input = super::open(path)?;
    // Discard: the reader still computes each file's size and SHA-256 while streaming.
    let message = brevdue_memo::read(input, &mut brevdue_memo::Discard)
        .map_err(|e| super::bad_message(&e))?;
    let agenda = brevdue_memo::agenda(&message);
    let inspection = Inspection::new(&message, agenda);
    output::with_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, &inspection).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })?;
    Ok(Outcome::Success)
}

/// The output of `brevdue memo inspect`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Inspection<'a> {
    memo_version: &'a str,
    memo_sch_version: Option<&'a str>,
    message_type: &'a MessageType,
    #[serde(rename = "messageUUID")]
    message_uuid: Uuid,
    #[serde(rename = "messageID")]
    message_id: Option<&'a str>,
    message_code: Option<&'a str>,
    label: &'a str,
    notification: Option<&'a str>,
    additional_notification: Option<&'a str>,
    reply: bool,
    reply_by_date_time: Option<DateTime<Utc>>,
    do_not_deliver_until_date: Option<NaiveDate>,
    mandatory: bool,
    legal_notification: bool,
    post_type: Option<&'a str>,
    sender: SenderOut<'a>,
    recipient: RecipientOut<'a>,
    content_data: Option<&'a ContentData>,
    reply_data: &'a [ReplyData],
    forward_data: Option<&'a ForwardData>,
    created_date_time: Option<DateTime<Utc>>,
    documents: &'a [Document],
    agenda: Vec<AgendaItem>,
}

/// `sender`: the contract's flat `contactPointId`, plus the whole contact point.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SenderOut<'a> {
    id: &'a str,
    id_type: &'a str,
    id_type_label: Option<&'a str>,
    label: &'a str,
    contact_point_id: Option<&'a str>,
    contact_point: Option<&'a ContactPoint>,
    attention_data: Option<&'a AttentionData>,
    representative: Option<&'a Representative>,
}

/// `recipient`, shaped like `sender` (a recipient has no representative).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RecipientOut<'a> {
    id: &'a str,
    id_type: &'a str,
    id_type_label: Option<&'a str>,
    label: Option<&'a str>,
    contact_point_id: Option<&'a str>,
    contact_point: Option<&'a ContactPoint>,
    attention_data: Option<&'a AttentionData>,
}

impl<'a> Inspection<'a> {
    pub(crate) fn new(m: &'a Message, agenda: Vec<AgendaItem>) -> Self {
        Self {
            memo_version: &m.memo_version,
            memo_sch_version: m.memo_sch_version.as_deref(),
            message_type: &m.message_type,
            message_uuid: m.message_uuid,
            message_id: m.message_id.as_deref(),
            message_code: m.message_code.as_deref(),
            label: &m.label,
            notification: m.notification.as_deref(),
            additional_notification: m.additional_notification.as_deref(),
            reply: m.reply,
            reply_by_date_time: m.reply_by_date_time,
            do_not_deliver_until_date: m.do_not_deliver_until_date,
            mandatory: m.mandatory,
            legal_notification: m.legal_notification,
            post_type: m.post_type.as_deref(),
            sender: SenderOut::new(&m.sender),
            recipient: RecipientOut::new(&m.recipient),
            content_data: m.content_data.as_ref(),
            reply_data: &m.reply_data,
            forward_data: m.forward_data.as_ref(),
            created_date_time: m.created_date_time,
            documents: &m.documents,
            agenda,
        }
    }
}

impl<'a> SenderOut<'a> {
    fn new(s: &'a Sender) -> Self {
        Self {
            id: &s.id,
            id_type: &s.id_type,
            id_type_label: s.id_type_label.as_deref(),
            label: &s.label,
            contact_point_id: s
                .contact_point
                .as_ref()
                .map(|c| c.contact_point_id.as_str()),
            contact_point: s.contact_point.as_ref(),
            attention_data: s.attention_data.as_ref(),
            representative: s.representative.as_ref(),
        }
    }
}

impl<'a> RecipientOut<'a> {
    fn new(r: &'a Recipient) -> Self {
        Self {
            id: &r.id,
            id_type: &r.id_type,
            id_type_label: r.id_type_label.as_deref(),
            label: r.label.as_deref(),
            contact_point_id: r
                .contact_point
                .as_ref()
                .map(|c| c.contact_point_id.as_str()),
            contact_point: r.contact_point.as_ref(),
            attention_data: r.attention_data.as_ref(),
        }
    }
}
