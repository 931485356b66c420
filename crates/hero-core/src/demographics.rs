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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(s: &str) -> Result<String, NameError> {
        PersonName::parse(s, NamePart::Forename).map(|n| n.as_str().to_owned())
    }

    fn postcode(s: &str) -> Result<String, PostcodeError> {
        Postcode::parse(s).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn names_of_any_script_keep_their_case() {
        for n in [
            "Siân",
            "Zoë",
            "Nuñez",
            "Łukasz",
            "O'Brien",
            "Smith-Jones",
            "mcTestface",
            "Ιωάννης",
            "Владимир",
            "张伟",
        ] {
            assert_eq!(name(n).as_deref(), Ok(n), "{n}");
        }
        // Decomposed accent (a + combining circumflex).
        assert_eq!(name("Sia\u{0302}n").as_deref(), Ok("Sia\u{0302}n"));
    }

    #[test]
    fn names_are_trimmed_and_single_spaced() {
        assert_eq!(
            name("  Testy  \t Mc   Testface ").as_deref(),
            Ok("Testy Mc Testface")
        );
        assert_eq!(name("Anne\u{00A0}Marie").as_deref(), Ok("Anne Marie"));
    }

    #[test]
    fn typographic_apostrophes_are_sent_plain() {
        for n in ["O\u{2019}Brien", "O\u{2018}Brien", "O\u{02BC}Brien"] {
            assert_eq!(name(n).as_deref(), Ok("O'Brien"));
        }
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(
            name("\u{200B}Te\u{200D}sty\u{200E}\u{FEFF}").as_deref(),
            Ok("Testy")
        );
        assert_eq!(
            postcode("\u{202A}LS1\u{00A0}4AP\u{2060}").as_deref(),
            Ok("LS1 4AP")
        );
    }

    #[test]
    fn digits_and_symbols_are_named() {
        let e = PersonName::parse("Test3", NamePart::Surname).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Surname can only have letters, spaces, hyphens and apostrophes: remove \"3\""
        );
        for (input, bad) in [("Testy!", "!"), ("A.B", "."), ("Te_st", "_"), ("Jo@", "@")] {
            assert_eq!(
                name(input),
                Err(NameError::InvalidCharacter {
                    part: NamePart::Forename,
                    character: bad.into()
                })
            );
        }
    }

    #[test]
    fn empty_blank_and_letterless_names_are_refused() {
        for s in ["", "   ", "\u{200B}"] {
            assert_eq!(
                name(s),
                Err(NameError::Empty {
                    part: NamePart::Forename
                })
            );
        }
        assert_eq!(
            name("-'"),
            Err(NameError::NoLetters {
                part: NamePart::Forename
            })
        );
        assert_eq!(
            PersonName::parse("", NamePart::Surname)
                .unwrap_err()
                .to_string(),
            "Enter the patient's surname"
        );
    }

    #[test]
    fn long_names_get_a_length_message() {
        let long = "A".repeat(MAX_NAME_CHARS + 1);
        let e = PersonName::parse(&long, NamePart::Forename).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Forename is too long: at most 35 characters (36 entered)"
        );
        assert!(name(&"A".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn names_are_masked_to_initials() {
        let n = PersonName::parse("Testy", NamePart::Forename).unwrap();
        assert_eq!(format!("{n:?}"), "PersonName(T.)");
        assert_eq!(n.to_string(), "T.");
        let n = PersonName::parse("'Testy", NamePart::Forename).unwrap();
        assert_eq!(n.masked(), "T.");
    }

    #[test]
    fn postcodes_in_any_case_and_spacing() {
        for input in ["ls14ap", "LS1 4AP", "ls1  4ap", " Ls1 4aP ", "L S 1 4 A P"] {
            assert_eq!(postcode(input).as_deref(), Ok("LS1 4AP"), "{input}");
        }
        for (input, want) in [
            ("m11ae", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("cr26xh", "CR2 6XH"),
            ("dn551pt", "DN55 1PT"),
            ("w1a0ax", "W1A 0AX"),
            ("ec1a1bb", "EC1A 1BB"),
            ("gir0aa", "GIR 0AA"),
            ("zz993vz", "ZZ99 3VZ"),
            ("ZZ99 3WZ", "ZZ99 3WZ"),
        ] {
            assert_eq!(postcode(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn bad_postcodes_get_a_message() {
        assert_eq!(postcode(""), Err(PostcodeError::Empty));
        assert_eq!(postcode("  "), Err(PostcodeError::Empty));
        assert_eq!(
            postcode("LS1-4AP"),
            Err(PostcodeError::InvalidCharacter("-".into()))
        );
        assert_eq!(postcode("LS1 4A"), Err(PostcodeError::BadInward));
        assert_eq!(postcode("LS1 A4P"), Err(PostcodeError::BadInward));
        assert_eq!(postcode("1S1 4AP"), Err(PostcodeError::BadOutward));
        assert_eq!(postcode("LSS1 4AP"), Err(PostcodeError::BadOutward));
        assert_eq!(postcode("GIR 0AB"), Err(PostcodeError::BadOutward));
        assert_eq!(postcode("LS12A 4AP"), Err(PostcodeError::TooLong));
        assert_eq!(
            postcode("ŁS1 4AP"),
            Err(PostcodeError::InvalidCharacter("Ł".into()))
        );
        assert_eq!(postcode("AP"), Err(PostcodeError::BadInward));
    }

    #[test]
    fn a_half_typed_postcode_asks_for_the_rest() {
        for typed in ["LS1", "ls1 ", "SW1A", "M1", "EC1A"] {
            assert_eq!(postcode(typed), Err(PostcodeError::Incomplete), "{typed:?}");
        }
        assert_eq!(
            PostcodeError::Incomplete.to_string(),
            "Add the rest of the postcode: a digit and two letters, like LS1 4AP"
        );
        // Not the start of any postcode: said so.
        assert_eq!(postcode("1S1"), Err(PostcodeError::BadOutward));
    }

    #[test]
    fn the_postcode_length_limit_counts_the_spaces_typed() {
        // 16 characters as typed is the most examined; one more is refused before parsing.
        assert_eq!(
            postcode(&format!("LS1{}4AP", " ".repeat(10))).as_deref(),
            Ok("LS1 4AP")
        );
        assert_eq!(
            postcode(&format!("LS1{}4AP", " ".repeat(11))),
            Err(PostcodeError::TooLong)
        );
    }

    #[test]
    fn demographics_are_masked_to_initials_and_the_outward_code() {
        let today = crate::patient::today();
        let d = Demographics {
            forename: PersonName::parse("Testy", NamePart::Forename).unwrap(),
            surname: PersonName::parse("McTestface", NamePart::Surname).unwrap(),
            dob: DateOfBirth::parse("01/02/1990", today).unwrap(),
            postcode: Postcode::parse("ls14ap").unwrap(),
        };
        assert_eq!(d.masked(), "T. M. LS1 ***");
        let debug = format!("{d:?}");
        for secret in ["Testy", "McTestface", "4AP", "1990"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }

    #[test]
    fn postcodes_are_masked_to_the_outward_code() {
        let p = Postcode::parse("ls14ap").unwrap();
        assert_eq!(format!("{p:?}"), "Postcode(LS1 ***)");
        assert_eq!(p.to_string(), "LS1 ***");
    }

    fn outward() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Z][0-9]",
            "[A-Z][0-9]{2}",
            "[A-Z]{2}[0-9]",
            "[A-Z]{2}[0-9]{2}",
            "[A-Z][0-9][A-Z]",
            "[A-Z]{2}[0-9][A-Z]",
        ]
    }

    proptest! {
        #[test]
        fn any_input_never_panics(s in "\\PC{0,60}") {
            let _ = PersonName::parse(&s, NamePart::Surname);
            let _ = Postcode::parse(&s);
        }

        #[test]
        fn valid_postcodes_come_back_standard(out in outward(), inw in "[0-9][A-Z]{2}", lower: bool, spaces in 0usize..3) {
            let standard = format!("{out} {inw}");
            let typed = format!("{out}{}{inw}", " ".repeat(spaces));
            let typed = if lower { typed.to_lowercase() } else { typed };
            let parsed = Postcode::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), standard.as_str());
            // Idempotent: the standard form parses to itself.
            prop_assert_eq!(Postcode::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        // U+02BC is a letter to Unicode but an apostrophe here (sent as '), so it's left out.
        fn valid_names_change_only_by_normalisation(words in prop::collection::vec("[\\p{L}&&[^\\x{02BC}]][\\p{L}'\\-&&[^\\x{02BC}]]{0,6}", 1..4), pad in 0usize..3) {
            let want = words.join(" ");
            prop_assume!(want.chars().count() <= MAX_NAME_CHARS);
            let typed = format!("{}{}{}", " ".repeat(pad), words.join(&" ".repeat(pad + 1)), " ".repeat(pad));
            let parsed = PersonName::parse(&typed, NamePart::Forename).unwrap();
            prop_assert_eq!(parsed.as_str(), want.as_str());
            prop_assert_eq!(PersonName::parse(parsed.as_str(), NamePart::Forename).unwrap(), parsed);
        }
    }
}
