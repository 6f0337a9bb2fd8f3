//! The one error shape every command fails with: `{code, message}`.
//!
//! [`ErrorCode`] mirrors `ERROR_CODES` in `ui/src/lib/ipc.ts` (a test below reads that file and
//! fails when the two differ). The UI picks its text by the code and never shows or matches on
//! the message, which is English, for logs and bug reports, and never holds a token, a secret
//! or a CPR number.

use brevdue_client::{ClientError, ErrorKind};
use serde::Serialize;

/// Why a command failed, as the UI tells it to the user. It mirrors the UI's list whole, so
/// some codes (`bad_content`, `no_backend`) are not produced by the shell today.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "snake_case")]
pub(crate) enum ErrorCode {
    /// No network: cached mail is still readable; changes are queued.
    Offline,
    /// Nobody is signed in, or the sign-in ended.
    SignedOut,
    /// The message, folder, file or mailbox does not exist.
    NotFound,
    /// The access does not allow it (e.g. read access and delete).
    Forbidden,
    /// Somebody else changed the message first.
    Conflict,
    /// The arguments were refused.
    InvalidInput,
    /// The message or file could not be read.
    BadContent,
    /// The server failed.
    Server,
    /// Writing or reading a local file (or the secret store) failed.
    Io,
    /// The UI's own code for running outside the app.
    NoBackend,
    /// The message is bigger, or has more attachments, than the recipient accepts.
    TooLarge,
    /// The message may not be answered (not allowed, or past its deadline).
    ReplyClosed,
    /// The disk is full: nothing was stored; it is tried again once there is room.
    DiskFull,
    /// An update's signature does not verify against the app's key: it was not installed.
    BadSignature,
    /// This copy of the app (not installed from a package) cannot install an update.
    NotInstallable,
    /// Anything else.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of `ERROR_CODES` in `ipc.ts`.
    #[cfg(test)]
    const ALL: [ErrorCode; 16] = [
        ErrorCode::Offline,
        ErrorCode::SignedOut,
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::Conflict,
        ErrorCode::InvalidInput,
        ErrorCode::BadContent,
        ErrorCode::Server,
        ErrorCode::Io,
        ErrorCode::NoBackend,
        ErrorCode::TooLarge,
        ErrorCode::ReplyClosed,
        ErrorCode::DiskFull,
        ErrorCode::BadSignature,
        ErrorCode::NotInstallable,
        ErrorCode::Internal,
    ];
}

/// A failed command, sent to the UI as `{code, message}`.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[error("{code:?}: {message}")]
pub(crate) struct CommandError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// What every command returns.
pub(crate) type CmdResult<T> = Result<T, CommandError>;

impl CommandError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub(crate) fn io(what: &str, error: &std::io::Error) -> Self {
        Self::new(ErrorCode::Io, format!("{what}: {error}"))
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

/// The UI's code for each kind of client error.
pub(crate) fn code_of(kind: ErrorKind) -> ErrorCode {
    match kind {
        ErrorKind::Offline => ErrorCode::Offline,
        ErrorKind::SignInRequired | ErrorKind::SignInCancelled => ErrorCode::SignedOut,
        ErrorKind::SignInFailed | ErrorKind::Server | ErrorKind::Protocol => ErrorCode::Server,
        ErrorKind::SecretStore | ErrorKind::Cache | ErrorKind::Export => ErrorCode::Io,
        ErrorKind::DiskFull => ErrorCode::DiskFull,
        ErrorKind::NotFound => ErrorCode::NotFound,
        ErrorKind::Forbidden => ErrorCode::Forbidden,
        ErrorKind::Conflict | ErrorKind::Stale => ErrorCode::Conflict,
        ErrorKind::InvalidInput => ErrorCode::InvalidInput,
        ErrorKind::TooManyAttachments | ErrorKind::TooLarge => ErrorCode::TooLarge,
        ErrorKind::ReplyNotAllowed | ErrorKind::ReplyDeadlinePassed => ErrorCode::ReplyClosed,
        _ => ErrorCode::Internal,
    }
}

impl From<ClientError> for CommandError {
    fn from(error: ClientError) -> Self {
        let code = code_of(error.kind());
        tracing::debug!(kind = %error.kind(), message = error.message(), "a command failed");
        CommandError::new(code, format!("{}: {}", error.kind(), error.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the UI knows, read from `ERROR_CODES` in `ui/src/lib/ipc.ts`.
    fn ui_codes() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/ipc.ts");
        let text = std::fs::read_to_string(path).unwrap();
        let start = text.find("export const ERROR_CODES = [").unwrap();
        let end = start + text[start..].find("] as const").unwrap();
        text[start..end]
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| l.starts_with('\''))
            .map(|l| l.trim_end_matches(',').trim_matches('\'').to_owned())
            .collect()
    }

    #[test]
    fn codes_are_the_uis() {
        let ours: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ours, ui_codes());
    }

    #[test]
    fn errors_serialize_as_code_and_message() {
        let e = CommandError::from(ClientError::new(ErrorKind::Stale, "changed meanwhile"));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "conflict");
        assert_eq!(json["message"], "STALE: changed meanwhile");
        assert_eq!(json.as_object().unwrap().len(), 2);
    }
}
