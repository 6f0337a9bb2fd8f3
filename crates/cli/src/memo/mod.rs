//! `brevdue memo ...`: look into, check and unpack MeMo messages.
//!
//! Each subcommand reads one message from a file or standard input (`-`) and streams it:
//! file contents are decoded as they are read and never held whole, so a 99.5 MB message
//! needs no more memory than a small one.

mod extract;
mod inspect;

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::{Failure, Outcome, output};

#[derive(Debug, Subcommand)]
pub(crate) enum MemoCommand {
    /// Print what a message says as one JSON object: header, documents, files (size and
    /// SHA-256 of the decoded bytes), actions and the agenda.
    Inspect {
        /// The MeMo file, or - for standard input.
        file: PathBuf,
    },
    /// Check a message strictly against the MeMo schemas (1.0, 1.1 or 1.2) and list every
    /// violation as LINE:COL: message.
    Validate {
        /// The MeMo file, or - for standard input.
        file: PathBuf,
    },
    /// Print the message's appointments and deadlines as an iCalendar file.
    Ics {
        /// The MeMo file, or - for standard input.
        file: PathBuf,
    },
    /// Write each file the message carries into a folder, under a safe name, and print the
    /// paths written.
    Extract {
        /// The MeMo file, or - for standard input.
        file: PathBuf,
        /// The folder to write into; it must exist. Existing files are never overwritten.
        #[arg(long, short)]
        out: PathBuf,
    },
}

pub(crate) fn run(command: MemoCommand) -> Result<Outcome, Failure> {
    match command {
        MemoCommand::Inspect { file } => inspect::run(&file),
        MemoCommand::Validate { file } => validate(&file),
        MemoCommand::Ics { file } => ics(&file),
        MemoCommand::Extract { file, out } => extract::run(&file, &out),
    }
}

/// Opens `path` for reading, or standard input for `-`. An input that cannot be opened is a
/// usage error: the message was never seen.
pub(crate) fn open(path: &Path) -> Result<Box<dyn Read>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    if path.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a folder, not a MeMo file",
            path.display()
        )));
    }
    match std::fs::File::open(path) {
        Ok(f) => Ok(Box::new(f)),
        Err(e) => Err(Failure::usage(format!(
            "cannot open {}: {e}",
            path.display()
        ))),
    }
}

/// A message that could not be read: its error says what and where (`line 3, column 5: ...`).
pub(crate) fn bad_message(e: &brevdue_memo::Error) -> Failure {
    // Only the error's own text: it already includes its cause.
    Failure::Failed(anyhow::anyhow!("{e}"))
}

fn validate(path: &Path) -> Result<Outcome, Failure> {
    let input = open(path)?;
    let violations = brevdue_memo::validate(input).map_err(|e| bad_message(&e))?;
    if violations.is_empty() {
        output::print("valid: the message follows the MeMo schema\n")?;
        return Ok(Outcome::Success);
    }
    output::with_stdout(|out| {
        for v in &violations {
            writeln!(out, "{}", output::printable(&v.to_string()))?;
        }
        Ok(())
    })?;
    let n = violations.len();
    eprintln!(
        "invalid: {n} violation{} of the MeMo schema",
        if n == 1 { "" } else { "s" }
    );
    Ok(Outcome::Rejected)
}

fn ics(path: &Path) -> Result<Outcome, Failure> {
    let input = open(path)?;
    let message =
        brevdue_memo::read(input, &mut brevdue_memo::Discard).map_err(|e| bad_message(&e))?;
    let items = brevdue_memo::agenda(&message);
    if items.is_empty() {
        eprintln!("note: the message has no appointments or deadlines; the calendar is empty");
    }
    output::print(&brevdue_memo::ics::to_ics(&items, chrono::Utc::now()))?;
    Ok(Outcome::Success)
}
