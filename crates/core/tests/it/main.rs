//! Integration tests of the core: a real server on loopback, real HTTP, a real SQLite file, or
//! with `BREVDUE_TEST_DATABASE=postgres` a real PostgreSQL database (`postgres`).
//!
//! Contents:
//! - `common`: the test world (server, cast, tokens, MeMo builder).
//! - `routing`: where memos go, what is refused, size limits, idempotency.
//! - `value_date`: scheduled delivery, release exactly once, recall.
//! - `messages`: lists (paging, sorting, search, filters), PATCH with If-Match, delete/purge,
//!   folders.
//! - `files`: file content, content types, Range.
//! - `changes`: the change feed.
//! - `migration`: upgrading a database made before written messages.
//! - `pull`: recipient systems' queues, raw memos, receipts.
//! - `access`: the access matrix, every endpoint as every kind of caller.
//! - `server`: health, OpenAPI, shutdown.
//! - `writing`: messages written in a viewing client (enrichment, replies, forwards, limits),
//!   contact points' QR codes.
//! - `access_log`: what representatives read, and the owner's view of it.
//! - `instances`: two cores on one PostgreSQL database (tokens, idempotency, release once).
//! - `sign_in_limits`: rate limits of sign-in and the token endpoint; token lifetimes.

#![allow(unreachable_pub, dead_code)]
// Test helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod access_log;
mod changes;
mod common;
mod files;
mod instances;
mod messages;
mod migration;
#[path = "../support/postgres.rs"]
mod postgres;
mod pull;
mod routing;
mod server;
mod sign_in_limits;
mod value_date;
mod writing;
