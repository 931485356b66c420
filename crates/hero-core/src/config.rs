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

    /// The name on the command line and in the machine-wide file.
    pub fn name(self) -> &'static str {
        self.keychain_user()
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
    /// `None` until the user picks one, so IT's default (the machine-wide file) applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    pub practice_group_ids: BTreeMap<Environment, String>,
    pub custom_base_url: String,
    /// Text size on top of the OS scale factor (Ctrl + / Ctrl - / Ctrl 0).
    pub zoom: f32,
    pub theme: ThemeChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: None,
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

/// Reads and writes the user's settings file, and reads the machine-wide file from
/// the practice's IT; `None` paths keep settings in memory only (tests).
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: Option<PathBuf>,
    machine: Option<PathBuf>,
}

/// Debug builds only: where to read the machine-wide file instead (tests). Never in
/// a release build, so a user can't get round what IT locked.
pub const MACHINE_FILE_OVERRIDE_VAR: &str = "HERO_INTAKE_MACHINE_SETTINGS";

/// The machine-wide file IT writes: `/etc/hero-intake/settings.json` (Linux),
/// `%ProgramData%\Hero Intake\settings.json` (Windows),
/// `/Library/Application Support/Hero Intake/settings.json` (macOS).
pub fn standard_machine_file() -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(MACHINE_FILE_OVERRIDE_VAR) {
        return Some(path.into());
    }
    machine_file_for_this_os()
}

#[cfg(windows)]
fn machine_file_for_this_os() -> Option<PathBuf> {
    let base = std::env::var_os("ProgramData")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
    Some(base.join("Hero Intake").join("settings.json"))
}

#[cfg(target_os = "macos")]
fn machine_file_for_this_os() -> Option<PathBuf> {
    Some(PathBuf::from(
        "/Library/Application Support/Hero Intake/settings.json",
    ))
}

#[cfg(all(unix, not(target_os = "macos")))]
fn machine_file_for_this_os() -> Option<PathBuf> {
    Some(PathBuf::from("/etc/hero-intake/settings.json"))
}

#[cfg(not(any(unix, windows)))]
fn machine_file_for_this_os() -> Option<PathBuf> {
    None
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
                Ok(settings) => (settings, None),
                Err(what) => (Settings::default(), Some(problem(what))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => (Settings::default(), Some(problem(describe_io(&e)))),
        }
    }

    /// IT's machine-wide settings: `Ok(None)` when there is no such file (normal).
    pub fn load_machine(&self) -> Result<Option<MachineSettings>, FileProblem> {
        let Some(path) = &self.machine else {
            return Ok(None);
        };
        let problem = |what| FileProblem {
            file: WhichFile::Machine,
            path: path.clone(),
            what,
        };
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(problem(describe_io(&e))),
        };
        let raw = parse_json::<RawMachineSettings>(&bytes).map_err(problem)?;
        raw.check(path).map(Some).map_err(problem)
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

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "Hero Intake is not allowed to read it (permission denied)".into()
        }
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        kind => format!("it couldn't be read ({kind})"),
    }
}

/// serde_json's finding in words, with where in the file it is.
fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
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

/// The machine-wide file as written, before it is checked.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawMachineSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    practice_group_id: Option<String>,
    #[serde(default)]
    locked: bool,
}

/// Writes the machine-wide file, for installers (the MSI's `ENVIRONMENT`,
/// `BASE_URL`, `PRACTICE_GROUP_ID` and `LOCKED` properties) and IT scripts. Empty text
/// means "not set"; the file is checked by the same rules as when it is read, and
/// nothing is written when it would not be usable.
pub fn write_machine_file(
    path: &Path,
    environment: &str,
    base_url: &str,
    practice_group_id: &str,
    locked: &str,
) -> Result<MachineSettings, String> {
    let locked = match locked.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" => false,
        "1" | "true" | "yes" => true,
        other => return Err(format!("locked must be 1 or 0, not \"{other}\"")),
    };
    let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let raw = RawMachineSettings {
        environment: given(environment).map(|e| e.to_ascii_lowercase()),
        base_url: given(base_url),
        practice_group_id: given(practice_group_id),
        locked,
    };
    let json = serde_json::to_vec_pretty(&raw).map_err(|e| e.to_string())?;
    let checked = parse_json::<RawMachineSettings>(&json)?.check(path)?;
    let io = |e: std::io::Error| {
        format!(
            "{} couldn't be written: {}",
            path.display(),
            describe_io(&e)
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(checked)
}

/// What the practice's IT set for every user of this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineSettings {
    pub path: PathBuf,
    /// `None` only when the file sets nothing at all.
    pub environment: Option<Environment>,
    /// The server, for `custom` only.
    pub base_url: Option<BaseUrl>,
    pub practice_group_id: Option<String>,
    /// Locked: the environment, server and practice group can't be changed by the
    /// user, a flag or a variable.
    pub locked: bool,
}

impl RawMachineSettings {
    fn check(self, path: &Path) -> Result<MachineSettings, String> {
        let environment = match self.environment.as_deref().map(str::trim) {
            None => None,
            Some(name) => Some(match name.to_ascii_lowercase().as_str() {
                "staging" => Environment::Staging,
                "production" => Environment::Production,
                "custom" => Environment::Custom,
                "demo" => {
                    return Err("\"environment\": \"demo\" can't be set for a practice: use \"staging\", \"production\" or \"custom\"".into());
                }
                _ => {
                    return Err(format!(
                        "\"environment\": \"{name}\" is not one of \"staging\", \"production\" or \"custom\""
                    ));
                }
            }),
        };
        let practice_group_id = match self.practice_group_id.as_deref().map(str::trim) {
            Some("") => return Err("\"practice_group_id\" is empty".into()),
            other => other.map(str::to_owned),
        };
        let base_url = match (&self.base_url, environment) {
            (Some(text), Some(Environment::Custom)) => {
                Some(BaseUrl::parse(text).map_err(|e| format!("\"base_url\": {e}"))?)
            }
            (None, Some(Environment::Custom)) => {
                return Err("\"environment\" is \"custom\" but there is no \"base_url\": add the server's https:// address".into());
            }
            (Some(_), _) => {
                return Err("\"base_url\" is only used with \"environment\": \"custom\" (staging and production have fixed addresses)".into());
            }
            (None, _) => None,
        };
        if environment.is_none() && (practice_group_id.is_some() || self.locked) {
            return Err("there is no \"environment\": add \"environment\": \"staging\", \"production\" or \"custom\" (a practice group ID belongs to one environment)".into());
        }
        Ok(MachineSettings {
            path: path.to_owned(),
            environment,
            base_url,
            practice_group_id,
            locked: self.locked,
        })
    }
}

/// Where a setting in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--environment` on the command line.
    Flag,
    /// An environment variable (`HERO_BASE_URL`, `HERO_PRACTICE_GROUP_ID`).
    Variable(&'static str),
    /// The user's own settings file.
    UserSettings,
    /// The machine-wide file from the practice's IT.
    PracticeIt { locked: bool },
    /// Nothing set: the built-in default.
    BuiltIn,
}

/// A flag or variable that contradicts what IT locked: refused, nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{given} can't be used: your practice's IT has set the {what} to {locked_value} for this computer and locked it ({})",
    path.display()
)]
pub struct LockConflict {
    /// What was given: `--environment staging`, `HERO_BASE_URL`, `HERO_PRACTICE_GROUP_ID`.
    pub given: String,
    pub what: &'static str,
    pub locked_value: String,
    pub path: PathBuf,
}

/// The environment, server and practice group in force, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub environment: Environment,
    pub environment_source: Source,
    /// The server address as text (checked where it is used); empty for the demo.
    pub base_url: String,
    pub base_url_source: Source,
    /// Empty when nothing sets one.
    pub practice_group_id: String,
    pub practice_group_source: Source,
    /// The machine-wide file, when it locks these settings.
    pub locked_by: Option<PathBuf>,
    /// Flags and variables refused because of the lock.
    pub conflicts: Vec<LockConflict>,
}

impl Resolved {
    pub fn practice_group_locked(&self) -> bool {
        self.practice_group_source == Source::PracticeIt { locked: true }
    }
}

/// Everything that can decide the environment, server and practice group.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub flag: Option<Environment>,
    pub overrides: &'a Overrides,
    pub user: &'a Settings,
    pub machine: Option<&'a MachineSettings>,
}

/// The one decision, for the window and the command line alike. Not locked:
/// flag > variable (`HERO_BASE_URL` means Custom) > user's settings > machine-wide
/// file > Staging. Locked: the machine-wide file wins, and a flag or variable that
/// contradicts it is listed in `conflicts`.
pub fn resolve(inputs: Inputs<'_>) -> Resolved {
    let Inputs {
        flag,
        overrides,
        user,
        machine,
    } = inputs;
    if let Some(m) = machine.filter(|m| m.locked)
        && let Some(environment) = m.environment
    {
        return resolve_locked(m, environment, flag, overrides, user);
    }
    let machine_environment = machine.and_then(|m| m.environment);
    let (environment, environment_source) = match (flag, &overrides.base_url) {
        (Some(env), _) => (env, Source::Flag),
        (None, Some(_)) => (Environment::Custom, Source::Variable("HERO_BASE_URL")),
        (None, None) => match (user.environment, machine_environment) {
            (Some(env), _) => (env, Source::UserSettings),
            (None, Some(env)) => (env, Source::PracticeIt { locked: false }),
            (None, None) => (Environment::Staging, Source::BuiltIn),
        },
    };
    let machine_for_this = machine.filter(|m| m.environment == Some(environment));
    let (base_url, base_url_source) = match environment.fixed_url() {
        Some(url) => (url.to_owned(), Source::BuiltIn),
        None if environment == Environment::Demo => (String::new(), Source::BuiltIn),
        None => match (
            &overrides.base_url,
            user.custom_base_url.trim(),
            machine_for_this.and_then(|m| m.base_url.as_ref()),
        ) {
            (Some(url), _, _) => (url.clone(), Source::Variable("HERO_BASE_URL")),
            (None, url, _) if !url.is_empty() => (url.to_owned(), Source::UserSettings),
            (None, _, Some(url)) => (
                url.as_str().to_owned(),
                Source::PracticeIt { locked: false },
            ),
            (None, _, None) => (String::new(), Source::BuiltIn),
        },
    };
    let (practice_group_id, practice_group_source) =
        unlocked_group(environment, overrides, user, machine_for_this);
    Resolved {
        environment,
        environment_source,
        base_url,
        base_url_source,
        practice_group_id,
        practice_group_source,
        locked_by: None,
        conflicts: Vec::new(),
    }
}

fn unlocked_group(
    environment: Environment,
    overrides: &Overrides,
    user: &Settings,
    machine: Option<&MachineSettings>,
) -> (String, Source) {
    let users = user.practice_group_id(environment).trim();
    match (
        &overrides.practice_group_id,
        machine.and_then(|m| m.practice_group_id.as_ref()),
    ) {
        (Some(id), _) => (id.clone(), Source::Variable("HERO_PRACTICE_GROUP_ID")),
        _ if !users.is_empty() => (users.to_owned(), Source::UserSettings),
        (None, Some(id)) => (id.clone(), Source::PracticeIt { locked: false }),
        (None, None) => (String::new(), Source::BuiltIn),
    }
}

fn resolve_locked(
    machine: &MachineSettings,
    environment: Environment,
    flag: Option<Environment>,
    overrides: &Overrides,
    user: &Settings,
) -> Resolved {
    let locked = Source::PracticeIt { locked: true };
    let mut conflicts = Vec::new();
    let conflict = |given: String, what, locked_value: String| LockConflict {
        given,
        what,
        locked_value,
        path: machine.path.clone(),
    };
    if let Some(asked) = flag
        && asked != environment
    {
        conflicts.push(conflict(
            format!("--environment {}", asked.name()),
            "environment",
            environment.label().to_owned(),
        ));
    }
    let base_url = match (&machine.base_url, environment.fixed_url()) {
        (Some(url), _) => url.as_str().to_owned(),
        (None, Some(url)) => url.to_owned(),
        (None, None) => String::new(),
    };
    if let Some(given) = &overrides.base_url {
        let same = BaseUrl::parse(given).is_ok_and(|g| g.as_str() == base_url);
        if !same || environment != Environment::Custom {
            let locked_value = match environment {
                Environment::Custom => base_url.clone(),
                other => format!("{} ({base_url})", other.label()),
            };
            conflicts.push(conflict("HERO_BASE_URL".into(), "server", locked_value));
        }
    }
    let (practice_group_id, practice_group_source) = match &machine.practice_group_id {
        Some(id) => {
            if let Some(given) = &overrides.practice_group_id
                && given != id
            {
                conflicts.push(conflict(
                    "HERO_PRACTICE_GROUP_ID".into(),
                    "practice group ID",
                    id.clone(),
                ));
            }
            (id.clone(), locked)
        }
        None => unlocked_group(environment, overrides, user, None),
    };
    Resolved {
        environment,
        environment_source: locked,
        base_url,
        base_url_source: locked,
        practice_group_id,
        practice_group_source,
        locked_by: Some(machine.path.clone()),
        conflicts,
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

    fn machine(json: &str) -> MachineSettings {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("machine.json");
        std::fs::write(&path, json).expect("write");
        SettingsFile::in_memory()
            .with_machine_file(&path)
            .load_machine()
            .expect("a good machine file")
            .expect("present")
    }

    fn machine_problem(bytes: &str) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, bytes).expect("write");
        let problem = SettingsFile::in_memory()
            .with_machine_file(&path)
            .load_machine()
            .expect_err("a bad machine file");
        assert_eq!(problem.file, WhichFile::Machine);
        assert!(problem.to_string().contains(&path.display().to_string()));
        problem.what
    }

    fn user(
        environment: Option<Environment>,
        groups: &[(Environment, &str)],
        url: &str,
    ) -> Settings {
        Settings {
            environment,
            practice_group_ids: groups.iter().map(|(e, g)| (*e, (*g).to_owned())).collect(),
            custom_base_url: url.to_owned(),
            ..Settings::default()
        }
    }

    fn vars(base_url: Option<&str>, group: Option<&str>) -> Overrides {
        Overrides {
            api_key: None,
            practice_group_id: group.map(str::to_owned),
            base_url: base_url.map(str::to_owned),
        }
    }

    const IT_PROD: &str = r#"{"environment": "production", "practice_group_id": "pg-it"}"#;
    const IT_PROD_LOCKED: &str =
        r#"{"environment": "production", "practice_group_id": "pg-it", "locked": true}"#;
    const IT_CUSTOM: &str = r#"{"environment": "custom", "base_url": "https://hero.practice.example", "practice_group_id": "pg-it"}"#;
    const IT_CUSTOM_LOCKED: &str =
        r#"{"environment": "custom", "base_url": "https://hero.practice.example", "locked": true}"#;

    use Environment::{Custom, Demo, Production, Staging};
    const IT: Source = Source::PracticeIt { locked: false };
    const IT_LOCKED: Source = Source::PracticeIt { locked: true };
    const USER: Source = Source::UserSettings;
    const BUILT_IN: Source = Source::BuiltIn;
    const URL_VAR: Source = Source::Variable("HERO_BASE_URL");
    const GROUP_VAR: Source = Source::Variable("HERO_PRACTICE_GROUP_ID");

    /// The precedence table (README "Installing for a practice (IT)"), one row per case:
    /// machine-wide file, user's file, variables, flag → what is in force and what is refused.
    #[test]
    #[expect(
        clippy::too_many_lines,
        reason = "one row per case of the precedence table"
    )]
    fn precedence_table() {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            Option<&str>,
            Settings,
            Overrides,
            Option<Environment>,
            (Environment, Source),
            (&str, Source),
            (&str, Source),
            Vec<&str>,
        )> = vec![
            // Nothing anywhere: Staging.
            (
                None,
                Settings::default(),
                vars(None, None),
                None,
                (Staging, BUILT_IN),
                (STAGING_URL, BUILT_IN),
                ("", BUILT_IN),
                vec![],
            ),
            // IT's defaults, not locked.
            (
                Some(IT_PROD),
                Settings::default(),
                vars(None, None),
                None,
                (Production, IT),
                (PRODUCTION_URL, BUILT_IN),
                ("pg-it", IT),
                vec![],
            ),
            // The user's own choice beats IT's default...
            (
                Some(IT_PROD),
                user(Some(Staging), &[(Staging, "pg-user")], ""),
                vars(None, None),
                None,
                (Staging, USER),
                (STAGING_URL, BUILT_IN),
                ("pg-user", USER),
                vec![],
            ),
            // ...field by field: IT's environment, the user's practice group.
            (
                Some(IT_PROD),
                user(None, &[(Production, "pg-user")], ""),
                vars(None, None),
                None,
                (Production, IT),
                (PRODUCTION_URL, BUILT_IN),
                ("pg-user", USER),
                vec![],
            ),
            // IT's practice group belongs to IT's environment only.
            (
                Some(IT_PROD),
                user(Some(Staging), &[], ""),
                vars(None, None),
                None,
                (Staging, USER),
                (STAGING_URL, BUILT_IN),
                ("", BUILT_IN),
                vec![],
            ),
            // Variables beat both files.
            (
                Some(IT_PROD),
                user(Some(Staging), &[(Staging, "pg-user")], ""),
                vars(None, Some("pg-var")),
                None,
                (Staging, USER),
                (STAGING_URL, BUILT_IN),
                ("pg-var", GROUP_VAR),
                vec![],
            ),
            (
                Some(IT_PROD),
                user(Some(Staging), &[], ""),
                vars(Some("https://var.example"), None),
                None,
                (Custom, URL_VAR),
                ("https://var.example", URL_VAR),
                ("", BUILT_IN),
                vec![],
            ),
            // The flag beats the variable.
            (
                Some(IT_PROD),
                user(Some(Staging), &[], ""),
                vars(Some("https://var.example"), None),
                Some(Production),
                (Production, Source::Flag),
                (PRODUCTION_URL, BUILT_IN),
                ("pg-it", IT),
                vec![],
            ),
            // IT's custom server, and the user's own server over it.
            (
                Some(IT_CUSTOM),
                Settings::default(),
                vars(None, None),
                None,
                (Custom, IT),
                ("https://hero.practice.example", IT),
                ("pg-it", IT),
                vec![],
            ),
            (
                Some(IT_CUSTOM),
                user(None, &[], "https://mine.example"),
                vars(None, None),
                None,
                (Custom, IT),
                ("https://mine.example", USER),
                ("pg-it", IT),
                vec![],
            ),
            // Locked: IT wins over the user's file, silently.
            (
                Some(IT_PROD_LOCKED),
                user(Some(Staging), &[(Production, "pg-user")], ""),
                vars(None, None),
                None,
                (Production, IT_LOCKED),
                (PRODUCTION_URL, IT_LOCKED),
                ("pg-it", IT_LOCKED),
                vec![],
            ),
            // Locked: a flag or variable that agrees is fine...
            (
                Some(IT_PROD_LOCKED),
                Settings::default(),
                vars(None, Some("pg-it")),
                Some(Production),
                (Production, IT_LOCKED),
                (PRODUCTION_URL, IT_LOCKED),
                ("pg-it", IT_LOCKED),
                vec![],
            ),
            // ...one that contradicts it is refused.
            (
                Some(IT_PROD_LOCKED),
                Settings::default(),
                vars(None, None),
                Some(Staging),
                (Production, IT_LOCKED),
                (PRODUCTION_URL, IT_LOCKED),
                ("pg-it", IT_LOCKED),
                vec!["--environment staging"],
            ),
            (
                Some(IT_PROD_LOCKED),
                Settings::default(),
                vars(None, None),
                Some(Demo),
                (Production, IT_LOCKED),
                (PRODUCTION_URL, IT_LOCKED),
                ("pg-it", IT_LOCKED),
                vec!["--environment demo"],
            ),
            (
                Some(IT_PROD_LOCKED),
                Settings::default(),
                vars(Some("https://var.example"), Some("pg-other")),
                None,
                (Production, IT_LOCKED),
                (PRODUCTION_URL, IT_LOCKED),
                ("pg-it", IT_LOCKED),
                vec!["HERO_BASE_URL", "HERO_PRACTICE_GROUP_ID"],
            ),
            // Locked without a practice group: the practice group is still the user's.
            (
                Some(IT_CUSTOM_LOCKED),
                user(None, &[(Custom, "pg-user")], ""),
                vars(None, None),
                None,
                (Custom, IT_LOCKED),
                ("https://hero.practice.example", IT_LOCKED),
                ("pg-user", USER),
                vec![],
            ),
            (
                Some(IT_CUSTOM_LOCKED),
                Settings::default(),
                vars(Some("https://hero.practice.example/"), Some("pg-var")),
                None,
                (Custom, IT_LOCKED),
                ("https://hero.practice.example", IT_LOCKED),
                ("pg-var", GROUP_VAR),
                vec![],
            ),
            (
                Some(IT_CUSTOM_LOCKED),
                Settings::default(),
                vars(Some("https://other.example"), None),
                None,
                (Custom, IT_LOCKED),
                ("https://hero.practice.example", IT_LOCKED),
                ("", BUILT_IN),
                vec!["HERO_BASE_URL"],
            ),
            // "locked": false is the same as no lock.
            (
                Some(r#"{"environment": "production", "locked": false}"#),
                user(Some(Staging), &[], ""),
                vars(None, None),
                None,
                (Staging, USER),
                (STAGING_URL, BUILT_IN),
                ("", BUILT_IN),
                vec![],
            ),
        ];
        for (i, (machine_json, user, overrides, flag, env, url, group, refused)) in
            rows.into_iter().enumerate()
        {
            let machine_settings = machine_json.map(machine);
            let got = resolve(Inputs {
                flag,
                overrides: &overrides,
                user: &user,
                machine: machine_settings.as_ref(),
            });
            let row = format!("row {i}: {got:?}");
            assert_eq!((got.environment, got.environment_source), env, "{row}");
            assert_eq!((got.base_url.as_str(), got.base_url_source), url, "{row}");
            assert_eq!(
                (got.practice_group_id.as_str(), got.practice_group_source),
                group,
                "{row}"
            );
            let given: Vec<&str> = got.conflicts.iter().map(|c| c.given.as_str()).collect();
            assert_eq!(given, refused, "{row}");
            let locked = machine_settings.as_ref().is_some_and(|m| m.locked);
            assert_eq!(got.locked_by.is_some(), locked, "{row}");
        }
    }

    #[test]
    fn a_refusal_names_the_file_and_what_it_locked() {
        let it = machine(IT_PROD_LOCKED);
        let got = resolve(Inputs {
            flag: Some(Staging),
            overrides: &Overrides::default(),
            user: &Settings::default(),
            machine: Some(&it),
        });
        assert_eq!(
            got.conflicts[0].to_string(),
            format!(
                "--environment staging can't be used: your practice's IT has set the environment to Production for this computer and locked it ({})",
                it.path.display()
            )
        );
    }

    #[test]
    fn machine_file_fields_are_read() {
        let it = machine(IT_CUSTOM_LOCKED);
        assert_eq!(it.environment, Some(Custom));
        assert_eq!(
            it.base_url.as_ref().map(BaseUrl::as_str),
            Some("https://hero.practice.example")
        );
        assert_eq!(it.practice_group_id, None);
        assert!(it.locked);
        // Names in any case, a BOM from Notepad, and an empty object are fine.
        assert_eq!(
            machine("\u{feff}{\"environment\": \"Production\"}").environment,
            Some(Production)
        );
        assert_eq!(machine("{}").environment, None);
    }

    #[test]
    fn a_missing_machine_file_is_normal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = SettingsFile::in_memory().with_machine_file(dir.path().join("nope.json"));
        assert_eq!(file.load_machine(), Ok(None));
        assert_eq!(SettingsFile::in_memory().load_machine(), Ok(None));
    }

    #[test]
    fn a_bad_machine_file_says_what_is_wrong() {
        for (text, expected) in [
            (
                "{\"environment\": \"production\",}",
                "it is not valid JSON: trailing comma (line 1, column 30)",
            ),
            ("", "it is empty"),
            (
                "{\"enviroment\": \"production\"}",
                "unknown field `enviroment`, expected one of `environment`, `base_url`, `practice_group_id`, `locked` (line 1, column 13)",
            ),
            (
                "{\"environment\": \"prod\"}",
                "\"environment\": \"prod\" is not one of \"staging\", \"production\" or \"custom\"",
            ),
            (
                "{\"environment\": \"demo\"}",
                "\"environment\": \"demo\" can't be set for a practice",
            ),
            (
                "{\"environment\": \"custom\"}",
                "\"environment\" is \"custom\" but there is no \"base_url\"",
            ),
            (
                "{\"environment\": \"custom\", \"base_url\": \"http://hero.example\"}",
                "\"base_url\": The address must start with https://",
            ),
            (
                "{\"environment\": \"production\", \"base_url\": \"https://hero.example\"}",
                "\"base_url\" is only used with \"environment\": \"custom\"",
            ),
            (
                "{\"environment\": \"production\", \"locked\": \"yes\"}",
                "invalid type: string \"yes\", expected a boolean",
            ),
            ("{\"locked\": true}", "there is no \"environment\""),
            (
                "{\"environment\": \"staging\", \"practice_group_id\": \" \"}",
                "\"practice_group_id\" is empty",
            ),
        ] {
            let what = machine_problem(text);
            assert!(what.starts_with(expected), "{text:?} gave {what:?}");
        }
    }

    #[test]
    fn an_unreadable_machine_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A folder where the file should be: unreadable for root too.
        let problem = SettingsFile::in_memory()
            .with_machine_file(dir.path())
            .load_machine()
            .expect_err("a folder is not a settings file");
        assert_eq!(problem.what, "it is a folder, not a file");
    }

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
