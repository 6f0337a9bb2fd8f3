//! The app's settings file (`settings.json` in the app's config folder): which core to use,
//! the UI's language and where to look for updates. No secrets live here (tokens are in the OS secret store).
//!
//! A missing or unreadable file means the defaults: the embedded demo core and Danish. The
//! file is written whole to a temporary name and then renamed, so a crash never leaves half a
//! file behind.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

/// The UI's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, export_to = "app/"))]
#[serde(rename_all = "lowercase")]
pub(crate) enum Language {
    #[default]
    Da,
    En,
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Settings {
    /// The core to use; `None`: the embedded demo core.
    #[serde(default)]
    pub(crate) server: Option<Url>,
    #[serde(default)]
    pub(crate) language: Language,
    /// Where to look for updates (a signed `latest.json`); `None`: never look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) update_url: Option<Url>,
}

/// The settings file and what it holds.
#[derive(Debug)]
pub(crate) struct SettingsFile {
    path: PathBuf,
    pub(crate) settings: Settings,
}

impl SettingsFile {
    /// Reads `settings.json` in `dir`; the defaults when there is none or it is unreadable.
    pub(crate) fn load(dir: &Path) -> Self {
        let path = dir.join("settings.json");
        let settings = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, "the settings file is unreadable; using the defaults");
                Settings::default()
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(error) => {
                tracing::warn!(%error, "the settings file cannot be read; using the defaults");
                Settings::default()
            }
        };
        SettingsFile { path, settings }
    }

    /// Writes the settings.
    pub(crate) fn save(&self) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(&self.settings).map_err(std::io::Error::other)?;
        let temp = self.path.with_extension("json.part");
        std::fs::write(&temp, json)?;
        std::fs::rename(&temp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let mut file = SettingsFile::load(dir.path());
        assert_eq!(file.settings, Settings::default());
        file.settings.language = Language::En;
        file.settings.server = Some(Url::parse("https://post.example/").unwrap());
        file.settings.update_url = Some(Url::parse("https://post.example/latest.json").unwrap());
        file.save().unwrap();
        let again = SettingsFile::load(dir.path());
        assert_eq!(again.settings, file.settings);
    }

    #[test]
    fn a_broken_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), b"{\"server\": 5").unwrap();
        assert_eq!(SettingsFile::load(dir.path()).settings, Settings::default());
    }
}
