//! Text to records with the `csv` crate: the delimiter, rows numbered as Excel
//! numbers them, a quote never closed kept to its line, and a cell's value.

use super::columns::{MAX_TITLE_ROWS, column_named};
use super::{ListError, MAX_ROWS};

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
    pub(super) fn sniff(text: &str) -> Self {
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

/// One non-blank record of the file.
pub(super) struct Record {
    /// Excel's row number.
    pub(super) row: usize,
    pub(super) cells: Vec<String>,
    /// The record ran to the end of the file inside a quoted cell that is never closed.
    pub(super) unclosed_quote: bool,
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
pub(super) fn split_records(text: &str, delimiter: Delimiter) -> Result<Vec<Record>, ListError> {
    let mut records = Vec::new();
    let mut row = 0;
    let mut start = 0;
    while start < text.len() {
        #[cfg(test)]
        tests::BYTES_READ.with(|read| read.set(read.get() + text.len() - start));
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

/// The cell's value: trimmed, and unwrapped from quotes after a space (see
/// [`without_spaced_quotes`]) and from Excel's `="…"` keep-as-text form.
pub(super) fn cell_value(cell: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Bytes handed to the reader so far on this thread (each restart reads on from
        /// where it starts).
        pub(super) static BYTES_READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

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
    fn many_unbalanced_lines_are_read_at_most_twice() {
        // Every line's quote closes on the next, but the last never closes: each
        // restart must not read the whole rest of the file again.
        let mut text = String::from("h\n");
        for _ in 0..20_000 {
            text.push_str("a,\"b\nc\",d,\"e\n");
        }
        BYTES_READ.with(|read| read.set(0));
        let found = records(&text);
        let read = BYTES_READ.with(std::cell::Cell::get);
        assert!(
            read <= 2 * text.len(),
            "read {read} bytes of a {}-byte text",
            text.len()
        );
        assert_eq!(found.iter().filter(|r| r.unclosed_quote).count(), 1);
        assert_eq!(found.last().map(|r| r.row), Some(found.len()));

        // Every line's quote left open: still each byte read at most twice.
        let text = "a,\"b\n".repeat(20_000);
        BYTES_READ.with(|read| read.set(0));
        let found = records(&text);
        let read = BYTES_READ.with(std::cell::Cell::get);
        assert!(
            read <= 2 * text.len(),
            "read {read} bytes of {}",
            text.len()
        );
        assert_eq!(found.len(), 10_000, "each quote closes on the next line");
    }
}
