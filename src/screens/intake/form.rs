//! The intake form: NHS number and date of birth, or name, date of birth and postcode.

use egui::{Id, Key, RichText, TextEdit};

use super::Msg;
use crate::api::RequestField;
use crate::config::Environment;
use crate::demo::{DEMO_NAMED_PATIENTS, DEMO_PATIENTS};
use crate::demographics::{NameError, PersonName};
use crate::patient::{NhsNumberError, Trace};
use crate::state::{FormCheck, Intake};
use crate::text::is_blank;
use crate::ui::table::{self, Cell};
use crate::ui::{OK_ICON, error_line, ok_color};

pub const NHS_FIELD_LABEL: &str = "NHS number";
pub const DOB_FIELD_LABEL: &str = "Date of birth";

const FIELD_SIZE: [f32; 2] = [230.0, 34.0];
const LABEL_SIZE: [f32; 2] = [130.0, 34.0];

pub const FORENAME_FIELD_LABEL: &str = "Forename";
pub const SURNAME_FIELD_LABEL: &str = "Surname";
pub const POSTCODE_FIELD_LABEL: &str = "Postcode";

pub fn nhs_field_id() -> Id {
    field_id(RequestField::NhsNumber)
}

pub fn dob_field_id() -> Id {
    field_id(RequestField::DateOfBirth)
}

/// Each form field's widget id, for focus.
pub fn field_id(field: RequestField) -> Id {
    Id::unique(("intake_field", field.wire_name()))
}

fn field_label(field: RequestField) -> &'static str {
    match field {
        RequestField::NhsNumber => NHS_FIELD_LABEL,
        RequestField::DateOfBirth => DOB_FIELD_LABEL,
        RequestField::Forename => FORENAME_FIELD_LABEL,
        RequestField::Surname => SURNAME_FIELD_LABEL,
        RequestField::Postcode => POSTCODE_FIELD_LABEL,
    }
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

pub fn show(ui: &mut egui::Ui, view: FormView<'_>) -> Vec<Msg> {
    let mut actions = Vec::new();
    let editable = view.intake.is_editable();
    let check = view.intake.check(view.environment, view.today);
    let to_correct = view.intake.fields_to_correct();
    let Statuses {
        nhs: nhs_status,
        dob: dob_status,
        forename: forename_status,
        surname: surname_status,
        postcode: postcode_status,
    } = statuses(view.intake, &check, view.show_all_errors);

    let row = |ui: &mut egui::Ui, field: Field<'_>, status: FieldStatus| {
        field_row(ui, field, status, editable, &to_correct);
    };
    row(
        ui,
        Field::new(
            RequestField::NhsNumber,
            &mut view.intake.nhs_text,
            "e.g. 999 000 0018",
        ),
        nhs_status,
    );
    row(
        ui,
        Field::new(
            RequestField::DateOfBirth,
            &mut view.intake.dob_text,
            "dd/mm/yyyy",
        ),
        dob_status,
    );
    ui.add_space(4.0);
    ui.label("No NHS number? Leave it empty and trace by name and postcode:");
    row(
        ui,
        Field::new(
            RequestField::Forename,
            &mut view.intake.forename_text,
            "as on NHS records",
        ),
        forename_status,
    );
    row(
        ui,
        Field::new(RequestField::Surname, &mut view.intake.surname_text, ""),
        surname_status,
    );
    row(
        ui,
        Field::new(
            RequestField::Postcode,
            &mut view.intake.postcode_text,
            "e.g. LS1 4AP",
        ),
        postcode_status,
    );

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
        ui.label(RichText::new(sends_line(check.trace)).strong());
        let can_send = check.query().is_some() && view.ready_to_send;
        let button = egui::Button::new(RichText::new("Register (Enter)").size(18.0))
            .min_size(egui::vec2(180.0, 36.0));
        if ui.add_enabled(can_send, button).clicked() {
            actions.push(Msg::Submit);
        }
        if view.enter_submits && ui.input(|i| i.key_pressed(Key::Enter)) {
            actions.push(Msg::Submit);
        }
    }
    actions
}

/// What each field shows beside it.
struct Statuses {
    nhs: FieldStatus,
    dob: FieldStatus,
    forename: FieldStatus,
    surname: FieldStatus,
    postcode: FieldStatus,
}

/// Each field's status: its value as it will be sent, its problem, "not sent" (typed
/// but the other trace is used), or nothing yet.
fn statuses(intake: &Intake, check: &FormCheck, show_all_errors: bool) -> Statuses {
    let by_nhs_number = check.trace == Trace::NhsNumber;
    // "Typed" as `Intake::trace` counts it: invisible characters alone are nothing.
    let typed = |text: &str| !is_blank(text);
    let show_error = |text: &str| typed(text) || show_all_errors;
    let status_of = |text: &str, used: bool, result: Result<String, String>| match result {
        _ if !used && typed(text) => FieldStatus::NotSent,
        _ if !used => FieldStatus::Blank,
        Ok(shown) => FieldStatus::Ok(shown),
        Err(message) if show_error(text) => FieldStatus::Problem(message),
        Err(_) => FieldStatus::Blank,
    };

    let nhs_status = match &check.nhs_number {
        Ok(number) if !number.check_digit_ok() => FieldStatus::Problem(
            "Check digit doesn't match: sending anyway (test system)".to_owned(),
        ),
        result => status_of(
            &intake.nhs_text,
            by_nhs_number,
            result
                .as_ref()
                .map(|n| n.formatted())
                .map_err(ToString::to_string),
        ),
    };
    let dob_status = status_of(
        &intake.dob_text,
        true,
        check
            .dob
            .as_ref()
            .map(|d| d.in_words())
            .map_err(ToString::to_string),
    );
    let name_status = |text: &str, result: &Result<PersonName, NameError>| {
        status_of(
            text,
            !by_nhs_number,
            result
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .map_err(ToString::to_string),
        )
    };
    let forename_status = name_status(&intake.forename_text, &check.forename);
    let surname_status = name_status(&intake.surname_text, &check.surname);
    let postcode_status = status_of(
        &intake.postcode_text,
        !by_nhs_number,
        check
            .postcode
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .map_err(ToString::to_string),
    );
    Statuses {
        nhs: nhs_status,
        dob: dob_status,
        forename: forename_status,
        surname: surname_status,
        postcode: postcode_status,
    }
}

/// Always on screen above the button, so it is clear which trace Enter sends.
pub fn sends_line(trace: Trace) -> &'static str {
    match trace {
        Trace::NhsNumber => "Enter sends: a trace by NHS number and date of birth",
        Trace::Demographics => "Enter sends: a trace by name, date of birth and postcode",
    }
}

/// What a field's row says beside it.
enum FieldStatus {
    Ok(String),
    Problem(String),
    /// Typed, but the other trace is the one Enter sends.
    NotSent,
    Blank,
}

struct Field<'a> {
    which: RequestField,
    text: &'a mut String,
    hint: &'static str,
}

impl<'a> Field<'a> {
    fn new(which: RequestField, text: &'a mut String, hint: &'static str) -> Self {
        Self { which, text, hint }
    }
}

// Plain rows, not a Grid: a Grid hides its first frame, which would drop the focus.
fn field_row(
    ui: &mut egui::Ui,
    field: Field<'_>,
    status: FieldStatus,
    editable: bool,
    to_correct: &[RequestField],
) {
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            LABEL_SIZE,
            egui::Label::new(RichText::new(field_label(field.which)).size(18.0)),
        );
        let input = ui.add_sized(
            FIELD_SIZE,
            TextEdit::singleline(field.text)
                .id(field_id(field.which))
                .font(egui::TextStyle::Heading)
                .hint_text(field.hint)
                .interactive(editable),
        );
        let input = input.labelled_by(label.id);
        match status {
            FieldStatus::Ok(shown) => {
                ui.colored_label(ok_color(ui), format!("{OK_ICON} {shown}"));
            }
            FieldStatus::Problem(message) => {
                error_line(ui, &message);
            }
            FieldStatus::NotSent => {
                ui.weak("Not sent: an NHS number is entered");
            }
            // Nothing to say: no widget either, so a screen reader doesn't stop on an
            // empty label.
            FieldStatus::Blank => {}
        }
        if to_correct.contains(&field.which) && editable {
            input.highlight();
        }
    });
    ui.add_space(6.0);
}

/// The demo table: one click fills the form with a patient for each outcome.
pub fn demo_patients(ui: &mut egui::Ui) -> Option<Msg> {
    const FILL: &str = "Fill the form with this demo patient";
    let mut action = None;
    egui::CollapsingHeader::new("Demo patients: try every outcome")
        .default_open(true)
        .show(ui, |ui| {
            let header = [
                Cell::Header("NHS number"),
                Cell::Header("Date of birth"),
                Cell::Header("What happens"),
                Cell::Empty,
            ];
            let rows: Vec<_> = DEMO_PATIENTS
                .iter()
                .map(|patient| {
                    vec![
                        Cell::Text(patient.nhs_number),
                        Cell::Text(patient.dob),
                        Cell::Text(patient.what_happens),
                        Cell::Button(format!("Use {}", patient.nhs_number), FILL),
                    ]
                })
                .collect();
            if let Some(index) = table::striped(ui, &header, &rows) {
                action = Some(Msg::UseDemoPatient(index));
            }
            ui.add_space(4.0);
            ui.label("Without an NHS number (leave it empty): trace by name and postcode");
            let header = [
                Cell::Header("Name"),
                Cell::Header("Date of birth"),
                Cell::Header("Postcode"),
                Cell::Header("What happens"),
                Cell::Empty,
            ];
            let names: Vec<String> = DEMO_NAMED_PATIENTS
                .iter()
                .map(|patient| format!("{} {}", patient.forename, patient.surname))
                .collect();
            let rows: Vec<_> = DEMO_NAMED_PATIENTS
                .iter()
                .zip(&names)
                .map(|(patient, name)| {
                    vec![
                        Cell::Text(name),
                        Cell::Text(patient.dob),
                        Cell::Text(patient.postcode),
                        Cell::Text(patient.what_happens),
                        Cell::Button(format!("Use {name}"), FILL),
                    ]
                })
                .collect();
            if let Some(index) = table::striped(ui, &header, &rows) {
                action = Some(Msg::UseDemoNamedPatient(index));
            }
        });
    action
}
