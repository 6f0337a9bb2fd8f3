//! The HTML pages of the authorization endpoint: the test provider's login page, the page that
//! says no identity provider is configured, and error pages. Plain Danish HTML without
//! JavaScript; everything that comes from the request or the database is escaped.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::persons::DemoIdentity;

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'IBM Plex Sans',Arial,sans-serif;line-height:1.5;\
color:#1a1a1a;background:#fff;margin:0}\
main{max-width:40rem;margin:0 auto;padding:2rem 1rem}\
h1{font-size:1.75rem;margin:0 0 1rem}\
.demo{border-left:6px solid #ffb000;background:#fff5e0;padding:.75rem 1rem}\
ul{list-style:none;padding:0}li{margin:.75rem 0}\
button{font:inherit;cursor:pointer;border-radius:4px}\
.identity{display:block;width:100%;text-align:left;padding:.75rem 1rem;\
border:2px solid #0059b3;background:#fff;color:#1a1a1a}\
.identity:hover,.identity:focus{background:#e6f0fa}\
.identity:focus{outline:3px solid #ffb000;outline-offset:2px}\
.name{display:block;font-weight:600;color:#0059b3}.description{display:block}\
.cancel{padding:.5rem 1rem;border:2px solid #666;background:#fff}";

/// A complete page with the headers every page of the authorization endpoint carries: no
/// caching, no framing (against clickjacking), no referrer, no scripts.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} – Brevdue</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         {body}</main>\n</body>\n</html>\n",
        title = escape(title),
    );
    (
        status,
        [
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ),
            ),
        ],
        Html(html),
    )
        .into_response()
}

/// The test provider's login page: one button per identity, each posting the authorization
/// request back with `login_hint` set to that identity. The form's target is relative, so it
/// posts back to the address the browser used, whatever prefix the server mounts us under.
pub(crate) fn login(hidden: &[(&str, &str)], identities: &[DemoIdentity]) -> Response {
    let mut body = String::from(
        "<h1>Log på Brevdue</h1>\n\
         <p class=\"demo\"><strong>Testlogin – ikke MitID.</strong> \
         Vælg hvem du vil logge på som. Personerne er opdigtede.</p>\n",
    );
    body.push_str("<form method=\"post\" action=\"authorize\">\n");
    for (name, value) in hidden {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    if identities.is_empty() {
        body.push_str("<p>Der er ingen testpersoner at logge på som.</p>\n");
    } else {
        body.push_str("<ul>\n");
        for identity in identities {
            body.push_str(&format!(
                "<li><button class=\"identity\" type=\"submit\" name=\"login_hint\" value=\"{id}\">\
                 <span class=\"name\">{name}</span>\
                 <span class=\"description\">{description}</span></button></li>\n",
                id = escape(&identity.id),
                name = escape(&identity.name),
                description = escape(&identity.description),
            ));
        }
        body.push_str("</ul>\n");
    }
    body.push_str(
        "<p><button class=\"cancel\" type=\"submit\" name=\"cancel\" value=\"1\">Annullér</button></p>\n\
         </form>\n",
    );
    page(StatusCode::OK, "Log på", &body)
}

/// The page shown when sign-in is asked for but no identity provider is configured.
pub(crate) fn no_provider() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Log på er ikke muligt",
        "<h1>Log på er ikke muligt</h1>\n\
         <p>Denne server har ingen identitetsudbyder: MitID er ikke sat op, \
         og testlogin er slået fra.</p>\n\
         <p>Kontakt den, der driver serveren. Du kan lukke dette vindue.</p>\n",
    )
}

/// An error page for a request that cannot be answered by redirecting to the client.
pub(crate) fn error(status: StatusCode, message: &str, detail: &str) -> Response {
    let body = format!(
        "<h1>Log på mislykkedes</h1>\n<p>{}</p>\n<p>Teknisk forklaring: <code>{}</code></p>\n\
         <p>Luk dette vindue, og prøv igen fra programmet.</p>\n",
        escape(message),
        escape(detail),
    );
    page(status, "Log på mislykkedes", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
