//! `hero-intake write-machine-settings`: for installers and IT.

use serde_json::json;

use super::outcome::{Outcome, usage_error};
use crate::config::Environment;

pub(super) fn write_machine_settings(
    file: Option<std::path::PathBuf>,
    values: [&str; 4],
) -> Outcome {
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
