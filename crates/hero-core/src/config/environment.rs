//! The environments (Demo, Staging, Production, a custom server) and what each allows.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::patient::TestNumbers;

pub const STAGING_URL: &str = "https://api.staging.htech.app";
pub const PRODUCTION_URL: &str = "https://api.herohealth.net";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Environment {
    /// The built-in sandbox: no real patients, no credentials needed.
    Demo,
    Staging,
    Production,
    Custom,
}

impl Environment {
    pub const ALL: [Environment; 4] = [Self::Demo, Self::Staging, Self::Production, Self::Custom];

    pub fn label(self) -> &'static str {
        match self {
            Self::Demo => "Demo",
            Self::Staging => "Staging",
            Self::Production => "Production",
            Self::Custom => "Custom",
        }
    }

    /// The word on the always-visible marker.
    pub fn marker(self) -> &'static str {
        match self {
            Self::Demo => "DEMO — not real patients",
            Self::Staging => "STAGING — test system",
            Self::Production => "PRODUCTION — live patients",
            Self::Custom => "CUSTOM SERVER",
        }
    }

    /// The name on the command line and in the machine-wide file.
    pub fn name(self) -> &'static str {
        self.keychain_user()
    }

    pub fn keychain_user(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Staging => "staging",
            Self::Production => "production",
            Self::Custom => "custom",
        }
    }

    pub fn fixed_url(self) -> Option<&'static str> {
        match self {
            Self::Staging => Some(STAGING_URL),
            Self::Production => Some(PRODUCTION_URL),
            Self::Demo | Self::Custom => None,
        }
    }

    /// Whether a number with a failed check digit may be sent after confirmation.
    /// Only on test systems: on production (or an unknown custom server) it can only
    /// be a typing error.
    pub fn allows_check_digit_override(self) -> bool {
        matches!(self, Self::Staging | Self::Demo)
    }

    /// Test-range NHS numbers reach no real patient, so the live service never gets one.
    pub fn test_numbers(self) -> TestNumbers {
        match self {
            Self::Production => TestNumbers::Refused,
            Self::Demo | Self::Staging | Self::Custom => TestNumbers::Allowed,
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
