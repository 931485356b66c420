//! What came back: the patient ID, the verification link, or the cause and fix.

use std::time::{Duration, Instant};

use egui::{RichText, TextEdit};

use super::Msg;
use super::key_fix::{self, KeyFix};
use crate::api::WaitReason;
use crate::state::{Intake, Phase};
use crate::ui::{ERROR_ICON, OK_ICON, error_color, error_line, ok_color};

pub const PATIENT_ID_LABEL: &str = "Patient ID";
pub const LOGIN_URL_LABEL: &str = "Verification link";

/// Who was matched, beneath the patient ID.
pub enum CardView<'a> {
    None,
    /// Hidden after a few idle minutes.
    Hidden,
    Shown(&'a super::card::Card),
}

pub fn show(
    ui: &mut egui::Ui,
    intake: &Intake,
    demo: bool,
    now: Instant,
    key_fix: Option<&mut KeyFix>,
    card: CardView<'_>,
) -> Vec<Msg> {
    let mut actions = Vec::new();
    let not_real = if demo {
        " (demo: not a real patient)"
    } else {
        ""
    };
    match intake.phase() {
        Phase::Editing { notice } => {
            if let Some(notice) = notice {
                ui.label(RichText::new(format!("ℹ {notice}")).size(16.0));
            }
        }
        Phase::Sending { .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new("Registering with Hero…").size(18.0));
            });
            cancel_button(ui, &mut actions);
        }
        Phase::WaitingToRetry { reason, .. } => {
            let left = intake.wait_remaining(now).unwrap_or_default();
            let secs = left.as_secs_f32().ceil() as u64;
            let why = match reason {
                WaitReason::RateLimited => "Hero is busy",
                WaitReason::Transient => "The connection to Hero failed",
            };
            ui.label(RichText::new(format!("⏳ {why} — retrying in {secs} s")).size(18.0));
            ui.label("The form stays filled: after cancelling you can send it again.");
            cancel_button(ui, &mut actions);
            // Repaint once per second for the countdown, not every frame.
            let until_next_second =
                Duration::from_secs_f32(left.as_secs_f32().fract()).max(Duration::from_millis(50));
            ui.ctx().request_repaint_after(until_next_second);
        }
        Phase::Registered { patient_id, copied } => {
            registered(ui, patient_id.as_str(), *copied, not_real, &mut actions);
            match card {
                CardView::Shown(card) => super::card::show(ui, card),
                CardView::Hidden => {
                    ui.label(super::card::HIDDEN_NOTE);
                }
                CardView::None => {}
            }
            next_patient_button(ui, &mut actions);
        }
        Phase::VerificationRequired {
            message,
            login_url,
            safe_to_open,
            opened,
        } => verification(
            ui,
            Verification {
                message,
                login_url,
                safe_to_open: *safe_to_open,
                opened: opened.as_ref(),
            },
            not_real,
            &mut actions,
        ),
        Phase::Failed { error } => {
            ui.colored_label(
                error_color(ui),
                RichText::new(format!("{ERROR_ICON} {}", error.cause())).size(18.0),
            );
            ui.label(
                RichText::new(format!(
                    "What to do: {}",
                    error.fix(&crate::screens::WINDOW)
                ))
                .size(16.0),
            );
            if error.is_credentials_problem() {
                match key_fix {
                    Some(fix) => key_fix::fields(ui, fix, &mut actions),
                    None => {
                        ui.horizontal(|ui| {
                            if ui.button("Enter a new key").clicked() {
                                actions.push(Msg::OpenKeyFix);
                            }
                            if ui.button("Open Settings (Ctrl+,)").clicked() {
                                actions.push(Msg::OpenSettings);
                            }
                        });
                    }
                }
            }
            next_patient_button(ui, &mut actions);
        }
    }
    actions
}

fn registered(
    ui: &mut egui::Ui,
    patient_id: &str,
    copied: bool,
    not_real: &str,
    actions: &mut Vec<Msg>,
) {
    ui.colored_label(
        ok_color(ui),
        RichText::new(format!("{OK_ICON} Registered with Hero{not_real}")).size(20.0),
    );
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(PATIENT_ID_LABEL).size(18.0));
        let mut shown = patient_id.to_owned();
        ui.add_sized(
            [280.0, 44.0],
            TextEdit::singleline(&mut shown).font(egui::FontId::monospace(28.0)),
        )
        .labelled_by(label.id);
    });
    ui.label(
        "Hero found this patient's existing record, or created one from their NHS (PDS) details.",
    );
    ui.horizontal(|ui| {
        if ui
            .add(egui::Button::new(RichText::new("Copy (Ctrl+C)").size(18.0)))
            .clicked()
        {
            actions.push(Msg::CopyResult);
        }
        if copied {
            ui.colored_label(ok_color(ui), format!("{OK_ICON} Copied"));
        }
    });
}

/// What Hero said when the patient must verify their identity.
struct Verification<'a> {
    message: &'a str,
    login_url: &'a str,
    safe_to_open: bool,
    opened: Option<&'a Result<(), crate::state::NoBrowser>>,
}

fn verification(
    ui: &mut egui::Ui,
    shown: Verification<'_>,
    not_real: &str,
    actions: &mut Vec<Msg>,
) {
    let Verification {
        message,
        login_url,
        safe_to_open,
        opened,
    } = shown;
    ui.label(
        RichText::new(format!("🔐 Identity check needed{not_real}"))
            .size(20.0)
            .strong(),
    );
    ui.label(RichText::new(message).size(16.0));
    match (safe_to_open, opened) {
        (false, _) => {
            error_line(
                ui,
                "This link is not secure (not https), so it was not opened. Don't give it to the patient; contact Hero support.",
            );
        }
        (true, Some(Ok(()))) => {
            ui.label("The verification page has opened in the browser: the patient completes it, then you register them again.");
        }
        (true, Some(Err(why))) => {
            error_line(
                ui,
                &format!("The browser couldn't be opened: {why}. Copy the link instead."),
            );
        }
        (true, None) => {}
    }
    ui.horizontal(|ui| {
        let label = ui.label(LOGIN_URL_LABEL);
        let mut shown = login_url.to_owned();
        ui.add_sized([520.0, 24.0], TextEdit::singleline(&mut shown))
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        if safe_to_open && ui.button("Open again (Ctrl+L)").clicked() {
            actions.push(Msg::OpenAgain);
        }
        if ui.button("Copy link (Ctrl+C)").clicked() {
            actions.push(Msg::CopyResult);
        }
    });
    next_patient_button(ui, actions);
}

fn cancel_button(ui: &mut egui::Ui, actions: &mut Vec<Msg>) {
    if ui
        .button(RichText::new("Cancel (Esc)").size(16.0))
        .clicked()
    {
        actions.push(Msg::Cancel);
    }
}

fn next_patient_button(ui: &mut egui::Ui, actions: &mut Vec<Msg>) {
    ui.add_space(8.0);
    if ui
        .button(RichText::new("Next patient (Esc)").size(16.0))
        .clicked()
    {
        actions.push(Msg::NextPatient);
    }
}
