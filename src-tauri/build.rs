//! Builds the Tauri context. The app's own commands are listed here so that Tauri generates an
//! `allow-<command>` permission for each, and a command the capabilities do not allow cannot
//! be called from the window at all.

const COMMANDS: &[&str] = &[
    "app_info",
    "set_language",
    "first_list_shown",
    "demo_identities",
    "sign_in",
    "sign_out",
    "mailboxes",
    "folders",
    "create_folder",
    "list_messages",
    "get_message",
    "mark_read",
    "set_flagged",
    "move_message",
    "delete_message",
    "print_message",
    "open_entry_point",
    "file_content",
    "save_file",
    "access_log",
    "agenda",
    "export_ics",
    "start_at_login",
    "set_start_at_login",
    "open_memo_file",
    "memo_file_content",
    "save_memo_file",
    "export_memo_file_ics",
    "print_memo_file",
    "pick_attachments",
    "forget_attachment",
    "take_compose_link",
    "search_contact_points",
    "contact_groups",
    "group_contact_points",
    "contact_point",
    "prepare_draft",
    "save_draft",
    "drafts",
    "draft",
    "delete_draft",
    "send_message",
    "thread",
    "pick_export_folder",
    "start_export",
    "cancel_export",
    "check_for_update",
    "install_update",
    "restart_after_update",
];

fn main() {
    let dist = std::path::Path::new("../ui/dist/index.html");
    if !dist.exists() {
        println!(
            "cargo::error=the UI is not built: run `cd ui && npm ci && npm run build` first \
             (the app embeds ui/dist)"
        );
        return;
    }
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri-build failed: {error:#}");
    }
}
