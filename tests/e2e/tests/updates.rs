//! Updates in the real app: a release server on loopback publishes a newer build and its
//! update manifest (`latest.json`, Tauri's static format), signed with a minisign key made
//! here, as `tauri signer` would; the real `brevdue-desktop` (a debug build, which trusts the
//! key in `BREVDUE_UPDATE_PUBKEY` instead of the project's) is started with `--update-url`.
//!
//! - `a_signed_update_is_found_and_installed`: the window shows the notice with the version
//!   and the release notes; "Installér" downloads the build, the plugin checks its signature
//!   and installs it, here over a stand-in AppImage (`APPIMAGE`, the one kind of install that
//!   needs no root), which then holds exactly the published bytes.
//! - `an_update_with_a_bad_signature_is_refused`: a build signed with another key, and then a
//!   build altered after it was signed, are each downloaded, refused with the "not signed by
//!   Brevdue" error, and the stand-in AppImage is left as it was.

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, ensure};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine as _;
use fantoccini::{Client, Locator};
use support::{Display, Driver, Screenshots, Tools, app_args, desktop_binary, element_with_text};

/// What the app has installed before the update: the stand-in AppImage's bytes.
const INSTALLED: &[u8] = b"the installed Brevdue, before the update";
const NOTES: &str = "Breve kan nu åbnes fra filhåndteringen.";

/// A minisign key pair, as `tauri signer generate` makes them.
struct Key {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Key {
    fn new() -> Result<Key> {
        let pair = minisign::KeyPair::generate_unencrypted_keypair()?;
        Ok(Key {
            pk: pair.pk,
            sk: pair.sk,
        })
    }

    /// The public key as `tauri.conf.json` holds it: the key file, base64.
    fn tauri_pubkey(&self) -> Result<String> {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.pk.to_box()?.to_string()))
    }

    /// The signature of `bytes` as a manifest holds it: the `.sig` file the Tauri bundler
    /// writes (version in the trusted comment), base64.
    fn sign(&self, bytes: &[u8], version: &str) -> Result<String> {
        let trusted = format!("timestamp:1765000000\tfile:Brevdue.AppImage\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.pk),
            &self.sk,
            bytes,
            Some(&trusted),
            Some("signature from tauri secret key"),
        )?;
        Ok(base64::engine::general_purpose::STANDARD.encode(signature.to_string()))
    }
}

/// A version newer than the app's.
fn newer_version() -> String {
    let current = env!("CARGO_PKG_VERSION");
    let mut parts = current.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    format!("{major}.{}.0", minor + 1)
}

/// The published "newer build": it only has to look like an AppImage (an ELF file).
fn newer_build(version: &str) -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
    bytes.extend_from_slice(format!("Brevdue {version}, the newer build").as_bytes());
    bytes.resize(256, 0);
    bytes
}

/// What the release server publishes; a test changes it between checks.
#[derive(Clone)]
struct Published {
    version: String,
    signature: String,
    build: Vec<u8>,
}

#[derive(Clone)]
struct ReleaseState {
    published: Arc<Mutex<Published>>,
    downloads: Arc<AtomicUsize>,
    base: Arc<str>,
}

/// A release server on loopback: `GET /latest.json` and `GET /Brevdue.AppImage`.
struct ReleaseServer {
    state: ReleaseState,
    task: tokio::task::JoinHandle<()>,
}

impl ReleaseServer {
    async fn start(published: Published) -> Result<ReleaseServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base: Arc<str> = format!("http://{}", listener.local_addr()?).into();
        let state = ReleaseState {
            published: Arc::new(Mutex::new(published)),
            downloads: Arc::new(AtomicUsize::new(0)),
            base,
        };
        let router = axum::Router::new()
            .route("/latest.json", axum::routing::get(manifest))
            .route("/Brevdue.AppImage", axum::routing::get(build))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(ReleaseServer { state, task })
    }

    fn manifest_url(&self) -> String {
        format!("{}/latest.json", self.state.base)
    }

    fn publish(&self, published: Published) {
        *self
            .state
            .published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = published;
    }

    fn downloads(&self) -> usize {
        self.state.downloads.load(Ordering::SeqCst)
    }
}

impl Drop for ReleaseServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn published(state: &ReleaseState) -> Published {
    state
        .published
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

async fn manifest(State(state): State<ReleaseState>) -> impl IntoResponse {
    let p = published(&state);
    let target = format!("linux-{}", std::env::consts::ARCH);
    axum::Json(serde_json::json!({
        "version": p.version,
        "notes": NOTES,
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": {
            target: { "signature": p.signature, "url": format!("{}/Brevdue.AppImage", state.base) }
        }
    }))
}

async fn build(State(state): State<ReleaseState>) -> impl IntoResponse {
    state.downloads.fetch_add(1, Ordering::SeqCst);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        published(&state).build,
    )
}

/// The stand-in for the installed AppImage that the update replaces.
fn installed_appimage(work: &Path) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = work.join("Applications");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("Brevdue.AppImage");
    std::fs::write(&path, INSTALLED)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(path)
}

/// Runs `steps` against the real app started with the release server as its update address
/// and `trusted` as its update key.
async fn with_app<F>(name: &str, server: &ReleaseServer, trusted: &Key, steps: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &Screenshots, &Path) -> Result<()>,
{
    let tools = Tools::find()?;
    let app = desktop_binary()?;
    let work = tempfile::tempdir()?;
    // A core with the demo world, as the other whole-system tests use (on the empty sign-in
    // page of a core without people, WebKit's screenshots did not return).
    let (core, _) = support::demo_core(&work.path().join("core")).await?;
    let appimage = installed_appimage(work.path())?;

    let display = Display::start()?;
    let home = work.path().join("home");
    let pubkey = trusted.tauri_pubkey()?;
    let env: [(&str, &OsStr); 2] = [
        ("BREVDUE_UPDATE_PUBKEY", OsStr::new(&pubkey)),
        ("APPIMAGE", appimage.as_os_str()),
    ];
    let driver = Driver::start_with_env(&tools, &display, &home, &env)?;
    let shots = Screenshots::new(&display)?;
    let mut args = app_args(core.url(), work.path());
    args.extend(["--update-url".to_owned(), server.manifest_url()]);
    let c = driver.launch(&app, &args).await?;
    let result = steps(&c, &shots, &appimage).await;
    if result.is_err() {
        driver.report_failure(&c, &shots, name).await;
    }
    let _ = c.close().await;
    drop(driver);
    core.shutdown().await?;
    result
}

/// Waits for the notice of `version` with its release notes.
async fn notice_of(c: &Client, version: &str) -> Result<()> {
    element_with_text(
        c,
        "[data-testid=update-notice]",
        &format!("Der er en ny version af Brevdue: {version}"),
    )
    .await?;
    let notes = element_with_text(c, "[data-testid=update-notes]", NOTES).await?;
    ensure!(notes.text().await? == NOTES, "the release notes differ");
    Ok(())
}

/// Clicks "Installér" and waits for the refusal.
async fn install_is_refused(c: &Client) -> Result<()> {
    element_with_text(c, "[data-testid=update-install]", "Installér")
        .await?
        .click()
        .await?;
    element_with_text(
        c,
        ".toast-error",
        "Opdateringen er ikke underskrevet af Brevdue og blev ikke installeret",
    )
    .await?;
    ensure!(
        c.find_all(Locator::Css("[data-testid=update-installed]"))
            .await?
            .is_empty(),
        "a refused update is reported as installed"
    );
    for button in c.find_all(Locator::Css(".toast .toast-close")).await? {
        button.click().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_update_is_found_and_installed() -> Result<()> {
    let key = Key::new()?;
    let version = newer_version();
    let newer = newer_build(&version);
    let server = ReleaseServer::start(Published {
        signature: key.sign(&newer, &version)?,
        version: version.clone(),
        build: newer.clone(),
    })
    .await?;

    with_app(
        "update-installed-failed",
        &server,
        &key,
        async |c, shots, appimage| {
            notice_of(c, &version).await?;
            ensure!(
                server.downloads() == 0,
                "the build was fetched before the user asked"
            );
            shots.window(c, "update-01-notice").await?;

            element_with_text(c, "[data-testid=update-install]", "Installér")
                .await?
                .click()
                .await?;
            element_with_text(
                c,
                "[data-testid=update-installed]",
                &format!("Brevdue {version} er installeret"),
            )
            .await?;
            shots.window(c, "update-02-installed").await?;
            ensure!(server.downloads() == 1, "downloads: {}", server.downloads());
            let now = std::fs::read(appimage).context("the AppImage is gone")?;
            ensure!(
                now == newer,
                "the AppImage does not hold the published build"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_with_a_bad_signature_is_refused() -> Result<()> {
    let trusted = Key::new()?;
    let stranger = Key::new()?;
    let version = newer_version();
    let newer = newer_build(&version);
    // First: the build signed with a key the app does not trust.
    let server = ReleaseServer::start(Published {
        signature: stranger.sign(&newer, &version)?,
        version: version.clone(),
        build: newer.clone(),
    })
    .await?;

    with_app(
        "update-refused-failed",
        &server,
        &trusted,
        async |c, shots, appimage| {
            notice_of(c, &version).await?;
            install_is_refused(c).await?;
            ensure!(server.downloads() == 1, "downloads: {}", server.downloads());
            ensure!(
                std::fs::read(appimage)? == INSTALLED,
                "a build signed with another key was installed"
            );

            // Then a later release, signed with the trusted key but altered after signing. Asked
            // to look again, the app finds it (the notice shows its version).
            let later = format!("{version}-1");
            let mut altered = newer.clone();
            altered[100] ^= 1;
            server.publish(Published {
                signature: trusted.sign(&newer, &later)?,
                version: later.clone(),
                build: altered,
            });
            element_with_text(
                c,
                "[data-testid=check-for-update]",
                "Søg efter opdateringer",
            )
            .await?
            .click()
            .await?;
            notice_of(c, &later).await?;
            install_is_refused(c).await?;
            shots.window(c, "update-03-refused").await?;
            ensure!(server.downloads() == 2, "downloads: {}", server.downloads());
            ensure!(
                std::fs::read(appimage)? == INSTALLED,
                "an altered build was installed"
            );
            Ok(())
        },
    )
    .await
}
