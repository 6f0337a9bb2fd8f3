//! The authenticated caller of an API request, read from `Authorization: Bearer …`, and the
//! axum extractor that gives handlers a `caller: Caller` argument.

use std::fmt;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Auth;
use super::systems::SystemRole;

/// Who is calling: a signed-in person, or a system with its own credentials. Its `Debug`
/// output hides the CPR number.
#[derive(Clone, PartialEq, Eq)]
pub enum Caller {
    /// A person signed in through a viewing client.
    Person {
        /// The person's id (the OIDC subject).
        person_id: String,
        /// The person's CPR number (10 digits). Never log it.
        cpr: String,
        /// The person's name.
        name: String,
    },
    /// A sender or recipient system of an authority.
    System {
        /// The system's id (its `client_id`).
        system_id: String,
        /// The authority the system belongs to.
        authority_id: String,
        /// Whether it sends or receives.
        role: SystemRole,
    },
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caller::Person {
                person_id,
                cpr: _,
                name,
            } => f
                .debug_struct("Person")
                .field("person_id", person_id)
                .field("cpr", &"<redacted>")
                .field("name", name)
                .finish(),
            Caller::System {
                system_id,
                authority_id,
                role,
            } => f
                .debug_struct("System")
                .field("system_id", system_id)
                .field("authority_id", authority_id)
                .field("role", role)
                .finish(),
        }
    }
}

/// Why a request could not be authenticated. Answers 401 with `WWW-Authenticate: Bearer`,
/// except for a database failure (500).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("the request carries no access token")]
    MissingToken,
    /// An `Authorization` header that is not one well-formed bearer token.
    #[error("the Authorization header is not a bearer token")]
    MalformedToken,
    /// A token that is unknown, expired or revoked.
    #[error("the access token is unknown, expired or revoked")]
    InvalidToken,
    /// The database could not be asked.
    #[error("the access token could not be checked")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let challenge = match &self {
            // RFC 6750 §3.1: no error code when the request had no credentials at all.
            AuthError::MissingToken => "Bearer",
            AuthError::MalformedToken | AuthError::InvalidToken => "Bearer error=\"invalid_token\"",
            AuthError::Database(error) => {
                tracing::error!(%error, "database error while checking an access token");
                let body = serde_json::json!({
                    "error": "server_error",
                    "error_description": self.to_string(),
                    // The shape of every other error of the API (`brevdue_api::ErrorBody`).
                    "code": "INTERNAL",
                    "message": self.to_string(),
                });
                return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
            }
        };
        let body = serde_json::json!({
            "error": "invalid_token",
            "error_description": self.to_string(),
            // The shape of every other error of the API (`brevdue_api::ErrorBody`).
            "code": "UNAUTHORIZED",
            "message": self.to_string(),
        });
        (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, HeaderValue::from_static(challenge))],
            axum::Json(body),
        )
            .into_response()
    }
}

/// The bearer token of a request's `Authorization` header (RFC 6750 §2.1).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&str, AuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next().ok_or(AuthError::MissingToken)?;
    if values.next().is_some() {
        return Err(AuthError::MalformedToken);
    }
    let value = value.to_str().map_err(|_| AuthError::MalformedToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::MalformedToken)?;
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
    let trimmed = token.trim_end_matches('=');
    if !scheme.eq_ignore_ascii_case("bearer") || trimmed.is_empty() || !trimmed.bytes().all(token68)
    {
        return Err(AuthError::MalformedToken);
    }
    Ok(token)
}

impl Auth {
    /// The caller of a request, from its `Authorization: Bearer …` header.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        let token = bearer_token(headers)?;
        self.authenticate_token(token).await
    }

    /// The caller an access token stands for.
    pub async fn authenticate_token(&self, access_token: &str) -> Result<Caller, AuthError> {
        super::tokens::caller_of(&self.db, access_token)
            .await?
            .ok_or(AuthError::InvalidToken)
    }
}

/// `caller: Caller` in a handler whose router state gives an [`Auth`] through `FromRef`.
impl<S> FromRequestParts<S> for Caller
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Auth::from_ref(state).authenticate(&parts.headers).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn bearer_token_parsing() {
        assert_eq!(
            bearer_token(&headers(&["Bearer abc-_.~+/=="])).unwrap(),
            "abc-_.~+/=="
        );
        assert_eq!(bearer_token(&headers(&["bearer abc"])).unwrap(), "abc");
        assert!(matches!(
            bearer_token(&headers(&[])),
            Err(AuthError::MissingToken)
        ));
        for bad in [
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearer a b",
            "Bearer  abc",
            "Bearer ==",
            "Bearer a\"b",
        ] {
            assert!(
                matches!(
                    bearer_token(&headers(&[bad])),
                    Err(AuthError::MalformedToken)
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            bearer_token(&headers(&["Bearer abc", "Bearer def"])),
            Err(AuthError::MalformedToken)
        ));
    }

    #[test]
    fn debug_hides_the_cpr_number() {
        let caller = Caller::Person {
            person_id: "p1".into(),
            cpr: "3102701234".into(),
            name: "Karen".into(),
        };
        let shown = format!("{caller:?}");
        assert!(!shown.contains("3102701234"));
        assert!(shown.contains("Karen"));
    }
}
