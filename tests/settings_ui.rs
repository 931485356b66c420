//! The window with machine-wide settings from the practice's IT: what Settings shows
//! and allows when they are locked, defaults the user may change, and settings files
//! that can't be used.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, TEST_KEY, has_text, settle};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use hero_intake::app::{HeroIntakeApp, Screen};
use hero_intake::config::{Environment, Settings};
use hero_intake::secrets::{ApiKey, KeyStore};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn machine_file(fixture: &Fixture, contents: &str) -> std::path::PathBuf {
    let path = fixture.dir.path().join("machine-settings.json");
    std::fs::write(&path, contents).unwrap();
    path
}

/// The real window, reading the machine-wide file at `machine`.
fn harness_with_machine_file(
    fixture: &Fixture,
    machine: &std::path::Path,
) -> Harness<'static, HeroIntakeApp> {
    let mut options = fixture.options();
    options.settings_file = fixture.settings_file().with_machine_file(machine);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(900.0, 760.0))
        .build_eframe(move |cc| HeroIntakeApp::new(cc, options));
    settle(&mut harness, |h| !h.state().is_loading());
    harness
}

fn open_settings(harness: &mut Harness<'static, HeroIntakeApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    settle(harness, |h| h.state().screen() == Screen::Settings);
}

/// The user had chosen Staging; IT locks this computer to Production.
fn user_on_staging(fixture: &Fixture) {
    let mut settings = Settings {
        environment: Some(Environment::Staging),
        ..Settings::default()
    };
    settings
        .practice_group_ids
        .insert(Environment::Staging, "pg-user".into());
    fixture.settings_file().save(&settings).unwrap();
}

const LOCKED_PRODUCTION: &str =
    r#"{"environment": "production", "practice_group_id": "pg-it", "locked": true}"#;

#[test]
fn a_locked_environment_cannot_be_changed_in_settings() {
    let fixture = Fixture::new();
    user_on_staging(&fixture);
    fixture
        .key_store
        .save(Environment::Production, &ApiKey::parse(TEST_KEY).unwrap())
        .unwrap();
    let machine = machine_file(&fixture, LOCKED_PRODUCTION);
    let mut harness = harness_with_machine_file(&fixture, &machine);

    assert_eq!(harness.state().environment(), Environment::Production);
    assert_eq!(harness.state().window_title(), "Hero Intake — Production");
    assert!(has_text(
        &harness,
        "PRODUCTION — live patients · set by your practice's IT"
    ));

    open_settings(&mut harness);
    assert!(has_text(
        &harness,
        &format!(
            "Production — set by your practice's IT ({}). It can't be changed here.",
            machine.display()
        )
    ));
    assert!(has_text(
        &harness,
        "Practice group ID: pg-it — set by your practice's IT"
    ));
    // No environment to pick and no practice group field to type in.
    for choice in ["Demo", "Staging", "Production", "Custom"] {
        assert!(
            harness.query_by_label(choice).is_none(),
            "Settings offers {choice}"
        );
    }
    assert!(
        harness
            .query_by_role_and_label(egui::Role::TextInput, "Practice group ID")
            .is_none()
    );
    // The API key is still the user's own, in the keychain.
    assert!(has_text(&harness, "A key for Production is saved"));
    let connection = harness.state().connection().unwrap();
    assert_eq!(connection.practice_group_id, "pg-it");
    assert_eq!(connection.base_url.as_str(), "https://api.herohealth.net");
    // The user's own choice is kept, for if IT ever unlocks.
    assert_eq!(
        fixture.settings_file().load().environment,
        Some(Environment::Staging)
    );
}

#[test]
fn without_the_lock_it_s_default_can_be_changed() {
    let fixture = Fixture::new();
    let machine = machine_file(
        &fixture,
        r#"{"environment": "production", "practice_group_id": "pg-it"}"#,
    );
    let mut harness = harness_with_machine_file(&fixture, &machine);
    assert_eq!(harness.state().environment(), Environment::Production);
    open_settings(&mut harness);
    assert!(has_text(
        &harness,
        "Production is the default chosen by your practice's IT"
    ));
    assert!(has_text(
        &harness,
        "Using pg-it, set by your practice's IT; type another ID to use it instead."
    ));
    harness.get_by_label("Staging").click();
    settle(&mut harness, |h| {
        h.state().environment() == Environment::Staging
    });
    assert_eq!(
        fixture.settings_file().load().environment,
        Some(Environment::Staging)
    );
}

#[test]
fn the_demo_is_not_offered_when_it_locked_the_environment() {
    let fixture = Fixture::new();
    let machine = machine_file(&fixture, LOCKED_PRODUCTION);
    let mut harness = harness_with_machine_file(&fixture, &machine);
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    assert!(harness.query_by_label("Try the demo (Enter)").is_none());
    assert!(has_text(
        &harness,
        "Your practice's IT has set this computer to Production: enter the API key for it."
    ));
    assert!(has_text(
        &harness,
        "Enter: enter your API key · Ctrl+,: settings"
    ));
    // Enter, which would start the demo, opens Settings for the key instead.
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    assert_eq!(harness.state().environment(), Environment::Production);
}

#[test]
fn a_contradicting_variable_is_refused_in_the_window_and_nothing_is_sent() {
    let fixture = Fixture::new();
    let server = fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        server
    });
    let machine = machine_file(&fixture, LOCKED_PRODUCTION);
    let mut options = fixture.options();
    options.settings_file = fixture.settings_file().with_machine_file(&machine);
    options.overrides.base_url = Some(server.uri());
    options.overrides.api_key = Some(TEST_KEY.into());
    let mut harness = Harness::builder()
        .with_size(egui::vec2(900.0, 760.0))
        .build_eframe(move |cc| HeroIntakeApp::new(cc, options));
    settle(&mut harness, |h| !h.state().is_loading());
    assert_eq!(harness.state().environment(), Environment::Production);
    let refusal = "HERO_BASE_URL can't be used: your practice's IT has set the server to Production (https://api.herohealth.net) for this computer and locked it";
    assert!(has_text(&harness, refusal));
    common::enter_patient(&mut harness, "943 476 5919", "01/02/1992");
    harness.run_steps(5);
    assert!(harness.state().intake().is_editable());
    assert!(harness.state().shift().is_empty());
    fixture.runtime.block_on(server.verify());
}

#[test]
fn a_malformed_machine_file_is_named_and_the_app_still_opens() {
    let fixture = Fixture::new();
    let machine = machine_file(
        &fixture,
        "{\"environment\": \"production\" \"locked\": true}",
    );
    let mut harness = harness_with_machine_file(&fixture, &machine);
    let named = format!(
        "The settings file from your practice's IT ({}) can't be used: it is not valid JSON: expected `,` or `}}` (line 1, column 30). Hero Intake is ignoring it until it is corrected: ask your practice's IT.",
        machine.display()
    );
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    harness.get_by_label("Enter your API key (Ctrl+,)").click();
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    assert!(has_text(&harness, &named), "named in Settings");
    assert_eq!(harness.state().environment(), Environment::Staging);
    harness.key_press(egui::Key::Escape);
    settle(&mut harness, |h| h.state().screen() == Screen::Intake);
    assert!(has_text(&harness, &named), "named on the main screen");
}

#[test]
fn a_malformed_user_file_is_named_and_kept_when_settings_are_saved() {
    let fixture = Fixture::new();
    let user_file = fixture.dir.path().join("settings.json");
    std::fs::write(&user_file, "{\"environment\": \"Staging\", \"zoom\": big}").unwrap();
    let machine = fixture.dir.path().join("no-machine-file.json");
    let mut harness = harness_with_machine_file(&fixture, &machine);
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    harness.get_by_label("Enter your API key (Ctrl+,)").click();
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    assert!(has_text(
        &harness,
        &format!(
            "Your settings file ({}) can't be used: it is not valid JSON: expected value (line 1, column 36). Hero Intake is using the default settings.",
            user_file.display()
        )
    ));
    harness.get_by_label("Dark").click();
    harness.run_steps(3);
    assert_eq!(
        std::fs::read_to_string(fixture.dir.path().join("settings.json.bad")).unwrap(),
        "{\"environment\": \"Staging\", \"zoom\": big}"
    );
    // Replaced: the problem is gone, and where the old file went is said once.
    assert!(!has_text(&harness, "can't be used"));
    assert!(has_text(
        &harness,
        "Settings saved. The unreadable settings file was kept beside it as settings.json.bad."
    ));
}

#[test]
fn a_practice_group_locked_by_it_is_not_offered_in_the_key_fix() {
    let fixture = Fixture::new();
    let server = fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-practice-group-id", "pg-it"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        server
    });
    let machine = machine_file(
        &fixture,
        &serde_json::json!({"environment": "custom", "base_url": server.uri(), "practice_group_id": "pg-it", "locked": true}).to_string(),
    );
    fixture
        .key_store
        .save(Environment::Custom, &ApiKey::parse(TEST_KEY).unwrap())
        .unwrap();
    let mut harness = harness_with_machine_file(&fixture, &machine);
    common::enter_patient(&mut harness, "943 476 5919", "01/02/1992");
    settle(&mut harness, |h| has_text(h, "Enter a new key"));
    harness.get_by_label_contains("Enter a new key").click();
    harness.run_steps(3);
    assert!(has_text(
        &harness,
        "Practice group ID: pg-it (set by your practice's IT)"
    ));
    assert!(
        harness
            .query_by_role_and_label(egui::Role::TextInput, "Practice group ID (if it changed)")
            .is_none()
    );
}
