//! Worker events, each to the screen (or the shared desk) it is for.

use super::{HeroIntakeApp, KeyState, ListProblem, Sandbox, Shown};
use crate::screens::{batch, settings};
use crate::worker::Event;

impl HeroIntakeApp {
    pub(super) fn on_event(&mut self, event: Event) {
        let (desk, fx) = (&mut self.desk, &mut self.effects);
        match event {
            Event::Progress { id, progress } => self.intake.on_progress(id, progress),
            Event::Finished { id, result } => {
                desk.note_answer(result.as_ref().err());
                self.intake.on_finished(id, result, desk, fx);
            }
            Event::PatientRead { read_for, result } => {
                self.intake.on_patient_read(read_for, result);
            }
            Event::OutreachLists { environment, lists } => {
                desk.on_outreach_lists(environment, *lists);
            }
            Event::MessageSent { id, result } => {
                desk.note_answer(result.as_ref().err());
                self.intake.on_message_sent(id, result);
            }
            Event::LinkCreated { id, result } => {
                desk.note_answer(result.as_ref().err());
                self.intake.on_link_created(id, result, desk);
            }
            Event::HeldProbed(answer) => {
                desk.note_answer(answer.as_ref().err());
                self.intake.on_held_probed(answer, desk);
            }
            Event::HeldSent { id, result } => {
                desk.note_answer(result.as_ref().err());
                self.intake.on_held_sent(id, result, desk);
            }
            Event::ConnectionChecked(result) => {
                desk.note_answer(result.as_ref().err());
                if result.is_ok() {
                    desk.note_connection_checked();
                }
                if let Shown::Settings { state, .. } = &mut self.shown {
                    state.on_connection_checked(result);
                }
            }
            Event::KeyLoaded {
                environment,
                result,
            } => self.on_key_loaded(environment, result),
            Event::KeySaved {
                environment,
                key,
                result,
            } => {
                if environment != desk.environment() {
                    return;
                }
                let (key, notice) = settings::key_saved(key, result);
                let usable = key.is_some();
                if let Some(key) = key {
                    desk.key = key;
                    self.intake.held_key_changed();
                }
                if self.intake.awaits_key_save() {
                    self.intake.on_key_saved(usable, notice, desk, fx);
                } else if let Shown::Settings { state, .. } = &mut self.shown {
                    state.say(Some(notice));
                }
            }
            Event::KeyDeleted {
                environment,
                result,
            } => {
                if environment != desk.environment() {
                    return;
                }
                if result.is_ok() {
                    desk.key = KeyState::Missing;
                }
                if let Shown::Settings { state, .. } = &mut self.shown {
                    state.on_key_deleted(&result);
                }
            }
            Event::ListLoaded(Ok((name, list))) => self.open_list(name, list),
            Event::ListLoaded(Err(problem)) => self.list_problem = Some(ListProblem::Load(problem)),
            Event::Batch(update) => {
                if let Some(batch) = self.batch_mut() {
                    batch.on_update(update);
                }
            }
            Event::BatchFinished(summary) => {
                if let Some(batch) = self.batch_mut() {
                    batch.on_finished(summary);
                }
            }
            Event::ResultsSaved(saved) => {
                if let (Some(batch), Some(saved)) = (self.batch_mut(), saved) {
                    batch.on_saved(saved);
                }
            }
            Event::SandboxStarted(result) => {
                desk.sandbox = match result {
                    Ok(url) => Sandbox::Running(url),
                    Err(why) => Sandbox::Failed(why),
                };
            }
        }
    }

    fn on_key_loaded(
        &mut self,
        environment: crate::config::Environment,
        result: Result<Option<crate::secrets::ApiKey>, crate::secrets::KeyStoreError>,
    ) {
        let desk = &mut self.desk;
        // A key saved (or removed) while this load was under way wins over it.
        if environment != desk.environment()
            || desk.overrides.api_key.is_some()
            || desk.key != KeyState::Loading
        {
            return;
        }
        desk.key = match result {
            Ok(Some(key)) => KeyState::Saved(key),
            Ok(None) => KeyState::Missing,
            Err(_) => KeyState::Unavailable,
        };
        // Offer the welcome only if the user hasn't gone anywhere yet.
        if std::mem::take(&mut self.starting_up)
            && matches!(self.shown, Shown::Intake)
            && !matches!(desk.key, KeyState::Saved(_))
        {
            self.shown = Shown::Welcome;
        }
    }

    fn open_list(&mut self, name: String, list: crate::batch::BatchList) {
        if self.batch_running() {
            return;
        }
        // Read while the environment changed (say, to Production): its rows were
        // checked for the other one, so it is not offered for sending.
        let environment = self.environment();
        if list.test_numbers != environment.test_numbers() {
            self.list_problem = Some(ListProblem::EnvironmentChanged {
                file: name,
                environment,
            });
            return;
        }
        self.list_problem = None;
        if matches!(self.shown, Shown::Settings { .. }) {
            self.close_settings();
        }
        self.shown = Shown::Batch(Box::new(batch::State::new(name, list)));
    }
}
