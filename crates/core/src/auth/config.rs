//! The configuration of sign-in, and the start-up check that keeps the test provider on
//! loopback.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use super::rate_limit::RateLimits;

/// How long an authorization code lives by default (one minute).
pub const DEFAULT_CODE_TTL: Duration = Duration::from_secs(60);
/// How long an access token lives by default (ten minutes).
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);
/// How long a refresh token lives by default (30 days; each rotation starts a new period).
pub const DEFAULT_REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The configuration of sign-in.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The public base URL of this server: the `issuer` of the discovery document, and the base
    /// of every endpoint it names (`{issuer}/oauth/token`, ...). A query or fragment is ignored.
    pub issuer: Url,
    /// The built-in test identity provider: the login page lists the persons of the database
    /// and signs in whichever is chosen, without any proof. On in demo mode, off otherwise
    /// unless explicitly enabled; never on a non-loopback address (see
    /// [`check_listen_address`]).
    pub test_provider: bool,
    /// Lifetime of an authorization code.
    pub code_ttl: Duration,
    /// Lifetime of an access token.
    pub access_token_ttl: Duration,
    /// Lifetime of a refresh token, counted from its issue.
    pub refresh_token_ttl: Duration,
    /// Rate limits of sign-in and the token endpoint.
    pub rate_limits: RateLimits,
}

impl AuthConfig {
    /// A configuration with the default lifetimes.
    pub fn new(issuer: Url, test_provider: bool) -> Self {
        AuthConfig {
            issuer,
            test_provider,
            code_ttl: DEFAULT_CODE_TTL,
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            refresh_token_ttl: DEFAULT_REFRESH_TOKEN_TTL,
            rate_limits: RateLimits::default(),
        }
    }

    /// The issuer identifier as written in the discovery document: the URL without query,
    /// fragment or trailing slash.
    pub(crate) fn issuer_id(&self) -> String {
        let mut url = self.issuer.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.as_str().trim_end_matches('/').to_owned()
    }

    /// The absolute URL of an endpoint path such as `/oauth/token`.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer_id())
    }
}

/// The test provider was switched on for a server that would listen beyond this machine.
#[derive(Debug, thiserror::Error)]
#[error(
    "the test identity provider lets anyone sign in as anyone, so it may only listen on a \
     loopback address (127.0.0.1 or ::1), not on {addr}"
)]
pub struct ListenAddressError {
    /// The refused address.
    pub addr: SocketAddr,
}

/// Refuses a non-loopback listen address when the test provider is on. The server calls this
/// at start-up, before it binds.
pub fn check_listen_address(
    test_provider: bool,
    addr: SocketAddr,
) -> Result<(), ListenAddressError> {
    if test_provider && !addr.ip().to_canonical().is_loopback() {
        return Err(ListenAddressError { addr });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_provider_only_on_loopback() {
        let ok = [
            "127.0.0.1:8080",
            "[::1]:8080",
            "127.0.0.2:1",
            "[::ffff:127.0.0.1]:80",
        ];
        for addr in ok {
            let addr: SocketAddr = addr.parse().unwrap();
            assert!(check_listen_address(true, addr).is_ok(), "{addr}");
        }
        let refused = [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.10:443",
            "[2001:db8::1]:80",
        ];
        for addr in refused {
            let addr: SocketAddr = addr.parse().unwrap();
            assert!(check_listen_address(true, addr).is_err(), "{addr}");
            assert!(check_listen_address(false, addr).is_ok(), "{addr}");
        }
    }

    #[test]
    fn issuer_without_trailing_slash_query_or_fragment() {
        let config = AuthConfig::new(Url::parse("https://post.example/?x=1#y").unwrap(), false);
        assert_eq!(config.issuer_id(), "https://post.example");
        assert_eq!(
            config.endpoint("/oauth/token"),
            "https://post.example/oauth/token"
        );
        let config = AuthConfig::new(Url::parse("https://post.example/core/").unwrap(), false);
        assert_eq!(
            config.endpoint("/oauth/token"),
            "https://post.example/core/oauth/token"
        );
    }
}
