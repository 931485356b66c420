//! Demo mode: the real client and the real window against the built-in sandbox.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use egui_kittest::kittest::Queryable;
use hero_intake::api::{
    ApiError, Connection, HeroClient, Registration, RequestField, RetryPolicy, Timeouts,
};
use hero_intake::app::Screen;
use hero_intake::patient::{DateOfBirth, NhsNumber, PatientQuery};
use hero_intake::sandbox::{self, DEMO_PATIENTS, DemoOutcome, SandboxOptions};
use hero_intake::secrets::ApiKey;
use hero_intake::state::Phase;

fn query(nhs: &str, dob: &str) -> PatientQuery {
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse(nhs).unwrap(),
        dob: DateOfBirth::parse(dob, jiff::civil::date(2026, 11, 26)).unwrap(),
    }
}

fn client(base_url: hero_intake::config::BaseUrl, key: &str, group: &str) -> HeroClient {
    HeroClient::with_options(
        Connection {
            base_url,
            api_key: ApiKey::parse(key).unwrap(),
            practice_group_id: group.to_owned(),
        },
        Timeouts::default(),
        RetryPolicy::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn every_demo_patient_has_its_documented_outcome() {
    let options = SandboxOptions {
        slow_delay: Duration::from_millis(300),
        retry_after_secs: 1,
        ..SandboxOptions::default()
    };
    let running = sandbox::spawn(0, options).await.unwrap();
    let client = client(
        running.base_url.clone(),
        sandbox::DEMO_API_KEY,
        sandbox::DEMO_PRACTICE_GROUP_ID,
    );
    for patient in DEMO_PATIENTS {
        let started = Instant::now();
        let result = client
            .register_pds(&query(patient.nhs_number, patient.dob))
            .await;
        let elapsed = started.elapsed();
        match patient.outcome {
            DemoOutcome::Registered | DemoOutcome::AlreadyRegistered => {
                let Ok(Registration::Registered { patient_id }) = result else {
                    panic!("{}: {result:?}", patient.nhs_number)
                };
                let again = client
                    .register_pds(&query(patient.nhs_number, patient.dob))
                    .await;
                assert_eq!(again, Ok(Registration::Registered { patient_id }));
            }
            DemoOutcome::VerificationRequired => {
                let Ok(Registration::VerificationRequired { login_url, .. }) = result else {
                    panic!("{result:?}")
                };
                // The sandbox serves the page the link points at.
                assert!(login_url.starts_with(running.base_url.as_str()));
                let page = reqwest::get(&login_url)
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(page.contains("This is where the patient would verify their identity"));
            }
            DemoOutcome::NotFound => assert_eq!(result, Err(ApiError::NotFound)),
            DemoOutcome::BadRequest => assert_eq!(
                result,
                Err(ApiError::BadRequest {
                    fields: vec![RequestField::DateOfBirth]
                })
            ),
            DemoOutcome::RateLimitedOnce => {
                assert!(matches!(result, Ok(Registration::Registered { .. })));
                assert!(
                    elapsed >= Duration::from_millis(950),
                    "waited out Retry-After"
                );
            }
            DemoOutcome::ServerError => {
                assert!(matches!(
                    result,
                    Err(ApiError::ServerError { status: 500, .. })
                ));
            }
            DemoOutcome::Slow => {
                assert!(matches!(result, Ok(Registration::Registered { .. })));
                assert!(elapsed >= Duration::from_millis(300));
            }
        }
    }
}

#[tokio::test]
async fn the_sandbox_checks_credentials_and_the_date_of_birth() {
    let running = sandbox::spawn(0, SandboxOptions::default()).await.unwrap();
    let wrong_key = client(
        running.base_url.clone(),
        "wrong-key",
        sandbox::DEMO_PRACTICE_GROUP_ID,
    );
    let q = query("999 000 0018", "01/02/1992");
    assert_eq!(
        wrong_key.register_pds(&q).await,
        Err(ApiError::Unauthorized)
    );
    let wrong_group = client(running.base_url.clone(), sandbox::DEMO_API_KEY, "other");
    assert_eq!(wrong_group.register_pds(&q).await, Err(ApiError::Forbidden));
    let right = client(
        running.base_url.clone(),
        sandbox::DEMO_API_KEY,
        sandbox::DEMO_PRACTICE_GROUP_ID,
    );
    // A table patient with the wrong date of birth is not found, as on PDS.
    assert_eq!(
        right
            .register_pds(&query("999 000 0018", "02/01/1992"))
            .await,
        Err(ApiError::NotFound)
    );
    // Any other valid number registers, so trainees can make up their own.
    assert!(matches!(
        right
            .register_pds(&query("999 000 0093", "05/05/1990"))
            .await,
        Ok(Registration::Registered { .. })
    ));
    // Only loopback: the sandbox listens on 127.0.0.1.
    assert!(running.address.ip().is_loopback());
}

#[test]
fn three_steps_register_a_demo_patient_from_a_fresh_start() {
    let fixture = Fixture::new();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    // 1: Try the demo.
    harness.get_by_label("Try the demo (Enter)").click();
    settle(&mut harness, |h| {
        h.state().screen() == Screen::Intake && h.state().connection().is_ok()
    });
    assert!(has_text(&harness, "DEMO — not real patients"));
    // 2: pick the first demo patient; 3: Enter.
    harness.get_by_label("Use 999 000 0018").click();
    harness.step();
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| has_text(h, "Registered with Hero"));
    assert!(has_text(&harness, "demo: not a real patient"));
}

#[test]
fn the_window_shows_every_demo_outcome() {
    let fixture = Fixture::new();
    fixture.demo();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().connection().is_ok());
    for patient in DEMO_PATIENTS {
        if patient.outcome == DemoOutcome::Slow || patient.outcome == DemoOutcome::RateLimitedOnce {
            continue; // Covered by the client test above; the window test stays quick.
        }
        harness.key_press(egui::Key::Escape);
        harness.step();
        harness
            .get_by_label(&format!("Use {}", patient.nhs_number))
            .click();
        harness.step();
        harness.key_press(egui::Key::Enter);
        settle(&mut harness, |h| {
            !h.state().intake().is_busy()
                && (!matches!(h.state().intake().phase(), Phase::Editing { .. })
                    || !h.state().intake_held().is_empty())
        });
        let expected = match patient.outcome {
            DemoOutcome::Registered | DemoOutcome::AlreadyRegistered => "Registered with Hero",
            DemoOutcome::VerificationRequired => "Identity check needed",
            DemoOutcome::NotFound => "No patient was found",
            DemoOutcome::BadRequest => "not in the right format",
            // The demo server has answered: a 500 keeps the patient to send later.
            DemoOutcome::ServerError => "is kept and will be sent when Hero is back",
            _ => unreachable!(),
        };
        assert!(
            has_text(&harness, expected),
            "{}: expected {expected}",
            patient.nhs_number
        );
    }
    for patient in hero_intake::sandbox::DEMO_NAMED_PATIENTS {
        harness.key_press(egui::Key::Escape);
        harness.step();
        // Below the fold of the test window: pressed as a screen reader presses it.
        let label = format!("Use {} {}", patient.forename, patient.surname);
        harness.get_by_label(&label).click_accesskit();
        harness.step();
        assert_eq!(
            harness.state().intake().trace(),
            hero_intake::patient::Trace::Demographics
        );
        harness.key_press(egui::Key::Enter);
        settle(&mut harness, |h| {
            !h.state().intake().is_busy()
                && !matches!(h.state().intake().phase(), Phase::Editing { .. })
        });
        let expected = match patient.outcome {
            DemoOutcome::Registered => "Registered with Hero",
            DemoOutcome::VerificationRequired => "Identity check needed",
            DemoOutcome::NotFound => "No single patient",
            _ => unreachable!(),
        };
        assert!(
            has_text(&harness, expected),
            "{}: expected {expected}",
            patient.forename
        );
    }
    // The demo's verification page is the sandbox's own, on this computer: it opens.
    let opened = fixture.opener.opened();
    assert_eq!(opened.len(), 2);
    assert!(
        opened
            .iter()
            .all(|url| url.starts_with("http://127.0.0.1:")),
        "{opened:?}"
    );
}

#[test]
fn after_try_the_demo_typing_goes_straight_into_the_nhs_number() {
    let fixture = Fixture::new();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| h.state().screen() == Screen::Welcome);
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| {
        h.state().screen() == Screen::Intake && h.state().connection().is_ok()
    });
    harness.step();
    assert!(
        harness
            .get_by_role_and_label(egui::Role::TextInput, "NHS number")
            .is_focused()
    );
    harness.event(egui::Event::Text("9990000018".into()));
    harness.step();
    assert_eq!(harness.state().intake().nhs_text, "9990000018");
}

#[tokio::test]
async fn every_demo_patient_traced_by_name_has_its_documented_outcome() {
    use hero_intake::demographics::{Demographics, NamePart, PersonName, Postcode};
    use hero_intake::sandbox::DEMO_NAMED_PATIENTS;
    let running = sandbox::spawn(0, SandboxOptions::default()).await.unwrap();
    let client = client(
        running.base_url.clone(),
        sandbox::DEMO_API_KEY,
        sandbox::DEMO_PRACTICE_GROUP_ID,
    );
    let today = jiff::civil::date(2026, 11, 26);
    // As typed at a desk: any case and spacing for the postcode, names in any case.
    let query = |forename: &str, surname: &str, dob: &str, postcode: &str| {
        PatientQuery::ByDemographics(Demographics {
            forename: PersonName::parse(forename, NamePart::Forename).unwrap(),
            surname: PersonName::parse(surname, NamePart::Surname).unwrap(),
            dob: DateOfBirth::parse(dob, today).unwrap(),
            postcode: Postcode::parse(postcode).unwrap(),
        })
    };
    for patient in DEMO_NAMED_PATIENTS {
        let typed_postcode = patient.postcode.to_lowercase().replace(' ', "");
        let result = client
            .register_pds(&query(
                &patient.forename.to_uppercase(),
                patient.surname,
                patient.dob,
                &typed_postcode,
            ))
            .await;
        match patient.outcome {
            DemoOutcome::Registered => {
                let Ok(Registration::Registered { patient_id }) = result else {
                    panic!("{}: {result:?}", patient.forename)
                };
                // The same patient, the same ID.
                let again = client
                    .register_pds(&query(
                        patient.forename,
                        patient.surname,
                        patient.dob,
                        patient.postcode,
                    ))
                    .await;
                assert_eq!(again, Ok(Registration::Registered { patient_id }));
            }
            DemoOutcome::VerificationRequired => {
                assert!(
                    matches!(result, Ok(Registration::VerificationRequired { .. })),
                    "{result:?}"
                );
            }
            DemoOutcome::NotFound => assert_eq!(result, Err(ApiError::NoSingleMatch)),
            other => panic!("no named demo patient has {other:?}"),
        }
        // Another postcode or date of birth is no match, as on PDS.
        let elsewhere = client
            .register_pds(&query(
                patient.forename,
                patient.surname,
                patient.dob,
                "ZZ99 9ZZ",
            ))
            .await;
        assert_eq!(
            elsewhere,
            Err(ApiError::NoSingleMatch),
            "{}",
            patient.forename
        );
    }
    // Anyone else registers, so trainees can type their own.
    let other = client
        .register_pds(&query("Trainee", "Madeupname", "01/01/1990", "LS1 4AP"))
        .await;
    assert!(
        matches!(other, Ok(Registration::Registered { .. })),
        "{other:?}"
    );
}

#[tokio::test]
async fn the_sandbox_refuses_a_body_mixing_the_two_variants() {
    let running = sandbox::spawn(0, SandboxOptions::default()).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "http://{}/v1/patients/register_pds",
            running.address
        ))
        .header("x-api-key", sandbox::DEMO_API_KEY)
        .header("x-practice-group-id", sandbox::DEMO_PRACTICE_GROUP_ID)
        .json(&serde_json::json!({
            "nhs_number": "999 000 0018", "dob": "1992-02-01",
            "forename": "Sam", "surname": "Demoperson", "postcode": "LS1 4AP"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

/// The window opens on the demo tables; egui's `Grid` would lay that first frame out
/// twice (a discarded sizing pass), which was most of the extra start-up time.
#[test]
fn opening_on_the_demo_lays_out_every_frame_once() {
    let fixture = Fixture::new();
    fixture.demo();
    let mut harness = fixture.harness();
    settle(&mut harness, |h| has_text(h, "Use 999 000 0018"));
    assert!(
        has_text(&harness, "Use Sam Demoperson"),
        "both tables are drawn"
    );
    let frames = harness.ctx.cumulative_frame_nr();
    let passes = harness.ctx.cumulative_pass_nr();
    assert_eq!(passes, frames, "{passes} layout passes in {frames} frames");
}
