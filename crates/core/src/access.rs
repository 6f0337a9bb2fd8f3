//! Who may do what: the one place that decides every permission. Every handler asks here.
//!
//! The rules:
//! - A citizen OWNS their CPR mailbox. An employee with rights in a company (`company_rights`)
//!   OWNS the company's CVR mailbox. An owner may do everything.
//! - A PARTY_REPRESENTATIVE holds read access granted by an owner: they may read, mark read
//!   and unread, flag, create folders and move messages; they may not delete, write, reply,
//!   forward, change settings or manage representatives. They see only post from public
//!   senders (authorities), nothing at all once the grant has expired, and with a folder limit
//!   only those folders (and folders they create themselves).
//! - Systems have no mailboxes. A sender system may hand in and recall its own authority's
//!   memos; a recipient system may pull what was routed to it.
//! - A caller who may not know that a mailbox or message exists gets 404, never 403; 403 is
//!   for a caller who sees the thing but may not do this to it.

use crate::db::{Conn, Sql};
use brevdue_api::{AccessType, Mailbox, MailboxAccess, Permissions};
use chrono::{DateTime, Utc};

use crate::auth::{Caller, SystemRole};
use crate::error::{ApiError, ApiResult};
use crate::mailboxes::{self, MailboxInfo};
use crate::timefmt;

/// Something a caller may want to do in a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    MarkRead,
    Flag,
    CreateFolder,
    MoveMessages,
    Delete,
    Write,
    Reply,
    Forward,
    ChangeSettings,
    ManageRepresentatives,
}

/// A caller's access to one mailbox, as decided by [`mailbox`] or [`mailboxes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub mailbox: MailboxInfo,
    pub access_type: AccessType,
    /// A representative's folder limit; `None`: every folder.
    pub folder_ids: Option<Vec<String>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The representative grant this access rests on.
    pub representative_id: Option<String>,
    /// The signed-in person.
    pub person_id: String,
}

impl Grant {
    /// Whether the grant allows `action`.
    pub fn allows(&self, action: Action) -> bool {
        match self.access_type {
            AccessType::Owner => true,
            AccessType::PartyRepresentative => matches!(
                action,
                Action::Read
                    | Action::MarkRead
                    | Action::Flag
                    | Action::CreateFolder
                    | Action::MoveMessages
            ),
        }
    }

    /// 403 unless the grant allows `action`.
    pub fn require(&self, action: Action) -> ApiResult<()> {
        if self.allows(action) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "a party representative may not do this ({action:?})"
            )))
        }
    }

    /// Every flag, for the UI.
    pub fn permissions(&self) -> Permissions {
        Permissions {
            read: self.allows(Action::Read),
            mark_read: self.allows(Action::MarkRead),
            flag: self.allows(Action::Flag),
            create_folder: self.allows(Action::CreateFolder),
            move_messages: self.allows(Action::MoveMessages),
            delete: self.allows(Action::Delete),
            write: self.allows(Action::Write),
            reply: self.allows(Action::Reply),
            forward: self.allows(Action::Forward),
            change_settings: self.allows(Action::ChangeSettings),
            manage_representatives: self.allows(Action::ManageRepresentatives),
        }
    }

    /// A representative sees only post from public senders.
    pub fn public_senders_only(&self) -> bool {
        self.access_type == AccessType::PartyRepresentative
    }

    /// Whether the caller may see the folder `folder_id` (of this mailbox).
    pub fn sees_folder(&self, folder_id: &str) -> bool {
        match &self.folder_ids {
            None => true,
            Some(ids) => ids.iter().any(|f| f == folder_id),
        }
    }

    /// Whether the caller may see a message in `folder_id` from a sender that is public or not.
    pub fn sees_message(&self, folder_id: &str, sender_public: bool) -> bool {
        self.sees_folder(folder_id) && (sender_public || !self.public_senders_only())
    }

    /// Narrows a query over `messages` (aliased `alias`) to what the caller may see; the
    /// query's WHERE clause must already be open.
    pub fn push_message_scope(&self, q: &mut Sql<'_>, alias: &str) {
        q.push(format!(" AND {alias}.visible = TRUE"));
        if self.public_senders_only() {
            q.push(format!(" AND {alias}.sender_public = TRUE"));
        }
        if let Some(ids) = &self.folder_ids {
            if ids.is_empty() {
                q.push(" AND FALSE");
            } else {
                q.push(format!(" AND {alias}.folder_id IN ("));
                q.push_bind_list(ids.iter().cloned());
                q.push(")");
            }
        }
    }

    /// The mailbox as the API shows it.
    pub fn to_api(&self) -> Mailbox {
        Mailbox {
            id: self.mailbox.id.clone(),
            owner_type: self.mailbox.owner_type,
            owner_name: self.mailbox.owner_name.clone(),
            cvr: self.mailbox.cvr.clone(),
            access: MailboxAccess {
                access_type: self.access_type,
                permissions: self.permissions(),
                folder_ids: self.folder_ids.clone(),
                public_senders_only: self.public_senders_only(),
                expires_date_time: self.expires_at,
            },
        }
    }
}

/// The signed-in person's id; 403 for a system.
pub fn person(caller: &Caller) -> ApiResult<&str> {
    match caller {
        Caller::Person { person_id, .. } => Ok(person_id),
        Caller::System { .. } => Err(ApiError::forbidden("only a signed-in person may do this")),
    }
}

/// A sending system's id and authority; 403 for anyone else.
pub fn sender_system(caller: &Caller) -> ApiResult<(&str, &str)> {
    match caller {
        Caller::System {
            system_id,
            authority_id,
            role: SystemRole::Sender,
        } => Ok((system_id, authority_id)),
        _ => Err(ApiError::forbidden("only a sender system may do this")),
    }
}

/// A recipient system's id; 403 for anyone else.
pub fn recipient_system(caller: &Caller) -> ApiResult<&str> {
    match caller {
        Caller::System {
            system_id,
            role: SystemRole::Recipient,
            ..
        } => Ok(system_id),
        _ => Err(ApiError::forbidden("only a recipient system may do this")),
    }
}

type RepRow = (String, String, Option<String>, Option<String>);

fn rep_grant(mailbox: MailboxInfo, person_id: &str, row: RepRow) -> Grant {
    let (id, _mailbox_id, folder_ids, expires_at) = row;
    Grant {
        mailbox,
        access_type: AccessType::PartyRepresentative,
        // A limit that cannot be read limits to nothing rather than to everything.
        folder_ids: folder_ids.map(|f| serde_json::from_str(&f).unwrap_or_default()),
        expires_at: expires_at.as_deref().and_then(timefmt::from_db),
        representative_id: Some(id),
        person_id: person_id.to_owned(),
    }
}

/// Every mailbox the caller may use: their own, their companies', and those they represent
/// (active grants only). Own mailboxes are made on first look. 403 for a system.
pub async fn mailboxes(
    conn: &mut Conn,
    caller: &Caller,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Grant>> {
    let person_id = person(caller)?;
    let mut grants: Vec<Grant> = mailboxes::owned_by_person(&mut *conn, person_id, now)
        .await?
        .into_iter()
        .map(|mailbox| Grant {
            mailbox,
            access_type: AccessType::Owner,
            folder_ids: None,
            expires_at: None,
            representative_id: None,
            person_id: person_id.to_owned(),
        })
        .collect();
    let reps: Vec<RepRow> = sqlx::query_as(
        "SELECT id, mailbox_id, folder_ids, expires_at FROM representatives \
         WHERE person_id = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY created_at",
    )
    .bind(person_id)
    .bind(timefmt::to_db(now))
    .fetch_all(&mut *conn)
    .await?;
    for row in reps {
        if grants.iter().any(|g| g.mailbox.id == row.1) {
            continue; // an owner needs no grant
        }
        if let Some(mailbox) = mailboxes::get(&mut *conn, &row.1).await? {
            grants.push(rep_grant(mailbox, person_id, row));
        }
    }
    Ok(grants)
}

/// The caller's access to mailbox `id`; 404 if they have none (or it does not exist).
pub async fn mailbox(
    conn: &mut Conn,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Grant> {
    let Caller::Person { person_id, .. } = caller else {
        return Err(ApiError::not_found());
    };
    let mailbox = mailboxes::get(&mut *conn, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let owner = match (&mailbox.person_id, &mailbox.cvr) {
        (Some(p), _) => p == person_id,
        (None, Some(cvr)) => {
            sqlx::query("SELECT 1 FROM company_rights WHERE person_id = $1 AND cvr = $2")
                .bind(person_id)
                .bind(cvr)
                .fetch_optional(&mut *conn)
                .await?
                .is_some()
        }
        (None, None) => false,
    };
    if owner {
        return Ok(Grant {
            mailbox,
            access_type: AccessType::Owner,
            folder_ids: None,
            expires_at: None,
            representative_id: None,
            person_id: person_id.clone(),
        });
    }
    let rep: Option<RepRow> = sqlx::query_as(
        "SELECT id, mailbox_id, folder_ids, expires_at FROM representatives \
         WHERE mailbox_id = $1 AND person_id = $2 AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(id)
    .bind(person_id)
    .bind(timefmt::to_db(now))
    .fetch_optional(&mut *conn)
    .await?;
    match rep {
        Some(row) => Ok(rep_grant(mailbox, person_id, row)),
        None => Err(ApiError::not_found()),
    }
}
