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
//!
//! Errors are one [`ClientError`] with a `#[non_exhaustive]` [`ErrorKind`] whose
//! [`code`](ErrorKind::code) the app sends to the UI as `{code, message}`.
//!
//! # The parts
//! - [`credentials`]: refresh tokens in the OS secret store (never in a file or a log).
//! - [`auth`]: sign-in, refresh with rotation, sign-out.
//! - [`cache`]: the SQLite cache per server and account, with full-text search and the outbox.
//! - [`api`]: the typed REST client of the core.
//! - [`sync`]: the outbox (exactly once, with `If-Match` versions) and the change feeds.
//!
//! What it is not for: no UI, no Tauri, no server code (see `brevdue-core`), no MeMo parsing
//! (see `brevdue-memo`).

pub mod api;
pub mod auth;
pub mod cache;
mod client;
pub mod credentials;
mod error;
mod http;
pub mod sync;

pub use brevdue_api::{AccessKind, AccessLogEntry};
pub use client::{ACCESS_LOG_LIMIT, Client, ClientConfig};
pub use error::{ClientError, ErrorKind, Result};
pub use http::http_client;
