//! The contract of the calls after a registration — `POST /v1/messages/send`,
//! `POST /v1/booking_links`, `GET /v1/appointment_types`, `GET /v1/locations` and
//! `GET /v1/me`'s name — against real HTTP servers on 127.0.0.1: wiremock, and a bare
//! TCP listener for a connection that drops (or goes quiet) after the request arrived.
//! A message or link must never be created twice by a retry.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hero_core::api::{
    Action, ApiError, BookingLink, Channel, Choice, Connection, ErrorClass, HeroClient,
    NewBookingLink, NewMessage, RetryPolicy, Scope, Timeouts, UnknownWhy, outreach::SentField,
    types::BodyProblem,
};
use hero_core::api::{PatientId, outreach::SendMessageBody};
use hero_core::batch::RESULTS_FILE;
use hero_core::config::BaseUrl;
use hero_core::secrets::ApiKey;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "test-key-7f3a9c";
const PRACTICE_GROUP_ID: &str = "pg-test-42";
const PATIENT: &str = "70001";
const TEXT: &str = "Hello Sam, welcome to Demo Surgery.";
const MOBILE: &str = "+447700900123";
const LINK: &str = "https://bookings.herohealth.net/s/abc123";

fn client_for(base: &str, request_timeout: Duration) -> HeroClient {
    HeroClient::with_options(
        Connection {
            base_url: BaseUrl::parse(base).unwrap(),
            api_key: ApiKey::parse(API_KEY).unwrap(),
            practice_group_id: PRACTICE_GROUP_ID.to_owned(),
        },
        Timeouts {
            connect: Duration::from_secs(2),
            request: request_timeout,
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

fn client(server: &MockServer) -> HeroClient {
    client_for(&server.uri(), Duration::from_secs(5))
}

fn message(recipient: Option<&str>, write_to_record: bool) -> NewMessage {
    NewMessage {
        patient_id: PatientId::new(PATIENT),
        channel: Channel::Sms,
        text: TEXT.to_owned(),
        recipient: recipient.map(str::to_owned),
        write_to_record,
    }
}

fn link() -> NewBookingLink {
    NewBookingLink {
        patient_id: PatientId::new(PATIENT),
        appointment_type_id: "12".to_owned(),
        location_id: "loc-5".to_owned(),
        expires: jiff::civil::date(2026, 12, 20),
        maximum_use_count: 1,
    }
}

/// `path` answered with `response` for a request with exactly `body`, `times` times.
async fn serve(path_: &str, body: serde_json::Value, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(path_))
        .and(header("x-api-key", API_KEY))
        .and(header("x-practice-group-id", PRACTICE_GROUP_ID))
        .and(header("content-type", "application/json"))
        .and(body_json(body))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn record_contact_body() -> serde_json::Value {
    json!({"patient_id": PATIENT, "message_type": "sms", "message_string": TEXT})
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn send(
    response: ResponseTemplate,
) -> (Result<hero_core::api::SentMessage, ApiError>, usize) {
    let server = serve("/v1/messages/send", record_contact_body(), response).await;
    let result = client(&server).send_message(&message(None, false)).await;
    (result, requests(&server).await)
}

#[tokio::test]
async fn a_message_to_the_records_contact_sends_only_the_three_required_fields() {
    let (result, count) = send(
        ResponseTemplate::new(200).set_body_json(json!({"message_id": "m-1", "content": TEXT})),
    )
    .await;
    assert_eq!(result.unwrap().message_id, "m-1");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn another_recipient_and_write_to_record_are_sent_only_when_chosen() {
    let body = json!({
        "patient_id": PATIENT, "message_type": "email", "message_string": TEXT,
        "recipient_contact_detail": "sam@example.org", "write_to_record": true
    });
    let server = serve(
        "/v1/messages/send",
        body,
        ResponseTemplate::new(200).set_body_json(json!({"message_id": 991})),
    )
    .await;
    let mut chosen = message(Some("sam@example.org"), true);
    chosen.channel = Channel::Email;
    let sent = client(&server).send_message(&chosen).await.unwrap();
    assert_eq!(sent.message_id, "991");
    // The wire names of the three channels, as the reference lists them.
    for (channel, name) in [
        (Channel::Sms, "sms"),
        (Channel::Email, "email"),
        (Channel::NhsApp, "nhs_app"),
    ] {
        let mut m = message(None, false);
        m.channel = channel;
        let wire = serde_json::to_value(SendMessageBody::from(&m)).unwrap();
        assert_eq!(wire["message_type"], name);
        assert_eq!(wire.as_object().unwrap().len(), 3, "{wire}");
    }
}

#[tokio::test]
async fn a_400_names_the_fields_from_its_message_array() {
    let (result, count) = send(ResponseTemplate::new(400).set_body_json(json!({
        "error": true, "statusCode": 400,
        "message": [{"code": "too_small", "expected": "string", "path": ["message_string"]},
                    {"code": "invalid", "path": ["recipient_contact_detail"]}]
    })))
    .await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::NotAccepted {
            action: Action::Message,
            fields: vec![SentField::MessageString, SentField::RecipientContactDetail]
        }
    );
    assert_eq!(error.class(), ErrorClass::Refused);
    assert_eq!(error.status(), Some(400));
    assert_eq!(
        error.cause(),
        "Hero did not accept the message: the message text and recipient are missing or not in the right format (400)"
    );
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_403_names_the_permission_to_ask_hero_for() {
    let (result, _) = send(ResponseTemplate::new(403).set_body_string("Unauthorised")).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::ScopeMissing {
            scope: Scope::Messaging
        }
    );
    assert!(
        error.cause().contains("Messaging permission"),
        "{}",
        error.cause()
    );
    assert_eq!(
        error.fix(&RESULTS_FILE),
        "Ask Hero to give this API key the Messaging permission. The registration stands."
    );
    let (result, _) = send(ResponseTemplate::new(404)).await;
    assert_eq!(result.unwrap_err(), ApiError::PatientNotFound);
}

#[tokio::test]
async fn a_5xx_without_retry_after_is_sent_once_and_may_have_been_sent() {
    for status in [500, 502, 503, 504] {
        let (result, count) = send(ResponseTemplate::new(status)).await;
        let error = result.unwrap_err();
        assert_eq!(
            error,
            ApiError::OutcomeUnknown {
                action: Action::Message,
                why: UnknownWhy::ServerError { status }
            }
        );
        assert_eq!(count, 1, "HTTP {status} must not be sent again");
        assert!(
            error
                .cause()
                .starts_with("The message may or may not have been sent")
        );
        assert!(error.fix(&RESULTS_FILE).starts_with("Check in Hero"));
        assert_eq!(error.status(), Some(status));
    }
}

#[tokio::test]
async fn a_yes_whose_answer_cant_be_read_is_not_sent_again() {
    let (result, count) = send(ResponseTemplate::new(200).set_body_string("<html>ok</html>")).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::OutcomeUnknown {
            action: Action::Message,
            why: UnknownWhy::UnreadableAnswer
        }
    );
    assert_eq!(count, 1);
}

/// A 429 (or a 503 with Retry-After) first, then a 200: Hero refused the first unread.
async fn refused_then_sent(refusal: ResponseTemplate) -> (hero_core::api::SentMessage, usize) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages/send"))
        .and(body_json(record_contact_body()))
        .respond_with(refusal)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages/send"))
        .and(body_json(record_contact_body()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message_id": "m-2"})))
        .mount(&server)
        .await;
    let sent = client(&server)
        .send_message(&message(None, false))
        .await
        .unwrap();
    (sent, requests(&server).await)
}

#[tokio::test]
async fn a_429_then_200_is_two_requests_and_one_message() {
    let (sent, count) = refused_then_sent(ResponseTemplate::new(429)).await;
    assert_eq!(sent.message_id, "m-2");
    assert_eq!(count, 2);
    let (sent, count) =
        refused_then_sent(ResponseTemplate::new(503).insert_header("retry-after", "0")).await;
    assert_eq!(sent.message_id, "m-2");
    assert_eq!(count, 2);
}

#[tokio::test]
async fn rate_limited_until_the_retries_run_out_is_busy_and_nothing_sent() {
    let (result, count) = send(ResponseTemplate::new(429)).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::Busy {
            action: Action::Message
        }
    );
    assert_eq!(count, 4, "one request and three retries");
}

/// What the bare server does once it has read a whole request.
#[derive(Clone, Copy)]
enum Then {
    Drop,
    /// Keep the connection open and say nothing.
    Hold,
}

/// A server on 127.0.0.1 that reads each request to the end of its body, counts it,
/// then drops the connection or holds it silent.
async fn bare_server(then: Then) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            read_request(&mut stream).await;
            seen.fetch_add(1, Ordering::SeqCst);
            match then {
                Then::Drop => {
                    let _ = stream.shutdown().await;
                    drop(stream);
                }
                Then::Hold => held.push(stream),
            }
        }
    });
    (format!("http://{address}"), count)
}

async fn read_request(stream: &mut tokio::net::TcpStream) {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return;
            }
        }
    }
}

#[tokio::test]
async fn a_connection_dropped_after_the_request_is_one_request_and_may_have_been_sent() {
    let (base, count) = bare_server(Then::Drop).await;
    let client = client_for(&base, Duration::from_secs(5));
    let error = client
        .send_message(&message(None, false))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::OutcomeUnknown {
            action: Action::Message,
            why: UnknownWhy::ConnectionDropped
        }
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let error = client.create_booking_link(&link()).await.unwrap_err();
    assert_eq!(
        error,
        ApiError::OutcomeUnknown {
            action: Action::BookingLink,
            why: UnknownWhy::ConnectionDropped
        }
    );
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(
        error.fix(&RESULTS_FILE),
        "Check in Hero whether the booking link was made before making another."
    );
}

#[tokio::test]
async fn no_answer_in_time_is_one_request_and_may_have_been_sent() {
    let (base, count) = bare_server(Then::Hold).await;
    let client = client_for(&base, Duration::from_millis(400));
    let error = client
        .send_message(&message(None, false))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ApiError::OutcomeUnknown {
            action: Action::Message,
            why: UnknownWhy::Timeout
        }
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

fn link_body() -> serde_json::Value {
    json!({"appointment_type_id": "12", "location_id": "loc-5", "patient_id": PATIENT,
           "expiry_date": "2026-12-20", "maximum_use_count": 1})
}

async fn create(response: ResponseTemplate) -> (Result<BookingLink, ApiError>, usize) {
    let server = serve("/v1/booking_links", link_body(), response).await;
    let result = client(&server).create_booking_link(&link()).await;
    (result, requests(&server).await)
}

#[tokio::test]
async fn a_booking_link_sends_exactly_the_listed_fields_and_reads_short_link() {
    let (result, count) = create(ResponseTemplate::new(200).set_body_json(
        json!({"id": "bl-9", "short_link": LINK, "active": true, "expiry_date": "2026-12-20"}),
    ))
    .await;
    let created = result.unwrap();
    assert_eq!(created.url, LINK);
    assert_eq!(created.id.as_deref(), Some("bl-9"));
    assert_eq!(count, 1);
    for field in ["url", "link"] {
        let (result, _) =
            create(ResponseTemplate::new(201).set_body_json(json!({ field: LINK }))).await;
        assert_eq!(result.unwrap().url, LINK, "read from {field}");
    }
}

#[tokio::test]
async fn a_link_that_is_not_https_is_an_unreadable_answer() {
    for bad in [
        "http://bookings.herohealth.net/s/abc",
        "javascript:alert(1)",
        "not a link",
    ] {
        let (result, count) =
            create(ResponseTemplate::new(200).set_body_json(json!({"short_link": bad}))).await;
        assert_eq!(
            result.unwrap_err(),
            ApiError::BadResponse {
                problem: BodyProblem::BadBookingLink
            },
            "{bad}"
        );
        assert_eq!(count, 1);
    }
    let (result, _) = create(ResponseTemplate::new(200).set_body_json(json!({"id": "x"}))).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::BadResponse {
            problem: BodyProblem::WrongShape
        }
    );
}

#[tokio::test]
async fn booking_link_refusals_are_typed() {
    let (result, _) = create(ResponseTemplate::new(403)).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::ScopeMissing {
            scope: Scope::BookingLinks
        }
    );
    assert!(
        error
            .fix(&RESULTS_FILE)
            .contains("Booking links permission")
    );
    let (result, _) = create(ResponseTemplate::new(404)).await;
    assert_eq!(result.unwrap_err(), ApiError::LinkTargetNotFound);
    let (result, _) = create(ResponseTemplate::new(400).set_body_json(
        json!({"error": true, "statusCode": 400, "message": [{"path": ["expiry_date"]}]}),
    ))
    .await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::NotAccepted {
            action: Action::BookingLink,
            fields: vec![SentField::ExpiryDate]
        }
    );
    let (result, count) = create(ResponseTemplate::new(500)).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::OutcomeUnknown {
            action: Action::BookingLink,
            why: UnknownWhy::ServerError { status: 500 }
        }
    );
    assert_eq!(count, 1);
}

async fn list_server(path_: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(path_))
        .and(header("x-api-key", API_KEY))
        .and(header("x-practice-group-id", PRACTICE_GROUP_ID))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_lists_keep_ids_as_listed_and_clean_the_names() {
    let body = json!({"data": [
        {"id": "12", "name": "Flu jab", "duration": 10, "video": false},
        {"id": 7, "name": "  Nurse\u{202e} review  "},
        {"id": "", "name": "No id"},
        {"name": "Missing id"},
        {"id": "9"}
    ], "count": 5});
    let server = list_server(
        "/v1/appointment_types",
        ResponseTemplate::new(200).set_body_json(&body),
    )
    .await;
    let types = client(&server).appointment_types().await.unwrap();
    let choice = |id: &str, name: &str| Choice {
        id: id.to_owned(),
        name: name.to_owned(),
    };
    assert_eq!(
        types,
        [
            choice("12", "Flu jab"),
            choice("7", "Nurse review"),
            choice("9", "9")
        ]
    );
    let server = list_server(
        "/v1/locations",
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": [{"id": "loc-5", "name": "Main surgery"}], "count": 1})),
    )
    .await;
    assert_eq!(
        client(&server).locations().await.unwrap(),
        [choice("loc-5", "Main surgery")]
    );
}

#[tokio::test]
async fn list_refusals_and_bad_shapes_are_typed() {
    let server = list_server("/v1/locations", ResponseTemplate::new(403)).await;
    assert_eq!(
        client(&server).locations().await.unwrap_err(),
        ApiError::ScopeMissing {
            scope: Scope::BookingLinks
        }
    );
    let server = list_server(
        "/v1/appointment_types",
        ResponseTemplate::new(200).set_body_json(json!([{"id": "1"}])),
    )
    .await;
    assert_eq!(
        client(&server).appointment_types().await.unwrap_err(),
        ApiError::BadResponse {
            problem: BodyProblem::WrongShape
        }
    );
    let server = list_server("/v1/appointment_types", ResponseTemplate::new(404)).await;
    assert_eq!(
        client(&server).appointment_types().await.unwrap_err(),
        ApiError::UnexpectedStatus { status: 404 }
    );
}

#[tokio::test]
async fn me_gives_the_practices_name_when_there_is_one() {
    for (body, expected) in [
        (
            json!({"id": "pg-test-42", "name": "Demo\u{1b}[31m Surgery "}),
            Some("Demo[31m Surgery"),
        ),
        (json!({"id": "pg-test-42", "name": "  "}), None),
        (json!({"id": "pg-test-42"}), None),
    ] {
        let server = list_server("/v1/me", ResponseTemplate::new(200).set_body_json(body)).await;
        assert_eq!(client(&server).me().await.unwrap().as_deref(), expected);
    }
}

#[test]
fn debug_never_shows_the_text_the_recipient_the_link_or_the_patient() {
    let texts = [
        format!("{:?}", message(Some(MOBILE), true)),
        format!("{:?}", SendMessageBody::from(&message(Some(MOBILE), true))),
        format!("{:?}", link()),
        format!(
            "{:?}",
            hero_core::api::outreach::BookingLinkBody::from(&link())
        ),
        format!(
            "{:?}",
            BookingLink {
                url: LINK.to_owned(),
                id: Some("bl-9".to_owned())
            }
        ),
    ];
    for text in &texts {
        for secret in [TEXT, "Hello", MOBILE, "7700900123", LINK, "abc123", PATIENT] {
            assert!(!text.contains(secret), "{text} shows {secret}");
        }
    }
}
