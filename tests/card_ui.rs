//! Who was matched: the real window reads the registered patient back and shows the
//! card beneath the patient ID, against a real local server.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use egui_kittest::Harness;
use hero_intake::app::HeroIntakeApp;
use hero_intake::state::Phase;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATIENT_ID: &str = "70001";

/// Hero's record for the test patient, as the patients reference shapes it.
fn record() -> serde_json::Value {
    serde_json::json!({
        "hero_id": PATIENT_ID,
        "first_name": "Alex",
        "last_name": "Testperson",
        "dob": "1992-02-01T00:00:00.000Z",
        "nhs_number": "9990000018",
        "mobile": "07700 900123",
        "email": "alex.testperson@example.org",
        "line_1": "1 Madeup Street",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "restricted": false,
        "deceased_at": null,
        "ehr_registered": true,
        "some_field_hero_added_later": {"ignored": true}
    })
}

fn with(changes: serde_json::Value) -> serde_json::Value {
    let mut record = record();
    for (key, value) in changes.as_object().unwrap() {
        record[key] = value.clone();
    }
    record
}

/// Registers the test patient, then reads it back with `details`.
fn server(fixture: &Fixture, details: ResponseTemplate) -> MockServer {
    fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"patient_id": PATIENT_ID})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v2/patients/{PATIENT_ID}")))
            .respond_with(details)
            .expect(1)
            .mount(&server)
            .await;
        server
    })
}

fn registered_with(
    details: ResponseTemplate,
) -> (Fixture, MockServer, Harness<'static, HeroIntakeApp>) {
    let fixture = Fixture::new();
    let server = server(&fixture, details);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| {
        h.state().intake_card().is_some_and(|c| {
            !matches!(
                c.details,
                hero_intake::screens::intake::card::Details::Reading
            )
        })
    });
    (fixture, server, harness)
}

#[test]
fn the_card_shows_who_was_matched_with_contacts_masked() {
    let (fixture, server, harness) =
        registered_with(ResponseTemplate::new(200).set_body_json(record()));
    fixture.runtime.block_on(server.verify());
    for line in [
        "Alex Testperson",
        "Born 1 February 1992",
        "NHS number 999 000 0018",
        "Postcode LS1 4AP",
        "mobile ending 123",
    ] {
        assert!(has_text(&harness, line), "{line}");
    }
    // Enough to ask the patient, never their contacts across the desk.
    assert!(!has_text(&harness, "900123"));
    assert!(!has_text(&harness, "alex.testperson@example.org"));
    assert!(!has_text(&harness, "1 Madeup Street"));
    assert!(!has_text(&harness, "Temporary patient"));
    assert!(!has_text(&harness, "Check with the patient"));
}

#[test]
fn a_restricted_record_shows_no_address_or_contact_whatever_hero_sent() {
    let (_fixture, _server, harness) = registered_with(
        ResponseTemplate::new(200).set_body_json(with(serde_json::json!({"restricted": true}))),
    );
    assert!(has_text(
        &harness,
        "Restricted record: the patient's address and contact details must not be disclosed."
    ));
    assert!(has_text(&harness, "Alex Testperson"));
    assert!(
        has_text(&harness, "Check: restricted record"),
        "in the shift list"
    );
    for hidden in [
        "LS1 4AP",
        "Postcode LS1",
        "mobile ending",
        "email ",
        "example.org",
        "Madeup",
        "Leeds",
    ] {
        assert!(
            !has_text(&harness, hidden),
            "{hidden} shown for a restricted record"
        );
    }
}

#[test]
fn each_thing_that_needs_a_second_look_is_said() {
    let cases = [
        (
            serde_json::json!({"deceased_at": "2025-03-01T00:00:00.000Z"}),
            "Hero's record shows this patient has died: check the details before going on.",
        ),
        (
            serde_json::json!({"dob": "1992-01-02T00:00:00.000Z"}),
            "Date of birth differs: typed 1 February 1992, Hero's record 2 January 1992. Check with the patient.",
        ),
        (
            serde_json::json!({"ehr_registered": false}),
            "Temporary patient: not registered at this practice in its clinical system.",
        ),
    ];
    for (change, said) in cases {
        let (_fixture, _server, harness) =
            registered_with(ResponseTemplate::new(200).set_body_json(with(change)));
        assert!(has_text(&harness, said), "{said}");
        assert!(has_value(&harness, PATIENT_ID), "the registration stands");
    }
}

#[test]
fn details_that_cant_be_read_say_why_and_the_registration_stands() {
    let cases = [
        (403, "this API key is not allowed to read patients' details"),
        (404, "Hero found no patient under this ID"),
        (500, "Details not shown"),
    ];
    for (status, said) in cases {
        let (_fixture, _server, harness) = registered_with(ResponseTemplate::new(status));
        assert!(has_text(&harness, said), "{status}: {said}");
        assert!(has_text(&harness, "The registration stands."));
        assert!(matches!(
            harness.state().intake().phase(),
            Phase::Registered { .. }
        ));
        assert!(has_value(&harness, PATIENT_ID));
    }
}

#[test]
fn esc_clears_the_card_with_the_form() {
    let (_fixture, _server, mut harness) =
        registered_with(ResponseTemplate::new(200).set_body_json(record()));
    assert!(has_text(&harness, "Alex Testperson"));
    harness.key_press(egui::Key::Escape);
    for _ in 0..4 {
        frame(&mut harness);
    }
    assert!(harness.state().intake_card().is_none());
    assert!(!has_text(&harness, "Alex Testperson"));
}

/// Hero whose read-back answers `record` only when the test lets it (`gate`).
fn gated_server(fixture: &Fixture, record: serde_json::Value) -> Arc<tokio::sync::Notify> {
    use axum::routing::{get, post};
    let gate = Arc::new(tokio::sync::Notify::new());
    let answer = gate.clone();
    let app = axum::Router::new()
        .route(
            "/v1/patients/register_pds",
            post(|| async { axum::Json(serde_json::json!({"patient_id": PATIENT_ID})) }),
        )
        .route(
            "/v2/patients/{id}",
            get(move || {
                let (answer, record) = (answer.clone(), record.clone());
                async move {
                    answer.notified().await;
                    axum::Json(record)
                }
            }),
        );
    let listener = fixture
        .runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    fixture
        .runtime
        .spawn(async move { axum::serve(listener, app).await });
    fixture.custom_server(&format!("http://{address}"));
    gate
}

/// Esc before the read-back answers: what it finds still reaches the shift list.
#[test]
fn the_checks_reach_the_shift_list_when_the_desk_moved_on_before_the_answer() {
    let fixture = Fixture::new();
    let gate = gated_server(
        &fixture,
        with(serde_json::json!({"deceased_at": "2025-03-01T00:00:00.000Z"})),
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    harness.key_press(egui::Key::Escape);
    settle(&mut harness, |h| h.state().intake_card().is_none());
    gate.notify_one();
    settle(&mut harness, |h| {
        has_text(h, "Check: deceased on Hero's record")
    });
}

/// The read-back waits for the test to let it answer: the ID must not wait for it.
#[test]
fn the_patient_id_is_on_screen_and_copyable_before_the_details_arrive() {
    let fixture = Fixture::new();
    let gate = gated_server(&fixture, record());
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    assert!(has_value(&harness, PATIENT_ID));
    assert!(has_text(
        &harness,
        "Reading the patient's details from Hero"
    ));
    // Ctrl+C as one frame's event, so that frame's output has the copy.
    harness.input_mut().events.push(egui::Event::Key {
        key: egui::Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    frame(&mut harness);
    assert_eq!(copied_text(&harness).as_deref(), Some(PATIENT_ID));
    assert!(
        !has_text(&harness, "Alex Testperson"),
        "the details are still on their way"
    );

    gate.notify_one();
    settle(&mut harness, |h| has_text(h, "Alex Testperson"));
}
