//! Runs the real flows at trace logging and searches everything logged for the API
//! key and patient data. The server is a separate process (`hero-intake sandbox`), so
//! every line captured here was written by the client side: the app.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use common::*;
use hero_intake::api::{Connection, HeroClient, PatientId, Registration, RetryPolicy, Timeouts};
use hero_intake::config::{BaseUrl, Environment, Settings};
use hero_intake::patient::{DateOfBirth, NhsNumber, PatientQuery};
use hero_intake::sandbox::{
    DEMO_API_KEY, DEMO_NAMED_PATIENTS, DEMO_PATIENTS, DEMO_PRACTICE_GROUP_ID, DEMO_RECORDS,
    DemoOutcome, demo_patient_id_of,
};
use hero_intake::secrets::{ApiKey, KeyStore};
use hero_intake::state::Phase;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Sandbox(Child, String);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sandbox_process() -> Sandbox {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    Sandbox(child, url)
}

#[test]
#[expect(clippy::too_many_lines, reason = "one whole flow, step by step")]
fn trace_logs_of_the_real_flows_hold_no_key_and_no_patient_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sandbox = sandbox_process();
    let mut secrets: Vec<String> = vec![DEMO_API_KEY.to_owned()];

    // The client on its own, every quick demo outcome.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = HeroClient::with_options(
        Connection {
            base_url: BaseUrl::parse(&sandbox.1).unwrap(),
            api_key: ApiKey::parse(DEMO_API_KEY).unwrap(),
            practice_group_id: DEMO_PRACTICE_GROUP_ID.to_owned(),
        },
        Timeouts::default(),
        RetryPolicy::default(),
    )
    .unwrap();
    let today = jiff::civil::date(2026, 11, 26);
    for patient in DEMO_PATIENTS
        .iter()
        .filter(|p| p.outcome != DemoOutcome::Slow)
    {
        let nhs = NhsNumber::parse(patient.nhs_number).unwrap();
        let dob = DateOfBirth::parse(patient.dob, today).unwrap();
        secrets.extend([
            nhs.formatted(),
            nhs.formatted().replace(' ', ""),
            dob.iso(),
            patient.dob.to_owned(),
        ]);
        let result = runtime.block_on(client.register_pds(&PatientQuery::ByNhsNumber {
            nhs_number: nhs,
            dob,
        }));
        match result {
            Ok(Registration::Registered { patient_id }) => {
                secrets.push(patient_id.as_str().to_owned())
            }
            Ok(Registration::VerificationRequired { login_url, .. }) => secrets.push(login_url),
            Err(_) => {}
        }
    }

    // The trace by name, every demo outcome.
    for patient in DEMO_NAMED_PATIENTS {
        use hero_intake::demographics::{Demographics, NamePart, PersonName, Postcode};
        let dob = DateOfBirth::parse(patient.dob, today).unwrap();
        secrets.extend([
            patient.forename.to_owned(),
            patient.surname.to_owned(),
            patient.postcode.to_owned(),
            patient.postcode.replace(' ', ""),
            dob.iso(),
        ]);
        let query = PatientQuery::ByDemographics(Demographics {
            forename: PersonName::parse(patient.forename, NamePart::Forename).unwrap(),
            surname: PersonName::parse(patient.surname, NamePart::Surname).unwrap(),
            dob,
            postcode: Postcode::parse(patient.postcode).unwrap(),
        });
        match runtime.block_on(client.register_pds(&query)) {
            Ok(Registration::Registered { patient_id }) => {
                secrets.push(patient_id.as_str().to_owned())
            }
            Ok(Registration::VerificationRequired { login_url, .. }) => secrets.push(login_url),
            Err(_) => {}
        }
    }

    // Every demo patient read back, with its checks: nothing of a record is logged.
    for record in DEMO_RECORDS {
        let id = demo_patient_id_of(record.patient).unwrap();
        let patient_id = PatientId::parse(&id).unwrap();
        let matched = runtime
            .block_on(client.patient_details(&patient_id))
            .unwrap();
        secrets.extend(
            [
                record.first_name,
                record.last_name,
                record.mobile,
                record.email,
                record.line_1,
                record.town,
                record.postcode,
                record.dob_iso,
            ]
            .map(str::to_owned),
        );
        secrets.push(record.mobile.replace(' ', ""));
        secrets.push(id);
        tracing::trace!(?matched, warnings = ?matched.warnings(None), "what a careless log line would show");
    }

    // The window: a saved key, a registration, a verification.
    let fixture = Fixture::new();
    let mut settings = Settings {
        environment: Some(Environment::Custom),
        custom_base_url: sandbox.1.clone(),
        ..Settings::default()
    };
    settings
        .practice_group_ids
        .insert(Environment::Custom, DEMO_PRACTICE_GROUP_ID.to_owned());
    fixture.settings_file().save(&settings).unwrap();
    let mut harness = fixture.harness();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Comma);
    harness.step();
    save_api_key(&mut harness, DEMO_API_KEY);
    settle(&mut harness, |h| has_text(h, "Key saved"));
    assert!(
        fixture
            .key_store
            .load(Environment::Custom)
            .unwrap()
            .is_some()
    );
    harness.key_press(egui::Key::Escape);
    harness.step();
    for (nhs, dob) in [
        ("999 000 0018", "01/02/1992"),
        ("999 000 0034", "30/11/1978"),
    ] {
        harness.key_press(egui::Key::Escape);
        harness.step();
        enter_patient(&mut harness, nhs, dob);
        settle(&mut harness, |h| {
            matches!(
                h.state().intake().phase(),
                Phase::Registered { .. } | Phase::VerificationRequired { .. }
            )
        });
    }

    // And one by name in the window.
    harness.key_press(egui::Key::Escape);
    harness.step();
    let named = DEMO_NAMED_PATIENTS[0];
    type_into(&mut harness, "Date of birth", named.dob);
    type_into(&mut harness, "Forename", named.forename);
    type_into(&mut harness, "Surname", named.surname);
    type_into(&mut harness, "Postcode", named.postcode);
    harness.key_press(egui::Key::Enter);
    settle(&mut harness, |h| {
        matches!(h.state().intake().phase(), Phase::Registered { .. })
    });

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("TRACE"), "trace logging was on");
    assert!(
        logs.contains("registering patient"),
        "the flows were logged"
    );
    assert!(
        logs.contains("*** *** 0018"),
        "patients are referred to masked"
    );
    assert!(
        logs.contains("S. D. LS1 ***"),
        "so are patients traced by name"
    );
    assert!(
        logs.contains("reading a patient's details") && logs.contains("MatchedPatient(***)"),
        "patients were read back"
    );
    for secret in secrets {
        assert!(!logs.contains(&secret), "the logs contain {secret:?}");
    }
}
