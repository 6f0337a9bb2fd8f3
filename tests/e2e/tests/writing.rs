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
//! Screenshots in `target/e2e-screenshots/` (`c-*.png`).

mod support;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use support::{
    Display, Driver, Screenshots, Tools, app_args, desktop_binary, element, element_with_text,
    window_named, xdotool,
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

    let mut config = brevdue_core::Config::new(work.path().join("core"));
    config.test_provider = true;
    let core = brevdue_core::start(config).await?;
    brevdue_core::demo::seed(core.state(), chrono::Utc::now()).await?;
    // The demo's systems have no secret; give the passport office's recipient system one, as
    // an authority would when it sets its system up: register a system, take its secret.
    let db = &core.state().db;
    let secret = brevdue_core::auth::systems::register(
        db,
        "e2e-secret-donor",
        brevdue_core::demo::world::KOMMUNE,
        brevdue_core::auth::SystemRole::Recipient,
        "e2e",
    )
    .await?;
    sqlx::query(
        "UPDATE systems SET secret_hash = (SELECT secret_hash FROM systems WHERE id = ?) WHERE id = ?",
    )
    .bind("e2e-secret-donor")
    .bind(PAS_SYSTEM)
    .execute(db)
    .await?;

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
    let dialog = window_named(tools, display, "Vedhæft filer").await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    xdotool(tools, display, &["windowfocus", "--sync", &dialog])?;
    xdotool(tools, display, &["key", "--clearmodifiers", "ctrl+l"])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = attachment.display().to_string();
    xdotool(
        tools,
        display,
        &["type", "--clearmodifiers", "--delay", "20", &path],
    )?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    shots.screen("c-05-file-dialog")?;
    xdotool(tools, display, &["key", "--clearmodifiers", "Return"])?;
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
        let texts = c
            .execute(
                "return [...document.querySelectorAll('.mrow')].map(e => e.textContent);",
                vec![],
            )
            .await?;
        let texts: Vec<String> = serde_json::from_value(texts).unwrap_or_default();
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

/// The municipality's recipient system signs in with client credentials, finds the message in
/// its queue and pulls the MeMo: the core added the contact point's KLE code.
async fn pulled_with_kle(core: &str, secret: &str) -> Result<()> {
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
