//! NHS numbers and dates of birth as a receptionist types or pastes them.
//!
//! Only NHS test numbers from the 999 range are used, never real-person data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hero_core::patient::{
    DateOfBirth, DateOfBirthError, MAX_AGE_YEARS, NhsNumber, NhsNumberError, NumberRange,
    TestNumbers,
};
use jiff::civil::{Date, date};

/// The published valid test numbers (999 range).
const VALID_TEST_NUMBERS: [&str; 10] = [
    "9990000018",
    "9990000026",
    "9990000034",
    "9990000042",
    "9990000050",
    "9990000069",
    "9990000077",
    "9990000085",
    "9990000093",
    "9990000107",
];

fn today() -> Date {
    date(2026, 11, 26)
}

fn nhs_err(input: &str) -> NhsNumberError {
    match NhsNumber::parse(input) {
        Ok(n) => panic!("{input:?} should be refused, got {n:?}"),
        Err(e) => e,
    }
}

fn dob_err(input: &str) -> DateOfBirthError {
    match DateOfBirth::parse(input, today()) {
        Ok(d) => panic!("{input:?} should be refused, got {}", d.iso()),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- NHS numbers

#[test]
fn every_published_test_number_is_accepted() {
    for input in VALID_TEST_NUMBERS {
        let n = NhsNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert!(n.check_digit_ok(), "{input}");
        let expected = format!("{} {} {}", &input[..3], &input[3..6], &input[6..]);
        assert_eq!(n.formatted(), expected);
    }
}

#[test]
fn accepts_the_ways_people_type_and_paste_a_number() {
    let table = [
        "9990000018",
        "999 000 0018",
        "999-000-0018",
        "999.000.0018",
        "  999 000 0018  ",
        "\t9990000018\n",
        "999\t000\t0018",
        "999 000 0018\r\n",
        "999\n000\n0018",
        "9 9 9 0 0 0 0 0 1 8",
        "999  000  0018",
        "999 - 000 - 0018",
        // Non-breaking space and an en dash, as copied from a web page or a letter.
        "999\u{a0}000\u{a0}0018",
        "999\u{2013}000\u{2013}0018",
    ];
    let reference = NhsNumber::parse("9990000018").unwrap();
    for input in table {
        let n = NhsNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(n, reference, "{input:?}");
        assert_eq!(n.formatted(), "999 000 0018", "{input:?}");
        assert!(n.check_digit_ok());
    }
}

#[test]
fn formatted_and_masked_forms() {
    let n = NhsNumber::parse("9990000018").unwrap();
    assert_eq!(n.formatted(), "999 000 0018");
    assert_eq!(n.masked(), "*** *** 0018");
    let n = NhsNumber::parse("999-000-0107").unwrap();
    assert_eq!(n.formatted(), "999 000 0107");
    assert_eq!(n.masked(), "*** *** 0107");
}

#[test]
fn formatted_form_parses_back_to_the_same_number() {
    for input in VALID_TEST_NUMBERS {
        let n = NhsNumber::parse(input).unwrap();
        assert_eq!(NhsNumber::parse(&n.formatted()).unwrap(), n);
    }
}

#[test]
fn debug_never_contains_the_full_number() {
    for input in VALID_TEST_NUMBERS {
        let n = NhsNumber::parse(input).unwrap();
        for shown in [format!("{n:?}"), format!("{n:#?}")] {
            let digits_only: String = shown.chars().filter(char::is_ascii_digit).collect();
            assert!(!shown.contains(input), "{shown}");
            assert!(!shown.contains(&n.formatted()), "{shown}");
            assert!(!digits_only.contains(input), "{shown}");
            assert!(!digits_only.contains(&input[..6]), "{shown}");
            assert!(
                shown.contains(&input[6..]),
                "masked form shows last four: {shown}"
            );
        }
    }
    // Also inside a containing value's Debug.
    let wrapped = Some(NhsNumber::parse("9990000026").unwrap());
    assert!(!format!("{wrapped:?}").contains("9990000026"));
}

#[test]
fn modulus_11_check_digit() {
    // Changing only the last digit of a valid number always breaks it.
    for input in VALID_TEST_NUMBERS {
        let good = input.as_bytes()[9] - b'0';
        for d in 0..=9u8 {
            if d == good {
                continue;
            }
            let wrong = format!("{}{d}", &input[..9]);
            assert_eq!(
                nhs_err(&wrong),
                NhsNumberError::CheckDigitMismatch,
                "{wrong}"
            );
        }
    }
    // 999000005: weights 10..2 give 90+81+72+0+0+0+0+0+2*5 = 253 = 23 × 11,
    // so 11 - 0 = 11 → check digit 0.
    assert!(NhsNumber::parse("9990000050").is_ok());
    assert_eq!(nhs_err("9990000051"), NhsNumberError::CheckDigitMismatch);
    // 999000013 → check digit 1; 999000027 → 1; 999000036 → 0 (11 → 0).
    assert!(NhsNumber::parse("9990000131").is_ok());
    assert!(NhsNumber::parse("9990000271").is_ok());
    assert!(NhsNumber::parse("9990000360").is_ok());
}

#[test]
fn a_check_digit_of_10_makes_the_number_impossible() {
    // 999000000, 999000014, 999000028, 999000031 each need check digit 10.
    for prefix in ["999000000", "999000014", "999000028", "999000031"] {
        for d in 0..=9 {
            let input = format!("{prefix}{d}");
            let err = nhs_err(&input);
            assert_eq!(err, NhsNumberError::CheckDigitImpossible, "{input}");
            assert!(err.is_check_digit_failure());
            assert!(err.to_string().contains("10"), "{err}");
        }
    }
}

#[test]
fn transposed_digits_are_caught() {
    // Modulus 11 catches every transposition of two adjacent different digits.
    for input in VALID_TEST_NUMBERS {
        let bytes = input.as_bytes();
        for i in 0..9 {
            if bytes[i] == bytes[i + 1] {
                continue;
            }
            let mut swapped = bytes.to_vec();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            let err = nhs_err(&swapped);
            assert!(err.is_check_digit_failure(), "{swapped}: {err:?}");
        }
    }
}

#[test]
fn hero_documentation_example_fails_the_check_digit() {
    // Hero's docs show `123 456 7891`; 123456789 would need a check digit of 10.
    let err = nhs_err("123 456 7891");
    assert!(err.is_check_digit_failure(), "{err:?}");
    assert_eq!(err, NhsNumberError::CheckDigitImpossible);

    // Sending it anyway is still refused: 123… is a Scottish CHI number's range.
    assert_eq!(
        NhsNumber::parse_ignoring_check_digit("123 456 7891", TestNumbers::Allowed),
        Err(NhsNumberError::NotAnNhsNumber(NumberRange::ScottishChi))
    );
    // In the England range it can be sent anyway, marked as failing.
    let n = NhsNumber::parse_ignoring_check_digit("400 000 0080", TestNumbers::Allowed).unwrap();
    assert!(!n.check_digit_ok());
    assert_eq!(n.formatted(), "400 000 0080");
    assert_eq!(n.masked(), "*** *** 0080");
    assert!(!format!("{n:?}").contains("4000000080"));
}

#[test]
fn ignoring_the_check_digit_marks_mismatches_too() {
    let n = NhsNumber::parse_ignoring_check_digit("999 000 0019", TestNumbers::Allowed).unwrap();
    assert!(!n.check_digit_ok());
    assert_eq!(n.formatted(), "999 000 0019");
    // A number that passes is still marked as passing.
    let ok = NhsNumber::parse_ignoring_check_digit("999 000 0018", TestNumbers::Allowed).unwrap();
    assert!(ok.check_digit_ok());
    assert_eq!(ok, NhsNumber::parse("9990000018").unwrap());
    // Not equal to the number with the same digits sent despite a failure.
    assert_ne!(
        NhsNumber::parse_ignoring_check_digit("4000000080", TestNumbers::Allowed).unwrap(),
        NhsNumber::parse_ignoring_check_digit("4000000081", TestNumbers::Allowed).unwrap()
    );
}

#[test]
fn ignoring_the_check_digit_still_rejects_malformed_input() {
    let table: [(&str, NhsNumberError); 7] = [
        ("", NhsNumberError::Empty),
        ("   ", NhsNumberError::Empty),
        ("123 456 789", NhsNumberError::WrongLength(9)),
        ("123 456 78912", NhsNumberError::WrongLength(11)),
        ("123 456 789O", NhsNumberError::InvalidCharacter("O".into())),
        ("l23 456 7891", NhsNumberError::InvalidCharacter("l".into())),
        (&"1".repeat(65), NhsNumberError::TooLong { digits: 65 }),
    ];
    for (input, expected) in table {
        assert_eq!(
            NhsNumber::parse_ignoring_check_digit(input, TestNumbers::Allowed),
            Err(expected.clone()),
            "{input:?}"
        );
        assert_eq!(NhsNumber::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn separators_without_digits_ask_for_the_number() {
    for input in ["-", "- - -", "\u{200B}"] {
        assert_eq!(nhs_err(input), NhsNumberError::Empty, "{input:?}");
    }
}

#[test]
fn invisible_characters_left_by_pasting_are_ignored() {
    for input in [
        "\u{FEFF}999 000 0018",
        "999\u{200B}000\u{200B}0018",
        "999\u{00A0}000\u{00A0}0018",
    ] {
        assert_eq!(
            NhsNumber::parse(input).unwrap().formatted(),
            "999 000 0018",
            "{input:?}"
        );
    }
}

#[test]
fn day_zero_is_named() {
    let today = jiff::civil::date(2026, 11, 26);
    assert_eq!(
        DateOfBirth::parse("00/02/1992", today)
            .unwrap_err()
            .to_string(),
        "There is no day 0: days start at 1"
    );
}

#[test]
fn wrong_lengths_say_how_many_digits_were_entered() {
    let table = [
        ("1", 1),
        ("999 000 001", 9),
        ("999000001", 9),
        ("99900000188", 11),
        ("999 000 0018 1", 11),
        ("9990000018 9990000026", 20),
    ];
    for (input, n) in table {
        assert_eq!(nhs_err(input), NhsNumberError::WrongLength(n), "{input:?}");
    }
    assert_eq!(
        nhs_err("999 000 001").to_string(),
        "NHS number must be 10 digits — 9 entered"
    );
    assert_eq!(
        nhs_err("99900000188").to_string(),
        "NHS number must be 10 digits — 11 entered"
    );
}

#[test]
fn check_digit_message() {
    assert_eq!(
        nhs_err("9990000019").to_string(),
        "The check digit doesn't match: check for a typing error"
    );
}

#[test]
fn empty_input_asks_for_the_number() {
    for input in ["", " ", "\t\n", "\u{a0}"] {
        assert_eq!(nhs_err(input), NhsNumberError::Empty, "{input:?}");
    }
    assert_eq!(
        NhsNumberError::Empty.to_string(),
        "Enter the patient's NHS number (or, without one, their name and postcode)"
    );
}

#[test]
fn letters_and_symbols_are_named_in_the_error() {
    let table = [
        ("999 000 001O", "O"),
        ("999000001a", "a"),
        ("Tel 9990000018", "T"),
        ("999/000/0018", "/"),
        ("999_000_0018", "_"),
        ("+9990000018", "+"),
        ("999,000,0018", ","),
        ("９９９０００００１８", "９, a digit that isn't 0–9"),
    ];
    for (input, shown) in table {
        let err = nhs_err(input);
        assert_eq!(
            err,
            NhsNumberError::InvalidCharacter(shown.into()),
            "{input:?}"
        );
        assert!(err.to_string().contains(shown), "{err}");
        assert!(!err.is_check_digit_failure());
    }
    assert_eq!(
        nhs_err("999000001a").to_string(),
        "NHS number can only contain digits and spaces — remove \"a\""
    );
}

#[test]
fn non_ascii_digits_are_refused_with_a_specific_message() {
    // Arabic-Indic ٩٩٩٠٠٠٠٠١٨ would be 9990000018 if read as digits.
    let arabic = "٩٩٩٠٠٠٠٠١٨";
    let err = nhs_err(arabic);
    assert_eq!(
        err,
        NhsNumberError::InvalidCharacter("٩, a digit that isn't 0–9".into())
    );
    assert!(err.to_string().contains("isn't 0–9"));
    // One stray foreign digit among ASCII ones.
    let mixed = "999000001٨";
    assert_eq!(
        nhs_err(mixed),
        NhsNumberError::InvalidCharacter("٨, a digit that isn't 0–9".into())
    );
    // Devanagari and superscript digits.
    assert!(matches!(
        nhs_err("९९९0000018"),
        NhsNumberError::InvalidCharacter(s) if s.starts_with('९')
    ));
    assert!(matches!(
        nhs_err("999000001\u{b9}8"),
        NhsNumberError::InvalidCharacter(s) if s.contains("isn't 0–9")
    ));
}

#[test]
fn hidden_control_characters_are_named_by_code_point() {
    let table = [
        ("999\u{0}0000018", "U+0000"),
        ("999000\u{7}0018", "U+0007"),
        ("\u{1b}[2J9990000018", "U+001B"),
        ("999000001\u{7f}8", "U+007F"),
        ("9990000018\u{9b}", "U+009B"),
    ];
    for (input, code) in table {
        let err = nhs_err(input);
        let NhsNumberError::InvalidCharacter(shown) = &err else {
            panic!("{input:?}: {err:?}");
        };
        assert!(shown.contains("hidden control character"), "{shown}");
        assert!(shown.contains(code), "{shown}");
        // The error text never carries the raw control character itself.
        assert!(!err.to_string().chars().any(char::is_control), "{err}");
    }
}

#[test]
fn very_long_input_is_refused_early() {
    assert_eq!(
        nhs_err(&"9".repeat(65)),
        NhsNumberError::TooLong { digits: 65 }
    );
    assert_eq!(
        nhs_err(&"9".repeat(100_000)),
        NhsNumberError::TooLong { digits: 100_000 }
    );
    assert_eq!(
        nhs_err(&"a".repeat(10_000)),
        NhsNumberError::TooLong { digits: 0 }
    );
    // Padding is trimmed before the length limit applies.
    let padded = format!("{}9990000018{}", " ".repeat(500), "\n".repeat(500));
    assert!(NhsNumber::parse(&padded).is_ok());
    // 64 characters is the most examined; that's still a length error, not TooLong.
    let sixty_four = "9".repeat(64);
    assert_eq!(nhs_err(&sixty_four), NhsNumberError::WrongLength(64));
    // The count shown is the count pasted.
    assert_eq!(
        nhs_err(&"9".repeat(100_000)).to_string(),
        "That's too long for an NHS number: it has 100000 digits, and an NHS number has 10"
    );
    assert_eq!(
        nhs_err(&"a".repeat(100)).to_string(),
        "That's too long for an NHS number, which is 10 digits"
    );
}

#[test]
fn only_the_two_check_digit_errors_count_as_check_digit_failures() {
    assert!(NhsNumberError::CheckDigitMismatch.is_check_digit_failure());
    assert!(NhsNumberError::CheckDigitImpossible.is_check_digit_failure());
    for e in [
        NhsNumberError::Empty,
        NhsNumberError::TooLong { digits: 65 },
        NhsNumberError::InvalidCharacter("x".into()),
        NhsNumberError::WrongLength(9),
    ] {
        assert!(!e.is_check_digit_failure(), "{e:?}");
    }
}

// ------------------------------------------------------------ dates of birth

#[test]
fn accepts_uk_day_first_and_iso_dates() {
    let table = [
        "01/02/1992",
        "1/2/1992",
        "01-02-1992",
        "01.02.1992",
        "01 02 1992",
        "01021992",
        "1992-02-01",
        "1992-2-1",
        "  01/02/1992  ",
        "\t01/02/1992\n",
    ];
    for input in table {
        let d = DateOfBirth::parse(input, today()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(d.iso(), "1992-02-01", "{input:?}");
        assert_eq!(d.in_words(), "1 February 1992", "{input:?}");
    }
}

#[test]
fn day_comes_before_month() {
    let d = DateOfBirth::parse("02/01/1992", today()).unwrap();
    assert_eq!(d.iso(), "1992-01-02");
    assert_eq!(d.in_words(), "2 January 1992");
    let d = DateOfBirth::parse("13/12/1985", today()).unwrap();
    assert_eq!(d.iso(), "1985-12-13");
    assert_eq!(d.in_words(), "13 December 1985");
    // 12/13 is not read month-first.
    assert_eq!(dob_err("12/13/1985"), DateOfBirthError::NoSuchMonth(13));
}

#[test]
fn in_words_names_every_month() {
    let months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    for (i, name) in months.iter().enumerate() {
        let input = format!("15/{}/2000", i + 1);
        let d = DateOfBirth::parse(&input, today()).unwrap();
        assert_eq!(d.in_words(), format!("15 {name} 2000"));
        assert_eq!(d.iso(), format!("2000-{:02}-15", i + 1));
    }
}

#[test]
fn two_digit_years_are_refused() {
    for input in ["01/02/92", "1/2/92", "01-02-92", "01.02.92", "010292"] {
        assert_eq!(dob_err(input), DateOfBirthError::TwoDigitYear, "{input:?}");
    }
    assert_eq!(
        DateOfBirthError::TwoDigitYear.to_string(),
        "Use a four-digit year, like 01/02/1992"
    );
}

#[test]
fn impossible_dates_are_refused() {
    assert_eq!(
        dob_err("31/02/1992"),
        DateOfBirthError::NoSuchDay {
            month: "February",
            year: 1992,
            days_in_month: 29
        }
    );
    assert_eq!(
        dob_err("29/02/1991"),
        DateOfBirthError::NoSuchDay {
            month: "February",
            year: 1991,
            days_in_month: 28
        }
    );
    assert_eq!(
        dob_err("29/02/1991").to_string(),
        "February 1991 has only 28 days"
    );
    assert_eq!(
        dob_err("31/04/2000").to_string(),
        "April 2000 has only 30 days"
    );
    assert!(matches!(
        dob_err("32/01/2000"),
        DateOfBirthError::NoSuchDay {
            days_in_month: 31,
            ..
        }
    ));
    // 1900 was not a leap year; 2000 was.
    assert!(matches!(
        dob_err("29/02/1900"),
        DateOfBirthError::NoSuchDay {
            days_in_month: 28,
            ..
        }
    ));
    assert_eq!(
        DateOfBirth::parse("29/02/2000", today()).unwrap().iso(),
        "2000-02-29"
    );
}

#[test]
fn leap_day_in_a_leap_year_is_valid() {
    let d = DateOfBirth::parse("29/02/1992", today()).unwrap();
    assert_eq!(d.iso(), "1992-02-29");
    assert_eq!(d.in_words(), "29 February 1992");
    assert_eq!(DateOfBirth::parse("1992-02-29", today()).unwrap(), d);
}

#[test]
fn month_out_of_range_is_refused() {
    assert_eq!(dob_err("01/13/1992"), DateOfBirthError::NoSuchMonth(13));
    assert_eq!(dob_err("01/00/1992"), DateOfBirthError::NoSuchMonth(0));
    assert_eq!(dob_err("1992-13-01"), DateOfBirthError::NoSuchMonth(13));
    assert_eq!(dob_err("01131992"), DateOfBirthError::NoSuchMonth(13));
    assert_eq!(
        dob_err("01/13/1992").to_string(),
        "There is no month 13: months go from 1 to 12"
    );
}

#[test]
fn future_dates_are_refused() {
    for input in [
        "27/11/2026",
        "01/12/2026",
        "01/01/2027",
        "2030-01-01",
        "31/12/9999",
    ] {
        assert_eq!(dob_err(input), DateOfBirthError::InFuture, "{input:?}");
    }
    // Today itself is a valid date of birth (a newborn).
    let d = DateOfBirth::parse("26/11/2026", today()).unwrap();
    assert_eq!(d.iso(), "2026-11-26");
    assert_eq!(
        DateOfBirthError::InFuture.to_string(),
        "That date is in the future"
    );
}

#[test]
fn the_future_depends_on_the_today_passed_in() {
    let input = "01/01/2027";
    assert_eq!(dob_err(input), DateOfBirthError::InFuture);
    let later = date(2027, 1, 1);
    assert_eq!(
        DateOfBirth::parse(input, later).unwrap().iso(),
        "2027-01-01"
    );
}

#[test]
fn dates_more_than_130_years_ago_are_refused_and_the_boundary_is_accepted() {
    assert_eq!(MAX_AGE_YEARS, 130);
    // Today is 26 November 2026: the oldest accepted date is 26 November 1896.
    let oldest = DateOfBirth::parse("26/11/1896", today()).unwrap();
    assert_eq!(oldest.iso(), "1896-11-26");
    assert_eq!(dob_err("25/11/1896"), DateOfBirthError::TooOld);
    assert_eq!(dob_err("01/01/1800"), DateOfBirthError::TooOld);
    assert_eq!(dob_err("01/01/0001"), DateOfBirthError::TooOld);
    assert_eq!(dob_err("01/01/0000"), DateOfBirthError::TooOld);
    assert_eq!(
        dob_err("01/01/1800").to_string(),
        "That date is more than 130 years ago: check the year"
    );
}

#[test]
fn age_boundary_on_a_leap_day_today() {
    // 130 years before 29 Feb 2024 is 1894, not a leap year: the boundary is clamped
    // to 28 Feb 1894, which is accepted; the day before is not.
    let today = date(2024, 2, 29);
    assert_eq!(
        DateOfBirth::parse("28/02/1894", today).unwrap().iso(),
        "1894-02-28"
    );
    assert_eq!(
        DateOfBirth::parse("27/02/1894", today),
        Err(DateOfBirthError::TooOld)
    );
}

#[test]
fn garbage_is_refused_with_a_specific_error() {
    let table = [
        "yesterday",
        "01/02",
        "1992",
        "01/02/1992/03",
        "01/02/19921",
        "01/02/199",
        "001/02/1992",
        "01/002/1992",
        "1992/02",
        "0102199",
        "010219921",
        "01,02,1992",
        "٠١/٠٢/١٩٩٢",
        "０１/０２/１９９２",
        "01/02/1992\u{0}",
        "+1/02/1992",
        "-",
        "//",
    ];
    for input in table {
        assert_eq!(dob_err(input), DateOfBirthError::Unrecognised, "{input:?}");
    }
    assert_eq!(
        DateOfBirthError::Unrecognised.to_string(),
        "Write the date as day/month/year, like 01/02/1992 or 1 Feb 1992"
    );
}

#[test]
fn empty_and_very_long_dates() {
    for input in ["", "   ", "\n\t"] {
        assert_eq!(dob_err(input), DateOfBirthError::Empty, "{input:?}");
    }
    assert_eq!(
        DateOfBirthError::Empty.to_string(),
        "Enter the patient's date of birth, like 01/02/1992"
    );
    assert_eq!(
        dob_err(&"1".repeat(100_000)),
        DateOfBirthError::Unrecognised
    );
    let long_but_padded = format!("{}01/02/1992{}", " ".repeat(1_000), " ".repeat(1_000));
    assert_eq!(
        DateOfBirth::parse(&long_but_padded, today()).unwrap().iso(),
        "1992-02-01"
    );
}

#[test]
fn iso_output_parses_back_to_the_same_date() {
    for input in [
        "01/02/1992",
        "29/02/2000",
        "26/11/1896",
        "26/11/2026",
        "31/12/1999",
    ] {
        let d = DateOfBirth::parse(input, today()).unwrap();
        assert_eq!(DateOfBirth::parse(&d.iso(), today()).unwrap(), d);
    }
}

#[test]
fn debug_never_contains_the_date() {
    let d = DateOfBirth::parse("01/02/1992", today()).unwrap();
    for shown in [
        format!("{d:?}"),
        format!("{d:#?}"),
        format!("{:?}", Some(d)),
    ] {
        assert!(!shown.contains("1992"), "{shown}");
        assert!(!shown.contains("02"), "{shown}");
        assert!(!shown.contains("February"), "{shown}");
        assert!(!shown.chars().any(|c| c.is_ascii_digit()), "{shown}");
    }
}

#[test]
fn patient_query_debug_hides_both_fields() {
    let query = hero_core::patient::PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse("9990000034").unwrap(),
        dob: DateOfBirth::parse("17/08/1975", today()).unwrap(),
    };
    let shown = format!("{query:?}");
    assert!(!shown.contains("9990000034"), "{shown}");
    assert!(!shown.contains("999 000 0034"), "{shown}");
    assert!(!shown.contains("1975"), "{shown}");
    assert!(shown.contains("*** *** 0034"), "{shown}");
}

// ------------------------------------------- dates as clinical systems write them

#[test]
fn month_names_and_abbreviations_in_any_case() {
    let table = [
        ("1 Feb 1992", "1992-02-01"),
        ("01-Feb-1992", "1992-02-01"),
        ("1-feb-1992", "1992-02-01"),
        ("01 FEB 1992", "1992-02-01"),
        ("1 February 1992", "1992-02-01"),
        ("1st February 1992", "1992-02-01"),
        ("2nd Mar 1990", "1990-03-02"),
        ("3rd April 1985", "1985-04-03"),
        ("22nd Sept 1971", "1971-09-22"),
        ("30 sep 1971", "1971-09-30"),
        ("01/Feb/1992", "1992-02-01"),
        ("1.Feb.1992", "1992-02-01"),
        ("31 December 1999", "1999-12-31"),
        ("29 Feb 2000", "2000-02-29"),
        // Month first, as American letters and some systems write it.
        ("February 1, 1992", "1992-02-01"),
        ("Feb 1 1992", "1992-02-01"),
        ("feb 1st, 1992", "1992-02-01"),
        ("June 15 2001", "2001-06-15"),
    ];
    for (input, iso) in table {
        let dob = DateOfBirth::parse(input, today()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(dob.iso(), iso, "{input:?}");
    }
}

#[test]
fn every_month_by_name_and_by_abbreviation() {
    let names = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    for (index, name) in names.iter().enumerate() {
        let month = index + 1;
        for written in [name.to_string(), name[..3].to_string(), name.to_uppercase()] {
            let dob = DateOfBirth::parse(&format!("5 {written} 1980"), today()).unwrap();
            assert_eq!(dob.iso(), format!("1980-{month:02}-05"), "{written}");
        }
    }
}

#[test]
fn month_names_keep_the_other_rules() {
    let table = [
        ("1 Feb 92", DateOfBirthError::TwoDigitYear),
        ("Feb 1, 92", DateOfBirthError::TwoDigitYear),
        ("1 Febuary 1992", DateOfBirthError::NotAMonth),
        ("1 Fe 1992", DateOfBirthError::NotAMonth),
        ("Feb 1992", DateOfBirthError::Unrecognised),
        ("1 Feb", DateOfBirthError::Unrecognised),
        ("1992 Feb 01", DateOfBirthError::Unrecognised),
        ("001 Feb 1992", DateOfBirthError::Unrecognised),
        ("1 Feb 19921", DateOfBirthError::Unrecognised),
        ("0 Feb 1992", DateOfBirthError::DayZero),
        ("1 Jan 2027", DateOfBirthError::InFuture),
        ("1 Jan 1800", DateOfBirthError::TooOld),
    ];
    for (input, expected) in table {
        assert_eq!(dob_err(input), expected, "{input:?}");
    }
    assert_eq!(
        dob_err("30 Feb 1992"),
        DateOfBirthError::NoSuchDay {
            month: "February",
            year: 1992,
            days_in_month: 29
        }
    );
    assert_eq!(
        DateOfBirthError::NotAMonth.to_string(),
        "That isn't a month name: write the date like 1 Feb 1992 or 01/02/1992"
    );
}

#[test]
fn all_numeric_dates_stay_day_first() {
    for input in ["01/02/1992", "1-2-1992", "01 02 1992", "01021992"] {
        assert_eq!(
            DateOfBirth::parse(input, today()).unwrap().iso(),
            "1992-02-01",
            "{input:?}"
        );
    }
}

#[test]
fn date_times_give_their_date() {
    let table = [
        "1992-02-01T00:00:00",
        "1992-02-01T00:00",
        "1992-02-01t10:15:30",
        "1992-02-01T00:00:00Z",
        "1992-02-01T00:00:00.000Z",
        "1992-02-01T23:30:00+01:00",
        "1992-02-01T00:00:00-05:00",
        "1992-02-01T00:00:00+00:00[Europe/London]",
        "1992-02-01 00:00:00",
        "1992-02-01 00:00",
        "01/02/1992 00:00",
        "01/02/1992 09:30:00",
        "01-Feb-1992 00:00",
    ];
    for input in table {
        let dob = DateOfBirth::parse(input, today()).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(dob.iso(), "1992-02-01", "{input:?}");
    }
    // The date part is still checked; a time that isn't one is not ignored.
    assert!(matches!(
        dob_err("1992-02-30T00:00:00"),
        DateOfBirthError::NoSuchDay { .. }
    ));
    for input in [
        "1992-02-01T25:00",
        "1992-02-01Tnoon",
        "1992-02-01 later",
        "01/02/1992 9",
    ] {
        assert_eq!(dob_err(input), DateOfBirthError::Unrecognised, "{input:?}");
    }
}

#[test]
fn the_echo_reads_back_as_the_same_date() {
    for input in [
        "01/02/1992",
        "1 Feb 1992",
        "1992-02-01T00:00:00",
        "31/12/1999",
    ] {
        let dob = DateOfBirth::parse(input, today()).unwrap();
        assert_eq!(
            DateOfBirth::parse(&dob.in_words(), today()).unwrap(),
            dob,
            "{input:?}"
        );
    }
    assert_eq!(
        DateOfBirth::parse("01-FEB-1992", today())
            .unwrap()
            .in_words(),
        "1 February 1992"
    );
}

// ------------------------------------------------------ pasted and invisible text

#[test]
fn invisible_characters_are_removed_from_every_field_alike() {
    let invisibles = [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{200E}', '\u{200F}',
        '\u{00AD}',
    ];
    for c in invisibles {
        let nhs = format!("{c}999{c}000{c}0018{c}");
        assert_eq!(
            NhsNumber::parse(&nhs).unwrap().formatted(),
            "999 000 0018",
            "U+{:04X}",
            c as u32
        );
        let dob = format!("{c}01/02{c}/1992{c}");
        assert_eq!(
            DateOfBirth::parse(&dob, today()).unwrap().iso(),
            "1992-02-01",
            "U+{:04X}",
            c as u32
        );
    }
    // Non-breaking and narrow spaces are spaces, in both fields.
    for space in ['\u{00A0}', '\u{202F}', '\u{2007}'] {
        assert!(NhsNumber::parse(&format!("999{space}000{space}0018")).is_ok());
        assert_eq!(
            DateOfBirth::parse(&format!("1{space}Feb{space}1992"), today())
                .unwrap()
                .iso(),
            "1992-02-01"
        );
    }
}

#[test]
fn a_label_pasted_with_the_number_is_ignored() {
    for input in [
        "NHS No: 999 000 0018",
        "NHS No. 999 000 0018",
        "NHS number 9990000018",
        "NHS Number: 999-000-0018",
        "NHS#9990000018",
        "nhs # 999 000 0018",
        "999 000 0018 (NHS number)",
        "Patient's NHS number: 999 000 0018.",
        "\u{200B}NHS\u{00A0}No:\u{00A0}999\u{00A0}000\u{00A0}0018",
    ] {
        assert_eq!(
            NhsNumber::parse(input).map(|n| n.formatted()),
            Ok("999 000 0018".to_owned()),
            "{input:?}"
        );
    }
    // A label around a number of the wrong length: the count, not the label's letters.
    assert_eq!(
        nhs_err("NHS No: 999 000 001"),
        NhsNumberError::WrongLength(9)
    );
    // Not a label, or more than one number: refused as before.
    assert_eq!(
        nhs_err("Tel: 999 000 0018"),
        NhsNumberError::InvalidCharacter("T".into())
    );
    assert_eq!(
        nhs_err("NHS No: 999 000 0018 / 999 000 0026"),
        NhsNumberError::InvalidCharacter("N".into())
    );
    assert_eq!(
        nhs_err("NHS No: 999 000 0018 DOB 01/02/1992"),
        NhsNumberError::InvalidCharacter("N".into())
    );
    // The check digit still applies to a labelled number.
    assert_eq!(
        nhs_err("NHS No: 999 000 0019"),
        NhsNumberError::CheckDigitMismatch
    );
}

#[test]
fn a_national_insurance_number_is_named() {
    for input in [
        "QQ 12 34 56 C",
        "QQ123456C",
        "qq 123456 c",
        "AB 12 34 56 D",
        " QQ-12-34-56-A ",
    ] {
        assert_eq!(
            nhs_err(input),
            NhsNumberError::NationalInsuranceNumber,
            "{input:?}"
        );
    }
    let message = NhsNumberError::NationalInsuranceNumber.to_string();
    assert!(
        message.starts_with("That is a National Insurance number, not an NHS number"),
        "{message}"
    );
    assert!(
        message.contains("ask the patient for their NHS number"),
        "{message}"
    );
    // Not the National Insurance shape: the usual message.
    assert_eq!(
        nhs_err("QQ 12 34 56 E"),
        NhsNumberError::InvalidCharacter("Q".into())
    );
    assert_eq!(
        nhs_err("QQ 12 34 5 C"),
        NhsNumberError::InvalidCharacter("Q".into())
    );
}

// ------------------------------------------------------------- number ranges

#[test]
fn each_range_boundary_is_classified() {
    let table: [(u64, NumberRange); 20] = [
        (0, NumberRange::Unallocated),
        (99_999_999, NumberRange::Unallocated),
        (100_000_000, NumberRange::ScottishChi),
        (3_112_999_999, NumberRange::ScottishChi),
        (3_113_000_000, NumberRange::Unallocated),
        (3_199_999_999, NumberRange::Unallocated),
        (3_200_000_000, NumberRange::NorthernIreland),
        (3_999_999_999, NumberRange::NorthernIreland),
        (4_000_000_000, NumberRange::England),
        (4_999_999_999, NumberRange::England),
        (5_000_000_000, NumberRange::Reserved),
        (5_999_999_999, NumberRange::Reserved),
        (6_000_000_000, NumberRange::England),
        (7_999_999_999, NumberRange::England),
        (8_000_000_000, NumberRange::IrelandIhi),
        (8_599_999_999, NumberRange::IrelandIhi),
        (8_600_000_000, NumberRange::Unallocated),
        (8_999_999_999, NumberRange::Unallocated),
        (9_000_000_000, NumberRange::Test),
        (9_999_999_999, NumberRange::Test),
    ];
    for (number, range) in table {
        assert_eq!(NumberRange::of(number), range, "{number:010}");
    }
}

#[test]
fn only_england_and_test_numbers_may_be_sent() {
    // The first and last number with a valid check digit in each range.
    let table = [
        ("000 000 0000", Some(NumberRange::Unallocated)),
        ("009 999 9994", Some(NumberRange::Unallocated)),
        ("010 000 0002", Some(NumberRange::ScottishChi)),
        ("311 299 9991", Some(NumberRange::ScottishChi)),
        ("311 300 0009", Some(NumberRange::Unallocated)),
        ("319 999 9999", Some(NumberRange::Unallocated)),
        ("320 000 0007", Some(NumberRange::NorthernIreland)),
        ("399 999 9993", Some(NumberRange::NorthernIreland)),
        ("400 000 0004", None),
        ("499 999 9994", None),
        ("500 000 0005", Some(NumberRange::Reserved)),
        ("599 999 9995", Some(NumberRange::Reserved)),
        ("600 000 0006", None),
        ("799 999 9997", None),
        ("800 000 0008", Some(NumberRange::IrelandIhi)),
        ("859 999 9990", Some(NumberRange::IrelandIhi)),
        ("860 000 0009", Some(NumberRange::Unallocated)),
        ("899 999 9998", Some(NumberRange::Unallocated)),
        ("900 000 0009", None),
        ("999 999 9999", None),
    ];
    for (input, refused) in table {
        match refused {
            None => assert_eq!(NhsNumber::parse(input).unwrap().formatted(), input),
            Some(range) => {
                assert_eq!(
                    nhs_err(input),
                    NhsNumberError::NotAnNhsNumber(range),
                    "{input}"
                )
            }
        }
    }
}

#[test]
fn a_number_that_cannot_be_on_pds_says_what_it_is() {
    let table = [
        (
            "010 000 0002",
            "That is a Scottish CHI number, not an NHS number",
        ),
        (
            "320 000 0007",
            "That is a Northern Ireland Health and Care number, not an NHS number",
        ),
        (
            "800 000 0008",
            "That is a Republic of Ireland Individual Health Identifier, not an NHS number",
        ),
        (
            "500 000 0005",
            "NHS numbers starting with 5 are reserved and never issued",
        ),
        (
            "860 000 0009",
            "no NHS numbers are issued that start like it",
        ),
    ];
    for (input, words) in table {
        let message = nhs_err(input).to_string();
        assert!(message.contains(words), "{input}: {message}");
        assert!(
            message.contains("ask the patient for their NHS number"),
            "{message}"
        );
        // The message never repeats the number.
        assert!(
            !message.contains(&input[..3]) || input.starts_with('5'),
            "{message}"
        );
    }
}

#[test]
fn test_numbers_are_refused_only_where_real_patients_are() {
    for input in VALID_TEST_NUMBERS {
        assert!(NhsNumber::parse_for(input, TestNumbers::Allowed).is_ok());
        assert_eq!(
            NhsNumber::parse_for(input, TestNumbers::Refused),
            Err(NhsNumberError::TestNumberOnLiveService),
            "{input}"
        );
    }
    // England numbers pass either way.
    for input in ["400 000 0004", "799 999 9997"] {
        assert!(
            NhsNumber::parse_for(input, TestNumbers::Refused).is_ok(),
            "{input}"
        );
    }
    // Sending despite the check digit is no way round it.
    assert_eq!(
        NhsNumber::parse_ignoring_check_digit("999 000 0019", TestNumbers::Refused),
        Err(NhsNumberError::TestNumberOnLiveService)
    );
    let message = NhsNumberError::TestNumberOnLiveService.to_string();
    assert!(message.contains("a test NHS number"), "{message}");
    assert!(message.contains("no real patient has it"), "{message}");
}

#[test]
fn a_long_label_pasted_with_the_number_is_still_a_label() {
    let pasted = "Your NHS number as shown on letters from the practice: 999 000 0018";
    assert!(pasted.chars().count() > 64);
    assert_eq!(
        NhsNumber::parse(pasted).unwrap().formatted(),
        "999 000 0018"
    );
    // Not a label: the count of what was pasted.
    let long = format!("{} 999 000 0018", "x".repeat(70));
    assert_eq!(nhs_err(&long), NhsNumberError::TooLong { digits: 10 });
}

// Found by cargo mutants (MUTANTS.md).

#[test]
fn ten_digit_errors_are_told_from_the_rest() {
    // A column of these is still a column of NHS numbers (list sniffing relies on it).
    for ten_digits in [
        NhsNumberError::CheckDigitMismatch,
        NhsNumberError::CheckDigitImpossible,
        NhsNumberError::TestNumberOnLiveService,
    ] {
        assert!(ten_digits.is_ten_digits(), "{ten_digits:?}");
    }
    let in_a_range = NhsNumber::parse_for("010 101 0028", TestNumbers::Allowed).unwrap_err();
    assert!(
        matches!(in_a_range, NhsNumberError::NotAnNhsNumber(_)),
        "{in_a_range:?}"
    );
    assert!(in_a_range.is_ten_digits());
    for not_ten in [
        NhsNumberError::Empty,
        NhsNumberError::WrongLength(9),
        NhsNumberError::TooLong { digits: 11 },
        NhsNumberError::NationalInsuranceNumber,
        NhsNumberError::InvalidCharacter("x".to_owned()),
    ] {
        assert!(!not_ten.is_ten_digits(), "{not_ten:?}");
    }
}

#[test]
fn a_sign_is_not_a_digit_in_a_date() {
    let today = date(2026, 11, 26);
    for typed in [
        "+1/02/1992",
        "01/+2/1992",
        "01/02/+1992",
        "+1 February 1992",
        "1 February +1992",
    ] {
        assert_eq!(
            DateOfBirth::parse(typed, today),
            Err(DateOfBirthError::Unrecognised),
            "{typed}"
        );
    }
}

#[test]
fn an_ordinal_is_only_taken_off_a_day() {
    let today = date(2026, 11, 26);
    assert!(DateOfBirth::parse("21st February 1992", today).is_ok());
    // Not "12", which is what halving the text would leave.
    assert!(DateOfBirth::parse("123rd February 1992", today).is_err());
}

#[test]
fn a_date_may_use_all_of_the_64_characters_examined() {
    let today = date(2026, 11, 26);
    let at_limit = format!("1{}February 1992", " ".repeat(64 - "1February 1992".len()));
    assert_eq!(at_limit.chars().count(), 64);
    assert!(DateOfBirth::parse(&at_limit, today).is_ok(), "{at_limit:?}");
    let over = format!("1 {}", &at_limit[1..]);
    assert_eq!(over.chars().count(), 65);
    assert_eq!(
        DateOfBirth::parse(&over, today),
        Err(DateOfBirthError::Unrecognised)
    );
}
