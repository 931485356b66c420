//! Another recipient typed at the desk: a UK mobile number for SMS, an email address
//! for email. The NHS App goes to the patient's app: no recipient can be typed for it.

use std::fmt;

use thiserror::Error;

use crate::api::Channel;

/// A checked recipient, in the form sent as `recipient_contact_detail`.
#[derive(Clone, PartialEq, Eq)]
pub enum Recipient {
    /// `+447700900123`.
    Mobile(String),
    Email(String),
}

/// Why a typed recipient can't be used. Never holds what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RecipientProblem {
    #[error("Type a UK mobile number (07… or +44 7…) for an SMS")]
    NotAMobile,
    #[error("Type an email address (name@example.org) for an email")]
    NotAnEmail,
    #[error("An NHS App message goes to the patient's NHS App: no other recipient can be typed")]
    NoneForNhsApp,
}

impl Recipient {
    /// Checks `text` for `channel`: spaces, dashes, dots and brackets in a number are
    /// ignored; `07…`, `447…`, `+447…` and `00447…` are all the same mobile.
    pub fn parse(text: &str, channel: Channel) -> Result<Self, RecipientProblem> {
        let text = crate::text::strip_invisible(text);
        let text = text.trim();
        match channel {
            Channel::Sms => uk_mobile(text)
                .map(Self::Mobile)
                .ok_or(RecipientProblem::NotAMobile),
            Channel::Email => email(text)
                .map(Self::Email)
                .ok_or(RecipientProblem::NotAnEmail),
            Channel::NhsApp => Err(RecipientProblem::NoneForNhsApp),
        }
    }

    /// What is sent as `recipient_contact_detail`.
    pub fn wire_form(&self) -> &str {
        match self {
            Self::Mobile(number) | Self::Email(number) => number,
        }
    }

    /// `mobile ending 123`, `email s***@e***.org`: as the card shows a record's contact.
    pub fn masked(&self) -> String {
        match self {
            Self::Mobile(number) => format!("mobile ending {}", &number[number.len() - 3..]),
            Self::Email(address) => {
                let (name, domain) = address.rsplit_once('@').unwrap_or(("", address));
                let ending = domain.rfind('.').map_or("", |dot| &domain[dot..]);
                let first = |t: &str| t.chars().next().unwrap_or('*');
                format!("email {}***@{}***{ending}", first(name), first(domain))
            }
        }
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mobile(_) => f.write_str("Recipient::Mobile(***)"),
            Self::Email(_) => f.write_str("Recipient::Email(***)"),
        }
    }
}

fn uk_mobile(text: &str) -> Option<String> {
    let plus = text.starts_with('+');
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = kept.strip_prefix('+').unwrap_or(&kept);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // `+44 (0)7…` as often written: the (0) is dropped.
    let national = if let Some(rest) = digits.strip_prefix("0044") {
        rest.strip_prefix('0').unwrap_or(rest)
    } else if let Some(rest) = digits
        .strip_prefix("44")
        .filter(|_| plus || digits.len() == 12)
    {
        rest.strip_prefix('0').unwrap_or(rest)
    } else if plus {
        return None;
    } else {
        digits.strip_prefix('0')?
    };
    (national.len() == 10 && national.starts_with('7')).then(|| format!("+44{national}"))
}

fn email(text: &str) -> Option<String> {
    let (name, domain) = text.split_once('@')?;
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    (name_ok && domain_ok && text.len() <= 254)
        .then(|| format!("{name}@{}", domain.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_mobiles_in_every_usual_form_are_one_number() {
        for typed in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+447700900123",
            "447700900123",
            "0044 7700 900123",
            "+44 (0)7700 900123",
            "07700-900-123",
            " 07700 900 123 ",
        ] {
            assert_eq!(
                Recipient::parse(typed, Channel::Sms),
                Ok(Recipient::Mobile("+447700900123".into())),
                "{typed}"
            );
        }
    }

    #[test]
    fn what_is_not_a_uk_mobile_is_refused() {
        for typed in [
            "",
            "0113 496 0000",
            "0770090012",
            "077009001234",
            "+1 202 555 0143",
            "+33 6 12 34 56 78",
            "07700 90012a",
            "sam@example.org",
            "+0447700900123",
        ] {
            assert_eq!(
                Recipient::parse(typed, Channel::Sms),
                Err(RecipientProblem::NotAMobile),
                "{typed}"
            );
        }
    }

    #[test]
    fn emails_are_checked_and_their_domain_lower_cased() {
        assert_eq!(
            Recipient::parse(" Sam.Demo+desk@Example.ORG ", Channel::Email),
            Ok(Recipient::Email("Sam.Demo+desk@example.org".into()))
        );
        for typed in [
            "",
            "sam",
            "sam@",
            "@example.org",
            "sam@example",
            "sam@@example.org",
            "sam demo@example.org",
            "sam@exa mple.org",
            ".sam@example.org",
            "sam@-example.org",
            "07700 900123",
        ] {
            assert_eq!(
                Recipient::parse(typed, Channel::Email),
                Err(RecipientProblem::NotAnEmail),
                "{typed}"
            );
        }
        assert_eq!(
            Recipient::parse("sam@example.org", Channel::NhsApp),
            Err(RecipientProblem::NoneForNhsApp)
        );
    }

    #[test]
    fn shown_masked_and_never_in_debug() {
        let mobile = Recipient::parse("07700 900123", Channel::Sms).expect("mobile");
        assert_eq!(mobile.masked(), "mobile ending 123");
        assert_eq!(format!("{mobile:?}"), "Recipient::Mobile(***)");
        let email = Recipient::parse("sam@example.org", Channel::Email).expect("email");
        assert_eq!(email.masked(), "email s***@e***.org");
        assert!(!format!("{email:?}").contains("sam"));
    }
}
