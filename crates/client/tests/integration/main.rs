//! The integration tests of `brevdue-client`, compiled into one binary.
//!
//! Every test that touches the secret store runs in a private D-Bus session with its own GNOME
//! Keyring ([`support::keyring`]): run them from any shell with
//! `cargo nextest run -p brevdue-client` (or `cargo test -p brevdue-client`).
//!
//! Table of contents:
//! - `cache`: the cache on a real SQLite file (feed and cursor, outbox over the server's
//!   state, files checked by SHA-256, hostile search text).
//! - `credentials`: refresh tokens in the real secret store (seen with `secret-tool`).
//! - `encrypted`: the cache encrypted at rest (SQLCipher): no plaintext in the file, no way in
//!   without the key; a cache from before encryption or damaged (scribbled over, cut short)
//!   made anew with drafts, queued messages and changes kept.
//! - `faults`: a damaged cache or a lost key fetched again (drafts and queued changes kept,
//!   the user told); the core stopped during a sync; a send whose answer is lost (a proxy on
//!   loopback); a download cut half-way going on with `Range`; the disk full during a sync
//!   (a small tmpfs; needs root, else it says it skipped).
//! - `lost_laptop`: a whole session with logs captured at TRACE level; afterwards no CPR
//!   number, token or letter in the logs or the data folder; the access log seen by the owner.
//! - `sealed_files`: the cache's files sealed at rest: no plaintext of a downloaded document
//!   (or of a download's part) in the cache folder, a damaged file or another key read as a
//!   clear error and fetched again, plain files of an older cache sealed on opening.
//! - `sign_in`: PKCE through the loopback redirect, the demo path, refusals, refresh rotation
//!   with reuse detection, resuming after a restart, sign-out.
//! - `with_core`: against a real core: sync into the cache, reading offline, changes made
//!   offline applied exactly once after the core restarts, background sync.
//! - `writing`: drafts, sending exactly once through the queue, replies and forwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unreachable_pub
)]

mod support;

mod cache;
mod credentials;
mod encrypted;
mod faults;
mod lost_laptop;
mod sealed_files;
mod sign_in;
mod with_core;
mod writing;
