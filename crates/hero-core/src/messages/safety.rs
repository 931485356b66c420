//! The one rule for whether the desk may message a patient (or invite them to book),
//! for the window and the command line alike.

use thiserror::Error;

use crate::matched::{MatchedPatient, Warning};
use crate::patient::PatientQuery;

/// What the practice decided (IT's machine-wide settings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContactPolicy {
    /// Whether the desk may message a PDS restricted record at all. Default: no.
    pub allow_restricted: bool,
}

/// Why nothing may be sent (yet).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Blocked {
    #[error("Hero's record shows this patient has died: no message or invitation can be sent.")]
    Deceased,
    #[error(
        "This is a restricted record, and this practice's settings don't allow messages to restricted records. Ask your practice manager; nothing was sent."
    )]
    RestrictedNotAllowed,
    /// The details typed differ from Hero's record: "checked with the patient" first.
    #[error("The details typed differ from Hero's record: check them with the patient first.")]
    NeedsAcknowledgement { differences: Vec<Warning> },
    #[error(
        "This is a restricted record: messages go only to the contact on the record; no other recipient can be typed."
    )]
    NoOtherRecipient,
}

/// Cleared to send, and on what terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    /// A restricted record: its contacts stay hidden and nobody else may be typed.
    pub restricted: bool,
}

impl Cleared {
    /// Whether another recipient may be typed.
    pub fn other_recipient_allowed(&self) -> bool {
        !self.restricted
    }

    /// Refuses a typed recipient where none is allowed.
    pub fn check_other_recipient(&self, typed: bool) -> Result<(), Blocked> {
        if typed && self.restricted {
            Err(Blocked::NoOtherRecipient)
        } else {
            Ok(())
        }
    }
}

/// Whether the desk may send this patient a message or an invitation: deceased never;
/// a restricted record only where the practice allows it; a different date of birth or
/// different names only once the receptionist has `acknowledged` checking them. `typed`
/// is what was sent to trace the patient, when there is one.
pub fn may_contact(
    patient: &MatchedPatient,
    typed: Option<&PatientQuery>,
    policy: &ContactPolicy,
    acknowledged: bool,
) -> Result<Cleared, Blocked> {
    if patient.is_deceased() {
        return Err(Blocked::Deceased);
    }
    if patient.is_restricted() && !policy.allow_restricted {
        return Err(Blocked::RestrictedNotAllowed);
    }
    let differences: Vec<Warning> = patient
        .warnings(typed)
        .into_iter()
        .filter(|w| {
            matches!(
                w,
                Warning::DateOfBirthDiffers { .. } | Warning::NamesDiffer { .. }
            )
        })
        .collect();
    if !differences.is_empty() && !acknowledged {
        return Err(Blocked::NeedsAcknowledgement { differences });
    }
    Ok(Cleared {
        restricted: patient.is_restricted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::PatientRecord;
    use crate::demographics::{Demographics, NamePart, PersonName, Postcode};
    use crate::patient::{DateOfBirth, NhsNumber, today};

    fn record() -> PatientRecord {
        PatientRecord {
            first_name: Some("Sam".into()),
            last_name: Some("Demoperson".into()),
            dob: Some("1992-02-01T00:00:00.000Z".into()),
            nhs_number: Some("9990000018".into()),
            mobile: Some("07700900123".into()),
            ..PatientRecord::default()
        }
    }

    fn patient(change: impl FnOnce(&mut PatientRecord)) -> MatchedPatient {
        let mut r = record();
        change(&mut r);
        MatchedPatient::from_record(r)
    }

    fn typed(dob: &str) -> PatientQuery {
        PatientQuery::ByNhsNumber {
            nhs_number: NhsNumber::parse("9990000018").expect("test number"),
            dob: DateOfBirth::parse(dob, today()).expect("date"),
        }
    }

    fn by_name(forename: &str) -> PatientQuery {
        PatientQuery::ByDemographics(Demographics {
            forename: PersonName::parse(forename, NamePart::Forename).expect("name"),
            surname: PersonName::parse("Demoperson", NamePart::Surname).expect("name"),
            dob: DateOfBirth::parse("1992-02-01", today()).expect("date"),
            postcode: Postcode::parse("LS1 4AP").expect("postcode"),
        })
    }

    const NOT_ALLOWED: ContactPolicy = ContactPolicy {
        allow_restricted: false,
    };
    const ALLOWED: ContactPolicy = ContactPolicy {
        allow_restricted: true,
    };

    #[test]
    fn a_matching_record_is_cleared_with_any_recipient() {
        let cleared = may_contact(
            &patient(|_| {}),
            Some(&typed("1992-02-01")),
            &NOT_ALLOWED,
            false,
        )
        .expect("cleared");
        assert!(cleared.other_recipient_allowed());
        assert_eq!(cleared.check_other_recipient(true), Ok(()));
        // Nothing typed (the command line reads a patient by ID): nothing to compare.
        assert!(may_contact(&patient(|_| {}), None, &NOT_ALLOWED, false).is_ok());
    }

    #[test]
    fn deceased_offers_no_next_step_whatever_else() {
        let deceased = patient(|r| r.deceased_at = Some("2024-01-01T00:00:00Z".into()));
        for (policy, acknowledged) in [(NOT_ALLOWED, false), (ALLOWED, true)] {
            assert_eq!(
                may_contact(&deceased, None, &policy, acknowledged),
                Err(Blocked::Deceased)
            );
        }
    }

    #[test]
    fn a_different_date_of_birth_or_name_needs_acknowledging() {
        let query = typed("1992-02-02");
        let blocked = may_contact(&patient(|_| {}), Some(&query), &NOT_ALLOWED, false);
        assert!(matches!(
            blocked,
            Err(Blocked::NeedsAcknowledgement { ref differences })
                if matches!(differences.as_slice(), [Warning::DateOfBirthDiffers { .. }])
        ));
        assert!(may_contact(&patient(|_| {}), Some(&query), &NOT_ALLOWED, true).is_ok());
        let names = by_name("Alex");
        assert!(matches!(
            may_contact(&patient(|_| {}), Some(&names), &NOT_ALLOWED, false),
            Err(Blocked::NeedsAcknowledgement { .. })
        ));
        assert!(may_contact(&patient(|_| {}), Some(&names), &NOT_ALLOWED, true).is_ok());
        // A moved house is not a reason to stop: the postcode is not asked about.
        let moved = patient(|r| r.postcode = Some("ZZ99 3VZ".into()));
        assert!(may_contact(&moved, Some(&by_name("Sam")), &NOT_ALLOWED, false).is_ok());
    }

    #[test]
    fn restricted_is_the_practices_decision_and_never_another_recipient() {
        let restricted = patient(|r| r.restricted = Some(true));
        assert_eq!(
            may_contact(&restricted, None, &NOT_ALLOWED, true),
            Err(Blocked::RestrictedNotAllowed)
        );
        assert_eq!(ContactPolicy::default(), NOT_ALLOWED);
        let cleared = may_contact(&restricted, None, &ALLOWED, false).expect("allowed");
        assert!(!cleared.other_recipient_allowed());
        assert_eq!(cleared.check_other_recipient(false), Ok(()));
        assert_eq!(
            cleared.check_other_recipient(true),
            Err(Blocked::NoOtherRecipient)
        );
    }
}
