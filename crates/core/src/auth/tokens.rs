//! Grants, access tokens and refresh tokens in the database: issuing, checking, rotating,
//! revoking and purging.
//!
//! Every state change is one conditional `UPDATE` or `INSERT` inside a transaction, so several
//! core instances sharing the database cannot both rotate the same refresh token.

use std::fmt;
use std::time::Duration;

use crate::db::Conn;

use super::caller::Caller;
use super::config::AuthConfig;
use super::secrets;
use super::systems::SystemRole;
use crate::db::Db;

/// The tokens a successful token request returns (RFC 6749 §5.1). Its `Debug` output hides the
/// tokens, so logging it leaks nothing.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tokens {
    /// The opaque access token, for `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token (people only; systems authenticate afresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scope, space-separated (empty for systems).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

/// Whom a grant is for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    Person(&'a str),
    System(&'a str),
}

/// The current time in Unix seconds.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `now` plus `ttl`, in Unix seconds.
pub(crate) fn expiry(now: i64, ttl: Duration) -> i64 {
    now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX))
}

/// Creates a grant and its first tokens: an access token, and for people a refresh token.
pub(crate) async fn create_grant(
    conn: &mut Conn,
    config: &AuthConfig,
    client_id: &str,
    subject: Subject<'_>,
    scope: &str,
) -> Result<(String, Tokens), sqlx::Error> {
    let grant_id = uuid::Uuid::new_v4().to_string();
    let (person_id, system_id) = match subject {
        Subject::Person(id) => (Some(id), None),
        Subject::System(id) => (None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO auth_grants (id, client_id, person_id, system_id, scope, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&grant_id)
    .bind(client_id)
    .bind(person_id)
    .bind(system_id)
    .bind(scope)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    let with_refresh = person_id.is_some();
    let tokens = issue(conn, config, &grant_id, scope, with_refresh).await?;
    Ok((grant_id, tokens))
}

/// Issues a new access token (and optionally a refresh token) in an existing grant.
async fn issue(
    conn: &mut Conn,
    config: &AuthConfig,
    grant_id: &str,
    scope: &str,
    with_refresh: bool,
) -> Result<Tokens, sqlx::Error> {
    let now = now();
    let access_token = secrets::generate();
    sqlx::query(
        "INSERT INTO auth_access_tokens (token_hash, grant_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(secrets::hash(&access_token))
    .bind(grant_id)
    .bind(expiry(now, config.access_token_ttl))
    .execute(&mut *conn)
    .await?;
    let refresh_token = if with_refresh {
        let token = secrets::generate();
        sqlx::query(
            "INSERT INTO auth_refresh_tokens (token_hash, grant_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(secrets::hash(&token))
        .bind(grant_id)
        .bind(expiry(now, config.refresh_token_ttl))
        .execute(&mut *conn)
        .await?;
        Some(token)
    } else {
        None
    };
    Ok(Tokens {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: config.access_token_ttl.as_secs(),
        refresh_token,
        scope: scope.to_owned(),
    })
}

/// Revokes a grant: every access and refresh token of it stops working at once.
pub(crate) async fn revoke_grant(conn: &mut Conn, grant_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE auth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(grant_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Why a refresh token was refused; the `error_description` of the `invalid_grant` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshRefusal {
    Unknown,
    OtherClient,
    Expired,
    Revoked,
    /// The token had been rotated already: the grant is now revoked.
    Reused,
    /// The request asked for another scope than the grant has.
    ScopeChanged,
}

impl RefreshRefusal {
    pub(crate) fn description(self) -> &'static str {
        match self {
            RefreshRefusal::Unknown => "unknown refresh token",
            RefreshRefusal::OtherClient => "the refresh token was issued to another client",
            RefreshRefusal::Expired => "the refresh token has expired",
            RefreshRefusal::Revoked => "the refresh token has been revoked",
            RefreshRefusal::Reused => {
                "the refresh token was already used; the sign-in it belongs to is revoked"
            }
            RefreshRefusal::ScopeChanged => {
                "a refresh keeps the scope of the sign-in; omit scope or repeat it unchanged"
            }
        }
    }
}

/// Uses a refresh token: marks it rotated and issues new tokens in the same grant. A token
/// that was already rotated revokes the whole grant (reuse means it was copied). A requested
/// scope, if any, must be the grant's scope.
pub(crate) async fn rotate_refresh(
    db: &Db,
    config: &AuthConfig,
    client_id: &str,
    refresh_token: &str,
    requested_scope: Option<&str>,
) -> Result<Result<Tokens, RefreshRefusal>, sqlx::Error> {
    if refresh_token.len() > secrets::MAX_SECRET_LEN {
        return Ok(Err(RefreshRefusal::Unknown));
    }
    let token_hash = secrets::hash(refresh_token);
    let now = now();
    let mut tx = db.begin().await?;
    // Write first, so the transaction holds the write lock before it reads.
    let marked = sqlx::query(
        "UPDATE auth_refresh_tokens SET rotated_at = $1 \
         WHERE token_hash = $2 AND rotated_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&token_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    let row: Option<(String, i64, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT g.id, r.expires_at, g.client_id, g.revoked_at, g.scope \
         FROM auth_refresh_tokens r JOIN auth_grants g ON g.id = r.grant_id \
         WHERE r.token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((grant_id, expires_at, grant_client, revoked_at, scope)) = row else {
        return Ok(Err(RefreshRefusal::Unknown));
    };
    if grant_client != client_id {
        tx.rollback().await?;
        return Ok(Err(RefreshRefusal::OtherClient));
    }
    if requested_scope.is_some_and(|requested| !same_scope(requested, &scope)) {
        tx.rollback().await?;
        return Ok(Err(RefreshRefusal::ScopeChanged));
    }
    if revoked_at.is_some() {
        return Ok(Err(RefreshRefusal::Revoked));
    }
    if !marked {
        if expires_at <= now {
            return Ok(Err(RefreshRefusal::Expired));
        }
        revoke_grant(&mut tx, &grant_id).await?;
        tx.commit().await?;
        tracing::warn!(grant_id, client_id, "refresh token reused; sign-in revoked");
        return Ok(Err(RefreshRefusal::Reused));
    }
    let tokens = issue(&mut tx, config, &grant_id, &scope, true).await?;
    tx.commit().await?;
    tracing::info!(grant_id, client_id, "refresh token rotated");
    Ok(Ok(tokens))
}

/// Whether two space-separated scopes hold the same scope values.
fn same_scope(a: &str, b: &str) -> bool {
    let values = |s: &str| {
        let mut values: Vec<String> = s
            .split(' ')
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        values.sort();
        values.dedup();
        values
    };
    values(a) == values(b)
}

/// The caller an access token stands for, if the token is known, unexpired and its grant not
/// revoked.
pub(crate) async fn caller_of(db: &Db, access_token: &str) -> Result<Option<Caller>, sqlx::Error> {
    if access_token.len() > secrets::MAX_SECRET_LEN {
        return Ok(None);
    }
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT p.id, p.cpr, p.name, s.id, s.authority_id, s.role \
         FROM auth_access_tokens t \
         JOIN auth_grants g ON g.id = t.grant_id \
         LEFT JOIN persons p ON p.id = g.person_id \
         LEFT JOIN systems s ON s.id = g.system_id \
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND g.revoked_at IS NULL",
    )
    .bind(secrets::hash(access_token))
    .bind(now())
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some((Some(person_id), Some(cpr), Some(name), _, _, _)) => Some(Caller::Person {
            person_id,
            cpr,
            name,
        }),
        Some((_, _, _, Some(system_id), Some(authority_id), Some(role))) => {
            SystemRole::from_db_str(&role).map(|role| Caller::System {
                system_id,
                authority_id,
                role,
            })
        }
        _ => None,
    })
}

/// Revokes a token for the client that holds it (RFC 7009): an access token alone, or a
/// refresh token with its whole grant. Unknown tokens, and tokens of other clients, are left
/// alone without saying so.
pub(crate) async fn revoke(db: &Db, client_id: &str, token: &str) -> Result<(), sqlx::Error> {
    if token.len() > secrets::MAX_SECRET_LEN {
        return Ok(());
    }
    let token_hash = secrets::hash(token);
    let mut tx = db.begin().await?;
    let deleted = sqlx::query(
        "DELETE FROM auth_access_tokens WHERE token_hash = $1 AND grant_id IN \
         (SELECT id FROM auth_grants WHERE client_id = $2)",
    )
    .bind(&token_hash)
    .bind(client_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted > 0 {
        tx.commit().await?;
        tracing::info!(client_id, "access token revoked");
        return Ok(());
    }
    let grant: Option<(String,)> = sqlx::query_as(
        "SELECT g.id FROM auth_refresh_tokens r JOIN auth_grants g ON g.id = r.grant_id \
         WHERE r.token_hash = $1 AND g.client_id = $2",
    )
    .bind(&token_hash)
    .bind(client_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((grant_id,)) = grant {
        revoke_grant(&mut tx, &grant_id).await?;
        tracing::info!(
            grant_id,
            client_id,
            "refresh token revoked with its sign-in"
        );
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes expired codes and tokens, and grants with nothing left in them. Returns the number
/// of rows deleted. Safe to run from any instance at any time; the server runs it now and then.
pub(crate) async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let now = now();
    let mut tx = db.begin().await?;
    let mut deleted = 0;
    for statement in [
        "DELETE FROM auth_codes WHERE expires_at <= $1",
        "DELETE FROM auth_access_tokens WHERE expires_at <= $1",
        "DELETE FROM auth_refresh_tokens WHERE expires_at <= $1",
    ] {
        deleted += sqlx::query(statement)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    deleted += sqlx::query(
        "DELETE FROM auth_grants WHERE \
         NOT EXISTS (SELECT 1 FROM auth_access_tokens t WHERE t.grant_id = auth_grants.id) AND \
         NOT EXISTS (SELECT 1 FROM auth_refresh_tokens r WHERE r.grant_id = auth_grants.id) AND \
         NOT EXISTS (SELECT 1 FROM auth_codes c WHERE c.grant_id = auth_grants.id)",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(deleted)
}
