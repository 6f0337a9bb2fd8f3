//! Rate limits of sign-in and the token endpoint over real HTTP (a real server, which knows
//! each connection's address), and the configured lifetime of access tokens.

use std::time::Duration;

use brevdue_core::auth::{RateLimit, RateLimits};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

fn limits(
    sign_in_per_address: RateLimit,
    sign_in_per_identity: RateLimit,
    token_per_address: RateLimit,
    token_per_client: RateLimit,
) -> RateLimits {
    RateLimits {
        sign_in_per_address,
        sign_in_per_identity,
        token_per_address,
        token_per_client,
    }
}

/// One sign-in attempt as `person` at the authorization endpoint.
async fn sign_in(w: &World, person: &str) -> reqwest::Response {
    w.http
        .post(w.url("/oauth/authorize"))
        .form(&[
            ("response_type", "code"),
            ("client_id", CLIENT),
            ("redirect_uri", "http://127.0.0.1:50123/callback"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
            ("scope", "openid profile"),
            ("login_hint", person),
        ])
        .send()
        .await
        .unwrap()
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn sign_in_is_limited_per_identity_and_per_address() {
    let w = World::with(|c| {
        c.rate_limits = limits(
            RateLimit::per_minute(5, 1),
            RateLimit::per_minute(2, 1),
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(100, 100),
        );
    })
    .await;
    // Two attempts for Alice, then her identity is spent for a minute.
    for _ in 0..2 {
        assert_eq!(sign_in(&w, ALICE).await.status(), StatusCode::SEE_OTHER);
    }
    let r = sign_in(&w, ALICE).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&r);
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(r.text().await.unwrap().contains("For mange forsøg"));
    // Others from the same address go on until the address's five are used (the refused
    // attempt for Alice counted against the address too).
    assert_eq!(sign_in(&w, BOB).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(sign_in(&w, CAROL).await.status(), StatusCode::SEE_OTHER);
    let r = sign_in(&w, DAVE).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) >= 1);
}

#[tokio::test]
async fn the_token_endpoint_is_limited_per_address() {
    let w = World::with(|c| {
        c.rate_limits = limits(
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(4, 1),
            RateLimit::per_minute(100, 100),
        );
    })
    .await;
    for _ in 0..4 {
        let r = w
            .http
            .post(w.url("/oauth/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", "guessed"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let r = w
        .http
        .post(w.url("/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", "guessed"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after(&r)));
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
}

#[tokio::test]
async fn a_systems_secret_cannot_be_guessed_fast() {
    let w = World::with(|c| {
        c.rate_limits = limits(
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(100, 100),
            RateLimit::per_minute(3, 1),
        );
    })
    .await;
    let ask = |id: &'static str, secret: String| {
        let w = &w;
        async move {
            w.http
                .post(w.url("/oauth/token"))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", id),
                    ("client_secret", secret.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // Three wrong guesses use the system's three attempts ...
    for guess in 0..3 {
        let r = ask(KOMMUNE_SENDER, format!("guess-{guess}")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // ... so even the right secret waits now, while another system is unaffected.
    let r = ask(KOMMUNE_SENDER, w.secret(KOMMUNE_SENDER)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) >= 1);
    let r = ask(SKAT_SENDER, w.secret(SKAT_SENDER)).await;
    assert_eq!(r.status(), StatusCode::OK);
    // HTTP Basic counts against the same system.
    let r = w
        .http
        .post(w.url("/oauth/token"))
        .basic_auth(KOMMUNE_SENDER, Some(w.secret(KOMMUNE_SENDER)))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn access_tokens_live_as_long_as_configured() {
    let w = World::with(|c| c.access_token_ttl = Duration::from_secs(90)).await;
    let r = w
        .http
        .post(w.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", SKAT_SENDER),
            ("client_secret", w.secret(SKAT_SENDER).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["expires_in"], 90, "{body}");
    // The default is ten minutes.
    assert_eq!(
        brevdue_core::Config::new("unused").access_token_ttl,
        Duration::from_secs(600)
    );
}
