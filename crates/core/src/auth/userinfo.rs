//! The userinfo endpoint (`GET`/`POST /oauth/userinfo`): who the signed-in person is.

use std::fmt;

use axum::Json;
use axum::http::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::caller::Caller;

/// The claim that carries the person's CPR number: the attribute name NemLog-in uses for it
/// (OIOSAML 3), so that a client reads the same claim from the test provider as from MitID
/// through NemLog-in, and a collision-resistant name as OpenID Connect Core §5.1.2 asks.
pub const CPR_CLAIM: &str = "https://data.gov.dk/model/core/eid/cprNumber";

/// The userinfo answer. Its `Debug` output hides the CPR number.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserInfo {
    /// The person's id.
    pub sub: String,
    /// The person's name.
    pub name: String,
    /// The person's CPR number, in the [`CPR_CLAIM`] claim.
    #[serde(rename = "https://data.gov.dk/model/core/eid/cprNumber")]
    pub cpr: String,
}

impl fmt::Debug for UserInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserInfo")
            .field("sub", &self.sub)
            .field("name", &self.name)
            .field("cpr", &"<redacted>")
            .finish()
    }
}

/// `GET`/`POST /oauth/userinfo`: the person behind the access token; systems are refused
/// (403), since they are nobody's sign-in.
pub(crate) async fn userinfo(caller: Caller) -> Response {
    match caller {
        Caller::Person {
            person_id,
            cpr,
            name,
        } => (
            [(CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(UserInfo {
                sub: person_id,
                name,
                cpr,
            }),
        )
            .into_response(),
        Caller::System { .. } => (
            StatusCode::FORBIDDEN,
            [(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"insufficient_scope\""),
            )],
            Json(serde_json::json!({
                "error": "insufficient_scope",
                "error_description": "userinfo is about people; a system has none",
            })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpr_claim_is_named_as_declared() {
        let info = UserInfo {
            sub: "p".into(),
            name: "n".into(),
            cpr: "3102701234".into(),
        };
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json[CPR_CLAIM], "3102701234");
        assert!(!format!("{info:?}").contains("3102701234"));
    }
}
