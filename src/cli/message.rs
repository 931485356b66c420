//! `hero-intake message`: one message to a registered patient, after reading them back
//! and applying the same safety rule as the window (`messages::may_contact`).

use serde_json::json;

use super::connect::{messaging_settings, resolve_connection};
use super::outcome::{COMMAND_LINE, Outcome, api_error_outcome, usage_error};
use super::{ChannelArg, EXIT_NO_ANSWER};
use crate::api::{ApiError, Channel, HeroClient, NewMessage, PatientId};
use crate::config::{Environment, Messaging};
use hero_core::messages::{Cleared, Recipient, may_contact};

/// What `message` was given.
pub(super) struct MessageArgs {
    pub patient_id: String,
    pub text: String,
    pub channel: ChannelArg,
    pub to: Option<String>,
    pub write_to_record: bool,
    pub environment: Option<Environment>,
}

pub(super) fn parse_patient_id(text: &str) -> Result<PatientId, Outcome> {
    PatientId::parse(text.trim()).ok_or_else(|| {
        usage_error(
            "A patient ID is 1 to 64 letters, digits, - or _",
            "Copy the patient ID exactly as Hero Intake showed it; nothing was sent.",
        )
    })
}

/// The client, the settings in force, and the patient read back and cleared by the
/// safety rule; or why nothing may be sent (exit 2 for a patient the rule stops).
pub(super) async fn cleared_patient(
    patient_id: &PatientId,
    environment: Option<Environment>,
) -> Result<
    (
        HeroClient,
        Messaging,
        crate::matched::MatchedPatient,
        Cleared,
    ),
    Outcome,
> {
    let settings = messaging_settings(environment)?;
    let connection = resolve_connection(environment).await?;
    let client = HeroClient::new(connection).map_err(|e| api_error_outcome(&e))?;
    let matched = client
        .patient_details(patient_id)
        .await
        .map_err(|e| api_error_outcome(&e))?;
    let cleared = may_contact(&matched, None, &settings.policy, false)
        .map_err(|blocked| usage_error(&blocked.to_string(), "Nothing was sent."))?;
    Ok((client, settings, matched, cleared))
}

/// "It may or may not have gone": its own outcome, exit 4.
pub(super) fn unknown_outcome(error: &ApiError) -> Outcome {
    let (cause, fix) = (error.cause(), error.fix(&COMMAND_LINE));
    Outcome {
        json: json!({"outcome": "unknown", "cause": cause, "fix": fix}),
        text: format!("Not known: {cause}\nWhat to do: {fix}"),
        to_stderr: true,
        code: EXIT_NO_ANSWER,
    }
}

pub(super) fn send_error_outcome(error: &ApiError) -> Outcome {
    match error {
        ApiError::OutcomeUnknown { .. } => unknown_outcome(error),
        other => api_error_outcome(other),
    }
}

pub(super) async fn message(args: MessageArgs) -> Outcome {
    let channel = Channel::from(args.channel);
    if crate::text::is_blank(&args.text) {
        return usage_error(
            "The message text is empty",
            "Give the text with --text; nothing was sent.",
        );
    }
    let recipient = match args.to.as_deref().map(|to| Recipient::parse(to, channel)) {
        None => None,
        Some(Ok(recipient)) => Some(recipient),
        Some(Err(problem)) => {
            return usage_error(
                &format!("--to: {problem}"),
                "Correct the recipient, or leave out --to to use the contact on the patient's record; nothing was sent.",
            );
        }
    };
    let patient_id = match parse_patient_id(&args.patient_id) {
        Ok(id) => id,
        Err(outcome) => return outcome,
    };
    let (client, _, _, cleared) = match cleared_patient(&patient_id, args.environment).await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    if let Err(blocked) = cleared.check_other_recipient(recipient.is_some()) {
        return usage_error(&blocked.to_string(), "Leave out --to; nothing was sent.");
    }
    let message = NewMessage {
        patient_id,
        channel,
        text: args.text,
        recipient: recipient.map(|r| r.wire_form().to_owned()),
        write_to_record: args.write_to_record,
    };
    match client.send_message(&message).await {
        Ok(sent) => Outcome {
            json: json!({"outcome": "sent", "message_id": sent.message_id}),
            text: format!(
                "Sent by {}. Hero's message ID: {}",
                channel.label(),
                sent.message_id
            ),
            to_stderr: false,
            code: 0,
        },
        Err(error) => send_error_outcome(&error),
    }
}
