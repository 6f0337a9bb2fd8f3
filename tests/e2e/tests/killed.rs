//! Faults, nothing lost and nothing doubled, with the core killed: the core runs as a process
//! of its own (`brevdue serve`), is killed with SIGKILL (its whole process group) at the worst
//! moments and started again on the same port with the same data folder; the viewing client
//! (`brevdue-client`, in this test's process, with a private keyring) syncs and sends against
//! it over real HTTP, with a real SQLite cache.
//!
//! 1. Killed during a sync of a few hundred letters (some with large files), half-way through
//!    the download of one of those files: the sync fails with a retryable error (offline),
//!    the cache is whole and keeps the part; after the restart one sync leaves the cache
//!    holding exactly the core's messages, each once, at the core's versions, with the right
//!    content, and no half-downloaded file left behind.
//! 2. Killed during a send, in the middle of the upload: after the restart the outbox delivers
//!    the message once (one memo, one SENT copy, one delivery to the recipient system).
//! 3. Killed after the core stored a message but before its answer reached the client: the
//!    message is sent again under the same messageUUID, the core answers that it had it
//!    (200, not 201), and nothing is doubled.
//!
//! No window is needed; the tests need the `brevdue` binary (`cargo build -p brevdue-cli`),
//! `dbus-run-session` and `gnome-keyring-daemon`.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use brevdue_client::auth::CLIENT_ID_DESKTOP;
use brevdue_client::{Client, ClientConfig, Draft, DraftAttachment, DraftRecipient, ErrorKind};
use brevdue_core::demo::world::{ANDERS, KOMMUNE};
use brevdue_memo::{Document, DocumentKind, File, FileId, MemorySink, Message, MessageType};
use support::CoreProcess;
use support::proxy::{Proxy, Stop};

/// The sender system the test registers for the municipality.
const SENDER: &str = "e2e-kill-sender";
/// The municipality's recipient system behind the passport contact point (demo world).
const PAS_SYSTEM: &str = "fjordmark-kommune-borgerservice";
/// How many letters the sync test delivers; every tenth has a large file.
const LETTERS: usize = 300;
const PREFIX: &str = "Brev nr.";
/// Generous bounds for a loaded machine (2 shared cores, debug builds).
const LONG: Duration = Duration::from_secs(240);

/// A core's data folder with the demo world, a sender system and an access token for Anders,
/// and where its process listens.
struct World {
    data: PathBuf,
    log: PathBuf,
    addr: SocketAddr,
    sender_secret: String,
    kommune_cvr: String,
    anders_cpr: String,
    anders_mailbox: String,
    anders_token: String,
}

impl World {
    /// Written by an embedded core, which stops before the process starts.
    async fn make(work: &Path) -> Result<World> {
        let data = work.join("core");
        let (core, _) = support::demo_core(&data).await?;
        let db = &core.state().db;
        let sender_secret = brevdue_core::auth::systems::register(
            db,
            SENDER,
            KOMMUNE,
            brevdue_core::auth::SystemRole::Sender,
            "e2e",
        )
        .await?;
        let (kommune_cvr,): (String,) = sqlx::query_as("SELECT cvr FROM authorities WHERE id = $1")
            .bind(KOMMUNE)
            .fetch_one(db)
            .await?;
        let (anders_cpr,): (String,) = sqlx::query_as("SELECT cpr FROM persons WHERE id = $1")
            .bind(ANDERS)
            .fetch_one(db)
            .await?;
        let (anders_mailbox,): (String,) =
            sqlx::query_as("SELECT id FROM mailboxes WHERE person_id = $1")
                .bind(ANDERS)
                .fetch_one(db)
                .await?;
        // The test's own way to read the core's lists as Anders sees them (the client has its
        // own sign-in).
        let anders_token = core
            .state()
            .auth
            .issue_person_tokens("brevdue-cli", ANDERS)
            .await?
            .access_token;
        let addr = core.addr();
        core.shutdown().await?;
        Ok(World {
            log: work.join("core.log"),
            data,
            addr,
            sender_secret,
            kommune_cvr,
            anders_cpr,
            anders_mailbox,
            anders_token,
        })
    }

    fn start(&self) -> Result<CoreProcess> {
        CoreProcess::start(self.addr, &self.data, &self.log)
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A read-only look into the core's database (SQLite in WAL mode: the running core is
    /// not disturbed).
    async fn db(&self) -> Result<sqlx::SqlitePool> {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(self.data.join("brevdue.sqlite3"))
            .read_only(true)
            .busy_timeout(Duration::from_secs(10));
        Ok(sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?)
    }

    /// The core's log, for a failure's report.
    fn print_log(&self) {
        println!(
            "--- the core's log ---\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

/// The text of letter `i`: large (600 KB, still fetched with its message as its main
/// document) for every tenth, else a few hundred bytes.
fn letter_text(i: usize) -> Vec<u8> {
    let line = format!("Brev {i} fra Fjordmark Kommune til Anders. ");
    let len = if i.is_multiple_of(10) {
        600 * 1024
    } else {
        300
    };
    line.bytes().cycle().take(len).collect()
}

/// The attachment of letter `i` (every tenth has one): a text file of 50 KB.
fn letter_attachment(i: usize) -> Option<Vec<u8>> {
    i.is_multiple_of(10).then(|| {
        format!("Bilag til brev {i}. ")
            .bytes()
            .cycle()
            .take(50 * 1024)
            .collect()
    })
}

/// Letter `i` from the municipality (`cvr`) to Anders (`cpr`) as MeMo XML.
fn letter(cvr: &str, cpr: &str, i: usize) -> Result<Vec<u8>> {
    let label = format!("{PREFIX} {i:03}");
    let mut contents = MemorySink::default();
    let text = letter_text(i);
    let file = |name: &str, size: usize| File {
        filename: name.into(),
        encoding_format: "text/plain".into(),
        language: "da".into(),
        size: size as u64,
        sha256: String::new(),
    };
    let mut documents = vec![Document {
        kind: DocumentKind::Main,
        id: Some("brev".into()),
        label: Some(label.clone()),
        files: vec![file("brev.txt", text.len())],
        actions: Vec::new(),
    }];
    contents.insert(
        FileId {
            document: 0,
            file: 0,
        },
        text,
    );
    if let Some(bilag) = letter_attachment(i) {
        documents.push(Document {
            kind: DocumentKind::Additional,
            id: Some("bilag".into()),
            label: Some("Bilag".into()),
            files: vec![file("bilag.txt", bilag.len())],
            actions: Vec::new(),
        });
        contents.insert(
            FileId {
                document: 1,
                file: 0,
            },
            bilag,
        );
    }
    let message = Message {
        memo_version: "1.2".into(),
        memo_sch_version: None,
        message_type: MessageType::DigitalPost,
        message_uuid: uuid::Uuid::new_v4(),
        message_id: None,
        message_code: None,
        label,
        notification: None,
        additional_notification: None,
        reply: false,
        reply_by_date_time: None,
        do_not_deliver_until_date: None,
        mandatory: false,
        legal_notification: false,
        post_type: None,
        sender: brevdue_memo::Sender {
            id: cvr.into(),
            id_type: "CVR".into(),
            label: "Fjordmark Kommune".into(),
            ..brevdue_memo::Sender::default()
        },
        recipient: brevdue_memo::Recipient {
            id: cpr.into(),
            id_type: "CPR".into(),
            ..brevdue_memo::Recipient::default()
        },
        content_data: None,
        forward_data: None,
        reply_data: Vec::new(),
        created_date_time: Some(chrono::Utc::now()),
        documents,
    };
    Ok(brevdue_memo::to_vec(&message, &mut contents)?)
}

/// Delivers the letters through the core's API as the municipality's sender system (client
/// credentials, `POST /apis/v1/memos`), four at a time.
async fn deliver_letters(world: &World) -> Result<()> {
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/oauth/token", world.base()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", SENDER),
            ("client_secret", &world.sender_secret),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (http, token, next) = (http.clone(), token.clone(), next.clone());
        let (cvr, cpr) = (world.kommune_cvr.clone(), world.anders_cpr.clone());
        let url = format!("{}/apis/v1/memos", world.base());
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= LETTERS {
                    return Ok::<(), anyhow::Error>(());
                }
                let status = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/xml")
                    .body(letter(&cvr, &cpr, i)?)
                    .send()
                    .await?
                    .status();
                ensure!(
                    status.as_u16() == 201,
                    "letter {i}: the core answered {status}"
                );
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(())
}

/// Every message of `mailboxes` as the core lists it for Anders (its change feed from the
/// start, which is what a new cache must end up holding): id -> (version, label).
async fn core_messages(
    world: &World,
    mailboxes: &[String],
) -> Result<BTreeMap<String, (i64, String)>> {
    let http = reqwest::Client::new();
    let mut all = BTreeMap::new();
    for mailbox in mailboxes {
        let mut since = "0".to_owned();
        loop {
            let feed: brevdue_api::ChangeFeed = http
                .get(format!(
                    "{}/apis/v1/mailboxes/{mailbox}/changes",
                    world.base()
                ))
                .query(&[("since", since.as_str()), ("limit", "500")])
                .bearer_auth(&world.anders_token)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            for m in feed.changed {
                all.insert(m.id, (m.version, m.label));
            }
            for id in feed.deleted {
                all.remove(&id);
            }
            if !feed.has_more || feed.next_cursor == since {
                break;
            }
            since = feed.next_cursor;
        }
    }
    Ok(all)
}

async fn open_client(server: &str, data: &Path) -> Result<Client> {
    Ok(Client::open(ClientConfig {
        data_dir: data.to_path_buf(),
        server: server.parse()?,
        client_id: CLIENT_ID_DESKTOP.into(),
    })
    .await?)
}

/// The one account's cache folder under a client's data folder.
fn cache_dir(data: &Path) -> Result<PathBuf> {
    let mut dirs = std::fs::read_dir(data.join("accounts"))?
        .map(|e| Ok(e?.path()))
        .collect::<Result<Vec<_>>>()?;
    ensure!(dirs.len() == 1, "not one cache: {dirs:?}");
    Ok(dirs.remove(0))
}

/// A connection to the signed-in account's cache file (encrypted: its key from the secret
/// store), to look at what the client wrote.
async fn cache_pool(client: &Client, data: &Path) -> Result<sqlx::SqlitePool> {
    let account = client.account().await.context("nobody signed in")?;
    let key = brevdue_client::credentials::CredentialStore::new()
        .load_cache_key(&account.key())?
        .context("no cache key in the secret store")?;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(cache_dir(data)?.join(brevdue_client::cache::DB_FILE))
        .pragma("key", format!("\"{}\"", key.sqlcipher_raw().expose()))
        .busy_timeout(Duration::from_secs(10));
    Ok(sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?)
}

/// What the cache holds: id -> (version, label, whether its details were fetched), and
/// whether SQLite finds the file whole.
type Cached = BTreeMap<String, (i64, String, bool)>;

async fn cached(client: &Client, data: &Path) -> Result<(Cached, bool)> {
    let pool = cache_pool(client, data).await?;
    let rows: Vec<(String, i64, String, bool)> = sqlx::query_as(
        "SELECT id, version, label, detail_json IS NOT NULL FROM messages ORDER BY id",
    )
    .fetch_all(&pool)
    .await?;
    let check: Vec<(String,)> = sqlx::query_as("PRAGMA quick_check")
        .fetch_all(&pool)
        .await?;
    pool.close().await;
    let whole = check.len() == 1 && check[0].0 == "ok";
    let mut map = BTreeMap::new();
    for (id, version, label, fetched) in rows {
        ensure!(
            map.insert(id.clone(), (version, label, fetched)).is_none(),
            "{id} twice"
        );
    }
    Ok((map, whole))
}

/// Files under the cache folder left by a write that never finished: a download's part or
/// a file being copied in (`.part-…`), a message being written out (`.outgoing-…`).
fn leftovers(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                stack.push(path);
            } else if name.starts_with(".part") || name.starts_with(".outgoing-") {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Runs `steps` with the core's log printed when they fail.
async fn reporting<T>(
    world: &World,
    steps: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let result = tokio::time::timeout(Duration::from_secs(600), steps)
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the test took over 10 minutes")));
    if result.is_err() {
        world.print_log();
    }
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_killed_during_a_sync_loses_and_doubles_nothing() -> Result<()> {
    if !support::keyring::enter(
        module_path!(),
        "the_core_killed_during_a_sync_loses_and_doubles_nothing",
    ) {
        return Ok(());
    }
    let work = tempfile::tempdir()?;
    let world = World::make(work.path()).await?;
    let core = world.start()?;
    reporting(&world, killed_during_sync(&world, core, work.path())).await
}

async fn killed_during_sync(world: &World, core: CoreProcess, work: &Path) -> Result<()> {
    deliver_letters(world).await?;
    println!("{LETTERS} letters delivered");
    // The worst moment: in the middle of the sync, half-way through the download of a
    // letter's large file (fetched with its message). A forwarder between the client and the
    // core stops that answer there, and the core is killed.
    let label = format!("{PREFIX} 150");
    let cut = core_messages(world, std::slice::from_ref(&world.anders_mailbox))
        .await?
        .into_iter()
        .find(|(_, (_, l))| *l == label)
        .map(|(id, _)| id)
        .context("letter 150 is not on the core")?;
    let proxy = Proxy::start(world.addr).await?;
    proxy.arm(
        &format!(
            "GET /apis/v1/mailboxes/{}/messages/{cut}/documents/0/files/0/content",
            world.anders_mailbox
        ),
        Stop::MidAnswer(256 * 1024),
    );
    let data = work.join("client");
    let client = Arc::new(open_client(&proxy.url(), &data).await?);
    client.sign_in_demo(ANDERS).await?;
    let syncing = {
        let client = client.clone();
        tokio::spawn(async move { client.sync(None).await })
    };
    tokio::time::timeout(LONG, proxy.stopped())
        .await
        .context("the sync never fetched letter 150's file")?;
    core.kill()?;
    println!("the core is killed half-way through a download");
    let failed = match tokio::time::timeout(LONG, syncing).await?? {
        Ok(report) => bail!("the sync did not notice the core die: {report:?}"),
        Err(error) => error,
    };
    println!("the sync failed: {failed}");
    ensure!(
        failed.kind() == ErrorKind::Offline,
        "not a retryable error: {:?}: {failed}",
        failed.kind()
    );

    let (partial, whole) = cached(&client, &data).await?;
    ensure!(whole, "the cache is damaged after the core died");
    let fetched_before = partial.values().filter(|(_, _, f)| *f).count();
    ensure!(
        fetched_before > 0 && fetched_before < LETTERS,
        "killed half-way, yet {fetched_before} of {} messages were fetched",
        partial.len()
    );
    println!(
        "{} messages cached, {fetched_before} with their details",
        partial.len()
    );
    let parts = leftovers(&cache_dir(&data)?)?;
    println!("kept for the next attempt: {parts:?}");
    ensure!(
        !parts.is_empty(),
        "the download cut half-way left no part in the cache"
    );

    let core = world.start()?;
    println!("the core is back");
    let report = tokio::time::timeout(LONG, client.sync(None)).await??;
    println!("the sync after the restart: {report:?}");
    let mailboxes: Vec<String> = client
        .mailboxes()
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    ensure!(
        mailboxes.contains(&world.anders_mailbox),
        "Anders's mailbox is not in the cache: {mailboxes:?}"
    );
    let on_core = core_messages(world, &mailboxes).await?;
    let (now, whole) = cached(&client, &data).await?;
    ensure!(whole, "the cache is damaged");
    ensure!(
        report.fetched as usize == on_core.len() - fetched_before,
        "{} fetched after the restart; {} of {} were fetched before",
        report.fetched,
        fetched_before,
        on_core.len()
    );
    // Exactly the core's messages, at the core's versions, with their details.
    let core_ids: HashSet<&String> = on_core.keys().collect();
    let cache_ids: HashSet<&String> = now.keys().collect();
    ensure!(
        core_ids == cache_ids,
        "only on the core: {:?}; only in the cache: {:?}",
        core_ids.difference(&cache_ids).collect::<Vec<_>>(),
        cache_ids.difference(&core_ids).collect::<Vec<_>>()
    );
    for (id, (version, label)) in &on_core {
        let (v, l, fetched) = &now[id];
        ensure!(
            v == version && l == label && *fetched,
            "{id}: the core has version {version} {label:?}, the cache {v} {l:?} (fetched: {fetched})"
        );
    }
    // Each letter once, with the content sent.
    let mut by_label: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for (id, (_, label, _)) in &now {
        if label.starts_with(PREFIX) {
            by_label.entry(label.as_str()).or_default().push(id);
        }
    }
    ensure!(
        by_label.len() == LETTERS && by_label.values().all(|ids| ids.len() == 1),
        "{} letters in the cache, some more than once: {:?}",
        by_label.len(),
        by_label
            .iter()
            .filter(|(_, ids)| ids.len() > 1)
            .collect::<Vec<_>>()
    );
    for i in (0..LETTERS).step_by(10) {
        let id = by_label[format!("{PREFIX} {i:03}").as_str()][0];
        let text = client.file_content(id, 0, 0).await?;
        ensure!(text == letter_text(i), "letter {i}: another text");
        if let Some(bilag) = letter_attachment(i) {
            let got = client.file_content(id, 1, 0).await?;
            ensure!(got == bilag, "letter {i}: another attachment");
        }
    }
    let left = leftovers(&cache_dir(&data)?)?;
    ensure!(
        left.is_empty(),
        "unfinished files left in the cache: {left:?}"
    );
    // The cut download went on from its part (`Range`), not from the start.
    let cut_answers: Vec<String> = proxy
        .answers()
        .into_iter()
        .filter(|(request, _)| request.contains(&format!("/messages/{cut}/documents/0/files/0/")))
        .map(|(_, answer)| answer)
        .collect();
    ensure!(
        cut_answers == ["HTTP/1.1 200 OK", "HTTP/1.1 206 Partial Content"],
        "the cut file was fetched with the answers {cut_answers:?}"
    );

    // Once more: nothing new, nothing twice.
    let again = tokio::time::timeout(LONG, client.sync(None)).await??;
    ensure!(
        (again.changed, again.fetched) == (0, 0),
        "a sync with nothing new changed something: {again:?}"
    );
    ensure!(cached(&client, &data).await?.0 == now, "the cache changed");
    client.close().await;
    core.kill()
}

/// A message to the municipality's passport contact point with a 3 MB attachment.
fn to_pas(world: &World, work: &Path, subject: &str) -> Result<Draft> {
    let attachment = work.join("scanning.txt");
    let bytes: Vec<u8> = "Scannet anmeldelse af mistet pas. "
        .bytes()
        .cycle()
        .take(3 * 1024 * 1024)
        .collect();
    std::fs::write(&attachment, bytes)?;
    let mut draft = Draft::new(&world.anders_mailbox);
    draft.recipient = Some(DraftRecipient::ContactPoint {
        id: brevdue_core::demo::contacts::point_id(KOMMUNE, "pas").to_string(),
        authority_cvr: world.kommune_cvr.clone(),
        label: "Pas".into(),
    });
    draft.subject = subject.into();
    draft.body = "Mit pas er bortkommet; anmeldelsen er vedhæftet.".into();
    draft.attachments = vec![DraftAttachment::from_path(&attachment)];
    Ok(draft)
}

/// On the core: memos with this messageUUID, copies of it in mailboxes (the writer's SENT),
/// and entries for it in the passport office's queue.
async fn on_the_core(world: &World, uuid: &str) -> Result<(i64, i64, i64)> {
    let db = world.db().await?;
    let count = |sql: &'static str| {
        let db = db.clone();
        let uuid = uuid.to_lowercase();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).bind(uuid).fetch_one(&db).await?;
            Ok::<i64, anyhow::Error>(n)
        }
    };
    let memos = count("SELECT COUNT(*) FROM memos WHERE message_uuid = $1").await?;
    let copies = count("SELECT COUNT(*) FROM messages WHERE message_uuid = $1").await?;
    let (queued,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM memos WHERE message_uuid = $1 \
         AND routed_to = 'RECIPIENT_SYSTEM' AND recipient_system_id = $2 AND receipted_at IS NULL",
    )
    .bind(uuid.to_lowercase())
    .bind(PAS_SYSTEM)
    .fetch_one(&db)
    .await?;
    db.close().await;
    Ok((memos, copies, queued))
}

/// The size of the largest file in the core's temporary folder (where it spools an upload).
fn spooled(world: &World) -> u64 {
    std::fs::read_dir(world.data.join("tmp"))
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// Anders sends a message through a forwarder that stops the upload at `stop`; the core is
/// killed there and started again; the next sync delivers the message. Returns the first
/// line of each answer the core began to the message's sends.
async fn killed_during_send(
    world: &World,
    core: CoreProcess,
    work: &Path,
    stop: Stop,
) -> Result<Vec<String>> {
    let proxy = Proxy::start(world.addr).await?;
    let data = work.join("client");
    let client = Arc::new(open_client(&proxy.url(), &data).await?);
    client.sign_in_demo(ANDERS).await?;
    tokio::time::timeout(LONG, client.sync(None)).await??;
    let subject = "Mistet pas, anmeldelse vedhæftet";
    let draft = to_pas(world, work, subject)?;

    proxy.arm("POST /apis/v1/mailboxes/", stop);
    let sending = {
        let client = client.clone();
        tokio::spawn(async move { client.send(draft).await })
    };
    tokio::time::timeout(LONG, proxy.stopped())
        .await
        .context("the message was never sent")?;
    if let Stop::MidUpload(_) = stop {
        // The core has begun to receive it: part of it is in its spool file.
        let end = tokio::time::Instant::now() + LONG;
        while spooled(world) == 0 {
            ensure!(
                tokio::time::Instant::now() < end,
                "the core never spooled the upload"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    core.kill()?;
    println!("the core is killed during the send ({stop:?})");
    // Queued, and the send's failure is not the caller's error: it waits in the outbox.
    let uuid = tokio::time::timeout(LONG, sending).await???.to_string();
    ensure!(
        client.pending_changes().await? == 1,
        "the message is not waiting in the outbox"
    );
    let stored_before = on_the_core(world, &uuid).await?;
    println!("on the core before the restart: {stored_before:?}");
    match stop {
        Stop::MidUpload(_) => ensure!(
            stored_before == (0, 0, 0),
            "killed in the middle of the upload, yet the core has {stored_before:?}"
        ),
        Stop::AtAnswer => ensure!(
            stored_before == (1, 1, 1),
            "killed as it answered, yet the core has {stored_before:?}"
        ),
        Stop::MidAnswer(_) => bail!("a send is not stopped in its answer here"),
    }

    let core = world.start()?;
    println!("the core is back");
    let report = tokio::time::timeout(LONG, client.sync(None)).await??;
    ensure!(report.messages_sent == 1, "{report:?}");
    ensure!(client.pending_changes().await? == 0, "still in the outbox");
    ensure!(
        client.outgoing().await?.is_empty(),
        "the outbox holds {:?}",
        client.outgoing().await?
    );
    let stored = on_the_core(world, &uuid).await?;
    ensure!(
        stored == (1, 1, 1),
        "the core holds (memos, copies, queued) = {stored:?} of {uuid}"
    );
    // The writer's SENT shows it once.
    let sent: Vec<_> = cached(&client, &data)
        .await?
        .0
        .into_values()
        .filter(|(_, label, _)| label == subject)
        .collect();
    ensure!(sent.len() == 1, "the cache shows it {} times", sent.len());
    // Nothing more to send, nothing sent twice.
    let again = tokio::time::timeout(LONG, client.sync(None)).await??;
    ensure!(again.messages_sent == 0, "{again:?}");
    ensure!(on_the_core(world, &uuid).await? == (1, 1, 1), "doubled");
    let left = leftovers(&cache_dir(&data)?)?;
    ensure!(
        left.is_empty(),
        "unfinished files left in the cache: {left:?}"
    );
    client.close().await;
    core.kill()?;
    // The core's answers to the message's sends.
    Ok(proxy
        .answers()
        .into_iter()
        .filter(|(request, _)| {
            request.starts_with("POST /apis/v1/mailboxes/") && request.contains("/messages ")
        })
        .map(|(_, answer)| answer)
        .collect())
}

/// The upload stops after 1 MB of the MeMo (about 4 MB); the core, which has begun to spool
/// it, is killed. After the restart the outbox sends it again: stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_killed_during_an_upload_gets_the_message_once_after_its_restart() -> Result<()> {
    if !support::keyring::enter(
        module_path!(),
        "the_core_killed_during_an_upload_gets_the_message_once_after_its_restart",
    ) {
        return Ok(());
    }
    let work = tempfile::tempdir()?;
    let world = World::make(work.path()).await?;
    let core = world.start()?;
    let answers = reporting(
        &world,
        killed_during_send(&world, core, work.path(), Stop::MidUpload(1024 * 1024)),
    )
    .await?;
    // The cut upload was never answered; the one sent after the restart was new to the core.
    ensure!(
        answers == ["HTTP/1.1 201 Created"],
        "the core answered the sends of the message {answers:?}"
    );
    Ok(())
}

/// The core stores the message and is killed as it answers (the answer never reaches the
/// client). After the restart the outbox sends it again under the same messageUUID; the core
/// answers that it had it (200, not 201) and stores nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_killed_after_storing_a_message_answers_its_resend_as_a_duplicate() -> Result<()> {
    if !support::keyring::enter(
        module_path!(),
        "the_core_killed_after_storing_a_message_answers_its_resend_as_a_duplicate",
    ) {
        return Ok(());
    }
    let work = tempfile::tempdir()?;
    let world = World::make(work.path()).await?;
    let core = world.start()?;
    let answers = reporting(
        &world,
        killed_during_send(&world, core, work.path(), Stop::AtAnswer),
    )
    .await?;
    // The first answer (held back, the core killed) said stored; the resend's said it had it.
    ensure!(
        answers == ["HTTP/1.1 201 Created", "HTTP/1.1 200 OK"],
        "the core answered the sends of the message {answers:?}"
    );
    Ok(())
}
