//! `brevdue logout`: end the sign-in on the server, delete the refresh token from the secret
//! store and the account's cache.

use clap::Args;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue logout`.
#[derive(Debug, Args)]
pub(crate) struct LogoutArgs {
    #[command(flatten)]
    client: ClientArgs,
}

pub(crate) fn run(args: LogoutArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let signed_out = client
            .sign_out()
            .await
            .map_err(|e| Failure::Failed(client_error(e)))?;
        output::print(if signed_out.revoked {
            "Signed out; the server ended the sign-in and the cache is deleted.\n"
        } else {
            "Signed out here and the cache is deleted; the server could not be told (the \
             sign-in expires there by itself).\n"
        })?;
        Ok(Outcome::Success)
    })
}
