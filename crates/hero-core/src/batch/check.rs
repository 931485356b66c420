//! One record to a patient query, or every problem with it, for the user.

use jiff::civil::Date;

use super::columns::{Columns, column_letter, column_named};
use super::records::{Record, cell_value};
use crate::demographics::{Demographics, NameError, NamePart, PersonName, Postcode, PostcodeError};
use crate::patient::{
    DateOfBirth, DateOfBirthError, NhsNumber, NhsNumberError, PatientQuery, TestNumbers,
};

pub(super) struct CheckedRecord {
    pub(super) query: Result<PatientQuery, String>,
    pub(super) nhs_display: String,
    pub(super) dob_display: String,
    pub(super) forename_display: String,
    pub(super) surname_display: String,
    pub(super) postcode_display: String,
}

fn plural_columns(n: usize) -> String {
    if n == 1 {
        "1 column".to_owned()
    } else {
        format!("{n} columns")
    }
}

/// Excel writes long numbers it shows as `9.99E+09` that way, losing digits.
fn is_scientific_notation(value: &str) -> bool {
    let upper = value.to_ascii_uppercase();
    upper.contains("E+")
        && upper
            .replace("E+", "")
            .replace('.', "")
            .parse::<u64>()
            .is_ok()
}

fn nhs_problem(value: &str, test_numbers: TestNumbers) -> Result<NhsNumber, String> {
    if is_scientific_notation(value) {
        return Err("NHS number: Excel has written it in scientific notation (like 9.99E+09), which loses digits: in the spreadsheet, format the column as Number with no decimal places, then save as CSV again".to_owned());
    }
    NhsNumber::parse_for(value, test_numbers).map_err(|e| match e {
        NhsNumberError::Empty => "missing NHS number".to_owned(),
        e => format!("NHS number: {e}"),
    })
}

fn dob_problem(value: &str, today: Date) -> Result<DateOfBirth, String> {
    DateOfBirth::parse(value, today).map_err(|e| match e {
        DateOfBirthError::Empty => "missing date of birth".to_owned(),
        e => format!("Date of birth: {e}"),
    })
}

pub(super) fn check_record(
    record: &Record,
    columns: Columns,
    today: Date,
    test_numbers: TestNumbers,
    unrecognised_header: bool,
) -> CheckedRecord {
    let width = plural_columns(record.cells.len());
    // A cell the row is too short to have is a problem of its own, naming the column.
    let cell = |column: usize, what: &str| {
        record
            .cells
            .get(column)
            .map(|c| cell_value(c))
            .ok_or_else(|| {
                format!(
                    "row has only {width}: no {what} (expected in column {})",
                    column_letter(column)
                )
            })
    };
    let nhs_cell = columns.nhs.map(|column| cell(column, "NHS number"));
    let dob_cell = cell(columns.dob, "date of birth");
    let nhs = nhs_cell
        .clone()
        .map(|c| c.and_then(|value| nhs_problem(value, test_numbers)));
    let dob = dob_cell.clone().and_then(|value| dob_problem(value, today));
    let names = columns
        .names
        .map(|n| NameCells::read(record, n.forename, n.surname, n.postcode));

    let nhs_display = match (&nhs, &nhs_cell) {
        (Some(Ok(number)), _) => number.formatted(),
        (_, Some(Ok(value))) => (*value).to_owned(),
        _ => String::new(),
    };
    let dob_display = match (&dob, &dob_cell) {
        (Ok(dob), _) => dob.iso(),
        (_, Ok(value)) => (*value).to_owned(),
        _ => String::new(),
    };
    let [forename_display, surname_display, postcode_display] = names
        .as_ref()
        .map_or_else(Default::default, NameCells::shown);

    let nhs_typed = matches!(&nhs_cell, Some(Ok(value)) if !value.is_empty());
    let repeated_header = matches!(&nhs_cell, Some(Ok(value)) if column_named(value).is_some())
        || names.as_ref().is_some_and(NameCells::is_header);
    let query = if record.unclosed_quote {
        Err("a quoted value on this line is never closed (a \" without its partner): the line may have been cut short".to_owned())
    } else if repeated_header {
        Err("this is a repeated header row, not a patient".to_owned())
    } else if unrecognised_header {
        Err("this looks like a header row, but no column name was recognised: name the columns \"NHS number\" and \"Date of birth\"".to_owned())
    } else {
        match (nhs, names) {
            // A valid NHS number is always the trace used.
            (Some(Ok(nhs_number)), _) => {
                dob.map(|dob| PatientQuery::ByNhsNumber { nhs_number, dob })
            }
            (nhs, Some(names)) if names.any_typed() => match (names.query(dob), nhs) {
                (Ok(query), _) => Ok(query),
                // Say why the NHS number wasn't used, when one was there.
                (Err(problems), Some(Err(nhs_problem))) if nhs_typed => Err(format!(
                    "{nhs_problem}; and by name and postcode: {problems}"
                )),
                (Err(problems), _) => Err(problems),
            },
            (Some(Err(_)), Some(_)) if !nhs_typed => {
                Err("no NHS number, and no name and postcode to trace by".to_owned())
            }
            (Some(Err(nhs_problem)), _) => Err([Err(nhs_problem), dob.map(drop)]
                .into_iter()
                .filter_map(Result::err)
                .collect::<Vec<_>>()
                .join("; ")),
            (None, _) => Err("missing forename, surname and postcode".to_owned()),
        }
    };
    CheckedRecord {
        query,
        nhs_display,
        dob_display,
        forename_display,
        surname_display,
        postcode_display,
    }
}

/// A row's forename, surname and postcode cells, as entered and as checked.
struct NameCells<'a> {
    entered: [&'a str; 3],
    forename: Result<PersonName, NameError>,
    surname: Result<PersonName, NameError>,
    postcode: Result<Postcode, PostcodeError>,
}

impl<'a> NameCells<'a> {
    /// Cells a short row doesn't have read as empty: the messages then ask for them.
    fn read(record: &'a Record, forename: usize, surname: usize, postcode: usize) -> Self {
        let entered = [forename, surname, postcode]
            .map(|c| record.cells.get(c).map_or("", |v| cell_value(v)));
        Self {
            entered,
            forename: PersonName::parse(entered[0], NamePart::Forename),
            surname: PersonName::parse(entered[1], NamePart::Surname),
            postcode: Postcode::parse(entered[2]),
        }
    }

    fn any_typed(&self) -> bool {
        self.entered.iter().any(|value| !value.is_empty())
    }

    fn is_header(&self) -> bool {
        self.entered
            .iter()
            .any(|value| column_named(value).is_some())
    }

    /// As sent when valid, else as entered.
    fn shown(&self) -> [String; 3] {
        let or_entered =
            |checked: Option<&str>, index: usize| checked.unwrap_or(self.entered[index]).to_owned();
        [
            or_entered(self.forename.as_ref().ok().map(PersonName::as_str), 0),
            or_entered(self.surname.as_ref().ok().map(PersonName::as_str), 1),
            or_entered(self.postcode.as_ref().ok().map(Postcode::as_str), 2),
        ]
    }

    /// The demographics trace, or every problem with it.
    fn query(self, dob: Result<DateOfBirth, String>) -> Result<PatientQuery, String> {
        match (self.forename, self.surname, dob, self.postcode) {
            (Ok(forename), Ok(surname), Ok(dob), Ok(postcode)) => {
                Ok(PatientQuery::ByDemographics(Demographics {
                    forename,
                    surname,
                    dob,
                    postcode,
                }))
            }
            (forename, surname, dob, postcode) => Err([
                forename.map(drop).map_err(|e| e.to_string()),
                surname.map(drop).map_err(|e| e.to_string()),
                dob.map(drop),
                postcode.map(drop).map_err(|e| e.to_string()),
            ]
            .into_iter()
            .filter_map(Result::err)
            .collect::<Vec<_>>()
            .join("; ")),
        }
    }
}
