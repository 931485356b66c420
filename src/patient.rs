//! Patient input: NHS numbers and dates of birth, parsed from what a receptionist types.
//! Pure: no egui, no I/O. `Debug` never prints the full value, so a stray log line
//! cannot leak patient data.

use std::fmt;

use jiff::civil::Date;
use thiserror::Error;

/// Oldest date of birth accepted, in years before today.
pub const MAX_AGE_YEARS: i16 = 130;

/// Longest input examined; anything longer is refused before parsing.
const MAX_INPUT_CHARS: usize = 64;

/// A 10-digit NHS number. `check_digit_ok` is false only for numbers the user
/// deliberately sent despite a failed check digit (staging only).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NhsNumber {
    digits: [u8; 10],
    check_digit_ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NhsNumberError {
    #[error("Enter the patient's NHS number")]
    Empty,
    #[error("That's too long for an NHS number: it has 10 digits")]
    TooLong,
    #[error("NHS number can only contain digits and spaces — remove \"{0}\"")]
    InvalidCharacter(String),
    #[error("NHS number must be 10 digits — {0} entered")]
    WrongLength(usize),
    #[error("The check digit doesn't match: check for a typing error")]
    CheckDigitMismatch,
    #[error("This can't be an NHS number (its check digit would be 10): check for a typing error")]
    CheckDigitImpossible,
}

impl NhsNumberError {
    /// Whether the number is well-formed apart from its check digit, so a
    /// staging user may choose to send it anyway.
    pub fn is_check_digit_failure(&self) -> bool {
        matches!(self, Self::CheckDigitMismatch | Self::CheckDigitImpossible)
    }
}

/// Spaces, dashes and other visual separators people type or paste between digit groups.
/// Zero-width characters and byte-order marks that pasting from other programs leaves behind.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '.' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("a hidden control character (U+{:04X})", c as u32)
    } else if c.is_numeric() {
        format!("{c}, a digit that isn't 0–9")
    } else {
        c.to_string()
    }
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
    /// Parses typed or pasted text: digits with optional spaces or dashes.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let digits = Self::digits(input)?;
        match expected_check_digit(&digits[..9]) {
            None => Err(NhsNumberError::CheckDigitImpossible),
            Some(d) if d != digits[9] => Err(NhsNumberError::CheckDigitMismatch),
            Some(_) => Ok(Self {
                digits,
                check_digit_ok: true,
            }),
        }
    }

    /// Like `parse`, but lets a failed check digit through (marked as such).
    /// Only for the staging environment, after the user explicitly confirms.
    pub fn parse_ignoring_check_digit(input: &str) -> Result<Self, NhsNumberError> {
        match Self::parse(input) {
            Err(e) if e.is_check_digit_failure() => Ok(Self {
                digits: Self::digits(input)?,
                check_digit_ok: false,
            }),
            other => other,
        }
    }

    fn digits(input: &str) -> Result<[u8; 10], NhsNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        if trimmed.chars().count() > MAX_INPUT_CHARS {
            return Err(NhsNumberError::TooLong);
        }
        let mut digits = Vec::with_capacity(10);
        for c in trimmed.chars() {
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

/// A date of birth that is real, not in the future, and within `MAX_AGE_YEARS`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateOfBirth(Date);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateOfBirthError {
    #[error("Enter the patient's date of birth, like 01/02/1992")]
    Empty,
    #[error("Write the date as day/month/year, like 01/02/1992")]
    Unrecognised,
    #[error("Use a four-digit year, like 01/02/1992")]
    TwoDigitYear,
    #[error("There is no month {0}: months go from 1 to 12")]
    NoSuchMonth(u32),
    #[error("There is no day 0: days start at 1")]
    DayZero,
    #[error("{month} {year} has only {days_in_month} days")]
    NoSuchDay {
        month: &'static str,
        year: i16,
        days_in_month: i8,
    },
    #[error("That date is in the future")]
    InFuture,
    #[error("That date is more than {MAX_AGE_YEARS} years ago: check the year")]
    TooOld,
}

const MONTHS: [&str; 12] = [
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

impl DateOfBirth {
    /// Parses UK day-first dates (`01/02/1992`, `1-2-1992`, `01.02.1992`, `01021992`)
    /// and ISO `1992-02-01`, checked against `today`.
    pub fn parse(input: &str, today: Date) -> Result<Self, DateOfBirthError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DateOfBirthError::Empty);
        }
        if trimmed.chars().count() > MAX_INPUT_CHARS {
            return Err(DateOfBirthError::Unrecognised);
        }
        let groups: Vec<&str> = trimmed
            .split(['/', '-', '.', ' '])
            .filter(|g| !g.is_empty())
            .collect();
        if groups
            .iter()
            .any(|g| !g.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(DateOfBirthError::Unrecognised);
        }
        let (day, month, year) = match groups.as_slice() {
            [all] if all.len() == 8 => (&all[..2], &all[2..4], &all[4..]),
            [all] if all.len() == 6 => return Err(DateOfBirthError::TwoDigitYear),
            [y, m, d] if y.len() == 4 => (*d, *m, *y),
            [_, _, y] if y.len() == 2 => return Err(DateOfBirthError::TwoDigitYear),
            [d, m, y] if y.len() == 4 => (*d, *m, *y),
            _ => return Err(DateOfBirthError::Unrecognised),
        };
        if day.len() > 2 || month.len() > 2 {
            return Err(DateOfBirthError::Unrecognised);
        }
        let parse = |s: &str| s.parse::<u32>().map_err(|_| DateOfBirthError::Unrecognised);
        let (day, month, year) = (parse(day)?, parse(month)?, parse(year)?);
        Self::from_parts(year, month, day, today)
    }

    fn from_parts(year: u32, month: u32, day: u32, today: Date) -> Result<Self, DateOfBirthError> {
        if !(1..=12).contains(&month) {
            return Err(DateOfBirthError::NoSuchMonth(month));
        }
        let year = i16::try_from(year).map_err(|_| DateOfBirthError::Unrecognised)?;
        let first = Date::new(year, month as i8, 1).map_err(|_| DateOfBirthError::Unrecognised)?;
        let days_in_month = first.days_in_month();
        if day == 0 {
            return Err(DateOfBirthError::DayZero);
        }
        if day > days_in_month as u32 {
            return Err(DateOfBirthError::NoSuchDay {
                month: MONTHS[month as usize - 1],
                year,
                days_in_month,
            });
        }
        let date =
            Date::new(year, month as i8, day as i8).map_err(|_| DateOfBirthError::Unrecognised)?;
        if date > today {
            return Err(DateOfBirthError::InFuture);
        }
        let oldest = today
            .checked_sub(jiff::Span::new().years(MAX_AGE_YEARS))
            .unwrap_or(Date::MIN);
        if date < oldest {
            return Err(DateOfBirthError::TooOld);
        }
        Ok(Self(date))
    }

    /// The wire form: `1992-02-01`.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }

    /// Echoed beside the field so a day/month mix-up is visible: `1 February 1992`.
    pub fn in_words(&self) -> String {
        format!(
            "{} {} {}",
            self.0.day(),
            MONTHS[self.0.month() as usize - 1],
            self.0.year()
        )
    }
}

impl fmt::Debug for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DateOfBirth(**/**/****)")
    }
}

/// Today's date on this computer's clock, in its time zone.
pub fn today() -> Date {
    jiff::Zoned::now().date()
}

/// What is sent to Hero for one patient.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PatientQuery {
    pub nhs_number: NhsNumber,
    pub dob: DateOfBirth,
}
