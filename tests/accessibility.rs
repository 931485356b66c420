//! Keyboard-only use, screen-reader labels, text size and theme.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use egui::{Key, Role};
use egui_kittest::kittest::{NodeT, Queryable};
use hero_intake::config::ThemeChoice;
use hero_intake::state::Phase;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn registering_server(fixture: &Fixture) -> MockServer {
    fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "4242"})),
            )
            .mount(&server)
            .await;
        server
    })
}

/// One key (or chord) as a keyboard sends it: one frame each.
fn press(
    harness: &mut egui_kittest::Harness<'static, hero_intake::app::HeroIntakeApp>,
    key: Key,
    modifiers: egui::Modifiers,
    count: &mut usize,
) {
    harness.event(egui::Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    });
    harness.step();
    *count += 1;
}

fn type_keys(
    harness: &mut egui_kittest::Harness<'static, hero_intake::app::HeroIntakeApp>,
    text: &str,
    count: &mut usize,
) {
    for c in text.chars() {
        harness.event(egui::Event::Text(c.to_string()));
        harness.step();
        *count += 1;
    }
}

#[test]
fn a_whole_intake_needs_only_the_keyboard() {
    let fixture = Fixture::new();
    let server = registering_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    let mut keystrokes = 0;

    type_keys(&mut harness, "9990000018", &mut keystrokes);
    press(
        &mut harness,
        Key::Tab,
        egui::Modifiers::NONE,
        &mut keystrokes,
    );
    type_keys(&mut harness, "01021992", &mut keystrokes);
    press(
        &mut harness,
        Key::Enter,
        egui::Modifiers::NONE,
        &mut keystrokes,
    );
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Registered { .. })
    });
    harness.event(egui::Event::Key {
        key: Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    keystrokes += 1;
    assert_eq!(step_until_copied(&mut harness).as_deref(), Some("4242"));
    // 10 digits, Tab, 8 digits, Enter, Ctrl+C.
    assert_eq!(keystrokes, 21);

    // And on to the next patient with one key, ready to type.
    press(
        &mut harness,
        Key::Escape,
        egui::Modifiers::NONE,
        &mut keystrokes,
    );
    harness.step();
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "NHS number")
            .is_focused()
    );
}

#[test]
fn a_demographics_intake_needs_only_the_keyboard() {
    use wiremock::matchers::body_json;
    let fixture = Fixture::new();
    let server = fixture.runtime.block_on(async {
        let server = MockServer::start().await;
        // Exactly the demographics variant, normalised: no nhs_number.
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(body_json(serde_json::json!({
                "forename": "Sam",
                "surname": "Demoperson",
                "dob": "1988-03-07",
                "postcode": "LS1 4AP"
            })))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "5151"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    let mut keystrokes = 0;
    let none = egui::Modifiers::NONE;
    assert!(has_text(
        &harness,
        "Enter sends: a trace by NHS number and date of birth"
    ));

    // The NHS number left empty: Tab past it, then every field in screen order.
    press(&mut harness, Key::Tab, none, &mut keystrokes);
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Date of birth")
            .is_focused()
    );
    type_keys(&mut harness, "07031988", &mut keystrokes);
    press(&mut harness, Key::Tab, none, &mut keystrokes);
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Forename")
            .is_focused()
    );
    type_keys(&mut harness, "Sam", &mut keystrokes);
    assert!(has_text(
        &harness,
        "Enter sends: a trace by name, date of birth and postcode"
    ));
    press(&mut harness, Key::Tab, none, &mut keystrokes);
    type_keys(&mut harness, "Demoperson", &mut keystrokes);
    press(&mut harness, Key::Tab, none, &mut keystrokes);
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "Postcode")
            .is_focused()
    );
    type_keys(&mut harness, "ls14ap", &mut keystrokes);
    // The postcode is echoed in the form it is sent.
    assert!(has_text(&harness, "LS1 4AP"));
    press(&mut harness, Key::Enter, none, &mut keystrokes);
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Registered { .. })
    });
    harness.event(egui::Event::Key {
        key: Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    keystrokes += 1;
    assert_eq!(step_until_copied(&mut harness).as_deref(), Some("5151"));
    // Tab, 8 digits, Tab, 3 letters, Tab, 10 letters, Tab, 6 characters, Enter, Ctrl+C.
    assert_eq!(keystrokes, 33);
    // The shift list shows the patient masked: initials and the outward code.
    assert!(has_text(&harness, "S. D. LS1 ***"));

    // Esc empties every field for the next patient.
    press(&mut harness, Key::Escape, none, &mut keystrokes);
    harness.step();
    let intake = harness.state().intake();
    assert!(intake.forename_text.is_empty() && intake.surname_text.is_empty());
    assert!(intake.postcode_text.is_empty() && intake.dob_text.is_empty());
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "NHS number")
            .is_focused()
    );
    fixture.runtime.block_on(server.verify());
}

#[test]
fn every_control_is_found_by_its_visible_label_and_role() {
    let fixture = Fixture::new();
    let server = registering_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    harness.get_by_role_and_label(Role::TextInput, "NHS number");
    harness.get_by_role_and_label(Role::TextInput, "Date of birth");
    harness.get_by_role_and_label(Role::Button, "Register (Enter)");
    harness.get_by_role_and_label(Role::Button, "Settings (Ctrl+,)");

    enter_patient(&mut harness, "999 000 0018", "01/02/1992");
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Registered { .. })
    });
    harness.get_by_role_and_label(Role::TextInput, "Patient ID");
    harness.get_by_role_and_label(Role::Button, "Copy (Ctrl+C)");
    harness.get_by_role_and_label(Role::Button, "Next patient (Esc)");

    harness.get_by_label("Settings (Ctrl+,)").click();
    harness.step();
    harness.step();
    harness.get_by_role_and_label(Role::PasswordInput, "API key");
    harness.get_by_role_and_label(Role::TextInput, "Practice group ID");
    harness.get_by_role_and_label(Role::TextInput, "Server address");
    harness.get_by_role_and_label(Role::Button, "Save key");
    harness.get_by_role_and_label(Role::Button, "Done (Esc)");
}

#[test]
fn text_size_is_remembered_between_runs() {
    let fixture = Fixture::new();
    let server = registering_server(&fixture);
    fixture.custom_server(&server.uri());
    {
        let mut harness = fixture.harness();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Plus);
        harness.step();
        harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Plus);
        harness.step();
        harness.step();
        assert!((harness.ctx.zoom_factor() - 1.2).abs() < 0.01);
    }
    let saved = fixture.settings_file().load();
    assert!((saved.zoom - 1.2).abs() < 0.01, "saved zoom {}", saved.zoom);
    let mut harness = fixture.harness();
    harness.step();
    assert!((harness.ctx.zoom_factor() - 1.2).abs() < 0.01);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Num0);
    harness.step();
    harness.step();
    assert!((fixture.settings_file().load().zoom - 1.0).abs() < 0.01);
}

#[test]
fn the_high_contrast_light_theme_is_chosen_in_settings_and_kept() {
    let fixture = Fixture::new();
    let server = registering_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    assert_eq!(
        fixture.settings_file().load().theme,
        ThemeChoice::FollowSystem
    );
    harness.get_by_label("Settings (Ctrl+,)").click();
    harness.step();
    harness.step();
    harness.get_by_label("Light (high contrast)").click();
    harness.step();
    harness.step();
    assert_eq!(fixture.settings_file().load().theme, ThemeChoice::Light);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    assert_eq!(
        harness
            .ctx
            .style_of(egui::Theme::Light)
            .visuals
            .override_text_color,
        Some(egui::Color32::BLACK)
    );
}

#[test]
fn the_caret_is_steady_in_both_themes_so_an_idle_form_draws_nothing() {
    // egui_kittest turns blinking off in its own harness, so this starts from egui's defaults.
    let ctx = egui::Context::default();
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        assert!(ctx.style_of(theme).visuals.text_cursor.blink);
    }
    hero_intake::ui::apply_appearance(&ctx, &hero_intake::config::Settings::default());
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        assert!(
            !ctx.style_of(theme).visuals.text_cursor.blink,
            "{theme:?} blinks"
        );
    }
}

#[test]
fn the_window_has_a_name_and_no_empty_label_for_a_screen_reader_to_stop_on() {
    let fixture = Fixture::new();
    let server = registering_server(&fixture);
    fixture.custom_server(&server.uri());
    let mut harness = fixture.harness();
    frame(&mut harness);
    let root = harness.root();
    assert_eq!(
        root.accesskit_node().label().as_deref(),
        Some(harness.state().window_title().as_str())
    );
    assert!(harness.state().window_title().starts_with("Hero Intake — "));
    let empty: Vec<_> = harness
        .query_all_by_role(Role::Label)
        .filter(|node| {
            // A label's text is its value.
            let node = node.accesskit_node();
            node.value().unwrap_or_default().trim().is_empty()
                && node.label().unwrap_or_default().trim().is_empty()
        })
        .collect();
    assert!(empty.is_empty(), "{} empty labels", empty.len());
}
