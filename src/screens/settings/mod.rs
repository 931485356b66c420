//! Settings: environment, server, practice group, API key, appearance. Opened over the
//! intake or list screen, and back to it on Esc.

mod view;

use super::{Effects, Notice, ToApp};
use crate::api::{ApiError, PracticeGroup};
use crate::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use crate::config::{Environment, ThemeChoice};
use crate::desk::{Desk, KeyState};
use crate::secrets::{ApiKey, KeyStoreError};

/// What the user did on the Settings screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Msg {
    Close,
    SetEnvironment(Environment),
    SaveKey,
    RemoveKey,
    SaveSettings,
    SetTheme(ThemeChoice),
    /// Idle minutes before the matched patient's details hide.
    SetHideDetailsAfter(u32),
    TestConnection,
}

#[derive(Default)]
pub struct State {
    key_text: String,
    message: Option<Notice>,
    /// The proxy requests go through (address only), as shown.
    proxy_note: Option<String>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key being typed is never shown.
        f.debug_struct("settings::State")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl State {
    pub fn open(desk: &Desk) -> Self {
        let mut state = Self::default();
        state.refresh_proxy(desk);
        state
    }

    pub fn message(&self) -> Option<&Notice> {
        self.message.as_ref()
    }

    pub fn say(&mut self, notice: Option<Notice>) {
        self.message = notice;
    }

    /// NO_PROXY may send one environment's server through the proxy and not another.
    pub fn refresh_proxy(&mut self, desk: &Desk) {
        self.proxy_note = crate::api::proxy::describe(&desk.resolved().base_url);
    }

    pub fn update(&mut self, msg: Msg, desk: &mut Desk, fx: &mut Effects) -> Option<ToApp> {
        match msg {
            Msg::Close => {
                self.save(desk);
                return Some(ToApp::CloseSettings);
            }
            Msg::SetEnvironment(environment) => return Some(ToApp::SetEnvironment(environment)),
            Msg::SaveKey => match ApiKey::parse(&self.key_text) {
                Ok(key) => {
                    self.key_text.clear();
                    self.message = Some(Notice::done("Saving…"));
                    desk.worker
                        .save_key(desk.key_store.clone(), desk.environment(), key);
                }
                Err(e) => self.message = Some(Notice::problem(e.to_string())),
            },
            Msg::RemoveKey => desk
                .worker
                .delete_key(desk.key_store.clone(), desk.environment()),
            Msg::SaveSettings => self.save(desk),
            Msg::SetTheme(theme) => {
                desk.settings.theme = theme;
                self.save(desk);
                fx.restyle = true;
            }
            Msg::SetHideDetailsAfter(minutes) => {
                desk.settings.hide_details_after_minutes = minutes;
                self.save(desk);
            }
            Msg::TestConnection => {
                self.save(desk);
                self.message = Some(match desk.connection() {
                    Ok(connection) => match desk.checking_client(connection) {
                        Ok(client) => {
                            desk.worker.check_connection(client);
                            Notice::done("Checking…")
                        }
                        Err(e) => Notice::problem(e.cause()),
                    },
                    Err(problem) => Notice::problem(problem.to_string()),
                });
            }
        }
        None
    }

    fn save(&mut self, desk: &mut Desk) {
        if let Some(notice) = desk.save_settings() {
            self.message = Some(notice);
        }
    }

    pub fn on_connection_checked(&mut self, result: Result<PracticeGroup, ApiError>) {
        self.message = Some(match result {
            Ok(group) => Notice::done(match group.name {
                Some(name) => format!(
                    "Connected: the server address, API key and practice group ID all work ({name})."
                ),
                None => "Connected: the server address, API key and practice group ID all work."
                    .to_owned(),
            }),
            Err(error) => {
                Notice::problem(crate::api::describe_check_failure(&error, &super::WINDOW))
            }
        });
    }

    pub fn on_key_deleted(&mut self, result: &Result<(), KeyStoreError>) {
        self.message = Some(match result {
            Ok(()) => Notice::done("Saved key removed."),
            Err(e) => Notice::problem(format!("{e}: the key was not removed.")),
        });
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, desk: &mut Desk) -> Vec<Msg> {
        let (key_status, key_saved) = desk.key_status();
        let mut overridden_by = Vec::new();
        if desk.overrides.base_url.is_some() {
            overridden_by.push(HERO_BASE_URL);
        }
        if desk.overrides.api_key.is_some() {
            overridden_by.push(HERO_API_KEY);
        }
        if desk.overrides.practice_group_id.is_some() {
            overridden_by.push(HERO_PRACTICE_GROUP_ID);
        }
        let resolved = desk.resolved();
        let problems = desk.file_problems();
        view::show(
            ui,
            view::SettingsView {
                resolved: &resolved,
                machine: desk.machine.as_ref(),
                problems: &problems,
                proxy: self.proxy_note.as_deref(),
                settings: &mut desk.settings,
                key_text: &mut self.key_text,
                key_status,
                key_saved,
                overridden_by,
                message: self.message.as_ref(),
                renderer: &desk.renderer,
            },
        )
    }
}

/// What the keychain's answer to a saved key means: the key to use (if any) and the words.
pub fn key_saved(key: ApiKey, result: Result<(), KeyStoreError>) -> (Option<KeyState>, Notice) {
    match result {
        Ok(()) => (
            Some(KeyState::Saved(key)),
            Notice::done("Key saved in this computer's keychain."),
        ),
        Err(KeyStoreError::Unavailable) => (
            Some(KeyState::SessionOnly(key)),
            Notice::problem(
                "This computer's keychain can't be reached, so the key will be used only until Hero Intake closes. It has NOT been saved.",
            ),
        ),
        Err(KeyStoreError::Rejected) => (
            None,
            Notice::problem("The keychain refused to store this key."),
        ),
    }
}
