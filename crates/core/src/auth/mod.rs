//! Sign-in: an OAuth 2.0 authorization server for Brevdue's native clients and for the
//! systems of authorities, and the [`Caller`] of every API request.
//!
//! # What it does
//! - **People** sign in through a viewing client (`brevdue-desktop`, `brevdue-cli`: public
//!   clients without secrets) with the authorization code flow and PKCE, S256 only (RFC 7636).
//!   The redirect goes to `http://127.0.0.1:{port}/callback` or `http://[::1]:{port}/callback`
//!   on any port (RFC 8252 §7.3). The identity provider is the built-in **test provider**,
//!   standing in for MitID: it lists the persons of the database and signs in whichever is
//!   chosen (`login_hint`), with no proof at all. It is on in demo mode, off otherwise unless
//!   enabled, and never listens beyond loopback ([`check_listen_address`]). Without it the
//!   login page says that no identity provider is configured.
//! - **Systems** (sender and recipient systems of authorities) authenticate with their own
//!   `client_id` and `client_secret` (`client_credentials`), never as people; see
//!   [`systems::register`].
//! - **Tokens** are opaque random strings (32 bytes, base64url). The database keeps only their
//!   SHA-256 hashes, so every core instance sharing it can check any token and a copy of it
//!   grants nothing; no sign-in state lives only in memory. Codes live 60 s and are single-use;
//!   access tokens live 10 minutes; refresh tokens 30 days and rotate on every use: the old one
//!   stops working, and presenting it again revokes the whole sign-in (the newest refresh token
//!   and every access token of it).
//! - **No ID token** is issued. The only clients are public native apps: they could not verify
//!   an HS256 signature without the server's key, and asymmetric signing would need a key pair
//!   and a JWKS endpoint for nothing the clients need. They learn who signed in from
//!   `/oauth/userinfo`, asked with the access token over the connection they already trust.
//!
//! # Endpoints ([`router`])
//! `GET`/`POST /oauth/authorize`, `POST /oauth/token`, `POST /oauth/revoke` (RFC 7009),
//! `GET`/`POST /oauth/userinfo` (`sub`, `name`, and the CPR number in [`CPR_CLAIM`]),
//! `GET /.well-known/openid-configuration`, and with the test provider
//! `GET /oauth/demo-identities` (`[{"id","name","description"}]`; 404 without it).
//! Errors of the token and revocation endpoints follow RFC 6749 §5.2
//! (`{"error": "invalid_grant", "error_description": "…"}`).
//!
//! # Using it in the server
//! ```no_run
//! use axum::{Router, extract::FromRef, routing::get};
//! use brevdue_core::auth::{self, Auth, AuthConfig, Caller};
//!
//! #[derive(Clone, FromRef)]
//! struct AppState {
//!     auth: Auth,
//! }
//!
//! async fn whoami(caller: Caller) -> String {
//!     match caller {
//!         Caller::Person { name, .. } => name,
//!         Caller::System { system_id, .. } => system_id,
//!     }
//! }
//!
//! # async fn start(db: brevdue_core::db::Db) -> Result<(), Box<dyn std::error::Error>> {
//! let addr: std::net::SocketAddr = "127.0.0.1:8080".parse()?;
//! let issuer = url::Url::parse("http://127.0.0.1:8080")?;
//! let auth = Auth::new(db, AuthConfig::new(issuer, true));
//! auth::check_listen_address(auth.config().test_provider, addr)?;
//! let app = Router::new()
//!     .route("/whoami", get(whoami))
//!     .with_state(AppState { auth: auth.clone() })
//!     .merge(auth::router(auth));
//! axum::serve(tokio::net::TcpListener::bind(addr).await?, app).await?;
//! # Ok(())
//! # }
//! ```
//! [`Caller`] is an extractor for any router state `S` with `Auth: FromRef<S>` (derive
//! `FromRef` on the state, or use `Auth` itself as the state). A missing, malformed, expired
//! or revoked token is answered 401 with `WWW-Authenticate: Bearer` before the handler runs.
//! The server should also call [`Auth::purge_expired`] now and then (hourly is plenty).
//!
//! # Rate limits
//! Sign-in attempts and token requests are limited per client address and per identity
//! ([`RateLimits`] in [`AuthConfig`]; a token bucket in memory, see `rate_limit`): over the
//! limit the answer is 429 with `Retry-After`. The client address is the TCP peer, known when
//! the router is served with `into_make_service_with_connect_info::<SocketAddr>()` (the
//! server does); without it all clients count as one.
//!
//! # Not here yet
//! MitID through NemLog-in is a later issue: it replaces the test provider's login page,
//! nothing else.
//!
//! Nothing here logs a token, code, secret, verifier or CPR number; `Debug` of [`Caller`],
//! [`Tokens`] and [`UserInfo`] redacts them.

mod authorize;
mod caller;
mod clients;
mod codes;
mod config;
mod discovery;
mod login_page;
mod params;
mod persons;
mod rate_limit;
mod secrets;
pub mod systems;
mod token_endpoint;
mod tokens;
mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use caller::{AuthError, Caller};
pub use clients::{PUBLIC_CLIENTS, PublicClient, public_client};
pub use config::{
    AuthConfig, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_CODE_TTL, DEFAULT_REFRESH_TOKEN_TTL,
    ListenAddressError, check_listen_address,
};
pub use persons::DemoIdentity;
pub use rate_limit::{RateLimit, RateLimits};
pub use systems::SystemRole;
pub use tokens::Tokens;
pub use userinfo::{CPR_CLAIM, UserInfo};

use crate::db::Db;

/// The largest request body the sign-in endpoints read.
const MAX_BODY: usize = 16 * 1024;

/// Sign-in: the database and the configuration. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Auth {
    db: Db,
    config: Arc<AuthConfig>,
    limiters: Arc<rate_limit::Limiters>,
}

impl Auth {
    /// Sign-in over this database (migrated by [`crate::db::open`]) with this configuration.
    pub fn new(db: Db, config: AuthConfig) -> Self {
        Auth {
            db,
            limiters: Arc::new(rate_limit::Limiters::new(&config.rate_limits)),
            config: Arc::new(config),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Signs a person in without any login: tokens as if `client_id` had completed the
    /// authorization code flow for them. For code inside the server's trust boundary only:
    /// tests, and tools that seed a demo; never reachable over HTTP.
    pub async fn issue_person_tokens(
        &self,
        client_id: &str,
        person_id: &str,
    ) -> Result<Tokens, sqlx::Error> {
        let mut tx = self.db.begin().await?;
        let scope = authorize::SCOPES.join(" ");
        let (_, tokens) = tokens::create_grant(
            &mut tx,
            &self.config,
            client_id,
            tokens::Subject::Person(person_id),
            &scope,
        )
        .await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// Deletes expired codes and tokens and emptied grants; returns how many rows went.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        tokens::purge_expired(&self.db).await
    }
}

/// The sign-in endpoints, with their state applied, ready to be merged into the server's
/// router.
pub fn router(auth: Auth) -> Router {
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::get).post(authorize::post),
        )
        .route("/oauth/token", post(token_endpoint::token))
        .route("/oauth/revoke", post(token_endpoint::revoke))
        .route(
            "/oauth/userinfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route("/oauth/demo-identities", get(authorize::demo_identities))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(auth)
}
