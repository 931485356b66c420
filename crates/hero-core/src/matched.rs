//! Who a registration matched: the patient Hero holds under the patient ID, read back
//! with `GET /v2/patients/{id}`, in the form the desk shows, and the checks against what
//! was typed (`checks.rs`). Pure: no I/O. Every string is Hero's data, cleaned of
//! controls; a restricted record's address and contacts are dropped on arrival, so no
//! accessor can return them. `Debug` shows nothing.

mod checks;
#[cfg(test)]
mod tests;

use std::fmt;

pub use checks::Warning;

use crate::api::types::PatientRecord;
use crate::patient::{DateOfBirth, NhsNumber, TestNumbers};
use crate::text::displayable;

/// The patient Hero traced, as the desk may show it.
#[derive(Clone, PartialEq, Eq)]
pub struct MatchedPatient {
    first_name: Option<String>,
    last_name: Option<String>,
    dob: Option<DateOfBirth>,
    nhs_number: Option<NhsNumber>,
    postcode: Option<String>,
    address: Vec<String>,
    mobile: Option<String>,
    email: Option<String>,
    restricted: bool,
    deceased: bool,
    registered_at_practice: Option<bool>,
}

/// Hero's text as shown: controls removed, trimmed, blank as absent.
fn shown(text: Option<String>) -> Option<String> {
    let text = displayable(&text?);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The date as written in a date-time (`1992-02-01T23:30:00-05:00` is 1 February):
/// a date of birth has no time zone, so it is never converted.
fn date_as_written(text: &str) -> Option<DateOfBirth> {
    let pieces = jiff::fmt::temporal::Pieces::parse(text.trim()).ok()?;
    Some(DateOfBirth::from_record(pieces.date()))
}

impl MatchedPatient {
    pub fn from_record(record: PatientRecord) -> Self {
        let restricted = record.restricted.unwrap_or(false);
        // Never kept for a restricted record, whatever Hero sent.
        let contact = |text: Option<String>| if restricted { None } else { shown(text) };
        let address = if restricted {
            Vec::new()
        } else {
            [
                record.line_1,
                record.line_2,
                record.line_3,
                record.town,
                record.county,
            ]
            .into_iter()
            .filter_map(shown)
            .collect()
        };
        Self {
            first_name: shown(record.first_name),
            last_name: shown(record.last_name),
            dob: record.dob.as_deref().and_then(date_as_written),
            nhs_number: record
                .nhs_number
                .as_deref()
                .and_then(|n| NhsNumber::parse_ignoring_check_digit(n, TestNumbers::Allowed).ok()),
            postcode: contact(record.postcode),
            address,
            mobile: contact(record.mobile),
            email: contact(record.email),
            restricted,
            deceased: record.deceased_at.is_some_and(|d| !d.trim().is_empty()),
            registered_at_practice: record.ehr_registered,
        }
    }

    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// `Sam Demoperson`; whichever part Hero sent, or None.
    pub fn full_name(&self) -> Option<String> {
        let parts: Vec<&str> = [self.first_name(), self.last_name()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The date of its date-time, as written: `in_words()` for the card, `iso()` for JSON.
    pub fn dob(&self) -> Option<DateOfBirth> {
        self.dob
    }

    /// `formatted()` gives `999 000 0018`. None when Hero sent none, or not ten digits.
    pub fn nhs_number(&self) -> Option<&NhsNumber> {
        self.nhs_number.as_ref()
    }

    /// Never for a restricted record.
    pub fn postcode(&self) -> Option<&str> {
        self.postcode.as_deref()
    }

    /// Address lines, town and county, blanks left out. Empty for a restricted record.
    pub fn address_lines(&self) -> &[String] {
        &self.address
    }

    /// The whole mobile number, for a message later; the card shows [`Self::masked_mobile`].
    /// Never for a restricted record.
    pub fn mobile(&self) -> Option<&str> {
        self.mobile.as_deref()
    }

    /// Never for a restricted record.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// `ending 123`: the last three digits, enough to ask "is your number ending 123?".
    pub fn masked_mobile(&self) -> Option<String> {
        let digits: Vec<char> = self
            .mobile()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let last = digits.get(digits.len().checked_sub(3)?..)?;
        Some(format!("ending {}", last.iter().collect::<String>()))
    }

    /// `s***@e***.com`: the first letter of the name and of the domain, and its ending.
    pub fn masked_email(&self) -> Option<String> {
        mask_email(self.email()?)
    }

    /// A PDS restricted (sensitive) record: address and contacts must not be disclosed.
    pub fn is_restricted(&self) -> bool {
        self.restricted
    }

    /// Hero's record gives a date of death.
    pub fn is_deceased(&self) -> bool {
        self.deceased
    }

    /// Registered in the practice's clinical system (`ehr_registered`); Some(false) is a
    /// temporary patient, None: Hero didn't say.
    pub fn registered_at_practice(&self) -> Option<bool> {
        self.registered_at_practice
    }
}

fn mask_email(email: &str) -> Option<String> {
    let (name, domain) = email.rsplit_once('@')?;
    let first = |text: &str| text.chars().next();
    let ending = domain
        .rfind('.')
        .map(|dot| &domain[dot..])
        .filter(|ending| ending.len() > 1)
        .unwrap_or("");
    Some(format!("{}***@{}***{ending}", first(name)?, first(domain)?))
}

/// Everything in it is the patient's: nothing shown.
impl fmt::Debug for MatchedPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MatchedPatient(***)")
    }
}
