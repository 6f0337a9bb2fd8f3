//! A message's files: `file_content` (to show it in the window) and `save_file` (to keep it).
//!
//! What a file is, is decided from its bytes as much as from the MIME type the sender gave: a
//! "PDF" that does not start like one, or an "image" in no raster format we know, is offered
//! for saving only. HTML is sanitized here ([`crate::html`]) before the UI gets it. Names are
//! made safe with `brevdue_memo::safe_name` before they are shown or offered in the dialog.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use brevdue_memo::FileId;
use brevdue_memo::safe_name::safe_file_name;
use serde::Serialize;
use tauri::{State, WebviewWindow};

use crate::error::{CmdResult, CommandError};
use crate::save::{self, SavedFile};
use crate::state::Shared;

use super::messages::message_in;

/// Files larger than this are not sent to the window (a message holds at most 99.5 MB).
pub(super) const MAX_SHOWN_BYTES: u64 = 100 * 1024 * 1024;
/// HTML and text larger than this are offered for saving only.
const MAX_TEXT_BYTES: u64 = 20 * 1024 * 1024;
/// The highest document or file index accepted.
const MAX_INDEX: u32 = 10_000;

/// `FileKind` of `types.ts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "lowercase")]
pub(crate) enum FileKind {
    Pdf,
    Text,
    Html,
    Image,
    Other,
}

/// `FileContent` of `types.ts`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileContent {
    kind: FileKind,
    mime: String,
    filename: String,
    size: u64,
    base64: Option<String>,
    text: Option<String>,
    sanitized_html: Option<String>,
}

impl FileContent {
    /// A file the window does not show (the UI offers to save it).
    pub(super) fn other(mime: String, filename: String, size: u64) -> Self {
        FileContent {
            kind: FileKind::Other,
            mime,
            filename,
            size,
            base64: None,
            text: None,
            sanitized_html: None,
        }
    }
}

/// The MIME type without parameters, lower case; `application/octet-stream` when it is no
/// plain `type/subtype`.
pub(super) fn plain_mime(mime: &str) -> String {
    let base = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = base.len() <= 100
        && base.split_once('/').is_some_and(|(t, s)| {
            !t.is_empty()
                && !s.is_empty()
                && base
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/+-.".contains(&b))
        });
    if ok {
        base
    } else {
        "application/octet-stream".into()
    }
}

/// What the sender says the file is.
pub(super) fn claimed_kind(mime: &str) -> FileKind {
    match mime {
        "application/pdf" => FileKind::Pdf,
        "text/plain" => FileKind::Text,
        "text/html" | "application/xhtml+xml" => FileKind::Html,
        "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/webp" => FileKind::Image,
        _ => FileKind::Other,
    }
}

/// The raster image format of `bytes`, by their first bytes.
fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether `bytes` start like a PDF (the header may follow up to 1024 bytes of junk).
fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024 + 5)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Text in UTF-8 (a byte-order mark dropped), or else read as Latin-1.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The content to show for a file of `mime` with these bytes.
pub(super) fn content(mime: &str, filename: String, bytes: &[u8]) -> FileContent {
    let size = bytes.len() as u64;
    let mut out = FileContent::other(mime.to_owned(), filename, size);
    match claimed_kind(mime) {
        FileKind::Pdf if looks_like_pdf(bytes) => {
            out.kind = FileKind::Pdf;
            out.base64 = Some(STANDARD.encode(bytes));
        }
        FileKind::Image => {
            if let Some(actual) = image_mime(bytes) {
                out.kind = FileKind::Image;
                out.mime = actual.to_owned();
                out.base64 = Some(STANDARD.encode(bytes));
            }
        }
        FileKind::Text if size <= MAX_TEXT_BYTES => {
            out.kind = FileKind::Text;
            out.text = Some(decode_text(bytes));
        }
        FileKind::Html if size <= MAX_TEXT_BYTES => {
            out.kind = FileKind::Html;
            out.sanitized_html = Some(crate::html::sanitize(&decode_text(bytes)));
        }
        _ => {}
    }
    out
}

pub(super) fn index(what: &str, value: u32) -> CmdResult<usize> {
    if value > MAX_INDEX {
        return Err(CommandError::invalid(format!("{what}: out of range")));
    }
    Ok(value as usize)
}

#[tauri::command]
pub(crate) async fn file_content(
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
    document: u32,
    file: u32,
) -> CmdResult<FileContent> {
    let client = &state.backend().await?.client;
    let id = FileId {
        document: index("document", document)?,
        file: index("file", file)?,
    };
    let message = message_in(client, &mailbox_id, &message_id).await?;
    let meta = message
        .detail
        .as_ref()
        .and_then(|d| d.memo.file(id))
        .ok_or_else(|| CommandError::not_found("no such file in the message"))?
        .clone();
    let mime = plain_mime(&meta.encoding_format);
    let filename = safe_file_name(&meta.filename);
    if meta.size > MAX_SHOWN_BYTES || claimed_kind(&mime) == FileKind::Other {
        return Ok(FileContent::other(mime, filename, meta.size));
    }
    // Decrypted from the cache in one pass (the cache's files are sealed at rest).
    let bytes = client
        .file_content(&message.item.id, id.document, id.file)
        .await?;
    Ok(content(&mime, filename, &bytes))
}

#[tauri::command]
pub(crate) async fn save_file(
    window: WebviewWindow,
    state: State<'_, Shared>,
    mailbox_id: String,
    message_id: String,
    document: u32,
    file: u32,
) -> CmdResult<Option<SavedFile>> {
    let client = &state.backend().await?.client;
    let id = FileId {
        document: index("document", document)?,
        file: index("file", file)?,
    };
    let message = message_in(client, &mailbox_id, &message_id).await?;
    let meta = message
        .detail
        .as_ref()
        .and_then(|d| d.memo.file(id))
        .ok_or_else(|| CommandError::not_found("no such file in the message"))?
        .clone();
    let bytes = client
        .file_content(&message.item.id, id.document, id.file)
        .await?;
    let Some(target) =
        save::choose(&window, "Gem fil", &safe_file_name(&meta.filename), None).await
    else {
        return Ok(None);
    };
    save::write(&target, &bytes).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_are_cleaned() {
        assert_eq!(plain_mime("Application/PDF; name=x"), "application/pdf");
        assert_eq!(
            plain_mime("text/html\"><script>"),
            "application/octet-stream"
        );
        assert_eq!(plain_mime(""), "application/octet-stream");
        assert_eq!(plain_mime("image"), "application/octet-stream");
    }

    #[test]
    fn kinds_follow_the_bytes() {
        let pdf = content("application/pdf", "brev.pdf".into(), b"%PDF-1.7\n...");
        assert_eq!(pdf.kind, FileKind::Pdf);
        assert_eq!(pdf.base64.as_deref(), Some("JVBERi0xLjcKLi4u"));
        let fake = content("application/pdf", "brev.pdf".into(), b"MZ\x90\0 not a pdf");
        assert_eq!(fake.kind, FileKind::Other);
        assert!(fake.base64.is_none());

        let png = content("image/jpeg", "logo".into(), b"\x89PNG\r\n\x1a\n....");
        assert_eq!(png.kind, FileKind::Image);
        assert_eq!(png.mime, "image/png", "the bytes decide the format");
        let svg = content("image/png", "x".into(), b"<svg onload=alert(1)>");
        assert_eq!(svg.kind, FileKind::Other);

        let text = content(
            "text/plain",
            "t.txt".into(),
            "\u{FEFF}Kære Karen".as_bytes(),
        );
        assert_eq!(text.text.as_deref(), Some("Kære Karen"));
        let latin1 = content("text/plain", "t.txt".into(), b"K\xe6re");
        assert_eq!(latin1.text.as_deref(), Some("Kære"));

        let html = content(
            "text/html",
            "b.html".into(),
            b"<p>Hej</p><script>alert(1)</script><a href='https://x.example'>her</a>",
        );
        assert_eq!(html.kind, FileKind::Html);
        let clean = html.sanitized_html.unwrap();
        assert!(clean.contains("Hej") && clean.contains("her"));
        assert!(!clean.contains("script") && !clean.contains("x.example"));
    }

    #[test]
    fn file_content_serializes_as_the_ui_expects() {
        let json = serde_json::to_value(content("text/plain", "a.txt".into(), b"hej")).unwrap();
        assert_eq!(json["kind"], "text");
        assert_eq!(json["text"], "hej");
        assert_eq!(json["size"], 3);
        assert!(json["sanitizedHtml"].is_null());
    }
}
