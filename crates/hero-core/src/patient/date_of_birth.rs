//! The date of birth: day first, month names, ordinals, ISO dates and date-times.

use std::fmt;

use jiff::civil::Date;
use thiserror::Error;

use super::{MAX_AGE_YEARS, MAX_INPUT_CHARS};
use crate::text::strip_invisible;

/// A date of birth that is real, not in the future, and within `MAX_AGE_YEARS`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateOfBirth(Date);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateOfBirthError {
    #[error("Enter the patient's date of birth, like 01/02/1992")]
    Empty,
    #[error("Write the date as day/month/year, like 01/02/1992 or 1 Feb 1992")]
    Unrecognised,
    #[error("That isn't a month name: write the date like 1 Feb 1992 or 01/02/1992")]
    NotAMonth,
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

fn number(digits: &str) -> Result<u32, DateOfBirthError> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(DateOfBirthError::Unrecognised);
    }
    digits.parse().map_err(|_| DateOfBirthError::Unrecognised)
}

/// The month a name or abbreviation means, in any case: `February`, `feb`, `Sept`.
fn month_named(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    if word == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|name| {
            let name = name.to_lowercase();
            word == name || word == name[..3]
        })
        .map(|index| index as u32 + 1)
}

/// `1st`, `22nd`, `3rd`, `4th`: the digits. Anything else as it is.
fn without_ordinal(day: &str) -> &str {
    let lower = day.to_ascii_lowercase();
    ["st", "nd", "rd", "th"]
        .iter()
        .find(|suffix| lower.ends_with(*suffix) && day.len() > 2)
        .map_or(day, |_| &day[..day.len() - 2])
}

/// The date part of a date-time: ISO (`1992-02-01T00:00:00`, with an offset or zone,
/// or a space for the `T`) or a date followed by a clock time (`01/02/1992 00:00`).
/// Anything else as it is.
fn without_time(text: &str) -> &str {
    let bytes = text.as_bytes();
    let iso_date = bytes.len() > 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if iso_date && matches!(bytes[10], b'T' | b't' | b' ') {
        // jiff checks the time and any offset or zone; the placeholder date is not used.
        let placeholder = format!("2000-01-01T{}", &text[11..]);
        if jiff::fmt::temporal::Pieces::parse(placeholder.as_str()).is_ok() {
            return &text[..10];
        }
    }
    match text.rsplit_once(' ') {
        Some((date, time)) if time.contains(':') && time.parse::<jiff::civil::Time>().is_ok() => {
            date.trim_end()
        }
        _ => text,
    }
}

impl DateOfBirth {
    /// Parses UK day-first dates (`01/02/1992`, `1-2-1992`, `01.02.1992`, `01021992`),
    /// ISO `1992-02-01`, month names (`1 Feb 1992`, `01-FEB-1992`, `1st February 1992`,
    /// `February 1, 1992`) and date-times (`1992-02-01T00:00:00Z`: the date part),
    /// checked against `today`.
    pub fn parse(input: &str, today: Date) -> Result<Self, DateOfBirthError> {
        let cleaned = strip_invisible(input);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Err(DateOfBirthError::Empty);
        }
        if trimmed.chars().count() > MAX_INPUT_CHARS {
            return Err(DateOfBirthError::Unrecognised);
        }
        let date = without_time(trimmed);
        if date.chars().any(char::is_alphabetic) {
            Self::parse_month_name(date, today)
        } else {
            Self::parse_numeric(date, today)
        }
    }

    fn parse_numeric(text: &str, today: Date) -> Result<Self, DateOfBirthError> {
        let groups: Vec<&str> = text
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
        let (day, month, year) = (number(day)?, number(month)?, number(year)?);
        Self::from_parts(year, month, day, today)
    }

    /// Day, month name, year (`1 Feb 1992`, `1st February 1992`) or month name first
    /// (`February 1, 1992`). The year is always last and four digits.
    fn parse_month_name(text: &str, today: Date) -> Result<Self, DateOfBirthError> {
        let tokens: Vec<&str> = text
            .split(['/', '-', '.', ',', ' '])
            .filter(|t| !t.is_empty())
            .collect();
        let [first, second, year] = tokens.as_slice() else {
            return Err(DateOfBirthError::Unrecognised);
        };
        let (day, month) = match (month_named(first), month_named(second)) {
            (Some(month), None) => (*second, month),
            (None, Some(month)) => (*first, month),
            _ if [first, second]
                .iter()
                .any(|t| t.chars().all(char::is_alphabetic)) =>
            {
                return Err(DateOfBirthError::NotAMonth);
            }
            _ => return Err(DateOfBirthError::Unrecognised),
        };
        let day = without_ordinal(day);
        if !year.chars().all(|c| c.is_ascii_digit()) || day.len() > 2 {
            return Err(DateOfBirthError::Unrecognised);
        }
        match year.len() {
            4 => Self::from_parts(number(year)?, month, number(day)?, today),
            2 => Err(DateOfBirthError::TwoDigitYear),
            _ => Err(DateOfBirthError::Unrecognised),
        }
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

    /// A date of birth as a record holds it (Hero's read-back), not as typed: none of
    /// the typing rules apply.
    pub fn from_record(date: Date) -> Self {
        Self(date)
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
