use jiff::civil::date;
use proptest::prelude::*;

use super::*;
use crate::api::ApiError;
use crate::demographics::{Demographics, NamePart, PersonName, Postcode};
use crate::patient::PatientQuery;

fn record() -> PatientRecord {
    PatientRecord {
        hero_id: Some("70001".into()),
        first_name: Some("Sam".into()),
        last_name: Some("Demoperson".into()),
        dob: Some("1988-03-07T00:00:00.000Z".into()),
        nhs_number: Some("9990000018".into()),
        mobile: Some("07700 900123".into()),
        email: Some("sam.demo@example.com".into()),
        line_1: Some("1 Made Up Street".into()),
        town: Some("Leeds".into()),
        postcode: Some("LS1 4AP".into()),
        restricted: Some(false),
        ehr_registered: Some(true),
        ..PatientRecord::default()
    }
}

fn typed_by_name(
    forename: &str,
    surname: &str,
    dob: (i16, i8, i8),
    postcode: &str,
) -> PatientQuery {
    PatientQuery::ByDemographics(Demographics {
        forename: PersonName::parse(forename, NamePart::Forename).unwrap(),
        surname: PersonName::parse(surname, NamePart::Surname).unwrap(),
        dob: DateOfBirth::from_record(date(dob.0, dob.1, dob.2)),
        postcode: Postcode::parse(postcode).unwrap(),
    })
}

fn typed_by_number(dob: (i16, i8, i8)) -> PatientQuery {
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse("9990000018").unwrap(),
        dob: DateOfBirth::from_record(date(dob.0, dob.1, dob.2)),
    }
}

fn codes(warnings: &[Warning]) -> Vec<&'static str> {
    warnings.iter().map(Warning::code).collect()
}

#[test]
fn the_same_person_as_typed_needs_no_second_look() {
    let matched = MatchedPatient::from_record(record());
    assert!(
        matched
            .warnings(Some(&typed_by_number((1988, 3, 7))))
            .is_empty()
    );
    // Case, spacing, accents and the postcode's space aside, and a middle name on record.
    let mut with_middle = record();
    with_middle.first_name = Some("Sám Alex".into());
    let matched = MatchedPatient::from_record(with_middle);
    let typed = typed_by_name("sam", "DEMO PERSON", (1988, 3, 7), "ls14ap");
    assert_eq!(codes(&matched.warnings(Some(&typed))), Vec::<&str>::new());
}

#[test]
fn each_difference_carries_both_values() {
    let matched = MatchedPatient::from_record(record());
    let typed = typed_by_name("Robin", "Demoperson", (1988, 3, 8), "M1 1AE");
    let warnings = matched.warnings(Some(&typed));
    assert_eq!(
        codes(&warnings),
        ["date_of_birth_differs", "names_differ", "postcode_differs"]
    );
    let values: Vec<_> = warnings.iter().filter_map(Warning::values).collect();
    assert_eq!(
        values,
        [
            ("8 March 1988".to_owned(), "7 March 1988".to_owned()),
            ("Robin Demoperson".to_owned(), "Sam Demoperson".to_owned()),
            ("M1 1AE".to_owned(), "LS1 4AP".to_owned()),
        ]
    );
    assert!(
        warnings[0]
            .message()
            .contains("typed 8 March 1988, Hero's record 7 March 1988")
    );
    // By NHS number only the date of birth is compared.
    let warnings = matched.warnings(Some(&typed_by_number((1988, 3, 8))));
    assert_eq!(codes(&warnings), ["date_of_birth_differs"]);
}

#[test]
fn restricted_deceased_and_temporary_are_said_and_a_restricted_postcode_never_compared() {
    let mut hidden = record();
    hidden.restricted = Some(true);
    hidden.deceased_at = Some("2024-01-01T10:00:00Z".into());
    hidden.ehr_registered = Some(false);
    let matched = MatchedPatient::from_record(hidden);
    let typed = typed_by_name("Sam", "Demoperson", (1988, 3, 7), "M1 1AE");
    let warnings = matched.warnings(Some(&typed));
    assert_eq!(
        codes(&warnings),
        ["restricted", "deceased", "temporary_patient"]
    );
    assert!(warnings.iter().all(|w| !w.message().contains("LS1")));
    assert!(warnings[2].is_plain_line() && !warnings[0].is_plain_line());
    assert!(matched.warnings(None).len() == 3);
}

#[test]
fn a_restricted_record_gives_no_address_or_contact_whatever_hero_sent() {
    let mut hidden = record();
    hidden.restricted = Some(true);
    let matched = MatchedPatient::from_record(hidden);
    assert!(matched.is_restricted());
    assert_eq!(matched.postcode(), None);
    assert!(matched.address_lines().is_empty());
    assert_eq!(matched.mobile(), None);
    assert_eq!(matched.email(), None);
    assert_eq!(matched.masked_mobile(), None);
    assert_eq!(matched.masked_email(), None);
    assert_eq!(matched.full_name().as_deref(), Some("Sam Demoperson"));
}

#[test]
fn the_date_of_birth_is_the_date_as_written_whatever_the_offset() {
    for (written, expected) in [
        ("1992-02-01T00:00:00.000Z", "1992-02-01"),
        ("1992-02-01T23:30:00+01:00", "1992-02-01"),
        ("1992-02-01T23:59:59-11:00", "1992-02-01"),
        ("1992-02-01", "1992-02-01"),
    ] {
        let mut r = record();
        r.dob = Some(written.into());
        let dob = MatchedPatient::from_record(r).dob().unwrap();
        assert_eq!(dob.iso(), expected, "{written}");
    }
    let mut r = record();
    r.dob = Some("sometime".into());
    assert_eq!(MatchedPatient::from_record(r).dob(), None);
}

#[test]
fn contacts_are_masked_for_the_desk() {
    let matched = MatchedPatient::from_record(record());
    assert_eq!(matched.masked_mobile().as_deref(), Some("ending 123"));
    assert_eq!(matched.masked_email().as_deref(), Some("s***@e***.com"));
    assert_eq!(mask_email("nobody"), None);
    assert_eq!(mask_email("a@localhost").as_deref(), Some("a***@l***"));
    let mut short = record();
    short.mobile = Some("12".into());
    assert_eq!(MatchedPatient::from_record(short).masked_mobile(), None);
}

#[test]
fn hero_text_is_cleaned_and_blanks_are_absent() {
    let mut r = record();
    r.first_name = Some("Sam\u{1b}[2J\u{202E}".into());
    r.line_2 = Some("   ".into());
    r.county = Some("West\nYorkshire".into());
    let matched = MatchedPatient::from_record(r);
    assert_eq!(matched.first_name(), Some("Sam[2J"));
    assert_eq!(
        matched.address_lines(),
        ["1 Made Up Street", "Leeds", "West Yorkshire"]
    );
    assert_eq!(
        matched.nhs_number().map(NhsNumber::formatted).as_deref(),
        Some("999 000 0018")
    );
    assert_eq!(matched.registered_at_practice(), Some(true));
    assert!(!matched.is_deceased());
}

#[test]
fn debug_shows_nothing_of_the_patient() {
    let matched = MatchedPatient::from_record(record());
    let typed = typed_by_name("Robin", "Other", (1970, 1, 1), "M1 1AE");
    let shown = format!(
        "{matched:?} {:?} {:?}",
        matched.warnings(Some(&typed)),
        record()
    );
    for secret in [
        "Sam",
        "Demoperson",
        "1988",
        "0018",
        "LS1",
        "Leeds",
        "0123",
        "example",
        "Robin",
        "70001",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn unavailable_details_say_why_in_a_line() {
    let forbidden = Warning::DetailsUnavailable {
        reason: ApiError::DetailsNotPermitted,
    };
    assert_eq!(forbidden.code(), "details_unavailable");
    assert!(forbidden.message().contains("not allowed to read"));
    assert!(forbidden.message().contains("registration stands"));
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Case and spaces never make a name or postcode differ.
    #[test]
    fn case_and_spacing_never_make_a_difference(
        forename in "[A-Za-z]{1,10}( [A-Za-z]{1,10})?",
        surname in "[A-Za-z]{1,10}(-[A-Za-z]{1,10})?",
    ) {
        let mut r = record();
        r.first_name = Some(format!("  {}  ", forename.to_uppercase()));
        r.last_name = Some(surname.to_lowercase().replace('-', " "));
        r.postcode = Some("ls14ap".into());
        let matched = MatchedPatient::from_record(r);
        let typed = typed_by_name(&forename, &surname, (1988, 3, 7), "LS1 4AP");
        prop_assert!(matched.warnings(Some(&typed)).is_empty());
    }

    /// Any mobile with three digits or more shows exactly its last three.
    #[test]
    fn the_masked_mobile_is_the_last_three_digits(mobile in "[+0-9 ()-]{0,20}") {
        let mut r = record();
        r.mobile = Some(mobile.clone());
        let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
        let masked = MatchedPatient::from_record(r).masked_mobile();
        if digits.len() >= 3 {
            prop_assert_eq!(masked, Some(format!("ending {}", &digits[digits.len() - 3..])));
        } else {
            prop_assert_eq!(masked, None);
        }
    }
}
