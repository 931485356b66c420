//! What about a matched patient needs a second look, and how each is worded: one list
//! for the window's card, the command line and the results file.

use std::fmt;

use icu_normalizer::DecomposingNormalizerBorrowed;

use super::MatchedPatient;
use crate::api::ApiError;
use crate::patient::{DateOfBirth, PatientQuery};

/// One thing to check before going on. Differences carry both values: what was typed
/// and what Hero's record says. `Debug` shows the code only.
#[derive(Clone, PartialEq, Eq)]
pub enum Warning {
    /// A PDS restricted record: no address or contacts are shown.
    Restricted,
    Deceased,
    DateOfBirthDiffers {
        typed: DateOfBirth,
        on_record: DateOfBirth,
    },
    /// Forename and surname, each as `Forename Surname`.
    NamesDiffer {
        typed: String,
        on_record: String,
    },
    PostcodeDiffers {
        typed: String,
        on_record: String,
    },
    /// Not registered at this practice in its clinical system: a plain line, not a
    /// warning (Hero creates one for anyone it doesn't hold yet).
    TemporaryPatient,
    /// The details couldn't be read; the registration stands.
    DetailsUnavailable {
        reason: ApiError,
    },
}

impl Warning {
    /// The code in JSON and in results files.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Restricted => "restricted",
            Self::Deceased => "deceased",
            Self::DateOfBirthDiffers { .. } => "date_of_birth_differs",
            Self::NamesDiffer { .. } => "names_differ",
            Self::PostcodeDiffers { .. } => "postcode_differs",
            Self::TemporaryPatient => "temporary_patient",
            Self::DetailsUnavailable { .. } => "details_unavailable",
        }
    }

    /// A few words without the values, for lists that stay masked (the shift list).
    pub fn short(&self) -> &'static str {
        match self {
            Self::Restricted => "restricted record",
            Self::Deceased => "deceased on Hero's record",
            Self::DateOfBirthDiffers { .. } => "date of birth differs",
            Self::NamesDiffer { .. } => "name differs",
            Self::PostcodeDiffers { .. } => "postcode differs",
            Self::TemporaryPatient => "temporary patient",
            Self::DetailsUnavailable { .. } => "details not read",
        }
    }

    /// Whether it is shown as a plain line rather than prominently.
    pub fn is_plain_line(&self) -> bool {
        matches!(self, Self::TemporaryPatient)
    }

    /// (typed, on Hero's record), for a difference.
    pub fn values(&self) -> Option<(String, String)> {
        match self {
            Self::DateOfBirthDiffers { typed, on_record } => {
                Some((typed.in_words(), on_record.in_words()))
            }
            Self::NamesDiffer { typed, on_record } | Self::PostcodeDiffers { typed, on_record } => {
                Some((typed.clone(), on_record.clone()))
            }
            _ => None,
        }
    }

    /// The sentence for every surface.
    pub fn message(&self) -> String {
        match self {
            Self::Restricted => "Restricted record: the patient's address and contact details must not be disclosed.".into(),
            Self::Deceased => "Hero's record shows this patient has died: check the details before going on.".into(),
            Self::DateOfBirthDiffers { typed, on_record } => format!(
                "Date of birth differs: typed {}, Hero's record {}. Check with the patient.",
                typed.in_words(),
                on_record.in_words()
            ),
            Self::NamesDiffer { typed, on_record } => format!(
                "Name differs: typed {typed}, Hero's record {on_record}. Check with the patient."
            ),
            Self::PostcodeDiffers { typed, on_record } => format!(
                "Postcode differs: typed {typed}, Hero's record {on_record}. Check with the patient."
            ),
            Self::TemporaryPatient => "Temporary patient: not registered at this practice in its clinical system.".into(),
            Self::DetailsUnavailable { reason } => match reason {
                ApiError::DetailsNotPermitted => "Details not shown: this API key is not allowed to read patients' details. The registration stands.".into(),
                ApiError::PatientNotFound => "Details not shown: Hero found no patient under this ID. The registration stands.".into(),
                other => format!("Details not shown: {}. The registration stands.", other.cause()),
            },
        }
    }
}

impl fmt::Debug for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Warning({})", self.code())
    }
}

/// Case, spacing, hyphens, apostrophes and accents aside: `Siân O'Neil-Hughes` is
/// `sianoneilhughes`.
fn as_a_person_reads(name: &str) -> String {
    DecomposingNormalizerBorrowed::new_nfd()
        .normalize(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A forename matches the record's first name, or its first word (PDS holds middle
/// names there too).
fn same_forename(typed: &str, on_record: &str) -> bool {
    let typed = as_a_person_reads(typed);
    typed == as_a_person_reads(on_record)
        || on_record
            .split_whitespace()
            .next()
            .is_some_and(|first| typed == as_a_person_reads(first))
}

impl MatchedPatient {
    /// What needs a second look, most serious first; `typed` is what was sent, when
    /// there is one (`hero-intake patient` has none). A restricted record's postcode is
    /// never compared: it is never shown.
    pub fn warnings(&self, typed: Option<&PatientQuery>) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if self.restricted {
            warnings.push(Warning::Restricted);
        }
        if self.deceased {
            warnings.push(Warning::Deceased);
        }
        if let (Some(query), Some(on_record)) = (typed, self.dob)
            && query.dob() != on_record
        {
            warnings.push(Warning::DateOfBirthDiffers {
                typed: query.dob(),
                on_record,
            });
        }
        if let Some(PatientQuery::ByDemographics(d)) = typed {
            if let (Some(first), Some(last)) = (self.first_name(), self.last_name())
                && !(same_forename(d.forename.as_str(), first)
                    && as_a_person_reads(d.surname.as_str()) == as_a_person_reads(last))
            {
                warnings.push(Warning::NamesDiffer {
                    typed: format!("{} {}", d.forename.as_str(), d.surname.as_str()),
                    on_record: format!("{first} {last}"),
                });
            }
            if let Some(on_record) = self.postcode()
                && postcode_key(d.postcode.as_str()) != postcode_key(on_record)
            {
                warnings.push(Warning::PostcodeDiffers {
                    typed: d.postcode.as_str().to_owned(),
                    on_record: on_record.to_owned(),
                });
            }
        }
        if self.registered_at_practice == Some(false) {
            warnings.push(Warning::TemporaryPatient);
        }
        warnings
    }
}
