//! The Tauri commands, one module per domain. Each is a short adapter: it checks its
//! arguments, makes one call into `brevdue-client` (or the OS: a dialog, the browser), and
//! maps the answer to the JSON the UI expects (`ui/src/lib/types.ts`) and errors to
//! `{code, message}`. The contract is the doc comment of `ui/src/lib/ipc.ts`.

pub(crate) mod access_log;
pub(crate) mod agenda;
pub(crate) mod compose;
pub(crate) mod export;
pub(crate) mod files;
pub(crate) mod mailboxes;
pub(crate) mod memo_file;
pub(crate) mod messages;
pub(crate) mod session;
pub(crate) mod settings;
pub(crate) mod startup;
pub(crate) mod update;

use crate::error::{CmdResult, CommandError};

/// The longest id accepted (mailbox, folder, message, demo identity).
const MAX_ID_LEN: usize = 200;

/// Checks an id from the UI: 1 to 200 printable ASCII characters without spaces or slashes
/// (ids are bound as SQL parameters and URL path segments; this keeps garbage out early).
pub(crate) fn check_id<'a>(what: &str, id: &'a str) -> CmdResult<&'a str> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(CommandError::invalid(format!("{what}: not a valid id")));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'\\' | b'?' | b'#' | b'%'))
    {
        return Err(CommandError::invalid(format!("{what}: not a valid id")));
    }
    Ok(id)
}

/// Checks a piece of text from the user: at most `max` characters, no control characters;
/// returns it trimmed.
pub(crate) fn check_text<'a>(what: &str, text: &'a str, max: usize) -> CmdResult<&'a str> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(CommandError::invalid(format!(
            "{what}: longer than {max} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(CommandError::invalid(format!(
            "{what}: holds control characters"
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(check_id("m", "3f2c9a6e-0b1d-4c44-9f0e-8d7c6b5a4f3e").is_ok());
        assert!(check_id("m", "mbx_1.2:x").is_ok());
        for bad in [
            "",
            "a b",
            "../etc",
            "a/b",
            "æ",
            "a?b",
            "x%2F",
            &"a".repeat(201),
        ] {
            assert!(check_id("m", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(check_text("s", "  skat  ", 10).unwrap(), "skat");
        assert!(check_text("s", "a\u{0}b", 10).is_err());
        assert!(check_text("s", "ååååå", 4).is_err());
        assert!(check_text("s", "ååååå", 5).is_ok());
    }
}
