//! Settings that persist between runs (never a secret, never patient data), the
//! environments, and the rule for acceptable base URLs.
//!
//! `environment` and `base_url` are the values; `settings` the user's own file;
//! `machine` the machine-wide file from the practice's IT; `resolve` the one decision
//! of which of them (and the flag and variables) is in force; `connection` what a
//! registration is then sent with, or why nothing can be.

mod base_url;
mod connection;
pub mod env_vars;
mod environment;
mod machine;
mod messaging;
mod resolve;
mod settings;

pub use base_url::{BaseUrl, BaseUrlError};
pub use connection::{ConnectionProblem, KeyOnHand, connection};
pub use environment::{Environment, PRODUCTION_URL, STAGING_URL};
pub use machine::{MachineSettings, standard_machine_file, write_machine_file};
pub use messaging::{Messaging, MessagingFile, messaging};

/// [`env_vars::HERO_INTAKE_MACHINE_SETTINGS`] under its earlier name.
pub use env_vars::HERO_INTAKE_MACHINE_SETTINGS as MACHINE_FILE_OVERRIDE_VAR;
pub use resolve::{Inputs, LockConflict, Overrides, Resolved, Source, resolve};
pub use settings::{FileProblem, Settings, SettingsFile, ThemeChoice, WhichFile};
