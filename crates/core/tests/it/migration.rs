//! Upgrading a database made before written messages: the migration that rebuilds `memos` and
//! `messages` keeps every row, the search rows and the folder counts, and the rebuilt tables
//! take the new kinds of rows.

use std::borrow::Cow;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

const SEED: [&str; 7] = [
    "INSERT INTO persons (id, cpr, name) VALUES ('m-ann', '0303031234', 'Ann')",
    "INSERT INTO authorities (id, cvr, name, authority_type) \
     VALUES ('m-a', '11112222', 'Kommune', 'MUNICIPALITY')",
    "INSERT INTO systems (id, authority_id, role, name, secret_hash) \
     VALUES ('m-s', 'm-a', 'SENDER', 'Sender', 'x')",
    "INSERT INTO mailboxes (id, owner_type, person_id, created_at) \
     VALUES ('m-mb', 'CITIZEN', 'm-ann', '2026-11-27T09:00:00Z')",
    "INSERT INTO folders (id, mailbox_id, folder_type, name, created_at) VALUES \
     ('m-in', 'm-mb', 'INBOX', 'Indbakke', '2026-11-27T09:00:00Z'), \
     ('m-sent', 'm-mb', 'SENT', 'Sendt', '2026-11-27T09:00:00Z')",
    "INSERT INTO memos (message_uuid, sender_system_id, sender_authority_id, routed_to, \
     mailbox_id, label, raw_sha256, raw_size, model_json, visible_from, accepted_at, status) \
     VALUES ('u-1', 'm-s', 'm-a', 'MAILBOX', 'm-mb', 'Brev', 'h', 1, '{}', \
     '2026-11-27T09:00:00Z', '2026-11-27T09:00:00Z', 'DELIVERED')",
    "INSERT INTO messages (seq, id, mailbox_id, message_uuid, folder_id, label, sender_id, \
     sender_id_type, sender_label, sender_public, received_at, has_attachments, visible, \
     change_seq) VALUES (7, 'msg-1', 'm-mb', 'u-1', 'm-in', 'Brev', '11112222', 'CVR', \
     'Kommune', 1, '2026-11-27T09:00:00Z', 0, 1, 1)",
];

async fn counts(db: &SqlitePool) -> Vec<(String, i64, i64)> {
    sqlx::query_as("SELECT folder_id, total, unread FROM folder_counts ORDER BY 1")
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_written_messages_migration_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.path().join("old.sqlite3").display()
    ))
    .unwrap()
    .create_if_missing(true)
    .foreign_keys(true);
    let db = SqlitePool::connect_with(options).await.unwrap();
    let all = sqlx::migrate!("./migrations/sqlite");
    let at = all
        .migrations
        .iter()
        .position(|m| m.description.contains("written messages"))
        .unwrap();
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = Cow::Owned(all.migrations[..at].to_vec());
    before.run(&db).await.unwrap();
    for sql in SEED {
        sqlx::query(sql).execute(&db).await.unwrap();
    }
    sqlx::query("INSERT INTO message_search (rowid, label, sender, body) VALUES (7, 'Brev', 'Kommune', 'tekst')")
        .execute(&db)
        .await
        .unwrap();
    let counts_before = counts(&db).await;
    assert_eq!(counts_before, vec![("m-in".to_owned(), 1, 1)]);

    all.run(&db).await.unwrap();

    let row: (i64, String, String) =
        sqlx::query_as("SELECT seq, id, message_uuid FROM messages WHERE message_uuid = 'u-1'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(row, (7, "msg-1".into(), "u-1".into()));
    let memo: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT sender_system_id, sender_mailbox_id FROM memos WHERE message_uuid = 'u-1'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(memo, (Some("m-s".into()), None));
    let found: Vec<(i64,)> =
        sqlx::query_as("SELECT rowid FROM message_search WHERE message_search MATCH 'tekst'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(found, vec![(7,)]);
    assert_eq!(counts(&db).await, counts_before);

    // The rebuilt tables: a memo written from a mailbox, with a SENT copy of the same memo
    // next to another mailbox's copy; the counts' triggers are back.
    sqlx::query(
        "INSERT INTO memos (message_uuid, sender_mailbox_id, sender_id, routed_to, \
         recipient_system_id, label, raw_sha256, raw_size, model_json, visible_from, \
         accepted_at, status) VALUES ('u-2', 'm-mb', '0303031234', 'RECIPIENT_SYSTEM', 'm-s', \
         'Til kommunen', 'h', 1, '{}', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z', \
         'DELIVERED')",
    )
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO messages (id, mailbox_id, message_uuid, folder_id, label, sender_id, \
         sender_id_type, sender_label, sender_public, received_at, has_attachments, visible, \
         read, change_seq) VALUES ('msg-2', 'm-mb', 'u-2', 'm-sent', 'Til kommunen', \
         '0303031234', 'CPR', 'Ann', 0, '2026-11-27T10:00:00Z', 0, 1, 1, 2)",
    )
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(
        counts(&db).await,
        vec![("m-in".to_owned(), 1, 1), ("m-sent".to_owned(), 1, 0)]
    );
    // Still one copy per mailbox, and a memo has one sender.
    let twice = sqlx::query(
        "INSERT INTO messages (id, mailbox_id, message_uuid, folder_id, label, sender_id, \
         sender_id_type, sender_label, sender_public, received_at, has_attachments, visible, \
         change_seq) VALUES ('msg-3', 'm-mb', 'u-2', 'm-in', 'x', 'x', 'CPR', 'x', 0, \
         '2026-11-27T10:00:00Z', 0, 1, 3)",
    )
    .execute(&db)
    .await;
    assert!(twice.is_err());
    let two_senders = sqlx::query(
        "INSERT INTO memos (message_uuid, sender_system_id, sender_authority_id, \
         sender_mailbox_id, routed_to, mailbox_id, label, raw_sha256, raw_size, model_json, \
         visible_from, accepted_at, status) VALUES ('u-3', 'm-s', 'm-a', 'm-mb', 'MAILBOX', \
         'm-mb', 'x', 'h', 1, '{}', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z', 'DELIVERED')",
    )
    .execute(&db)
    .await;
    assert!(two_senders.is_err());
    let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(fk.is_empty(), "{fk:?}");
}
