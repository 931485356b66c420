//! `hero-intake register`: one patient, by NHS number or by name and postcode.

use serde_json::json;

use super::connect::{chosen_environment, resolve_connection};
use super::outcome::{Outcome, api_error_outcome, usage_error};
use super::patient::add_details;
use crate::api::{HeroClient, Registration};
use crate::config::Environment;
use crate::demographics::{Demographics, NamePart, PersonName, Postcode};
use crate::patient::{DateOfBirth, NhsNumber, PatientQuery};

/// What `register` was given to trace the patient by.
pub(super) enum TypedPatient {
    NhsNumber(String),
    Names {
        forename: String,
        surname: String,
        postcode: String,
    },
}

pub(super) async fn register(
    patient: &TypedPatient,
    dob_text: &str,
    environment: Option<Environment>,
    allow_bad_check_digit: bool,
    details: bool,
) -> Outcome {
    let environment = match chosen_environment(environment) {
        Ok(environment) => environment,
        Err(outcome) => return outcome,
    };
    let allow = allow_bad_check_digit && environment.allows_check_digit_override();
    if allow_bad_check_digit && !allow {
        return usage_error(
            "--allow-bad-check-digit is not allowed on production",
            "Check the NHS number for a typing error.",
        );
    }
    let dob = DateOfBirth::parse(dob_text, crate::patient::today()).map_err(|e| {
        usage_error(
            &format!("Date of birth: {e}"),
            "Correct the date of birth; nothing was sent.",
        )
    });
    let query = match patient {
        TypedPatient::NhsNumber(nhs_text) => {
            let nhs_number = if allow {
                NhsNumber::parse_ignoring_check_digit(nhs_text, environment.test_numbers())
            } else {
                NhsNumber::parse_for(nhs_text, environment.test_numbers())
            };
            let nhs_number = match nhs_number {
                Ok(n) => n,
                Err(e) => {
                    return usage_error(
                        &format!("NHS number: {e}"),
                        "Correct the NHS number; nothing was sent.",
                    );
                }
            };
            match dob {
                Ok(dob) => PatientQuery::ByNhsNumber { nhs_number, dob },
                Err(outcome) => return outcome,
            }
        }
        TypedPatient::Names {
            forename,
            surname,
            postcode,
        } => {
            let fix = |what: &str| format!("Correct the {what}; nothing was sent.");
            let forename = match PersonName::parse(forename, NamePart::Forename) {
                Ok(name) => name,
                Err(e) => return usage_error(&e.to_string(), &fix("forename")),
            };
            let surname = match PersonName::parse(surname, NamePart::Surname) {
                Ok(name) => name,
                Err(e) => return usage_error(&e.to_string(), &fix("surname")),
            };
            let dob = match dob {
                Ok(dob) => dob,
                Err(outcome) => return outcome,
            };
            let postcode = match Postcode::parse(postcode) {
                Ok(postcode) => postcode,
                Err(e) => return usage_error(&e.to_string(), &fix("postcode")),
            };
            PatientQuery::ByDemographics(Demographics {
                forename,
                surname,
                dob,
                postcode,
            })
        }
    };

    let connection = match resolve_connection(Some(environment)).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let client = match HeroClient::new(connection) {
        Ok(c) => c,
        Err(e) => return api_error_outcome(&e),
    };
    send(&client, &query, details).await
}

/// Sends the registration and, with `--details`, reads the patient back.
async fn send(client: &HeroClient, query: &PatientQuery, details: bool) -> Outcome {
    match client.register_pds(query).await {
        Ok(Registration::Registered { patient_id }) => {
            let mut outcome = Outcome {
                json: json!({"outcome": "registered", "patient_id": patient_id.as_str()}),
                text: format!("Registered with Hero. Patient ID: {}", patient_id.as_str()),
                to_stderr: false,
                code: 0,
            };
            if details {
                add_details(&mut outcome, client, &patient_id, query).await;
            }
            outcome
        }
        Ok(Registration::VerificationRequired { message, login_url }) => Outcome {
            json: json!({"outcome": "verification_required", "message": message, "login_url": login_url}),
            text: format!("Identity check needed: {message}\nVerification link: {login_url}"),
            to_stderr: false,
            code: 0,
        },
        Err(e) => api_error_outcome(&e),
    }
}
