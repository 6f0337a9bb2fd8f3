//! Random secrets, their hashes, constant-time comparison and the PKCE S256 check.
//!
//! Every code, token and system secret is 32 random bytes written as base64url without padding
//! (43 characters). Only its SHA-256 hash (lower-case hex) is stored. Lookups by hash need no
//! constant-time care: a caller cannot steer the hash of what it sends.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The longest code, token, secret or PKCE verifier accepted as input; anything longer is
/// refused before it is hashed.
pub(crate) const MAX_SECRET_LEN: usize = 256;

/// A fresh secret: 32 random bytes from the thread-local CSPRNG, base64url without padding.
pub(crate) fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 hash of a secret, as stored: lower-case hex.
pub(crate) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` hashes to `stored_hash` (lower-case hex), compared in constant time.
pub(crate) fn matches_hash(secret: &str, stored_hash: &str) -> bool {
    let Ok(stored) = hex::decode(stored_hash) else {
        return false;
    };
    let actual = Sha256::digest(secret.as_bytes());
    bool::from(actual.as_slice().ct_eq(&stored))
}

/// Whether `challenge` has the shape of an S256 code challenge: base64url of 32 bytes.
pub(crate) fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|bytes| bytes.len() == 32)
}

/// Whether `verifier` is a well-formed PKCE code verifier (RFC 7636 §4.1): 43 to 128 of the
/// characters `A-Z a-z 0-9 - . _ ~`.
pub(crate) fn is_code_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The PKCE S256 check (RFC 7636 §4.6): `BASE64URL(SHA256(verifier)) == challenge`, compared in
/// constant time.
pub(crate) fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_32_bytes_base64url_and_distinct() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn hash_round_trip() {
        let secret = generate();
        let stored = hash(&secret);
        assert_eq!(stored.len(), 64);
        assert!(matches_hash(&secret, &stored));
        assert!(!matches_hash(&generate(), &stored));
        assert!(!matches_hash(&secret, "not hex"));
        assert!(!matches_hash(&secret, ""));
    }

    #[test]
    fn pkce_example_of_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_code_verifier(verifier));
        assert!(is_s256_challenge(challenge));
        assert!(pkce_s256_matches(verifier, challenge));
        assert!(!pkce_s256_matches(challenge, challenge));
        assert!(!is_code_verifier("short"));
        assert!(!is_code_verifier(&"a".repeat(129)));
        assert!(!is_code_verifier(&format!("{}+", "a".repeat(50))));
        assert!(!is_s256_challenge(verifier.get(..42).unwrap()));
    }
}
