//! Rate limits on sign-in (`POST /oauth/authorize`) and the token endpoint: a token bucket per
//! client address and per identity, in memory, answered with 429 and `Retry-After`.
//!
//! A bucket holds up to `burst` tokens and gains one every `refill`; each request takes one.
//! Buckets are kept per key (`"ip:…"`, `"hint:…"`, `"client:…"`); an IPv6 address counts by
//! its /64 prefix, since one machine usually has a whole /64. The map is bounded: when it is
//! full, buckets that have refilled completely (they hold nothing worth remembering) are
//! dropped, and if it is still full a new key is refused (fail closed) until some refill.
//!
//! The counts live in the memory of one core instance: several instances behind a load
//! balancer each count for themselves. The address is the TCP peer's; a proxy in front would
//! make all clients one address (no `X-Forwarded-For` is trusted).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How many buckets one limiter keeps at most.
const MAX_BUCKETS: usize = 100_000;

/// One limit: up to `burst` requests at once, then one per `refill`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub refill: Duration,
}

impl RateLimit {
    /// `burst` at once, then `per_minute` a minute.
    pub const fn per_minute(burst: u32, per_minute: u32) -> Self {
        let per_minute = if per_minute == 0 { 1 } else { per_minute };
        RateLimit {
            burst,
            refill: Duration::from_millis(60_000 / per_minute as u64),
        }
    }

    /// No limit worth speaking of (for load tests on loopback).
    pub const fn unlimited() -> Self {
        RateLimit {
            burst: u32::MAX,
            refill: Duration::from_nanos(1),
        }
    }
}

/// The limits of sign-in and the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in attempts (`POST /oauth/authorize`) per client address.
    pub sign_in_per_address: RateLimit,
    /// Sign-in attempts per identity asked for (`login_hint`).
    pub sign_in_per_identity: RateLimit,
    /// Token requests per client address.
    pub token_per_address: RateLimit,
    /// Token requests per confidential client (a system's `client_id`): bounds guessing of a
    /// system's secret from many addresses. Public clients share their id with every user, so
    /// they count per address only.
    pub token_per_client: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            sign_in_per_address: RateLimit::per_minute(20, 10),
            sign_in_per_identity: RateLimit::per_minute(10, 5),
            token_per_address: RateLimit::per_minute(120, 120),
            token_per_client: RateLimit::per_minute(60, 60),
        }
    }
}

impl RateLimits {
    /// No limits (for load tests on loopback, where every client is one address).
    pub fn unlimited() -> Self {
        RateLimits {
            sign_in_per_address: RateLimit::unlimited(),
            sign_in_per_identity: RateLimit::unlimited(),
            token_per_address: RateLimit::unlimited(),
            token_per_client: RateLimit::unlimited(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets for one [`RateLimit`].
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `key`'s bucket, or says how long until one is there.
    pub(crate) fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.limit.burst);
        let refill = self.limit.refill.as_secs_f64().max(1e-9);
        let refilled = |b: &Bucket| {
            let gained = now.saturating_duration_since(b.at).as_secs_f64() / refill;
            (b.tokens + gained).min(burst)
        };
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still numbers.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !buckets.contains_key(key) && buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| refilled(b) < burst);
            if buckets.len() >= MAX_BUCKETS {
                return Err(self.limit.refill);
            }
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let tokens = refilled(bucket);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            Err(Duration::from_secs_f64((1.0 - tokens) * refill))
        }
    }
}

/// The limiters of one core instance.
#[derive(Debug)]
pub(crate) struct Limiters {
    sign_in_per_address: Limiter,
    sign_in_per_identity: Limiter,
    token_per_address: Limiter,
    token_per_client: Limiter,
}

impl Limiters {
    pub(crate) fn new(limits: &RateLimits) -> Self {
        Limiters {
            sign_in_per_address: Limiter::new(limits.sign_in_per_address),
            sign_in_per_identity: Limiter::new(limits.sign_in_per_identity),
            token_per_address: Limiter::new(limits.token_per_address),
            token_per_client: Limiter::new(limits.token_per_client),
        }
    }

    /// A sign-in attempt from `address` for `identity` (the `login_hint`, if any).
    pub(crate) fn sign_in(
        &self,
        address: &ClientAddress,
        identity: Option<&str>,
    ) -> Result<(), TooManyRequests> {
        let now = Instant::now();
        self.sign_in_per_address
            .check(&address.key(), now)
            .map_err(TooManyRequests)?;
        if let Some(identity) = identity {
            self.sign_in_per_identity
                .check(&format!("hint:{identity}"), now)
                .map_err(TooManyRequests)?;
        }
        Ok(())
    }

    /// A token request from `address`, by the confidential client `client_id`, if any.
    pub(crate) fn token(
        &self,
        address: &ClientAddress,
        client_id: Option<&str>,
    ) -> Result<(), TooManyRequests> {
        let now = Instant::now();
        self.token_per_address
            .check(&address.key(), now)
            .map_err(TooManyRequests)?;
        if let Some(client_id) = client_id {
            self.token_per_client
                .check(&format!("client:{client_id}"), now)
                .map_err(TooManyRequests)?;
        }
        Ok(())
    }
}

/// A refused request: how long to wait.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TooManyRequests(pub(crate) Duration);

impl TooManyRequests {
    /// Whole seconds to wait, at least one.
    pub(crate) fn retry_after_secs(self) -> u64 {
        self.0.as_secs_f64().ceil().max(1.0) as u64
    }

    /// Adds `Retry-After` to an answer and makes it 429.
    pub(crate) fn apply(self, mut response: Response) -> Response {
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(value) = HeaderValue::from_str(&self.retry_after_secs().to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl IntoResponse for TooManyRequests {
    fn into_response(self) -> Response {
        self.apply(
            (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts; please wait a little and try again.\n",
            )
                .into_response(),
        )
    }
}

/// The client's address (the TCP peer), when the server was started with connect info.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddress(Option<IpAddr>);

impl ClientAddress {
    /// The bucket key: the IPv4 address, or the /64 prefix of an IPv6 address.
    fn key(&self) -> String {
        match self.0.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(ip)) => format!("ip:{ip}"),
            Some(IpAddr::V6(ip)) => {
                let s = ip.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            // Served without connect info: every client is one.
            None => "ip:unknown".to_owned(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_one_per_period() {
        let limiter = Limiter::new(RateLimit {
            burst: 3,
            refill: Duration::from_secs(10),
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", t0), Ok(()));
        }
        let wait = limiter.check("a", t0).unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        // Another key has its own bucket.
        assert_eq!(limiter.check("b", t0), Ok(()));
        // Half a period later: still nothing.
        let wait = limiter.check("a", t0 + Duration::from_secs(5)).unwrap_err();
        assert!(wait <= Duration::from_secs(5) + Duration::from_millis(1));
        // A full period later: exactly one more.
        assert_eq!(limiter.check("a", t0 + Duration::from_secs(10)), Ok(()));
        assert!(limiter.check("a", t0 + Duration::from_secs(10)).is_err());
        // A long time later: the burst again, not more.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.check("a", later), Ok(()));
        }
        assert!(limiter.check("a", later).is_err());
    }

    #[test]
    fn retry_after_is_whole_seconds_and_at_least_one() {
        assert_eq!(
            TooManyRequests(Duration::from_millis(10)).retry_after_secs(),
            1
        );
        assert_eq!(
            TooManyRequests(Duration::from_millis(5200)).retry_after_secs(),
            6
        );
    }

    #[test]
    fn ipv6_counts_by_its_64_prefix_and_mapped_ipv4_as_ipv4() {
        let a = ClientAddress(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = ClientAddress(Some("2001:db8:1:2:bbbb::2".parse().unwrap()));
        let c = ClientAddress(Some("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), c.key());
        let mapped = ClientAddress(Some("::ffff:192.0.2.7".parse().unwrap()));
        let v4 = ClientAddress(Some("192.0.2.7".parse().unwrap()));
        assert_eq!(mapped.key(), v4.key());
    }

    #[test]
    fn per_minute_spreads_the_rate() {
        assert_eq!(RateLimit::per_minute(5, 30).refill, Duration::from_secs(2));
        assert_eq!(RateLimit::per_minute(5, 0).refill, Duration::from_secs(60));
    }
}
