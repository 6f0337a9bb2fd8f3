//! Writing from a mailbox: `POST /apis/v1/mailboxes/{mailboxId}/messages` with a MeMo 1.2 a
//! viewing client wrote ("Skriv til det offentlige", replies and forwards).
//!
//! The rules, in the order they are checked:
//! 1. The caller may write from the mailbox: its owner (a citizen's own mailbox, or a
//!    company's for an employee with rights). A representative gets 403, whatever they send.
//! 2. The body is read like a sender system's memo (`routing::spool`, `routing::parse`: at most
//!    99.5 MB, 413; well-formed and valid MeMo, 400).
//! 3. A messageUUID this mailbox sent before gets the first answer (200) and nothing else
//!    happens; one another sender used is 409.
//! 4. `Sender` is the mailbox's owner: idType CPR and the person's CPR number, or CVR and the
//!    company's (422 `SENDER_MISMATCH`). No value date (422 `INVALID_VALUE_DATE`).
//! 5. The recipient:
//!    - a reply (`ReplyData`): the original must be in this mailbox (422 `UNKNOWN_ORIGINAL`),
//!      allow replies (422 `REPLY_NOT_ALLOWED`) and its `replyByDateTime` must not have passed
//!      (422 `REPLY_DEADLINE_PASSED`); the reply goes to whoever sent the original: its
//!      contact point (also a hidden one), else its authority's default recipient system;
//!    - a forward (`ForwardData`, the original in this mailbox): a citizen (CPR), a company
//!      (CVR) or a contact point;
//!    - anything else: a visible contact point (422 `UNKNOWN_RECIPIENT` otherwise).
//!
//!    A contact point named by a new message or a forward must be meant for the writer: its
//!    audiences include citizens for a person's own mailbox, companies for a company's
//!    (422 `WRONG_AUDIENCE`, saying what to do).
//!
//!    A contact point routes as a sender system's memo does (`routing::contact_point_destination`).
//! 6. The contact point's limits: its number of attachments (422 `TOO_MANY_ATTACHMENTS`) and
//!    its size for all files together (413 `ATTACHMENTS_TOO_LARGE`).
//! 7. Enrichment (`enrich`): the contact point's KLE/FORM codes and location code are added.
//! 8. Stored by `routing::store`: to the recipient (a recipient system's queue, or the
//!    recipient's INBOX), and a copy in the writer's SENT folder, in one transaction.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use brevdue_api::contacts::{ABSOLUTE_MAX_MESSAGE_BYTES, Audience};
use brevdue_api::{ErrorBody, ErrorCode, MessageSent};
use brevdue_memo::{DocumentKind, Message};
use futures_util::TryStreamExt;
use tokio_util::io::StreamReader;
use uuid::Uuid;

use crate::access::{self, Action, Grant};
use crate::auth::Caller;
use crate::contacts::{ContactPoint, ContactPoints};
use crate::db::Db;
use crate::enrich;
use crate::error::{ApiError, ApiResult};
use crate::mailboxes::MailboxInfo;
use crate::routing::{self, Accepted, Destination, Origin, Route};
use crate::state::AppState;

/// Sends a message written in a viewing client from a mailbox the caller may write from. 201
/// when accepted, 200 with the first answer when the same messageUUID was sent before.
#[utoipa::path(post, path = "/apis/v1/mailboxes/{mailboxId}/messages", tag = "messages",
    params(("mailboxId" = String, Path)),
    request_body(content = String, content_type = "application/xml",
        description = "a MeMo 1.2 message with a messageUUID the client generated"),
    responses((status = 201, body = MessageSent), (status = 200, body = MessageSent),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path(mailbox_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<MessageSent>)> {
    let now = state.clock.now();
    let grant = {
        let mut conn = state.db.acquire().await?;
        access::mailbox(&mut conn, &caller, &mailbox_id, now).await?
    };
    grant.require(Action::Write)?;
    let (owner_id, owner_id_type) = owner(&state.db, &grant.mailbox).await?;

    let limit = state.max_memo_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let (spooled, size) = routing::spool(&state.blobs, StreamReader::new(stream), limit).await?;
    let blobs = state.blobs.clone();
    let mut parsed = tokio::task::spawn_blocking(move || routing::parse(&blobs, spooled, size))
        .await
        .map_err(|e| ApiError::internal(&e))??;

    let origin = Origin::Mailbox {
        mailbox_id: mailbox_id.clone(),
        sender_id: owner_id.clone(),
    };
    let uuid = parsed.model.message_uuid.as_hyphenated().to_string();
    if let Some(done) = routing::accepted_before(&state, &uuid, &origin).await? {
        return Ok((
            StatusCode::OK,
            Json(answer(&state.db, &mailbox_id, done).await?),
        ));
    }

    let m = &parsed.model;
    if m.sender.id.trim() != owner_id
        || !m.sender.id_type.trim().eq_ignore_ascii_case(owner_id_type)
    {
        return Err(ApiError::unprocessable(
            ErrorCode::SenderMismatch,
            "Sender must be the owner of the mailbox written from (its CPR or CVR number)",
        ));
    }
    if m.do_not_deliver_until_date.is_some() {
        return Err(ApiError::unprocessable(
            ErrorCode::InvalidValueDate,
            "a message written in a viewing client has no doNotDeliverUntilDate",
        ));
    }
    let (destination, point) = recipient(&state, &grant, &mailbox_id, m, now).await?;
    let to_itself = match &destination {
        Destination::Person(p) => grant.mailbox.person_id.as_deref() == Some(p.as_str()),
        Destination::Company(c) => grant.mailbox.cvr.as_deref() == Some(c.as_str()),
        Destination::System { .. } => false,
    };
    if to_itself {
        return Err(unknown_recipient(
            "a message cannot be sent to the mailbox it is written from",
        ));
    }
    if let Some(point) = &point {
        check_limits(point, m)?;
        if enrich::enrich(&mut parsed.model, point) {
            let blobs = state.blobs.clone();
            parsed = tokio::task::spawn_blocking(move || {
                enrich::rewrite(&blobs, &mut parsed).map(|()| parsed)
            })
            .await
            .map_err(|e| ApiError::internal(&e))??;
        }
    }
    let accepted = routing::store(&state, &origin, parsed, Route::now(destination, now)).await?;
    let status = if accepted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(answer(&state.db, &mailbox_id, accepted).await?),
    ))
}

/// The owner's id and idType as the MeMo's `Sender` must carry them.
async fn owner(db: &Db, mailbox: &MailboxInfo) -> ApiResult<(String, &'static str)> {
    if let Some(cvr) = &mailbox.cvr {
        return Ok((cvr.clone(), "CVR"));
    }
    let person = mailbox
        .person_id
        .as_deref()
        .ok_or_else(|| ApiError::internal(&"a mailbox without an owner"))?;
    let (cpr,): (String,) = sqlx::query_as("SELECT cpr FROM persons WHERE id = $1")
        .bind(person)
        .fetch_one(db)
        .await?;
    Ok((cpr, "CPR"))
}

fn unknown_recipient(message: &str) -> ApiError {
    ApiError::unprocessable(ErrorCode::UnknownRecipient, message)
}

/// A message in the mailbox written from, as a reply or forward names it.
struct Original {
    model: Message,
    /// The authority of the sender system that sent it; `None` when a person wrote it.
    authority_id: Option<String>,
}

async fn original(db: &Db, mailbox_id: &str, uuid: &Uuid) -> ApiResult<Original> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT mm.model_json, mm.sender_authority_id FROM messages m \
         JOIN memos mm ON mm.message_uuid = m.message_uuid \
         WHERE m.mailbox_id = $1 AND m.message_uuid = $2 AND m.visible = TRUE",
    )
    .bind(mailbox_id)
    .bind(uuid.as_hyphenated().to_string())
    .fetch_optional(db)
    .await?;
    let (json, authority_id) = row.ok_or_else(|| {
        ApiError::unprocessable(
            ErrorCode::UnknownOriginal,
            "the message replied to or forwarded is not in this mailbox",
        )
    })?;
    let model = serde_json::from_str(&json).map_err(|e| ApiError::internal(&e))?;
    Ok(Original {
        model,
        authority_id,
    })
}

/// Where the message goes, and the contact point whose rules apply to it.
async fn recipient(
    state: &AppState,
    grant: &Grant,
    mailbox_id: &str,
    m: &Message,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<(Destination, Option<ContactPoint>)> {
    let contacts = ContactPoints::new(state.db.clone());
    let point = |id: String| {
        let contacts = contacts.clone();
        async move {
            contacts
                .get(&id)
                .await
                .map_err(|e| ApiError::internal(&e))
                .map(|found| found.map(|(p, _)| p))
        }
    };
    if let Some(reply) = m.reply_data.first() {
        grant.require(Action::Reply)?;
        let original = original(&state.db, mailbox_id, &reply.message_uuid).await?;
        let o = &original.model;
        let Some(authority_id) = original.authority_id.filter(|_| o.reply) else {
            return Err(ApiError::unprocessable(
                ErrorCode::ReplyNotAllowed,
                "the sender of the original does not accept replies to it",
            ));
        };
        if o.reply_by_date_time.is_some_and(|by| now > by) {
            return Err(ApiError::unprocessable(
                ErrorCode::ReplyDeadlinePassed,
                "the deadline for replying to the original has passed",
            ));
        }
        if m.recipient.id.trim() != o.sender.id.trim() {
            return Err(unknown_recipient(
                "a reply goes to the sender of the original",
            ));
        }
        return match &o.sender.contact_point {
            Some(cp) => {
                let id = cp.contact_point_id.trim().to_owned();
                if m.recipient
                    .contact_point
                    .as_ref()
                    .is_some_and(|r| r.contact_point_id.trim() != id)
                {
                    return Err(unknown_recipient(
                        "a reply goes to the contact point the original came from",
                    ));
                }
                let destination = routing::contact_point_destination(&state.db, &id, None).await?;
                Ok((destination, point(id).await?))
            }
            None => {
                let system_id = routing::default_recipient(&state.db, &authority_id)
                    .await?
                    .ok_or_else(|| {
                        ApiError::unprocessable(
                            ErrorCode::Unroutable,
                            "the sender of the original has no recipient system",
                        )
                    })?;
                Ok((
                    Destination::System {
                        system_id,
                        contact_point_id: None,
                    },
                    None,
                ))
            }
        };
    }
    let forward = m.forward_data.is_some();
    if let Some(data) = &m.forward_data {
        grant.require(Action::Forward)?;
        original(&state.db, mailbox_id, &data.message_uuid).await?;
    }
    if let Some(cp) = &m.recipient.contact_point {
        let id = cp.contact_point_id.trim().to_owned();
        let found = point(id.clone())
            .await?
            .filter(|p| p.visible)
            .ok_or_else(|| unknown_recipient("no visible contact point has this id"))?;
        check_audience(&found, writer_audience(grant))?;
        let destination =
            routing::contact_point_destination(&state.db, &id, Some(m.recipient.id.trim())).await?;
        return Ok((destination, Some(found)));
    }
    if !forward {
        return Err(unknown_recipient(
            "a message to the public sector goes to a contact point",
        ));
    }
    let authority: Option<(String,)> = sqlx::query_as("SELECT id FROM authorities WHERE cvr = $1")
        .bind(m.recipient.id.trim())
        .fetch_optional(&state.db)
        .await?;
    if authority.is_some() {
        return Err(unknown_recipient(
            "a message to an authority must name one of its contact points",
        ));
    }
    Ok((routing::destination(&state.db, m).await?, None))
}

/// Who is writing, as contact points name their audiences: a company's mailbox writes as a
/// company, a person's own as a citizen.
fn writer_audience(grant: &Grant) -> Audience {
    if grant.mailbox.cvr.is_some() {
        Audience::Company
    } else {
        Audience::Citizen
    }
}

/// A contact point takes messages only from the audiences it names (422 `WRONG_AUDIENCE`, with
/// what to do). A reply is not checked: it goes where the authority's letter came from.
fn check_audience(point: &ContactPoint, writer: Audience) -> ApiResult<()> {
    if point.audiences.contains(&writer) {
        return Ok(());
    }
    let writer_name = match writer {
        Audience::Citizen => "citizens",
        Audience::Company => "companies",
        Audience::Authority => "authorities",
    };
    Err(ApiError::unprocessable(
        ErrorCode::WrongAudience,
        format!(
            "the contact point {:?} does not take messages from {writer_name} (it is for {}); \
             choose one of the authority's contact points for {writer_name}",
            point.id,
            audience_names(&point.audiences),
        ),
    ))
}

/// The audiences in words, e.g. `companies and authorities`.
fn audience_names(audiences: &[Audience]) -> String {
    let names: Vec<&str> = audiences
        .iter()
        .map(|a| match a {
            Audience::Citizen => "citizens",
            Audience::Company => "companies",
            Audience::Authority => "authorities",
        })
        .collect();
    match names.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The contact point's limits on attachments.
fn check_limits(point: &ContactPoint, m: &Message) -> ApiResult<()> {
    let attachments = m
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Additional)
        .count();
    if let Some(max) = point.max_attachments
        && attachments > max as usize
    {
        return Err(ApiError::unprocessable(
            ErrorCode::TooManyAttachments,
            format!("the contact point accepts at most {max} attachment(s); remove some"),
        ));
    }
    let total: u64 = m.files().map(|(_, f)| f.size).sum();
    let max = point
        .max_attachment_bytes
        .unwrap_or(ABSOLUTE_MAX_MESSAGE_BYTES)
        .min(ABSOLUTE_MAX_MESSAGE_BYTES);
    if total > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::AttachmentsTooLarge,
            format!(
                "the contact point accepts at most {max} bytes of files in all; \
                 this message has {total}"
            ),
        ));
    }
    Ok(())
}

/// The answer for a stored (or earlier) message: where its SENT copy is.
async fn answer(db: &Db, mailbox_id: &str, accepted: Accepted) -> ApiResult<MessageSent> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT m.id, m.folder_id, mm.contact_point_id FROM messages m \
         JOIN memos mm ON mm.message_uuid = m.message_uuid \
         WHERE m.mailbox_id = $1 AND m.message_uuid = $2",
    )
    .bind(mailbox_id)
    .bind(&accepted.memo.message_uuid)
    .fetch_optional(db)
    .await?;
    let (message_id, folder_id, contact_point_id) =
        row.ok_or_else(|| ApiError::internal(&"a sent message has no SENT copy"))?;
    Ok(MessageSent {
        message_uuid: accepted.memo.message_uuid,
        message_id,
        folder_id,
        routed_to: accepted.memo.routed_to,
        contact_point_id,
        accepted_date_time: accepted.memo.accepted_date_time,
    })
}
