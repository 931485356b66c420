//! `resolve`: which environment, server and practice group are in force, from the
//! flag, the environment variables (`Overrides`, which also carry the API key) and the
//! two settings files.

use std::path::PathBuf;

use thiserror::Error;

use super::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use super::{BaseUrl, Environment, MachineSettings, Settings};

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
        (None, Some(_)) => (Environment::Custom, Source::Variable(HERO_BASE_URL)),
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
            (Some(url), _, _) => (url.clone(), Source::Variable(HERO_BASE_URL)),
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
        (Some(id), _) => (id.clone(), Source::Variable(HERO_PRACTICE_GROUP_ID)),
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
            conflicts.push(conflict(HERO_BASE_URL.into(), "server", locked_value));
        }
    }
    let (practice_group_id, practice_group_source) = match &machine.practice_group_id {
        Some(id) => {
            if let Some(given) = &overrides.practice_group_id
                && given != id
            {
                conflicts.push(conflict(
                    HERO_PRACTICE_GROUP_ID.into(),
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
            api_key: var(HERO_API_KEY),
            practice_group_id: var(HERO_PRACTICE_GROUP_ID),
            base_url: var(HERO_BASE_URL),
        }
    }
}

#[cfg(test)]
mod tests;
