//! Composing: a [`Draft`] becomes a MeMo 1.2 model ([`brevdue_memo::Message`]), and a
//! received message becomes the draft of a reply or a forward. Also [`can_reply`], the client's
//! copy of the core's reply rule (the UI hides the button with it; the core decides).
//!
//! Pure functions: no I/O here. The files are read and queued by `outgoing`.

use brevdue_memo::{
    ContactInfo, ContactPoint, Document, DocumentKind, File, ForwardData, Message, MessageType,
    Recipient, ReplyData, Sender,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::drafts::{Draft, DraftRecipient};
use crate::error::{ClientError, ErrorKind, Result};

/// The file name of the main document: the text the user wrote.
pub(crate) const BODY_FILENAME: &str = "besked.txt";
/// The longest subject (MeMo's `label`).
pub const MAX_SUBJECT_CHARS: usize = 250;

/// Whether the sender of `memo` allows a reply now: `reply` is true and the reply deadline, if
/// any, has not passed. The same rule as the core's.
pub fn can_reply(memo: &Message, now: DateTime<Utc>) -> bool {
    memo.reply && memo.reply_by_date_time.is_none_or(|by| now <= by)
}

/// Why a reply is not allowed now, as the core would say it.
pub(crate) fn reply_refusal(memo: &Message, now: DateTime<Utc>) -> Option<ClientError> {
    if !memo.reply {
        return Some(ClientError::new(
            ErrorKind::ReplyNotAllowed,
            "the sender does not accept replies to this message",
        ));
    }
    match memo.reply_by_date_time {
        Some(by) if now > by => Some(ClientError::new(
            ErrorKind::ReplyDeadlinePassed,
            "the deadline for replying has passed",
        )),
        _ => None,
    }
}

/// A file of the message being composed: what it is called, its type and where its bytes are
/// (by SHA-256 in the cache, once queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ComposedFile {
    pub filename: String,
    pub mime_type: String,
    pub sha256: String,
    pub size: u64,
}

/// The MeMo model of `draft`: the main document is the body (`text/plain`), each attachment
/// an additional document. The sender's id is left empty: it is filled in when the message is
/// sent (`outgoing`), so no CPR number is stored while it waits.
pub(crate) fn message_of(
    draft: &Draft,
    uuid: Uuid,
    sender_label: &str,
    sender_id_type: &str,
    body: ComposedFile,
    attachments: Vec<ComposedFile>,
    now: DateTime<Utc>,
) -> Result<Message> {
    let subject = draft.subject.trim();
    if subject.is_empty() {
        return Err(ClientError::invalid_input("the message needs a subject"));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(ClientError::invalid_input(format!(
            "the subject may be at most {MAX_SUBJECT_CHARS} characters"
        )));
    }
    let recipient = recipient_of(draft)?;
    let mut documents = vec![document(DocumentKind::Main, subject, body)];
    for file in attachments {
        let label = file.filename.clone();
        documents.push(document(DocumentKind::Additional, &label, file));
    }
    Ok(Message {
        memo_version: "1.2".to_owned(),
        memo_sch_version: None,
        message_type: MessageType::DigitalPost,
        message_uuid: uuid,
        message_id: None,
        message_code: None,
        label: subject.to_owned(),
        notification: None,
        additional_notification: None,
        reply: false,
        reply_by_date_time: None,
        do_not_deliver_until_date: None,
        mandatory: false,
        legal_notification: false,
        post_type: None,
        sender: Sender {
            id: String::new(),
            id_type: sender_id_type.to_owned(),
            id_type_label: None,
            label: sender_label.to_owned(),
            attention_data: None,
            contact_point: None,
            representative: None,
        },
        recipient,
        content_data: None,
        forward_data: draft.forward_data.clone(),
        reply_data: draft.reply_data.clone().into_iter().collect(),
        created_date_time: Some(now),
        documents,
    })
}

fn document(kind: DocumentKind, label: &str, file: ComposedFile) -> Document {
    Document {
        kind,
        id: Some(Uuid::new_v4().to_string()),
        label: Some(label.to_owned()),
        files: vec![File {
            filename: file.filename,
            encoding_format: file.mime_type,
            language: "da".to_owned(),
            size: file.size,
            sha256: file.sha256,
        }],
        actions: Vec::new(),
    }
}

fn recipient_of(draft: &Draft) -> Result<Recipient> {
    let Some(recipient) = &draft.recipient else {
        return Err(ClientError::invalid_input("the message has no recipient"));
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    Ok(match recipient {
        DraftRecipient::ContactPoint {
            id,
            authority_cvr,
            label,
        } => {
            if !digits(authority_cvr, 8) {
                return Err(ClientError::invalid_input(
                    "the contact point's authority has no CVR number",
                ));
            }
            Recipient {
                id: authority_cvr.clone(),
                id_type: "CVR".to_owned(),
                contact_point: Some(ContactPoint {
                    contact_group: None,
                    contact_point_id: id.clone(),
                    label: (!label.is_empty()).then(|| label.clone()),
                    contact_info: draft
                        .extra_fields
                        .iter()
                        .filter(|f| !f.value.trim().is_empty())
                        .take(2)
                        .map(|f| ContactInfo {
                            label: cut(&f.label, MAX_TEXT_CHARS),
                            value: cut(f.value.trim(), MAX_TEXT_CHARS),
                        })
                        .collect(),
                }),
                ..Recipient::default()
            }
        }
        DraftRecipient::Citizen { cpr } => {
            if !digits(cpr, 10) {
                return Err(ClientError::invalid_input("a CPR number has 10 digits"));
            }
            Recipient {
                id: cpr.clone(),
                id_type: "CPR".to_owned(),
                ..Recipient::default()
            }
        }
        DraftRecipient::Company { cvr } => {
            if !digits(cvr, 8) {
                return Err(ClientError::invalid_input("a CVR number has 8 digits"));
            }
            Recipient {
                id: cvr.clone(),
                id_type: "CVR".to_owned(),
                ..Recipient::default()
            }
        }
    })
}

/// The draft of a reply to `original` (in mailbox `mailbox_id`): to whoever sent it (its
/// contact point, if it named one), with `ReplyData` pointing to it.
pub(crate) fn reply_draft(mailbox_id: &str, original: &Message) -> Draft {
    let sender = &original.sender;
    let contact_point = sender.contact_point.as_ref();
    let recipient = match contact_point {
        Some(cp) => DraftRecipient::ContactPoint {
            id: cp.contact_point_id.clone(),
            authority_cvr: sender.id.trim().to_owned(),
            label: cp.label.clone().unwrap_or_else(|| sender.label.clone()),
        },
        None => DraftRecipient::Company {
            cvr: sender.id.trim().to_owned(),
        },
    };
    let mut draft = Draft::new(mailbox_id);
    draft.recipient = Some(recipient);
    draft.subject = prefixed("Sv: ", &original.label);
    draft.reply_data = Some(ReplyData {
        message_id: original.message_id.clone(),
        message_uuid: original.message_uuid,
        reply_uuid: None,
        sender_id: Some(sender.id.trim().to_owned()),
        recipient_id: Some(original.recipient.id.trim().to_owned()),
        case_id: original
            .content_data
            .as_ref()
            .and_then(|c| c.case_id.as_ref())
            .map(|c| c.case_id.clone()),
        contact_point_id: contact_point.map(|cp| cp.contact_point_id.clone()),
        generating_system_id: None,
        comment: None,
        additional_reply_data: Vec::new(),
    });
    draft
}

/// The draft of a forward of `original` to `recipient`, with `ForwardData` pointing to it and
/// `comment` as its text. The original's files are attached by the caller.
pub(crate) fn forward_draft(
    mailbox_id: &str,
    original: &Message,
    received: DateTime<Utc>,
    recipient: DraftRecipient,
    comment: Option<&str>,
) -> Draft {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let mut draft = Draft::new(mailbox_id);
    draft.recipient = Some(recipient);
    draft.subject = prefixed("Videresendt: ", &original.label);
    draft.body = comment.unwrap_or_default().to_owned();
    draft.forward_data = Some(ForwardData {
        message_uuid: original.message_uuid,
        original_message_date_time: Some(original.created_date_time.unwrap_or(received)),
        original_sender: original.sender.label.clone(),
        original_content_responsible: None,
        original_representative: None,
        contact_point_id: original
            .sender
            .contact_point
            .as_ref()
            .map(|cp| cp.contact_point_id.clone()),
        comment: comment.map(|c| cut(c, MAX_COMMENT_CHARS)),
    });
    draft
}

/// The longest text field of MeMo (`memoTextType`: file names, extra fields).
pub(crate) const MAX_TEXT_CHARS: usize = 256;
/// The longest comment of MeMo (`memoCommentType`).
const MAX_COMMENT_CHARS: usize = 512;

/// `s`, at most `n` characters of it.
pub(crate) fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// `prefix` + `subject`, cut to the longest subject allowed.
fn prefixed(prefix: &str, subject: &str) -> String {
    format!("{prefix}{subject}")
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect()
}

/// A MIME type for a file name, by its extension; `application/octet-stream` when unknown.
pub(crate) fn mime_of(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "csv" => "text/csv",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn memo(reply: bool, by: Option<DateTime<Utc>>) -> Message {
        let draft = Draft {
            recipient: Some(DraftRecipient::Company {
                cvr: "12345678".into(),
            }),
            subject: "Hej".into(),
            ..Draft::new("m")
        };
        let body = ComposedFile {
            filename: BODY_FILENAME.into(),
            mime_type: "text/plain".into(),
            sha256: "0".repeat(64),
            size: 0,
        };
        let mut m = message_of(&draft, Uuid::new_v4(), "A", "CPR", body, vec![], Utc::now())
            .expect("a message");
        m.reply = reply;
        m.reply_by_date_time = by;
        m
    }

    #[test]
    fn reply_rule_follows_reply_and_deadline() {
        let now = Utc::now();
        assert!(!can_reply(&memo(false, None), now));
        assert!(can_reply(&memo(true, None), now));
        assert!(can_reply(&memo(true, Some(now + Duration::hours(1))), now));
        assert!(!can_reply(
            &memo(true, Some(now - Duration::seconds(1))),
            now
        ));
        assert_eq!(
            reply_refusal(&memo(true, Some(now - Duration::hours(1))), now).map(|e| e.kind()),
            Some(ErrorKind::ReplyDeadlinePassed)
        );
        assert_eq!(
            reply_refusal(&memo(false, None), now).map(|e| e.kind()),
            Some(ErrorKind::ReplyNotAllowed)
        );
    }

    #[test]
    fn bad_recipients_and_subjects_are_refused() {
        let body = || ComposedFile {
            filename: BODY_FILENAME.into(),
            mime_type: "text/plain".into(),
            sha256: "0".repeat(64),
            size: 0,
        };
        let mut draft = Draft::new("m");
        draft.subject = "x".into();
        assert!(
            message_of(
                &draft,
                Uuid::new_v4(),
                "A",
                "CPR",
                body(),
                vec![],
                Utc::now()
            )
            .is_err()
        );
        draft.recipient = Some(DraftRecipient::Citizen { cpr: "12".into() });
        assert!(
            message_of(
                &draft,
                Uuid::new_v4(),
                "A",
                "CPR",
                body(),
                vec![],
                Utc::now()
            )
            .is_err()
        );
        draft.recipient = Some(DraftRecipient::Citizen {
            cpr: "0101701234".into(),
        });
        draft.subject = "  ".into();
        assert!(
            message_of(
                &draft,
                Uuid::new_v4(),
                "A",
                "CPR",
                body(),
                vec![],
                Utc::now()
            )
            .is_err()
        );
    }

    #[test]
    fn reply_draft_goes_to_the_senders_contact_point() {
        let mut original = memo(true, None);
        original.sender = Sender {
            id: "29189846".into(),
            id_type: "CVR".into(),
            label: "Nordby Kommune".into(),
            contact_point: Some(ContactPoint {
                contact_point_id: "kp-pas".into(),
                ..ContactPoint::default()
            }),
            ..Sender::default()
        };
        let draft = reply_draft("mb", &original);
        assert_eq!(
            draft.recipient,
            Some(DraftRecipient::ContactPoint {
                id: "kp-pas".into(),
                authority_cvr: "29189846".into(),
                label: "Nordby Kommune".into()
            })
        );
        let reply = draft.reply_data.expect("reply data");
        assert_eq!(reply.message_uuid, original.message_uuid);
        assert_eq!(reply.contact_point_id.as_deref(), Some("kp-pas"));
        assert!(draft.subject.starts_with("Sv: "));
    }
}
