//! The wire types of Brevdue's REST API: what the core sends and the client receives.
//!
//! The API mirrors the public NgDP REST resource model (mailboxes, folders, messages,
//! contact points, memos), with NgDP's field names in camelCase. Every type here is plain data
//! with serde and an OpenAPI schema (utoipa); the core and the client both use these types, so
//! the two cannot drift apart.
//!
//! Key types: [`ErrorBody`] with its [`ErrorCode`] (clients match on codes, never on text),
//! [`Mailbox`], [`Folder`], [`MessageSummary`] / [`MessageDetail`], [`Page`], [`ChangeFeed`],
//! [`MemoAccepted`], [`AccessLogEntry`].
//!
//! What it is not for: no I/O, no validation beyond what the types say, no rules of who may see
//! what (that is `brevdue-core`'s job).

mod access_log;
mod changes;
pub mod contacts;
mod error;
mod folder;
mod mailbox;
mod memo;
mod message;
mod outgoing;

pub use access_log::*;
pub use changes::*;
pub use error::*;
pub use folder::*;
pub use mailbox::*;
pub use memo::*;
pub use message::*;
pub use outgoing::*;

/// The path prefix of every resource of the API.
pub const API_PREFIX: &str = "/apis/v1";
