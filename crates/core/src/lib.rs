//! The core routing backend of Brevdue: sender systems hand in MeMo messages, the core routes
//! them to citizens' and companies' mailboxes or to authorities' recipient systems, and
//! viewing clients read them over an NgDP-shaped REST API (`/apis/v1`).
//!
//! Entry points: [`start`] runs an embeddable server on a loopback port and returns a
//! [`RunningServer`]; [`serve`] runs one until Ctrl-C; [`routing::accept`] routes a MeMo from
//! inside the process (the demo world sends through it, the same path as `POST /apis/v1/memos`).
//!
//! Where the rules live: who may do what in [`access`] (every handler asks it); routing in
//! [`routing`]; value dates in [`release`]; the change feed in `changes`; bytes in
//! [`blobs::BlobStore`]; full-text search in `search`; messages people write in a viewing client
//! (`POST /apis/v1/mailboxes/{m}/messages`, replies, forwards) in `writing`, their enrichment
//! with the contact point's codes in [`enrich`]; contact points' QR codes in `qr`.
//!
//! What it is not for: it never edits a system's MeMo (only a viewing client's message to a
//! contact point is enriched, see [`enrich`]), never serves a file for a browser to
//! run, and it is no viewing client (see `brevdue-client`).

pub mod access;
mod access_log;
pub mod auth;
pub mod blobs;
mod changes;
mod cli;
pub mod clock;
mod contact_route;
pub mod contacts;
pub mod db;
pub mod demo;
pub mod enrich;
pub mod error;
mod extract;
mod files;
mod folders;
pub mod mailboxes;
mod memos;
mod messages;
pub mod openapi;
mod pdftext;
mod qr;
pub mod release;
pub mod representatives;
pub mod routing;
mod search;
mod server;
pub mod state;
mod text;
mod timefmt;
mod writing;

use axum::Router;
use axum::routing::{get, post};

pub use cli::{CliServer, DEFAULT_LISTEN, ServeOptions, cli_serve, cli_start};
pub use clock::Clock;
pub use error::ApiError;
pub use server::{Config, RunningServer, ServeError, open_state, router, serve, start};
pub use state::AppState;

/// The routes under `/apis/v1`.
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/apis/v1/mailboxes", get(mailboxes::list))
        .route(
            "/apis/v1/mailboxes/{mailboxId}/representatives",
            get(representatives::list).post(representatives::create),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/representatives/{representativeId}",
            axum::routing::delete(representatives::revoke),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/folders",
            get(folders::list).post(folders::create),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/access-log",
            get(access_log::list),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/messages",
            get(messages::list).post(writing::send),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}",
            get(messages::get).patch(messages::patch).delete(messages::delete),
        )
        .route(
            "/apis/v1/mailboxes/{mailboxId}/messages/{messageId}/documents/{documentId}/files/{fileId}/content",
            get(files::content),
        )
        .route("/apis/v1/mailboxes/{mailboxId}/changes", get(changes::feed))
        .route("/apis/v1/memos", get(memos::queue).post(memos::create))
        .route(
            "/apis/v1/memos/{messageUUID}",
            get(memos::fetch).delete(memos::recall),
        )
        .route("/apis/v1/memos/{messageUUID}/receipt", post(memos::receipt))
        .route("/apis/v1/contact-points/{id}/qr.png", get(qr::png))
        .route("/apis/v1/contact-points/{id}/qr.svg", get(qr::svg))
}
