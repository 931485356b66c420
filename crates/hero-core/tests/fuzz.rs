//! Property tests: the parsers never panic, and whatever they accept is consistent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hero_core::api::types::parse_success;
use hero_core::api::{PatientId, Registration};
use hero_core::patient::{DateOfBirth, MAX_AGE_YEARS, NhsNumber, NhsNumberError, TestNumbers};
use hero_core::testing::mod11_check_digit;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Written out afresh here, not taken from the crate.
const MONTH_NAMES: [&str; 12] = [
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

fn today() -> Date {
    date(2026, 11, 26)
}

/// Modulus 11 written out afresh in `hero_core::testing`, not the crate's own code.
fn mod11_ok(digits: &[u8]) -> bool {
    assert_eq!(digits.len(), 10);
    mod11_check_digit(&digits[..9]) == Some(digits[9])
}

/// The ranges that may be sent, from the NHS Data Dictionary's table: 400–499 and
/// 600–799 million (England, Wales, Isle of Man) and 900–999 million (test patients).
fn sendable_range(digits: &[u8]) -> bool {
    matches!(digits[0], 4 | 6 | 7 | 9)
}

fn digits_of(text: &str) -> Vec<u8> {
    text.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Strings that look a lot like NHS numbers, so many are accepted.
fn nhs_like() -> impl Strategy<Value = String> {
    prop_oneof![
        // A valid number, sometimes with one digit changed.
        (valid_number(), prop::option::of((0usize..10, 0u8..=9))).prop_map(|(mut d, typo)| {
            if let Some((i, x)) = typo {
                d[i] = x;
            }
            let s: String = d.iter().map(|d| char::from(b'0' + d)).collect();
            format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
        }),
        "[0-9]{10}",
        "[ \t\n]{0,3}[0-9]{3}[ \\-.]{0,2}[0-9]{3}[ \\-.]{0,2}[0-9]{4}[ \t\n]{0,3}",
        "[0-9 \\-]{0,20}",
        "[0-9a-zA-Z \\-٠-٩０-９\u{0}-\u{1f}]{0,16}",
    ]
}

/// Nine random digits with their correct check digit, or None when it would be 10.
fn valid_number() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..=9, 9).prop_filter_map("check digit would be 10", |mut d| {
        d.push(mod11_check_digit(&d)?);
        Some(d)
    })
}

fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-3]?[0-9][/.\\- ][01]?[0-9][/.\\- ](189|19[0-9]|20[0-2])[0-9]",
        "(189|19[0-9]|20[0-2])[0-9]-[01]?[0-9]-[0-3]?[0-9]",
        "[0-3][0-9][01][0-9](189|19[0-9]|20[0-2])[0-9]",
        "[0-9]{1,2}[/.\\- ][0-9]{1,2}[/.\\- ][0-9]{4}",
        "[0-9]{8}",
        "[0-9]{1,5}[/.\\- ]{1,2}[0-9]{1,3}[/.\\- ]{1,2}[0-9]{1,5}",
        "[0-9/.\\- a-z]{0,14}",
        // Month names, as clinical systems and letters write them.
        "[0-3]?[0-9](st|nd|rd|th)?[ \\-/.]{1,2}(jan|Feb|MAR|april|May|june|Jul|aug|Sept|sep|oct|November|dec|Foo)[ \\-/.,]{1,2}(19[0-9]|20[0-2])?[0-9]{1,2}",
        "(January|feb|Mar|APR|may|Jun|July|Aug|sept|Oct|nov|December)[ .]{1,2}[0-3]?[0-9](st|nd|rd|th)?,? (19[0-9]|20[0-2])[0-9]",
        // Date-times from exports.
        "(19[0-9]|20[0-2])[0-9]-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,3})?)?(Z|[+\\-][01][0-9]:[0-5][0-9])?",
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        any::<String>().prop_map(Value::String),
        "[ \t\n]{0,3}[a-z0-9_]{0,8}[ \t\n]{0,3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Object keys: mostly the contract's own, so both success shapes are reached.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("patient_id".to_owned()),
        3 => Just("login_url".to_owned()),
        2 => Just("message".to_owned()),
        1 => any::<String>(),
    ]
}

/// A field value: often a plausible string or number, sometimes anything at all.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => "[ \t\n]{0,2}[a-zA-Z0-9_:/.]{0,12}[ \t\n]{0,2}".prop_map(Value::String),
        1 => "https://[a-z]{1,8}\\.example/[a-z0-9]{0,8}".prop_map(Value::String),
        1 => any::<String>().prop_map(Value::String),
        1 => any::<i64>().prop_map(|n| Value::Number(n.into())),
        2 => json_value(),
    ]
}

/// A top-level object holding (some of) the contract's fields with any values.
fn success_like() -> impl Strategy<Value = Value> {
    (
        prop::option::of(field_value()),
        prop::option::of(field_value()),
        prop::option::of(field_value()),
        prop::collection::btree_map(any::<String>(), json_value(), 0..3),
    )
        .prop_map(|(patient_id, login_url, message, extra)| {
            let mut map: Map<String, Value> = extra.into_iter().collect();
            for (k, v) in [
                ("patient_id", patient_id),
                ("login_url", login_url),
                ("message", message),
            ] {
                if let Some(v) = v {
                    map.insert(k.to_owned(), v);
                }
            }
            Value::Object(map)
        })
}

/// Checks what every successful parse must satisfy.
fn check_registration(parsed: &Registration, source: &Value) {
    match parsed {
        Registration::Registered { patient_id } => {
            let id = patient_id.as_str();
            assert!(!id.is_empty(), "empty patient id from {source}");
            assert!(
                id.len() <= 64
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "a patient id outside the rule"
            );
            assert!(
                source.get("patient_id").is_some(),
                "Registered without patient_id: {source}"
            );
        }
        Registration::VerificationRequired { message, login_url } => {
            let url = url::Url::parse(login_url).unwrap();
            assert!(matches!(url.scheme(), "https" | "http"), "{login_url}");
            assert!(!message.trim().is_empty());
            assert!(!message.chars().any(char::is_control));
            let sent = source.get("login_url").and_then(Value::as_str).unwrap();
            assert_eq!(url::Url::parse(sent.trim()).unwrap(), url);
        }
    }
}

proptest! {
    // Failures print their minimal input; nothing is written into the repository.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    // ---------------------------------------------------------- NHS numbers

    #[test]
    fn nhs_parse_never_panics(input in any::<String>()) {
        let _ = NhsNumber::parse(&input);
        let _ = NhsNumber::parse_ignoring_check_digit(&input, TestNumbers::Allowed);
    }

    #[test]
    fn nhs_accepted_numbers_pass_mod11_and_round_trip(input in nhs_like()) {
        let strict = NhsNumber::parse(&input);
        let lenient = NhsNumber::parse_ignoring_check_digit(&input, TestNumbers::Allowed);
        if let Ok(n) = &strict {
            let formatted = n.formatted();
            let digits = digits_of(&formatted);
            prop_assert!(mod11_ok(&digits), "{formatted} fails mod 11");
            prop_assert!(n.check_digit_ok());
            // The digits are exactly the ASCII digits typed, in order.
            prop_assert_eq!(&digits, &digits_of(&input));
            prop_assert_eq!(formatted.len(), 12);
            prop_assert_eq!(&NhsNumber::parse(&formatted).unwrap(), n);
            prop_assert_eq!(n.masked(), format!("*** *** {}", &formatted[8..]));
            let shown = format!("{n:?}");
            prop_assert!(!shown.contains(&formatted));
            // The lenient parse agrees on every number that passes.
            prop_assert_eq!(lenient.as_ref().unwrap(), n);
        } else if let Ok(n) = &lenient {
            // Accepted only leniently: well-formed, but the check digit fails.
            prop_assert!(strict.unwrap_err().is_check_digit_failure());
            prop_assert!(!n.check_digit_ok());
            let digits = digits_of(&n.formatted());
            prop_assert!(!mod11_ok(&digits));
            prop_assert_eq!(&digits, &digits_of(&input));
        } else {
            let (strict, lenient) = (strict.unwrap_err(), lenient.unwrap_err());
            if strict.is_check_digit_failure() {
                // Sent anyway only in a sendable range.
                prop_assert!(matches!(lenient, NhsNumberError::NotAnNhsNumber(_)), "{lenient:?}");
                prop_assert!(!sendable_range(&digits_of(&input)));
            } else {
                // Refused by both, for the same reason.
                prop_assert_eq!(strict, lenient);
            }
        }
    }

    #[test]
    fn nhs_mod11_decides_exactly(digits in prop::collection::vec(0u8..=9, 10)) {
        let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        match NhsNumber::parse(&text) {
            Ok(_) => prop_assert!(mod11_ok(&digits) && sendable_range(&digits), "{text} accepted"),
            Err(e) if mod11_ok(&digits) => {
                prop_assert!(!sendable_range(&digits), "{text} refused: {e}");
                prop_assert!(matches!(e, NhsNumberError::NotAnNhsNumber(_)), "{e:?}");
            }
            Err(e) => prop_assert!(e.is_check_digit_failure(), "{text}: {e:?}"),
        }
    }

    #[test]
    fn nhs_every_valid_number_is_accepted_however_separated(
        digits in valid_number(),
        seps in prop::collection::vec(prop::sample::select(vec!["", " ", "-", "  ", "\t", "\n", "\u{a0}"]), 11),
    ) {
        let mut text = String::new();
        for (i, d) in digits.iter().enumerate() {
            text.push_str(seps[i]);
            text.push(char::from(b'0' + d));
        }
        text.push_str(seps[10]);
        prop_assume!(sendable_range(&digits));
        let n = NhsNumber::parse(&text).unwrap();
        prop_assert!(n.check_digit_ok());
        prop_assert_eq!(digits_of(&n.formatted()), digits);
    }

    // ------------------------------------------------------- dates of birth

    #[test]
    fn dob_parse_never_panics(input in any::<String>()) {
        let _ = DateOfBirth::parse(&input, today());
    }

    #[test]
    fn dob_parse_never_panics_whatever_today_is(
        input in date_like(),
        y in -9999i16..=9999,
        m in 1i8..=12,
        d in 1i8..=28,
    ) {
        let _ = DateOfBirth::parse(&input, date(y, m, d));
    }

    #[test]
    fn dob_accepted_dates_round_trip_and_are_in_range(input in date_like()) {
        if let Ok(dob) = DateOfBirth::parse(&input, today()) {
            let iso = dob.iso();
            let again = DateOfBirth::parse(&iso, today()).unwrap();
            prop_assert_eq!(again, dob);
            prop_assert_eq!(again.iso(), iso.clone());
            let date: Date = iso.parse().unwrap();
            prop_assert!(date <= today());
            prop_assert!(date.year() >= today().year() - MAX_AGE_YEARS);
            let shown = format!("{dob:?}");
            prop_assert!(!shown.contains(&iso[..4]));
            // The echo beside the field reads back as the same date.
            prop_assert_eq!(DateOfBirth::parse(&dob.in_words(), today()).unwrap(), dob);
        }
    }

    #[test]
    fn dob_every_real_past_date_is_accepted_in_each_format(
        days_back in 0i64..(365 * 129),
    ) {
        let date = today().checked_sub(jiff::Span::new().days(days_back)).unwrap();
        let (y, m, d) = (date.year(), date.month(), date.day());
        let iso = format!("{y:04}-{m:02}-{d:02}");
        for text in [
            format!("{d:02}/{m:02}/{y}"),
            format!("{d}/{m}/{y}"),
            format!("{d}-{m}-{y}"),
            format!("{d:02}.{m:02}.{y}"),
            format!("{d:02}{m:02}{y}"),
            iso.clone(),
            format!("{iso}T00:00:00"),
            format!("{iso} 13:45"),
            format!("{iso}T23:59:59.999+01:00"),
            format!("{d} {} {y}", MONTH_NAMES[m as usize - 1]),
            format!("{d:02}-{}-{y}", &MONTH_NAMES[m as usize - 1][..3]),
            format!("{d:02} {} {y}", MONTH_NAMES[m as usize - 1][..3].to_uppercase()),
            format!("{} {d}, {y}", MONTH_NAMES[m as usize - 1]),
        ] {
            let dob = DateOfBirth::parse(&text, today()).unwrap();
            prop_assert_eq!(dob.iso(), iso.clone(), "{}", text);
        }
    }

    // ------------------------------------------------------- success bodies

    #[test]
    fn parse_success_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(parsed) = parse_success(&body) {
            let value: Value = serde_json::from_slice(&body).unwrap();
            check_registration(&parsed, &value);
        }
    }

    #[test]
    fn parse_success_never_panics_on_json(value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        if let Ok(parsed) = parse_success(&body) {
            check_registration(&parsed, &value);
        }
    }

    #[test]
    fn parse_success_on_contract_shaped_objects(value in success_like()) {
        let body = serde_json::to_vec(&value).unwrap();
        match parse_success(&body) {
            Ok(parsed) => check_registration(&parsed, &value),
            Err(problem) => {
                // A patient_id within the rule (a string or a number) is never refused.
                let usable = match value.get("patient_id") {
                    Some(Value::String(s)) => PatientId::parse(s.trim()).is_some(),
                    Some(Value::Number(n)) => PatientId::parse(&n.to_string()).is_some(),
                    _ => false,
                };
                prop_assert!(!usable, "{value} refused as {problem:?}");
            }
        }
    }
}
