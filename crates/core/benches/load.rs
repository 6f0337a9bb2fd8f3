//! Load on loopback: CLIENTS viewing clients (default 200) sync their mailbox's change feed
//! and search now and then, while a sender system posts RATE messages a second (default 100)
//! for SECONDS seconds (default 60) to them. At the end every client syncs until it is up to
//! date, and the messages each one saw are compared with what was accepted for it.
//!
//! Reports errors (any answer but 2xx, or a failed request), lost and doubled messages, p50 and
//! p99 latencies of posting, syncing and searching, and the process's RSS (the core and the
//! clients share the process: the figure bounds the core's from above).
//!
//! `cargo bench -p brevdue-core --bench load` (env: CLIENTS, RATE, SECONDS).

// A benchmark fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tokio::sync::Mutex;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!(
        "{name:>7}: {:>6} requests, p50 {:>7.1} ms, p99 {:>7.1} ms, max {:>7.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

/// One viewing client: its token, mailbox, feed cursor and the message ids it has seen.
struct Viewer {
    token: String,
    mailbox: String,
    cursor: String,
    seen: HashSet<String>,
    doubled: u64,
}

/// Pulls the change feed until it has no more; returns the latencies.
async fn sync(
    http: &reqwest::Client,
    base: &str,
    v: &mut Viewer,
    errors: &AtomicU64,
) -> Vec<Duration> {
    let mut latencies = Vec::new();
    loop {
        let t = Instant::now();
        let response = http
            .get(format!(
                "{base}/apis/v1/mailboxes/{}/changes?since={}&limit=500",
                v.mailbox, v.cursor
            ))
            .bearer_auth(&v.token)
            .send()
            .await;
        let feed: brevdue_api::ChangeFeed = match response {
            Ok(r) if r.status().is_success() => match r.json().await {
                Ok(feed) => feed,
                Err(_) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    return latencies;
                }
            },
            _ => {
                errors.fetch_add(1, Ordering::Relaxed);
                return latencies;
            }
        };
        latencies.push(t.elapsed());
        for m in &feed.changed {
            // A message seen again in a later answer would be a doubled delivery (nothing
            // here changes a message after delivery).
            if !v.seen.insert(m.id.clone()) {
                v.doubled += 1;
            }
        }
        v.cursor = feed.next_cursor;
        if !feed.has_more {
            return latencies;
        }
    }
}

#[tokio::main]
async fn main() {
    let clients = env("CLIENTS", 200) as usize;
    let rate = env("RATE", 100);
    let seconds = env("SECONDS", 60);
    let (server, _dir) =
        server(|c| c.rate_limits = brevdue_core::auth::RateLimits::unlimited()).await;
    persons(&server, clients).await;
    let sender = sender_token(&server).await;
    let base = server.url().to_owned();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let post_url = format!("{base}/apis/v1/memos");

    // Every person gets a first letter (which makes the mailbox) and finds the mailbox.
    let sent: Arc<Vec<AtomicU64>> = Arc::new((0..clients).map(|_| AtomicU64::new(0)).collect());
    let mut viewers = Vec::new();
    for i in 0..clients {
        let r = http
            .post(&post_url)
            .bearer_auth(&sender)
            .body(small_memo(uuid::Uuid::new_v4(), &cpr(i), "Velkommen"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        sent[i].fetch_add(1, Ordering::Relaxed);
        let token = person_token(&server, &format!("p-{i}")).await;
        let boxes: serde_json::Value = http
            .get(format!("{base}/apis/v1/mailboxes"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mailbox = boxes[0]["id"].as_str().unwrap().to_owned();
        viewers.push(Arc::new(Mutex::new(Viewer {
            token,
            mailbox,
            cursor: "0".into(),
            seen: HashSet::new(),
            doubled: 0,
        })));
    }

    reset_peak_rss();
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();

    // The viewers: sync about once a second, search every third round.
    let mut viewer_tasks = Vec::new();
    for (i, viewer) in viewers.iter().enumerate() {
        let (http, base, errors, stop, viewer) = (
            http.clone(),
            base.clone(),
            errors.clone(),
            stop.clone(),
            viewer.clone(),
        );
        viewer_tasks.push(tokio::spawn(async move {
            let mut syncs = Vec::new();
            let mut searches = Vec::new();
            // Spread the clients over the second.
            tokio::time::sleep(Duration::from_millis((i as u64 * 997) % 1000)).await;
            let mut round = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let mut v = viewer.lock().await;
                syncs.extend(sync(&http, &base, &mut v, &errors).await);
                if round.is_multiple_of(3) {
                    let t = Instant::now();
                    let r = http
                        .get(format!(
                            "{base}/apis/v1/mailboxes/{}/messages?any=nummer&size=20",
                            v.mailbox
                        ))
                        .bearer_auth(&v.token)
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            searches.push(t.elapsed());
                        }
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                drop(v);
                round += 1;
                tokio::time::sleep(Duration::from_millis(1000)).await;
            }
            (syncs, searches)
        }));
    }

    // The sender: RATE posts a second, each to a person chosen in turn.
    let total = rate * seconds;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut posts = Vec::new();
    for n in 0..total {
        ticker.tick().await;
        let to = (n as usize * 7919) % clients;
        let (http, url, token, errors, sent) = (
            http.clone(),
            post_url.clone(),
            sender.clone(),
            errors.clone(),
            sent.clone(),
        );
        posts.push(tokio::spawn(async move {
            let t = Instant::now();
            let memo = small_memo(uuid::Uuid::new_v4(), &cpr(to), &format!("Brev nummer {n}"));
            match http.post(&url).bearer_auth(&token).body(memo).send().await {
                Ok(r) if r.status().as_u16() == 201 => {
                    sent[to].fetch_add(1, Ordering::Relaxed);
                    Some(t.elapsed())
                }
                _ => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    None
                }
            }
        }));
    }
    let mut post_latencies = Vec::new();
    for p in posts {
        if let Some(l) = p.await.unwrap() {
            post_latencies.push(l);
        }
    }
    let sending = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut sync_latencies = Vec::new();
    let mut search_latencies = Vec::new();
    for t in viewer_tasks {
        let (s, q) = t.await.unwrap();
        sync_latencies.extend(s);
        search_latencies.extend(q);
    }
    let (rss, peak) = rss_kib();

    // Everyone catches up; then compare.
    let (mut lost, mut doubled, mut seen_total) = (0u64, 0u64, 0u64);
    for (i, viewer) in viewers.iter().enumerate() {
        let mut v = viewer.lock().await;
        sync(&http, &base, &mut v, &errors).await;
        let sent_i = sent[i].load(Ordering::Relaxed);
        let seen_i = v.seen.len() as u64;
        lost += sent_i.saturating_sub(seen_i);
        doubled += v.doubled + seen_i.saturating_sub(sent_i);
        seen_total += seen_i;
    }
    let accepted: u64 = sent.iter().map(|s| s.load(Ordering::Relaxed)).sum();

    println!(
        "load: {clients} clients, {total} messages at {rate}/s planned, sent in {:.1} s",
        sending.as_secs_f64()
    );
    println!(
        "accepted {accepted} (incl. {clients} first letters), seen by clients {seen_total}, \
         lost {lost}, doubled {doubled}, errors {}",
        errors.load(Ordering::Relaxed)
    );
    report("post", post_latencies);
    report("sync", sync_latencies);
    report("search", search_latencies);
    println!(
        "process RSS after the run {:.1} MiB, peak {:.1} MiB (core and clients together)",
        rss as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    server.shutdown().await.unwrap();
}
