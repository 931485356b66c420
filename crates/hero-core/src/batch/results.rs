//! The results file: one line per row of the list, formulas neutralised.

use std::borrow::Cow;
use std::fmt;

use super::{BatchRow, RowCheck};
use crate::api::Surface;
use crate::api::types::Registration;
use crate::patient::{NhsNumber, PatientQuery, Trace};

/// The results file's words for what to do: it is read after the run, beside the list.
pub const RESULTS_FILE: Surface = Surface {
    send_again: "run the list again once the row is corrected (rows already registered are safe to send again)",
    try_again: "run the list again (rows already registered are safe to send again)",
    key_is: "in Hero Intake's Settings",
    group_is: "in Hero Intake's Settings",
    server_is: "in Hero Intake's Settings",
};

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

/// What to do about a row Hero couldn't be reached for.
pub const SEND_AGAIN_FIX: &str = "Run the same list again once Hero answers: this row is sent again, and rows already registered only get the same patient ID back, so running it again is safe.";

/// The columns [`write_results`] adds when patients were read back (`batch --details`).
pub const DETAILS_HEADER: [&str; 2] = ["Name on Hero's record", "Checks"];

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What happened to one row of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultOutcome {
    Registered,
    VerificationRequired,
    Failed,
    /// Failed because Hero couldn't be reached (or was down): sending it again can
    /// cure it, and is safe.
    NotReached,
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
            Self::NotReached => "Not reached: send again",
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
    /// Who Hero matched, when the patient was read back.
    pub details: Option<RowDetails>,
}

/// A registered row's patient as read back: the name on Hero's record and the checks'
/// sentences (empty when nothing needs a second look).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RowDetails {
    pub name_on_record: String,
    pub checks: String,
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

    /// A row Hero couldn't be reached for: running the list again sends it.
    pub fn not_reached(row_number: usize, query: &PatientQuery, cause: impl Into<String>) -> Self {
        Self {
            outcome: ResultOutcome::NotReached,
            cause: cause.into(),
            fix: SEND_AGAIN_FIX.to_owned(),
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
            details: None,
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
            details: None,
        }
    }
}

/// The results file: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
/// comma-separated, CRLF line ends, headed by [`RESULTS_HEADER`], or by
/// [`RESULTS_HEADER_WITH_NAMES`] when any row has a name or postcode.
/// [`read_list`](super::read_list) reads it back (its patient columns).
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
    let with_details = rows.iter().any(|r| r.details.is_some());
    let header: &[&str] = if with_names {
        &RESULTS_HEADER_WITH_NAMES
    } else {
        &RESULTS_HEADER
    };
    let details_header = DETAILS_HEADER.iter().filter(|_| with_details);
    writer.write_record(header.iter().chain(details_header))?;
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
            ])
            .chain(
                [
                    row.details.as_ref().map_or("", |d| &d.name_on_record),
                    row.details.as_ref().map_or("", |d| &d.checks),
                ]
                .into_iter()
                .filter(|_| with_details),
            );
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

    #[test]
    fn results_cells_are_neutralised_then_quoted_as_needed() {
        let text = String::from_utf8(write_results(&[])).unwrap_or_default();
        assert_eq!(text, format!("\u{feff}{}\r\n", RESULTS_HEADER.join(",")));
        assert_eq!(neutralise_formula("-1"), "'-1");
        assert_eq!(neutralise_formula("\tx"), "'\tx");
        assert_eq!(neutralise_formula("a=b"), "a=b");
    }

    #[test]
    fn details_add_two_neutralised_columns_only_when_read_back() {
        let query = crate::patient::PatientQuery::ByNhsNumber {
            nhs_number: NhsNumber::parse("9990000018").unwrap_or_else(|_| unreachable!()),
            dob: crate::patient::DateOfBirth::from_record(jiff::civil::date(1992, 2, 1)),
        };
        let registered = Registration::Registered {
            patient_id: crate::api::PatientId::new("70001"),
        };
        let plain = ResultRow::registered(2, &query, &registered);
        let read_back = ResultRow {
            details: Some(RowDetails {
                name_on_record: "=cmd|' /C calc'!A0".into(),
                checks: "@SUM(A1)".into(),
            }),
            ..plain.clone()
        };
        let text =
            String::from_utf8(write_results(std::slice::from_ref(&plain))).unwrap_or_default();
        assert!(!text.contains(DETAILS_HEADER[0]));
        let text = String::from_utf8(write_results(&[read_back, plain])).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].ends_with(",Name on Hero's record,Checks"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].ends_with(",'=cmd|' /C calc'!A0,'@SUM(A1)"),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(",,"), "{}", lines[2]);
    }
}
