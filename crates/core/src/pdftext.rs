//! The text of a PDF, roughly, for the search index: the strings that text-showing operators
//! (`Tj`, `TJ`, `'`, `"`) show in the PDF's uncompressed content streams, read as Latin-1
//! (WinAnsi's Danish letters are where Latin-1 has them). Compressed streams (most PDFs
//! compress theirs) are skipped, as are fonts with their own encodings: this is a bonus for
//! search, not a PDF reader. The input is hostile: every loop is bounded by the input and the
//! output by `limit`.

/// The text shown by the uncompressed content streams of `pdf`, at most `limit` bytes.
pub(crate) fn pdf_text(pdf: &[u8], limit: usize) -> String {
    let mut out = String::new();
    let mut at = 0;
    while let Some(start) = find(&pdf[at..], b"stream").map(|i| at + i) {
        let dict_start = start.saturating_sub(512);
        let before = &pdf[dict_start..start];
        let mut body = start + b"stream".len();
        if pdf.get(body) == Some(&b'\r') {
            body += 1;
        }
        if pdf.get(body) == Some(&b'\n') {
            body += 1;
        }
        let Some(end) = find(&pdf[body..], b"endstream").map(|i| body + i) else {
            break;
        };
        // The dictionary of this stream is after the last "obj" before it.
        let dict = match rfind(before, b"obj") {
            Some(i) => &before[i..],
            None => before,
        };
        if find(dict, b"/Filter").is_none() && start >= 3 && &pdf[start - 3..start] != b"end" {
            shown_text(&pdf[body..end], &mut out, limit);
        }
        if out.len() >= limit {
            break;
        }
        at = end + b"endstream".len();
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Appends the text a content stream shows.
fn shown_text(stream: &[u8], out: &mut String, limit: usize) {
    let mut pending = String::new();
    let mut i = 0;
    while i < stream.len() && out.len() < limit {
        match stream[i] {
            b'(' => {
                let (s, next) = literal(stream, i + 1);
                pending.push_str(&s);
                i = next;
                continue;
            }
            b'%' => {
                while i < stream.len() && stream[i] != b'\n' && stream[i] != b'\r' {
                    i += 1;
                }
            }
            b'-' | b'0'..=b'9' | b'.' => {
                // A large negative adjustment inside a TJ array is a word space.
                let from = i;
                i += 1;
                while i < stream.len() && (stream[i].is_ascii_digit() || stream[i] == b'.') {
                    i += 1;
                }
                let n: f32 = std::str::from_utf8(&stream[from..i])
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0.0);
                if n < -200.0 && !pending.is_empty() && !pending.ends_with(' ') {
                    pending.push(' ');
                }
                continue;
            }
            b'T' if matches!(stream.get(i + 1), Some(b'j' | b'J')) => {
                flush(&mut pending, out, limit);
                i += 2;
                continue;
            }
            b'\'' | b'"' => flush(&mut pending, out, limit),
            b'E' if stream.get(i + 1) == Some(&b'T') => pending.clear(),
            _ => {}
        }
        i += 1;
    }
}

fn flush(pending: &mut String, out: &mut String, limit: usize) {
    let room = limit.saturating_sub(out.len());
    let text: String = pending.trim().chars().take(room).collect();
    if !text.is_empty() {
        out.push_str(&text);
        out.push(' ');
    }
    pending.clear();
}

/// A literal string starting after its `(`: its text and the index after its `)`.
fn literal(s: &[u8], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 1usize;
    while i < s.len() {
        let b = s[i];
        i += 1;
        match b {
            b'\\' => {
                let Some(&e) = s.get(i) else { break };
                i += 1;
                match e {
                    b'n' | b'r' | b't' | b'f' | b'b' => text.push(' '),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match s.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        text.push(latin1(v as u8));
                    }
                    b'\r' | b'\n' => {}
                    other => text.push(latin1(other)),
                }
            }
            b'(' => {
                depth += 1;
                text.push('(');
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                text.push(')');
            }
            other => text.push(latin1(other)),
        }
    }
    (text, i)
}

fn latin1(b: u8) -> char {
    if b.is_ascii_control() {
        ' '
    } else {
        char::from(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_an_uncompressed_pdf() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Length 90 >>\nstream\nBT /F1 12 Tf 72 700 Td (Din \\345rsopg\\370relse) Tj T* [(for)-300(2026)] TJ ET\nendstream\nendobj\n\
                    2 0 obj << /Length 20 /Filter /FlateDecode >>\nstream\n(hidden) Tj\nendstream\nendobj\n";
        assert_eq!(pdf_text(pdf, 1000).trim(), "Din årsopgørelse for 2026");
    }

    #[test]
    fn hostile_input_ends() {
        assert_eq!(pdf_text(b"stream\n(unterminated", 100), "");
        assert_eq!(pdf_text(b"stream\n(a\\", 100), "");
        let long = [
            b"stream\n".as_slice(),
            &b"(x) Tj ".repeat(1000),
            b"endstream",
        ]
        .concat();
        assert!(pdf_text(&long, 50).len() <= 52);
        assert_eq!(pdf_text(b"", 10), "");
    }
}
