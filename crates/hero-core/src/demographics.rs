//! The demographics trace: forename, surname, date of birth and postcode, for a patient
//! who doesn't know their NHS number. Pure: no egui, no I/O. `Debug` and `Display`
//! show initials and the outward code only, so a stray log line cannot leak them.

use std::fmt;

use thiserror::Error;

use crate::patient::DateOfBirth;
use crate::text::{describe_char, strip_invisible};

/// Longest forename or surname accepted, in characters (PDS holds 35 per name part).
pub const MAX_NAME_CHARS: usize = 35;

/// Longest input examined for a postcode before it is refused outright.
const MAX_POSTCODE_INPUT_CHARS: usize = 16;

/// Which name a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamePart {
    Forename,
    Surname,
}

impl NamePart {
    fn label(self) -> &'static str {
        match self {
            Self::Forename => "forename",
            Self::Surname => "surname",
        }
    }

    fn capitalised(self) -> &'static str {
        match self {
            Self::Forename => "Forename",
            Self::Surname => "Surname",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    #[error("Enter the patient's {}", .part.label())]
    Empty { part: NamePart },
    #[error("{} can only have letters, spaces, hyphens and apostrophes: remove \"{character}\"", .part.capitalised())]
    InvalidCharacter { part: NamePart, character: String },
    #[error("{} needs at least one letter", .part.capitalised())]
    NoLetters { part: NamePart },
    #[error("{} is too long: at most {MAX_NAME_CHARS} characters ({length} entered)", .part.capitalised())]
    TooLong { part: NamePart, length: usize },
}

/// A forename or surname as it is sent: trimmed, single-spaced, case as typed,
/// typographic apostrophes turned into `'`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

/// Combining accents, so a decomposed "Siân" (a + U+0302) is as good as a composed one.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

impl PersonName {
    pub fn parse(input: &str, part: NamePart) -> Result<Self, NameError> {
        let cleaned = strip_invisible(input);
        let collapsed = cleaned.split(' ').filter(|w| !w.is_empty()).fold(
            String::with_capacity(cleaned.len()),
            |mut out, word| {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
                out
            },
        );
        if collapsed.is_empty() {
            return Err(NameError::Empty { part });
        }
        let mut name = String::with_capacity(collapsed.len());
        for c in collapsed.chars() {
            let c = match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
                c => c,
            };
            if !(c.is_alphabetic() || is_combining_mark(c) || matches!(c, ' ' | '-' | '\'')) {
                return Err(NameError::InvalidCharacter {
                    part,
                    character: describe_char(c),
                });
            }
            name.push(c);
        }
        let length = name.chars().count();
        if length > MAX_NAME_CHARS {
            return Err(NameError::TooLong { part, length });
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetters { part });
        }
        Ok(Self(name))
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Safe for logs and lists: the initial, `T.`.
    pub fn masked(&self) -> String {
        self.0
            .chars()
            .find(|c| c.is_alphabetic())
            .map(|c| format!("{c}."))
            .unwrap_or_default()
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", self.masked())
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PostcodeError {
    #[error("Enter the patient's postcode, like LS1 4AP")]
    Empty,
    #[error("A postcode has only letters, digits and a space: remove \"{0}\"")]
    InvalidCharacter(String),
    #[error("That's too long for a postcode: they look like LS1 4AP")]
    TooLong,
    #[error("That isn't a UK postcode: it should end in a digit and two letters, like LS1 4AP")]
    BadInward,
    #[error("That isn't a UK postcode: the part before the space should look like LS1, M1 or SW1A")]
    BadOutward,
    #[error("Add the rest of the postcode: a digit and two letters, like LS1 4AP")]
    Incomplete,
}

/// A UK postcode (or NHS pseudo-postcode such as `ZZ99 3VZ`) in the standard form:
/// upper case, one space before the three-character inward code.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Postcode {
    text: String,
    outward_len: usize,
}

/// Outward codes: A9, A99, AA9, AA99, A9A, AA9A (`a` letter, `9` digit).
fn outward_ok(outward: &[u8]) -> bool {
    let l = |b: u8| b.is_ascii_uppercase();
    let d = |b: u8| b.is_ascii_digit();
    match *outward {
        [a, b] => l(a) && d(b),
        [a, b, c] => l(a) && ((d(b) && (d(c) || l(c))) || (l(b) && d(c))),
        [a, b, c, e] => l(a) && l(b) && d(c) && (d(e) || l(e)),
        _ => false,
    }
}

impl Postcode {
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let cleaned = strip_invisible(input);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Err(PostcodeError::Empty);
        }
        if trimmed.chars().count() > MAX_POSTCODE_INPUT_CHARS {
            return Err(PostcodeError::TooLong);
        }
        let mut compact = Vec::with_capacity(7);
        for c in trimmed.chars() {
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase() as u8);
            } else if c != ' ' {
                return Err(PostcodeError::InvalidCharacter(describe_char(c)));
            }
        }
        if compact.len() > 7 {
            return Err(PostcodeError::TooLong);
        }
        if compact.len() < 5 {
            // `LS1`, `SW1A`: half typed, as every postcode is on its way to complete.
            return Err(if outward_ok(&compact) {
                PostcodeError::Incomplete
            } else if compact.len() < 3 {
                PostcodeError::BadInward
            } else {
                PostcodeError::BadOutward
            });
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = inward[0].is_ascii_digit()
            && inward[1].is_ascii_uppercase()
            && inward[2].is_ascii_uppercase();
        if !inward_ok {
            return Err(PostcodeError::BadInward);
        }
        // GIR 0AA (Girobank) is the one postcode outside the pattern.
        if !(outward_ok(outward) || (outward == b"GIR" && inward == b"0AA")) {
            return Err(PostcodeError::BadOutward);
        }
        let text = format!(
            "{} {}",
            String::from_utf8_lossy(outward),
            String::from_utf8_lossy(inward)
        );
        Ok(Self {
            text,
            outward_len: outward.len(),
        })
    }

    /// The wire form: `LS1 4AP`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Safe for logs and lists: the outward code, `LS1 ***`.
    pub fn masked(&self) -> String {
        format!("{} ***", &self.text[..self.outward_len])
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.masked())
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Everything the demographics trace sends. `Debug` is masked field by field.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Demographics {
    pub forename: PersonName,
    pub surname: PersonName,
    pub dob: DateOfBirth,
    pub postcode: Postcode,
}

impl Demographics {
    /// For logs and the shift list: `T. M. LS1 ***`.
    pub fn masked(&self) -> String {
        format!(
            "{} {} {}",
            self.forename.masked(),
            self.surname.masked(),
            self.postcode.masked()
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
