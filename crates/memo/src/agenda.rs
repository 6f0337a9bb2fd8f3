//! The agenda of a message: the appointments and deadlines it asks the recipient to keep.
//!
//! A citizen must never miss an appointment or a deadline, so the rules lean towards one item
//! too many rather than one too few:
//! - every `Reservation` of every action is an appointment, with the Reservation's own times
//!   (real messages carry action times that contradict their Reservation; the Reservation is
//!   the booking, so it wins). Two actions with the same reservationUUID are one appointment;
//! - an AFTALE action with a start time but no Reservation is an appointment at the action's
//!   times;
//! - `replyByDateTime` is a reply deadline;
//! - the end time of an action that asks the recipient to do something
//!   ([`ActionCode::is_task`]: everything but INFORMATION and AFTALE, unknown codes included)
//!   and has no Reservation is a deadline.
//!
//! Every item has a uid that is the same each time the message is read, so a calendar that
//! imports it twice updates the item instead of doubling it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Action, ActionCode, Message, Reservation};

/// What kind of date an [`AgendaItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
#[serde(rename_all = "camelCase")]
pub enum AgendaKind {
    /// A meeting at a time and place, from a `Reservation` (or an AFTALE action without one).
    Appointment,
    /// Reply before `replyByDateTime`.
    ReplyDeadline,
    /// Do what an action asks (pay, sign, confirm, ...) before its `endDateTime`.
    ActionDeadline,
}

/// One appointment or deadline of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "memo/"))]
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
    /// When the appointment ends; `None` for deadlines and for an AFTALE action without an
    /// end time.
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

/// The appointments and deadlines of `message`, sorted by start, then uid.
pub fn agenda(message: &Message) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    if let Some(by) = message.reply_by_date_time {
        items.push(AgendaItem {
            kind: AgendaKind::ReplyDeadline,
            uid: format!("{}-reply-deadline", message.message_uuid),
            title: message.label.trim().to_owned(),
            start: by,
            end: None,
            location: None,
            description: None,
            organizer_name: None,
            organizer_mail: None,
            action_code: None,
            entry_point: None,
            message_uuid: message.message_uuid,
            message_label: message.label.clone(),
            sender_label: message.sender.label.clone(),
        });
    }

    let mut reservations = HashSet::new();
    for (d, document) in message.documents.iter().enumerate() {
        for (a, action) in document.actions.iter().enumerate() {
            // The action's position, for uids that are the same at every reading.
            let position = format!("{}-action-{d}-{a}", message.message_uuid);
            match (&action.reservation, &action.action_code) {
                (Some(reservation), _) => {
                    if reservations.insert(reservation.reservation_uuid) {
                        items.push(booked(message, action, reservation));
                    }
                }
                (None, ActionCode::Aftale) => {
                    if let Some(start) = action.start_date_time {
                        let mut item = from_action(message, action, start, &position);
                        item.kind = AgendaKind::Appointment;
                        item.uid = format!("{position}-appointment");
                        item.end = action.end_date_time;
                        items.push(item);
                    }
                }
                (None, code) if code.is_task() => {
                    if let Some(end) = action.end_date_time {
                        items.push(from_action(message, action, end, &position));
                    }
                }
                (None, _) => {}
            }
        }
    }

    items.sort_by(|x, y| x.start.cmp(&y.start).then_with(|| x.uid.cmp(&y.uid)));
    items
}

/// The appointment a Reservation books; its times, not the action's, are the appointment's.
fn booked(message: &Message, action: &Action, r: &Reservation) -> AgendaItem {
    let title = non_empty(&r.abstract_)
        .or_else(|| non_empty(&action.label))
        .unwrap_or_else(|| message.label.trim().to_owned());
    AgendaItem {
        kind: AgendaKind::Appointment,
        uid: r.reservation_uuid.to_string(),
        title,
        start: r.start_date_time,
        end: Some(r.end_date_time),
        location: non_empty(&r.location),
        description: non_empty(&r.description),
        organizer_name: r.organizer_name.as_deref().and_then(non_empty),
        organizer_mail: r.organizer_mail.as_deref().and_then(non_empty),
        action_code: Some(action.action_code.clone()),
        entry_point: action.entry_point.as_deref().and_then(non_empty),
        message_uuid: message.message_uuid,
        message_label: message.label.clone(),
        sender_label: message.sender.label.clone(),
    }
}

/// The deadline of an action without a Reservation at `at`; the caller turns it into an
/// appointment for AFTALE.
fn from_action(
    message: &Message,
    action: &Action,
    at: DateTime<Utc>,
    position: &str,
) -> AgendaItem {
    AgendaItem {
        kind: AgendaKind::ActionDeadline,
        uid: format!("{position}-deadline"),
        title: non_empty(&action.label).unwrap_or_else(|| message.label.trim().to_owned()),
        start: at,
        end: None,
        location: None,
        description: None,
        organizer_name: None,
        organizer_mail: None,
        action_code: Some(action.action_code.clone()),
        entry_point: action.entry_point.as_deref().and_then(non_empty),
        message_uuid: message.message_uuid,
        message_label: message.label.clone(),
        sender_label: message.sender.label.clone(),
    }
}

/// `s` trimmed, or `None` when nothing is left.
fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{Document, DocumentKind, MessageType, Recipient, Sender};

    const MESSAGE: &str = "8c2ea15d-61fb-4ba9-9366-42f8b194c114";
    const BOOKING: &str = "1f0c2e4a-9b3d-4c5e-8f7a-6b5c4d3e2f1a";

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, hour, 0, 0).unwrap()
    }

    fn message(actions: Vec<Action>) -> Message {
        Message {
            memo_version: "1.2".into(),
            memo_sch_version: None,
            message_type: MessageType::DigitalPost,
            message_uuid: Uuid::parse_str(MESSAGE).unwrap(),
            message_id: None,
            message_code: None,
            label: "Indkaldelse".into(),
            notification: None,
            additional_notification: None,
            reply: false,
            reply_by_date_time: None,
            do_not_deliver_until_date: None,
            mandatory: false,
            legal_notification: false,
            post_type: None,
            sender: Sender {
                label: "Region Midtjylland".into(),
                ..Sender::default()
            },
            recipient: Recipient::default(),
            content_data: None,
            forward_data: None,
            reply_data: Vec::new(),
            created_date_time: Some(at(1, 8)),
            documents: vec![Document {
                kind: DocumentKind::Main,
                id: None,
                label: None,
                files: Vec::new(),
                actions,
            }],
        }
    }

    fn action(code: &str, start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Action {
        Action {
            label: format!("Gør {code}"),
            action_code: ActionCode::from(code),
            start_date_time: start,
            end_date_time: end,
            reservation: None,
            entry_point: None,
        }
    }

    fn reservation(uuid: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Reservation {
        Reservation {
            reservation_uuid: Uuid::parse_str(uuid).unwrap(),
            abstract_: "MR-scanning".into(),
            description: "Scanning af knæ".into(),
            location: "Aarhus Universitetshospital".into(),
            start_date_time: start,
            end_date_time: end,
            organizer_mail: Some("scanning@rm.example".into()),
            organizer_name: Some("Billeddiagnostik".into()),
        }
    }

    #[test]
    fn the_reservation_wins_over_the_action_times() {
        let mut a = action("AFTALE", Some(at(2, 7)), Some(at(2, 8)));
        a.reservation = Some(reservation(BOOKING, at(2, 9), at(2, 10)));
        let items = agenda(&message(vec![a]));
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!(item.kind, AgendaKind::Appointment);
        assert_eq!(item.uid, BOOKING);
        assert_eq!((item.start, item.end), (at(2, 9), Some(at(2, 10))));
        assert_eq!(item.title, "MR-scanning");
        assert_eq!(
            item.location.as_deref(),
            Some("Aarhus Universitetshospital")
        );
        assert_eq!(item.description.as_deref(), Some("Scanning af knæ"));
        assert_eq!(item.organizer_name.as_deref(), Some("Billeddiagnostik"));
        assert_eq!(item.organizer_mail.as_deref(), Some("scanning@rm.example"));
        assert_eq!(item.action_code, Some(ActionCode::Aftale));
        assert_eq!(item.message_label, "Indkaldelse");
        assert_eq!(item.sender_label, "Region Midtjylland");
    }

    #[test]
    fn the_reservation_uuid_is_the_uid_in_lower_case() {
        let mut a = action("AFTALE", None, None);
        let upper = BOOKING.to_uppercase();
        a.reservation = Some(reservation(&upper, at(2, 9), at(2, 10)));
        assert_eq!(agenda(&message(vec![a]))[0].uid, BOOKING);
    }

    #[test]
    fn an_aftale_without_reservation_is_an_appointment_at_the_action_times() {
        let items = agenda(&message(vec![
            action("INFORMATION", None, None),
            action("AFTALE", Some(at(3, 9)), Some(at(3, 10))),
            action("aftale", Some(at(4, 9)), None),
        ]));
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].kind, AgendaKind::Appointment);
        assert_eq!(items[0].uid, format!("{MESSAGE}-action-0-1-appointment"));
        assert_eq!((items[0].start, items[0].end), (at(3, 9), Some(at(3, 10))));
        assert_eq!(items[0].title, "Gør AFTALE");
        assert_eq!(items[1].uid, format!("{MESSAGE}-action-0-2-appointment"));
        assert_eq!((items[1].start, items[1].end), (at(4, 9), None));
    }

    #[test]
    fn an_aftale_without_a_start_or_a_reservation_is_not_on_the_agenda() {
        let items = agenda(&message(vec![action("AFTALE", None, Some(at(3, 9)))]));
        assert!(items.is_empty(), "{items:?}");
    }

    #[test]
    fn the_reply_deadline_has_the_message_label() {
        let mut m = message(Vec::new());
        m.reply_by_date_time = Some(at(9, 12));
        let items = agenda(&m);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, AgendaKind::ReplyDeadline);
        assert_eq!(items[0].title, "Indkaldelse");
        assert_eq!(items[0].start, at(9, 12));
        assert_eq!(items[0].end, None);
        assert_eq!(items[0].action_code, None);
        assert_eq!(items[0].uid, format!("{MESSAGE}-reply-deadline"));
    }

    #[test]
    fn every_task_code_and_unknown_codes_give_a_deadline_at_the_end_time() {
        let codes = [
            "BETALING",
            "SELVBETJENING",
            "UNDERSKRIV",
            "BEKRAEFT",
            "BEKRÆFT",
            "FORBEREDELSE",
            "TILMELDING",
            "INDSEND",
            "",
        ];
        for code in codes {
            let mut a = action(code, Some(at(2, 8)), Some(at(5, 12)));
            a.entry_point = Some("https://betaling.example/1".into());
            let items = agenda(&message(vec![a]));
            assert_eq!(items.len(), 1, "{code}");
            let item = &items[0];
            assert_eq!(item.kind, AgendaKind::ActionDeadline, "{code}");
            assert_eq!(item.start, at(5, 12), "{code}");
            assert_eq!(item.end, None);
            assert_eq!(item.title, format!("Gør {code}").trim());
            assert_eq!(item.action_code, Some(ActionCode::from(code)));
            assert_eq!(
                item.entry_point.as_deref(),
                Some("https://betaling.example/1")
            );
            assert_eq!(item.uid, format!("{MESSAGE}-action-0-0-deadline"));
        }
    }

    #[test]
    fn information_and_tasks_without_an_end_are_not_on_the_agenda() {
        let items = agenda(&message(vec![
            action("INFORMATION", Some(at(2, 8)), Some(at(5, 12))),
            action("BETALING", Some(at(2, 8)), None),
            action("UNDERSKRIV", None, None),
        ]));
        assert!(items.is_empty(), "{items:?}");
    }

    #[test]
    fn a_task_with_a_reservation_is_the_appointment_only() {
        let mut a = action("TILMELDING", Some(at(1, 8)), Some(at(5, 12)));
        a.reservation = Some(reservation(BOOKING, at(10, 8), at(10, 12)));
        let items = agenda(&message(vec![a]));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, AgendaKind::Appointment);
        assert_eq!(items[0].action_code, Some(ActionCode::Tilmelding));
    }

    #[test]
    fn one_reservation_in_two_actions_is_one_appointment_the_first() {
        let mut first = action("AFTALE", None, None);
        first.reservation = Some(reservation(BOOKING, at(2, 9), at(2, 10)));
        let mut again = action("AFTALE", None, None);
        again.reservation = Some(reservation(&BOOKING.to_uppercase(), at(3, 9), at(3, 10)));
        let mut m = message(vec![first]);
        m.documents.push(Document {
            kind: DocumentKind::Additional,
            id: None,
            label: None,
            files: Vec::new(),
            actions: vec![again],
        });
        let items = agenda(&m);
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0].start, at(2, 9));
    }

    #[test]
    fn items_are_sorted_by_start_then_uid() {
        let mut booked = action("AFTALE", None, None);
        booked.reservation = Some(reservation(BOOKING, at(2, 9), at(2, 10)));
        let mut m = message(vec![
            action("BETALING", None, Some(at(7, 12))),
            booked,
            action("BEKRAEFT", None, Some(at(2, 9))),
            action("AFTALE", Some(at(1, 9)), None),
        ]);
        m.reply_by_date_time = Some(at(6, 12));
        let got: Vec<(DateTime<Utc>, String)> =
            agenda(&m).into_iter().map(|i| (i.start, i.uid)).collect();
        let want = vec![
            (at(1, 9), format!("{MESSAGE}-action-0-3-appointment")),
            // Same start: "1f0c…" sorts before "8c2e…".
            (at(2, 9), BOOKING.to_owned()),
            (at(2, 9), format!("{MESSAGE}-action-0-2-deadline")),
            (at(6, 12), format!("{MESSAGE}-reply-deadline")),
            (at(7, 12), format!("{MESSAGE}-action-0-0-deadline")),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn uids_are_unique_and_the_same_at_every_reading() {
        let mut booked = action("AFTALE", None, None);
        booked.reservation = Some(reservation(BOOKING, at(2, 9), at(2, 10)));
        let mut m = message(vec![
            booked,
            action("AFTALE", Some(at(2, 9)), None),
            action("BETALING", None, Some(at(2, 9))),
            action("BETALING", None, Some(at(2, 9))),
        ]);
        m.reply_by_date_time = Some(at(2, 9));
        let items = agenda(&m);
        assert_eq!(items.len(), 5);
        let uids: HashSet<&str> = items.iter().map(|i| i.uid.as_str()).collect();
        assert_eq!(uids.len(), 5, "{uids:?}");
        assert_eq!(agenda(&m.clone()), items);
    }

    #[test]
    fn blank_texts_fall_back_or_are_absent() {
        let mut a = action("AFTALE", None, None);
        let mut r = reservation(BOOKING, at(2, 9), at(2, 10));
        r.abstract_ = "  ".into();
        r.location = String::new();
        r.description = " \n ".into();
        r.organizer_mail = Some(" ".into());
        r.organizer_name = None;
        a.reservation = Some(r);
        let mut b = action("BETALING", None, Some(at(3, 9)));
        b.label = String::new();
        let items = agenda(&message(vec![a.clone(), b]));
        assert_eq!(items[0].title, "Gør AFTALE");
        assert_eq!(items[0].location, None);
        assert_eq!(items[0].description, None);
        assert_eq!(items[0].organizer_mail, None);
        assert_eq!(items[1].title, "Indkaldelse");

        a.label = String::new();
        assert_eq!(agenda(&message(vec![a]))[0].title, "Indkaldelse");
    }

    #[test]
    fn a_message_without_dates_or_body_has_an_empty_agenda() {
        let mut sms = message(Vec::new());
        sms.message_type = MessageType::NemSms;
        sms.documents.clear();
        sms.created_date_time = None;
        assert!(agenda(&sms).is_empty());
    }
}
