//! `brevdue serve`: the core routing backend, in the foreground until Ctrl-C or SIGTERM.
//!
//! All the work is in `brevdue_core::cli_serve`; this module parses the arguments, sets up
//! structured logs (`RUST_LOG` filters them; `BREVDUE_LOG=json` writes JSON lines) and a
//! tokio runtime.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use tracing_subscriber::EnvFilter;

use crate::{Failure, Outcome};

/// The arguments of `brevdue serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Fill the core with the fictional demo world and turn on the demo sign-in
    /// (only on a loopback address).
    #[arg(long)]
    demo: bool,
    /// Turn on the test identity provider (login_hint sign-in) without the demo world;
    /// refused on an address other than loopback.
    #[arg(long)]
    test_login: bool,
    /// The address to listen on (default 127.0.0.1:8080; port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// The data folder: the SQLite database and the file store (default ./brevdue-data;
    /// with --demo a temporary folder removed at exit).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The database as a URL, e.g. postgres://brevdue@localhost/brevdue (default: SQLite in
    /// the data folder). Several cores may serve from one PostgreSQL database.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

pub(crate) fn run(args: ServeArgs) -> Result<Outcome, Failure> {
    init_logs();
    let runtime = tokio::runtime::Runtime::new().context("could not start the runtime")?;
    let options = brevdue_core::ServeOptions {
        listen: args.listen,
        data_dir: args.data,
        demo: args.demo,
        test_login: args.test_login,
        database: args.database,
    };
    runtime
        .block_on(brevdue_core::cli_serve(options))
        .context("the core stopped")?;
    Ok(Outcome::Success)
}

fn init_logs() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("BREVDUE_LOG").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
