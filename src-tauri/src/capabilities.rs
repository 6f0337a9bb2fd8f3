//! The capabilities review as a test: what the window may do is exactly what the UI uses.
//!
//! `capabilities/main.json` must allow the app's own commands (`build.rs` `COMMANDS`) and
//! listening to events, and nothing else: no plugin permission (shell, file system, HTTP,
//! dialog, opener, notification, autostart, deep link: Rust uses those, the window never
//! does), no other window, no remote origin, no second capability file. Every command is a
//! command of `ui/src/lib/ipc.ts` and is called somewhere in the UI; a command the UI stopped
//! calling fails this test until it is removed (from `build.rs`, the capability, `ipc.ts` and
//! the handler).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names in `COMMANDS` of `build.rs`.
fn build_commands() -> BTreeSet<String> {
    let build = read(&root().join("build.rs"));
    let list = build
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("COMMANDS in build.rs");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The keys of `interface Commands` in `ipc.ts`.
fn ipc_commands() -> BTreeSet<String> {
    let ipc = read(&root().join("../ui/src/lib/ipc.ts"));
    let body = ipc
        .split("export interface Commands {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("interface Commands in ipc.ts");
    // One command per member at the interface's own indentation (`  name: {`), whether its
    // type fits on one line or prettier wrapped it.
    body.lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.trim().split_once(": {"))
        .map(|(name, _)| name.to_owned())
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

/// Every `.ts` and `.svelte` file under `dir`, but `ipc.ts` itself.
fn ui_sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("ui/src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            ui_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "ts" || e == "svelte")
            && !path.ends_with("lib/ipc.ts")
        {
            out.push_str(&read(&path));
        }
    }
}

#[test]
fn the_window_may_do_only_what_the_ui_uses() {
    let dir = root().join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("capabilities/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["main.json"], "one capability file only");
    let cap: serde_json::Value =
        serde_json::from_str(&read(&dir.join("main.json"))).expect("main.json is JSON");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote origin may call");
    assert!(cap.get("webviews").is_none());

    let allowed: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_owned())
        .collect();
    let commands = build_commands();
    let mut expected: BTreeSet<String> = commands
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.insert("core:event:allow-listen".into());
    expected.insert("core:event:allow-unlisten".into());
    assert_eq!(allowed, expected, "capabilities/main.json");

    assert_eq!(
        commands,
        ipc_commands(),
        "build.rs COMMANDS vs ipc.ts Commands"
    );
    let mut ui = String::new();
    ui_sources(&root().join("../ui/src"), &mut ui);
    let unused: Vec<_> = commands
        .iter()
        .filter(|c| !ui.contains(&format!("'{c}'")))
        .collect();
    assert!(
        unused.is_empty(),
        "allowed but never called by the UI: {unused:?}"
    );
}

#[test]
fn every_command_has_a_handler() {
    let main = read(&root().join("src/main.rs"));
    let handlers = main
        .split("generate_handler![")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("generate_handler! in main.rs");
    let handled: BTreeSet<String> = handlers
        .split(',')
        .filter_map(|h| h.trim().rsplit("::").next())
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        handled,
        build_commands(),
        "main.rs handlers vs build.rs COMMANDS"
    );
}
