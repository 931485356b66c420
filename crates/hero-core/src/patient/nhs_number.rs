//! The NHS number: typed, pasted or exported, checked (Modulus 11, number ranges, test
//! numbers on Production) before anything is sent.

use std::fmt;

use thiserror::Error;

use super::MAX_INPUT_CHARS;
use crate::text::{describe_char, strip_invisible};

/// A 10-digit NHS number. `check_digit_ok` is false only for numbers the user
/// deliberately sent despite a failed check digit (staging only).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NhsNumber {
    digits: [u8; 10],
    check_digit_ok: bool,
}

/// What to do when a number can never find a patient: said once, used by every message.
const ASK_FOR_NHS_NUMBER: &str = "ask the patient for their NHS number (it is on NHS letters and in the NHS App), or trace them by name and postcode";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NhsNumberError {
    #[error("Enter the patient's NHS number (or, without one, their name and postcode)")]
    Empty,
    #[error("{}", too_long_message(*.digits))]
    TooLong { digits: usize },
    #[error("That is a National Insurance number, not an NHS number: {ASK_FOR_NHS_NUMBER}")]
    NationalInsuranceNumber,
    #[error("NHS number can only contain digits and spaces — remove \"{0}\"")]
    InvalidCharacter(String),
    #[error("NHS number must be 10 digits — {0} entered")]
    WrongLength(usize),
    #[error("The check digit doesn't match: check for a typing error")]
    CheckDigitMismatch,
    #[error("This can't be an NHS number (its check digit would be 10): check for a typing error")]
    CheckDigitImpossible,
    #[error("{}", .0.refusal())]
    NotAnNhsNumber(NumberRange),
    #[error(
        "That is a test NHS number (it starts with 9): no real patient has it. This is Production: enter the patient's real NHS number"
    )]
    TestNumberOnLiveService,
}

fn too_long_message(digits: usize) -> String {
    match digits {
        0 => "That's too long for an NHS number, which is 10 digits".to_owned(),
        1 => {
            "That's too long for an NHS number: it has 1 digit, and an NHS number has 10".to_owned()
        }
        n => format!(
            "That's too long for an NHS number: it has {n} digits, and an NHS number has 10"
        ),
    }
}

impl NhsNumberError {
    /// Whether the number is well-formed apart from its check digit, so a
    /// staging user may choose to send it anyway.
    pub fn is_check_digit_failure(&self) -> bool {
        matches!(self, Self::CheckDigitMismatch | Self::CheckDigitImpossible)
    }

    /// Whether the text is ten digits, whatever else is wrong with them: how a column
    /// of NHS numbers is recognised in a list.
    pub fn is_ten_digits(&self) -> bool {
        self.is_check_digit_failure()
            || matches!(
                self,
                Self::NotAnNhsNumber(_) | Self::TestNumberOnLiveService
            )
    }
}

/// What a Modulus-11-valid 10-digit number is, by its range (NHS Data Dictionary).
/// Only `England` numbers are on PDS; `Test` numbers only on test services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberRange {
    /// 400 000 0000 – 499 999 9999 and 600 000 0000 – 799 999 9999: England, Wales, Isle of Man.
    England,
    /// 010 000 0000 – 311 299 9999.
    ScottishChi,
    /// 320 000 0000 – 399 999 9999.
    NorthernIreland,
    /// 500 000 0000 – 599 999 9999, never issued.
    Reserved,
    /// 800 000 0000 – 859 999 9999.
    IrelandIhi,
    /// 900 000 0000 – 999 999 9999: synthetic patients, never issued to a person.
    Test,
    /// Everything else.
    Unallocated,
}

impl NumberRange {
    pub fn of(number: u64) -> Self {
        match number {
            4_000_000_000..=4_999_999_999 | 6_000_000_000..=7_999_999_999 => Self::England,
            100_000_000..=3_112_999_999 => Self::ScottishChi,
            3_200_000_000..=3_999_999_999 => Self::NorthernIreland,
            5_000_000_000..=5_999_999_999 => Self::Reserved,
            8_000_000_000..=8_599_999_999 => Self::IrelandIhi,
            9_000_000_000..=9_999_999_999 => Self::Test,
            _ => Self::Unallocated,
        }
    }

    fn refusal(self) -> String {
        let not_nhs = |what: &str| {
            format!(
                "That is {what}, not an NHS number (Hero traces only NHS numbers from England, Wales and the Isle of Man): {ASK_FOR_NHS_NUMBER}"
            )
        };
        match self {
            Self::ScottishChi => not_nhs("a Scottish CHI number"),
            Self::NorthernIreland => not_nhs("a Northern Ireland Health and Care number"),
            Self::IrelandIhi => not_nhs("a Republic of Ireland Individual Health Identifier"),
            Self::Reserved => format!(
                "No patient has that number: NHS numbers starting with 5 are reserved and never issued. Check for a typing error, or {ASK_FOR_NHS_NUMBER}"
            ),
            Self::Unallocated => format!(
                "No patient has that number: no NHS numbers are issued that start like it. Check for a typing error, or {ASK_FOR_NHS_NUMBER}"
            ),
            // Sendable ranges: never refused, so never shown.
            Self::England | Self::Test => String::new(),
        }
    }
}

/// Whether test-range numbers may be sent: not to a service that holds real patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestNumbers {
    Allowed,
    Refused,
}

/// Spaces, dashes and other visual separators people type or paste between digit groups.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '.')
}

/// `QQ 12 34 56 C`: two letters, six digits and a letter A–D, spaced or not.
fn is_national_insurance_number(text: &str) -> bool {
    let compact: Vec<char> = text
        .chars()
        .filter(|c| !is_separator(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    compact.len() == 9
        && compact[..2].iter().all(char::is_ascii_uppercase)
        && compact[2..8].iter().all(char::is_ascii_digit)
        && matches!(compact[8], 'A'..='D')
}

/// `NHS No: 999 000 0018`, `999 000 0018 (NHS number)`: the number without its label,
/// when the text holds one number and the rest names it an NHS number (so a number
/// with a digit missing is still counted, not refused for its label's letters).
fn without_label(text: &str) -> Option<&str> {
    let first = text.find(|c: char| c.is_ascii_digit())?;
    let last = text.rfind(|c: char| c.is_ascii_digit())?;
    let number = &text[first..=last];
    let one_number = number
        .chars()
        .all(|c| c.is_ascii_digit() || is_separator(c));
    let label = format!("{} {}", &text[..first], &text[last + 1..]).to_lowercase();
    let label_only = label.chars().all(|c| {
        c.is_alphabetic()
            || c.is_whitespace()
            || matches!(c, ':' | '#' | '.' | '(' | ')' | '\'' | '’' | '-' | '=')
    });
    (one_number && label_only && label.contains("nhs")).then_some(number)
}

/// The Modulus 11 check digit for the first nine digits, or None when it would be 10.
fn expected_check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        d => Some(d as u8),
    }
}

impl NhsNumber {
    /// Parses typed or pasted text: digits with optional spaces or dashes, or with an
    /// "NHS No:" label. Checks the check digit and the number's range; test numbers pass
    /// (see [`NhsNumber::parse_for`] for a service with real patients).
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        Self::parse_for(input, TestNumbers::Allowed)
    }

    /// Like `parse`, refusing test-range numbers when `test_numbers` says so.
    pub fn parse_for(input: &str, test_numbers: TestNumbers) -> Result<Self, NhsNumberError> {
        let digits = Self::digits(input)?;
        match expected_check_digit(&digits[..9]) {
            None => Err(NhsNumberError::CheckDigitImpossible),
            Some(d) if d != digits[9] => Err(NhsNumberError::CheckDigitMismatch),
            Some(_) => Self::in_sendable_range(digits, true, test_numbers),
        }
    }

    /// Like `parse_for`, but lets a failed check digit through (marked as such).
    /// Only for the staging environment, after the user explicitly confirms.
    pub fn parse_ignoring_check_digit(
        input: &str,
        test_numbers: TestNumbers,
    ) -> Result<Self, NhsNumberError> {
        match Self::parse_for(input, test_numbers) {
            Err(e) if e.is_check_digit_failure() => {
                Self::in_sendable_range(Self::digits(input)?, false, test_numbers)
            }
            other => other,
        }
    }

    fn in_sendable_range(
        digits: [u8; 10],
        check_digit_ok: bool,
        test_numbers: TestNumbers,
    ) -> Result<Self, NhsNumberError> {
        let number = Self {
            digits,
            check_digit_ok,
        };
        match (number.range(), test_numbers) {
            (NumberRange::England, _) | (NumberRange::Test, TestNumbers::Allowed) => Ok(number),
            (NumberRange::Test, TestNumbers::Refused) => {
                Err(NhsNumberError::TestNumberOnLiveService)
            }
            (other, _) => Err(NhsNumberError::NotAnNhsNumber(other)),
        }
    }

    /// Which range the number is in.
    pub fn range(&self) -> NumberRange {
        NumberRange::of(self.digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)))
    }

    fn digits(input: &str) -> Result<[u8; 10], NhsNumberError> {
        let cleaned = strip_invisible(input);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        if trimmed.chars().count() > MAX_INPUT_CHARS {
            // A long label ("Your NHS number as shown on letters: …") is still just a label.
            let digits = trimmed.chars().filter(char::is_ascii_digit).count();
            if digits != 10 || without_label(trimmed).is_none() {
                return Err(NhsNumberError::TooLong { digits });
            }
        }
        if is_national_insurance_number(trimmed) {
            return Err(NhsNumberError::NationalInsuranceNumber);
        }
        let number = without_label(trimmed).unwrap_or(trimmed);
        let mut digits = Vec::with_capacity(10);
        for c in number.chars() {
            if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                digits.push(d as u8);
            } else if !is_separator(c) {
                return Err(NhsNumberError::InvalidCharacter(describe_char(c)));
            }
        }
        if digits.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        <[u8; 10]>::try_from(digits.as_slice())
            .map_err(|_| NhsNumberError::WrongLength(digits.len()))
    }

    pub fn check_digit_ok(&self) -> bool {
        self.check_digit_ok
    }

    /// The form Hero's documentation sends and people read: `943 476 5919`.
    pub fn formatted(&self) -> String {
        let d: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{} {} {}", &d[..3], &d[3..6], &d[6..])
    }

    /// Safe for logs and lists: `*** *** 5919`.
    pub fn masked(&self) -> String {
        let last4: String = self.digits[6..]
            .iter()
            .map(|d| char::from(b'0' + d))
            .collect();
        format!("*** *** {last4}")
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NhsNumber({})", self.masked())
    }
}
