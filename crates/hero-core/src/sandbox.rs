//! The demo Hero API: `POST /v1/patients/register_pds` as the contract describes it and
//! `GET /v2/patients/{id}` (made-up records for the demo patients: `demo::DEMO_RECORDS`),
//! served on 127.0.0.1 only, with a fixed table of demo patients covering every outcome.
//! Built on the same wire types as the client, so there is one definition of the contract.
//! The next steps (messages that go nowhere, booking links, their lists) are in
//! `sandbox/outreach.rs`.

mod outreach;

pub use outreach::DEMO_MESSAGE_NOTE;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::api::types::{
    API_KEY_HEADER, APPOINTMENT_TYPES_PATH, BOOKING_LINKS_PATH, ErrorBody, ErrorMessage,
    LOCATIONS_PATH, ME_PATH, MESSAGES_SEND_PATH, PATIENTS_PATH, PRACTICE_GROUP_HEADER,
    PatientRecord, REGISTER_PDS_PATH, ValidationIssue,
};
use crate::config::BaseUrl;

pub use crate::demo::{
    DEMO_API_KEY, DEMO_NAMED_PATIENTS, DEMO_PATIENTS, DEMO_PRACTICE_GROUP_ID, DEMO_RECORDS,
    DemoKey, DemoNamedPatient, DemoOutcome, DemoPatient, DemoRecord, DemoRecordCase,
};

#[derive(Debug, Clone, Copy)]
pub struct SandboxOptions {
    pub slow_delay: Duration,
    pub retry_after_secs: u64,
    /// Registrations allowed per second across all patients, as a token bucket holding
    /// one second's worth; beyond it, 429 with `Retry-After`. None: no limit.
    pub rate_limit_per_second: Option<f64>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            slow_delay: Duration::from_secs(3),
            retry_after_secs: 2,
            rate_limit_per_second: None,
        }
    }
}

/// What the sandbox has answered, for tests and the batch benchmark.
#[derive(Debug, Default)]
pub struct SandboxStats {
    pub registrations: AtomicU64,
    pub rate_limited: AtomicU64,
    /// Messages "sent" (they go nowhere).
    pub messages: AtomicU64,
    pub booking_links: AtomicU64,
}

#[derive(Debug, Default)]
struct Counters {
    requests_by_patient: HashMap<String, u32>,
    /// Tokens left and when they were counted, for the optional rate limit.
    bucket: Option<(f64, std::time::Instant)>,
}

#[derive(Clone)]
struct AppState {
    options: SandboxOptions,
    base_url: String,
    counters: Arc<Mutex<Counters>>,
    stats: Arc<SandboxStats>,
}

/// A running sandbox; it stops when the runtime that spawned it does.
#[derive(Debug)]
pub struct RunningSandbox {
    pub base_url: BaseUrl,
    pub address: SocketAddr,
    pub stats: Arc<SandboxStats>,
}

impl RunningSandbox {
    /// How a client reaches this sandbox: its address and the demo credentials.
    pub fn demo_connection(&self) -> crate::api::Connection {
        demo_connection(self.base_url.clone())
    }
}

/// What the demo is sent with: the sandbox at `base_url`, with its key and practice group.
pub fn demo_connection(base_url: BaseUrl) -> crate::api::Connection {
    crate::api::Connection {
        base_url,
        api_key: crate::secrets::ApiKey::parse(DEMO_API_KEY)
            .unwrap_or_else(|_| unreachable!("the demo key is a valid key")),
        practice_group_id: DEMO_PRACTICE_GROUP_ID.to_owned(),
    }
}

/// Binds 127.0.0.1:`port` (0 for a free one) and serves in the background.
pub async fn spawn(port: u16, options: SandboxOptions) -> std::io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let address = listener.local_addr()?;
    let base = format!("http://{address}");
    let base_url = BaseUrl::parse(&base).map_err(std::io::Error::other)?;
    let stats = Arc::new(SandboxStats::default());
    let app = router(AppState {
        options,
        base_url: base,
        counters: Arc::default(),
        stats: stats.clone(),
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "sandbox stopped");
        }
    });
    tracing::info!(%address, "demo sandbox listening");
    Ok(RunningSandbox {
        base_url,
        address,
        stats,
    })
}

/// The sandbox for the window's demo environment.
pub async fn spawn_local() -> std::io::Result<BaseUrl> {
    Ok(spawn(0, SandboxOptions::default()).await?.base_url)
}

fn router(state: AppState) -> Router {
    Router::new()
        .route(REGISTER_PDS_PATH, post(register_pds))
        .route(ME_PATH, get(me))
        .route(MESSAGES_SEND_PATH, post(outreach::send_message))
        .route(BOOKING_LINKS_PATH, post(outreach::create_booking_link))
        .route(APPOINTMENT_TYPES_PATH, get(outreach::appointment_types))
        .route(LOCATIONS_PATH, get(outreach::locations))
        .route(&format!("{PATIENTS_PATH}/{{id}}"), get(patient_details))
        .route("/verify/{token}", get(verify_page))
        .route("/", get(index_page))
        .with_state(state)
}

fn bad_request(field: &str, expected: &str) -> Response {
    let body = ErrorBody {
        message: ErrorMessage::Issues(vec![ValidationIssue {
            code: Some("invalid_type".into()),
            expected: Some(expected.into()),
            path: vec![json!(field)],
        }]),
    };
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = ErrorBody {
        message: ErrorMessage::Text(message.into()),
    };
    (status, Json(body)).into_response()
}

fn digits_only(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// A stable made-up patient ID, so the same patient always gets the same one.
fn demo_patient_id(digits: &str) -> String {
    let hash = digits.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("DEMO-{:06}", hash % 1_000_000)
}

/// The patient ID the sandbox gives a demo patient: the same as its registration's.
pub fn demo_patient_id_of(patient: DemoKey) -> Option<String> {
    match patient {
        DemoKey::NhsNumber(typed) => {
            let demo = DEMO_PATIENTS.iter().find(|p| p.nhs_number == typed)?;
            Some(demo_patient_id(&digits_only(demo.nhs_number)))
        }
        DemoKey::Named(forename, surname) => {
            let demo = DEMO_NAMED_PATIENTS
                .iter()
                .find(|p| p.forename == forename && p.surname == surname)?;
            Some(demo_patient_id(&named_key(
                demo.forename,
                demo.surname,
                demo.dob_iso,
                demo.postcode,
            )))
        }
    }
}

/// What a trace by name is known by: names in any case, the standard postcode.
fn named_key(forename: &str, surname: &str, dob: &str, postcode: &str) -> String {
    format!(
        "{}|{}|{dob}|{postcode}",
        forename.to_lowercase(),
        surname.to_lowercase()
    )
}

/// `GET /v2/patients/{id}`: the made-up record of a demo patient, shaped as Hero's.
async fn patient_details(headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(refused) = credentials_refusal(&headers) {
        return refused;
    }
    let Some(demo) = DEMO_RECORDS
        .iter()
        .find(|r| demo_patient_id_of(r.patient).as_deref() == Some(id.as_str()))
    else {
        return error(StatusCode::NOT_FOUND, "Patient not found");
    };
    let text = |s: &str| Some(s.to_owned());
    let record = PatientRecord {
        hero_id: Some(id),
        first_name: text(demo.first_name),
        last_name: text(demo.last_name),
        dob: Some(format!("{}T00:00:00.000Z", demo.dob_iso)),
        nhs_number: demo.nhs_number.map(str::to_owned),
        deceased_at: demo.deceased_at.map(str::to_owned),
        mobile: text(demo.mobile),
        email: text(demo.email),
        line_1: text(demo.line_1),
        town: text(demo.town),
        postcode: text(demo.postcode),
        restricted: Some(demo.case == DemoRecordCase::Restricted),
        ehr_registered: Some(demo.ehr_registered),
        ..PatientRecord::default()
    };
    let mut body = serde_json::to_value(record).unwrap_or_default();
    // As Hero's answer has them: fields the app ignores.
    body["data_source"] = json!("pds");
    body["identifiers"] = json!([]);
    Json(body).into_response()
}

/// The demo credentials, checked as Hero checks real ones.
fn credentials_refusal(headers: &HeaderMap) -> Option<Response> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header(API_KEY_HEADER) != Some(DEMO_API_KEY) {
        return Some(error(StatusCode::UNAUTHORIZED, "Invalid API key"));
    }
    if header(PRACTICE_GROUP_HEADER) != Some(DEMO_PRACTICE_GROUP_ID) {
        return Some(error(
            StatusCode::FORBIDDEN,
            "API key has no access to this practice group",
        ));
    }
    None
}

/// Takes one token from the rate-limit bucket; when empty, the whole seconds to wait.
fn take_token(state: &AppState) -> Option<u64> {
    let rate = state.options.rate_limit_per_second?;
    let now = std::time::Instant::now();
    let mut counters = state.counters.lock().unwrap_or_else(|p| p.into_inner());
    let (tokens, counted) = counters.bucket.get_or_insert((rate, now));
    *tokens = (*tokens + (now - *counted).as_secs_f64() * rate).min(rate.max(1.0));
    *counted = now;
    if *tokens >= 1.0 {
        *tokens -= 1.0;
        None
    } else {
        Some(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
    }
}

async fn me(headers: HeaderMap) -> Response {
    if let Some(refused) = credentials_refusal(&headers) {
        return refused;
    }
    Json(json!({ "id": DEMO_PRACTICE_GROUP_ID, "name": "Demo Practice (not real)" }))
        .into_response()
}

async fn register_pds(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if let Some(refused) = credentials_refusal(&headers) {
        return refused;
    }
    if let Some(wait) = take_token(&state) {
        state.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            Json(ErrorBody {
                message: ErrorMessage::Text("Too many requests".into()),
            }),
        )
            .into_response();
    }
    state.stats.registrations.fetch_add(1, Ordering::Relaxed);
    let Ok(request) = serde_json::from_str::<serde_json::Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "Body must be JSON");
    };
    let demographics = ["forename", "surname", "postcode"]
        .iter()
        .any(|field| request.get(field).is_some());
    if demographics && request.get("nhs_number").is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "Send either nhs_number and dob, or forename, surname, dob and postcode",
        );
    }
    if demographics {
        return register_by_demographics(&state, &request);
    }
    let Some(nhs_number) = request.get("nhs_number").and_then(|v| v.as_str()) else {
        return bad_request("nhs_number", "string");
    };
    let Some(dob) = request.get("dob").and_then(|v| v.as_str()) else {
        return bad_request("dob", "string");
    };
    let digits = digits_only(nhs_number);
    if digits.len() != 10 {
        return bad_request("nhs_number", "10 digits");
    }
    if jiff::civil::Date::strptime("%Y-%m-%d", dob).is_err() {
        return bad_request("dob", "YYYY-MM-DD");
    }
    let request_number = {
        let mut counters = state.counters.lock().unwrap_or_else(|p| p.into_inner());
        let count = counters
            .requests_by_patient
            .entry(digits.clone())
            .or_default();
        *count += 1;
        *count
    };
    let registered = || Json(json!({ "patient_id": demo_patient_id(&digits) })).into_response();
    let Some(patient) = DEMO_PATIENTS
        .iter()
        .find(|p| digits_only(p.nhs_number) == digits)
    else {
        // Any other valid number registers, so trainees can type their own.
        return registered();
    };
    if patient.dob_iso != dob {
        return error(StatusCode::NOT_FOUND, "Patient not found on PDS");
    }
    match patient.outcome {
        DemoOutcome::Registered | DemoOutcome::AlreadyRegistered => registered(),
        DemoOutcome::VerificationRequired => Json(json!({
            "message": "Patient must verify their identity before proceeding",
            "login_url": format!("{}/verify/{}", state.base_url, demo_patient_id(&digits)),
        }))
        .into_response(),
        DemoOutcome::NotFound => error(StatusCode::NOT_FOUND, "Patient not found on PDS"),
        DemoOutcome::BadRequest => bad_request("dob", "date of birth matching PDS format"),
        DemoOutcome::RateLimitedOnce if request_number % 2 == 1 => (
            StatusCode::TOO_MANY_REQUESTS,
            [(
                header::RETRY_AFTER,
                state.options.retry_after_secs.to_string(),
            )],
            Json(ErrorBody {
                message: ErrorMessage::Text("Too many requests".into()),
            }),
        )
            .into_response(),
        DemoOutcome::RateLimitedOnce => registered(),
        DemoOutcome::ServerError => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        DemoOutcome::Slow => {
            tokio::time::sleep(state.options.slow_delay).await;
            registered()
        }
    }
}

/// The trace by name: postcodes compared in their standard form, names in any case
/// but spelled as sent (the real service matches names; it does not guess them).
fn register_by_demographics(state: &AppState, request: &serde_json::Value) -> Response {
    let text = |field: &str| request.get(field).and_then(|v| v.as_str()).map(str::trim);
    let mut fields = [""; 3];
    for (slot, field) in fields.iter_mut().zip(["forename", "surname", "postcode"]) {
        match text(field) {
            Some(value) if !value.is_empty() => *slot = value,
            _ => return bad_request(field, "non-empty string"),
        }
    }
    let [forename, surname, postcode] = fields;
    let Some(dob) = text("dob") else {
        return bad_request("dob", "string");
    };
    if jiff::civil::Date::strptime("%Y-%m-%d", dob).is_err() {
        return bad_request("dob", "YYYY-MM-DD");
    }
    let Ok(postcode) = crate::demographics::Postcode::parse(postcode) else {
        return bad_request("postcode", "UK postcode");
    };
    let key = named_key(forename, surname, dob, postcode.as_str());
    let registered = || Json(json!({ "patient_id": demo_patient_id(&key) })).into_response();
    let same_name = |p: &&DemoNamedPatient| {
        p.forename.to_lowercase() == forename.to_lowercase()
            && p.surname.to_lowercase() == surname.to_lowercase()
    };
    let Some(patient) = DEMO_NAMED_PATIENTS.iter().find(same_name) else {
        // Any other name registers, so trainees can type their own.
        return registered();
    };
    if patient.dob_iso != dob || patient.postcode != postcode.as_str() {
        return error(StatusCode::NOT_FOUND, "No single patient matched on PDS");
    }
    match patient.outcome {
        DemoOutcome::VerificationRequired => Json(json!({
            "message": "Patient must verify their identity before proceeding",
            "login_url": format!("{}/verify/{}", state.base_url, demo_patient_id(&key)),
        }))
        .into_response(),
        DemoOutcome::NotFound => error(StatusCode::NOT_FOUND, "No single patient matched on PDS"),
        _ => registered(),
    }
}

async fn verify_page(Path(_token): Path<String>) -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hero demo: verify identity</title></head>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">\
         <h1>Demo: identity verification</h1>\
         <p>This is where the patient would verify their identity with Hero.</p>\
         <p>It is part of Hero Intake's built-in demo: nothing here is real.</p></body></html>",
    )
}

async fn index_page() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hero Intake demo sandbox</title></head>\
         <body><h1>Hero Intake demo sandbox</h1><p>POST /v1/patients/register_pds, GET /v2/patients/{id}, POST /v1/messages/send (messages go nowhere), POST /v1/booking_links, GET /v1/appointment_types, GET /v1/locations, GET /v1/me</p></body></html>",
    )
}
