//! The cache encrypted at rest (SQLCipher) on real files: no plaintext in the file, no way in
//! without the key; a cache from before encryption, and a damaged one, made anew with what the
//! core cannot give back (drafts, messages waiting to be sent, changes not yet sent) kept.

use std::path::Path;

use brevdue_api::{ChangeFeed, Folder, FolderType, MessageSender, MessageSummary};
use brevdue_client::ErrorKind;
use brevdue_client::cache::{CHECK_MARKER, Cache, DB_FILE, ListQuery, LocalChange, Rebuilt};
use brevdue_client::credentials::CacheKey;
use chrono::{TimeZone, Utc};

use crate::support::open_encrypted;

const MB: &str = "mb-1";
/// A subject and a CPR number that must never be readable in the file.
const SUBJECT: &str = "Afslag på boligstøtte";
const CPR: &str = "0101701234";

fn summary(id: &str, label: &str, minute: u32) -> MessageSummary {
    MessageSummary {
        id: id.into(),
        message_uuid: uuid::Uuid::new_v4().to_string(),
        mailbox_id: MB.into(),
        folder_id: "f-inbox".into(),
        label: label.into(),
        sender: MessageSender {
            sender_id: "29189846".into(),
            id_type: "CVR".into(),
            label: "Testrup Kommune".into(),
        },
        received_date_time: Utc
            .with_ymd_and_hms(2026, 11, 27, 9, minute % 60, 0)
            .unwrap(),
        read: false,
        flagged: false,
        version: 1,
        has_attachments: false,
        reply_by_date_time: None,
    }
}

/// A cache with folders, one draft (written as the client does: a row of `drafts`), and
/// `letters` messages whose subjects hold [`SUBJECT`] and [`CPR`]; one change queued.
async fn filled(dir: &Path, key: &CacheKey, letters: usize) -> Cache {
    let cache = Cache::open(dir, key).await.unwrap();
    assert_eq!(cache.rebuilt(), None);
    let folder = |id: &str, t| Folder {
        id: id.into(),
        name: id.into(),
        folder_type: t,
        unread_count: 0,
        total_count: 0,
    };
    cache
        .set_folders(
            MB,
            &[
                folder("f-inbox", FolderType::Inbox),
                folder("f-deleted", FolderType::Deleted),
            ],
        )
        .await
        .unwrap();
    cache.close().await;
    // The draft goes in first, so that it sits in the file's first pages.
    let pool = open_encrypted(&dir.join(DB_FILE), key).await;
    sqlx::query("INSERT INTO drafts (id, mailbox_id, updated, json) VALUES ('d-1', ?, 1, ?)")
        .bind(MB)
        .bind(r#"{"id":"d-1","subject":"Mit udkast"}"#)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let cache = Cache::open(dir, key).await.unwrap();
    let changed: Vec<_> = (0..letters)
        .map(|i| {
            summary(
                &format!("m-{i}"),
                &format!("{SUBJECT} {CPR} nr. {i}"),
                i as u32,
            )
        })
        .collect();
    cache
        .apply_feed(
            MB,
            &ChangeFeed {
                changed,
                deleted: vec![],
                next_cursor: "9".into(),
                has_more: false,
            },
        )
        .await
        .unwrap();
    cache
        .queue_change("m-0", &LocalChange::Flag { flagged: true })
        .await
        .unwrap();
    cache
}

fn all() -> ListQuery {
    ListQuery {
        mailbox_id: MB.into(),
        size: 500,
        ..ListQuery::default()
    }
}

/// The bytes of the database and its WAL, as a thief with the disk would read them.
fn file_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in [DB_FILE.to_owned(), format!("{DB_FILE}-wal")] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 4096, "the cache has a file");
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn draft_ids(dir: &Path, key: &CacheKey) -> Vec<String> {
    let pool = open_encrypted(&dir.join(DB_FILE), key).await;
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM drafts ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    ids.into_iter().map(|(id,)| id).collect()
}

#[tokio::test]
async fn the_cache_file_holds_no_plaintext_and_opens_only_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate();
    let cache = filled(dir.path(), &key, 20).await;
    // Search works on the encrypted file (FTS5 inside SQLCipher).
    assert_eq!(
        cache.search("boligstøtte", None, 50).await.unwrap().len(),
        20
    );
    // While open (WAL not yet checkpointed) and after closing.
    for round in 0..2 {
        let bytes = file_bytes(dir.path());
        assert!(!contains(&bytes, SUBJECT), "round {round}");
        assert!(!contains(&bytes, "boligst"), "round {round}");
        assert!(!contains(&bytes, CPR), "round {round}");
        assert!(!contains(&bytes, "Testrup Kommune"), "round {round}");
        assert!(!contains(&bytes, "Mit udkast"), "round {round}");
        assert!(!contains(&bytes, "SQLite format 3"), "round {round}");
        cache.close().await;
    }

    // Without the key (plain SQLite) or with another key the file is not a database.
    let plain = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join(DB_FILE)),
    )
    .await;
    let refused = match plain {
        Err(error) => error,
        Ok(pool) => sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&pool)
            .await
            .unwrap_err(),
    };
    assert!(refused.to_string().contains("not a database"), "{refused}");
    let other = open_encrypted_result(&dir.path().join(DB_FILE), &CacheKey::generate()).await;
    assert!(other.is_err());

    // With the key: everything is there, nothing was made anew.
    let reopened = Cache::open(dir.path(), &key).await.unwrap();
    assert_eq!(reopened.rebuilt(), None);
    assert_eq!(reopened.list_messages(&all()).await.unwrap().len(), 20);
    assert_eq!(reopened.outbox().await.unwrap().len(), 1);
    reopened.close().await;
}

async fn open_encrypted_result(file: &Path, key: &CacheKey) -> Result<(), sqlx::Error> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .pragma("key", format!("\"{}\"", key.sqlcipher_raw().expose()));
    let pool = sqlx::SqlitePool::connect_with(options).await?;
    sqlx::query("SELECT count(*) FROM sqlite_master")
        .execute(&pool)
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_cache_from_before_encryption_is_made_anew_encrypted_keeping_what_the_user_wrote() {
    let dir = tempfile::tempdir().unwrap();
    // The cache as the client made it before: a plain SQLite file with the same tables.
    let file = dir.path().join(DB_FILE);
    let plain = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await
    .unwrap();
    sqlx::migrate!("./migrations").run(&plain).await.unwrap();
    for sql in [
        "INSERT INTO drafts (id, mailbox_id, updated, json) VALUES ('d-1', 'mb-1', 1, '{}')",
        "INSERT INTO outgoing (message_uuid, mailbox_id, created, model_json, files_json) \
         VALUES ('u-1', 'mb-1', 1, '{}', '[]')",
        "INSERT INTO outbox (seq, mailbox_id, message_id, change, created) \
         VALUES (7, 'mb-1', 'm-1', '{\"op\":\"read\",\"read\":true}', 1)",
        "INSERT INTO messages (id, mailbox_id, folder_id, message_uuid, label, sender_id, \
         sender_label, received, read, flagged, has_attachments, version) \
         VALUES ('m-1', 'mb-1', 'f-inbox', 'u-9', 'Afslag på boligstøtte', 's', 'S', 1, 0, 0, 0, 1)",
    ] {
        sqlx::query(sql).execute(&plain).await.unwrap();
    }
    plain.close().await;
    assert!(contains(&std::fs::read(&file).unwrap(), "SQLite format 3"));

    let key = CacheKey::generate();
    let cache = Cache::open(dir.path(), &key).await.unwrap();
    assert_eq!(cache.rebuilt(), Some(Rebuilt::Unencrypted));
    // The messages come back from the core at the next sync; what was written here stays.
    assert!(cache.message("m-1").await.unwrap().is_none());
    let outbox = cache.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].seq, 7);
    assert_eq!(outbox[0].change, LocalChange::Read { read: true });
    cache.close().await;
    assert_eq!(draft_ids(dir.path(), &key).await, ["d-1"]);
    let bytes = file_bytes(dir.path());
    assert!(!contains(&bytes, "SQLite format 3"));
    assert!(!contains(&bytes, "boligst"));
    // Nothing of the old file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| n.starts_with(DB_FILE) || n == "files"),
        "{names:?}"
    );
    // Opened again: nothing to make anew.
    let cache = Cache::open(dir.path(), &key).await.unwrap();
    assert_eq!(cache.rebuilt(), None);
    assert_eq!(cache.outbox().await.unwrap().len(), 1);
    cache.close().await;
}

/// Overwrites `len` bytes at `at` (a fraction of the file's length) with garbage.
fn scribble(file: &Path, at: f64, len: usize) {
    use std::io::{Seek, SeekFrom, Write};
    let size = std::fs::metadata(file).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    f.seek(SeekFrom::Start((size as f64 * at) as u64)).unwrap();
    f.write_all(&vec![0xA5; len]).unwrap();
    f.sync_all().unwrap();
}

#[tokio::test]
async fn a_cache_damaged_in_the_middle_after_a_crash_is_made_anew_keeping_the_draft() {
    for at in [0.3, 0.5, 0.9] {
        damaged_at(at).await;
    }
}

/// A filled cache, closed cleanly, with everything in the database file itself (the WAL
/// folded in), so that a scribble hits pages in use.
async fn filled_and_folded(dir: &Path, key: &CacheKey) {
    // Enough letters that the middle of the file is theirs, not the draft's.
    let cache = filled(dir, key, 400).await;
    cache.close().await;
    let pool = open_encrypted(&dir.join(DB_FILE), key).await;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// The cache made anew from `cache`, opened on a file found damaged: empty, the next sync
/// starting over, the queued change and the draft kept; not made anew again after.
async fn made_anew(dir: &Path, key: &CacheKey, cache: Cache, at: f64) {
    assert_eq!(cache.rebuilt(), Some(Rebuilt::Damaged), "scribbled at {at}");
    assert!(cache.list_messages(&all()).await.unwrap().is_empty());
    assert_eq!(
        cache.cursor(MB).await.unwrap(),
        "0",
        "the next sync starts over"
    );
    assert_eq!(cache.outbox().await.unwrap().len(), 1);
    cache.close().await;
    assert_eq!(draft_ids(dir, key).await, ["d-1"]);
    let cache = Cache::open(dir, key).await.unwrap();
    assert_eq!(cache.rebuilt(), None);
    assert!(!cache.checked_at_open(), "closed cleanly: not checked");
    cache.close().await;
}

/// Damage after a crash: the cache was not closed, so the next open checks the whole file.
async fn damaged_at(at: f64) {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate();
    filled_and_folded(dir.path(), &key).await;
    // Opened and never closed, as a crash leaves it: the check marker stays.
    let crashed = Cache::open(dir.path(), &key).await.unwrap();
    assert!(
        !crashed.checked_at_open(),
        "closed cleanly before: not checked"
    );
    drop(crashed);
    assert!(dir.path().join(CHECK_MARKER).exists());
    scribble(&dir.path().join(DB_FILE), at, 200);

    let cache = Cache::open(dir.path(), &key).await.unwrap();
    assert!(cache.checked_at_open());
    made_anew(dir.path(), &key, cache, at).await;
}

/// Reads what the app shows: folders with counts, the lists (all, the inbox), a search,
/// and every message.
async fn read_everything(cache: &Cache) -> brevdue_client::Result<()> {
    cache.folders(MB).await?;
    let listed = cache.list_messages(&all()).await?;
    cache
        .list_messages(&ListQuery {
            folder_id: Some("f-inbox".into()),
            ..all()
        })
        .await?;
    cache.search("boligstøtte", None, 500).await?;
    cache.without_detail(MB, 500).await?;
    for item in &listed {
        cache.message(&item.id).await?;
    }
    Ok(())
}

#[tokio::test]
async fn damage_met_while_reading_has_the_cache_checked_and_made_anew_at_the_next_open() {
    // Places that hold pages the app reads (others hold e.g. index pages of words never
    // searched for: harmless until read, and then met like these).
    for at in [0.2, 0.5, 0.7] {
        let dir = tempfile::tempdir().unwrap();
        let key = CacheKey::generate();
        filled_and_folded(dir.path(), &key).await;
        assert!(!dir.path().join(CHECK_MARKER).exists(), "closed cleanly");
        scribble(&dir.path().join(DB_FILE), at, 200);

        // Closed cleanly before: opened without the full check, the damage unseen so far.
        let cache = Cache::open(dir.path(), &key).await.unwrap();
        assert!(!cache.checked_at_open());
        assert_eq!(cache.rebuilt(), None, "scribbled at {at}");
        // Reading the damaged pages is an error (SQLCipher checks each page's HMAC as it
        // reads it), never wrong data.
        let failed = read_everything(&cache)
            .await
            .expect_err(&format!("scribbled at {at}: all read from a damaged file"));
        assert_eq!(failed.kind(), ErrorKind::Cache, "{failed}");
        cache.close().await;
        assert!(
            dir.path().join(CHECK_MARKER).exists(),
            "damage met: checked at the next open"
        );

        let cache = Cache::open(dir.path(), &key).await.unwrap();
        assert!(cache.checked_at_open());
        made_anew(dir.path(), &key, cache, at).await;
    }
}

#[tokio::test]
async fn a_truncated_or_emptied_cache_is_made_anew() {
    for cut in [0.5, 0.01, 0.0] {
        let dir = tempfile::tempdir().unwrap();
        let key = CacheKey::generate();
        // The WAL folded in, so that the cut takes pages in use.
        filled_and_folded(dir.path(), &key).await;
        let file = dir.path().join(DB_FILE);
        let size = std::fs::metadata(&file).unwrap().len();
        // Cut while the app was down after a crash (opened, never closed): checked at the
        // next open. Cut in the middle of a page after a clean close: checked too.
        let at = if cut > 0.1 {
            drop(Cache::open(dir.path(), &key).await.unwrap());
            (size as f64 * cut) as u64
        } else if cut > 0.0 {
            size - 100
        } else {
            0
        };
        std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .unwrap()
            .set_len(at)
            .unwrap();
        let cache = Cache::open(dir.path(), &key).await.unwrap();
        assert!(cache.checked_at_open());
        assert_eq!(cache.rebuilt(), Some(Rebuilt::Damaged), "cut at {cut}");
        assert!(cache.list_messages(&all()).await.unwrap().is_empty());
        // Usable at once.
        cache.put_summary(&summary("m-new", "Ny", 1)).await.unwrap();
        assert_eq!(cache.list_messages(&all()).await.unwrap().len(), 1);
        cache.close().await;
    }
}

#[tokio::test]
async fn a_cache_opened_with_another_key_is_made_anew() {
    let dir = tempfile::tempdir().unwrap();
    let cache = filled(dir.path(), &CacheKey::generate(), 5).await;
    cache.close().await;
    let cache = Cache::open(dir.path(), &CacheKey::generate())
        .await
        .unwrap();
    assert_eq!(cache.rebuilt(), Some(Rebuilt::Damaged));
    assert!(cache.list_messages(&all()).await.unwrap().is_empty());
    assert!(cache.outbox().await.unwrap().is_empty(), "nothing readable");
    cache.close().await;
}
