//! Tests of the `brevdue` binary, run as a user would run it: the real executable, real
//! files, real exit codes. One test binary; its modules:
//!
//! - [`support`]: running the binary, the sample messages in `tests/data/` and the bytes
//!   their files carry.
//! - [`inspect`]: the JSON contract, field by field, for MeMo 1.0, 1.1 and 1.2, the default
//!   and a prefixed namespace, a byte-order mark, standard input.
//! - [`extract`]: decoded files land in `--out` under safe, numbered names and nowhere else;
//!   a message broken half-way says which files were written.
//! - [`bad_input`]: empty, truncated, not XML, random bytes, the wrong namespace, DTDs and
//!   entities (an external one is never read), invalid base64: exit 1, an error with a
//!   position, no panic.
//! - [`validate`]: valid samples pass; each planted schema violation is reported on its line.
//! - [`ics`]: the agenda as iCalendar.
//! - [`usage`]: wrong command lines exit 2.
//! - [`serve`]: `brevdue serve --demo` answers over HTTP and stops cleanly.
//! - [`world`]: a real core with the demo world on loopback in the test, its truth read over
//!   its API; [`keyring`]: a private D-Bus session with GNOME Keyring for each such test.
//! - [`account`]: login by the demo provider, sync, mailboxes, list, show, agenda, logout.
//! - [`export`]: Maildir and mbox read back by Python, byte-identical documents, the files
//!   layout, incremental runs, an export killed with SIGKILL and resumed.
//! - [`calendar`]: the calendar feed over HTTP, parsed back; loopback only.

// Helpers outside #[test] functions may panic too: this is a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod account;
mod bad_input;
mod calendar;
mod export;
mod extract;
mod ics;
mod inspect;
mod keyring;
mod serve;
mod support;
mod usage;
mod validate;
mod world;
