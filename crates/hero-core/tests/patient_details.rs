//! The contract of `GET /v2/patients/{id}` (reading a patient back), against a real
//! HTTP server on 127.0.0.1 (wiremock): every field the desk uses, a restricted record,
//! date-time dates of birth, unknown fields, and the answers that aren't a patient.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use hero_core::api::types::BodyProblem;
use hero_core::api::{
    ApiError, Connection, ErrorClass, HeroClient, PatientId, RetryPolicy, Timeouts,
};
use hero_core::config::BaseUrl;
use hero_core::matched::MatchedPatient;
use hero_core::secrets::ApiKey;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "test-key-7f3a9c";
const PRACTICE_GROUP_ID: &str = "pg-test-42";
const PATIENT_ID: &str = "70001";

fn client(server: &MockServer) -> HeroClient {
    HeroClient::with_options(
        Connection {
            base_url: BaseUrl::parse(&server.uri()).unwrap(),
            api_key: ApiKey::parse(API_KEY).unwrap(),
            practice_group_id: PRACTICE_GROUP_ID.to_owned(),
        },
        Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_secs(5),
        },
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
            max_wait: Duration::from_secs(2),
        },
    )
    .unwrap()
}

/// A whole record as the reference describes it, with fields the app doesn't use.
fn full_record() -> Value {
    json!({
        "hero_id": PATIENT_ID,
        "hero_uid": "u-1",
        "ehr_partner_id": null,
        "emis_id": null,
        "title": "Mx",
        "first_name": "Sam",
        "last_name": "Demoperson",
        "sex": "Not known",
        "dob": "1988-03-07T00:00:00.000Z",
        "deceased_at": null,
        "nhs_number": "9990000018",
        "mobile": "07700 900123",
        "email": "sam.demo@example.com",
        "last_sync_at": "2026-01-01T09:00:00Z",
        "data_source": "pds",
        "restricted": false,
        "line_1": "1 Made Up Street",
        "line_2": "Flat 2",
        "line_3": null,
        "town": "Leeds",
        "county": "West Yorkshire",
        "postcode": "LS1 4AP",
        "identifiers": [{"source": "nhs", "name": "nhs_number", "role": "main", "label": "NHS", "value": "9990000018"}],
        "ehr_registered": true,
        "a_field_hero_adds_later": {"nested": [1, 2, 3]}
    })
}

/// Serves `response` to the one request the contract describes, and reads it back.
async fn details(response: ResponseTemplate) -> Result<MatchedPatient, ApiError> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/patients/{PATIENT_ID}")))
        .and(header("x-api-key", API_KEY))
        .and(header("x-practice-group-id", PRACTICE_GROUP_ID))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .patient_details(&PatientId::parse(PATIENT_ID).unwrap())
        .await;
    server.verify().await;
    result
}

async fn details_of(record: Value) -> MatchedPatient {
    details(ResponseTemplate::new(200).set_body_json(record))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_field_the_desk_uses_is_read_and_unknown_ones_ignored() {
    let matched = details_of(full_record()).await;
    assert_eq!(matched.first_name(), Some("Sam"));
    assert_eq!(matched.last_name(), Some("Demoperson"));
    assert_eq!(matched.full_name().as_deref(), Some("Sam Demoperson"));
    assert_eq!(matched.dob().unwrap().iso(), "1988-03-07");
    assert_eq!(matched.dob().unwrap().in_words(), "7 March 1988");
    assert_eq!(matched.nhs_number().unwrap().formatted(), "999 000 0018");
    assert_eq!(matched.postcode(), Some("LS1 4AP"));
    assert_eq!(
        matched.address_lines(),
        ["1 Made Up Street", "Flat 2", "Leeds", "West Yorkshire"]
    );
    assert_eq!(matched.mobile(), Some("07700 900123"));
    assert_eq!(matched.masked_mobile().as_deref(), Some("ending 123"));
    assert_eq!(matched.email(), Some("sam.demo@example.com"));
    assert_eq!(matched.masked_email().as_deref(), Some("s***@e***.com"));
    assert!(!matched.is_restricted());
    assert!(!matched.is_deceased());
    assert_eq!(matched.registered_at_practice(), Some(true));
}

#[tokio::test]
async fn a_restricted_record_gives_no_address_or_contact_though_hero_sent_them() {
    let mut record = full_record();
    record["restricted"] = json!(true);
    let matched = details_of(record).await;
    assert!(matched.is_restricted());
    assert_eq!(matched.postcode(), None);
    assert!(matched.address_lines().is_empty());
    assert_eq!((matched.mobile(), matched.email()), (None, None));
    assert_eq!(
        (matched.masked_mobile(), matched.masked_email()),
        (None, None)
    );
    assert_eq!(matched.full_name().as_deref(), Some("Sam Demoperson"));
}

#[tokio::test]
async fn the_date_of_birth_is_the_date_as_written_never_moved_to_local_time() {
    for written in [
        "1992-02-01T00:00:00.000Z",
        "1992-02-01T23:30:00+01:00",
        "1992-02-01T23:30:00.000-08:00",
    ] {
        let mut record = full_record();
        record["dob"] = json!(written);
        let dob = details_of(record).await.dob().unwrap();
        assert_eq!(dob.iso(), "1992-02-01", "{written}");
    }
}

#[tokio::test]
async fn missing_and_null_fields_are_simply_absent() {
    let matched = details_of(json!({"dob": null, "identifiers": [], "ehr_registered": null})).await;
    assert_eq!(matched.full_name(), None);
    assert_eq!(matched.dob(), None);
    assert!(matched.nhs_number().is_none());
    assert!(matched.address_lines().is_empty());
    assert!(!matched.is_restricted());
    assert_eq!(matched.registered_at_practice(), None);
    let mut temporary = full_record();
    temporary["ehr_registered"] = json!(false);
    temporary["deceased_at"] = json!("2025-06-01T08:00:00Z");
    let matched = details_of(temporary).await;
    assert_eq!(matched.registered_at_practice(), Some(false));
    assert!(matched.is_deceased());
}

#[tokio::test]
async fn not_found_and_not_permitted_are_their_own_reasons() {
    let error = details(ResponseTemplate::new(404).set_body_json(json!({"message": "Not found"})))
        .await
        .unwrap_err();
    assert_eq!(error, ApiError::PatientNotFound);
    assert_eq!(
        (error.status(), error.class()),
        (Some(404), ErrorClass::Refused)
    );
    let error =
        details(ResponseTemplate::new(403).set_body_json(json!({"message": "Unauthorised"})))
            .await
            .unwrap_err();
    assert_eq!(error, ApiError::DetailsNotPermitted);
    assert_eq!(
        (error.status(), error.class()),
        (Some(403), ErrorClass::Refused)
    );
    assert!(
        !error.is_credentials_problem(),
        "registering still works with this key"
    );
}

#[tokio::test]
async fn answers_that_are_not_a_patient_are_unreadable() {
    for body in [json!([1, 2]), json!({"first_name": 5}), json!("Sam")] {
        let error = details(ResponseTemplate::new(200).set_body_json(body))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            ApiError::BadResponse {
                problem: BodyProblem::NotAPatient
            }
        );
    }
    let error = details(ResponseTemplate::new(200).set_body_string("x".repeat(300 * 1024)))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::TooLarge
        }
    );
}

#[tokio::test]
async fn a_busy_or_failing_hero_is_retried_as_registrations_are() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/patients/{PATIENT_ID}")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/patients/{PATIENT_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_record()))
        .mount(&server)
        .await;
    let matched = client(&server)
        .patient_details(&PatientId::parse(PATIENT_ID).unwrap())
        .await
        .unwrap();
    assert_eq!(matched.first_name(), Some("Sam"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_patient_id_is_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/patients/pat_1-A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_record()))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .patient_details(&PatientId::parse("pat_1-A").unwrap())
        .await
        .unwrap();
    // An ID outside the rule is refused before anything is sent.
    for refused in ["", "../v1/me", "1/2", "1?x=2", "1%2F2", "é"] {
        assert_eq!(PatientId::parse(refused), None, "{refused}");
    }
}

// ------------------------------------------------------------ the demo sandbox

/// Each demo record registered as the README says, then read back from the sandbox:
/// the case it stands for is what the checks find.
#[tokio::test]
async fn the_sandbox_reads_back_each_demo_case() {
    use hero_core::demographics::{Demographics, NamePart, PersonName, Postcode};
    use hero_core::patient::{DateOfBirth, NhsNumber, PatientQuery, today};
    use hero_core::sandbox::{
        DEMO_NAMED_PATIENTS, DEMO_PATIENTS, DEMO_RECORDS, DemoKey, DemoRecordCase, SandboxOptions,
        spawn,
    };

    let sandbox = spawn(
        0,
        SandboxOptions {
            slow_delay: Duration::ZERO,
            retry_after_secs: 0,
            rate_limit_per_second: None,
        },
    )
    .await
    .unwrap();
    let client = HeroClient::new(sandbox.demo_connection()).unwrap();
    let readme = include_str!("../../../README.md");
    for record in DEMO_RECORDS {
        let query = match record.patient {
            DemoKey::NhsNumber(nhs) => {
                let demo = DEMO_PATIENTS.iter().find(|p| p.nhs_number == nhs).unwrap();
                PatientQuery::ByNhsNumber {
                    nhs_number: NhsNumber::parse(nhs).unwrap(),
                    dob: DateOfBirth::parse(demo.dob, today()).unwrap(),
                }
            }
            DemoKey::Named(forename, surname) => {
                let demo = DEMO_NAMED_PATIENTS
                    .iter()
                    .find(|p| p.forename == forename)
                    .unwrap();
                PatientQuery::ByDemographics(Demographics {
                    forename: PersonName::parse(forename, NamePart::Forename).unwrap(),
                    surname: PersonName::parse(surname, NamePart::Surname).unwrap(),
                    dob: DateOfBirth::parse(demo.dob, today()).unwrap(),
                    postcode: Postcode::parse(demo.postcode).unwrap(),
                })
            }
        };
        let registration = client.register_pds(&query).await.unwrap();
        let hero_core::api::Registration::Registered { patient_id } = registration else {
            panic!("a demo record's patient registers");
        };
        let matched = client.patient_details(&patient_id).await.unwrap();
        let codes: Vec<&str> = matched
            .warnings(Some(&query))
            .iter()
            .map(hero_core::matched::Warning::code)
            .collect();
        let expected: &[&str] = match record.case {
            DemoRecordCase::AsTyped => &[],
            DemoRecordCase::DateOfBirthDiffers => &["date_of_birth_differs"],
            DemoRecordCase::Restricted => &["restricted"],
            DemoRecordCase::Deceased => &["deceased"],
            DemoRecordCase::Temporary => &["temporary_patient"],
        };
        assert_eq!(codes, expected, "{:?}", record.case);
        assert_eq!(matched.first_name(), Some(record.first_name));
        if record.case == DemoRecordCase::Restricted {
            assert_eq!(matched.postcode(), None);
            assert!(matched.address_lines().is_empty());
        } else {
            assert_eq!(matched.postcode(), Some(record.postcode));
        }
        assert!(
            readme.contains(record.what_the_card_shows),
            "the README's demo tables say what {:?} shows",
            record.case
        );
    }
    let unknown = PatientId::parse("DEMO-000000").unwrap();
    assert_eq!(
        client.patient_details(&unknown).await,
        Err(ApiError::PatientNotFound)
    );
}
