//! `brevdue memo extract`: each file of a message, decoded, into a folder.
//!
//! Names come from the sender and are hostile: [`DirSink`] makes each one safe (no folders,
//! no `..`, not absolute, no device names) and numbers clashes, and never overwrites a file
//! that is already there. If the message turns out to be broken half-way, the files finished
//! so far stay, the one being written is named as incomplete, and the command fails.

use std::io;
use std::path::{Path, PathBuf};

use brevdue_memo::{DirSink, FileId, FileMeta, Sink};

use crate::{Failure, Outcome, output};

pub(crate) fn run(path: &Path, out: &Path) -> Result<Outcome, Failure> {
    if !out.is_dir() {
        let why = if out.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Failure::usage(format!(
            "the output folder {} {why}; create it first",
            out.display()
        )));
    }
    let input = super::open(path)?;
    let mut sink = Tracking::new(DirSink::new(out));
    let result = brevdue_memo::read(input, &mut sink);
    let complete: Vec<&PathBuf> = sink.complete().collect();
    // The paths of complete files go to standard output, whatever happened next.
    output::with_stdout(|w| {
        for p in &complete {
            writeln!(w, "{}", output::printable(&p.display().to_string()))?;
        }
        Ok(())
    })?;
    match result {
        Ok(_) => Ok(Outcome::Success),
        Err(e) => {
            eprintln!("error: {}", output::printable(&e.to_string()));
            eprintln!("the message is broken: reading stopped at the error above");
            match complete.len() {
                0 => eprintln!("no file was written completely"),
                1 => eprintln!(
                    "1 file was written completely before the error (listed on standard output)"
                ),
                n => eprintln!(
                    "{n} files were written completely before the error (listed on standard output)"
                ),
            }
            if let Some(p) = sink.incomplete() {
                eprintln!(
                    "{} is INCOMPLETE: it holds only the part decoded before the error",
                    output::printable(&p.display().to_string())
                );
            }
            Ok(Outcome::Rejected)
        }
    }
}

/// A [`DirSink`] that also knows which of its files were finished.
#[derive(Debug)]
struct Tracking {
    inner: DirSink,
    /// How many of `inner.written()` have been ended.
    ended: usize,
}

impl Tracking {
    fn new(inner: DirSink) -> Self {
        Self { inner, ended: 0 }
    }

    fn complete(&self) -> impl Iterator<Item = &PathBuf> {
        self.inner.written()[..self.ended].iter().map(|(_, p)| p)
    }

    fn incomplete(&self) -> Option<&PathBuf> {
        self.inner.written().get(self.ended).map(|(_, p)| p)
    }
}

impl Sink for Tracking {
    fn begin(&mut self, id: FileId, meta: FileMeta<'_>) -> io::Result<()> {
        self.inner.begin(id, meta)
    }

    fn write(&mut self, decoded: &[u8]) -> io::Result<()> {
        self.inner.write(decoded)
    }

    fn end(&mut self) -> io::Result<()> {
        self.inner.end()?;
        self.ended = self.inner.written().len();
        Ok(())
    }
}
