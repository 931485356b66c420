//! Keys typed ahead of a slow frame land where they were typed: each test hands the
//! real window a whole intake as ONE frame's events (as a Remote Desktop window that
//! draws slowly receives them) and checks what reached a local server.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hero_intake::app::HeroIntakeApp;
use hero_intake::state::Phase;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a keyboard (or a barcode scanner) sends, in order.
enum Typed<'a> {
    Text(&'a str),
    Key(Key),
    ShiftTab,
    /// Ctrl+A and the like.
    Chord(Modifiers, Key),
    Paste(&'a str),
}

fn press(key: Key, modifiers: Modifiers, pressed: bool) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    }
}

/// Queues everything typed as the events of one frame, then draws frames until the
/// window has taken them all.
fn type_in_one_frame(harness: &mut Harness<'static, HeroIntakeApp>, typed: &[Typed<'_>]) {
    let events = &mut harness.input_mut().events;
    for item in typed {
        match item {
            Typed::Text(text) => events.extend(text.chars().map(|c| Event::Text(c.to_string()))),
            Typed::Key(key) => {
                events.push(press(*key, Modifiers::NONE, true));
                events.push(press(*key, Modifiers::NONE, false));
            }
            Typed::ShiftTab => {
                events.push(press(Key::Tab, Modifiers::SHIFT, true));
                events.push(press(Key::Tab, Modifiers::SHIFT, false));
            }
            Typed::Chord(modifiers, key) => {
                events.push(press(*key, *modifiers, true));
                events.push(press(*key, *modifiers, false));
            }
            Typed::Paste(text) => events.push(Event::Paste((*text).to_owned())),
        }
    }
    for _ in 0..40 {
        frame(harness);
    }
}

fn server_expecting(fixture: &Fixture, body: serde_json::Value) -> MockServer {
    let server = fixture.runtime.block_on(MockServer::start());
    fixture.custom_server(&server.uri());
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(body_json(body))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "4242"})),
            )
            .expect(1)
            .mount(&server),
    );
    server
}

fn registered(
    fixture: &Fixture,
    server: &MockServer,
    harness: &mut Harness<'static, HeroIntakeApp>,
) {
    settle(harness, |h| {
        !matches!(h.state().intake().phase(), Phase::Sending { .. })
    });
    assert!(
        matches!(harness.state().intake().phase(), Phase::Registered { .. }),
        "not registered: {:?}",
        harness.state().intake().phase()
    );
    fixture.runtime.block_on(server.verify());
}

fn by_number() -> serde_json::Value {
    serde_json::json!({"nhs_number": "999 000 0018", "dob": "1992-02-01"})
}

#[test]
fn a_whole_intake_in_one_frame_sends_exactly_what_was_typed() {
    let fixture = Fixture::new();
    let server = server_expecting(&fixture, by_number());
    let mut harness = fixture.harness();
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Text("999 000 0018"),
            Typed::Key(Key::Tab),
            Typed::Text("01/02/1992"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
    assert_eq!(harness.state().intake().nhs_text, "999 000 0018");
    assert_eq!(harness.state().intake().dob_text, "01/02/1992");
}

#[test]
fn a_trace_by_name_in_one_frame_puts_each_name_in_its_own_field() {
    let fixture = Fixture::new();
    let server = server_expecting(
        &fixture,
        serde_json::json!({"forename": "Sam", "surname": "Demoperson", "dob": "1988-03-07", "postcode": "LS1 4AP"}),
    );
    let mut harness = fixture.harness();
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Key(Key::Tab),
            Typed::Text("07031988"),
            Typed::Key(Key::Tab),
            Typed::Text("Sam"),
            Typed::Key(Key::Tab),
            Typed::Text("Demoperson"),
            Typed::Key(Key::Tab),
            Typed::Text("ls14ap"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
    let intake = harness.state().intake();
    assert_eq!(
        (intake.forename_text.as_str(), intake.surname_text.as_str()),
        ("Sam", "Demoperson")
    );
}

#[test]
fn shift_tab_in_one_frame_goes_back_to_the_field_before() {
    let fixture = Fixture::new();
    let server = server_expecting(&fixture, by_number());
    let mut harness = fixture.harness();
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Key(Key::Tab),
            Typed::Text("01/02/1992"),
            Typed::ShiftTab,
            Typed::Text("999 000 0018"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
}

#[test]
fn pasted_values_in_one_frame_land_in_their_fields() {
    let fixture = Fixture::new();
    let server = server_expecting(&fixture, by_number());
    let mut harness = fixture.harness();
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Paste("9990000018"),
            Typed::Key(Key::Tab),
            Typed::Paste("1992-02-01"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
}

#[test]
fn esc_among_typed_keys_empties_the_form_and_the_rest_starts_the_next_patient() {
    let fixture = Fixture::new();
    let server = server_expecting(&fixture, by_number());
    let mut harness = fixture.harness();
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Text("943 476"),
            Typed::Key(Key::Tab),
            Typed::Text("02/02"),
            Typed::Key(Key::Escape),
            Typed::Text("999 000 0018"),
            Typed::Key(Key::Tab),
            Typed::Text("01/02/1992"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
}

#[test]
fn enter_typed_before_the_date_is_finished_sends_nothing_and_loses_no_key() {
    let fixture = Fixture::new();
    let server = server_expecting(&fixture, by_number());
    let mut harness = fixture.harness();
    // Enter on a half-typed form is refused (the date is incomplete); the keys typed on
    // after it, in the same burst, still finish the date, and the next Enter sends.
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Text("999 000 0018"),
            Typed::Key(Key::Tab),
            Typed::Text("01/02"),
            Typed::Key(Key::Enter),
            Typed::Text("/1992"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
    assert_eq!(harness.state().intake().dob_text, "01/02/1992");
}

#[test]
fn a_new_key_and_group_typed_ahead_in_the_key_fix_are_sent_with_the_patient() {
    let fixture = Fixture::new();
    let server = fixture.runtime.block_on(MockServer::start());
    fixture.custom_server(&server.uri());
    fixture.runtime.block_on(async {
        Mock::given(method("POST"))
            .and(header("x-api-key", "new-key-typed-ahead"))
            .and(header("x-practice-group-id", "group-typed-ahead"))
            .and(body_json(by_number()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "77"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401))
            .expect(1)
            .mount(&server)
            .await;
    });
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Enter a new key"));
    harness.get_by_label("Enter a new key").click();
    settle(&mut harness, |h| {
        h.query_by_role_and_label(egui::Role::PasswordInput, "New API key")
            .is_some_and(|n| n.is_focused())
    });
    // Ctrl+A in the group field, so the group typed replaces the one shown.
    type_in_one_frame(
        &mut harness,
        &[
            Typed::Text("new-key-typed-ahead"),
            Typed::Key(Key::Tab),
            Typed::Chord(Modifiers::COMMAND, Key::A),
            Typed::Text("group-typed-ahead"),
            Typed::Key(Key::Enter),
        ],
    );
    registered(&fixture, &server, &mut harness);
}
