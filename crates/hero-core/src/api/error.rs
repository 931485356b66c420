//! Every way a registration can fail, each with the contract's cause and fix in
//! plain English. No variant carries patient data, a key or a response body.

use std::time::Duration;

use thiserror::Error;

use super::outreach::SentField;
use super::types::{BodyProblem, RequestField};
use crate::patient::Trace;

/// What the desk asked Hero to create: a message or a booking link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Message,
    BookingLink,
}

impl Action {
    /// `the message`, `the booking link`.
    pub fn the(self) -> &'static str {
        match self {
            Self::Message => "the message",
            Self::BookingLink => "the booking link",
        }
    }

    /// `sent`, `created`.
    fn done(self) -> &'static str {
        match self {
            Self::Message => "sent",
            Self::BookingLink => "created",
        }
    }
}

/// Why a create may or may not have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownWhy {
    /// No answer in time after the request went out.
    Timeout,
    /// The connection closed after the request went out.
    ConnectionDropped,
    /// A 5xx without `Retry-After`: Hero may have done part of the work.
    ServerError { status: u16 },
    /// Hero said yes (2xx) but its answer couldn't be read.
    UnreadableAnswer,
}

/// A Hero key scope (the authentication guide's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Messaging,
    BookingLinks,
}

impl Scope {
    /// The permission's name as Hero writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Messaging => "Messaging",
            Self::BookingLinks => "Booking links",
        }
    }

    fn allows(self) -> &'static str {
        match self {
            Self::Messaging => "send messages",
            Self::BookingLinks => "make booking links or list appointment types and locations",
        }
    }
}

fn describe_unknown(action: Action, why: UnknownWhy) -> String {
    let what = match why {
        UnknownWhy::Timeout => "Hero took too long to answer after the request went out".to_owned(),
        UnknownWhy::ConnectionDropped => {
            "the connection to Hero dropped after the request went out".to_owned()
        }
        UnknownWhy::ServerError { status } => {
            format!("Hero had a problem on its side (HTTP {status}) after the request reached it")
        }
        UnknownWhy::UnreadableAnswer => {
            "Hero accepted it but its answer couldn't be read".to_owned()
        }
    };
    let the = capitalised(action.the());
    format!("{the} may or may not have been {}: {what}", action.done())
}

fn sent_fields(fields: &[SentField]) -> String {
    let labels: Vec<&str> = fields.iter().map(|f| f.label()).collect();
    match labels.as_slice() {
        [] => "details".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    #[error(
        "Hero says the {} missing or not in the right format (400)",
        fields_or(fields)
    )]
    BadRequest { fields: Vec<RequestField> },
    #[error("Hero did not accept the API key (401)")]
    Unauthorized,
    #[error("This API key is not allowed to register patients for this practice group (403)")]
    Forbidden,
    #[error(
        "No patient was found on the NHS Spine (PDS) with this NHS number and date of birth (404)"
    )]
    NotFound,
    #[error(
        "No single patient on the NHS Spine (PDS) matched this name, date of birth and postcode (404)"
    )]
    NoSingleMatch,
    /// Reading a patient back: Hero holds no patient under this ID.
    #[error("Hero has no patient with this patient ID (404)")]
    PatientNotFound,
    /// Reading a patient back: the key may register patients but not read them.
    #[error("This API key is not allowed to read patients' details (403)")]
    DetailsNotPermitted,
    #[error(
        "Hero is busy (rate limit) and still said so after {attempts} attempts; nothing was registered"
    )]
    RateLimited { attempts: u32 },
    #[error("Hero is busy (rate limit) and asked to wait {}; nothing was registered", describe_wait(*wait))]
    RateLimitWaitTooLong { wait: Duration },
    #[error("Hero had a problem on its side (HTTP {status}) after {attempts} attempt{}; nothing was registered", plural(*attempts))]
    ServerError { status: u16, attempts: u32 },
    #[error("Hero answered with an unexpected status (HTTP {status})")]
    UnexpectedStatus { status: u16 },
    #[error(
        "Hero's address answered with a redirect, which Hero Intake does not follow for safety"
    )]
    Redirected,
    #[error("Hero can't be reached: the connection was refused")]
    Unreachable,
    #[error("Hero's address couldn't be found (DNS)")]
    AddressNotFound,
    #[error("The connection to Hero dropped before an answer arrived, after {attempts} attempt{}", plural(*attempts))]
    ConnectionDropped { attempts: u32 },
    #[error("Hero took too long to answer, after {attempts} attempt{}", plural(*attempts))]
    Timeout { attempts: u32 },
    #[error("A secure (TLS) connection to Hero couldn't be made")]
    Tls,
    /// The practice's proxy stood in the way; `proxy` is its address only.
    #[error("{}", describe_proxy(proxy, *problem))]
    Proxy {
        proxy: String,
        problem: ProxyProblem,
    },
    #[error("Hero's answer couldn't be read: {}", describe_body_problem(*problem))]
    BadResponse { problem: BodyProblem },
    #[error("The server answered, but not as Hero's API does (no /v1/me)")]
    NotHeroApi,
    #[error("Something went wrong inside Hero Intake while sending")]
    Internal,
    /// A message or booking link that may have reached Hero with no answer read: it is
    /// never sent again by itself (`api::not_acted_on`).
    #[error("{}", describe_unknown(*action, *why))]
    OutcomeUnknown { action: Action, why: UnknownWhy },
    /// 403 on a call outside the key's scopes.
    #[error("This API key is not allowed to {} (403): it lacks Hero's {} permission", scope.allows(), scope.label())]
    ScopeMissing { scope: Scope },
    /// 400 on a message or booking link.
    #[error("Hero did not accept {}: the {} missing or not in the right format (400)", action.the(), fields_are(fields))]
    NotAccepted {
        action: Action,
        fields: Vec<SentField>,
    },
    /// 404 on creating a booking link.
    #[error("Hero found no patient, appointment type or location with these IDs (404)")]
    LinkTargetNotFound,
    /// Rate limited (or 503 with `Retry-After`) until the retries ran out: nothing done.
    #[error("Hero is busy and asked to wait; {} was not {}", action.the(), action.done())]
    Busy { action: Action },
}

fn fields_are(fields: &[SentField]) -> String {
    match fields {
        [_] => format!("{} is", sent_fields(fields)),
        _ => format!("{} are", sent_fields(fields)),
    }
}

/// What the proxy between this computer and Hero did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyProblem {
    /// 407: it wants a user name and password.
    AuthRequired,
    /// It answered, but would not connect through to Hero.
    Refused,
    /// It couldn't be reached at all.
    Unreachable,
}

fn describe_proxy(proxy: &str, problem: ProxyProblem) -> String {
    match problem {
        ProxyProblem::AuthRequired => format!(
            "The practice's proxy ({proxy}) asked Hero Intake for a user name and password (407), so Hero couldn't be reached"
        ),
        ProxyProblem::Refused => {
            format!("The practice's proxy ({proxy}) refused to connect Hero Intake to Hero")
        }
        ProxyProblem::Unreachable => {
            format!("The practice's proxy ({proxy}) can't be reached")
        }
    }
}

/// `NHS number or date of birth is`, `postcode is`: the fields as one phrase.
fn fields_or(fields: &[RequestField]) -> String {
    match fields {
        [] => "patient's details are".to_owned(),
        [one] => format!("{} is", one.label()),
        [init @ .., last] => format!("{} or {} is", labels(init), last.label()),
    }
}

fn labels(fields: &[RequestField]) -> String {
    fields
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn describe_wait(wait: Duration) -> String {
    let secs = wait.as_secs();
    if secs < 120 {
        format!("{secs} seconds")
    } else if secs < 2 * 3600 {
        format!("{} minutes", secs.div_ceil(60))
    } else {
        format!("{} hours", secs.div_ceil(3600))
    }
}

fn describe_body_problem(problem: BodyProblem) -> &'static str {
    match problem {
        BodyProblem::NotJson => "it was not in the expected format (not JSON)",
        BodyProblem::WrongShape => "it had neither a patient ID nor a verification link",
        BodyProblem::EmptyPatientId => "the patient ID in it was empty",
        BodyProblem::EmptyLoginUrl => "the verification link in it was empty",
        BodyProblem::BadPatientId => {
            "the patient ID in it was not one Hero gives (letters, digits, - or _, at most 64)"
        }
        BodyProblem::BadLoginUrl => "the verification link in it was not a web address",
        BodyProblem::NotAPatient => "it was not a patient's details",
        BodyProblem::BadId => "an ID in it was empty, far too long or held control characters",
        BodyProblem::BadBookingLink => "the booking link in it was not a secure (https://) address",
        BodyProblem::Truncated => "it was cut off part-way",
        BodyProblem::TooLarge => "it was far larger than any answer Hero sends",
    }
}

/// What one surface (the window, the command line, a results file) calls sending again
/// and where its settings are: each surface's own words for [`ApiError::fix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surface {
    /// After correcting the details: "press Enter to send again".
    pub send_again: &'static str,
    /// After a fault on the way: "press Enter to try again".
    pub try_again: &'static str,
    /// Where the API key is set, after "Check the API key": "in Settings".
    pub key_is: &'static str,
    /// Where the practice group ID is set.
    pub group_is: &'static str,
    /// Where the server address (and environment) is set.
    pub server_is: &'static str,
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How the command line reports an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Hero answered and refused the request (4xx): exit code 3.
    Refused,
    /// No usable answer (network, timeout, 5xx, malformed, rate limit exhausted): exit code 4.
    NoAnswer,
}

impl ApiError {
    /// What happened, for the person at the desk.
    pub fn cause(&self) -> String {
        self.to_string()
    }

    /// What to do about it, in the words of the surface it is read on.
    pub fn fix(&self, surface: &Surface) -> String {
        let Surface {
            send_again,
            try_again,
            key_is,
            group_is,
            server_is,
        } = surface;
        match self {
            Self::BadRequest { fields } => {
                let fields = match fields.as_slice() {
                    [] => "patient's details".to_owned(),
                    [one] => one.label().to_owned(),
                    [init @ .., last] => format!("{} and {}", labels(init), last.label()),
                };
                format!("Check the {fields}, then {send_again}.")
            }
            Self::Unauthorized => format!("Check the API key {key_is}, and that it is the key for this environment (staging and production keys differ)."),
            Self::Forbidden => format!("Check the practice group ID {group_is} matches the practice this key was issued for."),
            Self::NotFound => "Confirm the NHS number and date of birth with the patient. If they are right, the patient may not be registered with the NHS.".into(),
            Self::PatientNotFound => "Check the patient ID: it must be one Hero gave for this practice group.".into(),
            Self::DetailsNotPermitted => "Ask Hero to let this key read patients' details. Registering is not affected.".into(),
            Self::NoSingleMatch => "Check the spelling of both names, the date of birth and the postcode with the patient (the NHS may still have a previous address), or ask for their NHS number.".into(),
            Self::RateLimited { .. } => format!("Wait a minute, then {try_again}."),
            Self::RateLimitWaitTooLong { .. } => "Try this patient again after that time.".into(),
            Self::ServerError { .. } => format!("Wait a few minutes, then {try_again}. If it keeps happening, contact Hero support."),
            Self::UnexpectedStatus { .. } | Self::BadResponse { .. } => format!("{}. If it keeps happening, check the environment {server_is}, or contact Hero support.", capitalised(try_again)),
            Self::NotHeroApi => format!("Check the server address {server_is}."),
            Self::Redirected => format!("Check the server address {server_is}."),
            Self::Unreachable | Self::AddressNotFound | Self::ConnectionDropped { .. } => {
                format!("Check this computer's internet connection, then {try_again}.")
            }
            Self::Timeout { .. } => format!("Check this computer's internet connection, then {try_again}. If Hero is slow today, try again in a few minutes."),
            Self::Tls => format!("Check this computer's date and time and the server address {server_is}. A practice network that inspects secure traffic can also cause this: ask your IT support."),
            Self::Proxy { problem: ProxyProblem::AuthRequired, .. } => "Ask your IT support to let Hero Intake through the proxy to Hero's server without signing in (it can't type a proxy password).".into(),
            Self::Proxy { problem: ProxyProblem::Refused, .. } => format!("Ask your IT support to allow Hero's server (the address {server_is}) through the proxy."),
            Self::Proxy { problem: ProxyProblem::Unreachable, .. } => "Check this computer's network connection. If it keeps happening, ask your IT support whether the proxy set on this computer is right.".into(),
            Self::Internal => format!("{}. If it happens again, restart Hero Intake.", capitalised(try_again)),
            Self::OutcomeUnknown { action: Action::Message, .. } => "Check in Hero whether the patient got the message before sending it again.".into(),
            Self::OutcomeUnknown { action: Action::BookingLink, .. } => "Check in Hero whether the booking link was made before making another.".into(),
            Self::ScopeMissing { scope } => format!("Ask Hero to give this API key the {} permission. The registration stands.", scope.label()),
            Self::NotAccepted { fields, .. } => format!("Check the {}, then {send_again}.", sent_fields(fields)),
            Self::LinkTargetNotFound => format!("Check the appointment type and location are still offered in Hero, then {try_again}."),
            Self::Busy { .. } => format!("Wait a minute, then {try_again}."),
        }
    }

    /// The HTTP status Hero answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::BadRequest { .. } => Some(400),
            Self::Unauthorized => Some(401),
            Self::Forbidden | Self::DetailsNotPermitted | Self::ScopeMissing { .. } => Some(403),
            Self::NotFound
            | Self::NoSingleMatch
            | Self::PatientNotFound
            | Self::LinkTargetNotFound => Some(404),
            Self::RateLimited { .. } | Self::RateLimitWaitTooLong { .. } => Some(429),
            Self::ServerError { status, .. }
            | Self::UnexpectedStatus { status }
            | Self::OutcomeUnknown {
                why: UnknownWhy::ServerError { status },
                ..
            } => Some(*status),
            Self::NotAccepted { .. } => Some(400),
            _ => None,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Self::BadRequest { .. }
            | Self::Unauthorized
            | Self::Forbidden
            | Self::NotFound
            | Self::NoSingleMatch
            | Self::PatientNotFound
            | Self::DetailsNotPermitted
            | Self::ScopeMissing { .. }
            | Self::NotAccepted { .. }
            | Self::LinkTargetNotFound => ErrorClass::Refused,
            Self::UnexpectedStatus { status } if (400..500).contains(status) => ErrorClass::Refused,
            _ => ErrorClass::NoAnswer,
        }
    }

    /// The form fields the user should correct, if the error is about their input.
    pub fn fields_to_correct(&self) -> Vec<RequestField> {
        match self {
            Self::BadRequest { fields } if fields.is_empty() => {
                vec![RequestField::NhsNumber, RequestField::DateOfBirth]
            }
            Self::BadRequest { fields } => fields.clone(),
            Self::NotFound => RequestField::sent_by(Trace::NhsNumber).to_vec(),
            Self::NoSingleMatch => RequestField::sent_by(Trace::Demographics).to_vec(),
            _ => Vec::new(),
        }
    }

    /// Whether the API key or practice group in Settings is the thing to fix.
    pub fn is_credentials_problem(&self) -> bool {
        matches!(self, Self::Unauthorized | Self::Forbidden)
    }
}

/// The connection check's verdict in plain words: which setting is wrong.
pub fn describe_check_failure(error: &ApiError, surface: &Surface) -> String {
    match error {
        ApiError::Unauthorized => "The API key is wrong: Hero did not accept it. Check it is the key for this environment (staging and production keys differ).".into(),
        ApiError::Forbidden => "The API key works, but the practice group ID is wrong for it: check the practice group ID.".into(),
        ApiError::NotHeroApi
        | ApiError::Redirected
        | ApiError::Tls
        | ApiError::AddressNotFound
        | ApiError::Unreachable => format!("The server address is wrong or can't be reached: {}.", error.cause()),
        other => format!("{}. {}", other.cause(), other.fix(surface)),
    }
}
