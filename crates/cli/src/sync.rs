//! `brevdue sync`: send the changes made here, pull every mailbox's changes into the cache,
//! fetch the new messages. A progress bar on a terminal.

use brevdue_client::Client;
use brevdue_client::sync::SyncReport;
use clap::Args;
use serde::Serialize;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output, progress};

/// The arguments of `brevdue sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Print what the sync did as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportJson {
    sent: u64,
    already_applied: u64,
    refused: u64,
    changed: u64,
    deleted: u64,
    fetched: u64,
}

pub(crate) fn run(args: SyncArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let report = sync_with_bar(&client).await?;
        if args.json {
            let json = serde_json::to_string_pretty(&ReportJson {
                sent: report.sent,
                already_applied: report.already_applied,
                refused: report.refused,
                changed: report.changed,
                deleted: report.deleted,
                fetched: report.fetched,
            })
            .map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
        } else {
            output::print(&format!(
                "Synced: {} new or changed, {} removed, {} fetched; {} changes sent.\n",
                report.changed,
                report.deleted,
                report.fetched,
                report.sent + report.already_applied
            ))?;
        }
        Ok(Outcome::Success)
    })
}

/// Syncs once with a progress bar on standard error (when it is a terminal).
pub(crate) async fn sync_with_bar(client: &Client) -> Result<SyncReport, Failure> {
    let bar = progress::bar("Syncing");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<brevdue_client::sync::Progress>(64);
    let shown = bar.clone();
    let show = tokio::spawn(async move {
        while let Some(p) = rx.recv().await {
            shown.set_length(p.total);
            shown.set_position(p.done);
        }
    });
    let result = client.sync(Some(tx)).await;
    let _ = show.await;
    bar.finish_and_clear();
    result.map_err(|e| Failure::Failed(client_error(e)))
}
