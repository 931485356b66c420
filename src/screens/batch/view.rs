//! The list screen drawn: the preview, the progress, the results table.

use egui::RichText;

use super::{BatchStage, Msg, ResultFilter, State as BatchSession};
use crate::api::Registration;
use crate::batch::run::{BatchControl, BatchSummary, RunState};
use crate::batch::{BatchRow, RowCheck};
use crate::ui::{error_line, ok_color};

/// How one row of the file stands, in words and for the filter.
enum RowView<'a> {
    Waiting,
    Invalid(&'a str),
    Duplicate(usize),
    Registered(&'a str),
    IdentityCheck(&'a str),
    Failed(String),
}

fn row_view<'a>(session: &'a BatchSession, row: &'a BatchRow) -> RowView<'a> {
    match (&row.outcome, session.results.get(&row.row_number)) {
        (RowCheck::Invalid { reason }, _) => RowView::Invalid(reason),
        (RowCheck::Duplicate { first_row }, _) => RowView::Duplicate(*first_row),
        (RowCheck::Valid(_), None) => RowView::Waiting,
        (RowCheck::Valid(_), Some(Ok(Registration::Registered { patient_id }))) => {
            RowView::Registered(patient_id.as_str())
        }
        (RowCheck::Valid(_), Some(Ok(Registration::VerificationRequired { login_url, .. }))) => {
            RowView::IdentityCheck(login_url)
        }
        (RowCheck::Valid(_), Some(Err(error))) => RowView::Failed(error.cause()),
    }
}

fn masked(row: &BatchRow) -> String {
    match &row.outcome {
        RowCheck::Valid(query) => query.masked(),
        // A row without an NHS number: initials and the postcode's first part, as sent.
        _ if row.nhs_number.is_empty() && !(row.forename.is_empty() && row.surname.is_empty()) => {
            use crate::demographics::{NamePart, PersonName, Postcode};
            let initial = |name: &str, part| {
                PersonName::parse(name, part).map_or_else(|_| "*".to_owned(), |n| n.masked())
            };
            // Only a real postcode's outward code: the cell may hold anything.
            let postcode =
                Postcode::parse(&row.postcode).map_or_else(|_| "***".to_owned(), |p| p.masked());
            format!(
                "{} {} {postcode}",
                initial(&row.forename, NamePart::Forename),
                initial(&row.surname, NamePart::Surname)
            )
        }
        _ => {
            let digits: String = row
                .nhs_number
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            match digits.len() {
                0 => "(none)".to_owned(),
                n if n >= 4 => format!("*** *** {}", &digits[n - 4..]),
                _ => "***".to_owned(),
            }
        }
    }
}

fn passes(filter: ResultFilter, view: &RowView<'_>) -> bool {
    match filter {
        ResultFilter::All => true,
        ResultFilter::Registered => matches!(view, RowView::Registered(_)),
        ResultFilter::IdentityCheck => matches!(view, RowView::IdentityCheck(_)),
        ResultFilter::Problems => matches!(
            view,
            RowView::Invalid(_) | RowView::Failed(_) | RowView::Duplicate(_)
        ),
    }
}

pub fn show(ui: &mut egui::Ui, session: &BatchSession, demo: bool) -> Vec<Msg> {
    let mut actions = Vec::new();
    let counts = session.list.counts();
    ui.heading(format!("Patient list: {}", session.file_name));
    if demo {
        ui.label(RichText::new("DEMO: sent to the built-in sandbox, not to Hero.").strong());
    }
    ui.label(format!(
        "{} rows: {} to send, {} that can't be sent, {} duplicates (sent once). Read as {}, {}-separated{}.",
        counts.total(),
        counts.valid,
        counts.invalid,
        counts.duplicate,
        session.list.encoding_name,
        session.list.delimiter.name(),
        if session.list.had_header { ", with a header row" } else { ", no header row" },
    ));
    if let Some(note) = session.list.title_rows_note() {
        ui.label(note);
    }
    ui.add_space(6.0);

    match &session.stage {
        BatchStage::Preview => {
            ui.horizontal(|ui| {
                let start = egui::Button::new(
                    RichText::new(match counts.valid {
                        1 => "Register 1 patient".to_owned(),
                        n => format!("Register {n} patients"),
                    })
                    .size(18.0),
                );
                if ui.add_enabled(counts.valid > 0, start).clicked() {
                    actions.push(Msg::Start);
                }
                if ui.button("Choose another file… (Ctrl+O)").clicked() {
                    actions.push(Msg::ImportList);
                }
                if ui.button("Back (Esc)").clicked() {
                    actions.push(Msg::Close);
                }
            });
            ui.label("Nothing is sent until you press Register. Rows that can't be sent are listed below with the reason.");
        }
        BatchStage::Running { control } => running(ui, session, control, &mut actions),
        BatchStage::Finished(summary) => finished(ui, session, summary, &mut actions),
    }
    ui.separator();
    results_table(ui, session, &mut actions);
    actions
}

/// The progress bar, and pause, resume and cancel.
fn running(
    ui: &mut egui::Ui,
    session: &BatchSession,
    control: &BatchControl,
    actions: &mut Vec<Msg>,
) {
    let counts = session.list.counts();
    let progress = session.progress;
    let (done, total) = progress.map_or((0, counts.valid), |p| (p.done, p.total));
    let fraction = if total == 0 {
        1.0
    } else {
        done as f32 / total as f32
    };
    let detail = match progress {
        Some(p) if p.per_second > 0.0 => format!(
            "{done} / {total} — {:.1} per second — about {} left{}",
            p.per_second,
            describe_duration(p.time_left.unwrap_or_default()),
            if p.rate_limited > 0 {
                format!(" — Hero asked to slow down {} times", p.rate_limited)
            } else {
                String::new()
            }
        ),
        _ => format!("{done} / {total}"),
    };
    ui.add(egui::ProgressBar::new(fraction).text(detail));
    ui.horizontal(|ui| {
        if control.state() == RunState::Paused {
            ui.label("Paused: nothing is being sent.");
            if ui.button("Resume").clicked() {
                actions.push(Msg::Resume);
            }
        } else if ui.button("Pause").clicked() {
            actions.push(Msg::Pause);
        }
        if ui.button("Cancel (Esc)").clicked() {
            actions.push(Msg::Cancel);
        }
    });
}

/// How the run ended, export, and where the results went.
pub const SEND_AGAIN_LABEL: &str = "Send those rows again (Ctrl+R)";

fn finished(
    ui: &mut egui::Ui,
    session: &BatchSession,
    summary: &BatchSummary,
    actions: &mut Vec<Msg>,
) {
    let text = format!(
        "{} {} of {} sent in {}. Running the same file again is safe: Hero returns the existing patient ID.",
        if summary.cancelled {
            "Stopped:"
        } else {
            "Finished:"
        },
        summary.done,
        summary.total,
        describe_duration(summary.elapsed)
    );
    if summary.cancelled {
        error_line(ui, &text);
    } else {
        ui.colored_label(ok_color(ui), text);
    }
    let not_reached = session.rows_to_send_again().len();
    if not_reached > 0 {
        ui.horizontal_wrapped(|ui| {
            error_line(
                ui,
                &format!(
                    "{not_reached} {} because Hero couldn't be reached; sending {} again is safe.",
                    if not_reached == 1 {
                        "row failed"
                    } else {
                        "rows failed"
                    },
                    if not_reached == 1 { "it" } else { "them" },
                ),
            );
            if ui.button(SEND_AGAIN_LABEL).clicked() {
                actions.push(Msg::SendAgain);
            }
        });
    }
    ui.horizontal(|ui| {
        if ui.button("Export results… (Ctrl+S)").clicked() {
            actions.push(Msg::Export);
        }
        if ui.button("Import another list… (Ctrl+O)").clicked() {
            actions.push(Msg::ImportList);
        }
        if ui.button("Back (Esc)").clicked() {
            actions.push(Msg::Close);
        }
    });
    match &session.saved {
        Some(Ok(path)) => {
            ui.colored_label(
                ok_color(ui),
                format!(
                    "Saved to {}. It holds patient data: keep it somewhere safe.",
                    path.display()
                ),
            );
        }
        Some(Err(why)) => {
            error_line(ui, &format!("Not saved: {why}"));
        }
        None => {}
    }
}

fn results_table(ui: &mut egui::Ui, session: &BatchSession, actions: &mut Vec<Msg>) {
    ui.horizontal(|ui| {
        ui.label("Show:");
        for (filter, label) in [
            (ResultFilter::All, "All"),
            (ResultFilter::Registered, "Registered"),
            (ResultFilter::IdentityCheck, "Identity check needed"),
            (ResultFilter::Problems, "Problems"),
        ] {
            if ui
                .selectable_label(session.filter == filter, label)
                .clicked()
            {
                actions.push(Msg::Filter(filter));
            }
        }
    });
    let rows: Vec<(&BatchRow, RowView<'_>)> = session
        .list
        .rows
        .iter()
        .map(|row| (row, row_view(session, row)))
        .filter(|(_, view)| passes(session.filter, view))
        .collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    // Only the visible rows are drawn, so a list of thousands stays quick.
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for (row, view) in &rows[range] {
                ui.horizontal(|ui| {
                    ui.add_sized(
                        [70.0, row_height],
                        egui::Label::new(format!("Row {}", row.row_number)),
                    );
                    ui.add_sized(
                        [120.0, row_height],
                        egui::Label::new(RichText::new(masked(row)).monospace()),
                    );
                    match view {
                        RowView::Waiting => {
                            ui.label(match session.stage {
                                BatchStage::Preview => "Ready to send",
                                BatchStage::Running { .. } => "Waiting",
                                BatchStage::Finished(_) => "Not sent: the list was stopped first",
                            });
                        }
                        RowView::Invalid(reason) => {
                            error_line(ui, &format!("Not sent: {reason}"));
                        }
                        RowView::Duplicate(first) => {
                            ui.label(format!("Duplicate of row {first}: sent once"));
                        }
                        RowView::Registered(patient_id) => {
                            ui.colored_label(ok_color(ui), "Registered");
                            ui.monospace(*patient_id);
                            if ui.small_button("Copy").clicked() {
                                actions.push(Msg::CopyText((*patient_id).to_owned()));
                            }
                        }
                        RowView::IdentityCheck(url) => {
                            ui.label("Identity check needed");
                            if ui.small_button("Open link").clicked() {
                                actions.push(Msg::OpenLink((*url).to_owned()));
                            }
                            if ui.small_button("Copy link").clicked() {
                                actions.push(Msg::CopyText((*url).to_owned()));
                            }
                        }
                        RowView::Failed(cause) => {
                            error_line(ui, cause);
                        }
                    }
                });
            }
        });
}

pub fn describe_duration(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}
