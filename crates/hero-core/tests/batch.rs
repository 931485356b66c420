//! Batch intake: reading patient lists from CSV files and writing results.
//!
//! Only NHS test numbers from the 999 range are used, never real-person data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hero_core::api::types::{PatientId, Registration};
use hero_core::batch::{
    BatchList, BatchRow, DATE_OF_BIRTH_HEADERS, Delimiter, ListError, MAX_BYTES, MAX_ROWS,
    NHS_NUMBER_HEADERS, RESULTS_HEADER, ResultOutcome, ResultRow, RowCheck, RowCounts, read_list,
    write_results,
};
use hero_core::patient::{DateOfBirth, NhsNumber, PatientQuery, TestNumbers};
use hero_core::testing::nhs_numbers_from;
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn today() -> Date {
    date(2026, 11, 26)
}

fn read(text: &str) -> BatchList {
    read_list(text.as_bytes(), today(), TestNumbers::Allowed).unwrap()
}

fn read_err(bytes: &[u8]) -> ListError {
    read_list(bytes, today(), TestNumbers::Allowed).unwrap_err()
}

fn data_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

fn query(nhs: &str, dob: &str) -> PatientQuery {
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse(nhs).unwrap(),
        dob: DateOfBirth::parse(dob, today()).unwrap(),
    }
}

fn reason(row: &BatchRow) -> &str {
    match &row.outcome {
        RowCheck::Invalid { reason } => reason,
        other => panic!("row {} is {other:?}, not invalid", row.row_number),
    }
}

fn row(list: &BatchList, row_number: usize) -> &BatchRow {
    list.rows
        .iter()
        .find(|r| r.row_number == row_number)
        .unwrap_or_else(|| panic!("no row {row_number}"))
}

/// 999-range NHS numbers with correct Modulus 11 check digits, in order.
fn test_nhs_numbers() -> impl Iterator<Item = String> {
    nhs_numbers_from(999_000_000)
}

// ---------------------------------------------------------------------------
// Delimiters, headers, encodings

#[test]
fn comma_semicolon_and_tab_are_sniffed() {
    for (delimiter, sep, name) in [
        (Delimiter::Comma, ",", "comma"),
        (Delimiter::Semicolon, ";", "semicolon"),
        (Delimiter::Tab, "\t", "tab"),
    ] {
        // The list screen says which it was read with.
        assert_eq!(delimiter.name(), name);
        // Without a header, the first line that has a delimiter decides.
        let untitled = format!("Patients\n9990000018{sep}01/02/1992\n9990000026{sep}15/07/1985\n");
        assert_eq!(read(&untitled).delimiter, delimiter, "{untitled:?}");
        let text = format!(
            "NHS number{sep}Date of birth\n9990000018{sep}01/02/1992\n9990000026{sep}15/07/1985\n"
        );
        let list = read(&text);
        assert_eq!(list.delimiter, delimiter, "{}", delimiter.name());
        assert!(list.had_header);
        assert_eq!(
            list.valid_queries(),
            vec![
                (2, query("9990000018", "01/02/1992")),
                (3, query("9990000026", "15/07/1985"))
            ]
        );
    }
}

#[test]
fn delimiter_inside_quotes_does_not_count() {
    // Two commas inside the quoted name, two semicolons outside.
    let list = read("\"Name, with, commas\";NHS;DOB\nA;9990000018;01/02/1992\n");
    assert_eq!(list.delimiter, Delimiter::Semicolon);
    assert_eq!(list.counts().valid, 1);
    // Three semicolons inside quotes, two commas outside.
    let list = read("NHS,DOB,\"Notes; a; b; c\"\n9990000018,01/02/1992,\"x; y\"\n");
    assert_eq!(list.delimiter, Delimiter::Comma);
    assert_eq!(list.counts().valid, 1);
}

#[test]
fn every_listed_header_name_is_recognised() {
    for nhs in NHS_NUMBER_HEADERS {
        for dob in DATE_OF_BIRTH_HEADERS {
            let text = format!("{dob},{nhs}\n01/02/1992,9990000018\n");
            let list = read(&text);
            assert!(list.had_header, "{nhs} / {dob}");
            assert_eq!(
                (list.nhs_column, list.dob_column),
                (Some(1), 0),
                "{nhs} / {dob}"
            );
            assert_eq!(list.counts().valid, 1, "{nhs} / {dob}");
        }
    }
}

#[test]
fn header_names_ignore_case_spacing_punctuation_and_brackets() {
    for (nhs, dob) in [
        ("nhs NUMBER", "date OF birth"),
        ("  NHS-Number ", "Date_Of_Birth"),
        ("N.H.S. No", "DOB (dd/mm/yyyy)"),
        ("\"NHS Number\"", "Birth-Date"),
    ] {
        let list = read(&format!("{nhs},{dob}\n9990000018,01/02/1992\n"));
        assert!(list.had_header, "{nhs} / {dob}");
        assert_eq!(list.counts().valid, 1, "{nhs} / {dob}");
    }
}

#[test]
fn header_columns_are_found_anywhere_and_others_ignored() {
    let list = read(
        "Surname,Forename,D.O.B.,Practice,NHS No.,Phone\nTest,Alice,01/02/1992,Y00001,999 000 0018,07700 900000\n",
    );
    assert_eq!((list.nhs_column, list.dob_column), (Some(4), 2));
    assert_eq!(
        list.valid_queries(),
        vec![(2, query("9990000018", "01/02/1992"))]
    );
}

#[test]
fn no_header_uses_column_zero_and_one() {
    let list = read("9990000018,01/02/1992\n9990000026,15/07/1985\n");
    assert!(!list.had_header);
    assert_eq!((list.nhs_column, list.dob_column), (Some(0), 1));
    assert_eq!(
        list.valid_queries(),
        vec![
            (1, query("9990000018", "01/02/1992")),
            (2, query("9990000026", "15/07/1985"))
        ]
    );
}

#[test]
fn no_header_sniffs_which_columns_hold_numbers_and_dates() {
    let list = read(
        "Test Alice,1 High St,1992-02-01,999 000 0018\nExample Bob,2 Low Rd,15/07/1985,9990000026\nSample Carol,3 Mid Way,31/12/1950,999000003\n",
    );
    assert!(!list.had_header);
    assert_eq!((list.nhs_column, list.dob_column), (Some(3), 2));
    assert_eq!(list.counts().valid, 2);
    assert_eq!(
        reason(row(&list, 3)),
        "NHS number: NHS number must be 10 digits — 9 entered"
    );
}

#[test]
fn unrecognised_header_row_is_reported_not_dropped() {
    let list = read("Patient number,Born\n9990000018,01/02/1992\n");
    assert!(!list.had_header);
    assert_eq!(list.rows.len(), 2);
    assert!(reason(&list.rows[0]).contains("looks like a header row"));
    assert_eq!(list.valid_queries()[0].0, 2);
}

#[test]
fn repeated_header_row_is_reported() {
    let list =
        read("NHS number,DOB\n9990000018,01/02/1992\nNHS number,DOB\n9990000026,15/07/1985\n");
    assert_eq!(
        reason(row(&list, 3)),
        "this is a repeated header row, not a patient"
    );
    assert_eq!(list.counts().valid, 2);
}

#[test]
fn utf8_bom_is_stripped_before_the_header() {
    let mut bytes = b"\xEF\xBB\xBFNHS number,DOB\r\n".to_vec();
    bytes.extend_from_slice("9990000018,01/02/1992,Zoë\r\n".as_bytes());
    let list = read_list(&bytes, today(), TestNumbers::Allowed).unwrap();
    assert!(list.had_header);
    assert_eq!(list.encoding_name, "UTF-8");
    assert_eq!(list.counts().valid, 1);
}

#[test]
fn windows_1252_with_accented_names() {
    // "Zoë" and "Renée" as Excel on Windows writes them: 0xEB and 0xE9.
    let bytes = b"Name,NHS number,Date of birth\r\nZo\xeb Test,9990000018,01/02/1992\r\nRen\xe9e Example,9990000026,15/07/1985\r\n";
    let list = read_list(bytes, today(), TestNumbers::Allowed).unwrap();
    assert_eq!(list.encoding_name, "windows-1252");
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 2,
            invalid: 0,
            duplicate: 0
        }
    );
}

#[test]
fn windows_1252_semicolon_sample_file() {
    let list = read_list(
        &data_file("excel_1252_semicolon.csv"),
        today(),
        TestNumbers::Allowed,
    )
    .unwrap();
    assert_eq!(list.encoding_name, "windows-1252");
    assert_eq!(list.delimiter, Delimiter::Semicolon);
    assert_eq!(
        list.valid_queries(),
        vec![
            (2, query("9990000042", "03/04/2001")),
            (3, query("9990000050", "29/02/2000"))
        ]
    );
}

#[test]
fn utf16_with_bom_is_decoded() {
    let text = "NHS number\tDate of birth\r\n9990000018\t01/02/1992\r\n";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
        let list = read_list(&bytes, today(), TestNumbers::Allowed).unwrap();
        assert_eq!(list.encoding_name, name);
        assert_eq!(list.delimiter, Delimiter::Tab);
        assert_eq!(
            list.valid_queries(),
            vec![(2, query("9990000018", "01/02/1992"))]
        );
    }
}

#[test]
fn crlf_and_bare_cr_line_endings() {
    for line_end in ["\r\n", "\r"] {
        let text = format!(
            "NHS,DOB{line_end}9990000018,01/02/1992{line_end}{line_end}9990000026,15/07/1985{line_end}"
        );
        let list = read(&text);
        let rows: Vec<usize> = list.valid_queries().iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, vec![2, 4], "{line_end:?}");
    }
}

#[test]
fn quoted_fields_with_commas_quotes_and_line_breaks() {
    let list = read_list(&data_file("emis_style.csv"), today(), TestNumbers::Allowed).unwrap();
    assert!(list.had_header);
    assert_eq!(list.encoding_name, "UTF-8");
    assert_eq!((list.nhs_column, list.dob_column), (Some(4), 3));
    // Row 3's address spans two lines: Excel shows the next patient as row 4.
    assert_eq!(
        list.valid_queries(),
        vec![
            (2, query("9990000018", "01/02/1992")),
            (3, query("9990000026", "15/07/1985")),
            (4, query("9990000034", "31/12/1950"))
        ]
    );
}

#[test]
fn excel_keep_as_text_formula_is_unwrapped() {
    let list = read("NHS number,DOB\n=\"9990000018\",01/02/1992\n");
    assert_eq!(list.counts().valid, 1);
}

#[test]
fn excel_scientific_notation_gets_its_own_reason() {
    let list = read("NHS number,DOB\n9.99E+09,01/02/1992\n");
    assert!(reason(&list.rows[0]).contains("scientific notation"));
}

// ---------------------------------------------------------------------------
// Row checks

#[test]
fn invalid_rows_have_row_numbers_and_specific_reasons() {
    let list = read_list(&data_file("messy.csv"), today(), TestNumbers::Allowed).unwrap();
    let expected: [(usize, &str); 8] = [
        (4, "NHS number: NHS number must be 10 digits — 9 entered"),
        (
            5,
            "NHS number: The check digit doesn't match: check for a typing error",
        ),
        (6, "Date of birth: February 1992 has only 29 days"),
        (7, "missing NHS number"),
        (8, "missing date of birth"),
        (
            10,
            "same NHS number as row 2 with a different date of birth: check which is right (row 2 is sent)",
        ),
        (
            11,
            "row has only 1 column: no date of birth (expected in column B)",
        ),
        (
            13,
            "a quoted value on this line is never closed (a \" without its partner): the line may have been cut short",
        ),
    ];
    for (row_number, want) in expected {
        assert_eq!(reason(row(&list, row_number)), want, "row {row_number}");
    }
    assert_eq!(row(&list, 9).outcome, RowCheck::Duplicate { first_row: 2 });
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 1,
            invalid: 8,
            duplicate: 1
        }
    );
    // Every non-blank line after the header, once, in order (lines 3 and 12 are blank).
    let numbers: Vec<usize> = list.rows.iter().map(|r| r.row_number).collect();
    assert_eq!(numbers, vec![2, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
}

#[test]
fn more_invalid_values() {
    let list = read(
        "NHS number,DOB\n99900000AB,01/02/1992\n9990000018,01/02/2027\n9990000026,1/2/92\n9990000034,13/13/1990\n9990000042,01/02/1850\n",
    );
    assert_eq!(
        reason(row(&list, 2)),
        "NHS number: NHS number can only contain digits and spaces — remove \"A\""
    );
    assert_eq!(
        reason(row(&list, 3)),
        "Date of birth: That date is in the future"
    );
    assert_eq!(
        reason(row(&list, 4)),
        "Date of birth: Use a four-digit year, like 01/02/1992"
    );
    assert_eq!(
        reason(row(&list, 5)),
        "Date of birth: There is no month 13: months go from 1 to 12"
    );
    assert!(reason(row(&list, 6)).starts_with("Date of birth: That date is more than"));
}

#[test]
fn both_problems_are_reported_together() {
    let list = read("NHS number,DOB\n999000001,30/02/1992\n");
    assert_eq!(
        reason(&list.rows[0]),
        "NHS number: NHS number must be 10 digits — 9 entered; Date of birth: February 1992 has only 29 days"
    );
}

#[test]
fn short_row_names_the_missing_column() {
    let list = read("Name,DOB,NHS number\nTest Alice,01/02/1992\n");
    assert_eq!(
        reason(&list.rows[0]),
        "row has only 2 columns: no NHS number (expected in column C)"
    );
}

#[test]
fn duplicates_are_flagged_and_sent_once() {
    let list = read(
        "NHS,DOB\n9990000018,01/02/1992\n9990000026,15/07/1985\n999 000 0018,1992-02-01\n9990000018,01/02/1992\n",
    );
    assert_eq!(row(&list, 4).outcome, RowCheck::Duplicate { first_row: 2 });
    assert_eq!(row(&list, 5).outcome, RowCheck::Duplicate { first_row: 2 });
    assert_eq!(
        list.valid_queries(),
        vec![
            (2, query("9990000018", "01/02/1992")),
            (3, query("9990000026", "15/07/1985"))
        ]
    );
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 2,
            invalid: 0,
            duplicate: 2
        }
    );
}

#[test]
fn same_number_different_dob_is_invalid_and_first_is_sent() {
    let list =
        read("NHS,DOB\n9990000018,01/02/1992\n9990000018,02/01/1992\n9990000018,02/01/1992\n");
    assert!(matches!(row(&list, 2).outcome, RowCheck::Valid(_)));
    for later in [3, 4] {
        assert!(
            reason(row(&list, later))
                .starts_with("same NHS number as row 2 with a different date of birth"),
            "row {later}"
        );
    }
    assert_eq!(list.valid_queries().len(), 1);
}

#[test]
fn an_invalid_row_does_not_shadow_a_later_valid_one() {
    let list = read("NHS,DOB\n9990000018,30/02/1992\n9990000018,01/02/1992\n");
    assert!(matches!(row(&list, 3).outcome, RowCheck::Valid(_)));
}

#[test]
fn blank_lines_and_empty_rows_are_skipped_but_counted() {
    let list = read("\n\nNHS,DOB\n\n  \n,,\n;\n9990000018,01/02/1992\n\n");
    assert!(list.had_header);
    // Row 7 is ";", a one-cell row with text in it: reported, not skipped.
    let numbers: Vec<usize> = list.rows.iter().map(|r| r.row_number).collect();
    assert_eq!(numbers, vec![7, 8]);
    assert_eq!(list.valid_queries()[0].0, 8);
}

#[test]
fn truncated_last_line_is_reported() {
    // Unclosed quote at the very end, no line end.
    let list = read("NHS,DOB\n9990000018,01/02/1992\n9990000026,\"15/07/19");
    assert!(reason(row(&list, 3)).contains("never closed"));
    // Cut after the NHS number.
    let list = read("NHS,DOB\n9990000018,01/02/1992\n99900000");
    assert_eq!(
        reason(row(&list, 3)),
        "NHS number: NHS number must be 10 digits — 8 entered; row has only 1 column: no date of birth (expected in column B)"
    );
    assert_eq!(list.rows.len(), 2);
}

#[test]
fn a_stray_quote_mid_file_does_not_swallow_the_rest() {
    let mut text = String::from("NHS,DOB,Name\n9990000018,01/02/1992,\"Test\n");
    for nhs in test_nhs_numbers().skip(1).take(20) {
        text.push_str(&format!("{nhs},01/02/1992,Fine\n"));
    }
    let list = read(&text);
    assert!(reason(row(&list, 2)).contains("never closed"));
    assert_eq!(list.rows.len(), 21);
    assert_eq!(list.counts().valid, 20);
    assert_eq!(list.valid_queries()[0].0, 3);
}

#[test]
fn reading_starts_again_on_the_line_after_the_stray_quote() {
    // The stray quote's row starts with a closed two-line note and holds quoted quotes;
    // with either line end the next patient is read from the line after it (row 3, as
    // Excel shows a cell of two lines as one row).
    for line_end in ["\n", "\r\n"] {
        let text = [
            "Note,NHS,DOB,Name",
            "\"seen by\nreception\",9990000018,01/02/1992,\"says \"\"Sam\"\" and never closes",
            "Fine,9990000026,15/07/1985,Jo",
            "",
        ]
        .join(line_end);
        let list = read(&text);
        assert!(
            reason(row(&list, 2)).contains("never closed"),
            "{line_end:?}"
        );
        assert_eq!(
            list.valid_queries(),
            vec![(3, query("9990000026", "15/07/1985"))],
            "{line_end:?}"
        );
        assert_eq!(list.rows.len(), 2, "{line_end:?}");
    }
}

#[test]
fn a_thousand_generated_rows_all_valid_in_order() {
    let numbers: Vec<String> = test_nhs_numbers().take(1000).collect();
    let mut text = String::from("NHS number,Date of birth\r\n");
    for (i, nhs) in numbers.iter().enumerate() {
        let day = i % 28 + 1;
        let month = i % 12 + 1;
        let year = 1930 + i % 90;
        text.push_str(&format!("{nhs},{day:02}/{month:02}/{year}\r\n"));
    }
    let list = read(&text);
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 1000,
            invalid: 0,
            duplicate: 0
        }
    );
    let queries = list.valid_queries();
    assert_eq!(queries.len(), 1000);
    for (i, ((row_number, q), nhs)) in queries.iter().zip(&numbers).enumerate() {
        assert_eq!(*row_number, i + 2);
        assert_eq!(q.nhs_number(), Some(&NhsNumber::parse(nhs).unwrap()));
    }
}

// ---------------------------------------------------------------------------
// Files that can't be used

#[test]
fn unusable_files_are_list_errors() {
    assert_eq!(read_err(b""), ListError::Empty);
    assert_eq!(read_err(b"  \r\n\n\t\n"), ListError::Empty);
    assert_eq!(read_err(b"\xEF\xBB\xBF"), ListError::Empty);
    assert_eq!(read_err(b",,,\n,,\n"), ListError::Empty);
    assert_eq!(read_err(b"NHS number,DOB\r\n"), ListError::HeaderOnly);
    assert_eq!(
        read_err(b"Name,DOB\nTest,01/02/1992\n"),
        ListError::NoNhsNumberColumn
    );
    assert_eq!(
        read_err(b"Name,NHS number\nTest,9990000018\n"),
        ListError::NoDateOfBirthColumnInHeader
    );
    assert_eq!(
        read_err(b"9990000018\n9990000026\n"),
        ListError::NoDateOfBirthColumn
    );
    assert_eq!(
        read_err(b"Shopping list\nmilk,eggs\nbread\n"),
        ListError::NoRecognisableColumns
    );
    assert_eq!(
        read_err(b"PK\x03\x04\x14\x00\x06\x00"),
        ListError::Spreadsheet
    );
    assert_eq!(
        read_err(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
        ListError::Spreadsheet
    );
    // Size is checked first: a spreadsheet of exactly the limit is still read as far as
    // its signature; one byte more and it is too large.
    let mut at_limit = b"PK\x03\x04".to_vec();
    at_limit.resize(MAX_BYTES, 0);
    assert_eq!(read_err(&at_limit), ListError::Spreadsheet);
    at_limit.push(0);
    assert_eq!(read_err(&at_limit), ListError::TooLarge);
}

#[test]
fn binary_garbage_is_not_text() {
    // A deterministic pseudo-random byte soup.
    let mut state = 0x2545_F491_u32;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    assert_eq!(read_err(&garbage), ListError::NotText);
    assert_eq!(
        read_err(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ListError::NotText
    );
}

#[test]
fn a_few_stray_control_characters_are_left_to_the_row_checks() {
    // A list with a Notes column; the first row's note holds `controls` control characters.
    let list_of = |rows: usize, controls: usize| {
        let mut text = String::from("NHS number,Date of birth,Notes\n");
        for (i, nhs) in test_nhs_numbers().take(rows).enumerate() {
            let note = if i == 0 {
                "\u{1}".repeat(controls)
            } else {
                String::new()
            };
            text.push_str(&format!("{nhs},01/02/1992,{note}\n"));
        }
        read_list(text.as_bytes(), today(), TestNumbers::Allowed)
    };
    // Two are always allowed, however short the file.
    assert_eq!(list_of(1, 2).unwrap().counts().valid, 1);
    // Three in a short file are over 1% of it: not text.
    assert_eq!(list_of(1, 3).unwrap_err(), ListError::NotText);
    // Three in a file of ~600 characters are under 1%: read as a list.
    assert_eq!(list_of(20, 3).unwrap().counts().valid, 20);
}

#[test]
fn too_many_rows_is_a_list_error() {
    let mut text = String::from("NHS number,DOB\n");
    for _ in 0..=MAX_ROWS {
        text.push_str("9990000018,01/02/1992\n");
    }
    assert_eq!(read_err(text.as_bytes()), ListError::TooManyRows);
    // Exactly the limit is fine (all duplicates of row 2 here).
    let at_limit = text.rsplit_once("9990000018").unwrap().0;
    let list = read_list(at_limit.as_bytes(), today(), TestNumbers::Allowed).unwrap();
    assert_eq!(list.rows.len(), MAX_ROWS);
}

#[test]
fn list_errors_explain_themselves() {
    assert!(ListError::TooManyRows.to_string().contains("50000"));
    assert!(ListError::Spreadsheet.to_string().contains("Save As"));
}

// ---------------------------------------------------------------------------
// Patient data stays out of Debug

#[test]
fn debug_output_holds_no_patient_data() {
    let list = read_list(&data_file("messy.csv"), today(), TestNumbers::Allowed).unwrap();
    let mut debug = format!("{list:?}");
    let registration = Registration::Registered {
        patient_id: PatientId::new("pid-123"),
    };
    let result = ResultRow::registered(2, &query("9990000018", "01/02/1992"), &registration);
    debug.push_str(&format!("{result:?}"));
    for secret in [
        "9990000018",
        "999 000 0018",
        "1992",
        "01/02",
        "pid-123",
        "February",
    ] {
        assert!(!debug.contains(secret), "Debug shows {secret}: {debug}");
    }
    // ...but still says which row is which kind, for whoever reads a log.
    let list = read_list(
        b"NHS number,DOB\n9990000018,01/02/1992\n9990000018,01/02/1992\n123,01/02/1992\n",
        today(),
        TestNumbers::Allowed,
    )
    .unwrap();
    let rows: Vec<String> = list.rows.iter().map(|row| format!("{row:?}")).collect();
    assert!(
        rows[0].starts_with("BatchRow { row_number: 2, outcome: Valid("),
        "{rows:?}"
    );
    assert_eq!(
        rows[1..],
        [
            "BatchRow { row_number: 3, outcome: Duplicate { first_row: 2 }, .. }",
            "BatchRow { row_number: 4, outcome: Invalid { reason: *** }, .. }",
        ]
    );
}

// ---------------------------------------------------------------------------
// Writing results

fn sample_results(list: &BatchList) -> Vec<ResultRow> {
    list.rows
        .iter()
        .map(|row| match &row.outcome {
            RowCheck::Valid(q) if row.row_number % 3 == 0 => ResultRow::failed(
                row.row_number,
                q,
                "No patient found with these details",
                "Check the NHS number and date of birth against the patient's record",
            ),
            RowCheck::Valid(q) if row.row_number % 3 == 1 => ResultRow::registered(
                row.row_number,
                q,
                &Registration::VerificationRequired {
                    message: "Patient must verify their identity, then \"log in\"".into(),
                    login_url: "https://example.invalid/verify?a=1,b=2".into(),
                },
            ),
            RowCheck::Valid(q) => ResultRow::registered(
                row.row_number,
                q,
                &Registration::Registered {
                    patient_id: PatientId::new(format!("pid-{}", row.row_number)),
                },
            ),
            _ => ResultRow::unsent(row),
        })
        .collect()
}

#[test]
fn results_file_is_utf8_bom_crlf_with_the_agreed_header() {
    let list = read("NHS,DOB\n9990000018,01/02/1992\n");
    let bytes = write_results(&sample_results(&list));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "Row,NHS number,Date of birth,Trace,Outcome,Patient ID,Verification link,Cause,What to do"
    );
    assert_eq!(RESULTS_HEADER.join(","), text.split("\r\n").next().unwrap());
    assert_eq!(
        lines.next().unwrap(),
        "2,999 000 0018,1992-02-01,NHS number,Registered,pid-2,,,"
    );
    assert_eq!(lines.next(), Some(""));
    assert_eq!(lines.next(), None);
}

#[test]
fn results_quote_commas_and_quotes_and_neutralise_formulas() {
    let q = query("9990000018", "01/02/1992");
    let rows = [
        ResultRow::registered(
            2,
            &q,
            &Registration::VerificationRequired {
                message: "Verify, then \"log in\"".into(),
                login_url: "https://example.invalid/v?a=1,b=2".into(),
            },
        ),
        ResultRow::failed(3, &q, "=HYPERLINK(\"http://evil.invalid\")", "@SUM(A1)"),
    ];
    let bytes = write_results(&rows);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[1],
        "2,999 000 0018,1992-02-01,NHS number,Verification required,,\"https://example.invalid/v?a=1,b=2\",\"Verify, then \"\"log in\"\"\",Give the patient the verification link so they can confirm who they are"
    );
    assert_eq!(
        lines[2],
        "3,999 000 0018,1992-02-01,NHS number,Failed,,,\"'=HYPERLINK(\"\"http://evil.invalid\"\")\",'@SUM(A1)"
    );
}

#[test]
fn unsent_rows_carry_their_reason() {
    let list = read_list(&data_file("messy.csv"), today(), TestNumbers::Allowed).unwrap();
    let results: Vec<ResultRow> = list.rows.iter().map(ResultRow::unsent).collect();
    let by_row = |n: usize| results.iter().find(|r| r.row_number == n).unwrap();
    assert_eq!(by_row(2).outcome, ResultOutcome::NotSent);
    assert_eq!(by_row(2).nhs_number, "999 000 0018");
    assert_eq!(by_row(2).dob_iso, "1992-02-01");
    assert_eq!(by_row(4).outcome, ResultOutcome::Invalid);
    assert_eq!(by_row(4).nhs_number, "999000001");
    assert_eq!(
        by_row(4).cause,
        "NHS number: NHS number must be 10 digits — 9 entered"
    );
    assert_eq!(by_row(9).outcome, ResultOutcome::Duplicate);
    assert!(by_row(9).cause.contains("row 2"));
    assert_eq!(
        ResultOutcome::VerificationRequired.to_string(),
        "Verification required"
    );
}

#[test]
fn export_round_trips_through_read_list() {
    let numbers: Vec<String> = test_nhs_numbers().take(60).collect();
    let mut text = String::from("Name;D.O.B.;NHS No.\n");
    for (i, nhs) in numbers.iter().enumerate() {
        text.push_str(&format!(
            "Test {i};{:02}/03/19{:02};{nhs}\n",
            i % 28 + 1,
            i + 10
        ));
        if i % 10 == 0 {
            text.push_str(&format!(
                "Again {i};{:02}/03/19{:02};{nhs}\n",
                i % 28 + 1,
                i + 10
            ));
            text.push_str("Broken;01/02/1992;12345\n");
        }
    }
    let original = read(&text);
    assert_eq!(original.counts().duplicate, 6);
    let exported = write_results(&sample_results(&original));

    let again = read_list(&exported, today(), TestNumbers::Allowed).unwrap();
    assert!(again.had_header);
    assert_eq!(again.delimiter, Delimiter::Comma);
    assert_eq!((again.nhs_column, again.dob_column), (Some(1), 2));
    let queries = |list: &BatchList| -> Vec<PatientQuery> {
        list.valid_queries().into_iter().map(|(_, q)| q).collect()
    };
    assert_eq!(queries(&again), queries(&original));
    assert_eq!(again.counts(), original.counts());
}

// ---------------------------------------------------------------------------
// Nothing is dropped

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Lines of any mix of valid, invalid, blank and junk rows (no quotes): every
    /// line with a non-blank cell is exactly one row, numbered by its line.
    #[test]
    fn every_non_blank_line_is_exactly_one_row(
        lines in prop::collection::vec(
            prop_oneof![
                Just("9990000018,01/02/1992".to_owned()),
                Just("9990000026,15/07/1985".to_owned()),
                Just("".to_owned()),
                Just(" , ".to_owned()),
                "[0-9a-z ,/;\t-]{0,20}",
            ],
            0..40,
        ),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("NHS number,Date of birth{end}");
        for line in &lines {
            text.push_str(line);
            text.push_str(end);
        }
        let expected: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, line)| line.split(',').any(|cell| !cell.trim().is_empty()))
            .map(|(i, _)| i + 2)
            .collect();
        match read_list(text.as_bytes(), today(), TestNumbers::Allowed) {
            Ok(list) => {
                let numbers: Vec<usize> = list.rows.iter().map(|r| r.row_number).collect();
                prop_assert_eq!(numbers, expected);
                prop_assert_eq!(list.counts().total(), list.rows.len());
            }
            Err(e) => {
                prop_assert_eq!(e, ListError::HeaderOnly);
                prop_assert!(expected.is_empty());
            }
        }
    }

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_list(&bytes, today(), TestNumbers::Allowed);
    }

    /// Arbitrary text made of CSV's special characters never panics, and every row
    /// number is unique and ascending.
    #[test]
    fn csv_punctuation_soup_never_panics(text in "[0-9\",;\t\r\n /A]{0,200}") {
        if let Ok(list) = read_list(text.as_bytes(), today(), TestNumbers::Allowed) {
            let numbers: Vec<usize> = list.rows.iter().map(|r| r.row_number).collect();
            prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        }
    }
}

// ------------------------------------------------ lists as clinical systems export them

#[test]
fn title_lines_above_the_header_are_skipped_and_reported_once() {
    let list = read(
        "Patient registrations report\nRun date: 02-Dec-2026\n\nNHS number,Date of birth\n9990000018,01-Feb-1992\n9990000026,1985-07-15T00:00:00\n",
    );
    assert!(list.had_header);
    assert_eq!(list.title_rows, Some(1..=3));
    assert_eq!(
        list.title_rows_note().as_deref(),
        Some("Rows 1–3 skipped: a report title above the header row, not patients")
    );
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 2,
            invalid: 0,
            duplicate: 0
        }
    );
    assert_eq!(
        list.valid_queries(),
        vec![
            (5, query("9990000018", "01/02/1992")),
            (6, query("9990000026", "15/07/1985"))
        ]
    );
}

#[test]
fn at_most_twenty_title_lines_are_skipped() {
    // Commas in the titles; the list itself is semicolon-separated.
    let with_titles = |count: usize| {
        let mut text: String = (1..=count)
            .map(|n| format!("Report line {n}, Leeds\n"))
            .collect();
        text.push_str("NHS number;Date of birth\n9990000018;01/02/1992\n");
        read_list(text.as_bytes(), today(), TestNumbers::Allowed)
    };
    let twenty = with_titles(20).unwrap();
    assert_eq!(twenty.title_rows, Some(1..=20));
    assert_eq!(twenty.delimiter, Delimiter::Semicolon);
    assert_eq!(twenty.counts().valid, 1);
    // More is not a title: the file is read from its first line, and says what it lacks.
    let more = with_titles(21).map(|list| list.title_rows);
    assert_eq!(more, Err(ListError::NoRecognisableColumns));
}

#[test]
fn quoted_title_cells_and_another_delimiter_are_read_too() {
    // EMIS-style: the title lines are cells of their own; the list is semicolon-separated.
    let list = read(
        "\"Search report\"\n\"Printed\";\"02-Dec-2026 10:15\"\n\"NHS Number\";\"Date of Birth\";\"Surname\"\n\"999 000 0018\";\"01-FEB-1992\";\"Testperson\"\n",
    );
    assert_eq!(list.delimiter, Delimiter::Semicolon);
    assert_eq!(list.title_rows, Some(1..=2));
    assert_eq!(
        list.title_rows_note().as_deref(),
        Some("Rows 1–2 skipped: a report title above the header row, not patients")
    );
    assert_eq!(
        list.valid_queries(),
        vec![(4, query("9990000018", "01/02/1992"))]
    );
    // A single title line is one row.
    let one = read("Report\nNHS number,DOB\n9990000018,1 Feb 1992\n");
    assert_eq!(
        one.title_rows_note().as_deref(),
        Some("Row 1 skipped: a report title above the header row, not patients")
    );
    // Without title lines there is nothing to say.
    let none = read("NHS number,DOB\n9990000018,1 Feb 1992\n");
    assert_eq!(
        (none.title_rows.clone(), none.title_rows_note()),
        (None, None)
    );
}

#[test]
fn a_patient_above_a_header_is_never_skipped_as_a_title() {
    let list = read("9990000018,01/02/1992\nNHS number,DOB\n9990000026,15/07/1985\n");
    assert_eq!(list.title_rows, None);
    assert!(!list.had_header);
    assert_eq!(list.counts().total(), 3);
    assert_eq!(
        list.valid_queries()[0],
        (1, query("9990000018", "01/02/1992"))
    );
    assert_eq!(
        reason(row(&list, 2)),
        "this is a repeated header row, not a patient"
    );
}

#[test]
fn month_name_dates_and_date_times_are_read_like_the_form_reads_them() {
    let list = read(
        "NHS number,DOB\n9990000018,01-Feb-1992\n9990000026,1 February 1992\n9990000034,1992-02-01T00:00:00\n9990000042,1992-02-01 00:00:00\n9990000050,01/02/1992 00:00\n9990000069,01-Feb-92\n",
    );
    assert_eq!(list.counts().valid, 5);
    for row_number in 2..=6 {
        assert_eq!(
            row(&list, row_number).date_of_birth,
            "1992-02-01",
            "row {row_number}"
        );
    }
    assert_eq!(
        reason(row(&list, 7)),
        "Date of birth: Use a four-digit year, like 01/02/1992"
    );
    // Without a header, such columns are still found.
    let sniffed = read("9990000018,01-Feb-1992\n9990000026,1985-07-15T00:00:00Z\n");
    assert_eq!((sniffed.nhs_column, sniffed.dob_column), (Some(0), 1));
    assert_eq!(sniffed.counts().valid, 2);
}

#[test]
fn numbers_that_reach_no_patient_are_invalid_rows_with_their_reason() {
    let text = "NHS number,DOB\n9990000018,01/02/1992\n4000000004,01/02/1992\n0100000002,01/02/1992\nQQ 12 34 56 C,01/02/1992\n";
    let test_service = read(text);
    assert_eq!(test_service.counts().valid, 2);
    assert!(reason(row(&test_service, 4)).starts_with("NHS number: That is a Scottish CHI number"));
    assert!(
        reason(row(&test_service, 5))
            .starts_with("NHS number: That is a National Insurance number")
    );
    // Checked for Production: the test number is stopped too, and the England one is not.
    let live = read_list(text.as_bytes(), today(), TestNumbers::Refused).unwrap();
    assert_eq!(live.test_numbers, TestNumbers::Refused);
    assert_eq!(
        live.valid_queries(),
        vec![(3, query("4000000004", "01/02/1992"))]
    );
    assert!(
        reason(row(&live, 2)).starts_with("NHS number: That is a test NHS number"),
        "{}",
        reason(row(&live, 2))
    );
    // A column of such numbers is still recognised as the NHS number column.
    let sniffed = read_list(
        b"9990000018,01/02/1992\n9990000026,01/02/1992\n",
        today(),
        TestNumbers::Refused,
    )
    .unwrap();
    assert_eq!((sniffed.nhs_column, sniffed.dob_column), (Some(0), 1));
    assert_eq!(sniffed.counts().invalid, 2);
}

// ------------------------------------------------ lists traced by name and postcode

fn demographics(forename: &str, surname: &str, dob: &str, postcode: &str) -> PatientQuery {
    use hero_core::demographics::{Demographics, NamePart, PersonName, Postcode};
    PatientQuery::ByDemographics(Demographics {
        forename: PersonName::parse(forename, NamePart::Forename).unwrap(),
        surname: PersonName::parse(surname, NamePart::Surname).unwrap(),
        dob: DateOfBirth::parse(dob, today()).unwrap(),
        postcode: Postcode::parse(postcode).unwrap(),
    })
}

#[test]
fn a_list_of_names_and_postcodes_only_is_traced_by_name() {
    let list = read(
        "First name,Family name,DOB,Post code\nSam,Demoperson,07/03/1988,ls14ap\n Jo ,O’Sampleton,12-Aug-1975,ZZ99 3VZ\nRobin,,23/04/1960,M1 1AE\n",
    );
    assert!(list.had_header);
    assert_eq!(list.nhs_column, None);
    assert_eq!(
        list.name_columns,
        Some(hero_core::batch::NameColumns {
            forename: 0,
            surname: 1,
            postcode: 3
        })
    );
    assert_eq!(
        list.valid_queries(),
        vec![
            (
                2,
                demographics("Sam", "Demoperson", "07/03/1988", "LS1 4AP")
            ),
            (
                3,
                demographics("Jo", "O'Sampleton", "12/08/1975", "ZZ99 3VZ")
            ),
        ]
    );
    assert_eq!(reason(row(&list, 4)), "Enter the patient's surname");
    // Shown as sent.
    assert_eq!(row(&list, 3).surname, "O'Sampleton");
    assert_eq!(row(&list, 2).postcode, "LS1 4AP");
}

#[test]
fn a_mixed_list_uses_each_rows_nhs_number_when_valid_otherwise_its_names() {
    let list = read(concat!(
        "NHS number,Forename,Surname,Date of birth,Postcode\n",
        "999 000 0018,Sam,Demoperson,01/02/1992,LS1 4AP\n", // NHS number wins
        ",Jo,Sampleton,12/08/1975,ZZ99 3VZ\n",              // no number: by name
        "999 000 001,Robin,Testperson,23/04/1960,M1 1AE\n", // bad number: by name
        "999 000 001,,,23/04/1960,\n",                      // bad number, no names
        ",,,23/04/1960,\n",                                 // neither
        "999 000 001,Robin,,23/04/1960,M1 1AE\n",           // neither usable
        ",Jo,Sampleton,12/08/1975,zz993vz\n",               // the same patient again
        ",Robin,,23/04/1960,M1 1AE\n",                      // no number, names short
        "999 000 0026,Sam,Demoperson,31/02/1992,LS1 4AP\n", // no such date
    ));
    assert_eq!(
        list.valid_queries(),
        vec![
            (2, query("9990000018", "01/02/1992")),
            (3, demographics("Jo", "Sampleton", "12/08/1975", "ZZ99 3VZ")),
            (
                4,
                demographics("Robin", "Testperson", "23/04/1960", "M1 1AE")
            ),
        ]
    );
    assert_eq!(
        reason(row(&list, 5)),
        "NHS number: NHS number must be 10 digits — 9 entered"
    );
    assert_eq!(
        reason(row(&list, 6)),
        "no NHS number, and no name and postcode to trace by"
    );
    assert_eq!(
        reason(row(&list, 7)),
        "NHS number: NHS number must be 10 digits — 9 entered; and by name and postcode: Enter the patient's surname"
    );
    assert_eq!(row(&list, 8).outcome, RowCheck::Duplicate { first_row: 3 });
    // No NHS number was typed, so only the names are mentioned.
    assert_eq!(reason(row(&list, 9)), "Enter the patient's surname");
    // A date that isn't one is shown as it was entered.
    assert_eq!(row(&list, 10).date_of_birth, "31/02/1992");
    assert_eq!(
        list.counts(),
        RowCounts {
            valid: 3,
            invalid: 5,
            duplicate: 1
        }
    );
}

#[test]
fn name_columns_must_come_as_a_set_when_there_is_no_nhs_number_column() {
    assert_eq!(
        read_err(b"Forename,Surname,DOB\nSam,Demoperson,07/03/1988\n"),
        ListError::IncompleteNameColumns {
            missing: "a \"Postcode\" column".into()
        }
    );
    assert_eq!(
        read_err(b"Forename,DOB\nSam,07/03/1988\n").to_string(),
        "The header row has no NHS number column, and to trace by name it also needs \"Surname\" and \"Postcode\" columns"
    );
    assert_eq!(
        read_err(b"Name,DOB\nSam,07/03/1988\n"),
        ListError::NoNhsNumberColumn
    );
    // With an NHS number column, a partial set of name columns is simply not used.
    let list = read("NHS number,Forename,DOB\n9990000018,Sam,01/02/1992\n");
    assert_eq!(list.name_columns, None);
    assert_eq!(list.counts().valid, 1);
}

#[test]
fn results_keep_the_name_columns_and_say_which_trace_each_row_used() {
    let list = read(concat!(
        "NHS number,Forename,Surname,Date of birth,Postcode\n",
        "999 000 0018,,,01/02/1992,\n",
        ",Jo,Sampleton,12/08/1975,zz993vz\n",
        ",Robin,,23/04/1960,M1 1AE\n",
    ));
    let bytes = write_results(&sample_results(&list));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        hero_core::batch::RESULTS_HEADER_WITH_NAMES.join(",")
    );
    assert_eq!(
        lines[0],
        "Row,NHS number,Date of birth,Forename,Surname,Postcode,Trace,Outcome,Patient ID,Verification link,Cause,What to do"
    );
    assert!(
        lines[1].starts_with("2,999 000 0018,1992-02-01,,,,NHS number,Registered,pid-2"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("3,,1975-08-12,Jo,Sampleton,ZZ99 3VZ,Name and postcode,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("4,,1960-04-23,Robin,,M1 1AE,,Invalid,"),
        "{}",
        lines[3]
    );
    // And the results read back as the same patients.
    let again = read_list(&bytes, today(), TestNumbers::Allowed).unwrap();
    assert_eq!(again.valid_queries(), list.valid_queries());
}

#[test]
fn a_comma_in_a_title_line_does_not_decide_the_delimiter() {
    for text in [
        "Patient list, Leeds\nNHS number;DOB\n9990000018;01/02/1992\n",
        "Patient list, Leeds\nNHS number\tDOB\n9990000018\t01/02/1992\n",
    ] {
        let list = read(text);
        assert_ne!(list.delimiter, Delimiter::Comma, "{text:?}");
        assert_eq!(list.title_rows, Some(1..=1));
        assert_eq!(list.counts().valid, 1, "{text:?}");
    }
}

#[test]
fn results_keep_every_cell_read_whichever_trace_was_used() {
    use hero_core::batch::run::result_rows;
    let list = read(concat!(
        "NHS number,Forename,Surname,Date of birth,Postcode\n",
        "999 000 0018,Sam,Demoperson,01/02/1992,ls14ap\n",
        "999 000 001,Jo,Sampleton,12/08/1975,ZZ99 3VZ\n",
    ));
    let registered = Registration::Registered {
        patient_id: PatientId::new("pid-1"),
    };
    let results =
        std::collections::HashMap::from([(2, Ok(registered.clone())), (3, Ok(registered))]);
    let rows = result_rows(&list, &results);
    // Sent by NHS number: the names read are kept too.
    assert_eq!(
        (
            rows[0].forename.as_str(),
            rows[0].surname.as_str(),
            rows[0].postcode.as_str()
        ),
        ("Sam", "Demoperson", "LS1 4AP")
    );
    // Sent by name: the NHS number as typed is kept, so the typing error can be found.
    assert_eq!(rows[1].nhs_number, "999 000 001");
    assert_eq!(rows[1].trace, Some(hero_core::patient::Trace::Demographics));
}
