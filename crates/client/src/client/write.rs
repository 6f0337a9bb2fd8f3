//! The [`Client`] operations for writing: finding a contact point, drafts, sending (through
//! the queue in `outgoing`), replying and forwarding.

use brevdue_api::Mailbox;
use brevdue_api::contacts::{
    AttachmentLimits, AuthorityType, ContactGroupList, ContactPoint, ContactPointPage,
    ContactPointSummary,
};
use chrono::Utc;
use uuid::Uuid;

use super::{Client, SignedIn};
use crate::cache::CachedMessage;
use crate::compose;
use crate::drafts::{self, Draft, DraftAttachment, DraftId, DraftRecipient};
use crate::error::{ClientError, ErrorKind, Result};
use crate::outgoing::{self, OutgoingMessage};

/// How many contact points one search returns.
const SEARCH_PAGE: u32 = 50;

impl Client {
    // ---- contact points (online) ----

    /// Searches the visible contact points: every word must begin a word of the name or of a
    /// search word, without regard to case. At most 50, best first.
    pub async fn search_contact_points(
        &self,
        query: &str,
        authority_type: Option<AuthorityType>,
    ) -> Result<Vec<ContactPointSummary>> {
        let s = self.current().await?;
        Ok(s.api
            .search_contact_points(query, authority_type, None, 0, SEARCH_PAGE)
            .await?
            .items)
    }

    /// One contact point (also a hidden one: it may be where a reply goes).
    pub async fn contact_point(&self, id: &str) -> Result<ContactPoint> {
        self.current().await?.api.contact_point(id).await
    }

    /// The contact groups with their paths, of one authority or of all, of one kind of
    /// authority or of all.
    pub async fn contact_groups(
        &self,
        authority_id: Option<&str>,
        authority_type: Option<AuthorityType>,
    ) -> Result<ContactGroupList> {
        self.current()
            .await?
            .api
            .contact_groups(authority_id, authority_type)
            .await
    }

    /// A page of the visible contact points in one group.
    pub async fn group_contact_points(
        &self,
        group_id: &str,
        page: u32,
        size: u32,
    ) -> Result<ContactPointPage> {
        self.current()
            .await?
            .api
            .group_contact_points(group_id, page, size)
            .await
    }

    // ---- drafts (in the cache) ----

    /// Saves a draft (a new one gets an id); call it as the user types.
    pub async fn save_draft(&self, draft: Draft) -> Result<DraftId> {
        drafts::save(&self.current().await?.cache, draft).await
    }

    /// The drafts of a mailbox, the last saved first.
    pub async fn drafts(&self, mailbox_id: &str) -> Result<Vec<Draft>> {
        drafts::list(&self.current().await?.cache, mailbox_id).await
    }

    /// One draft.
    pub async fn draft(&self, id: &DraftId) -> Result<Draft> {
        drafts::get(&self.current().await?.cache, id).await
    }

    /// The message a draft answers (`ReplyData`) or passes on (`ForwardData`), from the cache:
    /// what a reopened draft shows as the letter it replies to. `None` for a new message, or
    /// when the original is no longer in the cache (the draft still opens and sends).
    pub async fn draft_original(&self, draft: &Draft) -> Result<Option<CachedMessage>> {
        let uuid = match (&draft.reply_data, &draft.forward_data) {
            (Some(reply), _) => reply.message_uuid,
            (None, Some(forward)) => forward.message_uuid,
            (None, None) => return Ok(None),
        };
        self.current()
            .await?
            .cache
            .message_by_uuid(&draft.mailbox_id, &uuid.to_string())
            .await
    }

    /// Deletes a draft.
    pub async fn delete_draft(&self, id: &DraftId) -> Result<()> {
        drafts::delete(&self.current().await?.cache, id).await
    }

    // ---- sending ----

    /// Sends a message: checks it, copies its attachments, gives it a messageUUID and queues it
    /// (deleting its saved draft), then sends it at once if the core can be reached, else at the
    /// next sync. Returns the messageUUID; it is sent exactly once.
    ///
    /// Refused before anything is queued: a mailbox the account may not write from
    /// ([`ErrorKind::Forbidden`]), no recipient or subject ([`ErrorKind::InvalidInput`]), more
    /// or larger attachments than the contact point accepts or 99.5 MB
    /// ([`ErrorKind::TooManyAttachments`], [`ErrorKind::TooLarge`]), a reply the original does
    /// not allow ([`ErrorKind::ReplyNotAllowed`], [`ErrorKind::ReplyDeadlinePassed`]).
    pub async fn send(&self, draft: Draft) -> Result<Uuid> {
        let s = self.current().await?;
        let mailbox = writable_mailbox(&s, &draft.mailbox_id).await?;
        if let Some(reply) = &draft.reply_data
            && let Some(original) = s
                .cache
                .message_by_uuid(&draft.mailbox_id, &reply.message_uuid.to_string())
                .await?
            && let Some(detail) = &original.detail
            && let Some(refusal) = compose::reply_refusal(&detail.memo, Utc::now())
        {
            return Err(refusal);
        }
        let mut draft = draft;
        let limits = self.contact_point_of(&s, &mut draft).await?;
        let uuid = outgoing::queue(
            &s.cache,
            &draft,
            mailbox.owner_type,
            &mailbox.owner_name,
            limits.as_ref(),
        )
        .await?;
        tracing::info!(message_uuid = %uuid, "a message is queued to be sent");
        self.try_send(&s).await;
        Ok(uuid)
    }

    /// Sends a saved draft; see [`Client::send`].
    pub async fn send_draft(&self, id: &DraftId) -> Result<Uuid> {
        let draft = self.draft(id).await?;
        self.send(draft).await
    }

    /// The contact point's attachment limits, when the recipient is one and the core can be
    /// reached (offline the core checks them when the message arrives). Fills in the draft's
    /// authority CVR number from the contact point when the draft does not carry it (the UI
    /// names a contact point by its id only); that needs the core.
    async fn contact_point_of(
        &self,
        s: &SignedIn,
        draft: &mut Draft,
    ) -> Result<Option<AttachmentLimits>> {
        let Some(DraftRecipient::ContactPoint {
            id, authority_cvr, ..
        }) = &mut draft.recipient
        else {
            return Ok(None);
        };
        match s.api.contact_point(id).await {
            Ok(cp) => {
                if authority_cvr.trim().is_empty() {
                    *authority_cvr = cp.authority_cvr;
                }
                Ok(Some(cp.attachment_limits))
            }
            Err(error)
                if error.kind() == ErrorKind::Offline && !authority_cvr.trim().is_empty() =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// The messages waiting to be sent, and those the server refused for good.
    pub async fn outgoing(&self) -> Result<Vec<OutgoingMessage>> {
        outgoing::list(&self.current().await?.cache).await
    }

    // ---- replying and forwarding ----

    /// Whether the message's sender allows a reply now (`reply`, before `replyByDateTime`): the
    /// client's copy of the core's rule, for showing the button. The core decides.
    pub fn can_reply(&self, message: &CachedMessage) -> bool {
        message
            .detail
            .as_ref()
            .is_some_and(|d| compose::can_reply(&d.memo, Utc::now()))
    }

    /// A draft replying to a message (to its sender's contact point or system, with
    /// `ReplyData`), not saved yet. Refused when the mailbox may not reply or the message does
    /// not allow it.
    pub async fn reply_to(&self, message_id: &str) -> Result<Draft> {
        let s = self.current().await?;
        let message = self.message(message_id).await?;
        writable_mailbox(&s, &message.item.mailbox_id).await?;
        let detail = fetched(&message)?;
        if let Some(refusal) = compose::reply_refusal(&detail.memo, Utc::now()) {
            return Err(refusal);
        }
        Ok(compose::reply_draft(&message.item.mailbox_id, &detail.memo))
    }

    /// A draft forwarding a message to `recipient` (a citizen, a company or a contact point)
    /// with `ForwardData`, its files attached (fetched first when not cached), `comment` as its
    /// text. Not saved yet.
    pub async fn forward(
        &self,
        message_id: &str,
        recipient: DraftRecipient,
        comment: Option<&str>,
    ) -> Result<Draft> {
        let s = self.current().await?;
        let message = self.message(message_id).await?;
        writable_mailbox(&s, &message.item.mailbox_id).await?;
        let detail = fetched(&message)?;
        let mut draft = compose::forward_draft(
            &message.item.mailbox_id,
            &detail.memo,
            message.item.received,
            recipient,
            comment,
        );
        for (id, file) in detail.memo.files() {
            // Read once so that it is in the cache and reads well (fetched again if not); the
            // draft points at it there, and the queue reads it through the sealed store.
            self.file_content(message_id, id.document, id.file).await?;
            let path = s.cache.files().address(&file.sha256).ok_or_else(|| {
                ClientError::new(ErrorKind::NotFound, "a forwarded file is not in the cache")
            })?;
            draft.attachments.push(DraftAttachment {
                path,
                filename: Some(brevdue_memo::safe_name::safe_file_name(&file.filename)),
                mime_type: Some(file.encoding_format.clone()),
            });
        }
        Ok(draft)
    }
}

fn fetched(message: &CachedMessage) -> Result<&brevdue_api::MessageDetail> {
    message
        .detail
        .as_ref()
        .ok_or_else(|| ClientError::new(ErrorKind::NotFound, "the message has not been fetched"))
}

/// The mailbox `id` if the account may write from it (its own, or a company's it works for).
async fn writable_mailbox(s: &SignedIn, id: &str) -> Result<Mailbox> {
    let mailbox = s
        .cache
        .mailboxes()
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| ClientError::new(ErrorKind::NotFound, "no such mailbox"))?;
    if !mailbox.access.permissions.write {
        return Err(ClientError::new(
            ErrorKind::Forbidden,
            "the account may only read this mailbox",
        ));
    }
    Ok(mailbox)
}
