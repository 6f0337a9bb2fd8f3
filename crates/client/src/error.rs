//! The one error type of the client: an [`ErrorKind`] the app can match on and turn into a
//! `{code, message}` for the UI, a message in English for logs, and the cause.
//!
//! Messages never carry a token, a secret or a CPR number.

use std::fmt;

/// What went wrong, as a stable code. The UI chooses its (Danish) text by this kind, never by
/// the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server cannot be reached (no network, the core is down, a timeout). What was
    /// asked can be retried; changes are kept in the outbox.
    Offline,
    /// Nobody is signed in, or the sign-in ended (the refresh token was refused or revoked):
    /// the user must sign in again.
    SignInRequired,
    /// The user stopped the sign-in (closed the login page, pressed cancel).
    SignInCancelled,
    /// The sign-in did not complete: the server refused it or answered in a way it must not.
    SignInFailed,
    /// The OS secret store is missing, locked or failed.
    SecretStore,
    /// The local cache (its SQLite file or its files) failed.
    Cache,
    /// The disk the cache is on is full: what was being stored was not stored (the cache is
    /// as it was before); it is tried again once there is room.
    DiskFull,
    /// No such mailbox, folder, message or file (on the server or in the cache).
    NotFound,
    /// The server refuses: the user may not do this (e.g. a read-only proxy holder deleting).
    Forbidden,
    /// The change conflicts with the message's state on the server.
    Conflict,
    /// The message changed on the server since the version the change was based on (HTTP
    /// 412); fetch it again.
    Stale,
    /// The server answered with an error of its own.
    Server,
    /// The server answered something that is not what the API promises (bad JSON, a file whose
    /// SHA-256 does not match, a redirect elsewhere).
    Protocol,
    /// The caller asked for something that cannot be (a bad URL, an unknown folder name).
    InvalidInput,
    /// An export folder could not be written, or holds what another export (or somebody
    /// else) wrote there.
    Export,
    /// A reply to a message that does not allow replies.
    ReplyNotAllowed,
    /// A reply after the message's reply deadline.
    ReplyDeadlinePassed,
    /// More attachments than the contact point accepts.
    TooManyAttachments,
    /// The message with its attachments is larger than allowed (the contact point's limit, or
    /// 99.5 MB).
    TooLarge,
}

impl ErrorKind {
    /// The stable code, e.g. `OFFLINE`, for the app's `{code, message}`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Offline => "OFFLINE",
            Self::SignInRequired => "SIGN_IN_REQUIRED",
            Self::SignInCancelled => "SIGN_IN_CANCELLED",
            Self::SignInFailed => "SIGN_IN_FAILED",
            Self::SecretStore => "SECRET_STORE",
            Self::Cache => "CACHE",
            Self::DiskFull => "DISK_FULL",
            Self::NotFound => "NOT_FOUND",
            Self::Forbidden => "FORBIDDEN",
            Self::Conflict => "CONFLICT",
            Self::Stale => "STALE",
            Self::Server => "SERVER",
            Self::Protocol => "PROTOCOL",
            Self::InvalidInput => "INVALID_INPUT",
            Self::Export => "EXPORT",
            Self::ReplyNotAllowed => "REPLY_NOT_ALLOWED",
            Self::ReplyDeadlinePassed => "REPLY_DEADLINE_PASSED",
            Self::TooManyAttachments => "TOO_MANY_ATTACHMENTS",
            Self::TooLarge => "TOO_LARGE",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error of the client: a kind, a message, and perhaps the error that caused it.
#[derive(Debug)]
pub struct ClientError {
    kind: ErrorKind,
    message: String,
    source: Option<Source>,
}

/// The result type of the client.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

impl ClientError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ClientError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same error with its cause attached.
    pub(crate) fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, in English, safe to log.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A failure of the cache; [`ErrorKind::DiskFull`] when its cause says the disk is full
    /// (`ENOSPC` from a file, `SQLITE_FULL` from SQLite).
    pub(crate) fn cache(message: impl Into<String>, source: impl Into<Source>) -> Self {
        let source = source.into();
        let kind = if is_disk_full(source.as_ref()) {
            ErrorKind::DiskFull
        } else {
            ErrorKind::Cache
        };
        Self::new(kind, message).with_source(source)
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Protocol, message)
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Maps an error of the HTTP client: connection failures, timeouts and answers that break
    /// off are [`ErrorKind::Offline`], anything else a protocol error.
    pub(crate) fn http(what: &str, error: reqwest::Error) -> Self {
        // A body that breaks off (the connection dropped mid-answer) is the network too;
        // reqwest calls that a decoding error, as it calls JSON that does not parse.
        let broke_off = error.is_body() || (error.is_decode() && !is_json_error(&error));
        let kind = if error.is_connect() || error.is_timeout() || error.is_request() || broke_off {
            ErrorKind::Offline
        } else {
            ErrorKind::Protocol
        };
        // reqwest's Display includes the URL; ours carry no secrets (tokens travel in headers
        // and bodies), so it is safe to keep.
        Self::new(kind, format!("{what}: {error}")).with_source(error)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Whether a decoding error of reqwest is JSON that does not parse (rather than a body that
/// broke off).
fn is_json_error(error: &reqwest::Error) -> bool {
    let mut next = std::error::Error::source(error);
    while let Some(e) = next {
        if e.is::<serde_json::Error>() {
            return true;
        }
        next = e.source();
    }
    false
}

/// Whether `error` (or an error it wraps) says the disk is full.
fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && (io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28))
        {
            return true;
        }
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>()
            && db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .is_some_and(|c| c & 0xff == 13)
        {
            return true;
        }
        if let Some(sqlx::Error::Io(io)) = e.downcast_ref::<sqlx::Error>()
            && (io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28))
        {
            return true;
        }
        next = e.source();
    }
    false
}

impl From<sqlx::Error> for ClientError {
    fn from(error: sqlx::Error) -> Self {
        crate::cache::note_damage(&error);
        Self::cache("the local cache failed", error)
    }
}

impl From<sqlx::migrate::MigrateError> for ClientError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::cache("the local cache could not be set up", error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_screaming_snake_case() {
        let kinds = [
            ErrorKind::Offline,
            ErrorKind::SignInRequired,
            ErrorKind::SignInCancelled,
            ErrorKind::SignInFailed,
            ErrorKind::SecretStore,
            ErrorKind::Cache,
            ErrorKind::DiskFull,
            ErrorKind::NotFound,
            ErrorKind::Forbidden,
            ErrorKind::Conflict,
            ErrorKind::Stale,
            ErrorKind::Server,
            ErrorKind::Protocol,
            ErrorKind::InvalidInput,
            ErrorKind::Export,
            ErrorKind::ReplyNotAllowed,
            ErrorKind::ReplyDeadlinePassed,
            ErrorKind::TooManyAttachments,
            ErrorKind::TooLarge,
        ];
        let codes: std::collections::HashSet<_> = kinds.iter().map(|k| k.code()).collect();
        let full = ClientError::cache("x", std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.kind(), ErrorKind::DiskFull);
        let other = ClientError::cache("x", std::io::Error::other("no"));
        assert_eq!(other.kind(), ErrorKind::Cache);
        assert_eq!(codes.len(), kinds.len());
        for code in codes {
            assert!(code.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        }
    }
}
