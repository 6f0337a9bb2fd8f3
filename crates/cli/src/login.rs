//! `brevdue login`: sign in to a core with OAuth 2.0 and PKCE in the system browser. Without
//! a browser the address is printed; the redirect to this machine's loopback port completes
//! the sign-in either way. The refresh token goes to the OS secret store, never to a file.
//!
//! `--demo-identity ID` signs in as one of a demo core's test identities without a browser
//! (only a core started with `serve --demo` or `--test-login` offers them).

use std::time::Duration;

use brevdue_client::{Client, ErrorKind};
use clap::Args;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Sign in as this test identity of a demo core, without a browser.
    #[arg(long, value_name = "ID")]
    demo_identity: Option<String>,
    /// Only print the sign-in address; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
    /// How long to wait for the browser, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
}

pub(crate) fn run(args: LoginArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.open().await?;
        let account = match &args.demo_identity {
            Some(id) => sign_in_demo(&client, id).await?,
            None => client
                .sign_in_with_browser(
                    |url| {
                        show_address(url, !args.no_browser);
                        Ok(())
                    },
                    Duration::from_secs(args.timeout),
                )
                .await
                .map_err(|e| Failure::Failed(client_error(e)))?,
        };
        output::print(&format!(
            "Signed in to {} as {}\n",
            client.config().server,
            output::printable(&account.name)
        ))?;
        Ok(Outcome::Success)
    })
}

async fn sign_in_demo(client: &Client, id: &str) -> Result<brevdue_client::auth::Account, Failure> {
    let identities = match client.demo_identities().await {
        Ok(identities) => identities,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Failure::usage(
                "--demo-identity works only with a demo core (`brevdue serve --demo` or \
                 --test-login); this core has no test identities",
            ));
        }
        Err(e) => return Err(Failure::Failed(client_error(e))),
    };
    if !identities.iter().any(|i| i.id == id) {
        let known: Vec<_> = identities.iter().map(|i| i.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "no demo identity {id:?}; the core has: {}",
            known.join(", ")
        )));
    }
    client
        .sign_in_demo(id)
        .await
        .map_err(|e| Failure::Failed(client_error(e)))
}

/// Prints the sign-in address (and how to reach the loopback port from another machine),
/// and opens it in the browser when asked and one can be started.
fn show_address(url: &url::Url, open_browser: bool) {
    eprintln!("To sign in, open this address in a browser:\n\n  {url}\n");
    let port = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .and_then(|(_, v)| url::Url::parse(&v).ok())
        .and_then(|u| u.port());
    if let Some(port) = port {
        eprintln!(
            "The browser returns to this machine on 127.0.0.1:{port}. From a browser on \
             another machine, forward that port first: ssh -L {port}:127.0.0.1:{port} THIS-HOST\n"
        );
    }
    if open_browser && let Err(error) = open::that_detached(url.as_str()) {
        eprintln!("(no browser could be opened: {error})");
    }
    eprintln!("Waiting for the sign-in to complete...");
}
