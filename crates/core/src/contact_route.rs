//! Where post to a contact point goes: the contact point's authority and its mapped recipient
//! system. TEMPORARY: reads the stand-in `contact_points` table until the `contacts` branch is
//! merged; then this calls its lookup instead.

use crate::db::Db;

/// A contact point as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactRoute {
    pub authority_id: String,
    pub authority_cvr: String,
    /// The recipient system the contact point is mapped to; `None`: the authority's default.
    pub recipient_system_id: Option<String>,
}

/// The route of contact point `id`, if it exists.
pub(crate) async fn lookup(db: &Db, id: &str) -> Result<Option<ContactRoute>, sqlx::Error> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT cp.authority_id, a.cvr, cp.recipient_system_id FROM contact_points cp \
         JOIN authorities a ON a.id = cp.authority_id WHERE cp.id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(
        |(authority_id, authority_cvr, recipient_system_id)| ContactRoute {
            authority_id,
            authority_cvr,
            recipient_system_id,
        },
    ))
}
