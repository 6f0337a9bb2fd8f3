//! The cache on a real SQLite file: the change feed and its cursor, the outbox on top of the
//! server's state, files checked against their SHA-256, hostile text.

use brevdue_api::{ChangeFeed, Folder, FolderType, MessageSender, MessageSummary};
use brevdue_client::ErrorKind;
use brevdue_client::cache::{Cache, ListQuery, LocalChange};
use brevdue_client::credentials::CacheKey;
use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};

const MB: &str = "mb-1";

fn summary(id: &str, label: &str, minute: u32, version: i64) -> MessageSummary {
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
        received_date_time: Utc.with_ymd_and_hms(2026, 11, 27, 9, minute, 0).unwrap(),
        read: false,
        flagged: false,
        version,
        has_attachments: false,
        reply_by_date_time: None,
    }
}

/// One key for every cache of these tests (the client makes a random one per account).
pub fn key() -> CacheKey {
    CacheKey::from_hex(&"5a".repeat(32)).unwrap()
}

fn feed(changed: Vec<MessageSummary>, deleted: &[&str], cursor: &str) -> ChangeFeed {
    ChangeFeed {
        changed,
        deleted: deleted.iter().map(|s| s.to_string()).collect(),
        next_cursor: cursor.into(),
        has_more: false,
    }
}

async fn cache_with_folders(dir: &std::path::Path) -> Cache {
    let cache = Cache::open(dir, &key()).await.unwrap();
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
                folder("f-user", FolderType::UserDefined),
            ],
        )
        .await
        .unwrap();
    cache
}

fn all(folder: Option<&str>) -> ListQuery {
    ListQuery {
        mailbox_id: MB.into(),
        folder_id: folder.map(Into::into),
        size: 50,
        ..ListQuery::default()
    }
}

#[tokio::test]
async fn the_feed_and_its_cursor_are_applied_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_with_folders(dir.path()).await;
    assert_eq!(cache.cursor(MB).await.unwrap(), "0");
    let fetch = cache
        .apply_feed(
            MB,
            &feed(
                vec![summary("a", "A", 1, 1), summary("b", "B", 2, 1)],
                &[],
                "7",
            ),
        )
        .await
        .unwrap();
    assert_eq!(fetch, ["a", "b"]);
    assert_eq!(cache.cursor(MB).await.unwrap(), "7");

    // A feed that names a message of another mailbox is refused whole.
    let mut foreign = summary("c", "C", 3, 1);
    foreign.mailbox_id = "mb-other".into();
    let error = cache
        .apply_feed(
            MB,
            &feed(vec![summary("d", "D", 4, 1), foreign], &["a"], "9"),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol);
    assert_eq!(cache.cursor(MB).await.unwrap(), "7");
    let ids: Vec<String> = cache
        .list_messages(&all(None))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["b", "a"]);

    // Deletions; an older state of a message never replaces a newer one.
    let mut old_b = summary("b", "B", 2, 0);
    old_b.read = true;
    cache
        .apply_feed(MB, &feed(vec![old_b], &["a"], "10"))
        .await
        .unwrap();
    let list = cache.list_messages(&all(None)).await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(!list[0].read);
    assert_eq!(cache.cursor(MB).await.unwrap(), "10");

    // It is all in the file: a reopened cache has it.
    cache.close().await;
    let reopened = Cache::open(dir.path(), &key()).await.unwrap();
    assert_eq!(reopened.cursor(MB).await.unwrap(), "10");
    assert_eq!(reopened.list_messages(&all(None)).await.unwrap(), list);

    // The mailbox is no longer the account's (a representative's access ended): all of it
    // goes from the cache.
    reopened.set_mailboxes(&[]).await.unwrap();
    assert!(reopened.list_messages(&all(None)).await.unwrap().is_empty());
    assert!(reopened.folders(MB).await.unwrap().is_empty());
    assert!(reopened.message("b").await.unwrap().is_none());
    assert_eq!(reopened.cursor(MB).await.unwrap(), "0");
}

#[tokio::test]
async fn queued_changes_stay_visible_over_the_servers_state_until_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_with_folders(dir.path()).await;
    cache
        .apply_feed(MB, &feed(vec![summary("a", "A", 1, 1)], &[], "1"))
        .await
        .unwrap();
    cache
        .queue_change("a", &LocalChange::Read { read: true })
        .await
        .unwrap();
    cache
        .queue_change(
            "a",
            &LocalChange::Move {
                folder_id: "f-user".into(),
            },
        )
        .await
        .unwrap();
    let item = cache.message("a").await.unwrap().unwrap().item;
    assert!(item.read && item.pending);
    assert_eq!(item.folder_id, "f-user");

    // The server's newer state arrives (someone flagged it) before the outbox went out.
    let mut server = summary("a", "A", 1, 2);
    server.flagged = true;
    cache
        .apply_feed(MB, &feed(vec![server.clone()], &[], "2"))
        .await
        .unwrap();
    let item = cache.message("a").await.unwrap().unwrap().item;
    assert!(item.read && item.flagged && item.pending);
    assert_eq!((item.folder_id.as_str(), item.version), ("f-user", 2));
    let counts = cache.folders(MB).await.unwrap();
    let user = counts.iter().find(|f| f.id == "f-user").unwrap();
    assert_eq!((user.total_count, user.unread_count), (1, 0));

    // The server confirms both, one after the other.
    let outbox = cache.outbox().await.unwrap();
    assert_eq!(outbox.len(), 2);
    let mut confirmed = server.clone();
    confirmed.read = true;
    confirmed.version = 3;
    cache
        .complete(outbox[0].seq, Some(&confirmed))
        .await
        .unwrap();
    let item = cache.message("a").await.unwrap().unwrap().item;
    assert_eq!(item.folder_id, "f-user", "the move is still queued");
    confirmed.folder_id = "f-user".into();
    confirmed.version = 4;
    cache
        .complete(outbox[1].seq, Some(&confirmed))
        .await
        .unwrap();
    let item = cache.message("a").await.unwrap().unwrap().item;
    assert!(!item.pending && item.read);
    assert_eq!(item.version, 4);

    // Changes to messages or folders the cache does not know are refused.
    assert_eq!(
        cache
            .queue_change("zz", &LocalChange::Purge)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        cache
            .queue_change(
                "a",
                &LocalChange::Move {
                    folder_id: "f-elsewhere".into()
                }
            )
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert!(cache.outbox().await.unwrap().is_empty());
}

#[tokio::test]
async fn files_are_kept_only_under_the_sha256_of_their_own_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), &key()).await.unwrap();
    let bytes = b"%PDF-1.7 a letter".to_vec();
    let sha = hex::encode(Sha256::digest(&bytes));
    let chunks = |parts: Vec<Vec<u8>>| {
        futures_util::stream::iter(
            parts
                .into_iter()
                .map(|p| Ok::<_, brevdue_client::ClientError>(bytes::Bytes::from(p))),
        )
    };
    assert!(!cache.has_file(&sha));

    // Wrong bytes, too many bytes, too few bytes, a name that is not a SHA-256: refused, and
    // nothing is left behind.
    let wrong = cache
        .store_file(
            &sha,
            bytes.len() as u64,
            chunks(vec![b"%PDF-1.7 a lettex".to_vec()]),
        )
        .await;
    assert_eq!(wrong.unwrap_err().kind(), ErrorKind::Protocol);
    let long = cache.store_file(&sha, 3, chunks(vec![bytes.clone()])).await;
    assert_eq!(long.unwrap_err().kind(), ErrorKind::Protocol);
    let short = cache
        .store_file(&sha, 100, chunks(vec![bytes.clone()]))
        .await;
    assert_eq!(short.unwrap_err().kind(), ErrorKind::Protocol);
    let hostile = cache
        .store_file("../../escape", 1, chunks(vec![b"x".to_vec()]))
        .await;
    assert_eq!(hostile.unwrap_err().kind(), ErrorKind::Protocol);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != ".sealed-v1")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!dir.path().parent().unwrap().join("escape").exists());

    cache
        .store_file(
            &sha,
            bytes.len() as u64,
            chunks(vec![bytes[..5].to_vec(), bytes[5..].to_vec()]),
        )
        .await
        .unwrap();
    assert_eq!(cache.read_file(&sha).await.unwrap(), bytes);
    assert!(cache.has_file(&sha));
    assert!(!cache.has_file("../cache.sqlite"));
    assert_eq!(
        cache.read_file("../cache.sqlite").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn hostile_text_is_searched_literally() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_with_folders(dir.path()).await;
    let labels = [
        "\"quoted\" OR NEAR(x y)",
        "Brev fra *kommunen*",
        "<script>alert(1)</script>",
        "Æblegrød på Ærø",
    ];
    let summaries = labels
        .iter()
        .enumerate()
        .map(|(i, l)| summary(&format!("m{i}"), l, i as u32, 1))
        .collect();
    cache
        .apply_feed(MB, &feed(summaries, &[], "1"))
        .await
        .unwrap();
    for (query, expected) in [
        ("\"quoted\" OR", 1),
        ("NEAR(", 1),
        ("*kommunen*", 1),
        ("<script>", 1),
        ("ærø", 1),
        ("aeblegrod", 0),
        ("æblegrød", 1),
        ("\"", 0),
        ("testrup", 4),
    ] {
        let found = cache.search(query, Some(MB), 10).await.unwrap();
        assert_eq!(found.len(), expected, "{query}: {found:?}");
    }
}

#[tokio::test]
async fn a_list_page_gets_its_rows_marks_at_once_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_with_folders(dir.path()).await;
    cache
        .apply_feed(
            MB,
            &feed(
                vec![summary("a", "A", 1, 1), summary("b", "B", 2, 1)],
                &[],
                "1",
            ),
        )
        .await
        .unwrap();
    // "a" is fetched: mandatory post with the hospital letter's appointment and deadlines;
    // "b" is listed but not fetched yet.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../memo/tests/data/agenda_hospital.xml"
    );
    let mut memo = brevdue_memo::read_file(path, &mut brevdue_memo::Discard).unwrap();
    memo.mandatory = true;
    memo.legal_notification = false;
    let expected = brevdue_memo::agenda(&memo);
    assert!(
        expected.len() >= 2,
        "the letter has appointments and deadlines"
    );
    let detail = brevdue_api::MessageDetail {
        summary: summary("a", "A", 1, 1),
        memo,
        documents: Vec::new(),
        do_not_deliver_until_date: None,
    };
    cache.put_detail(&detail, "").await.unwrap();

    let marks = cache.row_marks(&["a", "b", "not-cached"]).await.unwrap();
    let a = &marks["a"];
    assert!(a.mandatory);
    assert!(!a.legal_notification);
    let mut by_start = expected.clone();
    by_start.sort_by(|x, y| (x.start, &x.uid).cmp(&(y.start, &y.uid)));
    assert_eq!(a.agenda, by_start);
    // Listed but not fetched: nothing but the list's own columns to show.
    assert_eq!(marks["b"], brevdue_client::cache::RowMarks::default());
    assert!(!marks.contains_key("not-cached"));
    assert!(cache.row_marks(&[]).await.unwrap().is_empty());

    // A hostile id is a value, not SQL.
    assert!(
        cache
            .row_marks(&["a') OR 1=1 --", "\"]"])
            .await
            .unwrap()
            .is_empty()
    );
}
