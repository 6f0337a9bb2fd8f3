//! `brevdue show ID`: one message, from the cache (fetched first when only its summary is
//! cached): who sent it, its text, its documents and files, what it asks of the reader.

use clap::Args;

use crate::session::{ClientArgs, client_error};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// The message's id (see `brevdue list`).
    id: String,
    /// Print JSON (the message with its MeMo model and agenda).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: ShowArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let message = client
            .message(&args.id)
            .await
            .map_err(|e| Failure::Failed(client_error(e)))?;
        if args.json {
            let json = serde_json::to_string_pretty(&message).map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
            return Ok(Outcome::Success);
        }
        let p = |text: &str| output::printable(text);
        let item = &message.item;
        let mut lines = vec![
            format!("Subject:  {}", p(&item.label)),
            format!("From:     {}", p(&item.sender)),
            format!("Received: {}", item.received.format("%Y-%m-%d %H:%M UTC")),
            format!(
                "State:    {}{}",
                if item.read { "read" } else { "unread" },
                if item.flagged { ", flagged" } else { "" }
            ),
        ];
        if let Some(detail) = &message.detail {
            let memo = &detail.memo;
            for note in [&memo.notification, &memo.additional_notification]
                .into_iter()
                .flatten()
            {
                lines.push(String::new());
                lines.extend(note.lines().map(p));
            }
            if !memo.documents.is_empty() {
                lines.push(String::new());
                lines.push("Documents:".to_owned());
            }
            for (d, document) in memo.documents.iter().enumerate() {
                lines.push(format!(
                    "  {d}. {} ({:?})",
                    p(document.label.as_deref().unwrap_or("")),
                    document.kind
                ));
                for (f, file) in document.files.iter().enumerate() {
                    lines.push(format!(
                        "     {d}.{f} {}  {}  {} bytes",
                        p(&brevdue_memo::safe_name::safe_file_name(&file.filename)),
                        p(&file.encoding_format),
                        file.size
                    ));
                }
            }
            let actions: Vec<_> = memo.actions().collect();
            if !actions.is_empty() {
                lines.push(String::new());
                lines.push("Actions:".to_owned());
                for action in actions {
                    let mut line = format!("  - {}", p(&action.label));
                    if let Some(end) = action.end_date_time {
                        line.push_str(&format!(" (by {})", end.format("%Y-%m-%d %H:%M UTC")));
                    }
                    if let Some(url) = &action.entry_point {
                        line.push_str(&format!(": {}", p(url)));
                    }
                    lines.push(line);
                }
            }
        }
        if !message.agenda.is_empty() {
            lines.push(String::new());
            lines.push("Agenda:".to_owned());
            for entry in &message.agenda {
                lines.push(format!(
                    "  {}  {:?}  {}",
                    entry.start.format("%Y-%m-%d %H:%M UTC"),
                    entry.kind,
                    p(&entry.title)
                ));
            }
        }
        lines.push(String::new());
        output::print(&lines.join("\n"))?;
        Ok(Outcome::Success)
    })
}
