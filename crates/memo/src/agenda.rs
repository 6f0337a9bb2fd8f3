//! The agenda of a message: the appointments and deadlines it asks the recipient to keep.
//!
//! PLACEHOLDER: being written (see the issue). Only the types are settled here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{ActionCode, Message};

/// What kind of date an [`AgendaItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AgendaKind {
    /// A meeting at a time and place, from a `Reservation`.
    Appointment,
    /// Reply before `replyByDateTime`.
    ReplyDeadline,
    /// Do what an action asks (pay, sign, confirm, ...) before its `endDateTime`.
    ActionDeadline,
}

/// One appointment or deadline of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgendaItem {
    pub kind: AgendaKind,
    /// Stable across readings of the same message: the reservationUUID for appointments,
    /// derived from the messageUUID for deadlines.
    pub uid: String,
    /// The reservation's abstract, the action's label, or the message's label.
    pub title: String,
    /// When the appointment starts, or the deadline.
    pub start: DateTime<Utc>,
    /// When the appointment ends; `None` for deadlines.
    pub end: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub organizer_name: Option<String>,
    pub organizer_mail: Option<String>,
    /// The action's code; `None` for the reply deadline.
    pub action_code: Option<ActionCode>,
    pub entry_point: Option<String>,
    #[serde(rename = "messageUUID")]
    pub message_uuid: Uuid,
    pub message_label: String,
    pub sender_label: String,
}

/// The appointments and deadlines of `message`, in time order.
pub fn agenda(message: &Message) -> Vec<AgendaItem> {
    let _ = message;
    Vec::new()
}
