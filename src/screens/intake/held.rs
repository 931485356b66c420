//! Patients kept while Hero can't be reached: handed to the core's queue, tried in the
//! background, and put in this shift's list when Hero answers. Memory only.

use std::time::{Duration, Instant};

use egui::RichText;

use super::shift::{self, ShiftOutcome};
use super::{Msg, State};
use crate::api::{ApiError, Registration};
use crate::desk::Desk;
use crate::held::{HeldQueue, Sent, Step};
use crate::screens::Effects;
use crate::state::RequestId;
use crate::worker::ReadFor;

pub const TRY_NOW_LABEL: &str = "Try now (Ctrl+R)";

impl State {
    /// A failure waiting may cure, for the patient on the form: keep it and free the
    /// form for the next patient. False when the failure is shown as it is.
    pub(super) fn hold_if_curable(
        &mut self,
        id: RequestId,
        error: &ApiError,
        desk: &Desk,
        fx: &mut Effects,
    ) -> bool {
        if !crate::held::can_cure_later(error, desk.hero_answered_before()) {
            return false;
        }
        // A request cancelled meanwhile is not the desk's any more: never held.
        if !self.intake.is_in_flight(id) {
            return false;
        }
        let (Some(query), Some(destination)) =
            (self.intake.last_sent().cloned(), desk.destination())
        else {
            return false;
        };
        let who = query.masked();
        let kept = self.held.hold(
            query,
            destination,
            error.clone(),
            Instant::now(),
            jiff::Timestamp::now(),
        );
        let why = match error {
            ApiError::RateLimited { .. } | ApiError::RateLimitWaitTooLong { .. } => "Hero is busy",
            ApiError::ServerError { .. } | ApiError::UnexpectedStatus { .. } => {
                "Hero has a problem on its side"
            }
            _ => "Hero can't be reached",
        };
        let notice = match kept {
            Some(_) => format!(
                "{why}: {who} is kept and will be sent when Hero is back — keep Hero Intake open."
            ),
            None => format!("{why}: {who} is already waiting to be sent — keep Hero Intake open."),
        };
        if !self.intake.set_aside(id, notice) {
            return false;
        }
        self.show_all_errors = false;
        self.key_fix = None;
        fx.focus(super::form::nhs_field_id());
        true
    }

    /// Called every frame: gives up on patients kept too long, and starts the next try
    /// when it is due. Returns how long until something is due, for the next frame.
    pub fn tick_held(&mut self, desk: &mut Desk, now: Instant) -> Option<Duration> {
        for patient in self.held.give_up_on_old(now) {
            self.shift.push(shift::ShiftEntry::held_given_up(&patient));
        }
        if let Some(here) = desk.destination()
            && let Some(step) = self.held.due(now, &here)
        {
            self.start(step, desk);
        }
        self.held.next_try_in(now)
    }

    fn start(&mut self, step: Step, desk: &mut Desk) {
        let client = desk.connection().ok().and_then(|connection| match step {
            Step::Probe => desk.checking_client(connection).ok(),
            Step::Send { .. } => desk.client(connection).ok(),
        });
        let Some(client) = client else {
            // No key or server to send with yet (say, the keychain is still being
            // read): wait and try again later.
            self.held.could_not_start(Instant::now());
            return;
        };
        match step {
            Step::Probe => desk.worker.probe_for_held(client),
            Step::Send { id, query, .. } => desk.worker.send_held(id, client, query),
        }
    }

    pub fn on_held_probed(&mut self, answer: Result<(), ApiError>, desk: &mut Desk) {
        let Some(here) = desk.destination() else {
            self.held.could_not_start(Instant::now());
            return;
        };
        if let Some(step) = self.held.on_probe(answer, Instant::now(), &here) {
            self.start(step, desk);
        }
    }

    pub fn on_held_sent(
        &mut self,
        id: crate::held::HeldId,
        result: Result<Registration, ApiError>,
        desk: &mut Desk,
    ) {
        match self.held.on_sent(id, result, Instant::now()) {
            Sent::Registered(patient, registration) => {
                let mut entry =
                    shift::ShiftEntry::held_answered(&patient, &registration, desk.is_demo());
                if let Registration::Registered { patient_id } = registration
                    && let Ok(Ok(client)) = desk.connection().map(|c| desk.client(c))
                {
                    // What the answer needs followed up stays in the shift list.
                    let read_for = ReadFor::Held(patient.id);
                    self.held_reads.insert(patient.id, patient.query.clone());
                    desk.worker.read_patient(read_for, client, patient_id);
                    entry = entry.read_for(read_for);
                }
                self.shift.push(entry);
            }
            Sent::Refused(patient, error) => self
                .shift
                .push(shift::ShiftEntry::held_refused(&patient, &error)),
            Sent::StillDown | Sent::KeyRejected | Sent::Stale => {}
        }
        if let Some(count) = self.held.take_back_notice() {
            let patients = if count == 1 { "patient" } else { "patients" };
            self.back_notice = Some(format!(
                "Hero is back: {count} held {patients} sent — see this shift's list for each answer."
            ));
        }
        // The next one goes at once, at the pace Hero answers.
        if let Some(here) = desk.destination()
            && let Some(step) = self.held.due(Instant::now(), &here)
        {
            self.start(step, desk);
        }
    }

    /// A new key: held patients are tried again at once.
    pub fn held_key_changed(&mut self) {
        self.held.key_changed(Instant::now());
    }

    pub fn held(&self) -> &HeldQueue {
        &self.held
    }

    /// Forgets the held patients (the user agreed to lose them).
    pub fn drop_held(&mut self) {
        self.held.clear();
    }
}

/// The line that stays on screen while patients are held.
pub fn waiting_line(
    ui: &mut egui::Ui,
    held: &HeldQueue,
    here: Option<&crate::held::Destination>,
    now: Instant,
) -> Vec<Msg> {
    let mut actions = Vec::new();
    if held.is_empty() {
        return actions;
    }
    let count = held.len();
    let patients = if count == 1 {
        "1 patient waiting for Hero".to_owned()
    } else {
        format!("{count} patients waiting for Hero")
    };
    let typed_here = here.is_some_and(|here| held.patients().any(|p| &p.destination == here));
    let when = if !typed_here {
        "waiting: they were typed for another environment, server or practice group than the one in Settings now".to_owned()
    } else if let Some(error) = held.key_rejected() {
        format!(
            "stopped: {}. Enter a new key in Settings (Ctrl+,) to go on",
            error.cause()
        )
    } else {
        match held.next_try_in(now) {
            Some(left) => {
                // Once a second for the countdown, not every frame.
                ui.ctx().request_repaint_after(Duration::from_secs(1));
                format!("next try in {} s", left.as_secs_f32().ceil() as u64)
            }
            None => "trying now…".to_owned(),
        }
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("⏳ {patients} — {when}")).strong());
        if held.key_rejected().is_none() && ui.button(TRY_NOW_LABEL).clicked() {
            actions.push(Msg::TryHeldNow);
        }
    });
    ui.label(RichText::new("Keep Hero Intake open: they are kept in memory only.").small());
    actions
}

/// The held patients at the top of the shift list, oldest first, each removable.
pub fn shift_rows(ui: &mut egui::Ui, held: &HeldQueue) -> Vec<Msg> {
    let mut actions = Vec::new();
    for patient in held.patients() {
        let at = shift::local_time(patient.typed_at);
        ui.label(RichText::new(format!("{at}  {}", patient.query.masked())).strong());
        ui.horizontal(|ui| {
            ui.label("⏳ Waiting for Hero");
            if held.is_sending(patient.id) {
                ui.label("(sending…)");
            } else if ui.small_button("Remove").clicked() {
                actions.push(Msg::RemoveHeld(patient.id));
            }
        });
        ui.separator();
    }
    actions
}

impl shift::ShiftEntry {
    fn held_answered(
        patient: &crate::held::HeldPatient,
        registration: &Registration,
        demo: bool,
    ) -> Self {
        let mut entry = Self::for_result(
            &patient.query,
            &Ok(registration.clone()),
            demo,
            patient.typed_at,
        );
        entry.sent_late = true;
        entry
    }

    fn held_refused(patient: &crate::held::HeldPatient, error: &ApiError) -> Self {
        let mut entry =
            Self::for_result(&patient.query, &Err(error.clone()), false, patient.typed_at);
        entry.sent_late = true;
        entry
    }

    fn held_given_up(patient: &crate::held::HeldPatient) -> Self {
        let mut entry = Self::for_result(
            &patient.query,
            &Err(patient.last_error.clone()),
            false,
            patient.typed_at,
        );
        entry.outcome = ShiftOutcome::NotRegistered {
            cause: format!(
                "Hero couldn't be reached for 2 hours ({}); register this patient again when Hero is back",
                patient.last_error.cause()
            ),
        };
        entry
    }
}
