//! The wire types of Brevdue's REST API: what the core sends and the client receives.
//!
//! The API mirrors the public NgDP REST resource model (mailboxes, folders, messages,
//! contact points, memos), with NgDP's field names in camelCase. Every type here is plain data
//! with serde and an OpenAPI schema (utoipa); the core and the client both use these types, so
//! the two cannot drift apart.
//!
//! What it is not for: no I/O, no validation beyond what the types say, no rules of who may see
//! what (that is `brevdue-core`'s job).

pub mod contacts;
