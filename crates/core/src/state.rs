//! The shared state of a running core, handed to every handler: database, blob store, clock,
//! sign-in and limits.

use std::path::PathBuf;

use axum::extract::FromRef;

use crate::auth::Auth;
use crate::blobs::BlobStore;
use crate::clock::Clock;
use crate::db::Db;

/// Everything a handler may need. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: BlobStore,
    pub clock: Clock,
    pub auth: Auth,
    /// The largest MeMo accepted, in bytes.
    pub max_memo_bytes: u64,
    pub data_dir: PathBuf,
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
