//! How the window's web content is drawn.
//!
//! WebKitGTK composites pages on the GPU by default. For Brevdue's pages (lists, letters,
//! forms, PDF pages drawn by pdf.js into a canvas) that buys nothing a user would see, and it
//! costs memory: measured idle in demo mode under Xvfb, the web process took about 210 MB PSS
//! with GPU compositing and about 120 MB without (ARCHITECTURE.md, `src-tauri/`). So the
//! webview draws in software, unless `BREVDUE_GPU=1` asks for WebKit's default (for a machine
//! where software drawing turns out slow, e.g. a 4K screen on a weak CPU).
//!
//! The window opens hidden (`tauri.conf.json`) and is shown ([`show`]) once its page has
//! loaded (the page-load hook in `main.rs`), or after [`SHOW_ANYWAY_AFTER`] if it never
//! does. A window shown at once is drawn while WebKit's web process is still starting; GTK's
//! draw then waits for the web process's first frame, up to half a second, and the UI thread
//! that waits is the one that would serve the page its files (`tauri://`). Measured in the
//! desktop bench (`tests/e2e/benches/desktop.rs`): about half the starts lost those 500 ms.

use std::time::Duration;

use tauri::Manager;

use crate::MAIN_WINDOW;

/// The variable that keeps WebKit's GPU compositing (`BREVDUE_GPU=1`).
pub(crate) const GPU_ENV: &str = "BREVDUE_GPU";

/// Whether the webview keeps GPU compositing, from the value of [`GPU_ENV`].
fn keep_gpu(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("1" | "true" | "yes"))
}

/// Turns GPU compositing off in the main window's webview (see the module's comment).
pub(crate) fn configure(app: &tauri::App) {
    if keep_gpu(std::env::var(GPU_ENV).ok().as_deref()) {
        tracing::info!("GPU compositing kept ({GPU_ENV})");
        return;
    }
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    #[cfg(target_os = "linux")]
    if let Err(error) = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            // WebKit answers with the policy it really uses (it may refuse a change).
            let policy = settings.hardware_acceleration_policy();
            tracing::info!(?policy, "webview drawing");
        }
    }) {
        tracing::warn!(%error, "the webview's drawing could not be configured");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// How long the window stays hidden at most while its page loads.
pub(crate) const SHOW_ANYWAY_AFTER: Duration = Duration::from_secs(3);

/// Shows `window` if it is still hidden: its page has loaded, or it took too long.
pub(crate) fn show(window: &tauri::WebviewWindow, why: &str) {
    if window.is_visible().unwrap_or(true) {
        return;
    }
    tracing::debug!(why, "the window is shown");
    if let Err(error) = window.show() {
        tracing::warn!(%error, "the window could not be shown");
    }
}

/// Shows the window at the latest [`SHOW_ANYWAY_AFTER`] from now, in case its page never
/// reports that it loaded.
pub(crate) fn show_anyway_later(app: &tauri::AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SHOW_ANYWAY_AFTER).await;
        let handle = app.clone();
        let _ = app.run_on_main_thread(move || {
            if let Some(window) = handle.get_webview_window(MAIN_WINDOW) {
                show(&window, "the page took long to load");
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::keep_gpu;

    #[test]
    fn only_a_yes_keeps_the_gpu() {
        for yes in ["1", "true", "yes", " 1 "] {
            assert!(keep_gpu(Some(yes)), "{yes:?}");
        }
        for no in [
            None,
            Some(""),
            Some("0"),
            Some("false"),
            Some("no"),
            Some("2"),
        ] {
            assert!(!keep_gpu(no), "{no:?}");
        }
    }
}
