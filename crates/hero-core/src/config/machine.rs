//! The machine-wide settings file from the practice's IT: where it is, reading and
//! checking it, writing it for installers, and whether it locks the settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::messaging::MessagingFile;
use super::settings::{describe_io, parse_json};
use super::{BaseUrl, Environment, FileProblem, SettingsFile, WhichFile};

/// The machine-wide file IT writes: `/etc/hero-intake/settings.json` (Linux),
/// `%ProgramData%\Hero Intake\settings.json` (Windows),
/// `/Library/Application Support/Hero Intake/settings.json` (macOS).
pub fn standard_machine_file() -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os(super::env_vars::HERO_INTAKE_MACHINE_SETTINGS) {
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    practice_name: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    allow_messages_to_restricted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    write_to_record: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    appointment_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    templates: BTreeMap<String, String>,
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
        practice_name: None,
        allow_messages_to_restricted: false,
        write_to_record: None,
        appointment_type: None,
        location: None,
        templates: BTreeMap::new(),
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
    /// user, a flag or a variable (nor the messaging settings by the user's file).
    pub locked: bool,
    /// Whether the desk may message a PDS restricted record at all (default: no).
    pub allow_messages_to_restricted: bool,
    /// The practice name, defaults and templates IT set (`config::messaging`).
    pub messaging: MessagingFile,
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
        let messaging = MessagingFile::check(
            self.practice_name.as_deref(),
            self.write_to_record,
            self.appointment_type.as_deref(),
            self.location.as_deref(),
            &self.templates,
        )?;
        Ok(MachineSettings {
            path: path.to_owned(),
            environment,
            base_url,
            practice_group_id,
            locked: self.locked,
            allow_messages_to_restricted: self.allow_messages_to_restricted,
            messaging,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use Environment::{Custom, Production};

    pub(in crate::config) fn machine(json: &str) -> MachineSettings {
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

    pub(in crate::config) const IT_PROD: &str =
        r#"{"environment": "production", "practice_group_id": "pg-it"}"#;
    pub(in crate::config) const IT_PROD_LOCKED: &str =
        r#"{"environment": "production", "practice_group_id": "pg-it", "locked": true}"#;
    pub(in crate::config) const IT_CUSTOM: &str = r#"{"environment": "custom", "base_url": "https://hero.practice.example", "practice_group_id": "pg-it"}"#;
    pub(in crate::config) const IT_CUSTOM_LOCKED: &str =
        r#"{"environment": "custom", "base_url": "https://hero.practice.example", "locked": true}"#;

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
                "unknown field `enviroment`, expected one of `environment`, `base_url`, `practice_group_id`, `locked`, `practice_name`, `allow_messages_to_restricted`, `write_to_record`, `appointment_type`, `location`, `templates` (line 1, column 13)",
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
            (
                "{\"templates\": {\"reminder\": \"Hi {name}\"}}",
                "The template \"reminder\" uses {name}, which Hero Intake doesn't know",
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
}
