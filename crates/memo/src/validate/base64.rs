//! The check of file content, `xs:base64Binary`, as it streams in: through the reader's
//! decoder, so that a 100 MB content is never held.

use crate::b64;
use crate::error::Position;

use super::Report;
use super::chars::advance;
use super::types::quote_str;

/// The check of a `content` element: xs:base64Binary, streamed through [`b64::Decoder`].
#[derive(Debug)]
pub(super) struct Base64Check {
    decoder: b64::Decoder,
    /// Base64 characters seen (white space not counted): a whole number of groups of 4.
    count: u64,
    pub(super) failed: bool,
    filename: Option<String>,
    /// Where the `content` element starts: problems of the whole value are reported there.
    at: Position,
}

impl Base64Check {
    pub(super) fn new(filename: Option<String>, at: Position) -> Self {
        Self {
            decoder: b64::Decoder::new(),
            count: 0,
            failed: false,
            filename,
            at,
        }
    }

    fn problem(&self, reason: &str) -> String {
        match &self.filename {
            Some(f) => format!(
                "content of file {} is not valid base64: {reason}",
                quote_str(f, false)
            ),
            None => format!("content is not valid base64: {reason}"),
        }
    }

    pub(super) fn push(&mut self, pos: Position, piece: &str, report: &mut Report) {
        if self.failed {
            return;
        }
        let bytes = piece.as_bytes();
        let mut count = 0u64;
        for (i, b) in bytes.iter().enumerate() {
            match BASE64_CLASS[usize::from(*b)] {
                Class::Symbol => count += 1,
                Class::Space => {}
                Class::Other => {
                    self.failed = true;
                    let c = piece.get(i..).and_then(|s| s.chars().next());
                    let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                    let message = self.problem(&format!(
                        "{} is not a base64 character",
                        quote_str(&c.to_string(), false)
                    ));
                    report.add(advance(pos, &bytes[..i]), message);
                    return;
                }
            }
        }
        self.count += count;
        if let Err(b64::DecodeError::Invalid(reason)) = self
            .decoder
            .push(bytes, &mut |_| Ok::<(), std::convert::Infallible>(()))
        {
            self.failed = true;
            report.add(self.at, self.problem(&friendly(&reason)));
        }
    }

    pub(super) fn finish(self, report: &mut Report) {
        let at = self.at;
        if self.failed {
            return;
        }
        if !self.count.is_multiple_of(4) {
            let message = self.problem(
                "its length is not a multiple of 4 characters (is the = padding at the end missing?)",
            );
            report.add(at, message);
            return;
        }
        let problem = self.problem("");
        if let Err(b64::DecodeError::Invalid(reason)) = self
            .decoder
            .finish(&mut |_| Ok::<(), std::convert::Infallible>(()))
        {
            report.add(at, format!("{problem}{}", friendly(&reason)));
        }
    }
}

/// What a byte is in xs:base64Binary text.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// A letter of the alphabet, or padding.
    Symbol,
    /// White space, which the value may hold anywhere.
    Space,
    Other,
}

/// [`Class`] by byte, built at compile time.
static BASE64_CLASS: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=' {
            table[b] = Class::Symbol;
        } else if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
            table[b] = Class::Space;
        }
        b += 1;
    }
    table
};

/// The decoder's reason in words for a sender's developer.
fn friendly(reason: &str) -> String {
    if reason.contains("padding") && reason.starts_with("text") {
        "there is text after the = padding".to_owned()
    } else {
        "the last group of 4 characters does not decode (the character before the = padding \
         has bits set that padding leaves out, or there is too much padding)"
            .to_owned()
    }
}
