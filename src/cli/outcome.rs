//! What a command prints, where, and its exit code.

use std::io::Write;

use serde_json::json;

use super::{EXIT_INVALID, EXIT_NO_ANSWER, EXIT_REFUSED};
use crate::api::{ApiError, ErrorClass, Surface};

/// The command line's words for what to do about an error: no key to press, and the
/// settings are the environment variables (or the window's).
pub(super) const COMMAND_LINE: Surface = Surface {
    send_again: "run the command again",
    try_again: "run the command again",
    key_is: "(HERO_API_KEY, or the key saved in the window's Settings)",
    group_is: "(HERO_PRACTICE_GROUP_ID, or the window's Settings)",
    server_is: "(--environment, HERO_BASE_URL, or the window's Settings)",
};

/// A result on the command line: what to print and the exit code.
#[derive(Debug)]
pub(super) struct Outcome {
    pub json: serde_json::Value,
    pub text: String,
    pub to_stderr: bool,
    pub code: u8,
}

pub(super) fn error_outcome(status: Option<u16>, cause: &str, fix: &str, code: u8) -> Outcome {
    Outcome {
        json: json!({"outcome": "error", "status": status, "cause": cause, "fix": fix}),
        text: format!("Error: {cause}\nWhat to do: {fix}"),
        to_stderr: true,
        code,
    }
}

pub(super) fn usage_error(cause: &str, fix: &str) -> Outcome {
    error_outcome(None, cause, fix, EXIT_INVALID)
}

pub(super) fn print_outcome(outcome: &Outcome, as_json: bool) {
    // A closed pipe is not worth a panic; the exit code still tells.
    if as_json {
        let _ = writeln!(std::io::stdout(), "{}", outcome.json);
    } else if outcome.to_stderr {
        let _ = writeln!(std::io::stderr(), "{}", outcome.text);
    } else {
        let _ = writeln!(std::io::stdout(), "{}", outcome.text);
    }
}

pub(super) fn api_error_outcome(error: &ApiError) -> Outcome {
    let code = match error.class() {
        ErrorClass::Refused => EXIT_REFUSED,
        ErrorClass::NoAnswer => EXIT_NO_ANSWER,
    };
    error_outcome(
        error.status(),
        &error.cause(),
        &error.fix(&COMMAND_LINE),
        code,
    )
}

#[cfg(test)]
mod tests {
    use super::COMMAND_LINE;
    use crate::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};

    #[test]
    fn the_command_line_names_the_variables_it_reads() {
        assert!(COMMAND_LINE.key_is.contains(HERO_API_KEY));
        assert!(COMMAND_LINE.group_is.contains(HERO_PRACTICE_GROUP_ID));
        assert!(COMMAND_LINE.server_is.contains(HERO_BASE_URL));
    }
}
