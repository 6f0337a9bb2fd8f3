//! The parameters of OAuth requests (query strings and `application/x-www-form-urlencoded`
//! bodies) and HTTP Basic client credentials, read strictly: a repeated parameter is an error
//! (RFC 6749 §3.1), an empty one counts as absent, and sizes are bounded.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use url::form_urlencoded;

/// The most parameters one request may carry.
const MAX_PARAMS: usize = 32;
/// The longest value of one parameter.
const MAX_VALUE_LEN: usize = 2048;

/// The parameters of one request.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a query string or form body. The error says what is wrong, in English, for an
    /// `error_description`.
    pub(crate) fn parse(input: &[u8]) -> Result<Self, String> {
        let mut params: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(input) {
            if params.len() == MAX_PARAMS {
                return Err("too many parameters".to_owned());
            }
            if name.len() > 64 || value.len() > MAX_VALUE_LEN {
                return Err("a parameter is too long".to_owned());
            }
            if params.iter().any(|(seen, _)| *seen == name) {
                return Err(format!("parameter {} is repeated", printable(&name)));
            }
            params.push((name.into_owned(), value.into_owned()));
        }
        Ok(Params(params))
    }

    /// Parses a form body, refusing any other content type.
    pub(crate) fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<Self, String> {
        let is_form = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| {
                mime.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err("the body must be application/x-www-form-urlencoded".to_owned());
        }
        Self::parse(body)
    }

    /// The value of a parameter; an empty value counts as absent (RFC 6749 §3.1).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(seen, value)| seen == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }
}

/// A parameter name made safe to echo in an error description.
fn printable(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// Client credentials from an `Authorization: Basic` header (RFC 6749 §2.3.1): `Ok(None)` when
/// there is no such header, an error when there is one that cannot be read.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ()> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    let value = value.to_str().map_err(|_| ())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(());
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    let (id, secret) = decoded.split_once(':').ok_or(())?;
    Ok(Some((
        form_decode(id).ok_or(())?,
        form_decode(secret).ok_or(())?,
    )))
}

/// Undoes the form-urlencoding RFC 6749 asks clients to apply to the id and secret before
/// Basic encoding.
fn form_decode(component: &str) -> Option<String> {
    if component.contains(['&', '=']) {
        return None;
    }
    let mut pairs = form_urlencoded::parse(component.as_bytes());
    match (pairs.next(), pairs.next()) {
        (Some((name, _)), None) => Some(name.into_owned()),
        (None, None) => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn repeated_parameters_are_refused_and_empty_ones_absent() {
        let params = Params::parse(b"a=1&b=&c=x%20y+z").unwrap();
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), None);
        assert_eq!(params.get("c"), Some("x y z"));
        let error = Params::parse(b"a=1&a=2").unwrap_err();
        assert!(error.contains("repeated"));
        assert!(Params::parse(&vec![b'x'; MAX_VALUE_LEN + 10]).is_err());
        let many: Vec<String> = (0..40).map(|i| format!("p{i}=1")).collect();
        assert!(Params::parse(many.join("&").as_bytes()).is_err());
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let mut headers = HeaderMap::new();
        assert_eq!(basic_credentials(&headers), Ok(None));
        let encoded = STANDARD.encode("sys%3Aone:se+cr%2Bet");
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        assert_eq!(
            basic_credentials(&headers),
            Ok(Some(("sys:one".to_owned(), "se cr+et".to_owned())))
        );
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic_credentials(&headers), Err(()));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(basic_credentials(&headers), Err(()));
    }
}
