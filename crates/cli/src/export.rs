//! `brevdue export`: the mail into a folder as Maildir, mbox or a folder of files per message
//! (`brevdue_client::export`). Syncs first (unless `--no-sync`), so the export is complete;
//! writes only what is not in the folder yet; an interrupted export is completed by running
//! it again.

use std::path::PathBuf;

use brevdue_client::export::{ExportFormat, ExportOptions};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use crate::session::{ClientArgs, client_error, mailbox_ids, parse_since};
use crate::{Failure, Outcome, output, progress};

/// The arguments of `brevdue export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// The folder to export into (made if missing; one folder holds one format).
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// maildir: a Maildir per mailbox; mbox: an mbox file per mailbox; files: a folder per
    /// message with its documents and message.json.
    #[arg(long, value_enum, default_value_t = Format::Maildir)]
    format: Format,
    /// Only this mailbox (its id, its owner's name or its CVR number); may be repeated.
    #[arg(long, value_name = "MAILBOX")]
    mailbox: Vec<String>,
    /// Only messages received on or after this date (2026-01-31) or time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// Export what the cache holds, without syncing first.
    #[arg(long)]
    no_sync: bool,
    /// Print what the export did as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Maildir,
    Mbox,
    Files,
}

pub(crate) fn run(args: ExportArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        if !args.no_sync {
            crate::sync::sync_with_bar(&client).await?;
        }
        let options = ExportOptions {
            to: args.to.clone(),
            format: match args.format {
                Format::Maildir => ExportFormat::Maildir,
                Format::Mbox => ExportFormat::Mbox,
                Format::Files => ExportFormat::Files,
            },
            mailboxes: mailbox_ids(&client, &args.mailbox).await?,
            since: args.since,
        };
        let bar = progress::bar("Exporting");
        let shown = bar.clone();
        let mut on_progress = move |p: brevdue_client::export::ExportProgress| {
            shown.set_length(p.total);
            shown.set_position(p.done);
            if let Some(label) = &p.label {
                shown.set_message(output::printable(label));
            }
        };
        let result = client.export(&options, &mut on_progress).await;
        bar.finish_and_clear();
        let report = result.map_err(|e| Failure::Failed(client_error(e)))?;
        if args.json {
            let json = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
        } else {
            output::print(&format!(
                "Exported {} new messages ({} documents) to {}; {} were there already.\n",
                report.written,
                report.files,
                args.to.display(),
                report.already_exported
            ))?;
            if report.gone > 0 {
                eprintln!(
                    "{} messages were deleted on the server since the last sync and were left out.",
                    report.gone
                );
            }
        }
        Ok(Outcome::Success)
    })
}
