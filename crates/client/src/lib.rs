//! Brevdue's viewing client without any UI: sign-in, credentials, the local cache, the API
//! client and sync. The Tauri desktop app and the `brevdue` command line are thin shells
//! around it; nothing here depends on Tauri.
//!
//! # The facade: [`Client`]
//! One [`Client`] serves one server for one program ([`ClientConfig`]: data folder, server
//! URL, OAuth client id). [`Client::open`] resumes the last account signed in there from the
//! OS secret store without touching the network, so the cached mail shows at once, offline
//! too.
//!
//! | operation | what it does |
//! |---|---|
//! | [`Client::sign_in_with_browser`] | OAuth 2.0 with PKCE in the system browser, loopback redirect ([`auth`]) |
//! | [`Client::sign_in_demo`], [`Client::demo_identities`] | sign in as a test identity, no browser |
//! | [`Client::sign_out`] | revoke, delete the refresh token and the account's cache |
//! | [`Client::account`] | who is signed in |
//! | [`Client::sync`], [`Client::start_background_sync`] | send the outbox, pull the change feeds, fetch new messages ([`sync`]) |
//! | [`Client::mailboxes`], [`Client::folders`], [`Client::messages`], [`Client::search`] | lists from the cache |
//! | [`Client::message`] | one message (model, agenda); fetched if not cached yet |
//! | [`Client::file_content`] | a file's bytes in the cache, checked against their SHA-256 |
//! | [`Client::mark_read`], [`Client::set_flagged`], [`Client::move_to`], [`Client::delete`] | shown at once, sent exactly once now or when the core is back |
//! | [`Client::create_folder`] | a user folder (online only) |
//! | [`Client::pending_changes`] | how many changes wait for the server |
//! | [`Client::access_log`] | what representatives read in a mailbox (its owner only; online) |
//! | [`Client::agenda`], [`Client::export_ics`] | appointments and deadlines across all mailboxes, as iCalendar |
//! | [`Client::export`] | the mail into Maildir, mbox or files; only what is new, resumable |
//! | [`Client::search_contact_points`], [`Client::contact_point`], [`Client::contact_groups`], [`Client::group_contact_points`] | where to write (online) |
//! | [`Client::save_draft`], [`Client::drafts`], [`Client::draft`], [`Client::delete_draft`] | drafts in the cache |
//! | [`Client::send`], [`Client::send_draft`], [`Client::outgoing`] | queue a message (MeMo 1.2, its own messageUUID) and send it exactly once |
//! | [`Client::reply_to`], [`Client::forward`], [`Client::can_reply`] | drafts with `ReplyData` / `ForwardData` |
//!
//! Errors are one [`ClientError`] with a `#[non_exhaustive]` [`ErrorKind`] whose
//! [`code`](ErrorKind::code) the app sends to the UI as `{code, message}`.
//!
//! # The parts
//! - [`credentials`]: refresh tokens in the OS secret store (never in a file or a log).
//! - [`auth`]: sign-in, refresh with rotation, sign-out.
//! - [`cache`]: the SQLite cache per server and account, with full-text search and the outbox.
//! - [`api`]: the typed REST client of the core.
//! - [`paths`]: the per-user data and config folders, shared with the desktop app.
//! - [`export`]: the mail out of the cache into Maildir, mbox or a folder of files,
//!   incrementally ([`Client::export`]).
//! - [`sync`]: the outbox (exactly once, with `If-Match` versions) and the change feeds.
//! - `drafts`: drafts in the cache; `compose`: a draft as a MeMo model, reply and forward
//!   drafts, the reply rule; `outgoing`: the queue of messages to send, exactly once.
//!
//! What it is not for: no UI, no Tauri, no server code (see `brevdue-core`), no MeMo parsing
//! (see `brevdue-memo`).

pub mod api;
pub mod auth;
pub mod cache;
mod client;
mod compose;
pub mod credentials;
mod drafts;
mod error;
pub mod export;
mod http;
mod outgoing;
pub mod paths;
mod sealed;
pub mod sync;

pub use brevdue_api::contacts::{
    AuthorityType, ContactGroup, ContactPoint, ContactPointSummary, deep_link, parse_deep_link,
};
pub use brevdue_api::{AccessKind, AccessLogEntry};
pub use client::{ACCESS_LOG_LIMIT, Client, ClientConfig};
pub use compose::{MAX_SUBJECT_CHARS, can_reply};
pub use drafts::{Draft, DraftAttachment, DraftId, DraftRecipient, ExtraFieldValue};
pub use error::{ClientError, ErrorKind, Result};
pub use http::http_client;
pub use outgoing::OutgoingMessage;
