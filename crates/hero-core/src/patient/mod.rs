//! Patient input: NHS numbers and dates of birth, parsed from what a receptionist types.
//! Pure: no egui, no I/O. `Debug` never prints the full value, so a stray log line
//! cannot leak patient data.

mod date_of_birth;
mod nhs_number;

pub use date_of_birth::{DateOfBirth, DateOfBirthError};
pub use nhs_number::{NhsNumber, NhsNumberError, NumberRange, TestNumbers};

use jiff::civil::Date;

use crate::demographics::Demographics;

/// Oldest date of birth accepted, in years before today.
pub const MAX_AGE_YEARS: i16 = 130;

/// Longest input examined; anything longer is refused before parsing.
const MAX_INPUT_CHARS: usize = 64;

/// Today's date on this computer's clock, in its time zone.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// Which of `register_pds`'s two request variants a query uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trace {
    /// `{"nhs_number", "dob"}`.
    NhsNumber,
    /// `{"forename", "surname", "dob", "postcode"}`, for a patient who doesn't know
    /// their NHS number.
    Demographics,
}

impl Trace {
    /// How the trace is named on screen and in results files.
    pub fn label(self) -> &'static str {
        match self {
            Self::NhsNumber => "NHS number",
            Self::Demographics => "Name and postcode",
        }
    }
}

/// What is sent to Hero for one patient: one trace or the other, never a mix.
/// `Debug` is masked like its parts.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum PatientQuery {
    ByNhsNumber {
        nhs_number: NhsNumber,
        dob: DateOfBirth,
    },
    ByDemographics(Demographics),
}

impl PatientQuery {
    pub fn trace(&self) -> Trace {
        match self {
            Self::ByNhsNumber { .. } => Trace::NhsNumber,
            Self::ByDemographics(_) => Trace::Demographics,
        }
    }

    pub fn dob(&self) -> DateOfBirth {
        match self {
            Self::ByNhsNumber { dob, .. } => *dob,
            Self::ByDemographics(d) => d.dob,
        }
    }

    pub fn nhs_number(&self) -> Option<&NhsNumber> {
        match self {
            Self::ByNhsNumber { nhs_number, .. } => Some(nhs_number),
            Self::ByDemographics(_) => None,
        }
    }

    /// Safe for logs and the shift list: `*** *** 0018` or `T. P. LS1 ***`.
    pub fn masked(&self) -> String {
        match self {
            Self::ByNhsNumber { nhs_number, .. } => nhs_number.masked(),
            Self::ByDemographics(d) => d.masked(),
        }
    }
}
