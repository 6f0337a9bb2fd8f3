//! `brevdue mailboxes`: the mailboxes the account may use, with their unread and total
//! counts, from the cache.

use brevdue_api::Mailbox;
use brevdue_client::cache::FolderView;
use clap::Args;
use serde::Serialize;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue mailboxes`.
#[derive(Debug, Args)]
pub(crate) struct MailboxesArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Print JSON (an array of mailboxes with their folders).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MailboxJson {
    #[serde(flatten)]
    mailbox: Mailbox,
    unread_count: u64,
    total_count: u64,
    folders: Vec<FolderView>,
}

pub(crate) fn run(args: MailboxesArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let failed = |e| Failure::Failed(client_error(e));
        let mut list = Vec::new();
        for mailbox in client.mailboxes().await.map_err(failed)? {
            let folders = client.folders(&mailbox.id).await.map_err(failed)?;
            list.push(MailboxJson {
                unread_count: folders.iter().map(|f| f.unread_count).sum(),
                total_count: folders.iter().map(|f| f.total_count).sum(),
                mailbox,
                folders,
            });
        }
        if args.json {
            let json = serde_json::to_string_pretty(&list).map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
            return Ok(Outcome::Success);
        }
        if list.is_empty() {
            eprintln!("No mailboxes in the cache yet: run `brevdue sync`.");
        }
        output::with_stdout(|out| {
            for m in &list {
                writeln!(
                    out,
                    "{}  {:<12}  {}  ({} unread of {})",
                    m.mailbox.id,
                    format!("{:?}", m.mailbox.access.access_type),
                    output::printable(&m.mailbox.owner_name),
                    m.unread_count,
                    m.total_count
                )?;
            }
            Ok(())
        })?;
        Ok(Outcome::Success)
    })
}
