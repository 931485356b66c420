//! The NHS number and date of birth form.

use egui::{Id, Key, RichText, TextEdit};

use super::{Action, OK_ICON, error_line, ok_color};
use crate::api::RequestField;
use crate::config::Environment;
use crate::patient::NhsNumberError;
use crate::sandbox::DEMO_PATIENTS;
use crate::state::Intake;

pub const NHS_FIELD_LABEL: &str = "NHS number";
pub const DOB_FIELD_LABEL: &str = "Date of birth";

const FIELD_SIZE: [f32; 2] = [230.0, 34.0];
const LABEL_SIZE: [f32; 2] = [130.0, 34.0];

pub fn nhs_field_id() -> Id {
    Id::unique("nhs_number_field")
}

pub fn dob_field_id() -> Id {
    Id::unique("dob_field")
}

pub struct FormView<'a> {
    pub intake: &'a mut Intake,
    pub environment: Environment,
    pub today: jiff::civil::Date,
    /// Show messages for empty fields too (after the user pressed Enter).
    pub show_all_errors: bool,
    pub ready_to_send: bool,
    /// False while another field (the in-place key fix) owns Enter.
    pub enter_submits: bool,
}

pub fn show(ui: &mut egui::Ui, view: FormView<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    let editable = view.intake.is_editable();
    let check = view.intake.check(view.environment, view.today);
    let to_correct = view.intake.fields_to_correct();
    let field_font = egui::TextStyle::Heading;

    // Plain rows, not a Grid: a Grid hides its first frame, which would drop the focus.
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            LABEL_SIZE,
            egui::Label::new(RichText::new(NHS_FIELD_LABEL).size(18.0)),
        );
        let nhs = ui.add_sized(
            FIELD_SIZE,
            TextEdit::singleline(&mut view.intake.nhs_text)
                .id(nhs_field_id())
                .font(field_font.clone())
                .hint_text("e.g. 999 000 0018")
                .interactive(editable),
        );
        let nhs = nhs.labelled_by(label.id);
        let nhs_touched = !view.intake.nhs_text.trim().is_empty();
        match &check.nhs_number {
            Ok(number) if number.check_digit_ok() => {
                ui.colored_label(ok_color(ui), format!("{OK_ICON} {}", number.formatted()));
            }
            Ok(_) => {
                error_line(
                    ui,
                    "Check digit doesn't match: sending anyway (test system)",
                );
            }
            Err(e) if nhs_touched || view.show_all_errors => {
                error_line(ui, &e.to_string());
            }
            Err(_) => {
                ui.label("");
            }
        }
        if to_correct.contains(&RequestField::NhsNumber) && editable {
            nhs.highlight();
        }
    });
    ui.add_space(6.0);
    // Plain rows, not a Grid: a Grid hides its first frame, which would drop the focus.
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            LABEL_SIZE,
            egui::Label::new(RichText::new(DOB_FIELD_LABEL).size(18.0)),
        );
        let dob = ui.add_sized(
            FIELD_SIZE,
            TextEdit::singleline(&mut view.intake.dob_text)
                .id(dob_field_id())
                .font(field_font)
                .hint_text("dd/mm/yyyy")
                .interactive(editable),
        );
        let dob = dob.labelled_by(label.id);
        let dob_touched = !view.intake.dob_text.trim().is_empty();
        match &check.dob {
            Ok(date) => {
                ui.colored_label(ok_color(ui), format!("{OK_ICON} {}", date.in_words()));
            }
            Err(e) if dob_touched || view.show_all_errors => {
                error_line(ui, &e.to_string());
            }
            Err(_) => {
                ui.label("");
            }
        }
        if to_correct.contains(&RequestField::DateOfBirth) && editable {
            dob.highlight();
        }
    });

    let check_digit_failed = matches!(&check.nhs_number, Err(e) if e.is_check_digit_failure())
        || view.intake.send_despite_check_digit;
    if check_digit_failed && editable {
        if view.environment.allows_check_digit_override() {
            ui.checkbox(
                &mut view.intake.send_despite_check_digit,
                "Send this number anyway (test systems only: it fails the NHS check digit)",
            );
        } else if matches!(
            check.nhs_number,
            Err(NhsNumberError::CheckDigitMismatch | NhsNumberError::CheckDigitImpossible)
        ) {
            ui.label("On production, only numbers that pass the NHS check digit can be sent.");
        }
    }

    ui.add_space(6.0);
    if editable {
        let can_send = check.query().is_some() && view.ready_to_send;
        let button = egui::Button::new(RichText::new("Register (Enter)").size(18.0))
            .min_size(egui::vec2(180.0, 36.0));
        if ui.add_enabled(can_send, button).clicked() {
            actions.push(Action::Submit);
        }
        if view.enter_submits && ui.input(|i| i.key_pressed(Key::Enter)) {
            actions.push(Action::Submit);
        }
    }
    actions
}

/// The demo table: one click fills the form with a patient for each outcome.
pub fn demo_patients(ui: &mut egui::Ui) -> Option<Action> {
    let mut action = None;
    egui::CollapsingHeader::new("Demo patients: try every outcome")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("demo_patients")
                .striped(true)
                .num_columns(4)
                .show(ui, |ui| {
                    ui.strong("NHS number");
                    ui.strong("Date of birth");
                    ui.strong("What happens");
                    ui.label("");
                    ui.end_row();
                    for (index, patient) in DEMO_PATIENTS.iter().enumerate() {
                        ui.monospace(patient.nhs_number);
                        ui.monospace(patient.dob);
                        ui.label(patient.what_happens);
                        if ui
                            .button(format!("Use {}", patient.nhs_number))
                            .on_hover_text("Fill the form with this demo patient")
                            .clicked()
                        {
                            action = Some(Action::UseDemoPatient(index));
                        }
                        ui.end_row();
                    }
                });
        });
    action
}
