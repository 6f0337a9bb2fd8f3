//! The one error type of this crate: what went wrong, and where in the input.

use std::fmt;
use std::io;

/// A place in the input: 1-based line and column (in characters), and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    pub offset: u64,
}

impl Position {
    /// The position after `bytes` of UTF-8 text that start here.
    pub(crate) fn advanced(mut self, bytes: &[u8]) -> Self {
        for b in bytes {
            if *b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                // Columns count characters: bytes that do not continue a UTF-8 sequence.
                self.column += 1;
            }
        }
        self.offset += bytes.len() as u64;
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a message could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    #[error("could not read the input: {0}")]
    Io(#[source] io::Error),
    /// The input ended before the message did.
    #[error("the input ends before the message does (truncated or empty)")]
    UnexpectedEof,
    /// The input is not well-formed XML.
    #[error("not well-formed XML: {0}")]
    Syntax(String),
    /// A `<!DOCTYPE>` (and so possibly entity declarations or external references).
    #[error(
        "a DTD or entity declaration is not allowed in a MeMo message; nothing was fetched or expanded"
    )]
    Dtd,
    /// An entity reference other than the five XML defines and character references.
    #[error("the entity reference &{0}; is not allowed; only the predefined XML entities are")]
    Entity(String),
    /// Only UTF-8 is accepted.
    #[error("unsupported character encoding {0:?}; MeMo messages are UTF-8")]
    Encoding(String),
    /// Well-formed XML, but not a MeMo message.
    #[error("not a MeMo message: {0}")]
    NotMemo(String),
    /// A value the reader cannot do without is missing.
    #[error("the message has no {0}")]
    Missing(&'static str),
    /// A value the reader must understand cannot be understood.
    #[error("{field} {value:?} is not valid: {reason}")]
    Invalid {
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    /// A file's `content` is not valid base64.
    #[error("the content of file {filename:?} is not valid base64: {reason}")]
    Base64 { filename: String, reason: String },
    /// The sink refused or failed to take a file's content.
    #[error("could not store the content of file {filename:?}: {source}")]
    Sink {
        filename: String,
        #[source]
        source: io::Error,
    },
    /// Writing the output failed.
    #[error("could not write the message: {0}")]
    Write(#[source] io::Error),
    /// The model cannot be written as a MeMo message.
    #[error("the message cannot be written: {0}")]
    Unwritable(String),
}

/// An error with the position in the input where it was found, when there is one.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    position: Option<Position>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, position: Option<Position>) -> Self {
        Self { kind, position }
    }

    pub(crate) fn at(kind: ErrorKind, position: Position) -> Self {
        Self::new(kind, Some(position))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where in the input, for errors found while reading.
    pub fn position(&self) -> Option<Position> {
        self.position
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind, None)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{p}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.kind.source()
    }
}

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
