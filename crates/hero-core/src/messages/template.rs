//! Message templates: text with `{first_name}`, `{practice}`, `{appointment}` and
//! `{link}`. A template is checked when it is read (an unknown placeholder is refused,
//! naming the template), and rendering refuses to leave a gap where a value is unknown.

use std::fmt;

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    FirstName,
    Practice,
    Appointment,
    Link,
}

impl Placeholder {
    pub const ALL: [Self; 4] = [
        Self::FirstName,
        Self::Practice,
        Self::Appointment,
        Self::Link,
    ];

    /// As written in a template, without braces.
    pub fn name(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::Practice => "practice",
            Self::Appointment => "appointment",
            Self::Link => "link",
        }
    }

    /// What is missing, for the person at the desk.
    fn missing(self) -> &'static str {
        match self {
            Self::FirstName => "the patient's first name is not on Hero's record",
            Self::Practice => {
                "the practice's name is not known (Hero gave none and no practice_name is set in the settings)"
            }
            Self::Appointment => "no appointment type is chosen",
            Self::Link => "no booking link has been made",
        }
    }
}

/// A piece of a template: text as written, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(Placeholder),
}

/// A checked template.
#[derive(Clone, PartialEq, Eq)]
pub struct Template {
    name: String,
    text: String,
    pieces: Vec<Piece>,
}

/// The template's name and text are the practice's, not a patient's; still only the
/// name is shown.
impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({})", self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateError {
    #[error(
        "The template \"{template}\" uses {{{placeholder}}}, which Hero Intake doesn't know: use {{first_name}}, {{practice}}, {{appointment}} or {{link}}"
    )]
    UnknownPlaceholder {
        template: String,
        placeholder: String,
    },
    #[error("The template \"{template}\" has no text")]
    Empty { template: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("The template \"{template}\" can't be used: {}", placeholder.missing())]
pub struct RenderError {
    pub template: String,
    pub placeholder: Placeholder,
}

/// The values a template may use; None where unknown.
#[derive(Clone, Copy, Default)]
pub struct Values<'a> {
    pub first_name: Option<&'a str>,
    pub practice: Option<&'a str>,
    pub appointment: Option<&'a str>,
    pub link: Option<&'a str>,
}

impl Values<'_> {
    fn get(&self, placeholder: Placeholder) -> Option<&str> {
        let value = match placeholder {
            Placeholder::FirstName => self.first_name,
            Placeholder::Practice => self.practice,
            Placeholder::Appointment => self.appointment,
            Placeholder::Link => self.link,
        };
        value.map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A `{word}` at the start of `rest`: the word and the length with braces.
fn braced_word(rest: &str) -> Option<(&str, usize)> {
    let inner = rest.strip_prefix('{')?;
    let end = inner.find('}')?;
    let word = &inner[..end];
    let is_word = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    is_word.then_some((word, end + 2))
}

impl Template {
    /// Checks `text`: every `{word}` must be one of the four placeholders. Other braces
    /// (`{ }`, a lone `{`) are text.
    pub fn parse(name: &str, text: &str) -> Result<Self, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty {
                template: name.to_owned(),
            });
        }
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some((word, length)) = braced_word(rest) {
                let placeholder = Placeholder::ALL
                    .into_iter()
                    .find(|p| p.name() == word)
                    .ok_or_else(|| TemplateError::UnknownPlaceholder {
                        template: name.to_owned(),
                        placeholder: word.to_owned(),
                    })?;
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Value(placeholder));
                rest = &rest[length..];
            } else {
                literal.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Self {
            name: name.to_owned(),
            text: text.to_owned(),
            pieces,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// As written, placeholders and all.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The placeholders it uses, in order of first use.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        let mut used = Vec::new();
        for piece in &self.pieces {
            if let Piece::Value(p) = piece
                && !used.contains(p)
            {
                used.push(*p);
            }
        }
        used
    }

    /// The message, or which value is missing: never text with a gap.
    pub fn render(&self, values: &Values<'_>) -> Result<String, RenderError> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Value(p) => out.push_str(values.get(*p).ok_or_else(|| RenderError {
                    template: self.name.clone(),
                    placeholder: *p,
                })?),
            }
        }
        Ok(out)
    }
}

/// The built-in templates' names and texts: `welcome`, `invite` (the one the invite to
/// book sends), `complete_registration`.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "welcome",
        "Hello {first_name}, welcome to {practice}. Reply or call us if you have any questions.",
    ),
    (
        "invite",
        "{practice} invites you to book: {appointment}. Book here: {link}",
    ),
    (
        "complete_registration",
        "Hello {first_name}, please complete your registration with {practice}. Contact us if you need help.",
    ),
];

/// The built-in templates, checked.
pub fn built_in_templates() -> Vec<Template> {
    BUILT_IN
        .iter()
        .filter_map(|(name, text)| Template::parse(name, text).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_values() -> Values<'static> {
        Values {
            first_name: Some("Sam"),
            practice: Some("Demo Surgery"),
            appointment: Some("Flu jab"),
            link: Some("https://bookings.herohealth.net/s/abc"),
        }
    }

    #[test]
    fn the_built_in_templates_parse_and_render() {
        assert_eq!(built_in_templates().len(), BUILT_IN.len());
        let invite = Template::parse("invite", BUILT_IN[1].1).expect("parses");
        assert_eq!(
            invite.render(&all_values()).expect("renders"),
            "Demo Surgery invites you to book: Flu jab. Book here: https://bookings.herohealth.net/s/abc"
        );
        assert_eq!(
            invite.placeholders(),
            [
                Placeholder::Practice,
                Placeholder::Appointment,
                Placeholder::Link
            ]
        );
    }

    #[test]
    fn an_unknown_placeholder_is_refused_naming_the_template() {
        let error = Template::parse("reminder", "Hi {firstname}, see you {date}").unwrap_err();
        assert_eq!(
            error,
            TemplateError::UnknownPlaceholder {
                template: "reminder".into(),
                placeholder: "firstname".into()
            }
        );
        assert_eq!(
            error.to_string(),
            "The template \"reminder\" uses {firstname}, which Hero Intake doesn't know: use {first_name}, {practice}, {appointment} or {link}"
        );
        assert!(matches!(
            Template::parse("blank", "  "),
            Err(TemplateError::Empty { .. })
        ));
    }

    #[test]
    fn braces_that_are_not_a_placeholder_stay_text() {
        let template = Template::parse("odd", "Open { } or {  and {link} {").expect("parses");
        assert_eq!(
            template.render(&all_values()).expect("renders"),
            "Open { } or {  and https://bookings.herohealth.net/s/abc {"
        );
    }

    #[test]
    fn a_missing_value_is_refused_never_sent_as_a_gap() {
        let welcome = Template::parse("welcome", BUILT_IN[0].1).expect("parses");
        for practice in [None, Some(""), Some("   ")] {
            let error = welcome
                .render(&Values {
                    practice,
                    ..all_values()
                })
                .unwrap_err();
            assert_eq!(error.placeholder, Placeholder::Practice);
            assert!(error.to_string().contains("practice_name"), "{error}");
        }
        // A template that doesn't use it doesn't need it.
        let plain = Template::parse("plain", "Please call us.").expect("parses");
        assert_eq!(
            plain.render(&Values::default()).expect("renders"),
            "Please call us."
        );
    }
}
