//! The contract of `POST /v1/patients/register_pds`, against a real HTTP server on
//! 127.0.0.1 (wiremock): every documented answer and the malformed ones, each with the
//! exact request the client must send.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use hero_core::api::types::BodyProblem;
use hero_core::api::{
    ApiError, Connection, ErrorClass, HeroClient, Registration, RequestField, RetryPolicy, Timeouts,
};
use hero_core::batch::RESULTS_FILE;
use hero_core::config::BaseUrl;
use hero_core::patient::{DateOfBirth, NhsNumber, PatientQuery, today};
use hero_core::secrets::ApiKey;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "test-key-7f3a9c";
const PRACTICE_GROUP_ID: &str = "pg-test-42";
const NHS_NUMBER: &str = "9990000018";
const DOB: &str = "1992-02-01";

/// Everything that must never appear in an error shown to the user.
const SECRETS: [&str; 6] = [
    NHS_NUMBER,
    "999 000 0018",
    DOB,
    "01/02/1992",
    "1 February 1992",
    API_KEY,
];

fn query() -> PatientQuery {
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse(NHS_NUMBER).unwrap(),
        dob: DateOfBirth::parse(DOB, today()).unwrap(),
    }
}

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

/// `user-agent` must name the app: `hero-intake/<version>`.
struct UserAgentIsHeroIntake;

impl wiremock::Match for UserAgentIsHeroIntake {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("hero-intake/") && v.len() > "hero-intake/".len())
    }
}

/// The one request the contract describes, answered with `response`, exactly once.
async fn serve_once(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/patients/register_pds"))
        .and(header("x-api-key", API_KEY))
        .and(header("x-practice-group-id", PRACTICE_GROUP_ID))
        .and(header("content-type", "application/json"))
        .and(UserAgentIsHeroIntake)
        .and(body_json(
            json!({"nhs_number": "999 000 0018", "dob": "1992-02-01"}),
        ))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Sends the registration and checks the server saw exactly the one expected request.
async fn register(response: ResponseTemplate) -> Result<Registration, ApiError> {
    let server = serve_once(response).await;
    let result = client(&server).register_pds(&query()).await;
    server.verify().await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    result
}

fn assert_no_leak(error: &ApiError) {
    let texts = [
        error.to_string(),
        error.cause(),
        error.fix(&RESULTS_FILE),
        format!("{error:?}"),
    ];
    for text in &texts {
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "error text leaks {secret:?}: {text:?}"
            );
        }
    }
    assert!(
        !error.cause().trim().is_empty(),
        "empty cause for {error:?}"
    );
    assert!(
        !error.fix(&RESULTS_FILE).trim().is_empty(),
        "empty fix for {error:?}"
    );
}

fn expect_err(result: Result<Registration, ApiError>) -> ApiError {
    let error = result.unwrap_err();
    assert_no_leak(&error);
    error
}

// ---------------------------------------------------------------- success answers

#[tokio::test]
async fn ok_with_string_patient_id_is_registered() {
    let result = register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": "98765"})))
        .await
        .unwrap();
    let Registration::Registered { patient_id } = result else {
        panic!("expected Registered, got {result:?}");
    };
    assert_eq!(patient_id.as_str(), "98765");
}

#[tokio::test]
async fn ok_with_numeric_patient_id_is_registered_as_text() {
    let result = register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": 98765})))
        .await
        .unwrap();
    let Registration::Registered { patient_id } = result else {
        panic!("expected Registered, got {result:?}");
    };
    assert_eq!(patient_id.as_str(), "98765");
}

#[tokio::test]
async fn ok_with_message_and_login_url_is_verification_required() {
    let result = register(ResponseTemplate::new(200).set_body_json(json!({
        "message": "Patient must verify their identity before proceeding",
        "login_url": "https://patient.herohealth.net/verify/abc123"
    })))
    .await
    .unwrap();
    assert_eq!(
        result,
        Registration::VerificationRequired {
            message: "Patient must verify their identity before proceeding".into(),
            login_url: "https://patient.herohealth.net/verify/abc123".into(),
        }
    );
}

// ---------------------------------------------------------------- documented errors

#[tokio::test]
async fn bad_request_with_text_message_naming_dob() {
    let error = expect_err(
        register(
            ResponseTemplate::new(400)
                .set_body_json(json!({"message": "Invalid dob: expected YYYY-MM-DD"})),
        )
        .await,
    );
    assert_eq!(
        error,
        ApiError::BadRequest {
            fields: vec![RequestField::DateOfBirth]
        }
    );
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert_eq!(error.fields_to_correct(), vec![RequestField::DateOfBirth]);
    // The server's message is not echoed (it may quote the patient's details).
    assert!(!error.to_string().contains("expected YYYY-MM-DD"));
}

#[tokio::test]
async fn bad_request_with_text_message_naming_no_field_blames_both() {
    let error = expect_err(
        register(ResponseTemplate::new(400).set_body_json(json!({"message": "Bad Request"}))).await,
    );
    // Nothing named: the fields this trace sent are the ones to check.
    assert_eq!(
        error,
        ApiError::BadRequest {
            fields: vec![RequestField::NhsNumber, RequestField::DateOfBirth]
        }
    );
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert_eq!(
        error.fields_to_correct(),
        vec![RequestField::NhsNumber, RequestField::DateOfBirth]
    );
}

#[tokio::test]
async fn bad_request_with_validation_issues_blames_their_paths() {
    let error = expect_err(
        register(ResponseTemplate::new(400).set_body_json(json!({
            "message": [{"code": "invalid_type", "expected": "string", "path": ["dob"]}]
        })))
        .await,
    );
    assert_eq!(
        error,
        ApiError::BadRequest {
            fields: vec![RequestField::DateOfBirth]
        }
    );
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert_eq!(error.fields_to_correct(), vec![RequestField::DateOfBirth]);
}

#[tokio::test]
async fn bad_request_with_non_json_body_is_still_bad_request() {
    let error = expect_err(
        register(ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>")).await,
    );
    // Nothing named: the fields this trace sent are the ones to check.
    assert_eq!(
        error,
        ApiError::BadRequest {
            fields: vec![RequestField::NhsNumber, RequestField::DateOfBirth]
        }
    );
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.class(), ErrorClass::Refused);
}

#[tokio::test]
async fn unauthorized_401() {
    let error = expect_err(
        register(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
            .await,
    );
    assert_eq!(error, ApiError::Unauthorized);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert!(error.is_credentials_problem());
    assert!(error.fields_to_correct().is_empty());
    assert!(error.fix(&RESULTS_FILE).contains("API key"));
}

#[tokio::test]
async fn forbidden_403() {
    let error = expect_err(
        register(ResponseTemplate::new(403).set_body_json(json!({"message": "Forbidden"}))).await,
    );
    assert_eq!(error, ApiError::Forbidden);
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert!(error.is_credentials_problem());
    assert!(error.fix(&RESULTS_FILE).contains("practice group"));
}

#[tokio::test]
async fn not_found_404() {
    let error = expect_err(
        register(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}))).await,
    );
    assert_eq!(error, ApiError::NotFound);
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert!(!error.is_credentials_problem());
    assert_eq!(
        error.fields_to_correct(),
        vec![RequestField::NhsNumber, RequestField::DateOfBirth]
    );
}

// ---------------------------------------------------------------- undocumented statuses

#[tokio::test]
async fn server_error_500_with_html_body_is_not_retried() {
    let error = expect_err(
        register(
            ResponseTemplate::new(500)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body><h1>500 Internal Server Error</h1></body></html>"),
        )
        .await,
    );
    assert_eq!(
        error,
        ApiError::ServerError {
            status: 500,
            attempts: 1
        }
    );
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert!(!error.to_string().contains("<html>"));
}

#[tokio::test]
async fn teapot_418_is_unexpected_status() {
    let error =
        expect_err(register(ResponseTemplate::new(418).set_body_string("I'm a teapot")).await);
    assert_eq!(error, ApiError::UnexpectedStatus { status: 418 });
    assert_eq!(error.status(), Some(418));
    assert_eq!(error.class(), ErrorClass::Refused);
}

// ---------------------------------------------------------------- malformed 200s

#[tokio::test]
async fn ok_with_non_json_body_is_bad_response_not_json() {
    let error = expect_err(
        register(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .set_body_string("<html>Welcome to the captive portal</html>"),
        )
        .await,
    );
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::NotJson
        }
    );
    assert_eq!(error.status(), None);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
}

#[tokio::test]
async fn ok_with_empty_body_is_bad_response_not_json() {
    let error = expect_err(register(ResponseTemplate::new(200)).await);
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::NotJson
        }
    );
}

#[tokio::test]
async fn ok_with_empty_object_is_wrong_shape() {
    let error = expect_err(register(ResponseTemplate::new(200).set_body_json(json!({}))).await);
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::WrongShape
        }
    );
    assert_eq!(error.class(), ErrorClass::NoAnswer);
}

#[tokio::test]
async fn ok_with_unknown_fields_is_wrong_shape() {
    let error = expect_err(
        register(ResponseTemplate::new(200).set_body_json(json!({"id": "98765", "status": "ok"})))
            .await,
    );
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::WrongShape
        }
    );
}

#[tokio::test]
async fn ok_with_patient_id_of_wrong_type_is_wrong_shape() {
    for body in [
        json!({"patient_id": null}),
        json!({"patient_id": true}),
        json!({"patient_id": {"id": "98765"}}),
        json!(["98765"]),
        json!("98765"),
    ] {
        let error = expect_err(register(ResponseTemplate::new(200).set_body_json(&body)).await);
        assert_eq!(
            error,
            ApiError::BadResponse {
                problem: BodyProblem::WrongShape
            },
            "body {body}"
        );
    }
}

#[tokio::test]
async fn ok_with_empty_patient_id_is_empty_patient_id() {
    let error = expect_err(
        register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": ""}))).await,
    );
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::EmptyPatientId
        }
    );
    assert_eq!(error.class(), ErrorClass::NoAnswer);
}

#[tokio::test]
async fn ok_with_blank_patient_id_is_empty_patient_id() {
    let error = expect_err(
        register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": "   "}))).await,
    );
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::EmptyPatientId
        }
    );
}

#[tokio::test]
async fn ok_with_empty_login_url_is_empty_login_url() {
    let error = expect_err(
        register(
            ResponseTemplate::new(200).set_body_json(json!({"message": "Verify", "login_url": ""})),
        )
        .await,
    );
    assert_eq!(
        error,
        ApiError::BadResponse {
            problem: BodyProblem::EmptyLoginUrl
        }
    );
}

// ------------------------------------------------ the trace by name and postcode

fn demographics_query() -> PatientQuery {
    use hero_core::demographics::{Demographics, NamePart, PersonName, Postcode};
    PatientQuery::ByDemographics(Demographics {
        forename: PersonName::parse("  Zoë  Ann ", NamePart::Forename).unwrap(),
        surname: PersonName::parse("O’Testperson", NamePart::Surname).unwrap(),
        dob: DateOfBirth::parse(DOB, today()).unwrap(),
        postcode: Postcode::parse("ls1  4ap").unwrap(),
    })
}

/// Exactly the demographics variant's four fields: no `nhs_number`, nothing else.
async fn serve_demographics_once(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/patients/register_pds"))
        .and(header("x-api-key", API_KEY))
        .and(header("x-practice-group-id", PRACTICE_GROUP_ID))
        .and(body_json(json!({
            "forename": "Zoë Ann",
            "surname": "O'Testperson",
            "dob": DOB,
            "postcode": "LS1 4AP"
        })))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_demographics_trace_sends_exactly_its_four_fields() {
    let server = serve_demographics_once(
        ResponseTemplate::new(200).set_body_json(json!({"patient_id": "pat_42"})),
    )
    .await;
    let registration = client(&server)
        .register_pds(&demographics_query())
        .await
        .unwrap();
    assert!(matches!(registration, Registration::Registered { .. }));
    // The body as sent, read back from the server: no nhs_number key at all.
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["dob", "forename", "postcode", "surname"]);
    server.verify().await;
}

#[tokio::test]
async fn the_demographics_trace_has_the_same_success_shapes() {
    let server = serve_demographics_once(ResponseTemplate::new(200).set_body_json(json!({
        "message": "Patient must verify their identity before proceeding",
        "login_url": "https://login.example.test/verify/abc"
    })))
    .await;
    let registration = client(&server)
        .register_pds(&demographics_query())
        .await
        .unwrap();
    assert!(matches!(
        registration,
        Registration::VerificationRequired { .. }
    ));
}

#[tokio::test]
async fn a_demographics_404_says_no_single_patient_matched() {
    let server = serve_demographics_once(
        ResponseTemplate::new(404).set_body_json(json!({"message": "Patient not found"})),
    )
    .await;
    let error = client(&server)
        .register_pds(&demographics_query())
        .await
        .unwrap_err();
    assert_eq!(error, ApiError::NoSingleMatch);
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.class(), ErrorClass::Refused);
    assert!(
        error.cause().contains("No single patient"),
        "{}",
        error.cause()
    );
    let fix = error.fix(&RESULTS_FILE);
    for words in ["spelling", "date of birth", "postcode", "NHS number"] {
        assert!(fix.contains(words), "{fix}");
    }
    assert_eq!(
        error.fields_to_correct(),
        vec![
            RequestField::Forename,
            RequestField::Surname,
            RequestField::DateOfBirth,
            RequestField::Postcode
        ]
    );
    // The NHS number trace's 404 keeps its own wording.
    assert_ne!(ApiError::NotFound.cause(), error.cause());
}

#[tokio::test]
async fn a_demographics_400_names_the_field_from_its_path() {
    let server = serve_demographics_once(ResponseTemplate::new(400).set_body_json(json!({
        "message": [{"code": "invalid_string", "expected": "UK postcode", "path": ["postcode"]}]
    })))
    .await;
    let error = client(&server)
        .register_pds(&demographics_query())
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::BadRequest {
            fields: vec![RequestField::Postcode]
        }
    );
    assert_eq!(
        error.cause(),
        "Hero says the postcode is missing or not in the right format (400)"
    );
    assert_eq!(
        error.fix(&RESULTS_FILE),
        "Check the postcode, then run the list again once the row is corrected (rows already registered are safe to send again)."
    );
    // Naming no field: every field the trace sent is the one to check.
    let server = serve_demographics_once(
        ResponseTemplate::new(400).set_body_json(json!({"message": "Bad Request"})),
    )
    .await;
    let error = client(&server)
        .register_pds(&demographics_query())
        .await
        .unwrap_err();
    assert_eq!(
        error.cause(),
        "Hero says the forename, surname, date of birth or postcode is missing or not in the right format (400)"
    );
    for secret in ["Zoë", "Testperson", "LS1 4AP", DOB] {
        assert!(!error.cause().contains(secret) && !error.fix(&RESULTS_FILE).contains(secret));
        assert!(!format!("{error:?}").contains(secret));
    }
}

#[test]
fn a_request_body_is_one_variant_or_the_other() {
    use hero_core::api::types::RegisterPdsRequest;
    let by_name: RegisterPdsRequest = serde_json::from_value(json!({
        "forename": "A", "surname": "B", "dob": DOB, "postcode": "LS1 4AP"
    }))
    .unwrap();
    assert_eq!(by_name.trace(), hero_core::patient::Trace::Demographics);
    // A mix of the two is neither.
    let mixed = serde_json::from_value::<RegisterPdsRequest>(json!({
        "nhs_number": "999 000 0018", "forename": "A", "surname": "B", "dob": DOB, "postcode": "LS1 4AP"
    }));
    assert!(mixed.is_err());
    // Debug shows only which variant it is.
    let shown = format!("{:?}", RegisterPdsRequest::from(&demographics_query()));
    assert_eq!(shown, "RegisterPdsRequest(Demographics)");
}

#[test]
fn each_surface_says_what_to_do_in_its_own_words() {
    use hero_core::api::Surface;
    const MARKED: Surface = Surface {
        send_again: "SEND-AGAIN",
        try_again: "TRY-AGAIN",
        key_is: "KEY-IS",
        group_is: "GROUP-IS",
        server_is: "SERVER-IS",
    };
    let says = |error: ApiError, words: &str| {
        let fix = error.fix(&MARKED);
        assert!(fix.contains(words), "{error:?}: {fix}");
    };
    says(
        ApiError::BadRequest {
            fields: vec![RequestField::Postcode],
        },
        "SEND-AGAIN",
    );
    says(
        ApiError::ServerError {
            status: 503,
            attempts: 4,
        },
        "TRY-AGAIN",
    );
    says(ApiError::Internal, "TRY-AGAIN");
    says(ApiError::Unauthorized, "KEY-IS");
    says(ApiError::Forbidden, "GROUP-IS");
    says(ApiError::NotHeroApi, "SERVER-IS");
    says(ApiError::Tls, "SERVER-IS");
    // A results file is read after the run: no key to press.
    let in_file = ApiError::Timeout { attempts: 4 }.fix(&RESULTS_FILE);
    assert!(!in_file.contains("press"), "{in_file}");
    assert!(in_file.contains("run the list again"), "{in_file}");
}

// ------------------------------------------------- what comes from Hero is data

/// Each refused without its text reaching the error: an escape sequence, a
/// right-to-left override, a newline, a space, 5,000 characters, 65 characters.
#[tokio::test]
async fn patient_ids_outside_the_rule_are_unreadable_answers() {
    let long = "9".repeat(5_000);
    let hostile = [
        "\u{1b}[31m123",
        "123\u{202E}987",
        "123\n456",
        "12 34",
        "=HYPERLINK(\"x\")",
        long.as_str(),
        &"1".repeat(65),
    ];
    for id in hostile {
        let error = expect_err(
            register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": id}))).await,
        );
        assert_eq!(
            error,
            ApiError::BadResponse {
                problem: BodyProblem::BadPatientId
            }
        );
        assert_eq!(error.class(), ErrorClass::NoAnswer);
        assert!(!error.cause().contains(id) && !error.fix(&RESULTS_FILE).contains(id));
    }
}

#[tokio::test]
async fn patient_ids_inside_the_rule_are_kept_as_sent() {
    for id in ["7", "pat_123-ABC", &"1".repeat(64)] {
        let result = register(ResponseTemplate::new(200).set_body_json(json!({"patient_id": id})))
            .await
            .unwrap();
        assert_eq!(
            result,
            Registration::Registered {
                patient_id: hero_core::api::PatientId::new(id)
            }
        );
    }
}

#[tokio::test]
async fn verification_links_that_are_not_web_addresses_are_unreadable_answers() {
    for link in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.test/x",
        "patient.example.test/verify",
    ] {
        let error = expect_err(
            register(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"message": "Verify", "login_url": link})),
            )
            .await,
        );
        assert_eq!(
            error,
            ApiError::BadResponse {
                problem: BodyProblem::BadLoginUrl
            }
        );
        assert!(!error.cause().contains(link), "{link} repeated");
    }
}

#[tokio::test]
async fn an_http_link_stays_and_the_message_loses_its_controls() {
    let result = register(ResponseTemplate::new(200).set_body_json(json!({
        "message": "Verify\u{1b}[2J\u{202E} now\nplease",
        "login_url": "http://patient.example.test/verify/x1"
    })))
    .await
    .unwrap();
    assert_eq!(
        result,
        Registration::VerificationRequired {
            message: "Verify[2J now please".into(),
            login_url: "http://patient.example.test/verify/x1".into(),
        }
    );
}
