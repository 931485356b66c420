//! A desk that keeps going while Hero is down: the real window against a local server
//! that answers, goes away, and comes back on the same port.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hero_intake::app::HeroIntakeApp;
use hero_intake::state::Phase;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body(nhs: &str) -> serde_json::Value {
    serde_json::json!({"nhs_number": nhs, "dob": "1992-02-01"})
}

/// Hero on this port: `/v1/me` answers, and each given patient registers once.
fn hero_on(fixture: &Fixture, port: u16, patients: &[(&str, &str)]) -> MockServer {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    fixture.runtime.block_on(async {
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"name": "Test Surgery"})),
            )
            .mount(&server)
            .await;
        for (nhs, id) in patients {
            Mock::given(method("POST"))
                .and(path("/v1/patients/register_pds"))
                .and(body_json(body(nhs)))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": id})),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        server
    })
}

fn registered_patients(fixture: &Fixture, server: &MockServer) -> Vec<String> {
    fixture
        .runtime
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/patients/register_pds")
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            body["nhs_number"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn nhs_field_is_empty_and_focused(harness: &Harness<'static, HeroIntakeApp>) -> bool {
    let field = harness.get_by_role_and_label(Role::TextInput, "NHS number");
    field.is_focused() && harness.state().intake().nhs_text.is_empty()
}

/// Types a patient while Hero is down and waits until the form says it is kept.
fn hold_patient(harness: &mut Harness<'static, HeroIntakeApp>, nhs: &str, held_before: usize) {
    enter_patient(harness, nhs, "01/02/1992");
    settle(harness, |h| {
        h.state().intake_held().len() == held_before + 1
    });
    assert!(
        has_text(
            harness,
            "is kept and will be sent when Hero is back — keep Hero Intake open"
        ),
        "the form says the patient is kept"
    );
    assert!(
        nhs_field_is_empty_and_focused(harness),
        "the form is free for the next patient"
    );
}

/// Enough frames for a click (pressed, released) to act and what it changed to show.
fn frames(harness: &mut Harness<'static, HeroIntakeApp>) {
    for _ in 0..4 {
        frame(harness);
    }
}

/// A free port on loopback, for a server that comes and goes.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The desk on a server at `port` that answered the first patient of the day, then went
/// away: the next patients typed are held.
fn desk_after_hero_went_down(fixture: &Fixture, port: u16) -> Harness<'static, HeroIntakeApp> {
    fixture.custom_server(&format!("http://127.0.0.1:{port}"));
    let mut harness = fixture.harness();
    let server = hero_on(fixture, port, &[("999 000 0018", "1001")]);
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    drop(server);
    harness.key_press(egui::Key::Escape);
    frame(&mut harness);
    harness
}

#[test]
fn patients_typed_while_hero_is_down_are_sent_once_in_order_when_it_is_back() {
    let fixture = Fixture::new();
    let port = free_port();
    let mut harness = desk_after_hero_went_down(&fixture, port);

    hold_patient(&mut harness, "999 000 0026", 0);
    hold_patient(&mut harness, "999 000 0034", 1);
    // Typed again while held: kept once.
    enter_patient(&mut harness, "999 000 0026", "01/02/1992");
    settle(&mut harness, |h| {
        has_text(h, "is already waiting to be sent")
    });
    assert_eq!(harness.state().intake_held().len(), 2);
    assert!(has_text(
        &harness,
        "2 patients waiting for Hero — next try in"
    ));
    assert_eq!(
        harness
            .query_all_by_label_contains("Waiting for Hero")
            .count(),
        2,
        "both in the shift list"
    );

    // Hero is back on the same port; Ctrl+R tries at once.
    let server = hero_on(
        &fixture,
        port,
        &[("999 000 0026", "1002"), ("999 000 0034", "1003")],
    );
    // The second one's record says the patient has died: the shift list keeps that.
    fixture.runtime.block_on(
        Mock::given(method("GET"))
            .and(path("/v2/patients/1003"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "hero_id": "1003", "first_name": "Pat", "last_name": "Madeup",
                "dob": "1992-02-01T00:00:00.000Z", "nhs_number": "9990000034",
                "deceased_at": "2026-01-01T00:00:00.000Z", "restricted": false,
                "ehr_registered": true
            })))
            .mount(&server),
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    settle(&mut harness, |h| h.state().intake_held().is_empty());
    settle(&mut harness, |h| {
        has_text(h, "Check: deceased on Hero's record")
    });
    assert!(
        !has_text(&harness, "Pat Madeup"),
        "the shift list stays masked"
    );
    settle(&mut harness, |h| {
        has_text(
            h,
            "Hero is back: 2 held patients sent — see this shift's list for each answer.",
        )
    });
    fixture.runtime.block_on(server.verify());
    assert_eq!(
        registered_patients(&fixture, &server),
        vec!["999 000 0026", "999 000 0034"],
        "in the order they were typed"
    );
    assert!(has_text(&harness, "Copy 1002") && has_text(&harness, "Copy 1003"));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));
}

#[test]
fn a_server_that_never_answered_is_a_wrong_address_and_nothing_is_held() {
    let fixture = Fixture::new();
    fixture.custom_server(&format!("http://127.0.0.1:{}", free_port()));
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Failed { .. })
    });
    assert!(harness.state().intake_held().is_empty());
    assert!(has_text(
        &harness,
        "Hero can't be reached: the connection was refused"
    ));
    assert_eq!(
        harness.state().intake().nhs_text,
        "999 000 0018",
        "the form is kept"
    );
}

#[test]
fn a_held_patient_can_be_removed_and_closing_with_held_patients_asks_first() {
    let fixture = Fixture::new();
    let mut harness = desk_after_hero_went_down(&fixture, free_port());
    hold_patient(&mut harness, "999 000 0026", 0);
    hold_patient(&mut harness, "999 000 0034", 1);

    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    frames(&mut harness);
    assert!(has_text(&harness, "2 patients are waiting for Hero"));
    assert!(has_text(&harness, "2 would be lost"));
    harness.get_by_label("Keep Hero Intake open").click();
    frames(&mut harness);
    assert!(!has_text(&harness, "2 would be lost"));
    assert_eq!(harness.state().intake_held().len(), 2);

    harness.get_all_by_label("Remove").next().unwrap().click();
    frames(&mut harness);
    assert_eq!(harness.state().intake_held().len(), 1);
    assert!(has_text(&harness, "1 patient waiting for Hero"));
}

#[test]
fn switching_environment_with_a_held_patient_asks_first_and_keeps_it_unless_told() {
    let fixture = Fixture::new();
    let mut harness = desk_after_hero_went_down(&fixture, free_port());
    hold_patient(&mut harness, "999 000 0026", 0);
    harness.get_by_label("Settings (Ctrl+,)").click();
    settle(&mut harness, |h| {
        h.state().screen() == hero_intake::app::Screen::Settings
    });
    assert!(
        has_text(&harness, "1 patient waiting for Hero"),
        "on every screen"
    );

    harness.get_by_label("Staging").click();
    frames(&mut harness);
    assert!(has_text(&harness, "1 patient is waiting for Hero"));
    assert!(has_text(
        &harness,
        "Switching to Staging loses them: 1 would not be registered"
    ));
    // Under the question, Esc answers "keep" (it doesn't reach the screen beneath).
    harness.key_press(egui::Key::Escape);
    frames(&mut harness);
    assert!(!has_text(&harness, "Switching to Staging loses them"));
    assert_eq!(
        harness.state().screen(),
        hero_intake::app::Screen::Settings,
        "Settings stays open"
    );
    harness.get_by_label("Staging").click();
    frames(&mut harness);
    harness.get_by_label("Keep them (don't switch)").click();
    frames(&mut harness);
    assert_eq!(
        harness.state().environment(),
        hero_intake::config::Environment::Custom
    );
    assert_eq!(harness.state().intake_held().len(), 1);

    harness.get_by_label("Staging").click();
    frames(&mut harness);
    harness
        .get_by_label("Switch to Staging and lose them")
        .click();
    frames(&mut harness);
    assert_eq!(
        harness.state().environment(),
        hero_intake::config::Environment::Staging
    );
    assert!(harness.state().intake_held().is_empty());
}

#[test]
fn a_server_that_passed_test_connection_before_counts_as_having_answered() {
    let fixture = Fixture::new();
    let address = format!("http://127.0.0.1:{}", free_port());
    fixture.custom_server(&address);
    let mut settings = fixture.settings_file().load();
    settings.last_checked_server = Some(address);
    fixture.settings_file().save(&settings).unwrap();
    let mut harness = fixture.harness();
    hold_patient(&mut harness, "999 000 0018", 0);
}
