//! The real window (egui_kittest) against a real local HTTP server.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use hero_intake::app::Screen;
use hero_intake::state::Phase;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn start_server(fixture: &Fixture) -> MockServer {
    fixture.runtime.block_on(MockServer::start())
}

fn mount(fixture: &Fixture, server: &MockServer, response: ResponseTemplate, times: u64) {
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", TEST_KEY))
            .and(header("x-practice-group-id", TEST_GROUP))
            .and(body_json(
                serde_json::json!({"nhs_number": "999 000 0018", "dob": "1992-02-01"}),
            ))
            .respond_with(response)
            .expect(times)
            .mount(server),
    );
}

/// A server that registers the test patient once, 400 ms after being asked.
fn slow_registering_server(fixture: &Fixture, patient_id: &str) -> MockServer {
    let server = start_server(fixture);
    fixture.custom_server(&server.uri());
    mount(
        fixture,
        &server,
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({ "patient_id": patient_id }))
            .set_delay(std::time::Duration::from_millis(400)),
        1,
    );
    server
}

#[test]
fn focus_starts_in_the_nhs_number_field() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    let harness = fixture.harness();
    assert_eq!(harness.state().screen(), Screen::Intake);
    assert!(
        harness
            .get_by_role_and_label(egui::Role::TextInput, "NHS number")
            .is_focused()
    );
    assert!(has_text(&harness, "Enter: register · Esc: next patient"));
}

#[test]
fn registers_and_copies_the_patient_id() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    mount(
        &fixture,
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "98765"})),
        1,
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    assert!(has_value(&harness, "98765"));

    harness.get_by_label("Copy (Ctrl+C)").click();
    assert_eq!(step_until_copied(&mut harness).as_deref(), Some("98765"));
    settle(&mut harness, |h| has_text(h, "Copied"));

    // The shortcut shown on the button works too.
    // One event per frame, so the frame that copies is the one inspected.
    harness.event(egui::Event::Key {
        key: egui::Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    assert_eq!(step_until_copied(&mut harness).as_deref(), Some("98765"));

    // Esc: the next patient, an empty form, focus back in the NHS number field.
    harness.key_press(egui::Key::Escape);
    settle(&mut harness, |h| h.state().intake().nhs_text.is_empty());
    harness.step();
    assert!(
        harness
            .get_by_role_and_label(egui::Role::TextInput, "NHS number")
            .is_focused()
    );
    fixture.runtime.block_on(server.verify());
}

#[test]
fn verification_opens_the_https_link() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    let url = "https://patient.example.test/verify/abc123";
    mount(
        &fixture,
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message": "Patient must verify their identity before proceeding",
            "login_url": url
        })),
        1,
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "9990000018", "1992-02-01");
    settle(&mut harness, |h| has_text(h, "Identity check needed"));
    assert_eq!(fixture.opener.opened(), vec![url.to_owned()]);
    assert!(has_text(&harness, "Patient must verify their identity"));
    assert!(has_value(&harness, url));

    harness.get_by_label("Open again (Ctrl+L)").click();
    harness.step();
    harness.step();
    assert_eq!(fixture.opener.opened().len(), 2);

    // No browser on this computer: it says so, and the link stays there to copy.
    fixture
        .opener
        .no_browser
        .store(true, std::sync::atomic::Ordering::SeqCst);
    harness.get_by_label("Open again (Ctrl+L)").click();
    harness.step();
    harness.step();
    assert!(has_text(
        &harness,
        "The browser couldn't be opened: no web browser could be started on this computer. Copy the link instead."
    ));
    assert!(has_value(&harness, url));
}

#[test]
fn an_http_login_url_is_shown_but_never_opened() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    mount(
        &fixture,
        &server,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message": "Verify",
            "login_url": "http://evil.example.test/verify"
        })),
        1,
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "not secure"));
    assert!(fixture.opener.opened().is_empty());
    assert!(harness.query_by_label("Open again (Ctrl+L)").is_none());
}

#[test]
fn each_error_shows_its_cause_and_fix() {
    let cases = [
        (
            400,
            "missing or not in the right format",
            "Check the NHS number",
        ),
        (
            401,
            "did not accept the API key",
            "Check the API key in Settings",
        ),
        (403, "not allowed to register patients", "practice group ID"),
        (404, "No patient was found", "Confirm the NHS number"),
    ];
    for (status, cause, fix) in cases {
        let fixture = Fixture::new();
        let server = start_server(&fixture);
        fixture.custom_server(&server.uri());
        mount(&fixture, &server, ResponseTemplate::new(status), 1);
        let mut harness = fixture.harness();
        enter_patient(&mut harness, "999 000 0018", "01/02/1992");
        eprintln!("status {status}");
        settle(&mut harness, |h| {
            matches!(h.state().intake().phase(), Phase::Failed { .. })
        });
        assert!(has_text(&harness, cause), "{status}: cause missing");
        assert!(has_text(&harness, fix), "{status}: fix missing");
        // The form is kept for correction.
        assert_eq!(harness.state().intake().nhs_text, "999 000 0018");
        if status == 401 || status == 403 {
            assert!(harness.query_by_label("Open Settings (Ctrl+,)").is_some());
        }
        fixture.runtime.block_on(server.verify());
    }
}

#[test]
fn invalid_input_sends_nothing_and_says_why() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server),
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 001", "31/02/1992");
    harness.step();
    assert!(has_text(
        &harness,
        "NHS number must be 10 digits — 9 entered"
    ));
    assert!(has_text(&harness, "February 1992 has only 29 days"));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));

    // A wrong check digit on a custom server: refused until explicitly confirmed.
    let fixture2 = Fixture::new();
    fixture2.custom_server(&server.uri());
    let mut harness = fixture2.harness();
    enter_patient(&mut harness, "999 000 0019", "01/02/1992");
    assert!(has_text(&harness, "The check digit doesn't match"));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));
    fixture.runtime.block_on(server.verify());
}

#[test]
fn the_date_is_echoed_in_words() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    type_into(&mut harness, "Date of birth", "01/02/1992");
    assert!(has_text(&harness, "1 February 1992"));
}

#[test]
fn a_second_enter_while_sending_sends_nothing() {
    let fixture = Fixture::new();
    let server = slow_registering_server(&fixture, "1");
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Sending { .. }
    ));
    assert!(has_text(&harness, "Registering with Hero"));
    harness.key_press(egui::Key::Enter);
    harness.step();
    harness.key_press(egui::Key::Enter);
    harness.step();
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    fixture.runtime.block_on(server.verify());
}

#[test]
fn with_no_key_the_app_offers_the_demo_or_settings() {
    let fixture = Fixture::new();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    assert!(harness.query_by_label("Try the demo (Enter)").is_some());
    assert!(has_text(&harness, "Enter: try the demo · Ctrl+,: settings"));
    harness.get_by_label("Enter your API key (Ctrl+,)").click();
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    assert!(has_text(&harness, "STAGING"));
}

#[test]
fn a_key_typed_in_settings_is_saved_to_the_key_store() {
    use hero_intake::config::Environment;
    use hero_intake::secrets::KeyStore;
    let fixture = Fixture::new();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    save_api_key(&mut harness, "staging-key-123");
    settle(&mut harness, |h| has_text(h, "Key saved"));
    let stored = fixture
        .key_store
        .load(Environment::Staging)
        .unwrap()
        .unwrap();
    assert_eq!(stored.expose(), "staging-key-123");
    // The settings file never holds the key.
    let file =
        std::fs::read_to_string(fixture.dir.path().join("settings.json")).unwrap_or_default();
    assert!(!file.contains("staging-key-123"));
}

#[test]
fn a_locked_keychain_still_allows_a_session_only_key() {
    let fixture = Fixture::with_key_store(hero_intake::secrets::MemoryKeyStore::unavailable());
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    assert!(has_text(&harness, "keychain can't be reached"));
    harness.get_by_label("Enter your API key (Ctrl+,)").click();
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    save_api_key(&mut harness, "session-key-1");
    settle(&mut harness, |h| has_text(h, "NOT been saved"));
}

#[test]
fn a_rate_limit_wait_shows_a_countdown_and_cancels_at_once() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    mount(
        &fixture,
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "30"),
        1,
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::WaitingToRetry { .. })
    });
    assert!(
        has_text(&harness, "Hero is busy — retrying in 30 s")
            || has_text(&harness, "Hero is busy — retrying in 29 s")
    );

    // At once: settle gives up after 10 s, a third of the 30 s wait being cancelled.
    harness.get_by_label("Cancel (Esc)").click();
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Editing { .. })
    });
    assert!(has_text(&harness, "Nothing was registered"));
    // The form stays filled, so Enter sends it again.
    assert_eq!(harness.state().intake().nhs_text, "999 000 0018");
    assert_eq!(harness.state().intake().dob_text, "01/02/1992");
    fixture.runtime.block_on(server.verify());
}

/// A 5xx after the retries, or a rate limit that outlasts them: Hero answered, so the
/// patient is kept to send later and the form is free for the next one.
#[test]
fn hero_down_or_busy_after_the_last_retry_keeps_the_patient() {
    let cases = [
        (
            ResponseTemplate::new(429).insert_header("Retry-After", "0"),
            4,
            "Hero is busy: *** *** 0018 is kept and will be sent when Hero is back",
        ),
        (
            ResponseTemplate::new(500),
            1,
            "Hero has a problem on its side: *** *** 0018 is kept and will be sent when Hero is back",
        ),
    ];
    for (response, attempts, notice) in cases {
        let fixture = Fixture::new();
        let server = start_server(&fixture);
        fixture.custom_server(&server.uri());
        mount(&fixture, &server, response, attempts);
        let mut harness = fixture.harness();
        enter_patient(&mut harness, "999 000 0018", "01/02/1992");
        settle(&mut harness, |h| h.state().intake_held().len() == 1);
        assert!(has_text(&harness, notice), "{notice}");
        assert!(
            harness.state().intake().nhs_text.is_empty(),
            "the form is free"
        );
        fixture.runtime.block_on(server.verify());
    }
}

#[test]
fn a_plain_http_custom_server_is_refused_in_the_window() {
    let fixture = Fixture::new();
    fixture.custom_server("http://hero.example.test");
    let mut harness = fixture.harness();
    harness.step();
    assert!(has_text(&harness, "must start with https://"));
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));
}

/// A keychain whose first load waits until the test opens its gate, like a Secret
/// Service starting up; it reports when that load has answered.
struct GatedKeyStore {
    inner: hero_intake::secrets::MemoryKeyStore,
    gate: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    answered: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
}

impl hero_intake::secrets::KeyStore for GatedKeyStore {
    fn load(
        &self,
        environment: hero_intake::config::Environment,
    ) -> Result<Option<hero_intake::secrets::ApiKey>, hero_intake::secrets::KeyStoreError> {
        // What was stored when the load began (nothing), answered only once the gate opens.
        let snapshot = self.inner.load(environment);
        let _ = self.gate.lock().unwrap().recv();
        let _ = self.answered.lock().unwrap().send(());
        snapshot
    }
    fn save(
        &self,
        environment: hero_intake::config::Environment,
        key: &hero_intake::secrets::ApiKey,
    ) -> Result<(), hero_intake::secrets::KeyStoreError> {
        self.inner.save(environment, key)
    }
    fn delete(
        &self,
        environment: hero_intake::config::Environment,
    ) -> Result<(), hero_intake::secrets::KeyStoreError> {
        self.inner.delete(environment)
    }
}

#[test]
fn a_slow_keychain_never_undoes_a_key_saved_meanwhile_nor_moves_the_user() {
    let (open_gate, gate) = std::sync::mpsc::channel();
    let (answered_tx, answered) = std::sync::mpsc::channel();
    let fixture = Fixture::new();
    let mut options = fixture.options();
    options.key_store = std::sync::Arc::new(GatedKeyStore {
        inner: hero_intake::secrets::MemoryKeyStore::new(),
        gate: std::sync::Mutex::new(gate),
        answered: std::sync::Mutex::new(answered_tx),
    });
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(900.0, 760.0))
        .build_eframe(move |cc| hero_intake::app::HeroIntakeApp::new(cc, options));
    harness.step();
    assert!(harness.state().is_loading());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    harness.step();
    save_api_key(&mut harness, "typed-while-loading");
    settle(&mut harness, |h| has_text(h, "Key saved"));
    // Only now does the load (nothing stored) answer.
    open_gate.send(()).unwrap();
    answered
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the keychain load answered");
    // Its event is on its way to the window: let a few frames take it in.
    for _ in 0..20 {
        harness.step();
        std::thread::yield_now();
    }
    assert_eq!(
        harness.state().screen(),
        Screen::Settings,
        "the user stays where they are"
    );
    assert!(has_text(&harness, "is saved in this computer's keychain"));
}

/// The delay before the window's next frame, as egui scheduled it after the last one.
fn next_repaint(
    harness: &egui_kittest::Harness<'static, hero_intake::app::HeroIntakeApp>,
) -> std::time::Duration {
    harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay
}

#[test]
fn an_idle_window_schedules_no_frame_and_a_request_in_flight_does() {
    let fixture = Fixture::new();
    let server = slow_registering_server(&fixture, "98765");
    let mut harness = fixture.harness();
    harness.input_mut().focused = true;
    // The empty form with the caret in "NHS number": what a desk shows between patients.
    harness.run();
    assert!(
        harness
            .get_by_role_and_label(egui::Role::TextInput, "NHS number")
            .is_focused()
    );
    assert_eq!(next_repaint(&harness), std::time::Duration::MAX);

    // Sending: the spinner keeps frames coming.
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    harness.step();
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Sending { .. }
    ));
    assert!(next_repaint(&harness) < std::time::Duration::from_secs(1));

    // The answer on screen, nothing happening: one frame scheduled, minutes away, to
    // hide the patient's details from the queue; none before.
    settle(&mut harness, |h| {
        has_text(h, "Registered with Hero") && !has_text(h, "Reading the patient's details")
    });
    harness.run();
    assert!(next_repaint(&harness) > std::time::Duration::from_secs(170));
    fixture.runtime.block_on(server.verify());
}

#[test]
fn a_number_that_reaches_no_patient_is_stopped_beside_its_field() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server),
    );
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "QQ 12 34 56 C", "1 Feb 1992");
    harness.step();
    assert!(has_text(
        &harness,
        "That is a National Insurance number, not an NHS number: ask the patient for their NHS number (it is on NHS letters and in the NHS App)"
    ));
    // The month-name date was read, and echoed.
    assert!(has_text(&harness, "1 February 1992"));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));
    for (nhs, words) in [
        ("010 000 0002", "That is a Scottish CHI number"),
        (
            "320 000 0007",
            "That is a Northern Ireland Health and Care number",
        ),
        (
            "800 000 0008",
            "That is a Republic of Ireland Individual Health Identifier",
        ),
        ("500 000 0005", "reserved and never issued"),
        (
            "860 000 0009",
            "no NHS numbers are issued that start like it",
        ),
    ] {
        harness.key_press(egui::Key::Escape);
        harness.step();
        enter_patient(&mut harness, nhs, "01/02/1992");
        harness.step();
        assert!(has_text(&harness, words), "{nhs}");
        assert!(
            matches!(harness.state().intake().phase(), Phase::Editing { .. }),
            "{nhs}"
        );
    }
    fixture.runtime.block_on(server.verify());
}

#[test]
fn on_production_a_test_number_is_refused_before_sending() {
    use hero_intake::config::Environment;
    use hero_intake::secrets::KeyStore as _;
    let fixture = Fixture::new();
    let settings = hero_intake::config::Settings {
        environment: Some(Environment::Production),
        ..Default::default()
    };
    fixture.settings_file().save(&settings).unwrap();
    fixture
        .key_store
        .save(
            Environment::Production,
            &hero_intake::secrets::ApiKey::parse("test-key-for-production-0").unwrap(),
        )
        .unwrap();
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    harness.step();
    assert!(has_text(
        &harness,
        "That is a test NHS number (it starts with 9): no real patient has it. This is Production: enter the patient's real NHS number"
    ));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));
}

#[test]
fn a_long_message_beside_a_field_is_wrapped_inside_the_window() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    type_into(&mut harness, "NHS number", "010 000 0002");
    harness.step();
    let message = harness.get_by_label_contains("That is a Scottish CHI number");
    let window = harness.ctx.content_rect();
    // All of it on screen, so the advice at its end can be read.
    assert!(
        message.rect().right() <= window.right(),
        "message ends at x={} beyond the window's {}",
        message.rect().right(),
        window.right()
    );
    assert!(
        message.rect().height() > 20.0,
        "expected more than one line"
    );
}

#[test]
fn the_demographics_form_names_each_problem_and_a_404_moves_focus_to_the_names() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    fixture.runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(body_json(serde_json::json!({
                "forename": "Sam",
                "surname": "Nomatchperson",
                "dob": "1988-03-07",
                "postcode": "LS1 4AP"
            })))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_json(serde_json::json!({"message": "Not found"})),
            )
            .expect(1)
            .mount(&server),
    );
    let mut harness = fixture.harness();
    type_into(&mut harness, "Forename", "Sam3");
    type_into(&mut harness, "Postcode", "LS1 4A");
    type_into(&mut harness, "Date of birth", "07/03/1988");
    harness.key_press(egui::Key::Enter);
    harness.step();
    // Each problem beside its own field; nothing sent.
    assert!(has_text(
        &harness,
        "Forename can only have letters, spaces, hyphens and apostrophes: remove \"3\""
    ));
    assert!(has_text(&harness, "Enter the patient's surname"));
    assert!(has_text(
        &harness,
        "That isn't a UK postcode: it should end in a digit and two letters, like LS1 4AP"
    ));
    assert!(matches!(
        harness.state().intake().phase(),
        Phase::Editing { .. }
    ));

    // Corrected, sent: the 404 is worded for a trace by name.
    harness.key_press(egui::Key::Escape);
    harness.step();
    type_into(&mut harness, "Date of birth", "07/03/1988");
    type_into(&mut harness, "Forename", "Sam");
    type_into(&mut harness, "Surname", "Nomatchperson");
    type_into(&mut harness, "Postcode", "LS1 4AP");
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Failed { .. })
    });
    assert!(has_text(
        &harness,
        "No single patient on the NHS Spine (PDS) matched this name, date of birth and postcode (404)"
    ));
    assert!(
        harness
            .get_by_role_and_label(egui::Role::TextInput, "Forename")
            .is_focused()
    );

    // An NHS number typed as well: the names are marked as not sent.
    type_into(&mut harness, "NHS number", "999 000 0018");
    assert!(has_text(
        &harness,
        "Enter sends: a trace by NHS number and date of birth"
    ));
    assert!(has_text(&harness, "Not sent: an NHS number is entered"));
    fixture.runtime.block_on(server.verify());
}

#[test]
fn settings_say_which_renderer_draws_the_window_and_how_it_is_chosen() {
    let fixture = Fixture::new();
    let server = start_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    harness.step();
    assert_eq!(harness.state().screen(), Screen::Settings);
    let renderer = harness.state().renderer().to_owned();
    assert!(has_text(
        &harness,
        &format!("Drawing with: {renderer} (IT can choose with HERO_RENDERER=glow or wgpu)")
    ));
}
