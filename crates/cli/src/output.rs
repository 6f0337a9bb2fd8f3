//! Writing to standard output without panicking when the reader goes away.
//!
//! `println!` panics when standard output is a closed pipe (`brevdue memo inspect x | head`);
//! these helpers treat a closed pipe as "nobody wants the rest" and stop quietly instead.

use std::io::{self, Write};

use crate::Failure;

/// Writes `text` to standard output and flushes it.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    with_stdout(|out| out.write_all(text.as_bytes()))
}

/// Runs `f` on a buffered, locked standard output and flushes it; a closed pipe is not an
/// error.
pub(crate) fn with_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Failed(
            anyhow::Error::new(e).context("could not write to standard output"),
        )),
    }
}
