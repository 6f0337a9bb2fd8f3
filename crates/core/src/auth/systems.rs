//! The credentials of sender and recipient systems: registering a system with a fresh secret,
//! and checking a presented secret (OAuth 2.0 client credentials).
//!
//! A system's secret is 32 random bytes (base64url); the `systems` table keeps only its SHA-256
//! hash, and a presented secret is compared against it in constant time. Because the secret
//! has full entropy, a fast hash is enough: there is nothing to guess.

use super::secrets;
use crate::db::Db;

/// What a system does for its authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SystemRole {
    /// Sends MeMo messages (afsendersystem).
    Sender,
    /// Receives the authority's post (modtagersystem).
    Recipient,
}

impl SystemRole {
    /// The value in the `systems.role` column.
    pub fn as_db_str(self) -> &'static str {
        match self {
            SystemRole::Sender => "SENDER",
            SystemRole::Recipient => "RECIPIENT",
        }
    }

    /// The role of a `systems.role` value.
    pub fn from_db_str(value: &str) -> Option<Self> {
        match value {
            "SENDER" => Some(SystemRole::Sender),
            "RECIPIENT" => Some(SystemRole::Recipient),
            _ => None,
        }
    }
}

/// Registers a system of an authority and returns its secret, which is shown this once and
/// never stored. Fails if the id is taken or the authority does not exist.
pub async fn register(
    db: &Db,
    id: &str,
    authority_id: &str,
    role: SystemRole,
    name: &str,
) -> Result<String, sqlx::Error> {
    let secret = secrets::generate();
    sqlx::query(
        "INSERT INTO systems (id, authority_id, role, name, secret_hash) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(authority_id)
    .bind(role.as_db_str())
    .bind(name)
    .bind(secrets::hash(&secret))
    .execute(db)
    .await?;
    tracing::info!(
        system_id = id,
        authority_id,
        role = role.as_db_str(),
        "system registered"
    );
    Ok(secret)
}

/// A system that proved its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthenticatedSystem {
    pub(crate) id: String,
    pub(crate) authority_id: String,
    pub(crate) role: SystemRole,
}

/// The system `id` if `secret` is its secret; `None` for an unknown system or a wrong secret.
pub(crate) async fn verify(
    db: &Db,
    id: &str,
    secret: &str,
) -> Result<Option<AuthenticatedSystem>, sqlx::Error> {
    if secret.len() > secrets::MAX_SECRET_LEN {
        return Ok(None);
    }
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT authority_id, role, secret_hash FROM systems WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some((authority_id, role, secret_hash)) = row else {
        // Hash anyway, so an unknown id takes as long as a wrong secret.
        let _ = secrets::matches_hash(secret, &secrets::hash(""));
        return Ok(None);
    };
    if !secrets::matches_hash(secret, &secret_hash) {
        return Ok(None);
    }
    let Some(role) = SystemRole::from_db_str(&role) else {
        tracing::error!(system_id = id, "system has an unknown role in the database");
        return Ok(None);
    };
    Ok(Some(AuthenticatedSystem {
        id: id.to_owned(),
        authority_id,
        role,
    }))
}
