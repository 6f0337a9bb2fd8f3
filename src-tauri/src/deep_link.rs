//! `brevdue://contact-point/<id>` links: an authority puts one on its web site, the operating
//! system hands it to the app (on the command line at start, or through single-instance to the
//! running app), and compose opens for that contact point.
//!
//! The link comes from a web page, so it is read strictly: exactly this scheme and host, one
//! path segment, an id of 1 to 100 ASCII letters, digits, `.`, `_` or `-` (the core's own rule
//! for contact point ids), nothing else (no user, port, query or fragment).

use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// What every link starts with.
pub(crate) const PREFIX: &str = "brevdue://contact-point/";
/// The longest contact point id.
const MAX_ID_LEN: usize = 100;
/// The event that tells the window to open compose.
pub(crate) const EVENT: &str = "open-compose";

/// `ComposeRequest` of `ipc.ts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct ComposeRequest {
    pub(crate) contact_point_id: String,
}

/// The contact point id of a link, or `None` when it is not one of ours or not well-formed.
pub(crate) fn contact_point_id(link: &str) -> Option<String> {
    let rest = link.strip_prefix(PREFIX)?;
    // A trailing slash is what some browsers add; anything else after the id is refused.
    let id = rest.strip_suffix('/').unwrap_or(rest);
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return None;
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return None;
    }
    if id.bytes().all(|b| b == b'.') {
        return None;
    }
    Some(id.to_owned())
}

/// The first well-formed link among command line arguments.
pub(crate) fn from_args<S: AsRef<str>>(args: &[S]) -> Option<String> {
    args.iter().find_map(|a| contact_point_id(a.as_ref()))
}

/// Tells the window to open compose for a contact point.
pub(crate) fn open(app: &AppHandle, contact_point_id: String) {
    tracing::info!("a contact point link was opened");
    if let Err(error) = app.emit_to(
        crate::MAIN_WINDOW,
        EVENT,
        ComposeRequest { contact_point_id },
    ) {
        tracing::warn!(%error, "the link could not be passed to the window");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_good_links() {
        assert_eq!(
            contact_point_id("brevdue://contact-point/pas").as_deref(),
            Some("pas")
        );
        assert_eq!(
            contact_point_id("brevdue://contact-point/fjordmark.pas_2-b/").as_deref(),
            Some("fjordmark.pas_2-b")
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "brevdue://contact-point/",
            "brevdue://contact-point/..",
            "brevdue://contact-point/a/b",
            "brevdue://contact-point/a?x=1",
            "brevdue://contact-point/a#x",
            "brevdue://contact-point/a%2Fb",
            "brevdue://contact-point/æ",
            "brevdue://contact-point/a b",
            "brevdue://contact-point/a\u{202e}",
            "brevdue://user@contact-point/a",
            "brevdue://contact-point:80/a",
            "BREVDUE://contact-point/a",
            "brevdue://message/a",
            "https://contact-point/a",
            "javascript:alert(1)//brevdue://contact-point/a",
        ] {
            assert_eq!(contact_point_id(bad), None, "{bad:?}");
        }
        let long = format!("{PREFIX}{}", "a".repeat(101));
        assert_eq!(contact_point_id(&long), None);
        let longest = format!("{PREFIX}{}", "a".repeat(100));
        assert!(contact_point_id(&longest).is_some());
    }

    #[test]
    fn finds_the_link_among_arguments() {
        let args = [
            "brevdue-desktop",
            "--server",
            "http://127.0.0.1:1",
            "brevdue://contact-point/pas",
        ];
        assert_eq!(from_args(&args).as_deref(), Some("pas"));
        assert_eq!(from_args(&["brevdue-desktop"]), None);
    }
}
