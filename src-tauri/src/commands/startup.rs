//! `first_list_shown`: the window says when it first showed a list of letters, and the app
//! writes in its log how long the start took. A slow start is then plain in a user's log, and
//! the desktop bench (`tests/e2e/benches/desktop.rs`) times starts by this line without
//! WebDriver, the way people start the app.

use std::sync::LazyLock;
use std::time::Instant;

use crate::error::{CmdResult, CommandError};

/// When `main` began; forced as its first step.
pub(crate) static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

/// The log line's message, which the bench and the whole-system test look for.
pub(crate) const SHOWN_MESSAGE: &str = "the window shows its first list of letters";

/// Called once per page load, after the first page of the list was drawn. `page_ms` is the
/// page's own clock (`performance.now()`: since the page began to load), `letters` how many
/// letters the list holds.
#[tauri::command]
pub(crate) fn first_list_shown(page_ms: f64, letters: u64) -> CmdResult<()> {
    if !page_ms.is_finite() || !(0.0..=86_400_000.0).contains(&page_ms) {
        return Err(CommandError::invalid("pageMs: not a time"));
    }
    let since_start_ms = STARTED.elapsed().as_millis();
    tracing::info!(
        since_start_ms,
        page_ms = page_ms.round() as u64,
        letters,
        "{SHOWN_MESSAGE}"
    );
    Ok(())
}
