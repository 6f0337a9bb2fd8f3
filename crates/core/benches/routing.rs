//! Routing throughput: small MeMo messages handed in over HTTP by concurrent senders and
//! routed to citizens' mailboxes. Target: at least 500 messages/s on a 2-core machine.
//!
//! `cargo bench -p brevdue-core --bench routing` (env: MESSAGES, SENDERS).

// A benchmark fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use common::*;

#[tokio::main]
async fn main() {
    let messages: usize = std::env::var("MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let senders: usize = std::env::var("SENDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let (server, _dir) = server(|_| {}).await;
    persons(&server, 200).await;
    let token = sender_token(&server).await;
    let memos: Vec<String> = (0..messages)
        .map(|i| {
            small_memo(
                uuid::Uuid::new_v4(),
                &cpr(i % 200),
                &format!("Brev nummer {i}"),
            )
        })
        .collect();
    let bytes: usize = memos.iter().map(String::len).sum();
    let http = reqwest::Client::new();
    let url = format!("{}/apis/v1/memos", server.url());
    // Warm up: the first delivery to each person makes their mailbox.
    let (warm, memos) = memos.split_at(200.min(messages));
    for m in warm {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .body(m.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    }
    let queue = std::sync::Arc::new(std::sync::Mutex::new(memos.to_vec()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (http, url, token, queue) = (http.clone(), url.clone(), token.clone(), queue.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let next = queue.lock().expect("queue").pop();
                let Some(m) = next else { break };
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .body(m)
                    .send()
                    .await
                    .expect("post");
                assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("task"));
    }
    let elapsed = start.elapsed();
    latencies.sort();
    let n = latencies.len();
    let p = |q: f64| latencies[((n as f64 * q) as usize).min(n - 1)];
    println!(
        "routing: {n} messages ({} bytes each on average) by {senders} concurrent senders in {:.2?}: {:.0} messages/s; latency p50 {:.1?}, p99 {:.1?}",
        bytes / messages,
        elapsed,
        n as f64 / elapsed.as_secs_f64(),
        p(0.50),
        p(0.99)
    );
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(&server.state().db)
        .await
        .expect("count");
    assert_eq!(rows as usize, messages);
    server.shutdown().await.expect("shutdown");
}
