//! Batch intake: a list of patients read from a CSV file, sent ([`run`]), and the
//! results written back out as a CSV file. Reading and writing are pure: no egui, no
//! I/O, no threads.
//!
//! Reading ([`read_list`]):
//! - Encoding: a UTF-16 LE/BE byte-order mark means UTF-16 (Excel's "Unicode text");
//!   otherwise a UTF-8 BOM is stripped, and the bytes are UTF-8 if they are valid
//!   UTF-8, else Windows-1252 (what Excel writes on a practice PC).
//! - Delimiter: comma, semicolon or tab, whichever appears most often outside quotes
//!   on the first non-empty line that has any (comma when tied or none).
//! - Header: the first non-blank row is a header when one of its cells is a known
//!   column name (see [`NHS_NUMBER_HEADERS`], [`DATE_OF_BIRTH_HEADERS`]). A report's
//!   title lines may come above it (up to 20, none holding anything shaped like an NHS
//!   number): they are skipped and reported once ([`BatchList::title_rows_note`]). Without a
//!   header, the NHS number column is the first where most rows hold something shaped
//!   like an NHS number, and the date of birth column the first other one where most
//!   rows hold a date.
//! - Every non-blank row becomes exactly one [`BatchRow`], numbered as Excel numbers
//!   it (the header is row 1; blank lines count). Nothing is dropped.
//!
//! Records are read with the `csv` crate: a quote opens a quoted cell only as the
//! cell's first character (as in Excel), `""` inside one is a quote, and lines end
//! with `\n`, `\r\n` or `\r`. Around it, rows are numbered as Excel numbers them,
//! and a quote that is never closed, which the crate would let swallow the rest of
//! the file into one cell, makes only its record up to the end of the quote's line
//! an invalid row: reading carries on at the next line.
//!
//! Patient data: neither the `Debug` output of these types nor their error messages
//! hold NHS numbers or dates of birth.

// Reading is decode, then records, columns and check; results writes the file back;
// run sends the rows.
mod check;
mod columns;
mod decode;
mod records;
mod results;
pub mod run;

use std::collections::HashMap;
use std::fmt;

use jiff::civil::Date;
use thiserror::Error;

use crate::patient::{NhsNumber, PatientQuery, TestNumbers};
use check::check_record;
use columns::{Columns, header_after_title_rows, header_columns, looks_like_header, sniff_columns};
use decode::{decode, looks_like_text};
use records::split_records;

pub use columns::{
    DATE_OF_BIRTH_HEADERS, FORENAME_HEADERS, NHS_NUMBER_HEADERS, POSTCODE_HEADERS, SURNAME_HEADERS,
};
pub use records::Delimiter;
pub use results::{
    DETAILS_HEADER, RESULTS_FILE, RESULTS_HEADER, RESULTS_HEADER_WITH_NAMES, ResultOutcome,
    ResultRow, RowDetails, write_results,
};

/// Most patients (data rows) one file may hold.
pub const MAX_ROWS: usize = 50_000;

/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Why a file can't be used at all. The messages are shown to the user as they are.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ListError {
    #[error("The file is empty: it has no patients in it")]
    Empty,
    #[error("The file has a header row but no patients under it")]
    HeaderOnly,
    #[error("The file is too large: a list can be at most {} MB", MAX_BYTES / (1024 * 1024))]
    TooLarge,
    #[error(
        "The file has more than {MAX_ROWS} patients: split it into smaller lists of at most {MAX_ROWS}"
    )]
    TooManyRows,
    #[error(
        "This is a spreadsheet (such as an Excel workbook), not a CSV file: open it in Excel, choose File › Save As and pick \"CSV UTF-8 (Comma delimited)\""
    )]
    Spreadsheet,
    #[error(
        "This file isn't a text file: choose a CSV file saved from Excel or your clinical system"
    )]
    NotText,
    #[error(
        "No column of NHS numbers was found: add a header row naming the columns \"NHS number\" and \"Date of birth\""
    )]
    NoRecognisableColumns,
    #[error(
        "The header row has no NHS number column: name that column \"NHS number\" (or, to trace by name, add \"Forename\", \"Surname\" and \"Postcode\" columns)"
    )]
    NoNhsNumberColumn,
    #[error(
        "The header row has no NHS number column, and to trace by name it also needs {missing}"
    )]
    IncompleteNameColumns { missing: String },
    #[error("The header row has no date of birth column: name that column \"Date of birth\"")]
    NoDateOfBirthColumnInHeader,
    #[error(
        "No column of dates of birth was found: add a header row naming the columns \"NHS number\" and \"Date of birth\""
    )]
    NoDateOfBirthColumn,
}

/// What reading found in one row.
#[derive(Clone, PartialEq, Eq)]
pub enum RowCheck {
    /// Ready to send.
    Valid(PatientQuery),
    /// Not sent; `reason` says why, for the user (it may quote part of what was entered).
    Invalid { reason: String },
    /// The same NHS number and date of birth as the valid row `first_row`: sent once, from there.
    Duplicate { first_row: usize },
}

impl fmt::Debug for RowCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // PatientQuery's Debug is masked.
            Self::Valid(query) => f.debug_tuple("Valid").field(query).finish(),
            // A reason can quote part of a date ("February 1992 has only 29 days").
            Self::Invalid { .. } => f.write_str("Invalid { reason: *** }"),
            Self::Duplicate { first_row } => f
                .debug_struct("Duplicate")
                .field("first_row", first_row)
                .finish(),
        }
    }
}

/// One non-blank row of the file.
#[derive(Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// The row number Excel shows for it: 1-based, counting the header and blank lines.
    /// (The same as the line number unless a quoted cell above spans several lines.)
    pub row_number: usize,
    pub outcome: RowCheck,
    /// For showing and exporting: `999 000 0018` when it is a valid NHS number, else
    /// the cell as entered (trimmed; empty when the row has no such cell).
    pub nhs_number: String,
    /// For showing and exporting: `1992-02-01` when it is a valid date of birth, else
    /// the cell as entered (trimmed; empty when the row has no such cell).
    pub date_of_birth: String,
    /// For showing and exporting, like `nhs_number` (empty without such a column).
    pub forename: String,
    pub surname: String,
    pub postcode: String,
}

impl fmt::Debug for BatchRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchRow")
            .field("row_number", &self.row_number)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// How many rows of each kind a list has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub valid: usize,
    pub invalid: usize,
    pub duplicate: usize,
}

impl RowCounts {
    pub fn total(&self) -> usize {
        self.valid + self.invalid + self.duplicate
    }
}

/// Where a list's names and postcodes are, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameColumns {
    pub forename: usize,
    pub surname: usize,
    pub postcode: usize,
}

/// A file read by [`read_list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchList {
    /// Every non-blank data row, in file order.
    pub rows: Vec<BatchRow>,
    pub delimiter: Delimiter,
    pub had_header: bool,
    /// `UTF-8`, `windows-1252`, `UTF-16LE` or `UTF-16BE`.
    pub encoding_name: &'static str,
    /// 0-based index of the column the NHS numbers were read from (None: a list of
    /// names and postcodes only).
    pub nhs_column: Option<usize>,
    /// 0-based index of the column the dates of birth were read from.
    pub dob_column: usize,
    /// The forename, surname and postcode columns, when the header names all three.
    pub name_columns: Option<NameColumns>,
    /// Excel's row numbers of the lines above the header row (a report's title, run
    /// date, blank lines): skipped, not patients.
    pub title_rows: Option<std::ops::RangeInclusive<usize>>,
    /// Whether test-range NHS numbers were refused (the list was checked for Production).
    pub test_numbers: TestNumbers,
}

impl BatchList {
    /// Said once above the rows, when the file had title lines above its header.
    pub fn title_rows_note(&self) -> Option<String> {
        let rows = self.title_rows.as_ref()?;
        let which = if rows.start() == rows.end() {
            format!("Row {}", rows.start())
        } else {
            format!("Rows {}–{}", rows.start(), rows.end())
        };
        Some(format!(
            "{which} skipped: a report title above the header row, not patients"
        ))
    }

    /// The patients to send, each once, in file order, with their row numbers.
    pub fn valid_queries(&self) -> Vec<(usize, PatientQuery)> {
        self.rows
            .iter()
            .filter_map(|row| match &row.outcome {
                RowCheck::Valid(query) => Some((row.row_number, query.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn counts(&self) -> RowCounts {
        let mut counts = RowCounts::default();
        for row in &self.rows {
            match row.outcome {
                RowCheck::Valid(_) => counts.valid += 1,
                RowCheck::Invalid { .. } => counts.invalid += 1,
                RowCheck::Duplicate { .. } => counts.duplicate += 1,
            }
        }
        counts
    }
}

/// Reads a patient list from the bytes of a CSV (or tab-separated) file, checking each
/// row against `today` and, for a service with real patients, refusing test numbers.
/// See the module documentation for the rules.
pub fn read_list(
    bytes: &[u8],
    today: Date,
    test_numbers: TestNumbers,
) -> Result<BatchList, ListError> {
    if bytes.len() > MAX_BYTES {
        return Err(ListError::TooLarge);
    }
    // Zip (xlsx, ods) and OLE (old xls) containers.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ListError::Spreadsheet);
    }
    let (text, encoding_name) = decode(bytes);
    if text.trim().is_empty() {
        return Err(ListError::Empty);
    }
    if !looks_like_text(&text) {
        return Err(ListError::NotText);
    }

    let delimiter = Delimiter::sniff(&text);
    let records = split_records(&text, delimiter)?;
    let header_index = header_after_title_rows(&records);
    let Some(first) = records.get(header_index) else {
        return Err(ListError::Empty);
    };
    let title_rows = (header_index > 0).then(|| 1..=first.row - 1);

    let (had_header, columns) = match header_columns(&first.cells) {
        Some(named) => (true, named.columns()?),
        None => {
            let (nhs, dob) = sniff_columns(&records, today);
            let nhs = nhs.ok_or(ListError::NoRecognisableColumns)?;
            let dob = dob.ok_or(ListError::NoDateOfBirthColumn)?;
            let columns = Columns {
                nhs: Some(nhs),
                dob,
                names: None,
            };
            (false, columns)
        }
    };

    let data = if had_header {
        &records[header_index + 1..]
    } else {
        &records[..]
    };
    if data.is_empty() {
        return Err(ListError::HeaderOnly);
    }
    if data.len() > MAX_ROWS {
        return Err(ListError::TooManyRows);
    }

    let mut first_with_query: HashMap<PatientQuery, usize> = HashMap::new();
    let mut first_with_number: HashMap<NhsNumber, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(data.len());
    for (index, record) in data.iter().enumerate() {
        let unrecognised_header = !had_header && index == 0 && looks_like_header(record);
        let checked = check_record(record, columns, today, test_numbers, unrecognised_header);
        let outcome = match checked.query {
            Err(reason) => RowCheck::Invalid { reason },
            Ok(query) => {
                if let Some(&first_row) = first_with_query.get(&query) {
                    RowCheck::Duplicate { first_row }
                } else if let Some(&first_row) =
                    query.nhs_number().and_then(|n| first_with_number.get(n))
                {
                    RowCheck::Invalid {
                        reason: format!(
                            "same NHS number as row {first_row} with a different date of birth: check which is right (row {first_row} is sent)"
                        ),
                    }
                } else {
                    first_with_query.insert(query.clone(), record.row);
                    if let Some(number) = query.nhs_number() {
                        first_with_number.insert(number.clone(), record.row);
                    }
                    RowCheck::Valid(query)
                }
            }
        };
        rows.push(BatchRow {
            row_number: record.row,
            outcome,
            nhs_number: checked.nhs_display,
            date_of_birth: checked.dob_display,
            forename: checked.forename_display,
            surname: checked.surname_display,
            postcode: checked.postcode_display,
        });
    }

    Ok(BatchList {
        rows,
        delimiter,
        had_header,
        encoding_name,
        nhs_column: columns.nhs,
        dob_column: columns.dob,
        name_columns: columns.names,
        title_rows,
        test_numbers,
    })
}
