//! `brevdue list`: the messages in the cache, newest first, across mailboxes or in one.

use brevdue_client::cache::{ListQuery, MAX_PAGE_SIZE, MessageListItem};
use chrono::{DateTime, Utc};
use clap::Args;

use crate::session::{ClientArgs, client_error, mailbox_ids, parse_since};
use crate::{Failure, Outcome, output};

/// The arguments of `brevdue list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Only this mailbox (its id, its owner's name or its CVR number); may be repeated.
    #[arg(long, value_name = "MAILBOX")]
    mailbox: Vec<String>,
    /// Only unread messages.
    #[arg(long)]
    unread: bool,
    /// Only messages received on or after this date (2026-01-31) or time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
    /// At most this many messages.
    #[arg(long, value_name = "N", default_value_t = 100)]
    limit: usize,
    /// Print JSON (an array of messages).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: ListArgs) -> Result<Outcome, Failure> {
    crate::session::run(async move {
        let client = args.client.signed_in().await?;
        let mut messages: Vec<MessageListItem> = Vec::new();
        for mailbox_id in mailbox_ids(&client, &args.mailbox).await? {
            let start = messages.len();
            for page in 0.. {
                let query = ListQuery {
                    mailbox_id: mailbox_id.clone(),
                    read: args.unread.then_some(false),
                    page,
                    size: MAX_PAGE_SIZE,
                    ..ListQuery::default()
                };
                let found = client
                    .messages(&query)
                    .await
                    .map_err(|e| Failure::Failed(client_error(e)))?;
                let full = found.len() == MAX_PAGE_SIZE as usize;
                let before = messages.len();
                messages.extend(
                    found
                        .into_iter()
                        .filter(|m| args.since.is_none_or(|since| m.received >= since)),
                );
                // Pages are newest first: a page with anything too old is the last needed.
                let cut = args.since.is_some() && messages.len() - before < MAX_PAGE_SIZE as usize;
                if !full || cut || messages.len() - start >= args.limit {
                    break;
                }
            }
        }
        messages.sort_by(|a, b| b.received.cmp(&a.received).then(a.id.cmp(&b.id)));
        messages.truncate(args.limit);
        if messages.is_empty() && client.mailboxes().await.is_ok_and(|m| m.is_empty()) {
            eprintln!("Nothing in the cache yet: run `brevdue sync`.");
        }
        if args.json {
            let json = serde_json::to_string_pretty(&messages).map_err(anyhow::Error::from)?;
            output::print(&format!("{json}\n"))?;
            return Ok(Outcome::Success);
        }
        output::with_stdout(|out| {
            for m in &messages {
                let flags = format!(
                    "{}{}{}",
                    if m.read { ' ' } else { 'N' },
                    if m.flagged { 'F' } else { ' ' },
                    if m.has_attachments { 'A' } else { ' ' }
                );
                writeln!(
                    out,
                    "{}  {flags}  {:<28}  {}  {}",
                    m.received.format("%Y-%m-%d %H:%M"),
                    output::printable(&truncate(&m.sender, 28)),
                    output::printable(&m.label),
                    m.id
                )?;
            }
            Ok(())
        })?;
        Ok(Outcome::Success)
    })
}

/// At most `n` characters of `text`.
pub(crate) fn truncate(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}
