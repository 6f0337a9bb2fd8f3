//! The discovery document (`GET /.well-known/openid-configuration`).
//!
//! It is OAuth 2.0 Authorization Server Metadata (RFC 8414) served where OpenID Connect clients
//! look for it. No ID token is issued (see the module doc of `auth`), so it names no
//! `jwks_uri` and no ID token signing algorithm.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::Auth;
use super::authorize::SCOPES;
use super::userinfo::CPR_CLAIM;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(auth): State<Auth>) -> Json<Value> {
    let config = &auth.config;
    let client_auth = ["none", "client_secret_post", "client_secret_basic"];
    let mut document = json!({
        "issuer": config.issuer_id(),
        "authorization_endpoint": config.endpoint("/oauth/authorize"),
        "token_endpoint": config.endpoint("/oauth/token"),
        "revocation_endpoint": config.endpoint("/oauth/revoke"),
        "userinfo_endpoint": config.endpoint("/oauth/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": client_auth,
        "revocation_endpoint_auth_methods_supported": client_auth,
        "scopes_supported": SCOPES,
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "name", CPR_CLAIM],
        "authorization_response_iss_parameter_supported": true,
        "ui_locales_supported": ["da"],
        "brevdue_test_provider": config.test_provider,
    });
    if config.test_provider {
        document["brevdue_demo_identities_endpoint"] =
            Value::String(config.endpoint("/oauth/demo-identities"));
    }
    Json(document)
}
