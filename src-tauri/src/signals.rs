//! Quitting when the system asks: SIGTERM (a logout, a shutdown, `kill`) and SIGINT (Ctrl+C
//! in a terminal) end the app the way the tray's "Afslut" does, so `RunEvent::Exit` closes the
//! cache cleanly and the next start opens it without checking the whole file. Without this
//! the app did not end on SIGTERM at all (the quit test in `tests/e2e/tests/desktop.rs`), so a
//! logout ended up killing it.

use tauri::AppHandle;

/// Listens for SIGTERM and SIGINT for the life of the app; the first one quits it.
pub(crate) fn quit_on_signals(app: &AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (mut term, mut int) = match (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) {
                (Ok(term), Ok(int)) => (term, int),
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!(%error, "signals cannot be listened for");
                    return;
                }
            };
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            tracing::info!(signal = name, "asked to stop: quitting");
            app.exit(0);
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}
