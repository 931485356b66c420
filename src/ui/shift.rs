//! This shift's list: patients registered since the app opened, newest first.
//! Memory only: never written to disk, gone when the app closes.

use egui::RichText;

use super::Action;

#[derive(Clone, PartialEq, Eq)]
pub enum ShiftOutcome {
    Registered { patient_id: String },
    VerificationRequired { login_url: String, can_open: bool },
    NotRegistered { cause: String },
}

#[derive(Clone, PartialEq, Eq)]
pub struct ShiftEntry {
    /// Local time, `14:05`.
    pub at: String,
    /// `*** *** 0018`: enough to tell patients apart at the desk.
    pub masked_nhs_number: String,
    pub outcome: ShiftOutcome,
}

impl std::fmt::Debug for ShiftEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShiftEntry({} {})", self.at, self.masked_nhs_number)
    }
}

pub fn show(ui: &mut egui::Ui, entries: &[ShiftEntry]) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        ui.heading(format!("This shift ({})", entries.len()));
        if !entries.is_empty() && ui.button("Clear list").clicked() {
            actions.push(Action::ClearShift);
        }
    });
    ui.label(RichText::new("Kept in memory only: cleared when Hero Intake closes.").small());
    ui.separator();
    if entries.is_empty() {
        ui.label("Patients you register appear here, newest first.");
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        for (index, entry) in entries.iter().enumerate().rev() {
            ui.push_id(index, |ui| {
                ui.label(
                    RichText::new(format!("{}  {}", entry.at, entry.masked_nhs_number)).strong(),
                );
                match &entry.outcome {
                    ShiftOutcome::Registered { patient_id } => {
                        ui.horizontal(|ui| {
                            ui.monospace(patient_id);
                            if ui.small_button(format!("Copy {patient_id}")).clicked() {
                                actions.push(Action::CopyText(patient_id.clone()));
                            }
                        });
                    }
                    ShiftOutcome::VerificationRequired {
                        login_url,
                        can_open,
                    } => {
                        ui.label("Identity check needed");
                        ui.horizontal(|ui| {
                            if *can_open && ui.small_button("Open link").clicked() {
                                actions.push(Action::OpenLink(login_url.clone()));
                            }
                            if ui.small_button("Copy link").clicked() {
                                actions.push(Action::CopyText(login_url.clone()));
                            }
                        });
                    }
                    ShiftOutcome::NotRegistered { cause } => {
                        super::error_line(ui, &format!("Not registered: {cause}"));
                    }
                }
                ui.separator();
            });
        }
    });
    actions
}
