//! What every screen shares: the injected services, the settings, the API key, the
//! demo server and the connection they make. Screens borrow it; only the app owns it.
//! It sits below both, so only the app (the router) knows every screen.

mod options;
mod outreach;

pub use options::{AppOptions, SystemBrowser, UrlOpener};
pub use outreach::{Fetched, Outreach};

use std::sync::Arc;

use tokio::runtime::Handle;

use crate::api::{Connection, HeroClient, RetryPolicy, Timeouts};
use crate::config::env_vars::HERO_API_KEY;
use crate::config::{
    BaseUrl, ConnectionProblem, Environment, FileProblem, KeyOnHand, MachineSettings, Overrides,
    Resolved, Settings, SettingsFile, Source, WhichFile,
};
use crate::files::FilePicker;
use crate::secrets::{ApiKey, KeyStore};
use crate::worker::Worker;

/// A line of feedback under a screen's controls: it went well, or what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Done(String),
    Problem(String),
}

impl Notice {
    pub fn done(text: impl Into<String>) -> Self {
        Self::Done(text.into())
    }

    pub fn problem(text: impl Into<String>) -> Self {
        Self::Problem(text.into())
    }

    pub fn text(&self) -> &str {
        match self {
            Self::Done(text) | Self::Problem(text) => text,
        }
    }

    pub fn is_problem(&self) -> bool {
        matches!(self, Self::Problem(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeyState {
    Loading,
    Missing,
    Saved(ApiKey),
    /// Typed while the keychain was unavailable: used until the app closes, not saved.
    SessionOnly(ApiKey),
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Sandbox {
    NotStarted,
    Starting,
    Running(BaseUrl),
    Failed(std::io::ErrorKind),
}

/// Why nothing can be sent yet: the demo server isn't up, or `config::connection`'s
/// reason. Displayed in the window's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    DemoStarting,
    DemoFailed(std::io::ErrorKind),
    Connection(ConnectionProblem),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ConnectionProblem as P;
        match self {
            Self::DemoStarting => write!(f, "The demo server is starting…"),
            Self::DemoFailed(why) => write!(f, "The demo server couldn't start: {why}"),
            Self::Connection(P::Conflict(conflict)) => {
                write!(f, "{conflict}. Nothing is sent until it is removed.")
            }
            Self::Connection(P::BaseUrl {
                from: Source::Variable(variable),
                error,
            }) => write!(f, "{variable} is not usable: {error}"),
            Self::Connection(P::BaseUrl { error, .. }) => {
                write!(f, "Server address in Settings: {error}")
            }
            Self::Connection(P::KeyVariable(error)) => {
                write!(f, "{HERO_API_KEY} is not usable: {error}")
            }
            Self::Connection(P::KeyLoading) => write!(f, "Reading the API key from the keychain…"),
            Self::Connection(P::KeychainUnavailable) => write!(
                f,
                "This computer's keychain can't be reached: enter the API key in Settings to use it for this session."
            ),
            Self::Connection(P::NoKey(environment)) => write!(
                f,
                "There is no API key for {environment} yet: add it in Settings."
            ),
            Self::Connection(P::NoPracticeGroup) => {
                write!(f, "Enter the practice group ID in Settings.")
            }
        }
    }
}

pub struct Desk {
    pub runtime: Handle,
    pub key_store: Arc<dyn KeyStore>,
    settings_file: SettingsFile,
    pub opener: Arc<dyn UrlOpener>,
    pub overrides: Overrides,
    timeouts: Timeouts,
    retry: RetryPolicy,
    pub file_picker: Arc<dyn FilePicker>,
    pub worker: Worker,

    pub settings: Settings,
    /// What the practice's IT set for this computer (the machine-wide file).
    pub machine: Option<MachineSettings>,
    /// Settings files that exist but can't be used: shown until the app closes.
    file_problems: Vec<FileProblem>,
    pub key: KeyState,
    pub sandbox: Sandbox,
    client: Option<HeroClient>,
    /// Which renderer draws the window, for Settings (support staff ask).
    pub renderer: String,
    /// Servers that have answered in this session (their base URLs).
    answered: std::collections::HashSet<String>,
    /// The appointment types, locations and practice name, once read.
    outreach: Option<Outreach>,
    messaging: crate::config::Messaging,
}

impl Desk {
    pub fn new(options: AppOptions, worker: Worker) -> Self {
        let (settings, user_problem) = options.settings_file.load_checked();
        let (machine, machine_problem) = match options.settings_file.load_machine() {
            Ok(machine) => (machine, None),
            Err(problem) => (None, Some(problem)),
        };
        let messaging = crate::config::messaging(machine.as_ref(), &settings);
        Self {
            runtime: options.runtime,
            key_store: options.key_store,
            settings_file: options.settings_file,
            opener: options.opener,
            overrides: options.overrides,
            timeouts: options.timeouts,
            retry: options.retry,
            file_picker: options.file_picker,
            worker,
            settings,
            machine,
            file_problems: machine_problem.into_iter().chain(user_problem).collect(),
            key: KeyState::Loading,
            sandbox: Sandbox::NotStarted,
            client: None,
            renderer: "not known".to_owned(),
            answered: std::collections::HashSet::new(),
            outreach: None,
            messaging,
        }
    }

    /// Notes that the server in use answered, when `error` (if any) came from it.
    pub fn note_answer(&mut self, error: Option<&crate::api::ApiError>) {
        let answered = error.is_none_or(|e| {
            e.status().is_some()
                || matches!(
                    e,
                    crate::api::ApiError::BadResponse { .. }
                        | crate::api::ApiError::Redirected
                        | crate::api::ApiError::NotHeroApi
                )
        });
        if answered {
            self.answered.insert(self.resolved().base_url);
        }
    }

    /// Where a patient typed now would be sent: the environment, server and practice
    /// group in force (None while nothing can be sent).
    pub fn destination(&self) -> Option<crate::held::Destination> {
        let connection = self.connection().ok()?;
        Some(crate::held::Destination {
            environment: self.environment(),
            server: connection.base_url.as_str().to_owned(),
            practice_group: connection.practice_group_id,
        })
    }

    /// Whether the server in use has answered before: then a connection that fails is
    /// Hero being down, not a wrong address.
    pub fn hero_answered_before(&self) -> bool {
        let server = self.resolved().base_url;
        self.answered.contains(&server)
            || self.settings.last_checked_server.as_ref() == Some(&server)
    }

    /// Test connection passed: remembered between sessions.
    pub fn note_connection_checked(&mut self) {
        let server = self.resolved().base_url;
        if self.settings.last_checked_server.as_ref() != Some(&server) {
            self.settings.last_checked_server = Some(server);
            let _ = self.save_settings();
        }
    }

    /// The environment, server and practice group in force, and where each comes from.
    pub fn resolved(&self) -> Resolved {
        crate::config::resolve(crate::config::Inputs {
            flag: None,
            overrides: &self.overrides,
            user: &self.settings,
            machine: self.machine.as_ref(),
        })
    }

    /// The environment in force: `HERO_BASE_URL` makes it a custom server; IT's lock wins.
    pub fn environment(&self) -> Environment {
        self.resolved().environment
    }

    pub fn is_demo(&self) -> bool {
        self.environment() == Environment::Demo
    }

    /// Settings files that can't be used, in words for the window.
    pub fn file_problems(&self) -> Vec<String> {
        self.file_problems
            .iter()
            .map(|p| format!("{p}. {}", p.consequence()))
            .collect()
    }

    /// Loads what the current environment needs: its key, or the demo server. True when
    /// the key is being read from the keychain (the answer comes as an event).
    pub fn prepare_environment(&mut self) -> bool {
        let environment = self.environment();
        self.client = None;
        if environment == Environment::Demo {
            self.key = KeyState::Missing;
            if matches!(self.sandbox, Sandbox::NotStarted | Sandbox::Failed(_)) {
                self.sandbox = Sandbox::Starting;
                self.worker.start_sandbox();
            }
            false
        } else if self.overrides.api_key.is_some() {
            self.key = KeyState::Missing;
            false
        } else {
            self.key = KeyState::Loading;
            self.worker.load_key(self.key_store.clone(), environment);
            true
        }
    }

    /// Where to send, with what: or what is missing.
    pub fn connection(&self) -> Result<Connection, NotReady> {
        if self.environment() == Environment::Demo {
            return match &self.sandbox {
                Sandbox::Running(base_url) => Ok(crate::sandbox::demo_connection(base_url.clone())),
                Sandbox::Failed(why) => Err(NotReady::DemoFailed(*why)),
                _ => Err(NotReady::DemoStarting),
            };
        }
        let key = match (&self.overrides.api_key, &self.key) {
            (Some(text), _) => KeyOnHand::Variable(text.clone()),
            (None, KeyState::Saved(key) | KeyState::SessionOnly(key)) => {
                KeyOnHand::Key(key.clone())
            }
            (None, KeyState::Loading) => KeyOnHand::Loading,
            (None, KeyState::Unavailable) => KeyOnHand::KeychainUnavailable,
            (None, KeyState::Missing) => KeyOnHand::Missing,
        };
        crate::config::connection(&self.resolved(), key).map_err(NotReady::Connection)
    }

    /// The client for single registrations and lists, reused (with its connections)
    /// while the connection is unchanged.
    pub fn client(&mut self, connection: Connection) -> Result<HeroClient, crate::api::ApiError> {
        if let Some(client) = &self.client
            && client.connection() == &connection
        {
            return Ok(client.clone());
        }
        let client = HeroClient::with_options(connection, self.timeouts, self.retry)?;
        self.client = Some(client.clone());
        Ok(client)
    }

    /// A client that tries once: the connection check says at once what is wrong.
    pub fn checking_client(
        &self,
        connection: Connection,
    ) -> Result<HeroClient, crate::api::ApiError> {
        HeroClient::with_options(connection, self.timeouts, RetryPolicy::none())
    }

    /// Saves the settings. A notice when that failed, or when it replaced the user's
    /// unreadable file.
    pub fn save_settings(&mut self) -> Option<Notice> {
        if let Err(e) = self.settings_file.save(&self.settings) {
            tracing::warn!(error = %e, "settings not saved");
            return Some(Notice::problem(
                "Settings couldn't be saved to disk; they apply until Hero Intake closes.",
            ));
        }
        // The user's unreadable file has just been replaced (and kept as settings.json.bad).
        let before = self.file_problems.len();
        self.file_problems.retain(|p| p.file != WhichFile::User);
        (self.file_problems.len() < before).then(|| {
            Notice::done(
                "Settings saved. The unreadable settings file was kept beside it as settings.json.bad.",
            )
        })
    }

    /// Why the environment can't be changed here (IT locked it), if it can't.
    pub fn environment_lock(&self) -> Option<String> {
        self.resolved().locked_by.map(|path| {
            format!(
                "Your practice's IT has set this computer to {} and locked it ({}): it can't be changed here.",
                self.environment().label(),
                path.display()
            )
        })
    }

    /// Switches environment and loads what it needs.
    pub fn switch_environment(&mut self, environment: Environment) -> Option<Notice> {
        self.settings.environment = Some(environment);
        let notice = self.save_settings();
        self.prepare_environment();
        notice
    }

    /// One line on where the key for this environment comes from, and whether one is in use.
    pub fn key_status(&self) -> (String, bool) {
        let environment = self.environment();
        if self.overrides.api_key.is_some() {
            return (
                format!("Using the key from {HERO_API_KEY} on this computer."),
                true,
            );
        }
        match &self.key {
            KeyState::Loading => ("Reading the keychain…".into(), false),
            KeyState::Missing => (format!("No key saved for {environment}."), false),
            KeyState::Saved(_) => (
                format!("A key for {environment} is saved in this computer's keychain."),
                true,
            ),
            KeyState::SessionOnly(_) => (
                "A key is in use for this session only: it is NOT saved (the keychain can't be reached).".into(),
                false,
            ),
            KeyState::Unavailable => (
                "This computer's keychain can't be reached. A key entered here is used for this session only.".into(),
                false,
            ),
        }
    }
}
