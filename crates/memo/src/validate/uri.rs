//! The lexical check of `xs:anyURI`.
//!
//! XSD 1.0 defines an anyURI as a string that is a URI reference once the characters a URI
//! may not hold (spaces, non-ASCII letters, `<`, `>`, `"`, `{`, `}`, `|`, `\`, `^`, `` ` ``)
//! are %-escaped. So those characters are accepted here, and the rest is checked against the
//! URI-reference grammar of RFC 3986: a bad %-escape, a scheme that does not start with a
//! letter, a port that is not a number, a `#` inside the fragment or a `[` outside an IP
//! literal make it invalid. This is also what libxml2 (xmllint) checks.

/// Is `s` (white space already collapsed) a valid `xs:anyURI`?
pub(crate) fn is_uri_reference(s: &str) -> bool {
    let escaped: Vec<u8> = s
        .bytes()
        .map(|b| if needs_escape(b) { b'_' } else { b })
        .collect();
    absolute(&escaped) || relative(&escaped)
}

/// Characters XSD's anyURI escapes before the URI grammar applies (a `_` stands for the
/// escaped form, which is always valid where the character stood). libxml2 also escapes the
/// apostrophe, which RFC 3986 allows anyway.
fn needs_escape(b: u8) -> bool {
    !(0x21..0x7F).contains(&b) || b"<>\"{}|\\^`".contains(&b)
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

fn sub_delim(b: u8) -> bool {
    b"!$&'()*+,;=".contains(&b)
}

/// The length of the run at the start of `s` made of characters accepted by `ok` and
/// %-escapes; `None` if a `%` is not followed by two hex digits.
fn run(s: &[u8], ok: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            i += 3;
        } else if ok(s[i]) {
            i += 1;
        } else {
            break;
        }
    }
    Some(i)
}

fn pchar(b: u8) -> bool {
    unreserved(b) || sub_delim(b) || b == b':' || b == b'@'
}

/// `[ "?" query ] [ "#" fragment ]`, which must make up all of `s`.
fn query_fragment(s: &[u8]) -> bool {
    let mut rest = s;
    if let Some(after) = rest.strip_prefix(b"?") {
        let Some(n) = run(after, |b| pchar(b) || b == b'/' || b == b'?') else {
            return false;
        };
        rest = &after[n..];
    }
    if let Some(after) = rest.strip_prefix(b"#") {
        let Some(n) = run(after, |b| pchar(b) || b == b'/' || b == b'?') else {
            return false;
        };
        rest = &after[n..];
    }
    rest.is_empty()
}

/// A path of segments (`pchar*` separated by `/`) at the start of `s`: its length.
fn path(s: &[u8]) -> Option<usize> {
    run(s, |b| pchar(b) || b == b'/')
}

/// `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`
fn absolute(s: &[u8]) -> bool {
    let Some(colon) = s.iter().position(|b| *b == b':') else {
        return false;
    };
    let scheme = &s[..colon];
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b));
    scheme_ok && hier_part(&s[colon + 1..])
}

/// `"//" authority path-abempty / path-absolute / path-rootless / path-empty`, then the query
/// and fragment.
fn hier_part(s: &[u8]) -> bool {
    let rest = if let Some(after) = s.strip_prefix(b"//") {
        let Some(n) = authority(after) else {
            return false;
        };
        &after[n..]
    } else {
        s
    };
    match path(rest) {
        Some(n) => query_fragment(&rest[n..]),
        None => false,
    }
}

/// `relative-part [ "?" query ] [ "#" fragment ]`: like [`hier_part`], except that the first
/// segment of a path that does not start with `/` may not hold a `:` (it would be a scheme).
fn relative(s: &[u8]) -> bool {
    if s.starts_with(b"//") {
        return hier_part(s);
    }
    let Some(first) = run(s, |b| pchar(b) && b != b':') else {
        return false;
    };
    if s.get(first) == Some(&b':') {
        return false;
    }
    hier_part(s)
}

/// `[ userinfo "@" ] host [ ":" port ]` at the start of `s`: its length.
fn authority(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    let userinfo = run(s, |b| unreserved(b) || sub_delim(b) || b == b':')?;
    if s.get(userinfo) == Some(&b'@') {
        i = userinfo + 1;
    }
    let rest = &s[i..];
    let host = if rest.first() == Some(&b'[') {
        // An IP literal: its inside is taken as it is, as libxml2 does.
        let close = rest.iter().position(|b| *b == b']')?;
        close + 1
    } else {
        run(rest, |b| unreserved(b) || sub_delim(b))?
    };
    i += host;
    if s.get(i) == Some(&b':') {
        i += 1;
        i += s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    // The authority ends at a path, query, fragment or the end.
    match s.get(i) {
        None | Some(b'/' | b'?' | b'#') => Some(i),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_uri_reference;

    /// Each case was run through `xmllint --schema` (libxml2 2.9.14) with the MeMo 1.2 XSD, as
    /// the `url` of an `EntryPoint`; the expected answers are its verdicts.
    #[test]
    fn agrees_with_libxml2() {
        for ok in [
            "https://x.dk/a",
            "https://x.dk/a b",
            "http://[::1]/",
            "a:b:c",
            "http://x.dk/æø",
            "//x",
            "",
            "mailto:a@b",
            "http://a b.dk/",
            "http://x.dk/{a}",
            "https://betaling.example/rm/123?id=5&x=%20#top",
            "relative/path?q",
            "http://x:8080/",
            "http://x:/",
        ] {
            assert!(is_uri_reference(ok), "{ok:?} should be valid");
        }
        for bad in [
            "%zz",
            "a#b#c",
            "http://[bad/",
            "http://x:8a/",
            "::",
            "1abc:x",
            "http://x.dk/a?b=[1]",
            "http://x.dk/%",
            "http://x.dk/%4",
            "http://user@@x/",
        ] {
            assert!(!is_uri_reference(bad), "{bad:?} should be invalid");
        }
    }
}
