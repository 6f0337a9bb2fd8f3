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

/// `text` with control characters (escape sequences, carriage returns, ...) and bidi
/// overrides written as `\u{..}`, so that text taken from a hostile message cannot rewrite
/// the user's terminal when it appears in an error or a listing.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(printable("x\r\ny"), "x\\u{d}\\u{a}y");
        assert_eq!(printable("fak\u{202E}fdp.exe"), "fak\\u{202e}fdp.exe");
        assert_eq!(printable("Årsopgørelse æøå"), "Årsopgørelse æøå");
    }
}
