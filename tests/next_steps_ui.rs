//! The next step at the desk, in the real window: a message or an invitation to book
//! from a registered patient's card, keyboard only, against real local servers.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::Ordering;

use common::*;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use hero_intake::app::HeroIntakeApp;
use hero_intake::config::Settings;
use hero_intake::sandbox::{self, DEMO_API_KEY, DEMO_PRACTICE_GROUP_ID, SandboxOptions};
use hero_intake::screens::intake::card::Details;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATIENT_ID: &str = "70001";

fn record(changes: serde_json::Value) -> serde_json::Value {
    let mut record = serde_json::json!({
        "hero_id": PATIENT_ID, "first_name": "Alex", "last_name": "Testperson",
        "dob": "1992-02-01T00:00:00.000Z", "nhs_number": "9990000018",
        "mobile": "07700 900123", "postcode": "LS1 4AP",
        "restricted": false, "deceased_at": null, "ehr_registered": true
    });
    for (key, value) in changes.as_object().unwrap() {
        record[key] = value.clone();
    }
    record
}

/// One key (or chord) as one frame's event, counted.
fn press(
    harness: &mut Harness<'static, HeroIntakeApp>,
    key: Key,
    modifiers: Modifiers,
    count: &mut usize,
) {
    harness.input_mut().events.push(Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    });
    frame(harness);
    *count += 1;
}

fn card_read(h: &Harness<'static, HeroIntakeApp>) -> bool {
    h.state()
        .intake_card()
        .is_some_and(|c| !matches!(c.details, Details::Reading))
}

/// A server that registers the test patient and reads back `record`.
fn hero(fixture: &Fixture, record: serde_json::Value) -> MockServer {
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
            .respond_with(ResponseTemplate::new(200).set_body_json(record))
            .mount(&server)
            .await;
        server
    })
}

fn registered(fixture: &Fixture, server: &MockServer) -> Harness<'static, HeroIntakeApp> {
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, card_read);
    harness
}

#[test]
fn a_message_is_sent_keyboard_only_with_exactly_what_was_typed_and_once() {
    let fixture = Fixture::new();
    let server = hero(&fixture, record(serde_json::json!({})));
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/messages/send"))
            // The record's contact is used by leaving the recipient out; nothing else sent.
            .and(body_json(serde_json::json!({
                "patient_id": PATIENT_ID, "message_type": "sms", "message_string": "Hello Alex"
            })))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m-1"})),
            )
            .expect(1)
            .mount(&server),
    );
    let mut harness = registered(&fixture, &server);
    assert!(has_text(&harness, "Send a message (Ctrl+M)"));
    let mut keys = 0;
    press(&mut harness, Key::M, Modifiers::COMMAND, &mut keys);
    frame(&mut harness);
    assert!(has_text(&harness, "To: mobile ending 123"));
    harness
        .input_mut()
        .events
        .push(Event::Text("Hello Alex".to_owned()));
    frame(&mut harness);
    assert!(has_text(&harness, "10 characters, 1 SMS"));
    // Enter in the message is a new line; Ctrl+Enter sends, and again sends nothing.
    press(&mut harness, Key::Enter, Modifiers::COMMAND, &mut keys);
    press(&mut harness, Key::Enter, Modifiers::COMMAND, &mut keys);
    settle(&mut harness, |h| {
        has_text(h, "Sent (Hero's message ID m-1)")
    });
    assert!(has_text(&harness, "✔ SMS sent"), "in this shift's list");
    fixture.runtime.block_on(server.verify());
    // Esc backs out of the message, then starts the next patient.
    press(&mut harness, Key::Escape, Modifiers::NONE, &mut keys);
    frame(&mut harness);
    assert!(harness.state().intake_card().is_some(), "the card stays");
    assert!(has_text(&harness, "Invite to book (Ctrl+B)"));
}

#[test]
fn an_invitation_to_book_with_the_practice_defaults_takes_three_keys() {
    let mut fixture = Fixture::new();
    let running = fixture
        .runtime
        .block_on(sandbox::spawn(0, SandboxOptions::default()))
        .unwrap();
    fixture.custom_server_with(
        running.base_url.as_str(),
        DEMO_API_KEY,
        DEMO_PRACTICE_GROUP_ID,
    );
    let mut settings: Settings = fixture.settings_file().load();
    settings.appointment_type = Some("flu".to_owned());
    settings.location = Some("main site".to_owned());
    fixture.settings_file().save(&settings).unwrap();
    fixture.files.list = None;
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, card_read);
    settle(&mut harness, |h| has_text(h, "Invite to book (Ctrl+B)"));

    let mut keys = 0;
    press(&mut harness, Key::B, Modifiers::COMMAND, &mut keys);
    settle(&mut harness, |h| {
        has_text(h, "Flu vaccination") && has_text(h, "Demo Surgery (main site)")
    });
    press(&mut harness, Key::Enter, Modifiers::NONE, &mut keys);
    settle(&mut harness, |h| has_text(h, "Send it by SMS (Enter)"));
    press(&mut harness, Key::Enter, Modifiers::NONE, &mut keys);
    settle(&mut harness, |h| has_text(h, "✔ Invite to book sent"));
    assert_eq!(
        keys, 3,
        "from the patient ID on screen to the invitation sent"
    );
    assert_eq!(running.stats.booking_links.load(Ordering::Relaxed), 1);
    assert_eq!(running.stats.messages.load(Ordering::Relaxed), 1);
    // More Enters send nothing more.
    press(&mut harness, Key::Enter, Modifiers::NONE, &mut keys);
    settle(&mut harness, |_| true);
    assert_eq!(running.stats.messages.load(Ordering::Relaxed), 1);
}

#[test]
fn a_deceased_or_restricted_record_offers_no_next_step_and_the_keys_do_nothing() {
    let cases = [
        (
            serde_json::json!({"deceased_at": "2025-03-01T00:00:00.000Z"}),
            "Hero's record shows this patient has died: no message or invitation can be sent.",
        ),
        (
            serde_json::json!({"restricted": true}),
            "This is a restricted record, and this practice's settings don't allow messages to restricted records.",
        ),
    ];
    for (change, said) in cases {
        let fixture = Fixture::new();
        let server = hero(&fixture, record(change));
        let mut harness = registered(&fixture, &server);
        settle(&mut harness, |h| has_text(h, said));
        assert!(!has_text(&harness, "Send a message (Ctrl+M)"));
        let mut keys = 0;
        press(&mut harness, Key::M, Modifiers::COMMAND, &mut keys);
        press(&mut harness, Key::B, Modifiers::COMMAND, &mut keys);
        frame(&mut harness);
        assert!(!has_text(&harness, "Send a message") && !has_text(&harness, "Make the link"));
    }
}

#[test]
fn a_different_date_of_birth_must_be_checked_with_the_patient_first() {
    let fixture = Fixture::new();
    let server = hero(
        &fixture,
        record(serde_json::json!({"dob": "1992-01-02T00:00:00.000Z"})),
    );
    let mut harness = registered(&fixture, &server);
    settle(&mut harness, |h| {
        has_text(h, "Checked with the patient (Ctrl+K)")
    });
    let mut keys = 0;
    press(&mut harness, Key::M, Modifiers::COMMAND, &mut keys);
    frame(&mut harness);
    assert!(
        !has_text(&harness, "To: mobile ending"),
        "not before checking"
    );
    press(&mut harness, Key::K, Modifiers::COMMAND, &mut keys);
    frame(&mut harness);
    press(&mut harness, Key::M, Modifiers::COMMAND, &mut keys);
    settle(&mut harness, |h| has_text(h, "To: mobile ending 123"));
}

#[test]
fn an_invitation_that_needs_the_practice_name_when_none_is_known_says_so_and_sends_nothing() {
    let fixture = Fixture::new();
    let server = hero(&fixture, record(serde_json::json!({})));
    fixture.runtime.block_on(async {
        for (list, id, name) in [
            ("/v1/appointment_types", "101", "Flu vaccination"),
            ("/v1/locations", "201", "Main site"),
        ] {
            Mock::given(method("GET"))
                .and(path(list))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    serde_json::json!({"data": [{"id": id, "name": name}], "count": 1}),
                ))
                .mount(&server)
                .await;
        }
        // Hero gives no practice name (and none is in the settings).
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/booking_links"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"id": "l-1", "short_link": "https://bookings.herohealth.net/s/l-1"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/messages/send"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m"})))
            .expect(0)
            .mount(&server)
            .await;
    });
    let mut harness = registered(&fixture, &server);
    let mut keys = 0;
    press(&mut harness, Key::B, Modifiers::COMMAND, &mut keys);
    frame(&mut harness);
    harness
        .input_mut()
        .events
        .push(Event::Text("flu".to_owned()));
    press(&mut harness, Key::Tab, Modifiers::NONE, &mut keys);
    harness
        .input_mut()
        .events
        .push(Event::Text("main".to_owned()));
    frame(&mut harness);
    press(&mut harness, Key::Enter, Modifiers::NONE, &mut keys);
    settle(&mut harness, |h| has_text(h, "Send it by SMS (Enter)"));
    press(&mut harness, Key::Enter, Modifiers::NONE, &mut keys);
    settle(&mut harness, |h| {
        has_text(h, "the practice's name is not known")
    });
    assert!(!has_text(&harness, "Invite to book sent"));
    fixture.runtime.block_on(server.verify());
}

#[test]
fn where_it_allows_restricted_records_the_contacts_stay_hidden_and_no_one_else_can_be_typed() {
    let fixture = Fixture::new();
    let server = hero(&fixture, record(serde_json::json!({"restricted": true})));
    fixture.custom_server(&server.uri());
    let machine = fixture.dir.path().join("machine-settings.json");
    std::fs::write(&machine, r#"{"allow_messages_to_restricted": true}"#).unwrap();
    let mut options = fixture.options();
    options.settings_file = fixture.settings_file().with_machine_file(&machine);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(900.0, 760.0))
        .build_eframe(move |cc| HeroIntakeApp::new(cc, options));
    settle(&mut harness, |h| !h.state().is_loading());
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, card_read);
    let mut keys = 0;
    press(&mut harness, Key::M, Modifiers::COMMAND, &mut keys);
    settle(&mut harness, |h| {
        has_text(h, "To: the contact on the patient's record")
    });
    assert!(
        !has_text(&harness, "mobile ending"),
        "the record's contact stays hidden"
    );
    assert!(!has_text(&harness, "Send to another number or email"));
}
