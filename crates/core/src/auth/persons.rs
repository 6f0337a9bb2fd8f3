//! The person queries sign-in needs: the identities the test provider offers, and a person by
//! id. The `persons` table itself belongs to the identities migration.

use crate::db::Db;

/// A person as the test provider offers them: no CPR number, which the login page never shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct DemoIdentity {
    /// The person's id (the `login_hint` that signs them in, and the OIDC subject).
    pub id: String,
    /// The person's name.
    pub name: String,
    /// Who they are in the demo world.
    pub description: String,
}

/// The most identities the test provider lists; a demo world has a handful.
const MAX_IDENTITIES: i64 = 1000;

/// Every person, by name, for the test provider.
pub(crate) async fn list_identities(db: &Db) -> Result<Vec<DemoIdentity>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, description FROM persons ORDER BY name, id LIMIT $1")
        .bind(MAX_IDENTITIES)
        .fetch_all(db)
        .await
}

/// Whether a person with this id exists.
pub(crate) async fn exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}
