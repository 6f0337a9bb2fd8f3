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
    /// Decode each chunk as it comes rather than in blocks of [`BLOCK`] characters, so that an
    /// error is found in the chunk that holds it (see [`Decoder::locating`]).
    eager: bool,
    /// After an error from [`Decoder::push`]: the index in the chunk given of the character
    /// at fault, when it is known.
    error_index: Option<usize>,
}

impl Decoder {
    pub(crate) fn new() -> Self {
        Self {
            pending: Vec::with_capacity(BLOCK + 4),
            out: vec![0; BLOCK / 4 * 3],
            padded: false,
            eager: false,
            error_index: None,
        }
    }

    /// A decoder that decodes each chunk as soon as it is pushed, so that
    /// [`Decoder::error_index`] can place almost every error exactly (all but a fault in the
    /// up to 3 characters carried over from the chunk before). Chunks of a few KiB or more
    /// decode as fast as blocks do.
    pub(crate) fn locating() -> Self {
        Self {
            eager: true,
            ..Self::new()
        }
    }

    /// After an error from [`Decoder::push`]: where in the chunk it was given the character
    /// at fault is, when that is known (not when it came in an earlier chunk).
    pub(crate) fn error_index(&self) -> Option<usize> {
        self.error_index
    }

    /// Takes the next chunk of text; calls `emit` with decoded bytes.
    pub(crate) fn push<E>(
        &mut self,
        chunk: &[u8],
        emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), DecodeError<E>> {
        let mut start = 0;
        while start < chunk.len() {
            // What is held from before this piece; at most 3 characters when eager.
            let carried = self.pending.len();
            let end = start + (chunk.len() - start).min(BLOCK - carried);
            let piece = &chunk[start..end];
            extend_without_white_space(&mut self.pending, piece);
            let flush = self.eager || self.pending.len() >= BLOCK;
            if let Err((e, offset)) = if flush {
                self.flush_whole(emit)
            } else {
                Ok(())
            } {
                self.error_index = offset
                    .and_then(|o| o.checked_sub(carried))
                    .and_then(|k| nth_non_white_space(piece, k))
                    .map(|i| start + i);
                return Err(e);
            }
            start = end;
        }
        Ok(())
    }

    /// Decodes every complete group of 4 characters held. An error comes with the index in
    /// `pending` of the character at fault, when it is known.
    fn flush_whole<E>(
        &mut self,
        emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), (DecodeError<E>, Option<usize>)> {
        if self.padded {
            return self
                .only_padding_left()
                .map_err(|e| (e, self.pending.iter().position(|b| *b != b'=')));
        }
        let whole = self.pending.len() / 4 * 4;
        if whole == 0 {
            return Ok(());
        }
        let padding = self.pending[..whole].iter().position(|b| *b == b'=');
        if let Some(first) = padding {
            // Padding ends the content: all that follows it must be padding too.
            if let Some(after) = self.pending[first..].iter().position(|b| *b != b'=') {
                return Err((
                    DecodeError::Invalid("text after the padding".into()),
                    Some(first + after),
                ));
            }
        }
        let n = LENIENT
            .decode_slice_unchecked(&self.pending[..whole], &mut self.out)
            .map_err(|e| (DecodeError::Invalid(reason(&e)), offset(&e)))?;
        emit(&self.out[..n]).map_err(|e| (DecodeError::Sink(e), None))?;
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
            .map_err(|e| DecodeError::Invalid(reason(&e)))?;
        emit(&self.out[..n]).map_err(DecodeError::Sink)?;
        Ok(())
    }
}

/// Why the base64 crate refused a slice, in words for a person.
fn reason(e: &base64::DecodeError) -> String {
    use base64::DecodeError as D;
    match e {
        D::InvalidByte(_, b) if b.is_ascii_graphic() => {
            format!("{:?} is not a base64 character", char::from(*b))
        }
        D::InvalidByte(_, b) => {
            format!("the byte 0x{b:02X} is not a base64 character")
        }
        other => other.to_string(),
    }
}

/// Where in the slice the base64 crate found the character at fault, when it says.
fn offset(e: &base64::DecodeError) -> Option<usize> {
    use base64::DecodeError as D;
    match e {
        D::InvalidByte(o, _) | D::InvalidLastSymbol(o, _) => Some(*o),
        _ => None,
    }
}

/// The index in `text` of its `k`th (from 0) character that is not white space.
fn nth_non_white_space(text: &[u8], k: usize) -> Option<usize> {
    text.iter()
        .enumerate()
        .filter(|(_, b)| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .nth(k)
        .map(|(i, _)| i)
}

/// Appends `text` to `pending` without its white space. The hot loop of reading a large
/// file: lines of base64 are copied whole between the line breaks that memchr finds, rather
/// than byte by byte.
fn extend_without_white_space(pending: &mut Vec<u8>, text: &[u8]) {
    if memchr::memchr(b'\t', text).is_some() {
        // Rare: tabs as well. The simple way.
        pending.extend(
            text.iter()
                .copied()
                .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')),
        );
        return;
    }
    let mut from = 0;
    for i in memchr::memchr3_iter(b'\n', b'\r', b' ', text) {
        pending.extend_from_slice(&text[from..i]);
        from = i + 1;
    }
    pending.extend_from_slice(&text[from..]);
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

    /// Decodes `chunks` with a block decoder and a locating one; both must agree.
    fn decode(chunks: &[&[u8]]) -> Result<Vec<u8>, String> {
        let blocks = decode_with(Decoder::new(), chunks);
        let locating = decode_with(Decoder::locating(), chunks);
        assert_eq!(blocks.is_ok(), locating.is_ok(), "{blocks:?} {locating:?}");
        if let (Ok(a), Ok(b)) = (&blocks, &locating) {
            assert!(a == b, "the two decoders differ");
        }
        blocks
    }

    fn decode_with(mut d: Decoder, chunks: &[&[u8]]) -> Result<Vec<u8>, String> {
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
        assert_eq!(
            decode(&[b"SGVs", b"bG8g\r\n", b"d29y", b"bGQ="]).unwrap(),
            b"Hello world"
        );
        assert_eq!(decode(&[b"SG", b"Vs\n bG8"]).unwrap(), b"Hello");
        assert_eq!(
            decode(&[b"SGVsbG8"]).unwrap(),
            b"Hello",
            "padding may be missing"
        );
        assert_eq!(decode(&[b""]).unwrap(), b"");
    }

    #[test]
    fn every_kind_of_white_space_is_skipped() {
        assert_eq!(
            decode(&[b"SG\tVs\r\n  bG8g", b" d29y bGQ="]).unwrap(),
            b"Hello world"
        );
        assert_eq!(
            decode(&[b" \r\n\t", b"SGVs\n\n", b"bG8=\r\n "]).unwrap(),
            b"Hello"
        );
        let mut pending = Vec::new();
        extend_without_white_space(&mut pending, b"\nab\r\ncd ef\n");
        assert_eq!(pending, b"abcdef");
    }

    /// Pushes `chunks`; returns the index of the failing chunk and the error's index in it.
    fn fail_at(chunks: &[&[u8]]) -> (usize, Option<usize>, String) {
        let mut d = Decoder::locating();
        let mut emit = |_: &[u8]| -> Result<(), ()> { Ok(()) };
        for (i, c) in chunks.iter().enumerate() {
            if let Err(DecodeError::Invalid(reason)) = d.push(c, &mut emit) {
                return (i, d.error_index(), reason);
            }
        }
        panic!("no error");
    }

    #[test]
    fn errors_say_where_in_the_chunk() {
        let (chunk, at, reason) = fail_at(&[b"SGVs\nbG*g\n"]);
        assert_eq!((chunk, at), (0, Some(7)));
        assert_eq!(reason, "'*' is not a base64 character");
        let (chunk, at, _) = fail_at(&[b"SGVsbG8g", b"d2\r\n9y*GQ="]);
        assert_eq!((chunk, at), (1, Some(6)));
        let (chunk, at, reason) = fail_at(&[b"SGVsbA==\nSGVs"]);
        assert_eq!(
            (chunk, at, reason.as_str()),
            (0, Some(9), "text after the padding")
        );
        let (chunk, at, _) = fail_at(&[b"SGVsbA==", b" \n SGVs"]);
        assert_eq!((chunk, at), (1, Some(3)));
        // Carried over from the chunk before: the group is split across chunks.
        let (chunk, at, _) = fail_at(&[b"SGV", b"*bG8g"]);
        assert_eq!((chunk, at), (1, Some(0)));
        let (chunk, at, _) = fail_at(&[b"SG*", b"VbG8g"]);
        assert_eq!((chunk, at), (1, None), "the fault is in the chunk before");
        let (_, _, reason) = fail_at(&[b"SGVs\xC3\xA6bG8g"]);
        assert_eq!(reason, "the byte 0xC3 is not a base64 character");
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
