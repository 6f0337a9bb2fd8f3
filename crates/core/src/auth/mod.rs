//! TEMPORARY STAND-IN for the `auth` branch, which brings sign-in (OpenID Connect for people,
//! client credentials for systems). Only the shape the rest of the core codes against is here:
//! [`Caller`], its axum extractor (401 without a valid bearer token), and [`Auth`].
//!
//! Tokens are issued only by a function call inside the process ([`Auth::issue`]); no HTTP
//! endpoint hands them out, so this is no back door. Delete this module when merging `auth`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use rand::RngCore;

use crate::db::Db;
use crate::error::ApiError;

/// What a system does for its authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemRole {
    Sender,
    Recipient,
}

/// Who is calling: a signed-in person or an authority's system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Person {
        person_id: String,
        cpr: String,
        name: String,
    },
    System {
        system_id: String,
        authority_id: String,
        role: SystemRole,
    },
}

/// Errors of issuing a token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no such person or system")]
    Unknown,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The token table of the stand-in.
#[derive(Debug, Clone)]
pub struct Auth {
    db: Db,
    tokens: Arc<Mutex<HashMap<String, Caller>>>,
}

impl Auth {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            tokens: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Issues a bearer token for the person or system with id `subject`.
    pub async fn issue(&self, subject: &str) -> Result<String, AuthError> {
        let person: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, cpr, name FROM persons WHERE id = ?")
                .bind(subject)
                .fetch_optional(&self.db)
                .await?;
        let caller = if let Some((person_id, cpr, name)) = person {
            Caller::Person {
                person_id,
                cpr,
                name,
            }
        } else {
            let (system_id, authority_id, role): (String, String, String) =
                sqlx::query_as("SELECT id, authority_id, role FROM systems WHERE id = ?")
                    .bind(subject)
                    .fetch_optional(&self.db)
                    .await?
                    .ok_or(AuthError::Unknown)?;
            Caller::System {
                system_id,
                authority_id,
                role: if role == "SENDER" {
                    SystemRole::Sender
                } else {
                    SystemRole::Recipient
                },
            }
        };
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token.clone(), caller);
        Ok(token)
    }

    /// Makes a token invalid.
    pub fn revoke(&self, token: &str) {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }

    fn caller(&self, token: &str) -> Option<Caller> {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned()
    }
}

/// The sign-in routes; the stand-in has none.
pub fn router<S: Clone + Send + Sync + 'static>(_auth: Auth) -> Router<S> {
    Router::new()
}

impl<S> FromRequestParts<S> for Caller
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = Auth::from_ref(state);
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("a bearer token is required"))?;
        auth.caller(token.trim())
            .ok_or_else(|| ApiError::unauthorized("the token is not valid"))
    }
}
