//! The command line: the same client and rules as the window.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::api::{ApiError, Connection, ErrorClass, HeroClient, Registration};
use crate::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use crate::config::{BaseUrl, Environment, Overrides, Resolved, SettingsFile, Source};
use crate::demographics::{Demographics, NamePart, PersonName, Postcode};
use crate::patient::{DateOfBirth, NhsNumber, PatientQuery};
use crate::sandbox::{self, DEMO_API_KEY, DEMO_PATIENTS, DEMO_PRACTICE_GROUP_ID, SandboxOptions};
use crate::secrets::{ApiKey, KeyStore, OsKeychain};

pub const EXIT_INVALID: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_NO_ANSWER: u8 = 4;

// No `Debug`: the arguments hold patient details.
#[derive(Parser)]
#[command(
    name = "hero-intake",
    version,
    about = "Register patients with Hero Health (NHS PDS trace). With no command, opens the window."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// A patient list (CSV) to open in the window, as "Import list…" would.
    pub list: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentArg {
    Demo,
    Staging,
    Production,
    Custom,
}

impl From<EnvironmentArg> for Environment {
    fn from(arg: EnvironmentArg) -> Self {
        match arg {
            EnvironmentArg::Demo => Self::Demo,
            EnvironmentArg::Staging => Self::Staging,
            EnvironmentArg::Production => Self::Production,
            EnvironmentArg::Custom => Self::Custom,
        }
    }
}

#[derive(Subcommand)]
pub enum CliCommand {
    /// Register one patient, by NHS number or (without one) by name and postcode.
    /// Uses HERO_API_KEY, HERO_PRACTICE_GROUP_ID and HERO_BASE_URL when set, otherwise
    /// the window's settings and keychain.
    Register {
        #[arg(
            long,
            required_unless_present_any = ["forename", "surname", "postcode"],
            conflicts_with_all = ["forename", "surname", "postcode"]
        )]
        nhs_number: Option<String>,
        /// Trace by name: the patient's forename (with --surname and --postcode).
        #[arg(long, requires_all = ["surname", "postcode"])]
        forename: Option<String>,
        #[arg(long, requires_all = ["forename", "postcode"])]
        surname: Option<String>,
        /// Any UK postcode, in any case and spacing: ls14ap, LS1 4AP.
        #[arg(long, requires_all = ["forename", "surname"])]
        postcode: Option<String>,
        /// Date of birth: 01/02/1992 (day first), 1 Feb 1992 or 1992-02-01.
        #[arg(long)]
        dob: String,
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Which Hero environment (default: the window's setting, else staging).
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
        /// Send a number whose check digit fails (not allowed on production).
        #[arg(long, requires = "nhs_number")]
        allow_bad_check_digit: bool,
    },
    /// Check the server address, API key and practice group ID without registering
    /// anyone. Exit 0 when all is well.
    Check {
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
        #[arg(long)]
        json: bool,
    },
    /// Register every patient in a CSV list (NHS number and date of birth columns, or
    /// forename, surname, date of birth and postcode), at the pace Hero allows. Running
    /// the same file again is safe.
    Batch {
        file: std::path::PathBuf,
        /// Write the results (one row per line of the list) to this CSV file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Print one JSON object on stdout.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
    },
    /// For installers and IT: write the machine-wide settings file that every user of
    /// this computer gets (needs administrator rights). Empty values are left out.
    WriteMachineSettings {
        /// staging, production or custom.
        #[arg(long, default_value = "")]
        environment: String,
        /// The server, for custom only (https://…).
        #[arg(long, default_value = "")]
        base_url: String,
        #[arg(long, default_value = "")]
        practice_group_id: String,
        /// 1: users can't change the environment, server or practice group.
        #[arg(long, default_value = "")]
        locked: String,
        /// Where to write (default: this computer's machine-wide settings file).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Run the built-in demo Hero API on 127.0.0.1 until Ctrl-C.
    Sandbox {
        #[arg(long, default_value_t = 8719)]
        port: u16,
        /// Allow only this many registrations per second (429 beyond it), to rehearse batches.
        #[arg(long)]
        rate_limit: Option<f64>,
    },
}

/// A result on the command line: what to print and the exit code.
#[derive(Debug)]
struct Outcome {
    json: serde_json::Value,
    text: String,
    to_stderr: bool,
    code: u8,
}

fn error_outcome(status: Option<u16>, cause: &str, fix: &str, code: u8) -> Outcome {
    Outcome {
        json: json!({"outcome": "error", "status": status, "cause": cause, "fix": fix}),
        text: format!("Error: {cause}\nWhat to do: {fix}"),
        to_stderr: true,
        code,
    }
}

fn usage_error(cause: &str, fix: &str) -> Outcome {
    error_outcome(None, cause, fix, EXIT_INVALID)
}

pub fn run(command: CliCommand, runtime: &tokio::runtime::Runtime) -> ExitCode {
    match command {
        CliCommand::Register {
            nhs_number,
            forename,
            surname,
            postcode,
            dob,
            json,
            environment,
            allow_bad_check_digit,
        } => {
            // clap has made sure it is exactly one of the two.
            let patient = match (nhs_number, forename, surname, postcode) {
                (Some(nhs_number), ..) => TypedPatient::NhsNumber(nhs_number),
                (None, forename, surname, postcode) => TypedPatient::Names {
                    forename: forename.unwrap_or_default(),
                    surname: surname.unwrap_or_default(),
                    postcode: postcode.unwrap_or_default(),
                },
            };
            let outcome = runtime.block_on(register(
                &patient,
                &dob,
                environment.map(Environment::from),
                allow_bad_check_digit,
            ));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Check { environment, json } => {
            let outcome = runtime.block_on(check(environment.map(Environment::from)));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Batch {
            file,
            out,
            json,
            environment,
        } => {
            let outcome = runtime.block_on(batch(
                &file,
                out.as_deref(),
                environment.map(Environment::from),
            ));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Sandbox { port, rate_limit } => runtime.block_on(run_sandbox(port, rate_limit)),
        CliCommand::WriteMachineSettings {
            environment,
            base_url,
            practice_group_id,
            locked,
            file,
        } => {
            let outcome = write_machine_settings(
                file,
                [&environment, &base_url, &practice_group_id, &locked],
            );
            print_outcome(&outcome, false);
            ExitCode::from(outcome.code)
        }
    }
}

/// The settings in force for a command (`config::resolve`, as in the window), or why
/// it can't run: a settings file that can't be used, or a flag or variable that
/// contradicts what IT locked (exit 2, nothing sent).
fn resolve_settings(flag: Option<Environment>) -> Result<(Resolved, Overrides), Outcome> {
    let overrides = Overrides::from_env();
    let file = SettingsFile::standard();
    let machine = file.load_machine().map_err(|problem| {
        usage_error(
            &problem.to_string(),
            "Ask your practice's IT to correct the file. Nothing was sent.",
        )
    })?;
    let (settings, problem) = file.load_checked();
    if let Some(problem) = problem {
        return Err(usage_error(
            &problem.to_string(),
            "Correct the file, or delete it to go back to the defaults. Nothing was sent.",
        ));
    }
    let resolved = crate::config::resolve(crate::config::Inputs {
        flag,
        overrides: &overrides,
        user: &settings,
        machine: machine.as_ref(),
    });
    if let Some(conflict) = resolved.conflicts.first() {
        let given = conflict.given.split(' ').next().unwrap_or_default();
        return Err(usage_error(
            &conflict.to_string(),
            &format!(
                "Leave out {given}: this computer always uses the {} your practice's IT set. Nothing was sent.",
                conflict.what
            ),
        ));
    }
    Ok((resolved, overrides))
}

/// The environment a command talks to: `--environment`, else Custom when
/// `HERO_BASE_URL` is set, else the window's settings, else IT's; IT's lock wins.
fn chosen_environment(flag: Option<Environment>) -> Result<Environment, Outcome> {
    resolve_settings(flag).map(|(resolved, _)| resolved.environment)
}

/// The connection for a command: the demo sandbox, or the configured Hero.
async fn resolve_connection(environment: Option<Environment>) -> Result<Connection, Outcome> {
    let (resolved, overrides) = resolve_settings(environment)?;
    if resolved.environment == Environment::Demo {
        return match sandbox::spawn(0, SandboxOptions::default()).await {
            Ok(running) => Ok(running.demo_connection()),
            Err(e) => Err(error_outcome(
                None,
                &format!("The demo server couldn't start: {e}"),
                "Try again.",
                EXIT_NO_ANSWER,
            )),
        };
    }
    connection_for(&resolved, &overrides).await
}

#[expect(
    clippy::too_many_lines,
    reason = "reading, confirming, running and writing a list in one place; to split with the CLI folder (issue 11)"
)]
async fn batch(
    file: &std::path::Path,
    out: Option<&std::path::Path>,
    environment: Option<Environment>,
) -> Outcome {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use std::io::IsTerminal;

    use crate::batch::run::{BatchControl, BatchUpdate, result_rows, run_batch};
    use crate::batch::{ResultOutcome, read_list, write_results};

    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            return usage_error(
                &format!("The list couldn't be read: {}", e.kind()),
                "Check the file name and that the file is not open in another program.",
            );
        }
    };
    // Chosen before reading: the list's checks depend on it (no test numbers on Production).
    let environment = match chosen_environment(environment) {
        Ok(environment) => environment,
        Err(outcome) => return outcome,
    };
    let list = match read_list(&bytes, crate::patient::today(), environment.test_numbers()) {
        Ok(list) => list,
        Err(e) => {
            return usage_error(
                &format!("The list can't be used: {e}"),
                "Save it from Excel as CSV with NHS number and date of birth columns (or Forename, Surname, Date of birth and Postcode).",
            );
        }
    };
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
        if let crate::batch::RowCheck::Invalid { reason } = &row.outcome {
            let _ = writeln!(err, "  row {}: {reason}", row.row_number);
        }
    }
    let results: Arc<Mutex<HashMap<usize, Result<Registration, ApiError>>>> = Arc::default();
    // Nothing sendable: no connection is made (no key needed, no demo server started).
    let summary = if counts.valid == 0 {
        crate::batch::run::BatchSummary {
            done: 0,
            total: 0,
            elapsed: std::time::Duration::ZERO,
            rate_limited: 0,
            cancelled: false,
        }
    } else {
        let client = match retrying_client(Some(environment)).await {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };

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
        summary
    };

    let results = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let rows = result_rows(&list, &results);
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
    let count = |o: ResultOutcome| rows.iter().filter(|r| r.outcome == o).count();
    let (registered, verification, failed, not_sent) = (
        count(ResultOutcome::Registered),
        count(ResultOutcome::VerificationRequired),
        count(ResultOutcome::Failed),
        count(ResultOutcome::NotSent),
    );
    let refused = results
        .values()
        .any(|r| matches!(r, Err(e) if e.class() == ErrorClass::Refused));
    let code = if list.counts().valid == 0 {
        // Nothing in the list could be sent: for a script, as wrong as a bad file.
        EXIT_INVALID
    } else if failed == 0 && not_sent == 0 {
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
            })
        })
        .collect();
    Outcome {
        json: json!({
            "rows_in_file": counts.total(),
            "registered": registered,
            "verification_required": verification,
            "failed": failed,
            "invalid": counts.invalid,
            "duplicates": counts.duplicate,
            "not_sent": not_sent,
            "rate_limited": summary.rate_limited,
            "elapsed_s": summary.elapsed.as_secs_f64(),
            "cancelled": summary.cancelled,
            "rows": json_rows,
        }),
        text: format!(
            "Registered {registered}, identity check needed {verification}, failed {failed}, invalid {}, duplicates {}, not sent {not_sent}, in {:.1} s.{}",
            counts.invalid,
            counts.duplicate,
            summary.elapsed.as_secs_f64(),
            out.map(|p| format!(" Results: {}", p.display()))
                .unwrap_or_default()
        ),
        to_stderr: false,
        code,
    }
}

fn print_outcome(outcome: &Outcome, as_json: bool) {
    // A closed pipe is not worth a panic; the exit code still tells.
    if as_json {
        let _ = writeln!(std::io::stdout(), "{}", outcome.json);
    } else if outcome.to_stderr {
        let _ = writeln!(std::io::stderr(), "{}", outcome.text);
    } else {
        let _ = writeln!(std::io::stdout(), "{}", outcome.text);
    }
}

/// What `register` was given to trace the patient by.
enum TypedPatient {
    NhsNumber(String),
    Names {
        forename: String,
        surname: String,
        postcode: String,
    },
}

async fn register(
    patient: &TypedPatient,
    dob_text: &str,
    environment: Option<Environment>,
    allow_bad_check_digit: bool,
) -> Outcome {
    let environment = match chosen_environment(environment) {
        Ok(environment) => environment,
        Err(outcome) => return outcome,
    };
    let allow = allow_bad_check_digit && environment.allows_check_digit_override();
    if allow_bad_check_digit && !allow {
        return usage_error(
            "--allow-bad-check-digit is not allowed on production",
            "Check the NHS number for a typing error.",
        );
    }
    let dob = DateOfBirth::parse(dob_text, crate::patient::today()).map_err(|e| {
        usage_error(
            &format!("Date of birth: {e}"),
            "Correct the date of birth; nothing was sent.",
        )
    });
    let query = match patient {
        TypedPatient::NhsNumber(nhs_text) => {
            let nhs_number = if allow {
                NhsNumber::parse_ignoring_check_digit(nhs_text, environment.test_numbers())
            } else {
                NhsNumber::parse_for(nhs_text, environment.test_numbers())
            };
            let nhs_number = match nhs_number {
                Ok(n) => n,
                Err(e) => {
                    return usage_error(
                        &format!("NHS number: {e}"),
                        "Correct the NHS number; nothing was sent.",
                    );
                }
            };
            match dob {
                Ok(dob) => PatientQuery::ByNhsNumber { nhs_number, dob },
                Err(outcome) => return outcome,
            }
        }
        TypedPatient::Names {
            forename,
            surname,
            postcode,
        } => {
            let fix = |what: &str| format!("Correct the {what}; nothing was sent.");
            let forename = match PersonName::parse(forename, NamePart::Forename) {
                Ok(name) => name,
                Err(e) => return usage_error(&e.to_string(), &fix("forename")),
            };
            let surname = match PersonName::parse(surname, NamePart::Surname) {
                Ok(name) => name,
                Err(e) => return usage_error(&e.to_string(), &fix("surname")),
            };
            let dob = match dob {
                Ok(dob) => dob,
                Err(outcome) => return outcome,
            };
            let postcode = match Postcode::parse(postcode) {
                Ok(postcode) => postcode,
                Err(e) => return usage_error(&e.to_string(), &fix("postcode")),
            };
            PatientQuery::ByDemographics(Demographics {
                forename,
                surname,
                dob,
                postcode,
            })
        }
    };

    let connection = match resolve_connection(Some(environment)).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let client = match HeroClient::new(connection) {
        Ok(c) => c,
        Err(e) => return api_error_outcome(&e),
    };
    match client.register_pds(&query).await {
        Ok(Registration::Registered { patient_id }) => Outcome {
            json: json!({"outcome": "registered", "patient_id": patient_id.as_str()}),
            text: format!("Registered with Hero. Patient ID: {}", patient_id.as_str()),
            to_stderr: false,
            code: 0,
        },
        Ok(Registration::VerificationRequired { message, login_url }) => Outcome {
            json: json!({"outcome": "verification_required", "message": message, "login_url": login_url}),
            text: format!("Identity check needed: {message}\nVerification link: {login_url}"),
            to_stderr: false,
            code: 0,
        },
        Err(e) => api_error_outcome(&e),
    }
}

async fn check(environment: Option<Environment>) -> Outcome {
    let client = match single_attempt_client(environment).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let base = client.connection().base_url.as_str().to_owned();
    let proxy = client.proxy().map(str::to_owned);
    match client.check_connection().await {
        Ok(group) => {
            let name = group.name.clone().unwrap_or_default();
            let through = proxy
                .as_ref()
                .map(|p| format!(" through the proxy {p}"))
                .unwrap_or_default();
            Outcome {
                json: json!({"outcome": "ok", "base_url": base, "proxy": proxy, "practice_group": group.name}),
                text: format!(
                    "Connected to {base}{through}: the API key and practice group ID work. {name}"
                )
                .trim_end()
                .to_owned(),
                to_stderr: false,
                code: 0,
            }
        }
        Err(e) => {
            let code = match e.class() {
                ErrorClass::Refused => EXIT_REFUSED,
                ErrorClass::NoAnswer => EXIT_NO_ANSWER,
            };
            error_outcome(
                e.status(),
                &crate::api::describe_check_failure(&e),
                &e.fix(),
                code,
            )
        }
    }
}

/// A client that retries as a single registration does (the batch follows its policy
/// for transient faults).
async fn retrying_client(environment: Option<Environment>) -> Result<HeroClient, Outcome> {
    let connection = resolve_connection(environment).await?;
    HeroClient::new(connection).map_err(|e| api_error_outcome(&e))
}

/// A client that makes one attempt per call: for a question that needs a quick answer.
async fn single_attempt_client(environment: Option<Environment>) -> Result<HeroClient, Outcome> {
    let connection = resolve_connection(environment).await?;
    HeroClient::with_options(
        connection,
        crate::api::Timeouts::default(),
        crate::api::RetryPolicy::none(),
    )
    .map_err(|e| api_error_outcome(&e))
}

fn api_error_outcome(error: &ApiError) -> Outcome {
    let code = match error.class() {
        ErrorClass::Refused => EXIT_REFUSED,
        ErrorClass::NoAnswer => EXIT_NO_ANSWER,
    };
    error_outcome(error.status(), &error.cause(), &error.fix(), code)
}

async fn connection_for(resolved: &Resolved, overrides: &Overrides) -> Result<Connection, Outcome> {
    let environment = resolved.environment;
    let base_url = BaseUrl::parse(&resolved.base_url).map_err(|e| {
        let fix = match resolved.base_url_source {
            Source::Variable(_) => {
                format!(
                    "Set {HERO_BASE_URL} to an https:// address (http:// only to this computer)."
                )
            }
            _ => format!(
                "Set {HERO_BASE_URL}, or enter the server address in the window's Settings."
            ),
        };
        usage_error(&format!("Base URL: {e}"), &fix)
    })?;
    let api_key = match &overrides.api_key {
        Some(text) => ApiKey::parse(text).map_err(|e| {
            usage_error(
                &format!("{HERO_API_KEY}: {e}"),
                &format!("Set {HERO_API_KEY} to the key from Hero."),
            )
        })?,
        None => {
            let lookup = tokio::task::spawn_blocking(move || OsKeychain::new().load(environment))
                .await
                .unwrap_or(Err(crate::secrets::KeyStoreError::Unavailable));
            match lookup {
                Ok(Some(key)) => key,
                Ok(None) => {
                    return Err(usage_error(
                        &format!("No API key for {environment}"),
                        &format!("Set {HERO_API_KEY}, or save the key in the window's Settings."),
                    ));
                }
                Err(e) => {
                    return Err(usage_error(
                        &e.to_string(),
                        &format!("Set {HERO_API_KEY} instead."),
                    ));
                }
            }
        }
    };
    let practice_group_id = resolved.practice_group_id.clone();
    if practice_group_id.is_empty() {
        return Err(usage_error(
            "No practice group ID",
            &format!("Set {HERO_PRACTICE_GROUP_ID}, or enter it in the window's Settings."),
        ));
    }
    Ok(Connection {
        base_url,
        api_key,
        practice_group_id,
    })
}

fn write_machine_settings(file: Option<std::path::PathBuf>, values: [&str; 4]) -> Outcome {
    let Some(path) = file.or_else(crate::config::standard_machine_file) else {
        return usage_error(
            "This system has no machine-wide settings file",
            "Give the file with --file.",
        );
    };
    let [environment, base_url, group, locked] = values;
    match crate::config::write_machine_file(&path, environment, base_url, group, locked) {
        Ok(written) => {
            let environment = written
                .environment
                .map_or("no environment", Environment::label);
            let group = written
                .practice_group_id
                .map(|g| format!(", practice group {g}"))
                .unwrap_or_default();
            let lock = if written.locked {
                ", locked"
            } else {
                ", not locked"
            };
            Outcome {
                json: json!({"outcome": "ok"}),
                text: format!("Wrote {}: {environment}{group}{lock}.", path.display()),
                to_stderr: false,
                code: 0,
            }
        }
        Err(what) => usage_error(
            &format!("The machine-wide settings were not written: {what}"),
            "Correct the value; the file was left as it was.",
        ),
    }
}

async fn run_sandbox(port: u16, rate_limit: Option<f64>) -> ExitCode {
    let options = SandboxOptions {
        rate_limit_per_second: rate_limit.filter(|r| *r > 0.0),
        ..SandboxOptions::default()
    };
    let running = match sandbox::spawn(port, options).await {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "The sandbox couldn't listen on 127.0.0.1:{port}: {e}"
            );
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Hero demo sandbox listening on {}",
        running.base_url.as_str()
    );
    let _ = writeln!(
        out,
        "  {HERO_BASE_URL}={} {HERO_API_KEY}={DEMO_API_KEY} {HERO_PRACTICE_GROUP_ID}={DEMO_PRACTICE_GROUP_ID}",
        running.base_url.as_str()
    );
    let _ = writeln!(out, "Demo patients:");
    for p in DEMO_PATIENTS {
        let _ = writeln!(out, "  {}  {}  {}", p.nhs_number, p.dob, p.what_happens);
    }
    let _ = writeln!(out, "Press Ctrl-C to stop.");
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
