//! Where Brevdue keeps its data and settings for the user: the same folders for the desktop
//! app and the command line, so that both find one list of accounts and one cache per account.
//!
//! The folders are those Tauri gives the desktop app for its identifier
//! ([`APP_IDENTIFIER`]): the user's data folder and config folder (on Linux
//! `~/.local/share/dk.brevdue.desktop` and `~/.config/dk.brevdue.desktop`, on macOS both
//! `~/Library/Application Support/dk.brevdue.desktop`, on Windows both under `%APPDATA%`).
//! A `--data-dir DIR` on either program puts both in `DIR`.
//!
//! Inside the data folder, a chosen core's client data (accounts, caches) lives in `client/`,
//! the desktop's embedded demo core and its client data in `demo/`. The settings file
//! (`settings.json`, written by the desktop app) is in the config folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use crate::error::{ClientError, ErrorKind, Result};

/// The desktop app's identifier (`src-tauri/tauri.conf.json`), which names its folders.
pub const APP_IDENTIFIER: &str = "dk.brevdue.desktop";
/// The settings file in the config folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The user's data and config folders of Brevdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFolders {
    /// Caches, accounts, the embedded demo core.
    pub data: PathBuf,
    /// `settings.json`.
    pub config: PathBuf,
}

impl AppFolders {
    /// The folders of the user running the program.
    pub fn for_user() -> Result<Self> {
        let missing = || {
            ClientError::new(
                ErrorKind::InvalidInput,
                "the user's data folder is unknown (no home folder?); give a data folder",
            )
        };
        Ok(AppFolders {
            data: dirs::data_dir().ok_or_else(missing)?.join(APP_IDENTIFIER),
            config: dirs::config_dir().ok_or_else(missing)?.join(APP_IDENTIFIER),
        })
    }

    /// Both folders in `dir` (the programs' `--data-dir`).
    pub fn in_dir(dir: &Path) -> Self {
        AppFolders {
            data: dir.to_path_buf(),
            config: dir.to_path_buf(),
        }
    }

    /// The client data (accounts, caches) of a core the user chose
    /// ([`crate::ClientConfig::data_dir`]).
    pub fn client_data(&self) -> PathBuf {
        self.data.join("client")
    }

    /// The desktop's embedded demo core and its client data.
    pub fn demo(&self) -> PathBuf {
        self.data.join("demo")
    }

    /// The server chosen in the desktop app's settings, if any. A missing or unreadable file
    /// means none (the desktop app then uses its embedded demo core).
    pub fn configured_server(&self) -> Option<Url> {
        #[derive(Deserialize)]
        struct Settings {
            #[serde(default)]
            server: Option<Url>,
        }
        let bytes = std::fs::read(self.config.join(SETTINGS_FILE)).ok()?;
        serde_json::from_slice::<Settings>(&bytes).ok()?.server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifier_is_the_desktop_apps() {
        let conf = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/tauri.conf.json"),
        )
        .unwrap();
        let conf: serde_json::Value = serde_json::from_str(&conf).unwrap();
        assert_eq!(conf["identifier"], APP_IDENTIFIER);
    }

    #[test]
    fn a_data_dir_holds_both_and_settings_name_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let folders = AppFolders::in_dir(dir.path());
        assert_eq!(folders.client_data(), dir.path().join("client"));
        assert_eq!(folders.configured_server(), None);
        std::fs::write(dir.path().join(SETTINGS_FILE), b"{\"server\": 5}").unwrap();
        assert_eq!(folders.configured_server(), None);
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            b"{\"server\": \"https://post.example.dk/\", \"language\": \"da\"}",
        )
        .unwrap();
        assert_eq!(
            folders.configured_server().unwrap().as_str(),
            "https://post.example.dk/"
        );
    }
}
