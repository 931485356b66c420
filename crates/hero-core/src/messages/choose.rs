//! Picking an appointment type or a location by what was typed: its ID exactly, else
//! its name in any case, else the one name containing the text. Never a guess between
//! two.

use thiserror::Error;

use crate::api::Choice;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChoiceProblem {
    #[error("Nothing matches \"{typed}\": the choices are {}", names(.choices))]
    Unknown { typed: String, choices: Vec<Choice> },
    #[error("\"{typed}\" matches more than one: {}", names(.matches))]
    Ambiguous { typed: String, matches: Vec<Choice> },
}

fn names(choices: &[Choice]) -> String {
    choices
        .iter()
        .map(|c| format!("{} ({})", c.name, c.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one choice `typed` names among `choices`.
pub fn choose<'a>(choices: &'a [Choice], typed: &str) -> Result<&'a Choice, ChoiceProblem> {
    let typed = typed.trim();
    if let Some(exact) = choices.iter().find(|c| c.id == typed) {
        return Ok(exact);
    }
    let wanted = typed.to_lowercase();
    let named: Vec<&Choice> = choices
        .iter()
        .filter(|c| c.name.to_lowercase() == wanted)
        .collect();
    let candidates = if named.is_empty() && !wanted.is_empty() {
        choices
            .iter()
            .filter(|c| c.name.to_lowercase().contains(&wanted))
            .collect()
    } else {
        named
    };
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(ChoiceProblem::Unknown {
            typed: typed.to_owned(),
            choices: choices.to_vec(),
        }),
        many => Err(ChoiceProblem::Ambiguous {
            typed: typed.to_owned(),
            matches: many.iter().map(|c| (*c).clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Vec<Choice> {
        [
            ("101", "Flu vaccination"),
            ("102", "Nurse review"),
            ("103", "Nurse review (telephone)"),
            ("7", "Blood test"),
        ]
        .into_iter()
        .map(|(id, name)| Choice {
            id: id.into(),
            name: name.into(),
        })
        .collect()
    }

    #[test]
    fn by_id_by_name_in_any_case_or_by_the_one_name_containing_it() {
        let list = choices();
        assert_eq!(choose(&list, "102").map(|c| &c.id[..]), Ok("102"));
        assert_eq!(
            choose(&list, "FLU VACCINATION").map(|c| &c.id[..]),
            Ok("101")
        );
        assert_eq!(
            choose(&list, " nurse review ").map(|c| &c.id[..]),
            Ok("102")
        );
        assert_eq!(choose(&list, "blood").map(|c| &c.id[..]), Ok("7"));
    }

    #[test]
    fn unknown_and_ambiguous_list_the_choices() {
        let list = choices();
        let unknown = choose(&list, "dentist").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "Nothing matches \"dentist\": the choices are Flu vaccination (101), Nurse review (102), Nurse review (telephone) (103), Blood test (7)"
        );
        let ambiguous = choose(&list, "nurse").unwrap_err();
        assert_eq!(
            ambiguous.to_string(),
            "\"nurse\" matches more than one: Nurse review (102), Nurse review (telephone) (103)"
        );
        assert!(matches!(
            choose(&list, ""),
            Err(ChoiceProblem::Unknown { .. })
        ));
    }
}
