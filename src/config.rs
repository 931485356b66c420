//! Settings that persist between runs (never a secret, never patient data), the
//! environments, and the rule for acceptable base URLs.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::patient::TestNumbers;

pub const STAGING_URL: &str = "https://api.staging.htech.app";
pub const PRODUCTION_URL: &str = "https://api.herohealth.net";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Environment {
    /// The built-in sandbox: no real patients, no credentials needed.
    Demo,
    Staging,
    Production,
    Custom,
}

impl Environment {
    pub const ALL: [Environment; 4] = [Self::Demo, Self::Staging, Self::Production, Self::Custom];

    pub fn label(self) -> &'static str {
        match self {
            Self::Demo => "Demo",
            Self::Staging => "Staging",
            Self::Production => "Production",
            Self::Custom => "Custom",
        }
    }

    /// The word on the always-visible marker.
    pub fn marker(self) -> &'static str {
        match self {
            Self::Demo => "DEMO — not real patients",
            Self::Staging => "STAGING — test system",
            Self::Production => "PRODUCTION — live patients",
            Self::Custom => "CUSTOM SERVER",
        }
    }

    pub fn keychain_user(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Staging => "staging",
            Self::Production => "production",
            Self::Custom => "custom",
        }
    }

    pub fn fixed_url(self) -> Option<&'static str> {
        match self {
            Self::Staging => Some(STAGING_URL),
            Self::Production => Some(PRODUCTION_URL),
            Self::Demo | Self::Custom => None,
        }
    }

    /// Whether a number with a failed check digit may be sent after confirmation.
    /// Only on test systems: on production (or an unknown custom server) it can only
    /// be a typing error.
    pub fn allows_check_digit_override(self) -> bool {
        matches!(self, Self::Staging | Self::Demo)
    }

    /// Test-range NHS numbers reach no real patient, so the live service never gets one.
    pub fn test_numbers(self) -> TestNumbers {
        match self {
            Self::Production => TestNumbers::Refused,
            Self::Demo | Self::Staging | Self::Custom => TestNumbers::Allowed,
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An https URL, or http to this computer (tests and the demo sandbox).
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BaseUrlError {
    #[error("Enter the server address, starting https://")]
    Empty,
    #[error("That is not a web address: it should look like https://api.example.com")]
    Invalid,
    #[error(
        "The address must start with https:// so patient data is encrypted (http:// is only allowed to this computer)"
    )]
    NotHttps,
    #[error("The address should be just the server, without ?query or #fragment")]
    HasQuery,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<Self, BaseUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BaseUrlError::Empty);
        }
        let url = url::Url::parse(text).map_err(|_| BaseUrlError::Invalid)?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(BaseUrlError::Invalid);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::HasQuery);
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(BaseUrlError::NotHttps),
            _ => return Err(BaseUrlError::Invalid),
        }
        Ok(Self(url))
    }

    /// `{base}{path}`, keeping any path prefix of the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0.as_str().trim_end_matches('/'), path)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    pub fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_owned()
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.as_str())
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Light or dark: by default whatever the operating system prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    FollowSystem,
    /// A high-contrast light theme.
    Light,
    Dark,
}

/// What persists between runs: never a key, never patient data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub environment: Environment,
    pub practice_group_ids: BTreeMap<Environment, String>,
    pub custom_base_url: String,
    /// Text size on top of the OS scale factor (Ctrl + / Ctrl - / Ctrl 0).
    pub zoom: f32,
    pub theme: ThemeChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: Environment::Staging,
            practice_group_ids: BTreeMap::new(),
            custom_base_url: String::new(),
            zoom: 1.0,
            theme: ThemeChoice::FollowSystem,
        }
    }
}

impl Settings {
    pub fn practice_group_id(&self, environment: Environment) -> &str {
        self.practice_group_ids
            .get(&environment)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Reads and writes the settings file; `None` keeps settings in memory only (tests).
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: Option<PathBuf>,
}

impl SettingsFile {
    /// The file in the OS config directory (e.g. `~/.config/hero-intake/settings.json`).
    pub fn standard() -> Self {
        let path = directories::ProjectDirs::from("net", "Hero Health", "hero-intake")
            .map(|dirs| dirs.config_dir().join("settings.json"));
        Self { path }
    }

    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
        }
    }

    pub fn in_memory() -> Self {
        Self { path: None }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Missing or unreadable settings fall back to the defaults.
    pub fn load(&self) -> Settings {
        let Some(path) = &self.path else {
            return Settings::default();
        };
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                tracing::warn!("settings file unreadable; using defaults");
                Settings::default()
            }),
            Err(_) => Settings::default(),
        }
    }

    pub fn save(&self, settings: &Settings) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A file we can't read may hold someone's hand edits: keep a copy, never lose it.
        if let Ok(bytes) = std::fs::read(path)
            && serde_json::from_slice::<Settings>(&bytes).is_err()
        {
            std::fs::write(path.with_extension("json.bad"), &bytes)?;
            tracing::warn!("unreadable settings file kept as settings.json.bad");
        }
        let json = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
        // Write then rename, so a crash never leaves half a file.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, path)
    }
}

/// Values from the environment (`HERO_API_KEY`, `HERO_PRACTICE_GROUP_ID`, `HERO_BASE_URL`),
/// which override the settings file and the keychain.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Raw text: checked where it is used, so a bad value is reported, not ignored.
    pub api_key: Option<String>,
    pub practice_group_id: Option<String>,
    pub base_url: Option<String>,
}

impl Overrides {
    pub fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            api_key: var("HERO_API_KEY"),
            practice_group_id: var("HERO_PRACTICE_GROUP_ID"),
            base_url: var("HERO_BASE_URL"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_over_a_malformed_file_keeps_a_copy() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{ \"environment\": Prod").expect("write");
        let file = SettingsFile::at(&path);
        assert_eq!(file.load(), Settings::default());
        file.save(&Settings::default()).expect("save");
        let kept = std::fs::read(dir.path().join("settings.json.bad")).expect("backup kept");
        assert_eq!(kept, b"{ \"environment\": Prod");
        assert_eq!(file.load(), Settings::default());
    }

    #[test]
    fn saving_over_a_good_file_makes_no_copy() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let file = SettingsFile::at(&path);
        file.save(&Settings::default()).expect("first save");
        file.save(&Settings::default()).expect("second save");
        assert!(!dir.path().join("settings.json.bad").exists());
    }
}
