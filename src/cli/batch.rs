//! `hero-intake batch`: a list read, run at the pace Hero allows, and written back.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::connect::{chosen_environment, retrying_client};
use super::outcome::{Outcome, error_outcome, usage_error};
use super::{EXIT_INVALID, EXIT_NO_ANSWER, EXIT_REFUSED};
use crate::api::{ApiError, ErrorClass, HeroClient, PatientId, Registration};
use crate::batch::run::{BatchControl, BatchSummary, BatchUpdate, result_rows, run_batch};
use crate::batch::{
    BatchList, ResultOutcome, ResultRow, RowCheck, RowDetails, read_list, write_results,
};
use crate::config::Environment;
use crate::matched::Warning;

type Results = HashMap<usize, Result<Registration, ApiError>>;

pub(super) async fn batch(
    file: &std::path::Path,
    out: Option<&std::path::Path>,
    environment: Option<Environment>,
    details: bool,
) -> Outcome {
    let (list, environment) = match read(file, environment) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    // Nothing sendable: no connection is made (no key needed, no demo server started).
    let (summary, results, client) = if list.counts().valid == 0 {
        (BatchSummary::default(), Results::new(), None)
    } else {
        match retrying_client(Some(environment)).await {
            Ok(client) => {
                let (summary, results) = send(client.clone(), &list).await;
                (summary, results, Some(client))
            }
            Err(outcome) => return outcome,
        }
    };
    let mut rows = result_rows(&list, &results);
    if let (true, Some(client)) = (details, &client) {
        read_back(client, &list, &mut rows).await;
    }
    if let Some(out) = out
        && let Err(e) = std::fs::write(out, write_results(&rows))
    {
        return error_outcome(
            None,
            &format!("The results file couldn't be written: {}", e.kind()),
            "Choose another place for --out.",
            EXIT_NO_ANSWER,
        );
    }
    summarise(&list, &rows, &results, &summary, out)
}

/// Reads and checks the list, and says on stderr what it holds and which rows can't be sent.
fn read(
    file: &std::path::Path,
    environment: Option<Environment>,
) -> Result<(BatchList, Environment), Outcome> {
    let bytes = std::fs::read(file).map_err(|e| {
        usage_error(
            &format!("The list couldn't be read: {}", e.kind()),
            "Check the file name and that the file is not open in another program.",
        )
    })?;
    // Chosen before reading: the list's checks depend on it (no test numbers on Production).
    let environment = chosen_environment(environment)?;
    let list = read_list(&bytes, crate::patient::today(), environment.test_numbers())
        .map_err(|e| {
            usage_error(
                &format!("The list can't be used: {e}"),
                "Save it from Excel as CSV with NHS number and date of birth columns (or Forename, Surname, Date of birth and Postcode).",
            )
        })?;
    let counts = list.counts();
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "{} rows: {} to send, {} invalid, {} duplicates (sent once)",
        counts.total(),
        counts.valid,
        counts.invalid,
        counts.duplicate
    );
    if let Some(note) = list.title_rows_note() {
        let _ = writeln!(err, "  {note}");
    }
    for row in &list.rows {
        if let RowCheck::Invalid { reason } = &row.outcome {
            let _ = writeln!(err, "  row {}: {reason}", row.row_number);
        }
    }
    Ok((list, environment))
}

/// Sends the list's valid rows, with a progress bar on a terminal; Ctrl-C stops it.
async fn send(client: crate::api::HeroClient, list: &BatchList) -> (BatchSummary, Results) {
    let rows = list.valid_queries();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(rows.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let control = BatchControl::default();
    let ctrl_c = control.clone();
    let stop_on_ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let results: Arc<Mutex<Results>> = Arc::default();
    let (sink, progress_bar) = (results.clone(), bar.clone());
    let summary = run_batch(client, rows, control, move |update| match update {
        BatchUpdate::Row { row_number, result } => {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(row_number, result);
        }
        BatchUpdate::Progress(p) => {
            progress_bar.set_position(p.done as u64);
            if p.rate_limited > 0 {
                progress_bar.set_message(format!(
                    "(Hero asked to slow down {} times)",
                    p.rate_limited
                ));
            }
        }
    })
    .await;
    stop_on_ctrl_c.abort();
    bar.finish_and_clear();
    let results = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
    (summary, results)
}

/// `--details`: each registered row's patient read back, one at a time, after the run
/// (so the list's pace is Hero's registrations' alone). A failure is the row's check.
async fn read_back(client: &HeroClient, list: &BatchList, rows: &mut [ResultRow]) {
    for row in rows.iter_mut() {
        let typed = list.rows.iter().find_map(|r| match &r.outcome {
            RowCheck::Valid(query) if r.row_number == row.row_number => Some(query),
            _ => None,
        });
        let id = row.patient_id.as_deref().and_then(PatientId::parse);
        let (Some(typed), Some(id), ResultOutcome::Registered) = (typed, id, row.outcome) else {
            continue;
        };
        let (name_on_record, warnings) = match client.patient_details(&id).await {
            Ok(matched) => (
                matched.full_name().unwrap_or_default(),
                matched.warnings(Some(typed)),
            ),
            Err(reason) => (String::new(), vec![Warning::DetailsUnavailable { reason }]),
        };
        let checks: Vec<String> = warnings.iter().map(Warning::message).collect();
        row.details = Some(RowDetails {
            name_on_record,
            checks: checks.join(" "),
        });
    }
}

/// The counts, the exit code, and one JSON row per line of the list.
fn summarise(
    list: &BatchList,
    rows: &[ResultRow],
    results: &Results,
    summary: &BatchSummary,
    out: Option<&std::path::Path>,
) -> Outcome {
    let counts = list.counts();
    let count = |o: ResultOutcome| rows.iter().filter(|r| r.outcome == o).count();
    let (registered, verification, failed, not_sent) = (
        count(ResultOutcome::Registered),
        count(ResultOutcome::VerificationRequired),
        count(ResultOutcome::Failed),
        count(ResultOutcome::NotSent),
    );
    let not_reached = count(ResultOutcome::NotReached);
    let refused = results
        .values()
        .any(|r| matches!(r, Err(e) if e.class() == ErrorClass::Refused));
    let code = if counts.valid == 0 {
        // Nothing in the list could be sent: for a script, as wrong as a bad file.
        EXIT_INVALID
    } else if failed == 0 && not_sent == 0 && not_reached == 0 {
        0
    } else if refused {
        EXIT_REFUSED
    } else {
        EXIT_NO_ANSWER
    };
    let json_rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            json!({
                "row": r.row_number,
                "outcome": r.outcome.label(),
                "patient_id": r.patient_id,
                "login_url": r.login_url,
                "cause": (!r.cause.is_empty()).then_some(&r.cause),
                "name_on_record": r.details.as_ref().map(|d| &d.name_on_record),
                "checks": r.details.as_ref().map(|d| &d.checks),
            })
        })
        .collect();
    Outcome {
        json: json!({
            "rows_in_file": counts.total(),
            "registered": registered,
            "verification_required": verification,
            "failed": failed,
            "not_reached": not_reached,
            "invalid": counts.invalid,
            "duplicates": counts.duplicate,
            "not_sent": not_sent,
            "rate_limited": summary.rate_limited,
            "elapsed_s": summary.elapsed.as_secs_f64(),
            "cancelled": summary.cancelled,
            "rows": json_rows,
        }),
        text: format!(
            "Registered {registered}, identity check needed {verification}, failed {failed}, not reached {not_reached}, invalid {}, duplicates {}, not sent {not_sent}, in {:.1} s.{}{}",
            counts.invalid,
            counts.duplicate,
            summary.elapsed.as_secs_f64(),
            out.map(|p| format!(" Results: {}", p.display()))
                .unwrap_or_default(),
            if not_reached > 0 {
                format!(
                    "\n{not_reached} row(s) failed because Hero couldn't be reached (\"{}\" in the results): running the same list again sends them, and is safe — rows already registered only get the same patient ID back.",
                    ResultOutcome::NotReached.label()
                )
            } else {
                String::new()
            }
        ),
        to_stderr: false,
        code,
    }
}
