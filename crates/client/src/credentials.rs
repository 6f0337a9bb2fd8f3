//! Refresh tokens in the operating system's secret store, never in a file or a log.
//!
//! The store is the `keyring` crate: the Secret Service over D-Bus on Linux (GNOME Keyring,
//! KWallet), the Keychain on macOS, the Credential Manager on Windows. There is one entry for
//! each program ([client id](crate::auth::CLIENT_ID_DESKTOP)), server and account: the
//! desktop app and the command line sign in separately, and a refresh token is bound to the
//! client it was issued to, so they must not overwrite each other's.
//!
//! Calls block on the secret store (a D-Bus round trip); async code runs them with
//! `tokio::task::spawn_blocking` (see [`CredentialStore::save_async`] and friends).

use std::fmt;

use crate::error::{ClientError, ErrorKind, Result};

/// The service name of the refresh-token entries Brevdue makes in the secret store.
pub const SERVICE: &str = "brevdue";
/// The service name of the entries holding each account's cache key ([`CacheKey`]): the same
/// user name as the refresh token's entry, under a service of its own, so that no account id
/// can make one entry's name equal another's.
pub const CACHE_KEY_SERVICE: &str = "brevdue-cache-key";

/// Which entry: the program, the server and the account (the person id, `sub`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    /// The OAuth client id of the program, e.g. `brevdue-desktop`.
    pub client_id: String,
    /// The server's base URL, normalized by [`normalize_server`].
    pub server: String,
    /// The account: the person id the server gave (`sub`), never a CPR number.
    pub account: String,
}

impl AccountKey {
    /// The key of `account` on `server` for the program `client_id`.
    pub fn new(client_id: &str, server: &url::Url, account: &str) -> Self {
        AccountKey {
            client_id: client_id.to_owned(),
            server: normalize_server(server),
            account: account.to_owned(),
        }
    }

    /// The entry's user name in the secret store: `{client_id} {account}@{server}`. The server
    /// URL has no spaces, so the parts cannot run into each other.
    fn user(&self) -> String {
        format!("{} {}@{}", self.client_id, self.account, self.server)
    }
}

/// The form of a server URL used in keys and file names: scheme, host, port and path, without
/// a trailing slash, query or fragment.
pub fn normalize_server(server: &url::Url) -> String {
    let mut url = server.clone();
    url.set_query(None);
    url.set_fragment(None);
    let text = url.as_str().trim_end_matches('/');
    text.to_owned()
}

/// A secret string whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The key the account's cache is encrypted with (SQLCipher, 256 random bits). It is made when
/// the cache is first opened and lives only in the secret store, next to the refresh token: a
/// copy of the data folder alone (a lost laptop's disk) does not open the cache.
#[derive(Clone, PartialEq, Eq)]
pub struct CacheKey([u8; 32]);

impl CacheKey {
    /// A new random key.
    pub fn generate() -> Self {
        CacheKey(rand::random())
    }

    /// The key from its hex form (as kept in the secret store).
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| {
            ClientError::new(
                ErrorKind::SecretStore,
                "the secret store holds a cache key that is not 64 hex digits",
            )
        })?;
        Ok(CacheKey(bytes))
    }

    /// The key as 64 hex digits, for the secret store.
    pub fn to_hex(&self) -> Secret {
        Secret(hex::encode(self.0))
    }

    /// The key's bytes, for deriving the key of the cache's files (`sealed`).
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The value of SQLCipher's `PRAGMA key` (and of `ATTACH ... KEY`) that uses these bytes
    /// as the raw key, without a passphrase derivation: `x'<hex>'`.
    pub fn sqlcipher_raw(&self) -> Secret {
        Secret(format!("x'{}'", hex::encode(self.0)))
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheKey(<redacted>)")
    }
}

/// The refresh tokens and cache keys in the OS secret store.
#[derive(Debug, Clone, Default)]
pub struct CredentialStore {
    _private: (),
}

impl CredentialStore {
    /// The store of the operating system.
    pub fn new() -> Self {
        CredentialStore { _private: () }
    }

    fn entry(key: &AccountKey) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &key.user()).map_err(store_error)
    }

    fn cache_key_entry(key: &AccountKey) -> Result<keyring::Entry> {
        keyring::Entry::new(CACHE_KEY_SERVICE, &key.user()).map_err(store_error)
    }

    /// The cache key of `key`'s account, or `None` when there is none.
    pub fn load_cache_key(&self, key: &AccountKey) -> Result<Option<CacheKey>> {
        match Self::cache_key_entry(key)?.get_password() {
            Ok(hex) => CacheKey::from_hex(&hex).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(store_error(error)),
        }
    }

    /// Stores the cache key of `key`'s account, replacing any earlier one.
    pub fn save_cache_key(&self, key: &AccountKey, cache_key: &CacheKey) -> Result<()> {
        Self::cache_key_entry(key)?
            .set_password(cache_key.to_hex().expose())
            .map_err(store_error)
    }

    /// Deletes the cache key of `key`'s account; `false` when there was none.
    pub fn delete_cache_key(&self, key: &AccountKey) -> Result<bool> {
        match Self::cache_key_entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }

    /// The cache key of `key`'s account, made and stored first when there is none. The flag
    /// says whether it was made now (an existing cache cannot be opened with a new key).
    pub async fn cache_key_async(&self, key: &AccountKey) -> Result<(CacheKey, bool)> {
        let (store, key) = (self.clone(), key.clone());
        blocking(move || match store.load_cache_key(&key)? {
            Some(existing) => Ok((existing, false)),
            None => {
                let made = CacheKey::generate();
                store.save_cache_key(&key, &made)?;
                Ok((made, true))
            }
        })
        .await
    }

    /// [`delete_cache_key`](Self::delete_cache_key) on a blocking thread.
    pub async fn delete_cache_key_async(&self, key: &AccountKey) -> Result<bool> {
        let (store, key) = (self.clone(), key.clone());
        blocking(move || store.delete_cache_key(&key)).await
    }

    /// Stores `refresh_token` for `key`, replacing any earlier one.
    pub fn save(&self, key: &AccountKey, refresh_token: &Secret) -> Result<()> {
        Self::entry(key)?
            .set_password(refresh_token.expose())
            .map_err(store_error)
    }

    /// The refresh token of `key`, or `None` when there is none.
    pub fn load(&self, key: &AccountKey) -> Result<Option<Secret>> {
        match Self::entry(key)?.get_password() {
            Ok(token) => Ok(Some(Secret(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(store_error(error)),
        }
    }

    /// Deletes the refresh token of `key`; `false` when there was none.
    pub fn delete(&self, key: &AccountKey) -> Result<bool> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }

    /// [`save`](Self::save) on a blocking thread.
    pub async fn save_async(&self, key: &AccountKey, refresh_token: &Secret) -> Result<()> {
        let (store, key, token) = (self.clone(), key.clone(), refresh_token.clone());
        blocking(move || store.save(&key, &token)).await
    }

    /// [`load`](Self::load) on a blocking thread.
    pub async fn load_async(&self, key: &AccountKey) -> Result<Option<Secret>> {
        let (store, key) = (self.clone(), key.clone());
        blocking(move || store.load(&key)).await
    }

    /// [`delete`](Self::delete) on a blocking thread.
    pub async fn delete_async(&self, key: &AccountKey) -> Result<bool> {
        let (store, key) = (self.clone(), key.clone());
        blocking(move || store.delete(&key)).await
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|error| {
        ClientError::new(
            ErrorKind::SecretStore,
            "the secret store call did not finish",
        )
        .with_source(error)
    })?
}

fn store_error(error: keyring::Error) -> ClientError {
    let message = match &error {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            let message = "the secret store cannot be reached (on Linux: is a Secret Service \
                           such as GNOME Keyring running and unlocked?)";
            return ClientError::new(ErrorKind::SecretStore, message).with_source(error);
        }
        // The other variants carry what was stored or the entries found: never attach them,
        // so that no `Debug` of the error can show a token.
        keyring::Error::BadEncoding(_) => "the secret store holds a token that is not text",
        keyring::Error::TooLong(..) | keyring::Error::Invalid(..) => {
            "the secret store refused the entry's name"
        }
        keyring::Error::Ambiguous(_) => {
            "the secret store holds more than one entry for the account"
        }
        _ => "the secret store failed",
    };
    ClientError::new(ErrorKind::SecretStore, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_normalized() {
        let a = url::Url::parse("https://Core.Example.dk/").unwrap();
        let b = url::Url::parse("https://core.example.dk?x=1#f").unwrap();
        assert_eq!(normalize_server(&a), "https://core.example.dk");
        assert_eq!(normalize_server(&a), normalize_server(&b));
        let c = url::Url::parse("http://127.0.0.1:8080/brevdue/").unwrap();
        assert_eq!(normalize_server(&c), "http://127.0.0.1:8080/brevdue");
    }

    #[test]
    fn keys_differ_by_program_server_and_account() {
        let s = url::Url::parse("http://127.0.0.1:1").unwrap();
        let t = url::Url::parse("http://127.0.0.1:2").unwrap();
        let users = [
            AccountKey::new("brevdue-desktop", &s, "p1").user(),
            AccountKey::new("brevdue-cli", &s, "p1").user(),
            AccountKey::new("brevdue-desktop", &t, "p1").user(),
            AccountKey::new("brevdue-desktop", &s, "p2").user(),
        ];
        let distinct: std::collections::HashSet<_> = users.iter().collect();
        assert_eq!(distinct.len(), users.len());
    }

    #[test]
    fn cache_keys_round_trip_through_hex_and_are_random() {
        let key = CacheKey::generate();
        assert_eq!(CacheKey::from_hex(key.to_hex().expose()).unwrap(), key);
        assert_ne!(CacheKey::generate(), key);
        assert_eq!(key.to_hex().expose().len(), 64);
        assert!(CacheKey::from_hex("abc").is_err());
        assert!(CacheKey::from_hex(&"g".repeat(64)).is_err());
        let raw = key.sqlcipher_raw();
        assert!(raw.expose().starts_with("x'") && raw.expose().ends_with('\''));
        assert!(!format!("{key:?}").contains(&key.to_hex().expose()[..8]));
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let secret = Secret::new("very-secret-token");
        assert!(!format!("{secret:?}").contains("very-secret"));
    }
}
