//! Exporting from the app's menu, the whole system: the real `brevdue-desktop` in a real
//! window, signed in to a real core with the demo world, exporting Anders Holm's mailbox as
//! folders with files into a folder picked in the real GTK folder dialog (answered with
//! xdotool), waiting for the result in the window, and checking the folder on disk against
//! the core's own list of his letters; a second export finds nothing new.
//!
//! Screenshots in `target/e2e-screenshots/` (`e-*.png`).

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use support::{
    Display, Driver, Screenshots, Tools, answer_file_dialog, app_args, desktop_binary, element,
    element_with_text, xdotool,
};

/// The title of the app's folder dialog for an export (Danish, the app's default language).
const FOLDER_DIALOG: &str = "Vælg mappe til eksporten";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_exports_his_post_from_the_menu() -> Result<()> {
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;

    let (core, _) = support::demo_core(&work.path().join("core")).await?;
    // The truth: the letters Anders Holm sees in his own mailbox, outside DELETED, as the core
    // has them.
    let expected: BTreeSet<String> = sqlx::query_scalar(
        "SELECT m.id FROM messages m
           JOIN mailboxes b ON b.id = m.mailbox_id
           JOIN folders f ON f.id = m.folder_id
          WHERE b.person_id = $1 AND m.visible = 1 AND f.folder_type <> 'DELETED'",
    )
    .bind(brevdue_core::demo::world::ANDERS)
    .fetch_all(&core.state().db)
    .await?
    .into_iter()
    .collect();
    ensure!(
        expected.len() > 1,
        "the demo world gives Anders {} letters",
        expected.len()
    );

    let display = Display::start()?;
    let home = work.path().join("home");
    let driver = Driver::start(&tools, &display, &home)?;
    let shots = Screenshots::new(&display)?;
    let target = home.join("Eksport af post");
    std::fs::create_dir_all(&target)?;
    let args = app_args(core.url(), work.path());
    let c = driver.launch(&app, &args).await?;
    let result = export(&c, &tools, &display, &shots, &target, &expected).await;
    if result.is_err() {
        driver.report_failure(&c, &shots, "e-failed").await;
    }
    let _ = c.close().await;
    drop(driver);
    core.shutdown().await?;
    result
}

async fn export(
    c: &fantoccini::Client,
    tools: &Tools,
    display: &Display,
    shots: &Screenshots,
    target: &Path,
    expected: &BTreeSet<String>,
) -> Result<()> {
    element_with_text(c, "button", "Log ind som Anders Holm")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=message-list] .mrow").await?;

    // The menu entry, the dialog: folders with files, his own mailbox.
    element(c, "[data-testid=export-open]")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=export-dialog] #export-format-files")
        .await?
        .click()
        .await?;
    element_with_text(c, "#export-mailbox option", "Anders Holm (din postkasse)")
        .await?
        .click()
        .await?;
    shots.window(c, "e-01-dialog").await?;

    // The folder, through the real GTK folder dialog: type its path and press Return.
    element(c, "[data-testid=export-choose-folder]")
        .await?
        .click()
        .await?;
    answer_file_dialog(
        tools,
        display,
        shots,
        FOLDER_DIALOG,
        target,
        "e-02-folder-dialog",
    )
    .await?;
    let path = target.display().to_string();
    ensure!(
        window_gone(tools, display, Duration::from_secs(10)).await,
        "the folder dialog did not close"
    );
    element_with_text(c, "[data-testid=export-folder]", &path)
        .await
        .context("the dialog does not show the folder picked")?;

    // Export, and wait for the result in the window.
    element(c, "[data-testid=export-start]")
        .await?
        .click()
        .await?;
    let started = Instant::now();
    let done = element_with_text(c, "[data-testid=export-result]", "eksporteret til")
        .await
        .context("no result of the export")?;
    println!("the export took {:?} in the window", started.elapsed());
    let text = done.text().await?;
    let said = format!("{} breve eksporteret til {path}.", expected.len());
    ensure!(
        text.contains(&said),
        "the result says {text:?}, not {said:?}"
    );
    shots.window(c, "e-03-done").await?;

    // On disk: a folder for his mailbox, in it a folder per letter with its message.json and
    // its files; exactly his letters.
    let exported = exported_letters(target)?;
    ensure!(
        &exported == expected,
        "exported {exported:?}, the core has {expected:?}"
    );

    // Again into the same folder: nothing new, nothing written.
    element(c, "[data-testid=export-again]")
        .await?
        .click()
        .await?;
    element(c, "[data-testid=export-start]")
        .await?
        .click()
        .await?;
    element_with_text(
        c,
        "[data-testid=export-result]",
        &format!("Intet nyt at eksportere. Alle breve er allerede i {path}."),
    )
    .await
    .context("the second export did not say that nothing was new")?;
    shots.window(c, "e-04-nothing-new").await?;
    ensure!(
        exported_letters(target)? == exported,
        "the second export changed the folder"
    );
    let errors = c.find_all(Locator::Css(".toast-error")).await?;
    ensure!(
        errors.is_empty(),
        "the window shows {} errors",
        errors.len()
    );
    Ok(())
}

/// Whether the folder dialog has closed within `timeout`.
async fn window_gone(tools: &Tools, display: &Display, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        let found = xdotool(
            tools,
            display,
            &["search", "--onlyvisible", "--name", FOLDER_DIALOG],
        )
        .map(|out| !out.trim().is_empty())
        .unwrap_or(false);
        if !found {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// The ids in the message.json of each letter's folder, checking that each folder holds the
/// files its message.json names.
fn exported_letters(target: &Path) -> Result<BTreeSet<String>> {
    ensure!(
        target.join(brevdue_client::export::STATE_FILE).is_file(),
        "no export record in {}",
        target.display()
    );
    let mailboxes: Vec<_> = std::fs::read_dir(target)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .collect();
    ensure!(
        mailboxes.len() == 1 && mailboxes[0].file_name() == "Anders Holm",
        "mailbox folders: {:?}",
        mailboxes.iter().map(|e| e.file_name()).collect::<Vec<_>>()
    );
    let mut ids = BTreeSet::new();
    for letter in std::fs::read_dir(mailboxes[0].path())? {
        let folder = letter?.path();
        let json_path = folder.join(brevdue_client::export::MESSAGE_JSON);
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&json_path).with_context(|| format!("no {}", json_path.display()))?,
        )?;
        let Some(id) = json["id"].as_str() else {
            bail!("{} names no id", json_path.display());
        };
        for file in json["files"].as_array().into_iter().flatten() {
            let name = file["name"].as_str().context("a file without a name")?;
            ensure!(
                folder.join(name).is_file(),
                "{} lacks {name}",
                folder.display()
            );
        }
        ensure!(ids.insert(id.to_owned()), "{id} was exported twice");
    }
    Ok(ids)
}
