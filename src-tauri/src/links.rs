//! Checking an address a letter asks the user to open (an `EntryPoint`) before it goes to the
//! system browser. The UI has shown the whole address and asked first; this is the wall on the
//! Rust side: only `http` and `https`, with a host, without a user name or password (a way to
//! disguise where a link leads), without white space or control characters, and not huge.

use url::Url;

/// The longest address opened.
const MAX_URL_LEN: usize = 4096;

/// The address to open, or why not.
pub(crate) fn web_address(text: &str) -> Result<Url, &'static str> {
    if text.len() > MAX_URL_LEN {
        return Err("the address is too long");
    }
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return Err("the address holds white space, control or direction characters");
    }
    let url = Url::parse(text).map_err(|_| "not a web address")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http and https addresses are opened");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the address has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the address holds a user name or password");
    }
    Ok(url)
}

/// Characters that change how text is shown without showing themselves (bidi controls,
/// zero-width characters): they can make an address read as another.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_only() {
        for good in [
            "https://www.borger.dk/",
            "http://selvbetjening.fjordmark.example/ansog?id=5#top",
            "https://xn--rhus-dqa.example/",
        ] {
            assert!(web_address(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>x</script>",
            "mailto:a@b.example",
            "smb://server/share",
            "https://bank.example@evil.example/",
            "https://user:pw@x.example/",
            "https://x.example/a b",
            "https://x.example/\u{202e}exe",
            " https://x.example/",
            "https://",
            "http:",
            "//x.example/",
            "",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
        assert!(web_address(&format!("https://x.example/{}", "a".repeat(5000))).is_err());
    }
}
