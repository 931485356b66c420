//! Who was matched: the patient Hero traced, read back after the registration, so the
//! desk can confirm it is the person in front of them. Shown beneath the patient ID
//! once it arrives; it never delays the ID. Contacts are masked (the screen faces the
//! queue), and a restricted record's address and contacts are never shown.

use std::time::{Duration, Instant};

use egui::RichText;

use crate::api::ApiError;
use crate::matched::{MatchedPatient, Warning};
use crate::patient::PatientQuery;
use crate::state::RequestId;
use crate::ui::{ERROR_ICON, error_color};

/// The details of the patient last registered at the desk.
#[derive(Debug)]
pub struct Card {
    /// The registration the details are for: an answer for another is ignored.
    pub request: RequestId,
    /// What was typed, to compare with Hero's record.
    typed: PatientQuery,
    pub details: Details,
}

#[derive(Debug)]
pub enum Details {
    Reading,
    Read {
        patient: Box<MatchedPatient>,
        warnings: Vec<Warning>,
    },
    /// The registration stands; this says why the details aren't shown.
    Unavailable(Warning),
}

impl Card {
    pub fn reading(request: RequestId, typed: PatientQuery) -> Self {
        Self {
            request,
            typed,
            details: Details::Reading,
        }
    }

    pub fn on_read(&mut self, result: Result<MatchedPatient, ApiError>) {
        self.details = match result {
            Ok(patient) => {
                let warnings = patient.warnings(Some(&self.typed));
                Details::Read {
                    patient: Box::new(patient),
                    warnings,
                }
            }
            Err(reason) => Details::Unavailable(Warning::DetailsUnavailable { reason }),
        };
    }

    /// Hero's record, once read.
    pub fn patient(&self) -> Option<&MatchedPatient> {
        match &self.details {
            Details::Read { patient, .. } => Some(patient),
            _ => None,
        }
    }

    /// What was typed to trace the patient.
    pub fn typed(&self) -> &PatientQuery {
        &self.typed
    }

    /// The warnings found, for the shift list and the next steps.
    pub fn warnings(&self) -> &[Warning] {
        match &self.details {
            Details::Read { warnings, .. } => warnings,
            _ => &[],
        }
    }
}

/// Whether the card is still shown: it hides after `hide_after` without a key or click.
pub fn visible(last_input: Instant, hide_after: Duration, now: Instant) -> bool {
    now.saturating_duration_since(last_input) < hide_after
}

pub const HIDDEN_NOTE: &str =
    "The patient's details are hidden after a few idle minutes. Press Esc for the next patient.";

/// Draws the card: the details in large plain type, then whatever needs a second look.
pub fn show(ui: &mut egui::Ui, card: &Card) {
    ui.add_space(6.0);
    match &card.details {
        Details::Reading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the patient's details from Hero…");
            });
        }
        Details::Unavailable(why) => {
            ui.label(RichText::new(why.message()).size(16.0));
        }
        Details::Read { patient, warnings } => {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                for warning in warnings.iter().filter(|w| !w.is_plain_line()) {
                    ui.colored_label(
                        error_color(ui),
                        RichText::new(format!("{ERROR_ICON} {}", warning.message()))
                            .size(18.0)
                            .strong(),
                    );
                }
                details(ui, patient);
                for warning in warnings.iter().filter(|w| w.is_plain_line()) {
                    ui.label(RichText::new(warning.message()).size(16.0));
                }
            });
        }
    }
}

/// One line a part, as text a screen reader reads as it is.
fn details(ui: &mut egui::Ui, patient: &MatchedPatient) {
    let big = |ui: &mut egui::Ui, text: String| {
        ui.label(RichText::new(text).size(22.0).strong());
    };
    big(
        ui,
        patient
            .full_name()
            .unwrap_or_else(|| "No name on Hero's record".to_owned()),
    );
    if let Some(dob) = patient.dob() {
        big(ui, format!("Born {}", dob.in_words()));
    }
    if let Some(nhs) = patient.nhs_number() {
        big(ui, format!("NHS number {}", nhs.formatted()));
    }
    // A restricted record has none of these: they were dropped when it arrived.
    if let Some(postcode) = patient.postcode() {
        big(ui, format!("Postcode {postcode}"));
    }
    let contacts: Vec<String> = [
        patient.masked_mobile().map(|m| format!("mobile {m}")),
        patient.masked_email().map(|e| format!("email {e}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !contacts.is_empty() {
        ui.label(RichText::new(contacts.join(" · ")).size(18.0));
    }
}
