//! Speed of the cache's sealed files (`sealed.rs`), on real files in a temporary folder: a
//! 10 MB PDF-sized file stored through [`Cache::store_file`] (sealed as it arrives, in 64 KiB
//! pieces as from the network), then read back whole with [`Cache::read_file`] (one read, then
//! decrypted record by record), `--runs` times (20); the medians and the slowest are printed,
//! next to reading the same number of plain bytes with `tokio::fs::read` for scale. The app
//! shows page one of a PDF within 1 s, so reading its bytes must stay well under that.
//!
//! Run: `cargo bench -p brevdue-client --bench files` (add `-- --mb 50 --runs 5` for another
//! size).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use brevdue_client::ClientError;
use brevdue_client::cache::Cache;
use brevdue_client::credentials::CacheKey;
use sha2::{Digest, Sha256};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], *times.last().unwrap())
}

#[tokio::main]
async fn main() {
    let mb = arg("--mb", 10);
    let runs = arg("--runs", 20).max(1);
    let size = mb * 1024 * 1024;
    let content: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let sha = hex::encode(Sha256::digest(&content));
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open(dir.path(), &CacheKey::generate())
        .await
        .unwrap();

    let mut stores = Vec::new();
    for _ in 0..runs.min(5) {
        cache.remove_file(&sha).await;
        let pieces = content
            .chunks(64 * 1024)
            .map(|c| Ok::<_, ClientError>(bytes::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>();
        let started = Instant::now();
        cache
            .store_file(&sha, size as u64, futures_util::stream::iter(pieces))
            .await
            .unwrap();
        stores.push(started.elapsed());
    }

    let mut reads = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let got = cache.read_file(&sha).await.unwrap();
        reads.push(started.elapsed());
        assert_eq!(got.len(), size);
    }
    let plain_path = dir.path().join("plain");
    std::fs::write(&plain_path, &content).unwrap();
    let mut plain = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let got = tokio::fs::read(&plain_path).await.unwrap();
        plain.push(started.elapsed());
        assert_eq!(got.len(), size);
    }
    cache.close().await;

    println!("{mb} MB file, {runs} runs (warm page cache)");
    println!("| what | median | slowest |");
    println!("|---|---|---|");
    for (what, times) in [
        ("store (seal as it arrives, SHA-256 checked)", stores),
        ("read_file (one read, decrypt in records)", reads),
        ("plain tokio::fs::read, for scale", plain),
    ] {
        let (p50, max) = median(times);
        println!("| {what} | {p50:.1?} | {max:.1?} |");
    }
}
