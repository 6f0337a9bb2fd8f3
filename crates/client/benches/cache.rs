//! Speed of the local cache, on real SQLite files in a temporary folder:
//!
//! 1. **search**: a cache of 100,000 messages (subject, sender and text indexed), then 300
//!    searches of the kinds people type (a rare word, a common word, two words, a prefix, a
//!    sender); reports p50, p95 and the slowest. Target: p95 ≤ 50 ms.
//! 2. **startup**: a cache of 10,000 messages, closed; then, as the app does when it starts,
//!    open it, read the mailboxes and the inbox's folders with counts, and list the first page
//!    of the inbox (50). Target: ≤ 1.0 s end to end (the normal start, after a clean close).
//!    Measured `--runs` times (5), each run both after a crash (the check marker left: the
//!    full check of the file first) and after a clean close (no check), in turn; medians and
//!    each run are printed. The file is in the OS page cache (a warm start) unless `--cold`.
//!
//! Run: `cargo bench -p brevdue-client --bench cache` (add `-- --messages 20000` for a quicker
//! run; the figures are printed as a table). With `-- --cold` (as root on Linux) the OS page
//! cache is dropped before each startup run, so the file is read from disk: a cold start.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use brevdue_api::{
    AccessType, ChangeFeed, DocumentRef, Folder, FolderType, Mailbox, MailboxAccess, MessageDetail,
    MessageSender, MessageSummary, OwnerType, Permissions,
};
use brevdue_client::cache::{CHECK_MARKER, Cache, ListQuery};
use brevdue_client::credentials::CacheKey;
use brevdue_memo::{Document, DocumentKind, Message, MessageType, Recipient, Sender};
use chrono::{Duration as Span, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

const MAILBOX: &str = "mb-1";
const INBOX: &str = "f-inbox";

const SENDERS: &[&str] = &[
    "Testrup Kommune",
    "Skattestyrelsen",
    "Udbetaling Danmark",
    "Sundhedsstyrelsen",
    "Region Midtjylland",
    "Politiet",
    "Færdselsstyrelsen",
    "Styrelsen for Arbejdsmarked",
    "Københavns Kommune",
    "Aarhus Kommune",
    "Odense Kommune",
    "Aalborg Kommune",
    "Statens Serum Institut",
    "Familieretshuset",
    "Ankestyrelsen",
    "Vejdirektoratet",
];
const SUBJECTS: &[&str] = &[
    "Din årsopgørelse",
    "Forskudsopgørelse",
    "Indkaldelse til samtale",
    "Afgørelse om boligstøtte",
    "Påmindelse om betaling",
    "Vaccination",
    "Ejendomsskat",
    "Affaldsordning",
    "Kørekort",
    "Pas",
    "Børnepenge",
    "Folkepension",
    "Sygedagpenge",
    "Parkeringstilladelse",
    "Byggetilladelse",
    "Tandpleje",
    "Skolestart",
    "Valgkort",
    "Høring",
    "Kvittering",
];

/// A pseudo-Danish vocabulary: 4,000 words, some frequent, most rare.
fn vocabulary(rng: &mut StdRng) -> Vec<String> {
    let syllables = [
        "ka", "be", "sø", "ty", "re", " læ", "mo", "gå", "ni", "de", "st", "or", "an", "el", "ri",
        "fa", "hu", "vi", "ær", "ul",
    ];
    (0..4000)
        .map(|_| {
            let n = rng.random_range(2..5);
            (0..n)
                .map(|_| syllables[rng.random_range(0..syllables.len())])
                .collect()
        })
        .collect()
}

fn text(rng: &mut StdRng, words: &[String], n: usize) -> String {
    (0..n)
        .map(|_| {
            // Zipf-like: low indexes far more often.
            let r: f64 = rng.random();
            let i = ((r * r * r) * words.len() as f64) as usize;
            words[i.min(words.len() - 1)].as_str()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(i: usize, rng: &mut StdRng) -> MessageSummary {
    let sender = SENDERS[rng.random_range(0..SENDERS.len())];
    MessageSummary {
        id: format!("m-{i:06}"),
        message_uuid: Uuid::new_v4().to_string(),
        mailbox_id: MAILBOX.into(),
        folder_id: if i.is_multiple_of(10) {
            "f-user".into()
        } else {
            INBOX.into()
        },
        label: format!(
            "{} {}",
            SUBJECTS[rng.random_range(0..SUBJECTS.len())],
            i % 997
        ),
        sender: MessageSender {
            sender_id: "29189846".into(),
            id_type: "CVR".into(),
            label: sender.into(),
        },
        received_date_time: Utc.with_ymd_and_hms(2020, 1, 1, 8, 0, 0).unwrap()
            + Span::minutes(i as i64 * 17),
        read: rng.random_bool(0.8),
        flagged: rng.random_bool(0.05),
        version: 1,
        has_attachments: rng.random_bool(0.3),
        reply_by_date_time: None,
    }
}

fn detail(summary: MessageSummary) -> MessageDetail {
    let memo = Message {
        memo_version: "1.2".into(),
        memo_sch_version: None,
        message_type: MessageType::DigitalPost,
        message_uuid: Uuid::parse_str(&summary.message_uuid).unwrap(),
        message_id: None,
        message_code: None,
        label: summary.label.clone(),
        notification: None,
        additional_notification: None,
        reply: false,
        reply_by_date_time: None,
        do_not_deliver_until_date: None,
        mandatory: false,
        legal_notification: false,
        post_type: None,
        sender: Sender {
            id: "29189846".into(),
            id_type: "CVR".into(),
            label: summary.sender.label.clone(),
            ..Sender::default()
        },
        recipient: Recipient {
            id: "0101701234".into(),
            id_type: "CPR".into(),
            ..Recipient::default()
        },
        content_data: None,
        forward_data: None,
        reply_data: Vec::new(),
        created_date_time: None,
        documents: vec![Document {
            kind: DocumentKind::Main,
            id: None,
            label: Some(summary.label.clone()),
            files: Vec::new(),
            actions: Vec::new(),
        }],
    };
    MessageDetail {
        summary,
        memo,
        documents: vec![DocumentRef {
            id: "0".into(),
            kind: "main".into(),
            label: None,
            files: Vec::new(),
        }],
        do_not_deliver_until_date: None,
    }
}

async fn fill(cache: &Cache, n: usize, seed: u64) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let words = vocabulary(&mut rng);
    let mailbox = Mailbox {
        id: MAILBOX.into(),
        owner_type: OwnerType::Citizen,
        owner_name: "Anna Andersen".into(),
        cvr: None,
        access: MailboxAccess {
            access_type: AccessType::Owner,
            permissions: Permissions::default(),
            folder_ids: None,
            public_senders_only: false,
            expires_date_time: None,
        },
    };
    cache.set_mailboxes(&[mailbox]).await.unwrap();
    let folder = |id: &str, name: &str, t| Folder {
        id: id.into(),
        name: name.into(),
        folder_type: t,
        unread_count: 0,
        total_count: 0,
    };
    cache
        .set_folders(
            MAILBOX,
            &[
                folder(INBOX, "Indbakke", FolderType::Inbox),
                folder("f-sent", "Sendt", FolderType::Sent),
                folder("f-drafts", "Kladder", FolderType::Drafts),
                folder("f-deleted", "Slettet", FolderType::Deleted),
                folder("f-user", "Skat", FolderType::UserDefined),
            ],
        )
        .await
        .unwrap();
    for start in (0..n).step_by(1000) {
        let summaries: Vec<MessageSummary> = (start..(start + 1000).min(n))
            .map(|i| summary(i, &mut rng))
            .collect();
        let feed = ChangeFeed {
            changed: summaries.clone(),
            deleted: Vec::new(),
            next_cursor: start.to_string(),
            has_more: true,
        };
        cache.apply_feed(MAILBOX, &feed).await.unwrap();
        let details: Vec<MessageDetail> = summaries.into_iter().map(detail).collect();
        let texts: Vec<String> = details
            .iter()
            .map(|_| {
                let n = rng.random_range(40..200);
                text(&mut rng, &words, n)
            })
            .collect();
        let pairs: Vec<(&MessageDetail, &str)> = details
            .iter()
            .zip(texts.iter().map(String::as_str))
            .collect();
        cache.put_details(&pairs).await.unwrap();
    }
    words
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    // The caches are encrypted (SQLCipher) as the client's are.
    let key = CacheKey::generate();

    // 1. Search over n messages.
    let cache = Cache::open(&dir.path().join("search"), &key).await.unwrap();
    let started = Instant::now();
    let words = fill(&cache, n, 7).await;
    let fill_time = started.elapsed();
    let size = std::fs::metadata(dir.path().join("search/cache.sqlite"))
        .unwrap()
        .len();
    let mut rng = StdRng::seed_from_u64(11);
    let mut times = Vec::new();
    let mut hits = 0usize;
    for q in 0..300 {
        let query = match q % 6 {
            0 => words[rng.random_range(2000..4000)].clone(), // a rare word
            1 => words[rng.random_range(0..20)].clone(),      // a common word
            2 => format!(
                "{} {}",
                words[rng.random_range(0..200)],
                words[rng.random_range(0..200)]
            ),
            3 => words[rng.random_range(0..4000)].chars().take(3).collect(), // a prefix
            4 => SENDERS[rng.random_range(0..SENDERS.len())]
                .split(' ')
                .next()
                .unwrap()
                .to_lowercase(),
            _ => format!(
                "{} {}",
                SUBJECTS[rng.random_range(0..SUBJECTS.len())],
                rng.random_range(0..997)
            ),
        };
        let t = Instant::now();
        let found = cache.search(&query, None, 50).await.unwrap();
        times.push(t.elapsed());
        hits += found.len();
    }
    times.sort();
    let mut page_times = Vec::new();
    for page in 0..50 {
        let t = Instant::now();
        let list = cache
            .list_messages(&ListQuery {
                mailbox_id: MAILBOX.into(),
                folder_id: Some(INBOX.into()),
                page: (page * 20) % (n as u32 * 9 / 10 / 50),
                size: 50,
                ..ListQuery::default()
            })
            .await
            .unwrap();
        page_times.push(t.elapsed());
        assert_eq!(list.len(), 50);
    }
    page_times.sort();
    cache.close().await;

    // 2. Startup with 10,000 messages.
    let startup_dir = dir.path().join("startup");
    let cache = Cache::open(&startup_dir, &key).await.unwrap();
    fill(&cache, 10_000, 13).await;
    cache.close().await;
    drop(cache);
    let cold = args.iter().any(|a| a == "--cold");
    // Each run opens the cache twice, in turn: as after a clean close (not checked) and as
    // after a crash (the check marker left: every page's HMAC and quick_check first).
    let mut startups = Vec::new();
    let mut opens = Vec::new();
    let mut checked_startups = Vec::new();
    let mut checked_opens = Vec::new();
    for _ in 0..runs {
        for check in [true, false] {
            if cold {
                let dropped = std::process::Command::new("sync")
                    .status()
                    .is_ok_and(|s| s.success())
                    && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok();
                assert!(dropped, "--cold needs root on Linux to drop the page cache");
            }
            if check {
                std::fs::write(startup_dir.join(CHECK_MARKER), b"").unwrap();
            }
            let t = Instant::now();
            let cache = Cache::open(&startup_dir, &key).await.unwrap();
            let opened = t.elapsed();
            assert_eq!(cache.checked_at_open(), check);
            let mailboxes = cache.mailboxes().await.unwrap();
            let folders = cache.folders(&mailboxes[0].id).await.unwrap();
            let inbox = folders
                .iter()
                .find(|f| f.folder_type == FolderType::Inbox)
                .unwrap();
            let page = cache
                .list_messages(&ListQuery {
                    mailbox_id: mailboxes[0].id.clone(),
                    folder_id: Some(inbox.id.clone()),
                    size: 50,
                    ..ListQuery::default()
                })
                .await
                .unwrap();
            let total = t.elapsed();
            assert_eq!(page.len(), 50);
            assert_eq!(inbox.total_count, 9_000);
            cache.close().await;
            if check {
                checked_opens.push(opened);
                checked_startups.push(total);
            } else {
                opens.push(opened);
                startups.push(total);
            }
        }
    }
    let median = |d: &[Duration]| {
        let mut d = d.to_vec();
        d.sort();
        ms(d[d.len() / 2])
    };

    println!("cache benchmark ({n} messages; p = percentile)");
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| fill {n} messages (feed + details, batches of 1000) | {:.1} s |",
        fill_time.as_secs_f64()
    );
    println!("| database size | {:.1} MiB |", size as f64 / 1048576.0);
    println!(
        "| search p50 (300 queries, limit 50) | {} |",
        ms(percentile(&times, 0.5))
    );
    println!("| search p95 | {} |", ms(percentile(&times, 0.95)));
    println!("| search max | {} |", ms(*times.last().unwrap()));
    println!("| search hits, average | {:.1} |", hits as f64 / 300.0);
    println!(
        "| list a page of 50 (inbox, 50 pages spread over it) p50 / p95 | {} / {} |",
        ms(percentile(&page_times, 0.5)),
        ms(percentile(&page_times, 0.95))
    );
    let each = |d: &[Duration]| d.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ");
    println!(
        "| startup after a crash (full check), 10,000 messages: `Cache::open` median / each run | {} / {} |",
        median(&checked_opens),
        each(&checked_opens)
    );
    println!(
        "| startup after a crash: open + mailboxes + folders + first page, median / each run | {} / {} |",
        median(&checked_startups),
        each(&checked_startups)
    );
    println!(
        "| startup after a clean close (no check), 10,000 messages: `Cache::open` median / each run | {} / {} |",
        median(&opens),
        each(&opens)
    );
    println!(
        "| startup ({}), 10,000 messages: open + mailboxes + folders with counts + first page, each run | {} |",
        if cold {
            "cold: page cache dropped"
        } else {
            "warm"
        },
        startups
            .iter()
            .map(|d| ms(*d))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let p95 = percentile(&times, 0.95);
    let worst_start = *startups.iter().max().unwrap();
    println!(
        "| startup after a clean close, median | {} |",
        median(&startups)
    );
    println!(
        "targets: search p95 <= 50 ms: {}; startup <= 1.0 s: {}",
        if p95 <= Duration::from_millis(50) {
            "met"
        } else {
            "MISSED"
        },
        if worst_start <= Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        }
    );
}
