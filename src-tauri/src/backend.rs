//! What the commands work on: one [`brevdue_client::Client`] for one core, and, in demo mode,
//! that core itself, started in this process on a loopback port.
//!
//! Which core: `--server URL`, else the server in the settings file, else the embedded demo
//! core. The embedded core keeps its data in `<data>/demo/core` and the client's cache of it in
//! `<data>/demo/client`; it listens on the same port as last time when it can, so a sign-in
//! survives a restart. A demo world made more than [`DEMO_WORLD_MAX_AGE_DAYS`] ago is made
//! anew (its deadlines would all have passed).
//!
//! The app is "in demo mode" when the core offers the test provider's identities: always for
//! the embedded core, and for a core started with `serve --demo` (the whole-system test).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use brevdue_client::{Client, ClientConfig, auth::CLIENT_ID_DESKTOP};
use brevdue_core::{Config, RunningServer, ServeError, demo};
use chrono::Utc;
use url::Url;

/// After this many days the embedded demo world is made anew.
const DEMO_WORLD_MAX_AGE_DAYS: i64 = 7;
/// How long asking a core whether it is a demo core may take at start.
const DEMO_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The client and the core it talks to.
#[derive(Debug)]
pub(crate) struct Backend {
    pub(crate) client: Client,
    pub(crate) server: Url,
    /// The core offers demo identities (the sign-in screen lists them; the title says Demo).
    pub(crate) demo: bool,
    /// The embedded demo core, running as long as the app does.
    _core: Option<RunningServer>,
}

impl Backend {
    /// Starts the embedded demo core if `server` is `None`, then opens the client (which
    /// resumes the last sign-in from the OS secret store, without the network).
    pub(crate) async fn start(data_dir: &Path, server: Option<Url>) -> anyhow::Result<Arc<Self>> {
        let (core, server, client_dir) = match server {
            Some(server) => (None, server, data_dir.join("client")),
            None => {
                let dir = data_dir.join("demo");
                let core = start_demo_core(&dir).await?;
                let url = Url::parse(core.url()).context("the demo core's address")?;
                (Some(core), url, dir.join("client"))
            }
        };
        let client = Client::open(ClientConfig {
            data_dir: client_dir,
            server: server.clone(),
            client_id: CLIENT_ID_DESKTOP.to_owned(),
        })
        .await
        .context("opening the client")?;
        let demo = core.is_some()
            || matches!(
                tokio::time::timeout(DEMO_PROBE_TIMEOUT, client.demo_identities()).await,
                Ok(Ok(identities)) if !identities.is_empty()
            );
        tracing::info!(%server, demo, embedded = core.is_some(), "backend ready");
        Ok(Arc::new(Backend {
            client,
            server,
            demo,
            _core: core,
        }))
    }
}

/// Starts the embedded core with the demo world in `dir`, making the world anew when it is
/// too old.
async fn start_demo_core(dir: &Path) -> anyhow::Result<RunningServer> {
    let core = listen_demo_core(dir).await?;
    let now = Utc::now();
    let made = demo::seeded_for(&core.state().db).await?;
    if made.is_some_and(|t| (now - t).num_days() > DEMO_WORLD_MAX_AGE_DAYS) {
        tracing::info!("the demo world is old; making it anew");
        core.shutdown().await?;
        for old in [dir.join("core"), dir.join("client")] {
            match std::fs::remove_dir_all(&old) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).context("removing the old demo world"),
            }
        }
        let core = listen_demo_core(dir).await?;
        seed(&core).await?;
        return Ok(core);
    }
    seed(&core).await?;
    Ok(core)
}

async fn seed(core: &RunningServer) -> anyhow::Result<()> {
    let report = demo::seed(core.state(), Utc::now())
        .await
        .context("making the demo world")?;
    if report.seeded {
        tracing::info!(messages = report.messages, "demo world made");
    }
    Ok(())
}

/// Starts the core on the port it had last time, or on a new one when that is taken.
async fn listen_demo_core(dir: &Path) -> anyhow::Result<RunningServer> {
    let port_file = dir.join("port");
    let last: u16 = std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let mut config = Config::new(dir.join("core"));
    config.test_provider = true;
    config.listen = SocketAddr::from(([127, 0, 0, 1], last));
    let core = match brevdue_core::start(config.clone()).await {
        Err(ServeError::Io(error)) if last != 0 => {
            tracing::info!(%error, "the demo core's last port is taken; choosing another");
            config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
            brevdue_core::start(config).await
        }
        other => other,
    }
    .context("starting the demo core")?;
    if core.addr().port() != last {
        std::fs::write(&port_file, core.addr().port().to_string())
            .context("remembering the demo core's port")?;
    }
    Ok(core)
}

/// The folders the app keeps its data and settings in.
#[derive(Debug, Clone)]
pub(crate) struct Folders {
    pub(crate) data: PathBuf,
    pub(crate) config: PathBuf,
}
