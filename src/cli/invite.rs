//! `hero-intake invite`: a booking link for a registered patient, made from an
//! appointment type and a location chosen by name or ID, and with `--send-sms` sent to
//! the mobile on their record with the invite template.

use serde_json::json;

use super::message::{cleared_patient, parse_patient_id, send_error_outcome, unknown_outcome};
use super::outcome::{Outcome, api_error_outcome, usage_error};
use crate::api::{ApiError, BookingLink, Channel, Choice, HeroClient, NewBookingLink, NewMessage};
use crate::config::{Environment, Messaging};
use crate::matched::MatchedPatient;
use hero_core::messages::{Template, Values, choose};

/// How long a link lasts unless `--expires` says otherwise.
pub const DEFAULT_EXPIRY_DAYS: i32 = 14;

/// What `invite` was given.
pub(super) struct InviteArgs {
    pub patient_id: String,
    pub appointment_type: String,
    pub location: String,
    pub expires: Option<String>,
    pub uses: u32,
    pub send_sms: bool,
    /// A template's name, or a template's text.
    pub text: Option<String>,
    pub environment: Option<Environment>,
}

fn expiry(typed: Option<&str>) -> Result<jiff::civil::Date, Outcome> {
    let today = crate::patient::today();
    let Some(typed) = typed else {
        return Ok(today.saturating_add(jiff::Span::new().days(DEFAULT_EXPIRY_DAYS)));
    };
    match jiff::civil::Date::strptime("%Y-%m-%d", typed.trim()) {
        Ok(date) if date > today => Ok(date),
        Ok(_) => Err(usage_error(
            "--expires is not in the future",
            "Give a later date; nothing was created.",
        )),
        Err(_) => Err(usage_error(
            "--expires is not a date written YYYY-MM-DD",
            "Give the date as 2026-12-31; nothing was created.",
        )),
    }
}

/// The SMS template: `--text` as a template's name, else as a template's text; else the
/// settings' `invite`.
fn sms_template(text: Option<&str>, settings: &Messaging) -> Result<Template, Outcome> {
    let fix = "Correct the template; nothing was created.";
    match text {
        Some(text) => match settings.template(text.trim()) {
            Some(template) => Ok(template.clone()),
            None => Template::parse("--text", text).map_err(|e| usage_error(&e.to_string(), fix)),
        },
        None => settings
            .template("invite")
            .cloned()
            .ok_or_else(|| usage_error("No \"invite\" template", fix)),
    }
}

fn chosen(list: Result<Vec<Choice>, ApiError>, typed: &str, what: &str) -> Result<Choice, Outcome> {
    let list = list.map_err(|e| api_error_outcome(&e))?;
    choose(&list, typed).cloned().map_err(|problem| {
        usage_error(
            &format!("{what}: {problem}"),
            &format!("Give one {what} by its name or ID; nothing was created."),
        )
    })
}

/// The SMS, rendered with `link`.
fn sms_text(
    template: &Template,
    practice: Option<&str>,
    patient: &MatchedPatient,
    appointment: &str,
    link: &str,
) -> Result<String, Outcome> {
    let values = Values {
        first_name: patient.first_name(),
        practice,
        appointment: Some(appointment),
        link: Some(link),
    };
    template
        .render(&values)
        .map_err(|e| usage_error(&e.to_string(), "Nothing was created."))
}

/// The practice's name: Hero's (`GET /v1/me`), else the settings'.
async fn practice_name(client: &HeroClient, settings: &Messaging) -> Option<String> {
    let from_hero = client.me().await.ok().flatten();
    from_hero.or_else(|| settings.practice_name.clone())
}

pub(super) async fn invite(args: InviteArgs) -> Outcome {
    match prepare_and_create(&args).await {
        Ok(outcome) | Err(outcome) => outcome,
    }
}

async fn prepare_and_create(args: &InviteArgs) -> Result<Outcome, Outcome> {
    if args.uses == 0 {
        return Err(usage_error(
            "--uses must be 1 or more",
            "Nothing was created.",
        ));
    }
    let expires = expiry(args.expires.as_deref())?;
    let patient_id = parse_patient_id(&args.patient_id)?;
    let (client, settings, patient, _) = cleared_patient(&patient_id, args.environment).await?;
    let template = match args.send_sms {
        true => Some(sms_template(args.text.as_deref(), &settings)?),
        false => None,
    };
    let kind = chosen(
        client.appointment_types().await,
        &args.appointment_type,
        "appointment type",
    )?;
    let place = chosen(client.locations().await, &args.location, "location")?;
    let practice = match template {
        Some(_) => practice_name(&client, &settings).await,
        None => None,
    };
    if let Some(template) = &template {
        // Every value but the link is checked before anything is created.
        sms_text(
            template,
            practice.as_deref(),
            &patient,
            &kind.name,
            "https://",
        )?;
    }
    let appointment = kind.name.clone();
    let link = NewBookingLink {
        patient_id: patient_id.clone(),
        appointment_type_id: kind.id,
        location_id: place.id,
        expires,
        maximum_use_count: args.uses,
    };
    let created = match client.create_booking_link(&link).await {
        Ok(created) => created,
        Err(e @ ApiError::OutcomeUnknown { .. }) => return Err(unknown_outcome(&e)),
        Err(e) => return Err(api_error_outcome(&e)),
    };
    let Some(template) = template else {
        return Ok(created_outcome(&created, None));
    };
    let text = sms_text(
        &template,
        practice.as_deref(),
        &patient,
        &appointment,
        &created.url,
    )?;
    let message = NewMessage {
        patient_id,
        channel: Channel::Sms,
        text,
        recipient: None,
        write_to_record: settings.write_to_record,
    };
    match client.send_message(&message).await {
        Ok(sent) => Ok(created_outcome(&created, Some(&sent.message_id))),
        Err(error) => {
            let mut outcome = send_error_outcome(&error);
            outcome.json["booking_link"] = json!(created.url);
            outcome.text = format!("Booking link made: {}\n{}", created.url, outcome.text);
            Err(outcome)
        }
    }
}

fn created_outcome(link: &BookingLink, message_id: Option<&str>) -> Outcome {
    let mut json = json!({"outcome": "created", "booking_link": link.url});
    let mut text = format!("Booking link made: {}", link.url);
    if let Some(id) = message_id {
        json["message_id"] = json!(id);
        text.push_str(&format!("\nSent by SMS. Hero's message ID: {id}"));
    }
    Outcome {
        json,
        text,
        to_stderr: false,
        code: 0,
    }
}
