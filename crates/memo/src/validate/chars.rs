//! Character data as it streams in: checked to be UTF-8 when a chunk may end inside a
//! character, and positions within a chunk.

use crate::error::{Error, ErrorKind, Position, Result};

/// The position after `bytes` that start at `pos`, counted as [`crate::xml`] counts.
pub(super) fn advance(mut pos: Position, bytes: &[u8]) -> Position {
    for b in bytes {
        if *b == b'\n' {
            pos.line += 1;
            pos.column = 1;
        } else if b & 0xC0 != 0x80 {
            pos.column += 1;
        }
    }
    pos.offset += bytes.len() as u64;
    pos
}

pub(super) fn not_utf8() -> ErrorKind {
    ErrorKind::Syntax("the text is not valid UTF-8".into())
}

/// Checks that character data is UTF-8 while it arrives in chunks that may split a character.
#[derive(Debug, Default)]
pub(super) struct Utf8 {
    pending: [u8; 4],
    pub(super) len: usize,
    /// Where the pending character starts.
    pub(super) at: Position,
}

impl Utf8 {
    /// Gives `f` the chunk as whole-character pieces, each with its position.
    pub(super) fn feed(
        &mut self,
        pos: Position,
        chunk: &[u8],
        f: &mut dyn FnMut(Position, &str) -> Result<()>,
    ) -> Result<()> {
        let mut rest = chunk;
        let mut pos = pos;
        while self.len > 0 {
            let Some((&b, tail)) = rest.split_first() else {
                return Ok(());
            };
            self.pending[self.len] = b;
            self.len += 1;
            rest = tail;
            pos.offset += 1;
            match std::str::from_utf8(&self.pending[..self.len]) {
                Ok(s) => {
                    f(self.at, s)?;
                    self.len = 0;
                }
                Err(e) if e.error_len().is_some() || self.len == 4 => {
                    return Err(Error::at(not_utf8(), self.at));
                }
                Err(_) => {}
            }
        }
        match std::str::from_utf8(rest) {
            Ok(s) => f(pos, s),
            Err(e) => {
                let valid = e.valid_up_to();
                let (good, bad) = rest.split_at(valid);
                let good = std::str::from_utf8(good).map_err(|_| Error::at(not_utf8(), pos))?;
                if !good.is_empty() {
                    f(pos, good)?;
                }
                let at = advance(pos, good.as_bytes());
                if e.error_len().is_some() || bad.len() > 3 {
                    return Err(Error::at(not_utf8(), at));
                }
                self.pending[..bad.len()].copy_from_slice(bad);
                self.len = bad.len();
                self.at = at;
                Ok(())
            }
        }
    }
}
