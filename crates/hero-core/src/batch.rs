//! Batch intake, the pure part: a list of patients read from a CSV file, and the
//! results written back out as a CSV file. No egui, no I/O, no threads.
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

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use jiff::civil::Date;
use thiserror::Error;

use crate::api::types::Registration;
use crate::demographics::{Demographics, NameError, NamePart, PersonName, Postcode, PostcodeError};
use crate::patient::{
    DateOfBirth, DateOfBirthError, NhsNumber, NhsNumberError, PatientQuery, TestNumbers, Trace,
};

/// Most patients (data rows) one file may hold.
pub const MAX_ROWS: usize = 50_000;

/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

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

/// The header row [`write_results`] writes for a list of NHS numbers.
pub const RESULTS_HEADER: [&str; 9] = [
    "Row",
    "NHS number",
    "Date of birth",
    "Trace",
    "Outcome",
    "Patient ID",
    "Verification link",
    "Cause",
    "What to do",
];

/// The header row [`write_results`] writes when the list had names and postcodes.
pub const RESULTS_HEADER_WITH_NAMES: [&str; 12] = [
    "Row",
    "NHS number",
    "Date of birth",
    "Forename",
    "Surname",
    "Postcode",
    "Trace",
    "Outcome",
    "Patient ID",
    "Verification link",
    "Cause",
    "What to do",
];

/// Lines above the header row that may be a report's title (name, run date, blank).
const MAX_TITLE_ROWS: usize = 20;

/// Rows examined when guessing columns in a file without a header.
const SNIFF_ROWS: usize = 50;

/// Columns examined when guessing columns in a file without a header.
const SNIFF_COLUMNS: usize = 64;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

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

/// The character between cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn as_char(self) -> char {
        match self {
            Self::Comma => ',',
            Self::Semicolon => ';',
            Self::Tab => '\t',
        }
    }

    fn as_byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    /// For people: `comma`, `semicolon`, `tab`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Comma => "comma",
            Self::Semicolon => "semicolon",
            Self::Tab => "tab",
        }
    }

    /// The most frequent of the three outside quotes on the first non-empty line that
    /// has any; comma when tied or when there is none.
    fn sniff(text: &str) -> Self {
        // Title lines above a header may hold any delimiter ("Patient list, Leeds"):
        // a line naming a known column decides; else the first line with a delimiter.
        let lines: Vec<&str> = text
            .split(['\r', '\n'])
            .filter(|line| !line.trim().is_empty())
            .take(MAX_TITLE_ROWS + 1)
            .collect();
        let names_a_column = |line: &&&str| {
            line.split([',', ';', '\t'])
                .any(|cell| column_named(cell.trim().trim_matches('"')).is_some())
        };
        let [comma, semicolon, tab] = lines
            .iter()
            .find(names_a_column)
            .or_else(|| {
                lines
                    .iter()
                    .find(|line| delimiter_counts(line).iter().any(|&n| n > 0))
            })
            .map(|line| delimiter_counts(line))
            .unwrap_or_default();
        if semicolon > comma && semicolon >= tab {
            Self::Semicolon
        } else if tab > comma && tab > semicolon {
            Self::Tab
        } else {
            Self::Comma
        }
    }
}

/// Commas, semicolons and tabs outside quotes on one line.
fn delimiter_counts(line: &str) -> [usize; 3] {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in line.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    counts
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

/// Where the header row is: 0, or the first record naming a column when every record
/// above it is a title line (none holds anything shaped like an NHS number, so no
/// patient is ever skipped as a title).
fn header_after_title_rows(records: &[Record]) -> usize {
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

// ---------------------------------------------------------------------------
// Decoding

fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if encoding == UTF_8 {
            return decode_utf8_or_1252(body);
        }
        let (text, _had_errors) = encoding.decode_without_bom_handling(body);
        return (text, encoding.name());
    }
    decode_utf8_or_1252(bytes)
}

fn decode_utf8_or_1252(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), UTF_8.name()),
        Err(_) => {
            let (text, _had_errors) = WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, WINDOWS_1252.name())
        }
    }
}

/// False for binary files: any NUL, or more than 1% control characters (other than
/// tab and line ends). A stray control character or two is left for the row checks.
fn looks_like_text(text: &str) -> bool {
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        if c == '\0' {
            return false;
        }
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
            controls += 1;
        }
    }
    controls < 3 || controls * 100 <= chars
}

// ---------------------------------------------------------------------------
// Reading records (the `csv` crate)

/// One non-blank record of the file.
struct Record {
    /// Excel's row number.
    row: usize,
    cells: Vec<String>,
    /// The record ran to the end of the file inside a quoted cell that is never closed.
    unclosed_quote: bool,
}

/// Read after the text. A quoted cell left open at the end of the text swallows
/// it; otherwise its line end ends the last record and `\x01` makes one of its own.
/// So a record that used all of it is one whose quote was never closed.
const SENTINEL: &str = "\n\x01";

/// Splits the text into its non-blank records, numbering rows as Excel does: every
/// record and every blank line is one row, whatever line ends a quoted cell holds.
///
/// A quote that is never closed would swallow the rest of the file into one cell;
/// instead that record is kept only up to the end of the line the quote opened on
/// (and marked `unclosed_quote`), and reading starts again at the next line. After
/// such a quote every later quote is one of a `""` pair, so no later quote can be
/// left open: the text is read at most twice.
fn split_records(text: &str, delimiter: Delimiter) -> Result<Vec<Record>, ListError> {
    let mut records = Vec::new();
    let mut row = 0;
    let mut start = 0;
    while start < text.len() {
        match read_records_from(text, start, delimiter, &mut row, &mut records)? {
            Some(next_line) => start = next_line,
            None => break,
        }
    }
    Ok(records)
}

/// Reads records from `text[start..]` (which starts a line) onto `records`. Returns
/// where to start again when a quote is never closed, or None at the end of the text.
fn read_records_from(
    text: &str,
    start: usize,
    delimiter: Delimiter,
    row: &mut usize,
    records: &mut Vec<Record>,
) -> Result<Option<usize>, ListError> {
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.as_byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Read::chain(&bytes[start..], SENTINEL.as_bytes()));
    let mut record = csv::StringRecord::new();
    loop {
        // Where the previous record's line end was read up to: the reader then
        // skips any blank lines before the next record.
        let after_previous = position_byte(start, reader.position());
        // Reading from memory has no I/O errors, and the text is UTF-8.
        if !reader
            .read_record(&mut record)
            .map_err(|_| ListError::NotText)?
        {
            return Ok(None);
        }
        let after_previous = after_previous.min(bytes.len());
        let record_start = after_previous
            + bytes[after_previous..]
                .iter()
                .take_while(|&&b| matches!(b, b'\r' | b'\n'))
                .count();
        if record_start >= bytes.len() {
            // Only the sentinel's own record starts after the text.
            return Ok(None);
        }
        *row += 1 + line_ends(bytes, after_previous, record_start);
        let end = position_byte(start, reader.position());
        let unclosed_quote = end >= bytes.len() + SENTINEL.len();
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        let mut next_line = None;
        if unclosed_quote {
            let (kept, line_end) = cut_unclosed_cell(text, record_start, &cells);
            if let Some(last) = cells.last_mut() {
                *last = kept;
            }
            next_line = Some(next_line_start(bytes, line_end));
        } else if cells
            .iter()
            .all(|cell| without_spaced_quotes(cell).is_empty())
        {
            continue;
        }
        records.push(Record {
            row: *row,
            cells,
            unclosed_quote,
        });
        // The header, if any, plus MAX_ROWS patients.
        if records.len() > MAX_ROWS + 1 {
            return Err(ListError::TooManyRows);
        }
        if next_line.is_some() {
            return Ok(next_line);
        }
    }
}

/// Where in the text the reader of `text[start..]` is.
fn position_byte(start: usize, position: &csv::Position) -> usize {
    usize::try_from(position.byte()).map_or(usize::MAX, |byte| start.saturating_add(byte))
}

/// For a record whose last cell is a quoted cell never closed (running on through
/// the sentinel): that cell up to the end of the line its quote opened on, and
/// where that line ends in the text.
fn cut_unclosed_cell(text: &str, record_start: usize, cells: &[String]) -> (String, usize) {
    let bytes = text.as_bytes();
    let content = cells.last().map_or("", String::as_str);
    let content = content.strip_suffix(SENTINEL).unwrap_or(content);
    // In the text the cell is its opening quote, then its content with each `"`
    // doubled, to the end.
    let written_len = content.len() + content.matches('"').count();
    let opening_quote = bytes
        .len()
        .checked_sub(written_len + 1)
        .filter(|&at| at >= record_start && bytes[at] == b'"')
        .unwrap_or(record_start);
    let line_end = bytes[opening_quote..]
        .iter()
        .position(|&b| matches!(b, b'\r' | b'\n'))
        .map_or(bytes.len(), |len| opening_quote + len);
    let kept = content
        .split(['\r', '\n'])
        .next()
        .unwrap_or_default()
        .to_owned();
    (kept, line_end)
}

/// The start of the line after the line end at `line_end` (`\n`, `\r\n` or `\r`).
fn next_line_start(bytes: &[u8], line_end: usize) -> usize {
    match bytes.get(line_end..) {
        Some([b'\r', b'\n', ..]) => line_end + 2,
        Some([_, ..]) => line_end + 1,
        _ => bytes.len(),
    }
}

/// How many line ends `bytes[from..to]` holds, `\r\n` counting once (also when the
/// `\r` is just before `from`).
fn line_ends(bytes: &[u8], from: usize, to: usize) -> usize {
    (from..to)
        .filter(|&at| match bytes[at] {
            b'\r' => true,
            b'\n' => at == 0 || bytes[at - 1] != b'\r',
            _ => false,
        })
        .count()
}

// ---------------------------------------------------------------------------
// Columns

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    NhsNumber,
    DateOfBirth,
    Forename,
    Surname,
    Postcode,
}

#[derive(Clone, Copy)]
struct Columns {
    nhs: Option<usize>,
    dob: usize,
    names: Option<NameColumns>,
}

/// The first column a header row names for each field.
#[derive(Default)]
struct NamedColumns {
    nhs: Option<usize>,
    dob: Option<usize>,
    forename: Option<usize>,
    surname: Option<usize>,
    postcode: Option<usize>,
}

impl NamedColumns {
    /// A date of birth column, and an NHS number column or all three name columns.
    fn columns(&self) -> Result<Columns, ListError> {
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

fn column_named(cell: &str) -> Option<Column> {
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
fn header_columns(cells: &[String]) -> Option<NamedColumns> {
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

/// The cell's value: trimmed, and unwrapped from quotes after a space (see
/// [`without_spaced_quotes`]) and from Excel's `="…"` keep-as-text form.
fn cell_value(cell: &str) -> &str {
    let value = without_spaced_quotes(cell);
    value
        .strip_prefix("=\"")
        .and_then(|inner| inner.strip_suffix('"'))
        .map(str::trim)
        .unwrap_or(value)
}

/// The cell trimmed, and unwrapped from quotes that follow a space
/// (`9990000018, "01/02/1992"`): in CSV, as in Excel, only a cell's first character
/// can open quotes, so such quotes are read as part of the cell.
fn without_spaced_quotes(cell: &str) -> &str {
    let trimmed = cell.trim();
    if cell.starts_with(' ')
        && let Some(inner) = trimmed
            .strip_prefix('"')
            .and_then(|inner| inner.strip_suffix('"'))
    {
        return inner.trim();
    }
    trimmed
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
fn sniff_columns(records: &[Record], today: Date) -> (Option<usize>, Option<usize>) {
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
fn looks_like_header(record: &Record) -> bool {
    record
        .cells
        .iter()
        .all(|cell| !cell.chars().any(|c| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------
// Checking rows

struct CheckedRecord {
    query: Result<PatientQuery, String>,
    nhs_display: String,
    dob_display: String,
    forename_display: String,
    surname_display: String,
    postcode_display: String,
}

/// `A`, `B`, … `Z`, `AA`: the column as Excel labels it.
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
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

fn check_record(
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

// ---------------------------------------------------------------------------
// Writing results

/// What happened to one row of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultOutcome {
    Registered,
    VerificationRequired,
    Failed,
    /// Not sent: the row was invalid.
    Invalid,
    /// Not sent: the same patient as an earlier row.
    Duplicate,
    /// Not sent: the batch was cancelled first.
    NotSent,
}

impl ResultOutcome {
    /// As written in the Outcome column.
    pub fn label(self) -> &'static str {
        match self {
            Self::Registered => "Registered",
            Self::VerificationRequired => "Verification required",
            Self::Failed => "Failed",
            Self::Invalid => "Invalid",
            Self::Duplicate => "Duplicate",
            Self::NotSent => "Not sent",
        }
    }
}

impl fmt::Display for ResultOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One line of the results file.
#[derive(Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// The row number in the file that was read.
    pub row_number: usize,
    /// `999 000 0018` when it was valid, else as entered.
    pub nhs_number: String,
    /// `1992-02-01` when it was valid, else as entered.
    pub dob_iso: String,
    /// As sent when valid, else as entered; empty for a list without these columns.
    pub forename: String,
    pub surname: String,
    pub postcode: String,
    /// The trace the row was sent with (None: not sent).
    pub trace: Option<Trace>,
    pub outcome: ResultOutcome,
    pub patient_id: Option<String>,
    pub login_url: Option<String>,
    /// Why, for anything but Registered (empty when there is nothing to say).
    pub cause: String,
    /// What the user should do (empty when nothing).
    pub fix: String,
}

impl fmt::Debug for ResultRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultRow")
            .field("row_number", &self.row_number)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl ResultRow {
    /// A patient Hero accepted.
    pub fn registered(
        row_number: usize,
        query: &PatientQuery,
        registration: &Registration,
    ) -> Self {
        let base = Self::for_query(row_number, query);
        match registration {
            Registration::Registered { patient_id } => Self {
                outcome: ResultOutcome::Registered,
                patient_id: Some(patient_id.as_str().to_owned()),
                ..base
            },
            Registration::VerificationRequired { message, login_url } => Self {
                outcome: ResultOutcome::VerificationRequired,
                login_url: Some(login_url.clone()),
                cause: message.clone(),
                fix: "Give the patient the verification link so they can confirm who they are"
                    .to_owned(),
                ..base
            },
        }
    }

    /// A patient that was sent but not registered.
    pub fn failed(
        row_number: usize,
        query: &PatientQuery,
        cause: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            outcome: ResultOutcome::Failed,
            cause: cause.into(),
            fix: fix.into(),
            ..Self::for_query(row_number, query)
        }
    }

    /// A row that was not sent: Invalid and Duplicate rows as read, and Valid rows
    /// as Not sent (the batch was cancelled before them).
    pub fn unsent(row: &BatchRow) -> Self {
        let (outcome, cause, fix) = match &row.outcome {
            RowCheck::Invalid { reason } => (
                ResultOutcome::Invalid,
                reason.clone(),
                "Correct this row in the list, then import it again".to_owned(),
            ),
            RowCheck::Duplicate { first_row } => (
                ResultOutcome::Duplicate,
                format!("Same patient details as row {first_row}"),
                format!("Nothing: the patient is sent once, from row {first_row}"),
            ),
            RowCheck::Valid(_) => (
                ResultOutcome::NotSent,
                "Not sent: the batch was stopped before this row".to_owned(),
                "Send this patient again".to_owned(),
            ),
        };
        Self {
            row_number: row.row_number,
            nhs_number: row.nhs_number.clone(),
            dob_iso: row.date_of_birth.clone(),
            forename: row.forename.clone(),
            surname: row.surname.clone(),
            postcode: row.postcode.clone(),
            trace: None,
            outcome,
            patient_id: None,
            login_url: None,
            cause,
            fix,
        }
    }

    /// The patient columns as the list had them (as sent when valid, else as entered),
    /// so a results file keeps every column it read, whichever trace was used.
    pub fn with_cells_of(self, row: &BatchRow) -> Self {
        Self {
            nhs_number: row.nhs_number.clone(),
            dob_iso: row.date_of_birth.clone(),
            forename: row.forename.clone(),
            surname: row.surname.clone(),
            postcode: row.postcode.clone(),
            ..self
        }
    }

    fn for_query(row_number: usize, query: &PatientQuery) -> Self {
        let (forename, surname, postcode) = match query {
            PatientQuery::ByDemographics(d) => (
                d.forename.as_str().to_owned(),
                d.surname.as_str().to_owned(),
                d.postcode.as_str().to_owned(),
            ),
            PatientQuery::ByNhsNumber { .. } => Default::default(),
        };
        Self {
            row_number,
            nhs_number: query
                .nhs_number()
                .map(NhsNumber::formatted)
                .unwrap_or_default(),
            dob_iso: query.dob().iso(),
            forename,
            surname,
            postcode,
            trace: Some(query.trace()),
            outcome: ResultOutcome::Failed,
            patient_id: None,
            login_url: None,
            cause: String::new(),
            fix: String::new(),
        }
    }
}

/// The results file: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
/// comma-separated, CRLF line ends, headed by [`RESULTS_HEADER`], or by
/// [`RESULTS_HEADER_WITH_NAMES`] when any row has a name or postcode. [`read_list`]
/// reads it back (its patient columns).
///
/// Cells that Excel would take for a formula (starting `=`, `+`, `-`, `@`, tab or CR)
/// get a leading `'`, so text from a server can't run as a formula.
pub fn write_results(rows: &[ResultRow]) -> Vec<u8> {
    let mut bytes = UTF8_BOM.to_vec();
    if write_records(&mut bytes, rows).is_err() {
        // Only I/O can fail (every record has as many cells as the header), and a Vec can't.
        unreachable!("writing the results to memory failed");
    }
    bytes
}

fn write_records(out: &mut Vec<u8>, rows: &[ResultRow]) -> csv::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let with_names = rows
        .iter()
        .any(|r| !(r.forename.is_empty() && r.surname.is_empty() && r.postcode.is_empty()));
    if with_names {
        writer.write_record(RESULTS_HEADER_WITH_NAMES)?;
    } else {
        writer.write_record(RESULTS_HEADER)?;
    }
    for row in rows {
        let row_number = row.row_number.to_string();
        let names = [row.forename.as_str(), &row.surname, &row.postcode];
        let cells = [row_number.as_str(), &row.nhs_number, &row.dob_iso]
            .into_iter()
            .chain(names.into_iter().filter(|_| with_names))
            .chain([
                row.trace.map_or("", Trace::label),
                row.outcome.label(),
                row.patient_id.as_deref().unwrap_or(""),
                row.login_url.as_deref().unwrap_or(""),
                &row.cause,
                &row.fix,
            ]);
        writer.write_record(cells.map(neutralise_formula).map(|c| c.into_owned()))?;
    }
    writer.flush()?;
    Ok(())
}

/// The cell with a leading `'` when Excel would take it for a formula.
fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<Record> {
        split_records(text, Delimiter::Comma).unwrap_or_default()
    }

    fn cells(text: &str) -> Vec<Vec<String>> {
        records(text).into_iter().map(|r| r.cells).collect()
    }

    fn rows(text: &str) -> Vec<(usize, bool)> {
        records(text)
            .iter()
            .map(|r| (r.row, r.unclosed_quote))
            .collect()
    }

    #[test]
    fn reader_handles_quotes_and_line_ends() {
        assert_eq!(
            cells("a,\"b,c\",\"d\"\"e\"\r\nf, \"g\" ,h\rz"),
            vec![
                vec!["a", "b,c", "d\"e"],
                vec!["f", " \"g\" ", "h"],
                vec!["z"]
            ]
        );
        assert_eq!(cells("a\"b,c"), vec![vec!["a\"b", "c"]]);
        assert_eq!(cells("\"multi\nline\",x\n"), vec![vec!["multi\nline", "x"]]);
        assert_eq!(cells(",,\n  \n\n"), Vec::<Vec<String>>::new());
        assert_eq!(
            split_records("a;\"b;c\"\td\n", Delimiter::Semicolon)
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.cells)
                .collect::<Vec<_>>(),
            vec![vec!["a", "b;c\td"]]
        );
    }

    #[test]
    fn quotes_after_a_space_are_taken_off_the_value() {
        assert_eq!(cell_value(" \"g\" "), "g");
        assert_eq!(cell_value(" \"01/02/1992\""), "01/02/1992");
        assert_eq!(cell_value(" =\"9990000018\""), "9990000018");
        // Without the space the quotes are the cell's own (written as `"""g"""`).
        assert_eq!(cell_value("\"g\""), "\"g\"");
        assert_eq!(cell_value(" \""), "\"");
        // Blank, as they were when spaces before a quote were skipped.
        assert_eq!(cells(",  \"\"\n \" \" , \"\"\nx"), vec![vec!["x"]]);
    }

    #[test]
    fn unclosed_quote_keeps_only_its_line() {
        let text = "a,b\n\"c,d\ne,f\ng,\"\"h\n";
        assert_eq!(
            rows(text),
            vec![(1, false), (2, true), (3, false), (4, false)]
        );
        assert_eq!(
            cells(text),
            vec![vec!["a", "b"], vec!["c,d"], vec!["e", "f"], vec!["g", "h"]]
        );
        // At the very end, with and without a line end, and with a doubled quote in it.
        for text in ["h\nx,\"y\"\"z", "h\nx,\"y\"\"z\r\n", "h\r\nx,\"y\"\"z\r"] {
            assert_eq!(rows(text), vec![(1, false), (2, true)], "{text:?}");
            assert_eq!(cells(text)[1], vec!["x", "y\"z"], "{text:?}");
        }
        // Quotes closed properly at the end are not reported.
        for text in ["h\nx,\"y\"", "h\nx,\"y\"\n", "h\nx,\"\"", "h\nx,\"y\n\"\r"] {
            assert_eq!(rows(text), vec![(1, false), (2, false)], "{text:?}");
        }
    }

    #[test]
    fn unclosed_quote_after_a_multiline_cell_keeps_the_cell() {
        // Row 2's address spans two lines; the quote opened on the third is never
        // closed: row 2 runs to the end of that line, and reading goes on after it.
        let text = "h\nx,\"1 High St\nLeeds\",\"y\nlost\n\nz\n";
        assert_eq!(
            cells(text),
            vec![
                vec!["h"],
                vec!["x", "1 High St\nLeeds", "y"],
                vec!["lost"],
                vec!["z"]
            ]
        );
        assert_eq!(
            rows(text),
            vec![(1, false), (2, true), (3, false), (5, false)]
        );
    }

    #[test]
    fn excel_row_numbers_count_blank_lines_and_not_multiline_cells() {
        let numbers = |text: &str| -> Vec<usize> { records(text).iter().map(|r| r.row).collect() };
        assert_eq!(numbers("h\n\n\"x\ny\"\nz\n"), vec![1, 3, 4]);
        assert_eq!(numbers("h\r\n\r\n\"x\r\ny\"\r\nz\r\n"), vec![1, 3, 4]);
        assert_eq!(numbers("\r\rh\r\r\"x\ry\"\rz"), vec![3, 5, 6]);
        assert_eq!(numbers("\n \n,\nh\n"), vec![4]);
    }

    #[test]
    fn many_unbalanced_lines_are_read_quickly() {
        // Every line's quote closes on the next, but the last never closes: each
        // restart must not read the whole rest of the file again.
        let mut text = String::from("h\n");
        for _ in 0..20_000 {
            text.push_str("a,\"b\nc\",d,\"e\n");
        }
        let started = std::time::Instant::now();
        let found = records(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(found.iter().filter(|r| r.unclosed_quote).count(), 1);
        assert_eq!(found.last().map(|r| r.row), Some(found.len()));
    }

    #[test]
    fn results_cells_are_neutralised_then_quoted_as_needed() {
        let text = String::from_utf8(write_results(&[])).unwrap_or_default();
        assert_eq!(text, format!("\u{feff}{}\r\n", RESULTS_HEADER.join(",")));
        assert_eq!(neutralise_formula("-1"), "'-1");
        assert_eq!(neutralise_formula("\tx"), "'\tx");
        assert_eq!(neutralise_formula("a=b"), "a=b");
    }

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
