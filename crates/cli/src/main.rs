//! `brevdue`: the command line of Brevdue.
//!
//! One subcommand group per domain, each in its own module: `brevdue memo ...` (MeMo tools)
//! and `brevdue serve` (the core routing backend); `brevdue login` and the other viewing-client
//! commands are to follow as further variants of [`Command`]. Every group runs to an [`Outcome`] or an [`Failure`], and this file alone
//! turns those into text on standard error and the exit code:
//!
//! | exit | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | the input is a bad or invalid message, or the work failed part-way |
//! | 2 | wrong usage: bad arguments (clap), an input that cannot be opened, a missing folder |

mod memo;
mod output;
mod serve;

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
