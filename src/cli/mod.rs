//! The command line: the same client and rules as the window.

mod batch;
mod check;
mod choices;
mod connect;
mod invite;
mod machine;
mod message;
mod outcome;
mod patient;
mod register;
mod sandbox;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Environment;
use outcome::print_outcome;
use register::TypedPatient;

pub const EXIT_INVALID: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_NO_ANSWER: u8 = 4;

// No `Debug`: the arguments hold patient details.
#[derive(Parser)]
#[command(
    name = "hero-intake",
    version,
    about = "Register patients with Hero Health (NHS PDS trace). With no command, opens the window.",
    after_help = variables_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// A patient list (CSV) to open in the window, as "Import list…" would.
    pub list: Option<std::path::PathBuf>,
}

/// The variables every command (and the window) reads, for `--help`.
fn variables_help() -> String {
    use crate::config::env_vars::{
        HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID, HERO_RENDERER,
    };
    format!(
        "Environment variables (they win over the window's Settings, unless your practice's IT locked them):
  {HERO_API_KEY}            the Hero API key, instead of the one in the keychain
  {HERO_PRACTICE_GROUP_ID}  the practice group ID
  {HERO_BASE_URL}           a Hero server of your own (https://); makes the environment Custom
  {HERO_RENDERER}           the window only: glow or wgpu, to force a renderer"
    )
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

/// `--channel`: Hero's `message_type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    Sms,
    Email,
    #[value(name = "nhs_app")]
    NhsApp,
}

impl From<ChannelArg> for crate::api::Channel {
    fn from(arg: ChannelArg) -> Self {
        match arg {
            ChannelArg::Sms => Self::Sms,
            ChannelArg::Email => Self::Email,
            ChannelArg::NhsApp => Self::NhsApp,
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
        /// Also read back who was matched (name, date of birth, masked contacts) and
        /// check it against what was typed: a second request.
        #[arg(long)]
        details: bool,
    },
    /// Read back the patient Hero holds under a patient ID: name, date of birth, NHS
    /// number, masked contacts, and what needs a second look.
    Patient {
        patient_id: String,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
    },
    /// Send a registered patient a message. Reads the patient back first: a deceased
    /// record, or a restricted one the practice's settings don't allow, is refused
    /// (exit 2) and nothing is sent. Never sent twice: when it may or may not have
    /// gone, the outcome is "unknown" (exit 4): check in Hero before sending again.
    Message {
        patient_id: String,
        /// The message text.
        #[arg(long)]
        text: String,
        #[arg(long, value_enum, default_value = "sms")]
        channel: ChannelArg,
        /// Another UK mobile number (SMS) or email address (email), instead of the
        /// contact on the patient's record.
        #[arg(long)]
        to: Option<String>,
        /// Ask Hero to write the message to the patient's record (after Hero's approval).
        #[arg(long)]
        write_to_record: bool,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
    },
    /// List the practice's appointment types (ID and name).
    AppointmentTypes {
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
    },
    /// List the locations set up for online booking (ID and name).
    Locations {
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
    },
    /// Make a booking link for a registered patient and, with --send-sms, send it to
    /// the mobile on their record. Same safety rules as `message`.
    Invite {
        patient_id: String,
        /// An appointment type's name (any case) or ID.
        #[arg(long)]
        appointment_type: String,
        /// A location's name (any case) or ID.
        #[arg(long)]
        location: String,
        /// The last day the link works, YYYY-MM-DD (default: in 14 days).
        #[arg(long)]
        expires: Option<String>,
        /// How many bookings the link allows.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Also send the link by SMS with the "invite" template.
        #[arg(long)]
        send_sms: bool,
        /// With --send-sms: a template's name, or a template's own text.
        #[arg(long, requires = "send_sms")]
        text: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        environment: Option<EnvironmentArg>,
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
        /// Also read back each registered patient: the name on Hero's record and the
        /// checks go into the results (a second request per patient).
        #[arg(long)]
        details: bool,
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

pub fn run(command: CliCommand, runtime: &tokio::runtime::Runtime) -> ExitCode {
    let command = match run_next_step(command, runtime) {
        Ok(code) => return code,
        Err(other) => other,
    };
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
            details,
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
            let outcome = runtime.block_on(register::register(
                &patient,
                &dob,
                environment.map(Environment::from),
                allow_bad_check_digit,
                details,
            ));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Patient {
            patient_id,
            json,
            environment,
        } => {
            let outcome = runtime.block_on(patient::patient(
                &patient_id,
                environment.map(Environment::from),
            ));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        // Run by `run_next_step` above; never here.
        CliCommand::Message { .. }
        | CliCommand::AppointmentTypes { .. }
        | CliCommand::Locations { .. }
        | CliCommand::Invite { .. } => ExitCode::from(EXIT_INVALID),
        CliCommand::Check { environment, json } => {
            let outcome = runtime.block_on(check::check(environment.map(Environment::from)));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Batch {
            file,
            out,
            json,
            environment,
            details,
        } => {
            let outcome = runtime.block_on(batch::batch(
                &file,
                out.as_deref(),
                environment.map(Environment::from),
                details,
            ));
            print_outcome(&outcome, json);
            ExitCode::from(outcome.code)
        }
        CliCommand::Sandbox { port, rate_limit } => {
            runtime.block_on(sandbox::run_sandbox(port, rate_limit))
        }
        CliCommand::WriteMachineSettings {
            environment,
            base_url,
            practice_group_id,
            locked,
            file,
        } => {
            let outcome = machine::write_machine_settings(
                file,
                [&environment, &base_url, &practice_group_id, &locked],
            );
            print_outcome(&outcome, false);
            ExitCode::from(outcome.code)
        }
    }
}

/// The next steps after a registration (`message`, the lists, `invite`); any other
/// command is handed back.
fn run_next_step(
    command: CliCommand,
    runtime: &tokio::runtime::Runtime,
) -> Result<ExitCode, CliCommand> {
    let (outcome, json) = match command {
        CliCommand::Message {
            patient_id,
            text,
            channel,
            to,
            write_to_record,
            json,
            environment,
        } => {
            let outcome = runtime.block_on(message::message(message::MessageArgs {
                patient_id,
                text,
                channel,
                to,
                write_to_record,
                environment: environment.map(Environment::from),
            }));
            (outcome, json)
        }
        CliCommand::AppointmentTypes { json, environment } => {
            let which = choices::List::AppointmentTypes;
            let outcome =
                runtime.block_on(choices::list(which, environment.map(Environment::from)));
            (outcome, json)
        }
        CliCommand::Locations { json, environment } => {
            let which = choices::List::Locations;
            let outcome =
                runtime.block_on(choices::list(which, environment.map(Environment::from)));
            (outcome, json)
        }
        CliCommand::Invite {
            patient_id,
            appointment_type,
            location,
            expires,
            uses,
            send_sms,
            text,
            json,
            environment,
        } => {
            let outcome = runtime.block_on(invite::invite(invite::InviteArgs {
                patient_id,
                appointment_type,
                location,
                expires,
                uses,
                send_sms,
                text,
                environment: environment.map(Environment::from),
            }));
            (outcome, json)
        }
        other => return Err(other),
    };
    print_outcome(&outcome, json);
    Ok(ExitCode::from(outcome.code))
}
