//! Sign-in to the core with OAuth 2.0 for native apps (RFC 8252): the authorization code flow
//! with PKCE (S256, RFC 7636) in the system browser and a loopback redirect, and the demo path
//! that signs in as one of the test provider's identities without a browser. Then token
//! refresh with rotation, and sign-out.
//!
//! The flow of [`Authenticator::sign_in_with_browser`]:
//! 1. read the server's metadata (`/.well-known/openid-configuration`);
//! 2. listen on `127.0.0.1:0` (a port the OS picks) for `GET /callback`;
//! 3. build the authorization URL with a fresh PKCE verifier and `state`, and hand it to the
//!    caller's `open_url` (the app opens the system browser; the command line prints it);
//! 4. wait for the browser's redirect to the loopback listener, answer it with a small Danish
//!    page, check `state` (a request with another `state` is refused and the wait goes on) and
//!    `iss` (RFC 9207);
//! 5. exchange the code and the verifier for tokens, ask `userinfo` who signed in, and store
//!    the refresh token in the OS secret store ([`crate::credentials`]).
//!
//! [`Authenticator::sign_in_demo`] does steps 1-2 and 4-5, but instead of a browser it POSTs
//! `login_hint=<identity id>` to the authorization endpoint itself and follows the redirect to
//! its own loopback listener.
//!
//! A [`Session`] holds the access token in memory only. [`Session::access_token`] refreshes it
//! when it is about to expire: the server rotates the refresh token on every use, and the new
//! one is stored in the secret store before the new access token is used, so a crash can never
//! leave only a spent refresh token behind.

use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, oneshot};
use url::Url;

use crate::credentials::{AccountKey, CredentialStore, Secret, normalize_server};
use crate::error::{ClientError, ErrorKind, Result};
use crate::http::{check_server_url, read_json, read_limited};

/// The client id of the desktop app.
pub const CLIENT_ID_DESKTOP: &str = "brevdue-desktop";
/// The client id of the command line.
pub const CLIENT_ID_CLI: &str = "brevdue-cli";
/// The scopes asked for.
const SCOPE: &str = "openid profile";
/// The path the loopback listener answers on (registered by the core for both clients).
const CALLBACK_PATH: &str = "/callback";
/// How long before its expiry an access token is refreshed.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);
/// The longest OAuth answer read (tokens, metadata, userinfo).
const MAX_OAUTH_BYTES: usize = 64 * 1024;

/// What the server says about its sign-in (RFC 8414 metadata), the parts the client uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    #[serde(default)]
    pub revocation_endpoint: Option<Url>,
    pub userinfo_endpoint: Url,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// Brevdue's extension: where the test provider lists its identities (demo mode only).
    #[serde(default)]
    pub brevdue_demo_identities_endpoint: Option<Url>,
}

/// One of the test provider's identities (demo mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoIdentity {
    /// The person id, to give to [`Authenticator::sign_in_demo`].
    pub id: String,
    pub name: String,
    pub description: String,
}

/// Who is signed in where: no secrets, safe to keep in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The server's base URL, normalized.
    pub server: String,
    /// The program's OAuth client id.
    pub client_id: String,
    /// The person id (`sub`), never a CPR number.
    pub id: String,
    /// The person's name, for the UI.
    pub name: String,
}

impl Account {
    /// The key of this account's refresh token in the secret store.
    pub fn key(&self) -> AccountKey {
        AccountKey {
            client_id: self.client_id.clone(),
            server: self.server.clone(),
            account: self.id.clone(),
        }
    }
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// An error answer of the token endpoint (RFC 6749 §5.2).
#[derive(Deserialize)]
struct OAuthErrorBody {
    error: String,
}

/// The userinfo answer: only what the client keeps (the CPR number is not read).
#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    name: String,
}

/// Signs in to one server as one program.
#[derive(Debug, Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    server: Url,
    client_id: String,
    store: CredentialStore,
    metadata: tokio::sync::OnceCell<ServerMetadata>,
}

impl Authenticator {
    /// Sign-in to `server` (its base URL) as the program `client_id`
    /// ([`CLIENT_ID_DESKTOP`] or [`CLIENT_ID_CLI`]).
    pub fn new(
        http: reqwest::Client,
        server: Url,
        client_id: &str,
        store: CredentialStore,
    ) -> Result<Self> {
        check_server_url(&server, "the server address")?;
        Ok(Authenticator {
            inner: Arc::new(Inner {
                http,
                server,
                client_id: client_id.to_owned(),
                store,
                metadata: tokio::sync::OnceCell::new(),
            }),
        })
    }

    /// The server's base URL.
    pub fn server(&self) -> &Url {
        &self.inner.server
    }

    /// The server's sign-in metadata, read once.
    pub async fn metadata(&self) -> Result<&ServerMetadata> {
        self.inner
            .metadata
            .get_or_try_init(|| self.fetch_metadata())
            .await
    }

    async fn fetch_metadata(&self) -> Result<ServerMetadata> {
        let url = join(&self.inner.server, ".well-known/openid-configuration")?;
        let what = "reading the server's sign-in metadata";
        let response = self
            .inner
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        if !response.status().is_success() {
            return Err(ClientError::new(
                ErrorKind::Server,
                format!("{what}: the server answered {}", response.status()),
            ));
        }
        let body = read_limited(response, MAX_OAUTH_BYTES, what).await?;
        let metadata: ServerMetadata = serde_json::from_slice(&body).map_err(|e| {
            ClientError::protocol(format!("{what}: not valid metadata")).with_source(e)
        })?;
        for endpoint in [
            Some(&metadata.authorization_endpoint),
            Some(&metadata.token_endpoint),
            Some(&metadata.userinfo_endpoint),
            metadata.revocation_endpoint.as_ref(),
            metadata.brevdue_demo_identities_endpoint.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            check_server_url(endpoint, "an endpoint in the server's metadata")
                .map_err(|e| ClientError::protocol(e.message().to_owned()))?;
        }
        Ok(metadata)
    }

    /// The test provider's identities; [`ErrorKind::NotFound`] when the server has none
    /// (it is not in demo mode).
    pub async fn demo_identities(&self) -> Result<Vec<DemoIdentity>> {
        let metadata = self.metadata().await?;
        let Some(url) = metadata.brevdue_demo_identities_endpoint.clone() else {
            return Err(ClientError::new(
                ErrorKind::NotFound,
                "the server offers no demo identities",
            ));
        };
        let what = "listing the demo identities";
        let response = self
            .inner
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        match response.status() {
            StatusCode::NOT_FOUND => Err(ClientError::new(
                ErrorKind::NotFound,
                "the server offers no demo identities",
            )),
            status if status.is_success() => read_json(response, what).await,
            status => Err(ClientError::new(
                ErrorKind::Server,
                format!("{what}: the server answered {status}"),
            )),
        }
    }

    /// Signs in through the system browser: `open_url` is given the authorization URL to open
    /// (the command line may print it instead). Waits at most `wait` for the browser to come
    /// back.
    pub async fn sign_in_with_browser(
        &self,
        open_url: impl FnOnce(&Url) -> std::result::Result<(), String>,
        wait: Duration,
    ) -> Result<Session> {
        let metadata = self.metadata().await?.clone();
        let request = AuthorizationRequest::new();
        let mut listener = Loopback::bind(request.state.clone()).await?;
        let url = self.authorization_url(&metadata, &request, &listener.redirect_uri);
        open_url(&url).map_err(|reason| {
            ClientError::new(
                ErrorKind::SignInFailed,
                format!("the browser could not be opened: {reason}"),
            )
        })?;
        let callback = match tokio::time::timeout(wait, listener.wait()).await {
            Ok(callback) => callback?,
            Err(_) => {
                return Err(ClientError::new(
                    ErrorKind::SignInCancelled,
                    "the sign-in was not completed in time",
                ));
            }
        };
        self.finish(&metadata, &request, &listener.redirect_uri, callback)
            .await
    }

    /// Signs in as the test provider's identity `identity_id` without a browser: POSTs
    /// `login_hint` to the authorization endpoint and follows its redirect to the loopback
    /// listener in-process.
    pub async fn sign_in_demo(&self, identity_id: &str) -> Result<Session> {
        let metadata = self.metadata().await?.clone();
        let request = AuthorizationRequest::new();
        let mut listener = Loopback::bind(request.state.clone()).await?;
        let mut form = self.authorization_params(&request, &listener.redirect_uri);
        form.push(("login_hint", identity_id.to_owned()));
        let what = "signing in as a demo identity";
        let response = self
            .inner
            .http
            .post(metadata.authorization_endpoint.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        if !response.status().is_redirection() {
            return Err(ClientError::new(
                ErrorKind::SignInFailed,
                format!(
                    "{what}: the server answered {} instead of a redirect",
                    response.status()
                ),
            ));
        }
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| metadata.authorization_endpoint.join(v).ok())
            .ok_or_else(|| {
                ClientError::protocol(format!("{what}: the redirect has no location"))
            })?;
        if !same_endpoint(&location, &listener.redirect_uri) {
            return Err(ClientError::protocol(format!(
                "{what}: the server redirected somewhere else than the loopback listener"
            )));
        }
        // Follow the redirect as the browser would; the listener records the result.
        let followed = self
            .inner
            .http
            .get(location)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        drop(followed);
        let callback = tokio::time::timeout(Duration::from_secs(10), listener.wait())
            .await
            .map_err(|_| {
                ClientError::new(
                    ErrorKind::SignInFailed,
                    format!("{what}: no answer arrived"),
                )
            })??;
        self.finish(&metadata, &request, &listener.redirect_uri, callback)
            .await
    }

    /// The session of an account signed in earlier, from the refresh token in the secret
    /// store. [`ErrorKind::SignInRequired`] when there is none. No request is made: the first
    /// [`Session::access_token`] refreshes.
    pub async fn resume(&self, account: &Account) -> Result<Session> {
        if account.server != normalize_server(&self.inner.server)
            || account.client_id != self.inner.client_id
        {
            return Err(ClientError::invalid_input(
                "the account belongs to another server or program",
            ));
        }
        match self.inner.store.load_async(&account.key()).await? {
            Some(_) => Ok(Session::new(self.clone(), account.clone(), None)),
            None => Err(ClientError::new(
                ErrorKind::SignInRequired,
                "no sign-in is stored for the account",
            )),
        }
    }

    fn authorization_params(
        &self,
        request: &AuthorizationRequest,
        redirect_uri: &Url,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("response_type", "code".to_owned()),
            ("client_id", self.inner.client_id.clone()),
            ("redirect_uri", redirect_uri.to_string()),
            ("code_challenge", request.challenge()),
            ("code_challenge_method", "S256".to_owned()),
            ("scope", SCOPE.to_owned()),
            ("state", request.state.clone()),
        ]
    }

    fn authorization_url(
        &self,
        metadata: &ServerMetadata,
        request: &AuthorizationRequest,
        redirect_uri: &Url,
    ) -> Url {
        let mut url = metadata.authorization_endpoint.clone();
        url.query_pairs_mut()
            .extend_pairs(self.authorization_params(request, redirect_uri));
        url
    }

    /// Steps after the redirect: check it, exchange the code, learn who signed in, store the
    /// refresh token.
    async fn finish(
        &self,
        metadata: &ServerMetadata,
        request: &AuthorizationRequest,
        redirect_uri: &Url,
        callback: Callback,
    ) -> Result<Session> {
        match &callback.iss {
            Some(iss) if *iss != metadata.issuer => {
                return Err(ClientError::new(
                    ErrorKind::SignInFailed,
                    "the sign-in answer came from another issuer than the server",
                ));
            }
            None if metadata.authorization_response_iss_parameter_supported => {
                return Err(ClientError::new(
                    ErrorKind::SignInFailed,
                    "the sign-in answer does not name its issuer",
                ));
            }
            _ => {}
        }
        let form = [
            ("grant_type", "authorization_code"),
            ("code", callback.code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", &self.inner.client_id),
            ("code_verifier", request.verifier.expose()),
        ];
        let tokens = match self.token_request(metadata, &form).await? {
            Ok(tokens) => tokens,
            Err(error) => {
                return Err(ClientError::new(
                    ErrorKind::SignInFailed,
                    format!("the server refused the sign-in code ({error})"),
                ));
            }
        };
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            return Err(ClientError::protocol("the server gave no refresh token"));
        };
        let access = AccessToken::from_response(&tokens)?;
        let user = self.userinfo(metadata, &access.token).await?;
        if user.sub.is_empty() || user.sub.len() > 256 {
            return Err(ClientError::protocol("the server named no valid account"));
        }
        let account = Account {
            server: normalize_server(&self.inner.server),
            client_id: self.inner.client_id.clone(),
            id: user.sub,
            name: user.name.chars().take(256).collect(),
        };
        self.inner
            .store
            .save_async(&account.key(), &Secret::new(refresh_token))
            .await?;
        tracing::info!(client_id = %self.inner.client_id, "signed in");
        Ok(Session::new(self.clone(), account, Some(access)))
    }

    /// Posts a token request: `Ok(Ok(tokens))`, `Ok(Err(oauth error code))` for an error
    /// answer of the server, `Err` when there was no usable answer.
    async fn token_request(
        &self,
        metadata: &ServerMetadata,
        form: &[(&str, &str)],
    ) -> Result<std::result::Result<TokenResponse, String>> {
        let what = "asking the server for tokens";
        let response = self
            .inner
            .http
            .post(metadata.token_endpoint.clone())
            .form(form)
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        let status = response.status();
        let body = read_limited(response, MAX_OAUTH_BYTES, what).await?;
        if status.is_success() {
            let tokens: TokenResponse = serde_json::from_slice(&body)
                .map_err(|_| ClientError::protocol(format!("{what}: not a token answer")))?;
            return Ok(Ok(tokens));
        }
        if status.is_client_error()
            && let Ok(error) = serde_json::from_slice::<OAuthErrorBody>(&body)
        {
            return Ok(Err(printable(&error.error)));
        }
        Err(ClientError::new(
            ErrorKind::Server,
            format!("{what}: the server answered {status}"),
        ))
    }

    async fn userinfo(&self, metadata: &ServerMetadata, access: &Secret) -> Result<UserInfo> {
        let what = "asking the server who signed in";
        let response = self
            .inner
            .http
            .get(metadata.userinfo_endpoint.clone())
            .bearer_auth(access.expose())
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        if !response.status().is_success() {
            return Err(ClientError::new(
                ErrorKind::SignInFailed,
                format!("{what}: the server answered {}", response.status()),
            ));
        }
        let body = read_limited(response, MAX_OAUTH_BYTES, what).await?;
        serde_json::from_slice(&body)
            .map_err(|_| ClientError::protocol(format!("{what}: not a userinfo answer")))
    }
}

/// The access token in memory and when it expires.
#[derive(Debug, Clone)]
struct AccessToken {
    token: Secret,
    expires: Instant,
}

impl AccessToken {
    fn from_response(tokens: &TokenResponse) -> Result<Self> {
        if !tokens.token_type.eq_ignore_ascii_case("bearer") {
            return Err(ClientError::protocol(
                "the server gave a token that is not a bearer token",
            ));
        }
        let token = &tokens.access_token;
        if token.is_empty() || token.len() > 4096 || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ClientError::protocol(
                "the server gave an unusable access token",
            ));
        }
        // Without expires_in, assume the shortest lifetime worth having; a 401 refreshes anyway.
        let lifetime = Duration::from_secs(tokens.expires_in.unwrap_or(60).min(24 * 3600));
        Ok(AccessToken {
            token: Secret::new(token.clone()),
            expires: Instant::now() + lifetime,
        })
    }

    fn is_fresh(&self) -> bool {
        Instant::now() + REFRESH_MARGIN < self.expires
    }
}

/// What sign-out did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedOut {
    /// Whether the server confirmed the revocation (false when it could not be reached: the
    /// token is still deleted here, and expires on the server by itself).
    pub revoked: bool,
}

/// A signed-in account: the access token in memory, the refresh token in the secret store.
#[derive(Debug, Clone)]
pub struct Session {
    auth: Authenticator,
    account: Account,
    access: Arc<Mutex<Option<AccessToken>>>,
}

impl Session {
    fn new(auth: Authenticator, account: Account, access: Option<AccessToken>) -> Self {
        Session {
            auth,
            account,
            access: Arc::new(Mutex::new(access)),
        }
    }

    /// Who is signed in.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The server's base URL.
    pub fn server(&self) -> &Url {
        self.auth.server()
    }

    /// The signed-in person's CPR number, asked of the server's userinfo endpoint when a
    /// message from their own mailbox is written (its sender). Held only while the message is
    /// written: never stored, never logged.
    pub(crate) async fn own_cpr(&self) -> Result<Secret> {
        #[derive(Deserialize)]
        struct Cpr {
            #[serde(rename = "https://data.gov.dk/model/core/eid/cprNumber")]
            cpr: String,
        }
        let what = "asking the server for the sender's CPR number";
        let metadata = self.auth.metadata().await?;
        let token = self.access_token().await?;
        let response = self
            .auth
            .inner
            .http
            .get(metadata.userinfo_endpoint.clone())
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| ClientError::http(what, e))?;
        if !response.status().is_success() {
            return Err(ClientError::new(
                ErrorKind::SignInRequired,
                format!("{what}: the server answered {}", response.status()),
            ));
        }
        let body = read_limited(response, MAX_OAUTH_BYTES, what).await?;
        let info: Cpr = serde_json::from_slice(&body)
            .map_err(|_| ClientError::protocol(format!("{what}: no CPR number in the answer")))?;
        Ok(Secret::new(info.cpr))
    }

    /// A current access token, refreshed first when it is missing or about to expire.
    pub async fn access_token(&self) -> Result<Secret> {
        let mut access = self.access.lock().await;
        if let Some(token) = access.as_ref().filter(|t| t.is_fresh()) {
            return Ok(token.token.clone());
        }
        let token = self.refresh_locked().await?;
        let secret = token.token.clone();
        *access = Some(token);
        Ok(secret)
    }

    /// After the server refused `rejected` (401): refreshes, unless another task already did,
    /// and returns the access token to retry with.
    pub async fn access_token_after_rejection(&self, rejected: &Secret) -> Result<Secret> {
        let mut access = self.access.lock().await;
        if let Some(token) = access
            .as_ref()
            .filter(|t| t.token != *rejected && t.is_fresh())
        {
            return Ok(token.token.clone());
        }
        let token = self.refresh_locked().await?;
        let secret = token.token.clone();
        *access = Some(token);
        Ok(secret)
    }

    /// Refreshes now (the caller holds the lock on `access`): the new refresh token is stored
    /// before the new access token is returned.
    async fn refresh_locked(&self) -> Result<AccessToken> {
        let inner = &self.auth.inner;
        let key = self.account.key();
        let Some(refresh_token) = inner.store.load_async(&key).await? else {
            return Err(ClientError::new(
                ErrorKind::SignInRequired,
                "the sign-in is no longer stored on this machine",
            ));
        };
        let metadata = self.auth.metadata().await?;
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &inner.client_id),
        ];
        let tokens = match self.auth.token_request(metadata, &form).await? {
            Ok(tokens) => tokens,
            Err(error) => {
                // The refresh token is spent or revoked (e.g. reuse was detected): it can
                // never work again, so it goes.
                if error == "invalid_grant" {
                    inner.store.delete_async(&key).await?;
                }
                tracing::warn!(%error, "the server refused the refresh token");
                return Err(ClientError::new(
                    ErrorKind::SignInRequired,
                    format!("the server ended the sign-in ({error})"),
                ));
            }
        };
        let access = AccessToken::from_response(&tokens)?;
        if let Some(new_refresh) = tokens.refresh_token {
            inner
                .store
                .save_async(&key, &Secret::new(new_refresh))
                .await?;
        }
        tracing::debug!("access token refreshed");
        Ok(access)
    }

    /// Signs out: asks the server to revoke the refresh token (which ends its access tokens
    /// too), then deletes it from the secret store whatever the server said. Deleting the
    /// cache is the caller's part ([`crate::Client::sign_out`]).
    pub async fn sign_out(&self) -> Result<SignedOut> {
        let inner = &self.auth.inner;
        let key = self.account.key();
        let mut revoked = false;
        if let Some(refresh_token) = inner.store.load_async(&key).await? {
            revoked = self.revoke(&refresh_token).await;
        }
        inner.store.delete_async(&key).await?;
        *self.access.lock().await = None;
        Ok(SignedOut { revoked })
    }

    async fn revoke(&self, refresh_token: &Secret) -> bool {
        let Ok(metadata) = self.auth.metadata().await else {
            return false;
        };
        let Some(endpoint) = metadata.revocation_endpoint.clone() else {
            return false;
        };
        let form = [
            ("token", refresh_token.expose()),
            ("token_type_hint", "refresh_token"),
            ("client_id", &self.auth.inner.client_id),
        ];
        match self.auth.inner.http.post(endpoint).form(&form).send().await {
            Ok(response) => response.status().is_success(),
            Err(error) => {
                tracing::warn!(%error, "the refresh token could not be revoked");
                false
            }
        }
    }
}

/// The secrets of one authorization request: the PKCE verifier and `state`.
struct AuthorizationRequest {
    verifier: Secret,
    state: String,
}

impl AuthorizationRequest {
    fn new() -> Self {
        AuthorizationRequest {
            verifier: Secret::new(random_token(32)),
            state: random_token(16),
        }
    }

    /// The S256 code challenge: base64url(SHA-256(verifier)).
    fn challenge(&self) -> String {
        pkce_challenge(self.verifier.expose())
    }
}

/// The S256 challenge of a PKCE verifier (RFC 7636 §4.2).
pub(crate) fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `bytes` random bytes, base64url: 32 bytes give the 43 characters of a PKCE verifier.
fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

fn join(base: &Url, path: &str) -> Result<Url> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join(path)
        .map_err(|_| ClientError::invalid_input("the server address cannot take a path"))
}

/// Whether `url` is the loopback redirect URI with a query added.
fn same_endpoint(url: &Url, redirect_uri: &Url) -> bool {
    url.scheme() == redirect_uri.scheme()
        && url.host() == redirect_uri.host()
        && url.port() == redirect_uri.port()
        && url.path() == redirect_uri.path()
}

/// An OAuth error code from the server, reduced to printable ASCII for messages.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// What the browser brought back to the loopback listener.
#[derive(Debug)]
struct Callback {
    code: Secret,
    iss: Option<String>,
}

type CallbackResult = Result<Callback>;

/// The loopback listener that receives the authorization response.
struct Loopback {
    redirect_uri: Url,
    result: oneshot::Receiver<CallbackResult>,
    shutdown: Option<oneshot::Sender<()>>,
}

#[derive(Clone)]
struct LoopbackState {
    state: Arc<String>,
    sender: Arc<StdMutex<Option<oneshot::Sender<CallbackResult>>>>,
}

impl Loopback {
    async fn bind(state: String) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| {
                ClientError::new(ErrorKind::SignInFailed, "no loopback port could be opened")
                    .with_source(e)
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| {
                ClientError::new(ErrorKind::SignInFailed, "no loopback port could be opened")
                    .with_source(e)
            })?
            .port();
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{port}{CALLBACK_PATH}"))
            .map_err(|_| ClientError::protocol("the loopback address cannot be written"))?;
        let (sender, result) = oneshot::channel();
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        let app = Router::new()
            .route(CALLBACK_PATH, get(callback))
            .with_state(LoopbackState {
                state: Arc::new(state),
                sender: Arc::new(StdMutex::new(Some(sender))),
            });
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = shutdown_rx.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "the loopback listener failed");
            }
        });
        Ok(Loopback {
            redirect_uri,
            result,
            shutdown: Some(shutdown),
        })
    }

    /// Waits for the redirect with the right `state`.
    async fn wait(&mut self) -> CallbackResult {
        (&mut self.result).await.unwrap_or_else(|_| {
            Err(ClientError::new(
                ErrorKind::SignInFailed,
                "the loopback listener stopped",
            ))
        })
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// `GET /callback`: the authorization response.
async fn callback(State(loopback): State<LoopbackState>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let mut state = None;
    let mut code = None;
    let mut error = None;
    let mut iss = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "iss" => &mut iss,
            _ => continue,
        };
        if slot.is_some() {
            // A repeated parameter is a malformed answer (RFC 6749 §3.1).
            return page(StatusCode::BAD_REQUEST, PAGE_UNKNOWN);
        }
        *slot = Some(value.into_owned());
    }
    if state.as_deref() != Some(loopback.state.as_str()) {
        // Not the answer to our request: refuse it and keep waiting for the right one.
        return page(StatusCode::BAD_REQUEST, PAGE_UNKNOWN);
    }
    let Ok(mut sender) = loopback.sender.lock() else {
        return page(StatusCode::INTERNAL_SERVER_ERROR, PAGE_FAILED);
    };
    let Some(sender) = sender.take() else {
        return page(StatusCode::OK, PAGE_DONE);
    };
    let (result, answer) = match (code, error) {
        (Some(code), None) if !code.is_empty() && code.len() <= 2048 => (
            Ok(Callback {
                code: Secret::new(code),
                iss,
            }),
            page(StatusCode::OK, PAGE_DONE),
        ),
        (_, Some(error)) if error == "access_denied" => (
            Err(ClientError::new(
                ErrorKind::SignInCancelled,
                "the sign-in was cancelled",
            )),
            page(StatusCode::OK, PAGE_CANCELLED),
        ),
        (_, Some(error)) => (
            Err(ClientError::new(
                ErrorKind::SignInFailed,
                format!("the server refused the sign-in ({})", printable(&error)),
            )),
            page(StatusCode::OK, PAGE_FAILED),
        ),
        _ => (
            Err(ClientError::protocol("the sign-in answer has no code")),
            page(StatusCode::BAD_REQUEST, PAGE_FAILED),
        ),
    };
    let _ = sender.send(result);
    answer
}

const PAGE_DONE: (&str, &str) = (
    "Du er logget ind",
    "Du er logget ind — du kan lukke dette vindue.",
);
const PAGE_CANCELLED: (&str, &str) = (
    "Log på afbrudt",
    "Du afbrød log på — du kan lukke dette vindue.",
);
const PAGE_FAILED: (&str, &str) = (
    "Log på mislykkedes",
    "Log på mislykkedes — luk dette vindue og prøv igen i Brevdue.",
);
const PAGE_UNKNOWN: (&str, &str) = (
    "Ukendt log på",
    "Dette svar hører ikke til et log på, som Brevdue venter på. Du kan lukke dette vindue.",
);

/// A small static page in Danish. The texts are constants: nothing from the request is shown.
fn page(status: StatusCode, (title, text): (&str, &str)) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;\
         color:#1a1a1a}}h1{{font-size:1.5rem}}</style></head>\
         <body><h1>{title}</h1><p>{text}</p></body></html>"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_43_unreserved_characters_and_differ() {
        let a = AuthorizationRequest::new();
        let b = AuthorizationRequest::new();
        assert_eq!(a.verifier.expose().len(), 43);
        assert!(
            a.verifier
                .expose()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, b.state);
    }

    #[test]
    fn join_keeps_a_base_path() {
        let base = Url::parse("http://127.0.0.1:9/core").unwrap();
        assert_eq!(
            join(&base, ".well-known/openid-configuration")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9/core/.well-known/openid-configuration"
        );
    }
}
