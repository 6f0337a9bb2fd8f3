//! What the viewing-client commands share: which core, which folders, the client itself, a
//! runtime and quiet logs.
//!
//! The folders are the desktop app's ([`brevdue_client::paths::AppFolders`]), so the command
//! line finds the same list of accounts and keeps its cache beside the app's; `--data-dir`
//! puts everything in one folder instead (as the app's own `--data-dir` does). The core is
//! `--server`, else the one last signed in to from the command line, else the one chosen in
//! the desktop app's settings.
//!
//! The command line signs in as its own OAuth client (`brevdue-cli`), with its own refresh
//! token and cache: two programs that shared one rotating refresh token would, when both
//! refresh at once, make the server see a reuse and end both sign-ins.

use std::future::Future;
use std::path::PathBuf;

use anyhow::Context as _;
use brevdue_client::auth::CLIENT_ID_CLI;
use brevdue_client::paths::AppFolders;
use brevdue_client::{Client, ClientConfig, ErrorKind};
use clap::Args;
use url::Url;

use crate::Failure;

/// The options every viewing-client command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct ClientArgs {
    /// The core's address (default: the one last signed in to with `brevdue login`, else the
    /// desktop app's server setting).
    #[arg(long, value_name = "URL")]
    pub(crate) server: Option<Url>,
    /// Keep the accounts, cache and settings in DIR instead of the user's Brevdue folders
    /// (the desktop app's --data-dir).
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
}

impl ClientArgs {
    /// The folders to use.
    pub(crate) fn folders(&self) -> Result<AppFolders, Failure> {
        match &self.data_dir {
            Some(dir) => Ok(AppFolders::in_dir(dir)),
            None => AppFolders::for_user().map_err(|e| Failure::usage(e.message())),
        }
    }

    /// Opens the client of the chosen core (resuming its sign-in, without the network).
    pub(crate) async fn open(&self) -> Result<Client, Failure> {
        let folders = self.folders()?;
        let data_dir = folders.client_data();
        let server = match &self.server {
            Some(server) => server.clone(),
            None => Client::accounts_in(&data_dir)
                .await
                .ok()
                .and_then(|accounts| {
                    accounts
                        .into_iter()
                        .find(|a| a.client_id == CLIENT_ID_CLI)
                        .and_then(|a| Url::parse(&a.server).ok())
                })
                .or_else(|| folders.configured_server())
                .ok_or_else(|| {
                    Failure::usage(
                        "which core? give --server URL (`brevdue login --server URL` \
                         remembers it)",
                    )
                })?,
        };
        Client::open(ClientConfig {
            data_dir,
            server,
            client_id: CLIENT_ID_CLI.to_owned(),
        })
        .await
        .map_err(|e| Failure::Failed(client_error(e)))
    }

    /// Opens the client and checks that somebody is signed in.
    pub(crate) async fn signed_in(&self) -> Result<Client, Failure> {
        let client = self.open().await?;
        if client.account().await.is_none() {
            return Err(Failure::Failed(anyhow::anyhow!(
                "not signed in to {}: run `brevdue login`",
                client.config().server
            )));
        }
        Ok(client)
    }
}

/// A client error with what the user can do about it.
pub(crate) fn client_error(error: brevdue_client::ClientError) -> anyhow::Error {
    let hint = match error.kind() {
        ErrorKind::SignInRequired => " (run `brevdue login`)",
        ErrorKind::Offline => " (the core cannot be reached; try again later)",
        ErrorKind::SecretStore => {
            " (the system's secret store, e.g. GNOME Keyring or KWallet, is needed to stay \
             signed in)"
        }
        _ => "",
    };
    anyhow::anyhow!("{}{hint}", error.message())
}

/// Runs `work` on a new runtime, with warnings and errors logged to standard error
/// (`RUST_LOG` changes that).
pub(crate) fn run<T>(work: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the runtime")?;
    runtime.block_on(work)
}

/// A date (`2026-01-31`, the start of that day in UTC) or a time (RFC 3339).
pub(crate) fn parse_since(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{text:?} is neither a date (2026-01-31) nor a time (RFC 3339)"))
}

/// The ids of the mailboxes named by `wanted` (each an id, an owner's name or a CVR number);
/// every mailbox when `wanted` is empty.
pub(crate) async fn mailbox_ids(
    client: &Client,
    wanted: &[String],
) -> Result<Vec<String>, Failure> {
    let mailboxes = client
        .mailboxes()
        .await
        .map_err(|e| Failure::Failed(client_error(e)))?;
    if wanted.is_empty() {
        return Ok(mailboxes.into_iter().map(|m| m.id).collect());
    }
    let mut ids = Vec::new();
    for name in wanted {
        let found: Vec<_> = mailboxes
            .iter()
            .filter(|m| {
                m.id == *name
                    || m.owner_name.eq_ignore_ascii_case(name)
                    || m.cvr.as_deref() == Some(name.as_str())
            })
            .collect();
        match found.as_slice() {
            [one] => ids.push(one.id.clone()),
            [] => {
                return Err(Failure::usage(format!(
                    "no mailbox {name:?} (see `brevdue mailboxes`; run `brevdue sync` first if \
                     it is empty)"
                )));
            }
            _ => {
                return Err(Failure::usage(format!(
                    "{name:?} names several mailboxes; give its id (see `brevdue mailboxes`)"
                )));
            }
        }
    }
    Ok(ids)
}
