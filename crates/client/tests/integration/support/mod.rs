//! Helpers of the integration tests: a private keyring session, servers on loopback.

pub mod core;
pub mod keyring;
pub mod proxy;

/// A desktop client of the core at `server`, keeping its data in `data`.
pub async fn open_client(server: url::Url, data: &std::path::Path) -> brevdue_client::Client {
    brevdue_client::Client::open(brevdue_client::ClientConfig {
        data_dir: data.to_path_buf(),
        server,
        client_id: brevdue_client::auth::CLIENT_ID_DESKTOP.into(),
    })
    .await
    .unwrap()
}

/// What `secret-tool` finds for Brevdue's refresh-token entry with this user name, if anything.
pub fn secret_tool_lookup(user: &str) -> Option<String> {
    secret_tool_lookup_in(brevdue_client::credentials::SERVICE, user)
}

/// What `secret-tool` finds for the entry of `service` with this user name, if anything.
pub fn secret_tool_lookup_in(service: &str, user: &str) -> Option<String> {
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .expect("secret-tool must be installed (Debian: libsecret-tools)");
    let text = String::from_utf8(output.stdout).unwrap();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path);
                }
            }
        }
    }
    found
}

/// The one account's cache folder under a client's data folder.
pub fn cache_dir(data: &std::path::Path) -> std::path::PathBuf {
    let mut dirs: Vec<_> = std::fs::read_dir(data.join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.remove(0)
}

/// The signed-in account's cache key, as the client keeps it in the secret store.
pub async fn cache_key(client: &brevdue_client::Client) -> brevdue_client::credentials::CacheKey {
    let account = client.account().await.expect("signed in");
    brevdue_client::credentials::CredentialStore::new()
        .load_cache_key(&account.key())
        .unwrap()
        .expect("a cache key in the secret store")
}

/// A connection pool on an encrypted cache file, for tests that look into it or change it
/// behind the client's back.
pub async fn open_encrypted(
    file: &std::path::Path,
    key: &brevdue_client::credentials::CacheKey,
) -> sqlx::SqlitePool {
    use sqlx::ConnectOptions;
    // Not logged, like the client's own: the PRAGMA holds the key (the lost-laptop test scans
    // the logs for it).
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .pragma("key", format!("\"{}\"", key.sqlcipher_raw().expose()))
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, std::time::Duration::from_secs(3600));
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}
