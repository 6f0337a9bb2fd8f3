//! The registered public clients (native apps) and the matching of their redirect URIs.
//!
//! Native apps receive the authorization response on a loopback port the operating system
//! picks at run time, so a registered loopback redirect URI matches a requested one on any
//! port (RFC 8252 §7.3); scheme, host, path and query must be equal. Only the IP literals
//! `127.0.0.1` and `[::1]` are loopback here: `localhost` may resolve elsewhere (RFC 8252 §8.3).

use url::{Host, Url};

/// A public client: a native app that holds no secret and must use PKCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicClient {
    /// The `client_id`.
    pub id: &'static str,
    /// The registered redirect URIs; loopback ones match on any port.
    pub redirect_uris: &'static [&'static str],
}

/// The callback path both native clients listen on.
const LOOPBACK_REDIRECTS: &[&str] = &["http://127.0.0.1/callback", "http://[::1]/callback"];

/// Every registered public client.
pub const PUBLIC_CLIENTS: &[PublicClient] = &[
    PublicClient {
        id: "brevdue-desktop",
        redirect_uris: LOOPBACK_REDIRECTS,
    },
    PublicClient {
        id: "brevdue-cli",
        redirect_uris: LOOPBACK_REDIRECTS,
    },
];

/// The public client with this id.
pub fn public_client(id: &str) -> Option<&'static PublicClient> {
    PUBLIC_CLIENTS.iter().find(|client| client.id == id)
}

impl PublicClient {
    /// Whether `requested` is one of this client's redirect URIs, loopback ones on any port.
    pub fn accepts_redirect(&self, requested: &str) -> bool {
        let Ok(requested) = Url::parse(requested) else {
            return false;
        };
        self.redirect_uris.iter().any(|registered| {
            Url::parse(registered).is_ok_and(|registered| redirect_matches(&registered, &requested))
        })
    }
}

fn redirect_matches(registered: &Url, requested: &Url) -> bool {
    if requested.fragment().is_some()
        || !requested.username().is_empty()
        || requested.password().is_some()
    {
        return false;
    }
    let same_apart_from_port = requested.scheme() == registered.scheme()
        && requested.host() == registered.host()
        && requested.path() == registered.path()
        && requested.query() == registered.query();
    if !same_apart_from_port {
        return false;
    }
    if is_loopback_ip(registered) {
        registered.scheme() == "http"
    } else {
        requested.port_or_known_default() == registered.port_or_known_default()
    }
}

fn is_loopback_ip(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port() {
        let Some(desktop) = public_client("brevdue-desktop") else {
            unreachable!("the desktop client is registered")
        };
        for ok in [
            "http://127.0.0.1:49152/callback",
            "http://127.0.0.1/callback",
            "http://[::1]:8765/callback",
        ] {
            assert!(desktop.accepts_redirect(ok), "{ok}");
        }
        for refused in [
            "http://localhost:49152/callback",
            "https://127.0.0.1:49152/callback",
            "http://127.0.0.1:49152/other",
            "http://127.0.0.1:49152/callback?x=1",
            "http://127.0.0.1:49152/callback#frag",
            "http://user@127.0.0.1:49152/callback",
            "http://127.0.0.2:49152/callback",
            "http://evil.example/callback",
            "http://127.0.0.1.evil.example/callback",
            "not a url",
            "",
        ] {
            assert!(!desktop.accepts_redirect(refused), "{refused}");
        }
        assert!(public_client("brevdue-cli").is_some());
        assert!(public_client("someone-else").is_none());
    }
}
