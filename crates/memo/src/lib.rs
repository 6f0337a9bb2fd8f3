//! MeMo, the message format of Danish Digital Post, for Brevdue.
//!
//! What this crate is for:
//! - [`read`]: a lenient, streaming reader for MeMo 1.0, 1.1 and 1.2 from any [`std::io::Read`]
//!   (a file, an HTTP body). The whole message is never held in memory: each file's content is
//!   decoded from base64 as it is scanned and handed to a [`Sink`] the caller chooses
//!   ([`Discard`], [`MemorySink`], [`DirSink`], or its own).
//! - [`validate`]: a strict check against the rules of the MeMo XSDs, every violation with its
//!   line and column.
//! - [`write`]: MeMo 1.2 out of a [`Message`], contents streamed from a [`ContentSource`].
//! - [`agenda`]: the appointments and deadlines a message asks the recipient to keep, and
//!   [`ics`] to turn them into iCalendar.
//! - [`safe_name`]: file names a sender chose, made safe to create on disk.
//!
//! The key type is [`Message`], the model of one message without its file bytes.
//!
//! What it is not for: it does no network I/O, knows nothing of mailboxes, routing or the
//! REST API (see `brevdue-api` and `brevdue-core`), and never fetches or expands anything a
//! message refers to: a DTD or entity declaration is refused.

mod agenda;
mod b64;
mod error;
pub mod ics;
mod model;
mod read;
pub mod safe_name;
mod sink;
mod validate;
mod write;
mod xml;

pub use agenda::{AgendaItem, AgendaKind, agenda};
pub use error::{Error, ErrorKind, Position, Result};
pub use model::*;
pub use read::{read, read_file};
pub use sink::{ContentSource, DirSink, Discard, FileMeta, MemorySink, Sink};
pub use validate::{Violation, validate, validate_file};
pub use write::{to_vec, write};

/// The MeMo namespace URI, the same for versions 1.0, 1.1 and 1.2.
pub const NAMESPACE: &str = xml::ns_memo();

/// The largest message Digital Post carries, attachments included: 99.5 MB.
pub const MAX_MESSAGE_BYTES: u64 = 99_500_000;
