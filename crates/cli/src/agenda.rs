//! `brevdue agenda`: every coming appointment and deadline of every mailbox the account sees,
//! from the cache; as text, JSON, or an iCalendar file (`--ics FILE`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use brevdue_client::Client;
use chrono::{Duration, Utc};
use clap::Args;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// How far ahead "coming" reaches.
pub(crate) const AHEAD_DAYS: i64 = 5 * 366;

/// The arguments of `brevdue agenda`.
#[derive(Debug, Args)]
pub(crate) struct AgendaArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Print JSON (an array of appointments and deadlines).
    #[arg(long)]
    json: bool,
    /// Write the agenda as an iCalendar file to FILE (replaced whole).
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,
}

pub(crate) fn run(args: AgendaArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let now = Utc::now();
        let entries = client
            .agenda(now, now + Duration::days(AHEAD_DAYS))
            .await
            .map_err(|e| Failure::Failed(client_error(e)))?;
        if let Some(path) = &args.ics {
            let ics = calendar(&client).await?;
            write_whole(path, ics.as_bytes())
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "Wrote {} appointments and deadlines to {}",
                entries.len(),
                path.display()
            );
        }
        if args.json {
            let json = serde_json::to_string_pretty(&entries).map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
        } else if args.ics.is_none() {
            output::with_stdout(|out| {
                for entry in &entries {
                    writeln!(
                        out,
                        "{}  {:<14}  {}  ({})",
                        entry.item.start.format("%Y-%m-%d %H:%M UTC"),
                        format!("{:?}", entry.item.kind),
                        output::printable(&entry.item.title),
                        output::printable(&entry.item.sender_label)
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(Outcome::Success)
    })
}

/// Every coming appointment and deadline as one iCalendar text.
pub(crate) async fn calendar(client: &Client) -> Result<String, Failure> {
    let now = Utc::now();
    client
        .export_ics(now, now + Duration::days(AHEAD_DAYS))
        .await
        .map_err(|e| Failure::Failed(client_error(e)))
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader
/// (a calendar program) never sees half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "agenda.ics".to_owned());
    let temp = path.with_file_name(format!(".{name}.part"));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path)
}
