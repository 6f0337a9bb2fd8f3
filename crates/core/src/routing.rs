//! Routing: a sender system hands in a MeMo; the core reads it, checks it, stores it and routes
//! it to a mailbox or to an authority's recipient system. [`accept`] is the one entry point,
//! used by `POST /apis/v1/memos` and by anything inside the process that sends (demo seeding).
//!
//! The steps, and what each guarantees:
//! 1. Spool: the body is copied to a temporary file in the data folder, counting bytes; past
//!    the limit (99.5 MB) the request ends with 413 and the file is removed. A declared
//!    Content-Length over the limit is refused before a byte is read.
//! 2. Read: in a blocking task, [`brevdue_memo::read`] streams the spooled file, each file's
//!    content decoded into its own temporary file; the raw MeMo is hashed on the way. The
//!    reader's errors are 400 `MALFORMED_MEMO` with line and column; the validator's
//!    violations 400 `INVALID_MEMO`.
//! 3. Decide: `Sender/senderID` must be the CVR number of the sending system's authority
//!    (422 `SENDER_MISMATCH`); `doNotDeliverUntilDate` at most 5 days ahead in Danish time
//!    (422 `INVALID_VALUE_DATE`); the recipient: a `ContactPoint` → that contact point's
//!    recipient system, or its authority's default recipient system; idType CPR → the
//!    person's mailbox (made on first delivery); CVR → the company's mailbox, or, for an
//!    authority's CVR, its default recipient system. Unknown → 422 `UNKNOWN_RECIPIENT`.
//! 4. Store ([`store`], also used by `writing` for messages people write, whose [`Origin`] is
//!    a mailbox: they get a copy in its SENT folder in the same transaction): the blobs first (content-addressed, temp file + rename), then one database
//!    transaction: the memo row (its messageUUID is the primary key), the mailbox message, its
//!    search text and its change number. A second memo with the same messageUUID, sequential
//!    or concurrent, hits the primary key and gets the first one's result (200). Any error
//!    before the commit leaves no row; the temporary files are removed when dropped.

use std::io::{self, BufReader, Read, Write};

use crate::db::Conn;
use brevdue_api::{ErrorCode, FolderType, MemoAccepted, MemoStatus, RoutedTo};
use brevdue_memo::{DocumentKind, FileId, FileMeta, Message, Sink};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::blobs::BlobStore;
use crate::changes;
use crate::error::{ApiError, ApiResult};
use crate::mailboxes;
use crate::pdftext;
use crate::search;
use crate::state::AppState;
use crate::text;
use crate::timefmt;

/// How many days ahead a value date may be.
pub const MAX_VALUE_DATE_DAYS: u64 = 5;

/// The outcome of [`accept`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// `false` when the messageUUID had been accepted before (nothing new was stored).
    pub created: bool,
    pub memo: MemoAccepted,
}

/// Accepts a MeMo from the sender system `sender_system_id`: reads it from `input` (at most
/// the state's limit; `declared_len` is the Content-Length, if known), checks it, stores it
/// and routes it. See the module documentation for the rules.
pub async fn accept<R: AsyncRead + Unpin>(
    state: &AppState,
    sender_system_id: &str,
    input: R,
    declared_len: Option<u64>,
) -> ApiResult<Accepted> {
    let limit = state.max_memo_bytes;
    if declared_len.is_some_and(|n| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    let sender = sender(&state.db, sender_system_id).await?;
    let (spooled, size) = spool(&state.blobs, input, limit).await?;
    let blobs = state.blobs.clone();
    let parsed = tokio::task::spawn_blocking(move || parse(&blobs, spooled, size))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let route = decide(state, &sender, &parsed.model).await?;
    store(state, &Origin::System(sender), parsed, route).await
}

/// Accepts a MeMo held in memory; see [`accept`].
pub async fn accept_bytes(
    state: &AppState,
    sender_system_id: &str,
    memo: &[u8],
) -> ApiResult<Accepted> {
    accept(state, sender_system_id, memo, Some(memo.len() as u64)).await
}

/// The sending system and its authority.
#[derive(Debug, Clone)]
pub(crate) struct SenderSystem {
    system_id: String,
    authority_id: String,
    authority_cvr: String,
}

/// Who hands a memo in: a sender system, or a person writing from a mailbox (`writing`).
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    System(SenderSystem),
    /// The mailbox written from and the MeMo's senderID (its owner's CPR or CVR number).
    Mailbox {
        mailbox_id: String,
        sender_id: String,
    },
}

async fn sender(db: &crate::db::Db, system_id: &str) -> ApiResult<SenderSystem> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT s.authority_id, s.role, a.cvr FROM systems s \
         JOIN authorities a ON a.id = s.authority_id WHERE s.id = $1",
    )
    .bind(system_id)
    .fetch_optional(db)
    .await?;
    match row {
        Some((authority_id, role, authority_cvr)) if role == "SENDER" => Ok(SenderSystem {
            system_id: system_id.to_owned(),
            authority_id,
            authority_cvr,
        }),
        _ => Err(ApiError::forbidden(
            "only a sender system may hand in a memo",
        )),
    }
}

/// Copies `input` into a temporary file, refusing more than `limit` bytes.
pub(crate) async fn spool<R: AsyncRead + Unpin>(
    blobs: &BlobStore,
    mut input: R,
    limit: u64,
) -> ApiResult<(NamedTempFile, u64)> {
    let tmp = blobs.temp_file()?;
    let mut file = tokio::fs::File::from_std(tmp.as_file().try_clone()?);
    let mut buf = vec![0u8; 128 * 1024];
    let mut total = 0u64;
    loop {
        let n = input.read(&mut buf).await.map_err(|e| {
            // The client went away or sent a broken body: nothing is kept.
            ApiError::bad_request(format!("could not read the request body: {e}"))
        })?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(ApiError::too_large(limit));
        }
        file.write_all(&buf[..n]).await?;
    }
    file.flush().await?;
    Ok((tmp, total))
}

/// A read MeMo with its bytes in temporary files, not yet stored.
pub(crate) struct Parsed {
    pub model: Message,
    pub raw: NamedTempFile,
    pub raw_sha256: String,
    pub raw_size: u64,
    pub files: Vec<(FileId, NamedTempFile)>,
    text: String,
}

/// Reads the spooled MeMo (blocking).
pub(crate) fn parse(blobs: &BlobStore, raw: NamedTempFile, raw_size: u64) -> ApiResult<Parsed> {
    let mut input = HashingReader {
        inner: BufReader::with_capacity(256 * 1024, raw.reopen()?),
        hasher: Sha256::new(),
    };
    let mut sink = SpoolSink {
        blobs,
        files: Vec::new(),
        current: None,
        texts: Vec::new(),
    };
    let model = brevdue_memo::read(&mut input, &mut sink).map_err(memo_error)?;
    io::copy(&mut input, &mut io::sink())?;
    let raw_sha256 = hex::encode(input.hasher.finalize());

    let violations = brevdue_memo::validate(BufReader::new(raw.reopen()?)).map_err(memo_error)?;
    if let Some(v) = violations.first() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            ErrorCode::InvalidMemo,
            format!(
                "the MeMo breaks the schema ({} violation(s)); the first: {}",
                violations.len(),
                v.message
            ),
        )
        .with_position(v.position.line, v.position.column));
    }

    let mut text = String::new();
    for (kind, bytes) in &sink.texts {
        let t = match kind {
            TextKind::Plain => String::from_utf8_lossy(bytes).into_owned(),
            TextKind::Html => text::html_to_text(&String::from_utf8_lossy(bytes)),
            TextKind::Pdf => pdftext::pdf_text(bytes, search::MAX_INDEXED_TEXT),
        };
        text.push_str(&t);
        text.push('\n');
    }
    Ok(Parsed {
        model,
        raw,
        raw_sha256,
        raw_size,
        files: sink.files,
        text,
    })
}

fn memo_error(e: brevdue_memo::Error) -> ApiError {
    match e.kind() {
        brevdue_memo::ErrorKind::Io(_) | brevdue_memo::ErrorKind::Sink { .. } => {
            ApiError::internal(&e)
        }
        _ => {
            let err = ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                ErrorCode::MalformedMemo,
                e.kind().to_string(),
            );
            match e.position() {
                Some(p) => err.with_position(p.line, p.column),
                None => err,
            }
        }
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Puts each file's content in its own temporary file, and keeps the text of text/plain and
/// text/html files (up to a limit) for the search index.
struct SpoolSink<'a> {
    blobs: &'a BlobStore,
    files: Vec<(FileId, NamedTempFile)>,
    current: Option<(io::BufWriter<std::fs::File>, Option<usize>)>,
    /// The kind and the first bytes of each file whose text is indexed.
    texts: Vec<(TextKind, Vec<u8>)>,
}

/// Files whose text goes into the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Plain,
    Html,
    Pdf,
}

impl TextKind {
    /// How much of such a file is kept to find its text in.
    fn keep(self) -> usize {
        match self {
            Self::Plain | Self::Html => search::MAX_INDEXED_TEXT,
            Self::Pdf => 4 * search::MAX_INDEXED_TEXT,
        }
    }
}

impl Sink for SpoolSink<'_> {
    fn begin(&mut self, id: FileId, meta: FileMeta<'_>) -> io::Result<()> {
        let tmp = self.blobs.temp_file()?;
        let writer = io::BufWriter::with_capacity(128 * 1024, tmp.as_file().try_clone()?);
        self.files.push((id, tmp));
        let mime = meta
            .encoding_format
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let text = match mime.as_str() {
            "text/plain" => Some(TextKind::Plain),
            "text/html" => Some(TextKind::Html),
            "application/pdf" => Some(TextKind::Pdf),
            _ => None,
        };
        let slot = text.map(|html| {
            self.texts.push((html, Vec::new()));
            self.texts.len() - 1
        });
        self.current = Some((writer, slot));
        Ok(())
    }

    fn write(&mut self, decoded: &[u8]) -> io::Result<()> {
        let Some((writer, slot)) = &mut self.current else {
            return Err(io::Error::other("write outside a file"));
        };
        writer.write_all(decoded)?;
        if let Some((kind, text)) = slot.and_then(|i| self.texts.get_mut(i)) {
            let room = kind.keep().saturating_sub(text.len());
            text.extend_from_slice(&decoded[..decoded.len().min(room)]);
        }
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        if let Some((mut writer, _)) = self.current.take() {
            writer.flush()?;
        }
        Ok(())
    }
}

/// Where a memo goes.
#[derive(Debug, Clone)]
pub(crate) enum Destination {
    Person(String),
    Company(String),
    System {
        system_id: String,
        contact_point_id: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub destination: Destination,
    value_date: Option<NaiveDate>,
    visible_from: DateTime<Utc>,
    scheduled: bool,
    now: DateTime<Utc>,
}

impl Route {
    /// Delivered at once (a message written in a viewing client has no value date).
    pub(crate) fn now(destination: Destination, now: DateTime<Utc>) -> Route {
        Route {
            destination,
            value_date: None,
            visible_from: now,
            scheduled: false,
            now,
        }
    }
}

fn unknown(message: impl Into<String>) -> ApiError {
    ApiError::unprocessable(ErrorCode::UnknownRecipient, message)
}

async fn decide(state: &AppState, sender: &SenderSystem, m: &Message) -> ApiResult<Route> {
    if m.sender.id.trim() != sender.authority_cvr {
        return Err(ApiError::unprocessable(
            ErrorCode::SenderMismatch,
            "Sender/senderID is not the CVR number of the sending system's authority",
        ));
    }
    let now = state.clock.now();
    let (value_date, visible_from) = match m.do_not_deliver_until_date {
        Some(date) => {
            let today = timefmt::danish_date(now);
            let latest = today
                .checked_add_days(Days::new(MAX_VALUE_DATE_DAYS))
                .unwrap_or(today);
            if date > latest {
                return Err(ApiError::unprocessable(
                    ErrorCode::InvalidValueDate,
                    format!(
                        "doNotDeliverUntilDate may be at most {MAX_VALUE_DATE_DAYS} days ahead"
                    ),
                ));
            }
            // A value date today or in the past delivers at once.
            (Some(date), timefmt::start_of_danish_day(date).max(now))
        }
        None => (None, now),
    };
    let destination = destination(&state.db, m).await?;
    Ok(Route {
        destination,
        value_date,
        visible_from,
        scheduled: visible_from > now,
        now,
    })
}

pub(crate) async fn destination(db: &crate::db::Db, m: &Message) -> ApiResult<Destination> {
    let id = m.recipient.id.trim();
    if let Some(cp) = &m.recipient.contact_point {
        return contact_point_destination(db, cp.contact_point_id.trim(), Some(id)).await;
    }
    match m.recipient.id_type.trim().to_ascii_uppercase().as_str() {
        "CPR" => {
            let person: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE cpr = $1")
                .bind(id)
                .fetch_optional(db)
                .await?;
            person
                .map(|(p,)| Destination::Person(p))
                .ok_or_else(|| unknown("no person has the recipient's CPR number"))
        }
        "CVR" => {
            let company: Option<(String,)> =
                sqlx::query_as("SELECT cvr FROM companies WHERE cvr = $1")
                    .bind(id)
                    .fetch_optional(db)
                    .await?;
            if let Some((cvr,)) = company {
                return Ok(Destination::Company(cvr));
            }
            let authority: Option<(String,)> =
                sqlx::query_as("SELECT id FROM authorities WHERE cvr = $1")
                    .bind(id)
                    .fetch_optional(db)
                    .await?;
            let Some((authority_id,)) = authority else {
                return Err(unknown(
                    "no company or authority has the recipient's CVR number",
                ));
            };
            let system_id = default_recipient(db, &authority_id).await?.ok_or_else(|| {
                ApiError::unprocessable(
                    ErrorCode::Unroutable,
                    "the recipient authority has no default recipient system",
                )
            })?;
            Ok(Destination::System {
                system_id,
                contact_point_id: None,
            })
        }
        _ => Err(unknown("the recipient's idType must be CPR or CVR")),
    }
}

/// Post to contact point `contact_point_id` (of the authority with CVR `authority_cvr`, when
/// given): its mapped recipient system, else its authority's default.
pub(crate) async fn contact_point_destination(
    db: &crate::db::Db,
    contact_point_id: &str,
    authority_cvr: Option<&str>,
) -> ApiResult<Destination> {
    let route = crate::contact_route::lookup(db, contact_point_id)
        .await?
        .ok_or_else(|| unknown("the recipient's contact point is not known"))?;
    if authority_cvr.is_some_and(|cvr| route.authority_cvr != cvr) {
        return Err(unknown(
            "the contact point does not belong to the recipient authority",
        ));
    }
    let system_id = match route.recipient_system_id {
        Some(s) => s,
        None => default_recipient(db, &route.authority_id)
            .await?
            .ok_or_else(|| {
                ApiError::unprocessable(
                    ErrorCode::Unroutable,
                    "the authority has no recipient system for this contact point",
                )
            })?,
    };
    Ok(Destination::System {
        system_id,
        contact_point_id: Some(contact_point_id.to_owned()),
    })
}

pub(crate) async fn default_recipient(
    db: &crate::db::Db,
    authority_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT system_id FROM authority_default_recipients WHERE authority_id = $1",
    )
    .bind(authority_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(s,)| s))
}

/// The result given for the memo `uuid` if `origin` handed it in before; see [`existing`].
pub(crate) async fn accepted_before(
    state: &AppState,
    uuid: &str,
    origin: &Origin,
) -> ApiResult<Option<Accepted>> {
    let mut conn = state.db.acquire().await?;
    existing(&mut conn, uuid, origin).await
}

/// Stores a read, checked and routed memo; see the module documentation (step 4).
pub(crate) async fn store(
    state: &AppState,
    origin: &Origin,
    parsed: Parsed,
    route: Route,
) -> ApiResult<Accepted> {
    let uuid = parsed.model.message_uuid.as_hyphenated().to_string();
    let mut conn = state.db.acquire().await?;
    if let Some(done) = existing(&mut conn, &uuid, origin).await? {
        return Ok(done);
    }
    drop(conn);

    // Bytes first: an error after this leaves only unreferenced blobs.
    let Parsed {
        model,
        raw,
        raw_sha256,
        raw_size,
        files,
        text,
    } = parsed;
    let blobs = state.blobs.clone();
    let shas: Vec<(NamedTempFile, String)> = files
        .into_iter()
        .filter_map(|(id, tmp)| model.file(id).map(|f| (tmp, f.sha256.clone())))
        .collect();
    let raw_sha = raw_sha256.clone();
    tokio::task::spawn_blocking(move || -> io::Result<()> {
        blobs.put(raw, &raw_sha)?;
        for (tmp, sha) in shas {
            blobs.put(tmp, &sha)?;
        }
        Ok(())
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;

    let model_json = serde_json::to_string(&model).map_err(|e| ApiError::internal(&e))?;
    let status = if route.scheduled {
        MemoStatus::Scheduled
    } else {
        MemoStatus::Delivered
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (routed_to, mailbox_id, system_id, contact_point_id) = match &route.destination {
        Destination::Person(p) => (
            RoutedTo::Mailbox,
            Some(mailboxes::ensure_for_person(&mut tx, p, route.now).await?),
            None,
            None,
        ),
        Destination::Company(c) => (
            RoutedTo::Mailbox,
            Some(mailboxes::ensure_for_company(&mut tx, c, route.now).await?),
            None,
            None,
        ),
        Destination::System {
            system_id,
            contact_point_id,
        } => (
            RoutedTo::RecipientSystem,
            None,
            Some(system_id.clone()),
            contact_point_id.clone(),
        ),
    };
    let (sender_system, sender_authority, sender_mailbox, sender_id) = match origin {
        Origin::System(s) => (Some(&s.system_id), Some(&s.authority_id), None, None),
        Origin::Mailbox {
            mailbox_id,
            sender_id,
        } => (None, None, Some(mailbox_id), Some(sender_id)),
    };
    let inserted = sqlx::query(
        "INSERT INTO memos (message_uuid, sender_system_id, sender_authority_id, \
         sender_mailbox_id, sender_id, routed_to, \
         mailbox_id, recipient_system_id, contact_point_id, label, post_type, raw_sha256, \
         raw_size, model_json, value_date, visible_from, accepted_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&uuid)
    .bind(sender_system)
    .bind(sender_authority)
    .bind(sender_mailbox)
    .bind(sender_id)
    .bind(routed_to_str(routed_to))
    .bind(&mailbox_id)
    .bind(&system_id)
    .bind(&contact_point_id)
    .bind(&model.label)
    .bind(&model.post_type)
    .bind(&raw_sha256)
    .bind(raw_size as i64)
    .bind(&model_json)
    .bind(route.value_date.map(|d| d.to_string()))
    .bind(timefmt::to_db(route.visible_from))
    .bind(timefmt::to_db(route.now))
    .bind(status_str(status))
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // The same messageUUID, accepted meanwhile by a concurrent request.
            tx.rollback().await?;
            let mut conn = state.db.acquire().await?;
            return existing(&mut conn, &uuid, origin)
                .await?
                .ok_or_else(|| ApiError::internal(&"a duplicate memo vanished"));
        }
        Err(e) => return Err(e.into()),
    }
    let written = matches!(origin, Origin::Mailbox { .. });
    if let Some(mailbox_id) = &mailbox_id {
        let copy = MailboxCopy {
            folder: FolderType::Inbox,
            read: false,
            sender_public: !written,
        };
        deliver(&mut tx, mailbox_id, copy, &uuid, &model, &route, &text).await?;
    }
    if let Origin::Mailbox { mailbox_id, .. } = origin {
        let copy = MailboxCopy {
            folder: FolderType::Sent,
            read: true,
            sender_public: false,
        };
        deliver(&mut tx, mailbox_id, copy, &uuid, &model, &route, &text).await?;
    }
    tx.commit().await?;
    tracing::info!(
        message_uuid = %uuid,
        routed_to = routed_to_str(routed_to),
        scheduled = route.scheduled,
        bytes = raw_size,
        "memo accepted"
    );
    Ok(Accepted {
        created: true,
        memo: MemoAccepted {
            message_uuid: uuid,
            routed_to,
            status,
            accepted_date_time: route.now,
            do_not_deliver_until_date: route.value_date,
            recipient_system_id: system_id,
        },
    })
}

/// Which copy of a memo a mailbox gets.
#[derive(Debug, Clone, Copy)]
struct MailboxCopy {
    folder: FolderType,
    read: bool,
    /// Whether the sender is a public authority (representatives see only those).
    sender_public: bool,
}

/// Puts the memo in a folder of the mailbox (the recipient's INBOX, the writer's SENT):
/// visible now, or at its value date.
async fn deliver(
    conn: &mut Conn,
    mailbox_id: &str,
    copy: MailboxCopy,
    uuid: &str,
    model: &Message,
    route: &Route,
    text: &str,
) -> ApiResult<()> {
    let folder = mailboxes::system_folder(&mut *conn, mailbox_id, copy.folder).await?;
    let change = changes::next_seq(&mut *conn).await?;
    let has_attachments = model
        .documents
        .iter()
        .any(|d| d.kind == DocumentKind::Additional);
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (id, mailbox_id, message_uuid, folder_id, label, sender_id, \
         sender_id_type, sender_label, sender_public, received_at, reply_by, has_attachments, \
         visible, read, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         RETURNING seq",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(mailbox_id)
    .bind(uuid)
    .bind(&folder)
    .bind(&model.label)
    .bind(model.sender.id.trim())
    .bind(&model.sender.id_type)
    .bind(&model.sender.label)
    .bind(copy.sender_public)
    .bind(timefmt::to_db(route.visible_from))
    .bind(model.reply_by_date_time.map(timefmt::to_db))
    .bind(has_attachments)
    .bind(!route.scheduled)
    .bind(copy.read)
    .bind(change)
    .fetch_one(&mut *conn)
    .await?;
    search::index(&mut *conn, seq, &model.label, &model.sender.label, text).await?;
    Ok(())
}

/// The result given for the memo `uuid` if it was accepted before. A messageUUID another
/// authority (or another mailbox) used is a conflict.
async fn existing(conn: &mut Conn, uuid: &str, origin: &Origin) -> ApiResult<Option<Accepted>> {
    let row: Option<MemoRow> = sqlx::query_as(MEMO_ROW)
        .bind(uuid)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let same = match origin {
        Origin::System(s) => row.sender_authority_id.as_deref() == Some(&s.authority_id),
        Origin::Mailbox { mailbox_id, .. } => row.sender_mailbox_id.as_deref() == Some(mailbox_id),
    };
    if !same {
        return Err(ApiError::conflict(
            "this messageUUID was used by another sender",
        ));
    }
    Ok(Some(Accepted {
        created: false,
        memo: row.to_api(),
    }))
}

pub(crate) const MEMO_ROW: &str = "SELECT message_uuid, sender_authority_id, sender_mailbox_id, \
     routed_to, recipient_system_id, value_date, accepted_at, status \
     FROM memos WHERE message_uuid = $1";

/// A memo row as [`MEMO_ROW`] selects it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MemoRow {
    pub message_uuid: String,
    /// Set for a memo from a sender system.
    pub sender_authority_id: Option<String>,
    /// Set for a message written in a viewing client.
    pub sender_mailbox_id: Option<String>,
    pub routed_to: String,
    pub recipient_system_id: Option<String>,
    pub value_date: Option<String>,
    pub accepted_at: String,
    pub status: String,
}

impl MemoRow {
    pub(crate) fn to_api(&self) -> MemoAccepted {
        MemoAccepted {
            message_uuid: self.message_uuid.clone(),
            routed_to: if self.routed_to == "MAILBOX" {
                RoutedTo::Mailbox
            } else {
                RoutedTo::RecipientSystem
            },
            status: match self.status.as_str() {
                "SCHEDULED" => MemoStatus::Scheduled,
                "RECALLED" => MemoStatus::Recalled,
                _ => MemoStatus::Delivered,
            },
            accepted_date_time: timefmt::from_db(&self.accepted_at).unwrap_or_default(),
            do_not_deliver_until_date: self.value_date.as_deref().and_then(|d| d.parse().ok()),
            recipient_system_id: self.recipient_system_id.clone(),
        }
    }
}

pub(crate) fn routed_to_str(r: RoutedTo) -> &'static str {
    match r {
        RoutedTo::Mailbox => "MAILBOX",
        RoutedTo::RecipientSystem => "RECIPIENT_SYSTEM",
    }
}

fn status_str(s: MemoStatus) -> &'static str {
    match s {
        MemoStatus::Delivered => "DELIVERED",
        MemoStatus::Scheduled => "SCHEDULED",
        MemoStatus::Recalled => "RECALLED",
    }
}
