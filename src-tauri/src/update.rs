//! Updates: where the app looks for a newer build, and the signed update it found.
//!
//! The manifest (`latest.json`, Tauri's static format) and the build it points to are fetched
//! and checked by tauri-plugin-updater: a build is installed only when its minisign signature
//! verifies against the public key in `tauri.conf.json` (`plugins.updater.pubkey`). The
//! private key never is in the repository; releases are signed with it through
//! `TAURI_SIGNING_PRIVATE_KEY` (README, "Updates").
//!
//! There is no update address by default, so the app asks nobody anything unless the user or
//! whoever installed it chose one: `--update-url`, else `BREVDUE_UPDATE_URL`, else `updateUrl`
//! in `settings.json`. The demo in particular never reaches out.

use tauri::{AppHandle, Manager};
use tokio::sync::Mutex;
use url::Url;

/// The environment variable naming the update address (after `--update-url`).
pub(crate) const URL_ENV: &str = "BREVDUE_UPDATE_URL";
/// Debug builds only: a public key to trust instead of the project's, so that a test can sign
/// a build with a key it made itself. A release build ignores it.
pub(crate) const PUBKEY_ENV: &str = "BREVDUE_UPDATE_PUBKEY";

/// What the app knows about updates while it runs.
pub(crate) struct Updates {
    /// Where to look; `None`: never look.
    pub(crate) endpoint: Option<Url>,
    /// The newer build the last check found, until it is installed.
    pub(crate) found: Mutex<Option<tauri_plugin_updater::Update>>,
    /// Set once an update is installed: the app may then restart into it.
    pub(crate) installed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Updates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updates")
            .field("endpoint", &self.endpoint)
            .field("installed", &self.installed)
            .finish_non_exhaustive()
    }
}

impl Updates {
    pub(crate) fn new(endpoint: Option<Url>) -> Self {
        Updates {
            endpoint,
            found: Mutex::new(None),
            installed: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// The update address: the command line's, else the environment's, else the settings'.
/// An unusable address in the environment is logged and ignored, so the app still starts.
pub(crate) fn endpoint(arg: Option<&Url>, env: Option<&str>, setting: Option<&Url>) -> Option<Url> {
    if let Some(url) = arg {
        return Some(url.clone());
    }
    if let Some(text) = env.filter(|t| !t.trim().is_empty()) {
        match parse_endpoint(text) {
            Ok(url) => return Some(url),
            Err(error) => tracing::warn!(%error, "{URL_ENV} is not used"),
        }
    }
    setting.cloned()
}

/// An update address: http or https (a release build accepts https only: the plugin refuses
/// anything else), with a host and no user name or password. A query is allowed, so that an
/// address may carry the plugin's `{{target}}` and `{{current_version}}` placeholders.
pub(crate) fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("not an address: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the update address must start with https:// (or http:// in tests)".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the update address has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the update address may not hold a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("the update address may not have a fragment".into());
    }
    Ok(url)
}

/// The public key a test asks a debug build to trust instead of the project's; never in a
/// release build.
pub(crate) fn test_pubkey() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var(PUBKEY_ENV)
            .ok()
            .filter(|k| !k.trim().is_empty())
    } else {
        None
    }
}

/// Whether this copy of the app can replace itself: a .deb or .rpm the bundler made (it marks
/// the binary), or an AppImage. A binary cargo built is neither, and the plugin would
/// otherwise overwrite it as if it were an AppImage.
pub(crate) fn installable(app: &AppHandle) -> bool {
    use tauri::utils::config::BundleType;
    matches!(
        tauri::utils::platform::bundle_type(),
        Some(BundleType::Deb | BundleType::Rpm)
    ) || app.env().appimage.is_some()
}

/// The updater for `endpoint`, with the project's key (or, in a debug build, a test's).
pub(crate) fn updater(
    app: &AppHandle,
    endpoint: &Url,
) -> Result<tauri_plugin_updater::Updater, tauri_plugin_updater::Error> {
    use tauri_plugin_updater::UpdaterExt;
    let mut builder = app
        .updater_builder()
        .endpoints(vec![endpoint.clone()])?
        .timeout(std::time::Duration::from_secs(60));
    if let Some(key) = test_pubkey() {
        tracing::warn!("trusting the update key from {PUBKEY_ENV} (debug build)");
        builder = builder.pubkey(key);
    }
    builder.build()
}

/// Registers the update state (the app always has it; it is empty without an address).
pub(crate) fn manage(app: &tauri::App, endpoint: Option<Url>) {
    if let Some(url) = &endpoint {
        tracing::info!(%url, "updates are looked for here");
    }
    app.manage(Updates::new(endpoint));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn no_address_by_default() {
        assert_eq!(endpoint(None, None, None), None);
        assert_eq!(endpoint(None, Some("  "), None), None);
    }

    #[test]
    fn the_command_line_then_the_environment_then_the_settings() {
        let arg = url("https://a.example/latest.json");
        let set = url("https://c.example/latest.json");
        assert_eq!(
            endpoint(Some(&arg), Some("https://b.example/"), Some(&set)),
            Some(arg)
        );
        assert_eq!(
            endpoint(None, Some("https://b.example/x.json"), Some(&set)),
            Some(url("https://b.example/x.json"))
        );
        assert_eq!(endpoint(None, None, Some(&set)), Some(set.clone()));
        // A broken address in the environment is ignored, not fatal.
        assert_eq!(
            endpoint(None, Some("ftp://b.example/"), Some(&set)),
            Some(set)
        );
    }

    #[test]
    fn update_addresses() {
        assert!(parse_endpoint("https://releases.example/brevdue/latest.json").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:8080/latest.json").is_ok());
        assert!(parse_endpoint("https://r.example/{{target}}/{{current_version}}").is_ok());
        assert!(parse_endpoint("https://r.example/check?v={{current_version}}").is_ok());
        for bad in [
            "",
            "releases.example",
            "file:///tmp/latest.json",
            "javascript:alert(1)",
            "https://user:pw@r.example/",
            "https://r.example/latest.json#x",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }
}
