//! What `brevdue serve [--demo] [--listen ADDR] [--data DIR] [--database URL]` runs, so that the command line
//! only parses its arguments and calls [`cli_serve`].
//!
//! Without `--demo`: a core on `--listen` (default `127.0.0.1:8080`) with its data in `--data`
//! (default `./brevdue-data`), no test identity provider unless `--test-login` asks for it
//! (then, as with `--demo`, only a loopback address is accepted). With `--demo`: the test identity
//! provider is on (so only a loopback address is accepted), and the demo world is seeded as
//! of now, into a fresh temporary data folder that is removed at exit unless `--data` names
//! one.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::Utc;

use crate::demo;
use crate::server::{Config, RunningServer, ServeError, shutdown_signal, start};

/// The arguments of `brevdue serve`.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// `--listen ADDR`
    pub listen: Option<SocketAddr>,
    /// `--data DIR`
    pub data_dir: Option<PathBuf>,
    /// `--demo`
    pub demo: bool,
    /// `--test-login`: the test identity provider without the demo world (loopback only).
    pub test_login: bool,
    /// `--database URL`: PostgreSQL (`postgres://…`) instead of SQLite in the data folder.
    pub database: Option<String>,
}

/// The address `brevdue serve` listens on by default.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);

/// A server started for `brevdue serve`, with the temporary data folder it may own.
#[derive(Debug)]
pub struct CliServer {
    pub server: RunningServer,
    /// The demo's temporary data folder, removed when this is dropped.
    pub temp_data: Option<tempfile::TempDir>,
    /// Messages the demo seeding routed (0 without `--demo`).
    pub demo_messages: usize,
}

/// Starts what `brevdue serve` asks for and returns at once (seeded, when `--demo`).
pub async fn cli_start(options: ServeOptions) -> Result<CliServer, ServeError> {
    let (data_dir, temp_data) = match (&options.data_dir, options.demo) {
        (Some(dir), _) => (dir.clone(), None),
        (None, true) => {
            let temp = tempfile::Builder::new().prefix("brevdue-demo-").tempdir()?;
            (temp.path().to_path_buf(), Some(temp))
        }
        (None, false) => (PathBuf::from("brevdue-data"), None),
    };
    let mut config = Config::new(data_dir);
    config.listen = options.listen.unwrap_or(DEFAULT_LISTEN);
    config.test_provider = options.demo || options.test_login;
    config.database_url = options.database.clone();
    let server = start(config).await?;
    let mut demo_messages = 0;
    if options.demo {
        let report = demo::seed(server.state(), Utc::now()).await?;
        demo_messages = report.messages;
    }
    Ok(CliServer {
        server,
        temp_data,
        demo_messages,
    })
}

/// Runs `brevdue serve`: starts, prints the URL, and stops gracefully on Ctrl-C or SIGTERM.
pub async fn cli_serve(options: ServeOptions) -> Result<(), ServeError> {
    let demo = options.demo;
    let running = cli_start(options).await?;
    println!("Brevdue core: {}", running.server.url());
    if demo {
        println!(
            "Demo world: {} messages; sign in at {}/oauth/demo-identities",
            running.demo_messages,
            running.server.url()
        );
    }
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.server.shutdown().await?;
    drop(running.temp_data);
    Ok(())
}
