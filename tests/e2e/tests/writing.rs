//! Writing to the public sector in the real app (WebKitGTK under Xvfb, through tauri-driver),
//! against a real core with the demo world on loopback:
//! 1. compose, the municipality: searching "PAS" and "pas" finds Fjordmark Kommune's passport
//!    contact point, a second word narrows the list, an invisible contact point never shows;
//! 2. the passport contact point shows its self-service link;
//! 3. a message with an attachment chosen in the real GTK file dialog (answered with xdotool);
//! 4. it appears in Sendt;
//! 5. the municipality's recipient system (client credentials) pulls it from the core's memo
//!    queue, with the contact point's KLE code added by the core.
//!
//! 6. offline: the core stopped, a message written and sent (it waits in the outbox, and the
//!    app says so calmly), the core started again: the message is delivered exactly once.
//!
//! Screenshots in `target/e2e-screenshots/` (`c-*.png`, `o-*.png`).

mod support;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use support::{
    CoreProcess, Display, Driver, Screenshots, Tools, answer_file_dialog, app_args, desktop_binary,
    element, element_with_text, message_rows,
};

/// The demo municipality's recipient system that the passport contact point is mapped to.
const PAS_SYSTEM: &str = "fjordmark-kommune-borgerservice";
/// The KLE code of the passport contact point in the demo world.
const PAS_KLE: &str = "16.03.00";
const SUBJECT: &str = "Mistet pas på ferie";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_writes_to_the_municipality_in_the_real_app() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;

    let (core, _) = support::demo_core(&work.path().join("core")).await?;
    let secret = pas_system_secret(&core.state().db).await?;

    let attachment = work.path().join("politianmeldelse.txt");
    std::fs::write(
        &attachment,
        "Anmeldelse af mistet pas, journalnummer 1234-56789.\n",
    )?;

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let args = app_args(core.url(), work.path());
    let c = driver.launch(&app, &args).await?;
    let result = write(&c, &tools, &display, &shots, &attachment).await;
    let result = match result {
        Ok(()) => pulled_with_kle(core.url(), &secret).await,
        Err(e) => Err(e),
    };
    if result.is_err() {
        driver.report_failure(&c, &shots, "c-failed").await;
    }
    let _ = c.close().await;
    drop(driver);
    core.shutdown().await?;
    result
}

/// The demo's systems have no secret; give the passport office's recipient system one, as an
/// authority would when it sets its system up: register a system, take its secret.
async fn pas_system_secret(db: &brevdue_core::db::Db) -> Result<String> {
    let secret = brevdue_core::auth::systems::register(
        db,
        "e2e-secret-donor",
        brevdue_core::demo::world::KOMMUNE,
        brevdue_core::auth::SystemRole::Recipient,
        "e2e",
    )
    .await?;
    sqlx::query(
        "UPDATE systems SET secret_hash = (SELECT secret_hash FROM systems WHERE id = $1) WHERE id = $2",
    )
    .bind("e2e-secret-donor")
    .bind(PAS_SYSTEM)
    .execute(db)
    .await?;
    Ok(secret)
}

/// The names of the search results once the search for `query` has answered.
async fn search(c: &fantoccini::Client, query: &str) -> Result<Vec<String>> {
    let input = element(c, "#compose-recipient").await?;
    input.clear().await?;
    input.send_keys(query).await?;
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        // The status line says how many matched (or that none did) for the query shown.
        let state = c
            .execute(
                "const box = document.getElementById('cp-results');\
                 if (!box || box.getAttribute('aria-busy') !== 'false') return null;\
                 const status = box.querySelector('.cp-status').textContent.trim();\
                 if (!status) return null;\
                 return [...box.querySelectorAll('.cp-result-name')].map(e => e.textContent);",
                vec![],
            )
            .await?;
        if let Some(list) = state.as_array() {
            // A debounced search: wait until the answer is for the whole query.
            tokio::time::sleep(Duration::from_millis(700)).await;
            let again = c
                .execute(
                    "return [...document.querySelectorAll('#cp-results .cp-result-name')].map(e => e.textContent);",
                    vec![],
                )
                .await?;
            if again.as_array() == Some(list) {
                return Ok(list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect());
            }
        }
        if Instant::now() > end {
            bail!("the search for {query:?} did not answer");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn write(
    c: &fantoccini::Client,
    tools: &Tools,
    display: &Display,
    shots: &Screenshots,
    attachment: &std::path::Path,
) -> Result<()> {
    element_with_text(c, "button", "Log ind som Anders Holm")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=message-list] .mrow").await?;
    element_with_text(c, "button", "Skriv ny besked")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=compose]").await?;
    element(c, "#authority-MUNICIPALITY").await?.click().await?;
    shots.window(c, "c-01-compose").await?;

    let upper = search(c, "PAS").await?;
    let lower = search(c, "pas").await?;
    ensure!(upper.iter().any(|n| n == "Pas"), "PAS found {upper:?}");
    ensure!(upper == lower, "PAS found {upper:?}, pas found {lower:?}");
    let one = search(c, "mistet").await?;
    let two = search(c, "mistet pas").await?;
    ensure!(
        one.iter().any(|n| n == "Pas") && one.iter().any(|n| n == "Kørekort"),
        "mistet found {one:?}"
    );
    ensure!(
        two.len() < one.len() && two.iter().any(|n| n == "Pas"),
        "a second word did not narrow: {one:?} then {two:?}"
    );
    // "Teknisk Forvaltning (gammel postkasse)" is invisible: its own words never find it.
    let hidden = search(c, "forvaltning").await?;
    ensure!(
        !hidden.iter().any(|n| n.contains("gammel postkasse")),
        "an invisible contact point showed: {hidden:?}"
    );
    search(c, "pas").await?;
    shots.window(c, "c-02-search").await?;

    element_with_text(c, ".cp-result", "Pas")
        .await?
        .click()
        .await?;
    let card = element(c, "[data-testid=cp-card]").await?;
    ensure!(card.text().await?.contains("Pas"));
    let self_service = element(c, "[data-testid=cp-self-service] button").await?;
    let label = self_service.text().await?;
    ensure!(
        label.contains("selvbetjening.fjordmark.example"),
        "the self-service button says {label:?}"
    );
    shots.window(c, "c-03-contact-point").await?;

    element(c, "#compose-subject")
        .await?
        .send_keys(SUBJECT)
        .await?;
    element(c, "#compose-body")
        .await?
        .send_keys("Jeg mistede mit pas i Spanien. Jeg har anmeldt det til politiet.")
        .await?;
    shots.window(c, "c-04-message").await?;
    element_with_text(c, ".compose-buttons button", "Næste")
        .await?
        .click()
        .await?;

    // The attachment, through the real GTK file dialog: type its path and press Return.
    element(c, "#compose-attach").await?.click().await?;
    answer_file_dialog(
        tools,
        display,
        shots,
        "Vedhæft filer",
        attachment,
        "c-05-file-dialog",
    )
    .await?;
    element_with_text(
        c,
        "[data-testid=compose-attachments]",
        "politianmeldelse.txt",
    )
    .await
    .context("the chosen file is not attached")?;
    shots.window(c, "c-06-attachments").await?;

    element_with_text(c, ".compose-buttons button", "Send beskeden")
        .await?
        .click()
        .await?;
    let receipt = element(c, "[data-testid=compose-receipt]").await?;
    let text = receipt.text().await?;
    ensure!(
        text.contains("sendt") || text.contains("bliver sendt"),
        "receipt says {text:?}"
    );
    shots.window(c, "c-07-receipt").await?;

    element_with_text(c, ".compose-buttons button", "Gå til Sendt")
        .await?
        .click()
        .await?;
    // The app syncs in the background; SENT shows the message once the core has it.
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let texts = message_rows(c).await?;
        if texts.iter().any(|t| t.contains(SUBJECT)) {
            break;
        }
        if Instant::now() > end {
            bail!("the message never showed in Sendt; the list shows {texts:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Choosing the folder again lists it afresh.
        if let Ok(sent) = element_with_text(c, ".folder-list button", "Sendt").await {
            let _ = sent.click().await;
        }
    }
    shots.window(c, "c-08-sent").await?;
    Ok(())
}

/// The passport office's recipient system signs in with client credentials: an HTTP client
/// and its access token.
async fn recipient_token(core: &str, secret: &str) -> Result<(reqwest::Client, String)> {
    let http = reqwest::Client::new();
    let base = core.trim_end_matches('/');
    let token: serde_json::Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", PAS_SYSTEM),
            ("client_secret", secret),
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
    Ok((http, token))
}

/// The municipality's recipient system signs in with client credentials, finds the message in
/// its queue and pulls the MeMo: the core added the contact point's KLE code.
async fn pulled_with_kle(core: &str, secret: &str) -> Result<()> {
    let (http, token) = recipient_token(core, secret).await?;
    let base = core.trim_end_matches('/');
    let queue: serde_json::Value = http
        .get(format!("{base}/apis/v1/memos"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let entry = queue
        .as_array()
        .and_then(|q| q.iter().find(|m| m["label"] == SUBJECT))
        .with_context(|| format!("not in the recipient system's queue: {queue}"))?;
    let uuid = entry["messageUUID"].as_str().context("no messageUUID")?;
    let bytes = http
        .get(format!("{base}/apis/v1/memos/{uuid}"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let memo = brevdue_memo::read(bytes.as_ref(), &mut brevdue_memo::Discard)?;
    let kle = memo
        .content_data
        .and_then(|d| d.kle_data)
        .context("the core added no KLE code")?;
    ensure!(kle.subject_key == PAS_KLE, "KLE {}", kle.subject_key);
    let files: Vec<String> = memo
        .documents
        .iter()
        .flat_map(|d| d.files.iter().map(|f| f.filename.clone()))
        .collect();
    ensure!(
        files.iter().any(|f| f == "politianmeldelse.txt"),
        "the attachment is not in the MeMo: {files:?}"
    );
    Ok(())
}

const OFFLINE_SUBJECT: &str = "Pas bestilt uden net";

/// Offline: the contact point chosen, then the core is killed; the message is written and sent
/// in the app, which says calmly that it waits (no error); the core starts again on the same
/// port with the same data folder, and the app delivers the message exactly once, with the
/// messageUUID it gave it while offline: the core holds one memo, one SENT copy, and the
/// recipient system's queue one entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_written_offline_is_delivered_once_when_the_core_is_back() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    let data = work.path().join("core");

    // The demo world and the recipient system's secret, written into the data folder by an
    // embedded core, which stops before the app starts.
    let (seeding, _) = support::demo_core(&data).await?;
    let secret = pas_system_secret(&seeding.state().db).await?;
    let addr = seeding.addr();
    let url = seeding.url().to_owned();
    seeding.shutdown().await?;
    let core_log = work.path().join("core.log");
    let core = CoreProcess::start(addr, &data, &core_log)?;

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let c = driver.launch(&app, &app_args(&url, work.path())).await?;
    let restart = || CoreProcess::start(addr, &data, &core_log);
    let steps = tokio::time::timeout(
        Duration::from_secs(240),
        offline(&c, &shots, core, restart, work.path()),
    )
    .await
    .unwrap_or_else(|_| Err(anyhow::anyhow!("the offline steps took over 4 minutes")));
    match steps {
        Ok((uuid, core)) => {
            let pulled = delivered_once(&url, &secret, &uuid).await;
            // The app closes, the core stops; its database then says how often it holds it.
            let _ = c.close().await;
            drop(driver);
            core.kill()?;
            match pulled {
                Ok(()) => stored_once(&data, &uuid).await,
                Err(e) => Err(e),
            }
        }
        Err(e) => {
            let _ = shots.screen("o-failed-screen");
            let _ = tokio::time::timeout(
                Duration::from_secs(20),
                driver.report_failure(&c, &shots, "o-failed"),
            )
            .await;
            println!(
                "--- the core's log ---\n{}",
                std::fs::read_to_string(&core_log).unwrap_or_default()
            );
            let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
            Err(e)
        }
    }
}

/// The app's cache (`cache.sqlite` somewhere under the app's data folder in `work`).
fn app_cache(work: &std::path::Path) -> Result<std::path::PathBuf> {
    let mut dirs = vec![work.join("app")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().and_then(|n| n.to_str())
                == Some(brevdue_client::cache::DB_FILE)
            {
                return Ok(path);
            }
        }
    }
    bail!("the app has no cache under {}", work.display())
}

/// The messageUUIDs waiting in the app's outbox.
async fn waiting(
    cache: &std::path::Path,
    key: &brevdue_client::credentials::CacheKey,
) -> Result<Vec<String>> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(cache)
        // The cache is encrypted (SQLCipher): the key first, as the app opens it.
        .pragma("key", format!("\"{}\"", key.sqlcipher_raw().expose()))
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT message_uuid FROM outgoing WHERE failed IS NULL")
            .fetch_all(&pool)
            .await?;
    pool.close().await;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

/// Writes and sends the message with the core killed, then starts it again; the messageUUID
/// the app gave the message, and the running core.
async fn offline(
    c: &fantoccini::Client,
    shots: &Screenshots,
    core: CoreProcess,
    restart: impl Fn() -> Result<CoreProcess>,
    work: &std::path::Path,
) -> Result<(String, CoreProcess)> {
    element_with_text(c, "button", "Log ind som Anders Holm")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=message-list] .mrow").await?;
    element_with_text(c, "button", "Skriv ny besked")
        .await?
        .click()
        .await?;
    element(c, "#authority-MUNICIPALITY").await?.click().await?;
    search(c, "pas").await?;
    element_with_text(c, ".cp-result", "Pas")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=cp-card]").await?;
    println!("the contact point is chosen; the core goes away");

    core.kill()?;
    println!("the core is killed; writing");
    element(c, "#compose-subject")
        .await?
        .send_keys(OFFLINE_SUBJECT)
        .await?;
    element(c, "#compose-body")
        .await?
        .send_keys("Jeg har bestilt tid i selvbetjeningen, men vil gerne vide, hvad det koster.")
        .await?;
    element_with_text(c, ".compose-buttons button", "Næste")
        .await?
        .click()
        .await?;
    println!("written; sending");
    element_with_text(c, ".compose-buttons button", "Send beskeden")
        .await?
        .click()
        .await?;
    let receipt = element(c, "[data-testid=compose-receipt]").await?;
    println!("a receipt");
    let text = receipt.text().await?;
    let class = receipt.attr("class").await?.unwrap_or_default();
    println!("the receipt says {text:?}");
    ensure!(
        text.contains("når du er på nettet") && class.contains("alert-info"),
        "the receipt does not say calmly that the message waits: {class:?} {text:?}"
    );
    let errors = c
        .execute(
            "return document.querySelectorAll('.toast-error, .alert-error').length;",
            vec![],
        )
        .await?;
    ensure!(errors.as_u64() == Some(0), "the app shows an error");
    println!("no error shown");
    // The whole screen (WebDriver's screenshot of the window stalled here while offline).
    shots.screen("o-01-queued")?;

    let cache = app_cache(work)?;
    println!("the app's cache: {}", cache.display());
    let key = support::app_cache_key(&work.join("app"), &work.join("home"))?;
    let queued = waiting(&cache, &key).await?;
    let [uuid] = queued.as_slice() else {
        bail!("the outbox holds {queued:?}, not one message");
    };
    let uuid = uuid.clone();
    println!("queued {uuid}; the core comes back");

    // The core comes back on the same port with the same data.
    let core = restart()?;
    println!("the core is back");
    // The app's background sync (every minute) sends it; SENT shows it afterwards.
    element_with_text(c, ".compose-buttons button", "Gå til Sendt")
        .await?
        .click()
        .await?;
    let end = Instant::now() + Duration::from_secs(150);
    loop {
        let texts = message_rows(c).await?;
        let shown = texts.iter().filter(|t| t.contains(OFFLINE_SUBJECT)).count();
        if shown > 0 && waiting(&cache, &key).await?.is_empty() {
            ensure!(shown == 1, "Sendt shows the message {shown} times");
            break;
        }
        if Instant::now() > end {
            bail!("the message was never delivered; Sendt shows {texts:?}");
        }
        tokio::time::sleep(Duration::from_millis(1000)).await;
        if let Ok(sent) = element_with_text(c, ".folder-list button", "Sendt").await {
            let _ = sent.click().await;
        }
    }
    shots.screen("o-02-sent")?;
    Ok((uuid, core))
}

/// The passport office's queue holds the message once, with the app's messageUUID, and the
/// recipient system pulls it.
async fn delivered_once(url: &str, secret: &str, uuid: &str) -> Result<()> {
    let (http, token) = recipient_token(url, secret).await?;
    let base = url.trim_end_matches('/');
    let queue: serde_json::Value = http
        .get(format!("{base}/apis/v1/memos"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let entries: Vec<&serde_json::Value> = queue
        .as_array()
        .map(|q| q.iter().filter(|m| m["label"] == OFFLINE_SUBJECT).collect())
        .unwrap_or_default();
    let [entry] = entries.as_slice() else {
        bail!(
            "the recipient system's queue holds the message {} times",
            entries.len()
        );
    };
    let pulled = entry["messageUUID"].as_str().context("no messageUUID")?;
    ensure!(
        pulled.eq_ignore_ascii_case(uuid),
        "the core has {pulled}, the app gave {uuid}"
    );
    let memo = http
        .get(format!("{base}/apis/v1/memos/{pulled}"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let memo = brevdue_memo::read(memo.as_ref(), &mut brevdue_memo::Discard)?;
    ensure!(memo.label == OFFLINE_SUBJECT, "pulled {:?}", memo.label);
    Ok(())
}

/// In the core's database (the core stopped): one memo with the subject, and one copy of it
/// (the writer's SENT), under the app's messageUUID.
async fn stored_once(data: &std::path::Path, uuid: &str) -> Result<()> {
    let core = brevdue_core::start(brevdue_core::Config::new(data)).await?;
    let db = &core.state().db;
    let memos: Vec<(String,)> = sqlx::query_as("SELECT message_uuid FROM memos WHERE label = $1")
        .bind(OFFLINE_SUBJECT)
        .fetch_all(db)
        .await?;
    let (copies,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE message_uuid = $1")
        .bind(uuid.to_lowercase())
        .fetch_one(db)
        .await?;
    core.shutdown().await?;
    ensure!(
        memos.len() == 1 && memos[0].0.eq_ignore_ascii_case(uuid) && copies == 1,
        "the core holds the memos {memos:?} and {copies} copies of {uuid}"
    );
    Ok(())
}
