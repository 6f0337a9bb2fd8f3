//! The readable text of a document, for the search index: plain text as it is, HTML with its
//! tags, scripts and styles removed and the common entities decoded.

/// The text of an HTML document: tags removed, `<script>` and `<style>` contents dropped,
/// block-level breaks turned into spaces, entities `&amp; &lt; &gt; &quot; &apos; &nbsp;` and
/// numeric ones decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            Some("</script")
        } else if lower.starts_with("<style") {
            Some("</style")
        } else if lower.starts_with("<!--") {
            Some("-->")
        } else {
            None
        };
        if let Some(end) = skip_to {
            match find_ascii_ci(rest, end) {
                Some(i) => rest = &rest[i..],
                None => return squeeze(&out),
            }
        }
        match rest.find('>') {
            Some(gt) => {
                out.push(' ');
                rest = &rest[gt + 1..];
            }
            None => return squeeze(&out),
        }
    }
    push_decoded(&mut out, rest);
    squeeze(&out)
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "aelig" => 'æ',
        "oslash" => 'ø',
        "aring" => 'å',
        "AElig" => 'Æ',
        "Oslash" => 'Ø',
        "Aring" => 'Å',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Runs of white space as one space, trimmed.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_scripts_and_entities() {
        let html = "<html><head><style>p{color:red}</style><script>alert('x<y')</script></head>\
                    <body><p>Din &aring;rsopg&oslash;relse &amp; <b>skat</b></p><!-- hidden --> \
                    &#x41;&#66; &bogus;</body></html>";
        assert_eq!(html_to_text(html), "Din årsopgørelse & skat AB &bogus;");
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        assert_eq!(html_to_text("a <b"), "a");
        assert_eq!(html_to_text("a <script>never ends"), "a");
        assert_eq!(html_to_text("&#99999999999;"), "&#99999999999;");
        assert_eq!(html_to_text("&æøåæøåæøå;"), "&æøåæøåæøå;");
    }
}
