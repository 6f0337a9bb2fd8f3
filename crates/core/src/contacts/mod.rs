//! Contact points and contact groups: where citizens, companies and authorities can write to a
//! public authority, how they find them, and how an authority imports its contact structure.
//!
//! - [`ContactPoints`] is the Rust API for other modules: [`ContactPoints::get`] (with the
//!   recipient system mapping routing needs; [`ContactPoints::recipient_system`] resolves the
//!   authority's default), [`ContactPoints::search`], the group tree and the CSV import.
//! - [`router`] serves it over HTTP under `/apis/v1/` (see `routes`).
//! - `search` holds the search rules, `index` the in-memory search index and its freshness,
//!   `csv_import` the file format and its checks, `store` all SQL, `groups` the paths of the
//!   group tree, `model` the records.
//!
//! Not here: who may import (the server puts a [`CallerAuthority`] on the request after sign-in),
//! deep links and QR codes, and routing itself.

mod csv_import;
mod groups;
mod index;
pub mod model;
pub(crate) mod routes;
mod search;
mod store;

use std::sync::Arc;

use brevdue_api::contacts::{
    Audience, AuthorityType, ContactGroupList, ContactPointPage, ImportRejected, ImportReport,
};

use crate::db::Db;
pub use csv_import::{MAX_GROUP_DEPTH, MAX_ROWS, RECOMMENDED_GROUP_DEPTH};
use index::IndexCache;
pub use model::{Authority, ContactGroup, ContactPoint};
pub use routes::{CallerAuthority, MAX_IMPORT_BYTES, router};
pub use search::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_TERM_CHARS, MAX_TERM_WORDS, SearchQuery};
pub use store::StoreError;

/// Why a contact request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContactsError {
    /// A parameter is missing or wrong; the text says which and why.
    #[error("{0}")]
    BadRequest(String),
    /// The thing asked for does not exist.
    #[error("{0} was not found")]
    NotFound(String),
    /// An import without a signed-in authority.
    #[error("only a signed-in authority can import a contact structure")]
    NoAuthority,
    /// An import for an authority the core does not know.
    #[error("the authority is not known to the core")]
    UnknownAuthority,
    /// The CSV file has problems; nothing was imported.
    #[error("{}", .0.message)]
    Rejected(ImportRejected),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The contact points and groups of all authorities: the API other modules use.
///
/// Cheap to clone; clones share one search index. Each `ContactPoints::new` builds its own
/// index on its first search, so a server makes one and shares it.
#[derive(Debug, Clone)]
pub struct ContactPoints {
    db: Db,
    index: Arc<IndexCache>,
}

impl ContactPoints {
    pub fn new(db: Db) -> ContactPoints {
        ContactPoints {
            db,
            index: Arc::new(IndexCache::new()),
        }
    }

    /// One contact point with its authority, visible or hidden (a hidden one is still the
    /// address of replies); `None` if there is none with this id.
    pub async fn get(&self, id: &str) -> Result<Option<(ContactPoint, Authority)>, ContactsError> {
        let mut conn = self.db.acquire().await.map_err(StoreError::from)?;
        Ok(store::get_contact_point(&mut conn, id).await?)
    }

    /// The system that receives mail for a contact point: its own mapping, else the default
    /// recipient system of its authority. `None` when the contact point does not exist or its
    /// authority has no recipient system at all.
    pub async fn recipient_system(
        &self,
        contact_point_id: &str,
    ) -> Result<Option<String>, ContactsError> {
        let mut conn = self.db.acquire().await.map_err(StoreError::from)?;
        Ok(store::get_recipient_system(&mut conn, contact_point_id).await?)
    }

    /// Searches the visible contact points (rules in the `search` module's documentation).
    pub async fn search(&self, query: &SearchQuery) -> Result<ContactPointPage, ContactsError> {
        search::search(&self.db, &self.index, query).await
    }

    /// The contact groups with their paths, of one authority or of all, and of one kind of
    /// authority or of all (compose starts from the kind: state, region, municipality, other).
    pub async fn groups(
        &self,
        authority_id: Option<&str>,
        authority_type: Option<AuthorityType>,
    ) -> Result<ContactGroupList, ContactsError> {
        let mut conn = self.db.acquire().await.map_err(StoreError::from)?;
        let groups = store::list_groups(&mut conn, authority_id, authority_type).await?;
        Ok(ContactGroupList {
            items: groups::with_paths(groups),
        })
    }

    /// The visible contact points that sit directly in a group, by name.
    pub async fn group_contact_points(
        &self,
        group_id: &str,
        audience: Option<Audience>,
        page: u32,
        size: u32,
    ) -> Result<ContactPointPage, ContactsError> {
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(ContactsError::BadRequest(format!(
                "size must be from 1 to {MAX_PAGE_SIZE}"
            )));
        }
        let (ids, total) = {
            let mut conn = self.db.acquire().await.map_err(StoreError::from)?;
            if store::list_groups_by_id(&mut conn, &[group_id.to_owned()])
                .await?
                .is_empty()
            {
                return Err(ContactsError::NotFound(format!(
                    "contact group {group_id:?}"
                )));
            }
            let offset = u64::from(page) * u64::from(size);
            store::list_group_member_ids(&mut conn, group_id, audience, offset, size).await?
        };
        search::load_page(&self.db, &ids, total, page, size).await
    }

    /// Checks a contact structure file for `authority_id` and, unless `dry_run`, imports it.
    /// If any row has a problem nothing is written and [`ContactsError::Rejected`] lists them
    /// all. The format is described in the `csv_import` module.
    pub async fn import_csv(
        &self,
        authority_id: &str,
        csv: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, ContactsError> {
        let report = csv_import::import(&self.db, authority_id, csv, dry_run).await?;
        if !dry_run {
            // Build the new index now rather than in the next search.
            let (db, index) = (self.db.clone(), self.index.clone());
            tokio::spawn(async move {
                if let Err(e) = index.fresh(&db).await {
                    tracing::warn!(error = %e, "contact search index not rebuilt");
                }
            });
        }
        Ok(report)
    }
}
