//! A 99 MB message: streamed in over HTTP, spooled, read and stored, with the process's
//! resident memory measured. Target: RSS grows at most 64 MiB while it is routed.
//!
//! `cargo bench -p brevdue-core --bench large` (env: BENCH_DIR for the temporary files).

// A benchmark fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::time::Instant;

use base64::Engine;
use common::*;
use futures_util::StreamExt;

/// Writes a MeMo of about `total` bytes with one large PDF-typed file; returns its size.
fn write_large(path: &std::path::Path, total: u64, uuid: uuid::Uuid, to: &str) -> u64 {
    let small = small_memo(uuid, to, "Stor besked");
    let (head, tail) = small.split_once("<content>").expect("template");
    let (_, tail) = tail.split_once("</content>").expect("template");
    let head = head
        .replace("text/plain", "application/pdf")
        .replace("brev.txt", "stor.pdf");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    out.write_all(head.as_bytes()).expect("write");
    out.write_all(b"<content>").expect("write");
    let budget = total - head.len() as u64 - tail.len() as u64 - 40;
    let raw_chunk: Vec<u8> = (0..3 * 1024 * 256u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&raw_chunk);
    let mut written = 0u64;
    while written + encoded.len() as u64 <= budget {
        out.write_all(encoded.as_bytes()).expect("write");
        written += encoded.len() as u64;
    }
    out.write_all(b"</content>").expect("write");
    out.write_all(tail.as_bytes()).expect("write");
    out.flush().expect("flush");
    std::fs::metadata(path).expect("size").len()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (server, dir) = server(|_| {}).await;
    persons(&server, 1).await;
    let token = sender_token(&server).await;
    let path = dir.path().join("large.xml");
    let size = write_large(&path, 99_000_000, uuid::Uuid::new_v4(), &cpr(0));
    let http = reqwest::Client::new();
    let url = format!("{}/apis/v1/memos", server.url());
    // One small message first, so that the pools and buffers exist before the measurement.
    let warm = small_memo(uuid::Uuid::new_v4(), &cpr(0), "Lille");
    assert_eq!(
        http.post(&url)
            .bearer_auth(&token)
            .body(warm)
            .send()
            .await
            .expect("post")
            .status(),
        201
    );

    let (before, _) = rss_kib();
    reset_peak_rss();
    let start = Instant::now();
    let file = tokio::fs::File::open(&path).await.expect("open");
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map(|r| r);
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-length", size)
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .expect("post");
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    let elapsed = start.elapsed();
    let (after, peak) = rss_kib();
    assert_eq!(status, 201, "{body}");
    println!(
        "large: a {:.1} MB message routed in {:.2?} ({:.0} MB/s); RSS before {} MiB, peak {} MiB, after {} MiB: peak growth {} MiB (target <= 64)",
        size as f64 / 1e6,
        elapsed,
        size as f64 / 1e6 / elapsed.as_secs_f64(),
        before / 1024,
        peak / 1024,
        after / 1024,
        peak.saturating_sub(before) / 1024
    );
    server.shutdown().await.expect("shutdown");
}
