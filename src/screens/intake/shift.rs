//! This shift's list: patients registered since the app opened, newest first.
//! Memory only: never written to disk, gone when the app closes.

use egui::{RichText, TextWrapMode, UiBuilder};

use super::Msg;
use crate::api::{ApiError, Registration};
use crate::held::HeldQueue;
use crate::state::Intake;

#[derive(Clone, PartialEq, Eq)]
pub enum ShiftOutcome {
    Registered { patient_id: String },
    VerificationRequired { login_url: String, can_open: bool },
    NotRegistered { cause: String },
}

#[derive(Clone, PartialEq, Eq)]
pub struct ShiftEntry {
    /// Local time it was typed, `14:05`.
    pub at: String,
    /// `*** *** 0018`: enough to tell patients apart at the desk.
    pub masked_patient: String,
    pub outcome: ShiftOutcome,
    /// Held while Hero was down and sent later: the patient may have left the desk.
    pub sent_late: bool,
    /// The read-back whose checks belong to this line.
    pub read_for: Option<crate::worker::ReadFor>,
    /// What Hero's record needs checked (no values: the list stays masked).
    pub checks: Vec<&'static str>,
    /// Next steps done for this patient: "SMS sent", "Invite to book sent".
    pub done: Vec<DoneStep>,
}

/// A message or invitation sent from the desk, with what to copy.
#[derive(Clone, PartialEq, Eq)]
pub struct DoneStep {
    pub label: String,
    pub message_id: Option<String>,
    pub link: Option<String>,
}

impl std::fmt::Debug for ShiftEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShiftEntry({} {})", self.at, self.masked_patient)
    }
}

/// What the shift list records for a result, before the state machine takes it.
pub fn entry(
    intake: &Intake,
    result: &Result<Registration, ApiError>,
    demo: bool,
) -> Option<ShiftEntry> {
    let query = intake.last_sent()?;
    Some(ShiftEntry::for_result(
        query,
        result,
        demo,
        jiff::Timestamp::now(),
    ))
}

/// `14:05`, in this computer's time zone.
pub fn local_time(at: jiff::Timestamp) -> String {
    at.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%H:%M")
        .to_string()
}

impl ShiftEntry {
    pub fn for_result(
        query: &crate::patient::PatientQuery,
        result: &Result<Registration, ApiError>,
        demo: bool,
        typed_at: jiff::Timestamp,
    ) -> Self {
        Self {
            at: local_time(typed_at),
            masked_patient: query.masked(),
            outcome: outcome(result, demo),
            sent_late: false,
            read_for: None,
            checks: Vec::new(),
            done: Vec::new(),
        }
    }

    pub fn read_for(mut self, read_for: crate::worker::ReadFor) -> Self {
        self.read_for = Some(read_for);
        self
    }
}

fn outcome(result: &Result<Registration, ApiError>, demo: bool) -> ShiftOutcome {
    match result {
        Ok(Registration::Registered { patient_id }) => ShiftOutcome::Registered {
            patient_id: patient_id.as_str().to_owned(),
        },
        Ok(Registration::VerificationRequired { login_url, .. }) => {
            ShiftOutcome::VerificationRequired {
                login_url: login_url.clone(),
                can_open: crate::state::is_safe_login_url(login_url, demo),
            }
        }
        Err(error) => ShiftOutcome::NotRegistered {
            cause: error.cause(),
        },
    }
}

pub fn show(ui: &mut egui::Ui, entries: &[ShiftEntry], held: &HeldQueue) -> Vec<Msg> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        ui.heading(format!("This shift ({})", entries.len() + held.len()));
        if !entries.is_empty() && ui.button("Clear list").clicked() {
            actions.push(Msg::ClearShift);
        }
    });
    ui.label(RichText::new("Kept in memory only: cleared when Hero Intake closes.").small());
    ui.separator();
    actions.extend(super::held::shift_rows(ui, held));
    if entries.is_empty() && held.is_empty() {
        ui.label("Patients you register appear here, newest first.");
    }
    // Rows of one fixed height, so only the visible ones are laid out: a frame costs
    // the same with 5 patients or 1,000 in the list.
    let spacing = ui.spacing();
    let row_height = 3.0 * spacing.interact_size.y + 3.0 * spacing.item_spacing.y;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, entries.len(), |ui, visible| {
            for newest_first in visible {
                let index = entries.len() - 1 - newest_first;
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(ui.available_width(), row_height),
                    egui::Sense::hover(),
                );
                let mut row = ui.new_child(UiBuilder::new().id_salt(index).max_rect(rect));
                row.set_clip_rect(rect.intersect(ui.clip_rect()));
                row.style_mut().wrap_mode = Some(TextWrapMode::Truncate);
                show_entry(&mut row, &entries[index], &mut actions);
                let line_y = rect.bottom() + ui.spacing().item_spacing.y / 2.0;
                ui.painter().hline(
                    rect.x_range(),
                    line_y,
                    ui.visuals().widgets.noninteractive.bg_stroke,
                );
            }
        });
    actions
}

/// The third line: what Hero's record needs checked, and the next steps done.
fn follow_ups(ui: &mut egui::Ui, entry: &ShiftEntry, actions: &mut Vec<Msg>) {
    ui.horizontal(|ui| {
        if !entry.checks.is_empty() {
            let checks = format!("Check: {}", entry.checks.join(", "));
            crate::ui::error_line(ui, &checks).on_hover_text(checks);
        }
        for done in &entry.done {
            ui.label(format!("✔ {}", done.label));
            if let Some(id) = &done.message_id
                && ui.small_button("Copy message ID").clicked()
            {
                actions.push(Msg::CopyText(id.clone()));
            }
            if let Some(link) = &done.link
                && ui.small_button("Copy link").clicked()
            {
                actions.push(Msg::CopyText(link.clone()));
            }
        }
    });
}

/// Three lines: when and who, the outcome with its buttons, then what follows up.
fn show_entry(ui: &mut egui::Ui, entry: &ShiftEntry, actions: &mut Vec<Msg>) {
    ui.label(RichText::new(format!("{}  {}", entry.at, entry.masked_patient)).strong());
    match &entry.outcome {
        ShiftOutcome::Registered { patient_id } => {
            ui.horizontal(|ui| {
                if ui.small_button(format!("Copy {patient_id}")).clicked() {
                    actions.push(Msg::CopyText(patient_id.clone()));
                }
                ui.monospace(patient_id);
                if entry.sent_late {
                    ui.label("(sent when Hero was back)");
                }
            });
            follow_ups(ui, entry, actions);
        }
        ShiftOutcome::VerificationRequired {
            login_url,
            can_open,
        } => {
            ui.horizontal(|ui| {
                if *can_open && ui.small_button("Open link").clicked() {
                    actions.push(Msg::OpenLink(login_url.clone()));
                }
                if ui.small_button("Copy link").clicked() {
                    actions.push(Msg::CopyText(login_url.clone()));
                }
                if entry.sent_late {
                    // Came after Hero was back: the patient may have left the desk.
                    crate::ui::error_line(
                        ui,
                        "Identity check needed — sent later: the patient may have left",
                    );
                } else {
                    ui.label("Identity check needed");
                }
            });
        }
        ShiftOutcome::NotRegistered { cause } => {
            // One line, cut to the panel's width; the whole cause on hover and for
            // screen readers (the label's text is never cut).
            crate::ui::error_line(ui, &format!("Not registered: {cause}")).on_hover_text(cause);
        }
    }
}
