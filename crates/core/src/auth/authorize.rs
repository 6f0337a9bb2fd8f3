//! The authorization endpoint (`GET`/`POST /oauth/authorize`) with the built-in test identity
//! provider, and the list of its identities (`GET /oauth/demo-identities`).
//!
//! `GET` checks the request and shows the login page; `POST` with `login_hint=<person id>`
//! completes the sign-in and redirects (303) to the client's loopback redirect URI with `code`,
//! `state` and `iss` (RFC 9207). Errors about the client or its redirect URI are shown as a page
//! and never redirected (RFC 6749 §4.1.2.1); every other error is redirected to the client.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use super::clients::{self, PublicClient};
use super::codes::{self, CodeRequest};
use super::params::Params;
use super::rate_limit::ClientAddress;
use super::{Auth, login_page, persons, secrets};

/// The scopes a client may ask for; asking for none grants all of them.
pub(crate) const SCOPES: &[&str] = &["openid", "profile"];

/// A checked authorization request.
#[derive(Debug)]
struct AuthorizeRequest<'a> {
    client: &'static PublicClient,
    /// Exactly as the client sent it: the token request must repeat it.
    redirect_uri: &'a str,
    redirect_url: Url,
    code_challenge: &'a str,
    state: Option<&'a str>,
    scope: String,
}

/// `GET /oauth/authorize`: the login page.
pub(crate) async fn get(State(auth): State<Auth>, RawQuery(query): RawQuery) -> Response {
    let params = match Params::parse(query.unwrap_or_default().as_bytes()) {
        Ok(params) => params,
        Err(detail) => return bad_request_page(&detail),
    };
    let request = match check(&auth, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if !auth.config.test_provider {
        return login_page::no_provider();
    }
    let identities = match persons::list_identities(&auth.db).await {
        Ok(identities) => identities,
        Err(error) => return database_error_page(&error),
    };
    let mut hidden = vec![
        ("response_type", "code"),
        ("client_id", request.client.id),
        ("redirect_uri", request.redirect_uri),
        ("code_challenge", request.code_challenge),
        ("code_challenge_method", "S256"),
        ("scope", request.scope.as_str()),
    ];
    if let Some(state) = request.state {
        hidden.push(("state", state));
    }
    login_page::login(&hidden, &identities)
}

/// `POST /oauth/authorize`: completes the sign-in as `login_hint`, or cancels it.
pub(crate) async fn post(
    State(auth): State<Auth>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = match Params::parse_form(&headers, &body) {
        Ok(params) => params,
        Err(detail) => return bad_request_page(&detail),
    };
    if let Err(refused) = auth.limiters.sign_in(&address, params.get("login_hint")) {
        tracing::warn!("sign-in attempts over the rate limit");
        return refused.apply(login_page::error(
            StatusCode::TOO_MANY_REQUESTS,
            "For mange forsøg på at logge på. Vent lidt, og prøv igen.",
            "too many sign-in attempts; see Retry-After",
        ));
    }
    let request = match check(&auth, &params) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    if params.get("cancel").is_some() {
        return redirect_error(
            &auth,
            &request.redirect_url,
            request.state,
            "access_denied",
            "the user cancelled the sign-in",
        );
    }
    if !auth.config.test_provider {
        return login_page::no_provider();
    }
    let Some(person_id) = params.get("login_hint") else {
        return login_page::error(
            StatusCode::BAD_REQUEST,
            "Der blev ikke valgt nogen person at logge på som.",
            "login_hint is missing",
        );
    };
    match persons::exists(&auth.db, person_id).await {
        Ok(true) => {}
        Ok(false) => {
            return login_page::error(
                StatusCode::BAD_REQUEST,
                "Den valgte testperson findes ikke.",
                "login_hint names no known identity",
            );
        }
        Err(error) => return database_error_page(&error),
    }
    let code_request = CodeRequest {
        client_id: request.client.id,
        redirect_uri: request.redirect_uri,
        code_challenge: request.code_challenge,
        person_id,
        scope: &request.scope,
    };
    let code = match codes::issue(&auth.db, &auth.config, &code_request).await {
        Ok(code) => code,
        Err(error) => return database_error_page(&error),
    };
    tracing::info!(
        client_id = request.client.id,
        "sign-in completed by the test provider"
    );
    let mut location = request.redirect_url.clone();
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(state) = request.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &auth.config.issuer_id());
    }
    see_other(&location)
}

/// `GET /oauth/demo-identities`: the test provider's identities as JSON; 404 when it is off.
pub(crate) async fn demo_identities(State(auth): State<Auth>) -> Response {
    if !auth.config.test_provider {
        return StatusCode::NOT_FOUND.into_response();
    }
    match persons::list_identities(&auth.db).await {
        Ok(identities) => Json(identities).into_response(),
        Err(error) => {
            tracing::error!(%error, "database error while listing the demo identities");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Checks the parameters of an authorization request (GET or POST). A refusal is the
/// answer to send: an error page, or a redirect to the client with an error.
#[expect(
    clippy::result_large_err,
    reason = "the error is the HTTP answer itself, made once per request"
)]
fn check<'a>(auth: &Auth, params: &'a Params) -> Result<AuthorizeRequest<'a>, Response> {
    let Some(client_id) = params.get("client_id") else {
        return Err(bad_request_page("client_id is missing"));
    };
    let Some(client) = clients::public_client(client_id) else {
        return Err(login_page::error(
            StatusCode::BAD_REQUEST,
            "Programmet, der bad om log på, er ukendt.",
            "unknown client_id",
        ));
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return Err(bad_request_page("redirect_uri is missing"));
    };
    let redirect_url = match Url::parse(redirect_uri) {
        Ok(url) if client.accepts_redirect(redirect_uri) => url,
        _ => {
            return Err(login_page::error(
                StatusCode::BAD_REQUEST,
                "Programmet bad om at få svaret sendt til en adresse, det ikke har lov til.",
                "redirect_uri is not registered for this client",
            ));
        }
    };
    let state = params.get("state");
    let redirect = |error: &str, description: &str| -> Response {
        redirect_error(auth, &redirect_url, state, error, description)
    };
    match params.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return Err(redirect(
                "unsupported_response_type",
                "only response_type=code is supported",
            ));
        }
        None => return Err(redirect("invalid_request", "response_type is missing")),
    }
    if params.get("code_challenge_method") != Some("S256") {
        return Err(redirect(
            "invalid_request",
            "code_challenge_method must be S256 (plain is not supported)",
        ));
    }
    let Some(code_challenge) = params.get("code_challenge") else {
        return Err(redirect("invalid_request", "code_challenge is missing"));
    };
    if !secrets::is_s256_challenge(code_challenge) {
        return Err(redirect(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
        ));
    }
    let scope = match params.get("scope") {
        None => SCOPES.join(" "),
        Some(requested) => {
            let requested: Vec<&str> = requested.split(' ').filter(|s| !s.is_empty()).collect();
            if requested.iter().any(|s| !SCOPES.contains(s)) {
                return Err(redirect(
                    "invalid_scope",
                    "unknown scope; supported: openid profile",
                ));
            }
            let granted: Vec<&str> = SCOPES
                .iter()
                .copied()
                .filter(|s| requested.contains(s))
                .collect();
            if granted.is_empty() {
                return Err(redirect("invalid_scope", "scope is empty"));
            }
            granted.join(" ")
        }
    };
    Ok(AuthorizeRequest {
        client,
        redirect_uri,
        redirect_url,
        code_challenge,
        state,
        scope,
    })
}

/// Redirects an error to the client (RFC 6749 §4.1.2.1).
fn redirect_error(
    auth: &Auth,
    redirect_uri: &Url,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut location = redirect_uri.clone();
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("error", error);
        query.append_pair("error_description", description);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &auth.config.issuer_id());
    }
    see_other(&location)
}

fn see_other(location: &Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, value),
                (
                    axum::http::header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                ),
            ],
        )
            .into_response(),
        Err(_) => bad_request_page("the redirect URI cannot be used"),
    }
}

fn bad_request_page(detail: &str) -> Response {
    login_page::error(
        StatusCode::BAD_REQUEST,
        "Programmet bad om log på på en måde, serveren ikke kan forstå.",
        detail,
    )
}

fn database_error_page(error: &sqlx::Error) -> Response {
    tracing::error!(%error, "database error during sign-in");
    login_page::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Serveren kunne ikke gennemføre log på lige nu. Prøv igen om lidt.",
        "server_error",
    )
}
