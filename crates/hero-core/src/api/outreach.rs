//! The wire format of the next steps after a registration: `POST /v1/messages/send`,
//! `POST /v1/booking_links` and the lists a link is made from (`GET /v1/appointment_types`,
//! `GET /v1/locations`). One definition shared by the client and the sandbox. What of it
//! is confirmed in Hero's reference and what is guessed is said once, on each path
//! constant in `types.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::types::{BodyProblem, IdValue, PatientId};
use crate::text::displayable;

/// How a message goes out: Hero's `message_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
    NhsApp,
}

impl Channel {
    pub const ALL: [Self; 3] = [Self::Sms, Self::Email, Self::NhsApp];

    /// The value of `message_type`, and of `--channel`.
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::NhsApp => "nhs_app",
        }
    }

    pub fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.wire_name() == name)
    }

    /// `SMS`, `email`, `NHS App`: for sentences.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Email => "email",
            Self::NhsApp => "NHS App",
        }
    }
}

/// The body of `POST /v1/messages/send`: the three required fields, and the two optional
/// ones only when used. Leaving `recipient_contact_detail` out is how the contact on the
/// patient's record is used; `write_to_record` is left out unless chosen.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessageBody {
    pub patient_id: String,
    pub message_type: Channel,
    pub message_string: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_contact_detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_to_record: Option<bool>,
}

/// Text, recipient and patient: only the channel shows.
impl fmt::Debug for SendMessageBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendMessageBody")
            .field("message_type", &self.message_type)
            .field("recipient_given", &self.recipient_contact_detail.is_some())
            .field("write_to_record", &self.write_to_record)
            .finish_non_exhaustive()
    }
}

/// A message the receptionist chose to send. `recipient`: another number or address
/// already checked (`messages::Recipient::wire_form`), or None for the record's contact.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub patient_id: PatientId,
    pub channel: Channel,
    pub text: String,
    pub recipient: Option<String>,
    pub write_to_record: bool,
}

impl fmt::Debug for NewMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMessage")
            .field("channel", &self.channel)
            .field("recipient_given", &self.recipient.is_some())
            .field("write_to_record", &self.write_to_record)
            .finish_non_exhaustive()
    }
}

impl From<&NewMessage> for SendMessageBody {
    fn from(message: &NewMessage) -> Self {
        Self {
            patient_id: message.patient_id.as_str().to_owned(),
            message_type: message.channel,
            message_string: message.text.clone(),
            recipient_contact_detail: message.recipient.clone(),
            write_to_record: message.write_to_record.then_some(true),
        }
    }
}

/// Hero's ID for a sent message (`message_id`): shown and copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    pub message_id: String,
}

/// Longest ID (message, link, appointment type, location) taken from Hero.
const MAX_ID_CHARS: usize = 128;

/// An ID as Hero listed it: kept exactly (it is sent back so), refused when empty,
/// overlong, or holding anything a screen or terminal would act on.
fn hero_id(value: IdValue) -> Option<String> {
    let text = match value {
        IdValue::Text(text) => text,
        IdValue::Number(n) => n.to_string(),
    };
    let clean = !text.trim().is_empty()
        && text.chars().count() <= MAX_ID_CHARS
        && displayable(&text) == text;
    clean.then_some(text)
}

#[derive(Deserialize)]
struct MessageAnswer {
    message_id: IdValue,
}

/// Parses a 2xx body of `POST /v1/messages/send`: only `message_id` is relied on.
pub fn parse_sent_message(body: &[u8]) -> Result<SentMessage, BodyProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| BodyProblem::NotJson)?;
    let answer: MessageAnswer =
        serde_json::from_value(value).map_err(|_| BodyProblem::WrongShape)?;
    let message_id = hero_id(answer.message_id).ok_or(BodyProblem::BadId)?;
    Ok(SentMessage { message_id })
}

/// The body of `POST /v1/booking_links` for a patient's invitation. IDs are Hero's
/// strings as listed; `expiry_date` is `YYYY-MM-DD`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingLinkBody {
    pub appointment_type_id: String,
    pub location_id: String,
    pub patient_id: String,
    pub expiry_date: String,
    pub maximum_use_count: u32,
}

impl fmt::Debug for BookingLinkBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BookingLinkBody")
            .field("expiry_date", &self.expiry_date)
            .field("maximum_use_count", &self.maximum_use_count)
            .finish_non_exhaustive()
    }
}

/// An invitation to book for one patient.
#[derive(Clone, PartialEq, Eq)]
pub struct NewBookingLink {
    pub patient_id: PatientId,
    pub appointment_type_id: String,
    pub location_id: String,
    pub expires: jiff::civil::Date,
    pub maximum_use_count: u32,
}

impl fmt::Debug for NewBookingLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewBookingLink")
            .field("expires", &self.expires)
            .field("maximum_use_count", &self.maximum_use_count)
            .finish_non_exhaustive()
    }
}

impl From<&NewBookingLink> for BookingLinkBody {
    fn from(link: &NewBookingLink) -> Self {
        Self {
            appointment_type_id: link.appointment_type_id.clone(),
            location_id: link.location_id.clone(),
            patient_id: link.patient_id.as_str().to_owned(),
            expiry_date: link.expires.to_string(),
            maximum_use_count: link.maximum_use_count,
        }
    }
}

/// A created booking link: the address to send (https only) and Hero's ID for it.
#[derive(Clone, PartialEq, Eq)]
pub struct BookingLink {
    pub url: String,
    pub id: Option<String>,
}

/// The link opens one patient's booking: not in a log.
impl fmt::Debug for BookingLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BookingLink")
            .field("url", &"***")
            .field("id", &self.id)
            .finish()
    }
}

#[derive(Deserialize)]
struct LinkAnswer {
    #[serde(default)]
    id: Option<IdValue>,
    #[serde(default)]
    short_link: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    link: Option<String>,
}

/// Parses a 2xx body of `POST /v1/booking_links`: the link from `short_link`, else `url`
/// or `link`; it must be an `https://` address.
pub fn parse_booking_link(body: &[u8]) -> Result<BookingLink, BodyProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| BodyProblem::NotJson)?;
    let answer: LinkAnswer = serde_json::from_value(value).map_err(|_| BodyProblem::WrongShape)?;
    let text = answer
        .short_link
        .or(answer.url)
        .or(answer.link)
        .ok_or(BodyProblem::WrongShape)?;
    let url = url::Url::parse(text.trim()).map_err(|_| BodyProblem::BadBookingLink)?;
    if url.scheme() != "https" || url.host().is_none() {
        return Err(BodyProblem::BadBookingLink);
    }
    Ok(BookingLink {
        url: url.into(),
        id: answer.id.and_then(hero_id),
    })
}

/// One entry of a list Hero gives to choose from: an appointment type or a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Exactly as Hero listed it: sent back so.
    pub id: String,
    /// Hero's text, cleaned of controls.
    pub name: String,
}

#[derive(Deserialize)]
struct ListAnswer {
    data: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct ListEntry {
    id: IdValue,
    #[serde(default)]
    name: Option<String>,
}

/// Parses `{"data": [{"id", "name", …}], "count"}`. An entry without a usable ID is
/// left out (it can't be chosen); one without a name is shown by its ID.
pub fn parse_choices(body: &[u8]) -> Result<Vec<Choice>, BodyProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| BodyProblem::NotJson)?;
    let answer: ListAnswer = serde_json::from_value(value).map_err(|_| BodyProblem::WrongShape)?;
    Ok(answer
        .data
        .into_iter()
        .filter_map(|entry| serde_json::from_value::<ListEntry>(entry).ok())
        .filter_map(|entry| {
            let id = hero_id(entry.id)?;
            let name = entry
                .name
                .map(|n| displayable(&n).trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| id.clone());
            Some(Choice { id, name })
        })
        .collect())
}

/// Which of a call's fields a 400 blames: the names this app sends, never values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SentField {
    PatientId,
    MessageType,
    MessageString,
    RecipientContactDetail,
    WriteToRecord,
    AppointmentTypeId,
    LocationId,
    ExpiryDate,
    MaximumUseCount,
}

impl SentField {
    pub const ALL: [Self; 9] = [
        Self::PatientId,
        Self::MessageType,
        Self::MessageString,
        Self::RecipientContactDetail,
        Self::WriteToRecord,
        Self::AppointmentTypeId,
        Self::LocationId,
        Self::ExpiryDate,
        Self::MaximumUseCount,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            Self::PatientId => "patient_id",
            Self::MessageType => "message_type",
            Self::MessageString => "message_string",
            Self::RecipientContactDetail => "recipient_contact_detail",
            Self::WriteToRecord => "write_to_record",
            Self::AppointmentTypeId => "appointment_type_id",
            Self::LocationId => "location_id",
            Self::ExpiryDate => "expiry_date",
            Self::MaximumUseCount => "maximum_use_count",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PatientId => "patient ID",
            Self::MessageType => "channel",
            Self::MessageString => "message text",
            Self::RecipientContactDetail => "recipient",
            Self::WriteToRecord => "write-to-record choice",
            Self::AppointmentTypeId => "appointment type",
            Self::LocationId => "location",
            Self::ExpiryDate => "expiry date",
            Self::MaximumUseCount => "number of uses",
        }
    }
}

/// The fields a 400 body's `message` array names in its `path`s.
pub fn blamed_sent_fields(body: &[u8]) -> Vec<SentField> {
    let Ok(parsed) = serde_json::from_slice::<super::types::ErrorBody>(body) else {
        return Vec::new();
    };
    let super::types::ErrorMessage::Issues(issues) = parsed.message else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for part in issues.iter().flat_map(|issue| &issue.path) {
        if let Some(field) = part
            .as_str()
            .and_then(|name| SentField::ALL.into_iter().find(|f| f.wire_name() == name))
            && !fields.contains(&field)
        {
            fields.push(field);
        }
    }
    fields
}
