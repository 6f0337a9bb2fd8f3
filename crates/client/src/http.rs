//! The HTTP client every part of the client shares, and reading answers with a size limit.
//!
//! rustls only (no OpenSSL). Redirects are never followed: the API does not use them, and the
//! one redirect of the sign-in is handled by hand so that its target can be checked.

use std::time::Duration;

use serde::de::DeserializeOwned;
use url::{Host, Url};

use crate::error::{ClientError, ErrorKind, Result};

/// The largest JSON answer read (a page of messages, a message's model, a change feed).
pub(crate) const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// A new HTTP client with Brevdue's settings.
pub fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("brevdue-client/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(60))
        .build()
        .map_err(|error| {
            ClientError::new(ErrorKind::Protocol, "the HTTP client could not be set up")
                .with_source(error)
        })
}

/// Whether a server at `url` may be sent tokens: `https` anywhere, `http` only on loopback
/// (`127.0.0.0/8`, `[::1]`, `localhost`), where nothing travels over a network.
pub(crate) fn check_server_url(url: &Url, what: &str) -> Result<()> {
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let ok = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => loopback,
        _ => false,
    };
    if ok && url.username().is_empty() && url.password().is_none() {
        Ok(())
    } else {
        Err(ClientError::invalid_input(format!(
            "{what} must be an https URL (http only on this machine's loopback address)"
        )))
    }
}

/// Reads the body of `response`, at most `limit` bytes.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
    what: &str,
) -> Result<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(ClientError::protocol(format!(
            "{what}: the answer is too large"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| ClientError::http(what, error))?
    {
        if body.len() + chunk.len() > limit {
            return Err(ClientError::protocol(format!(
                "{what}: the answer is too large"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a JSON body of at most [`MAX_JSON_BYTES`].
pub(crate) async fn read_json<T: DeserializeOwned>(
    response: reqwest::Response,
    what: &str,
) -> Result<T> {
    let body = read_limited(response, MAX_JSON_BYTES, what).await?;
    serde_json::from_slice(&body).map_err(|error| {
        ClientError::protocol(format!("{what}: the answer is not the JSON expected"))
            .with_source(error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_go_only_over_https_or_loopback() {
        for ok in [
            "https://core.example.dk",
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://[::1]:9/x",
            "http://localhost:1",
        ] {
            assert!(
                check_server_url(&Url::parse(ok).unwrap(), "x").is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://core.example.dk",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://user:pw@core.example.dk",
            "file:///etc/passwd",
        ] {
            assert!(
                check_server_url(&Url::parse(bad).unwrap(), "x").is_err(),
                "{bad}"
            );
        }
    }
}
