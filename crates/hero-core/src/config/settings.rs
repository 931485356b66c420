//! The user's own settings file: what persists, loading and saving it, and saying
//! what is wrong with a settings file that can't be used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Environment;
use super::machine::standard_machine_file;
use super::messaging::MessagingFile;

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
    /// `None` until the user picks one, so IT's default (the machine-wide file) applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    pub practice_group_ids: BTreeMap<Environment, String>,
    pub custom_base_url: String,
    /// Text size on top of the OS scale factor (Ctrl + / Ctrl - / Ctrl 0).
    pub zoom: f32,
    pub theme: ThemeChoice,
    /// Minutes without a key or click before the matched patient's details hide (the
    /// screen faces the queue). The patient ID stays.
    pub hide_details_after_minutes: u32,
    /// The server address that last passed Test connection: a refused connection there
    /// later is Hero being down (the patient is kept), not a wrong address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_checked_server: Option<String>,
    /// The practice's name for `{practice}` when Hero's `GET /v1/me` gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practice_name: Option<String>,
    /// Whether "write to the patient's record" starts ticked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_to_record: Option<bool>,
    /// The default appointment type and location for an invite: a name or an ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The user's own templates, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, String>,
}

/// The details card hides after this many idle minutes unless the settings say otherwise.
pub const HIDE_DETAILS_AFTER_MINUTES: u32 = 3;

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: None,
            practice_group_ids: BTreeMap::new(),
            custom_base_url: String::new(),
            zoom: 1.0,
            theme: ThemeChoice::FollowSystem,
            hide_details_after_minutes: HIDE_DETAILS_AFTER_MINUTES,
            last_checked_server: None,
            practice_name: None,
            write_to_record: None,
            appointment_type: None,
            location: None,
            templates: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The messaging fields checked: an unknown placeholder is refused with its
    /// template's name.
    pub fn messaging_file(&self) -> Result<MessagingFile, String> {
        MessagingFile::check(
            self.practice_name.as_deref(),
            self.write_to_record,
            self.appointment_type.as_deref(),
            self.location.as_deref(),
            &self.templates,
        )
    }

    pub fn practice_group_id(&self, environment: Environment) -> &str {
        self.practice_group_ids
            .get(&environment)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Reads and writes the user's settings file, and reads the machine-wide file from
/// the practice's IT; `None` paths keep settings in memory only (tests).
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: Option<PathBuf>,
    pub(super) machine: Option<PathBuf>,
}

impl SettingsFile {
    /// The user's file in the OS config directory (e.g. `~/.config/hero-intake/settings.json`)
    /// and IT's machine-wide file.
    pub fn standard() -> Self {
        let path = directories::ProjectDirs::from("net", "Hero Health", "hero-intake")
            .map(|dirs| dirs.config_dir().join("settings.json"));
        Self {
            path,
            machine: standard_machine_file(),
        }
    }

    /// A user file at `path` and no machine-wide file.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            machine: None,
        }
    }

    pub fn in_memory() -> Self {
        Self {
            path: None,
            machine: None,
        }
    }

    /// Reads the machine-wide file from `path` instead (tests).
    pub fn with_machine_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.machine = Some(path.into());
        self
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn machine_path(&self) -> Option<&Path> {
        self.machine.as_deref()
    }

    /// Missing or unreadable settings fall back to the defaults.
    pub fn load(&self) -> Settings {
        self.load_checked().0
    }

    /// The user's settings, and what is wrong with the file when it can't be used
    /// (then the defaults). A missing file is normal.
    pub fn load_checked(&self) -> (Settings, Option<FileProblem>) {
        let Some(path) = &self.path else {
            return (Settings::default(), None);
        };
        let problem = |what| FileProblem {
            file: WhichFile::User,
            path: path.clone(),
            what,
        };
        match std::fs::read(path) {
            Ok(bytes) => match parse_json::<Settings>(&bytes) {
                Ok(settings) => match settings.messaging_file() {
                    Ok(_) => (settings, None),
                    Err(what) => (Settings::default(), Some(problem(what))),
                },
                Err(what) => (Settings::default(), Some(problem(what))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (Settings::default(), Some(problem(describe_io(&e)))),
        }
    }

    // `load_machine` is with the machine-wide file (machine.rs).

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

/// Which settings file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhichFile {
    /// The machine-wide file from the practice's IT.
    Machine,
    /// This user's own settings.
    User,
}

/// A settings file that exists but can't be used, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} ({}) can't be used: {what}", self.describe_file(), path.display())]
pub struct FileProblem {
    pub file: WhichFile,
    pub path: PathBuf,
    pub what: String,
}

impl FileProblem {
    fn describe_file(&self) -> &'static str {
        match self.file {
            WhichFile::Machine => "The settings file from your practice's IT",
            WhichFile::User => "Your settings file",
        }
    }

    /// What the app does about it, for the window.
    pub fn consequence(&self) -> &'static str {
        match self.file {
            WhichFile::Machine => {
                "Hero Intake is ignoring it until it is corrected: ask your practice's IT."
            }
            WhichFile::User => {
                "Hero Intake is using the default settings. Your next change in Settings replaces the file; the old one is kept beside it as settings.json.bad."
            }
        }
    }
}

pub(super) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "Hero Intake is not allowed to read it (permission denied)".into()
        }
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        kind => format!("it couldn't be read ({kind})"),
    }
}

/// serde_json's finding in words, with where in the file it is.
pub(super) fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = String::from_utf8_lossy(bytes);
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err("it is empty (it should hold one JSON object, such as {\"environment\": \"production\"})".into());
    }
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        let detail = e.to_string();
        let detail = detail
            .rsplit_once(" at line ")
            .map_or(detail.as_str(), |(d, _)| d);
        let place = format!("line {}, column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Data => format!("{detail} ({place})"),
            _ => format!("it is not valid JSON: {detail} ({place})"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Environment::Production;

    #[test]
    fn a_malformed_user_file_is_named_and_the_defaults_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{ \"environment\": Prod").expect("write");
        let (settings, problem) = SettingsFile::at(&path).load_checked();
        assert_eq!(settings, Settings::default());
        let problem = problem.expect("a problem");
        assert_eq!(problem.file, WhichFile::User);
        assert_eq!(
            problem.to_string(),
            format!(
                "Your settings file ({}) can't be used: it is not valid JSON: expected value (line 1, column 18)",
                path.display()
            )
        );
        assert_eq!(
            SettingsFile::at(dir.path().join("none.json"))
                .load_checked()
                .1,
            None
        );
    }

    #[test]
    fn an_untouched_environment_is_not_saved_so_it_defaults_to_it() {
        let text = serde_json::to_string(&Settings::default()).expect("json");
        assert!(!text.contains("environment"), "{text}");
        let old: Settings =
            serde_json::from_str(r#"{"environment": "Production"}"#).expect("older files read");
        assert_eq!(old.environment, Some(Production));
    }

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
