//! The demo's next steps: messages that go nowhere, booking links that open nothing,
//! and made-up appointment types and locations (`demo::DEMO_APPOINTMENT_TYPES`,
//! `demo::DEMO_LOCATIONS`). Same wire types as the client.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{AppState, bad_request, credentials_refusal, error};
use crate::api::outreach::{BookingLinkBody, SendMessageBody};
use crate::demo::{DEMO_APPOINTMENT_TYPES, DEMO_LOCATIONS};

/// Said in every demo answer and in the README: nothing leaves this computer.
pub const DEMO_MESSAGE_NOTE: &str =
    "Demo: this message went nowhere (nothing leaves this computer).";

fn list(entries: &[(&str, &str)]) -> Response {
    let data: Vec<_> = entries
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    Json(json!({"count": data.len(), "data": data})).into_response()
}

pub(super) async fn appointment_types(headers: HeaderMap) -> Response {
    credentials_refusal(&headers).unwrap_or_else(|| list(&DEMO_APPOINTMENT_TYPES))
}

pub(super) async fn locations(headers: HeaderMap) -> Response {
    credentials_refusal(&headers).unwrap_or_else(|| list(&DEMO_LOCATIONS))
}

pub(super) async fn send_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = credentials_refusal(&headers) {
        return refused;
    }
    let Ok(message) = serde_json::from_str::<SendMessageBody>(&body) else {
        return bad_request("message_type", "patient_id, message_type, message_string");
    };
    if message.message_string.trim().is_empty() {
        return bad_request("message_string", "non-empty string");
    }
    if message.patient_id.trim().is_empty() {
        return bad_request("patient_id", "string");
    }
    let n = state.stats.messages.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({"message_id": format!("demo-message-{n}"), "demo": DEMO_MESSAGE_NOTE}))
        .into_response()
}

pub(super) async fn create_booking_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = credentials_refusal(&headers) {
        return refused;
    }
    let Ok(link) = serde_json::from_str::<BookingLinkBody>(&body) else {
        return bad_request("appointment_type_id", "the booking link's fields");
    };
    if jiff::civil::Date::strptime("%Y-%m-%d", &link.expiry_date).is_err() {
        return bad_request("expiry_date", "YYYY-MM-DD");
    }
    let known = |list: &[(&str, &str)], id: &str| list.iter().any(|(i, _)| *i == id);
    if !known(&DEMO_APPOINTMENT_TYPES, &link.appointment_type_id)
        || !known(&DEMO_LOCATIONS, &link.location_id)
    {
        return error(
            StatusCode::NOT_FOUND,
            "No such appointment type or location",
        );
    }
    let n = state.stats.booking_links.fetch_add(1, Ordering::SeqCst) + 1;
    Json(json!({
        "id": format!("demo-link-{n}"),
        "short_link": format!("https://bookings.demo.invalid/s/demo-{n}"),
        "active": true,
        "expiry_date": link.expiry_date,
        "maximum_uses": link.maximum_use_count,
        "number_of_uses": 0,
        "demo": "Demo: this link opens nothing.",
    }))
    .into_response()
}
