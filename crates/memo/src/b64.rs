//! Streaming base64: decoding of `content` as it is scanned, and encoding for the writer.
//!
//! White space anywhere in the text is skipped (senders wrap lines at 64 or 76 characters,
//! with CR LF or LF). Padding may be present or absent at the very end.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard alphabet; padding optional when reading, always written.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How many base64 characters are decoded at a time (a multiple of 4).
const BLOCK: usize = 64 * 1024;

/// Decodes base64 text given in arbitrary chunks, passing decoded bytes on as they come.
#[derive(Debug)]
pub(crate) struct Decoder {
    /// Base64 characters waiting to be decoded, white space removed.
    pending: Vec<u8>,
    out: Vec<u8>,
    /// Padding has been seen: only more padding and white space may follow.
    padded: bool,
}

impl Decoder {
    pub(crate) fn new() -> Self {
        Self {
            pending: Vec::with_capacity(BLOCK + 4),
            out: vec![0; BLOCK / 4 * 3],
            padded: false,
        }
    }

    /// Takes the next chunk of text; calls `emit` with decoded bytes.
    pub(crate) fn push<E>(
        &mut self,
        chunk: &[u8],
        emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), DecodeError<E>> {
        let mut rest = chunk;
        while !rest.is_empty() {
            let room = BLOCK - self.pending.len();
            let take = rest.len().min(room);
            let (now, later) = rest.split_at(take);
            rest = later;
            if memchr::memchr3(b'\n', b'\r', b' ', now).is_none() && !now.contains(&b'\t') {
                self.pending.extend_from_slice(now);
            } else {
                self.pending.extend(
                    now.iter()
                        .copied()
                        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')),
                );
            }
            if self.pending.len() >= BLOCK {
                self.flush_whole(emit)?;
            }
        }
        Ok(())
    }

    /// Decodes every complete group of 4 characters held.
    fn flush_whole<E>(
        &mut self,
        emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), DecodeError<E>> {
        if self.padded {
            return self.only_padding_left();
        }
        let whole = self.pending.len() / 4 * 4;
        if whole == 0 {
            return Ok(());
        }
        let padding = self.pending[..whole].iter().position(|b| *b == b'=');
        if let Some(first) = padding {
            // Padding ends the content: all that follows it must be padding too.
            if self.pending[first..].iter().any(|b| *b != b'=') {
                return Err(DecodeError::Invalid("text after the padding".into()));
            }
        }
        let n = LENIENT
            .decode_slice_unchecked(&self.pending[..whole], &mut self.out)
            .map_err(|e| DecodeError::Invalid(e.to_string()))?;
        emit(&self.out[..n]).map_err(DecodeError::Sink)?;
        if padding.is_some() {
            self.padded = true;
            self.pending.clear();
        } else {
            self.pending.drain(..whole);
        }
        Ok(())
    }

    fn only_padding_left<E>(&mut self) -> Result<(), DecodeError<E>> {
        if self.pending.iter().all(|b| *b == b'=') {
            self.pending.clear();
            Ok(())
        } else {
            Err(DecodeError::Invalid("text after the padding".into()))
        }
    }

    /// The text has ended: decodes what is left.
    pub(crate) fn finish<E>(
        mut self,
        emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), DecodeError<E>> {
        if self.padded {
            return self.only_padding_left();
        }
        if self.pending.len() % 4 == 1 {
            return Err(DecodeError::Invalid(
                "the text ends in the middle of a group".into(),
            ));
        }
        if let Some(first) = self.pending.iter().position(|b| *b == b'=')
            && self.pending[first..].iter().any(|b| *b != b'=')
        {
            return Err(DecodeError::Invalid("text after the padding".into()));
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let n = LENIENT
            .decode_slice_unchecked(&self.pending, &mut self.out)
            .map_err(|e| DecodeError::Invalid(e.to_string()))?;
        emit(&self.out[..n]).map_err(DecodeError::Sink)?;
        Ok(())
    }
}

/// Why decoding stopped.
#[derive(Debug)]
pub(crate) enum DecodeError<E> {
    /// The text is not base64.
    Invalid(String),
    /// The receiver of the bytes failed.
    Sink(E),
}

/// Encodes bytes as base64 lines of 76 characters, as MIME does; returns how many bytes
/// were read.
pub(crate) fn encode_lines(
    input: &mut dyn std::io::Read,
    out: &mut dyn std::io::Write,
) -> std::io::Result<u64> {
    // 57 input bytes make one 76-character line.
    const LINE_IN: usize = 57;
    let mut chunk = vec![0u8; LINE_IN * 1024];
    let mut line = [0u8; 80];
    let mut total = 0u64;
    loop {
        let mut filled = 0;
        while filled < chunk.len() {
            match input.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        total += filled as u64;
        for piece in chunk[..filled].chunks(LINE_IN) {
            let n = LENIENT
                .encode_slice(piece, &mut line)
                .map_err(std::io::Error::other)?;
            out.write_all(&line[..n])?;
            out.write_all(b"\n")?;
        }
        if filled < chunk.len() {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Result<Vec<u8>, String> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        let mut emit = |b: &[u8]| -> Result<(), ()> {
            out.extend_from_slice(b);
            Ok(())
        };
        for c in chunks {
            d.push(c, &mut emit).map_err(|e| format!("{e:?}"))?;
        }
        d.finish(&mut emit).map_err(|e| format!("{e:?}"))?;
        Ok(out)
    }

    #[test]
    fn decodes_across_chunk_boundaries_and_white_space() {
        assert_eq!(decode(&[b"SGVs", b"bG8g\r\n", b"d29y", b"bGQ="]).unwrap(), b"Hello world");
        assert_eq!(decode(&[b"SG", b"Vs\n bG8"]).unwrap(), b"Hello");
        assert_eq!(decode(&[b"SGVsbG8"]).unwrap(), b"Hello", "padding may be missing");
        assert_eq!(decode(&[b""]).unwrap(), b"");
    }

    #[test]
    fn refuses_what_is_not_base64() {
        assert!(decode(&[b"SGVs*G8="]).is_err());
        assert!(decode(&[b"SGVsbA==SGVs"]).is_err());
        assert!(decode(&[b"SGVsb"]).is_err());
    }

    #[test]
    fn large_input_round_trips() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut text = Vec::new();
        encode_lines(&mut data.as_slice(), &mut text).unwrap();
        let pieces: Vec<&[u8]> = text.chunks(10_007).collect();
        assert_eq!(decode(&pieces).unwrap(), data);
    }
}
