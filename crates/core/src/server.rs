//! Starting and stopping the server: [`Config`], [`start`] (embeddable, returns a
//! [`RunningServer`]), [`serve`] (runs until Ctrl-C or SIGTERM), the router, `/healthz`, and the
//! periodic task that releases value-dated messages.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::trace::TraceLayer;

use crate::auth::{self, Auth, AuthConfig, Caller};
use crate::blobs::BlobStore;
use crate::clock::Clock;
use crate::db;
use crate::state::AppState;
use crate::{api_routes, openapi, release};

/// How to run a core.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the blob store lives, and the SQLite database unless `database_url` is set.
    pub data_dir: PathBuf,
    /// The database, as a URL (`postgres://user@host/db`); `None`: SQLite in `data_dir`.
    /// Several cores may share one PostgreSQL database (and one file store).
    pub database_url: Option<String>,
    /// The address to listen on; port 0 lets the OS choose.
    pub listen: SocketAddr,
    pub clock: Clock,
    /// How often value-dated messages are released (they are also released before listing).
    pub release_interval: Duration,
    /// The largest MeMo accepted, in bytes.
    pub max_memo_bytes: u64,
    /// The built-in test identity provider (anyone signs in as anyone): for demos and tests,
    /// and only on a loopback address.
    pub test_provider: bool,
    /// The public base URL (the OAuth issuer); `None`: the address it listens on.
    pub public_url: Option<url::Url>,
    /// How long an access token lives (10 minutes by default); a client refreshes after that.
    pub access_token_ttl: Duration,
    /// Rate limits of sign-in and the token endpoint, per client address and identity.
    pub rate_limits: auth::RateLimits,
}

impl Config {
    /// A core on a loopback port the OS chooses, with its data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            clock: Clock::system(),
            release_interval: Duration::from_secs(30),
            max_memo_bytes: brevdue_memo::MAX_MESSAGE_BYTES,
            test_provider: false,
            public_url: None,
            access_token_ttl: auth::DEFAULT_ACCESS_TOKEN_TTL,
            rate_limits: auth::RateLimits::default(),
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not open the database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the server task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error(transparent)]
    ListenAddress(#[from] auth::ListenAddressError),
    #[error("the public URL is not valid: {0}")]
    Url(#[from] url::ParseError),
    #[error("seeding the demo world failed: {0}")]
    Demo(#[from] crate::demo::SeedError),
}

/// A server started by [`start`].
#[derive(Debug)]
pub struct RunningServer {
    url: String,
    addr: SocketAddr,
    state: AppState,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    releaser: JoinHandle<()>,
}

impl RunningServer {
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The state the server runs with (its database, clock and sign-in).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops taking connections, lets requests in flight finish, and closes the database.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        let _ = self.stop.send(true);
        let served = self.server.await?;
        self.releaser.abort();
        let _ = self.releaser.await;
        self.state.db.close().await;
        served?;
        Ok(())
    }
}

/// Opens the data folder and builds the state a server runs with; `issuer` is its public base
/// URL.
pub async fn open_state(config: &Config, issuer: url::Url) -> Result<AppState, ServeError> {
    let db = match &config.database_url {
        Some(url) => db::open_url(url).await.map_err(sqlx::Error::from)?,
        None => db::open(&config.data_dir).await?,
    };
    let mut auth_config = AuthConfig::new(issuer, config.test_provider);
    auth_config.access_token_ttl = config.access_token_ttl;
    auth_config.rate_limits = config.rate_limits;
    let blobs = BlobStore::open(&config.data_dir.join("blobs"), &config.data_dir.join("tmp"))?;
    Ok(AppState {
        auth: Auth::new(db.clone(), auth_config),
        db,
        blobs,
        clock: config.clock.clone(),
        max_memo_bytes: config.max_memo_bytes,
        data_dir: config.data_dir.clone(),
    })
}

/// The whole HTTP application for `state`: the API, sign-in, health and the OpenAPI document.
pub fn router(state: AppState) -> Router {
    let auth = state.auth.clone();
    Router::<AppState>::new()
        .route("/healthz", get(healthz))
        .route("/apis/v1/openapi.json", get(openapi::document))
        .merge(api_routes())
        .with_state(state.clone())
        .merge(auth::router(auth.clone()))
        .merge(
            crate::contacts::router(state.db.clone())
                .layer(middleware::from_fn_with_state(auth, caller_authority)),
        )
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The route's pattern, never the path or query itself (ids, search text).
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            tracing::info_span!("request", method = %req.method(), route)
        }))
}

/// Tells the contacts routes which authority a system acts for (the contact structure import
/// needs it); a request without a system's valid token gets no authority.
async fn caller_authority(State(auth): State<Auth>, mut request: Request, next: Next) -> Response {
    if request
        .headers()
        .contains_key(axum::http::header::AUTHORIZATION)
        && let Ok(Caller::System { authority_id, .. }) = auth.authenticate(request.headers()).await
    {
        request
            .extensions_mut()
            .insert(crate::contacts::CallerAuthority(authority_id));
    }
    next.run(request).await
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Starts a server on `config.listen` and returns at once; see [`RunningServer`]. Seed data
/// (a demo world) through [`RunningServer::state`] after it has started.
pub async fn start(config: Config) -> Result<RunningServer, ServeError> {
    auth::check_listen_address(config.test_provider, config.listen)?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let issuer = match &config.public_url {
        Some(u) => u.clone(),
        None => url::Url::parse(&url)?,
    };
    let state = open_state(&config, issuer).await?;
    let (stop, stopped) = watch::channel(false);
    let app = router(state.clone());
    let mut stop_signal = stopped.clone();
    let server = tokio::spawn(async move {
        // With the peer's address, for the rate limits of sign-in.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop_signal.wait_for(|s| *s).await;
        })
        .await
    });
    let releaser = tokio::spawn(release::periodically(
        state.clone(),
        config.release_interval,
        stopped,
    ));
    tracing::info!(%addr, "brevdue core listening");
    Ok(RunningServer {
        url,
        addr,
        state,
        stop,
        server,
        releaser,
    })
}

/// Runs a server until Ctrl-C or SIGTERM, then shuts it down gracefully.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let running = start(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
