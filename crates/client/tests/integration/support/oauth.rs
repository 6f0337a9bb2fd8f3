//! A small OAuth 2.0 authorization server on loopback that speaks the core's sign-in endpoints
//! faithfully (PKCE S256 only, loopback redirect URIs on any port, single-use codes, refresh
//! tokens that rotate on every use with reuse detection, revocation, userinfo, discovery, the
//! demo identities), for the sign-in tests until the core's own server can be started here.
//!
//! Its state is open to the tests, so they can see what the server holds.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};

/// The persons the test provider offers: (id, name).
pub const PERSONS: &[(&str, &str)] = &[("p-anna", "Anna Andersen"), ("p-bo", "Bo Berg")];

#[derive(Debug, Default)]
pub struct Grant {
    pub person: String,
    pub client_id: String,
    /// The current refresh token; earlier ones are in `spent`.
    pub refresh: String,
    pub spent: Vec<String>,
    pub access: Vec<String>,
    pub revoked: bool,
}

#[derive(Debug, Default)]
pub struct OAuthState {
    /// code -> (client_id, redirect_uri, challenge, person)
    codes: HashMap<String, (String, String, String, String)>,
    pub grants: Vec<Grant>,
    /// How many token requests of each grant type were answered with tokens.
    pub issued: HashMap<String, usize>,
}

/// Makes an access token for a person: random by default; a core's own token when the
/// endpoints are mounted on a core (see `support::core`).
pub type Mint = Arc<
    dyn Fn(String) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>>
        + Send
        + Sync,
>;

/// What the handlers share.
#[derive(Clone)]
struct Ctx {
    state: Arc<Mutex<OAuthState>>,
    issuer: String,
    mint: Mint,
}

/// The OAuth endpoints over `state`, for a server whose base URL is `issuer`.
pub fn router(state: Arc<Mutex<OAuthState>>, issuer: String, mint: Mint) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oauth/authorize", get(login_page).post(authorize))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/oauth/userinfo", get(userinfo))
        .route("/oauth/demo-identities", get(identities))
        .with_state(Ctx {
            state,
            issuer,
            mint,
        })
}

/// Random access tokens.
pub fn random_mint() -> Mint {
    Arc::new(|_person| Box::pin(async { random() }))
}

#[derive(Clone)]
pub struct OAuthServer {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<OAuthState>>,
    shutdown: Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>,
}

impl OAuthServer {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(OAuthState::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(state.clone(), format!("http://{addr}"), random_mint());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        OAuthServer {
            addr,
            state,
            shutdown: Arc::new(Mutex::new(Some(tx))),
        }
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).unwrap()
    }

    pub fn stop(&self) {
        if let Some(tx) = self.shutdown.lock().unwrap().take() {
            let _ = tx.send(());
        }
    }

    /// Whether `access` is a live access token.
    pub fn access_is_live(&self, access: &str) -> bool {
        self.state
            .lock()
            .unwrap()
            .grants
            .iter()
            .any(|g| !g.revoked && g.access.iter().any(|a| a == access))
    }
}

fn random() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

async fn discovery(State(ctx): State<Ctx>) -> Json<serde_json::Value> {
    let base = ctx.issuer.clone();
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "userinfo_endpoint": format!("{base}/oauth/userinfo"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "brevdue_demo_identities_endpoint": format!("{base}/oauth/demo-identities"),
    }))
}

async fn identities() -> Json<serde_json::Value> {
    Json(json!(
        PERSONS
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name, "description": "test"}))
            .collect::<Vec<_>>()
    ))
}

fn params(input: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(input.as_bytes())
        .into_owned()
        .collect()
}

fn redirect_ok(client_id: &str, redirect_uri: &str) -> bool {
    if !["brevdue-desktop", "brevdue-cli"].contains(&client_id) {
        return false;
    }
    match url::Url::parse(redirect_uri) {
        Ok(u) => {
            u.scheme() == "http"
                && u.host_str() == Some("127.0.0.1")
                && u.path() == "/callback"
                && u.query().is_none()
        }
        Err(_) => false,
    }
}

/// `GET /oauth/authorize`: checks the request and shows a login page.
async fn login_page(RawQuery(query): RawQuery) -> Response {
    let p = params(&query.unwrap_or_default());
    let ok = redirect_ok(
        p.get("client_id").map_or("", |s| s),
        p.get("redirect_uri").map_or("", |s| s),
    ) && p.get("code_challenge_method").map(String::as_str) == Some("S256");
    if !ok {
        return (StatusCode::BAD_REQUEST, "bad request").into_response();
    }
    (
        StatusCode::OK,
        "<form method=post>log på som testperson</form>",
    )
        .into_response()
}

/// `POST /oauth/authorize` with `login_hint`: a code, redirected to the client.
async fn authorize(State(ctx): State<Ctx>, body: String) -> Response {
    let state = &ctx.state;
    let p = params(&body);
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let (client_id, redirect_uri) = (get("client_id"), get("redirect_uri"));
    if !redirect_ok(&client_id, &redirect_uri) {
        return (StatusCode::BAD_REQUEST, "unknown client or redirect").into_response();
    }
    let mut location = url::Url::parse(&redirect_uri).unwrap();
    let challenge = get("code_challenge");
    let error = if get("response_type") != "code" {
        Some("unsupported_response_type")
    } else if get("code_challenge_method") != "S256" || challenge.len() != 43 {
        Some("invalid_request")
    } else if get("cancel") == "1" {
        Some("access_denied")
    } else {
        None
    };
    let person = get("login_hint");
    if error.is_none() && !PERSONS.iter().any(|(id, _)| *id == person) {
        return (StatusCode::BAD_REQUEST, "unknown person").into_response();
    }
    {
        let mut q = location.query_pairs_mut();
        match error {
            Some(error) => {
                q.append_pair("error", error);
            }
            None => {
                let code = random();
                state
                    .lock()
                    .unwrap()
                    .codes
                    .insert(code.clone(), (client_id, redirect_uri, challenge, person));
                q.append_pair("code", &code);
            }
        }
        if let Some(s) = p.get("state") {
            q.append_pair("state", s);
        }
        q.append_pair("iss", &ctx.issuer);
    }
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn oauth_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": error})),
    )
        .into_response()
}

/// Rotates grant `i`'s refresh token and records `access` for it.
fn issue(state: &mut OAuthState, i: usize, access: String, kind: &str) -> Response {
    let refresh = random();
    let grant = &mut state.grants[i];
    let old = std::mem::replace(&mut grant.refresh, refresh.clone());
    if !old.is_empty() {
        grant.spent.push(old);
    }
    grant.access.push(access.clone());
    *state.issued.entry(kind.to_owned()).or_default() += 1;
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access, "token_type": "Bearer", "expires_in": 600,
            "refresh_token": refresh, "scope": "openid profile",
        })),
    )
        .into_response()
}

async fn token(State(ctx): State<Ctx>, Form(p): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    // Which grant, checked under the lock; the access token is minted outside it.
    let (index, kind) = {
        let mut st = ctx.state.lock().unwrap();
        match get("grant_type").as_str() {
            "authorization_code" => {
                let Some((client_id, redirect_uri, challenge, person)) =
                    st.codes.remove(&get("code"))
                else {
                    return oauth_error("invalid_grant");
                };
                let verifier_ok =
                    URL_SAFE_NO_PAD.encode(Sha256::digest(get("code_verifier"))) == challenge;
                if client_id != get("client_id")
                    || redirect_uri != get("redirect_uri")
                    || !verifier_ok
                {
                    return oauth_error("invalid_grant");
                }
                st.grants.push(Grant {
                    person,
                    client_id,
                    ..Grant::default()
                });
                (st.grants.len() - 1, "authorization_code")
            }
            "refresh_token" => {
                let token = get("refresh_token");
                if let Some(i) = st.grants.iter().position(|g| g.spent.contains(&token)) {
                    // Reuse of a rotated token: the whole sign-in ends.
                    st.grants[i].revoked = true;
                    return oauth_error("invalid_grant");
                }
                match st
                    .grants
                    .iter()
                    .position(|g| g.refresh == token && !g.revoked)
                {
                    Some(i) if st.grants[i].client_id == get("client_id") => (i, "refresh_token"),
                    _ => return oauth_error("invalid_grant"),
                }
            }
            _ => return oauth_error("unsupported_grant_type"),
        }
    };
    let person = ctx.state.lock().unwrap().grants[index].person.clone();
    let access = (ctx.mint)(person).await;
    let mut st = ctx.state.lock().unwrap();
    issue(&mut st, index, access, kind)
}

async fn revoke(State(ctx): State<Ctx>, Form(p): Form<HashMap<String, String>>) -> StatusCode {
    let token = p.get("token").cloned().unwrap_or_default();
    let mut st = ctx.state.lock().unwrap();
    for g in st.grants.iter_mut() {
        if g.refresh == token || g.access.contains(&token) {
            g.revoked = true;
        }
    }
    StatusCode::OK
}

/// The person behind a live bearer token.
pub fn person_of(state: &OAuthState, headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    state
        .grants
        .iter()
        .find(|g| !g.revoked && g.access.iter().any(|a| a == token))
        .map(|g| g.person.clone())
}

async fn userinfo(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let st = ctx.state.lock().unwrap();
    match person_of(&st, &headers) {
        Some(person) => {
            let name = PERSONS
                .iter()
                .find(|(id, _)| *id == person)
                .map_or("", |p| p.1);
            Json(json!({
                "sub": person, "name": name,
                "https://data.gov.dk/model/core/eid/cprNumber": "0101701234",
            }))
            .into_response()
        }
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response(),
    }
}
