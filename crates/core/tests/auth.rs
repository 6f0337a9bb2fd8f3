//! Sign-in, end to end: a real SQLite file, the real router served over HTTP on loopback, and
//! reqwest with redirects disabled as the client.
//!
//! Contents:
//! - the authorization code flow with PKCE and a real loopback redirect receiver
//! - refusals at the authorization endpoint (client, redirect URI, PKCE method, scope)
//! - refusals at the token endpoint (verifier, reuse, expiry, client, redirect URI)
//! - refresh token rotation and reuse detection; revocation
//! - userinfo, discovery, demo identities, the login page
//! - client credentials for systems
//! - the `Caller` extractor and its 401 answers
//! - nothing secret in the logs

// The helpers below are test code too; clippy's test allowances reach only `#[test]` functions.
#![allow(clippy::unwrap_used)]

#[path = "support/postgres.rs"]
mod postgres;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, RawQuery};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevdue_core::auth::{self, Auth, AuthConfig, Caller, SystemRole, Tokens};
use brevdue_core::db::Db;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

const KAREN: &str = "person-karen";
const KAREN_CPR: &str = "3102701234";
const EVIL: &str = "person-evil";
const EVIL_NAME: &str = "<script>alert('x')</script> & Søn";
const EVIL_DESCRIPTION: &str = "\"><img src=x onerror=alert(1)>";
const CLIENT: &str = "brevdue-desktop";
const SENDER: &str = "system-aarhus-esdh";

/// One core: its database file, sign-in over it, and its address.
struct Core {
    base: String,
    db: Db,
    auth: Auth,
    http: reqwest::Client,
    sender_secret: String,
    _dir: tempfile::TempDir,
}

/// The server's own use of sign-in: a state with `Auth` inside, and a handler taking `Caller`.
#[derive(Clone, FromRef)]
struct AppState {
    auth: Auth,
}

async fn whoami(caller: Caller) -> Json<Value> {
    Json(match caller {
        Caller::Person {
            person_id,
            cpr,
            name,
        } => {
            json!({"kind": "person", "id": person_id, "cpr": cpr, "name": name})
        }
        Caller::System {
            system_id,
            authority_id,
            role,
        } => {
            json!({"kind": "system", "id": system_id, "authority": authority_id, "role": role})
        }
    })
}

async fn start(test_provider: bool) -> Core {
    start_with(test_provider, false).await
}

async fn start_with(test_provider: bool, trace_requests: bool) -> Core {
    let dir = tempfile::tempdir().unwrap();
    let db = postgres::open_test_db(dir.path()).await;
    for (id, cpr, name, description) in [
        (
            KAREN,
            KAREN_CPR,
            "Karen Jensen",
            "Borger i Aarhus med post fra kommunen",
        ),
        (EVIL, "0202802345", EVIL_NAME, EVIL_DESCRIPTION),
    ] {
        sqlx::query("INSERT INTO persons (id, cpr, name, description) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(cpr)
            .bind(name)
            .bind(description)
            .execute(&db)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO authorities (id, cvr, name, authority_type) \
         VALUES ('aarhus', '55133018', 'Aarhus Kommune', 'MUNICIPALITY')",
    )
    .execute(&db)
    .await
    .unwrap();
    let sender_secret = auth::systems::register(&db, SENDER, "aarhus", SystemRole::Sender, "ESDH")
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    auth::check_listen_address(test_provider, addr).unwrap();
    let base = format!("http://{addr}");
    let config = AuthConfig::new(Url::parse(&base).unwrap(), test_provider);
    let auth = Auth::new(db.clone(), config);
    let mut app = Router::new()
        .route("/whoami", get(whoami))
        .with_state(AppState { auth: auth.clone() })
        .merge(auth::router(auth.clone()));
    if trace_requests {
        app = app.layer(tower_http::trace::TraceLayer::new_for_http());
    }
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Core {
        base,
        db,
        auth,
        http,
        sender_secret,
        _dir: dir,
    }
}

/// A PKCE pair: a fresh verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = format!(
        "{}-{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn authorize_params<'a>(
    redirect_uri: &'a str,
    challenge: &'a str,
    state: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", redirect_uri),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("state", state),
        ("scope", "openid profile"),
    ]
}

fn query_of(location: &str) -> Vec<(String, String)> {
    Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

impl Core {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET /oauth/authorize` with these parameters.
    async fn authorize_get(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(self.url("/oauth/authorize"))
            .query(params)
            .send()
            .await
            .unwrap()
    }

    /// `POST /oauth/authorize` with these parameters.
    async fn authorize_post(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url("/oauth/authorize"))
            .form(params)
            .send()
            .await
            .unwrap()
    }

    /// Signs a person in through the test provider; returns the code from the redirect.
    async fn login(&self, person: &str, redirect_uri: &str, challenge: &str) -> String {
        let mut params = authorize_params(redirect_uri, challenge, "st");
        params.push(("login_hint", person));
        let response = self.authorize_post(&params).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
        param(&query_of(&location), "code").unwrap()
    }

    /// `POST /oauth/token` with this form; the status and the JSON body.
    async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url("/oauth/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(response.headers()["cache-control"], "no-store");
        (status, response.json().await.unwrap())
    }

    async fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .await
    }

    async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    /// A full sign-in of Karen; her tokens.
    async fn sign_in(&self) -> Tokens {
        let redirect = "http://127.0.0.1:50123/callback";
        let (verifier, challenge) = pkce();
        let code = self.login(KAREN, redirect, &challenge).await;
        let (status, body) = self.exchange(&code, redirect, &verifier).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// `GET /whoami` with this bearer token.
    async fn whoami(&self, token: &str) -> reqwest::Response {
        self.http
            .get(self.url("/whoami"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn revoke(&self, form: &[(&str, &str)]) -> StatusCode {
        self.http
            .post(self.url("/oauth/revoke"))
            .form(form)
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn shift_into_past(&self, table: &str, seconds: i64) {
        sqlx::query(&format!("UPDATE {table} SET expires_at = expires_at - $1"))
            .bind(seconds)
            .execute(&self.db)
            .await
            .unwrap();
    }
}

fn assert_unauthorized(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Bearer"), "{challenge}");
}

/// A stand-in for the desktop app's loopback listener: receives one redirect on a random port.
async fn loopback_receiver() -> (String, tokio::sync::mpsc::Receiver<String>) {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route(
        "/callback",
        get(move |RawQuery(query): RawQuery| {
            let sender = sender.clone();
            async move {
                sender.send(query.unwrap_or_default()).await.unwrap();
                "Du er logget på. Du kan lukke dette vindue."
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://127.0.0.1:{port}/callback"), receiver)
}

#[tokio::test]
async fn full_pkce_flow_with_a_loopback_redirect() {
    let core = start(true).await;
    let (redirect_uri, mut received) = loopback_receiver().await;
    let (verifier, challenge) = pkce();
    let params = authorize_params(&redirect_uri, &challenge, "xyz-state");

    let page = core.authorize_get(&params).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("Karen Jensen"));
    assert!(html.contains(&format!("value=\"{KAREN}\"")));
    // The form posts back to the authorization endpoint, relative to where the page was shown.
    assert!(html.contains("<form method=\"post\" action=\"authorize\">"));
    assert_eq!(
        Url::parse(&core.url("/oauth/authorize?a=b"))
            .unwrap()
            .join("authorize")
            .unwrap()
            .as_str(),
        core.url("/oauth/authorize")
    );

    let mut form = params.clone();
    form.push(("login_hint", KAREN));
    let response = core.authorize_post(&form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{redirect_uri}?")),
        "{location}"
    );

    // Follow the redirect the way a browser would: the client's listener gets the code.
    let followed = core.http.get(&location).send().await.unwrap();
    assert_eq!(followed.status(), StatusCode::OK);
    let query = received.recv().await.unwrap();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(param(&pairs, "state").as_deref(), Some("xyz-state"));
    assert_eq!(param(&pairs, "iss").as_deref(), Some(core.base.as_str()));
    let code = param(&pairs, "code").unwrap();

    let (status, body) = core.exchange(&code, &redirect_uri, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["scope"], "openid profile");
    let access = body["access_token"].as_str().unwrap();
    assert!(
        body["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() == 43)
    );
    assert!(body.get("id_token").is_none());

    let info: Value = core
        .http
        .get(core.url("/oauth/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        info,
        json!({"sub": KAREN, "name": "Karen Jensen", (auth::CPR_CLAIM): KAREN_CPR})
    );
    let me: Value = core.whoami(access).await.json().await.unwrap();
    assert_eq!(
        me,
        json!({"kind": "person", "id": KAREN, "cpr": KAREN_CPR, "name": "Karen Jensen"})
    );

    // Only hashes are stored: neither the access token nor the code is in the database.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM auth_access_tokens")
        .fetch_all(&core.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, hex::encode(Sha256::digest(access.as_bytes())));
}

#[tokio::test]
async fn ipv6_loopback_and_any_port_are_accepted() {
    let core = start(true).await;
    let (verifier, challenge) = pkce();
    let redirect = "http://[::1]:61234/callback";
    let code = core.login(KAREN, redirect, &challenge).await;
    let (status, body) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn wrong_verifier_is_refused_and_burns_the_code() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40000/callback";
    let (verifier, challenge) = pkce();
    let code = core.login(KAREN, redirect, &challenge).await;
    let (other_verifier, _) = pkce();
    let (status, body) = core.exchange(&code, redirect, &other_verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("code_verifier")
    );
    // The right verifier comes too late: the code was used up by the failed attempt.
    let (status, body) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    // A malformed verifier is a bad request.
    let code = core.login(KAREN, redirect, &challenge).await;
    let (status, body) = core.exchange(&code, redirect, "too-short").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn plain_or_missing_pkce_is_refused_at_the_authorization_endpoint() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40001/callback";
    let (verifier, challenge) = pkce();
    for (method, challenge) in [
        (Some("plain"), verifier.as_str()),
        (None, challenge.as_str()),
        (Some("S256"), "not-a-challenge"),
    ] {
        let mut params: Vec<(&str, &str)> = authorize_params(redirect, challenge, "s1")
            .into_iter()
            .filter(|(name, _)| *name != "code_challenge_method")
            .collect();
        if let Some(method) = method {
            params.push(("code_challenge_method", method));
        }
        for response in [core.authorize_get(&params).await, {
            params.push(("login_hint", KAREN));
            let response = core.authorize_post(&params).await;
            params.pop();
            response
        }] {
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            let pairs = query_of(response.headers()[LOCATION].to_str().unwrap());
            assert_eq!(
                param(&pairs, "error").as_deref(),
                Some("invalid_request"),
                "{method:?}"
            );
            assert_eq!(param(&pairs, "state").as_deref(), Some("s1"));
            assert_eq!(param(&pairs, "code"), None);
        }
    }
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_codes")
        .fetch_one(&core.db)
        .await
        .unwrap();
    assert_eq!(count.0, 0);
}

#[tokio::test]
async fn other_bad_authorization_requests_are_redirected_with_an_error() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40002/callback";
    let (_, challenge) = pkce();
    let cases: [(&str, &str, &str); 3] = [
        ("response_type", "token", "unsupported_response_type"),
        ("scope", "openid admin", "invalid_scope"),
        ("response_type", "", "invalid_request"),
    ];
    for (name, value, error) in cases {
        let mut params: Vec<(&str, &str)> = authorize_params(redirect, &challenge, "s2")
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect();
        params.push((name, value));
        let response = core.authorize_get(&params).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}={value}");
        let pairs = query_of(response.headers()[LOCATION].to_str().unwrap());
        assert_eq!(
            param(&pairs, "error").as_deref(),
            Some(error),
            "{name}={value}"
        );
    }
    // Cancelling on the login page tells the client so.
    let mut params = authorize_params(redirect, &challenge, "s3");
    params.push(("cancel", "1"));
    let response = core.authorize_post(&params).await;
    let pairs = query_of(response.headers()[LOCATION].to_str().unwrap());
    assert_eq!(param(&pairs, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&pairs, "state").as_deref(), Some("s3"));
    // A repeated parameter is refused without a redirect.
    let mut params = authorize_params(redirect, &challenge, "s4");
    params.push(("state", "again"));
    let response = core.authorize_get(&params).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
    // An unknown login_hint signs nobody in.
    let mut params = authorize_params(redirect, &challenge, "s5");
    params.push(("login_hint", "nobody"));
    let response = core.authorize_post(&params).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_it_gave() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40003/callback";
    let (verifier, challenge) = pkce();
    let code = core.login(KAREN, redirect, &challenge).await;
    let (status, first) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(core.whoami(access).await.status(), StatusCode::OK);

    let (status, body) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );
    assert_unauthorized(&core.whoami(access).await);
    let (status, _) = core.refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40004/callback";
    let (verifier, challenge) = pkce();
    let code = core.login(KAREN, redirect, &challenge).await;
    // The code lives 60 seconds.
    let (expires_at,): (i64,) = sqlx::query_as("SELECT expires_at FROM auth_codes")
        .fetch_one(&core.db)
        .await
        .unwrap();
    let lifetime = expires_at - chrono::Utc::now().timestamp();
    assert!((58..=60).contains(&lifetime), "{lifetime}");
    core.shift_into_past("auth_codes", 61).await;
    let (status, body) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn unknown_clients_are_refused() {
    let core = start(true).await;
    let redirect = "http://127.0.0.1:40005/callback";
    let (verifier, challenge) = pkce();
    let params: Vec<(&str, &str)> = authorize_params(redirect, &challenge, "s")
        .into_iter()
        .map(|(n, v)| {
            if n == "client_id" {
                (n, "evil-app")
            } else {
                (n, v)
            }
        })
        .collect();
    let response = core.authorize_get(&params).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
    assert!(response.text().await.unwrap().contains("ukendt"));

    let code = core.login(KAREN, redirect, &challenge).await;
    let (status, body) = core
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "evil-app"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    // Another registered client cannot use a code issued to the desktop app.
    let (status, body) = core
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "brevdue-cli"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn non_loopback_or_mismatched_redirects_are_refused() {
    let core = start(true).await;
    let (verifier, challenge) = pkce();
    for redirect in [
        "http://evil.example/callback",
        "https://127.0.0.1:40006/callback",
        "http://localhost:40006/callback",
        "http://127.0.0.1:40006/other",
        "http://127.0.0.1:40006/callback?next=evil",
        "http://192.168.1.5:40006/callback",
        "javascript:alert(1)",
    ] {
        let params = authorize_params(redirect, &challenge, "s");
        for response in [core.authorize_get(&params).await, {
            let mut form = params.clone();
            form.push(("login_hint", KAREN));
            core.authorize_post(&form).await
        }] {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect}");
            assert!(response.headers().get(LOCATION).is_none(), "{redirect}");
        }
    }
    // The token request must repeat the redirect URI exactly, port included.
    let code = core
        .login(KAREN, "http://127.0.0.1:40006/callback", &challenge)
        .await;
    let (status, body) = core
        .exchange(&code, "http://127.0.0.1:40007/callback", &verifier)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("redirect_uri")
    );
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let core = start(true).await;
    let first = core.sign_in().await;
    let r1 = first.refresh_token.clone().unwrap();
    let (status, second) = core.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    let a2 = second["access_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_ne!(first.access_token, a2);
    assert_eq!(second["scope"], "openid profile");
    assert_eq!(core.whoami(&a2).await.status(), StatusCode::OK);
    // The newest refresh token goes on working, each time replaced.
    let (status, third) = core.refresh(&r2).await;
    assert_eq!(status, StatusCode::OK, "{third}");
    // A refresh token is bound to its client.
    let r3 = third["refresh_token"].as_str().unwrap();
    let (status, body) = core
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "brevdue-cli"),
            ("refresh_token", r3),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _) = core.refresh(r3).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a refusal for another client must not burn the token"
    );
    // Refresh tokens expire.
    let other = core.sign_in().await;
    core.shift_into_past("auth_refresh_tokens", 30 * 24 * 3600)
        .await;
    let (status, body) = core.refresh(other.refresh_token.as_deref().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_family() {
    let core = start(true).await;
    let first = core.sign_in().await;
    let r1 = first.refresh_token.clone().unwrap();
    let (_, second) = core.refresh(&r1).await;
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    let a2 = second["access_token"].as_str().unwrap().to_owned();
    // Another sign-in of the same person is a family of its own and is not touched.
    let unrelated = core.sign_in().await;

    let (status, body) = core.refresh(&r1).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );

    let (status, body) = core.refresh(&r2).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_unauthorized(&core.whoami(&a2).await);
    assert_unauthorized(&core.whoami(&first.access_token).await);
    assert_eq!(
        core.whoami(&unrelated.access_token).await.status(),
        StatusCode::OK
    );
    let (status, _) = core
        .refresh(unrelated.refresh_token.as_deref().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn revocation() {
    let core = start(true).await;
    let tokens = core.sign_in().await;
    let refresh = tokens.refresh_token.clone().unwrap();
    // Unknown tokens and tokens of other clients: 200, and nothing happens.
    assert_eq!(
        core.revoke(&[("client_id", CLIENT), ("token", "no-such-token")])
            .await,
        StatusCode::OK
    );
    assert_eq!(
        core.revoke(&[
            ("client_id", "brevdue-cli"),
            ("token", &tokens.access_token)
        ])
        .await,
        StatusCode::OK
    );
    assert_eq!(
        core.whoami(&tokens.access_token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        core.revoke(&[("token", &tokens.access_token)]).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        core.revoke(&[("client_id", "evil"), ("token", &tokens.access_token)])
            .await,
        StatusCode::UNAUTHORIZED
    );

    // Revoking the access token ends it alone.
    let status = core
        .revoke(&[
            ("client_id", CLIENT),
            ("token", &tokens.access_token),
            ("token_type_hint", "access_token"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_unauthorized(&core.whoami(&tokens.access_token).await);
    let (status, newer) = core.refresh(&refresh).await;
    assert_eq!(status, StatusCode::OK);
    let newer_access = newer["access_token"].as_str().unwrap();
    let newer_refresh = newer["refresh_token"].as_str().unwrap();
    assert_eq!(core.whoami(newer_access).await.status(), StatusCode::OK);

    // Revoking the refresh token ends the whole sign-in.
    assert_eq!(
        core.revoke(&[("client_id", CLIENT), ("token", newer_refresh)])
            .await,
        StatusCode::OK
    );
    assert_unauthorized(&core.whoami(newer_access).await);
    let (status, _) = core.refresh(newer_refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn userinfo_needs_a_person() {
    let core = start(true).await;
    let response = core
        .http
        .get(core.url("/oauth/userinfo"))
        .send()
        .await
        .unwrap();
    assert_unauthorized(&response);
    let (_, body) = core
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", &core.sender_secret),
        ])
        .await;
    let response = core
        .http
        .post(core.url("/oauth/userinfo"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn discovery_document() {
    let core = start(true).await;
    let doc: Value = core
        .http
        .get(core.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], core.base);
    assert_eq!(doc["authorization_endpoint"], core.url("/oauth/authorize"));
    assert_eq!(doc["token_endpoint"], core.url("/oauth/token"));
    assert_eq!(doc["revocation_endpoint"], core.url("/oauth/revoke"));
    assert_eq!(doc["userinfo_endpoint"], core.url("/oauth/userinfo"));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        doc["grant_types_supported"],
        json!(["authorization_code", "refresh_token", "client_credentials"])
    );
    assert_eq!(doc["scopes_supported"], json!(["openid", "profile"]));
    assert!(
        doc["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&json!(auth::CPR_CLAIM))
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        doc["brevdue_demo_identities_endpoint"],
        core.url("/oauth/demo-identities")
    );
    // Every endpoint it names answers (not 404).
    for endpoint in ["authorization_endpoint", "userinfo_endpoint"] {
        let response = core
            .http
            .get(doc[endpoint].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    for endpoint in ["token_endpoint", "revocation_endpoint"] {
        let response = core
            .http
            .post(doc[endpoint].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
}

#[tokio::test]
async fn demo_identities_json() {
    let core = start(true).await;
    let identities: Value = core
        .http
        .get(core.url("/oauth/demo-identities"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        identities,
        json!([
            {"id": EVIL, "name": EVIL_NAME, "description": EVIL_DESCRIPTION},
            {"id": KAREN, "name": "Karen Jensen", "description": "Borger i Aarhus med post fra kommunen"},
        ])
    );
    assert!(!identities.to_string().contains(KAREN_CPR));
}

#[tokio::test]
async fn without_the_test_provider_nobody_signs_in() {
    let core = start(false).await;
    let response = core
        .http
        .get(core.url("/oauth/demo-identities"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let redirect = "http://127.0.0.1:40008/callback";
    let (_, challenge) = pkce();
    let params = authorize_params(redirect, &challenge, "s");
    let response = core.authorize_get(&params).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = response.text().await.unwrap();
    assert!(html.contains("ingen identitetsudbyder"), "{html}");
    assert!(!html.contains("Karen"));
    let mut form = params.clone();
    form.push(("login_hint", KAREN));
    let response = core.authorize_post(&form).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().get(LOCATION).is_none());
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_codes")
        .fetch_one(&core.db)
        .await
        .unwrap();
    assert_eq!(count.0, 0);
    let doc: Value = core
        .http
        .get(core.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["brevdue_test_provider"], false);
    assert!(doc.get("brevdue_demo_identities_endpoint").is_none());
    // Systems still authenticate.
    let (status, _) = core
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", &core.sender_secret),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_login_page_lists_identities_and_escapes_them() {
    let core = start(true).await;
    let (_, challenge) = pkce();
    let state = "\"><script>alert('state')</script>";
    let params = authorize_params("http://127.0.0.1:40009/callback", &challenge, state);
    let response = core.authorize_get(&params).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"da\">"));
    assert!(html.contains("Log på Brevdue"));
    assert!(html.contains("Karen Jensen"));
    assert!(html.contains("Borger i Aarhus med post fra kommunen"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Søn"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        html.contains("value=\"&quot;&gt;&lt;script&gt;alert(&#39;state&#39;)&lt;/script&gt;\"")
    );
    assert!(!html.contains("<script"));
    assert!(!html.contains("<img"));
    assert!(!html.contains(KAREN_CPR));
    // The escaped state comes back unharmed in the redirect.
    let mut form = params.clone();
    form.push(("login_hint", EVIL));
    let response = core.authorize_post(&form).await;
    let pairs = query_of(response.headers()[LOCATION].to_str().unwrap());
    assert_eq!(param(&pairs, "state").as_deref(), Some(state));
}

#[tokio::test]
async fn client_credentials_for_systems() {
    let core = start(true).await;
    let (status, body) = core
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", &core.sender_secret),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["expires_in"], 600);
    let token = body["access_token"].as_str().unwrap();
    let me: Value = core.whoami(token).await.json().await.unwrap();
    assert_eq!(
        me,
        json!({"kind": "system", "id": SENDER, "authority": "aarhus", "role": "SENDER"})
    );
    assert_eq!(
        core.auth.authenticate_token(token).await.unwrap(),
        Caller::System {
            system_id: SENDER.into(),
            authority_id: "aarhus".into(),
            role: SystemRole::Sender
        }
    );

    // HTTP Basic works too.
    let response = core
        .http
        .post(core.url("/oauth/token"))
        .basic_auth(SENDER, Some(&core.sender_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Wrong secrets, unknown systems, and secrets with public clients are refused.
    let wrong = format!("{}x", core.sender_secret);
    for (client_id, secret) in [
        (SENDER, wrong.as_str()),
        (SENDER, ""),
        ("no-such-system", core.sender_secret.as_str()),
        (CLIENT, "guess"),
    ] {
        let (status, body) = core
            .token(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ])
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{client_id} {secret}");
        assert_eq!(body["error"], "invalid_client", "{client_id} {secret}");
    }
    let response = core
        .http
        .post(core.url("/oauth/token"))
        .basic_auth(SENDER, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );

    // A system cannot redeem a person's code, nor a public client take client credentials.
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:40010/callback";
    let code = core.login(KAREN, redirect, &challenge).await;
    let (status, body) = core
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", SENDER),
            ("client_secret", &core.sender_secret),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
    let (status, body) = core
        .token(&[("grant_type", "client_credentials"), ("client_id", CLIENT)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
    let (status, body) = core
        .token(&[("grant_type", "password"), ("client_id", CLIENT)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
    // The secret is stored as its SHA-256 hash only.
    let (hash,): (String,) = sqlx::query_as("SELECT secret_hash FROM systems WHERE id = $1")
        .bind(SENDER)
        .fetch_one(&core.db)
        .await
        .unwrap();
    assert_eq!(
        hash,
        hex::encode(Sha256::digest(core.sender_secret.as_bytes()))
    );
    assert_eq!(
        URL_SAFE_NO_PAD.decode(&core.sender_secret).unwrap().len(),
        32
    );
}

#[tokio::test]
async fn token_requests_must_be_well_formed() {
    let core = start(true).await;
    let (status, body) = core
        .token(&[
            ("grant_type", "refresh_token"),
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let response = core
        .http
        .post(core.url("/oauth/token"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let (status, body) = core.token(&[("grant_type", "refresh_token")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let big = "x".repeat(64 * 1024);
    let response = core
        .http
        .post(core.url("/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", &big),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
}

#[tokio::test]
async fn missing_malformed_expired_and_revoked_tokens_get_401() {
    let core = start(true).await;
    let response = core.http.get(core.url("/whoami")).send().await.unwrap();
    assert_unauthorized(&response);
    assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");

    for header in ["Basic abc", "Bearer", "Bearer two words", "Bearer a\"b"] {
        let response = core
            .http
            .get(core.url("/whoami"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_unauthorized(&response);
        assert!(
            response.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("invalid_token")
        );
    }
    assert_unauthorized(&core.whoami("unknown-token").await);

    let expiring = core.sign_in().await;
    assert_eq!(
        core.whoami(&expiring.access_token).await.status(),
        StatusCode::OK
    );
    let (expires_at,): (i64,) = sqlx::query_as("SELECT MAX(expires_at) FROM auth_access_tokens")
        .fetch_one(&core.db)
        .await
        .unwrap();
    let lifetime = expires_at - chrono::Utc::now().timestamp();
    assert!((598..=600).contains(&lifetime), "{lifetime}");
    core.shift_into_past("auth_access_tokens", 601).await;
    let response = core.whoami(&expiring.access_token).await;
    assert_unauthorized(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");

    let revoked = core.sign_in().await;
    assert_eq!(
        core.whoami(&revoked.access_token).await.status(),
        StatusCode::OK
    );
    core.revoke(&[("client_id", CLIENT), ("token", &revoked.access_token)])
        .await;
    assert_unauthorized(&core.whoami(&revoked.access_token).await);

    // The Rust API agrees with the extractor.
    let mut headers = HeaderMap::new();
    assert!(matches!(
        core.auth.authenticate(&headers).await,
        Err(auth::AuthError::MissingToken)
    ));
    headers.insert(
        "authorization",
        format!("Bearer {}", revoked.access_token).parse().unwrap(),
    );
    assert!(matches!(
        core.auth.authenticate(&headers).await,
        Err(auth::AuthError::InvalidToken)
    ));
}

#[tokio::test]
async fn issued_tokens_work_and_expired_rows_are_purged() {
    let core = start(true).await;
    let tokens = core.auth.issue_person_tokens(CLIENT, KAREN).await.unwrap();
    assert!(!format!("{tokens:?}").contains(&tokens.access_token));
    let me: Value = core
        .whoami(&tokens.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], KAREN);
    let (status, _) = core.refresh(tokens.refresh_token.as_deref().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(core.auth.purge_expired().await.unwrap(), 0);

    for table in ["auth_access_tokens", "auth_refresh_tokens"] {
        core.shift_into_past(table, 31 * 24 * 3600).await;
    }
    // Two access tokens, two refresh tokens, and the grant they emptied.
    assert_eq!(core.auth.purge_expired().await.unwrap(), 5);
    let left: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_grants")
        .fetch_one(&core.db)
        .await
        .unwrap();
    assert_eq!(left.0, 0);
}

/// A `MakeWriter` that collects everything logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_token_secret_code_or_cpr_reaches_the_logs() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let core = start_with(true, true).await;
    let mut secrets = vec![core.sender_secret.clone(), KAREN_CPR.to_owned()];

    let redirect = "http://127.0.0.1:40011/callback";
    let (verifier, challenge) = pkce();
    let code = core.login(KAREN, redirect, &challenge).await;
    let (_, tokens) = core.exchange(&code, redirect, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(core.whoami(&access).await.status(), StatusCode::OK);
    let info = core
        .http
        .get(core.url("/oauth/userinfo"))
        .bearer_auth(&access)
        .send()
        .await;
    assert_eq!(info.unwrap().status(), StatusCode::OK);
    let (_, again) = core.exchange(&code, redirect, &verifier).await;
    assert_eq!(again["error"], "invalid_grant");
    secrets.extend([verifier, code]);

    let fresh = core.sign_in().await;
    let (_, rotated) = core.refresh(fresh.refresh_token.as_deref().unwrap()).await;
    core.refresh(fresh.refresh_token.as_deref().unwrap()).await; // reuse: logged as a warning
    let (_, system) = core
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", &core.sender_secret),
        ])
        .await;
    core.token(&[
        ("grant_type", "client_credentials"),
        ("client_id", SENDER),
        ("client_secret", "wrong-secret-value"),
    ])
    .await;
    core.revoke(&[("client_id", CLIENT), ("token", &fresh.access_token)])
        .await;
    secrets.extend([
        access,
        refresh,
        fresh.access_token.clone(),
        fresh.refresh_token.clone().unwrap(),
    ]);
    for body in [&rotated, &system] {
        for field in ["access_token", "refresh_token"] {
            if let Some(token) = body[field].as_str() {
                secrets.push(token.to_owned());
            }
        }
    }
    secrets.push("wrong-secret-value".to_owned());

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: the events of sign-in and of the requests are there.
    for expected in [
        "authorization code exchanged",
        "authorization code reused",
        "refresh token reused",
        "system token issued",
        "client authentication failed",
        "access token revoked",
        "/oauth/token",
    ] {
        assert!(
            logs.contains(expected),
            "missing log line {expected:?} in:\n{logs}"
        );
    }
    assert!(secrets.len() >= 10);
    for secret in &secrets {
        assert!(!secret.is_empty());
        assert!(
            !logs.contains(secret.as_str()),
            "{secret:?} appears in the logs"
        );
        // Nor its percent-encoded form (tokens may pass through URLs).
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        assert!(!logs.contains(&encoded), "{encoded:?} appears in the logs");
    }
}
