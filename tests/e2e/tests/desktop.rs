//! The whole system as a user meets it: the real `brevdue-desktop` binary in a real window
//! (WebKitGTK under Xvfb, driven through `tauri-driver` and WebKitWebDriver), signed in to a
//! real core with the demo world on loopback, its tokens in a real (private) GNOME Keyring.
//!
//! One test walks a citizen's day and saves a screenshot of each step in
//! `target/e2e-screenshots/`:
//! 1. the demo sign-in (the window title says Demo), signing in as Anders Holm;
//! 2. his inbox, and a folder he makes;
//! 3. the letter with his passport appointment, its "Det skal du gøre" box;
//! 4. "Tilføj til kalender": the system's save dialog (a screenshot of the whole screen),
//!    answered with the keyboard, and the .ics file it wrote;
//! 5. the agenda across his mailboxes;
//! 6. his mother Karen's mailbox, read with read access: the banner, and no delete and no
//!    reply button on her letter; then, signed in as Karen, "Hvem har læst min post" shows
//!    that Anders opened that letter;
//! 7. signing out and in as Jens Bak, and switching to his company's mailbox;
//! 8. afterwards, the logs of the whole session (the app's output through tauri-driver and any
//!    `*.log` file) hold no demo CPR number and no token the core issued, and the app's
//!    output shows WebKit drawing without GPU compositing (`src-tauri/src/rendering.rs`).
//!
//! Fails, saying what is missing, when the display tools are not installed (`scripts/setup`
//! installs them). Run it alone with `scripts/e2e`; `scripts/test` runs it with the rest.

mod support;

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use support::{
    Display, Driver, Screenshots, Tools, app_args, desktop_binary, element, element_with_text,
    window_named, xdotool,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_reads_his_post_in_the_real_app() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;

    // A real core with the demo world, on a loopback port, for this test only.
    let (core, seeded) = support::demo_core(&work.path().join("core")).await?;
    ensure!(seeded.messages > 0, "the demo world has no letters");

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let args = app_args(core.url(), work.path());
    let c = driver.launch(&app, &args).await?;
    let result = walk(&c, &tools, &display, &shots, &home).await;
    if result.is_err() {
        driver.report_failure(&c, &shots, "failed").await;
    }
    let _ = c.close().await;
    let log = driver.log_path().to_path_buf();
    drop(driver);
    result?;

    // The whole session's logs (the app's output and every log file) give nobody away.
    let output = std::fs::read_to_string(&log)?;
    ensure!(
        output.contains("brevdue"),
        "the app's output is not in {}",
        log.display()
    );
    // The webview draws in software (rendering.rs): WebKit itself reports the policy it uses.
    ensure!(
        output
            .lines()
            .any(|line| line.contains("webview drawing") && line.contains("Never")),
        "the app did not report drawing without GPU compositing"
    );
    // The start's time is in the log, once the window drew its first list of letters.
    ensure!(
        output.lines().any(|line| {
            let line = support::without_ansi(line);
            line.contains("the window shows its first list of letters")
                && line.contains("since_start_ms=")
                && line.contains("letters=")
        }),
        "the app did not log when its first list of letters was shown"
    );
    let world = brevdue_core::demo::world::world(chrono::Utc::now());
    let found =
        support::sensitive_in_logs(&core.state().db, &[log], work.path(), &world.cpr_numbers())
            .await?;
    ensure!(found.is_empty(), "sensitive data in the logs: {found:?}");

    // The control: the scan does find a CPR number and a real token written to a log.
    let secret = brevdue_core::auth::systems::register(
        &core.state().db,
        "e2e-log-control",
        brevdue_core::demo::world::KOMMUNE,
        brevdue_core::auth::SystemRole::Sender,
        "e2e",
    )
    .await?;
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", core.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "e2e-log-control"),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = answer["access_token"].as_str().context("no access token")?;
    let control = tempfile::tempdir()?;
    std::fs::write(
        control.path().join("control.log"),
        format!("cpr=310447-2548 bearer {token}\n"),
    )?;
    let caught =
        support::sensitive_in_logs(&core.state().db, &[], control.path(), &world.cpr_numbers())
            .await?;
    ensure!(
        caught.len() == 2,
        "the scan missed what the control wrote: {caught:?}"
    );
    core.shutdown().await?;
    Ok(())
}

/// Closes every notice with its close button, and checks that they are gone.
async fn close_notices(c: &fantoccini::Client) -> Result<()> {
    for button in c.find_all(Locator::Css(".toast .toast-close")).await? {
        button.click().await?;
    }
    let left = c.find_all(Locator::Css(".toast")).await?.len();
    ensure!(
        left == 0,
        "{left} notices are still shown after closing them"
    );
    Ok(())
}

/// Fails when the window shows an error notice (the UI turns every failed command into one).
async fn no_errors(c: &fantoccini::Client) -> Result<()> {
    let errors = c.find_all(Locator::Css(".toast-error")).await?;
    let mut texts = Vec::new();
    for e in errors {
        texts.push(e.text().await.unwrap_or_default());
    }
    ensure!(texts.is_empty(), "the window shows errors: {texts:?}");
    Ok(())
}

async fn walk(
    c: &fantoccini::Client,
    tools: &Tools,
    display: &Display,
    shots: &Screenshots,
    home: &std::path::Path,
) -> Result<()> {
    // 1. The demo sign-in.
    let anders = element_with_text(c, "button", "Log ind som Anders Holm").await?;
    window_named(tools, display, "Brevdue – Demo")
        .await
        .context("the window title does not say Demo")?;
    no_errors(c).await?;
    shots.window(c, "01-sign-in").await?;
    anders.click().await?;

    // 2. The inbox.
    element(c, "[data-testid=message-list] .mrow").await?;
    element_with_text(c, ".mailbox-name", "Karen Holm").await?;
    let rows = c.find_all(Locator::Css(".mrow")).await?;
    ensure!(!rows.is_empty(), "the inbox shows no letters");
    no_errors(c).await?;
    shots.window(c, "02-inbox").await?;

    // A folder of his own: made on the server, shown in the folder list.
    element_with_text(c, "button", "Ny mappe")
        .await?
        .click()
        .await?;
    element(c, "#new-folder-name")
        .await?
        .send_keys("Pas og rejser")
        .await?;
    element_with_text(c, "button[type=submit]", "Opret mappe")
        .await?
        .click()
        .await?;
    element_with_text(c, ".folder-list .folder-name", "Pas og rejser").await?;
    close_notices(c).await?;

    // 3. The letter with an appointment.
    element_with_text(c, ".mrow", "Bekræftelse af tid til pas")
        .await?
        .click()
        .await?;
    let action = element(c, "[data-testid=action-box][data-code=AFTALE]").await?;
    let action_text = action.text().await?;
    ensure!(
        action_text.contains("Tid til pas i Borgerservice"),
        "the appointment box says {action_text:?}"
    );
    no_errors(c).await?;
    shots.window(c, "03-appointment").await?;
    // The letter itself below it: a PDF drawn by pdf.js inside the app's CSP, or its text.
    let document = element(c, "[data-testid=document-view]").await?;
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'});",
        vec![serde_json::to_value(&document)?],
    )
    .await?;
    let shown = element(
        c,
        "[data-testid=pdf-view][data-pages]:not([data-pages='0']), [data-testid=letter-text]",
    )
    .await
    .context("the letter's document is not shown")?;
    let text = shown.text().await.unwrap_or_default();
    println!(
        "the letter is shown as {}",
        if text.is_empty() { "a PDF" } else { "text" }
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    no_errors(c).await?;
    shots.window(c, "03b-letter").await?;

    // 4. Its .ics, through the real save dialog.
    let downloads = home.join("Downloads");
    let before: Vec<_> = std::fs::read_dir(&downloads)?.collect();
    ensure!(before.is_empty(), "Downloads is not empty to begin with");
    action
        .find(Locator::XPath(
            ".//button[contains(., 'Tilføj til kalender')]",
        ))
        .await?
        .click()
        .await?;
    let dialog = window_named(tools, display, "Gem kalenderfil").await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    shots.screen("04-save-dialog")?;
    xdotool(tools, display, &["windowfocus", "--sync", &dialog])?;
    xdotool(tools, display, &["key", "--clearmodifiers", "Return"])?;
    element_with_text(c, ".toast", "Kalenderfilen er gemt").await?;
    let saved: Vec<_> = std::fs::read_dir(&downloads)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    ensure!(saved.len() == 1, "saved files: {saved:?}");
    ensure!(
        saved[0].extension().is_some_and(|e| e == "ics"),
        "not an .ics: {:?}",
        saved[0]
    );
    let ics = std::fs::read_to_string(&saved[0])?;
    ensure!(ics.starts_with("BEGIN:VCALENDAR"), "not iCalendar: {ics}");
    ensure!(ics.contains("BEGIN:VEVENT"), "no event: {ics}");
    ensure!(
        ics.contains("Tid til pas i Borgerservice"),
        "not the appointment: {ics}"
    );
    no_errors(c).await?;
    shots.window(c, "04-ics-saved").await?;
    close_notices(c).await?;

    // 5. The agenda.
    element_with_text(c, ".agenda-nav button", "Agenda")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=agenda-view]").await?;
    element_with_text(
        c,
        "[data-testid=agenda-item]",
        "Tid til pas i Borgerservice",
    )
    .await?;
    no_errors(c).await?;
    shots.window(c, "05-agenda").await?;

    // 6. Karen's mailbox with read access: no delete, no reply.
    element_with_text(c, "button", "Karen Holm")
        .await?
        .click()
        .await?;
    let banner = element(c, "[data-testid=read-access-banner]").await?;
    let banner_text = banner.text().await?;
    ensure!(
        banner_text.contains("Karen"),
        "the banner says {banner_text:?}"
    );
    element_with_text(c, ".mrow", "Besøg fra Visitationen")
        .await?
        .click()
        .await?;
    let actions = element(c, "[data-testid=message-actions]").await?;
    let buttons = actions.find_all(Locator::Css("button")).await?;
    let mut labels = Vec::new();
    for b in &buttons {
        labels.push(b.text().await?);
    }
    ensure!(!labels.is_empty(), "no buttons at all on Karen's letter");
    ensure!(
        !labels
            .iter()
            .any(|l| l.contains("Slet") || l.contains("Svar")),
        "read access shows {labels:?}"
    );
    ensure!(
        labels.iter().any(|l| l.contains("Udskriv")),
        "the letter's toolbar is not there: {labels:?}"
    );
    no_errors(c).await?;
    shots.window(c, "06-read-access").await?;

    // 6b. Karen sees that Anders read her letter: "Hvem har læst min post".
    element_with_text(c, "button", "Log ud")
        .await?
        .click()
        .await?;
    element_with_text(c, "button", "Log ind som Karen Holm")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=message-list] .mrow").await?;
    element(c, "[data-testid=nav-access-log]")
        .await?
        .click()
        .await?;
    let entry = element_with_text(
        c,
        "[data-testid=access-entry][data-kind=read_message]",
        "Besøg fra Visitationen",
    )
    .await
    .context("Karen's access log does not show the letter Anders read")?;
    let entry_text = entry.text().await?;
    ensure!(
        entry_text.contains("Anders Holm") && entry_text.contains("hentede brevet"),
        "the access log entry says {entry_text:?}"
    );
    no_errors(c).await?;
    shots.window(c, "06b-access-log").await?;

    // 7. A company: sign out, sign in as Jens Bak, switch to Lyngbakken VVS.
    element_with_text(c, "button", "Log ud")
        .await?
        .click()
        .await?;
    element_with_text(c, "button", "Log ind som Jens Bak")
        .await?
        .click()
        .await?;
    let company = element_with_text(c, "button[data-owner=ORGANISATION]", "Lyngbakken VVS").await?;
    company.click().await?;
    element(c, "[data-testid=message-list] .mrow").await?;
    let current = element(c, "button[data-owner=ORGANISATION][aria-current]")
        .await
        .context("the company's mailbox is not the current one")?;
    ensure!(current.text().await?.contains("Lyngbakken VVS"));
    ensure!(
        c.find_all(Locator::Css("[data-testid=read-access-banner]"))
            .await?
            .is_empty(),
        "an employee reads the company's post as its owner, not with read access"
    );
    no_errors(c).await?;
    shots.window(c, "07-company").await?;
    Ok(())
}

/// Without a server, the app starts its own core with the demo world in its data folder: the
/// window says Demo, the demo sign-in lists the world's people, and signing in shows mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_server_the_app_runs_its_own_demo_core() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let data = work.path().join("app");
    let args = vec!["--data-dir".to_owned(), data.display().to_string()];
    let c = driver.launch(&app, &args).await?;
    let result = async {
        let sofie = element_with_text(&c, "button", "Log ind som Sofie Nørgaard").await?;
        window_named(&tools, &display, "Brevdue – Demo").await?;
        for person in ["Anders Holm", "Karen Holm", "Jens Bak"] {
            element_with_text(&c, "button", &format!("Log ind som {person}")).await?;
        }
        ensure!(
            data.join("demo/core/brevdue.sqlite3").is_file(),
            "the demo core keeps no data in the app's data folder"
        );
        sofie.click().await?;
        element(&c, "[data-testid=message-list] .mrow").await?;
        no_errors(&c).await?;
        shots.window(&c, "10-embedded-demo").await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        driver
            .report_failure(&c, &shots, "10-embedded-demo-failed")
            .await;
    }
    let _ = c.close().await;
    result
}

/// A MeMo file opened with the app (`brevdue-desktop FILE`, as the file manager does) shows
/// that message read-only: its label, its letter and its action, with no sign-in, no server
/// and nothing written to the data folder. `scripts/package-test` runs this test against the
/// installed package (`BREVDUE_DESKTOP_BIN=/usr/bin/brevdue-desktop`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memo_file_opens_read_only_without_an_account() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    // The file as a file manager passes it with %U: a file:// address, with a space in it.
    let file = work.path().join("Indkaldelse fra sygehuset.memo");
    std::fs::copy(
        support::workspace_root().join("crates/memo/tests/data/agenda_hospital.xml"),
        &file,
    )?;
    let data = work.path().join("app");
    let address = format!("file://{}", file.display()).replace(' ', "%20");
    let args = vec!["--data-dir".to_owned(), data.display().to_string(), address];
    let c = driver.launch(&app, &args).await?;
    let result = async {
        let label = "Indkaldelse til forundersøgelse, knæoperation";
        let heading = element(&c, "h2#message-subject").await?;
        ensure!(
            heading.text().await?.contains(label),
            "the message's label is not shown: {:?}",
            heading.text().await?
        );
        window_named(&tools, &display, "Brevdue – Indkaldelse fra sygehuset.memo").await?;
        element_with_text(
            &c,
            "[data-testid=file-view] [role=note]",
            "Indkaldelse fra sygehuset.memo",
        )
        .await?;
        // The letter itself (plain text) and "Det skal du gøre", from the file.
        element(&c, "[data-testid=letter-text]").await?;
        element(&c, "[data-testid=todo] [data-testid=action-box]").await?;
        ensure!(
            c.find_all(Locator::Css(".back-to-list, .identity-name"))
                .await?
                .is_empty(),
            "file mode shows a mailbox's or the sign-in's controls"
        );
        no_errors(&c).await?;
        shots.window(&c, "20-memo-file").await?;
        ensure!(
            !data.exists(),
            "file mode wrote to the data folder (a cache or a demo core)"
        );
        Ok(())
    }
    .await;
    if result.is_err() {
        driver
            .report_failure(&c, &shots, "20-memo-file-failed")
            .await;
    }
    let _ = c.close().await;
    result
}

/// The cache's check marker (`cache.sqlite-check`, beside the one account's cache under the
/// app's data folder in `work`).
fn check_marker(work: &std::path::Path) -> Result<std::path::PathBuf> {
    let accounts = work.join("app/client/accounts");
    let mut dirs = std::fs::read_dir(&accounts)
        .with_context(|| format!("no caches in {}", accounts.display()))?
        .map(|e| Ok(e?.path()))
        .collect::<Result<Vec<_>>>()?;
    ensure!(dirs.len() == 1, "not one cache: {dirs:?}");
    Ok(dirs.remove(0).join(brevdue_client::cache::CHECK_MARKER))
}

/// The window of the app now running (there is one at a time here) is closed the way a user
/// closes it, and the app ends by itself.
async fn quit(tools: &Tools, display: &Display, pid: u32) -> Result<()> {
    let window = window_named(tools, display, "^Brevdue").await?;
    support::close_window(display, &window)?;
    support::wait_gone(pid, Duration::from_secs(60))
        .await
        .context("the app did not end when its window was closed")
}

/// Quitting the app the normal way (its window closed) closes its cache cleanly
/// (`Shared::close` on `RunEvent::Exit`): the check marker is gone, and the next start opens
/// the cache without checking the whole file (its log says so). Killed instead (SIGKILL), the
/// marker stays and the next start checks the whole file. Sent SIGTERM (a logout), it quits
/// the normal way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_closes_the_cache_cleanly_and_after_a_kill_it_is_checked() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    let (core, _) = support::demo_core(&work.path().join("core")).await?;

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let args = app_args(core.url(), work.path());
    let minute = Duration::from_secs(60);

    // First start, through WebDriver: signed in, the cache open (its marker there), then the
    // window closed.
    let c = driver.launch(&app, &args).await?;
    let first = async {
        element_with_text(&c, "button", "Log ind som Anders Holm")
            .await?
            .click()
            .await?;
        element(&c, "[data-testid=message-list] .mrow").await?;
        let marker = check_marker(work.path())?;
        ensure!(marker.exists(), "the open cache has no check marker");
        shots.window(&c, "30-before-quit").await?;
        let pid = driver.app_pid()?;
        quit(&tools, &display, pid).await?;
        Ok(marker)
    }
    .await;
    if first.is_err() {
        driver.report_failure(&c, &shots, "30-quit-failed").await;
    }
    // The session's app is gone; WebDriver may take a moment to notice.
    let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
    let marker = first?;
    ensure!(
        !marker.exists(),
        "the app quit, yet the cache was not closed cleanly (its check marker is there)"
    );
    let opened = support::log_line(driver.log_path(), "the cache is open", minute).await?;
    println!("first start: {opened}");

    // Second start (as a user starts it): the sign-in resumes from the keyring, and the cache
    // opens without the whole-file check. Then the app is killed.
    let log = work.path().join("app-2.log");
    let second = driver.spawn_app(&app, &args, &log)?;
    let opened = support::log_line(&log, "the cache is open", minute).await?;
    println!("after a quit: {opened}");
    ensure!(
        opened.contains("checked_in_full=false"),
        "after a clean quit the cache was checked in full: {opened}"
    );
    ensure!(marker.exists(), "the open cache has no check marker");
    // Killed once its first refresh is stored: a kill between the core's answer and the
    // secret store loses the refresh token the core has just replaced, and the next start
    // must sign in again (the cost of rotating refresh tokens; not what this test is about).
    support::log_line(&log, "access token refreshed", minute).await?;
    second.kill();
    ensure!(
        marker.exists(),
        "the killed app's cache lost its check marker"
    );

    // Third start: the whole file is checked; quit normally, it is closed cleanly again.
    let log = work.path().join("app-3.log");
    let mut third = driver.spawn_app(&app, &args, &log)?;
    let opened = support::log_line(&log, "the cache is open", minute).await?;
    println!("after a kill: {opened}");
    ensure!(
        opened.contains("checked_in_full=true"),
        "after a kill the cache was not checked in full: {opened}"
    );
    let window = window_named(&tools, &display, "^Brevdue").await?;
    support::close_window(&display, &window)?;
    let status = third.wait_exit(minute).await?;
    println!("the third start ended: {status}");
    ensure!(
        !marker.exists(),
        "the app quit, yet the cache was not closed cleanly (its check marker is there)"
    );

    // Fourth start: asked to stop by the system (SIGTERM, as at logout), it quits the same way.
    let log = work.path().join("app-4.log");
    let mut fourth = driver.spawn_app(&app, &args, &log)?;
    let opened = support::log_line(&log, "the cache is open", minute).await?;
    ensure!(
        opened.contains("checked_in_full=false"),
        "after a clean quit the cache was checked in full: {opened}"
    );
    ensure!(marker.exists(), "the open cache has no check marker");
    fourth.terminate()?;
    let status = fourth.wait_exit(minute).await?;
    println!("the fourth start, sent SIGTERM, ended: {status}");
    ensure!(
        !marker.exists(),
        "the app was sent SIGTERM, yet the cache was not closed cleanly"
    );
    drop(driver);
    core.shutdown().await?;
    Ok(())
}
