//! Where post to a contact point goes, as routing needs it: the contact point's authority (and
//! its CVR number, to check the recipient) and the recipient system, read through the
//! contacts module ([`ContactPoints`]).

use crate::contacts::ContactPoints;
use crate::db::Db;
use crate::error::ApiError;

/// A contact point as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactRoute {
    pub authority_id: String,
    pub authority_cvr: String,
    /// The recipient system the contact point is mapped to; `None`: the authority's default.
    pub recipient_system_id: Option<String>,
}

/// The route of contact point `id`, if it exists.
pub(crate) async fn lookup(db: &Db, id: &str) -> Result<Option<ContactRoute>, ApiError> {
    let found = ContactPoints::new(db.clone())
        .get(id)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let Some((point, authority)) = found else {
        return Ok(None);
    };
    let (authority_cvr,): (String,) = sqlx::query_as("SELECT cvr FROM authorities WHERE id = $1")
        .bind(&authority.id)
        .fetch_one(db)
        .await?;
    Ok(Some(ContactRoute {
        authority_id: authority.id,
        authority_cvr,
        recipient_system_id: point.recipient_system_id,
    }))
}
