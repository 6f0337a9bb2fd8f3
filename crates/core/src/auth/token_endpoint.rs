//! The token endpoint (`POST /oauth/token`) and the revocation endpoint
//! (`POST /oauth/revoke`, RFC 7009), with client authentication and errors in the shape of
//! RFC 6749 §5.2.
//!
//! Grant types: `authorization_code` (public clients, PKCE S256), `refresh_token` (public
//! clients, rotated on every use) and `client_credentials` (systems, with their own secret in
//! the body or in HTTP Basic). A public client names itself with `client_id`; a system proves
//! itself with `client_id` and `client_secret`.

use std::borrow::Cow;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::clients::{self, PublicClient};
use super::params::{self, Params};
use super::rate_limit::ClientAddress;
use super::systems::{self, AuthenticatedSystem};
use super::tokens::{self, RefreshRefusal, Subject, Tokens};
use super::{Auth, codes, secrets};

/// An error answer of the token or revocation endpoint.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: Cow<'static, str>,
}

impl OAuthError {
    fn new(
        status: StatusCode,
        error: &'static str,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }
    fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    fn invalid_client(description: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }
    fn invalid_grant(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
    fn unauthorized_client(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unauthorized_client", description)
    }
    fn invalid_scope(description: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error at the token endpoint");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the server could not complete the request",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, no_store(), Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"brevdue\""),
            );
        }
        response
    }
}

/// The headers RFC 6749 §5.1 asks for on every answer that may carry a token.
fn no_store() -> [(axum::http::HeaderName, HeaderValue); 2] {
    [
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// The client of a token or revocation request.
#[derive(Debug)]
enum Client {
    Public(&'static PublicClient),
    System(AuthenticatedSystem),
}

impl Client {
    fn id(&self) -> &str {
        match self {
            Client::Public(client) => client.id,
            Client::System(system) => &system.id,
        }
    }
}

/// Identifies the client: a system by its secret (Basic or body), a public client by its id.
async fn authenticate_client(
    auth: &Auth,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Client, OAuthError> {
    let basic = params::basic_credentials(headers)
        .map_err(|()| OAuthError::invalid_client("the Authorization header cannot be read"))?;
    let body_id = params.get("client_id");
    let body_secret = params.get("client_secret");
    let (id, secret) = match basic {
        Some((id, secret)) => {
            if body_secret.is_some() {
                return Err(OAuthError::invalid_request(
                    "client credentials given both in the Authorization header and the body",
                ));
            }
            if body_id.is_some_and(|body_id| body_id != id) {
                return Err(OAuthError::invalid_request(
                    "client_id differs from the Authorization header",
                ));
            }
            (id, Some(secret))
        }
        None => {
            let Some(id) = body_id else {
                return Err(OAuthError::invalid_request("client_id is missing"));
            };
            (id.to_owned(), body_secret.map(str::to_owned))
        }
    };
    match secret {
        Some(secret) => match systems::verify(&auth.db, &id, &secret).await? {
            Some(system) => Ok(Client::System(system)),
            None => {
                // Debug formatting: the id comes from the request, and must not forge log lines.
                tracing::warn!(client_id = ?id, "client authentication failed");
                Err(OAuthError::invalid_client("client authentication failed"))
            }
        },
        None => clients::public_client(&id)
            .map(Client::Public)
            .ok_or_else(|| OAuthError::invalid_client("unknown client")),
    }
}

/// `POST /oauth/token`.
pub(crate) async fn token(
    State(auth): State<Auth>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match Params::parse_form(&headers, &body) {
        Ok(params) => params,
        Err(detail) => return OAuthError::invalid_request(detail).into_response(),
    };
    // Before the client's secret is checked, so that guessing it is slow too.
    if let Err(refused) = auth.limiters.token(
        &address,
        confidential_client_id(&headers, &params).as_deref(),
    ) {
        tracing::warn!("token requests over the rate limit");
        return refused.apply(
            OAuthError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                "too many token requests; see Retry-After",
            )
            .into_response(),
        );
    }
    match grant(&auth, &headers, &params).await {
        Ok(tokens) => (StatusCode::OK, no_store(), Json(tokens)).into_response(),
        Err(error) => error.into_response(),
    }
}

/// The `client_id` of a request that carries a client secret (a system's), for its rate limit.
fn confidential_client_id(headers: &HeaderMap, params: &Params) -> Option<String> {
    match params::basic_credentials(headers) {
        Ok(Some((id, _))) => Some(id),
        _ if params.get("client_secret").is_some() => params.get("client_id").map(str::to_owned),
        _ => None,
    }
}

async fn grant(auth: &Auth, headers: &HeaderMap, params: &Params) -> Result<Tokens, OAuthError> {
    let Some(grant_type) = params.get("grant_type") else {
        return Err(OAuthError::invalid_request("grant_type is missing"));
    };
    let client = authenticate_client(auth, headers, params).await?;
    match grant_type {
        "authorization_code" => {
            let Client::Public(client) = client else {
                return Err(OAuthError::unauthorized_client(
                    "systems use client_credentials, never a person's sign-in",
                ));
            };
            let code = required(params, "code")?;
            let redirect_uri = required(params, "redirect_uri")?;
            let verifier = required(params, "code_verifier")?;
            if !secrets::is_code_verifier(verifier) {
                return Err(OAuthError::invalid_request(
                    "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
                ));
            }
            codes::exchange(
                &auth.db,
                &auth.config,
                code,
                client.id,
                redirect_uri,
                verifier,
            )
            .await?
            .map_err(|refusal| OAuthError::invalid_grant(refusal.description()))
        }
        "refresh_token" => {
            let Client::Public(client) = client else {
                return Err(OAuthError::unauthorized_client(
                    "systems get no refresh tokens",
                ));
            };
            let refresh_token = required(params, "refresh_token")?;
            tokens::rotate_refresh(
                &auth.db,
                &auth.config,
                client.id,
                refresh_token,
                params.get("scope"),
            )
            .await?
            .map_err(|refusal| match refusal {
                RefreshRefusal::ScopeChanged => OAuthError::invalid_scope(refusal.description()),
                _ => OAuthError::invalid_grant(refusal.description()),
            })
        }
        "client_credentials" => {
            let Client::System(system) = client else {
                return Err(OAuthError::unauthorized_client(
                    "client_credentials is for sender and recipient systems",
                ));
            };
            if params.get("scope").is_some() {
                return Err(OAuthError::invalid_scope(
                    "systems are granted no scopes; omit scope",
                ));
            }
            let mut tx = auth.db.begin().await?;
            let (grant_id, tokens) = tokens::create_grant(
                &mut tx,
                &auth.config,
                &system.id,
                Subject::System(&system.id),
                "",
            )
            .await?;
            tx.commit().await?;
            tracing::info!(grant_id, system_id = %system.id, "system token issued");
            Ok(tokens)
        }
        _ => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "supported: authorization_code, refresh_token, client_credentials",
        )),
    }
}

fn required<'a>(params: &'a Params, name: &'static str) -> Result<&'a str, OAuthError> {
    params
        .get(name)
        .ok_or_else(|| OAuthError::invalid_request(format!("{name} is missing")))
}

/// `POST /oauth/revoke` (RFC 7009): always 200 once the client is known, whether or not the
/// token was.
pub(crate) async fn revoke(State(auth): State<Auth>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let params = Params::parse_form(&headers, &body).map_err(OAuthError::invalid_request)?;
        let client = authenticate_client(&auth, &headers, &params).await?;
        let token = required(&params, "token")?;
        tokens::revoke(&auth.db, client.id(), token).await?;
        Ok::<_, OAuthError>(())
    }
    .await;
    match result {
        Ok(()) => (StatusCode::OK, no_store()).into_response(),
        Err(error) => error.into_response(),
    }
}
