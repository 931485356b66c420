//! Batch intake, the pure part: a list of patients read from a CSV file, and the
//! results written back out as a CSV file. No egui, no I/O, no threads.
//!
//! Reading ([`read_list`]):
//! - Encoding: a UTF-16 LE/BE byte-order mark means UTF-16 (Excel's "Unicode text");
//!   otherwise a UTF-8 BOM is stripped, and the bytes are UTF-8 if they are valid
//!   UTF-8, else Windows-1252 (what Excel writes on a practice PC).
//! - Delimiter: comma, semicolon or tab, whichever appears most often outside quotes
//!   on the first non-empty line (comma when tied or none).
//! - Header: the first non-blank row is a header when one of its cells is a known
//!   column name (see [`NHS_NUMBER_HEADERS`], [`DATE_OF_BIRTH_HEADERS`]). Without a
//!   header, the NHS number column is the first where most rows hold something shaped
//!   like an NHS number, and the date of birth column the first other one where most
//!   rows hold a date.
//! - Every non-blank row becomes exactly one [`BatchRow`], numbered as Excel numbers
//!   it (the header is row 1; blank lines count). Nothing is dropped.
//!
//! The CSV tokenizer is our own (a four-state machine with the usual quoting rules)
//! rather than the `csv` crate, because the crate silently accepts a quote that is
//! never closed, swallowing the rest of the file into one cell, and cannot number
//! rows as Excel does. Here a line with an unclosed quote is reported as invalid on
//! its own and reading carries on at the next line.
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
use crate::patient::{DateOfBirth, DateOfBirthError, NhsNumber, NhsNumberError, PatientQuery};

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

/// The header row [`write_results`] writes.
pub const RESULTS_HEADER: [&str; 8] = [
    "Row",
    "NHS number",
    "Date of birth",
    "Outcome",
    "Patient ID",
    "Verification link",
    "Cause",
    "What to do",
];

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
    #[error("The header row has no NHS number column: name that column \"NHS number\"")]
    NoNhsNumberColumn,
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

    /// For people: `comma`, `semicolon`, `tab`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Comma => "comma",
            Self::Semicolon => "semicolon",
            Self::Tab => "tab",
        }
    }

    /// The most frequent of the three outside quotes on the first non-empty line;
    /// comma when tied or when there is none.
    fn sniff(text: &str) -> Self {
        let first_line = text
            .split(['\r', '\n'])
            .find(|line| !line.trim().is_empty())
            .unwrap_or("");
        let mut counts = [0usize; 3];
        let mut in_quotes = false;
        for c in first_line.chars() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => counts[0] += 1,
                ';' if !in_quotes => counts[1] += 1,
                '\t' if !in_quotes => counts[2] += 1,
                _ => {}
            }
        }
        let [comma, semicolon, tab] = counts;
        if semicolon > comma && semicolon >= tab {
            Self::Semicolon
        } else if tab > comma && tab > semicolon {
            Self::Tab
        } else {
            Self::Comma
        }
    }
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

/// A file read by [`read_list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchList {
    /// Every non-blank data row, in file order.
    pub rows: Vec<BatchRow>,
    pub delimiter: Delimiter,
    pub had_header: bool,
    /// `UTF-8`, `windows-1252`, `UTF-16LE` or `UTF-16BE`.
    pub encoding_name: &'static str,
    /// 0-based index of the column the NHS numbers were read from.
    pub nhs_column: usize,
    /// 0-based index of the column the dates of birth were read from.
    pub dob_column: usize,
}

impl BatchList {
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
/// row against `today`. See the module documentation for the rules.
pub fn read_list(bytes: &[u8], today: Date) -> Result<BatchList, ListError> {
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
    let records = split_records(&text, delimiter.as_char())?;
    let Some(first) = records.first() else {
        return Err(ListError::Empty);
    };

    let (had_header, nhs_column, dob_column) = match header_columns(&first.cells) {
        Some((nhs, dob)) => {
            let nhs = nhs.ok_or(ListError::NoNhsNumberColumn)?;
            let dob = dob.ok_or(ListError::NoDateOfBirthColumnInHeader)?;
            (true, nhs, dob)
        }
        None => {
            let (nhs, dob) = sniff_columns(&records, today);
            let nhs = nhs.ok_or(ListError::NoRecognisableColumns)?;
            let dob = dob.ok_or(ListError::NoDateOfBirthColumn)?;
            (false, nhs, dob)
        }
    };

    let data = if had_header {
        &records[1..]
    } else {
        &records[..]
    };
    if data.is_empty() {
        return Err(ListError::HeaderOnly);
    }
    if data.len() > MAX_ROWS {
        return Err(ListError::TooManyRows);
    }

    let columns = Columns {
        nhs: nhs_column,
        dob: dob_column,
    };
    let mut first_with_query: HashMap<PatientQuery, usize> = HashMap::new();
    let mut first_with_number: HashMap<NhsNumber, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(data.len());
    for (index, record) in data.iter().enumerate() {
        let unrecognised_header = !had_header && index == 0 && looks_like_header(record);
        let checked = check_record(record, columns, today, unrecognised_header);
        let outcome = match checked.query {
            Err(reason) => RowCheck::Invalid { reason },
            Ok(query) => {
                if let Some(&first_row) = first_with_query.get(&query) {
                    RowCheck::Duplicate { first_row }
                } else if let Some(&first_row) = first_with_number.get(&query.nhs_number) {
                    RowCheck::Invalid {
                        reason: format!(
                            "same NHS number as row {first_row} with a different date of birth: check which is right (row {first_row} is sent)"
                        ),
                    }
                } else {
                    first_with_query.insert(query.clone(), record.row);
                    first_with_number.insert(query.nhs_number.clone(), record.row);
                    RowCheck::Valid(query)
                }
            }
        };
        rows.push(BatchRow {
            row_number: record.row,
            outcome,
            nhs_number: checked.nhs_display,
            date_of_birth: checked.dob_display,
        });
    }

    Ok(BatchList {
        rows,
        delimiter,
        had_header,
        encoding_name,
        nhs_column,
        dob_column,
    })
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
// Tokenizing

/// One non-blank record of the file.
struct Record {
    /// Excel's row number.
    row: usize,
    cells: Vec<String>,
    /// The line ended inside a quoted cell that is never closed.
    unclosed_quote: bool,
}

#[derive(Clone, Copy)]
enum State {
    StartOfCell,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: either half of `""` or the closing quote.
    QuoteInQuoted,
}

/// Reads one record from the start of `text`: its cells, the bytes it used (with its
/// line end), and whether the text ran out inside a quoted cell.
///
/// A quote opens a quoted cell only as the cell's first character (after spaces);
/// inside one, `""` is a quote and a lone `"` closes it; anything after the closing
/// quote is kept as it is. Line ends are `\n`, `\r\n` or `\r`.
fn parse_record(text: &str, delimiter: char) -> (Vec<String>, usize, bool) {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut state = State::StartOfCell;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match state {
            State::Quoted => {
                if c == '"' {
                    state = State::QuoteInQuoted;
                } else {
                    cell.push(c);
                }
                continue;
            }
            State::QuoteInQuoted if c == '"' => {
                cell.push('"');
                state = State::Quoted;
                continue;
            }
            State::StartOfCell if c == '"' => {
                state = State::Quoted;
                continue;
            }
            State::StartOfCell if c == ' ' => continue,
            _ => {}
        }
        if c == delimiter {
            cells.push(std::mem::take(&mut cell));
            state = State::StartOfCell;
        } else if c == '\n' || c == '\r' {
            let mut used = at + 1;
            if c == '\r' && matches!(chars.peek(), Some((_, '\n'))) {
                used += 1;
            }
            cells.push(cell);
            return (cells, used, false);
        } else {
            cell.push(c);
            state = State::Unquoted;
        }
    }
    cells.push(cell);
    (cells, text.len(), matches!(state, State::Quoted))
}

/// The length of the first physical line of `text` without, then with, its line end.
fn first_line_len(text: &str) -> (usize, usize) {
    match text.find(['\r', '\n']) {
        None => (text.len(), text.len()),
        Some(end) => {
            let with_end = if text[end..].starts_with("\r\n") {
                end + 2
            } else {
                end + 1
            };
            (end, with_end)
        }
    }
}

/// Splits the text into its non-blank records, numbering rows as Excel does.
///
/// A record whose quote is never closed would swallow the rest of the file; instead
/// only its own line is kept (marked `unclosed_quote`) and reading resumes at the next
/// line. That can happen at most once per file: after such a quote, every later quote
/// comes in pairs, so nothing later can be left open. Reading is linear.
fn split_records(text: &str, delimiter: char) -> Result<Vec<Record>, ListError> {
    let mut records = Vec::new();
    let mut at = 0;
    let mut row = 0;
    while at < text.len() {
        row += 1;
        let rest = &text[at..];
        let (mut cells, mut used, unclosed_quote) = parse_record(rest, delimiter);
        if unclosed_quote {
            let (line_len, with_end) = first_line_len(rest);
            (cells, _, _) = parse_record(&rest[..line_len], delimiter);
            used = with_end;
        }
        at += used;
        if !unclosed_quote && cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        records.push(Record {
            row,
            cells,
            unclosed_quote,
        });
        // The header, if any, plus MAX_ROWS patients.
        if records.len() > MAX_ROWS + 1 {
            return Err(ListError::TooManyRows);
        }
    }
    Ok(records)
}

// ---------------------------------------------------------------------------
// Columns

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    NhsNumber,
    DateOfBirth,
}

#[derive(Clone, Copy)]
struct Columns {
    nhs: usize,
    dob: usize,
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
    if NHS_NUMBER_HEADERS
        .iter()
        .any(|name| header_key(name) == key)
    {
        Some(Column::NhsNumber)
    } else if DATE_OF_BIRTH_HEADERS
        .iter()
        .any(|name| header_key(name) == key)
    {
        Some(Column::DateOfBirth)
    } else {
        None
    }
}

/// For a header row (one with a known column name): the first NHS number and date of
/// birth columns it names. None when no cell is a known name.
fn header_columns(cells: &[String]) -> Option<(Option<usize>, Option<usize>)> {
    let mut nhs = None;
    let mut dob = None;
    for (index, cell) in cells.iter().enumerate() {
        match column_named(cell) {
            Some(Column::NhsNumber) => {
                nhs.get_or_insert(index);
            }
            Some(Column::DateOfBirth) => {
                dob.get_or_insert(index);
            }
            None => {}
        }
    }
    (nhs.is_some() || dob.is_some()).then_some((nhs, dob))
}

/// The cell's value: trimmed, and unwrapped from Excel's `="…"` keep-as-text form.
fn cell_value(cell: &str) -> &str {
    let trimmed = cell.trim();
    trimmed
        .strip_prefix("=\"")
        .and_then(|inner| inner.strip_suffix('"'))
        .map(str::trim)
        .unwrap_or(trimmed)
}

/// Ten digits, whatever the check digit says.
fn looks_like_nhs_number(cell: &str) -> bool {
    matches!(
        NhsNumber::parse(cell_value(cell)),
        Ok(_) | Err(NhsNumberError::CheckDigitMismatch | NhsNumberError::CheckDigitImpossible)
    )
}

/// Date-shaped, even if it is not a possible date of birth.
fn looks_like_date(cell: &str, today: Date) -> bool {
    !matches!(
        DateOfBirth::parse(cell_value(cell), today),
        Err(DateOfBirthError::Empty | DateOfBirthError::Unrecognised)
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

fn nhs_problem(value: &str) -> Result<NhsNumber, String> {
    if is_scientific_notation(value) {
        return Err("NHS number: Excel has written it in scientific notation (like 9.99E+09), which loses digits: in the spreadsheet, format the column as Number with no decimal places, then save as CSV again".to_owned());
    }
    NhsNumber::parse(value).map_err(|e| match e {
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
    unrecognised_header: bool,
) -> CheckedRecord {
    let nhs_cell = record.cells.get(columns.nhs).map(|c| cell_value(c));
    let dob_cell = record.cells.get(columns.dob).map(|c| cell_value(c));
    let nhs = nhs_cell.map(nhs_problem);
    let dob = dob_cell.map(|value| dob_problem(value, today));
    let nhs_display = match (&nhs, nhs_cell) {
        (Some(Ok(number)), _) => number.formatted(),
        (_, cell) => cell.unwrap_or("").to_owned(),
    };
    let dob_display = match (&dob, dob_cell) {
        (Some(Ok(dob)), _) => dob.iso(),
        (_, cell) => cell.unwrap_or("").to_owned(),
    };

    let query = if record.unclosed_quote {
        Err("a quoted value on this line is never closed (a \" without its partner): the line may have been cut short".to_owned())
    } else if nhs_cell.is_some_and(|cell| column_named(cell) == Some(Column::NhsNumber)) {
        Err("this is a repeated header row, not a patient".to_owned())
    } else if unrecognised_header {
        Err("this looks like a header row, but no column name was recognised: name the columns \"NHS number\" and \"Date of birth\"".to_owned())
    } else {
        match (nhs, dob) {
            (Some(Ok(nhs_number)), Some(Ok(dob))) => Ok(PatientQuery { nhs_number, dob }),
            (nhs, dob) => {
                let width = plural_columns(record.cells.len());
                let missing = |what: &str, column: usize| {
                    format!(
                        "row has only {width}: no {what} (expected in column {})",
                        column_letter(column)
                    )
                };
                let problems: Vec<String> = [
                    nhs.map_or_else(|| Err(missing("NHS number", columns.nhs)), |r| r.map(drop)),
                    dob.map_or_else(
                        || Err(missing("date of birth", columns.dob)),
                        |r| r.map(drop),
                    ),
                ]
                .into_iter()
                .filter_map(Result::err)
                .collect();
                Err(problems.join("; "))
            }
        }
    };
    CheckedRecord {
        query,
        nhs_display,
        dob_display,
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
                format!("Same NHS number and date of birth as row {first_row}"),
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
            outcome,
            patient_id: None,
            login_url: None,
            cause,
            fix,
        }
    }

    fn for_query(row_number: usize, query: &PatientQuery) -> Self {
        Self {
            row_number,
            nhs_number: query.nhs_number.formatted(),
            dob_iso: query.dob.iso(),
            outcome: ResultOutcome::Failed,
            patient_id: None,
            login_url: None,
            cause: String::new(),
            fix: String::new(),
        }
    }
}

/// The results file: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
/// comma-separated, CRLF line ends, headed by [`RESULTS_HEADER`]. [`read_list`] reads
/// it back (its "NHS number" and "Date of birth" columns).
///
/// Cells that Excel would take for a formula (starting `=`, `+`, `-`, `@`, tab or CR)
/// get a leading `'`, so text from a server can't run as a formula.
pub fn write_results(rows: &[ResultRow]) -> Vec<u8> {
    let mut out = String::new();
    push_record(&mut out, RESULTS_HEADER);
    for row in rows {
        let row_number = row.row_number.to_string();
        push_record(
            &mut out,
            [
                row_number.as_str(),
                &row.nhs_number,
                &row.dob_iso,
                row.outcome.label(),
                row.patient_id.as_deref().unwrap_or(""),
                row.login_url.as_deref().unwrap_or(""),
                &row.cause,
                &row.fix,
            ],
        );
    }
    let mut bytes = Vec::with_capacity(UTF8_BOM.len() + out.len());
    bytes.extend_from_slice(UTF8_BOM);
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

fn push_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, cell: &str) {
    let neutralised: Cow<'_, str> = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    };
    if neutralised.contains([',', '"', '\r', '\n']) || neutralised.starts_with(' ') {
        out.push('"');
        out.push_str(&neutralised.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&neutralised);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str, delimiter: char) -> Vec<Vec<String>> {
        match split_records(text, delimiter) {
            Ok(records) => records.into_iter().map(|r| r.cells).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn tokenizer_handles_quotes_and_line_ends() {
        assert_eq!(
            cells("a,\"b,c\",\"d\"\"e\"\r\nf, \"g\" ,h\rz", ','),
            vec![vec!["a", "b,c", "d\"e"], vec!["f", "g ", "h"], vec!["z"]]
        );
        assert_eq!(cells("a\"b,c", ','), vec![vec!["a\"b", "c"]]);
        assert_eq!(
            cells("\"multi\nline\",x\n", ','),
            vec![vec!["multi\nline", "x"]]
        );
        assert_eq!(cells(",,\n  \n\n", ','), Vec::<Vec<String>>::new());
    }

    #[test]
    fn unclosed_quote_keeps_only_its_line() {
        let records = split_records("a,b\n\"c,d\ne,f\ng,\"\"h\n", ',').unwrap_or_default();
        let rows: Vec<(usize, bool)> = records.iter().map(|r| (r.row, r.unclosed_quote)).collect();
        assert_eq!(rows, vec![(1, false), (2, true), (3, false), (4, false)]);
    }

    #[test]
    fn excel_row_numbers_count_blank_lines_and_not_multiline_cells() {
        let records = split_records("h\n\n\"x\ny\"\nz\n", ',').unwrap_or_default();
        let rows: Vec<usize> = records.iter().map(|r| r.row).collect();
        assert_eq!(rows, vec![1, 3, 4]);
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
