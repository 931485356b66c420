//! Which column is which: header names (with a report's title lines above them),
//! or, without a header, the columns that hold NHS numbers and dates.

use jiff::civil::Date;

use super::records::{Record, cell_value};
use super::{ListError, NameColumns};
use crate::patient::{DateOfBirth, DateOfBirthError, NhsNumber};

/// Column names recognised for the NHS number, compared case-insensitively and
/// ignoring spaces, punctuation and anything in brackets.
pub const NHS_NUMBER_HEADERS: [&str; 6] = [
    "NHS number",
    "nhs_number",
    "NHS No",
    "NHS No.",
    "NHSNumber",
    "NHS",
];

/// Column names recognised for the date of birth, compared like [`NHS_NUMBER_HEADERS`].
pub const DATE_OF_BIRTH_HEADERS: [&str; 5] = [
    "DOB",
    "Date of birth",
    "date_of_birth",
    "Birth date",
    "D.O.B.",
];

/// Column names recognised for the forename, compared like [`NHS_NUMBER_HEADERS`].
pub const FORENAME_HEADERS: [&str; 3] = ["Forename", "First name", "Given name"];

/// Column names recognised for the surname, compared like [`NHS_NUMBER_HEADERS`].
pub const SURNAME_HEADERS: [&str; 3] = ["Surname", "Last name", "Family name"];

/// Column names recognised for the postcode, compared like [`NHS_NUMBER_HEADERS`].
pub const POSTCODE_HEADERS: [&str; 2] = ["Postcode", "Post code"];

/// Lines above the header row that may be a report's title (name, run date, blank).
pub(super) const MAX_TITLE_ROWS: usize = 20;

/// Rows examined when guessing columns in a file without a header.
const SNIFF_ROWS: usize = 50;

/// Columns examined when guessing columns in a file without a header.
const SNIFF_COLUMNS: usize = 64;

/// Where the header row is: 0, or the first record naming a column when every record
/// above it is a title line (none holds anything shaped like an NHS number, so no
/// patient is ever skipped as a title).
pub(super) fn header_after_title_rows(records: &[Record]) -> usize {
    let header = records
        .iter()
        .take(MAX_TITLE_ROWS + 1)
        .position(|record| header_columns(&record.cells).is_some());
    match header {
        Some(index)
            if records[..index]
                .iter()
                .all(|record| !record.cells.iter().any(|cell| looks_like_nhs_number(cell))) =>
        {
            index
        }
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    NhsNumber,
    DateOfBirth,
    Forename,
    Surname,
    Postcode,
}

#[derive(Clone, Copy)]
pub(super) struct Columns {
    pub(super) nhs: Option<usize>,
    pub(super) dob: usize,
    pub(super) names: Option<NameColumns>,
}

/// The first column a header row names for each field.
#[derive(Default)]
pub(super) struct NamedColumns {
    nhs: Option<usize>,
    dob: Option<usize>,
    forename: Option<usize>,
    surname: Option<usize>,
    postcode: Option<usize>,
}

impl NamedColumns {
    /// A date of birth column, and an NHS number column or all three name columns.
    pub(super) fn columns(&self) -> Result<Columns, ListError> {
        let names = match (self.forename, self.surname, self.postcode) {
            (Some(forename), Some(surname), Some(postcode)) => Some(NameColumns {
                forename,
                surname,
                postcode,
            }),
            _ => None,
        };
        if self.nhs.is_none() && names.is_none() {
            let missing: Vec<&str> = [
                (self.forename, "\"Forename\""),
                (self.surname, "\"Surname\""),
                (self.postcode, "\"Postcode\""),
            ]
            .iter()
            .filter(|(column, _)| column.is_none())
            .map(|(_, name)| *name)
            .collect();
            if missing.len() < 3 {
                let missing = match missing.as_slice() {
                    [one] => format!("a {one} column"),
                    more => format!("{} columns", more.join(" and ")),
                };
                return Err(ListError::IncompleteNameColumns { missing });
            }
            return Err(ListError::NoNhsNumberColumn);
        }
        let dob = self.dob.ok_or(ListError::NoDateOfBirthColumnInHeader)?;
        Ok(Columns {
            nhs: self.nhs,
            dob,
            names,
        })
    }
}

/// Lower-case letters and digits only, leaving out anything in brackets:
/// `Date of Birth (dd/mm/yyyy)` → `dateofbirth`.
fn header_key(cell: &str) -> String {
    let mut key = String::new();
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => key.extend(c.to_lowercase()),
            _ => {}
        }
    }
    key
}

pub(super) fn column_named(cell: &str) -> Option<Column> {
    let key = header_key(cell);
    let known: [(&[&str], Column); 5] = [
        (&NHS_NUMBER_HEADERS, Column::NhsNumber),
        (&DATE_OF_BIRTH_HEADERS, Column::DateOfBirth),
        (&FORENAME_HEADERS, Column::Forename),
        (&SURNAME_HEADERS, Column::Surname),
        (&POSTCODE_HEADERS, Column::Postcode),
    ];
    known
        .iter()
        .find(|(names, _)| names.iter().any(|name| header_key(name) == key))
        .map(|(_, column)| *column)
}

/// For a header row (one with a known column name): the first column it names for
/// each field. None when no cell is a known name.
pub(super) fn header_columns(cells: &[String]) -> Option<NamedColumns> {
    let mut named = NamedColumns::default();
    let mut any = false;
    for (index, cell) in cells.iter().enumerate() {
        let Some(column) = column_named(cell) else {
            continue;
        };
        any = true;
        let slot = match column {
            Column::NhsNumber => &mut named.nhs,
            Column::DateOfBirth => &mut named.dob,
            Column::Forename => &mut named.forename,
            Column::Surname => &mut named.surname,
            Column::Postcode => &mut named.postcode,
        };
        slot.get_or_insert(index);
    }
    any.then_some(named)
}

/// `A`, `B`, … `Z`, `AA`: the column as Excel labels it.
pub(super) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Ten digits, whatever the check digit or range says.
fn looks_like_nhs_number(cell: &str) -> bool {
    match NhsNumber::parse(cell_value(cell)) {
        Ok(_) => true,
        Err(e) => e.is_ten_digits(),
    }
}

/// Date-shaped, even if it is not a possible date of birth.
fn looks_like_date(cell: &str, today: Date) -> bool {
    !matches!(
        DateOfBirth::parse(cell_value(cell), today),
        Err(DateOfBirthError::Empty | DateOfBirthError::Unrecognised | DateOfBirthError::NotAMonth)
    )
}

/// For a file without a header: the first column where most sampled rows hold an
/// NHS number, and the first other column where most hold a date. Rows without any
/// digit (such as a header with unknown names) are left out of the sample.
pub(super) fn sniff_columns(records: &[Record], today: Date) -> (Option<usize>, Option<usize>) {
    let sample: Vec<&Record> = records
        .iter()
        .filter(|record| {
            record
                .cells
                .iter()
                .any(|cell| cell.chars().any(|c| c.is_ascii_digit()))
        })
        .take(SNIFF_ROWS)
        .collect();
    let width = sample
        .iter()
        .map(|record| record.cells.len())
        .max()
        .unwrap_or(0)
        .min(SNIFF_COLUMNS);
    let most_rows = |column: usize, test: &dyn Fn(&str) -> bool| {
        let hits = sample
            .iter()
            .filter(|record| record.cells.get(column).is_some_and(|cell| test(cell)))
            .count();
        hits * 2 > sample.len()
    };
    let nhs = (0..width).find(|&column| most_rows(column, &looks_like_nhs_number));
    let dob = (0..width).find(|&column| {
        Some(column) != nhs && most_rows(column, &|cell| looks_like_date(cell, today))
    });
    (nhs, dob)
}

/// A first row of letters only, in a file whose header wasn't recognised.
pub(super) fn looks_like_header(record: &Record) -> bool {
    record
        .cells
        .iter()
        .all(|cell| !cell.chars().any(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        assert_eq!(column_named("D.O.B."), Some(Column::DateOfBirth));
        assert_eq!(
            column_named(" Date of Birth (dd/mm/yyyy) "),
            Some(Column::DateOfBirth)
        );
        assert_eq!(column_named("NHS_No."), Some(Column::NhsNumber));
        assert_eq!(column_named("Name"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
