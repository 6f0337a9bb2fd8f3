//! `brevdue`: the command line of Brevdue.
//!
//! One module per command: `brevdue memo ...` (MeMo tools), `brevdue serve` (the core routing
//! backend), and the viewing client on top of `brevdue-client`, sharing the desktop app's
//! folders (`session`): `login`, `logout`, `mailboxes`, `sync`, `list`, `show`, `agenda`,
//! `export` and `serve-calendar`. Every command runs to an [`Outcome`] or a [`Failure`], and
//! this file alone turns those into text on standard error and the exit code:
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | the input is a bad or invalid message, or the work failed part-way |
//! | 2 | wrong usage: bad arguments (clap), an input that cannot be opened, a missing folder |

mod agenda;
mod calendar;
mod export;
mod list;
mod login;
mod logout;
mod mailboxes;
mod memo;
mod output;
mod progress;
mod serve;
mod session;
mod show;
mod sync;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Brevdue: a viewing client for Danish Digital Post, and its tools.
#[derive(Debug, Parser)]
#[command(name = "brevdue", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Look into, check and unpack MeMo messages (the message format of Digital Post).
    #[command(subcommand)]
    Memo(memo::MemoCommand),
    /// Run the core routing backend (with --demo: the fictional demo world).
    Serve(serve::ServeArgs),
    /// Sign in to a core (in the system browser; the address is printed too).
    Login(login::LoginArgs),
    /// Sign out, and delete the cache of the account.
    Logout(logout::LogoutArgs),
    /// List the mailboxes the account may use.
    Mailboxes(mailboxes::MailboxesArgs),
    /// Fetch what is new, and send the changes made here.
    Sync(sync::SyncArgs),
    /// List messages from the cache, newest first.
    List(list::ListArgs),
    /// Show one message.
    Show(show::ShowArgs),
    /// List the coming appointments and deadlines, or write them as an iCalendar file.
    Agenda(agenda::AgendaArgs),
    /// Export the mail into a folder as Maildir, mbox or files; only what is new.
    Export(export::ExportArgs),
    /// Serve the coming appointments and deadlines as a calendar feed on this machine.
    ServeCalendar(calendar::ServeCalendarArgs),
}

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything was fine.
    Success,
    /// The command did its work and found the input wanting (e.g. an invalid message); it
    /// has already said so.
    Rejected,
}

/// Why a command stopped.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line asks for something impossible (exit 2).
    Usage(anyhow::Error),
    /// The input is bad or the work failed (exit 1).
    Failed(anyhow::Error),
}

impl Failure {
    pub(crate) fn usage(message: impl std::fmt::Display) -> Self {
        Self::Usage(anyhow::anyhow!("{message}"))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self::Failed(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Memo(command) => memo::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Login(args) => login::run(args),
        Command::Logout(args) => logout::run(args),
        Command::Mailboxes(args) => mailboxes::run(args),
        Command::Sync(args) => sync::run(args),
        Command::List(args) => list::run(args),
        Command::Show(args) => show::run(args),
        Command::Agenda(args) => agenda::run(args),
        Command::Export(args) => export::run(args),
        Command::ServeCalendar(args) => calendar::run(args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Rejected) => ExitCode::from(1),
        Err(Failure::Failed(e)) => {
            eprintln!("error: {}", output::printable(&format!("{e:#}")));
            ExitCode::from(1)
        }
        Err(Failure::Usage(e)) => {
            eprintln!("error: {}", output::printable(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}
