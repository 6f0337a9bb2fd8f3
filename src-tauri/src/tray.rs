//! The tray icon while the mailbox is open: Brevdue's icon, the number of unread letters in
//! the inboxes beside it (the AppIndicator label on Linux, the tooltip elsewhere), and a menu
//! to bring the window forward or quit. Not shown in file mode (a MeMo file from disk).

use brevdue_api::FolderType;
use brevdue_client::Client;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::MAIN_WINDOW;
use crate::error::CmdResult;
use crate::settings::Language;
use crate::state::Shared;

const TRAY_ID: &str = "brevdue";

/// Puts the icon in the tray. A desktop without a tray simply does not show it.
pub(crate) fn create(app: &tauri::App, language: Language) -> tauri::Result<()> {
    let (show, quit) = match language {
        Language::Da => ("Vis Brevdue", "Afslut"),
        Language::En => ("Show Brevdue", "Quit"),
    };
    let show = MenuItem::with_id(app, "show", show, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip("Brevdue")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "show" => {
                if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                    let _ = window.show();
                    let _ = window.unminimize();
                    let _ = window.set_focus();
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// The unread letters in the inboxes of every mailbox in the cache.
pub(crate) async fn unread(client: &Client) -> CmdResult<u64> {
    let mut total = 0;
    for mailbox in client.mailboxes().await? {
        total += client
            .folders(&mailbox.id)
            .await?
            .iter()
            .filter(|f| f.folder_type == FolderType::Inbox)
            .map(|f| f.unread_count)
            .sum::<u64>();
    }
    Ok(total)
}

/// Shows `count` unread letters beside the tray icon (nothing when there are none).
pub(crate) fn show_unread(app: &AppHandle, count: u64) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let language = app.state::<Shared>().settings().settings.language;
    let label = (count > 0).then(|| count.to_string());
    if let Err(error) = tray.set_title(label.as_deref()) {
        tracing::debug!(%error, "the tray label was not set");
    }
    let _ = tray.set_tooltip(Some(tooltip(language, count)));
}

fn tooltip(language: Language, count: u64) -> String {
    match (language, count) {
        (Language::Da, 0) => "Brevdue: ingen ulæste breve".into(),
        (Language::Da, 1) => "Brevdue: 1 ulæst brev".into(),
        (Language::Da, n) => format!("Brevdue: {n} ulæste breve"),
        (Language::En, 0) => "Brevdue: no unread letters".into(),
        (Language::En, 1) => "Brevdue: 1 unread letter".into(),
        (Language::En, n) => format!("Brevdue: {n} unread letters"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltips() {
        assert_eq!(tooltip(Language::Da, 3), "Brevdue: 3 ulæste breve");
        assert_eq!(tooltip(Language::Da, 1), "Brevdue: 1 ulæst brev");
        assert_eq!(tooltip(Language::En, 0), "Brevdue: no unread letters");
    }
}
