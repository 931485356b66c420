//! The wire format of `POST /v1/patients/register_pds`: one definition shared by the
//! client and the built-in sandbox.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::patient::{PatientQuery, Trace};

pub const REGISTER_PDS_PATH: &str = "/v1/patients/register_pds";
/// "Retrieves information regarding the authenticated Practice Group" (Hero API index).
/// Guessed, and only here: the body's `name` is the practice's name (the reference
/// stores no response schema). Read by `HeroClient::me`; absent or blank is no name.
pub const ME_PATH: &str = "/v1/me";

/// `POST /v1/messages/send` (Hero's messages reference, "Send a Message").
///
/// Confirmed: the path; required `patient_id` (string, `^\d+$`), `message_type` (`hero`,
/// `sms`, `email`, `nhs_app`), `message_string` (non-empty); optional
/// `recipient_contact_detail` ("If no value is provided a default will be picked from
/// the patients record"), `write_to_record` (default false); 200 `message_id` (string,
/// required); documented errors 403 "Unauthorised" and 500 "Unknown error".
/// Guessed, and only here: a 400 carries `register_pds`'s body (`message` array of
/// `{code, expected, path}`); 403 means the key lacks the Messaging scope; 404 is an
/// unknown patient; a typed UK mobile is sent as `+447…` (the reference's examples
/// show both `+44 7…` and `07…`); no idempotency key exists, so a send is never
/// repeated once it may have reached Hero (`api::not_acted_on`).
pub const MESSAGES_SEND_PATH: &str = "/v1/messages/send";

/// `GET /v1/appointment_types` (Hero's practice-group reference, "List Appointment Types").
///
/// Confirmed: the path, the optional queries `location_ids` and `has_availability`
/// (both left out), and the answer `{"data": [{"id": string, "name": string, …}],
/// "count"}`. Guessed, and only here: a 403 means the key lacks the Booking links scope.
pub const APPOINTMENT_TYPES_PATH: &str = "/v1/appointment_types";

/// `GET /v1/locations` ("Retrieves a list of all locations configured for online
/// booking"). Confirmed: the path. Guessed, and only here: the answer has the same
/// `{"data": [{"id", "name"}], "count"}` envelope as the appointment types (the item
/// schema is not in the stored reference); a 403 means the key lacks Booking links.
pub const LOCATIONS_PATH: &str = "/v1/locations";

/// Creating a booking link ("CreateBookingLink" in the booking-links guide).
///
/// Confirmed: the request fields `appointment_type_id`, `location_id`, `patient_id`
/// (strings, as the guide's example `"1"`, `"5"`, `"156"`), `expiry_date` (date),
/// `maximum_use_count` (integer); `GET`/`PATCH /v1/booking_links/{id}` return `id` and
/// `short_link`; links look like `https://bookings.herohealth.net/s/…`.
/// Guessed, and only here: this path for the create call (its page's body was not in
/// the stored copy); that it answers with the same object, the link read from
/// `short_link`, else `url` or `link`; 403 means the key lacks the Booking links scope;
/// 404 an unknown patient, appointment type or location; like a message, a link is
/// never created twice by a retry.
pub const BOOKING_LINKS_PATH: &str = "/v1/booking_links";
pub const API_KEY_HEADER: &str = "x-api-key";
pub const PRACTICE_GROUP_HEADER: &str = "x-practice-group-id";

/// The body of `register_pds`: exactly one of the two variants' fields, never a mix
/// (a body with both sets of fields, or extra ones, reads as neither).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RegisterPdsRequest {
    NhsNumber(NhsNumberTrace),
    Demographics(DemographicsTrace),
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NhsNumberTrace {
    pub nhs_number: String,
    pub dob: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemographicsTrace {
    pub forename: String,
    pub surname: String,
    pub dob: String,
    pub postcode: String,
}

impl RegisterPdsRequest {
    pub fn trace(&self) -> Trace {
        match self {
            Self::NhsNumber(_) => Trace::NhsNumber,
            Self::Demographics(_) => Trace::Demographics,
        }
    }
}

/// The body holds patient data: only which variant it is.
impl fmt::Debug for RegisterPdsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegisterPdsRequest({:?})", self.trace())
    }
}

impl From<&PatientQuery> for RegisterPdsRequest {
    fn from(query: &PatientQuery) -> Self {
        match query {
            PatientQuery::ByNhsNumber { nhs_number, dob } => Self::NhsNumber(NhsNumberTrace {
                nhs_number: nhs_number.formatted(),
                dob: dob.iso(),
            }),
            PatientQuery::ByDemographics(d) => Self::Demographics(DemographicsTrace {
                forename: d.forename.as_str().to_owned(),
                surname: d.surname.as_str().to_owned(),
                dob: d.dob.iso(),
                postcode: d.postcode.as_str().to_owned(),
            }),
        }
    }
}

/// Hero's identifier for a patient: opaque, shown and copied, never logged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PatientId(String);

/// Longest patient ID accepted. Hero's are digits (`^\d+$` in its reference); 64
/// leaves room without letting an answer fill a screen.
pub const MAX_PATIENT_ID_CHARS: usize = 64;

impl PatientId {
    /// Unchecked: for tests and values already read through [`PatientId::parse`].
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The one rule for a patient ID, from Hero or typed on the command line: 1 to 64
    /// ASCII letters, digits, `-` or `_`. Anything else is not an ID (and could carry
    /// an escape sequence or a direction override to a terminal or a screen).
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = (1..=MAX_PATIENT_ID_CHARS).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PatientId(***)")
    }
}

/// The two success shapes of the contract.
#[derive(Clone, PartialEq, Eq)]
pub enum Registration {
    Registered { patient_id: PatientId },
    VerificationRequired { message: String, login_url: String },
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Registered { .. } => f.write_str("Registered { patient_id: *** }"),
            Self::VerificationRequired { .. } => {
                f.write_str("VerificationRequired { login_url: *** }")
            }
        }
    }
}

/// A success body as it may arrive: `patient_id` as a string or a number.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum SuccessBody {
    Registered {
        patient_id: IdValue,
    },
    VerificationRequired {
        #[serde(default)]
        message: Option<String>,
        login_url: String,
    },
}

#[derive(Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum IdValue {
    Text(String),
    Number(serde_json::Number),
}

/// Why a 2xx body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyProblem {
    NotJson,
    WrongShape,
    EmptyPatientId,
    EmptyLoginUrl,
    /// Not 1 to 64 letters, digits, `-` or `_`.
    BadPatientId,
    /// Not an `https://` or `http://` address (`javascript:`, `file:`, `data:`, …).
    BadLoginUrl,
    /// A patient's details that are not an object of the reference's fields.
    NotAPatient,
    /// A message, link, appointment type or location ID that is empty, overlong or
    /// holds control characters.
    BadId,
    /// A booking link that is not an `https://` address.
    BadBookingLink,
    Truncated,
    TooLarge,
}

const DEFAULT_VERIFY_MESSAGE: &str = "Patient must verify their identity before proceeding";

/// Parses a 2xx body into a `Registration`.
pub fn parse_success(body: &[u8]) -> Result<Registration, BodyProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| BodyProblem::NotJson)?;
    let parsed: SuccessBody = serde_json::from_value(value).map_err(|_| BodyProblem::WrongShape)?;
    match parsed {
        SuccessBody::Registered { patient_id } => {
            let id = match patient_id {
                IdValue::Text(s) => s.trim().to_owned(),
                IdValue::Number(n) => n.to_string(),
            };
            if id.is_empty() {
                return Err(BodyProblem::EmptyPatientId);
            }
            let patient_id = PatientId::parse(&id).ok_or(BodyProblem::BadPatientId)?;
            Ok(Registration::Registered { patient_id })
        }
        SuccessBody::VerificationRequired { message, login_url } => {
            let login_url = login_url.trim();
            if login_url.is_empty() {
                return Err(BodyProblem::EmptyLoginUrl);
            }
            let login_url = web_address(login_url).ok_or(BodyProblem::BadLoginUrl)?;
            let message = message
                .map(|m| crate::text::displayable(&m).trim().to_owned())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| DEFAULT_VERIFY_MESSAGE.to_owned());
            Ok(Registration::VerificationRequired { message, login_url })
        }
    }
}

/// A verification link as it may be shown: an `https://` or `http://` address with a
/// host, in its serialised form (ASCII, nothing that can steer a terminal).
fn web_address(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    let web = matches!(url.scheme(), "https" | "http") && url.host().is_some();
    web.then(|| url.into())
}

/// One entry of a 400 body's `message` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationIssue {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub expected: Option<String>,
    #[serde(default)]
    pub path: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorMessage {
    Text(String),
    Issues(Vec<ValidationIssue>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: ErrorMessage,
}

/// Which request fields a 400 body blames, read from its `path`s or its text.
/// Only field names are taken from the body, never its values.
pub fn blamed_fields(body: &[u8]) -> Vec<RequestField> {
    let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let mut note = |f: RequestField| {
        if !fields.contains(&f) {
            fields.push(f);
        }
    };
    match parsed.message {
        ErrorMessage::Text(text) => {
            let lower = text.to_ascii_lowercase();
            for field in RequestField::ALL {
                if field.words_in_text().iter().any(|w| lower.contains(w)) {
                    note(field);
                }
            }
        }
        ErrorMessage::Issues(issues) => {
            for issue in issues {
                for part in issue.path {
                    if let Some(field) = part.as_str().and_then(RequestField::from_wire_name) {
                        note(field);
                    }
                }
            }
        }
    }
    fields
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestField {
    NhsNumber,
    DateOfBirth,
    Forename,
    Surname,
    Postcode,
}

impl RequestField {
    pub const ALL: [Self; 5] = [
        Self::NhsNumber,
        Self::DateOfBirth,
        Self::Forename,
        Self::Surname,
        Self::Postcode,
    ];

    /// The field's name in the request body, and in a 400 answer's `path`.
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::NhsNumber => "nhs_number",
            Self::DateOfBirth => "dob",
            Self::Forename => "forename",
            Self::Surname => "surname",
            Self::Postcode => "postcode",
        }
    }

    fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire_name() == name)
    }

    /// Words that name the field in a 400 answer's free-text message (lower case).
    fn words_in_text(self) -> &'static [&'static str] {
        match self {
            Self::NhsNumber => &["nhs"],
            Self::DateOfBirth => &["dob", "birth"],
            Self::Forename => &["forename", "first name", "given name"],
            Self::Surname => &["surname", "last name", "family name"],
            Self::Postcode => &["postcode", "post code"],
        }
    }

    /// How the field is named in messages: `date of birth`.
    pub fn label(self) -> &'static str {
        match self {
            Self::NhsNumber => "NHS number",
            Self::DateOfBirth => "date of birth",
            Self::Forename => "forename",
            Self::Surname => "surname",
            Self::Postcode => "postcode",
        }
    }

    /// The fields a trace sends.
    pub fn sent_by(trace: Trace) -> &'static [Self] {
        match trace {
            Trace::NhsNumber => &[Self::NhsNumber, Self::DateOfBirth],
            Trace::Demographics => &[
                Self::Forename,
                Self::Surname,
                Self::DateOfBirth,
                Self::Postcode,
            ],
        }
    }
}

/// What `GET /v1/me` says about the practice group the key acts for. Hero documents
/// the endpoint but not its body, so every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeGroup {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// Any 2xx body counts as success; the name is shown when there is one.
pub fn parse_practice_group(body: &[u8]) -> PracticeGroup {
    serde_json::from_slice(body).unwrap_or_default()
}

/// `GET /v2/patients/{id}`: reading a patient back (Hero's patients reference).
///
/// Confirmed in the reference ("Get a Patient", v2): the path, the optional
/// `data_source` query (left out), and the 200 fields read here with their types:
/// `dob` (string or null, required), `deceased_at`, `first_name`, `last_name`,
/// `nhs_number`, `mobile`, `email`, `line_1..3`, `town`, `county`, `postcode`,
/// `hero_id` (`^\d+$`) all string or null; `restricted` boolean (default false);
/// `ehr_registered` boolean or null (required). `dob` and `deceased_at` are date-times
/// (the v1 page and the candidates list type them so).
/// Guessed, and only here: no error statuses are documented for this call, so 404 is
/// an unknown ID and 403 a key without permission to read patients (as elsewhere in
/// Hero's API); a `restricted` null reads as false; a 400 (nothing the user typed was
/// sent) is an unexpected status.
pub const PATIENTS_PATH: &str = "/v2/patients";

/// A patient as `GET /v2/patients/{id}` returns one: only the fields the desk needs,
/// with the reference's names. Every other field is ignored; any of these may be
/// missing or null. The sandbox serves the same type.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRecord {
    #[serde(default)]
    pub hero_id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// A date-time (`1992-02-01T00:00:00.000Z`) whose date is the date of birth.
    #[serde(default)]
    pub dob: Option<String>,
    #[serde(default)]
    pub nhs_number: Option<String>,
    /// A date-time when the patient is recorded as deceased, else null.
    #[serde(default)]
    pub deceased_at: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub line_1: Option<String>,
    #[serde(default)]
    pub line_2: Option<String>,
    #[serde(default)]
    pub line_3: Option<String>,
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub county: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    /// A PDS "restricted" (sensitive) record: its address and contacts are never shown.
    /// The reference's default is false; null reads the same.
    #[serde(default)]
    pub restricted: Option<bool>,
    /// Registered in the practice's clinical system; false: a temporary patient.
    #[serde(default)]
    pub ehr_registered: Option<bool>,
}

/// The record is a patient's details: nothing of it in a log.
impl fmt::Debug for PatientRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PatientRecord(***)")
    }
}

/// Parses a 2xx body of `GET /v2/patients/{id}`.
pub fn parse_patient_record(body: &[u8]) -> Result<PatientRecord, BodyProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| BodyProblem::NotJson)?;
    if !value.is_object() {
        return Err(BodyProblem::NotAPatient);
    }
    serde_json::from_value(value).map_err(|_| BodyProblem::NotAPatient)
}
