//! Batch intake in the real window: import, preview, run, pause, cancel, export.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use egui_kittest::kittest::Queryable;
use hero_core::testing::nhs_numbers_from;
use hero_intake::app::Screen;
use hero_intake::batch::{ResultOutcome, read_list};
use hero_intake::patient::TestNumbers;
use hero_intake::sandbox::{self, DEMO_API_KEY, DEMO_PRACTICE_GROUP_ID, SandboxOptions};
use hero_intake::screens::batch::BatchStage;

fn numbers(count: usize) -> Vec<String> {
    nhs_numbers_from(999_200_000).take(count).collect()
}

fn fixture_with_list(rows: usize, rate: f64) -> (Fixture, sandbox::RunningSandbox) {
    let mut fixture = Fixture::new();
    let running = fixture
        .runtime
        .block_on(sandbox::spawn(
            0,
            SandboxOptions {
                rate_limit_per_second: Some(rate),
                ..SandboxOptions::default()
            },
        ))
        .unwrap();
    fixture.custom_server_with(
        running.base_url.as_str(),
        DEMO_API_KEY,
        DEMO_PRACTICE_GROUP_ID,
    );
    let mut text = String::from("NHS No;DOB\r\n");
    for n in numbers(rows) {
        text.push_str(&format!("{n};01/02/1990\r\n"));
    }
    text.push_str("999 000 001;01/02/1990\r\n");
    let list = fixture.dir.path().join("clinic list.csv");
    std::fs::write(&list, text).unwrap();
    fixture.files.list = Some(list);
    fixture.files.results = Some(fixture.dir.path().join("results.csv"));
    (fixture, running)
}

fn import(harness: &mut egui_kittest::Harness<'static, hero_intake::app::HeroIntakeApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    settle(harness, |h| h.state().screen() == Screen::Batch);
}

#[test]
fn a_list_is_previewed_and_nothing_is_sent_before_confirming() {
    let (fixture, running) = fixture_with_list(12, 100.0);
    let mut harness = fixture.harness();
    import(&mut harness);
    assert!(has_text(&harness, "Patient list: clinic list.csv"));
    assert!(has_text(
        &harness,
        "13 rows: 12 to send, 1 that can't be sent"
    ));
    assert!(has_text(
        &harness,
        "Not sent: NHS number: NHS number must be 10 digits — 9 entered"
    ));
    assert!(has_text(&harness, "Row 14"));
    harness.get_by_label("Register 12 patients");
    // The line at the bottom names this screen's keys, not the form's.
    assert!(has_text(&harness, "Esc: back to the form"));
    assert!(!has_text(&harness, "Enter: register"));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 0);
}

#[test]
fn a_list_runs_to_the_end_and_the_results_are_exported() {
    let (fixture, running) = fixture_with_list(30, 200.0);
    let mut harness = fixture.harness();
    import(&mut harness);
    harness.get_by_label("Register 30 patients").click();
    settle(&mut harness, |h| {
        matches!(h.state().batch().unwrap().stage, BatchStage::Finished(_))
    });
    assert!(has_text(&harness, "Finished: 30 of 30 sent"));
    assert!(has_text(&harness, "Ctrl+S: export the results"));
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 30);

    // The filter shows only the problems: row 2 (sent) is on screen before, not after.
    use egui_kittest::kittest::Queryable;
    assert!(harness.query_by_label("Row 2").is_some());
    harness.get_by_label("Problems").click();
    harness.step();
    harness.step();
    assert!(has_text(&harness, "Row 32"));
    assert!(harness.query_by_label("Row 2").is_none());

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    settle(&mut harness, |h| h.state().batch().unwrap().saved.is_some());
    assert!(has_text(&harness, "It holds patient data"));
    let saved = std::fs::read(fixture.files.results.as_ref().unwrap()).unwrap();
    let back = read_list(
        &saved,
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    assert_eq!(back.counts().valid, 30);
    let text = String::from_utf8_lossy(&saved);
    assert_eq!(text.matches("Registered").count(), 30);
}

#[test]
fn pause_holds_the_list_and_cancel_stops_it_with_every_row_accounted_for() {
    let (fixture, running) = fixture_with_list(200, 20.0);
    let mut harness = fixture.harness();
    import(&mut harness);
    harness.get_by_label("Register 200 patients").click();
    settle(&mut harness, |h| {
        h.state()
            .batch()
            .unwrap()
            .progress
            .is_some_and(|p| p.done >= 5)
    });
    assert!(has_text(&harness, "Esc: cancel the run"));
    harness.get_by_label("Pause").click();
    harness.step();
    harness.step();
    assert!(has_text(&harness, "Paused: nothing is being sent."));
    std::thread::sleep(Duration::from_millis(300));
    let paused_at = running.stats.registrations.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        running.stats.registrations.load(Ordering::Relaxed),
        paused_at
    );

    harness.key_press(egui::Key::Escape);
    settle(&mut harness, |h| {
        matches!(h.state().batch().unwrap().stage, BatchStage::Finished(_))
    });
    assert!(has_text(&harness, "Stopped:"));
    let session = harness.state().batch().unwrap();
    let rows = hero_intake::batch::run::result_rows(&session.list, &session.results);
    assert_eq!(rows.len(), 201);
    let not_sent = rows
        .iter()
        .filter(|r| r.outcome == ResultOutcome::NotSent)
        .count();
    assert!(not_sent > 100, "most rows were never sent: {not_sent}");
    assert_eq!(
        rows.iter()
            .filter(|r| r.outcome == ResultOutcome::Registered)
            .count()
            + not_sent
            + 1,
        201
    );
}

#[test]
fn closing_the_window_during_a_run_asks_first() {
    let (fixture, _running) = fixture_with_list(200, 10.0);
    let mut harness = fixture.harness();
    import(&mut harness);
    harness.get_by_label("Register 200 patients").click();
    harness.step();
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.step();
    harness.step();
    assert!(has_text(
        &harness,
        "A patient list is still being registered"
    ));
    harness.get_by_label("Keep running").click();
    harness.step();
    harness.step();
    assert!(!has_text(
        &harness,
        "A patient list is still being registered"
    ));
    assert!(harness.state().batch().unwrap().is_running());
}

#[test]
fn a_list_traced_by_name_shows_each_patient_masked_and_registers_them() {
    let (mut fixture, running) = fixture_with_list(0, 100.0);
    let list = fixture.dir.path().join("names.csv");
    std::fs::write(
        &list,
        "Forename,Surname,DOB,Postcode\r\nSam,Demoperson,07/03/1988,ls14ap\r\nRobin,,23/04/1960,M1 1AE\r\n",
    )
    .unwrap();
    fixture.files.list = Some(list);
    let mut harness = fixture.harness();
    import(&mut harness);
    assert!(has_text(
        &harness,
        "2 rows: 1 to send, 1 that can't be sent"
    ));
    // Initials and the postcode's first half; never the names themselves.
    assert!(has_text(&harness, "S. D. LS1 ***"));
    assert!(has_text(&harness, "R. * M1 ***"));
    for name in ["Demoperson", "Robin", "LS1 4AP"] {
        assert!(!has_text(&harness, name), "{name} on screen");
    }
    assert!(has_text(&harness, "Not sent: Enter the patient's surname"));
    harness.get_by_label("Register 1 patient").click();
    settle(&mut harness, |h| has_text(h, "Finished"));
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 1);
}

/// Answers the file dialog only when the test says so.
struct GatedPicker {
    list: std::path::PathBuf,
    release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl hero_intake::files::FilePicker for GatedPicker {
    fn pick_list(&self) -> Option<std::path::PathBuf> {
        let _ = self.release.lock().unwrap().recv();
        Some(self.list.clone())
    }
    fn pick_results_destination(&self, _suggested_name: &str) -> Option<std::path::PathBuf> {
        None
    }
}

#[test]
fn a_list_read_while_switching_to_production_is_not_offered_for_sending() {
    let (fixture, running) = fixture_with_list(3, 100.0);
    let (release, gate) = std::sync::mpsc::channel();
    let mut options = fixture.options();
    options.file_picker = std::sync::Arc::new(GatedPicker {
        list: fixture.files.list.clone().unwrap(),
        release: std::sync::Mutex::new(gate),
    });
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(900.0, 760.0))
        .build_eframe(move |cc| hero_intake::app::HeroIntakeApp::new(cc, options));
    settle(&mut harness, |h| !h.state().is_loading());
    // The dialog opens on Custom (test numbers allowed)…
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.step();
    // …and while it is open the receptionist switches to Production.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    harness.step();
    harness.get_by_label("Production").click();
    harness.step();
    release.send(()).unwrap();
    settle(&mut harness, |h| h.state().list_problem().is_some());
    let problem = harness.state().list_problem().unwrap();
    assert!(
        problem.starts_with(
            "The environment changed to Production while clinic list.csv was being read"
        ),
        "{problem}"
    );
    assert_ne!(harness.state().screen(), Screen::Batch);
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 0);
}

#[test]
fn settings_opened_over_a_running_list_go_back_to_it_and_keep_its_environment() {
    let (fixture, _running) = fixture_with_list(200, 10.0);
    let mut harness = fixture.harness();
    import(&mut harness);
    harness.get_by_label("Register 200 patients").click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    assert!(has_text(&harness, "Esc: close Settings"));

    // Its patients go where it started: switching now is refused, and says why.
    harness.get_by_label("Demo").click();
    settle(&mut harness, |h| h.state().settings_message().is_some());
    assert!(has_text(
        &harness,
        "Wait for the list to finish (or cancel it) before changing environment"
    ));
    assert_eq!(
        harness.state().environment(),
        hero_intake::config::Environment::Custom
    );

    harness.key_press(egui::Key::Escape);
    settle(&mut harness, |h| h.state().screen() == Screen::Batch);
    assert!(harness.state().batch().unwrap().is_running());
    assert!(has_text(&harness, "Patient list: clinic list.csv"));
}

#[test]
fn rows_hero_could_not_be_reached_for_are_sent_again_with_one_key_and_no_other() {
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let mut fixture = Fixture::new();
    let server = fixture.runtime.block_on(MockServer::start());
    fixture.custom_server(&server.uri());
    let [fine, down]: [String; 2] = numbers(2).try_into().unwrap();
    // Sent as `999 200 0000`.
    let body = |nhs: &str| {
        let spaced = format!("{} {} {}", &nhs[..3], &nhs[3..6], &nhs[6..]);
        serde_json::json!({"nhs_number": spaced, "dob": "1990-02-01"})
    };
    fixture.runtime.block_on(async {
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(body_json(body(&fine)))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "501"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        // Down for the first run (a 503 on every try), up for the second.
        Mock::given(method("POST"))
            .and(body_json(body(&down)))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(4)
            .expect(4)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_json(body(&down)))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "502"})),
            )
            .expect(1)
            .mount(&server)
            .await;
    });
    let list = fixture.dir.path().join("two.csv");
    std::fs::write(
        &list,
        format!("NHS number,DOB\n{fine},01/02/1990\n{down},01/02/1990\n"),
    )
    .unwrap();
    fixture.files.list = Some(list);
    let mut harness = fixture.harness();
    import(&mut harness);
    harness.get_by_label("Register 2 patients").click();
    settle(&mut harness, |h| {
        matches!(h.state().batch().unwrap().stage, BatchStage::Finished(_))
    });
    assert!(has_text(
        &harness,
        "1 row failed because Hero couldn't be reached; sending it again is safe."
    ));
    assert!(has_text(
        &harness,
        "Ctrl+R: send the rows Hero couldn't be reached for again"
    ));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    settle(&mut harness, |h| {
        let batch = h.state().batch().unwrap();
        matches!(batch.stage, BatchStage::Finished(_)) && batch.rows_to_send_again().is_empty()
    });
    assert!(!has_text(&harness, "because Hero couldn't be reached"));
    // Each row registered exactly once; the fine row was never sent again.
    fixture.runtime.block_on(server.verify());
    let rows = hero_intake::batch::run::result_rows(
        &harness.state().batch().unwrap().list,
        &harness.state().batch().unwrap().results,
    );
    assert!(rows.iter().all(|r| r.outcome == ResultOutcome::Registered));
}
