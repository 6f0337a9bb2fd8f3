//! Sanitizing HTML letters before they reach the UI.
//!
//! A letter's HTML is hostile. What is left after [`sanitize`] cannot run, submit, navigate or
//! load anything: no scripts, no event handlers, no forms, no styles (a style sheet can load
//! addresses), no links (their text stays), and no address of any kind except images given
//! inline as `data:` URIs of raster formats (PNG, JPEG, GIF, WebP; not SVG, which can carry
//! script). The UI shows the result in a sandboxed frame with a CSP of its own on top.

use std::borrow::Cow;
use std::collections::HashSet;

use ammonia::{Builder, UrlRelative};

/// Returns `html` with everything that could run or load removed; see the module doc.
pub(crate) fn sanitize(html: &str) -> String {
    Builder::default()
        .url_schemes(HashSet::from(["data"]))
        .url_relative(UrlRelative::Deny)
        .link_rel(None)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") => is_raster_data_uri(value).then_some(Cow::Borrowed(value)),
            // Any other attribute that names an address goes, whatever its scheme.
            (_, "href" | "src" | "cite" | "longdesc" | "srcset" | "usemap" | "action") => None,
            _ => Some(Cow::Borrowed(value)),
        })
        .clean(html)
        .to_string()
}

/// `data:image/png;base64,...` and the like, for the raster formats only.
fn is_raster_data_uri(value: &str) -> bool {
    let lower = value
        .trim_start()
        .get(..24)
        .unwrap_or("")
        .to_ascii_lowercase();
    [
        "data:image/png;",
        "data:image/jpeg;",
        "data:image/jpg;",
        "data:image/gif;",
        "data:image/webp;",
    ]
    .iter()
    .any(|prefix| lower.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_runs_or_loads() {
        let dirty = r#"<p onclick="steal()">Hej <b>Karen</b></p>
            <script>alert(1)</script>
            <style>body { background: url(https://track.example/x.png) }</style>
            <img src="https://track.example/pixel.gif" alt="pixel">
            <img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="logo" onerror="x()">
            <a href="https://phish.example/login">Log ind her</a>
            <a href="javascript:alert(1)">klik</a>
            <form action="https://phish.example"><input name="cpr"><button>Send</button></form>
            <iframe src="https://x.example"></iframe>
            <blockquote cite="https://x.example">citat</blockquote>
            <div style="background:url(https://x.example)">stil</div>"#;
        let clean = sanitize(dirty);
        for gone in [
            "onclick",
            "script",
            "alert",
            "style",
            "track.example",
            "svg+xml",
            "onerror",
            "href",
            "phish",
            "javascript",
            "form",
            "input",
            "button",
            "iframe",
            "cite=",
            "x.example",
        ] {
            assert!(!clean.contains(gone), "{gone} left in {clean}");
        }
        for kept in [
            "Hej <b>Karen</b>",
            "data:image/png;base64,iVBORw0KGgo=",
            "Log ind her",
            "citat",
            "stil",
        ] {
            assert!(clean.contains(kept), "{kept} missing from {clean}");
        }
    }

    #[test]
    fn broken_html_is_no_problem() {
        let clean =
            sanitize("<p><b>ikke lukket <img src=data:image/gif;base64,R0lG <<<>>> &bogus;");
        assert!(clean.contains("ikke lukket"));
        assert!(!clean.contains("<<"));
    }
}
