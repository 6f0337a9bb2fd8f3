//! Reading a large mailbox: 50-row pages of a mailbox of 100,000 messages, over HTTP.
//! Target: p99 at most 20 ms.
//!
//! The 100,000 messages are one routed message copied in SQL (routing 100,000 over HTTP would
//! only measure routing again); the index, search rows and columns are what routing writes.
//!
//! `cargo bench -p brevdue-core --bench page` (env: MESSAGES, REQUESTS).

// A benchmark fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use brevdue_core::db::Backend;

use std::time::Instant;

use common::*;
use rand::Rng;

#[tokio::main]
async fn main() {
    let messages: i64 = std::env::var("MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let requests: usize = std::env::var("REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let (server, _dir) = server(|_| {}).await;
    persons(&server, 1).await;
    let db = &server.state().db;
    let sender = sender_token(&server).await;
    let http = reqwest::Client::new();
    let first = small_memo(uuid::Uuid::new_v4(), &cpr(0), "Brev 0");
    let r = http
        .post(format!("{}/apis/v1/memos", server.url()))
        .bearer_auth(&sender)
        .body(first)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());

    let backend = Backend::of(db);
    let fill = Instant::now();
    let mut tx = db.begin().await.expect("tx");
    for i in 1..messages {
        let uuid = uuid::Uuid::new_v4().to_string();
        let at = format!(
            "2026-{:02}-{:02}T{:02}:{:02}:{:02}.000000Z",
            1 + (i / 500_000) % 12,
            1 + (i / 20_000) % 28,
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        );
        sqlx::query("INSERT INTO memos (message_uuid, sender_system_id, sender_authority_id, routed_to, mailbox_id, label, raw_sha256, raw_size, model_json, visible_from, accepted_at, status) SELECT $1, sender_system_id, sender_authority_id, routed_to, mailbox_id, $2, raw_sha256, raw_size, model_json, $3, $4, status FROM memos LIMIT 1")
            .bind(&uuid).bind(format!("Brev {i}")).bind(&at).bind(&at)
            .execute(&mut *tx).await.expect("memo");
        let (seq,): (i64,) = sqlx::query_as("INSERT INTO messages (id, mailbox_id, message_uuid, folder_id, label, sender_id, sender_id_type, sender_label, sender_public, received_at, has_attachments, visible, read, change_seq) SELECT $1, mailbox_id, $2, folder_id, $3, sender_id, sender_id_type, sender_label, TRUE, $4, FALSE, TRUE, $5, $6 FROM messages LIMIT 1 RETURNING seq")
            .bind(uuid::Uuid::new_v4().to_string()).bind(&uuid).bind(format!("Brev {i}")).bind(&at).bind(i % 3 == 0).bind(i + 10)
            .fetch_one(&mut *tx).await.expect("message");
        let index = match backend {
            Backend::Sqlite => {
                "INSERT INTO message_search (rowid, label, sender, body) VALUES ($1, $2, 'Testrup Kommune', 'Kære modtager, der er nyt om din sag.')"
            }
            Backend::Postgres => {
                "INSERT INTO message_search (seq, document) VALUES ($1, strip(to_tsvector('danish', $2 || ' testrup kommune kære modtager der er nyt om din sag') || to_tsvector('simple', $2 || ' testrup kommune kære modtager der er nyt om din sag')))"
            }
        };
        sqlx::query(index)
            .bind(seq)
            .bind(format!("Brev {i}"))
            .execute(&mut *tx)
            .await
            .expect("search");
    }
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE").execute(db).await.expect("analyze");
    println!(
        "page: filled a mailbox with {messages} messages in {:.1?}",
        fill.elapsed()
    );

    let token = person_token(&server, "p-0").await;
    let base = server.url().to_owned();
    let list: serde_json::Value = http
        .get(format!("{base}/apis/v1/mailboxes"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let mb = list[0]["id"].as_str().expect("mailbox").to_owned();
    let folders: serde_json::Value = http
        .get(format!("{base}/apis/v1/mailboxes/{mb}/folders"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let inbox = folders
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["type"] == "INBOX")
        .expect("inbox")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(folders[0]["totalCount"], messages);

    let pages = (messages / 50) as u32;
    let scenarios = [
        (
            "inbox, newest first, first pages",
            format!("folderId={inbox}&size=50&page="),
        ),
        (
            "inbox, newest first, random pages",
            format!("folderId={inbox}&size=50&page="),
        ),
        (
            "all folders, unread only",
            "read=false&size=50&page=".to_string(),
        ),
        ("free text", "any=brev&size=50&page=".to_string()),
    ];
    for (i, (name, query)) in scenarios.iter().enumerate() {
        // Free text over a word every message holds is the slow case: fewer requests.
        let requests = if i == 3 { requests.min(200) } else { requests };
        let mut latencies = Vec::with_capacity(requests);
        let mut rng = rand::rng();
        for r in 0..requests {
            let page = match i {
                0 => (r % 5) as u32,
                _ => rng.random_range(0..pages.min(200)),
            };
            let url = format!("{base}/apis/v1/mailboxes/{mb}/messages?{query}{page}");
            let t = Instant::now();
            let resp = http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .expect("get");
            assert_eq!(resp.status(), 200);
            let body: serde_json::Value = resp.json().await.expect("json");
            latencies.push(t.elapsed());
            assert_eq!(
                body["content"].as_array().expect("content").len(),
                50,
                "{name}"
            );
        }
        latencies.sort();
        let p =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        println!(
            "page: {name}: {requests} requests, p50 {:.2?}, p99 {:.2?}, max {:.2?} (target p99 <= 20 ms)",
            p(0.5),
            p(0.99),
            latencies[latencies.len() - 1]
        );
    }
    server.shutdown().await.expect("shutdown");
}
