//! Test connection, fixing a rejected key in place, and this shift's list.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};

use common::*;
use egui::Role;
use egui_kittest::kittest::Queryable;
use hero_intake::app::Screen;
use hero_intake::config::Environment;
use hero_intake::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use hero_intake::secrets::KeyStore;
use hero_intake::state::Phase;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn me_answering(fixture: &Fixture, status: u16) -> MockServer {
    fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            .and(header("x-api-key", TEST_KEY))
            .and(header("x-practice-group-id", TEST_GROUP))
            .respond_with(ResponseTemplate::new(status).set_body_json(
                serde_json::json!({"id": TEST_GROUP, "name": "Riverside Test Surgery"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        // Never a registration.
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        server
    })
}

fn test_connection_says(status: u16) -> String {
    let fixture = Fixture::new();
    let server = me_answering(&fixture, status);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    harness.get_by_label("Settings (Ctrl+,)").click();
    settle(&mut harness, |h| h.state().screen() == Screen::Settings);
    harness.get_by_label("Test connection").click();
    settle(&mut harness, |h| {
        h.state()
            .settings_message()
            .is_some_and(|m| m.text() != "Checking…")
    });
    fixture.runtime.block_on(server.verify());
    let message = harness
        .state()
        .settings_message()
        .unwrap()
        .text()
        .to_owned();
    assert!(has_text(&harness, &message), "the message is on screen");
    message
}

#[test]
fn test_connection_says_which_setting_is_wrong() {
    assert!(test_connection_says(200).contains("Connected: the server address, API key and practice group ID all work (Riverside Test Surgery)"));
    assert!(test_connection_says(401).contains("The API key is wrong"));
    assert!(test_connection_says(403).contains("the practice group ID is wrong"));
    assert!(test_connection_says(404).contains("The server address is wrong"));
}

#[test]
fn a_rejected_key_is_replaced_in_place_and_the_patient_sent_again() {
    let fixture = Fixture::new();
    let server = fixture.runtime.block_on(MockServer::start());
    fixture.custom_server(&server.uri());
    let body = serde_json::json!({"nhs_number": "999 000 0018", "dob": "1992-02-01"});
    fixture.runtime.block_on(async {
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", TEST_KEY))
            .and(body_json(&body))
            .respond_with(ResponseTemplate::new(401))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", "rotated-key-2"))
            .and(body_json(&body))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "P-2"})),
            )
            .expect(1)
            .mount(&server)
            .await;
    });
    let mut harness = fixture.harness();
    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Failed { .. })
    });
    harness.get_by_label("Enter a new key").click();
    harness.step();
    harness.step();
    let field = harness.get_by_role_and_label(Role::PasswordInput, "New API key");
    assert!(field.is_focused(), "the new key field takes the focus");
    field.type_text("rotated-key-2");
    harness.step();
    // Enter saves the key and sends the same form again.
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Registered { .. })
    });
    assert_eq!(harness.state().intake().nhs_text, "999 000 0018");
    assert_eq!(
        fixture
            .key_store
            .load(Environment::Custom)
            .unwrap()
            .unwrap()
            .expose(),
        "rotated-key-2"
    );
    fixture.runtime.block_on(server.verify());
}

#[test]
fn the_shift_list_keeps_this_shifts_patients_in_memory_newest_first() {
    let fixture = Fixture::new();
    fixture.demo();
    let mut harness = fixture.harness();
    for (nhs, dob) in [
        ("999 000 0018", "01/02/1992"),
        ("999 000 0042", "09/03/2001"),
        ("999 000 0034", "30/11/1978"),
    ] {
        harness.key_press(egui::Key::Escape);
        harness.step();
        enter_patient(&mut harness, nhs, dob);
        settle(&mut harness, |h| {
            !h.state().intake().is_busy()
                && !matches!(h.state().intake().phase(), Phase::Editing { .. })
        });
    }
    assert!(has_text(&harness, "This shift (3)"));
    let shift = harness.state().shift();
    assert_eq!(shift.len(), 3);
    assert_eq!(shift[0].masked_patient, "*** *** 0018");
    assert_eq!(shift[1].masked_patient, "*** *** 0042");
    assert!(has_text(&harness, "Not registered: No patient was found"));
    assert!(has_text(&harness, "Identity check needed"));

    // Copy the patient before last's ID from the list.
    let hero_intake::screens::intake::shift::ShiftOutcome::Registered { patient_id } =
        shift[0].outcome.clone()
    else {
        panic!("first patient was registered")
    };
    harness.get_by_label(&format!("Copy {patient_id}")).click();
    assert_eq!(
        step_until_copied(&mut harness).as_deref(),
        Some(patient_id.as_str())
    );

    // Nothing about the list is on disk.
    let on_disk = std::fs::read_to_string(fixture.dir.path().join("settings.json")).unwrap();
    assert!(!on_disk.contains("0018") && !on_disk.contains(&patient_id));

    harness.get_by_label("Clear list").click();
    harness.step();
    harness.step();
    assert!(harness.state().shift().is_empty());
    assert!(has_text(&harness, "This shift (0)"));
}

#[test]
fn cli_check_exits_0_when_all_is_well_and_names_the_wrong_setting_otherwise() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            .and(header("x-api-key", TEST_KEY))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"name": "Riverside Test Surgery"})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        server
    });
    let check = |key: &str| {
        let config = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_hero-intake"))
            .args(["check", "--json"])
            .env(HERO_BASE_URL, server.uri())
            .env(HERO_API_KEY, key)
            .env(HERO_PRACTICE_GROUP_ID, TEST_GROUP)
            .env("XDG_CONFIG_HOME", config.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = check(TEST_KEY);
    assert_eq!(ok.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(json["outcome"], "ok");
    assert_eq!(json["practice_group"], "Riverside Test Surgery");
    let bad = check("not-the-key");
    assert_eq!(bad.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .contains("The API key is wrong")
    );
}

#[test]
fn a_long_shift_list_lays_out_only_the_rows_on_screen() {
    let fixture = Fixture::new();
    fixture.demo();
    let mut harness = fixture.harness();
    let patients = 60;
    for _ in 0..patients {
        harness.key_press(egui::Key::Escape);
        harness.step();
        enter_patient(&mut harness, "999 000 0026", "14/07/1985");
        settle(&mut harness, |h| {
            !h.state().intake().is_busy()
                && !matches!(h.state().intake().phase(), Phase::Editing { .. })
        });
    }
    assert_eq!(harness.state().shift().len(), patients);
    assert!(has_text(&harness, &format!("This shift ({patients})")));
    // The newest rows are on screen; the rest are not built, so a frame costs the
    // same however long the shift.
    let rows_built = harness.query_all_by_label_contains("*** *** 0026").count();
    assert!(
        (3..30).contains(&rows_built),
        "{rows_built} rows built for {patients} patients"
    );
}
