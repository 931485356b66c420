//! The intake state machine: pure, no egui, no I/O, so every transition is unit-tested.
//!
//! `Editing → Sending → {Registered, VerificationRequired, Failed, WaitingToRetry}`.

use std::fmt;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::api::{ApiError, PatientId, Progress, Registration, RequestField, WaitReason};
use crate::config::Environment;
use crate::demographics::{Demographics, NameError, NamePart, PersonName, Postcode, PostcodeError};
use crate::patient::{
    DateOfBirth, DateOfBirthError, NhsNumber, NhsNumberError, PatientQuery, Trace,
};
use crate::text::is_blank;

/// A link couldn't be opened: no web browser could be started on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no web browser could be started on this computer")]
pub struct NoBrowser;

/// Which request a result belongs to: results for an earlier one are ignored.
pub type RequestId = u64;

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Editing {
        /// A short note about what just happened (e.g. a cancelled request).
        notice: Option<String>,
    },
    Sending {
        id: RequestId,
    },
    WaitingToRetry {
        id: RequestId,
        until: Instant,
        next_attempt: u32,
        reason: WaitReason,
    },
    Registered {
        patient_id: PatientId,
        copied: bool,
    },
    VerificationRequired {
        message: String,
        login_url: String,
        /// Whether the link is https, and so may be opened.
        safe_to_open: bool,
        /// The result of the last attempt to open it.
        opened: Option<Result<(), NoBrowser>>,
    },
    Failed {
        error: ApiError,
    },
}

/// What the form thinks of each field right now, and which trace Enter sends.
#[derive(Debug, Clone, PartialEq)]
pub struct FormCheck {
    pub trace: Trace,
    pub nhs_number: Result<NhsNumber, NhsNumberError>,
    pub dob: Result<DateOfBirth, DateOfBirthError>,
    pub forename: Result<PersonName, NameError>,
    pub surname: Result<PersonName, NameError>,
    pub postcode: Result<Postcode, PostcodeError>,
}

impl FormCheck {
    /// The first field of the chosen trace, in the form's order, that stops sending:
    /// where the keys typed after a refused Enter go.
    pub fn first_problem(&self) -> Option<RequestField> {
        let problems = [
            (RequestField::NhsNumber, self.nhs_number.is_err()),
            (RequestField::DateOfBirth, self.dob.is_err()),
            (RequestField::Forename, self.forename.is_err()),
            (RequestField::Surname, self.surname.is_err()),
            (RequestField::Postcode, self.postcode.is_err()),
        ];
        let sent = RequestField::sent_by(self.trace);
        problems
            .into_iter()
            .find(|(field, bad)| *bad && sent.contains(field))
            .map(|(field, _)| field)
    }

    /// The query Enter sends: the chosen trace's fields only, when all are valid.
    pub fn query(&self) -> Option<PatientQuery> {
        let dob = *self.dob.as_ref().ok()?;
        Some(match self.trace {
            Trace::NhsNumber => PatientQuery::ByNhsNumber {
                nhs_number: self.nhs_number.clone().ok()?,
                dob,
            },
            Trace::Demographics => PatientQuery::ByDemographics(Demographics {
                forename: self.forename.clone().ok()?,
                surname: self.surname.clone().ok()?,
                dob,
                postcode: self.postcode.clone().ok()?,
            }),
        })
    }
}

/// Work for the app to carry out after a transition.
#[derive(Clone, PartialEq)]
#[must_use]
pub enum Command {
    Register { id: RequestId, query: PatientQuery },
    Cancel { id: RequestId },
    OpenUrl(String),
    CopyText(String),
}

/// Hides the copied text (a patient ID) and the link, like `Registration`'s `Debug`.
impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Register { id, query } => f
                .debug_struct("Register")
                .field("id", id)
                .field("query", query)
                .finish(),
            Self::Cancel { id } => f.debug_struct("Cancel").field("id", id).finish(),
            Self::OpenUrl(_) => f.write_str("OpenUrl(***)"),
            Self::CopyText(_) => f.write_str("CopyText(***)"),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct Intake {
    pub nhs_text: String,
    pub dob_text: String,
    /// The demographics trace's fields, used when the NHS number is left empty.
    pub forename_text: String,
    pub surname_text: String,
    pub postcode_text: String,
    /// The user confirmed sending a number whose check digit fails (not on production).
    pub send_despite_check_digit: bool,
    phase: Phase,
    next_id: RequestId,
    /// The query last sent, kept so a result can be matched to the form shown.
    sent: Option<PatientQuery>,
    /// The last request went to the demo sandbox, whose verification page is on loopback.
    sent_to_demo: bool,
}

/// The typed text is patient data: only its length is shown.
impl fmt::Debug for Intake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Intake")
            .field("nhs_text_chars", &self.nhs_text.chars().count())
            .field("dob_text_chars", &self.dob_text.chars().count())
            .field("forename_text_chars", &self.forename_text.chars().count())
            .field("surname_text_chars", &self.surname_text.chars().count())
            .field("postcode_text_chars", &self.postcode_text.chars().count())
            .field("send_despite_check_digit", &self.send_despite_check_digit)
            .field("phase", &self.phase)
            .field("next_id", &self.next_id)
            .field("sent", &self.sent)
            .finish()
    }
}

impl Default for Intake {
    fn default() -> Self {
        Self {
            nhs_text: String::new(),
            dob_text: String::new(),
            forename_text: String::new(),
            surname_text: String::new(),
            postcode_text: String::new(),
            send_despite_check_digit: false,
            phase: Phase::Editing { notice: None },
            next_id: 1,
            sent: None,
            sent_to_demo: false,
        }
    }
}

/// Whether a login URL may be opened in the browser: https only, except the demo
/// sandbox's own page on this computer.
pub fn is_safe_login_url(url: &str, demo: bool) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    };
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => demo && loopback,
        _ => false,
    }
}

impl Intake {
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// Whether the form fields may be edited and submitted.
    pub fn is_editable(&self) -> bool {
        matches!(self.phase, Phase::Editing { .. } | Phase::Failed { .. })
    }

    pub fn is_busy(&self) -> bool {
        matches!(
            self.phase,
            Phase::Sending { .. } | Phase::WaitingToRetry { .. }
        )
    }

    /// The trace Enter sends: by name and postcode once any of those fields is filled
    /// and the NHS number is left empty; otherwise by NHS number.
    pub fn trace(&self) -> Trace {
        let demographics_typed = [&self.forename_text, &self.surname_text, &self.postcode_text]
            .iter()
            .any(|text| !is_blank(text));
        if is_blank(&self.nhs_text) && demographics_typed {
            Trace::Demographics
        } else {
            Trace::NhsNumber
        }
    }

    pub fn check(&self, environment: Environment, today: Date) -> FormCheck {
        let nhs_number =
            if self.send_despite_check_digit && environment.allows_check_digit_override() {
                NhsNumber::parse_ignoring_check_digit(&self.nhs_text, environment.test_numbers())
            } else {
                NhsNumber::parse_for(&self.nhs_text, environment.test_numbers())
            };
        FormCheck {
            trace: self.trace(),
            nhs_number,
            dob: DateOfBirth::parse(&self.dob_text, today),
            forename: PersonName::parse(&self.forename_text, NamePart::Forename),
            surname: PersonName::parse(&self.surname_text, NamePart::Surname),
            postcode: Postcode::parse(&self.postcode_text),
        }
    }

    /// Enter: sends the form if it is valid and nothing is in flight.
    pub fn submit(&mut self, environment: Environment, today: Date) -> Option<Command> {
        if !self.is_editable() {
            return None;
        }
        let query = self.check(environment, today).query()?;
        let id = self.next_id;
        self.next_id += 1;
        self.phase = Phase::Sending { id };
        self.sent = Some(query.clone());
        self.sent_to_demo = environment == Environment::Demo;
        Some(Command::Register { id, query })
    }

    /// Cancel (or Esc) while sending or waiting: stop at once, keep the form.
    pub fn cancel(&mut self) -> Option<Command> {
        let (id, notice) = match self.phase {
            Phase::Sending { id } => (
                id,
                "Stopped. Hero may already have received it; sending again is safe.",
            ),
            Phase::WaitingToRetry { id, .. } => (id, "Stopped. Nothing was registered."),
            _ => return None,
        };
        self.phase = Phase::Editing {
            notice: Some(notice.to_owned()),
        };
        Some(Command::Cancel { id })
    }

    /// The request couldn't be handed to the network (say, the key went missing between
    /// the check and the send): back to the form, saying why. Nothing was sent.
    pub fn not_sent(&mut self, id: RequestId, why: &str) {
        if self.is_current(id) {
            self.phase = Phase::Editing {
                notice: Some(format!("Not sent: {why}")),
            };
        }
    }

    /// Request `id` failed in a way that waiting may cure, and its patient is kept
    /// elsewhere: an empty form for the next patient, saying so. False (nothing
    /// changed) if `id` is not the request in flight.
    pub fn set_aside(&mut self, id: RequestId, notice: String) -> bool {
        if !self.is_current(id) {
            return false;
        }
        let next_id = self.next_id;
        *self = Self {
            next_id,
            phase: Phase::Editing {
                notice: Some(notice),
            },
            ..Self::default()
        };
        true
    }

    /// The next patient: an empty form. Refused while a request is in flight.
    pub fn next_patient(&mut self) -> bool {
        if self.is_busy() {
            return false;
        }
        let next_id = self.next_id;
        *self = Self {
            next_id,
            ..Self::default()
        };
        true
    }

    pub fn on_progress(&mut self, id: RequestId, progress: Progress, now: Instant) {
        if !self.is_current(id) {
            return;
        }
        let Progress::Waiting {
            next_attempt,
            delay,
            reason,
        } = progress;
        self.phase = Phase::WaitingToRetry {
            id,
            until: now + delay,
            next_attempt,
            reason,
        };
    }

    /// A result arrived. Stale results (cancelled, or for an earlier form) are ignored.
    pub fn on_finished(
        &mut self,
        id: RequestId,
        result: Result<Registration, ApiError>,
    ) -> Option<Command> {
        if !self.is_current(id) {
            return None;
        }
        match result {
            Ok(Registration::Registered { patient_id }) => {
                self.phase = Phase::Registered {
                    patient_id,
                    copied: false,
                };
                None
            }
            Ok(Registration::VerificationRequired { message, login_url }) => {
                let safe_to_open = is_safe_login_url(&login_url, self.sent_to_demo);
                let command = safe_to_open.then(|| Command::OpenUrl(login_url.clone()));
                self.phase = Phase::VerificationRequired {
                    message,
                    login_url,
                    safe_to_open,
                    opened: None,
                };
                command
            }
            Err(error) => {
                self.phase = Phase::Failed { error };
                None
            }
        }
    }

    /// Whether request `id` is the one the form is waiting for.
    pub fn is_in_flight(&self, id: RequestId) -> bool {
        self.is_current(id)
    }

    fn is_current(&self, id: RequestId) -> bool {
        match self.phase {
            Phase::Sending { id: current } | Phase::WaitingToRetry { id: current, .. } => {
                current == id
            }
            _ => false,
        }
    }

    /// Copy the patient ID (button or shortcut).
    pub fn copy_patient_id(&mut self) -> Option<Command> {
        match &mut self.phase {
            Phase::Registered { patient_id, copied } => {
                *copied = true;
                Some(Command::CopyText(patient_id.as_str().to_owned()))
            }
            Phase::VerificationRequired { login_url, .. } => {
                Some(Command::CopyText(login_url.clone()))
            }
            _ => None,
        }
    }

    /// "Open again": only an https link is ever opened.
    pub fn open_again(&self) -> Option<Command> {
        match &self.phase {
            Phase::VerificationRequired {
                login_url,
                safe_to_open: true,
                ..
            } => Some(Command::OpenUrl(login_url.clone())),
            _ => None,
        }
    }

    /// The patient last sent, for the shift list (shown masked there).
    pub fn last_sent(&self) -> Option<&PatientQuery> {
        self.sent.as_ref()
    }

    pub fn record_opened(&mut self, result: Result<(), NoBrowser>) {
        if let Phase::VerificationRequired { opened, .. } = &mut self.phase {
            *opened = Some(result);
        }
    }

    /// Which fields to highlight after an error about the user's input.
    pub fn fields_to_correct(&self) -> Vec<RequestField> {
        match &self.phase {
            Phase::Failed { error } => error.fields_to_correct(),
            _ => Vec::new(),
        }
    }

    /// Time left in a retry wait, for the countdown.
    pub fn wait_remaining(&self, now: Instant) -> Option<Duration> {
        match self.phase {
            Phase::WaitingToRetry { until, .. } => Some(until.saturating_duration_since(now)),
            _ => None,
        }
    }
}
