//! The intake screen: the form, what came back, the in-place key fix and this shift's
//! list. Its state outlives visits to Settings and lists: the desk's patient stays.

pub mod card;
pub mod form;
pub mod held;
pub mod key_fix;
pub mod next_step;
pub mod result;
pub mod shift;
mod steps;

use std::time::Instant;

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use super::{Effects, Notice, ToApp};
use crate::api::{ApiError, Registration, RequestField};
use crate::demo::{DEMO_NAMED_PATIENTS, DEMO_PATIENTS};
use crate::desk::Desk;
use crate::state::{Command, Intake, Phase, RequestId};
use crate::worker::ReadFor;
use key_fix::KeyFix;
use shift::ShiftEntry;

const COPY_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::C);
const OPEN_AGAIN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::L);
const MESSAGE_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::M);
const INVITE_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::B);
const CHECKED_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::K);

/// What the user did on the intake screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Msg {
    Submit,
    Cancel,
    NextPatient,
    CopyResult,
    OpenAgain,
    UseDemoPatient(usize),
    /// Fill the form with a demo patient for the trace by name and postcode.
    UseDemoNamedPatient(usize),
    OpenKeyFix,
    SaveKeyAndResend,
    OpenSettings,
    CopyText(String),
    OpenLink(String),
    ClearShift,
    ToggleShift,
    /// The next steps on a registered patient's card.
    OpenMessage,
    OpenInvite,
    /// "Checked with the patient": the details that differ were confirmed.
    Acknowledge,
    UseTemplate(String),
    SendMessage,
    CreateLink,
    SendInvite,
    CloseNextStep,
    /// Try the held patients now, without waiting.
    TryHeldNow,
    RemoveHeld(crate::held::HeldId),
}

#[derive(Debug)]
pub struct State {
    pub intake: Intake,
    /// Show messages for empty fields too (after the user pressed Enter).
    show_all_errors: bool,
    /// Open when Hero rejected the key and the user chose to fix it in place.
    key_fix: Option<KeyFix>,
    shift: Vec<ShiftEntry>,
    show_shift: bool,
    /// Patients kept while Hero can't be reached.
    held: crate::held::HeldQueue,
    /// "Hero is back: …", said once.
    back_notice: Option<String>,
    /// Who was matched, for the patient registered last.
    card: Option<card::Card>,
    /// The last key or click: the card hides after a few idle minutes.
    last_input: Instant,
    /// A message or invitation being prepared for the patient on the card.
    next_step: Option<next_step::NextStep>,
    /// The receptionist checked the details that differ with the patient.
    acknowledged: bool,
    /// A next step just opened: bring it into view below the card.
    scroll_to_step: bool,
    next_step_id: RequestId,
    /// What was typed for desk patients being read back: their checks reach the shift
    /// list even when the card is gone (Esc before the answer).
    desk_reads: std::collections::HashMap<RequestId, crate::patient::PatientQuery>,
    /// The card hid itself after the idle minutes: it stays hidden until the next patient.
    card_hidden: bool,
    /// What was typed for held patients being read back, to compare with Hero's record.
    held_reads: std::collections::HashMap<crate::held::HeldId, crate::patient::PatientQuery>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            intake: Intake::default(),
            show_all_errors: false,
            key_fix: None,
            shift: Vec::new(),
            show_shift: true,
            held: crate::held::HeldQueue::default(),
            back_notice: None,
            card: None,
            last_input: Instant::now(),
            held_reads: std::collections::HashMap::new(),
            desk_reads: std::collections::HashMap::new(),
            card_hidden: false,
            next_step: None,
            acknowledged: false,
            scroll_to_step: false,
            next_step_id: 1,
        }
    }
}

impl State {
    /// This shift's list, oldest first.
    pub fn shift(&self) -> &[ShiftEntry] {
        &self.shift
    }

    pub fn shift_shown(&self) -> bool {
        self.show_shift
    }

    /// The problem shown under the in-place key fix, if any.
    pub fn key_fix_problem(&self) -> Option<&str> {
        self.key_fix.as_ref()?.problem.as_deref()
    }

    /// Whether the key fix is waiting for the keychain to save its key.
    pub fn awaits_key_save(&self) -> bool {
        self.key_fix.as_ref().is_some_and(|fix| fix.awaiting_save)
    }

    /// The screen's own shortcuts (Esc is the app's: it depends on the screen shown).
    pub fn shortcuts(&self, input: &mut egui::InputState) -> Vec<Msg> {
        let mut messages = Vec::new();
        if input.consume_shortcut(&OPEN_AGAIN_SHORTCUT) {
            messages.push(Msg::OpenAgain);
        }
        if self.card.is_some() {
            for (shortcut, msg) in [
                (MESSAGE_SHORTCUT, Msg::OpenMessage),
                (INVITE_SHORTCUT, Msg::OpenInvite),
                (CHECKED_SHORTCUT, Msg::Acknowledge),
            ] {
                if input.consume_shortcut(&shortcut) {
                    messages.push(msg);
                }
            }
        }

        let copy_event = input.events.iter().any(|e| matches!(e, egui::Event::Copy));
        if matches!(
            self.intake.phase(),
            Phase::Registered { .. } | Phase::VerificationRequired { .. }
        ) && (input.consume_shortcut(&COPY_SHORTCUT) || copy_event)
        {
            messages.push(Msg::CopyResult);
        }
        messages
    }

    /// Esc: back out of a next step, cancel what is being sent, or start the next patient.
    pub fn escape(&self) -> Msg {
        if self.next_step.is_some() {
            Msg::CloseNextStep
        } else if self.intake.is_busy() {
            Msg::Cancel
        } else {
            Msg::NextPatient
        }
    }

    pub fn update(&mut self, msg: Msg, desk: &mut Desk, fx: &mut Effects) -> Option<ToApp> {
        match msg {
            Msg::Submit => {
                // Enter on a result shown changes nothing: the card stays.
                if self.intake.is_editable() {
                    self.back_notice = None;
                    self.card = None;
                    self.next_step = None;
                    self.acknowledged = false;
                    self.submit(desk, fx);
                }
            }
            Msg::Cancel => {
                if let Some(command) = self.intake.cancel() {
                    self.run(command, desk, fx);
                    fx.focus(form::nhs_field_id());
                }
            }
            Msg::NextPatient => {
                if self.intake.next_patient() {
                    self.back_notice = None;
                    self.card = None;
                    self.next_step = None;
                    self.acknowledged = false;
                    self.key_fix = None;
                    self.show_all_errors = false;
                    fx.focus(form::nhs_field_id());
                }
            }
            Msg::CopyResult => {
                if let Some(command) = self.intake.copy_patient_id() {
                    self.run(command, desk, fx);
                }
            }
            Msg::OpenAgain => {
                if let Some(command) = self.intake.open_again() {
                    self.run(command, desk, fx);
                }
            }
            Msg::UseDemoPatient(index) => {
                if let Some(patient) = DEMO_PATIENTS.get(index)
                    && self.intake.next_patient()
                {
                    self.intake.nhs_text = patient.nhs_number.to_owned();
                    self.intake.dob_text = patient.dob.to_owned();
                    fx.focus(form::nhs_field_id());
                }
            }
            Msg::UseDemoNamedPatient(index) => {
                if let Some(patient) = DEMO_NAMED_PATIENTS.get(index)
                    && self.intake.next_patient()
                {
                    self.intake.dob_text = patient.dob.to_owned();
                    self.intake.forename_text = patient.forename.to_owned();
                    self.intake.surname_text = patient.surname.to_owned();
                    self.intake.postcode_text = patient.postcode.to_owned();
                    fx.focus(form::field_id(RequestField::Postcode));
                }
            }
            Msg::OpenKeyFix => {
                self.key_fix = Some(KeyFix::for_connection(&desk.resolved()));
                fx.focus(key_fix::field_id());
            }
            Msg::SaveKeyAndResend => self.save_key_and_resend(desk, fx),
            Msg::OpenSettings => return Some(ToApp::OpenSettings),
            Msg::CopyText(text) => fx.copy(text),
            Msg::OpenLink(url) => {
                if crate::state::is_safe_login_url(&url, desk.is_demo())
                    && let Err(why) = desk.opener.open(&url)
                {
                    tracing::warn!(%why, "link from the shift list not opened");
                }
            }
            Msg::ClearShift => self.shift.clear(),
            Msg::ToggleShift => self.show_shift = !self.show_shift,
            Msg::OpenMessage
            | Msg::OpenInvite
            | Msg::Acknowledge
            | Msg::UseTemplate(_)
            | Msg::SendMessage
            | Msg::CreateLink
            | Msg::SendInvite
            | Msg::CloseNextStep => self.next_step_update(msg, desk, fx),
            Msg::TryHeldNow => self.held.try_now(Instant::now()),
            Msg::RemoveHeld(id) => {
                let _ = self.held.remove(id);
            }
        }
        None
    }

    fn submit(&mut self, desk: &mut Desk, fx: &mut Effects) {
        if desk.connection().is_err() {
            self.show_all_errors = true;
            return;
        }
        match self
            .intake
            .submit(desk.environment(), crate::patient::today())
        {
            Some(command) => {
                self.show_all_errors = false;
                self.run(command, desk, fx);
            }
            None if self.intake.is_editable() => {
                self.show_all_errors = true;
                // Enter took the focus out of its field: put it where the form needs
                // correcting, so keys typed on after it are not lost.
                let check = self
                    .intake
                    .check(desk.environment(), crate::patient::today());
                if let Some(field) = check.first_problem() {
                    fx.focus(form::field_id(field));
                }
            }
            None => {}
        }
    }

    fn run(&mut self, command: Command, desk: &mut Desk, fx: &mut Effects) {
        match command {
            Command::Register { id, query } => match desk.connection() {
                Ok(connection) => match desk.client(connection) {
                    Ok(client) => desk.worker.register(id, client, query),
                    Err(error) => self.finish_at_once(id, error),
                },
                // `submit` has just checked it; say what is missing rather than fail vaguely.
                Err(problem) => self.intake.not_sent(id, &problem.to_string()),
            },
            Command::Cancel { id } => desk.worker.cancel(id),
            Command::OpenUrl(url) => {
                let result = desk.opener.open(&url);
                self.intake.record_opened(result);
            }
            Command::CopyText(text) => fx.copy(text),
        }
    }

    fn finish_at_once(&mut self, id: RequestId, error: ApiError) {
        let _ = self.intake.on_finished(id, Err(error));
    }

    pub fn on_progress(&mut self, id: RequestId, progress: crate::api::Progress) {
        self.intake.on_progress(id, progress, Instant::now());
    }

    pub fn on_finished(
        &mut self,
        id: RequestId,
        result: Result<Registration, ApiError>,
        desk: &mut Desk,
        fx: &mut Effects,
    ) {
        if let Err(error) = &result
            && self.hold_if_curable(id, error, desk, fx)
        {
            return;
        }
        let entry = shift::entry(&self.intake, &result, desk.is_demo());
        let was_current = self.intake.is_busy();
        let registered = match &result {
            Ok(Registration::Registered { patient_id }) => Some(patient_id.clone()),
            _ => None,
        };
        if let Some(command) = self.intake.on_finished(id, result) {
            self.run(command, desk, fx);
        }
        if was_current && !self.intake.is_busy() {
            self.shift
                .extend(entry.map(|e| e.read_for(ReadFor::Desk(id))));
            if let Some(patient_id) = registered {
                self.read_back(id, patient_id, desk);
            }
        }
        // Focus goes where the user types next.
        match self.intake.fields_to_correct().first() {
            Some(field) => fx.focus(form::field_id(*field)),
            None if self.intake.is_editable() => fx.focus(form::nhs_field_id()),
            None => {}
        }
    }

    /// Reads the registered patient back for the card; the ID is already on screen.
    fn read_back(&mut self, id: RequestId, patient_id: crate::api::PatientId, desk: &mut Desk) {
        let Some(typed) = self.intake.last_sent().cloned() else {
            return;
        };
        self.desk_reads.insert(id, typed.clone());
        self.card_hidden = false;
        let mut card = card::Card::reading(id, typed);
        // The next steps' lists, read now so an invitation doesn't wait for them.
        desk.ensure_outreach_lists();
        match desk.connection().map(|c| desk.client(c)) {
            Ok(Ok(client)) => desk
                .worker
                .read_patient(ReadFor::Desk(id), client, patient_id),
            Ok(Err(error)) => card.on_read(Err(error)),
            Err(_) => card.on_read(Err(ApiError::Internal)),
        }
        self.card = Some(card);
    }

    pub fn on_patient_read(
        &mut self,
        read_for: ReadFor,
        result: Result<crate::matched::MatchedPatient, ApiError>,
    ) {
        let mut warnings = Vec::new();
        match read_for {
            ReadFor::Desk(id) => {
                let typed = self.desk_reads.remove(&id);
                if let Some(card) = self.card.as_mut().filter(|c| c.request == id) {
                    card.on_read(result);
                    warnings = card.warnings().to_vec();
                } else if let Ok(patient) = &result {
                    warnings = patient.warnings(typed.as_ref());
                }
            }
            ReadFor::Held(id) => {
                let typed = self.held_reads.remove(&id);
                if let Ok(patient) = &result {
                    warnings = patient.warnings(typed.as_ref());
                }
            }
        }
        // The shift list keeps what needs following up, without the values.
        if let Some(entry) = self
            .shift
            .iter_mut()
            .rev()
            .find(|e| e.read_for == Some(read_for))
        {
            entry.checks = warnings
                .iter()
                .filter(|w| !w.is_plain_line())
                .map(|w| w.short())
                .collect();
        }
    }

    /// The card shown, if any (the patient last registered).
    pub fn card(&self) -> Option<&card::Card> {
        self.card.as_ref()
    }

    /// A key or click: the card stays up.
    pub fn note_input(&mut self, now: Instant) {
        self.last_input = now;
    }

    /// The environment changed: an empty form, no card.
    pub fn forget_patient(&mut self) {
        if self.intake.next_patient() {
            self.card = None;
            self.next_step = None;
            self.acknowledged = false;
        }
    }

    /// The keychain answered the key fix: send again if the key can be used.
    pub fn on_key_saved(
        &mut self,
        usable: bool,
        notice: Notice,
        desk: &mut Desk,
        fx: &mut Effects,
    ) {
        let Some(fix) = &mut self.key_fix else {
            return;
        };
        fix.awaiting_save = false;
        if usable {
            self.key_fix = None;
            self.submit(desk, fx);
        } else {
            fix.problem = Some(notice.text().to_owned());
        }
    }

    fn save_key_and_resend(&mut self, desk: &mut Desk, fx: &mut Effects) {
        let Some(fix) = &mut self.key_fix else {
            return;
        };
        match fix.take_changes(desk) {
            key_fix::Changes::GroupOnly => {
                // Only the practice group changed: send again straight away, and the
                // held patients are tried again too.
                self.key_fix = None;
                self.held.key_changed(Instant::now());
                self.submit(desk, fx);
            }
            key_fix::Changes::Key(key) => {
                fix.awaiting_save = true;
                desk.worker
                    .save_key(desk.key_store.clone(), desk.environment(), key);
            }
            key_fix::Changes::Unusable(problem) => fix.problem = Some(problem),
        }
    }

    /// The label of the top bar's button that shows or hides the shift list.
    pub fn shift_toggle_label(&self) -> String {
        if self.show_shift {
            "Hide this shift's list".to_owned()
        } else {
            format!("This shift ({})", self.shift.len())
        }
    }

    /// The shift list, in the right-hand panel.
    pub fn shift_ui(&self, ui: &mut egui::Ui) -> Vec<Msg> {
        shift::show(ui, &self.shift, &self.held)
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, desk: &Desk) -> Vec<Msg> {
        let mut messages = Vec::new();
        let environment = desk.environment();
        let demo = desk.is_demo();
        let connection = desk.connection();
        if demo {
            ui.label(
                RichText::new("DEMO: made-up patients only. Nothing here is sent to Hero, and results are not real.")
                    .strong(),
            );
        }
        for problem in desk.file_problems() {
            crate::ui::error_line(ui, &problem);
        }
        if let Some(notice) = &self.back_notice {
            ui.label(RichText::new(format!("✔ {notice}")).strong());
        }
        if let Err(problem) = &connection {
            ui.horizontal_wrapped(|ui| {
                crate::ui::error_line(ui, &problem.to_string());
                if ui.button("Open Settings (Ctrl+,)").clicked() {
                    messages.push(Msg::OpenSettings);
                }
            });
        }
        messages.extend(form::show(
            ui,
            form::FormView {
                intake: &mut self.intake,
                environment,
                today: crate::patient::today(),
                show_all_errors: self.show_all_errors,
                ready_to_send: connection.is_ok(),
                enter_submits: self.key_fix.is_none() && self.next_step.is_none(),
            },
        ));
        ui.separator();
        let now = Instant::now();
        let hide_after = std::time::Duration::from_secs(
            60 * u64::from(desk.settings.hide_details_after_minutes),
        );
        if self.card.is_some() && !card::visible(self.last_input, hide_after, now) {
            self.card_hidden = true;
        }
        let card = match &self.card {
            Some(card) if !self.card_hidden => {
                // Draw again when it is due to hide, then idle.
                let left =
                    hide_after.saturating_sub(now.saturating_duration_since(self.last_input));
                ui.ctx().request_repaint_after(left);
                result::CardView::Shown(card)
            }
            Some(_) => result::CardView::Hidden,
            None => result::CardView::None,
        };
        let card_shown = matches!(card, result::CardView::Shown(_));
        messages.extend(result::show(
            ui,
            &self.intake,
            demo,
            now,
            self.key_fix.as_mut(),
            card,
        ));
        if card_shown {
            messages.extend(self.next_step_ui(ui, desk));
        }
        // Below the form and the result, so both stay in view whatever the table's size.
        if demo {
            ui.separator();
            messages.extend(form::demo_patients(ui));
        }
        messages
    }
}
