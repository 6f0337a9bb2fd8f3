//! Authorization codes: issued when a person has signed in, exchanged once for tokens.
//!
//! A code is single-use and short-lived, bound to the client, the redirect URI and the PKCE
//! challenge of the request that produced it. The first exchange marks the code used before
//! anything else is checked, so a failed exchange burns the code too (no guessing the verifier
//! against a code). A second exchange of a used code revokes the grant the first one produced
//! (RFC 6749 §4.1.2).

use super::config::AuthConfig;
use super::secrets;
use super::tokens::{self, Subject, Tokens};
use crate::db::Db;

/// What an authorization code was issued for.
#[derive(Debug, Clone)]
pub(crate) struct CodeRequest<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) code_challenge: &'a str,
    pub(crate) person_id: &'a str,
    pub(crate) scope: &'a str,
}

/// Stores a fresh code for a completed sign-in and returns it.
pub(crate) async fn issue(
    db: &Db,
    config: &AuthConfig,
    request: &CodeRequest<'_>,
) -> Result<String, sqlx::Error> {
    let code = secrets::generate();
    sqlx::query(
        "INSERT INTO auth_codes \
         (code_hash, client_id, redirect_uri, code_challenge, person_id, scope, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(secrets::hash(&code))
    .bind(request.client_id)
    .bind(request.redirect_uri)
    .bind(request.code_challenge)
    .bind(request.person_id)
    .bind(request.scope)
    .bind(tokens::expiry(tokens::now(), config.code_ttl))
    .execute(db)
    .await?;
    Ok(code)
}

/// Why a code exchange was refused; the `error_description` of the `invalid_grant` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeRefusal {
    Unknown,
    Expired,
    Reused,
    OtherClient,
    OtherRedirectUri,
    WrongVerifier,
}

impl CodeRefusal {
    pub(crate) fn description(self) -> &'static str {
        match self {
            CodeRefusal::Unknown => "unknown authorization code",
            CodeRefusal::Expired => "the authorization code has expired",
            CodeRefusal::Reused => {
                "the authorization code was already used; the tokens issued for it are revoked"
            }
            CodeRefusal::OtherClient => "the authorization code was issued to another client",
            CodeRefusal::OtherRedirectUri => {
                "redirect_uri differs from the one in the authorization request"
            }
            CodeRefusal::WrongVerifier => "code_verifier does not match the code_challenge",
        }
    }
}

/// Exchanges a code for a new grant's tokens, once.
pub(crate) async fn exchange(
    db: &Db,
    config: &AuthConfig,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    code_verifier: &str,
) -> Result<Result<Tokens, CodeRefusal>, sqlx::Error> {
    if code.len() > secrets::MAX_SECRET_LEN {
        return Ok(Err(CodeRefusal::Unknown));
    }
    let code_hash = secrets::hash(code);
    let now = tokens::now();
    let mut tx = db.begin().await?;
    let marked = sqlx::query(
        "UPDATE auth_codes SET used_at = $1 \
         WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&code_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    type Row = (String, String, String, String, String, i64, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT client_id, redirect_uri, code_challenge, person_id, scope, expires_at, grant_id \
         FROM auth_codes WHERE code_hash = $1",
    )
    .bind(&code_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((code_client, code_redirect, challenge, person_id, scope, expires_at, grant_id)) = row
    else {
        return Ok(Err(CodeRefusal::Unknown));
    };
    if !marked {
        if expires_at <= now {
            return Ok(Err(CodeRefusal::Expired));
        }
        if let Some(grant_id) = grant_id {
            tokens::revoke_grant(&mut tx, &grant_id).await?;
            tx.commit().await?;
            tracing::warn!(
                grant_id,
                client_id,
                "authorization code reused; its tokens revoked"
            );
        }
        return Ok(Err(CodeRefusal::Reused));
    }
    // From here on the code is used up whatever happens: commit the mark before refusing.
    let refusal = if code_client != client_id {
        Some(CodeRefusal::OtherClient)
    } else if code_redirect != redirect_uri {
        Some(CodeRefusal::OtherRedirectUri)
    } else if !secrets::pkce_s256_matches(code_verifier, &challenge) {
        Some(CodeRefusal::WrongVerifier)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    let (grant_id, tokens) = tokens::create_grant(
        &mut tx,
        config,
        client_id,
        Subject::Person(&person_id),
        &scope,
    )
    .await?;
    sqlx::query("UPDATE auth_codes SET grant_id = $1 WHERE code_hash = $2")
        .bind(&grant_id)
        .bind(&code_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(grant_id, client_id, "authorization code exchanged");
    Ok(Ok(tokens))
}
