//! Brevdue's desktop app: a thin Tauri 2 shell between the web UI (`ui/`, embedded from
//! `ui/dist`) and `brevdue-client`.
//!
//! It translates and guards; it holds no domain logic. Each command in [`commands`] checks
//! its arguments, calls the client, and maps the answer to the JSON of `ui/src/lib/types.ts`
//! and errors to `{code, message}` ([`error`]). Around that: which core to use and the
//! embedded demo core ([`backend`]), the background sync and its events and notifications
//! ([`background`]), HTML sanitizing ([`html`]), the check of addresses opened in the browser
//! ([`links`]), saving through the save dialog ([`save`]), the export folders picked
//! ([`export`]), the settings file ([`settings`]) and where to look for signed updates
//! ([`update`]).
//!
//! **Invariant:** the window can do nothing but call these commands and hear their events
//! (`capabilities/main.json`); it never reaches the network or the file system itself (the
//! CSP in `tauri.conf.json` allows connections only to the app's own IPC and assets).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod args;
mod attachments;
mod backend;
mod background;
#[cfg(test)]
mod capabilities;
mod commands;
mod deep_link;
mod error;
mod export;
mod html;
mod links;
mod memo_file;
mod rendering;
mod save;
mod settings;
mod signals;
mod state;
mod tray;
mod update;

use anyhow::Context;
use clap::Parser;
use tauri::{Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use crate::args::Args;
use crate::backend::{Backend, Folders};
use crate::commands::memo_file::FileMode;
use crate::memo_file::MemoFile;
use crate::settings::SettingsFile;
use crate::state::Shared;

/// The main window's label (see `tauri.conf.json`).
const MAIN_WINDOW: &str = "main";
/// The event that brings files dropped on the window to compose.
const DROPPED_EVENT: &str = "attachments-dropped";

fn main() -> anyhow::Result<()> {
    std::sync::LazyLock::force(&commands::startup::STARTED);
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("BREVDUE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    // A MeMo file from disk is read before the window opens; the window shows it, or why not.
    let file_mode = FileMode(args.memo_file().map(|path| {
        MemoFile::open(path).map_err(|error| {
            tracing::warn!(%error, "the MeMo file could not be shown");
            error.to_string()
        })
    }));
    let mut builder = tauri::Builder::default();
    if file_mode.0.is_none() {
        // First, so that a second start only brings the running window forward; a second start
        // with a `brevdue://contact-point/<id>` link (the OS passes it on the command line)
        // hands the link to this one. A file opened from disk gets a window (and process) of
        // its own instead, with no account.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                let _ = window.show();
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
            if let Some(id) = deep_link::from_args(&argv) {
                deep_link::open(app, id);
            }
        }));
    }
    builder
        .plugin(tauri_plugin_autostart::Builder::new().build())
        // The `brevdue` scheme (tauri.conf.json; on Linux the bundle's .desktop file registers
        // it). On macOS links arrive as events of this plugin.
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        // Checks and installs signed updates for `commands::update`; the window cannot call it.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(file_mode)
        .on_page_load(|webview, payload| {
            tracing::debug!(event = ?payload.event(), url = %payload.url(), "page load");
            if payload.event() == tauri::webview::PageLoadEvent::Finished
                && let Some(window) = webview.app_handle().get_webview_window(MAIN_WINDOW)
            {
                rendering::show(&window, "its page has loaded");
            }
        })
        .setup(move |app| {
            setup(app, &args)?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::settings::app_info,
            commands::settings::set_language,
            commands::startup::first_list_shown,
            commands::session::demo_identities,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::mailboxes::mailboxes,
            commands::mailboxes::folders,
            commands::mailboxes::create_folder,
            commands::messages::list_messages,
            commands::messages::get_message,
            commands::messages::mark_read,
            commands::messages::set_flagged,
            commands::messages::move_message,
            commands::messages::delete_message,
            commands::messages::print_message,
            commands::messages::open_entry_point,
            commands::files::file_content,
            commands::files::save_file,
            commands::access_log::access_log,
            commands::agenda::agenda,
            commands::agenda::export_ics,
            commands::settings::start_at_login,
            commands::settings::set_start_at_login,
            commands::memo_file::open_memo_file,
            commands::memo_file::memo_file_content,
            commands::memo_file::save_memo_file,
            commands::memo_file::export_memo_file_ics,
            commands::memo_file::print_memo_file,
            commands::compose::pick_attachments,
            commands::compose::forget_attachment,
            commands::compose::take_compose_link,
            commands::compose::search_contact_points,
            commands::compose::contact_groups,
            commands::compose::group_contact_points,
            commands::compose::contact_point,
            commands::compose::prepare_draft,
            commands::compose::save_draft,
            commands::compose::drafts,
            commands::compose::draft,
            commands::compose::delete_draft,
            commands::compose::send_message,
            commands::compose::thread,
            commands::export::pick_export_folder,
            commands::export::start_export,
            commands::export::cancel_export,
            commands::update::check_for_update,
            commands::update::install_update,
            commands::update::restart_after_update,
        ])
        .build(tauri::generate_context!())
        .context("the app could not start")?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(shared) = app.try_state::<Shared>()
            {
                // The cache closed cleanly, so the next start need not check the whole file.
                tauri::async_runtime::block_on(shared.close());
            }
        });
    Ok(())
}

/// Files dropped on the window: their paths come from the OS through Tauri's drag-drop
/// event (the web view never sees them); they are registered and their handles sent to the
/// window, where compose attaches them.
fn watch_drops(app: &tauri::App) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    let handle = app.handle().clone();
    window.on_window_event(move |event| {
        let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event else {
            return;
        };
        let state = handle.state::<Shared>();
        match state.attachments.register(paths) {
            Ok(files) if !files.is_empty() => {
                if let Err(error) = handle.emit_to(MAIN_WINDOW, DROPPED_EVENT, files) {
                    tracing::warn!(%error, "dropped files could not be passed to the window");
                }
            }
            Ok(_) => {}
            Err(error) => tracing::info!(%error, "dropped files refused"),
        }
    });
}

/// Finds the folders and settings, and starts the backend in a task of its own.
fn setup(app: &mut tauri::App, args: &Args) -> anyhow::Result<()> {
    let folders = match &args.data_dir {
        Some(dir) => Folders {
            data: dir.clone(),
            config: dir.clone(),
        },
        None => Folders {
            data: app.path().app_data_dir().context("no data folder")?,
            config: app.path().app_config_dir().context("no config folder")?,
        },
    };
    let settings = SettingsFile::load(&folders.config);
    let server = args
        .server
        .clone()
        .or_else(|| settings.settings.server.clone());
    let language = settings.settings.language;
    let update_env = std::env::var(update::URL_ENV).ok();
    update::manage(
        app,
        update::endpoint(
            args.update_url.as_ref(),
            update_env.as_deref(),
            settings.settings.update_url.as_ref(),
        ),
    );
    let (ready, backend) = watch::channel(None);
    let shared = Shared::new(backend, settings);
    if let Some(id) = args.link().and_then(deep_link::contact_point_id) {
        shared.set_pending_link(id);
    }
    app.manage(shared);
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            if let Some(id) = deep_link::contact_point_id(url.as_str()) {
                deep_link::open(&handle, id);
            }
        }
    });
    watch_drops(app);
    rendering::configure(app);
    rendering::show_anyway_later(app.handle());
    signals::quit_on_signals(app.handle());

    if let Some(name) = app.state::<FileMode>().0.as_ref().map(|_| file_title(args)) {
        // File mode: no server, no account, no cache; commands that need them say so.
        ready.send_replace(Some(Err("a MeMo file is shown; there is no server".into())));
        if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
            let _ = window.set_title(&format!("Brevdue – {name}"));
        }
        return Ok(());
    }
    if let Err(error) = tray::create(app, language) {
        tracing::info!(%error, "no tray icon");
    }

    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        match Backend::start(&folders.data, server).await {
            Ok(backend) => {
                if backend.demo
                    && let Some(window) = handle.get_webview_window(MAIN_WINDOW)
                {
                    let _ = window.set_title("Brevdue – Demo");
                }
                ready.send_replace(Some(Ok(backend.clone())));
                if backend.client.account().await.is_some() {
                    // Signed in from last time: the cache shows at once, sync catches up.
                    let state = handle.state::<Shared>();
                    if let Err(error) = state.start_sync(&handle, backend).await {
                        tracing::warn!(?error, "background sync did not start");
                    }
                }
            }
            Err(error) => {
                tracing::error!("the app could not start its backend: {error:#}");
                ready.send_replace(Some(Err(format!("{error:#}"))));
            }
        }
    });
    Ok(())
}

/// The name of the file shown, for the window's title.
fn file_title(args: &Args) -> String {
    args.memo_file()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
