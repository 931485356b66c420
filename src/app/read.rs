//! What the window is showing, for the tests, the benchmark and the title bar.

use tokio::runtime::Handle;

use super::{Back, HeroIntakeApp, KeyState, NotReady, Sandbox, Screen, Shown};
use crate::api::Connection;
use crate::config::{Environment, Resolved, Settings};
use crate::screens::intake::shift::ShiftEntry;
use crate::screens::{Notice, batch};
use crate::state::Intake;

impl HeroIntakeApp {
    /// The renderer Settings names.
    pub fn renderer(&self) -> &str {
        &self.desk.renderer
    }

    /// Still reading the keychain or starting the demo server.
    pub fn is_loading(&self) -> bool {
        self.desk.key == KeyState::Loading || self.desk.sandbox == Sandbox::Starting
    }

    /// The last message on the Settings screen, or under the in-place key fix.
    pub fn settings_message(&self) -> Option<&Notice> {
        match &self.shown {
            Shown::Settings { state, .. } => state.message(),
            _ => None,
        }
    }

    /// The problem under the in-place key fix, if any.
    pub fn key_fix_problem(&self) -> Option<&str> {
        self.intake.key_fix_problem()
    }

    /// The imported patient list, if any (also while Settings is open over it).
    pub fn batch(&self) -> Option<&batch::State> {
        match &self.shown {
            Shown::Batch(batch)
            | Shown::Settings {
                back: Back::Batch(batch),
                ..
            } => Some(batch),
            _ => None,
        }
    }

    pub(super) fn batch_mut(&mut self) -> Option<&mut batch::State> {
        match &mut self.shown {
            Shown::Batch(batch)
            | Shown::Settings {
                back: Back::Batch(batch),
                ..
            } => Some(batch),
            _ => None,
        }
    }

    pub(super) fn batch_running(&self) -> bool {
        self.batch().is_some_and(batch::State::is_running)
    }

    /// Why the last list couldn't be imported.
    pub fn list_problem(&self) -> Option<String> {
        self.list_problem.as_ref().map(ToString::to_string)
    }

    /// This shift's list, oldest first.
    pub fn shift(&self) -> &[ShiftEntry] {
        self.intake.shift()
    }

    pub fn screen(&self) -> Screen {
        match self.shown {
            Shown::Welcome => Screen::Welcome,
            Shown::Intake => Screen::Intake,
            Shown::Batch(_) => Screen::Batch,
            Shown::Settings { .. } => Screen::Settings,
        }
    }

    pub fn intake(&self) -> &Intake {
        &self.intake.intake
    }

    /// Who was matched, for the patient registered last.
    pub fn intake_card(&self) -> Option<&crate::screens::intake::card::Card> {
        self.intake.card()
    }

    /// The patients kept while Hero can't be reached.
    pub fn intake_held(&self) -> &crate::held::HeldQueue {
        self.intake.held()
    }

    pub fn settings(&self) -> &Settings {
        &self.desk.settings
    }

    pub fn runtime(&self) -> &Handle {
        &self.desk.runtime
    }

    /// The environment, server and practice group in force, and where each comes from.
    pub fn resolved(&self) -> Resolved {
        self.desk.resolved()
    }

    pub fn environment(&self) -> Environment {
        self.desk.environment()
    }

    /// Where to send, with what: or what is missing.
    pub fn connection(&self) -> Result<Connection, NotReady> {
        self.desk.connection()
    }

    pub fn window_title(&self) -> String {
        format!("Hero Intake — {}", self.environment().label())
    }
}
