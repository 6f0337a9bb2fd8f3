//! One message as an RFC 5322 e-mail with MIME (RFC 2045-2049), for Maildir and mbox: a
//! `multipart/mixed` of a short plain-text summary and every file of every document as a
//! base64 attachment, streamed from the cache (never held whole).
//!
//! - Header text (subject, names) that is not plain ASCII is written as RFC 2047 encoded
//!   words (`=?UTF-8?B?...?=`), so Danish letters survive every mail program.
//! - `Date` is the received time in RFC 5322's form; `Message-ID` is made from the MeMo's
//!   messageUUID, so the copies of one message share it.
//! - Attachment names are the sender's, made safe (`brevdue_memo::safe_name`), as RFC 2231
//!   parameters (`filename*0*=UTF-8''...`) when they are not plain ASCII.
//! - Lines end in LF (the convention of Maildir and mbox on disk) and are at most 78
//!   characters but for very long plain-ASCII subjects (at most 998, the hard limit).
//!
//! **Invariant:** no line of the output starts with `From ` (headers have a colon after the
//! name, folded lines start with a space, bodies are base64), so an mbox needs no escaping.

use std::io::{self, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use brevdue_memo::safe_name::safe_file_name;

use super::Item;

/// The bytes of a file read at once: a multiple of 57, so that each 57 bytes are one
/// 76-character base64 line.
const CHUNK: usize = 57 * 1024;
/// Raw bytes per RFC 2047 encoded word: 45 bytes are 60 base64 characters, and with
/// `=?UTF-8?B?` and `?=` the word stays within 75 characters.
const WORD_BYTES: usize = 45;
/// The longest header value written unencoded.
const MAX_PLAIN_HEADER: usize = 900;

/// Writes `item` as an e-mail to `out`, with `extra` headers (e.g. mbox's `Status`).
pub(crate) fn write_message(
    out: &mut dyn Write,
    item: &Item,
    extra: &[(&str, String)],
) -> io::Result<()> {
    let summary = &item.detail.summary;
    let boundary = format!("=_brevdue_{}", super::short_hash(&summary.id));
    header(
        out,
        "From",
        &address(
            &summary.sender.label,
            &format!(
                "{}@sender.brevdue.invalid",
                local_part(&summary.sender.sender_id)
            ),
        ),
    )?;
    header(
        out,
        "To",
        &address(
            &item.mailbox.owner_name,
            &format!("{}@mailbox.brevdue.invalid", local_part(&item.mailbox.id)),
        ),
    )?;
    header(out, "Subject", &text(&summary.label))?;
    header(out, "Date", &summary.received_date_time.to_rfc2822())?;
    header(
        out,
        "Message-ID",
        &format!(
            "<{}@memo.brevdue.invalid>",
            local_part(&summary.message_uuid)
        ),
    )?;
    header(out, "X-Brevdue-Message-Id", &local_part(&summary.id))?;
    for (name, value) in extra {
        header(out, name, value)?;
    }
    header(out, "MIME-Version", "1.0")?;
    header(
        out,
        "Content-Type",
        &format!("multipart/mixed;\n boundary=\"{boundary}\""),
    )?;
    out.write_all(b"\nThis is a message in MIME format, exported by Brevdue.\n")?;

    writeln!(out, "--{boundary}")?;
    header(out, "Content-Type", "text/plain; charset=utf-8")?;
    header(out, "Content-Disposition", "inline")?;
    header(out, "Content-Transfer-Encoding", "base64")?;
    out.write_all(b"\n")?;
    base64_lines(out, &mut summary_text(item).as_bytes())?;

    for attachment in &item.files {
        writeln!(out, "--{boundary}")?;
        let name = safe_file_name(&attachment.meta.filename);
        header(
            out,
            "Content-Type",
            &format!(
                "{};\n name={}",
                media_type(&attachment.meta.encoding_format),
                quoted_or_encoded(&name)
            ),
        )?;
        header(
            out,
            "Content-Disposition",
            &format!("attachment;\n {}", filename_parameter(&name)),
        )?;
        if let Some(label) = attachment.document_label.as_deref() {
            header(out, "Content-Description", &text(label))?;
        }
        header(out, "Content-Transfer-Encoding", "base64")?;
        out.write_all(b"\n")?;
        base64_lines(out, &mut attachment.content.as_slice())?;
    }
    writeln!(out, "--{boundary}--")?;
    Ok(())
}

/// `Name: value` and a line end. `value` may hold folds (`\n `) the caller placed.
fn header(out: &mut dyn Write, name: &str, value: &str) -> io::Result<()> {
    writeln!(out, "{name}: {value}")
}

/// The reader's summary of the message: sender, subject, dates, the notification, the
/// documents and what the message asks of the reader. In Danish, like the rest of the app.
fn summary_text(item: &Item) -> String {
    let summary = &item.detail.summary;
    let memo = &item.detail.memo;
    let mut lines = vec![
        format!("Fra: {}", clean(&summary.sender.label)),
        format!("Emne: {}", clean(&summary.label)),
        format!(
            "Modtaget: {}",
            summary.received_date_time.format("%d.%m.%Y %H:%M UTC")
        ),
    ];
    if let Some(by) = summary.reply_by_date_time {
        lines.push(format!("Svarfrist: {}", by.format("%d.%m.%Y %H:%M UTC")));
    }
    for note in [&memo.notification, &memo.additional_notification]
        .into_iter()
        .flatten()
    {
        lines.push(String::new());
        lines.push(clean_block(note));
    }
    if !item.files.is_empty() {
        lines.push(String::new());
        lines.push("Dokumenter (vedhæftet):".to_owned());
        for attachment in &item.files {
            lines.push(format!(
                "- {} ({}, {} bytes)",
                safe_file_name(&attachment.meta.filename),
                media_type(&attachment.meta.encoding_format),
                attachment.meta.size
            ));
        }
    }
    let actions: Vec<_> = memo.actions().collect();
    if !actions.is_empty() {
        lines.push(String::new());
        lines.push("Handlinger:".to_owned());
        for action in actions {
            let mut line = format!("- {}", clean(&action.label));
            if let Some(end) = action.end_date_time {
                line.push_str(&format!(" (senest {})", end.format("%d.%m.%Y %H:%M UTC")));
            }
            if let Some(url) = &action.entry_point {
                line.push_str(&format!(": {}", clean(url)));
            }
            lines.push(line);
        }
    }
    lines.push(String::new());
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// One line of text from a message: control and direction characters become spaces.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if is_unsafe_char(c) { ' ' } else { c })
        .collect()
}

/// Several lines of text from a message: line breaks kept, other controls become spaces.
fn clean_block(text: &str) -> String {
    text.lines().map(clean).collect::<Vec<_>>().join("\n")
}

fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}')
}

/// Writes `input` as base64, 76 characters a line.
fn base64_lines(out: &mut dyn Write, input: &mut dyn Read) -> io::Result<()> {
    let mut buffer = vec![0u8; CHUNK];
    let mut encoded = String::with_capacity(CHUNK / 3 * 4 + 4);
    loop {
        // Fill the buffer fully (a short read mid-file would break the 57-byte lines).
        let mut filled = 0;
        while filled < CHUNK {
            match input.read(&mut buffer[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            return Ok(());
        }
        encoded.clear();
        STANDARD.encode_string(&buffer[..filled], &mut encoded);
        for line in encoded.as_bytes().chunks(76) {
            out.write_all(line)?;
            out.write_all(b"\n")?;
        }
        if filled < CHUNK {
            return Ok(());
        }
    }
}

/// A header text (a subject): as it is when it is short printable ASCII, else RFC 2047
/// encoded words.
fn text(value: &str) -> String {
    let value = clean(value);
    if is_plain_ascii(&value) && value.len() <= MAX_PLAIN_HEADER && !value.contains("=?") {
        value
    } else {
        encoded_words(&value)
    }
}

/// `"Name" <address>`, the name as encoded words when it is not plain ASCII.
fn address(name: &str, addr: &str) -> String {
    format!("{} <{addr}>", quoted_or_encoded(&clean(name)))
}

/// A quoted string of plain ASCII, or RFC 2047 encoded words (also what mail programs
/// accept in a MIME `name` parameter).
fn quoted_or_encoded(value: &str) -> String {
    if is_plain_ascii(value)
        && !value.contains(['"', '\\'])
        && !value.contains("=?")
        && value.len() <= 200
    {
        format!("\"{value}\"")
    } else {
        encoded_words(value)
    }
}

fn is_plain_ascii(value: &str) -> bool {
    value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// RFC 2047 `B` encoded words of at most [`WORD_BYTES`] bytes each (never splitting a
/// character), folded one per line.
fn encoded_words(value: &str) -> String {
    let mut words = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let mut end = rest.len().min(WORD_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (word, tail) = rest.split_at(end);
        words.push(format!("=?UTF-8?B?{}?=", STANDARD.encode(word)));
        rest = tail;
    }
    if words.is_empty() {
        return "\"\"".to_owned();
    }
    words.join("\n ")
}

/// `filename="name"` for plain ASCII, else RFC 2231 `filename*0*=UTF-8''...` continuations.
fn filename_parameter(name: &str) -> String {
    if is_plain_ascii(name) && !name.contains(['"', '\\']) {
        return format!("filename=\"{name}\"");
    }
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    // Pieces of at most 50 characters (a line stays within 78), never splitting a %XX.
    let mut pieces = Vec::new();
    let mut rest = encoded.as_str();
    while !rest.is_empty() {
        let mut end = rest.len().min(50);
        if let Some(percent) = rest[..end].rfind('%')
            && percent + 3 > end
        {
            end = percent;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            let charset = if i == 0 { "UTF-8''" } else { "" };
            format!("filename*{i}*={charset}{piece}")
        })
        .collect::<Vec<_>>()
        .join(";\n ")
}

/// The file's media type when it is a well-formed `type/subtype`, else
/// `application/octet-stream`.
fn media_type(declared: &str) -> String {
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match declared.trim().split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => {
            format!("{}/{}", kind.to_ascii_lowercase(), sub.to_ascii_lowercase())
        }
        _ => "application/octet-stream".to_owned(),
    }
}

/// The ASCII letters, digits, `.`, `_` and `-` of an id, for the local part of an address
/// or a Message-ID (ids come from the server and are not trusted).
fn local_part(id: &str) -> String {
    let kept: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(100)
        .collect();
    let kept = kept.trim_matches('.').to_owned();
    if kept.is_empty() {
        "unknown".to_owned()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_text_becomes_encoded_words_that_decode_back() {
        assert_eq!(text("Årsopgørelse"), "=?UTF-8?B?w4Vyc29wZ8O4cmVsc2U=?=");
        let long = "æøå ".repeat(30);
        let encoded = text(&long);
        let mut decoded = Vec::new();
        for word in encoded.split("\n ") {
            assert!(word.len() <= 75, "{word}");
            let b64 = word
                .strip_prefix("=?UTF-8?B?")
                .unwrap()
                .strip_suffix("?=")
                .unwrap();
            decoded.extend(STANDARD.decode(b64).unwrap());
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), long);
        assert_eq!(text("Plain subject"), "Plain subject");
        assert_eq!(text("a\r\nBcc: x"), "a  Bcc: x", "no header injection");
        assert!(text("=?UTF-8?B?eA==?=").starts_with("=?UTF-8?B?PT9"));
    }

    #[test]
    fn file_names_use_rfc2231_continuations() {
        assert_eq!(filename_parameter("brev.pdf"), "filename=\"brev.pdf\"");
        let name = format!("{}.pdf", "afgørelse ".repeat(8));
        let param = filename_parameter(&name);
        assert!(
            param.starts_with("filename*0*=UTF-8''afg%C3%B8relse%20"),
            "{param}"
        );
        assert!(param.contains(";\n filename*1*="), "{param}");
        for line in param.lines() {
            assert!(line.len() <= 78, "{line}");
        }
        let joined: String = param
            .split(";\n ")
            .map(|p| p.split_once("*=").unwrap().1.trim_start_matches("UTF-8''"))
            .collect();
        let mut decoded = Vec::new();
        let bytes = joined.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                decoded.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), name);
    }

    #[test]
    fn media_types_and_ids_are_checked() {
        assert_eq!(media_type("application/PDF"), "application/pdf");
        assert_eq!(media_type("text/html\"; x=1"), "application/octet-stream");
        assert_eq!(media_type("nonsense"), "application/octet-stream");
        assert_eq!(local_part("../a b@c"), "abc");
        assert_eq!(local_part("@@"), "unknown");
        assert_eq!(local_part("3f2a-11"), "3f2a-11");
    }

    #[test]
    fn base64_lines_are_76_characters_and_decode_back() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut out = Vec::new();
        base64_lines(&mut out, &mut bytes.as_slice()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 76));
        assert_eq!(STANDARD.decode(lines.concat()).unwrap(), bytes);
    }
}
