//! `HeroIntakeApp`: the eframe app. It routes: worker events and the user's messages go
//! to the screen they belong to; what crosses screens ([`ToApp`]) is decided here.

mod chrome;
mod events;
mod read;
mod type_ahead;

pub use crate::desk::{AppOptions, Desk, KeyState, NotReady, Sandbox, SystemBrowser, UrlOpener};

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use crate::config::Environment;
use crate::screens::{Effects, Notice, ToApp, batch, intake, settings};
use crate::ui;
use crate::worker::{Event, Waker, Worker};

/// Which screen is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Intake,
    Settings,
    Batch,
}

/// The screen shown, holding what only it has: a list screen always has its list.
enum Shown {
    Welcome,
    Intake,
    Batch(Box<batch::State>),
    /// Settings, over the screen Esc goes back to.
    Settings {
        state: settings::State,
        back: Back,
    },
}

enum Back {
    Intake,
    Batch(Box<batch::State>),
}

/// Why the last list wasn't opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum ListProblem {
    #[error("{0}")]
    Load(crate::worker::ListLoadError),
    /// Read while the environment changed: its rows were checked for the other one.
    #[error(
        "The environment changed to {environment} while {file} was being read: open it again (Ctrl+O) so its rows are checked for {environment}. Nothing was sent."
    )]
    EnvironmentChanged {
        file: String,
        environment: Environment,
    },
}

/// The one thing that may stand over every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modal {
    /// The window was asked to close while a list runs or patients are held: ask first.
    ConfirmClose,
    /// Switching environment would lose the held patients: ask first.
    ConfirmSwitch(Environment),
}

/// A message from the user, addressed to whoever handles it.
#[derive(Debug)]
enum Message {
    Intake(intake::Msg),
    Settings(settings::Msg),
    Batch(batch::Msg),
    App(ToApp),
    KeepRunning,
    StopAndClose,
    /// Switch environment, losing the held patients.
    SwitchAndDropHeld(Environment),
}

pub struct HeroIntakeApp {
    desk: Desk,
    events: Receiver<Event>,
    /// The desk's patient: kept while Settings or a list is shown.
    intake: intake::State,
    shown: Shown,
    modal: Option<Modal>,
    /// The user chose to stop a running list and close.
    close_approved: bool,
    /// Why the last list couldn't be imported.
    list_problem: Option<ListProblem>,
    /// True until the first key load decides whether to show the welcome screen.
    starting_up: bool,
    title_shown: String,
    effects: Effects,
    type_ahead: type_ahead::TypeAhead,
}

impl std::fmt::Debug for HeroIntakeApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeroIntakeApp")
            .field("screen", &self.screen())
            .finish_non_exhaustive()
    }
}

impl HeroIntakeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let ctx = cc.egui_ctx.clone();
        let waker: Waker = Arc::new(move || ctx.request_repaint());
        let mut app = Self::with_waker(waker, options);
        app.desk.renderer = chrome::renderer_in_use(cc);
        tracing::info!(renderer = %app.desk.renderer, "drawing the window");
        ui::apply_appearance(&cc.egui_ctx, &app.desk.settings);
        app
    }

    pub fn with_waker(waker: Waker, options: AppOptions) -> Self {
        let (worker, events) = Worker::new(options.runtime.clone(), waker);
        let initial_list = options.initial_list.clone();
        let mut desk = Desk::new(options, worker);
        let starting_up = desk.prepare_environment();
        if let Some(path) = initial_list {
            desk.worker
                .load_list(path, desk.environment().test_numbers());
        }
        let mut effects = Effects::default();
        effects.focus(intake::form::nhs_field_id());
        Self {
            desk,
            events,
            intake: intake::State::default(),
            shown: Shown::Intake,
            modal: None,
            close_approved: false,
            list_problem: None,
            starting_up,
            title_shown: String::new(),
            effects,
            type_ahead: type_ahead::TypeAhead::default(),
        }
    }

    fn dispatch(&mut self, message: Message) {
        let (desk, fx) = (&mut self.desk, &mut self.effects);
        let to_app = match message {
            Message::Intake(msg) => self.intake.update(msg, desk, fx),
            Message::Settings(msg) => match &mut self.shown {
                Shown::Settings { state, .. } => state.update(msg, desk, fx),
                _ => None,
            },
            Message::Batch(msg) => match &mut self.shown {
                Shown::Batch(batch) => batch.update(msg, desk, fx),
                _ => None,
            },
            Message::App(to_app) => Some(to_app),
            Message::KeepRunning => {
                self.modal = None;
                None
            }
            Message::StopAndClose => {
                if let Some(batch) = self.batch() {
                    batch.cancel();
                }
                self.intake.drop_held();
                self.modal = None;
                self.close_approved = true;
                None
            }
            Message::SwitchAndDropHeld(environment) => {
                self.modal = None;
                self.intake.drop_held();
                Some(ToApp::SetEnvironment(environment))
            }
        };
        if let Some(to_app) = to_app {
            self.apply(to_app);
        }
    }

    fn apply(&mut self, to_app: ToApp) {
        match to_app {
            ToApp::OpenSettings => self.open_settings(None),
            ToApp::CloseSettings => self.close_settings(),
            ToApp::SetEnvironment(environment) => {
                let notice = match self.set_environment(environment) {
                    Ok(notice) => notice,
                    Err(why) => Some(Notice::Problem(why)),
                };
                if let Shown::Settings { state, .. } = &mut self.shown {
                    state.say(notice);
                    state.refresh_proxy(&self.desk);
                }
            }
            ToApp::TryDemo => match self.set_environment(Environment::Demo) {
                Ok(_) => {
                    self.shown = Shown::Intake;
                    self.effects.focus(intake::form::nhs_field_id());
                }
                // Locked by IT: say why where the key is entered.
                Err(why) => self.open_settings(Some(Notice::Problem(why))),
            },
            ToApp::ImportList => {
                if !self.batch_running() {
                    self.desk.worker.pick_list(
                        self.desk.file_picker.clone(),
                        self.environment().test_numbers(),
                    );
                }
            }
            ToApp::CloseBatch => {
                if matches!(self.shown, Shown::Batch(_)) && !self.batch_running() {
                    self.shown = Shown::Intake;
                    self.effects.focus(intake::form::nhs_field_id());
                }
            }
        }
    }

    fn open_settings(&mut self, notice: Option<Notice>) {
        let back = match std::mem::replace(&mut self.shown, Shown::Intake) {
            Shown::Batch(batch) => Back::Batch(batch),
            Shown::Settings { state, back } => {
                self.shown = Shown::Settings { state, back };
                return;
            }
            Shown::Welcome | Shown::Intake => Back::Intake,
        };
        let mut state = settings::State::open(&self.desk);
        state.say(notice);
        self.shown = Shown::Settings { state, back };
    }

    fn close_settings(&mut self) {
        match std::mem::replace(&mut self.shown, Shown::Intake) {
            Shown::Settings {
                back: Back::Batch(batch),
                ..
            } => self.shown = Shown::Batch(batch),
            Shown::Settings { .. } => self.effects.focus(intake::form::nhs_field_id()),
            other => self.shown = other,
        }
    }

    /// Switches environment, unless IT locked it or something is being sent (then why
    /// not). A notice when saving the choice failed.
    fn set_environment(&mut self, environment: Environment) -> Result<Option<Notice>, String> {
        if let Some(why) = self.desk.environment_lock() {
            return Err(why);
        }
        if self.intake.intake.is_busy() {
            return Err(
                "Wait for the current patient to finish (or cancel it) before changing environment."
                    .to_owned(),
            );
        }
        if self.batch_running() {
            return Err("Wait for the list to finish (or cancel it) before changing environment: its patients go to the environment it started in.".to_owned());
        }
        if !self.intake.held().is_empty() && environment != self.environment() {
            // Held patients go only where they were typed for: ask before losing them.
            self.modal = Some(Modal::ConfirmSwitch(environment));
            return Ok(None);
        }
        self.starting_up = false;
        self.intake.forget_patient();
        Ok(self.desk.switch_environment(environment))
    }
}
