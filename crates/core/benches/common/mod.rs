//! Shared by the benchmarks: a core in a temporary folder with identities, and small MeMo
//! messages written from a template.

#![allow(dead_code, unreachable_pub)]

use brevdue_core::{Config, RunningServer};
use tempfile::TempDir;

// `BREVDUE_TEST_DATABASE=postgres scripts/with-postgres cargo bench …` runs on PostgreSQL.
#[path = "../../tests/support/postgres.rs"]
mod postgres;

pub const KOMMUNE_CVR: &str = "29189846";
pub const SENDER: &str = "s-kommune-send";

pub async fn server(tweak: impl FnOnce(&mut Config)) -> (RunningServer, TempDir) {
    let dir = tempfile::tempdir_in(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temporary folder");
    let mut config = Config::new(dir.path().join("data"));
    config.database_url = postgres::test_database_url();
    println!(
        "database: {}",
        if config.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    tweak(&mut config);
    let server = brevdue_core::start(config).await.expect("server starts");
    let db = &server.state().db;
    sqlx::query("INSERT INTO authorities (id, cvr, name, authority_type) VALUES ('a-kommune', '29189846', 'Testrup Kommune', 'MUNICIPALITY')")
        .execute(db)
        .await
        .expect("seed");
    (server, dir)
}

/// Registers the sender system and signs it in with client credentials; its access token.
pub async fn sender_token(server: &RunningServer) -> String {
    let db = &server.state().db;
    let secret = brevdue_core::auth::systems::register(
        db,
        SENDER,
        "a-kommune",
        brevdue_core::auth::SystemRole::Sender,
        "Brevsystem",
    )
    .await
    .expect("register");
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", server.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// An access token for person `id`, issued in-process.
pub async fn person_token(server: &RunningServer, id: &str) -> String {
    server
        .state()
        .auth
        .issue_person_tokens("brevdue-cli", id)
        .await
        .expect("tokens")
        .access_token
}

/// Adds `n` persons `p-{i}` with CPR numbers [`cpr`]`(i)`.
pub async fn persons(server: &RunningServer, n: usize) {
    let db = &server.state().db;
    let mut tx = db.begin().await.expect("tx");
    for i in 0..n {
        sqlx::query("INSERT INTO persons (id, cpr, name) VALUES ($1, $2, $3)")
            .bind(format!("p-{i}"))
            .bind(cpr(i))
            .bind(format!("Person {i}"))
            .execute(&mut *tx)
            .await
            .expect("person");
    }
    tx.commit().await.expect("commit");
}

/// A CPR number with a real date (the validator checks it), unique for `i` below 10,000.
pub fn cpr(i: usize) -> String {
    format!(
        "{:02}{:02}80{:04}",
        1 + i % 28,
        1 + (i / 28) % 12,
        i % 10_000
    )
}

/// A small MeMo 1.2 (about 1.5 kB) to person `i`.
pub fn small_memo(uuid: uuid::Uuid, to: &str, label: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message xmlns="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">
  <MessageHeader>
    <messageType>DIGITALPOST</messageType>
    <messageUUID>{uuid}</messageUUID>
    <label>{label}</label>
    <reply>false</reply>
    <mandatory>false</mandatory>
    <legalNotification>false</legalNotification>
    <Sender><senderID>{KOMMUNE_CVR}</senderID><idType>CVR</idType><label>Testrup Kommune</label></Sender>
    <Recipient><recipientID>{to}</recipientID><idType>CPR</idType></Recipient>
  </MessageHeader>
  <MessageBody>
    <createdDateTime>2026-11-27T09:00:00Z</createdDateTime>
    <MainDocument>
      <mainDocumentID>1</mainDocumentID>
      <label>Brev</label>
      <File>
        <encodingFormat>text/plain</encodingFormat>
        <filename>brev.txt</filename>
        <language>da</language>
        <content>{content}</content>
      </File>
    </MainDocument>
  </MessageBody>
</Message>
"#,
        content = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "Kære modtager, der er nyt om din sag. Med venlig hilsen. ".repeat(10)
        )
    )
}

/// Resident set size and its peak, in KiB, from /proc/self/status.
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak RSS (VmHWM) so that the next peak is this run's.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
