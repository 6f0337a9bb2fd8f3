//! A lost laptop: a whole session against a real core with the demo world (sign in, sync,
//! read every letter and its files, search, sign out), with every log line of the client and
//! the core captured at TRACE level. Afterwards neither the logs nor any file left in the data
//! folder holds a demo CPR number, a token, a cache key or a letter's subject, and the secret
//! store holds no refresh token and no cache key. While signed in, the cache file is encrypted:
//! no subject or CPR number in its bytes, and no way in without the key. On the way, the access
//! log: what the representative read is what the owner sees through `Client::access_log`.

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};

use brevdue_api::{AccessKind, AccessType};
use brevdue_client::auth::CLIENT_ID_DESKTOP;
use brevdue_client::cache::ListQuery;
use brevdue_client::{Client, ErrorKind};
use brevdue_core::demo::world::{ANDERS, KAREN};

use crate::in_private_keyring;
use crate::support::core::TestCore;
use crate::support::{
    files_containing, open_client, open_encrypted, secret_tool_lookup, secret_tool_lookup_in,
};

/// Every log line of the process, as the formatter wrote it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every event of every crate at TRACE level (and `log` records, e.g. sqlx's)
/// for the rest of the process: the test runs alone in its own process.
fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this process");
    captured
}

/// Reads every message of every mailbox the client sees, and every file of each; returns the
/// subjects read, by mailbox.
async fn read_everything(client: &Client) -> Vec<(String, Vec<String>)> {
    let mut read = Vec::new();
    for mailbox in client.mailboxes().await.unwrap() {
        let list = client
            .messages(&ListQuery {
                mailbox_id: mailbox.id.clone(),
                size: 500,
                ..ListQuery::default()
            })
            .await
            .unwrap();
        let mut labels = Vec::new();
        for item in list {
            let message = client.message(&item.id).await.unwrap();
            let detail = message.detail.expect("fetched");
            for (d, document) in detail.documents.iter().enumerate() {
                for f in 0..document.files.len() {
                    let content = client.file_content(&item.id, d, f).await.unwrap();
                    assert!(!content.is_empty());
                }
            }
            labels.push(item.label);
        }
        read.push((mailbox.id, labels));
    }
    read
}

/// A CPR number as written in letters and on screen: `DDMMYY-XXXX`.
fn with_dash(cpr: &str) -> String {
    format!("{}-{}", &cpr[..6], &cpr[6..])
}

#[tokio::test]
async fn after_sign_out_nothing_sensitive_is_left_in_logs_or_files() {
    in_private_keyring!(after_sign_out_nothing_sensitive_is_left_in_logs_or_files);
    let logs = capture_logs();
    let core = TestCore::start_demo().await;
    let world = brevdue_core::demo::world(chrono::Utc::now());
    let cprs: Vec<&str> = world.cpr_numbers();
    assert!(cprs.len() >= 5);

    // Anders: his own post and, with read access, his mother Karen's.
    let anders_data = tempfile::tempdir().unwrap();
    let anders = open_client(core.url(), anders_data.path()).await;
    let account = anders.sign_in_demo(ANDERS).await.unwrap();
    let report = anders.sync(None).await.unwrap();
    assert!(report.fetched > 0, "{report:?}");
    let read = read_everything(&anders).await;
    let subjects: HashSet<String> = read.iter().flat_map(|(_, l)| l.clone()).collect();
    assert!(subjects.len() >= 3, "{read:?}");
    let mailboxes = anders.mailboxes().await.unwrap();
    let karens = mailboxes
        .iter()
        .find(|m| m.access.access_type == AccessType::PartyRepresentative)
        .expect("Anders reads Karen's post")
        .clone();
    let own = mailboxes
        .iter()
        .find(|m| m.access.access_type == AccessType::Owner)
        .unwrap()
        .clone();
    let read_in_karens = read
        .iter()
        .find(|(id, _)| *id == karens.id)
        .map(|(_, labels)| labels.len())
        .unwrap();
    assert!(read_in_karens > 0);

    // The cache is encrypted while it exists: its key is in the secret store beside the
    // refresh token, and the database (with its WAL) holds no subject and no CPR number.
    let user = format!("{} {}@{}", account.client_id, account.id, account.server);
    let cache_key_hex =
        secret_tool_lookup_in(brevdue_client::credentials::CACHE_KEY_SERVICE, &user)
            .expect("a cache key in the secret store");
    assert_eq!(cache_key_hex.len(), 64);
    let cache_folder = crate::support::cache_dir(anders_data.path());
    let db = cache_folder.join(brevdue_client::cache::DB_FILE);
    let mut db_bytes = std::fs::read(&db).unwrap();
    db_bytes.extend(
        std::fs::read(cache_folder.join(format!("{}-wal", brevdue_client::cache::DB_FILE)))
            .unwrap_or_default(),
    );
    let in_db = |needle: &str| {
        db_bytes
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    assert!(db_bytes.len() > 16 * 1024);
    assert!(!in_db("SQLite format 3"));
    for subject in &subjects {
        assert!(!in_db(subject), "{subject:?} readable in the cache file");
    }
    for cpr in &cprs {
        assert!(
            !in_db(cpr) && !in_db(&with_dash(cpr)),
            "{cpr} in the cache file"
        );
    }
    // Without the key the file is no database; with it, the letters are there.
    let plain =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&db))
            .await
            .unwrap();
    assert!(
        sqlx::query("SELECT count(*) FROM messages")
            .execute(&plain)
            .await
            .is_err()
    );
    plain.close().await;
    let key = brevdue_client::credentials::CacheKey::from_hex(&cache_key_hex).unwrap();
    let keyed = open_encrypted(&db, &key).await;
    let (letters,): (i64,) = sqlx::query_as("SELECT count(*) FROM messages")
        .fetch_one(&keyed)
        .await
        .unwrap();
    assert!(letters as usize >= subjects.len());
    keyed.close().await;

    // The cache is private to the user while it exists.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let caches: Vec<_> = std::fs::read_dir(anders_data.path().join("accounts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(caches.len(), 1);
        let mode = std::fs::metadata(&caches[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }

    // The access log: Anders may not see Karen's log, and his own is empty.
    let refused = anders.access_log(&karens.id).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    assert!(anders.access_log(&own.id).await.unwrap().is_empty());
    // Karen, on her own laptop, sees what Anders read.
    let karen_data = tempfile::tempdir().unwrap();
    let karen = open_client(core.url(), karen_data.path()).await;
    karen.sign_in_demo(KAREN).await.unwrap();
    karen.sync(None).await.unwrap();
    let log = karen.access_log(&karens.id).await.unwrap();
    let reads: Vec<_> = log
        .iter()
        .filter(|e| e.kind == AccessKind::ReadMessage)
        .collect();
    assert_eq!(reads.len(), read_in_karens, "{log:?}");
    assert!(
        log.iter()
            .all(|e| e.person_id == ANDERS && e.mailbox_id == karens.id)
    );
    assert!(log.iter().any(|e| e.kind == AccessKind::ListMessages));
    let karen_refresh = {
        let a = karen.account().await.unwrap();
        secret_tool_lookup(&format!("{} {}@{}", a.client_id, a.id, a.server)).unwrap()
    };
    karen.sign_out().await.unwrap();

    // Anders signs out: the refresh token and the cache key leave the secret store, and the
    // cache the disk.
    let refresh = secret_tool_lookup(&user).expect("a refresh token in the secret store");
    let signed_out = anders.sign_out().await.unwrap();
    assert!(signed_out.revoked);
    assert!(secret_tool_lookup(&user).is_none());
    assert!(secret_tool_lookup_in(brevdue_client::credentials::CACHE_KEY_SERVICE, &user).is_none());
    assert_eq!(
        std::fs::read_dir(anders_data.path().join("accounts"))
            .unwrap()
            .count(),
        0
    );
    // The revoked refresh token no longer works at the core.
    let response = reqwest::Client::new()
        .post(format!("{}oauth/token", core.url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID_DESKTOP),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    // The logs: written to a file of their own, and scanned like the data folders.
    let log_dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    std::fs::write(log_dir.path().join("session.log"), &text).unwrap();
    // The capture worked: both crates logged, at TRACE level too.
    assert!(text.lines().count() > 50, "{text}");
    assert!(text.contains("brevdue_core"), "{text}");
    assert!(text.contains("brevdue_client"), "{text}");
    assert!(text.contains("TRACE"), "{text}");

    for dir in [log_dir.path(), anders_data.path(), karen_data.path()] {
        for cpr in &cprs {
            assert!(files_containing(dir, cpr).is_empty(), "{cpr} in {dir:?}");
            assert!(
                files_containing(dir, &with_dash(cpr)).is_empty(),
                "{cpr} in {dir:?}"
            );
        }
        for secret in [&refresh, &karen_refresh, &cache_key_hex] {
            assert!(
                files_containing(dir, secret).is_empty(),
                "a token in {dir:?}"
            );
        }
        // Any access or refresh token the core ever issued.
        assert!(core.files_with_tokens(dir).await.is_empty(), "{dir:?}");
    }
    // Nothing of the letters is left in the data folders.
    for dir in [anders_data.path(), karen_data.path()] {
        for subject in &subjects {
            assert!(
                files_containing(dir, subject).is_empty(),
                "{subject:?} in {dir:?}"
            );
        }
    }
}
