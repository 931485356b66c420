//! `hero-intake patient`: reads back the patient Hero holds under a patient ID, and the
//! JSON and text of a matched patient that `register --details` adds too.

use serde_json::{Value, json};

use super::connect::resolve_connection;
use super::outcome::{Outcome, api_error_outcome, usage_error};
use crate::api::{ApiError, HeroClient, PatientId};
use crate::config::Environment;
use crate::matched::{MatchedPatient, Warning};

pub(super) async fn patient(id_text: &str, environment: Option<Environment>) -> Outcome {
    let Some(patient_id) = PatientId::parse(id_text.trim()) else {
        return usage_error(
            "A patient ID is 1 to 64 letters, digits, - or _",
            "Copy the patient ID exactly as Hero Intake showed it; nothing was sent.",
        );
    };
    let connection = match resolve_connection(environment).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let client = match HeroClient::new(connection) {
        Ok(c) => c,
        Err(e) => return api_error_outcome(&e),
    };
    match client.patient_details(&patient_id).await {
        Ok(matched) => {
            let warnings = matched.warnings(None);
            let mut json = json!({"outcome": "found", "patient_id": patient_id.as_str()});
            extend(&mut json, patient_json(&matched));
            json["warnings"] = warnings_json(&warnings);
            Outcome {
                json,
                text: format!(
                    "Patient ID: {}\n{}",
                    patient_id.as_str(),
                    patient_text(&matched, &warnings)
                ),
                to_stderr: false,
                code: 0,
            }
        }
        Err(e) => api_error_outcome(&e),
    }
}

fn extend(object: &mut Value, more: Value) {
    if let (Some(object), Value::Object(more)) = (object.as_object_mut(), more) {
        object.extend(more);
    }
}

/// The matched patient's keys; a restricted record has no `postcode`, `address`,
/// `mobile` or `email` key at all.
pub(super) fn patient_json(matched: &MatchedPatient) -> Value {
    let mut json = json!({
        "first_name": matched.first_name(),
        "last_name": matched.last_name(),
        "dob": matched.dob().map(|d| d.iso()),
        "nhs_number": matched.nhs_number().map(|n| n.formatted()),
        "restricted": matched.is_restricted(),
        "deceased": matched.is_deceased(),
        "registered_at_practice": matched.registered_at_practice(),
    });
    if !matched.is_restricted() {
        json["postcode"] = json!(matched.postcode());
        json["address"] = json!(matched.address_lines());
        json["mobile"] = json!(matched.mobile());
        json["email"] = json!(matched.email());
    }
    json
}

/// Each warning as `{"code", "message"}`, a difference with `typed` and `on_record`
/// (dates of birth as `YYYY-MM-DD`).
pub(super) fn warnings_json(warnings: &[Warning]) -> Value {
    warnings
        .iter()
        .map(|w| {
            let mut json = json!({"code": w.code(), "message": w.message()});
            let values = match w {
                Warning::DateOfBirthDiffers { typed, on_record } => {
                    Some((typed.iso(), on_record.iso()))
                }
                other => other.values(),
            };
            if let Some((typed, on_record)) = values {
                json["typed"] = json!(typed);
                json["on_record"] = json!(on_record);
            }
            json
        })
        .collect()
}

/// The card as lines: what to ask the patient to confirm, contacts masked, then the checks.
pub(super) fn patient_text(matched: &MatchedPatient, warnings: &[Warning]) -> String {
    let unknown = || "(not given)".to_owned();
    let mut lines = vec![
        format!("Name: {}", matched.full_name().unwrap_or_else(unknown)),
        format!(
            "Date of birth: {}",
            matched.dob().map_or_else(unknown, |d| d.in_words())
        ),
        format!(
            "NHS number: {}",
            matched.nhs_number().map_or_else(unknown, |n| n.formatted())
        ),
    ];
    if !matched.is_restricted() {
        let masked = [
            ("Postcode", matched.postcode().map(str::to_owned)),
            ("Mobile", matched.masked_mobile()),
            ("Email", matched.masked_email()),
        ];
        for (label, value) in masked {
            if let Some(value) = value {
                lines.push(format!("{label}: {value}"));
            }
        }
    }
    lines.extend(warnings.iter().map(|w| {
        if w.is_plain_line() {
            w.message()
        } else {
            format!("Check: {}", w.message())
        }
    }));
    lines.join("\n")
}

/// The warning when the details couldn't be read: the registration still stands.
pub(super) fn unavailable(reason: ApiError) -> Warning {
    Warning::DetailsUnavailable { reason }
}

/// `register --details`: the matched patient and the checks against what was typed,
/// added to a registration's outcome. A failure to read them is a warning, never an
/// error: the registration stands and the exit code is unchanged.
pub(super) async fn add_details(
    outcome: &mut Outcome,
    client: &HeroClient,
    patient_id: &PatientId,
    typed: &crate::patient::PatientQuery,
) {
    let warnings = match client.patient_details(patient_id).await {
        Ok(matched) => {
            let warnings = matched.warnings(Some(typed));
            outcome.json["patient"] = patient_json(&matched);
            outcome.text = format!("{}\n{}", outcome.text, patient_text(&matched, &warnings));
            warnings
        }
        Err(e) => {
            let warning = unavailable(e);
            outcome.text = format!("{}\n{}", outcome.text, warning.message());
            vec![warning]
        }
    };
    outcome.json["warnings"] = warnings_json(&warnings);
}
